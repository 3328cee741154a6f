/* incident_register.c — registering an incident (R-INC-2…5): the CIs
 * grade it (also used by the regrade), the record, its deadlines and a late
 * registration's escalation in one transaction. */
#include "app/incidents_int.h"
#include "app/cmdb_retire.h"
#include "app/records.h"
#include "core/duties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- grading inputs ---- */

/* Loads the CIs, their highest grade and owning departments. */
od_err od_inc_grade_cis(od_tx *tx, const od_principal *who, json_t *ci_ids, od_grade *level,
                        json_t **departments, od_error *e)
{
    size_t n = json_array_size(ci_ids);
    if (!json_is_array(ci_ids) || n == 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "ci_ids",
                            "至少需要一个受影响的配置项 (at least one affected CI is "
                            "required)");
    if (n > 100)
        return od_error_set(e, OD_E_TOO_LARGE, "ci_ids", "最多100个配置项 (at most 100 CIs)");
    od_grade grades[100];
    json_t *deps = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(ci_ids, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            json_decref(deps);
            return od_error_set(e, OD_E_INVALID, "ci_ids",
                                "ci_ids 须为正整数数组 (ci_ids must be positive integers)");
        }
        char dept[OD_DEPT_MAX];
        od_err rc =
            od_ci_load_grade(tx, (int64_t)json_integer_value(v), &grades[i], NULL, 0, dept, sizeof dept, e);
        if (rc == OD_E_NOT_FOUND) {
            od_error_clear(e);
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "ci_ids", "配置项 %lld 不存在 (CI %lld not found)",
                              (long long)json_integer_value(v), (long long)json_integer_value(v));
        }
        if (!rc) { /* a retired CI is history, not a new incident's */
            char nm[32];
            snprintf(nm, sizeof nm, "#%lld", (long long)json_integer_value(v));
            rc = od_ci_must_be_active(tx, (int64_t)json_integer_value(v), nm, "ci_ids", e);
        }
        if (!rc && !od_principal_in_scope(who, dept))
            rc = od_error_set(e, OD_E_FORBIDDEN, "ci_ids",
                              "配置项 %lld 不在您的权限范围内 (CI %lld is outside your "
                              "scope)",
                              (long long)json_integer_value(v), (long long)json_integer_value(v));
        if (rc) {
            json_decref(deps);
            return rc;
        }
        bool have = false;
        size_t j;
        json_t *d;
        json_array_foreach(deps, j, d) if (strcmp(json_string_value(d), dept) == 0) have = true;
        if (!have && dept[0])
            json_array_append_new(deps, json_string(dept));
    }
    od_err rc = od_incident_level(grades, n, level);
    if (rc) {
        od_error_set(e, rc, "ci_ids", "配置项等级无效 (a CI has an invalid grade)");
        json_decref(deps);
        return rc;
    }
    *departments = deps;
    return OD_OK;
}

/* Links the incident to ci_ids (checked by od_inc_grade_cis), replacing
 * its links first when replace; a duplicate is OD_E_UNPROCESSABLE. */
od_err od_inc_link_cis(od_tx *tx, int64_t inc_id, json_t *ci_ids, bool replace, od_error *e)
{
    od_err rc = replace ? od_tx_exec(tx, OD_Q_INC_CI_DELETE, e, OD_BINDS(OD_INT(inc_id))) : OD_OK;
    size_t i;
    json_t *v;
    json_array_foreach(ci_ids, i, v)
    {
        if (rc)
            break;
        rc = od_tx_exec(tx, OD_Q_INC_CI_INSERT, e,
                        OD_BINDS(OD_INT(inc_id), OD_INT((int64_t)json_integer_value(v))));
        if (rc == OD_E_CONFLICT) {
            od_error_clear(e);
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "ci_ids", "ci_ids 中有重复项 (ci_ids has duplicates)");
        }
    }
    return rc;
}

/* Seed 000 ch. 7 §1 item 3 (就高原则): the level from the CIs (if any) and
 * the candidate levels (if any), the highest winning; *provisional when a
 * candidate set it.  Neither: 422. */
static od_err grade_undetermined(od_tx *tx, const od_principal *who, const od_incident_input *in,
                                 od_grade *level, bool *provisional, json_t **deps, od_error *e)
{
    *provisional = false;
    json_t *cl = in->candidate_levels;
    size_t nk = json_array_size(cl), nc = json_array_size(in->ci_ids);
    if (nk == 0) /* the CIs alone (R-INC-2): at least one */
        return od_inc_grade_cis(tx, who, in->ci_ids, level, deps, e);
    if (in->ci_ids && !json_is_array(in->ci_ids))
        return od_error_set(e, OD_E_INVALID, "ci_ids",
                            "ci_ids 须为正整数数组 (ci_ids must be positive integers)");
    od_grade cands[4], by_ci = OD_GRADE_NG;
    for (size_t i = 0; i < nk && i < 4; i++) {
        int g = od_grade_parse(json_string_value(json_array_get(cl, i)));
        if (g < 0)
            return od_error_set(e, OD_E_UNPROCESSABLE, "candidate_levels",
                                "候选事件级别须为 L1/L2/L3/NG (candidate_levels must be L1, L2, L3 or NG)");
        cands[i] = (od_grade)g;
    }
    od_err rc = OD_OK;
    if (nc)
        rc = od_inc_grade_cis(tx, who, in->ci_ids, &by_ci, deps, e);
    else
        *deps = json_array();
    if (!rc && od_incident_level_hi(&by_ci, nc ? 1 : 0, cands, nk < 4 ? nk : 4, level, provisional))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "candidate_levels",
                          "候选事件级别无效 (invalid candidate_levels)");
    return rc;
}

/* ---- register (R-INC-2…5) ---- */

/* The request's own checks: severity, detection time, title. */
static od_err register_check(const od_incident_input *in, int64_t now, int *sev, int64_t *detected,
                             od_error *e)
{
    if (in->severity && (*sev = od_severity_parse(in->severity)) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "severity",
                            "影响程度须为 severe/moderate/minor (severity must be "
                            "severe, moderate or minor)");
    *detected = in->detected_at ? in->detected_at : now;
    if (*detected > now + MIN_MS)
        return od_error_set(e, OD_E_UNPROCESSABLE, "detected_at",
                            "发现时间不能晚于现在 (detected_at is in the future)");
    if (!in->title || !*in->title)
        return od_error_set(e, OD_E_UNPROCESSABLE, "title",
                            "缺少必填字段 title (required field title is missing)");
    return OD_OK;
}

/* The new incident's deadlines: first report (R-NOT-1), handling (R-ESC-1)
 * and progress (R-NOT-5) with its reminder; escalation (R-ESC-2) follows. */
static od_err register_deadlines(od_tx *tx, const od_policy *p, const inc *x, od_error *e)
{
    int64_t id = x->id, deadline = x->deadline;
    od_err rc = od_incident_deadline_add(tx, id, OD_DL_FIRST_REPORT, 0, x->first_due, x->first_due + 1, e);
    if (!rc)
        rc = od_incident_deadline_add(tx, id, OD_DL_HANDLING, 0, deadline,
                                      deadline == OD_NO_TIME ? OD_NO_TIME : deadline + 1, e);
    if (!rc) {
        int64_t pd = od_progress_due(p, x->base, x->detected);
        rc = od_incident_deadline_add(tx, id, OD_DL_PROGRESS, 0, pd, pd == OD_NO_TIME ? OD_NO_TIME : pd + 1,
                                      e);
        if (!rc && pd != OD_NO_TIME)
            rc = od_incident_deadline_add(tx, id, OD_DL_PROGRESS_REMIND, 0, pd,
                                          pd - p->progress_remind_before_ms, e);
    }
    return rc;
}

od_err od_incident_create_in(od_app *a, od_tx *tx, const od_principal *who, const od_incident_input *in,
                             int64_t *out_id, od_error *e)
{
    *out_id = 0;
    const od_policy *p = a->policy;
    int64_t now = od_app_now(a);
    int sev = -1;
    int64_t detected = 0;
    od_err rc = register_check(in, now, &sev, &detected, e);
    if (rc)
        return rc;
    json_t *deps = NULL, *audit = NULL;
    od_grade level;
    bool level_prov = false;
    inc x = {0};
    rc = grade_undetermined(tx, who, in, &level, &level_prov, &deps, e);
    int64_t seq = 0, id = 0;
    char number[32] = "", year_key[32];
    if (!rc) {
        char t[OD_TIME_STR_MAX];
        od_time_format(now, t);
        snprintf(year_key, sizeof year_key, "incident:%.4s", t);
        rc = od_tx_scalar(tx, OD_Q_COUNTER_NEXT, &seq, e, OD_BINDS(OD_TEXT(year_key)));
        snprintf(number, sizeof number, "INC-%.4s-%06lld", t, (long long)seq);
    }
    od_grading g;
    od_grade_incident(p, rc ? OD_GRADE_NG : level, sev, &g);
    int64_t deadline = od_handling_deadline(p, g.response, detected);
    int64_t first_due = od_first_report_due(p, g.level, detected);
    char *depstr = deps ? json_dumps(deps, JSON_COMPACT) : NULL;
    if (!rc)
        rc = od_tx_insert(
            tx, OD_Q_INC_INSERT, &id, e,
            OD_BINDS(OD_TEXT(number), OD_TEXT(in->title), OD_TEXT(od_inc_state_key(OD_INC_DETECTED)),
                     OD_TEXT(od_grade_key(g.level)), OD_TEXT(od_severity_key(g.severity)),
                     OD_BOOL(g.severity_provisional), OD_TEXT(od_resp_key(g.response)),
                     OD_TEXT(od_resp_key(g.response)), OD_TEXT(od_resp_key(g.response)), OD_INT(detected),
                     OD_INT(now), OD_INT_NONZERO(deadline == OD_NO_TIME ? (int64_t)0 : deadline),
                     OD_INT(first_due), OD_TEXT(in->location ? in->location : ""),
                     OD_TEXT(in->symptoms ? in->symptoms : ""),
                     OD_TEXT(in->impact_scope ? in->impact_scope : ""), OD_TEXT(depstr ? depstr : "[]"),
                     OD_BOOL(in->drill), OD_INT_OR_NULL(who->id, who->id != 0), OD_INT(now)));
    free(depstr);
    if (!rc && in->drill && in->drill_record_id > 0) /* the drill's simulated incident (app/drills.h) */
        rc = od_tx_exec(tx, OD_Q_DRL_SET_INCIDENT, e, OD_BINDS(OD_INT(id), OD_INT(in->drill_record_id)));
    if (!rc) /* its row in the record registry (records.h) */
        rc = od_record_register_incident(tx, id, number, in->title, od_inc_state_key(OD_INC_DETECTED),
                                         in->drill, who->id, now, e);
    if (!rc)
        rc = od_inc_link_cis(tx, id, in->ci_ids, false, e);
    if (!rc)
        rc = od_inc_load(tx, NULL, id, &x, e);
    if (!rc)
        rc = od_inc_timeline(tx, id, now, who, "registered", NULL, e,
                             "登记事件：%s事件，影响程度%s%s，%s (registered: %s, %s%s, %s)",
                             od_grade_name_zh(g.level), od_severity_name_zh(g.severity),
                             g.severity_provisional ? "（暂定，就高原则）" : "", od_resp_name_zh(g.response),
                             od_grade_key(g.level), od_severity_key(g.severity),
                             g.severity_provisional ? " provisional" : "", od_resp_key(g.response));
    if (!rc && level_prov)
        rc = od_tx_exec(tx, OD_Q_INC_LEVEL_PROV_SET, e, OD_BINDS(OD_INT(1), OD_INT(id)));
    /* seed 000 ch. 8 §1: the handling department, which leads the review */
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_INC_HANDLING_SET, e,
                        OD_BINDS(OD_TEXT(od_handling_department(p, in->handling_department)), OD_INT(id)));
    if (!rc && level_prov)
        rc = od_inc_timeline(tx, id, now, who, "level_provisional", NULL, e,
                             "事件级别尚未确定，按候选级别就高暂定为%s事件 (level not yet determined: "
                             "provisionally %s, the highest candidate)",
                             od_grade_name_zh(g.level), od_grade_key(g.level));
    if (!rc)
        rc = register_deadlines(tx, p, &x, e);
    if (!rc)
        rc = od_inc_escalate_by_time(tx, p, &x, now, e); /* a late registration escalates at once */
    if (!rc) {
        od_inc_free(&x);
        rc = od_inc_load(tx, NULL, id, &x, e);
    }
    if (!rc && in->from_event)
        rc = od_incident_opened_notify(tx, p, &x, now, e);
    else if (!rc) /* seed 000 ch. 7 §1 item 2: L1/L2 alert the reporting desks at once */
        rc = od_incident_registered_notify(tx, p, &x, who->id, now, e);
    if (!rc && !in->from_event && who->id) /* seed 000 ch. 7 §2.1 item 3: the desk owner */
        rc = od_desk_owner_told(tx, p, &x, who, now, e);
    if (!rc) {
        audit = json_deep_copy(x.row);
        json_object_set_new(audit, "ci_ids", in->ci_ids ? json_incref(in->ci_ids) : json_array());
        if (in->candidate_levels)
            json_object_set(audit, "candidate_levels", in->candidate_levels);
        rc = od_audit_append(tx, now, who, "incident.create", "incident", id, NULL, audit, e);
    }
    json_decref(audit);
    json_decref(deps);
    od_inc_free(&x);
    *out_id = rc ? 0 : id;
    return rc;
}

od_err od_incident_create(od_app *a, const od_principal *who, const od_incident_input *in, json_t **out,
                          od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    int64_t id = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_incident_create_in(a, tx, who, in, &id, e);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}
