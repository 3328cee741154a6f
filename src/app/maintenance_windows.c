/* maintenance_windows.c — maintenance windows (R-EVT-4): create, edit,
 * delete, list and read, and their compiled matchers for ingestion.
 *
 * Department scope (R-SEC-SYS-2) as for CIs: a window tied to a CI belongs
 * to the CI's department; a scoped principal sees and manages only those of
 * its departments, may name only a CI it sees (one it may not see is refused
 * exactly like a missing one), and may not create a window without a CI (a
 * matcher-only window may silence any department: unscoped roles only).
 *
 * Compiled matchers are cached per app, keyed by the window's normalized
 * matcher text: compiled when a window is created or changed (before its
 * write transaction, so never under the writer's lock) and handed to each
 * ingestion batch as copies sharing the compiled RE2 programs
 * (od_window_matchers).  Thread-safe: one mutex guards the cache, held only
 * to look up, insert and copy. */
#include "app/events_api.h"
#include "app/cmdb_retire.h"
#include "app/list.h"
#include "core/event.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- the compiled-matcher cache ------------------------------------------ */

#define WCACHE_MAX 1024 /* distinct matcher sets kept; the oldest unused goes */
#define COL_DEPT 11     /* c.department of WIN_GET / WIN_LIST */

typedef struct wentry {
    uint64_t hash, used;
    char *text;
    od_err rc;                /* OD_OK, or why the set is unusable (negative entries too) */
    char why[OD_ERR_MSG_MAX]; /* the message of rc */
    size_t n;
    od_matcher m[OD_EVT_MATCHERS_MAX];
} wentry;

struct od_window_cache {
    pthread_mutex_t mu;
    uint64_t tick;
    size_t n;
    wentry *v[WCACHE_MAX];
};

static void wentry_free(wentry *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        od_matcher_cleanup(&w->m[i]);
    free(w->text);
    free(w);
}

od_window_cache *od_window_cache_new(void)
{
    od_window_cache *c = calloc(1, sizeof *c);
    if (c)
        pthread_mutex_init(&c->mu, NULL);
    return c;
}

void od_window_cache_free(od_window_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        wentry_free(c->v[i]);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* Compiles a stored matcher set ([{name, value, regex, negative}] text);
 * NULL on OOM.  An unusable set gives an entry with rc set. */
static wentry *wentry_compile(const char *text, uint64_t hash)
{
    wentry *w = calloc(1, sizeof *w);
    if (!w || !(w->text = strdup(text))) {
        free(w);
        return NULL;
    }
    w->hash = hash;
    json_t *arr = json_loads(text, 0, NULL), *m;
    size_t i;
    od_error e = {0};
    if (!json_is_array(arr) || json_array_size(arr) > OD_EVT_MATCHERS_MAX)
        w->rc = od_error_set(&e, OD_E_UNPROCESSABLE, "matchers", "匹配条件无法读取 (unreadable matchers)");
    json_array_foreach(arr, i, m)
    {
        if (w->rc)
            break;
        bool re = json_is_true(json_object_get(m, "regex")),
             neg = json_is_true(json_object_get(m, "negative"));
        od_match_op op = re ? (neg ? OD_MOP_NRE : OD_MOP_RE) : (neg ? OD_MOP_NE : OD_MOP_EQ);
        w->rc = od_matcher_init(&w->m[w->n], json_string_value(json_object_get(m, "name")), op,
                                json_string_value(json_object_get(m, "value")), &e);
        if (!w->rc)
            w->n++;
    }
    json_decref(arr);
    /* AND is order-free: equality tests first, so that a window that does
     * not apply is usually left before any regex runs */
    for (size_t j = 1; j < w->n; j++)
        for (size_t k = j; k > 0 && w->m[k].op < OD_MOP_RE && w->m[k - 1].op >= OD_MOP_RE; k--) {
            od_matcher t = w->m[k];
            w->m[k] = w->m[k - 1];
            w->m[k - 1] = t;
        }
    if (w->rc == OD_E_INVALID) /* well-formed JSON, an unusable matcher */
        w->rc = OD_E_UNPROCESSABLE;
    if (w->rc == OD_E_NOMEM) {
        wentry_free(w);
        return NULL;
    }
    snprintf(w->why, sizeof w->why, "%s", e.message);
    return w;
}

/* The cache key's hash: FNV-1a over 8-byte words (every batch hashes each
 * active window's text, so a byte at a time showed in profiles). */
static uint64_t text_hash(const char *text, size_t len)
{
    uint64_t h = OD_FNV_OFFSET ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, text + i, 8);
        h = (h ^ w) * 1099511628211ULL;
    }
    for (; i < len; i++)
        h = od_fnv1a_byte(h, (unsigned char)text[i]);
    return h;
}

static wentry *cache_find(od_window_cache *c, const char *text, uint64_t hash)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i]->hash == hash && strcmp(c->v[i]->text, text) == 0) {
            c->v[i]->used = ++c->tick;
            return c->v[i];
        }
    return NULL;
}

/* Adds w (owned by the cache afterwards), evicting the least recently used
 * entry when full; returns the entry to use (an equal one another thread
 * added meanwhile wins, and w is freed). */
static wentry *cache_add(od_window_cache *c, wentry *w)
{
    wentry *old = cache_find(c, w->text, w->hash);
    if (old) {
        wentry_free(w);
        return old;
    }
    if (c->n == WCACHE_MAX) {
        size_t lru = 0;
        for (size_t i = 1; i < c->n; i++)
            if (c->v[i]->used < c->v[lru]->used)
                lru = i;
        wentry_free(c->v[lru]);
        c->v[lru] = c->v[--c->n];
    }
    w->used = ++c->tick;
    c->v[c->n++] = w;
    return w;
}

/* Copies an entry's matchers into ms (under the cache's lock). */
static od_err entry_copy(const wentry *w, od_matcher *ms, size_t *n, od_error *e)
{
    *n = 0;
    if (w->rc)
        return od_error_set(e, w->rc, "matchers", "%s", w->why);
    for (size_t i = 0; i < w->n; i++) {
        od_err rc = od_matcher_copy(&ms[i], &w->m[i], e);
        if (rc) {
            while (*n > 0)
                od_matcher_cleanup(&ms[--*n]);
            return rc;
        }
        ++*n;
    }
    return OD_OK;
}

od_err od_window_matchers(od_app *a, const char *matchers_json, struct od_matcher *ms, size_t *n, od_error *e)
{
    *n = 0;
    od_event_caches *cs = od_ev_caches(a);
    if (!cs)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_window_cache *c = cs->windows;
    const char *text = matchers_json ? matchers_json : "";
    uint64_t hash = text_hash(text, strlen(text));
    pthread_mutex_lock(&c->mu);
    wentry *w = cache_find(c, text, hash);
    od_err rc = w ? entry_copy(w, ms, n, e) : OD_OK;
    pthread_mutex_unlock(&c->mu);
    if (w)
        return rc;
    wentry *fresh = wentry_compile(text, hash); /* outside the lock: other batches go on */
    if (!fresh)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    pthread_mutex_lock(&c->mu);
    w = cache_add(c, fresh);
    rc = entry_copy(w, ms, n, e);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

/* ---- the windows ---------------------------------------------------------- */

static json_t *window_row(od_rows *r)
{
    json_t *o = json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, 0), "name", od_rows_text(r, 1));
    json_object_set_new(o, "starts_at", od_ev_time_json(r, 2));
    json_object_set_new(o, "ends_at", od_ev_time_json(r, 3));
    json_t *m = json_loads(od_rows_text(r, 4), 0, NULL);
    json_object_set_new(o, "matchers", m ? m : json_array());
    json_object_set_new(o, "ci",
                        od_rows_null(r, 5) ? json_null()
                                           : json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, 5), "name",
                                                       od_rows_text(r, 6)));
    json_object_set_new(o, "created_by", json_string(od_rows_text(r, 7)));
    json_object_set_new(o, "comment", json_string(od_rows_text(r, 8)));
    json_object_set_new(o, "created_at", od_ev_time_json(r, 9));
    json_object_set_new(o, "updated_at", od_ev_time_json(r, 10));
    return o;
}

static bool row_visible(const od_principal *who, od_rows *r)
{
    return od_ev_visible(who, !od_rows_null(r, 5) && !od_rows_null(r, COL_DEPT), od_rows_text(r, COL_DEPT));
}

/* A window `who` may see, as JSON; 404 when missing or out of scope. */
static od_err window_load(od_tx *tx, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_WIN_GET, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row && row_visible(who, r))
        *out = window_row(r);
    od_rows_close(r);
    if (rc)
        return rc;
    return *out ? OD_OK
                : od_error_set(e, OD_E_NOT_FOUND, NULL,
                               "维护窗口 %lld 不存在 (maintenance window %lld not found)", (long long)id,
                               (long long)id);
}

/* Checks one matcher's shape and appends its normalized form to norm. */
static od_err matcher_shape(json_t *m, json_t *norm, od_error *e)
{
    json_t *n = json_object_get(m, "name"), *v = json_object_get(m, "value"),
           *re = json_object_get(m, "regex"), *neg = json_object_get(m, "negative");
    const char *k;
    json_t *x;
    bool known = json_is_object(m);
    json_object_foreach(m, k, x) if (strcmp(k, "name") && strcmp(k, "value") && strcmp(k, "regex") &&
                                     strcmp(k, "negative")) known = false;
    if (!known || !json_is_string(n) || !json_is_string(v) || (re && !json_is_boolean(re)) ||
        (neg && !json_is_boolean(neg)))
        return od_error_set(e, OD_E_INVALID, "matchers",
                            "匹配条件须为 {name, value, regex?, negative?} (a matcher "
                            "is {name, value, regex?, negative?})");
    json_array_append_new(norm, json_pack("{sO sO sb sb}", "name", n, "value", v, "regex", json_is_true(re),
                                          "negative", json_is_true(neg)));
    return OD_OK;
}

/* The normalized matcher text of w's "matchers" (caller frees); shapes
 * only, nothing compiled.  ci: whether the window names a CI. */
static od_err matchers_normalize(json_t *w, bool ci, char **text, od_error *e)
{
    *text = NULL;
    json_t *ms = json_object_get(w, "matchers");
    if (ms && !json_is_null(ms) && !json_is_array(ms))
        return od_error_set(e, OD_E_INVALID, "matchers", "matchers 须为数组 (matchers must be an array)");
    if (json_array_size(ms) > OD_EVT_MATCHERS_MAX)
        return od_error_set(e, OD_E_TOO_LARGE, "matchers", "最多 %d 个匹配条件 (at most %d matchers)",
                            OD_EVT_MATCHERS_MAX, OD_EVT_MATCHERS_MAX);
    if (json_array_size(ms) == 0 && !ci)
        return od_error_set(e, OD_E_UNPROCESSABLE, "matchers",
                            "需要配置项或至少一个匹配条件，不能静默全部告警 (give a CI "
                            "or at least one matcher: a window must not silence "
                            "everything)");
    json_t *norm = json_array(), *m;
    size_t i;
    od_err rc = OD_OK;
    json_array_foreach(ms, i, m) if (!rc) rc = matcher_shape(m, norm, e);
    if (!rc && !(*text = json_dumps(norm, JSON_COMPACT)))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    json_decref(norm);
    return rc;
}

/* Compiles (into the cache) the matchers of a request body that has any,
 * before the write transaction: a bad or too complex one is a 422. */
static od_err matchers_precompile(od_app *a, json_t *body, od_error *e)
{
    json_t *ms = json_object_get(body, "matchers");
    if (!json_is_array(ms) || json_array_size(ms) == 0)
        return OD_OK; /* nothing to compile; the shape is checked in the transaction */
    char *text = NULL;
    od_err rc = matchers_normalize(body, true, &text, e);
    od_matcher m[OD_EVT_MATCHERS_MAX];
    size_t n = 0;
    if (!rc)
        rc = od_window_matchers(a, text, m, &n, e);
    while (n > 0)
        od_matcher_cleanup(&m[--n]);
    free(text);
    return rc;
}

/* The window's CI, if any: it must exist and be in who's scope (else the
 * answer of a missing CI); none at all only for an unscoped principal. */
static od_err window_ci(od_tx *tx, const od_principal *who, json_t *w, int64_t *ci_id, od_error *e)
{
    json_t *ci = json_object_get(w, "ci_id");
    *ci_id = json_is_integer(ci) ? (int64_t)json_integer_value(ci) : 0;
    if (*ci_id < 0 || (ci && !json_is_null(ci) && !json_is_integer(ci)))
        return od_error_set(e, OD_E_INVALID, "ci_id", "ci_id 须为正整数 (ci_id must be a positive integer)");
    if (*ci_id == 0)
        return od_ev_scoped(who) ? od_error_set(e, OD_E_FORBIDDEN, "ci_id",
                                                "部门范围受限的用户须为维护窗口指定本部门的配置项 (a "
                                                "department-scoped user must name a CI of their department)")
                                 : OD_OK;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_CI_GET, &r, e, OD_BINDS(OD_INT(*ci_id)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    bool seen = row && od_ev_visible(who, true, od_rows_text(r, 4));
    od_rows_close(r);
    if (rc)
        return rc;
    return seen ? OD_OK
                : od_error_set(e, OD_E_UNPROCESSABLE, "ci_id", "配置项 %lld 不存在 (CI %lld not found)",
                               (long long)*ci_id, (long long)*ci_id);
}

/* The values of a window to write, checked. */
typedef struct wvals {
    int64_t starts, ends, ci_id;
    char *matchers; /* normalized text, owned */
} wvals;

static od_err window_check(od_tx *tx, const od_principal *who, json_t *w, wvals *v, od_error *e)
{
    const char *name = json_string_value(json_object_get(w, "name"));
    if (!name || !*name)
        return od_error_set(e, OD_E_UNPROCESSABLE, "name",
                            "缺少必填字段 name (required field name is missing)");
    const char *s = json_string_value(json_object_get(w, "starts_at")),
               *t = json_string_value(json_object_get(w, "ends_at"));
    if (!s || !od_time_parse(s, &v->starts))
        return od_error_set(e, OD_E_UNPROCESSABLE, "starts_at",
                            "缺少或无效 starts_at (starts_at missing or not RFC 3339)");
    if (!t || !od_time_parse(t, &v->ends))
        return od_error_set(e, OD_E_UNPROCESSABLE, "ends_at",
                            "缺少或无效 ends_at (ends_at missing or not RFC 3339)");
    if (v->ends <= v->starts)
        return od_error_set(e, OD_E_UNPROCESSABLE, "ends_at",
                            "结束时间须晚于开始时间 (ends_at must be after starts_at)");
    od_err rc = window_ci(tx, who, w, &v->ci_id, e);
    return rc ? rc : matchers_normalize(w, v->ci_id != 0, &v->matchers, e);
}

static const char *str_or(json_t *o, const char *k, const char *d)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : d;
}

/* Commits tx, or rolls it back and drops *out when rc is an error. */
static od_err finish(od_tx *tx, od_err rc, json_t **out, od_error *e)
{
    if (!rc)
        return od_tx_commit(tx, e);
    od_tx_rollback(tx);
    if (out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_window_create(od_app *a, const od_principal *who, json_t *body, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), id = 0;
    wvals v = {0};
    od_tx *tx = NULL;
    od_err rc = matchers_precompile(a, body, e);
    if (!rc)
        rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = window_check(tx, who, body, &v, e);
    /* a new window is not put on a retired CI (existing ones are kept and editable) */
    if (!rc && v.ci_id)
        rc = od_ci_must_be_active(tx, v.ci_id, NULL, "ci_id", e);
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_WIN_INSERT, &id, e,
                          OD_BINDS(OD_TEXT(str_or(body, "name", "")), OD_INT(v.starts), OD_INT(v.ends),
                                   OD_TEXT(v.matchers), OD_INT_OR_NULL(v.ci_id, v.ci_id != 0),
                                   OD_TEXT(who->username), OD_TEXT(str_or(body, "comment", "")), OD_INT(now),
                                   OD_INT(now)));
    free(v.matchers);
    if (!rc)
        rc = window_load(tx, NULL, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "maintenance_window.create", "maintenance_window", id, NULL, *out,
                             e);
    return finish(tx, rc, out, e);
}

od_err od_window_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = window_load(tx, who, id, out, e);
    od_tx_rollback(tx);
    return rc;
}

od_err od_window_list(od_app *a, const od_principal *who, bool active_only, int64_t limit, int64_t offset,
                      json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), total = 0;
    bool scoped = od_ev_scoped(who);
    od_page pg = od_page_start(limit, offset);
    od_tx *tx = NULL;
    od_rows *r = NULL;
    json_t *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc) /* scoped principals: rows filtered here, paged over the visible ones */
        rc = od_tx_query(tx, OD_Q_WIN_LIST, &r, e,
                         OD_BINDS(OD_BOOL(active_only), OD_INT(now), OD_INT(scoped ? (int64_t)-1 : limit),
                                  OD_INT(scoped ? (int64_t)0 : offset)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (!scoped || od_page_take(&pg, row_visible(who, r)))
            json_array_append_new(items, window_row(r));
    od_rows_close(r);
    total = pg.seen;
    if (!rc && !scoped)
        rc = od_tx_scalar(tx, OD_Q_WIN_COUNT, &total, e, OD_BINDS(OD_BOOL(active_only), OD_INT(now)));
    if (tx)
        od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}

/* The stored window `before` with the PATCH body over it. */
static json_t *window_merge(json_t *before, json_t *body)
{
    json_t *merged = json_deep_copy(before), *ci = json_object_get(before, "ci");
    json_object_set_new(merged, "ci_id",
                        json_is_object(ci) ? json_deep_copy(json_object_get(ci, "id")) : json_null());
    json_object_update(merged, body);
    return merged;
}

od_err od_window_update(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                        od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a);
    wvals v = {0};
    json_t *before = NULL, *merged = NULL;
    od_tx *tx = NULL;
    od_err rc = matchers_precompile(a, body, e);
    if (!rc)
        rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = window_load(tx, who, id, &before, e);
    if (!rc) {
        merged = window_merge(before, body);
        rc = window_check(tx, who, merged, &v, e);
    }
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_WIN_UPDATE, e,
                        OD_BINDS(OD_TEXT(str_or(merged, "name", "")), OD_INT(v.starts), OD_INT(v.ends),
                                 OD_TEXT(v.matchers), OD_INT_OR_NULL(v.ci_id, v.ci_id != 0),
                                 OD_TEXT(str_or(merged, "comment", "")), OD_INT(now), OD_INT(id)));
    free(v.matchers);
    json_decref(merged);
    if (!rc)
        rc = window_load(tx, NULL, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "maintenance_window.update", "maintenance_window", id, before,
                             *out, e);
    json_decref(before);
    return finish(tx, rc, out, e);
}

od_err od_window_delete(od_app *a, const od_principal *who, int64_t id, od_error *e)
{
    int64_t now = od_app_now(a);
    json_t *before = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = window_load(tx, who, id, &before, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_WIN_DELETE, e, OD_BINDS(OD_INT(now), OD_INT(now), OD_INT(id)));
    if (!rc)
        rc = od_audit_append(tx, now, who, "maintenance_window.delete", "maintenance_window", id, before,
                             NULL, e);
    json_decref(before);
    return finish(tx, rc, NULL, e);
}
