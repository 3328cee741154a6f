/* incidents.h — incident use cases (REQUIREMENTS §2–§6): register, regrade,
 * reports, acknowledgements, activation, closure, review, case library, and
 * the deadline handler the scheduler calls.  Each runs in one write
 * transaction that also writes the timeline, audit entry, outbox messages
 * and deadlines.  Rules come from src/core/incident.h. */
#ifndef OD_APP_INCIDENTS_H
#define OD_APP_INCIDENTS_H

#include "app/app.h"
#include "core/incident.h"

typedef struct od_incident_input {
    const char *title, *location, *symptoms, *impact_scope;
    json_t *ci_ids;       /* array of integers (borrowed) */
    const char *severity; /* NULL → provisional severe */
    int64_t detected_at;  /* 0 → now */
    bool drill;
    bool from_event; /* opened by the event pipeline: the desk is told at once */
    /* seed 000 ch. 7 §1 item 3 (就高原则): the levels the incident may be
     * while it cannot be determined ("L1".."NG", borrowed, may be NULL);
     * with them ci_ids may be empty */
    json_t *candidate_levels;
    /* seed 000 ch. 8 §1: the handling department (NULL or "" = the policy's
     * duties.handling_department) */
    const char *handling_department;
    /* the drill record simulating this incident (app/drills.h), 0 = none:
     * linked before any message, so that a sandbox drill's messages reach
     * only its participants */
    int64_t drill_record_id;
} od_incident_input;

OD_NODISCARD od_err od_incident_create(od_app *a, const od_principal *who, const od_incident_input *in,
                                       json_t **out, od_error *e);
/* The same inside a write transaction the caller owns (the event
 * pipeline): writes everything od_incident_create writes; the caller commits
 * (then wakes the scheduler and dispatcher) or rolls back.  *out_id = the
 * new incident's id (0 on error). */
OD_NODISCARD od_err od_incident_create_in(od_app *a, od_tx *tx, const od_principal *who,
                                          const od_incident_input *in, int64_t *out_id, od_error *e);
OD_NODISCARD od_err od_incident_get(od_app *a, const od_principal *who, int64_t id, json_t **out,
                                    od_error *e);
/* Who a first report graded as g would reach, role by role, for a CI of
 * `department` ("" = none): a new array [{"role", "people": [display
 * names]}], a role nobody holds with an empty list — so that the desk sees
 * the names, and a gap, before saving (R-NOT-1). */
OD_NODISCARD od_err od_grading_people(od_app *a, const od_grading *g, const char *department, json_t **out,
                                      od_error *e);
/* What a list of incidents asks for: each filter NULL or "" = any. */
typedef struct od_incident_query {
    const char *state, *level, *response, *q;
    int drill;            /* -1 = both, 0 = real ones, 1 = drills */
    bool awaiting_my_ack; /* only open ones where the reader is a recipient yet to acknowledge */
    bool owned_by_me;     /* only those the reader owns */
    int64_t limit, offset;
    int64_t before_id; /* keyset cursor: only ids below it (0 = from the newest) */
    /* the order: NULL, "" or "-id" = newest first (the default, paged by
     * before_id); "id" (oldest first), "detected_at", "-detected_at",
     * "level" (L1 first), "-level" (NG first), each paged by `after`, the
     * opaque next_after of the page before ("<key>.<id>") */
    const char *sort, *after;
} od_incident_query;

/* The text q (number, title, symptoms or a CI's name holding it, ASCII case
 * ignored) is looked up in a full-text index when it has
 * od_store_text_index_min characters or more (SQLite: 2 — migration 0030's
 * trigrams for 3 or more, 0052's pairs for exactly 2, a Chinese word such as
 * 网络; PostgreSQL: 3); a shorter q is a substring match over the rows the
 * other filters give (a scan when it matches rarely). */
/* A page of the incidents who may see: {items, total, limit, offset}. */
OD_NODISCARD od_err od_incident_list(od_app *a, const od_principal *who, const od_incident_query *qry,
                                     json_t **out, od_error *e);
/* body: {"severity"?, "ci_ids"?, "response_level"?, "reason"?} (shape-checked by the caller) */
OD_NODISCARD od_err od_incident_regrade(od_app *a, const od_principal *who, int64_t id, json_t *body,
                                        json_t **out, od_error *e);
/* body: {"kind", ...fields of that kind} (shape-checked by the caller) */
OD_NODISCARD od_err od_incident_report(od_app *a, const od_principal *who, int64_t id, json_t *body,
                                       json_t **out, od_error *e);
OD_NODISCARD od_err od_incident_activate(od_app *a, const od_principal *who, int64_t id, json_t **out,
                                         od_error *e);
/* The same, recording that the activation used emergency plan plan_id (its
 * newest published version; app/plans.h od_plan_activation_in: 422 naming
 * plan_id otherwise, and nothing changes). */
OD_NODISCARD od_err od_incident_activate_plan(od_app *a, const od_principal *who, int64_t id, int64_t plan_id,
                                              json_t **out, od_error *e);
OD_NODISCARD od_err od_incident_close(od_app *a, const od_principal *who, int64_t id, json_t **out,
                                      od_error *e);
OD_NODISCARD od_err od_incident_ack(od_app *a, const od_principal *who, int64_t id, json_t **out,
                                    od_error *e);
/* R-NOT-4 acknowledgement through a link (src/app/acklink.c), inside the
 * caller's write transaction: checks the lifecycle (OD_E_CONFLICT when the
 * incident no longer takes acknowledgements) and that who is a recipient
 * (OD_E_FORBIDDEN); records via "link" with detail (borrowed, may be NULL)
 * in the timeline and audit.  *already: the recipient had acknowledged
 * before (nothing written).  No scope check: the link is the credential. */
OD_NODISCARD od_err od_incident_ack_tx(od_tx *tx, const od_principal *who, int64_t id, json_t *detail,
                                       int64_t now, bool *already, od_error *e);
OD_NODISCARD od_err od_incident_review(od_app *a, const od_principal *who, int64_t id, json_t *body,
                                       json_t **out, od_error *e);
/* An internal work note (incident_notes.c): a timeline entry of kind
 * "note" that notifies nobody; OD_E_FORBIDDEN for who may neither report
 * nor lead; *out: the incident as od_incident_get gives it. */
/* Seed 000 ch. 8 §1: changes the handling department (who leads the
 * review), with a reason; decided by the authority of the highest level
 * reached (core/duties.h od_handling_change_check); audited; the heads of
 * both departments are told. */
OD_NODISCARD od_err od_incident_set_handling(od_app *a, const od_principal *who, int64_t id,
                                             const char *department, const char *reason, json_t **out,
                                             od_error *e);
OD_NODISCARD od_err od_incident_note(od_app *a, const od_principal *who, int64_t id, const char *text,
                                     json_t **out, od_error *e);
/* Sets the incident's owner (负责人; user_id 0 clears it): an enabled account
 * that may report on or lead incidents, else OD_E_UNPROCESSABLE naming
 * user_id; a timeline entry and an audit entry (incident_notes.c). */
OD_NODISCARD od_err od_incident_set_owner(od_app *a, const od_principal *who, int64_t id, int64_t user_id,
                                          json_t **out, od_error *e);
/* The incident report (R-PIR-2, R-PIR-3): format "md" or "html"; *out is malloc'd. */
OD_NODISCARD od_err od_incident_export(od_app *a, const od_principal *who, int64_t id, const char *format,
                                       char **out, od_error *e);
/* What a case library search asks for: each filter NULL or "" = any. */
typedef struct od_case_query {
    const char *q, *level, *category;
    int64_t limit, offset;
} od_case_query;

/* A page of the case library (R-PIR-2) as far as who may see it (a case
 * of an incident outside who's department scopes is not shown nor
 * counted, R-SEC-SYS-2): {items, total, limit, offset}. */
OD_NODISCARD od_err od_cases_search(od_app *a, const od_principal *who, const od_case_query *qry,
                                    json_t **out, od_error *e);

/* Scheduler entry: claims the next due deadline row and fires it, in one
 * write transaction (docs/deploy/cluster.md): the row is chosen by the
 * database clock (with a manual test clock, by `now`) and, on PostgreSQL,
 * locked with SKIP LOCKED, so two nodes never take the same row; its
 * incident is locked, the row re-checked and marked fired (one changed row
 * or nothing is written).  *id is the row taken (0: none was due); *fired
 * whether it fired (false: it was no longer due, or fired elsewhere).
 * `horizon` (>= now): where the clock is going in the same step (see
 * od_app_run_due); a periodic row that would repeat before it is moved
 * there.  On an error *id names the row (0 when none was taken yet).  The
 * caller signals OD_COMMIT_OUTBOX once for a batch of rows. */
OD_NODISCARD od_err od_incident_fire_next(od_app *a, int64_t now, int64_t horizon, int64_t *id, bool *fired,
                                          od_error *e);

#endif
