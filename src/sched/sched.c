/* sched.c — the deadline runner.  See sched.h for the contract.
 * The thread waits on a condition variable with a timeout (wall clock) until
 * the earliest fire_at, or until od_sched_wake.  Each due row is handled by
 * od_incident_fire_deadline in its own transaction.  A mutex serializes
 * firing between the thread and od_sched_advance (test clock). */
#include "sched/sched.h"
#include "app/incidents.h"
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
    pthread_mutex_t mu;      /* guards wake/stop flags */
    pthread_cond_t cv;
    pthread_mutex_t run_mu;  /* one firing pass at a time */
    bool stop, woken;
};

/* Earliest fire_at, or INT64_MAX when none. */
static od_err next_fire(od_app *a, int64_t *out, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    *out = INT64_MAX;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_DL_MIN_FIRE, &r, e, "");
    if (!rc && od_rows_next(r, e) == 1 && !od_rows_null(r, 0))
        *out = od_rows_int(r, 0);
    od_rows_close(r);
    od_tx_rollback(tx);
    return rc;
}

/* The next due row (fire_at <= now), 0 when none. */
static od_err next_due(od_app *a, int64_t now, int64_t *id, int64_t *fire_at, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    *id = 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_DL_NEXT_DUE, &r, e, "i", now);
    if (!rc && od_rows_next(r, e) == 1) {
        *id = od_rows_int(r, 0);
        *fire_at = od_rows_int(r, 5);
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    return rc;
}

#define RETRY_MS 60000

static od_err postpone(od_app *a, int64_t id, int64_t at, od_error *e)
{
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_exec(tx, OD_Q_DL_POSTPONE, e, "ii", at, id);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, e);
}

od_err od_sched_run_due(od_app *a, int64_t now, int *fired, od_error *e)
{
    int n = 0;
    for (;;) {
        int64_t id, fire;
        od_err rc = next_due(a, now, &id, &fire, e);
        if (rc)
            return rc;
        if (!id)
            break;
        rc = od_incident_fire_deadline(a, id, now, e);
        if (rc) {
            /* one failing row must not stop (or spin) the runner: it is
             * logged and tried again a minute later; the others go on */
            od_errorlog("scheduler: deadline %lld failed (%s); retrying in 60 s", (long long)id,
                        e && e->message[0] ? e->message : od_err_str(rc));
            od_error_clear(e);
            rc = postpone(a, id, now + RETRY_MS, e);
            if (rc)
                return rc;
            continue;
        }
        n++;
    }
    if (fired)
        *fired = n;
    return OD_OK;
}

/* Test clock: walk due times in order so each fires at its own time. */
od_err od_sched_advance(od_sched *s, od_app *a, int64_t to, od_error *e)
{
    if (s)
        pthread_mutex_lock(&s->run_mu);
    od_err rc = OD_OK;
    for (;;) {
        int64_t next;
        rc = next_fire(a, &next, e);
        if (rc || next > to)
            break;
        if (next > od_app_now(a))
            od_clock_set(&a->clock, next);
        rc = od_sched_run_due(a, od_app_now(a), NULL, e);
        if (rc)
            break;
    }
    if (!rc && to > od_app_now(a))
        od_clock_set(&a->clock, to);
    if (!rc && a->clock.manual) {
        /* remember the test clock so a restart does not go back in time */
        od_tx *tx = NULL;
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)od_app_now(a));
        if (od_tx_begin(a->store, true, &tx, e) == OD_OK) {
            if (od_tx_exec(tx, OD_Q_META_PUT, e, "ss", "test_clock_ms", v) == OD_OK)
                rc = od_tx_commit(tx, e);
            else
                od_tx_rollback(tx), rc = OD_E_STORE;
        }
    }
    if (s)
        pthread_mutex_unlock(&s->run_mu);
    return rc;
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
            pthread_mutex_lock(&s->run_mu);
            int fired = 0;
            if (od_sched_run_due(a, od_app_now(a), &fired, &e) != OD_OK)
                od_errorlog("scheduler: %s", e.message);
            pthread_mutex_unlock(&s->run_mu);
            od_error_clear(&e);
            if (next_fire(a, &next, &e) != OD_OK)
                od_errorlog("scheduler: %s", e.message);
        }
        /* sleep until the next fire time (at most 60 s), or a wake */
        int64_t now = od_clock_now(NULL);
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
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->run_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_REALTIME);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    /* deadlines that came due while the server was down fire now */
    od_err rc = od_sched_run_due(a, od_app_now(a), NULL, e);
    if (rc || pthread_create(&s->thread, NULL, loop, s) != 0) {
        pthread_mutex_destroy(&s->mu);
        pthread_mutex_destroy(&s->run_mu);
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
    pthread_mutex_destroy(&s->run_mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
