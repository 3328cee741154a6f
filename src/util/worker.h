/* worker.h — one background thread with the lifecycle every runner needs
 * (scheduler, backup runner, dispatcher): start, a wake that is never lost
 * (the `woken` flag), a timed wait that ends early on a wake or a stop, and
 * stop + join.  The owner's thread function loops:
 *
 *     while (od_worker_round(w)) {      // false once stopping; clears woken
 *         ... work ...
 *         od_worker_wait(w, wait_ms);   // returns at once if woken meanwhile
 *     }
 *
 * The wait uses the monotonic clock, so a jump of the wall clock neither
 * stretches nor cuts it.  The struct is embedded in the owner. */
#ifndef OD_WORKER_H
#define OD_WORKER_H

#include "util/err.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct od_worker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, woken, started;
} od_worker;

/* Starts fn(arg) on a new thread.  On failure nothing is left to stop. */
OD_NODISCARD od_err od_worker_start(od_worker *w, void *(*fn)(void *), void *arg, const char *what,
                                    od_error *e);
/* Start of a round (on the worker's thread): clears woken; false when stopping. */
bool od_worker_round(od_worker *w);
/* Waits up to ms (< 0 counts as 0), or until woken or stopping. */
void od_worker_wait(od_worker *w, int64_t ms);
/* Any thread: the next od_worker_wait returns at once. */
void od_worker_wake(od_worker *w);
/* True once od_worker_stop has been called (for long rounds to give up early). */
bool od_worker_stopping(od_worker *w);
/* Sets stop, wakes the thread and joins it; frees the worker's resources.
 * Safe on a worker that never started. */
void od_worker_stop(od_worker *w);

#endif
