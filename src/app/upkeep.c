/* upkeep.c — risk assessments and content feedback (upkeep.h;
 * docs/upkeep.md).  Rules: core/upkeep.h; statements:
 * store/queries_upkeep.h. */
#include "app/upkeep.h"
#include "app/list.h"
#include "core/upkeep.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>

static json_t *time_json(od_rows *r, int col)
{
    char t[OD_TIME_STR_MAX];
    return od_rows_null(r, col) ? json_null() : json_string(od_time_format(od_rows_int(r, col), t));
}

static json_t *time_or_null(int64_t ms)
{
    char t[OD_TIME_STR_MAX];
    return ms ? json_string(od_time_format(ms, t)) : json_null();
}

/* a row of RISK_GET / RISK_LIST */
static json_t *risk_row(od_rows *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(od_rows_int(r, 0)));
    json_object_set_new(o, "held_at", time_json(r, 1));
    json_object_set_new(o, "assessor_id", json_integer(od_rows_int(r, 2)));
    json_object_set_new(o, "username", json_string(od_rows_text(r, 3)));
    json_object_set_new(o, "display_name", json_string(od_rows_text(r, 4)));
    json_object_set_new(o, "department", json_string(od_rows_text(r, 5)));
    json_object_set_new(o, "scope", json_string(od_rows_text(r, 6)));
    json_object_set_new(o, "findings", json_string(od_rows_text(r, 7)));
    json_object_set_new(o, "risks", json_string(od_rows_text(r, 8)));
    json_object_set_new(o, "actions", json_string(od_rows_text(r, 9)));
    json_object_set_new(o, "created_at", time_json(r, 10));
    return o;
}

/* a row of FB_GET / FB_LIST, with whether it is overdue at now */
static json_t *fb_row(od_rows *r, int64_t now)
{
    json_t *o = json_object();
    int src = od_fb_source_parse(od_rows_text(r, 5)), chg = od_fb_change_parse(od_rows_text(r, 11));
    bool addressed = !od_rows_null(r, 14);
    json_object_set_new(o, "id", json_integer(od_rows_int(r, 0)));
    json_object_set_new(o, "plan_id", od_rows_null(r, 1) ? json_null() : json_integer(od_rows_int(r, 1)));
    json_object_set_new(o, "plan_number", od_rows_null(r, 2) ? json_null() : json_string(od_rows_text(r, 2)));
    json_object_set_new(o, "plan_title", od_rows_null(r, 3) ? json_null() : json_string(od_rows_text(r, 3)));
    json_object_set_new(o, "topic", json_string(od_rows_text(r, 4)));
    json_object_set_new(o, "source", json_string(od_rows_text(r, 5)));
    json_object_set_new(o, "source_zh", json_string(src >= 0 ? od_fb_source_name_zh((od_fb_source)src) : ""));
    json_object_set_new(o, "text", json_string(od_rows_text(r, 6)));
    json_object_set_new(o, "created_by", json_string(od_rows_text(r, 8)));
    json_object_set_new(o, "created_at", time_json(r, 9));
    json_object_set_new(o, "due_at", time_json(r, 10));
    json_object_set_new(o, "change", addressed ? json_string(od_rows_text(r, 11)) : json_null());
    json_object_set_new(o, "change_zh",
                        addressed && chg >= 0 ? json_string(od_fb_change_name_zh((od_fb_change)chg))
                                              : json_null());
    json_object_set_new(o, "resolution", addressed ? json_string(od_rows_text(r, 12)) : json_null());
    json_object_set_new(o, "addressed_at", time_json(r, 14));
    json_object_set_new(o, "overdue", json_boolean(od_feedback_overdue(od_rows_int(r, 10), addressed, now)));
    return o;
}

static od_err risk_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_RISK_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "风险评估 %lld 不存在 (risk assessment %lld not found)",
                          (long long)id, (long long)id);
    if (!rc)
        *out = risk_row(r);
    od_rows_close(r);
    return rc;
}

static od_err fb_load(od_tx *tx, int64_t id, int64_t now, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_FB_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "反馈 %lld 不存在 (feedback %lld not found)",
                          (long long)id, (long long)id);
    if (!rc)
        *out = fb_row(r, now);
    od_rows_close(r);
    return rc;
}

static od_err finish(od_tx *tx, od_err rc, json_t **out, od_error *e)
{
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static od_err need_text(const char *v, const char *field, od_error *e)
{
    if (v && *v)
        return OD_OK;
    return od_error_set(e, OD_E_UNPROCESSABLE, field, "缺少必填字段 %s (required field %s is missing)", field,
                        field);
}

od_err od_risk_create(od_app *a, const od_principal *who, const od_risk_input *in, json_t **out, od_error *e)
{
    *out = NULL;
    const od_upkeep_policy *u = &a->policy->upkeep;
    /* seed 000 ch. 9 §4: 运行部 assesses */
    if (strcmp(who->department, u->risk_department) != 0)
        return od_error_set(e, OD_E_FORBIDDEN, NULL,
                            "系统风险评估由%s进行，您属于%s (the risk assessment is %s's; you are of %s)",
                            u->risk_department, *who->department ? who->department : "（未设部门）",
                            u->risk_department, *who->department ? who->department : "no department");
    int64_t now = od_app_now(a), held = 0, id = 0;
    if (!in->held_at || !od_time_parse(in->held_at, &held))
        return od_error_set(e, OD_E_UNPROCESSABLE, "held_at",
                            "缺少或无效 held_at (held_at missing or not RFC 3339)");
    if (held > now)
        return od_error_set(e, OD_E_UNPROCESSABLE, "held_at",
                            "评估日期不能晚于现在 (held_at must not be in the future)");
    od_err rc = need_text(in->scope, "scope", e);
    if (!rc)
        rc = need_text(in->findings, "findings", e);
    if (!rc)
        rc = need_text(in->risks, "risks", e);
    if (!rc)
        rc = need_text(in->actions, "actions", e);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_insert(tx, OD_Q_RISK_INSERT, &id, e,
                      OD_BINDS(OD_INT(held), OD_INT(who->id), OD_TEXT(who->department), OD_TEXT(in->scope),
                               OD_TEXT(in->findings), OD_TEXT(in->risks), OD_TEXT(in->actions), OD_INT(now)));
    if (!rc)
        rc = risk_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "risk_assessment.create", "risk_assessment", id, NULL, *out, e);
    return finish(tx, rc, out, e);
}

od_err od_risk_list(od_app *a, const od_principal *who, int64_t limit, int64_t offset, json_t **out,
                    od_error *e)
{
    (void)who;
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    int64_t total = 0;
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_scalar(tx, OD_Q_RISK_COUNT, &total, e, OD_NOBINDS);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_RISK_LIST, &r, e, OD_BINDS(OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, risk_row(r));
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = od_list_envelope(items, total, limit, offset);
    return OD_OK;
}

/* The latest held_at (0 = none). */
static od_err last_held(od_tx *tx, int64_t *last, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    *last = 0;
    od_err rc = od_tx_query(tx, OD_Q_RISK_LAST, &r, e, OD_NOBINDS);
    if (!rc && !(rc = od_rows_step(r, &row)) && row && !od_rows_null(r, 0))
        *last = od_rows_int(r, 0);
    od_rows_close(r);
    return rc;
}

od_err od_upkeep_counts(od_tx *tx, const od_policy *p, int64_t now, bool *risk_overdue, int64_t *risk_due,
                        int64_t *feedback_overdue, od_error *e)
{
    int64_t last = 0;
    od_err rc = last_held(tx, &last, e);
    if (!rc) {
        *risk_due = od_risk_next_due(last, p->upkeep.risk_months);
        *risk_overdue = od_risk_overdue(*risk_due, now);
        rc = od_tx_scalar(tx, OD_Q_FB_OVERDUE, feedback_overdue, e, OD_BINDS(OD_INT(now)));
    }
    return rc;
}

od_err od_risk_due(od_app *a, const od_principal *who, json_t **out, od_error *e)
{
    (void)who;
    *out = NULL;
    od_tx *tx = NULL;
    int64_t now = od_app_now(a), last = 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = last_held(tx, &last, e);
    od_tx_rollback(tx);
    if (rc)
        return rc;
    const od_upkeep_policy *u = &a->policy->upkeep;
    int64_t due = od_risk_next_due(last, u->risk_months);
    *out = json_pack("{si ss so so sb}", "cycle_months", u->risk_months, "department", u->risk_department,
                     "last_held_at", time_or_null(last), "next_due_at", time_or_null(due), "overdue",
                     od_risk_overdue(due, now));
    return *out ? OD_OK : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
}

od_err od_feedback_create(od_app *a, const od_principal *who, const od_feedback_input *in, json_t **out,
                          od_error *e)
{
    *out = NULL;
    const char *topic = in->topic ? in->topic : "";
    if (!in->plan_id && !*topic)
        return od_error_set(e, OD_E_UNPROCESSABLE, "plan_id",
                            "须指明预案 plan_id 或培训内容 topic (name the plan_id or the training topic)");
    if (od_fb_source_parse(in->source) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "source",
                            "source 须为 assessment、drill、training、incident 或 review (source must be "
                            "assessment, drill, training, incident or review)");
    od_err rc = need_text(in->text, "text", e);
    if (rc)
        return rc;
    int64_t now = od_app_now(a), id = 0;
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    if (in->plan_id) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_FB_PLAN_KIND, &r, e, OD_BINDS(OD_INT(in->plan_id)));
        if (!rc)
            rc = od_rows_step(r, &row);
        bool plan = !rc && row && strcmp(od_rows_text(r, 0), "plan") == 0;
        od_rows_close(r);
        if (!rc && !plan)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "plan_id", "预案 %lld 不存在 (plan %lld not found)",
                              (long long)in->plan_id, (long long)in->plan_id);
    }
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_FB_INSERT, &id, e,
                          OD_BINDS(OD_INT_OR_NULL(in->plan_id, in->plan_id != 0), OD_TEXT(topic),
                                   OD_TEXT(in->source), OD_TEXT(in->text), OD_INT(who->id), OD_INT(now),
                                   OD_INT(od_feedback_due(now, a->policy->upkeep.feedback_days))));
    if (!rc)
        rc = fb_load(tx, id, now, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "feedback.create", "feedback", id, NULL, *out, e);
    return finish(tx, rc, out, e);
}

od_err od_feedback_list(od_app *a, const od_principal *who, bool open, int64_t plan_id, int64_t limit,
                        int64_t offset, json_t **out, od_error *e)
{
    (void)who;
    *out = NULL;
    od_tx *tx = NULL;
    int64_t now = od_app_now(a), total = 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    od_rows *r = NULL;
    bool row = false;
    int64_t o = open ? 1 : 0;
    rc = od_tx_scalar(tx, OD_Q_FB_COUNT, &total, e, OD_BINDS(OD_INT(o), OD_INT(plan_id), OD_INT(plan_id)));
    if (!rc)
        rc =
            od_tx_query(tx, OD_Q_FB_LIST, &r, e,
                        OD_BINDS(OD_INT(o), OD_INT(plan_id), OD_INT(plan_id), OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, fb_row(r, now));
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = od_list_envelope(items, total, limit, offset);
    return OD_OK;
}

od_err od_feedback_address(od_app *a, const od_principal *who, int64_t id, const char *change,
                           const char *resolution, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a);
    od_tx *tx = NULL;
    json_t *before = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = fb_load(tx, id, now, &before, e);
    if (!rc && !json_is_null(json_object_get(before, "addressed_at")))
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "反馈 %lld 已处理 (feedback %lld was acted on already)",
                          (long long)id, (long long)id);
    if (!rc && od_fb_change_parse(change) < 0)
        rc = od_error_set(
            e, OD_E_UNPROCESSABLE, "change",
            "change 须为 courses、schedule、focus、plan 或 none (change must be courses, schedule, "
            "focus, plan or none)");
    if (!rc)
        rc = need_text(resolution, "resolution", e);
    if (!rc)
        rc = od_tx_exec(
            tx, OD_Q_FB_ADDRESS, e,
            OD_BINDS(OD_TEXT(change), OD_TEXT(resolution), OD_INT(who->id), OD_INT(now), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "反馈 %lld 已处理 (feedback %lld was acted on already)",
                          (long long)id, (long long)id);
    if (!rc)
        rc = fb_load(tx, id, now, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "feedback.address", "feedback", id, before, *out, e);
    json_decref(before);
    return finish(tx, rc, out, e);
}
