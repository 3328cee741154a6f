/* upkeep.h — the upkeep of seed 000 ch. 9 beyond plans and drills
 * (docs/upkeep.md; rules in core/upkeep.h, statements in
 * store/queries_upkeep.h): 运行部's periodic risk assessment (§4) and the
 * feedback that keeps training and plan content current (§2). */
#ifndef OD_APP_UPKEEP_H
#define OD_APP_UPKEEP_H

#include "app/app.h"

#include <jansson.h>
#include <stdint.h>

#define OD_UPKEEP_SCOPE_MAX 200 /* characters */
#define OD_UPKEEP_TEXT_MAX 4000 /* characters: findings, risks, actions, feedback, resolution */
#define OD_UPKEEP_TOPIC_MAX 200

typedef struct od_risk_input {
    const char *held_at;                            /* RFC 3339, not after now */
    const char *scope, *findings, *risks, *actions; /* each non-empty */
} od_risk_input;

/* Records a risk assessment held by `who` (one transaction, audited
 * "risk_assessment.create").  403 when who is not of the policy's
 * upkeep.risk_assessment_department (the message names it); 422 naming
 * the field for an unreadable or future held_at or an empty text; nothing
 * written then.  *out = the assessment. */
OD_NODISCARD od_err od_risk_create(od_app *a, const od_principal *who, const od_risk_input *in, json_t **out,
                                   od_error *e);
/* {items, total, limit, offset}: the risk assessments, the latest first. */
OD_NODISCARD od_err od_risk_list(od_app *a, const od_principal *who, int64_t limit, int64_t offset,
                                 json_t **out, od_error *e);
/* The recurring duty at now: {cycle_months, department, last_held_at,
 * next_due_at, overdue} (never held: both null, overdue). */
OD_NODISCARD od_err od_risk_due(od_app *a, const od_principal *who, json_t **out, od_error *e);

typedef struct od_feedback_input {
    int64_t plan_id;    /* 0 = none; else a record of kind plan */
    const char *topic;  /* the training content when not a plan ("" / NULL = none) */
    const char *source; /* core/upkeep.h od_fb_source key */
    const char *text;   /* non-empty */
} od_feedback_input;

/* Records a feedback entry (audited "feedback.create"), due
 * upkeep.feedback_days later.  422 naming the field: no plan_id nor
 * topic (plan_id), plan_id not a plan, unknown source, empty text. */
OD_NODISCARD od_err od_feedback_create(od_app *a, const od_principal *who, const od_feedback_input *in,
                                       json_t **out, od_error *e);
/* {items, total, limit, offset}: feedback entries (only those not acted on
 * when open; of plan_id, 0 = any), the earliest due first; each says
 * whether it is overdue at now. */
OD_NODISCARD od_err od_feedback_list(od_app *a, const od_principal *who, bool open, int64_t plan_id,
                                     int64_t limit, int64_t offset, json_t **out, od_error *e);
/* Acts on a feedback entry once: what changed (od_fb_change key) and how
 * (resolution, non-empty).  404 unknown, 409 already acted on, 422 naming
 * the field; audited "feedback.address". */
OD_NODISCARD od_err od_feedback_address(od_app *a, const od_principal *who, int64_t id, const char *change,
                                        const char *resolution, json_t **out, od_error *e);

/* Inside tx, for the dashboard: whether the risk assessment is overdue and
 * when it is (was) due (0 = never held), and the feedback entries overdue. */
OD_NODISCARD od_err od_upkeep_counts(od_tx *tx, const od_policy *p, int64_t now, bool *risk_overdue,
                                     int64_t *risk_due, int64_t *feedback_overdue, od_error *e);

#endif
