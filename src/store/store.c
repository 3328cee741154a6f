/* store.c — store.h's public functions: each dispatches through the table
 * of operations of the store's backend (store_int.h).  Backend-neutral
 * helpers (the LIKE pattern) live here too. */
#include "store/store_int.h"
#include "util/embed.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const od_store_ops *const od_store_backends[] = {&od_store_sqlite_ops, &od_store_pg_ops, NULL};

int od_store_schema_newest(void)
{
    int newest = 0;
    for (const struct od_embedded_file *f = od_embedded_migrations; f->name; f++) {
        long v = strtol(f->name, NULL, 10);
        if (v > newest && v < 1000000)
            newest = (int)v;
    }
    return newest;
}

od_err od_store_schema_verdict(const char *p, od_store_mode mode, const od_store_schema *info, int pending,
                               od_error *e)
{
    if (info->found > info->newest)
        return od_error_set(
            e, OD_E_CONFLICT, "db",
            "数据库 %s 的结构版本 %d 比本程序支持的 %d 新：请使用更新版本的 opsdesk，或恢复升级前的备份 "
            "(database %s has schema %d, newer than this binary's %d: use a newer opsdesk, or "
            "restore the backup taken before the upgrade)",
            p, info->found, info->newest, p, info->found, info->newest);
    if (mode == OD_STORE_CREATE)
        return OD_OK;
    if (info->found == 0)
        return od_error_set(e, OD_E_NOT_FOUND, "db",
                            "%s 不是已初始化的 opsdesk 数据库：先运行 opsdesk init --db %s (%s is not an "
                            "initialized opsdesk database: run opsdesk init --db %s first)",
                            p, p, p, p);
    if (mode == OD_STORE_CURRENT && pending)
        return od_error_set(
            e, OD_E_CONFLICT, "db",
            "数据库 %s 的结构版本 %d 需要升级到 %d：先运行 opsdesk migrate --db %s（会先备份），"
            "或启动 opsdesk serve (database %s has schema %d and needs migrating to %d: run "
            "opsdesk migrate --db %s, which takes a backup first, or start opsdesk serve)",
            p, info->found, info->newest, p, p, info->found, info->newest, p);
    return OD_OK;
}

static od_err open_mode_with(const od_store_ops *ops, const char *path, od_store_mode mode,
                             od_store_schema *info, od_store **out, od_error *e)
{
    od_store_schema local;
    if (!info)
        info = &local;
    *info = (od_store_schema){.found = -1, .newest = od_store_schema_newest()};
    *out = NULL;
    od_err rc = ops->open(path, mode, info, out, e);
    if (!rc && *out)
        (*out)->ops = ops;
    return rc;
}

od_err od_store_open_with(const od_store_ops *ops, const char *path, od_store **out, od_error *e)
{
    return open_mode_with(ops, path, OD_STORE_CREATE, NULL, out, e);
}

od_err od_store_open_mode(const char *path, od_store_mode mode, od_store_schema *info, od_store **out,
                          od_error *e)
{
    *out = NULL;
    for (const od_store_ops *const *b = od_store_backends; *b; b++)
        if ((*b)->handles(path))
            return open_mode_with(*b, path, mode, info, out, e);
    return od_error_set(e, OD_E_INVALID, "db", "不支持的数据库地址 (unsupported database address): %.64s",
                        path);
}

bool od_store_is_file(const char *path)
{
    return od_store_sqlite_ops.handles(path);
}

od_err od_store_must_exist(const char *path, od_error *e)
{
    struct stat st;
    /* a server address is judged by the open; ":memory:" and "file:" URIs by SQLite */
    if (!od_store_is_file(path) || !*path || *path == ':' || strncmp(path, "file:", 5) == 0)
        return OD_OK;
    if (stat(path, &st) == 0 && st.st_size == 0) /* opening would write a header into it */
        return od_error_set(e, OD_E_NOT_FOUND, "db",
                            "%s 是空文件，不是已初始化的 opsdesk 数据库：先运行 opsdesk init --db %s (%s is "
                            "empty, not an initialized opsdesk database: run opsdesk init --db %s first)",
                            path, path, path, path);
    if (stat(path, &st) == 0)
        return OD_OK;
    return od_error_set(
        e, OD_E_NOT_FOUND, "db",
        "数据库 %s 不存在：新部署先运行 opsdesk init --db %s 创建；已有部署请检查 --db 路径 "
        "(database %s does not exist: for a new installation create it with opsdesk init --db "
        "%s; otherwise check the --db path)",
        path, path, path, path);
}

od_err od_store_open(const char *path, od_store **out, od_error *e)
{
    return od_store_open_mode(path, OD_STORE_CREATE, NULL, out, e);
}

void od_store_close(od_store *s)
{
    if (s)
        s->ops->close(s);
}

int64_t od_store_size(od_store *s)
{
    return s->ops->size(s);
}
const char *od_store_path(const od_store *s)
{
    return s->path;
}
bool od_store_multi_node(const od_store *s)
{
    return s->ops != &od_store_sqlite_ops;
}

int od_store_text_index_min(const od_store *s)
{
    return s->ops == &od_store_sqlite_ops ? 2 : 3;
}

int od_store_schema_version(od_store *s)
{
    return s->ops->schema_version(s);
}

/* od_tx_thread_fence: per thread (a job runs on its scheduler's thread). */
static _Thread_local struct {
    od_tx_last fn;
    void *arg;
} thread_fence;

void od_tx_thread_fence(od_tx_last fn, void *arg)
{
    thread_fence.fn = fn;
    thread_fence.arg = arg;
}

od_err od_tx_begin(od_store *s, bool write, od_tx **out, od_error *e)
{
    od_tx_last fence = write ? thread_fence.fn : NULL;
    void *arg = thread_fence.arg;
    if (fence) {
        *out = NULL;
        od_err rc = fence(arg, NULL, e);
        if (rc)
            return rc;
    }
    od_err rc = s->ops->tx_begin(s, write, out, e);
    if (!rc && fence && (rc = od_tx_before_commit(*out, fence, arg, e))) {
        od_tx_rollback(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_tx_begin_bulk(od_store *s, od_tx **out, od_error *e)
{
    return s->ops->tx_begin_bulk ? s->ops->tx_begin_bulk(s, out, e) : s->ops->tx_begin(s, true, out, e);
}

int od_store_writers_waiting(od_store *s)
{
    return s->ops->writers_waiting ? s->ops->writers_waiting(s) : 0;
}

bool od_store_write_contended(od_store *s)
{
    return s->ops->write_contended && s->ops->write_contended(s);
}

/* The hooks are copied out first: the backend frees tx when it ends. */
typedef struct hooks {
    int n;
    struct {
        od_tx_hook fn;
        void *arg;
    } h[OD_TX_HOOKS];
} hooks;

static void hooks_take(od_tx *tx, hooks *h)
{
    h->n = tx->n_hooks;
    for (int i = 0; i < h->n; i++) {
        h->h[i].fn = tx->hooks[i].fn;
        h->h[i].arg = tx->hooks[i].arg;
    }
}

static void hooks_run(const hooks *h, bool committed)
{
    for (int i = 0; i < h->n; i++)
        h->h[i].fn(h->h[i].arg, committed);
}

od_err od_tx_commit(od_tx *tx, od_error *e)
{
    for (int i = 0; i < tx->n_last; i++) {
        od_err rc = tx->last[i].fn(tx->last[i].arg, tx, e);
        if (rc) {
            od_tx_rollback(tx);
            return rc;
        }
    }
    hooks h;
    hooks_take(tx, &h);
    od_err rc = tx->s->ops->tx_commit(tx, e);
    hooks_run(&h, rc == OD_OK);
    return rc;
}

od_err od_tx_defer_search(od_tx *tx, od_error *e)
{
    return tx->s->ops->defer_search ? tx->s->ops->defer_search(tx, e) : OD_OK;
}

void od_tx_rollback(od_tx *tx)
{
    if (!tx)
        return;
    hooks h;
    hooks_take(tx, &h);
    tx->s->ops->tx_rollback(tx);
    hooks_run(&h, false);
}

od_err od_tx_on_end(od_tx *tx, od_tx_hook fn, void *arg, od_error *e)
{
    if (tx->n_hooks >= OD_TX_HOOKS)
        return od_error_set(e, OD_E_INTERNAL, NULL, "too many transaction hooks");
    tx->hooks[tx->n_hooks].fn = fn;
    tx->hooks[tx->n_hooks].arg = arg;
    tx->n_hooks++;
    return OD_OK;
}

od_err od_tx_before_commit(od_tx *tx, od_tx_last fn, void *arg, od_error *e)
{
    if (tx->n_last >= OD_TX_HOOKS)
        return od_error_set(e, OD_E_INTERNAL, NULL, "too many before-commit steps");
    tx->last[tx->n_last].fn = fn;
    tx->last[tx->n_last].arg = arg;
    tx->n_last++;
    return OD_OK;
}

void *od_tx_last_arg(od_tx *tx, od_tx_last fn)
{
    for (int i = 0; i < tx->n_last; i++)
        if (tx->last[i].fn == fn)
            return tx->last[i].arg;
    return NULL;
}

void *od_tx_hook_arg(od_tx *tx, od_tx_hook fn)
{
    for (int i = 0; i < tx->n_hooks; i++)
        if (tx->hooks[i].fn == fn)
            return tx->hooks[i].arg;
    return NULL;
}

od_err od_tx_exec(od_tx *tx, od_query q, od_error *e, const od_bind *b, size_t nb)
{
    od_err rc = tx->s->ops->exec(tx, q, e, b, nb);
    return rc;
}

int64_t od_tx_changes(od_tx *tx)
{
    return tx->s->ops->changes(tx);
}

od_err od_tx_query(od_tx *tx, od_query q, od_rows **out, od_error *e, const od_bind *b, size_t nb)
{
    *out = NULL;
    od_err rc = tx->s->ops->query(tx, q, out, e, b, nb);
    if (!rc)
        (*out)->e = e;
    return rc;
}

od_err od_tx_insert(od_tx *tx, od_query q, int64_t *id, od_error *e, const od_bind *b, size_t nb)
{
    od_err rc = tx->s->ops->insert(tx, q, id, e, b, nb);
    return rc;
}

od_err od_tx_scalar(od_tx *tx, od_query q, int64_t *out, od_error *e, const od_bind *b, size_t nb)
{
    od_err rc = tx->s->ops->scalar(tx, q, out, e, b, nb);
    return rc;
}

od_err od_rows_step(od_rows *r, bool *row)
{
    *row = false;
    return r->tx->s->ops->rows_step(r, row, r->e);
}

int64_t od_rows_int(od_rows *r, int col)
{
    return r->tx->s->ops->rows_int(r, col);
}
double od_rows_double(od_rows *r, int col)
{
    return r->tx->s->ops->rows_double(r, col);
}
const char *od_rows_text(od_rows *r, int col)
{
    return r->tx->s->ops->rows_text(r, col);
}
bool od_rows_null(od_rows *r, int col)
{
    return r->tx->s->ops->rows_null(r, col);
}

void od_rows_close(od_rows *r)
{
    if (r)
        r->tx->s->ops->rows_close(r);
}

void od_store_checkpoint(od_store *s)
{
    if (s->ops->checkpoint)
        s->ops->checkpoint(s);
}

od_err od_store_quick_check(od_store *s, bool *ok, char *msg, size_t n, od_error *e)
{
    return s->ops->quick_check(s, ok, msg, n, e);
}

od_err od_store_listen(od_store *s, const char *channel, od_store_listener **out, od_error *e)
{
    *out = NULL;
    if (!s->ops->listen)
        return OD_OK;
    od_err rc = s->ops->listen(s, channel, out, e);
    if (!rc && *out)
        (*out)->s = s;
    return rc;
}

od_err od_store_listen_wait(od_store_listener *l, int timeout_ms, char *payload, size_t n, bool *got,
                            od_error *e)
{
    *got = false;
    if (n)
        payload[0] = '\0';
    return l->s->ops->listen_wait(l, timeout_ms, payload, n, got, e);
}

void od_store_listen_close(od_store_listener *l)
{
    if (l)
        l->s->ops->listen_close(l);
}

int64_t od_store_last_fault(od_store *s, char *msg, size_t n)
{
    return s->ops->last_fault(s, msg, n);
}

void od_store_checkpoint_idle(od_store *s)
{
    if (s->ops->checkpoint_idle)
        s->ops->checkpoint_idle(s);
}

char *od_store_like_pattern(const char *q)
{
    size_t n = strlen(q);
    char *p = malloc(2 * n + 3), *w = p;
    if (!p)
        return NULL;
    *w++ = '%';
    for (; *q; q++) {
        if (*q == '%' || *q == '_' || *q == '\\')
            *w++ = '\\';
        *w++ = *q;
    }
    *w++ = '%';
    *w = 0;
    return p;
}
