/* parse.c — the ingestion formats → od_event_batch; contract in parse.h. */
#include "ingest/parse.h"
#include "core/event.h"
#include "util/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static od_err bad(od_error *e, const char *field, const char *zh, const char *en)
{
    return od_error_set(e, OD_E_INVALID, field, "%s (%s)", zh, en);
}

static bool label_name_ok(const char *s)
{
    if (!s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return false;
    size_t i = 0;
    for (; s[i]; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return i < OD_EVT_NAME_MAX;
}

/* An object of string values (labels or annotations) → *out, a new
 * reference to v itself (no copy: copy it before changing it) or a new empty
 * object when v is absent. */
static od_err string_map(json_t *v, const char *field, bool names_strict, size_t vmax, json_t **out,
                         od_error *e)
{
    *out = NULL;
    if (!v || json_is_null(v)) {
        *out = json_object();
        return OD_OK;
    }
    if (!json_is_object(v))
        return od_error_set(e, OD_E_INVALID, field, "%s 须为对象 (%s must be an object)", field, field);
    if (json_object_size(v) > OD_INGEST_LABELS_MAX)
        return od_error_set(e, OD_E_TOO_LARGE, field, "%s 最多 %d 项 (%s has over %d entries)", field,
                            OD_INGEST_LABELS_MAX, field, OD_INGEST_LABELS_MAX);
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x)
    {
        if (names_strict && !label_name_ok(k))
            return od_error_set(e, OD_E_INVALID, field,
                                "%s 的标签名无效：须匹配 [A-Za-z_][A-Za-z0-9_]* (%s: invalid label "
                                "name)",
                                field, field);
        if (!json_is_string(x))
            return od_error_set(e, OD_E_INVALID, field, "%s 的值须为字符串 (%s values must be strings)",
                                field, field);
        if (json_string_length(x) > vmax)
            return od_error_set(e, OD_E_TOO_LARGE, field, "%s 的值超过 %zu 字节 (%s value over %zu bytes)",
                                field, vmax, field, vmax);
        if (strlen(json_string_value(x)) != json_string_length(x))
            return od_error_set(e, OD_E_INVALID, field, "%s 的值含 NUL (%s value contains NUL)", field,
                                field);
    }
    *out = json_incref(v);
    return OD_OK;
}

/* The fingerprint of a label object, as a batch string. */
static const char *fingerprint(od_event_batch *b, json_t *labels)
{
    od_label ls[OD_EVT_LABELS_MAX];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(labels, k, v) if (n < OD_EVT_LABELS_MAX) ls[n++] =
        (od_label){k, json_string_value(v)};
    char hex[17];
    return od_event_batch_str(b, od_event_fingerprint_hex(od_event_fingerprint(ls, n), hex));
}

static bool plain_text(json_t *v, size_t max)
{
    return json_is_string(v) && json_string_length(v) <= max &&
           strlen(json_string_value(v)) == json_string_length(v);
}

/* ---- opsdesk's own format ------------------------------------------------ */

static const char *const own_fields[] = {"source", "dedup_key", "status",      "severity",  "summary",
                                         "ci",     "labels",    "annotations", "starts_at", "ends_at"};

/* The fields of one event of the own format: known names, strings of
 * bounded size. */
static od_err own_check(json_t *o, size_t i, od_error *e)
{
    char f[48];
    snprintf(f, sizeof f, "events[%zu]", i);
    if (!json_is_object(o))
        return od_error_set(e, OD_E_INVALID, f, "每个事件须为 JSON 对象 (each event must be a JSON object)");
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        bool known = false;
        for (size_t j = 0; j < sizeof own_fields / sizeof *own_fields; j++)
            if (strcmp(k, own_fields[j]) == 0)
                known = true;
        if (!known) {
            snprintf(f, sizeof f, "events[%zu].%.24s", i, k);
            return od_error_set(e, OD_E_INVALID, f, "未知字段 %s (unknown field %s)", k, k);
        }
    }
    static const struct {
        const char *name;
        size_t max;
    } str_fields[] = {{"source", 128},   {"dedup_key", OD_INGEST_KEY_MAX},
                      {"status", 16},    {"severity", 64},
                      {"summary", 2000}, {"ci", 200},
                      {"starts_at", 64}, {"ends_at", 64}};
    for (size_t j = 0; j < sizeof str_fields / sizeof *str_fields; j++) {
        json_t *x = json_object_get(o, str_fields[j].name);
        if (x && !json_is_null(x) && !plain_text(x, str_fields[j].max)) {
            snprintf(f, sizeof f, "events[%zu].%s", i, str_fields[j].name);
            return od_error_set(
                e, json_is_string(x) ? OD_E_TOO_LARGE : OD_E_INVALID, f,
                "字段 %s 须为不超过 %zu 字节的字符串 (field %s must be a string of at most %zu bytes)",
                str_fields[j].name, str_fields[j].max, str_fields[j].name, str_fields[j].max);
        }
    }
    return OD_OK;
}

static od_err own_one(json_t *o, size_t i, od_event_batch *b, od_error *e)
{
    char f[48];
    od_err rc = own_check(o, i, e);
    if (rc)
        return rc;
    const char *status = json_string_value(json_object_get(o, "status"));
    if (!status || (strcmp(status, "firing") && strcmp(status, "resolved"))) {
        snprintf(f, sizeof f, "events[%zu].status", i);
        return bad(e, f, "status 须为 firing 或 resolved", "status must be firing or resolved");
    }
    int64_t starts = 0, ends = 0;
    const char *st = json_string_value(json_object_get(o, "starts_at"));
    const char *en = json_string_value(json_object_get(o, "ends_at"));
    if ((st && !od_time_parse(st, &starts)) || (en && !od_time_parse(en, &ends))) {
        snprintf(f, sizeof f, "events[%zu].%s", i,
                 st && !od_time_parse(st, &starts) ? "starts_at" : "ends_at");
        return bad(e, f, "时间须为 RFC 3339", "times must be RFC 3339");
    }
    json_t *labels = NULL, *ann = NULL;
    snprintf(f, sizeof f, "events[%zu].labels", i);
    rc = string_map(json_object_get(o, "labels"), f, true, OD_INGEST_VALUE_MAX, &labels, e);
    if (!rc) {
        snprintf(f, sizeof f, "events[%zu].annotations", i);
        rc = string_map(json_object_get(o, "annotations"), f, false, OD_INGEST_TEXT_MAX, &ann, e);
    }
    if (rc) {
        json_decref(labels);
        return rc;
    }
    const char *origin = json_string_value(json_object_get(o, "source"));
    if (origin && *origin && !json_object_get(labels, "origin")) {
        json_t *own = json_copy(labels); /* labels is the request's own object */
        json_decref(labels);
        labels = own;
        if (!labels || json_object_set_new(labels, "origin", json_string(origin)) != 0) {
            json_decref(labels);
            json_decref(ann);
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        }
    }
    od_event_in *ev = od_event_batch_add(b);
    if (!ev || !od_event_batch_keep(b, labels) || !od_event_batch_keep(b, ann)) {
        if (!ev) {
            json_decref(labels);
            json_decref(ann);
        }
        return od_error_set(e, OD_E_TOO_LARGE, "events", "一次最多 %d 个事件 (at most %d events per request)",
                            OD_EVENTS_PER_REQUEST_MAX, OD_EVENTS_PER_REQUEST_MAX);
    }
    ev->labels = labels;
    ev->annotations = ann;
    ev->raw = od_event_batch_keep(b, json_incref(o));
    ev->firing = strcmp(status, "firing") == 0;
    ev->starts_at = starts;
    const char *sev = json_string_value(json_object_get(o, "severity"));
    const char *sum = json_string_value(json_object_get(o, "summary"));
    const char *ci = json_string_value(json_object_get(o, "ci"));
    ev->severity = sev ? sev : "";
    ev->summary = sum ? sum : "";
    ev->ci_name = ci && *ci ? ci : NULL;
    const char *key = json_string_value(json_object_get(o, "dedup_key"));
    if (key && *key) {
        ev->dedup_key = key;
    } else if (json_object_size(labels) > 0) {
        ev->dedup_key = fingerprint(b, labels);
    } else {
        json_t *id = json_pack("{ss ss}", "ci", ci ? ci : "", "summary", ev->summary);
        ev->dedup_key = fingerprint(b, id);
        json_decref(id);
    }
    return ev->dedup_key ? OD_OK : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
}

od_err od_ingest_parse_events(json_t *body, od_event_batch *b, od_error *e)
{
    if (json_is_object(body))
        return own_one(body, 0, b, e);
    if (!json_is_array(body))
        return bad(e, NULL, "请求体须为事件对象或事件数组",
                   "the body must be an event object or an array of events");
    if (json_array_size(body) > OD_EVENTS_PER_REQUEST_MAX)
        return od_error_set(e, OD_E_TOO_LARGE, "events", "一次最多 %d 个事件 (at most %d events per request)",
                            OD_EVENTS_PER_REQUEST_MAX, OD_EVENTS_PER_REQUEST_MAX);
    size_t i;
    json_t *o;
    json_array_foreach(body, i, o)
    {
        od_err rc = own_one(o, i, b, e);
        if (rc)
            return rc;
    }
    return OD_OK;
}

/* ---- Alertmanager webhook (version 4) --------------------------------------- */

static bool hex16(const char *s)
{
    if (!s || strlen(s) != 16)
        return false;
    for (int i = 0; i < 16; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

od_err od_ingest_parse_alertmanager(json_t *body, od_event_batch *b, od_error *e)
{
    if (!json_is_object(body))
        return bad(e, NULL, "Alertmanager 消息须为 JSON 对象",
                   "an Alertmanager message must be a JSON object");
    json_t *alerts = json_object_get(body, "alerts");
    if (!json_is_array(alerts))
        return bad(e, "alerts", "缺少 alerts 数组", "alerts must be an array");
    if (json_array_size(alerts) > OD_EVENTS_PER_REQUEST_MAX)
        return od_error_set(e, OD_E_TOO_LARGE, "alerts", "一次最多 %d 个告警 (at most %d alerts per message)",
                            OD_EVENTS_PER_REQUEST_MAX, OD_EVENTS_PER_REQUEST_MAX);
    json_t *ver = json_object_get(body, "version");
    if (ver && !json_is_string(ver))
        return bad(e, "version", "version 须为字符串", "version must be a string");
    const char *group_status = json_string_value(json_object_get(body, "status"));
    json_t *gs = json_object_get(body, "status"); /* the group's status: the default of every alert */
    if (gs && !json_is_null(gs) &&
        (!group_status || (strcmp(group_status, "firing") && strcmp(group_status, "resolved"))))
        return bad(e, "status", "status 须为 firing 或 resolved", "status must be firing or resolved");
    size_t i;
    json_t *a;
    char f[48];
    json_array_foreach(alerts, i, a)
    {
        snprintf(f, sizeof f, "alerts[%zu]", i);
        if (!json_is_object(a))
            return bad(e, f, "告警须为 JSON 对象", "each alert must be a JSON object");
        json_t *labels = NULL, *ann = NULL;
        snprintf(f, sizeof f, "alerts[%zu].labels", i);
        json_t *lv = json_object_get(a, "labels");
        if (!json_is_object(lv) || json_object_size(lv) == 0)
            return bad(e, f, "labels 须为非空对象", "labels must be a non-empty object");
        od_err rc = string_map(lv, f, false, OD_INGEST_VALUE_MAX, &labels, e);
        if (!rc) {
            snprintf(f, sizeof f, "alerts[%zu].annotations", i);
            rc = string_map(json_object_get(a, "annotations"), f, false, OD_INGEST_TEXT_MAX, &ann, e);
        }
        if (rc) {
            json_decref(labels);
            return rc;
        }
        od_event_in *ev = od_event_batch_add(b);
        if (!ev) {
            json_decref(labels);
            json_decref(ann);
            return od_error_set(e, OD_E_TOO_LARGE, "alerts", "告警过多 (too many alerts)");
        }
        ev->labels = od_event_batch_keep(b, labels);
        ev->annotations = od_event_batch_keep(b, ann);
        ev->raw = od_event_batch_keep(b, json_incref(a));
        const char *status = json_string_value(json_object_get(a, "status"));
        if (!status)
            status = group_status;
        if (!status || (strcmp(status, "firing") && strcmp(status, "resolved"))) {
            snprintf(f, sizeof f, "alerts[%zu].status", i);
            return bad(e, f, "status 须为 firing 或 resolved", "status must be firing or resolved");
        }
        ev->firing = strcmp(status, "firing") == 0;
        json_t *sa = json_object_get(a, "startsAt");
        if (sa && !json_is_null(sa)) {
            int64_t t = 0;
            if (!json_is_string(sa)) {
                snprintf(f, sizeof f, "alerts[%zu].startsAt", i);
                return bad(e, f, "startsAt 须为时间字符串", "startsAt must be a time string");
            }
            if (od_time_parse(json_string_value(sa), &t) && t > 0) /* 0001-01-01: unknown */
                ev->starts_at = t;
        }
        const char *fp = json_string_value(json_object_get(a, "fingerprint"));
        ev->dedup_key = hex16(fp) ? fp : fingerprint(b, labels);
        const char *sev = json_string_value(json_object_get(labels, "severity"));
        ev->severity = sev ? sev : "";
        const char *sum = json_string_value(json_object_get(ann, "summary"));
        if (!sum)
            sum = json_string_value(json_object_get(ann, "description"));
        if (!sum)
            sum = json_string_value(json_object_get(labels, "alertname"));
        ev->summary = sum ? sum : "";
        if (!ev->labels || !ev->annotations || !ev->raw || !ev->dedup_key)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    return OD_OK;
}

/* ---- Zabbix webhook media type ---------------------------------------------- */

bool od_ingest_is_macro(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 3 || s[0] != '{' || s[n - 1] != '}')
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == '_' ||
              s[i] == '$' || s[i] == '#' || islower((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return true;
}

/* A Zabbix parameter: a string (or a number written as one) that is not a
 * macro; NULL otherwise. */
static const char *zparam(od_event_batch *b, json_t *body, const char *k)
{
    json_t *v = json_object_get(body, k);
    if (json_is_integer(v)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return od_event_batch_str(b, buf);
    }
    const char *s = json_string_value(v);
    if (!s || !*s || od_ingest_is_macro(s) || strlen(s) != json_string_length(v))
        return NULL;
    return s;
}

static const char *const zsev[] = {"not_classified", "information", "warning", "average", "high", "disaster"};

/* Every Zabbix parameter is a string (or a number, or null) of bounded size. */
static od_err zbx_check(json_t *body, od_error *e)
{
    if (!json_is_object(body))
        return bad(e, NULL, "Zabbix 消息须为 JSON 对象", "a Zabbix message must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (!json_is_string(v) && !json_is_integer(v) && !json_is_null(v))
            return od_error_set(e, OD_E_INVALID, k,
                                "Zabbix 参数 %s 须为字符串 (Zabbix parameter %s must be a string)", k, k);
        if (json_is_string(v) && json_string_length(v) > OD_INGEST_TEXT_MAX)
            return od_error_set(e, OD_E_TOO_LARGE, k, "参数 %s 超过 %d 字节 (parameter %s is over %d bytes)",
                                k, OD_INGEST_TEXT_MAX, k, OD_INGEST_TEXT_MAX);
    }
    return OD_OK;
}

/* State (event_value, else the verbal status), an update's note, severity
 * (the name, else the number 0..5). */
static void zbx_state(od_event_batch *b, json_t *body, od_event_in *ev)
{
    const char *val = zparam(b, body, "event_value"), *status = zparam(b, body, "event_status");
    if (val && (strcmp(val, "0") == 0 || strcmp(val, "1") == 0))
        ev->firing = strcmp(val, "1") == 0;
    else
        ev->firing = !(status && (strncasecmp(status, "RESOLVED", 8) == 0 || strcasecmp(status, "OK") == 0 ||
                                  strncasecmp(status, "RECOVER", 7) == 0));
    const char *upd = zparam(b, body, "event_update_status");
    if (upd && strcmp(upd, "1") == 0) {
        const char *action = zparam(b, body, "event_update_action"),
                   *msg = zparam(b, body, "event_update_message");
        char note[600];
        snprintf(note, sizeof note, "Zabbix 更新 (update): %s%s%s", action ? action : "updated",
                 msg ? ": " : "", msg ? msg : "");
        ev->note = od_event_batch_str(b, note);
    }
    const char *sname = zparam(b, body, "event_severity"), *snum = zparam(b, body, "event_nseverity");
    char sev[64] = "";
    if (sname) {
        size_t j = 0;
        for (; sname[j] && j + 1 < sizeof sev; j++)
            sev[j] = sname[j] == ' ' ? '_' : (char)tolower((unsigned char)sname[j]);
        sev[j] = 0;
    } else if (snum && strlen(snum) == 1 && snum[0] >= '0' && snum[0] <= '5') {
        snprintf(sev, sizeof sev, "%s", zsev[snum[0] - '0']);
    }
    ev->severity = od_event_batch_str(b, sev);
}

/* {EVENT.TAGSJSON}: [{"tag":"scope","value":"performance"}] as labels. */
static void zbx_tags(od_event_batch *b, json_t *body, json_t *labels)
{
    const char *tags = zparam(b, body, "event_tags");
    json_t *ta = tags ? json_loads(tags, 0, NULL) : NULL;
    size_t i;
    json_t *t;
    json_array_foreach(ta, i, t)
    {
        const char *tn = json_string_value(json_object_get(t, "tag")),
                   *tv = json_string_value(json_object_get(t, "value"));
        if (!tn || json_object_size(labels) >= OD_INGEST_LABELS_MAX)
            continue;
        char name_ok[OD_EVT_NAME_MAX];
        size_t j = 0;
        for (; tn[j] && j + 1 < sizeof name_ok; j++)
            name_ok[j] = isalnum((unsigned char)tn[j]) ? tn[j] : '_';
        name_ok[j] = 0;
        if (!label_name_ok(name_ok) || json_object_get(labels, name_ok))
            continue;
        if (tv && strlen(tv) <= OD_INGEST_VALUE_MAX)
            json_object_set_new(labels, name_ok, json_string(tv));
    }
    json_decref(ta);
}

od_err od_ingest_parse_zabbix(json_t *body, od_event_batch *b, od_error *e)
{
    od_err rc = zbx_check(body, e);
    if (rc)
        return rc;
    json_t *rawid = json_object_get(body, "event_id");
    const char *id = zparam(b, body, "event_id");
    if (!id) {
        if (json_is_string(rawid) && od_ingest_is_macro(json_string_value(rawid)))
            return od_error_set(
                e, OD_E_UNPROCESSABLE, "event_id",
                "event_id 是未替换的宏 %s（Zabbix 的“测试”不替换宏）(event_id is the unresolved macro %s: "
                "Zabbix's Test button does not resolve macros)",
                json_string_value(rawid), json_string_value(rawid));
        return bad(e, "event_id", "缺少 event_id（{EVENT.ID}）", "event_id ({EVENT.ID}) is required");
    }
    if (strlen(id) > OD_INGEST_KEY_MAX)
        return od_error_set(e, OD_E_TOO_LARGE, "event_id", "event_id 过长 (event_id too long)");
    od_event_in *ev = od_event_batch_add(b);
    json_t *labels = od_event_batch_keep(b, json_object()), *ann = od_event_batch_keep(b, json_object());
    if (!ev || !labels || !ann)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    ev->labels = labels;
    ev->annotations = ann;
    ev->raw = od_event_batch_keep(b, json_incref(body));
    ev->dedup_key = id;
    zbx_state(b, body, ev);
    const char *name = zparam(b, body, "event_name");
    if (!name)
        name = zparam(b, body, "subject");
    ev->summary = name ? name : "";
    static const struct {
        const char *param, *label;
    } map[] = {{"event_name", "alertname"},      {"host", "host"},
               {"host_ip", "host_ip"},           {"trigger_id", "trigger_id"},
               {"event_source", "event_source"}, {"event_nseverity", "nseverity"}};
    for (size_t j = 0; j < sizeof map / sizeof *map; j++) {
        const char *x = zparam(b, body, map[j].param);
        if (x && strlen(x) <= OD_INGEST_VALUE_MAX)
            json_object_set_new(labels, map[j].label, json_string(x));
    }
    zbx_tags(b, body, labels);
    const char *msg = zparam(b, body, "message"), *url = zparam(b, body, "zabbix_url");
    if (msg)
        json_object_set_new(ann, "description", json_string(msg));
    if (url)
        json_object_set_new(ann, "zabbix_url", json_string(url));
    const char *ts = zparam(b, body, "event_ts");
    if (ts) {
        char *end;
        long long sec = strtoll(ts, &end, 10);
        if (*end == 0 && sec > 0 && sec < 253402300800LL)
            ev->starts_at = sec * 1000;
    }
    if (!ev->severity || !ev->raw)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    return OD_OK;
}

/* ---- the request's own bytes of each event ------------------------------------ */

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* The end of the JSON value at p (the body was accepted by jansson), or NULL. */
static const char *skip_value(const char *p, const char *end)
{
    if (p >= end)
        return NULL;
    if (*p == '"') {
        for (p++; p < end; p++) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                return p + 1;
        }
        return NULL;
    }
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < end) {
            if (*p == '"') {
                p = skip_value(p, end);
                if (!p)
                    return NULL;
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if ((*p == '}' || *p == ']') && --depth == 0)
                return p + 1;
            p++;
        }
        return NULL;
    }
    const char *q = p;
    while (q < end && !strchr(",}] \t\r\n", *q))
        q++;
    return q > p ? q : NULL;
}

/* The elements of the array at p as the raw text of events first…: true
 * when there are exactly n of them. */
static bool array_spans(od_event_batch *b, size_t first, size_t n, const char *p, const char *end)
{
    p = skip_ws(p, end);
    if (p >= end || *p != '[')
        return false;
    p = skip_ws(p + 1, end);
    size_t i = 0;
    if (p < end && *p == ']')
        return n == 0;
    while (p < end) {
        const char *q = skip_value(p, end);
        if (!q || i >= n)
            return false;
        b->v[first + i].raw_text = p;
        b->v[first + i].raw_len = (size_t)(q - p);
        i++;
        p = skip_ws(q, end);
        if (p < end && *p == ']')
            return i == n;
        if (p >= end || *p != ',')
            return false;
        p = skip_ws(p + 1, end);
    }
    return false;
}

void od_ingest_raw_spans(od_event_batch *b, const char *body, size_t len, const char *key)
{
    if (!body || b->n == 0)
        return;
    const char *copy = od_event_batch_body(b, body, len);
    if (!copy)
        return;
    const char *p = skip_ws(copy, copy + len), *end = copy + len;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
        end--;
    bool ok = false;
    if (!key && p < end && *p == '{') { /* the body is the one event */
        ok = b->n == 1 && skip_value(p, end) == end;
        if (ok) {
            b->v[0].raw_text = p;
            b->v[0].raw_len = (size_t)(end - p);
        }
    } else if (!key) {
        ok = array_spans(b, 0, b->n, p, end);
    } else if (p < end && *p == '{') { /* the array under "key" of the body object */
        size_t klen = strlen(key);
        p = skip_ws(p + 1, end);
        while (p < end && *p == '"') {
            const char *k = p, *q = skip_value(p, end);
            if (!q)
                break;
            bool hit = (size_t)(q - k) == klen + 2 && memcmp(k + 1, key, klen) == 0;
            p = skip_ws(q, end);
            if (p >= end || *p != ':')
                break;
            p = skip_ws(p + 1, end);
            q = skip_value(p, end);
            if (!q)
                break;
            if (hit) {
                ok = array_spans(b, 0, b->n, p, q);
                break;
            }
            p = skip_ws(q, end);
            if (p >= end || *p != ',')
                break;
            p = skip_ws(p + 1, end);
        }
    }
    if (!ok) /* not found as expected (an escaped key…): raw is serialized instead */
        for (size_t i = 0; i < b->n; i++)
            b->v[i].raw_text = NULL;
}
