/* incident_notify.c — who an incident's messages go to and what they say:
 * the recipients of a level (R-NOT-1), rendering with the policy's
 * templates per recipient language (R-NOT-2), the desk that sends
 * (R-NOT-3), outbox rows keyed (cause, recipient, channel) and the
 * acknowledgement deadlines and re-notification (R-NOT-4).  Runs inside the
 * caller's transaction; delivery is the dispatcher's (src/notify/). */
#include "app/drills.h"
#include "core/duties.h"
#include "app/incidents_int.h"
#include "app/notify_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- recipients and messages ---- */

/* Users a level's first report goes to (R-NOT-1): by role, plus heads of the
 * departments owning the affected CIs when the policy says so; only people
 * whose scope covers the incident's departments (R-SEC-SYS-2). */
od_err od_incident_recipients_for(od_tx *tx, const od_policy *p, od_grade level, const char *departments_json,
                                  json_t **out, od_error *e)
{
    od_audience a = od_first_report_audience(&p->first_report_recipients[level]);
    return od_out_audience(tx, &a, departments_json, out, e);
}

od_err od_grading_people(od_app *a, const od_grading *g, const char *department, json_t **out, od_error *e)
{
    *out = NULL;
    od_audience all = od_first_report_audience(&g->recipients);
    json_t *deps = json_pack("[s]", department ? department : "");
    char *deps_s = deps ? json_dumps(deps, JSON_COMPACT) : NULL;
    json_decref(deps);
    json_t *res = json_array();
    od_tx *tx = NULL;
    od_err rc = deps_s && res ? od_tx_begin(a->store, false, &tx, e)
                              : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    for (int i = 0; !rc && i < OD_ROLE__COUNT; i++) {
        od_audience one = all;
        one.anywhere &= OD_ROLEBIT(i);
        one.own_department &= OD_ROLEBIT(i);
        one.named_department &= OD_ROLEBIT(i);
        if (!od_audience_roles(&one))
            continue;
        json_t *users = NULL, *names = json_array();
        rc = od_out_audience(tx, &one, deps_s, &users, e);
        size_t k;
        json_t *u;
        json_array_foreach(users, k, u)
        {
            const char *dn = json_string_value(json_object_get(u, "display_name"));
            json_array_append_new(
                names, json_string(dn && *dn ? dn : json_string_value(json_object_get(u, "username"))));
        }
        json_decref(users);
        json_array_append_new(res, json_pack("{ss so}", "role", od_role_key((od_role)i), "people", names));
    }
    if (tx)
        od_tx_rollback(tx);
    free(deps_s);
    if (rc) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return OD_OK;
}

/* "客服部监控服务科 (monitoring desk)" for a desk key (R-NOT-3). */
const char *od_incident_desk_name(const od_policy *p, const char *desk, char buf[2 * OD_NAME_MAX + 8])
{
    return od_notify_desk_label(p, desk, buf, 2 * OD_NAME_MAX + 8);
}

static const char *field_text(json_t *fields, const char *k, char *buf, size_t n)
{
    json_t *v = json_object_get(fields, k);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return "";
}

/* Renders spec for incident x in language lang. */
static od_err render_msg(const od_policy *p, const inc *x, const msgspec *m, od_lang lang, char **subject,
                         char **body, od_error *e)
{
    od_msg_vars v = {{0}};
    char det[OD_MSG_TIME_MAX], eta[OD_MSG_TIME_MAX], mins[32], ackmin[32], deskb[2 * OD_NAME_MAX + 8];
    bool zh = lang == OD_LANG_ZH;
    v.v[OD_V_NUMBER] = inc_str(x, "number");
    v.v[OD_V_TITLE] = inc_str(x, "title");
    v.v[OD_V_DRILL] = x->drill ? od_notify_drill_tag(p, lang) : "";
    v.v[OD_V_LEVEL] = od_grade_key(x->level);
    v.v[OD_V_LEVEL_NAME] = zh ? od_grade_name_zh(x->level) : od_grade_key(x->level);
    v.v[OD_V_SEVERITY] = od_severity_key(x->sev);
    v.v[OD_V_SEVERITY_NAME] = zh ? od_severity_name_zh(x->sev) : od_severity_key(x->sev);
    v.v[OD_V_RESPONSE_LEVEL] = od_resp_key(x->cur);
    v.v[OD_V_RESPONSE_NAME] = zh ? od_resp_name_zh(x->cur) : od_resp_key(x->cur);
    v.v[OD_V_DETECTED_AT] = od_msg_time(x->detected, det);
    v.v[OD_V_LOCATION] = inc_str(x, "location");
    v.v[OD_V_SYMPTOMS] = inc_str(x, "symptoms");
    v.v[OD_V_IMPACT_SCOPE] = inc_str(x, "impact_scope");
    const char *desk = m->desk ? m->desk : od_notify_system_desk(p);
    const od_desk *d = od_notify_desk(p, desk);
    v.v[OD_V_DESK] = d ? (zh ? d->name_zh : d->name_en) : od_incident_desk_name(p, desk, deskb);
    v.v[OD_V_REPORTER] = m->reporter ? m->reporter : "";
    char tmp[5][32];
    v.v[OD_V_SYSTEM_IMPACT] = field_text(m->fields, "system_impact", tmp[0], 32);
    int64_t eta_ms = 0;
    if (od_time_parse(json_string_value(json_object_get(m->fields, "estimated_recovery_at")), &eta_ms))
        v.v[OD_V_ESTIMATED_RECOVERY_AT] = od_msg_time(eta_ms, eta);
    v.v[OD_V_PROGRESS] = field_text(m->fields, "text", tmp[1], 32);
    v.v[OD_V_CAUSE] = field_text(m->fields, "cause", tmp[2], 32);
    v.v[OD_V_PROCESS] = field_text(m->fields, "process", tmp[3], 32);
    v.v[OD_V_CURRENT_STATE] = field_text(m->fields, "current_state", tmp[4], 32);
    v.v[OD_V_BUSINESS_IMPACT_MINUTES] = field_text(m->fields, "business_impact_minutes", mins, sizeof mins);
    v.v[OD_V_IMPROVEMENTS] = field_text(m->fields, "improvements", tmp[0], 32);
    v.v[OD_V_FROM_LEVEL] = m->from_level;
    int fromr = m->from_level ? od_resp_parse(m->from_level) : -1;
    v.v[OD_V_FROM_LEVEL_NAME] = zh && fromr >= 0 ? od_resp_name_zh((od_resp)fromr) : m->from_level;
    v.v[OD_V_REASON] = m->reason;
    od_role auth = od_activation_role(p, x->highest);
    v.v[OD_V_AUTHORITY] = zh ? od_role_name_zh(auth) : od_role_key(auth);
    snprintf(ackmin, sizeof ackmin, "%lld", (long long)(p->ack_window_ms / MIN_MS));
    v.v[OD_V_ACK_WITHIN_MINUTES] = ackmin;
    v.v[OD_V_DUE_AT] = m->due_at;
    char within[32];
    snprintf(within, sizeof within, "%lld", (long long)((x->first_due - x->detected) / MIN_MS));
    v.v[OD_V_FIRST_REPORT_MINUTES] = within;
    v.v[OD_V_CI] = m->ci;
    /* seed 000 ch. 7 §2.1 item 6: where to call in and where to go */
    const char *unset = zh ? "未设置" : "not set";
    v.v[OD_V_BRIDGE] = p->notify.bridge[0] ? p->notify.bridge : unset;
    v.v[OD_V_PLACE] = p->notify.place[0] ? p->notify.place : unset;
    /* seed 000 ch. 7 §2.1 item 3: the desk sends from its dedicated phone */
    v.v[OD_V_DESK_PHONE] = d && d->phone[0] ? d->phone : unset;
    v.v[OD_V_DEPARTMENT] = m->department;
    v.v[OD_V_FROM_DEPARTMENT] = m->from_department;
    v.v[OD_V_CONTACT] = m->contact;
    v.v[OD_V_PERSON] = m->person;
    return od_msg_render(p, m->kind, lang, &v, subject, body, e);
}

od_err od_incident_render(const od_policy *p, const inc *x, const msgspec *m, od_lang lang, char **subject,
                          char **body, od_error *e)
{
    return render_msg(p, x, m, lang, subject, body, e);
}

typedef struct render_arg {
    const od_policy *p;
    const inc *x;
    const msgspec *m;
} render_arg;

static od_err render_cb(void *arg, od_lang lang, char **subject, char **body, od_error *e)
{
    const render_arg *ra = arg;
    return render_msg(ra->p, ra->x, ra->m, lang, subject, body, e);
}

/* Sends the message m to every user in `users` (array of {"id"}), each in
 * the user's language on the user's channels (app/notify_out.h), recorded
 * with its desk (R-NOT-3). */
od_err od_incident_notify_all(od_tx *tx, const od_policy *p, const inc *x, json_t *users, const char *cause,
                              const char *kind, const msgspec *m, int64_t now, od_error *e)
{
    render_arg ra = {p, x, m};
    od_out_msg out = {.cause = cause,
                      .incident_id = x->id,
                      .kind = kind,
                      .desk = m->desk ? m->desk : od_notify_system_desk(p),
                      .level = x->level,
                      .render = render_cb,
                      .arg = &ra};
    json_t *to = NULL; /* a sandbox drill's messages reach only its participants */
    od_err rc = od_drill_sandbox_filter(tx, x->id, x->drill, users, &to, e);
    if (!rc)
        rc = od_out_send(tx, p, &out, to, now, NULL, e);
    json_decref(to);
    return rc;
}

/* The names of the incident's CIs, ", "-joined into buf. */
static od_err ci_names(od_tx *tx, int64_t inc_id, char *buf, size_t n, od_error *e)
{
    buf[0] = 0;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_INC_CI_LIST, &r, e, OD_BINDS(OD_INT(inc_id)));
    size_t used = 0;
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row && used < n) {
        int w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", od_rows_text(r, 1));
        used += w > 0 ? (size_t)w : 0;
    }
    od_rows_close(r);
    return !rc && rc ? OD_E_STORE : rc;
}

/* An event opened incident x (seed 000 ch. 7 §2.1 items 1-4): the monitoring
 * desk and the operations engineers of the CI's department are told at
 * once, with the first report's deadline (R-NOT-1, from detection).  They
 * are not recipients of the incident's reports (R-NOT-1 names those);
 * whoever files the first report starts that. */
od_err od_incident_opened_notify(od_tx *tx, const od_policy *p, const inc *x, int64_t now, od_error *e)
{
    od_audience a = od_incident_opened_audience();
    json_t *users = NULL;
    char cause[64], due[OD_MSG_TIME_MAX], cis[512];
    snprintf(cause, sizeof cause, "inc:%lld:opened", (long long)x->id);
    od_err rc = ci_names(tx, x->id, cis, sizeof cis, e);
    if (!rc)
        rc = od_out_audience(tx, &a, inc_str(x, "departments"), &users, e);
    msgspec m = {.kind = OD_MSG_OPENED, .due_at = od_msg_time(x->first_due, due), .ci = cis};
    if (!rc)
        rc = od_incident_notify_all(tx, p, x, users, cause, "opened", &m, now, e);
    json_decref(users);
    return rc;
}

/* The users already notified about the incident. */
od_err od_incident_current_recipients(od_tx *tx, int64_t inc_id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    json_t *users = json_array();
    od_err rc = od_tx_query(tx, OD_Q_RCP_LIST, &r, e, OD_BINDS(OD_INT(inc_id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(users,
                              json_pack("{sI ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "username",
                                        od_rows_text(r, 1), "display_name", od_rows_text(r, 2), "phone",
                                        od_rows_text(r, 7), "email", od_rows_text(r, 8)));
    od_rows_close(r);
    if (rc) {
        json_decref(users);
        return rc;
    }
    *out = users;
    return OD_OK;
}

/* uid is one of `users` (an array of {"id"}). */
static bool has_user(json_t *users, int64_t uid)
{
    for (size_t i = 0; i < json_array_size(users); i++)
        if ((int64_t)json_integer_value(json_object_get(json_array_get(users, i), "id")) == uid)
            return true;
    return false;
}

/* Everyone owed a progress or final report (R-NOT-2, R-NOT-5): the
 * incident's recipients, then everyone else an earlier report or alarm
 * reached (od_later_reports_reach), as the outbox records them.  The
 * second report's leaders and the monitoring desk it is fed back to are
 * not recipients (they have no acknowledgement duty), so only the outbox
 * knows them. */
od_err od_incident_reached(od_tx *tx, int64_t inc_id, json_t **out, od_error *e)
{
    json_t *users = NULL;
    od_rows *r = NULL;
    od_err rc = od_incident_current_recipients(tx, inc_id, &users, e);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_OUTBOX_REACHED, &r, e, OD_BINDS(OD_INT(inc_id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t uid = od_rows_int(r, 0);
        if (!od_later_reports_reach(od_rows_text(r, 1)) || has_user(users, uid))
            continue;
        if (json_array_append_new(users, json_pack("{sI}", "id", (json_int_t)uid)) != 0)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    od_rows_close(r);
    if (rc) {
        json_decref(users);
        return rc;
    }
    *out = users;
    return OD_OK;
}

/* Adds the recipients of `level` (R-NOT-1) and their ack deadlines
 * (R-NOT-4); notifies each newly added one.  *added (optional) gets the
 * users added. */
od_err od_incident_add_recipients(od_tx *tx, const od_policy *p, const inc *x, od_grade level,
                                  const char *reason, const char *cause, const char *kind, const msgspec *m,
                                  int64_t now, od_error *e)
{
    json_t *users = NULL, *all = NULL, *added = json_array();
    od_err rc = od_incident_recipients_for(tx, p, level, inc_str(x, "departments"), &all, e);
    if (!rc) /* a sandbox drill's recipients are its participants only */
        rc = od_drill_sandbox_filter(tx, x->id, x->drill, all, &users, e);
    json_decref(all);
    int64_t level_due = od_ack_due(p, level, now);
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        if (rc)
            break;
        int64_t uid = (int64_t)json_integer_value(json_object_get(u, "id")), rid = 0;
        /* seed 000 ch. 7 §2.1 item 6: the roles it names owe the
         * acknowledgement (duties.ack_required); the others are told */
        od_roleset roles = (od_roleset)json_integer_value(json_object_get(u, "roles"));
        int64_t ack_due = od_ack_owed(p, level, roles) ? level_due : OD_NO_TIME;
        rc = od_tx_insert(tx, OD_Q_RCP_INSERT, &rid, NULL,
                          OD_BINDS(OD_INT(x->id), OD_INT(uid), OD_TEXT(reason), OD_INT(now),
                                   OD_INT_NONZERO(ack_due == OD_NO_TIME ? (int64_t)0 : ack_due)));
        if (rc == OD_E_CONFLICT) { /* already a recipient */
            rc = OD_OK;
            continue;
        }
        if (rc) {
            od_error_set(e, rc, NULL, "无法登记通知对象 (cannot record recipient)");
            break;
        }
        json_array_append(added, u);
        if (ack_due != OD_NO_TIME)
            rc = od_incident_deadline_add(tx, x->id, OD_DL_ACK, uid, ack_due, ack_due + 1, e);
    }
    if (!rc && json_array_size(added))
        rc = od_incident_notify_all(tx, p, x, added, cause, kind, m, now, e);
    /* seed 000 ch. 7 §1 item 6: who must be reachable around the clock and
     * has no mobile number is flagged, not silently "sent" to an inbox */
    if (!rc && json_array_size(added))
        rc = od_incident_flag_unreachable(tx, p, x, added, now, e);
    json_decref(users);
    json_decref(added);
    return rc;
}

/* ---- escalation (R-ESC-2, R-ESC-3) ---- */

/* The messages of one escalation to level lk (R-ESC-3): each person gets
 * one.  Those who become recipients get the join notice with its
 * acknowledgement request (join_cause); the level's people who were
 * recipients already get the escalation notice (cause); so does whoever
 * activated the plan when the new level does not name them, since the
 * authority over the incident may just have moved away from them. */
od_err od_incident_escalation_notify(od_tx *tx, const od_policy *p, const inc *x, od_grade lk,
                                     const char *join_cause, const char *cause, const msgspec *m, int64_t now,
                                     od_error *e)
{
    json_t *before = NULL, *users = NULL, *notice = json_array();
    od_err rc = notice ? od_incident_current_recipients(tx, x->id, &before, e)
                       : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = od_incident_recipients_for(tx, p, lk, inc_str(x, "departments"), &users, e);
    if (!rc)
        rc = od_incident_add_recipients(tx, p, x, lk, "escalation", join_cause, "escalation", m, now, e);
    for (size_t i = 0; !rc && i < json_array_size(users); i++) {
        json_t *u = json_array_get(users, i);
        if (has_user(before, (int64_t)json_integer_value(json_object_get(u, "id"))) &&
            json_array_append(notice, u) != 0)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    json_int_t activator = json_integer_value(json_object_get(x->row, "activated_by"));
    if (!rc && activator > 0 && !has_user(users, activator) &&
        json_array_append_new(notice, json_pack("{sI}", "id", activator)) != 0)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc && json_array_size(notice))
        rc = od_incident_notify_all(tx, p, x, notice, cause, "escalation", m, now, e);
    json_decref(before);
    json_decref(users);
    json_decref(notice);
    return rc;
}

/* Sends one message to one user (looked up by id). */
od_err od_incident_notify_user(od_tx *tx, const od_policy *p, const inc *x, int64_t uid, const char *cause,
                               const msgspec *m, int64_t now, od_error *e)
{
    json_t *users = json_pack("[{sI}]", "id", (json_int_t)uid);
    od_err rc = users ? od_incident_notify_all(tx, p, x, users, cause, "reminder", m, now, e)
                      : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    json_decref(users);
    return rc;
}

/* R-NOT-4: re-notifies a recipient who has not acknowledged, and schedules
 * the next re-notification. */
od_err od_incident_renotify(od_tx *tx, const od_policy *p, const inc *x, int64_t recipient, int64_t now,
                            od_error *e)
{
    char cause[96];
    snprintf(cause, sizeof cause, "inc:%lld:renotify:%lld:%lld", (long long)x->id, (long long)recipient,
             (long long)now);
    msgspec m = {.kind = OD_MSG_REMINDER};
    od_err rc = od_incident_notify_user(tx, p, x, recipient, cause, &m, now, e);
    if (rc || p->renotify_every_ms <= 0)
        return rc;
    /* capped (acknowledgement.renotify_max): this is reminder number
     * `scheduled + 1`; after the last one the desk is asked to phone */
    int64_t scheduled = 0;
    if (p->renotify_max > 0)
        rc = od_tx_scalar(tx, OD_Q_DL_RENOTIFY_COUNT, &scheduled, e,
                          OD_BINDS(OD_INT(x->id), OD_INT(recipient)));
    if (!rc && p->renotify_max > 0 && scheduled + 1 >= p->renotify_max) {
        od_principal sys;
        od_principal_system(&sys);
        char who[OD_NAME_MAX] = "";
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(recipient)));
        if (!rc && !(rc = od_rows_step(r, &row)) && row)
            snprintf(who, sizeof who, "%s", *od_rows_text(r, 2) ? od_rows_text(r, 2) : od_rows_text(r, 1));
        od_rows_close(r);
        r = NULL;
        if (!rc)
            rc = od_inc_timeline(tx, x->id, now, &sys, "renotify_stopped", NULL, e,
                                 "已提醒%s %d 次仍未确认，不再自动提醒，请电话联系 (%s was reminded %d times "
                                 "without acknowledging; no more automatic reminders: phone them)",
                                 who, p->renotify_max, who, p->renotify_max);
        /* seed 000 ch. 7 §2.1 item 6: someone who must join the bridge has not:
         * duties.ack_overdue_to are told to phone them */
        int64_t due = now;
        if (!rc)
            rc = od_tx_query(tx, OD_Q_RCP_GET, &r, e, OD_BINDS(OD_INT(x->id), OD_INT(recipient)));
        row = false;
        if (!rc && !(rc = od_rows_step(r, &row)) && row && !od_rows_null(r, 0))
            due = od_rows_int(r, 0);
        od_rows_close(r);
        if (!rc)
            rc = od_incident_ack_overdue_notify(tx, p, x, recipient, who, due, now, e);
        return rc;
    }
    if (!rc)
        rc = od_incident_deadline_add(tx, x->id, OD_DL_RENOTIFY, recipient, now + p->renotify_every_ms,
                                      now + p->renotify_every_ms, e);
    return rc;
}
