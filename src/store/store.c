/* store.c — store.h's public functions: each dispatches through the table
 * of operations of the store's backend (store_int.h).  Backend-neutral
 * helpers (the LIKE pattern) live here too. */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

const od_store_ops *const od_store_backends[] = {&od_store_sqlite_ops, &od_store_pg_ops, NULL};

od_err od_store_open_with(const od_store_ops *ops, const char *path, od_store **out, od_error *e)
{
    *out = NULL;
    od_err rc = ops->open(path, out, e);
    if (!rc && *out)
        (*out)->ops = ops;
    return rc;
}

od_err od_store_open(const char *path, od_store **out, od_error *e)
{
    *out = NULL;
    for (const od_store_ops *const *b = od_store_backends; *b; b++)
        if ((*b)->handles(path))
            return od_store_open_with(*b, path, out, e);
    return od_error_set(e, OD_E_INVALID, "db", "不支持的数据库地址 (unsupported database address): %.64s",
                        path);
}

bool od_store_is_file(const char *path)
{
    return od_store_sqlite_ops.handles(path);
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

int od_store_schema_version(od_store *s)
{
    return s->ops->schema_version(s);
}

od_err od_tx_begin(od_store *s, bool write, od_tx **out, od_error *e)
{
    return s->ops->tx_begin(s, write, out, e);
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
