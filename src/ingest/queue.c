/* queue.c — the group-commit writer; contract in queue.h.
 *
 *   submit ──> [queue] ──writer: take all (≤ TX_EVENTS_MAX; ≤ TX_EVENTS_SHARED while
 *              other writers contend)──> od_events_ingest
 *                                   (one transaction, a savepoint per request)
 *              ──commit──> done(arg, item) for each, in order ──> free
 *
 * Invariant: pending == events of queued + running items (under mu). */
#include "ingest/queue.h"
#include "util/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct node {
    od_ingest_item item;
    od_ingest_done_fn done;
    void *arg;
    struct node *next;
} node;

struct od_ingest {
    od_app *app;
    od_event_writer *writer; /* the writer thread's memory across transactions */
    size_t capacity;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    node *head, *tail;
    size_t pending;
    bool stop;
};

static size_t events_of(const node *n)
{
    return n->item.batch ? n->item.batch->n : 0;
}

/* Before the first request: the de-duplication table. */
static void keys_preload(od_ingest *g)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t keys = 0;
    od_error e = {0};
    if (od_events_keys_load(g->app, &keys, &e) != OD_OK) /* the first transaction tries again */
        od_warn("event ingestion: %s", e.message);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (keys)
        od_info("已载入 %zu 个事件去重键，用时 %ld ms (loaded %zu event de-duplication keys in %ld ms)", keys,
                ms, keys, ms);
}

/* Waits for requests; takes a run of them, up to TX_EVENTS_MAX events (at
 * least one): *n requests, *ev events.  NULL when stopping with nothing
 * queued. */
static node *take(od_ingest *g, size_t *n, size_t *ev)
{
    pthread_mutex_lock(&g->mu);
    while (!g->head && !g->stop) {
        /* idle: checkpoint the WAL (commits leave it to us), then wait */
        pthread_mutex_unlock(&g->mu);
        od_app_checkpoint_idle(g->app);
        pthread_mutex_lock(&g->mu);
        if (g->head || g->stop)
            break;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&g->cv, &g->mu, &until);
    }
    if (!g->head && g->stop) {
        pthread_mutex_unlock(&g->mu);
        return NULL;
    }
    node *first = g->head, *last = g->head;
    *n = 1;
    *ev = events_of(first);
    pthread_mutex_unlock(&g->mu);
    /* other writers waiting: a smaller group, which they wait behind */
    size_t most = od_app_write_contended(g->app) ? OD_INGEST_TX_EVENTS_SHARED : OD_INGEST_TX_EVENTS_MAX;
    pthread_mutex_lock(&g->mu);
    while (last->next && *ev + events_of(last->next) <= most) {
        last = last->next;
        *ev += events_of(last);
        (*n)++;
    }
    g->head = last->next;
    if (!g->head)
        g->tail = NULL;
    last->next = NULL;
    pthread_mutex_unlock(&g->mu);
    return first;
}

/* One transaction for the run `first` (n requests), then every `done`. */
static void run(od_ingest *g, node *first, size_t n, od_ingest_item **items, size_t *cap)
{
    if (n > *cap) {
        od_ingest_item *ni = realloc(*items, n * sizeof *ni);
        if (ni) {
            *items = ni;
            *cap = n;
        }
    }
    od_error e = {0};
    if (n <= *cap) {
        size_t i = 0;
        for (node *x = first; x; x = x->next)
            (*items)[i++] = x->item;
        if (od_events_ingest(g->app, g->writer, *items, n, &e) != OD_OK)
            od_warn("event ingestion: %s", e.message);
        i = 0;
        for (node *x = first; x; x = x->next)
            x->item = (*items)[i++];
    } else {
        for (node *x = first; x; x = x->next)
            x->item.rc = od_error_set(&x->item.err, OD_E_NOMEM, NULL, "out of memory");
    }
    for (node *x = first; x;) {
        node *next = x->next;
        /* the batch first: what it holds of the request's JSON is then
         * freed with the request, on its own thread */
        od_event_batch_free(x->item.batch);
        x->item.batch = NULL;
        x->done(x->arg, &x->item);
        free(x->item.result);
        free(x);
        x = next;
    }
}

static void *writer(void *arg)
{
    od_ingest *g = arg;
    pthread_setname_np(pthread_self(), "od-ingest"); /* for perf/top */
    od_ingest_item *items = NULL;
    size_t cap = 0;
    keys_preload(g);
    for (;;) {
        size_t n = 0, ev = 0;
        node *first = take(g, &n, &ev);
        if (!first)
            break;
        run(g, first, n, &items, &cap);
        pthread_mutex_lock(&g->mu);
        g->pending -= ev;
        bool more = g->head != NULL;
        pthread_mutex_unlock(&g->mu);
        /* answered: now the WAL checkpoint, off the commit path (when idle,
         * the wait above does it) */
        if (more)
            od_app_checkpoint_idle(g->app);
    }
    free(items);
    return NULL;
}

od_err od_ingest_start(od_app *a, size_t capacity, od_ingest **out, od_error *e)
{
    *out = NULL;
    od_ingest *g = calloc(1, sizeof *g);
    if (!g)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    g->app = a;
    g->capacity = capacity ? capacity : OD_INGEST_QUEUE_DEFAULT;
    g->writer = od_event_writer_new();
    if (!g->writer) {
        free(g);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    if (pthread_create(&g->thread, NULL, writer, g) != 0) {
        pthread_mutex_destroy(&g->mu);
        pthread_cond_destroy(&g->cv);
        od_event_writer_free(g->writer);
        free(g);
        return od_error_set(e, OD_E_INTERNAL, NULL, "cannot start the ingestion writer thread");
    }
    *out = g;
    return OD_OK;
}

void od_ingest_stop(od_ingest *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    bool was = g->stop;
    g->stop = true;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
    if (!was)
        pthread_join(g->thread, NULL);
}

void od_ingest_free(od_ingest *g)
{
    if (!g)
        return;
    od_ingest_stop(g);
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    od_event_writer_free(g->writer);
    free(g);
}

od_err od_ingest_submit(od_ingest *g, od_event_batch *batch, od_ingest_done_fn done, void *arg, od_error *e)
{
    node *n = calloc(1, sizeof *n);
    if (!n) {
        od_event_batch_free(batch);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    n->item.batch = batch;
    n->done = done;
    n->arg = arg;
    size_t ev = events_of(n);
    pthread_mutex_lock(&g->mu);
    bool refuse = g->stop || (g->pending > 0 && g->pending + ev > g->capacity);
    if (!refuse) {
        g->pending += ev;
        if (g->tail)
            g->tail->next = n;
        else
            g->head = n;
        g->tail = n;
        pthread_cond_signal(&g->cv);
    }
    bool stopping = g->stop;
    pthread_mutex_unlock(&g->mu);
    if (refuse) {
        od_event_batch_free(batch);
        free(n);
        if (e)
            e->retry_after = 1;
        return od_error_set(e, OD_E_UNAVAILABLE, NULL,
                            stopping ? "服务正在停止，请稍后重试 (the server is stopping; retry "
                                       "later)"
                                     : "事件接入队列已满，请稍后重试 (the ingestion queue is "
                                       "full; retry later)");
    }
    return OD_OK;
}

size_t od_ingest_pending(od_ingest *g)
{
    pthread_mutex_lock(&g->mu);
    size_t n = g->pending;
    pthread_mutex_unlock(&g->mu);
    return n;
}

size_t od_ingest_capacity(const od_ingest *g)
{
    return g->capacity;
}
