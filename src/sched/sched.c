/* sched.c — the deadline runner.  See sched.h for the contract.
 * The thread waits on a condition variable with a timeout (wall clock) until
 * the earliest fire_at, or until od_sched_wake.  Each due row is handled by
 * od_app_run_due (app fires each in its own transaction and serializes
 * firing with a test-clock advance).  The thread never touches the store. */
#include "sched/sched.h"
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct od_sched {
    od_app *app;
    pthread_t thread;
    pthread_mutex_t mu; /* guards wake/stop flags */
    pthread_cond_t cv;
    bool stop, woken;
    int64_t checked_at; /* wall time of the last store integrity check */
};

/* The store's integrity check (for /healthz) runs at start (main.c) and
 * then this often, on this thread, never per request. */
#define CHECK_EVERY_MS (6 * 3600 * 1000LL)

od_err od_sched_run_due(od_app *a, int64_t now, int *fired, od_error *e)
{
    return od_app_run_due(a, now, now, fired, e);
}

static void *loop(void *arg)
{
    od_sched *s = arg;
    od_app *a = s->app;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        bool stop = s->stop;
        s->woken = false;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        int64_t next = INT64_MAX;
        od_error e = {0};
        if (!a->clock.manual) {
            int fired = 0;
            if (od_sched_run_due(a, od_app_now(a), &fired, &e) != OD_OK)
                od_errorlog("scheduler: %s", e.message);
            od_error_clear(&e);
            if (od_app_next_fire(a, &next, &e) != OD_OK)
                od_errorlog("scheduler: %s", e.message);
        }
        int64_t now = od_clock_now(NULL);
        if (now - s->checked_at >= CHECK_EVERY_MS) {
            od_app_check_store(a);
            s->checked_at = now;
        }
        /* sleep until the next fire time (at most 60 s), or a wake */
        int64_t wait = next == INT64_MAX ? 60000 : next - od_app_now(a);
        if (wait > 60000 || a->clock.manual)
            wait = 60000;
        if (wait < 0)
            wait = 0;
        int64_t until = now + wait;
        struct timespec ts = {.tv_sec = (time_t)(until / 1000), .tv_nsec = (long)(until % 1000) * 1000000};
        pthread_mutex_lock(&s->mu);
        while (!s->stop && !s->woken) {
            if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) == ETIMEDOUT)
                break;
        }
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

od_err od_sched_start(od_app *a, od_sched **out, od_error *e)
{
    *out = NULL;
    od_sched *s = calloc(1, sizeof *s);
    if (!s)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    s->app = a;
    s->checked_at = od_clock_now(NULL); /* main.c checked at start */
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_REALTIME);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    /* deadlines that came due while the server was down fire now */
    od_err rc = od_sched_run_due(a, od_app_now(a), NULL, e);
    if (rc || pthread_create(&s->thread, NULL, loop, s) != 0) {
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        free(s);
        return rc ? rc : od_error_set(e, OD_E_INTERNAL, NULL, "cannot start the scheduler thread");
    }
    *out = s;
    return OD_OK;
}

void od_sched_wake(od_sched *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->woken = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void od_sched_stop(od_sched *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
