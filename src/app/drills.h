/* drills.h — the drill module's use cases (应急演练; seed 000 ch. 9 §3,
 * research/modules-spec.md §M7, docs/drills.md): drill records with their
 * typed fields (JSON = the record's JSON plus "drill": {…}), the simulated
 * incident a running drill injects through the real registration path
 * (drill-flagged: 【演练】/[DRILL] on every message, never in service
 * levels; in sandbox mode only the participants are told), its scorecard,
 * and the plans whose yearly drill is overdue.  Transitions (prepare,
 * start, evaluate, close) go through the generic od_record_act with the
 * policy's `workflows: drill`. */
#ifndef OD_APP_DRILLS_H
#define OD_APP_DRILLS_H

#include "app/incidents.h"
#include "app/records.h"

typedef struct od_drill_input {
    const char *title, *department;
    json_t *fields; /* borrowed, may be NULL: plan_id, drill_type, mode, goals, scenario, participants,
                       planned_steps, done_steps, evaluation, lessons, scheduled_at */
} od_drill_input;

OD_NODISCARD od_err od_drill_create(od_app *a, const od_principal *who, const od_drill_input *in,
                                    json_t **out, od_error *e);
OD_NODISCARD od_err od_drill_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);
/* q->kind is ignored (drills). */
OD_NODISCARD od_err od_drill_list(od_app *a, const od_principal *who, const od_record_query *q, json_t **out,
                                  od_error *e);
OD_NODISCARD od_err od_drill_update(od_app *a, const od_principal *who, int64_t id, int64_t version,
                                    json_t *fields, json_t **out, od_error *e);
/* The drill's simulated incident, registered through the real path
 * (od_incident_create_in) with drill = true in one write transaction: only
 * while the drill is running (409 naming state), once (409 naming
 * incident_id).  in->drill is forced true; *out = the incident. */
OD_NODISCARD od_err od_drill_inject(od_app *a, const od_principal *who, int64_t id, od_incident_input *in,
                                    json_t **out, od_error *e);
/* The scorecard (core/drill.h): {drill_id, number, incident: {id, number,
 * level, state} | null, items: [{kind, recipient, due_at, met_at, verdict}],
 * participants: [{id, username, display_name, ack_due, acked_at}], passed,
 * failed, pending, not_judged, score_pct | null, to_ack_ms | null,
 * to_activate_ms | null, steps_planned, steps_done}. */
OD_NODISCARD od_err od_drill_scorecard(od_app *a, const od_principal *who, int64_t id, json_t **out,
                                       od_error *e);
/* {items, total, limit, offset}: the published plans who may see whose
 * drill is due now (core/plan.h od_plan_drill_due with the policy's
 * readiness.drill_months): {plan_id, number, title, published_at,
 * last_drill_at, drill_due_at}, the most overdue first. */
OD_NODISCARD od_err od_drill_overdue(od_app *a, const od_principal *who, int64_t limit, int64_t offset,
                                     json_t **out, od_error *e);
/* The readiness view's plans (GET /api/v1/readiness "plans"): every
 * published plan who may see: {id, number, title, current_version,
 * next_review_at, review_due, review_trigger, last_drill_at, drill_due_at,
 * drill_due}, by id.  *out is a new array. */
OD_NODISCARD od_err od_plan_readiness_plans(od_app *a, const od_principal *who, int64_t now, json_t **out,
                                            od_error *e);
/* The dashboard's counts: plans whose review is due, plans whose drill is due. */
OD_NODISCARD od_err od_plan_readiness_counts(od_app *a, const od_principal *who, int64_t *reviews_due,
                                             int64_t *drills_due, od_error *e);

/* A manual score (core/drill.h): item (communication, coordination,
 * command, handling; 422 naming item), score 1–5 (422 naming score), for
 * the drill (user_id 0) or one of its participants (422 naming user_id);
 * only while the drill is running or evaluated (409 naming state).  The
 * same item and person again replaces the score.  Timeline "drill_score",
 * audit "drill.score"; *out = the scorecard (its "manual" part: items,
 * overall, participants with role, scores and average, scores). */
typedef struct od_drill_score_input {
    const char *item, *note;
    int64_t user_id, score;
} od_drill_score_input;
OD_NODISCARD od_err od_drill_score_put(od_app *a, const od_principal *who, int64_t id,
                                       const od_drill_score_input *in, json_t **out, od_error *e);

/* A drill finding turned into a follow-up record in one step
 * (drill_findings.c): kind problem (the default; the only follow-up kind a
 * module serves yet: 422 naming kind otherwise), title required (422), description optional (a
 * problem's description); not while the drill is planned (409 naming
 * state).  The record is made by its kind's create action as the system
 * actor, in the drill's department, requester = who, linked
 * originated_from the drill; timeline entries on both, audit
 * "drill.finding".  *out = the new record. */
typedef struct od_drill_finding_input {
    const char *kind, *title, *description;
} od_drill_finding_input;
OD_NODISCARD od_err od_drill_finding(od_app *a, const od_principal *who, int64_t id,
                                     const od_drill_finding_input *in, json_t **out, od_error *e);
/* The records that originated from drill id: a new array of {id, number,
 * kind, title, state}, by id.  Inside tx. */
OD_NODISCARD od_err od_drill_findings_in(od_tx *tx, int64_t id, json_t **out, od_error *e);

/* Sandbox (inside the incident's transaction): when incident incident_id
 * is simulated by a drill in sandbox mode, *out = a new array of the
 * members of users (borrowed, [{"id"}…]) who are the drill's participants;
 * otherwise *out = users with a new reference. */
OD_NODISCARD od_err od_drill_sandbox_filter(od_tx *tx, int64_t incident_id, bool drill, json_t *users,
                                            json_t **out, od_error *e);

#endif
