/* incident_regrade.c — changing an incident's grading (severity, CIs or
 * response level) with a reason: core/regrade.h decides, this file writes
 * the new levels, deadlines, escalation record and notifications. */
#include "app/incidents_int.h"
#include "app/incident_group.h"
#include "core/duties.h"
#include "core/regrade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A regrade request: what the body asks for. */
typedef struct regrade_req {
    const char *reason;
    json_t *ci_ids; /* borrowed, may be NULL */
    int sev, rl;    /* -1 = not given */
} regrade_req;

/* A regrade in progress: the request, the incident and the plan. */
typedef struct regrade_ctx {
    const od_policy *p;
    const od_principal *who;
    json_t *body; /* borrowed */
    int64_t now;
    regrade_req q;
    inc x;
    od_grading g;             /* the new grading */
    od_regrade_decision plan; /* core's decision (core/regrade.h) */
} regrade_ctx;

static od_err regrade_parse(json_t *body, regrade_req *q, od_error *e)
{
    q->reason = json_string_value(json_object_get(body, "reason"));
    const char *sev_s = json_string_value(json_object_get(body, "severity"));
    const char *rl_s = json_string_value(json_object_get(body, "response_level"));
    q->ci_ids = json_object_get(body, "ci_ids");
    q->sev = -1;
    q->rl = -1;
    if (sev_s && (q->sev = od_severity_parse(sev_s)) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "severity",
                            "影响程度须为 severe/moderate/minor (severity must be "
                            "severe, moderate or minor)");
    if (rl_s && (q->rl = od_resp_parse(rl_s)) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "response_level",
                            "响应级别须为 R1/R2/R3/NG (response_level must be "
                            "R1, R2, R3 or NG)");
    if (!sev_s && !rl_s && !q->ci_ids)
        return od_error_set(e, OD_E_UNPROCESSABLE, NULL,
                            "需要 severity、ci_ids 或 response_level 之一 (one of severity, "
                            "ci_ids, response_level is required)");
    return OD_OK;
}

/* The first-report deadline (before the first report) follows the new
 * grading, the handling deadline the clock core decided. */
static od_err regrade_deadlines(od_tx *tx, const od_policy *p, inc *x, od_resp clock, od_error *e)
{
    od_err rc = od_inc_set_clock(tx, p, x, clock, e);
    int64_t nfirst = od_first_report_due(p, x->level, x->detected);
    if (!rc && x->state == OD_INC_DETECTED && nfirst != x->first_due) {
        x->first_due = nfirst;
        rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x->id), OD_TEXT("first_report")));
        if (!rc)
            rc = od_incident_deadline_add(tx, x->id, OD_DL_FIRST_REPORT, 0, nfirst, nfirst + 1, e);
    }
    return rc;
}

/* Applies the plan: the new grading, its deadlines, the response level
 * (set directly when the same or lower, raised with notices when higher)
 * and, after the first report, the new level's recipients. */
static od_err regrade_apply(od_tx *tx, regrade_ctx *rg, od_error *e)
{
    const od_policy *p = rg->p;
    inc *x = &rg->x;
    const od_grading *g = &rg->g;
    const od_regrade_decision *plan = &rg->plan;
    const char *reason = rg->q.reason;
    int64_t now = rg->now;
    od_resp old_cur = x->cur, target = plan->target;
    x->level = g->level;
    x->sev = g->severity;
    x->prov = g->severity_provisional;
    od_err rc = regrade_deadlines(tx, p, x, plan->clock, e);
    if (!rc && !plan->raise) { /* same or lower: set directly */
        x->cur = target;
        rc = od_inc_set_levels(tx, x, now, e);
        if (!rc && plan->record_change)
            rc = od_tx_exec(tx, OD_Q_ESC_INSERT, e,
                            OD_BINDS(OD_INT(x->id), OD_TEXT(od_resp_key(old_cur)),
                                     OD_TEXT(od_resp_key(target)), OD_INT(now),
                                     OD_TEXT(reason ? reason : "")));
    } else if (!rc) {
        rc = od_inc_set_levels(tx, x, now, e);
        if (!rc)
            rc = od_inc_raise_level(tx, p, x, target, now, rg->who,
                                    reason && *reason ? reason : "人工调整 (manual regrade)", e);
    }
    /* seed 000 ch. 7 §1 item 3: the CIs now determine the level (no longer
     * the highest candidate) */
    if (!rc && rg->q.ci_ids)
        rc = od_tx_exec(tx, OD_Q_INC_LEVEL_PROV_SET, e, OD_BINDS(OD_INT(0), OD_INT(x->id)));
    /* the time rule on the (possibly new) clock: a level raised late
     * escalates further at once; else the next step is scheduled */
    if (!rc)
        rc = od_inc_escalate_by_time(tx, p, x, now, e);
    /* a higher incident level after the first report: its recipients must hear of it */
    if (!rc && plan->notify_new_level) {
        char cause[96];
        snprintf(cause, sizeof cause, "inc:%lld:regrade:%s", (long long)x->id, od_grade_key(x->level));
        msgspec m = {.kind = OD_MSG_FIRST};
        rc = od_incident_add_recipients(tx, p, x, x->level, "regrade", cause, "first", &m, now, e);
    }
    /* seed 000 ch. 9 §4: after the first report, the contacts a higher level
     * or other CIs now concern are told (each once) */
    if (!rc && x->state != OD_INC_DETECTED)
        rc = od_incident_contacts_told(tx, p, x, NULL, now, e);
    return rc;
}

/* The timeline entry and the audit record (before and after, with the reason). */
static od_err regrade_record(od_tx *tx, regrade_ctx *rg, json_t *before, od_error *e)
{
    inc *x = &rg->x;
    const od_principal *who = rg->who;
    const char *reason = rg->q.reason;
    int64_t id = x->id, now = rg->now;
    od_inc_free(x);
    od_err rc = od_inc_load(tx, NULL, id, x, e);
    json_t *after = rc ? NULL : json_deep_copy(x->row);
    if (!rc)
        rc = od_inc_timeline(tx, id, now, who, "regrade", rg->body, e,
                             "调整分级：%s事件，%s，%s；理由：%s (regraded: %s, %s, %s)",
                             od_grade_name_zh(x->level), od_severity_name_zh(x->sev), od_resp_name_zh(x->cur),
                             reason ? reason : "—", od_grade_key(x->level), od_severity_key(x->sev),
                             od_resp_key(x->cur));
    if (!rc) {
        json_object_set_new(after, "reason", json_string(reason ? reason : ""));
        rc = od_audit_append(tx, now, who, "incident.regrade", "incident", id, before, after, e);
    }
    json_decref(after);
    return rc;
}

/* The new grading from the CIs (their departments become the incident's)
 * and the severity, and core's plan for it.  *deps: the departments (owned). */
static od_err regrade_plan(od_tx *tx, regrade_ctx *rg, json_t **deps, od_error *e)
{
    const od_policy *p = rg->p;
    inc *x = &rg->x;
    od_err rc = OD_OK;
    od_grade level = x->level;
    if (rg->q.ci_ids) {
        rc = od_inc_grade_cis(tx, rg->who, rg->q.ci_ids, &level, deps, e);
        if (!rc) {
            char *d = json_dumps(*deps, JSON_COMPACT);
            json_object_set_new(x->row, "departments", json_string(d ? d : "[]"));
            free(d);
        }
    }
    od_severity nsev = rg->q.sev >= 0 ? (od_severity)rg->q.sev : x->sev;
    od_grade_incident(p, level, rg->q.sev >= 0 ? (int)nsev : (x->prov ? -1 : (int)nsev), &rg->g);
    od_grading before;
    od_grade_incident(p, x->level, x->prov ? -1 : (int)x->sev, &before);
    /* what the regrade does is core's decision (core/regrade.h) */
    od_regrade_in rin = {.old_level = x->level,
                         .ci_level = level,
                         .new_level = rg->g.level,
                         .old_resp = x->cur,
                         .by_time = od_escalation_level_at(p, rg->g.response, x->detected, rg->now),
                         .explicit_resp = rg->q.rl,
                         .reason_given = rg->q.reason && *rg->q.reason,
                         .first_reported = x->state != OD_INC_DETECTED,
                         .old_clock = x->base,
                         .old_matrix = before.response,
                         .new_matrix = rg->g.response};
    if (!rc)
        rc = od_regrade_plan(&rin, &rg->plan, e);
    return rc;
}

od_err od_incident_regrade(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                           od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_incident_regrade_in(a, tx, who, id, body, e);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_regrade_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, json_t *body,
                              od_error *e)
{
    od_inc_state to;
    regrade_ctx rg = {.p = a->policy, .who = who, .body = body, .now = od_app_now(a)};
    od_err rc = regrade_parse(body, &rg.q, e);
    /* seed 000 ch. 7 §2.1 item 1: the response level is set by the
     * operations engineer (附录1.9), the incident level also by monitoring */
    if (!rc && rg.q.rl >= 0)
        rc = od_confirm_check(a->policy, who->roles, e);
    if (rc)
        return rc;
    rc = od_inc_action_in(a, tx, who, id, OD_IA_REGRADE, &rg.x, &to, e);
    if (rc)
        return rc;
    json_t *before = json_deep_copy(rg.x.row), *deps = NULL;
    rc = regrade_plan(tx, &rg, &deps, e);
    if (!rc && rg.q.ci_ids)
        rc = od_inc_link_cis(tx, rg.x.id, rg.q.ci_ids, true, e);
    if (!rc)
        rc = regrade_apply(tx, &rg, e);
    if (!rc)
        rc = regrade_record(tx, &rg, before, e);
    json_decref(before);
    json_decref(deps);
    od_inc_free(&rg.x);
    return rc;
}
