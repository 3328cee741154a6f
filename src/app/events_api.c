/* events_api.c — the read side of event management (issue 5): event list
 * and detail with the decisions, hourly statistics, the weekly review
 * sample (seed 004 table 6.2.2-1 step 11), maintenance windows (R-EVT-4)
 * and the ingestion API keys.  One transaction per call; writes carry an
 * audit entry. */
#include "app/events.h"
#include "core/event.h"
#include "core/event_decision.h"
#include "util/secret.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)

static json_t *time_json(od_rows *r, int col)
{
    char t[OD_TIME_STR_MAX];
    return od_rows_null(r, col) ? json_null() : json_string(od_time_format(od_rows_int(r, col), t));
}

static json_t *obj_or_empty(const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    return v ? v : json_object();
}

/* One row of EV_LIST / EV_GET / EV_REVIEW_* (columns in queries_events.h). */
static json_t *event_row(od_rows *r, bool full)
{
    json_t *o =
        json_pack("{sI ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "source", od_rows_text(r, 1),
                  "dedup_key", od_rows_text(r, 2), "status", od_rows_text(r, 3), "state", od_rows_text(r, 4));
    json_object_set_new(o, "class", od_rows_null(r, 5) ? json_null() : json_string(od_rows_text(r, 5)));
    json_object_set_new(o, "severity", json_string(od_rows_text(r, 6)));
    json_object_set_new(o, "summary", json_string(od_rows_text(r, 7)));
    json_object_set_new(o, "ci",
                        od_rows_null(r, 8) ? json_null()
                                           : json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, 8), "name",
                                                       od_rows_text(r, 9)));
    json_object_set_new(o, "count", json_integer((json_int_t)od_rows_int(r, 10)));
    json_object_set_new(o, "flapping", json_boolean(od_rows_int(r, 11) != 0));
    json_object_set_new(o, "first_seen", time_json(r, 12));
    json_object_set_new(o, "last_seen", time_json(r, 13));
    json_object_set_new(o, "received_at", time_json(r, 14));
    json_object_set_new(o, "incident",
                        od_rows_null(r, 15) ? json_null()
                                            : json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, 15),
                                                        "number", od_rows_text(r, 16)));
    json_object_set_new(o, "window",
                        od_rows_null(r, 17) ? json_null()
                                            : json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, 17),
                                                        "name", od_rows_text(r, 18)));
    json_object_set_new(o, "closed_at", time_json(r, 24));
    if (full) {
        json_object_set_new(o, "labels", obj_or_empty(od_rows_text(r, 19)));
        json_object_set_new(o, "annotations", obj_or_empty(od_rows_text(r, 20)));
        json_object_set_new(o, "raw", obj_or_empty(od_rows_text(r, 21)));
        json_object_set_new(o, "group_key", json_string(od_rows_text(r, 22)));
        json_object_set_new(o, "updated_at", time_json(r, 23));
    }
    return o;
}

/* Runs an event query into an array. */
static od_err collect(od_rows *r, json_t *items, od_error *e)
{
    int s;
    while ((s = od_rows_next(r, e)) == 1)
        json_array_append_new(items, event_row(r, false));
    return s < 0 ? OD_E_STORE : OD_OK;
}

od_err od_events_list(od_app *a, const char *status, const char *cls, const char *ci, const char *source,
                      const char *q, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    status = status ? status : "";
    cls = cls ? cls : "";
    source = source ? source : "";
    q = q ? q : "";
    if (*cls && od_event_class_parse(cls) < 0 && strcmp(cls, "none") != 0)
        return od_error_set(e, OD_E_INVALID, "class",
                            "class 须为 info/warning/exception/none (class must be info, "
                            "warning, exception or none)");
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    int64_t ci_id = 0;
    if (ci && *ci) {
        char *end;
        long long v = strtoll(ci, &end, 10);
        if (*end == 0 && v > 0)
            ci_id = v;
        else if (od_tx_scalar(tx, OD_Q_CI_BY_NAME, &ci_id, e, "s", ci) == OD_E_NOT_FOUND) {
            od_error_clear(e);
            ci_id = -1; /* unknown CI: nothing matches */
        }
    }
    char *like = od_store_like_pattern(q);
    json_t *items = json_array();
    int64_t total = 0;
    od_rows *r = NULL;
    if (!like)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = od_tx_query(tx, OD_Q_EV_LIST, &r, e, "ssssssiissssssii", status, status, status, cls, cls, cls,
                         ci_id, ci_id, source, source, q, like, like, like, limit, offset);
    if (!rc)
        rc = collect(r, items, e);
    od_rows_close(r);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_EV_COUNT, &total, e, "ssssssiissssss", status, status, status, cls, cls,
                          cls, ci_id, ci_id, source, source, q, like, like, like);
    free(like);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{so sI sI sI}", "items", items, "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)offset);
    return OD_OK;
}

/* A stored decision [code, rule|null, arg…] as {at, step, rule, result}. */
static json_t *decision_render(json_t *d, const char *at)
{
    int code = (int)json_integer_value(json_array_get(d, 0));
    json_t *rule = json_array_get(d, 1);
    od_dec_arg args[OD_DEC_ARGS_MAX] = {{0}};
    int n = 0;
    for (size_t k = 2; k < json_array_size(d) && n < OD_DEC_ARGS_MAX; k++, n++) {
        json_t *v = json_array_get(d, k);
        args[n].s = json_is_string(v) ? json_string_value(v) : NULL;
        args[n].i = json_is_integer(v) ? json_integer_value(v) : 0;
    }
    char text[OD_DEC_TEXT_MAX];
    od_dec_render(text, sizeof text, code, args, n);
    const char *step = od_dec_step(code);
    return json_pack("{ss ss so ss}", "at", at, "step", step ? step : "?", "rule",
                     json_is_string(rule) ? json_string(json_string_value(rule)) : json_null(), "result", text);
}

od_err od_event_get(od_app *a, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_EV_GET, &r, e, "i", id);
    int s = rc ? -1 : od_rows_next(r, e);
    json_t *ev = s == 1 ? event_row(r, true) : NULL;
    json_t *first = s == 1 ? json_loads(od_rows_text(r, 25), 0, NULL) : NULL; /* the first pass's decisions */
    int64_t received = s == 1 ? od_rows_int(r, 14) : 0;
    od_rows_close(r);
    r = NULL;
    if (!rc && s < 0)
        rc = OD_E_STORE;
    if (!rc && !ev)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "告警 %lld 不存在 (event %lld not found)", (long long)id,
                          (long long)id);
    json_t *decs = json_array();
    {
        size_t i;
        json_t *d;
        json_array_foreach(first, i, d)
        {
            char t[OD_TIME_STR_MAX];
            if (json_is_array(d)) { /* codes (core/event_decision.h), made at received_at */
                json_array_append_new(decs, decision_render(d, od_time_format(received, t)));
                continue;
            }
            /* rows written before the codes: {at, step, rule, result} */
            json_t *at = json_object_get(d, "at");
            json_object_set_new(d, "at",
                                json_is_integer(at) ? json_string(od_time_format(json_integer_value(at), t))
                                                    : json_null());
            json_array_append(decs, d);
        }
        json_decref(first);
    }
    if (!rc) /* then the later passes' */
        rc = od_tx_query(tx, OD_Q_EVD_LIST, &r, e, "i", id);
    while (!rc && (s = od_rows_next(r, e)) == 1) {
        json_t *d = json_pack("{ss ss}", "step", od_rows_text(r, 1), "result", od_rows_text(r, 3));
        json_object_set_new(d, "rule", od_rows_null(r, 2) ? json_null() : json_string(od_rows_text(r, 2)));
        json_object_set_new(d, "at", time_json(r, 0));
        json_array_append_new(decs, d);
    }
    if (!rc && s < 0)
        rc = OD_E_STORE;
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(ev);
        json_decref(decs);
        return rc;
    }
    json_object_set_new(ev, "decisions", decs);
    *out = ev;
    return OD_OK;
}

od_err od_events_stats(od_app *a, int hours, json_t **out, od_error *e)
{
    *out = NULL;
    if (hours < 1 || hours > 24 * 31)
        return od_error_set(e, OD_E_INVALID, "hours", "hours 须为 1 到 744 (hours must be 1 to 744)");
    int64_t now = od_app_now(a), to = (now / HOUR_MS + 1) * HOUR_MS, from = to - hours * HOUR_MS;
    json_t *buckets = json_array();
    char t[OD_TIME_STR_MAX];
    for (int i = 0; i < hours; i++)
        json_array_append_new(buckets, json_pack("{ss si si si si si}", "start",
                                                 od_time_format(from + i * HOUR_MS, t), "info", 0, "warning",
                                                 0, "exception", 0, "filtered", 0, "silenced", 0));
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_EV_STATS, &r, e, "ii", from, to);
    int s = 0;
    while (!rc && (s = od_rows_next(r, e)) == 1) {
        int64_t h = od_rows_int(r, 0) - from / HOUR_MS;
        json_t *b = json_array_get(buckets, (size_t)h);
        if (!b)
            continue;
        const char *state = od_rows_text(r, 2);
        const char *k = strcmp(state, "filtered") == 0   ? "filtered"
                        : strcmp(state, "silenced") == 0 ? "silenced"
                        : od_rows_null(r, 1)             ? NULL
                                                         : od_rows_text(r, 1);
        if (!k || !json_object_get(b, k))
            continue;
        json_object_set_new(b, k,
                            json_integer(json_integer_value(json_object_get(b, k)) + od_rows_int(r, 3)));
    }
    if (!rc && s < 0)
        rc = OD_E_STORE;
    od_rows_close(r);
    if (tx)
        od_tx_rollback(tx);
    if (rc) {
        json_decref(buckets);
        return rc;
    }
    char tf[OD_TIME_STR_MAX], tt[OD_TIME_STR_MAX];
    *out = json_pack("{ss ss so}", "from", od_time_format(from, tf), "to", od_time_format(to, tt), "buckets",
                     buckets);
    return OD_OK;
}

/* Monday 00:00 UTC of ISO week `w` ("2026-W18"); false when malformed. */
static bool iso_week_start(const char *w, int64_t *out)
{
    int y = 0, wk = 0;
    char tail;
    if (sscanf(w, "%4d-W%2d%c", &y, &wk, &tail) != 2 || y < 1970 || y > 9999 || wk < 1 || wk > 53)
        return false;
    /* Jan 4th is always in week 1 */
    struct tm tm = {.tm_year = y - 1900, .tm_mon = 0, .tm_mday = 4};
    time_t jan4 = timegm(&tm);
    struct tm g;
    gmtime_r(&jan4, &g);
    int dow = (g.tm_wday + 6) % 7; /* Monday = 0 */
    int64_t week1 = ((int64_t)jan4 - dow * 86400LL) * 1000;
    *out = week1 + (int64_t)(wk - 1) * 7 * DAY_MS;
    return true;
}

od_err od_events_review(od_app *a, const char *week, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t from;
    char label[16];
    if (week && *week) {
        if (!iso_week_start(week, &from))
            return od_error_set(e, OD_E_INVALID, "week",
                                "week 须为 ISO 周，如 2026-W18 (week must be an ISO week like "
                                "2026-W18)");
        snprintf(label, sizeof label, "%.8s", week);
    } else {
        int64_t now = od_app_now(a);
        time_t s = (time_t)(now / 1000);
        struct tm g;
        gmtime_r(&s, &g);
        strftime(label, sizeof label, "%G-W%V", &g);
        if (!iso_week_start(label, &from))
            return od_error_set(e, OD_E_INTERNAL, NULL, "week");
    }
    int64_t to = from + 7 * DAY_MS, pool = 0;
    int sample = a->policy->events ? a->policy->events->review_sample : 20;
    json_t *handover = json_array(), *sampled = json_array();
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_EV_REVIEW_HANDOVER, &r, e, "ii", from, to);
    if (!rc)
        rc = collect(r, handover, e);
    od_rows_close(r);
    r = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_EV_REVIEW_SAMPLE, &r, e, "iii", from, to, (int64_t)sample);
    if (!rc)
        rc = collect(r, sampled, e);
    od_rows_close(r);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_EV_REVIEW_POOL, &pool, e, "ii", from, to);
    if (tx)
        od_tx_rollback(tx);
    if (rc) {
        json_decref(handover);
        json_decref(sampled);
        return rc;
    }
    char tf[OD_TIME_STR_MAX], tt[OD_TIME_STR_MAX];
    *out = json_pack("{ss ss ss so so sI si}", "week", label, "from", od_time_format(from, tf), "to",
                     od_time_format(to, tt), "handover", handover, "sample", sampled, "closed_total",
                     (json_int_t)pool, "sample_size", sample);
    return OD_OK;
}

/* ---- maintenance windows -------------------------------------------------- */

static json_t *window_row(od_rows *r)
{
    json_t *o = json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, 0), "name", od_rows_text(r, 1));
    json_object_set_new(o, "starts_at", time_json(r, 2));
    json_object_set_new(o, "ends_at", time_json(r, 3));
    json_t *m = json_loads(od_rows_text(r, 4), 0, NULL);
    json_object_set_new(o, "matchers", m ? m : json_array());
    json_object_set_new(o, "ci",
                        od_rows_null(r, 5) ? json_null()
                                           : json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, 5), "name",
                                                       od_rows_text(r, 6)));
    json_object_set_new(o, "created_by", json_string(od_rows_text(r, 7)));
    json_object_set_new(o, "comment", json_string(od_rows_text(r, 8)));
    json_object_set_new(o, "created_at", time_json(r, 9));
    json_object_set_new(o, "updated_at", time_json(r, 10));
    return o;
}

/* The one row of a query by id (rc: the query's result) as JSON, r closed:
 * OD_OK, OD_E_NOT_FOUND with no message (the caller names what is missing),
 * or the store's error.  The caller runs the query itself, so that
 * scripts/check-sql-binds.py sees its binds. */
static od_err one_row(od_rows *r, od_err rc, json_t *(*row)(od_rows *), json_t **out, od_error *e)
{
    int s = rc ? -1 : od_rows_next(r, e);
    *out = s == 1 ? row(r) : NULL;
    od_rows_close(r);
    return rc ? rc : s < 0 ? OD_E_STORE : *out ? OD_OK : OD_E_NOT_FOUND;
}

static od_err window_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_WIN_GET, &r, e, "i", id);
    rc = one_row(r, rc, window_row, out, e);
    return rc != OD_E_NOT_FOUND ? rc
                                : od_error_set(e, OD_E_NOT_FOUND, NULL,
                                               "维护窗口 %lld 不存在 (maintenance window %lld not found)",
                                               (long long)id, (long long)id);
}

/* Validates a window (merged over `base` for PATCH) and returns its
 * normalized matchers as JSON text (caller frees). */
static od_err window_check(od_tx *tx, json_t *w, char **matchers, int64_t *starts, int64_t *ends,
                           int64_t *ci_id, od_error *e)
{
    const char *name = json_string_value(json_object_get(w, "name"));
    if (!name || !*name)
        return od_error_set(e, OD_E_UNPROCESSABLE, "name",
                            "缺少必填字段 name (required field name is missing)");
    const char *s = json_string_value(json_object_get(w, "starts_at")),
               *t = json_string_value(json_object_get(w, "ends_at"));
    if (!s || !od_time_parse(s, starts))
        return od_error_set(e, OD_E_UNPROCESSABLE, "starts_at",
                            "缺少或无效 starts_at (starts_at missing or not RFC 3339)");
    if (!t || !od_time_parse(t, ends))
        return od_error_set(e, OD_E_UNPROCESSABLE, "ends_at",
                            "缺少或无效 ends_at (ends_at missing or not RFC 3339)");
    if (*ends <= *starts)
        return od_error_set(e, OD_E_UNPROCESSABLE, "ends_at",
                            "结束时间须晚于开始时间 (ends_at must be after starts_at)");
    json_t *ci = json_object_get(w, "ci_id");
    *ci_id = json_is_integer(ci) ? (int64_t)json_integer_value(ci) : 0;
    if (*ci_id < 0 || (ci && !json_is_null(ci) && !json_is_integer(ci)))
        return od_error_set(e, OD_E_INVALID, "ci_id", "ci_id 须为正整数 (ci_id must be a positive integer)");
    if (*ci_id) {
        int64_t g = 0;
        od_rows *r = NULL;
        od_err rc = od_tx_query(tx, OD_Q_CI_GET, &r, e, "i", *ci_id);
        int st = rc ? -1 : od_rows_next(r, e);
        g = st;
        od_rows_close(r);
        if (rc)
            return rc;
        if (g != 1)
            return od_error_set(e, OD_E_UNPROCESSABLE, "ci_id", "配置项 %lld 不存在 (CI %lld not found)",
                                (long long)*ci_id, (long long)*ci_id);
    }
    json_t *ms = json_object_get(w, "matchers");
    if (ms && !json_is_null(ms) && !json_is_array(ms))
        return od_error_set(e, OD_E_INVALID, "matchers", "matchers 须为数组 (matchers must be an array)");
    if (json_array_size(ms) > OD_EVT_MATCHERS_MAX)
        return od_error_set(e, OD_E_TOO_LARGE, "matchers", "最多 %d 个匹配条件 (at most %d matchers)",
                            OD_EVT_MATCHERS_MAX, OD_EVT_MATCHERS_MAX);
    if (json_array_size(ms) == 0 && *ci_id == 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "matchers",
                            "需要配置项或至少一个匹配条件，不能静默全部告警 (give a CI "
                            "or at least one matcher: a window must not silence "
                            "everything)");
    json_t *norm = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        json_t *n = json_object_get(m, "name"), *v = json_object_get(m, "value"),
               *re = json_object_get(m, "regex"), *neg = json_object_get(m, "negative");
        const char *k;
        json_t *x;
        bool known = json_is_object(m);
        json_object_foreach(m, k, x) if (strcmp(k, "name") && strcmp(k, "value") && strcmp(k, "regex") &&
                                         strcmp(k, "negative")) known = false;
        if (!known || !json_is_string(n) || !json_is_string(v) || (re && !json_is_boolean(re)) ||
            (neg && !json_is_boolean(neg))) {
            json_decref(norm);
            return od_error_set(e, OD_E_INVALID, "matchers",
                                "匹配条件须为 {name, value, regex?, negative?} (a matcher "
                                "is {name, value, regex?, negative?})");
        }
        od_matcher probe;
        od_match_op op = json_is_true(re) ? (json_is_true(neg) ? OD_MOP_NRE : OD_MOP_RE)
                                          : (json_is_true(neg) ? OD_MOP_NE : OD_MOP_EQ);
        od_err rc = od_matcher_init(&probe, json_string_value(n), op, json_string_value(v), e);
        if (rc) {
            json_decref(norm);
            if (rc == OD_E_INVALID && e) /* well-formed JSON, an unusable matcher */
                e->code = rc = OD_E_UNPROCESSABLE;
            return rc;
        }
        od_matcher_cleanup(&probe);
        json_array_append_new(norm, json_pack("{sO sO sb sb}", "name", n, "value", v, "regex",
                                              json_is_true(re), "negative", json_is_true(neg)));
    }
    *matchers = json_dumps(norm, JSON_COMPACT);
    json_decref(norm);
    return *matchers ? OD_OK : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
}

static const char *str_or(json_t *o, const char *k, const char *d)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : d;
}

od_err od_window_create(od_app *a, const od_principal *who, json_t *body, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), starts, ends, ci_id, id = 0;
    char *matchers = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = window_check(tx, body, &matchers, &starts, &ends, &ci_id, e);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_WIN_INSERT, &id, e, "siisIssii", str_or(body, "name", ""), starts, ends,
                          matchers, ci_id, who->username, str_or(body, "comment", ""), now, now);
    free(matchers);
    if (!rc)
        rc = window_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "maintenance_window.create", "maintenance_window", id, NULL, *out,
                             e);
    if (rc) {
        od_tx_rollback(tx);
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    return od_tx_commit(tx, e);
}

od_err od_window_get(od_app *a, int64_t id, json_t **out, od_error *e)
{
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = window_load(tx, id, out, e);
    od_tx_rollback(tx);
    return rc;
}

od_err od_window_list(od_app *a, bool active_only, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), total = 0;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    json_t *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_WIN_LIST, &r, e, "biii", active_only, now, limit, offset);
    int s = 0;
    while (!rc && (s = od_rows_next(r, e)) == 1)
        json_array_append_new(items, window_row(r));
    if (!rc && s < 0)
        rc = OD_E_STORE;
    od_rows_close(r);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_WIN_COUNT, &total, e, "bi", active_only, now);
    if (tx)
        od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{so sI}", "items", items, "total", (json_int_t)total);
    return OD_OK;
}

od_err od_window_update(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                        od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), starts, ends, ci_id;
    char *matchers = NULL;
    json_t *before = NULL, *merged = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = window_load(tx, id, &before, e);
    if (!rc) {
        merged = json_deep_copy(before);
        json_t *ci = json_object_get(before, "ci");
        json_object_set_new(merged, "ci_id",
                            json_is_object(ci) ? json_deep_copy(json_object_get(ci, "id")) : json_null());
        json_object_update(merged, body);
        rc = window_check(tx, merged, &matchers, &starts, &ends, &ci_id, e);
    }
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_WIN_UPDATE, e, "siisIsii", str_or(merged, "name", ""), starts, ends,
                        matchers, ci_id, str_or(merged, "comment", ""), now, id);
    free(matchers);
    json_decref(merged);
    if (!rc)
        rc = window_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "maintenance_window.update", "maintenance_window", id, before,
                             *out, e);
    json_decref(before);
    if (rc) {
        od_tx_rollback(tx);
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    return od_tx_commit(tx, e);
}

od_err od_window_delete(od_app *a, const od_principal *who, int64_t id, od_error *e)
{
    int64_t now = od_app_now(a);
    json_t *before = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = window_load(tx, id, &before, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_WIN_DELETE, e, "iii", now, now, id);
    if (!rc)
        rc = od_audit_append(tx, now, who, "maintenance_window.delete", "maintenance_window", id, before,
                             NULL, e);
    json_decref(before);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, e);
}

/* ---- API keys ------------------------------------------------------------ */

static json_t *key_row(od_rows *r)
{
    json_t *o = json_pack("{sI ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "name", od_rows_text(r, 1),
                          "integration", od_rows_text(r, 2), "prefix", od_rows_text(r, 3), "created_by",
                          od_rows_text(r, 4));
    json_object_set_new(o, "created_at", time_json(r, 5));
    json_object_set_new(o, "revoked_at", time_json(r, 6));
    json_object_set_new(o, "active", json_boolean(od_rows_null(r, 6)));
    return o;
}

static od_err key_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_KEY_GET, &r, e, "i", id);
    rc = one_row(r, rc, key_row, out, e);
    return rc != OD_E_NOT_FOUND ? rc
                                : od_error_set(e, OD_E_NOT_FOUND, NULL,
                                               "API 密钥 %lld 不存在 (API key %lld not found)", (long long)id,
                                               (long long)id);
}

od_err od_api_key_create(od_app *a, const od_principal *who, const char *name, const char *integration,
                         json_t **out, od_error *e)
{
    *out = NULL;
    if (!name || !*name || strlen(name) > 63)
        return od_error_set(e, OD_E_UNPROCESSABLE, "name",
                            "name 须为 1 到 63 字节 (name must be 1 to 63 bytes)");
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_' || *p == '.'))
            return od_error_set(e, OD_E_UNPROCESSABLE, "name",
                                "name 只能含字母、数字、-_. (name may hold letters, "
                                "digits, - _ . only)");
    if (!integration ||
        (strcmp(integration, "api") && strcmp(integration, "alertmanager") && strcmp(integration, "zabbix")))
        return od_error_set(e, OD_E_UNPROCESSABLE, "integration",
                            "integration 须为 api/alertmanager/zabbix "
                            "(integration must be api, alertmanager or zabbix)");
    char secret[OD_SECRET_LEN(4, 32)], hash[OD_SECRET_HASH_HEX], prefix[16];
    if (!od_secret_new(secret, sizeof secret, OD_API_KEY_PREFIX, 32))
        return od_error_set(e, OD_E_INTERNAL, NULL, "libsodium");
    od_secret_hash(secret, hash);
    snprintf(prefix, sizeof prefix, "%.10s", secret);
    int64_t now = od_app_now(a), id = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_scalar(tx, OD_Q_KEY_INSERT, &id, e, "sssssi", name, integration, hash, prefix, who->username,
                      now);
    if (rc == OD_E_CONFLICT) {
        od_error_clear(e);
        rc = od_error_set(e, OD_E_CONFLICT, "name", "同名 API 密钥已存在 (an API key of this name exists)");
    }
    if (!rc)
        rc = key_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "api_key.create", "api_key", id, NULL, *out, e);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc)
        json_object_set_new(*out, "key", json_string(secret));
    else {
        json_decref(*out);
        *out = NULL;
    }
    sodium_memzero(secret, sizeof secret);
    return rc;
}

od_err od_api_key_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t total = 0;
    json_t *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_KEY_LIST, &r, e, "ii", limit, offset);
    int s = 0;
    while (!rc && (s = od_rows_next(r, e)) == 1)
        json_array_append_new(items, key_row(r));
    if (!rc && s < 0)
        rc = OD_E_STORE;
    od_rows_close(r);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_KEY_COUNT, &total, e, "");
    if (tx)
        od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{so sI}", "items", items, "total", (json_int_t)total);
    return OD_OK;
}

/* Resolved keys, so that an ingestion request does not need a read
 * transaction (issue 5 performance): by the secret's SHA-256, per app, for
 * KEY_CACHE_TTL_S at most.  A revocation empties it (and bumps gen, so that
 * a resolve racing with the revocation does not put the key back). */
#define KEY_CACHE_N 32
#define KEY_CACHE_TTL_S 10
static struct {
    pthread_mutex_t mu;
    uint64_t gen;
    struct {
        const od_app *a;
        char hash[65];
        od_api_key k;
        time_t until;
    } v[KEY_CACHE_N];
    unsigned next;
} key_cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

static time_t mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec;
}

static bool key_cache_get(const od_app *a, const char *hash, od_api_key *k, uint64_t *gen)
{
    bool hit = false;
    time_t now = mono_s();
    pthread_mutex_lock(&key_cache.mu);
    *gen = key_cache.gen;
    for (int i = 0; i < KEY_CACHE_N && !hit; i++)
        if (key_cache.v[i].a == a && key_cache.v[i].until > now && strcmp(key_cache.v[i].hash, hash) == 0) {
            *k = key_cache.v[i].k;
            hit = true;
        }
    pthread_mutex_unlock(&key_cache.mu);
    return hit;
}

static void key_cache_put(const od_app *a, const char *hash, const od_api_key *k, uint64_t gen)
{
    pthread_mutex_lock(&key_cache.mu);
    if (key_cache.gen == gen) {
        unsigned i = key_cache.next++ % KEY_CACHE_N;
        key_cache.v[i].a = a;
        memcpy(key_cache.v[i].hash, hash, sizeof key_cache.v[i].hash);
        key_cache.v[i].k = *k;
        key_cache.v[i].until = mono_s() + KEY_CACHE_TTL_S;
    }
    pthread_mutex_unlock(&key_cache.mu);
}

static void key_cache_clear(void)
{
    pthread_mutex_lock(&key_cache.mu);
    key_cache.gen++;
    memset(key_cache.v, 0, sizeof key_cache.v);
    pthread_mutex_unlock(&key_cache.mu);
}

od_err od_api_key_revoke(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a);
    json_t *before = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = key_load(tx, id, &before, e);
    if (!rc && json_is_false(json_object_get(before, "active")))
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "API 密钥已吊销 (the API key is already revoked)");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KEY_REVOKE, e, "ii", now, id);
    if (!rc)
        rc = key_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "api_key.revoke", "api_key", id, before, *out, e);
    json_decref(before);
    if (rc) {
        od_tx_rollback(tx);
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    key_cache_clear(); /* before the commit: no request resolves it from the cache after */
    rc = od_tx_commit(tx, e);
    key_cache_clear(); /* and none that read it before the commit keeps it */
    return rc;
}

od_err od_api_key_resolve(od_app *a, const char *secret, od_api_key *k, od_error *e)
{
    memset(k, 0, sizeof *k);
    if (!secret || strncmp(secret, OD_API_KEY_PREFIX, 4) != 0 || strlen(secret) > 128)
        return od_error_set(e, OD_E_UNAUTH, NULL, "API 密钥无效 (invalid API key)");
    char hash[65];
    od_secret_hash(secret, hash);
    uint64_t gen = 0;
    if (key_cache_get(a, hash, k, &gen))
        return OD_OK;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_KEY_BY_HASH, &r, e, "s", hash);
    int s = rc ? -1 : od_rows_next(r, e);
    if (s == 1) {
        k->id = od_rows_int(r, 0);
        snprintf(k->name, sizeof k->name, "%s", od_rows_text(r, 1));
        snprintf(k->integration, sizeof k->integration, "%s", od_rows_text(r, 2));
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc)
        return rc;
    if (s < 0)
        return OD_E_STORE;
    if (s == 0)
        return od_error_set(e, OD_E_UNAUTH, NULL, "API 密钥无效或已吊销 (invalid or revoked API key)");
    key_cache_put(a, hash, k, gen);
    return OD_OK;
}
