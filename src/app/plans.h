/* plans.h — the emergency-plan module's use cases (应急预案;
 * research/modules-spec.md §M7, docs/plans.md): plan records with their typed
 * fields (JSON = the record's JSON plus "plan": {…, versions, review_due})
 * and their versions (Markdown, rendered to HTML once, never rewritten).
 * Transitions (evaluate, submit, approve, publish, review, revise, rework)
 * go through the generic od_record_act with the policy's `workflows: plan`;
 * these are the reads, the create (the workflow's create action), the edit
 * of fields, a new version, and the plans whose review is due. */
#ifndef OD_APP_PLANS_H
#define OD_APP_PLANS_H

#include "app/records.h"

/* fields: the typed fields as od_record_act takes them (owner_id,
 * scope_classes, scope_ci_ids, scope_services, review_months, evaluation,
 * review_note). */
typedef struct od_plan_input {
    const char *title, *department;
    json_t *fields; /* borrowed, may be NULL */
} od_plan_input;

OD_NODISCARD od_err od_plan_create(od_app *a, const od_principal *who, const od_plan_input *in, json_t **out,
                                   od_error *e);
OD_NODISCARD od_err od_plan_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);
/* q->kind is ignored (plans). */
OD_NODISCARD od_err od_plan_list(od_app *a, const od_principal *who, const od_record_query *q, json_t **out,
                                 od_error *e);
OD_NODISCARD od_err od_plan_update(od_app *a, const od_principal *who, int64_t id, int64_t version,
                                   json_t *fields, json_t **out, od_error *e);
/* A new version of plan id with Markdown body (1..OD_PLAN_BODY_MAX bytes):
 * number = the last + 1, HTML rendered (raw HTML in the Markdown is not
 * passed through).  Only while the plan is in state draft (409 naming the
 * state otherwise: a version under evaluation, approved or published is
 * frozen).  Timeline and audit "plan.version".  *out = the version. */
#define OD_PLAN_BODY_MAX 200000
OD_NODISCARD od_err od_plan_version_add(od_app *a, const od_principal *who, int64_t id, const char *body,
                                        json_t **out, od_error *e);
/* Version n of plan id with body and html, or 404. */
OD_NODISCARD od_err od_plan_version_get(od_app *a, const od_principal *who, int64_t id, int64_t n,
                                        json_t **out, od_error *e);
/* {items, total, limit, offset}: the plans who may see whose review is due
 * now (next_review_at <= now), the most overdue first. */
OD_NODISCARD od_err od_plan_overdue(od_app *a, const od_principal *who, int64_t limit, int64_t offset,
                                    json_t **out, od_error *e);
/* {items, total, limit, offset}: the plans who may see that apply to
 * incident incident_id (404 outside who's scope): ever published, matched by
 * one of its CIs, its level or a CI's category (core/plan.h
 * od_plan_applies); each item is the plan's JSON plus "matched_by": "ci" |
 * "class".  Ordered by plan id. */
OD_NODISCARD od_err od_plan_for_incident(od_app *a, const od_principal *who, int64_t incident_id,
                                         int64_t limit, int64_t offset, json_t **out, od_error *e);

/* ---- reviews made due by triggers, activations (plan_reviews.c) ---- */
#include "core/plan.h"

/* Makes plan plan_id's review due (core/plan.h od_plan_review_at): the
 * trigger t at now, due the policy's readiness.review_trigger_days later,
 * unless an earlier pending trigger falls due sooner; a never-published
 * plan is left alone.  cause names what triggered it (a number).  Timeline
 * "plan_review_due" and audit "plan.review_trigger".  Inside tx. */
OD_NODISCARD od_err od_plan_trigger_review_in(od_app *a, od_tx *tx, const od_principal *who, int64_t plan_id,
                                              od_plan_trigger t, const char *cause, int64_t now, od_error *e);
/* The same with the days given (a use case without the app: the drill's
 * extension, which keeps the policy's days of its creation). */
OD_NODISCARD od_err od_plan_trigger_review_days_in(od_tx *tx, const od_principal *who, int64_t plan_id,
                                                   od_plan_trigger t, const char *cause, int64_t now,
                                                   int days, od_error *e);
/* The plans ever published that apply to incident incident_id, appended to
 * found as {"id", "matched_by"}.  Inside tx, no scope check. */
OD_NODISCARD od_err od_plan_matching_in(od_tx *tx, int64_t incident_id, json_t *found, od_error *e);
/* An incident whose response reached R1 closes (the caller checks that):
 * every plan that applies to it gets the trigger major_response. */
OD_NODISCARD od_err od_plan_review_on_incident_close_in(od_app *a, od_tx *tx, const od_principal *who,
                                                        int64_t incident_id, const char *number, int64_t now,
                                                        od_error *e);
/* CI ci_id changed: every published plan with it in scope_ci_ids gets the
 * trigger ci_change. */
OD_NODISCARD od_err od_plan_review_on_ci_change_in(od_app *a, od_tx *tx, const od_principal *who,
                                                   int64_t ci_id, const char *ci_name, int64_t now,
                                                   od_error *e);
/* Incident incident_id's plan was activated at response level `level` with
 * plan plan_id: records the plan's newest published version (422 naming
 * plan_id when it is no plan, is out of who's scope or has no published
 * version).  Timeline "plan_activated" on the plan.  Inside tx. */
OD_NODISCARD od_err od_plan_activation_in(od_tx *tx, const od_principal *who, int64_t incident_id,
                                          int64_t plan_id, const char *level, int64_t now, od_error *e);
/* {items, total, limit, offset}: incident_id's plan activations, oldest
 * first: {plan_id, plan_number, plan_title, version, level, activated_at,
 * activated_by}.  404 outside who's scope. */
OD_NODISCARD od_err od_plan_activations(od_app *a, const od_principal *who, int64_t incident_id,
                                        int64_t limit, int64_t offset, json_t **out, od_error *e);

#endif
