/* events_repeats.c — the repeats of one group commit, and the per-key locks
 * of several nodes (events_int.h).
 *
 * Repeats: an event that changes nothing but its count (OD_EVM_KEEP) is not
 * written at once; the transaction keeps, per stored event, how many
 * repeats came and the latest raw text, and writes them all before the
 * commit in one set-based statement (EV_REPEAT_SET).  On PostgreSQL every
 * update of one row inside one transaction is a new row version that later
 * reads of that row walk past, so 5 000 repeats of one key cost O(n²); one
 * update per key per transaction costs O(n).  With savepoints (a request may
 * be undone alone) repeats are written at once, as before.
 *
 * Locks: with several nodes (PostgreSQL) the in-memory key table cannot
 * know the other nodes' inserts.  A group commit instead locks the key
 * hashes of all its events first, in ascending order (one statement,
 * EV_KEYS_LOCK: transaction-scoped advisory locks, so two group commits
 * never deadlock on them), then finds each stored event by its key
 * (EV_BY_KEY, the unique index of migration 0015).  Whoever holds a key's
 * lock decides alone whether its event is new. */
#include "app/events_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- repeats ---- */

static size_t rep_home(const ctx *c, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 20) & (c->reps.cap - 1);
}

static struct ev_repeat *rep_find(const ctx *c, int64_t id)
{
    if (!c->reps.cap)
        return NULL;
    for (size_t i = rep_home(c, id);; i = (i + 1) & (c->reps.cap - 1)) {
        if (!c->reps.v[i].id)
            return NULL;
        if (c->reps.v[i].id == id)
            return &c->reps.v[i];
    }
}

static bool rep_grow(ctx *c)
{
    size_t ocap = c->reps.cap, cap = ocap ? ocap * 2 : 64;
    struct ev_repeat *old = c->reps.v, *nv = calloc(cap, sizeof *nv);
    if (!nv)
        return false;
    c->reps.v = nv;
    c->reps.cap = cap;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i].id)
            continue;
        size_t k = rep_home(c, old[i].id);
        while (nv[k].id)
            k = (k + 1) & (cap - 1);
        nv[k] = old[i];
    }
    free(old);
    return true;
}

int64_t od_ev_repeats_pending(const ctx *c, int64_t id)
{
    const struct ev_repeat *r = rep_find(c, id);
    return r ? r->n : 0;
}

od_err od_ev_repeat_add(ctx *c, int64_t id, const char *raw, od_error *e)
{
    struct ev_repeat *r = rep_find(c, id);
    if (!r) {
        if ((c->reps.n + 1) * 2 > c->reps.cap && !rep_grow(c))
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        size_t i = rep_home(c, id);
        while (c->reps.v[i].id)
            i = (i + 1) & (c->reps.cap - 1);
        r = &c->reps.v[i];
        *r = (struct ev_repeat){.id = id};
        c->reps.n++;
    }
    char *copy = strdup(raw);
    if (!copy)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    free(r->raw);
    r->raw = copy;
    r->n++;
    return OD_OK;
}

/* The JSON array of EV_REPEAT_SET for one entry (only) or all. */
static od_err repeats_write(ctx *c, const struct ev_repeat *only, od_error *e)
{
    json_t *arr = json_array();
    bool ok = arr != NULL;
    for (size_t i = 0; ok && i < c->reps.cap; i++) {
        const struct ev_repeat *r = &c->reps.v[i];
        if (!r->id || (only && r != only))
            continue;
        ok = json_array_append_new(arr,
                                   json_pack("{s:I,s:I,s:I,s:s}", "id", (json_int_t)r->id, "n",
                                             (json_int_t)r->n, "t", (json_int_t)c->now, "raw", r->raw)) == 0;
    }
    char *text = ok ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!text)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = od_tx_exec(c->tx, OD_Q_EV_REPEAT_SET, e, OD_BINDS(OD_TEXT(text)));
    free(text);
    return rc;
}

od_err od_ev_repeat_flush_one(ctx *c, int64_t id, od_error *e)
{
    struct ev_repeat *r = rep_find(c, id);
    if (!r)
        return OD_OK;
    od_err rc = repeats_write(c, r, e);
    if (rc)
        return rc;
    /* removed by shifting the rest of its run back (no tombstones) */
    size_t mask = c->reps.cap - 1, i = (size_t)(r - c->reps.v), j = i;
    free(r->raw);
    c->reps.v[i] = (struct ev_repeat){0};
    c->reps.n--;
    for (;;) {
        j = (j + 1) & mask;
        if (!c->reps.v[j].id)
            return OD_OK;
        size_t h = rep_home(c, c->reps.v[j].id);
        if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) {
            c->reps.v[i] = c->reps.v[j];
            c->reps.v[j] = (struct ev_repeat){0};
            i = j;
        }
    }
}

od_err od_ev_repeats_flush(ctx *c, od_error *e)
{
    od_err rc = c->reps.n ? repeats_write(c, NULL, e) : OD_OK;
    od_ev_repeats_free(c);
    return rc;
}

void od_ev_repeats_free(ctx *c)
{
    for (size_t i = 0; i < c->reps.cap; i++)
        free(c->reps.v[i].raw);
    free(c->reps.v);
    memset(&c->reps, 0, sizeof c->reps);
}

/* ---- the keys of a group commit, locked (several nodes) ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

od_err od_ev_keys_lock(ctx *c, const od_ingest_item *items, size_t n, od_error *e)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += items[i].batch ? items[i].batch->n : 0;
    if (!total)
        return OD_OK;
    int64_t *h = malloc(total * sizeof *h);
    if (!h)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; items[i].batch && j < items[i].batch->n; j++)
            h[k++] = od_ev_key_hash(items[i].batch->source, items[i].batch->v[j].dedup_key);
    qsort(h, k, sizeof *h, cmp_i64);
    od_sbuf b = {0};
    od_sbuf_puts(&b, "{");
    for (size_t i = 0; i < k; i++) {
        if (i && h[i] == h[i - 1])
            continue;
        if (b.n > 1)
            od_sbuf_puts(&b, ",");
        od_sbuf_int(&b, h[i]);
    }
    od_sbuf_puts(&b, "}");
    free(h);
    int64_t ignore = 0;
    od_err rc = b.oom ? od_error_set(e, OD_E_NOMEM, NULL, "out of memory")
                      : od_tx_scalar(c->tx, OD_Q_EV_KEYS_LOCK, &ignore, e, OD_BINDS(OD_TEXT(b.p)));
    free(b.p);
    return rc;
}

/* (CI, rule) of an incident the pipeline may open: locked like a key (one
 * advisory lock, held to the commit), so that two nodes never both find no
 * open incident and open two.  Taken after the key locks, in no global
 * order: a deadlock between two group commits is possible and is retried
 * (events.c). */
od_err od_ev_incident_lock(ctx *c, int64_t ci_id, const char *rule, od_error *e)
{
    char ci[40], arr[32];
    /* hashed as a key whose "source" no event source can be */
    snprintf(ci, sizeof ci, "\001incident:%lld", (long long)ci_id);
    snprintf(arr, sizeof arr, "{%lld}", (long long)od_ev_key_hash(ci, rule ? rule : ""));
    int64_t ignore = 0;
    return od_tx_scalar(c->tx, OD_Q_EV_KEYS_LOCK, &ignore, e, OD_BINDS(OD_TEXT(arr)));
}
