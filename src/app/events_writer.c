/* events_writer.c — the ingestion writer's memory kept from one transaction
 * to the next (od_event_writer, events.h): the CMDB's CI names, the
 * correlation groups of a transaction, and the de-duplication key table
 * (app/event_keys.h, owned by the app).  One thread owns a writer. */
#include "app/events_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

od_event_writer *od_event_writer_new(void)
{
    od_event_writer *w = calloc(1, sizeof *w);
    if (w)
        w->cis.version = -1;
    return w;
}

/* ---- CI names in memory ------------------------------------------------
 * Every event asks whether its CI labels name a CI.  The names of the CMDB
 * (up to CI_MEM_MAX) are kept in memory, reloaded when event_cmdb_version
 * (bumped by triggers on cis, migration 0005) has changed, so that a name
 * that is no CI costs no query.  A larger CMDB is asked per name (cached per
 * transaction).  Fields of the writer (od_event_writer), which one thread
 * owns: no lock. */
#define CI_MEM_MAX 200000

static uint64_t name_hash(const char *s)
{
    return od_fnv1a_str(OD_FNV_OFFSET, s);
}

static void cis_clear(od_event_writer *w)
{
    for (size_t i = 0; i < w->cis.cap; i++)
        free(w->cis.v[i].name);
    free(w->cis.v);
    w->cis.v = NULL;
    w->cis.cap = w->cis.n = 0;
    w->cis.full = false;
    w->cis.version = -1;
}

const ci_ent *od_ev_cis_get(const od_event_writer *w, const char *name)
{
    if (!w->cis.cap)
        return NULL;
    for (size_t i = name_hash(name) & (w->cis.cap - 1);; i = (i + 1) & (w->cis.cap - 1)) {
        if (!w->cis.v[i].name)
            return NULL;
        if (strcmp(w->cis.v[i].name, name) == 0)
            return &w->cis.v[i];
    }
}

static bool cis_put(od_event_writer *w, const char *name, int64_t id, int grade)
{
    size_t i = name_hash(name) & (w->cis.cap - 1);
    while (w->cis.v[i].name)
        i = (i + 1) & (w->cis.cap - 1);
    w->cis.v[i] = (ci_ent){strdup(name), id, grade};
    w->cis.n++;
    return w->cis.v[i].name != NULL;
}

/* At the start of a transaction: the table matches the CMDB. */
od_err od_ev_cis_sync(ctx *c, od_error *e)
{
    int64_t version = 0, count = 0;
    od_err rc = od_tx_scalar(c->tx, OD_Q_EV_CMDB_VERSION, &version, e, OD_NOBINDS);
    if (rc)
        return rc;
    if (c->w->cis.version == version)
        return OD_OK;
    cis_clear(c->w);
    rc = od_tx_scalar(c->tx, OD_Q_EV_CI_COUNT, &count, e, OD_NOBINDS);
    if (rc)
        return rc;
    if (count > CI_MEM_MAX) { /* asked per name */
        c->w->cis.version = version;
        return OD_OK;
    }
    size_t cap = 64;
    while (cap < (size_t)count * 2 + 1)
        cap *= 2;
    c->w->cis.v = calloc(cap, sizeof *c->w->cis.v);
    if (!c->w->cis.v)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    c->w->cis.cap = cap;
    od_rows *r = NULL;
    rc = od_tx_query(c->tx, OD_Q_EV_CI_ALL, &r, e, OD_NOBINDS);
    bool ok = true;
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row && c->w->cis.n < cap / 2)
        ok = cis_put(c->w, od_rows_text(r, 1), od_rows_int(r, 0), od_grade_parse(od_rows_text(r, 2))) && ok;
    od_rows_close(r);
    if (!rc && (!ok || row)) { /* out of memory, or more rows than counted: ask per name */
        cis_clear(c->w);
        c->w->cis.version = version;
        return OD_OK;
    }
    if (rc) {
        cis_clear(c->w);
        return rc;
    }
    c->w->cis.full = true;
    c->w->cis.version = version;
    return OD_OK;
}

void od_event_writer_free(od_event_writer *w)
{
    if (!w)
        return;
    cis_clear(w);
    free(w->groups.v);
    free(w);
}

/* ---- correlation groups of a transaction ---------------------------------
 * Without savepoints, the groups an event reads and joins are kept in memory
 * for the transaction and written once at its end (one row per group instead
 * of a read and an update per event).  With savepoints (a request may be
 * undone) every step goes to the database at once. */
/* The table is kept from one transaction to the next (only its used slots
 * are cleared), in the writer like the rest of its memory. */

static group_ent *group_slot(ctx *c, const char *key)
{
    if (c->savepoints)
        return NULL;
    if (!c->w->groups.v && !(c->w->groups.v = calloc(GROUPS_MEM, sizeof *c->w->groups.v)))
        return NULL;
    size_t i = name_hash(key) & (GROUPS_MEM - 1);
    for (;; i = (i + 1) & (GROUPS_MEM - 1)) { /* never full: at most half used */
        group_ent *g = &c->w->groups.v[i];
        if (strcmp(g->key, key) == 0)
            return g;
        if (!g->key[0]) {
            if (c->w->groups.n >= GROUPS_MEM / 2)
                return NULL;
            snprintf(g->key, sizeof g->key, "%s", key);
            c->w->groups.used[c->w->groups.n++] = (uint16_t)i;
            return g;
        }
    }
}

/* At the end of every transaction (committed or not). */
void od_ev_groups_clear(od_event_writer *w)
{
    for (size_t k = 0; k < w->groups.n; k++)
        memset(&w->groups.v[w->groups.used[k]], 0, sizeof *w->groups.v);
    w->groups.n = 0;
}

od_err od_ev_group_get(ctx *c, const char *key, int64_t *lead, int64_t *last, od_error *e)
{
    group_ent *g = group_slot(c, key);
    if (g && g->known) {
        *lead = g->lead;
        *last = g->last;
        return OD_OK;
    }
    *lead = *last = 0;
    od_rows *r = NULL;
    od_err rc = od_tx_query(c->tx, OD_Q_EVG_GET, &r, e, OD_BINDS(OD_TEXT(key)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row) {
        *lead = od_rows_int(r, 0);
        *last = od_rows_int(r, 1);
    }
    od_rows_close(r);
    if (g && !rc) {
        g->known = true;
        g->lead = *lead;
        g->last = *last;
    }
    return rc;
}

od_err od_ev_group_join(ctx *c, const char *key, od_error *e)
{
    group_ent *g = group_slot(c, key);
    if (g) {
        g->members++; /* absolute after a put, else a count to add */
        return OD_OK;
    }
    return od_tx_exec(c->tx, OD_Q_EVG_JOIN, e, OD_BINDS(OD_TEXT(key)));
}

od_err od_ev_group_put(ctx *c, const char *key, int64_t lead, od_error *e)
{
    group_ent *g = group_slot(c, key);
    if (g) {
        g->known = g->put = true;
        g->lead = lead;
        g->last = c->now;
        g->members = 1;
        return OD_OK;
    }
    return od_tx_exec(c->tx, OD_Q_EVG_PUT, e, OD_BINDS(OD_TEXT(key), OD_INT(lead), OD_INT(c->now)));
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(group_ent *const *)a)->key, (*(group_ent *const *)b)->key);
}

/* Before the commit: what the transaction did to its groups, in the order
 * of their keys (two nodes' group commits then lock shared group rows in
 * one order and do not deadlock on them). */
od_err od_ev_groups_flush(ctx *c, od_error *e)
{
    od_err rc = OD_OK;
    group_ent *order[GROUPS_MEM / 2];
    for (size_t k = 0; k < c->w->groups.n; k++)
        order[k] = &c->w->groups.v[c->w->groups.used[k]];
    qsort(order, c->w->groups.n, sizeof order[0], by_key);
    for (size_t k = 0; !rc && k < c->w->groups.n; k++) {
        group_ent *g = order[k];
        if (g->put)
            rc = od_tx_exec(c->tx, OD_Q_EVG_PUT_N, e,
                            OD_BINDS(OD_TEXT(g->key), OD_INT(g->lead), OD_INT(g->last), OD_INT(g->members)));
        else if (g->members)
            rc = od_tx_exec(c->tx, OD_Q_EVG_JOIN_N, e, OD_BINDS(OD_INT(g->members), OD_TEXT(g->key)));
    }
    return rc;
}

/* The stored lookup key of (source, dedup_key): 64-bit FNV-1a of
 * source, a NUL, dedup_key (migration 0005: a stored format, never change).
 * Its start value is one digit short of the FNV offset basis; rows hold
 * hashes made with it, so it stays. */
#define KEY_HASH_SEED 1469598103934665603ULL
int64_t od_ev_key_hash(const char *source, const char *key)
{
    return (int64_t)od_fnv1a_str(od_fnv1a_byte(od_fnv1a_str(KEY_HASH_SEED, source), 0), key);
}

/* Why od_event_keys_add refused id. */
static od_err keys_full(int64_t id, od_error *e)
{
    if (id > (int64_t)OD_EVENT_KEYS_ID_MAX)
        return od_error_set(
            e, OD_E_INTERNAL, NULL,
            "事件编号 %lld 超出去重表范围 (event id %lld is beyond the de-duplication table's "
            "range of %u)",
            (long long)id, (long long)id, OD_EVENT_KEYS_ID_MAX);
    return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
}

/* The table of key hashes, read from the events once per app, by the
 * ingestion writer before its first transaction (od_events_keys_load) or in
 * it. */
static od_err keys_read(od_app *a, od_tx *tx, od_error *e)
{
    if (a->event_keys || od_store_multi_node(a->store)) /* several nodes: no table (events_repeats.c) */
        return OD_OK;
    od_event_keys *k = od_event_keys_new();
    if (!k)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_EV_KEYS_ALL, &r, e, OD_NOBINDS);
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (!od_event_keys_add(k, (uint64_t)od_rows_int(r, 0), od_rows_int(r, 1)))
            rc = keys_full(od_rows_int(r, 1), e);
    od_rows_close(r);
    if (rc) {
        od_event_keys_free(k);
        return rc;
    }
    a->event_keys = k;
    return OD_OK;
}

pthread_mutex_t od_ev_ingest_mu = PTHREAD_MUTEX_INITIALIZER;

od_err od_events_keys_load(od_app *a, size_t *count, od_error *e)
{
    pthread_mutex_lock(&od_ev_ingest_mu);
    od_tx *tx = NULL;
    od_err rc = a->event_keys || od_store_multi_node(a->store) ? OD_OK : od_tx_begin(a->store, false, &tx, e);
    if (!rc && tx) {
        rc = keys_read(a, tx, e);
        od_tx_rollback(tx);
    }
    *count = a->event_keys ? od_event_keys_count(a->event_keys) : 0;
    pthread_mutex_unlock(&od_ev_ingest_mu);
    return rc;
}

od_err od_ev_keys_load(ctx *c, od_error *e)
{
    od_err rc = keys_read(c->a, c->tx, e);
    c->keys = c->a->event_keys;
    return rc;
}

od_err od_ev_key_added(ctx *c, uint64_t hash, int64_t id, od_error *e)
{
    if (c->n_added == c->cap_added) {
        size_t cap = c->cap_added ? 2 * c->cap_added : 256;
        struct added_key *v = realloc(c->added, cap * sizeof *v);
        if (!v)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        c->added = v;
        c->cap_added = cap;
    }
    if (!od_event_keys_add(c->keys, hash, id))
        return keys_full(id, e);
    c->added[c->n_added++] = (struct added_key){hash, id};
    return OD_OK;
}

/* The writes since added[from] were rolled back: so are their keys. */
void od_ev_keys_undo(ctx *c, size_t from)
{
    while (c->n_added > from) {
        c->n_added--;
        od_event_keys_remove(c->keys, c->added[c->n_added].hash, c->added[c->n_added].id);
    }
}
