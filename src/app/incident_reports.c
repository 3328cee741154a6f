/* incident_reports.c — the four reports of an incident (R-NOT-1…5): first,
 * second, progress and final; each checks its fields, moves the lifecycle,
 * meets or moves its deadlines and notifies its recipients. */
#include "app/incidents_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *default_desk(const od_policy *p, const od_principal *who)
{
    const char *d = (who->roles & OD_ROLEBIT(OD_ROLE_MONITORING_ENGINEER)) ? "monitoring" : "ops_security";
    if (!od_notify_desk(p, d) && od_notify_n_desks(p)) /* a policy with other desks: its first */
        d = od_notify_desk_at(p, 0)->key;
    return d;
}

/* Number of reports of the incident so far (this transaction's included). */
static od_err report_count(od_tx *tx, int64_t inc_id, int64_t *n, od_error *e)
{
    od_rows *r = NULL;
    *n = 0;
    od_err rc = od_tx_query(tx, OD_Q_REP_LIST, &r, e, "i", inc_id);
    int s = 0;
    while (!rc && (s = od_rows_next(r, e)) == 1)
        (*n)++;
    od_rows_close(r);
    return rc ? rc : s < 0 ? OD_E_STORE : OD_OK;
}

od_err od_incident_report(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                          od_error *e)
{
    *out = NULL;
    const od_policy *p = a->policy;
    const char *kind = json_string_value(json_object_get(body, "kind"));
    const od_report_kind *rk = od_report_kind_find(kind); /* R-NOT-2 */
    if (!rk)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "报告类型须为 first/second/progress/final (kind must be "
                            "first, second, progress or final)");
    od_inc_action act = (od_inc_action)rk->action;
    const char *const *req = rk->required;
    size_t nreq = rk->n_required;
    const char *desk = json_string_value(json_object_get(body, "desk"));
    if (desk && !od_notify_desk(p, desk)) /* R-NOT-3: the policy's reporting desks */
        return od_error_set(e, OD_E_UNPROCESSABLE, "desk",
                            "上报接口须为策略中的上报科室之一，如 monitoring 或 "
                            "ops_security (desk must be one of the policy's desks, "
                            "e.g. monitoring or ops_security)");
    if (!desk)
        desk = default_desk(p, who);
    od_tx *tx = NULL;
    inc x;
    od_inc_state to;
    int64_t now = od_app_now(a);
    od_err rc = od_inc_begin_action(a, who, id, act, &tx, &x, &to, e);
    if (rc)
        return rc;
    rc = od_inc_missing_fields(body, req, nreq, act == OD_IA_FIRST_REPORT ? &x : NULL, e);
    json_t *fields = json_object();
    for (size_t i = 0; !rc && i < nreq; i++) {
        json_t *v = json_object_get(body, req[i]);
        if ((!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v))) &&
            act == OD_IA_FIRST_REPORT)
            v = json_string(inc_str(&x, req[i]));
        else
            json_incref(v);
        json_object_set_new(fields, req[i], v);
    }
    od_resp confirm = x.cur;
    int64_t eta = 0;
    if (!rc && act == OD_IA_SECOND_REPORT) {
        int rl = od_resp_parse(json_string_value(json_object_get(body, "response_level")));
        if (rl < 0)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "response_level",
                              "响应级别须为 R1/R2/R3/NG (response_level must "
                              "be R1, R2, R3 or NG)");
        else if ((od_resp)rl > x.cur)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "response_level",
                              "确认的响应级别低于当前级别 %s；降级须通过调整级别并说明理由 (confirming a "
                              "lower level than %s "
                              "needs a regrade with a reason)",
                              od_resp_key(x.cur), od_resp_key(x.cur));
        else
            confirm = (od_resp)rl;
        if (!rc && !od_time_parse(json_string_value(json_object_get(body, "estimated_recovery_at")), &eta))
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "estimated_recovery_at",
                              "预计恢复时间须为 RFC 3339 时间 "
                              "(estimated_recovery_at must be RFC 3339)");
    }
    if (!rc && act == OD_IA_FINAL_REPORT) {
        json_t *m = json_object_get(body, "business_impact_minutes");
        if (!json_is_integer(m) || json_integer_value(m) < 0 || json_integer_value(m) > 10000000)
            rc = od_error_set(
                e, OD_E_UNPROCESSABLE, "business_impact_minutes",
                "业务影响时长须为非负整数分钟 (business_impact_minutes must be a non-negative integer)");
    }
    if (!rc)
        rc = od_inc_report_insert(tx, &x, kind, who, desk, fields, now, e);
    /* The report's number within the incident is part of the cause: two
     * reports in the same millisecond would otherwise share the outbox key
     * (cause, recipient, channel) and the second one's messages be dropped
     * (found by tests/crash). */
    int64_t seq = 0;
    if (!rc)
        rc = report_count(tx, x.id, &seq, e);
    char cause[96];
    snprintf(cause, sizeof cause, "inc:%lld:%s:%lld:%lld", (long long)x.id, kind, (long long)now,
             (long long)seq);
    /* R-NOT-2: the report's fields, from the policy's template of its kind */
    msgspec msg = {.kind = act == OD_IA_FIRST_REPORT      ? OD_MSG_FIRST
                           : act == OD_IA_SECOND_REPORT   ? OD_MSG_SECOND
                           : act == OD_IA_PROGRESS_REPORT ? OD_MSG_PROGRESS
                                                          : OD_MSG_FINAL,
                   .desk = desk,
                   .reporter = who->username,
                   .fields = body};
    if (!rc && act == OD_IA_FIRST_REPORT) {
        /* R-NOT-1: the level's recipients; R-NOT-4: their acknowledgements */
        rc = od_tx_exec(tx, OD_Q_INC_SET_STATE, e, "sii", od_inc_state_key(to), now, x.id);
        /* the reported location, symptoms and impact scope become the incident's */
        static const char *const det[] = {"location", "symptoms", "impact_scope"};
        for (size_t i = 0; i < 3; i++)
            json_object_set(x.row, det[i], json_object_get(fields, det[i]));
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_INC_SET_DETAILS, e, "sssii", inc_str(&x, "location"),
                            inc_str(&x, "symptoms"), inc_str(&x, "impact_scope"), now, x.id);
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_DL_MEET, e, "iisii", now, x.id, "first_report", (int64_t)0, (int64_t)0);
        if (!rc)
            rc = od_incident_add_recipients(tx, p, &x, x.level, "first_report", cause, "first", &msg, now, e);
        /* those already recipients (an escalation before the first report)
         * get the first report too; the cause keeps it to one per channel */
        json_t *users = NULL;
        if (!rc)
            rc = od_incident_current_recipients(tx, x.id, &users, e);
        if (!rc)
            rc = od_incident_notify_all(tx, p, &x, users, cause, "first", &msg, now, e);
        json_decref(users);
    } else if (!rc && act == OD_IA_SECOND_REPORT) {
        x.state = to;
        rc = od_tx_exec(tx, OD_Q_INC_SET_STATE, e, "sii", od_inc_state_key(to), now, x.id);
        if (!rc && confirm < x.cur)
            rc = od_inc_raise_to(tx, p, &x, confirm, now, who,
                          "续报确认更高的响应级别 (second report confirmed a higher level)", e);
        /* to the leaders of the confirmed level, fed back to the monitoring desk */
        json_t *users = NULL, *mon = json_array();
        od_grade lk = od_resp_recipient_level(x.cur);
        if (!rc)
            rc = od_incident_recipients_for(tx, p, lk, inc_str(&x, "departments"), &users, e);
        od_rows *r = NULL;
        if (!rc)
            rc = od_tx_query(tx, OD_Q_USERS_WITH_ROLE, &r, e, "i",
                             (int64_t)OD_ROLEBIT(OD_ROLE_MONITORING_ENGINEER));
        while (!rc && od_rows_next(r, e) == 1)
            json_array_append_new(mon, json_pack("{sI ss ss ss}", "id", (json_int_t)od_rows_int(r, 0),
                                                 "username", od_rows_text(r, 1), "phone", od_rows_text(r, 4),
                                                 "email", od_rows_text(r, 5)));
        od_rows_close(r);
        if (!rc)
            rc = od_incident_notify_all(tx, p, &x, users, cause, "second", &msg, now, e);
        if (!rc)
            rc = od_incident_notify_all(tx, p, &x, mon, cause, "second", &msg, now, e);
        json_decref(users);
        json_decref(mon);
    } else if (!rc && act == OD_IA_PROGRESS_REPORT) {
        /* R-NOT-5: this one is met; the next is due one cadence from now */
        rc = od_tx_exec(tx, OD_Q_DL_MEET, e, "iisii", now, x.id, "progress", (int64_t)0, (int64_t)0);
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, "is", x.id, "progress_remind");
        int64_t nd = od_progress_due(p, x.cur, now);
        if (!rc)
            rc = od_incident_deadline_add(tx, x.id, OD_DL_PROGRESS, 0, nd,
                                          nd == OD_NO_TIME ? OD_NO_TIME : nd + 1, e);
        if (!rc && nd != OD_NO_TIME)
            rc = od_incident_deadline_add(tx, x.id, OD_DL_PROGRESS_REMIND, 0, nd,
                                          nd - p->progress_remind_before_ms, e);
        json_t *users = NULL;
        if (!rc)
            rc = od_incident_current_recipients(tx, x.id, &users, e);
        if (!rc)
            rc = od_incident_notify_all(tx, p, &x, users, cause, "progress", &msg, now, e);
        json_decref(users);
    } else if (!rc && act == OD_IA_FINAL_REPORT) {
        /* R-ESC-3: escalation stops at resolution; R-NOT-2: to everyone notified */
        rc = od_tx_exec(tx, OD_Q_INC_SET_RESOLVED, e, "siii", od_inc_state_key(to), now, now, x.id);
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_DL_MEET, e, "iisii", now, x.id, "handling", (int64_t)0, (int64_t)0);
        static const char *const stop[] = {"escalation", "progress", "progress_remind", "renotify"};
        for (size_t i = 0; !rc && i < 4; i++)
            rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, "is", x.id, stop[i]);
        json_t *users = NULL;
        if (!rc)
            rc = od_incident_current_recipients(tx, x.id, &users, e);
        if (!rc)
            rc = od_incident_notify_all(tx, p, &x, users, cause, "final", &msg, now, e);
        json_decref(users);
    }
    char dn[2 * OD_NAME_MAX + 8];
    if (!rc)
        rc = od_inc_timeline(tx, x.id, now, who, kind, fields, e, "提交%s（%s）(%s report via %s desk)",
                      act == OD_IA_FIRST_REPORT      ? "首报"
                      : act == OD_IA_SECOND_REPORT   ? "续报"
                      : act == OD_IA_PROGRESS_REPORT ? "进展报告"
                                                     : "终报",
                      od_incident_desk_name(p, desk, dn), kind, desk);
    if (!rc) {
        json_t *aud = json_pack("{ss sO}", "kind", kind, "fields", fields);
        rc = od_audit_append(tx, now, who, "incident.report", "incident", x.id, NULL, aud, e);
        json_decref(aud);
    }
    json_decref(fields);
    od_inc_free(&x);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}
