/* queue.h — the group commit of event ingestion (DESIGN.md "Concurrency").
 * Requests enqueue their parsed batch into a bounded queue; one
 * writer thread takes whatever is queued, runs od_events_ingest() on all of
 * it in ONE write transaction, and after the commit calls every request's
 * `done` callback (which answers the HTTP request).  So a 2xx always means
 * durable, and concurrent requests share one fsync.
 *
 * Bound: the events accepted but not yet committed (queued + in the running
 * transaction).  A request is refused with OD_E_UNAVAILABLE (503 +
 * Retry-After) when something is pending and its events would go over the
 * capacity; a request alone is always taken (up to OD_EVENTS_PER_REQUEST_MAX).
 * Nothing is ever dropped silently.
 * Threading: submit from any thread; `done` runs on the writer thread and
 * must not block. */
#ifndef OD_INGEST_QUEUE_H
#define OD_INGEST_QUEUE_H

#include "app/events.h"

#define OD_INGEST_QUEUE_DEFAULT 20000 /* events */
#define OD_INGEST_TX_EVENTS_MAX 20000 /* events per transaction */
/* events per transaction while other writers contend for the store's
 * writer (od_app_write_contended): each waits behind at most one such
 * transaction (bench/storm.py; bench/results.md "Storm") */
#define OD_INGEST_TX_EVENTS_SHARED 1000

typedef struct od_ingest od_ingest;

/* Called once per submitted item, after its transaction committed or
 * failed: item->rc, item->err, item->result (the callee may steal it: set it
 * NULL).  The item and its batch are freed by the queue afterwards. */
typedef void (*od_ingest_done_fn)(void *arg, od_ingest_item *item);

/* capacity 0 → OD_INGEST_QUEUE_DEFAULT.  Errors: OD_E_NOMEM, OD_E_INTERNAL. */
OD_NODISCARD od_err od_ingest_start(od_app *a, size_t capacity, od_ingest **out, od_error *e);
/* Refuses new requests (later submits get OD_E_UNAVAILABLE), commits what
 * is queued (every `done` is called) and joins the writer.  Idempotent,
 * NULL-safe.  od_ingest_free stops and frees (when no thread can submit). */
void od_ingest_stop(od_ingest *g);
void od_ingest_free(od_ingest *g);
/* Takes ownership of batch (also on error).  OD_E_UNAVAILABLE (retry_after
 * set) when full or stopping; then `done` is NOT called. */
OD_NODISCARD od_err od_ingest_submit(od_ingest *g, od_event_batch *batch, od_ingest_done_fn done, void *arg,
                                     od_error *e);
/* Events accepted and not yet committed; the capacity. */
size_t od_ingest_pending(od_ingest *g);
size_t od_ingest_capacity(const od_ingest *g);

#endif
