/* incident_reports.c — the four reports of an incident (R-NOT-1…5): first,
 * second, progress and final; each checks its fields, moves the lifecycle,
 * meets or moves its deadlines and notifies its recipients. */
#include "app/incidents_int.h"
#include "app/incident_group.h"
#include "app/service_levels.h"
#include "core/duties.h"

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
    od_err rc = od_tx_query(tx, OD_Q_REP_LIST, &r, e, OD_BINDS(OD_INT(inc_id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        (*n)++;
    od_rows_close(r);
    return rc;
}

/* A report being filed, from its checks to its notifications. */
typedef struct report_ctx {
    const od_policy *p;
    const od_principal *who;
    json_t *body; /* the request (borrowed) */
    const char *kind, *desk;
    od_inc_action act;
    const char *const *req; /* the kind's required fields */
    size_t nreq;
    inc x;
    od_inc_state to;
    json_t *fields;  /* the report as filed (owned) */
    od_resp confirm; /* second report: the confirmed response level */
    int64_t now;
    char cause[96];
    msgspec msg;
} report_ctx;

/* The checks that need no transaction: the kind (R-NOT-2) and the desk
 * (R-NOT-3; the principal's default when none is named). */
static od_err report_start(report_ctx *r, od_error *e)
{
    r->kind = json_string_value(json_object_get(r->body, "kind"));
    const od_report_kind *rk = od_report_kind_find(r->kind); /* R-NOT-2 */
    if (!rk)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "报告类型须为 first/second/progress/final (kind must be "
                            "first, second, progress or final)");
    r->act = (od_inc_action)rk->action;
    r->req = rk->required;
    r->nreq = rk->n_required;
    r->desk = json_string_value(json_object_get(r->body, "desk"));
    if (r->desk && !od_notify_desk(r->p, r->desk)) /* R-NOT-3: the policy's reporting desks */
        return od_error_set(e, OD_E_UNPROCESSABLE, "desk",
                            "上报接口须为策略中的上报科室之一，如 monitoring 或 "
                            "ops_security (desk must be one of the policy's desks, "
                            "e.g. monitoring or ops_security)");
    /* seed 000 ch. 7 §2.1 items 1, 7: who files which report */
    od_err rc = od_report_author_check(r->p, r->act, r->who->roles, e);
    if (rc)
        return rc;
    /* seed 000 ch. 7 §2.1 items 2, 7, 8: the desk is the reporter's
     * department's (first report) or the operations desk (the later
     * ones), not a free field — when the policy has the seed's two desks */
    if (od_notify_desk(r->p, "monitoring") && od_notify_desk(r->p, "ops_security"))
        return od_report_desk(r->act, r->who->roles, r->desk, &r->desk, e);
    if (!r->desk)
        r->desk = default_desk(r->p, r->who);
    return OD_OK;
}

/* The required fields, present (a first report may take the registered
 * values), copied into r->fields. */
static od_err report_fields(report_ctx *r, od_error *e)
{
    bool first = r->act == OD_IA_FIRST_REPORT;
    od_err rc = od_inc_missing_fields(r->body, r->req, r->nreq, first ? &r->x : NULL, e);
    r->fields = json_object();
    for (size_t i = 0; !rc && i < r->nreq; i++) {
        json_t *v = json_object_get(r->body, r->req[i]);
        if ((!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v))) && first)
            v = json_string(inc_str(&r->x, r->req[i]));
        else
            json_incref(v);
        json_object_set_new(r->fields, r->req[i], v);
    }
    return rc;
}

/* The final report's business impact (R-NOT-2, R-SLA-5): derived from the
 * incident's impact intervals when it has any — the union's length in
 * whole minutes, rounded up — and then a typed value must equal it; without
 * intervals (no service affected) an optional typed number of minutes. */
static od_err report_impact(od_tx *tx, report_ctx *r, od_error *e)
{
    json_t *m = json_object_get(r->body, "business_impact_minutes");
    if (m && !json_is_null(m) &&
        (!json_is_integer(m) || json_integer_value(m) < 0 || json_integer_value(m) > 10000000))
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "business_impact_minutes",
            "业务影响时长须为非负整数分钟 (business_impact_minutes must be a non-negative integer)");
    int64_t ms = 0, closed = 0;
    od_err rc = od_sla_incident_impact(tx, r->x.id, &ms, &closed, e);
    if (rc)
        return rc;
    if (!closed) {
        if (json_is_integer(m))
            json_object_set(r->fields, "business_impact_minutes", m);
        return OD_OK;
    }
    int64_t minutes = (ms + 59999) / 60000;
    if (json_is_integer(m) && json_integer_value(m) != minutes)
        return od_error_set(e, OD_E_UNPROCESSABLE, "business_impact_minutes",
                            "业务影响时长由影响时段得出：%lld 分钟，无需填写 (business_impact_minutes "
                            "is derived from the impact intervals: %lld min; leave it out)",
                            (long long)minutes, (long long)minutes);
    json_object_set_new(r->fields, "business_impact_minutes", json_integer((json_int_t)minutes));
    json_object_set_new(r->fields, "business_impact_source", json_string("impact_intervals"));
    /* the report's message shows the derived value too */
    json_object_set_new(r->body, "business_impact_minutes", json_integer((json_int_t)minutes));
    return OD_OK;
}

/* What only one kind checks: the second report's confirmed level and
 * recovery estimate, the final report's business impact. */
static od_err report_check_kind(od_tx *tx, report_ctx *r, od_error *e)
{
    od_err rc = OD_OK;
    r->confirm = r->x.cur;
    int64_t eta = 0;
    if (r->act == OD_IA_SECOND_REPORT) {
        int rl = od_resp_parse(json_string_value(json_object_get(r->body, "response_level")));
        if (rl < 0)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "response_level",
                              "响应级别须为 R1/R2/R3/NG (response_level must "
                              "be R1, R2, R3 or NG)");
        else if ((od_resp)rl > r->x.cur)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "response_level",
                              "确认的响应级别低于当前级别 %s；降级须通过调整级别并说明理由 (confirming a "
                              "lower level than %s "
                              "needs a regrade with a reason)",
                              od_resp_key(r->x.cur), od_resp_key(r->x.cur));
        else
            r->confirm = (od_resp)rl;
        if (!rc && !od_time_parse(json_string_value(json_object_get(r->body, "estimated_recovery_at")), &eta))
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "estimated_recovery_at",
                              "预计恢复时间须为 RFC 3339 时间 "
                              "(estimated_recovery_at must be RFC 3339)");
    }
    if (!rc && r->act == OD_IA_FINAL_REPORT)
        rc = report_impact(tx, r, e);
    return rc;
}

/* The report row, and the cause and message its notifications carry. */
static od_err report_insert_row(od_tx *tx, report_ctx *r, od_error *e)
{
    od_err rc = od_inc_report_insert(tx, &r->x, r->kind, r->who, r->desk, r->fields, r->now, e);
    /* The report's number within the incident is part of the cause: two
     * reports in the same millisecond would otherwise share the outbox key
     * (cause, recipient, channel) and the second one's messages be dropped
     * (found by tests/crash). */
    int64_t seq = 0;
    if (!rc)
        rc = report_count(tx, r->x.id, &seq, e);
    snprintf(r->cause, sizeof r->cause, "inc:%lld:%s:%lld:%lld", (long long)r->x.id, r->kind,
             (long long)r->now, (long long)seq);
    /* R-NOT-2: the report's fields, from the policy's template of its kind */
    r->msg = (msgspec){.kind = r->act == OD_IA_FIRST_REPORT      ? OD_MSG_FIRST
                               : r->act == OD_IA_SECOND_REPORT   ? OD_MSG_SECOND
                               : r->act == OD_IA_PROGRESS_REPORT ? OD_MSG_PROGRESS
                                                                 : OD_MSG_FINAL,
                       .desk = r->desk,
                       .reporter = r->who->username,
                       .fields = r->body};
    return rc;
}

/* Sends kind to the people `audience` lists for the incident: its current
 * recipients (od_incident_current_recipients) for the first report; for a
 * progress or final report everyone an earlier report or alarm reached
 * (od_incident_reached: seed 000 ch. 7 §2.1 items 7-8, the second report's
 * leaders and the monitoring desk included). */
static od_err report_notify(od_tx *tx, report_ctx *r, const char *kind,
                            od_err (*audience)(od_tx *, int64_t, json_t **, od_error *), od_error *e)
{
    json_t *users = NULL;
    od_err rc = audience(tx, r->x.id, &users, e);
    if (!rc)
        rc = od_incident_notify_all(tx, r->p, &r->x, users, r->cause, kind, &r->msg, r->now, e);
    json_decref(users);
    return rc;
}

/* First report: R-NOT-1 the level's recipients; R-NOT-4 their acknowledgements. */
static od_err report_first(od_tx *tx, report_ctx *r, od_error *e)
{
    inc *x = &r->x;
    od_err rc = od_tx_exec(tx, OD_Q_INC_SET_STATE, e,
                           OD_BINDS(OD_TEXT(od_inc_state_key(r->to)), OD_INT(r->now), OD_INT(x->id)));
    /* the reported location, symptoms and impact scope become the incident's */
    static const char *const det[] = {"location", "symptoms", "impact_scope"};
    for (size_t i = 0; i < 3; i++)
        json_object_set(x->row, det[i], json_object_get(r->fields, det[i]));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_INC_SET_DETAILS, e,
                        OD_BINDS(OD_TEXT(inc_str(x, "location")), OD_TEXT(inc_str(x, "symptoms")),
                                 OD_TEXT(inc_str(x, "impact_scope")), OD_INT(r->now), OD_INT(x->id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_DL_MEET, e,
                        OD_BINDS(OD_INT(r->now), OD_INT(x->id), OD_TEXT("first_report"), OD_INT((int64_t)0),
                                 OD_INT((int64_t)0)));
    if (!rc)
        rc = od_incident_add_recipients(tx, r->p, x, x->level, "first_report", r->cause, "first", &r->msg,
                                        r->now, e);
    /* those already recipients (an escalation before the first report)
     * get the first report too; the cause keeps it to one per channel */
    if (!rc)
        rc = report_notify(tx, r, "first", od_incident_current_recipients, e);
    /* seed 000 ch. 7 §2.1 item 7: "并通知运行部技术工程师" */
    if (!rc)
        rc = od_incident_first_engineers(tx, r->p, x, r->who->id, r->cause, &r->msg, r->now, e);
    /* seed 000 ch. 9 §4: the vendors and key customers of the affected CIs */
    if (!rc)
        rc = od_incident_contacts_told(tx, r->p, x, r->msg.desk, r->now, e);
    return rc;
}

/* Second report: the confirmed level (a higher one escalates), to the
 * leaders of that level, fed back to the monitoring desk. */
static od_err report_second(od_tx *tx, report_ctx *r, od_error *e)
{
    inc *x = &r->x;
    x->state = r->to;
    od_err rc = od_tx_exec(tx, OD_Q_INC_SET_STATE, e,
                           OD_BINDS(OD_TEXT(od_inc_state_key(r->to)), OD_INT(r->now), OD_INT(x->id)));
    if (!rc && r->confirm < x->cur)
        rc = od_inc_raise_to(tx, r->p, x, r->confirm, r->now, r->who,
                             "续报确认更高的响应级别 (second report confirmed a higher level)", e);
    /* to the leaders of the confirmed level, fed back to the monitoring desk */
    json_t *users = NULL, *mon = json_array();
    od_grade lk = od_resp_recipient_level(x->cur);
    if (!rc)
        rc = od_incident_recipients_for(tx, r->p, lk, inc_str(x, "departments"), &users, e);
    od_rows *rw = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_USERS_WITH_ROLE, &rw, e,
                         OD_BINDS(OD_INT((int64_t)OD_ROLEBIT(OD_ROLE_MONITORING_ENGINEER))));
    bool row = false;
    while (!rc && !(rc = od_rows_step(rw, &row)) && row)
        json_array_append_new(mon, json_pack("{sI ss ss ss}", "id", (json_int_t)od_rows_int(rw, 0),
                                             "username", od_rows_text(rw, 1), "phone", od_rows_text(rw, 4),
                                             "email", od_rows_text(rw, 5)));
    od_rows_close(rw);
    if (!rc)
        rc = od_incident_notify_all(tx, r->p, x, users, r->cause, "second", &r->msg, r->now, e);
    if (!rc)
        rc = od_incident_notify_all(tx, r->p, x, mon, r->cause, "second", &r->msg, r->now, e);
    /* seed 000 ch. 7 §1 item 2: the confirmed level's plan is due at once */
    int64_t ad = od_activation_due(r->p, x->cur, r->now);
    if (!rc && ad != OD_NO_TIME)
        rc = od_incident_deadline_add(tx, x->id, OD_DL_ACTIVATION, 0, ad, ad + 1, e);
    json_decref(users);
    json_decref(mon);
    return rc;
}

/* Progress report: R-NOT-5 this one is met; the next is due one cadence from now. */
static od_err report_progress(od_tx *tx, report_ctx *r, od_error *e)
{
    const od_policy *p = r->p;
    int64_t id = r->x.id;
    od_err rc = od_tx_exec(
        tx, OD_Q_DL_MEET, e,
        OD_BINDS(OD_INT(r->now), OD_INT(id), OD_TEXT("progress"), OD_INT((int64_t)0), OD_INT((int64_t)0)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(id), OD_TEXT("progress_remind")));
    int64_t nd = od_progress_due(p, r->x.cur, r->now);
    if (!rc)
        rc = od_incident_deadline_add(tx, id, OD_DL_PROGRESS, 0, nd, nd == OD_NO_TIME ? OD_NO_TIME : nd + 1,
                                      e);
    if (!rc && nd != OD_NO_TIME)
        rc = od_incident_deadline_add(tx, id, OD_DL_PROGRESS_REMIND, 0, nd, nd - p->progress_remind_before_ms,
                                      e);
    if (!rc)
        rc = report_notify(tx, r, "progress", od_incident_reached, e);
    return rc;
}

/* Final report: R-ESC-3 escalation stops at resolution; R-NOT-2 to everyone notified before. */
static od_err report_final(od_tx *tx, report_ctx *r, od_error *e)
{
    int64_t id = r->x.id;
    /* R-SLA-5: an incident that affected a service has its impact intervals */
    od_err rc = od_sla_check_resolution(tx, id, e);
    if (!rc)
        rc = od_tx_exec(
            tx, OD_Q_INC_SET_RESOLVED, e,
            OD_BINDS(OD_TEXT(od_inc_state_key(r->to)), OD_INT(r->now), OD_INT(r->now), OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_DL_MEET, e,
                        OD_BINDS(OD_INT(r->now), OD_INT(id), OD_TEXT("handling"), OD_INT((int64_t)0),
                                 OD_INT((int64_t)0)));
    static const char *const stop[] = {"escalation", "progress", "progress_remind", "renotify", "activation"};
    for (size_t i = 0; !rc && i < 5; i++)
        rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(id), OD_TEXT(stop[i])));
    if (!rc)
        rc = report_notify(tx, r, "final", od_incident_reached, e);
    return rc;
}

/* The timeline entry and the audit record of the report. */
static od_err report_record(od_tx *tx, report_ctx *r, od_error *e)
{
    /* each half in its own language: the desk's Chinese name, then its English one */
    const od_desk *d = od_notify_desk(r->p, r->desk);
    od_err rc =
        od_inc_timeline(tx, r->x.id, r->now, r->who, r->kind, r->fields, e, "提交%s（%s）(%s report via %s)",
                        r->act == OD_IA_FIRST_REPORT      ? "首报"
                        : r->act == OD_IA_SECOND_REPORT   ? "续报"
                        : r->act == OD_IA_PROGRESS_REPORT ? "进展报告"
                                                          : "终报",
                        d ? d->name_zh : r->desk, r->kind, d ? d->name_en : r->desk);
    if (!rc) {
        json_t *aud = json_pack("{ss sO}", "kind", r->kind, "fields", r->fields);
        rc = od_audit_append(tx, r->now, r->who, "incident.report", "incident", r->x.id, NULL, aud, e);
        json_decref(aud);
    }
    return rc;
}

od_err od_incident_report(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                          od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_incident_report_in(a, tx, who, id, body, e);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_report_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, json_t *body,
                             od_error *e)
{
    report_ctx r = {.p = a->policy, .who = who, .body = body};
    od_err rc = report_start(&r, e);
    if (rc)
        return rc;
    r.now = od_app_now(a);
    rc = od_inc_action_in(a, tx, who, id, r.act, &r.x, &r.to, e);
    if (rc)
        return rc;
    rc = report_fields(&r, e);
    if (!rc)
        rc = report_check_kind(tx, &r, e);
    if (!rc)
        rc = report_insert_row(tx, &r, e);
    if (!rc)
        switch (r.act) {
        case OD_IA_FIRST_REPORT:
            rc = report_first(tx, &r, e);
            break;
        case OD_IA_SECOND_REPORT:
            rc = report_second(tx, &r, e);
            break;
        case OD_IA_PROGRESS_REPORT:
            rc = report_progress(tx, &r, e);
            break;
        case OD_IA_FINAL_REPORT:
            rc = report_final(tx, &r, e);
            break;
        default:
            break;
        }
    if (!rc)
        rc = report_record(tx, &r, e);
    json_decref(r.fields);
    od_inc_free(&r.x);
    return rc;
}
