/* pwpool.h — a small bounded pool of threads for password hashing and
 * verification (argon2id, 64 MiB and ~0.1-0.3 s each at the interactive
 * cost).  Logins and password changes run here, never on the HTTP threads
 * that serve ingestion and /healthz: a flood of logins then queues here
 * (and is refused when the queue is full) instead of stalling every other
 * request.  The HTTP handler suspends its request, submits a job, and the
 * job answers and resumes it (http/h_auth.c).
 * Threading: submit from any thread; jobs run on the pool's threads. */
#ifndef OD_PWPOOL_H
#define OD_PWPOOL_H

#include "util/err.h"

#include <stddef.h>

typedef struct od_pwpool od_pwpool;

/* A job: runs once on a pool thread (also while the pool stops). */
typedef void (*od_pwpool_fn)(void *arg);

/* threads 0 → one per two CPUs (at least 1, at most 2); queue_max 0 → 16
 * jobs waiting.  Errors: OD_E_NOMEM, OD_E_INTERNAL. */
OD_NODISCARD od_err od_pwpool_start(unsigned threads, size_t queue_max, od_pwpool **out, od_error *e);
/* Queues fn(arg).  OD_E_UNAVAILABLE (retry_after 1) when queue_max jobs
 * are waiting or the pool is stopping; fn is then NOT called. */
OD_NODISCARD od_err od_pwpool_submit(od_pwpool *p, od_pwpool_fn fn, void *arg, od_error *e);
/* Refuses new jobs, runs every queued one, joins the threads.  Idempotent,
 * NULL-safe.  The HTTP server calls it before it stops (a job resumes a
 * suspended request). */
void od_pwpool_stop(od_pwpool *p);
/* Stops and frees; NULL-safe. */
void od_pwpool_free(od_pwpool *p);
/* Jobs waiting (not yet running). */
size_t od_pwpool_waiting(od_pwpool *p);

#endif
