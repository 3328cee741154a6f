/* known_errors.h — the known-error database (research/modules-spec.md
 * §M2.6, §M2.8, §M2.12; docs/known-errors.md): known errors as records of
 * kind known_error (KE-<year>-NNNNNN) with their typed row (symptoms, root
 * cause, workaround, permanent solution, problem, match rules in the event
 * policy's matcher syntax, published flag, use count), their CIs, the
 * shared full-text search, matching against incidents and events, the use
 * of a workaround on an incident, and the proactive problem candidates.
 * Each write is one transaction with its timeline and audit entries.
 * Visibility: a known error is seen by a principal whose scope covers its
 * department (R-SEC-SYS-2); out of scope is OD_E_NOT_FOUND. */
#ifndef OD_APP_KNOWN_ERRORS_H
#define OD_APP_KNOWN_ERRORS_H

#include "app/app.h"

/* body (shape-checked by the caller): title (required on create),
 * department, symptoms, root_cause, workaround, solution (strings),
 * problem_id (integer or null: a record of kind problem), ci_ids [integers:
 * existing CIs], match_rules [strings: matchers], published (bool);
 * update: version (required).  A match rule that does not parse is
 * OD_E_UNPROCESSABLE naming its position (field "match_rules[i]"), and
 * nothing is written.  Update: a stale version is OD_E_CONFLICT naming
 * both. */
OD_NODISCARD od_err od_ke_create(od_app *a, const od_principal *who, json_t *body, json_t **out, od_error *e);
OD_NODISCARD od_err od_ke_update(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                                 od_error *e);
OD_NODISCARD od_err od_ke_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);

/* Filters of a list or search; NULL/"" or 0 = any; published -1 = any. */
typedef struct od_ke_query {
    const char *q;
    int64_t ci_id, event_id;
    int published;
    int64_t limit, offset;
} od_ke_query;
/* GET /known-errors: full known errors, newest first, {items, total, limit, offset}. */
OD_NODISCARD od_err od_ke_list(od_app *a, const od_principal *who, const od_ke_query *q, json_t **out,
                               od_error *e);
/* GET /known-errors/search: hits of q (search.h) with a snippet; event_id:
 * only those matching that event (published ones). */
OD_NODISCARD od_err od_ke_search(od_app *a, const od_principal *who, const od_ke_query *q, json_t **out,
                                 od_error *e);

/* The published known errors matching an incident or an event who may
 * see (core/known_error.h), with their workaround, oldest first: {items,
 * total, limit, offset}. */
OD_NODISCARD od_err od_ke_for_incident(od_app *a, const od_principal *who, int64_t incident_id, int64_t limit,
                                       int64_t offset, json_t **out, od_error *e);
OD_NODISCARD od_err od_ke_for_event(od_app *a, const od_principal *who, int64_t event_id, int64_t limit,
                                    int64_t offset, json_t **out, od_error *e);
/* Applies the workaround of published known error ke_id on the incident:
 * once per pair (a second time writes nothing: "already": true); records a
 * use, a timeline entry on both records, an audit entry, and links the
 * incident to the known error's problem (caused_by) when it has one and
 * the link does not exist yet. */
OD_NODISCARD od_err od_ke_apply(od_app *a, const od_principal *who, int64_t incident_id, int64_t ke_id,
                                json_t **out, od_error *e);
/* od_ke_apply inside a transaction the caller began (the incident group
 * commit, app/incident_group.h): nothing committed or rolled back here. */
OD_NODISCARD od_err od_ke_apply_in(od_app *a, od_tx *tx, const od_principal *who, int64_t incident_id,
                                   int64_t ke_id, json_t **out, od_error *e);

/* An event whose incident rule says `problem: true` (R-EVT-2): inside the
 * ingestion's transaction, after the event opened or attached incident
 * incident_id on CI ci_id — the open problem of that CI (its record's CIs,
 * not closed) gets the incident, else a new problem is created (system
 * actor) with the CI; the incident's record is linked caused_by (once) and
 * the problem's timeline names the rule.  *problem_id: the problem. */
OD_NODISCARD od_err od_ke_event_problem(od_app *a, od_tx *tx, int64_t incident_id, int64_t ci_id,
                                        const char *rule, const char *summary, int64_t now,
                                        int64_t *problem_id, od_error *e);

/* ---- proactive problem candidates (§M2.12) ---- */
/* The daily job: proposes a candidate for every CI or event rule over an
 * enabled rule of the policy's problem_candidates (core/problem_rule.h;
 * drills excluded): ci_recurrence (incidents on one CI), r1_recurrence
 * (incidents that reached R1 on one CI), event_rule_recurrence (incidents
 * opened by one event rule; key "rule:<name>", every CI of its incidents);
 * not for a CI with an open problem (an event rule: when every one of its
 * CIs has one); never twice for the same CI or event rule (a unique key:
 * several nodes running it at once propose each once).  *created: how many
 * were new. */
OD_NODISCARD od_err od_pc_scan(od_app *a, int64_t now, int64_t *created, od_error *e);
/* The daily job (the scheduler's thread asks every hour): runs the scan
 * when the last one (any node's, kept in meta) is a day old or more.  Two
 * nodes racing both scan; the unique CI key proposes each candidate once. */
#define OD_PC_SCAN_EVERY_MS (24LL * 3600 * 1000)
OD_NODISCARD od_err od_pc_daily(od_app *a, int64_t now, int64_t *created, od_error *e);
/* The list envelope plus "rules": the policy's rules by key, {enabled,
 * min_incidents, within_days} (the screen's texts). */
OD_NODISCARD od_err od_pc_list(od_app *a, const char *state, int64_t limit, int64_t offset, json_t **out,
                               od_error *e);
/* Accepting an open candidate creates a problem record (title given or
 * made), its CIs, and caused_by links from every incident of the
 * candidate; dismissing closes it.  Not open: OD_E_CONFLICT. */
OD_NODISCARD od_err od_pc_accept(od_app *a, const od_principal *who, int64_t id, const char *title,
                                 json_t **out, od_error *e);
OD_NODISCARD od_err od_pc_dismiss(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);

#endif
