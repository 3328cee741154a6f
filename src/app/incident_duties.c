/* incident_duties.c — who is told so that nothing waits silently (seed 000
 * ch. 7 §1 items 2 and 6, §2.1 items 7-8; core/duties.h): the reporting
 * desks when an L1/L2 incident is registered, the operations engineers by
 * the first report, the section head and up when a first report is
 * missed, the people who file progress reports when one is due, and a
 * person who must be reachable around the clock but has no mobile number.
 * Runs inside the caller's transaction. */
#include "app/incidents_int.h"
#include "app/notify_out.h"
#include "core/duties.h"
#include "core/notify_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The people of `roles` (anywhere; their scope must cover the incident),
 * less the user `except` (0: nobody). */
static od_err people_of(od_tx *tx, const inc *x, od_roleset roles, int64_t except, json_t **out, od_error *e)
{
    od_audience a = {.anywhere = roles};
    json_t *users = NULL;
    od_err rc = od_out_audience(tx, &a, inc_str(x, "departments"), &users, e);
    if (rc)
        return rc;
    for (size_t i = json_array_size(users); except && i-- > 0;)
        if ((int64_t)json_integer_value(json_object_get(json_array_get(users, i), "id")) == except)
            json_array_remove(users, i);
    *out = users;
    return OD_OK;
}

static od_err tell(od_tx *tx, const od_policy *p, const inc *x, od_roleset roles, int64_t except,
                   const char *cause, const char *kind, const msgspec *m, int64_t now, od_error *e)
{
    json_t *users = NULL;
    od_err rc = people_of(tx, x, roles, except, &users, e);
    if (!rc && json_array_size(users))
        rc = od_incident_notify_all(tx, p, x, users, cause, kind, m, now, e);
    json_decref(users);
    return rc;
}

od_err od_incident_registered_notify(od_tx *tx, const od_policy *p, const inc *x, int64_t registrant,
                                     int64_t now, od_error *e)
{
    if (!od_register_alerts(p, x->level))
        return OD_OK;
    char cause[64], due[OD_MSG_TIME_MAX];
    snprintf(cause, sizeof cause, "inc:%lld:registered", (long long)x->id);
    msgspec m = {.kind = OD_MSG_REGISTERED, .due_at = od_msg_time(x->first_due, due)};
    od_roleset desks = OD_ROLEBIT(OD_ROLE_MONITORING_ENGINEER) | OD_ROLEBIT(OD_ROLE_OPS_ENGINEER);
    return tell(tx, p, x, desks, registrant, cause, "registered", &m, now, e);
}

od_err od_incident_first_engineers(od_tx *tx, const od_policy *p, const inc *x, int64_t reporter,
                                   const char *cause, const msgspec *m, int64_t now, od_error *e)
{
    return tell(tx, p, x, OD_ROLEBIT(OD_ROLE_OPS_ENGINEER), reporter, cause, "first", m, now, e);
}

od_err od_incident_first_overdue_notify(od_tx *tx, const od_policy *p, const inc *x, int64_t due, int64_t now,
                                        od_error *e)
{
    if (!p->duties.first_report_overdue_roles)
        return OD_OK;
    char cause[64], t[OD_MSG_TIME_MAX];
    snprintf(cause, sizeof cause, "inc:%lld:first_overdue", (long long)x->id);
    msgspec m = {.kind = OD_MSG_FIRST_OVERDUE, .due_at = od_msg_time(due, t)};
    return tell(tx, p, x, p->duties.first_report_overdue_roles, 0, cause, "first_overdue", &m, now, e);
}

od_err od_incident_ack_overdue_notify(od_tx *tx, const od_policy *p, const inc *x, int64_t person,
                                      const char *name, int64_t due, int64_t now, od_error *e)
{
    if (!p->duties.ack_overdue_roles)
        return OD_OK;
    char cause[96], t[OD_MSG_TIME_MAX];
    snprintf(cause, sizeof cause, "inc:%lld:ack_overdue:%lld", (long long)x->id, (long long)person);
    msgspec m = {.kind = OD_MSG_ACK_OVERDUE, .due_at = od_msg_time(due, t), .person = name};
    return tell(tx, p, x, p->duties.ack_overdue_roles, person, cause, "ack_overdue", &m, now, e);
}

od_err od_incident_progress_remind(od_tx *tx, const od_policy *p, const inc *x, const char *cause,
                                   int64_t due, int64_t now, od_error *e)
{
    char t[OD_MSG_TIME_MAX];
    msgspec m = {.kind = OD_MSG_PROGRESS_REMINDER, .due_at = od_msg_time(due, t)};
    return tell(tx, p, x, p->duties.later_report_roles, 0, cause, "reminder", &m, now, e);
}

od_err od_incident_review_notify(od_tx *tx, const od_policy *p, const inc *x, const od_principal *who,
                                 json_t *body, int64_t now, od_error *e)
{
    if (!p->duties.review_to_roles)
        return OD_OK;
    char cause[64];
    snprintf(cause, sizeof cause, "inc:%lld:review", (long long)x->id);
    json_t *f = json_pack("{sO sO sO sO}", "cause", json_object_get(body, "cause_analysis"), "process",
                          json_object_get(body, "measures"), "current_state", json_object_get(body, "result"),
                          "improvements", json_object_get(body, "improvements"));
    if (!f)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    msgspec m = {.kind = OD_MSG_REVIEW, .reporter = who->username, .fields = f};
    od_err rc = tell(tx, p, x, p->duties.review_to_roles, 0, cause, "review", &m, now, e);
    json_decref(f);
    return rc;
}

od_err od_user_unreachable(od_tx *tx, const od_policy *p, int64_t uid, bool *out, od_error *e)
{
    *out = false;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(uid)));
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        const char *phone = od_rows_null(r, 4) ? "" : od_rows_text(r, 4);
        *out = od_unreachable_24h(p, (od_roleset)od_rows_int(r, 6), phone && *phone);
    }
    od_rows_close(r);
    return rc;
}

od_err od_incident_flag_unreachable(od_tx *tx, const od_policy *p, const inc *x, json_t *users, int64_t now,
                                    od_error *e)
{
    od_principal sys;
    od_principal_system(&sys);
    od_err rc = OD_OK;
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        if (rc)
            break;
        bool bad = false;
        int64_t uid = (int64_t)json_integer_value(json_object_get(u, "id"));
        rc = od_user_unreachable(tx, p, uid, &bad, e);
        if (rc || !bad)
            continue;
        const char *name = json_string_value(json_object_get(u, "display_name"));
        if (!name || !*name)
            name = json_string_value(json_object_get(u, "username"));
        json_t *data = json_pack("{sI}", "user_id", (json_int_t)uid);
        rc = od_inc_timeline(tx, x->id, now, &sys, "unreachable", data, e,
                             "无法保证24小时联系：%s 未登记手机号码，本次只能收到站内消息，请电话联系 "
                             "(not reachable around the clock: %s has no mobile number and got this in the "
                             "in-app inbox only; call them)",
                             name ? name : "?", name ? name : "?");
        json_decref(data);
    }
    return rc;
}
