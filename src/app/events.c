/* events.c — "ingest a batch of events" (seed 004 fig. 6.2.2, R-EVT-1…4):
 * many requests in one write transaction (the group commit of
 * src/ingest/queue.c), each in a savepoint when one of them fails; the
 * maintenance windows active for the transaction; the wake-ups after the
 * commit.  One event's pipeline is events_pipeline.c; the writer's memory
 * across transactions events_writer.c (events_int.h lists the files). */
#include "app/events.h"
#include "app/events_int.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOWS_MAX 1000
#define INGEST_ATTEMPTS 3

static void windows_free(ctx *c)
{
    for (size_t i = 0; i < c->n_wins; i++)
        for (size_t k = 0; k < c->wins[i].w.n_matchers; k++)
            od_matcher_cleanup(&c->wins[i].m[k]);
    free(c->wins);
    free(c->wv);
    c->wins = NULL;
    c->wv = NULL;
    c->n_wins = 0;
}

/* The windows active at now, their matchers from the app's compiled cache. */
static od_err windows_load(ctx *c, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(c->tx, OD_Q_WIN_ACTIVE, &r, e, OD_BINDS(OD_INT(c->now), OD_INT(c->now)));
    if (rc)
        return rc;
    size_t cap = 0;
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row && c->n_wins < WINDOWS_MAX) {
        if (c->n_wins == cap) {
            cap = cap ? cap * 2 : 8;
            window_rt *nw = realloc(c->wins, cap * sizeof *nw);
            if (!nw) {
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                break;
            }
            c->wins = nw;
        }
        window_rt *w = &c->wins[c->n_wins];
        memset(&w->w, 0, sizeof w->w); /* w->m[]: only the n_matchers filled below are read or freed */
        w->w.id = od_rows_int(r, 0);
        snprintf(w->name, sizeof w->name, "%s", od_rows_text(r, 1));
        w->w.starts_at = od_rows_int(r, 2);
        w->w.ends_at = od_rows_int(r, 3);
        w->w.ci_id = od_rows_null(r, 5) ? 0 : od_rows_int(r, 5);
        /* compiled once per window change, cached (maintenance_windows.c) */
        od_err wr = od_window_matchers(c->a, od_rows_text(r, 4), w->m, &w->w.n_matchers, NULL);
        if (wr == OD_E_NOMEM) {
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
            break;
        }
        bool ok = wr == OD_OK;
        c->n_wins++;
        if (!ok) /* never silence by a window whose matchers we cannot read */
            w->w.ends_at = w->w.starts_at - 1;
    }
    od_rows_close(r);
    if (!rc && c->n_wins) {
        c->wv = calloc(c->n_wins, sizeof *c->wv);
        if (!c->wv)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        for (size_t i = 0; i < c->n_wins; i++) { /* c->wins has moved while it grew: point at its place now */
            c->wins[i].w.matchers = c->wins[i].m;
            c->wv[i] = c->wins[i].w;
        }
    }
    return rc;
}

/* One request: its events, then its answer's text (it->result).  With
 * savepoints a failing request leaves nothing written. */
static od_err item_run(ctx *c, od_ingest_item *it)
{
    od_error *e = &it->err;
    od_sbuf res = {0};
    od_sbuf_puts(&res, "{\"accepted\":");
    od_sbuf_int(&res, (int64_t)it->batch->n);
    od_sbuf_puts(&res, ",\"events\":[");
    size_t keys_from = c->n_added;
    od_err rc = c->savepoints ? od_tx_exec(c->tx, OD_Q_EV_SP_BEGIN, e, OD_NOBINDS) : OD_OK;
    for (size_t i = 0; !rc && i < it->batch->n; i++) {
        rc = od_ev_process(c, it->batch, &it->batch->v[i], &res, e);
        if (rc && !e->field[0])
            snprintf(e->field, sizeof e->field, "events[%zu]", i);
    }
    od_sbuf_puts(&res, "]}");
    if (!rc && res.oom)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (rc) {
        od_error ignore = {0};
        if (c->savepoints && (od_tx_exec(c->tx, OD_Q_EV_SP_ROLLBACK, &ignore, OD_NOBINDS) != OD_OK ||
                              od_tx_exec(c->tx, OD_Q_EV_SP_RELEASE, &ignore, OD_NOBINDS) != OD_OK))
            c->broken = true; /* the transaction cannot be trusted: fail it whole */
        else if (c->savepoints)
            od_ev_keys_undo(c, keys_from);
        free(res.p);
        return rc;
    }
    if (c->savepoints)
        rc = od_tx_exec(c->tx, OD_Q_EV_SP_RELEASE, e, OD_NOBINDS);
    if (rc) {
        free(res.p);
        return rc;
    }
    it->result = res.p;
    it->result_len = res.n;
    return OD_OK;
}

static void items_reset(od_ingest_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].result);
        items[i].result = NULL;
        items[i].result_len = 0;
        items[i].rc = OD_OK;
        memset(&items[i].err, 0, sizeof items[i].err);
    }
}

/* One attempt: all items in one transaction.  Without savepoints a failing
 * item of several fails the attempt (*retry: run again with savepoints). */
static od_err ingest_run(od_app *a, od_event_writer *w, const od_event_policy *ep, int64_t now,
                         od_ingest_item *items, size_t n, bool savepoints, bool *retry, od_error *e)
{
    ctx c = {.a = a,
             .w = w,
             .ep = ep,
             .now = now,
             .savepoints = savepoints,
             .shared = od_store_multi_node(a->store)};
    *retry = false;
    c.ci_cache = json_object();
    od_err rc = c.ci_cache ? od_tx_begin_bulk(a->store, &c.tx, e)
                           : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc) /* the incidents it opens indexed once, at the commit */
        rc = od_tx_defer_search(c.tx, e);
    if (!rc)
        rc = c.shared ? od_ev_keys_lock(&c, items, n, e) : od_ev_keys_load(&c, e);
    if (!rc && c.shared && !savepoints) /* first occurrences written set-based (events_pending.c) */
        rc = od_ev_absent_load(&c, items, n, e);
    if (!rc)
        rc = windows_load(&c, e);
    if (!rc)
        rc = od_ev_cis_sync(&c, e);
    bool failed = false;
    for (size_t i = 0; !rc && i < n; i++) {
        items[i].rc = item_run(&c, &items[i]);
        if (c.broken)
            rc = od_error_set(e, OD_E_STORE, NULL, "数据库错误 (database error): %s", items[i].err.message);
        else if (items[i].rc && !savepoints) {
            failed = true; /* the transaction holds part of it: undo */
            break;
        }
    }
    if (!rc && !failed)
        rc = od_ev_pending_flush(&c, e);
    if (!rc && !failed)
        rc = od_ev_repeats_flush(&c, e);
    if (!rc && !failed)
        rc = od_ev_groups_flush(&c, e);
    if (c.tx) {
        if (rc || failed)
            od_tx_rollback(c.tx);
        else
            rc = od_tx_commit(c.tx, e);
    }
    if (c.keys && (rc || failed)) /* nothing of this run was written */
        od_ev_keys_undo(&c, 0);
    if (failed && n > 1) {
        *retry = true;
        items_reset(items, n);
    } else if (failed) {
        free(items[0].result); /* the only item failed and nothing was written */
        items[0].result = NULL;
    }
    if (rc) {
        for (size_t i = 0; i < n; i++) {
            free(items[i].result);
            items[i].result = NULL;
            items[i].rc = rc;
            items[i].err = *e;
        }
    } else if (!failed) {
        od_app_committed(a, (c.woke_sched ? OD_COMMIT_DEADLINES : 0u) |
                                (c.woke_dispatcher ? OD_COMMIT_OUTBOX : 0u));
    }
    od_ev_groups_clear(w);
    od_ev_repeats_free(&c);
    od_ev_pending_free(&c);
    windows_free(&c);
    json_decref(c.ci_cache);
    free(c.labels.p);
    free(c.ann.p);
    free(c.raw.p);
    free(c.changes.p);
    free(c.decs.p);
    free(c.added);
    return rc;
}

od_err od_events_ingest(od_app *a, od_event_writer *w, od_ingest_item *items, size_t n, od_error *e)
{
    od_event_policy *dflt = NULL;
    const od_event_policy *ep = a->policy->events;
    if (!ep) {
        dflt = od_event_policy_new_default();
        if (!dflt)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        ep = dflt;
    }
    int64_t now = od_app_now(a);
    /* Optimistic: no savepoints (a request fails only on a store error or an
     * incident it cannot open); if one of several fails, all again with a
     * savepoint each, so that it alone is refused. */
    bool retry = false;
    od_err rc = OD_OK;
    /* PostgreSQL: a deadlock or serialization failure undid the whole
     * transaction (OD_E_RETRY): run it again, a few times, before the
     * senders see 503.  (The key locks are taken in order; rows such as
     * correlation groups are not.) */
    pthread_mutex_lock(&od_ev_ingest_mu);
    for (int attempt = 1;; attempt++) {
        rc = ingest_run(a, w, ep, now, items, n, false, &retry, e);
        if (!rc && retry)
            rc = ingest_run(a, w, ep, now, items, n, true, &retry, e);
        if (rc != OD_E_RETRY || attempt == INGEST_ATTEMPTS)
            break;
        od_warn("event ingestion: %s; again (%d of %d)", e->message, attempt + 1, INGEST_ATTEMPTS);
        items_reset(items, n);
        memset(e, 0, sizeof *e);
    }
    pthread_mutex_unlock(&od_ev_ingest_mu);
    od_event_policy_free(dflt);
    return rc;
}

od_err od_events_ingest_batch(od_app *a, od_event_writer *w, od_event_batch *b, od_error *e)
{
    od_ingest_item it = {.batch = b};
    od_err rc = od_events_ingest(a, w, &it, 1, e);
    if (!rc && it.rc) {
        rc = it.rc;
        *e = it.err;
    }
    free(it.result);
    return rc;
}
