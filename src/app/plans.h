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

#endif
