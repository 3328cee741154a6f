/* wake.h — wake-ups between nodes (docs/deploy/cluster.md): a commit that
 * wrote deadlines or outbox rows wakes this node's scheduler and dispatcher
 * (od_app_committed) and, on a shared store, the other nodes' too: it sends
 * a notification (PostgreSQL NOTIFY on channel opsdesk_wake, payload "<bits>
 * <node id>"), and every node listens on a dedicated connection
 * (sched/wake.c runs the listener).  Polling stays the fallback: a lost
 * notification costs at most one poll interval. */
#ifndef OD_APP_WAKE_H
#define OD_APP_WAKE_H

#include "app/app.h"

typedef struct od_app_waker od_app_waker;

/* Opens this node's listener; *out NULL on a single-node store. */
OD_NODISCARD od_err od_app_waker_open(od_app *a, od_app_waker **out, od_error *e);
/* Waits up to timeout_ms for another node's wake-up: *what = its
 * OD_COMMIT_* bits, 0 when none came (this node's own are skipped); after a
 * lost connection was made again, both bits (what came meanwhile is
 * unknown).  An error: the store is unreachable (the caller waits, retries). */
OD_NODISCARD od_err od_app_waker_wait(od_app_waker *w, int timeout_ms, unsigned *what, od_error *e);
void od_app_waker_close(od_app_waker *w); /* NULL-safe */
/* Wakes this node's threads only (the hook of od_app_committed). */
void od_app_wake_local(od_app *a, unsigned what);
/* Sends this node's wake-up to the others (od_app_committed calls it). */
void od_app_wake_others(od_app *a, unsigned what);

#endif
