/* incidents.c — incident use cases (REQUIREMENTS §2–§6).  Every function is
 * one write (or read) transaction: it loads the incident, asks core/ for
 * the rule (grading, escalation, deadlines, authority, lifecycle), and
 * writes the record, timeline, audit entry, recipients, outbox messages and
 * deadline rows together.  Messages are put into the outbox only; delivery
 * is the dispatcher's job.  Internal deadline kinds (escalation,
 * progress_remind, renotify) are timers; the others are shown to people. */
#include "app/incidents_int.h"
#include "core/regrade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void inc_free(inc *x)
{
    json_decref(x->row);
    x->row = NULL;
}

static bool inc_in_scope(const od_principal *who, const inc *x)
{
    return od_principal_in_any_scope(who, inc_str(x, "departments"));
}

static od_err inc_load(od_tx *tx, const od_principal *who, int64_t id, inc *x, od_error *e)
{
    static const char *const cols[] = {"id",
                                       "number",
                                       "title",
                                       "state",
                                       "level",
                                       "severity",
                                       "severity_provisional",
                                       "base_response",
                                       "response_level",
                                       "highest_response",
                                       "detected_at",
                                       "registered_at",
                                       "handling_deadline",
                                       "first_report_due",
                                       "location",
                                       "symptoms",
                                       "impact_scope",
                                       "departments",
                                       "drill",
                                       "created_by",
                                       "activated_by",
                                       "activated_at",
                                       "resolved_at",
                                       "closed_by",
                                       "closed_at",
                                       "reviewed_at",
                                       "updated_at"};
    static const bool is_text[] = {0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0,
                                   1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    memset(x, 0, sizeof *x);
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_INC_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (rc)
        return rc;
    bool row2 = false;
    rc = od_rows_step(r, &row2);
    if (row2) {
        x->row = json_object();
        for (int i = 0; i < (int)(sizeof cols / sizeof *cols); i++)
            json_object_set_new(x->row, cols[i],
                                od_rows_null(r, i) ? json_null()
                                : is_text[i]       ? json_string(od_rows_text(r, i))
                                                   : json_integer(od_rows_int(r, i)));
    }
    od_rows_close(r);
    if (rc)
        return rc;
    if ((!rc && !row2) || !inc_in_scope(who, &(inc){.row = x->row})) {
        inc_free(x);
        return od_error_set(e, OD_E_NOT_FOUND, NULL, "事件 %lld 不存在 (incident %lld not found)",
                            (long long)id, (long long)id);
    }
#define I(k) ((int64_t)json_integer_value(json_object_get(x->row, k)))
    x->id = id;
    x->state = (od_inc_state)od_inc_state_parse(inc_str(x, "state"));
    x->level = (od_grade)od_grade_parse(inc_str(x, "level"));
    x->sev = (od_severity)od_severity_parse(inc_str(x, "severity"));
    x->prov = I("severity_provisional") != 0;
    x->drill = I("drill") != 0;
    x->base = (od_resp)od_resp_parse(inc_str(x, "base_response"));
    x->cur = (od_resp)od_resp_parse(inc_str(x, "response_level"));
    x->highest = (od_resp)od_resp_parse(inc_str(x, "highest_response"));
    x->detected = I("detected_at");
    x->deadline =
        json_is_null(json_object_get(x->row, "handling_deadline")) ? OD_NO_TIME : I("handling_deadline");
    x->first_due = I("first_report_due");
    x->created_by = I("created_by");
#undef I
    return OD_OK;
}

static od_err timeline(od_tx *tx, int64_t inc_id, int64_t now, const od_principal *who, const char *kind,
                       json_t *data, od_error *e, const char *fmt, ...) OD_PRINTF(8, 9);
static od_err timeline(od_tx *tx, int64_t inc_id, int64_t now, const od_principal *who, const char *kind,
                       json_t *data, od_error *e, const char *fmt, ...)
{
    /* whole, never cut: a cut in the middle of a UTF-8 character would make
     * the entry unrepresentable in JSON */
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (n < 0)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    char *d = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    od_err rc = od_tx_exec(tx, OD_Q_TL_INSERT, e, OD_BINDS(OD_INT(inc_id), OD_INT(now), OD_TEXT(who ? who->username : "system"), OD_TEXT(kind),
                           OD_TEXT(text), OD_TEXT(d)));
    free(d);
    free(text);
    return rc;
}

od_err od_incident_deadline_add(od_tx *tx, int64_t inc_id, od_deadline_kind k, int64_t recipient, int64_t due,
                                int64_t fire, od_error *e)
{
    if (due == OD_NO_TIME)
        return OD_OK;
    return od_tx_exec(tx, OD_Q_DL_INSERT, e, OD_BINDS(OD_INT(inc_id), OD_TEXT(od_deadline_kind_key(k)), OD_INT_OR_NULL(recipient, recipient != 0), OD_INT(due),
                      OD_INT_NONZERO(fire == OD_NO_TIME ? (int64_t)0 : fire)));
}

static od_err schedule_escalation(od_tx *tx, const od_policy *p, const inc *x, od_error *e)
{
    od_err rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x->id), OD_TEXT(od_deadline_kind_key(OD_DL_ESCALATION))));
    if (rc || !od_inc_state_open(x->state))
        return rc;
    int64_t next = od_escalation_next_at(p, x->base, x->cur, x->detected);
    return od_incident_deadline_add(tx, x->id, OD_DL_ESCALATION, 0, next, next, e);
}

static od_err set_levels(od_tx *tx, const inc *x, int64_t now, od_error *e)
{
    return od_tx_exec(tx, OD_Q_INC_SET_LEVELS, e, OD_BINDS(OD_TEXT(od_grade_key(x->level)),
                      OD_TEXT(od_severity_key(x->sev)), OD_BOOL(x->prov), OD_TEXT(od_resp_key(x->base)), OD_TEXT(od_resp_key(x->cur)),
                      OD_TEXT(od_resp_key(x->highest)), OD_INT_NONZERO(x->deadline == OD_NO_TIME ? (int64_t)0 : x->deadline),
                      OD_INT(x->first_due), OD_TEXT(inc_str(x, "departments")), OD_INT(now), OD_INT(x->id)));
}

/* Raises x->cur to `to` (more serious), records it, notifies the new level's
 * recipients (those of incident level Lk for Rk), shortens the progress
 * cadence; the closing authority follows highest_response. */
static od_err raise_to(od_tx *tx, const od_policy *p, inc *x, od_resp to, int64_t now,
                       const od_principal *who, const char *reason, od_error *e)
{
    if (to >= x->cur)
        return OD_OK;
    od_resp from = x->cur;
    x->cur = to;
    if (to < x->highest)
        x->highest = to;
    char cause[96];
    od_err rc = set_levels(tx, x, now, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_ESC_INSERT, e, OD_BINDS(OD_INT(x->id), OD_TEXT(od_resp_key(from)), OD_TEXT(od_resp_key(to)), OD_INT(now),
                        OD_TEXT(reason)));
    if (!rc)
        rc = timeline(tx, x->id, now, who, "escalation", NULL, e,
                      "响应级别由 %s 升至 %s：%s (response raised %s → %s)", od_resp_name_zh(from),
                      od_resp_name_zh(to), reason, od_resp_key(from), od_resp_key(to));
    /* R-ESC-3: the recipients of Rk are those of incident level Lk */
    od_grade lk = od_resp_recipient_level(to);
    snprintf(cause, sizeof cause, "inc:%lld:esc:%s", (long long)x->id, od_resp_key(to));
    msgspec m = {.kind = OD_MSG_ESCALATION, .from_level = od_resp_key(from), .reason = reason};
    json_t *users = NULL;
    if (!rc)
        rc = od_incident_recipients_for(tx, p, lk, inc_str(x, "departments"), &users, e);
    if (!rc) {
        /* the join notice (with the ack request) and the escalation notice are two messages */
        char join[112];
        snprintf(join, sizeof join, "%s:join", cause);
        rc = od_incident_add_recipients(tx, p, x, lk, "escalation", join, "escalation", &m, now, e);
    }
    if (!rc) /* the escalation notice, with its reason, to every recipient of the new level */
        rc = od_incident_notify_all(tx, p, x, users, cause, "escalation", &m, now, e);
    json_decref(users);
    /* R-NOT-5: shorter progress cadence from now on */
    if (!rc && x->state != OD_INC_DETECTED) {
        od_rows *r = NULL;
        int64_t due = OD_NO_TIME;
        rc = od_tx_query(tx, OD_Q_DL_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
        bool row = false;
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            if (strcmp(od_rows_text(r, 1), "progress") == 0 && strcmp(od_rows_text(r, 5), "pending") == 0)
                due = od_rows_int(r, 3);
        od_rows_close(r);
        int64_t nd = od_progress_due_after_escalation(p, to, due, now);
        if (!rc && nd != due) {
            rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x->id), OD_TEXT("progress")));
            if (!rc)
                rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x->id), OD_TEXT("progress_remind")));
            if (!rc)
                rc = od_incident_deadline_add(tx, x->id, OD_DL_PROGRESS, 0, nd, nd + 1, e);
            if (!rc && nd != OD_NO_TIME)
                rc = od_incident_deadline_add(tx, x->id, OD_DL_PROGRESS_REMIND, 0, nd,
                                              nd - p->progress_remind_before_ms, e);
        }
    }
    if (!rc)
        rc = schedule_escalation(tx, p, x, e);
    return rc;
}

/* Applies the time rule at `now` (late registration, scheduler). */
static od_err escalate_by_time(od_tx *tx, const od_policy *p, inc *x, int64_t now, od_error *e)
{
    if (!od_inc_state_open(x->state))
        return OD_OK;
    od_resp lvl = od_escalation_level_at(p, x->base, x->detected, now);
    if (lvl >= x->cur)
        return schedule_escalation(tx, p, x, e);
    char reason[256];
    int64_t left = x->deadline == OD_NO_TIME ? 0 : (x->deadline - now) / MIN_MS;
    snprintf(
        reason, sizeof reason,
        "R-ESC-2：剩余处理时间 %lld 分钟不超过 %s 的处理时限 %lld 分钟 (remaining %lld min <= limit of %s)",
        (long long)left, od_resp_key(lvl), (long long)(p->handling_limit_ms[lvl] / MIN_MS), (long long)left,
        od_resp_key(lvl));
    return raise_to(tx, p, x, lvl, now, NULL, reason, e);
}

/* ---- grading inputs ---- */

/* Loads the CIs, their highest grade and owning departments. */
static od_err grade_cis(od_tx *tx, const od_principal *who, json_t *ci_ids, od_grade *level,
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

static od_err commit_and_get(od_app *a, od_tx *tx, od_err rc, const od_principal *who, int64_t id,
                             json_t **out, od_error *e)
{
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    rc = od_tx_commit(tx, e);
    if (rc)
        return rc;
    od_app_committed(a, OD_COMMIT_DEADLINES | OD_COMMIT_OUTBOX);
    return od_incident_get(a, who, id, out, e);
}

/* ---- register (R-INC-2…5) ---- */

od_err od_incident_create_in(od_app *a, od_tx *tx, const od_principal *who, const od_incident_input *in,
                             int64_t *out_id, od_error *e)
{
    *out_id = 0;
    const od_policy *p = a->policy;
    int64_t now = od_app_now(a);
    int sev = -1;
    if (in->severity && (sev = od_severity_parse(in->severity)) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "severity",
                            "影响程度须为 severe/moderate/minor (severity must be "
                            "severe, moderate or minor)");
    int64_t detected = in->detected_at ? in->detected_at : now;
    if (detected > now + MIN_MS)
        return od_error_set(e, OD_E_UNPROCESSABLE, "detected_at",
                            "发现时间不能晚于现在 (detected_at is in the future)");
    if (!in->title || !*in->title)
        return od_error_set(e, OD_E_UNPROCESSABLE, "title",
                            "缺少必填字段 title (required field title is missing)");
    json_t *deps = NULL, *audit = NULL;
    od_grade level;
    inc x = {0};
    od_err rc = grade_cis(tx, who, in->ci_ids, &level, &deps, e);
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
            tx, OD_Q_INC_INSERT, &id, e, OD_BINDS(OD_TEXT(number), OD_TEXT(in->title),
            OD_TEXT(od_inc_state_key(OD_INC_DETECTED)), OD_TEXT(od_grade_key(g.level)), OD_TEXT(od_severity_key(g.severity)),
            OD_BOOL(g.severity_provisional), OD_TEXT(od_resp_key(g.response)), OD_TEXT(od_resp_key(g.response)), OD_TEXT(od_resp_key(g.response)),
            OD_INT(detected), OD_INT(now), OD_INT_NONZERO(deadline == OD_NO_TIME ? (int64_t)0 : deadline), OD_INT(first_due),
            OD_TEXT(in->location ? in->location : ""), OD_TEXT(in->symptoms ? in->symptoms : ""),
            OD_TEXT(in->impact_scope ? in->impact_scope : ""), OD_TEXT(depstr ? depstr : "[]"), OD_BOOL(in->drill), OD_INT_OR_NULL(who->id, who->id != 0), OD_INT(now)));
    free(depstr);
    size_t i;
    json_t *v;
    json_array_foreach(in->ci_ids, i, v)
    {
        if (rc)
            break;
        rc = od_tx_exec(tx, OD_Q_INC_CI_INSERT, e, OD_BINDS(OD_INT(id), OD_INT((int64_t)json_integer_value(v))));
        if (rc == OD_E_CONFLICT) {
            od_error_clear(e);
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "ci_ids", "ci_ids 中有重复项 (ci_ids has duplicates)");
        }
    }
    if (!rc)
        rc = inc_load(tx, NULL, id, &x, e);
    if (!rc)
        rc = timeline(tx, id, now, who, "registered", NULL, e,
                      "登记事件：%s事件，影响程度%s%s，%s (registered: %s, %s%s, %s)",
                      od_grade_name_zh(g.level), od_severity_name_zh(g.severity),
                      g.severity_provisional ? "（暂定，就高原则）" : "", od_resp_name_zh(g.response),
                      od_grade_key(g.level), od_severity_key(g.severity),
                      g.severity_provisional ? " provisional" : "", od_resp_key(g.response));
    /* deadlines: first report (R-NOT-1), handling (R-ESC-1), progress (R-NOT-5), escalation (R-ESC-2) */
    if (!rc)
        rc = od_incident_deadline_add(tx, id, OD_DL_FIRST_REPORT, 0, first_due, first_due + 1, e);
    if (!rc)
        rc = od_incident_deadline_add(tx, id, OD_DL_HANDLING, 0, deadline,
                                      deadline == OD_NO_TIME ? OD_NO_TIME : deadline + 1, e);
    if (!rc) {
        int64_t pd = od_progress_due(p, g.response, detected);
        rc = od_incident_deadline_add(tx, id, OD_DL_PROGRESS, 0, pd, pd == OD_NO_TIME ? OD_NO_TIME : pd + 1,
                                      e);
        if (!rc && pd != OD_NO_TIME)
            rc = od_incident_deadline_add(tx, id, OD_DL_PROGRESS_REMIND, 0, pd,
                                          pd - p->progress_remind_before_ms, e);
    }
    if (!rc)
        rc = escalate_by_time(tx, p, &x, now, e); /* a late registration escalates at once */
    if (!rc) {
        inc_free(&x);
        rc = inc_load(tx, NULL, id, &x, e);
    }
    if (!rc) {
        audit = json_deep_copy(x.row);
        json_object_set(audit, "ci_ids", in->ci_ids);
        rc = od_audit_append(tx, now, who, "incident.create", "incident", id, NULL, audit, e);
    }
    json_decref(audit);
    json_decref(deps);
    inc_free(&x);
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
    return commit_and_get(a, tx, rc, who, id, out, e);
}

/* ---- read ---- */

static json_t *time_or_null(int64_t ms)
{
    char t[OD_TIME_STR_MAX];
    return ms == OD_NO_TIME || ms == 0 ? json_null() : json_string(od_time_format(ms, t));
}

static json_t *row_time(const inc *x, const char *k)
{
    json_t *v = json_object_get(x->row, k);
    return json_is_integer(v) ? time_or_null((int64_t)json_integer_value(v)) : json_null();
}

/* The end of a reader: rc; on success *out = o, else o is freed. */
static od_err json_result(od_err rc, json_t *o, json_t **out)
{
    if (rc)
        json_decref(o);
    else
        *out = o;
    return rc;
}

static od_err incident_json(od_app *a, od_tx *tx, const inc *x, bool full, json_t **out, od_error *e)
{
    const od_policy *p = a->policy;
    int64_t now = od_app_now(a);
    json_t *o = json_pack("{sI ss ss ss ss ss ss sb ss ss ss sb}", "id", (json_int_t)x->id, "number",
                          inc_str(x, "number"), "title", inc_str(x, "title"), "state", inc_str(x, "state"),
                          "state_zh", od_inc_state_name_zh(x->state), "level", od_grade_key(x->level),
                          "severity", od_severity_key(x->sev), "severity_provisional", x->prov,
                          "response_level", od_resp_key(x->cur), "base_response_level", od_resp_key(x->base),
                          "highest_response_level", od_resp_key(x->highest), "drill", x->drill);
    json_object_set_new(o, "handling_deadline", time_or_null(x->deadline));
    json_object_set_new(o, "first_report_due", time_or_null(x->first_due));
    json_object_set_new(o, "detected_at", time_or_null(x->detected));
    static const char *const tcols[] = {"registered_at", "activated_at", "resolved_at",
                                        "closed_at",     "reviewed_at",  "updated_at"};
    for (size_t i = 0; i < sizeof tcols / sizeof *tcols; i++)
        json_object_set_new(o, tcols[i], row_time(x, tcols[i]));
    json_object_set_new(o, "location", json_string(inc_str(x, "location")));
    json_object_set_new(o, "symptoms", json_string(inc_str(x, "symptoms")));
    json_object_set_new(o, "impact_scope", json_string(inc_str(x, "impact_scope")));
    json_object_set_new(o, "activation_role", json_string(od_role_key(od_activation_role(p, x->cur))));
    json_object_set_new(o, "closing_role", json_string(od_role_key(od_activation_role(p, x->highest))));
    od_err rc = OD_OK;
    od_rows *r = NULL;
    json_t *cis = json_array();
    rc = od_tx_query(tx, OD_Q_INC_CI_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(cis, json_pack("{sI ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "name",
                                             od_rows_text(r, 1), "category", od_rows_text(r, 2), "grade",
                                             od_rows_text(r, 3), "department", od_rows_text(r, 4)));
    od_rows_close(r);
    json_object_set_new(o, "cis", cis);
    /* deadlines: visible ones with met/missed, and the next escalation */
    json_t *dls = json_array();
    int64_t next_esc = OD_NO_TIME;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_DL_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int k = od_deadline_kind_parse(od_rows_text(r, 1));
        const char *st = od_rows_text(r, 5);
        if (k == OD_DL_ESCALATION) {
            if (strcmp(st, "pending") == 0)
                next_esc = od_rows_int(r, 3);
            continue;
        }
        if (!od_deadline_kind_shown(k) || strcmp(st, "cancelled") == 0)
            continue;
        int64_t due = od_rows_int(r, 3), met = od_rows_null(r, 4) ? 0 : od_rows_int(r, 4);
        od_deadline_state ds = od_deadline_state_at(due, met, now);
        json_t *d =
            json_pack("{ss so so sb ss}", "kind", od_rows_text(r, 1), "due_at", time_or_null(due), "met_at",
                      time_or_null(met), "missed", ds == OD_DLS_MISSED || ds == OD_DLS_MET_LATE, "state",
                      ds == OD_DLS_PENDING  ? "pending"
                      : ds == OD_DLS_MET    ? "met"
                      : ds == OD_DLS_MISSED ? "missed"
                                            : "met_late");
        if (!od_rows_null(r, 2))
            json_object_set_new(d, "recipient_id", json_integer(od_rows_int(r, 2)));
        json_array_append_new(dls, d);
    }
    od_rows_close(r);
    json_object_set_new(o, "deadlines", dls);
    json_object_set_new(o, "next_escalation_at", time_or_null(next_esc));
    if (!full || rc)
        return json_result(rc, o, out);
    json_t *esc = json_array(), *rcp = json_array(), *acks = json_array(), *reps = json_array(),
           *tl = json_array(), *msgs = json_array();
    json_object_set_new(o, "escalations", esc);
    json_object_set_new(o, "recipients", rcp);
    json_object_set_new(o, "acks", acks);
    json_object_set_new(o, "reports", reps);
    json_object_set_new(o, "timeline", tl);
    json_object_set_new(o, "messages", msgs);
    rc = od_tx_query(tx, OD_Q_ESC_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(esc,
                              json_pack("{ss ss so ss}", "from", od_rows_text(r, 0), "to", od_rows_text(r, 1),
                                        "at", time_or_null(od_rows_int(r, 2)), "reason", od_rows_text(r, 3)));
    od_rows_close(r);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_RCP_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t due = od_rows_null(r, 5) ? OD_NO_TIME : od_rows_int(r, 5);
        int64_t acked = od_rows_null(r, 6) ? 0 : od_rows_int(r, 6);
        json_t *u = json_pack("{sI ss ss ss so so so}", "user_id", (json_int_t)od_rows_int(r, 0), "username",
                              od_rows_text(r, 1), "display_name", od_rows_text(r, 2), "reason",
                              od_rows_text(r, 3), "notified_at", time_or_null(od_rows_int(r, 4)), "ack_due",
                              time_or_null(due), "acked_at", time_or_null(acked));
        json_object_set_new(u, "ack_overdue", json_boolean(due != OD_NO_TIME && !acked && now > due));
        json_array_append_new(rcp, u);
        if (acked)
            json_array_append_new(acks, json_pack("{sI ss so}", "user_id", (json_int_t)od_rows_int(r, 0),
                                                  "username", od_rows_text(r, 1), "at", time_or_null(acked)));
    }
    od_rows_close(r);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_REP_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *body = json_loads(od_rows_text(r, 4), 0, NULL);
        char dn[2 * OD_NAME_MAX + 8];
        json_array_append_new(reps, json_pack("{ss so ss ss ss so}", "kind", od_rows_text(r, 0), "at",
                                              time_or_null(od_rows_int(r, 1)), "author", od_rows_text(r, 2),
                                              "desk", od_rows_text(r, 3), "desk_name",
                                              od_incident_desk_name(p, od_rows_text(r, 3), dn), "fields",
                                              body ? body : json_object()));
    }
    od_rows_close(r);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_TL_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(tl, json_pack("{so ss ss ss}", "at", time_or_null(od_rows_int(r, 0)), "actor",
                                            od_rows_text(r, 1), "kind", od_rows_text(r, 2), "text",
                                            od_rows_text(r, 3)));
    od_rows_close(r);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_OUTBOX_OF_INC, &r, e, OD_BINDS(OD_INT(x->id)));
    row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(
            msgs, json_pack("{sI ss sI ss ss ss ss sI so}", "id", (json_int_t)od_rows_int(r, 0), "cause",
                            od_rows_text(r, 1), "recipient_id", (json_int_t)od_rows_int(r, 2), "channel",
                            od_rows_text(r, 3), "kind", od_rows_text(r, 5), "desk", od_rows_text(r, 6),
                            "status", od_rows_text(r, 8), "attempts", (json_int_t)od_rows_int(r, 9),
                            "created_at", time_or_null(od_rows_int(r, 10))));
    od_rows_close(r);
    /* R-NOT-7: messages that failed after the policy's attempt limit, with the last error */
    json_t *failed = json_array();
    json_object_set_new(o, "failed_messages", failed);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_NTF_FAILED_OF_INC, &r, e, OD_BINDS(OD_INT(x->id), OD_INT(x->id)));
    row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        char dn[2 * OD_NAME_MAX + 8];
        json_t *f = json_pack(
            "{ss sI ss ss ss ss sI ss ss}", "queue", od_rows_text(r, 0), "id", (json_int_t)od_rows_int(r, 1),
            "channel", od_rows_text(r, 3), "kind", od_rows_text(r, 4), "desk", od_rows_text(r, 5),
            "desk_name", od_incident_desk_name(p, od_rows_text(r, 5), dn), "attempts",
            (json_int_t)od_rows_int(r, 6), "error", od_rows_text(r, 7), "cause", od_rows_text(r, 8));
        json_object_set_new(f, "recipient_id",
                            od_rows_null(r, 2) ? json_null() : json_integer(od_rows_int(r, 2)));
        json_array_append_new(failed, f);
    }
    od_rows_close(r);
    return json_result(rc, o, out);
}

od_err od_incident_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    inc x;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = inc_load(tx, who, id, &x, e);
    if (!rc)
        rc = incident_json(a, tx, &x, true, out, e);
    inc_free(&x);
    od_tx_rollback(tx);
    return rc;
}

od_err od_incident_list(od_app *a, const od_principal *who, const char *state, const char *level,
                        const char *response, int drill, const char *q, int64_t limit, int64_t offset,
                        json_t **out, od_error *e)
{
    const char *st = state ? state : "", *lv = level ? level : "", *rs = response ? response : "",
               *qq = q ? q : "";
    char *like = od_store_like_pattern(qq);
    if (!like)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t total = 0;
    json_t *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc) {
        free(like);
        json_decref(items);
        return rc;
    }
    /* scoped principals: rows filtered here and paginated over the visible
     * ones (as od_ci_list), so neither the page nor the total counts an
     * incident they may not see */
    bool scoped = who && who->id != 0 && who->n_scopes > 0;
    if (!scoped)
        rc = od_tx_scalar(tx, OD_Q_INC_COUNT, &total, e, OD_BINDS(OD_TEXT(st), OD_TEXT(st), OD_TEXT(lv), OD_TEXT(lv), OD_TEXT(rs), OD_TEXT(rs), OD_INT((int64_t)drill),
                          OD_INT((int64_t)drill), OD_TEXT(qq), OD_TEXT(like), OD_TEXT(like), OD_TEXT(like)));
    int64_t ids[500];
    od_page pg = od_page_start(limit < 500 ? limit : 500, offset);
    int n = 0;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_INC_LIST, &r, e, OD_BINDS(OD_TEXT(st), OD_TEXT(st), OD_TEXT(lv), OD_TEXT(lv), OD_TEXT(rs), OD_TEXT(rs), OD_INT((int64_t)drill),
                         OD_INT((int64_t)drill), OD_TEXT(qq), OD_TEXT(like), OD_TEXT(like), OD_TEXT(like), OD_INT(scoped ? (int64_t)-1 : limit),
                         OD_INT(scoped ? (int64_t)0 : offset)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (scoped ? od_page_take(&pg, od_principal_in_any_scope(who, od_rows_text(r, 1))) : n < 500)
            ids[n++] = od_rows_int(r, 0);
    if (scoped)
        total = pg.seen;
    od_rows_close(r);
    for (int i = 0; !rc && i < n; i++) {
        inc x;
        json_t *o = NULL;
        rc = inc_load(tx, NULL, ids[i], &x, e);
        if (rc)
            break;
        rc = incident_json(a, tx, &x, false, &o, e);
        if (o)
            json_array_append_new(items, o);
        inc_free(&x);
    }
    od_tx_rollback(tx);
    free(like);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{so sI sI sI}", "items", items, "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)offset);
    return OD_OK;
}

/* ---- write actions ---- */

/* Begins a write tx, loads the incident and checks the lifecycle (R-CLOSE-2). */
static od_err begin_action(od_app *a, const od_principal *who, int64_t id, od_inc_action act, od_tx **tx,
                           inc *x, od_inc_state *to, od_error *e)
{
    od_err rc = od_tx_begin(a->store, true, tx, e);
    if (rc)
        return rc;
    rc = inc_load(*tx, who, id, x, e);
    if (!rc)
        rc = od_inc_transition(x->state, act, to, e);
    if (rc) {
        inc_free(x);
        od_tx_rollback(*tx);
        *tx = NULL;
    }
    return rc;
}

static od_err missing_fields(json_t *body, const char *const *req, size_t n, const inc *x, od_error *e)
{
    char zh[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(body, req[i]);
        bool empty = !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
        if (empty && x) { /* first report: the registered value counts */
            const char *reg = inc_str(x, req[i]);
            empty = !reg || !*reg;
        }
        if (empty)
            len += (size_t)snprintf(zh + len, sizeof zh - len, "%s%s", len ? ", " : "", req[i]);
        if (len >= sizeof zh)
            break;
    }
    if (!len)
        return OD_OK;
    return od_error_set(e, OD_E_UNPROCESSABLE, NULL,
                        "报告缺少必填内容：%s (report is missing required fields: %s)", zh, zh);
}

static const char *default_desk(const od_policy *p, const od_principal *who)
{
    const char *d = (who->roles & OD_ROLEBIT(OD_ROLE_MONITORING_ENGINEER)) ? "monitoring" : "ops_security";
    if (!od_notify_desk(p, d) && od_notify_n_desks(p)) /* a policy with other desks: its first */
        d = od_notify_desk_at(p, 0)->key;
    return d;
}

static od_err report_insert(od_tx *tx, const inc *x, const char *kind, const od_principal *who,
                            const char *desk, json_t *fields, int64_t now, od_error *e)
{
    char *b = json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS);
    od_err rc = od_tx_exec(tx, OD_Q_REP_INSERT, e, OD_BINDS(OD_INT(x->id), OD_TEXT(kind), OD_INT(now), OD_INT_OR_NULL(who->id, who->id != 0), OD_TEXT(who->username), OD_TEXT(desk),
                           OD_TEXT(b ? b : "{}")));
    free(b);
    return rc;
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
    od_err rc = begin_action(a, who, id, act, &tx, &x, &to, e);
    if (rc)
        return rc;
    rc = missing_fields(body, req, nreq, act == OD_IA_FIRST_REPORT ? &x : NULL, e);
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
        rc = report_insert(tx, &x, kind, who, desk, fields, now, e);
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
        rc = od_tx_exec(tx, OD_Q_INC_SET_STATE, e, OD_BINDS(OD_TEXT(od_inc_state_key(to)), OD_INT(now), OD_INT(x.id)));
        /* the reported location, symptoms and impact scope become the incident's */
        static const char *const det[] = {"location", "symptoms", "impact_scope"};
        for (size_t i = 0; i < 3; i++)
            json_object_set(x.row, det[i], json_object_get(fields, det[i]));
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_INC_SET_DETAILS, e, OD_BINDS(OD_TEXT(inc_str(&x, "location")),
                            OD_TEXT(inc_str(&x, "symptoms")), OD_TEXT(inc_str(&x, "impact_scope")), OD_INT(now), OD_INT(x.id)));
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_DL_MEET, e, OD_BINDS(OD_INT(now), OD_INT(x.id), OD_TEXT("first_report"), OD_INT((int64_t)0), OD_INT((int64_t)0)));
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
        rc = od_tx_exec(tx, OD_Q_INC_SET_STATE, e, OD_BINDS(OD_TEXT(od_inc_state_key(to)), OD_INT(now), OD_INT(x.id)));
        if (!rc && confirm < x.cur)
            rc = raise_to(tx, p, &x, confirm, now, who,
                          "续报确认更高的响应级别 (second report confirmed a higher level)", e);
        /* to the leaders of the confirmed level, fed back to the monitoring desk */
        json_t *users = NULL, *mon = json_array();
        od_grade lk = od_resp_recipient_level(x.cur);
        if (!rc)
            rc = od_incident_recipients_for(tx, p, lk, inc_str(&x, "departments"), &users, e);
        od_rows *r = NULL;
        if (!rc)
            rc = od_tx_query(tx, OD_Q_USERS_WITH_ROLE, &r, e, OD_BINDS(
                             OD_INT((int64_t)OD_ROLEBIT(OD_ROLE_MONITORING_ENGINEER))));
        bool row2 = false;
        while (!rc && !(rc = od_rows_step(r, &row2)) && row2)
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
        rc = od_tx_exec(tx, OD_Q_DL_MEET, e, OD_BINDS(OD_INT(now), OD_INT(x.id), OD_TEXT("progress"), OD_INT((int64_t)0), OD_INT((int64_t)0)));
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x.id), OD_TEXT("progress_remind")));
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
        rc = od_tx_exec(tx, OD_Q_INC_SET_RESOLVED, e, OD_BINDS(OD_TEXT(od_inc_state_key(to)), OD_INT(now), OD_INT(now), OD_INT(x.id)));
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_DL_MEET, e, OD_BINDS(OD_INT(now), OD_INT(x.id), OD_TEXT("handling"), OD_INT((int64_t)0), OD_INT((int64_t)0)));
        static const char *const stop[] = {"escalation", "progress", "progress_remind", "renotify"};
        for (size_t i = 0; !rc && i < 4; i++)
            rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x.id), OD_TEXT(stop[i])));
        json_t *users = NULL;
        if (!rc)
            rc = od_incident_current_recipients(tx, x.id, &users, e);
        if (!rc)
            rc = od_incident_notify_all(tx, p, &x, users, cause, "final", &msg, now, e);
        json_decref(users);
    }
    char dn[2 * OD_NAME_MAX + 8];
    if (!rc)
        rc = timeline(tx, x.id, now, who, kind, fields, e, "提交%s（%s）(%s report via %s desk)",
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
    inc_free(&x);
    return commit_and_get(a, tx, rc, who, id, out, e);
}

static od_err authority_error(const od_policy *p, od_resp level, const char *what_zh, const char *what,
                              od_error *e)
{
    od_role need = od_activation_role(p, level);
    return od_error_set(e, OD_E_FORBIDDEN, NULL,
                        "%s%s须由%s（%s）决定 (%s of a %s incident needs the %s role)",
                        od_resp_name_zh(level), what_zh, od_role_name_zh(need), od_role_key(need), what,
                        od_resp_key(level), od_role_key(need));
}

/* Activation (R-ACT-1) and closure (R-CLOSE-1): the lifecycle first (409
 * names the missing step), then the authority of the level concerned — the
 * current level to activate, the highest level reached to close. */
static od_err lead_action(od_app *a, const od_principal *who, int64_t id, od_inc_action act, json_t **out,
                          od_error *e)
{
    *out = NULL;
    bool closing = act == OD_IA_CLOSE;
    od_tx *tx = NULL;
    inc x;
    od_inc_state to;
    int64_t now = od_app_now(a);
    od_err rc = begin_action(a, who, id, act, &tx, &x, &to, e);
    if (rc)
        return rc;
    od_resp level = closing ? x.highest : x.cur;
    if (!(closing ? od_may_close : od_may_activate)(a->policy, level, who->roles))
        rc = closing ? authority_error(a->policy, level, "事件的关闭", "closing", e)
                     : authority_error(a->policy, level, "应急预案的启动", "activation", e);
    if (!rc && closing)
        rc = od_tx_exec(tx, OD_Q_INC_SET_CLOSED, e, OD_BINDS(OD_TEXT(od_inc_state_key(to)), OD_INT(who->id), OD_INT(now), OD_INT(now), OD_INT(x.id)));
    else if (!rc)
        rc =
            od_tx_exec(tx, OD_Q_INC_SET_ACTIVATED, e, OD_BINDS(OD_TEXT(od_inc_state_key(to)), OD_INT(who->id), OD_INT(now), OD_INT(now), OD_INT(x.id)));
    if (!rc)
        rc = closing
                 ? timeline(tx, x.id, now, who, "closed", NULL, e,
                            "由%s授权关闭事件 (closed by the %s authority)",
                            od_role_name_zh(od_activation_role(a->policy, level)), od_resp_key(level))
                 : timeline(tx, x.id, now, who, "activated", NULL, e, "启动%s应急预案 (plan activated at %s)",
                            od_resp_name_zh(level), od_resp_key(level));
    if (!rc)
        rc = od_audit_append(tx, now, who, closing ? "incident.close" : "incident.activate", "incident", x.id,
                             NULL, NULL, e);
    inc_free(&x);
    return commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_activate(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    return lead_action(a, who, id, OD_IA_ACTIVATE, out, e);
}

od_err od_incident_close(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    return lead_action(a, who, id, OD_IA_CLOSE, out, e);
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
            rc = od_tx_exec(tx, OD_Q_DL_MEET, e, OD_BINDS(OD_INT(now), OD_INT(x->id), OD_TEXT("ack"), OD_INT(who->id), OD_INT(who->id)));
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_DL_MEET, e, OD_BINDS(OD_INT(now), OD_INT(x->id), OD_TEXT("renotify"), OD_INT(who->id), OD_INT(who->id)));
        if (!rc)
            rc = link ? timeline(tx, x->id, now, who, "ack", detail, e,
                                 "%s 已通过消息中的确认链接确认 (acknowledged via the link in the message)",
                                 who->username)
                      : timeline(tx, x->id, now, who, "ack", NULL, e, "%s 已确认 (acknowledged)",
                                 who->username);
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
    od_err rc = begin_action(a, who, id, OD_IA_ACK, &tx, &x, &to, e);
    if (rc)
        return rc;
    rc = ack_in_tx(tx, who, &x, "api", NULL, now, NULL, e);
    inc_free(&x);
    return commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_ack_tx(od_tx *tx, const od_principal *who, int64_t id, json_t *detail, int64_t now,
                          bool *already, od_error *e)
{
    inc x;
    od_inc_state to;
    od_err rc = inc_load(tx, NULL, id, &x, e);
    if (rc)
        return rc;
    rc = od_inc_transition(x.state, OD_IA_ACK, &to, e);
    if (!rc)
        rc = ack_in_tx(tx, who, &x, "link", detail, now, already, e);
    inc_free(&x);
    return rc;
}

od_err od_incident_regrade(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                           od_error *e)
{
    *out = NULL;
    const od_policy *p = a->policy;
    od_tx *tx = NULL;
    inc x;
    od_inc_state to;
    int64_t now = od_app_now(a);
    const char *reason = json_string_value(json_object_get(body, "reason"));
    const char *sev_s = json_string_value(json_object_get(body, "severity"));
    const char *rl_s = json_string_value(json_object_get(body, "response_level"));
    json_t *ci_ids = json_object_get(body, "ci_ids");
    int sev = -1, rl = -1;
    if (sev_s && (sev = od_severity_parse(sev_s)) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "severity",
                            "影响程度须为 severe/moderate/minor (severity must be "
                            "severe, moderate or minor)");
    if (rl_s && (rl = od_resp_parse(rl_s)) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "response_level",
                            "响应级别须为 R1/R2/R3/NG (response_level must be "
                            "R1, R2, R3 or NG)");
    if (!sev_s && !rl_s && !ci_ids)
        return od_error_set(e, OD_E_UNPROCESSABLE, NULL,
                            "需要 severity、ci_ids 或 response_level 之一 (one of severity, "
                            "ci_ids, response_level is required)");
    od_err rc = begin_action(a, who, id, OD_IA_REGRADE, &tx, &x, &to, e);
    if (rc)
        return rc;
    json_t *before = json_deep_copy(x.row), *deps = NULL;
    od_grade level = x.level;
    if (ci_ids) {
        rc = grade_cis(tx, who, ci_ids, &level, &deps, e);
        if (!rc) {
            char *d = json_dumps(deps, JSON_COMPACT);
            json_object_set_new(x.row, "departments", json_string(d ? d : "[]"));
            free(d);
        }
    }
    od_severity nsev = sev >= 0 ? (od_severity)sev : x.sev;
    od_grading g;
    od_grade_incident(p, level, sev >= 0 ? (int)nsev : (x.prov ? -1 : (int)nsev), &g);
    /* what the regrade does is core's decision (core/regrade.h) */
    od_regrade_in rin = {.old_level = x.level,
                         .ci_level = level,
                         .new_level = g.level,
                         .old_resp = x.cur,
                         .by_time = od_escalation_level_at(p, g.response, x.detected, now),
                         .explicit_resp = rl,
                         .reason_given = reason && *reason,
                         .first_reported = x.state != OD_INC_DETECTED};
    od_regrade_decision plan = {0};
    if (!rc)
        rc = od_regrade_plan(&rin, &plan, e);
    od_resp target = plan.target;
    if (!rc && ci_ids) {
        rc = od_tx_exec(tx, OD_Q_INC_CI_DELETE, e, OD_BINDS(OD_INT(x.id)));
        size_t i;
        json_t *v;
        json_array_foreach(ci_ids, i, v)
        {
            if (rc)
                break;
            rc = od_tx_exec(tx, OD_Q_INC_CI_INSERT, e, OD_BINDS(OD_INT(x.id), OD_INT((int64_t)json_integer_value(v))));
            if (rc == OD_E_CONFLICT) {
                od_error_clear(e);
                rc = od_error_set(e, OD_E_UNPROCESSABLE, "ci_ids",
                                  "ci_ids 中有重复项 (ci_ids has duplicates)");
            }
        }
    }
    if (!rc) {
        od_resp old_cur = x.cur;
        x.level = g.level;
        x.sev = g.severity;
        x.prov = g.severity_provisional;
        x.base = g.response;
        x.deadline = od_handling_deadline(p, x.base, x.detected);
        int64_t nfirst = od_first_report_due(p, x.level, x.detected);
        if (x.state == OD_INC_DETECTED && nfirst != x.first_due) {
            x.first_due = nfirst;
            rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x.id), OD_TEXT("first_report")));
            if (!rc)
                rc = od_incident_deadline_add(tx, x.id, OD_DL_FIRST_REPORT, 0, nfirst, nfirst + 1, e);
        }
        if (!rc) {
            rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x.id), OD_TEXT("handling")));
            if (!rc)
                rc = od_incident_deadline_add(tx, x.id, OD_DL_HANDLING, 0, x.deadline,
                                              x.deadline == OD_NO_TIME ? OD_NO_TIME : x.deadline + 1, e);
        }
        if (!rc && !plan.raise) { /* same or lower: set directly */
            x.cur = target;
            rc = set_levels(tx, &x, now, e);
            if (!rc && plan.record_change)
                rc = od_tx_exec(tx, OD_Q_ESC_INSERT, e, OD_BINDS(OD_INT(x.id), OD_TEXT(od_resp_key(old_cur)),
                                OD_TEXT(od_resp_key(target)), OD_INT(now), OD_TEXT(reason ? reason : "")));
            if (!rc)
                rc = schedule_escalation(tx, p, &x, e);
        } else if (!rc) {
            rc = set_levels(tx, &x, now, e);
            if (!rc)
                rc = raise_to(tx, p, &x, target, now, who,
                              reason && *reason ? reason : "人工调整 (manual regrade)", e);
        }
        /* a higher incident level after the first report: its recipients must hear of it */
        if (!rc && plan.notify_new_level) {
            char cause[96];
            snprintf(cause, sizeof cause, "inc:%lld:regrade:%s", (long long)x.id, od_grade_key(x.level));
            msgspec m = {.kind = OD_MSG_FIRST};
            rc = od_incident_add_recipients(tx, p, &x, x.level, "regrade", cause, "first", &m, now, e);
        }
    }
    json_t *after = NULL;
    if (!rc) {
        inc_free(&x);
        rc = inc_load(tx, NULL, id, &x, e);
        after = rc ? NULL : json_deep_copy(x.row);
    }
    if (!rc)
        rc = timeline(tx, id, now, who, "regrade", body, e,
                      "调整分级：%s事件，%s，%s；理由：%s (regraded: %s, %s, %s)", od_grade_name_zh(x.level),
                      od_severity_name_zh(x.sev), od_resp_name_zh(x.cur), reason ? reason : "—",
                      od_grade_key(x.level), od_severity_key(x.sev), od_resp_key(x.cur));
    if (!rc) {
        json_object_set_new(after, "reason", json_string(reason ? reason : ""));
        rc = od_audit_append(tx, now, who, "incident.regrade", "incident", id, before, after, e);
    }
    json_decref(before);
    json_decref(after);
    json_decref(deps);
    inc_free(&x);
    return commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_review(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                          od_error *e)
{
    *out = NULL;
    static const char *const req[] = {"cause_analysis", "lessons", "improvements", "measures", "result"};
    od_tx *tx = NULL;
    inc x;
    od_inc_state to;
    int64_t now = od_app_now(a);
    od_err rc = begin_action(a, who, id, OD_IA_REVIEW, &tx, &x, &to, e);
    if (rc)
        return rc;
    rc = missing_fields(body, req, 5, NULL, e);
    json_t *fields = json_object();
    for (size_t i = 0; !rc && i < 5; i++)
        json_object_set(fields, req[i], json_object_get(body, req[i]));
    if (!rc)
        rc = report_insert(tx, &x, "review", who, "ops_security", fields, now, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_INC_SET_REVIEWED, e, OD_BINDS(OD_TEXT(od_inc_state_key(to)), OD_INT(now), OD_INT(now), OD_INT(x.id)));
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
        rc = od_tx_exec(tx, OD_Q_CASE_INSERT, e, OD_BINDS(OD_INT(x.id), OD_TEXT(inc_str(&x, "number")),
                        OD_TEXT(inc_str(&x, "title")), OD_TEXT(od_grade_key(x.level)), OD_TEXT(od_resp_key(x.highest)), OD_TEXT(cs ? cs : "[]"),
                        OD_TEXT(ns ? ns : "[]"), OD_TEXT(json_string_value(json_object_get(body, "cause_analysis"))), OD_TEXT(text),
                        OD_BOOL(x.drill), OD_INT(now)));
    free(cs);
    free(ns);
    free(text);
    json_decref(cats);
    json_decref(names);
    if (!rc)
        rc = timeline(tx, x.id, now, who, "reviewed", fields, e,
                      "完成事后评估，归入案例库 (reviewed; filed in the case "
                      "library)");
    if (!rc)
        rc = od_audit_append(tx, now, who, "incident.review", "incident", x.id, NULL, fields, e);
    json_decref(fields);
    inc_free(&x);
    return commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_cases_search(od_app *a, const char *q, const char *level, const char *category, int64_t limit,
                       int64_t offset, json_t **out, od_error *e)
{
    const char *qq = q ? q : "", *lv = level ? level : "", *cat = category ? category : "";
    char *like = od_store_like_pattern(qq), *clike = od_store_like_pattern(cat);
    od_tx *tx = NULL;
    od_rows *r = NULL;
    json_t *items = json_array();
    od_err rc = (!like || !clike) ? od_error_set(e, OD_E_NOMEM, NULL, "out of memory")
                                  : od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc =
            od_tx_query(tx, OD_Q_CASE_SEARCH, &r, e, OD_BINDS(OD_TEXT(qq), OD_TEXT(like), OD_TEXT(lv), OD_TEXT(lv), OD_TEXT(cat), OD_TEXT(clike), OD_INT(limit), OD_INT(offset)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *cats = json_loads(od_rows_text(r, 5), 0, NULL),
               *names = json_loads(od_rows_text(r, 6), 0, NULL);
        json_array_append_new(
            items,
            json_pack("{sI ss ss ss ss so so ss sb so}", "incident_id", (json_int_t)od_rows_int(r, 0),
                      "number", od_rows_text(r, 1), "title", od_rows_text(r, 2), "level", od_rows_text(r, 3),
                      "highest_response_level", od_rows_text(r, 4), "categories", cats ? cats : json_array(),
                      "ci_names", names ? names : json_array(), "cause", od_rows_text(r, 7), "drill",
                      (int)od_rows_int(r, 8), "filed_at", time_or_null(od_rows_int(r, 9))));
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    free(like);
    free(clike);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{so sI sI}", "items", items, "limit", (json_int_t)limit, "offset", (json_int_t)offset);
    return OD_OK;
}

/* ---- the scheduler's handler ---- */

/* The cadence of a periodic deadline kind for this incident; 0 = one-shot. */
static int64_t period_of(const od_policy *p, const inc *x, int kind)
{
    if (kind == OD_DL_PROGRESS) {
        int64_t every = od_progress_due(p, x->cur, 0);
        return every == OD_NO_TIME ? 0 : every;
    }
    if (kind == OD_DL_RENOTIFY)
        return p->renotify_every_ms > 0 ? p->renotify_every_ms : 0;
    return 0;
}

/* A progress deadline has come: one slot missed is recorded as itself and
 * the next is due one cadence later (the grid is kept); a run of slots
 * missed (a late registration, a server down, a jump of the clock) is one
 * record naming how many and between which times, with one reminder, and
 * the cadence starts again from now (od_deadline_fire_plan).  The run is
 * counted at the cadence of the current response level. */
static od_err progress_missed(od_tx *tx, const od_policy *p, const inc *x, int64_t deadline_id, int64_t due,
                              int64_t now, od_error *e)
{
    od_principal sys;
    od_principal_system(&sys);
    int64_t every = period_of(p, x, OD_DL_PROGRESS);
    bool open = od_inc_state_open(x->state);
    od_deadline_plan pl = od_deadline_fire_plan(OD_DL_PROGRESS, due, every, now);
    char t1[OD_TIME_STR_MAX], t2[OD_TIME_STR_MAX];
    od_err rc;
    if (open && pl.catch_up) {
        json_t *data = json_pack("{sI sI sI}", "missed", (json_int_t)pl.missed, "first_due",
                                 (json_int_t)pl.first_missed, "last_due", (json_int_t)pl.last_missed);
        od_time_format(pl.first_missed, t1);
        od_time_format(pl.last_missed, t2);
        rc = timeline(tx, x->id, now, &sys, "deadline_missed", data, e,
                      "错过 %lld 次进展报告，%s 至 %s (missed %lld progress reports between %s and %s)",
                      (long long)pl.missed, t1, t2, (long long)pl.missed, t1, t2);
        json_decref(data);
    } else {
        rc = timeline(tx, x->id, now, &sys, "deadline_missed", NULL, e, "逾期：%s 应于 %s 前完成 (missed: %s due %s)",
                      od_deadline_kind_key(OD_DL_PROGRESS), od_time_format(due, t1),
                      od_deadline_kind_key(OD_DL_PROGRESS), t1);
    }
    if (rc || !open)
        return rc;
    int64_t nd = every > 0 ? pl.next_due : OD_NO_TIME;
    rc = od_incident_deadline_add(tx, x->id, OD_DL_PROGRESS, 0, nd, nd == OD_NO_TIME ? OD_NO_TIME : nd + 1, e);
    if (!rc && nd != OD_NO_TIME)
        rc = od_incident_deadline_add(tx, x->id, OD_DL_PROGRESS_REMIND, 0, nd, nd - p->progress_remind_before_ms, e);
    if (!rc && pl.catch_up && x->created_by) {
        /* the one reminder of a caught-up run, for the next report */
        char cause[96], t[OD_MSG_TIME_MAX];
        snprintf(cause, sizeof cause, "inc:%lld:remind:%lld", (long long)x->id, (long long)deadline_id);
        msgspec m = {.kind = OD_MSG_PROGRESS_REMINDER, .due_at = od_msg_time(nd, t)};
        rc = od_incident_notify_user(tx, p, x, x->created_by, cause, &m, now, e);
    }
    return rc;
}

od_err od_incident_fire_deadline(od_app *a, int64_t deadline_id, int64_t now, int64_t horizon, od_error *e)
{
    const od_policy *p = a->policy;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_DL_GET, &r, e, OD_BINDS(OD_INT(deadline_id)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    int64_t inc_id = 0, recipient = 0, due = 0, fire = 0;
    int kind = -1;
    if (row) {
        inc_id = od_rows_int(r, 1);
        kind = od_deadline_kind_parse(od_rows_text(r, 2));
        recipient = od_rows_null(r, 3) ? 0 : od_rows_int(r, 3);
        due = od_rows_int(r, 4);
        fire = od_rows_null(r, 5) ? 0 : od_rows_int(r, 5);
    }
    od_rows_close(r);
    if (rc || !row || !fire || fire > now) { /* gone, or no longer due */
        od_tx_rollback(tx);
        return rc;
    }
    inc x;
    rc = inc_load(tx, NULL, inc_id, &x, e);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    od_principal sys;
    od_principal_system(&sys);
    char cause[96];
    const char *done = "done";
    int64_t every = period_of(p, &x, kind);
    if (horizon > now && every > 0 && od_inc_state_open(x.state) &&
        od_deadline_fire_plan((od_deadline_kind)kind, due, every, horizon).catch_up) {
        /* the clock jumps to `horizon` in this step and nobody can act in
         * between: the run of slots is caught up once there, not replayed */
        rc = od_tx_exec(tx, OD_Q_DL_POSTPONE, e, OD_BINDS(OD_INT(horizon), OD_INT(deadline_id)));
        done = NULL;
        kind = -1;
    }
    switch (kind) {
    case OD_DL_ESCALATION:
        /* escalation to the level the time rule gives at now: one record
         * however many steps passed (od_escalation_level_at), idempotent */
        rc = od_tx_exec(tx, OD_Q_DL_FIRED, e, OD_BINDS(OD_TEXT("done"), OD_INT(deadline_id)));
        if (!rc)
            rc = escalate_by_time(tx, p, &x, now, e);
        done = NULL;
        break;
    case OD_DL_PROGRESS:
        done = "missed";
        rc = progress_missed(tx, p, &x, deadline_id, due, now, e);
        break;
    case OD_DL_FIRST_REPORT:
    case OD_DL_HANDLING:
    case OD_DL_ACK: {
        /* R-NOT-6: a missed deadline is recorded and shown */
        done = "missed";
        char t[OD_TIME_STR_MAX];
        rc = timeline(tx, x.id, now, &sys, "deadline_missed", NULL, e,
                      "逾期：%s 应于 %s 前完成 (missed: %s due %s)",
                      od_deadline_kind_key((od_deadline_kind)kind), od_time_format(due, t),
                      od_deadline_kind_key((od_deadline_kind)kind), t);
        if (!rc && kind == OD_DL_ACK && od_inc_state_open(x.state)) {
            /* R-NOT-4: re-notify who has not acknowledged, again every
             * renotify_every; when the clock jumps past more than one of
             * those in this step, once at the end of the jump instead */
            int64_t ev = p->renotify_every_ms;
            if (ev > 0 && horizon > now && od_deadline_fire_plan(OD_DL_RENOTIFY, now, ev, horizon).catch_up)
                rc = od_incident_deadline_add(tx, x.id, OD_DL_RENOTIFY, recipient, horizon, horizon, e);
            else
                rc = od_incident_renotify(tx, p, &x, recipient, now, e);
        }
        break;
    }
    case OD_DL_RENOTIFY: {
        od_rows *rr = NULL;
        bool acked = true;
        rc = od_tx_query(tx, OD_Q_RCP_GET, &rr, e, OD_BINDS(OD_INT(x.id), OD_INT(recipient)));
        if (!rc && !(rc = od_rows_step(rr, &row)) && row)
            acked = !od_rows_null(rr, 1);
        od_rows_close(rr);
        /* a caught-up run is one re-notification, the next one every later */
        if (!rc && !acked && od_inc_state_open(x.state))
            rc = od_incident_renotify(tx, p, &x, recipient, now, e);
        break;
    }
    case OD_DL_PROGRESS_REMIND: {
        /* R-NOT-5: remind the owner before a progress report is due; a
         * reminder for a report already past due at the horizon is not sent
         * (the missed report is recorded, with its own reminder) */
        if (od_inc_state_open(x.state) && x.created_by && horizon <= due) {
            snprintf(cause, sizeof cause, "inc:%lld:remind:%lld", (long long)x.id, (long long)deadline_id);
            char t[OD_MSG_TIME_MAX];
            msgspec m = {.kind = OD_MSG_PROGRESS_REMINDER, .due_at = od_msg_time(due, t)};
            rc = od_incident_notify_user(tx, p, &x, x.created_by, cause, &m, now, e);
        }
        break;
    }
    default:
        break;
    }
    if (!rc && done)
        rc = od_tx_exec(tx, OD_Q_DL_FIRED, e, OD_BINDS(OD_TEXT(done), OD_INT(deadline_id)));
    inc_free(&x);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, e);
}
