/* request.c — path matching, JSON body validation, query parameters and the
 * answer helpers shared by every handler. */
#include "http/http.h"
#include "util/utf8.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t od_routes_count(void)
{
    size_t n = 0;
    while (od_routes[n].method)
        n++;
    return n;
}

/* Compares one pattern against a path segment by segment. */
static bool match(const char *pat, const char *path, int64_t ids[OD_PATH_PARAMS_MAX], int *n_ids)
{
    *n_ids = 0;
    while (*pat && *path) {
        if (*pat != '{') { /* a literal character: most of every pattern */
            if (*pat != *path)
                return false;
            pat++;
            path++;
            continue;
        }
        size_t tl = strncmp(pat, "{token}", 7) == 0       ? 7
                    : strncmp(pat, "{action}", 8) == 0    ? 8
                    : strncmp(pat, "{item_key}", 10) == 0 ? 10
                                                          : 0;
        if (tl) {
            /* an opaque token segment ([A-Za-z0-9_-]{1,128}): a token, an action or
             * item key; the handler reads it from the path */
            const char *se = path;
            while (*se && *se != '/' && se - path <= 128 &&
                   ((*se >= 'a' && *se <= 'z') || (*se >= 'A' && *se <= 'Z') || (*se >= '0' && *se <= '9') ||
                    *se == '-' || *se == '_'))
                se++;
            if (se == path || (*se && *se != '/') || se - path > 128)
                return false;
            pat += tl;
            path = se;
            continue;
        }
        /* a numeric id ({id}, {rid}, ...) */
        const char *pe = strchr(pat, '}');
        if (!pe)
            return false;
        const char *se = path;
        int64_t v = 0;
        while (*se && *se != '/') {
            if (*se < '0' || *se > '9' || se - path >= 18)
                return false;
            v = v * 10 + (*se - '0');
            se++;
        }
        if (se == path || v <= 0 || *n_ids >= OD_PATH_PARAMS_MAX)
            return false;
        ids[(*n_ids)++] = v;
        pat = pe + 1;
        path = se;
    }
    return *pat == 0 && *path == 0;
}

const od_route *od_route_match(const char *method, const char *path, int64_t ids[OD_PATH_PARAMS_MAX],
                               int *n_ids, bool *path_matched)
{
    *path_matched = false;
    for (const od_route *r = od_routes; r->method; r++) {
        if (!match(r->pattern, path, ids, n_ids))
            continue;
        if (strcmp(r->method, method) == 0)
            return r;
        *path_matched = true;
    }
    *n_ids = 0;
    return NULL;
}

static const char *type_name(od_jtype t)
{
    static const char *const names[] = {"string", "integer", "boolean",
                                        "object", "array",   "RFC 3339 time",
                                        "number", "string",  "string, number or boolean"};
    _Static_assert(sizeof names / sizeof *names == OD_JT_SCALAR + 1, "one name per type");
    return names[t];
}

/* The same, for the Chinese half of a message. */
static const char *type_name_zh(od_jtype t)
{
    static const char *const names[] = {"字符串", "整数",   "布尔值",
                                        "对象",   "数组",   "RFC 3339 时间",
                                        "数字",   "字符串", "字符串、数字或布尔值"};
    _Static_assert(sizeof names / sizeof *names == OD_JT_SCALAR + 1, "one name per type");
    return names[t];
}

/* A field as the Chinese half of an error names it: the form's label when the
 * handler gives one, else "字段 <key>". */
static const char *zh_name(const od_field_label *labels, const char *key, char buf[96])
{
    for (const od_field_label *l = labels; l && l->name; l++)
        if (strcmp(l->name, key) == 0)
            return l->label_zh;
    snprintf(buf, 96, "字段 %s", key);
    return buf;
}

od_err od_req_fields(od_req *r, const od_field *fields)
{
    return od_req_fields_labelled(r, fields, NULL);
}

od_err od_req_fields_labelled(od_req *r, const od_field *fields, const od_field_label *labels)
{
    char zb[96];
    if (!r->json)
        return od_error_set(&r->err, OD_E_INVALID, NULL, "需要 JSON 请求体 (a JSON object body is required)");
    if (!json_is_object(r->json))
        return od_error_set(&r->err, OD_E_INVALID, NULL,
                            "请求体须为 JSON 对象 (the body must be a JSON object)");
    const char *key;
    json_t *v;
    json_object_foreach(r->json, key, v)
    {
        const od_field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (!f->name)
            return od_error_set(&r->err, OD_E_INVALID, key, "未知字段 %s (unknown field %s)", key, key);
        if (json_is_null(v) && !f->required)
            continue;
        bool ok;
        switch (f->type) {
        case OD_JT_STRING:
        case OD_JT_TEXT:
        case OD_JT_TIME:
            ok = json_is_string(v);
            break;
        case OD_JT_INT:
            ok = json_is_integer(v);
            break;
        case OD_JT_NUMBER:
            ok = json_is_number(v);
            break;
        case OD_JT_BOOL:
            ok = json_is_boolean(v);
            break;
        case OD_JT_OBJECT:
            ok = json_is_object(v);
            break;
        case OD_JT_ARRAY:
            ok = json_is_array(v);
            break;
        case OD_JT_SCALAR:
            ok = json_is_string(v) || json_is_number(v) || json_is_boolean(v);
            break;
        default:
            ok = false;
        }
        if (!ok)
            return od_error_set(&r->err, OD_E_INVALID, key, "%s 须为%s (field %s must be a %s)",
                                zh_name(labels, key, zb), type_name_zh(f->type), key, type_name(f->type));
        size_t max = f->max_len ? f->max_len : (f->type == OD_JT_ARRAY ? 1000 : 4096);
        if (f->type == OD_JT_TEXT && od_utf8_count(json_string_value(v), json_string_length(v)) > max)
            return od_error_set(&r->err, OD_E_TOO_LARGE, key,
                                "%s 超过 %zu 个字符 (field %s is over %zu characters)",
                                zh_name(labels, key, zb), max, key, max);
        if (f->type != OD_JT_TEXT && json_is_string(v) && json_string_length(v) > max)
            return od_error_set(&r->err, OD_E_TOO_LARGE, key, "%s 超过 %zu 字节 (field %s is over %zu bytes)",
                                zh_name(labels, key, zb), max, key, max);
        if (json_is_array(v) && json_array_size(v) > max)
            return od_error_set(&r->err, OD_E_TOO_LARGE, key, "%s 超过 %zu 项 (field %s has over %zu items)",
                                zh_name(labels, key, zb), max, key, max);
        if (f->type == OD_JT_TIME) {
            int64_t t;
            if (!od_time_parse(json_string_value(v), &t))
                return od_error_set(
                    &r->err, OD_E_INVALID, key,
                    "字段 %s 须为 RFC 3339 时间，如 2026-11-21T08:00:00+08:00 (field %s must be an "
                    "RFC 3339 time)",
                    key, key);
        }
    }
    for (const od_field *f = fields; f->name; f++) {
        if (!f->required)
            continue;
        json_t *x = json_object_get(r->json, f->name);
        if (!x || json_is_null(x) || (json_is_string(x) && json_string_length(x) == 0))
            return od_error_set(&r->err, OD_E_UNPROCESSABLE, f->name,
                                "缺少必填项：%s (required field %s is missing)", zh_name(labels, f->name, zb),
                                f->name);
    }
    return OD_OK;
}

json_t *od_req_get(od_req *r, const char *name)
{
    json_t *v = r->json ? json_object_get(r->json, name) : NULL;
    return json_is_null(v) ? NULL : v;
}

const char *od_req_str(od_req *r, const char *name)
{
    return json_string_value(od_req_get(r, name));
}

int64_t od_req_int(od_req *r, const char *name, int64_t dflt)
{
    json_t *v = od_req_get(r, name);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

bool od_req_bool(od_req *r, const char *name, bool dflt)
{
    json_t *v = od_req_get(r, name);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

const char *od_req_query(od_req *r, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, name);
}

od_err od_req_query_text(od_req *r, const char *name, const char **out)
{
    const char *v = od_req_query(r, name);
    *out = NULL;
    if (v && (strlen(v) > OD_QUERY_TEXT_MAX || !od_utf8_valid(v, strlen(v))))
        return od_error_set(&r->err, OD_E_INVALID, name,
                            "%s 须为不超过 %d 字节的文本 (%s must be text of at most %d bytes)", name,
                            OD_QUERY_TEXT_MAX, name, OD_QUERY_TEXT_MAX);
    *out = v;
    return OD_OK;
}

od_err od_query_int_parse(const char *name, const char *s, int64_t dflt, int64_t min, int64_t max,
                          int64_t *out, od_error *e)
{
    *out = dflt;
    if (!s || !*s)
        return OD_OK;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    /* errno: "99999999999999999999" saturates to LLONG_MAX, which could be in range */
    if (*end || errno == ERANGE || v < min || v > max)
        return od_error_set(e, OD_E_INVALID, name,
                            "参数 %s 须为 %lld 到 %lld 的整数 (%s must be an integer "
                            "from %lld to %lld)",
                            name, (long long)min, (long long)max, name, (long long)min, (long long)max);
    *out = v;
    return OD_OK;
}

od_err od_query_id_parse(const char *name, const char *s, int64_t *out, od_error *e)
{
    *out = 0;
    if (!s)
        return OD_OK;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno == ERANGE || v <= 0)
        return od_error_set(e, OD_E_INVALID, name, "%s 须为正整数 (%s must be a positive integer)", name,
                            name);
    *out = v;
    return OD_OK;
}

od_err od_req_query_id(od_req *r, const char *name, int64_t *out)
{
    return od_query_id_parse(name, od_req_query(r, name), out, &r->err);
}

static od_err query_int(od_req *r, const char *name, int64_t dflt, int64_t min, int64_t max, int64_t *out)
{
    return od_query_int_parse(name, od_req_query(r, name), dflt, min, max, out, &r->err);
}

od_err od_req_page(od_req *r, int64_t *limit, int64_t *offset)
{
    od_err rc = query_int(r, "limit", 50, 1, 500, limit);
    if (!rc)
        rc = query_int(r, "offset", 0, 0, INT64_C(1) << 40, offset);
    return rc;
}

od_err od_reply(od_req *r, int status, json_t *resp)
{
    json_decref(r->resp);
    r->resp = resp;
    r->status = status;
    if (!resp)
        return od_error_set(&r->err, OD_E_NOMEM, NULL, "out of memory");
    return OD_OK;
}

od_err od_req_no_fields(od_req *r)
{
    if (r->json && (!json_is_object(r->json) || json_object_size(r->json) > 0))
        return od_error_set(&r->err, OD_E_INVALID, NULL,
                            "此操作不接受请求体字段 (this action takes no body fields)");
    return OD_OK;
}
