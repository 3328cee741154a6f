/* sched.c — the deadline runner.  See sched.h for the contract.
 * The thread (util/worker.h) waits until the earliest fire_at or until
 * od_sched_wake.  Each due row is handled by od_app_run_due (app fires each
 * in its own transaction and serializes firing with a test-clock advance).
 * With several nodes it also polls every second (a deadline written on
 * another node wakes nobody here).  The thread never touches the store. */
#include "sched/sched.h"
#include "app/cluster.h"
#include "app/known_errors.h"
#include "app/leases.h"
#include "util/log.h"
#include "util/worker.h"

#include <stdlib.h>

struct od_sched {
    od_app *app;
    od_worker w;
    int64_t checked_at; /* wall time of the last store integrity check */
    int64_t pc_at;      /* wall time the daily problem-candidate job was last asked */
    int64_t pc_every;   /* how often it is asked (PC_ASK_EVERY_MS; tests may shorten it) */
    int64_t poll;       /* several nodes: the queue is looked at this often (POLL_MS) */
};

/* The store's integrity check (for /healthz) runs at start (main.c) and
 * then this often, on this thread, never per request. */
#define CHECK_EVERY_MS (6 * 3600 * 1000LL)
/* The daily problem-candidate job (app/known_errors.h) is asked this often. */
#define PC_ASK_EVERY_MS (3600 * 1000LL)
/* With several nodes (a shared store) the queue is looked at this often
 * (OPSDESK_POLL_MS may change it: the other nodes' wake-ups, app/wake.h,
 * make polling the fallback). */
#define POLL_MS 1000

/* OPSDESK_POLL_MS (100 ms to 1 h), else def. */
static int64_t poll_ms(int64_t def)
{
    const char *v = getenv("OPSDESK_POLL_MS");
    long long n = v ? atoll(v) : 0;
    return n >= 100 && n <= 3600000 ? (int64_t)n : def;
}

od_err od_sched_run_due(od_app *a, int64_t now, int *fired, od_error *e)
{
    return od_app_run_due(a, now, now, fired, e);
}

static void *loop(void *arg)
{
    od_sched *s = arg;
    od_app *a = s->app;
    while (od_worker_round(&s->w)) {
        int64_t next = INT64_MAX;
        od_error e = {0};
        bool multi = od_app_multi_node(a);
        /* several nodes share a test clock: the one another node moved */
        if (a->clock.manual && multi)
            od_app_restore_test_clock(a);
        if (!a->clock.manual || multi) {
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
        /* proactive problem candidates: asked hourly, run daily (app
         * decides); with several nodes only by the holder of the job's
         * housekeeping lease (leases.h), renewed at each ask */
        if (now - s->pc_at >= s->pc_every) {
            int64_t created = 0;
            /* the lease outlives 3 asks (the loop may ask late, by up to one poll) */
            int64_t ttl = 3 * (s->pc_every > s->poll ? s->pc_every : s->poll);
            /* its write transactions are fenced by the lease's term (leases.h) */
            if (od_app_housekeeping(a, "problem_candidates", ttl) &&
                od_pc_daily(a, od_app_now(a), &created, &e) != OD_OK)
                od_errorlog("scheduler: problem candidates: %s", e.message);
            od_app_housekeeping_done(a);
            od_error_clear(&e);
            s->pc_at = now;
        }
        /* sleep until the next fire time (at most 60 s), or a wake; with
         * several nodes at most POLL_MS: a deadline another node wrote
         * wakes nobody here */
        int64_t most = multi ? s->poll : 60000;
        int64_t wait = next == INT64_MAX ? most : next - od_app_now(a);
        if (wait > most || a->clock.manual)
            wait = most;
        /* a forward step of the machine's clock that is not believed yet
         * (util/clockguard.h): look again when it would be, so what it made
         * due fires then and not up to a minute later */
        od_clock_state cs;
        od_clock_state_get(&a->clock, &cs);
        if (cs.ahead_ms && cs.confirm_in_ms < wait)
            wait = cs.confirm_in_ms > 0 ? cs.confirm_in_ms : 1;
        od_worker_wait(&s->w, wait);
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
    s->pc_every = PC_ASK_EVERY_MS;
    s->poll = poll_ms(POLL_MS);
    /* tests only (tests/cluster/test_leases.py): ask every N ms, N >= 100 */
    const char *hk = getenv("OPSDESK_TEST_HOUSEKEEPING_MS");
    if (hk && atoll(hk) >= 100)
        s->pc_every = atoll(hk);
    /* deadlines that came due while the server was down fire now */
    od_err rc = od_sched_run_due(a, od_app_now(a), NULL, e);
    if (!rc)
        rc = od_worker_start(&s->w, loop, s, "scheduler", e);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return OD_OK;
}

void od_sched_wake(od_sched *s)
{
    if (s)
        od_worker_wake(&s->w);
}

void od_sched_stop(od_sched *s)
{
    if (!s)
        return;
    od_worker_stop(&s->w);
    free(s);
}
