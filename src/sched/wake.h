/* wake.h — the listener thread of app/wake.h: on a shared store it waits
 * for the other nodes' wake-ups and wakes this node's scheduler and
 * dispatcher (the same hook a local commit calls).  Nothing on a
 * single-node store. */
#ifndef OD_SCHED_WAKE_H
#define OD_SCHED_WAKE_H

#include "app/app.h"

typedef struct od_wake_runner od_wake_runner;

/* *out NULL on a single-node store.  A listener that cannot connect now is
 * not an error: the thread retries, and polling covers the gap. */
OD_NODISCARD od_err od_wake_runner_start(od_app *a, od_wake_runner **out, od_error *e);
void od_wake_runner_stop(od_wake_runner *r); /* NULL-safe; joins */

#endif
