/* events_pending.c — the first occurrences of a group commit written in one
 * statement (events_int.h; several nodes on PostgreSQL).
 *
 * With the commit's keys locked (events_repeats.c), one statement finds the
 * keys no event has and reserves an id from the events sequence for each
 * (EV_ABSENT_IDS).  The first occurrence of such a key then needs no
 * look-up (nothing is stored), and its row is not inserted at once: it
 * joins the pending rows, which one statement inserts (EV_INSERT_SET) at the
 * latest before the commit, and earlier before any statement that reads
 * events (a second occurrence of a key in the same commit, the open
 * incident of a (CI, rule), upstream CIs in trouble, an incident's firing
 * events).  The id is known from the start, so what refers to the event
 * (the answer, outbox rows, group leads, timelines) needs no row.  Counts
 * stay exact across nodes: whoever holds a key's lock decides alone whether
 * its event is new, as before.  Without savepoints only: a request undone
 * alone would have to take its pending rows back. */
#include "app/events_int.h"

#include <stdlib.h>
#include <string.h>

static size_t home(const ctx *c, const char *source, const char *key)
{
    return (size_t)((uint64_t)od_ev_key_hash(source, key) >> 7) & (c->absent.cap - 1);
}

static struct ev_absent *find(ctx *c, const char *source, const char *key)
{
    if (!c->absent.cap)
        return NULL;
    for (size_t i = home(c, source, key);; i = (i + 1) & (c->absent.cap - 1)) {
        struct ev_absent *a = &c->absent.v[i];
        if (!a->source)
            return NULL;
        if (strcmp(a->source, source) == 0 && strcmp(a->key, key) == 0)
            return a;
    }
}

od_err od_ev_absent_load(ctx *c, const od_ingest_item *items, size_t n, od_error *e)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += items[i].batch ? items[i].batch->n : 0;
    if (!total)
        return OD_OK;
    json_t *arr = json_array();
    bool ok = arr != NULL;
    for (size_t i = 0; ok && i < n; i++)
        for (size_t j = 0; ok && items[i].batch && j < items[i].batch->n; j++)
            ok = json_array_append_new(
                     arr, json_pack("{s:s,s:s,s:I}", "s", items[i].batch->source, "d",
                                    items[i].batch->v[j].dedup_key, "h",
                                    (json_int_t)od_ev_key_hash(items[i].batch->source,
                                                               items[i].batch->v[j].dedup_key))) == 0;
    char *text = ok ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!text)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    size_t cap = 16;
    while (cap < 2 * total)
        cap *= 2;
    c->absent.v = calloc(cap, sizeof *c->absent.v);
    if (!c->absent.v) {
        free(text);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    c->absent.cap = cap;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(c->tx, OD_Q_EV_ABSENT_IDS, &r, e, OD_BINDS(OD_TEXT(text)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        const char *source = od_rows_text(r, 0), *key = od_rows_text(r, 1);
        if (find(c, source, key))
            continue; /* DISTINCT made each once; never twice */
        size_t i = home(c, source, key);
        while (c->absent.v[i].source)
            i = (i + 1) & (cap - 1);
        struct ev_absent *a = &c->absent.v[i];
        a->source = strdup(source);
        a->key = strdup(key);
        a->id = od_rows_int(r, 2);
        if (!a->source || !a->key)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    od_rows_close(r);
    free(text);
    return rc;
}

int od_ev_absent_take(ctx *c, const char *source, const char *key, int64_t *id)
{
    struct ev_absent *a = find(c, source, key);
    if (!a)
        return 0;
    *id = a->id;
    if (a->taken)
        return 2;
    a->taken = true;
    return 1;
}

od_err od_ev_pending_add(ctx *c, json_t *row, od_error *e)
{
    if (!row)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!c->pending && !(c->pending = json_array())) {
        json_decref(row);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    if (json_array_append_new(c->pending, row) != 0)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    return OD_OK;
}

od_err od_ev_pending_flush(ctx *c, od_error *e)
{
    if (!c->pending || !json_array_size(c->pending))
        return OD_OK;
    char *text = json_dumps(c->pending, JSON_COMPACT);
    if (!text)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = od_tx_exec(c->tx, OD_Q_EV_INSERT_SET, e, OD_BINDS(OD_TEXT(text)));
    free(text);
    if (!rc && od_tx_changes(c->tx) != (int64_t)json_array_size(c->pending))
        rc = od_error_set(e, OD_E_INTERNAL, NULL, "new events: %lld of %zu inserted",
                          (long long)od_tx_changes(c->tx), json_array_size(c->pending));
    json_array_clear(c->pending);
    return rc;
}

void od_ev_pending_free(ctx *c)
{
    for (size_t i = 0; i < c->absent.cap; i++) {
        free(c->absent.v[i].source);
        free(c->absent.v[i].key);
    }
    free(c->absent.v);
    memset(&c->absent, 0, sizeof c->absent);
    json_decref(c->pending);
    c->pending = NULL;
}
