/* incident_lead.c — the lead's and the recipients' actions: activation
 * (R-ACT-1), closure (R-CLOSE-1), acknowledgement (R-NOT-4) and the
 * post-incident review filed in the case library (R-PIR-1, R-PIR-2). */
#include "app/incidents_int.h"
#include "app/incident_group.h"
#include "app/plans.h"
#include "app/search.h"
#include "core/duties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static od_err authority_error(const od_policy *p, od_resp level, const char *what_zh, const char *what,
                              od_error *e)
{
    od_role need = od_activation_role(p, level);
    return od_error_set(e, OD_E_FORBIDDEN, NULL,
                        "%s%s须由%s（%s）决定 (%s of a %s incident needs the %s role)",
                        od_resp_name_zh(level), what_zh, od_role_name_zh(need), od_role_key(need), what,
                        od_resp_key(level), od_role_key(need));
}

/* The level the plan was last activated at (an od_resp, or
 * OD_NOT_ACTIVATED) and by whom (migration 0016). */
static od_err activation_of(od_tx *tx, int64_t id, int *level, int64_t *by, od_error *e)
{
    *level = OD_NOT_ACTIVATED;
    *by = 0;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_INC_ACTIVATION_GET, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (!od_rows_null(r, 0))
            *level = od_resp_parse(od_rows_text(r, 0));
        if (!od_rows_null(r, 1))
            *by = od_rows_int(r, 1);
    }
    od_rows_close(r);
    return rc;
}

/* Activation (R-ACT-1) and closure (R-CLOSE-1): the lifecycle first (409
 * names the missing step), then the authority of the level concerned — the
 * current level to activate, the highest level reached to close.  Seed 000
 * ch. 7 §2.2, §2.4 (core/duties.h): after an escalation past the
 * activation the new level's authority activates again, at the new level;
 * the closure is authorised by the leader who activated the plan for the
 * highest level reached. */
static od_err lead_action_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, od_inc_action act,
                             int64_t plan_id, od_error *e)
{
    bool closing = act == OD_IA_CLOSE;
    inc x;
    od_inc_state to;
    int64_t now = od_app_now(a);
    od_err rc = od_inc_load_in(tx, who, id, &x, e);
    if (rc)
        return rc;
    int activated = OD_NOT_ACTIVATED;
    int64_t activated_by = 0;
    rc = activation_of(tx, x.id, &activated, &activated_by, e);
    bool again = !rc && !closing && od_reactivation_allowed(x.state, x.cur, activated);
    if (!rc) {
        if (again)
            to = x.state;
        else
            rc = od_inc_transition(x.state, act, &to, e);
    }
    od_resp level = closing ? x.highest : x.cur;
    if (!rc && closing)
        rc = od_close_check(a->policy, level, activated, activated_by, who->id, who->roles, e);
    else if (!rc && !od_may_activate(a->policy, level, who->roles))
        rc = authority_error(a->policy, level, "应急预案的启动", "activation", e);
    if (!rc && closing)
        rc = od_tx_exec(
            tx, OD_Q_INC_SET_CLOSED, e,
            OD_BINDS(OD_TEXT(od_inc_state_key(to)), OD_INT(who->id), OD_INT(now), OD_INT(now), OD_INT(x.id)));
    if (!rc && !closing) /* the activation deadline (core/duties.h od_activation_due) is met */
        rc = od_tx_exec(tx, OD_Q_DL_MEET, e,
                        OD_BINDS(OD_INT(now), OD_INT(x.id), OD_TEXT("activation"), OD_INT((int64_t)0),
                                 OD_INT((int64_t)0)));
    if (!rc && !closing)
        rc = od_tx_exec(tx, OD_Q_INC_SET_ACTIVATED_LEVEL, e,
                        OD_BINDS(OD_TEXT(od_inc_state_key(to)), OD_INT(who->id), OD_INT(now),
                                 OD_TEXT(od_resp_key(level)), OD_INT(now), OD_INT(x.id)));
    if (!rc)
        rc = closing
                 ? od_inc_timeline(tx, x.id, now, who, "closed", NULL, e,
                                   "由%s授权关闭事件 (closed by the %s authority)",
                                   od_role_name_zh(od_activation_role(a->policy, level)), od_resp_key(level))
             : again
                 ? od_inc_timeline(tx, x.id, now, who, "activated", NULL, e,
                                   "响应级别已升至%s，启动%s应急预案 (response level raised: plan activated "
                                   "again at %s)",
                                   od_resp_name_zh(level), od_resp_name_zh(level), od_resp_key(level))
                 : od_inc_timeline(tx, x.id, now, who, "activated", NULL, e,
                                   "启动%s应急预案 (plan activated at %s)", od_resp_name_zh(level),
                                   od_resp_key(level));
    /* the plan version activated (plan_reviews.c); a major response makes
     * the reviews of the plans that apply to it due (seed 000 ch. 9 §1) */
    if (!rc && !closing && plan_id > 0)
        rc = od_plan_activation_in(tx, who, x.id, plan_id, od_resp_key(level), now, e);
    if (!rc && closing && x.highest == OD_RESP_R1 && !x.drill)
        rc = od_plan_review_on_incident_close_in(a, tx, who, x.id, inc_str(&x, "number"), now, e);
    if (!rc) {
        json_t *aud = closing ? NULL : json_pack("{ss sb}", "level", od_resp_key(level), "again", again);
        if (aud && plan_id > 0)
            json_object_set_new(aud, "plan_id", json_integer(plan_id));
        rc = od_audit_append(tx, now, who, closing ? "incident.close" : "incident.activate", "incident", x.id,
                             NULL, aud, e);
        json_decref(aud);
    }
    od_inc_free(&x);
    return rc;
}

/* lead_action_in in a transaction of its own. */
static od_err lead_action(od_app *a, const od_principal *who, int64_t id, od_inc_action act, int64_t plan_id,
                          json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = lead_action_in(a, tx, who, id, act, plan_id, e);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_activate_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, int64_t plan_id,
                               od_error *e)
{
    return lead_action_in(a, tx, who, id, OD_IA_ACTIVATE, plan_id, e);
}

od_err od_incident_close_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, od_error *e)
{
    return lead_action_in(a, tx, who, id, OD_IA_CLOSE, 0, e);
}

od_err od_incident_activate(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    return lead_action(a, who, id, OD_IA_ACTIVATE, 0, out, e);
}

od_err od_incident_activate_plan(od_app *a, const od_principal *who, int64_t id, int64_t plan_id,
                                 json_t **out, od_error *e)
{
    return lead_action(a, who, id, OD_IA_ACTIVATE, plan_id, out, e);
}

od_err od_incident_close(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    return lead_action(a, who, id, OD_IA_CLOSE, 0, out, e);
}

/* The acknowledgement itself (R-NOT-4), inside tx: the recipient's row, the
 * ack and renotify deadlines met, the timeline and the audit say who, when
 * and how (via "api" or "link").  *already (may be NULL) tells whether the
 * recipient had acknowledged before (then nothing is written). */
static od_err ack_in_tx(od_tx *tx, const od_principal *who, const inc *x, const char *via, json_t *detail,
                        int64_t now, bool *already, od_error *e)
{
    od_rows *r = NULL;
    bool acked = false;
    od_err rc = od_tx_query(tx, OD_Q_RCP_GET, &r, e, OD_BINDS(OD_INT(x->id), OD_INT(who->id)));
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        acked = !od_rows_null(r, 1);
    od_rows_close(r);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_FORBIDDEN, NULL,
                          "您不是本事件的通知对象 (you are not a recipient of this incident)");
    if (already)
        *already = acked;
    if (!rc && !acked) {
        bool link = strcmp(via, "link") == 0;
        rc = od_tx_exec(tx, OD_Q_RCP_ACK, e, OD_BINDS(OD_INT(now), OD_INT(x->id), OD_INT(who->id)));
        if (!rc)
            rc = od_tx_exec(
                tx, OD_Q_DL_MEET, e,
                OD_BINDS(OD_INT(now), OD_INT(x->id), OD_TEXT("ack"), OD_INT(who->id), OD_INT(who->id)));
        if (!rc)
            rc = od_tx_exec(
                tx, OD_Q_DL_MEET, e,
                OD_BINDS(OD_INT(now), OD_INT(x->id), OD_TEXT("renotify"), OD_INT(who->id), OD_INT(who->id)));
        if (!rc)
            /* the entry names its actor (display name): the text says what happened */
            rc = link ? od_inc_timeline(
                            tx, x->id, now, who, "ack", detail, e,
                            "已通过消息中的确认链接确认收到 (acknowledged via the link in the message)")
                      : od_inc_timeline(tx, x->id, now, who, "ack", NULL, e, "已确认收到 (acknowledged)");
        json_t *aud = json_pack("{ss}", "via", via);
        if (aud && detail)
            json_object_update(aud, detail);
        if (!rc)
            rc = od_audit_append(tx, now, who, "incident.ack", "incident", x->id, NULL, link ? aud : NULL, e);
        json_decref(aud);
    }
    return rc;
}

od_err od_incident_ack(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    inc x;
    od_inc_state to;
    int64_t now = od_app_now(a);
    od_err rc = od_inc_begin_action(a, who, id, OD_IA_ACK, &tx, &x, &to, e);
    if (rc)
        return rc;
    rc = ack_in_tx(tx, who, &x, "api", NULL, now, NULL, e);
    od_inc_free(&x);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_ack_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, od_error *e)
{
    inc x;
    od_inc_state to;
    od_err rc = od_inc_action_in(a, tx, who, id, OD_IA_ACK, &x, &to, e);
    if (rc)
        return rc;
    rc = ack_in_tx(tx, who, &x, "api", NULL, od_app_now(a), NULL, e);
    od_inc_free(&x);
    return rc;
}

od_err od_incident_ack_tx(od_tx *tx, const od_principal *who, int64_t id, json_t *detail, int64_t now,
                          bool *already, od_error *e)
{
    inc x;
    od_inc_state to;
    od_err rc = od_inc_load_locked(tx, id, &x, e); /* every writer of one incident waits here */
    if (rc)
        return rc;
    rc = od_inc_transition(x.state, OD_IA_ACK, &to, e);
    if (!rc)
        rc = ack_in_tx(tx, who, &x, "link", detail, now, already, e);
    od_inc_free(&x);
    return rc;
}

od_err od_incident_review(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                          od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_incident_review_in(a, tx, who, id, body, e);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_review_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, json_t *body,
                             od_error *e)
{
    static const char *const req[] = {"cause_analysis", "lessons", "improvements", "measures", "result"};
    inc x;
    od_inc_state to;
    int64_t now = od_app_now(a);
    od_err rc = od_inc_action_in(a, tx, who, id, OD_IA_REVIEW, &x, &to, e);
    if (rc)
        return rc;
    rc = od_inc_missing_fields(body, req, 5, NULL, e);
    /* seed 000 ch. 8 §1: the review is led (filed) by the handling department */
    od_rows *hr = NULL;
    bool hrow = false;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_INC_HANDLING_GET, &hr, e, OD_BINDS(OD_INT(x.id)));
    if (!rc && !(rc = od_rows_step(hr, &hrow)) && hrow)
        rc = od_review_check(a->policy, od_rows_text(hr, 0), who->department, e);
    od_rows_close(hr);
    json_t *fields = json_object();
    for (size_t i = 0; !rc && i < 5; i++)
        json_object_set(fields, req[i], json_object_get(body, req[i]));
    /* seed 000 ch. 8 §2: where the report went outside (海关总署, fraternal
     * ministries and customs), recorded with the review */
    json_t *outside = json_object_get(body, "reported_to");
    bool bad = outside && !json_is_array(outside);
    for (size_t i = 0; !bad && outside && i < json_array_size(outside); i++) {
        json_t *v = json_array_get(outside, i);
        bad = !json_is_string(v) || !json_string_length(v) || json_string_length(v) > 200 || i >= 16;
    }
    if (!rc && bad)
        rc = od_error_set(
            e, OD_E_UNPROCESSABLE, "reported_to",
            "reported_to 须为至多16个非空文本（每个至多200字节） (reported_to must be at most 16 "
            "non-empty strings of at most 200 bytes)");
    if (!rc && outside && json_array_size(outside))
        json_object_set(fields, "reported_to", outside);
    /* seed 000 ch. 8 §1: the summary of the grading and the handling process
     * (was the level right, did the process hold), kept with the review */
    json_t *gr = json_object_get(body, "grading_review");
    if (!rc && json_is_string(gr) && json_string_length(gr))
        json_object_set(fields, "grading_review", gr);
    if (!rc)
        rc = od_inc_report_insert(tx, &x, "review", who, "ops_security", fields, now, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_INC_SET_REVIEWED, e,
                        OD_BINDS(OD_TEXT(od_inc_state_key(to)), OD_INT(now), OD_INT(now), OD_INT(x.id)));
    /* R-PIR-2: the case library entry, searchable by text, CI, category, level, cause */
    json_t *cats = json_array(), *names = json_array();
    od_rows *r = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_INC_CI_LIST, &r, e, OD_BINDS(OD_INT(x.id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_array_append_new(names, json_string(od_rows_text(r, 1)));
        json_array_append_new(cats, json_string(od_rows_text(r, 2)));
    }
    od_rows_close(r);
    char *cs = json_dumps(cats, JSON_COMPACT), *ns = json_dumps(names, JSON_COMPACT), *text = NULL;
    if (!rc && asprintf(&text, "%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s", inc_str(&x, "number"),
                        inc_str(&x, "title"), inc_str(&x, "symptoms"), inc_str(&x, "location"), ns ? ns : "",
                        cs ? cs : "", json_string_value(json_object_get(body, "cause_analysis")),
                        json_string_value(json_object_get(body, "lessons")),
                        json_string_value(json_object_get(body, "improvements")),
                        json_string_value(json_object_get(body, "measures"))) < 0)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CASE_INSERT, e,
                        OD_BINDS(OD_INT(x.id), OD_TEXT(inc_str(&x, "number")), OD_TEXT(inc_str(&x, "title")),
                                 OD_TEXT(od_grade_key(x.level)), OD_TEXT(od_resp_key(x.highest)),
                                 OD_TEXT(cs ? cs : "[]"), OD_TEXT(ns ? ns : "[]"),
                                 OD_TEXT(json_string_value(json_object_get(body, "cause_analysis"))),
                                 OD_TEXT(text), OD_BOOL(x.drill), OD_INT(now)));
    if (!rc) /* the case library's full-text index, shared with the known errors (search.h) */
        rc = od_search_index(tx, OD_SEARCH_SOURCE_CASE, x.id, text, e);
    free(cs);
    free(ns);
    free(text);
    json_decref(cats);
    json_decref(names);
    if (!rc)
        rc = od_inc_timeline(tx, x.id, now, who, "reviewed", fields, e,
                             "完成事后评估，归入案例库 (reviewed; filed in the case "
                             "library)");
    /* seed 000 ch. 8 §2: the handling report goes to the leadership group */
    if (!rc)
        rc = od_incident_review_notify(tx, a->policy, &x, who, body, now, e);
    for (size_t i = 0; !rc && outside && i < json_array_size(outside); i++)
        rc = od_inc_timeline(tx, x.id, now, who, "reported_outside", NULL, e,
                             "处理报告已报送：%s (handling report sent to: %s)",
                             json_string_value(json_array_get(outside, i)),
                             json_string_value(json_array_get(outside, i)));
    if (!rc)
        rc = od_audit_append(tx, now, who, "incident.review", "incident", x.id, NULL, fields, e);
    json_decref(fields);
    od_inc_free(&x);
    return rc;
}
