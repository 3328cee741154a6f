/* service_levels.c — services, outage (impact) intervals and the figures of
 * a period (see service_levels.h; formulas in core/service_level.h and
 * docs/service-levels.md).  Reads run in one read transaction and count in
 * memory (bounded by OD_SLA_*_MAX rows); incidents outside the reader's
 * department scopes (R-SEC-SYS-2) are left out of the incident figures.
 * Availability is a property of the service and is shown whole. */
#include "app/service_levels.h"

#include "app/contacts.h"
#include "app/notify_out.h"
#include "core/service_level.h"
#include "core/calendar.h"
#include "core/wf.h"
#include "util/clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEIJING_MIN 480 /* years and months are counted in Beijing time */
#define GROUPS_MAX 64   /* distinct categories or tiers tallied */

static json_t *time_or_null(od_rows *r, int col)
{
    char t[OD_TIME_STR_MAX];
    return od_rows_null(r, col) ? json_null() : json_string(od_time_format(od_rows_int(r, col), t));
}

static json_t *int_or_null(od_rows *r, int col)
{
    return od_rows_null(r, col) ? json_null() : json_integer(od_rows_int(r, col));
}

static const char *str_of(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static od_err finish(od_tx *tx, od_err rc, json_t **out, od_error *e)
{
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc && out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* A time field of body: absent (ok, *present false), or RFC 3339. */
static od_err body_time(json_t *body, const char *k, bool required, int64_t *ms, bool *present, od_error *e)
{
    json_t *v = json_object_get(body, k);
    *present = v && !json_is_null(v);
    if (!*present)
        return required ? od_error_set(e, OD_E_UNPROCESSABLE, k, "缺少 %s (%s is required)", k, k) : OD_OK;
    if (!json_is_string(v) || !od_time_parse(json_string_value(v), ms))
        return od_error_set(e, OD_E_INVALID, k, "%s 须为 RFC 3339 时间 (%s must be an RFC 3339 time)", k, k);
    return OD_OK;
}

/* ---- services ----------------------------------------------------------- */

static json_t *service_json(od_rows *r)
{
    char t[OD_TIME_STR_MAX], u[OD_TIME_STR_MAX];
    int64_t ppm = od_rows_int(r, 4);
    return json_pack("{sI ss ss so sI sf ss sb ss ss}", "id", (json_int_t)od_rows_int(r, 0), "key",
                     od_rows_text(r, 1), "name", od_rows_text(r, 2), "ci_id", int_or_null(r, 3),
                     "availability_target_ppm", (json_int_t)ppm, "availability_target", (double)ppm / 10000.0,
                     "calendar", od_rows_text(r, 5), "platform_member", od_rows_int(r, 6) != 0, "created_at",
                     od_time_format(od_rows_int(r, 7), t), "updated_at",
                     od_time_format(od_rows_int(r, 8), u));
}

static od_err service_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_SVC_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, "id", "服务不存在 (service not found)");
    if (!rc)
        *out = service_json(r);
    od_rows_close(r);
    return rc;
}

static bool valid_key(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 47 || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

od_err od_service_create(od_app *a, const od_principal *who, json_t *body, json_t **out, od_error *e)
{
    *out = NULL;
    const char *key = str_of(body, "key"), *name = str_of(body, "name");
    const char *target = str_of(body, "availability_target"), *cal = str_of(body, "calendar");
    json_t *ci = json_object_get(body, "ci_id"), *pm = json_object_get(body, "platform_member");
    int64_t ppm = a->policy->sla.availability_ppm, id = 0;
    if (!valid_key(key))
        return od_error_set(e, OD_E_INVALID, "key",
                            "key 须为 1–47 个小写字母、数字、_ 或 -，以字母开头 (key: 1–47 of a-z 0-9 _ -, "
                            "starting with a letter)");
    if (!name || !*name)
        return od_error_set(e, OD_E_UNPROCESSABLE, "name", "缺少名称 (name is required)");
    if (target && !od_percent_parse(target, 500000, &ppm))
        return od_error_set(
            e, OD_E_INVALID, "availability_target",
            "可用率目标须为 50%% 到 100%% 的百分比，如 99.5%% (availability_target: a percentage "
            "from 50%% to 100%%, e.g. 99.5%%)");
    /* a service's hours: 24x7 or a calendar of the policy (modules-spec §M4.2) */
    if (cal && strcmp(cal, "24x7") != 0 && !od_kernel_calendar(a->policy->kernel, cal))
        return od_error_set(e, OD_E_INVALID, "calendar",
                            "日历须为 24x7 或策略 calendars 中的一个 (calendar: 24x7 or one of the policy's "
                            "calendars)");
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    if (json_is_integer(ci)) {
        int64_t n = 0;
        rc = od_tx_scalar(tx, OD_Q_SLA_CI_EXISTS, &n, e, OD_BINDS(OD_INT(json_integer_value(ci))));
        if (!rc && !n)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "ci_id", "配置项不存在 (CI not found)");
    }
    if (!rc) {
        rc = od_tx_insert(tx, OD_Q_SVC_INSERT, &id, e,
                          OD_BINDS(OD_TEXT(key), OD_TEXT(name),
                                   OD_INT_OR_NULL(json_integer_value(ci), json_is_integer(ci)), OD_INT(ppm),
                                   OD_TEXT(cal ? cal : "24x7"), OD_BOOL(!json_is_false(pm)),
                                   OD_INT(od_app_now(a)), OD_INT(od_app_now(a))));
        if (rc == OD_E_CONFLICT) {
            e->code = OD_OK;
            rc = od_error_set(e, OD_E_CONFLICT, "key", "服务键已存在 (a service with this key exists)");
        }
    }
    if (!rc)
        rc = service_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, od_app_now(a), who, "service.create", "service", id, NULL, *out, e);
    return finish(tx, rc, out, e);
}

od_err od_service_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    od_rows *r = NULL;
    bool row = false;
    int64_t total = 0;
    rc = od_tx_query(tx, OD_Q_SVC_PAGE, &r, e, OD_BINDS(OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, service_json(r));
    od_rows_close(r);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_SVC_COUNT, &total, e, OD_NOBINDS);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{so sI sI sI}", "items", items, "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)offset);
    return OD_OK;
}

/* ---- intervals ---------------------------------------------------------- */

/* Columns of the OUT_* queries (queries_sla.h). */
enum {
    OC_ID,
    OC_SVC,
    OC_SVC_KEY,
    OC_SVC_NAME,
    OC_INC,
    OC_KIND,
    OC_SOURCE,
    OC_START,
    OC_END,
    OC_WIN,
    OC_WIN_START,
    OC_WIN_END,
    OC_DRILL,
    OC_NOTE,
    OC_BY,
    OC_APPROVED_BY,
    OC_APPROVED_AT,
    OC_CREATED,
    OC_UPDATED,
    OC_PLATFORM,
    OC_WIN_DELETED
};

static json_t *interval_json(od_rows *r)
{
    bool manual = !strcmp(od_rows_text(r, OC_SOURCE), "manual");
    json_t *o = json_pack(
        "{sI s{sI ss ss} so ss ss so so so sb ss so so so sb}", "id", (json_int_t)od_rows_int(r, OC_ID),
        "service", "id", (json_int_t)od_rows_int(r, OC_SVC), "key", od_rows_text(r, OC_SVC_KEY), "name",
        od_rows_text(r, OC_SVC_NAME), "incident_id", int_or_null(r, OC_INC), "kind", od_rows_text(r, OC_KIND),
        "source", od_rows_text(r, OC_SOURCE), "starts_at", time_or_null(r, OC_START), "ends_at",
        time_or_null(r, OC_END), "window_id", int_or_null(r, OC_WIN), "drill", od_rows_int(r, OC_DRILL) != 0,
        "note", od_rows_text(r, OC_NOTE), "created_by", int_or_null(r, OC_BY), "approved_by",
        int_or_null(r, OC_APPROVED_BY), "approved_at", time_or_null(r, OC_APPROVED_AT), "counted",
        !manual || !od_rows_null(r, OC_APPROVED_BY));
    int64_t s = od_rows_int(r, OC_START);
    json_object_set_new(o, "duration_ms",
                        od_rows_null(r, OC_END) ? json_null() : json_integer(od_rows_int(r, OC_END) - s));
    return o;
}

static od_err interval_load(od_tx *tx, int64_t id, json_t **out, int64_t *created_by, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_OUT_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, "id", "影响时段不存在 (interval not found)");
    if (!rc) {
        *out = interval_json(r);
        if (created_by)
            *created_by = od_rows_null(r, OC_BY) ? 0 : od_rows_int(r, OC_BY);
    }
    od_rows_close(r);
    r = NULL;
    json_t *corr = json_array();
    if (!rc)
        rc = od_tx_query(tx, OD_Q_OUTC_LIST, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        char t[OD_TIME_STR_MAX];
        json_array_append_new(corr, json_pack("{ss so so ss so ss}", "field", od_rows_text(r, 0), "old",
                                              time_or_null(r, 1), "new", time_or_null(r, 2), "reason",
                                              od_rows_text(r, 3), "actor_id", int_or_null(r, 4), "at",
                                              od_time_format(od_rows_int(r, 5), t)));
    }
    od_rows_close(r);
    if (!rc)
        json_object_set_new(*out, "corrections", corr);
    else
        json_decref(corr);
    if (rc && *out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The incident (must exist and be visible to who): *drill. */
static od_err incident_visible(od_tx *tx, const od_principal *who, int64_t id, bool *drill, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_INC_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) &&
        (!row || !od_principal_in_any_scope(who, od_rows_text(r, 17))))
        rc = od_error_set(e, OD_E_NOT_FOUND, "id", "事件不存在 (incident not found)");
    if (!rc && drill)
        *drill = od_rows_int(r, 18) != 0;
    od_rows_close(r);
    return rc;
}

od_err od_outage_add(od_app *a, const od_principal *who, int64_t incident_id, json_t *body, json_t **out,
                     od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_outage_add_in(a, tx, who, incident_id, body, out, e);
    return finish(tx, rc, out, e);
}

od_err od_outage_add_in(od_app *a, od_tx *tx, const od_principal *who, int64_t incident_id, json_t *body,
                        json_t **out, od_error *e)
{
    *out = NULL;
    const char *svc = str_of(body, "service"), *kind_s = str_of(body, "kind");
    const char *note = str_of(body, "note");
    json_t *win = json_object_get(body, "window_id");
    int kind = od_outage_kind_parse(kind_s);
    int64_t starts = 0, ends = 0, now = od_app_now(a), id = 0, svc_id = 0;
    bool has_end = false, has_start = false;
    if (kind < 0)
        return od_error_set(
            e, OD_E_INVALID, "kind",
            "kind 须为 unplanned、planned 或 degraded (kind: unplanned, planned or degraded)");
    od_err rc = body_time(body, "starts_at", true, &starts, &has_start, e);
    if (!rc)
        rc = body_time(body, "ends_at", false, &ends, &has_end, e);
    if (rc)
        return rc;
    if (has_end && ends <= starts)
        return od_error_set(e, OD_E_UNPROCESSABLE, "ends_at",
                            "结束须晚于开始 (ends_at must be after starts_at)");
    if (starts > now || (has_end && ends > now))
        return od_error_set(e, OD_E_UNPROCESSABLE, "starts_at",
                            "影响时段不能在将来 (an impact interval cannot lie in the future)");
    if (json_is_integer(win) && kind != OD_OUTAGE_PLANNED)
        return od_error_set(e, OD_E_UNPROCESSABLE, "window_id",
                            "只有计划停机可关联维护窗口 (only a planned interval has a window)");
    bool drill = false;
    if (incident_id)
        rc = incident_visible(tx, who, incident_id, &drill, e);
    if (!rc && svc) {
        rc = od_tx_scalar(tx, OD_Q_SVC_BY_KEY, &svc_id, e, OD_BINDS(OD_TEXT(svc)));
        if (rc == OD_E_NOT_FOUND) {
            e->code = OD_OK;
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "service", "服务不存在 (no such service)");
        }
    } else if (!rc) {
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "service", "缺少 service (service is required)");
    }
    if (!rc && json_is_integer(win)) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_SLA_WIN_GET, &r, e, OD_BINDS(OD_INT(json_integer_value(win))));
        if (!rc && !(rc = od_rows_step(r, &row)) && !row)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "window_id",
                              "维护窗口不存在 (no such maintenance window)");
        od_rows_close(r);
    }
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_OUT_INSERT, &id, e,
                          OD_BINDS(OD_INT(svc_id), OD_INT_NONZERO(incident_id), OD_TEXT(kind_s),
                                   OD_TEXT(incident_id ? "incident" : "manual"), OD_INT(starts),
                                   OD_INT_OR_NULL(ends, has_end),
                                   OD_INT_OR_NULL(json_integer_value(win), json_is_integer(win)),
                                   OD_BOOL(drill), OD_TEXT(note ? note : ""), OD_INT_NONZERO(who->id),
                                   OD_INT(now), OD_INT(now)));
    if (!rc)
        rc = interval_load(tx, id, out, NULL, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "outage.create", "outage_interval", id, NULL, *out, e);
    if (!rc && incident_id)
        rc = od_incident_contacts_recheck(tx, a->policy, incident_id, now, e); /* seed 000 ch. 9 §4 */
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_outage_of_incident(od_app *a, const od_principal *who, int64_t incident_id, int64_t limit,
                             int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = incident_visible(tx, who, incident_id, NULL, e);
    json_t *items = json_array();
    od_span spans[256];
    size_t n = 0;
    od_rows *r = NULL;
    bool row = false;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_OUT_OF_INCIDENT, &r, e, OD_BINDS(OD_INT(incident_id)));
    int64_t seen = 0;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (seen >= offset && seen - offset < limit)
            json_array_append_new(items, interval_json(r));
        seen++;
        if (!od_rows_null(r, OC_END) && n < sizeof spans / sizeof spans[0])
            spans[n++] = (od_span){od_rows_int(r, OC_START), od_rows_int(r, OC_END)};
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    int64_t impact = od_span_union_ms(spans, n, INT64_MIN, INT64_MAX);
    *out = json_pack("{so sI sI sI sI}", "items", items, "total", (json_int_t)seen, "limit",
                     (json_int_t)limit, "offset", (json_int_t)offset, "impact_ms", (json_int_t)impact);
    return OD_OK;
}

od_err od_outage_get(od_app *a, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = interval_load(tx, id, out, NULL, e);
    od_tx_rollback(tx);
    return rc;
}

static od_err correction_row(od_tx *tx, int64_t id, const char *field, json_t *old, int64_t nv, bool has_new,
                             const char *reason, const od_principal *who, int64_t now, od_error *e)
{
    int64_t ov = 0;
    bool has_old = json_is_string(old) && od_time_parse(json_string_value(old), &ov);
    if (has_old == has_new && (!has_new || ov == nv))
        return OD_OK; /* unchanged */
    return od_tx_exec(tx, OD_Q_OUTC_INSERT, e,
                      OD_BINDS(OD_INT(id), OD_TEXT(field), OD_INT_OR_NULL(ov, has_old),
                               OD_INT_OR_NULL(nv, has_new), OD_TEXT(reason), OD_INT_NONZERO(who->id),
                               OD_INT(now)));
}

od_err od_outage_correct(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                         od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_outage_correct_in(a, tx, who, id, body, out, e);
    return finish(tx, rc, out, e);
}

od_err od_outage_correct_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, json_t *body,
                            json_t **out, od_error *e)
{
    *out = NULL;
    const char *reason = str_of(body, "reason");
    int64_t now = od_app_now(a), new_start = 0, new_end = 0;
    bool has_s = false, has_e = false;
    if (!reason || !*reason)
        return od_error_set(e, OD_E_UNPROCESSABLE, "reason", "更正须说明理由 (a correction needs a reason)");
    od_err rc = body_time(body, "starts_at", false, &new_start, &has_s, e);
    if (!rc)
        rc = body_time(body, "ends_at", false, &new_end, &has_e, e);
    if (rc)
        return rc;
    if (!has_s && !has_e)
        return od_error_set(e, OD_E_UNPROCESSABLE, "starts_at",
                            "须给出 starts_at 或 ends_at (give starts_at or ends_at)");
    json_t *before = NULL;
    rc = interval_load(tx, id, &before, NULL, e);
    int64_t old_start = 0, old_end = 0;
    bool had_end = false;
    if (!rc) {
        od_time_parse(str_of(before, "starts_at"), &old_start);
        had_end = od_time_parse(str_of(before, "ends_at") ? str_of(before, "ends_at") : "", &old_end);
        if (!has_s)
            new_start = old_start;
        if (!has_e) {
            new_end = old_end;
            has_e = had_end;
        }
        if ((has_e && new_end <= new_start) || new_start > now || (has_e && new_end > now))
            rc = od_error_set(
                e, OD_E_UNPROCESSABLE, "ends_at",
                "结束须晚于开始且不能在将来 (ends_at must be after starts_at, neither in the future)");
    }
    if (!rc && new_start == old_start && has_e == had_end && (!has_e || new_end == old_end))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "starts_at",
                          "更正未改变任何时间 (the correction changes no time)");
    if (!rc)
        rc = correction_row(tx, id, "starts_at", json_object_get(before, "starts_at"), new_start, true,
                            reason, who, now, e);
    if (!rc)
        rc = correction_row(tx, id, "ends_at", json_object_get(before, "ends_at"), new_end, has_e, reason,
                            who, now, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_OUT_SET_TIMES, e,
                        OD_BINDS(OD_INT(new_start), OD_INT_OR_NULL(new_end, has_e), OD_INT(now), OD_INT(id)));
    if (!rc)
        rc = interval_load(tx, id, out, NULL, e);
    if (!rc) {
        json_t *after = json_deep_copy(*out);
        json_object_set_new(after, "reason", json_string(reason));
        rc = od_audit_append(tx, now, who, "outage.correct", "outage_interval", id, before, after, e);
        json_decref(after);
    }
    json_decref(before);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_outage_approve(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), author = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    json_t *before = NULL;
    rc = interval_load(tx, id, &before, &author, e);
    if (!rc && strcmp(str_of(before, "source"), "manual") != 0)
        rc = od_error_set(e, OD_E_CONFLICT, "id",
                          "只有手工登记的时段需要审批 (only manual intervals are approved)");
    if (!rc && !json_is_null(json_object_get(before, "approved_by")))
        rc = od_error_set(e, OD_E_CONFLICT, "id", "该时段已审批 (already approved)");
    if (!rc && author == who->id)
        rc = od_error_set(e, OD_E_FORBIDDEN, "id",
                          "不得审批自己登记的时段 (the author of an interval may not approve it)");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_OUT_APPROVE, e,
                        OD_BINDS(OD_INT(who->id), OD_INT(now), OD_INT(now), OD_INT(id)));
    if (!rc)
        rc = interval_load(tx, id, out, NULL, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "outage.approve", "outage_interval", id, before, *out, e);
    json_decref(before);
    return finish(tx, rc, out, e);
}

od_err od_incident_correct_time(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                                od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_incident_correct_time_in(a, tx, who, id, body, out, e);
    return finish(tx, rc, out, e);
}

od_err od_incident_correct_time_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, json_t *body,
                                   json_t **out, od_error *e)
{
    *out = NULL;
    const char *field = str_of(body, "field"), *reason = str_of(body, "reason");
    int64_t value = 0, now = od_app_now(a);
    bool has = false;
    bool detected = field && !strcmp(field, "detected_at");
    if (!detected && !(field && !strcmp(field, "registered_at")))
        return od_error_set(e, OD_E_INVALID, "field",
                            "field 须为 detected_at 或 registered_at (field: detected_at or registered_at)");
    if (!reason || !*reason)
        return od_error_set(e, OD_E_UNPROCESSABLE, "reason", "更正须说明理由 (a correction needs a reason)");
    od_err rc = body_time(body, "value", true, &value, &has, e);
    if (rc)
        return rc;
    if (value > now)
        return od_error_set(e, OD_E_UNPROCESSABLE, "value",
                            "时间不能在将来 (the time cannot lie in the future)");
    od_rows *r = NULL;
    bool row = false;
    int64_t det = 0, reg = 0;
    rc = od_tx_query(tx, OD_Q_SLA_INC_TIMES, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && (!row || !od_principal_in_any_scope(who, od_rows_text(r, 2))))
        rc = od_error_set(e, OD_E_NOT_FOUND, "id", "事件不存在 (incident not found)");
    if (!rc) {
        det = od_rows_int(r, 0);
        reg = od_rows_int(r, 1);
    }
    od_rows_close(r);
    int64_t old = detected ? det : reg;
    if (!rc && (detected ? value > reg : value < det))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "value",
                          "发现时间不能晚于登记时间 (detection cannot come after registration)");
    if (!rc && value == old)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "value", "更正未改变时间 (the correction changes nothing)");
    if (!rc && detected)
        rc = od_tx_exec(tx, OD_Q_SLA_INC_SET_DETECTED, e, OD_BINDS(OD_INT(value), OD_INT(now), OD_INT(id)));
    else if (!rc)
        rc = od_tx_exec(tx, OD_Q_SLA_INC_SET_REGISTERED, e, OD_BINDS(OD_INT(value), OD_INT(now), OD_INT(id)));
    char t0[OD_TIME_STR_MAX], t1[OD_TIME_STR_MAX];
    od_time_format(old, t0);
    od_time_format(value, t1);
    if (!rc) {           /* on the incident's timeline too, where people read it */
        char text[4400]; /* the reason twice (2000 bytes at most each) and the times */
        snprintf(text, sizeof text, "更正%s：%s → %s，理由：%s (corrected %s: %s → %s; reason: %s)",
                 detected ? "发现时间" : "登记时间", t0, t1, reason, field, t0, t1, reason);
        rc = od_tx_exec(tx, OD_Q_TL_INSERT, e,
                        OD_BINDS(OD_INT(id), OD_INT(now), OD_TEXT(who->username), OD_TEXT("correct_time"),
                                 OD_TEXT(text), OD_TEXT("{}")));
    }
    if (!rc) {
        *out = json_pack("{sI ss ss ss ss}", "id", (json_int_t)id, "field", field, "old",
                         od_time_format(old, t0), "new", od_time_format(value, t1), "reason", reason);
        json_t *before = json_pack("{ss}", field, t0);
        rc = od_audit_append(tx, now, who, "incident.correct_time", "incident", id, before, *out, e);
        json_decref(before);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_sla_check_resolution(od_tx *tx, int64_t incident_id, od_error *e)
{
    int64_t svcs = 0, ivs = 0;
    od_err rc = od_tx_scalar(tx, OD_Q_SLA_INC_SERVICES, &svcs, e, OD_BINDS(OD_INT(incident_id)));
    if (!rc && svcs)
        rc = od_tx_scalar(tx, OD_Q_SLA_INC_INTERVALS, &ivs, e, OD_BINDS(OD_INT(incident_id)));
    if (!rc && svcs && !ivs)
        rc = od_error_set(
            e, OD_E_UNPROCESSABLE, "impact_intervals",
            "该事件影响了服务，终报前须登记业务影响时段 (the incident affected a service: record its "
            "impact intervals before the final report)");
    return rc;
}

od_err od_sla_incident_impact(od_tx *tx, int64_t incident_id, int64_t *impact_ms, int64_t *closed,
                              od_error *e)
{
    *impact_ms = 0;
    *closed = 0;
    od_span spans[256];
    size_t n = 0;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_OUT_OF_INCIDENT, &r, e, OD_BINDS(OD_INT(incident_id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (!od_rows_null(r, OC_END) && n < sizeof spans / sizeof spans[0])
            spans[n++] = (od_span){od_rows_int(r, OC_START), od_rows_int(r, OC_END)};
    od_rows_close(r);
    if (!rc) {
        *impact_ms = od_span_union_ms(spans, n, INT64_MIN, INT64_MAX);
        *closed = (int64_t)n;
    }
    return rc;
}

/* ---- figures ------------------------------------------------------------ */

typedef struct svc {
    int64_t id;
    char key[48], name[201];
    char cal[OD_KEY_MAX]; /* "24x7" or a policy calendar's key */
    int64_t ppm;
    bool platform;
} svc;

typedef struct figures {
    od_app *a;
    const od_policy *p;
    int64_t from, to, now, ystart, yend;
    svc *svcs;
    size_t n_svcs;
    od_outage *out;   /* every counted interval touching [min(from, ystart), to) */
    int64_t *out_svc; /* its service id */
    size_t n_out;
    od_span *scratch;
} figures;

static json_t *avail_json(const od_avail *v, int64_t target_ppm)
{
    json_t *o = json_pack(
        "{sI sI sI sI sI sI sf sI sI sb}", "period_ms", (json_int_t)v->period_ms, "unplanned_ms",
        (json_int_t)v->unplanned_ms, "planned_ms", (json_int_t)v->planned_ms, "degraded_ms",
        (json_int_t)v->degraded_ms, "downtime_ms", (json_int_t)v->downtime_ms, "availability_ppm",
        (json_int_t)v->avail_ppm, "availability", round((double)v->avail_ppm / 10.0) / 1000.0, "outages",
        (json_int_t)v->outages, "target_ppm", (json_int_t)target_ppm, "met", v->avail_ppm >= target_ppm);
    json_object_set_new(o, "mtbf_ms", v->mtbf_ms == OD_NO_TIME ? json_null() : json_integer(v->mtbf_ms));
    int64_t allowed = od_budget_ms(v->period_ms, (int32_t)target_ppm);
    json_object_set_new(o, "period_budget_ms", json_integer(allowed));
    json_object_set_new(o, "period_remaining_ms", json_integer(allowed - v->downtime_ms));
    return o;
}

/* Availability over [a, b) of the service id (0 = the platform's members). */
static json_t *availability(figures *f, int64_t id, int64_t target_ppm, int64_t a, int64_t b)
{
    od_outage *sel = (od_outage *)malloc((f->n_out ? f->n_out : 1) * sizeof *sel);
    if (!sel)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < f->n_out; i++) {
        if (id ? f->out_svc[i] == id : false) {
            sel[k++] = f->out[i];
            continue;
        }
        if (!id)
            for (size_t s = 0; s < f->n_svcs; s++)
                if (f->svcs[s].id == f->out_svc[i] && f->svcs[s].platform)
                    sel[k++] = f->out[i];
    }
    od_sla_targets t = f->p->sla;
    t.availability_ppm = (int32_t)target_ppm;
    /* a service's own hours; the platform's: sla.platform_calendar (7×24 by default) */
    const od_calendar *cal = id || !f->p->sla.platform_calendar[0]
                                 ? NULL
                                 : od_kernel_calendar(f->p->kernel, f->p->sla.platform_calendar);
    for (size_t i = 0; id && i < f->n_svcs; i++)
        if (f->svcs[i].id == id)
            cal = od_kernel_calendar(f->p->kernel, f->svcs[i].cal);
    if (cal && cal->always)
        cal = NULL;
    od_avail v;
    json_t *res = NULL;
    if (od_availability_cal(sel, k, a, b, cal, &t, f->scratch, 3 * (f->n_out ? f->n_out : 1), &v) == OD_OK)
        res = avail_json(&v, target_ppm);
    /* the year's budget and what is left of it (up to `to`) */
    od_avail y;
    int64_t year_ms = cal ? od_cal_between(cal, f->ystart, f->yend) : f->yend - f->ystart;
    if (res && od_availability_cal(sel, k, f->ystart, b < f->yend ? b : f->yend, cal, &t, f->scratch,
                                   3 * (f->n_out ? f->n_out : 1), &y) == OD_OK) {
        int64_t allowed = od_budget_ms(year_ms, (int32_t)target_ppm);
        json_object_set_new(res, "budget",
                            json_pack("{sI sI sI sI}", "year_ms", (json_int_t)year_ms, "allowed_ms",
                                      (json_int_t)allowed, "used_ms", (json_int_t)y.downtime_ms,
                                      "remaining_ms", (json_int_t)(allowed - y.downtime_ms)));
    }
    free(sel);
    return res;
}

static od_err load_services(od_tx *tx, figures *f, const char *only, od_error *e)
{
    f->svcs = calloc(OD_SLA_SERVICES_MAX, sizeof *f->svcs);
    if (!f->svcs)
        return od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_SVC_LIST, &r, e, OD_BINDS(OD_INT((int64_t)OD_SLA_SERVICES_MAX)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        svc *s = &f->svcs[f->n_svcs++];
        s->id = od_rows_int(r, 0);
        snprintf(s->key, sizeof s->key, "%s", od_rows_text(r, 1));
        snprintf(s->name, sizeof s->name, "%s", od_rows_text(r, 2));
        s->ppm = od_rows_int(r, 4);
        snprintf(s->cal, sizeof s->cal, "%s", od_rows_text(r, 5));
        s->platform = od_rows_int(r, 6) != 0;
    }
    od_rows_close(r);
    if (!rc && only) {
        bool found = false;
        for (size_t i = 0; i < f->n_svcs; i++)
            found |= !strcmp(f->svcs[i].key, only);
        if (!found)
            rc = od_error_set(e, OD_E_NOT_FOUND, "service", "服务不存在 (no such service)");
    }
    return rc;
}

static od_err load_outages(od_tx *tx, figures *f, od_error *e)
{
    int64_t a = f->from < f->ystart ? f->from : f->ystart;
    f->out = calloc(OD_SLA_INTERVALS_MAX, sizeof *f->out);
    f->out_svc = calloc(OD_SLA_INTERVALS_MAX, sizeof *f->out_svc);
    f->scratch = calloc(3 * (size_t)OD_SLA_INTERVALS_MAX, sizeof *f->scratch);
    if (!f->out || !f->out_svc || !f->scratch)
        return od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_OUT_IN_PERIOD, &r, e,
                            OD_BINDS(OD_INT(f->to), OD_INT(a), OD_INT((int64_t)OD_SLA_INTERVALS_MAX)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        od_outage *o = &f->out[f->n_out];
        o->start = od_rows_int(r, OC_START);
        o->end = od_rows_null(r, OC_END) ? f->now : od_rows_int(r, OC_END); /* open: until now */
        o->kind = (od_outage_kind)od_outage_kind_parse(od_rows_text(r, OC_KIND));
        o->drill = od_rows_int(r, OC_DRILL) != 0;
        if (!od_rows_null(r, OC_WIN) && !od_rows_null(r, OC_WIN_START) && od_rows_null(r, OC_WIN_DELETED)) {
            o->win_start = od_rows_int(r, OC_WIN_START);
            o->win_end = od_rows_int(r, OC_WIN_END);
        }
        if ((int)o->kind >= 0)
            f->out_svc[f->n_out++] = od_rows_int(r, OC_SVC);
    }
    od_rows_close(r);
    return rc;
}

/* ---- incident figures ---- */

typedef struct names {
    char v[GROUPS_MAX][48];
    size_t n;
} names;

static int name_index(names *g, const char *s)
{
    for (size_t i = 0; i < g->n; i++)
        if (!strcmp(g->v[i], s))
            return (int)i;
    if (g->n == GROUPS_MAX)
        return -1;
    snprintf(g->v[g->n], sizeof g->v[0], "%s", s);
    return (int)g->n++;
}

static json_t *stats_json(od_sl_stats s)
{
    if (!s.n)
        return json_pack("{sI sn sn sn sn}", "n", (json_int_t)0, "mean_ms", "median_ms", "p90_ms", "max_ms");
    return json_pack("{sI sI sI sI sI}", "n", (json_int_t)s.n, "mean_ms", (json_int_t)s.mean_ms, "median_ms",
                     (json_int_t)s.median_ms, "p90_ms", (json_int_t)s.p90_ms, "max_ms", (json_int_t)s.max_ms);
}

static json_t *verdicts_json(const int c[OD_SLV__COUNT])
{
    json_t *o = json_object();
    for (int v = 0; v < OD_SLV__COUNT; v++)
        json_object_set_new(o, od_sl_verdict_key((od_sl_verdict)v), json_integer(c[v]));
    return o;
}

/* {group: {response:{verdicts}, restore, handling, [mtta, mttr]}} */
static json_t *grouped(const od_sl_incident *v, size_t n, const od_policy *p, int64_t now, od_sl_group by,
                       size_t groups, const char *const *labels, int64_t *scratch)
{
    json_t *o = json_object();
    int(*c)[OD_SLV__COUNT] = calloc(groups ? groups : 1, sizeof *c);
    if (!c)
        return o;
    for (size_t g = 0; g < groups; g++)
        json_object_set_new(o, labels[g], json_object());
    for (int m = 0; m < OD_SL__COUNT; m++) {
        od_sl_tally(v, n, p, (od_sl_metric)m, now, by, groups, c);
        for (size_t g = 0; g < groups; g++)
            json_object_set_new(json_object_get(o, labels[g]), od_sl_metric_key((od_sl_metric)m),
                                verdicts_json(c[g]));
    }
    for (size_t g = 0; g < groups && by != OD_SLG_TIER; g++) {
        int lv = by == OD_SLG_LEVEL ? (int)g : -1, cat = by == OD_SLG_CATEGORY ? (int)g : -1;
        json_t *x = json_object_get(o, labels[g]);
        json_object_set_new(x, "mtta", stats_json(od_sl_measure_of(v, n, OD_SL_MTTA, lv, cat, scratch)));
        json_object_set_new(x, "mttr", stats_json(od_sl_measure_of(v, n, OD_SL_MTTR, lv, cat, scratch)));
    }
    free(c);
    return o;
}

static json_t *verdict_item(const od_sl_incident *i, const od_policy *p, od_sl_metric m, int64_t now)
{
    int64_t done = m == OD_SL_RESPONSE ? i->engaged_at : m == OD_SL_RESTORE ? i->restored_at : i->resolved_at;
    json_t *o = json_pack("{sI ss}", "target_ms", (json_int_t)od_sl_target_ms(i, p, m), "verdict",
                          od_sl_verdict_key(od_sl_verdict_of(i, p, m, now)));
    json_object_set_new(o, "ms",
                        done ? json_integer(od_sl_elapsed(i, m, i->detected_at, done)) : json_null());
    return o;
}

typedef struct inc_cal {
    int64_t id;
    const od_calendar *cal;
} inc_cal;

/* The calendars of every service the period's incidents' impact intervals
 * are on, ordered by incident (SLA_INC_CALENDARS).  *out is the caller's
 * to free. */
static od_err incident_calendars(od_tx *tx, const figures *f, inc_cal **out, size_t *n, od_error *e)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_SLA_INC_CALENDARS, &r, e,
                            OD_BINDS(OD_INT(f->from), OD_INT(f->to),
                                     OD_INT((int64_t)OD_SLA_INCIDENTS_MAX * (OD_CALENDARS_MAX + 1))));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            inc_cal *g = realloc(*out, cap * sizeof **out);
            if (!g) {
                rc = od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
                break;
            }
            *out = g;
        }
        (*out)[(*n)++] = (inc_cal){od_rows_int(r, 0), od_kernel_calendar(f->p->kernel, od_rows_text(r, 1))};
    }
    od_rows_close(r);
    return rc;
}

/* i->also: the calendars of the incident's other services (besides i->cal),
 * every one of them (no limit): a slice of buf (as long as c), from *used on. */
static void add_calendars(od_sl_incident *i, int64_t id, const inc_cal *c, size_t n, size_t *at,
                          const od_calendar **buf, size_t *used)
{
    while (*at < n && c[*at].id < id)
        ++*at;
    i->also = buf ? buf + *used : NULL;
    i->n_also = 0;
    for (; *at < n && c[*at].id == id; ++*at)
        if (buf && i->cal && c[*at].cal && c[*at].cal != i->cal) {
            buf[(*used)++] = c[*at].cal;
            i->n_also++;
        }
}

static od_err incident_figures(od_tx *tx, figures *f, const od_principal *who, json_t *res, od_error *e)
{
    od_sl_incident *v = calloc(OD_SLA_INCIDENTS_MAX, sizeof *v);
    int64_t *scratch = calloc(OD_SLA_INCIDENTS_MAX, sizeof *scratch);
    names cats = {.n = 0}, tiers = {.n = 0};
    json_t *list = json_array();
    size_t n = 0, drills = 0;
    od_err rc = v && scratch ? OD_OK : od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    od_rows *r = NULL;
    bool row = false;
    inc_cal *cals = NULL;
    size_t n_cals = 0, cal_at = 0, also_used = 0;
    const od_calendar **also = NULL; /* the incidents' other calendars, sliced per incident */
    if (!rc)
        rc = incident_calendars(tx, f, &cals, &n_cals, e);
    if (!rc && n_cals && !(also = calloc(n_cals, sizeof *also)))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    if (!rc)
        rc = od_tx_query(tx, OD_Q_SLA_INCIDENTS, &r, e,
                         OD_BINDS(OD_INT(f->from), OD_INT(f->to), OD_INT((int64_t)OD_SLA_INCIDENTS_MAX)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (!od_principal_in_any_scope(who, od_rows_text(r, 8)))
            continue;
        od_sl_incident *i = &v[n];
        int g = od_grade_parse(od_rows_text(r, 2)), hr = od_resp_parse(od_rows_text(r, 4));
        int ir = od_resp_parse(od_rows_null(r, 11) ? od_rows_text(r, 3) : od_rows_text(r, 11));
        if (g < 0 || hr < 0 || ir < 0)
            continue;
        *i = (od_sl_incident){
            .detected_at = od_rows_int(r, 5),
            .engaged_at = od_rows_null(r, 9) ? 0 : od_rows_int(r, 9),
            .resolved_at = od_rows_null(r, 6) ? 0 : od_rows_int(r, 6),
            .level = (od_grade)g,
            .initial_response = (od_resp)ir,
            .highest_response = (od_resp)hr,
            .category = name_index(&cats, od_rows_null(r, 12) ? "none" : od_rows_text(r, 12)),
            .tier = name_index(&tiers, od_rows_text(r, 13)[0] ? od_rows_text(r, 13) : "none"),
            .drill = od_rows_int(r, 7) != 0,
            /* the hours of the service it affected (its first impact interval's) */
            .cal = od_rows_null(r, 15) ? NULL : od_kernel_calendar(f->p->kernel, od_rows_text(r, 15))};
        /* and of the other services it affected: their hours together */
        add_calendars(i, od_rows_int(r, 0), cals, n_cals, &cal_at, also, &also_used);
        int64_t restored = od_rows_null(r, 10) ? i->resolved_at : od_rows_int(r, 10);
        i->restored_at = restored < 0 ? 0 : restored;
        if (i->drill) {
            drills++;
        } else {
            json_t *it = json_pack("{sI ss ss ss sb}", "id", (json_int_t)od_rows_int(r, 0), "number",
                                   od_rows_text(r, 1), "title", od_rows_text(r, 14), "level",
                                   od_rows_text(r, 2), "major", od_sl_is_major(i, &f->p->sla));
            for (int m = 0; m < OD_SL__COUNT; m++)
                json_object_set_new(it, od_sl_metric_key((od_sl_metric)m),
                                    verdict_item(i, f->p, (od_sl_metric)m, f->now));
            json_array_append_new(list, it);
        }
        n++;
    }
    od_rows_close(r);
    if (!rc) {
        const char *lv[OD_GRADE__COUNT], *cl[GROUPS_MAX], *tl[GROUPS_MAX];
        for (int g = 0; g < OD_GRADE__COUNT; g++)
            lv[g] = od_grade_key((od_grade)g);
        for (size_t g = 0; g < cats.n; g++)
            cl[g] = cats.v[g];
        for (size_t g = 0; g < tiers.n; g++)
            tl[g] = tiers.v[g];
        json_t *inc = json_pack("{sI sI}", "total", (json_int_t)(n - drills), "drills", (json_int_t)drills);
        json_t *all = grouped(v, n, f->p, f->now, OD_SLG_ALL, 1, (const char *const[]){"all"}, scratch);
        json_object_update(inc, json_object_get(all, "all"));
        json_decref(all);
        json_object_set_new(inc, "by_level",
                            grouped(v, n, f->p, f->now, OD_SLG_LEVEL, OD_GRADE__COUNT, lv, scratch));
        json_object_set_new(inc, "by_category",
                            grouped(v, n, f->p, f->now, OD_SLG_CATEGORY, cats.n, cl, scratch));
        json_object_set_new(inc, "by_tier", grouped(v, n, f->p, f->now, OD_SLG_TIER, tiers.n, tl, scratch));
        json_object_set_new(inc, "items", list);
        list = NULL;
        json_object_set_new(res, "incidents", inc);
    }
    json_decref(list);
    free(cals);
    free(also);
    free(v);
    free(scratch);
    return rc;
}

static json_t *targets_json(const od_sla_targets *t)
{
    json_t *major = json_array();
    for (int r = 0; r < OD_RESP__COUNT; r++)
        if ((t->major_responses >> r) & 1u)
            json_array_append_new(major, json_string(od_resp_key((od_resp)r)));
    return json_pack("{sI sf sI sI sI so sI sI}", "availability_ppm", (json_int_t)t->availability_ppm,
                     "availability", (double)t->availability_ppm / 10000.0, "response_ms",
                     (json_int_t)t->response_ms, "restore_ordinary_ms", (json_int_t)t->restore_ms[0],
                     "restore_major_ms", (json_int_t)t->restore_ms[1], "major_fault_responses", major,
                     "degraded_weight_permille", (json_int_t)t->degraded_permille, "budget_alert_permille",
                     (json_int_t)t->budget_alert_permille);
}

od_err od_service_levels(od_app *a, const od_principal *who, const od_sla_query *q, json_t **out, od_error *e)
{
    *out = NULL;
    if (q->to <= q->from || q->to - q->from > OD_SLA_PERIOD_MAX_MS)
        return od_error_set(
            e, OD_E_INVALID, "to",
            "to 须晚于 from，且期间不超过两年 (to must be after from, at most two years later)");
    figures f = {.a = a, .p = a->policy, .from = q->from, .to = q->to, .now = od_app_now(a)};
    /* the budget year: the Beijing-time year holding the period's last instant */
    int64_t last = q->to - 1 + (int64_t)BEIJING_MIN * 60000;
    int64_t day = last >= 0 ? last / OD_DAY_MS : -((-last + OD_DAY_MS - 1) / OD_DAY_MS);
    int y, m, d;
    od_cal_civil_from_days((int32_t)day, &y, &m, &d);
    od_period_bounds(y, 0, BEIJING_MIN, &f.ystart, &f.yend);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    char t1[OD_TIME_STR_MAX], t2[OD_TIME_STR_MAX], t3[OD_TIME_STR_MAX];
    json_t *res =
        json_pack("{ss ss sI sI ss so si}", "from", od_time_format(q->from, t1), "to",
                  od_time_format(q->to, t2), "from_ms", (json_int_t)q->from, "to_ms", (json_int_t)q->to,
                  "now", od_time_format(f.now, t3), "targets", targets_json(&f.p->sla), "budget_year", y);
    rc = load_services(tx, &f, q->service, e);
    if (!rc)
        rc = load_outages(tx, &f, e);
    if (!rc) {
        json_t *list = json_array(), *members = json_array();
        for (size_t i = 0; i < f.n_svcs; i++) {
            if (f.svcs[i].platform)
                json_array_append_new(members, json_string(f.svcs[i].key));
            if (q->service && strcmp(q->service, f.svcs[i].key) != 0)
                continue;
            json_t *s =
                json_pack("{sI ss ss sb ss}", "id", (json_int_t)f.svcs[i].id, "key", f.svcs[i].key, "name",
                          f.svcs[i].name, "platform_member", f.svcs[i].platform, "calendar", f.svcs[i].cal);
            json_t *av = availability(&f, f.svcs[i].id, f.svcs[i].ppm, q->from, q->to);
            json_object_set_new(s, "availability", av ? av : json_null());
            json_array_append_new(list, s);
        }
        json_object_set_new(res, "services", list);
        json_t *pav = availability(&f, 0, f.p->sla.availability_ppm, q->from, q->to);
        json_object_set_new(res, "platform",
                            json_pack("{so ss so}", "members", members, "calendar",
                                      f.p->sla.platform_calendar[0] ? f.p->sla.platform_calendar : "24x7",
                                      "availability", pav ? pav : json_null()));
    }
    if (!rc)
        rc = incident_figures(tx, &f, who, res, e);
    od_tx_rollback(tx);
    free(f.svcs);
    free(f.out);
    free(f.out_svc);
    free(f.scratch);
    if (rc) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return OD_OK;
}

/* ---- budget alerts ------------------------------------------------------ */

typedef struct budget_msg {
    int64_t used_ms, allowed_ms;
    int y, m;
    bool spent;
} budget_msg;

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static od_err budget_render(void *arg, od_lang lang, char **subject, char **body, od_error *e)
{
    const budget_msg *b = arg;
    char sub[200], txt[400];
    double used = (double)b->used_ms / 3600000.0, allowed = (double)b->allowed_ms / 3600000.0;
    long left = b->allowed_ms ? (long)((b->allowed_ms - b->used_ms) * 100 / b->allowed_ms) : 0;
    if (lang == OD_LANG_ZH) {
        snprintf(sub, sizeof sub, "【服务级别】%04d-%02d 平台停机预算%s", b->y, b->m,
                 b->spent ? "已用尽" : "剩余不足");
        snprintf(txt, sizeof txt, "%04d-%02d 平台非计划停机已达 %.2f 小时，本月预算 %.2f 小时，剩余 %ld%%。",
                 b->y, b->m, used, allowed, left);
    } else {
        snprintf(sub, sizeof sub, "[Service levels] %04d-%02d platform downtime budget %s", b->y, b->m,
                 b->spent ? "spent" : "running low");
        snprintf(txt, sizeof txt,
                 "%04d-%02d: %.2f h of unplanned platform downtime against a budget of %.2f h; %ld%% left.",
                 b->y, b->m, used, allowed, left);
    }
    *subject = dup_text(sub);
    *body = dup_text(txt);
    if (!*subject || !*body) {
        free(*subject);
        free(*body);
        *subject = *body = NULL;
        return od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    }
    return OD_OK;
}

od_err od_sla_budget_alerts(od_app *a, int64_t now, size_t *queued, od_error *e)
{
    if (queued)
        *queued = 0;
    int64_t local = now + (int64_t)BEIJING_MIN * 60000, ms, me;
    int y, m, d;
    od_cal_civil_from_days((int32_t)(local / OD_DAY_MS), &y, &m, &d);
    od_period_bounds(y, m, BEIJING_MIN, &ms, &me);
    if (now <= ms)
        return OD_OK;
    json_t *f = NULL;
    od_principal all;
    memset(&all, 0, sizeof all);
    snprintf(all.username, sizeof all.username, "%s", "system");
    od_sla_query q = {.from = ms, .to = now, .service = NULL};
    od_err rc = od_service_levels(a, &all, &q, &f, e);
    if (rc)
        return rc;
    const od_policy *p = a->policy;
    /* the month's working time on the platform's calendar (sla.platform_calendar; 7×24 by default) */
    const od_calendar *pcal =
        p->sla.platform_calendar[0] ? od_kernel_calendar(p->kernel, p->sla.platform_calendar) : NULL;
    int64_t month_ms = pcal && !pcal->always ? od_cal_between(pcal, ms, me) : me - ms;
    json_t *av = json_object_get(json_object_get(f, "platform"), "availability");
    budget_msg b = {.used_ms = json_integer_value(json_object_get(av, "downtime_ms")),
                    .allowed_ms = od_budget_ms(month_ms, p->sla.availability_ppm),
                    .y = y,
                    .m = m};
    json_decref(f);
    bool low = b.allowed_ms > 0 &&
               (b.allowed_ms - b.used_ms) * 1000 < (int64_t)p->sla.budget_alert_permille * b.allowed_ms;
    b.spent = b.used_ms > b.allowed_ms;
    if (!low && !b.spent)
        return OD_OK;
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    size_t n = 0;
    for (int step = 0; !rc && step < 2; step++) {
        if ((step == 0 && !low) || (step == 1 && !b.spent))
            continue;
        od_audience aud = {.anywhere = OD_ROLEBIT(step ? OD_ROLE_OPS_LEADER : OD_ROLE_OPS_DEPARTMENT_HEAD),
                           .own_department = 0};
        json_t *users = NULL;
        rc = od_out_audience(tx, &aud, NULL, &users, e);
        char cause[64];
        snprintf(cause, sizeof cause, "sla:budget:%lld:%s", (long long)ms, step ? "spent" : "low");
        od_out_msg msg = {.cause = cause,
                          .incident_id = 0,
                          .kind = "sla_budget",
                          .desk = "",
                          .level = OD_GRADE_L2,
                          .render = budget_render,
                          .arg = &b};
        if (!rc)
            rc = od_out_send(tx, p, &msg, users, now, &n, e);
        json_decref(users);
    }
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc && n)
        od_app_committed(a, OD_COMMIT_OUTBOX);
    if (queued)
        *queued = rc ? 0 : n;
    return rc;
}
