/* incident_record.c — the incident record shared by the use cases
 * (incident_*.c): loading it (scope-checked), the timeline, deadline rows,
 * the begin/commit frame of a write action and the report rows.  Every
 * function runs inside the caller's transaction. */
#include "app/incidents_int.h"
#include "core/duties.h"
#include "util/join.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void od_inc_free(inc *x)
{
    json_decref(x->row);
    x->row = NULL;
}

static bool inc_in_scope(const od_principal *who, const inc *x)
{
    return od_principal_in_any_scope(who, inc_str(x, "departments"));
}

/* Loads incident id (INC_GET, or INC_LOCK to lock the row on PostgreSQL). */
static od_err inc_load_q(od_tx *tx, bool lock, const od_principal *who, int64_t id, inc *x, od_error *e)
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
    od_err rc = lock ? od_tx_query(tx, OD_Q_INC_LOCK, &r, e, OD_BINDS(OD_INT(id)))
                     : od_tx_query(tx, OD_Q_INC_GET, &r, e, OD_BINDS(OD_INT(id)));
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
        od_inc_free(x);
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

od_err od_inc_load(od_tx *tx, const od_principal *who, int64_t id, inc *x, od_error *e)
{
    return inc_load_q(tx, false, who, id, x, e);
}

od_err od_inc_load_locked(od_tx *tx, int64_t id, inc *x, od_error *e)
{
    return inc_load_q(tx, true, NULL, id, x, e);
}

od_err od_inc_timeline(od_tx *tx, int64_t inc_id, int64_t now, const od_principal *who, const char *kind,
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
    od_err rc = od_tx_exec(tx, OD_Q_TL_INSERT, e,
                           OD_BINDS(OD_INT(inc_id), OD_INT(now), OD_TEXT(who ? who->username : "system"),
                                    OD_TEXT(kind), OD_TEXT(text), OD_TEXT(d)));
    free(d);
    free(text);
    return rc;
}

od_err od_incident_deadline_add(od_tx *tx, int64_t inc_id, od_deadline_kind k, int64_t recipient, int64_t due,
                                int64_t fire, od_error *e)
{
    if (due == OD_NO_TIME)
        return OD_OK;
    return od_tx_exec(tx, OD_Q_DL_INSERT, e,
                      OD_BINDS(OD_INT(inc_id), OD_TEXT(od_deadline_kind_key(k)),
                               OD_INT_OR_NULL(recipient, recipient != 0), OD_INT(due),
                               OD_INT_NONZERO(fire == OD_NO_TIME ? (int64_t)0 : fire)));
}

od_err od_inc_commit_and_get(od_app *a, od_tx *tx, od_err rc, const od_principal *who, int64_t id,
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

/* Inside tx: loads the incident (locked) and checks the lifecycle
 * (R-CLOSE-2); on error x is freed. */
od_err od_inc_action_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, od_inc_action act, inc *x,
                        od_inc_state *to, od_error *e)
{
    od_err rc = inc_load_q(tx, true, who, id, x, e);
    if (!rc)
        rc = od_inc_transition_at(a->policy, x->cur, x->state, act, to, e);
    if (rc)
        od_inc_free(x);
    return rc;
}

/* Begins a write tx, loads the incident and checks the lifecycle (R-CLOSE-2). */
od_err od_inc_begin_action(od_app *a, const od_principal *who, int64_t id, od_inc_action act, od_tx **tx,
                           inc *x, od_inc_state *to, od_error *e)
{
    od_err rc = od_tx_begin(a->store, true, tx, e);
    if (rc)
        return rc;
    rc = od_inc_action_in(a, *tx, who, id, act, x, to, e);
    if (rc) {
        od_tx_rollback(*tx);
        *tx = NULL;
    }
    return rc;
}

/* The Chinese name of a report field, as the report form labels it. */
static const char *field_name_zh(const char *k)
{
    static const char *const names[][2] = {
        {"location", "发生地点"},
        {"symptoms", "故障现象"},
        {"impact_scope", "影响范围"},
        {"response_level", "确认的响应级别"},
        {"system_impact", "对系统的影响"},
        {"estimated_recovery_at", "预计恢复时间"},
        {"text", "进展情况"},
        {"cause", "原因"},
        {"process", "处理过程"},
        {"current_state", "目前状态"},
        {"business_impact_minutes", "业务影响时长（分钟）"},
        {"improvements", "改进建议"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i][0], k) == 0)
            return names[i][1];
    return k;
}

od_err od_inc_load_in(od_tx *tx, const od_principal *who, int64_t id, inc *x, od_error *e)
{
    return inc_load_q(tx, true, who, id, x, e);
}

od_err od_inc_begin_load(od_app *a, const od_principal *who, int64_t id, od_tx **tx, inc *x, od_error *e)
{
    od_err rc = od_tx_begin(a->store, true, tx, e);
    if (rc)
        return rc;
    rc = inc_load_q(*tx, true, who, id, x, e);
    if (rc) {
        od_tx_rollback(*tx);
        *tx = NULL;
    }
    return rc;
}

od_err od_inc_missing_fields(json_t *body, const char *const *req, size_t n, const inc *x, od_error *e)
{
    char zh[512], en[512];
    od_join miss = od_join_start(zh, sizeof zh, "、"), miss_en = od_join_start(en, sizeof en, ", ");
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(body, req[i]);
        bool empty = !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
        if (empty && x) { /* first report: the registered value counts */
            const char *reg = inc_str(x, req[i]);
            empty = !reg || !*reg;
        }
        if (empty) {
            od_join_add(&miss, field_name_zh(req[i]));
            od_join_add(&miss_en, req[i]);
        }
    }
    if (!miss.n)
        return OD_OK;
    return od_error_set(e, OD_E_UNPROCESSABLE, NULL,
                        "报告缺少必填内容：%s (report is missing required fields: %s)", zh, en);
}

od_err od_inc_report_insert(od_tx *tx, const inc *x, const char *kind, const od_principal *who,
                            const char *desk, json_t *fields, int64_t now, od_error *e)
{
    char *b = json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS);
    od_err rc =
        od_tx_exec(tx, OD_Q_REP_INSERT, e,
                   OD_BINDS(OD_INT(x->id), OD_TEXT(kind), OD_INT(now), OD_INT_OR_NULL(who->id, who->id != 0),
                            OD_TEXT(who->username), OD_TEXT(desk), OD_TEXT(b ? b : "{}")));
    free(b);
    return rc;
}
