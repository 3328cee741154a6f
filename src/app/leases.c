/* leases.c — housekeeping leases (leases.h).  The store holds the truth;
 * this file keeps, per job name, what this node last saw (for /metrics). */
#include "app/leases.h"
#include "app/cluster.h"
#include "util/log.h"
#include "util/sbuf.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

od_err od_lease_take(od_tx *tx, const char *name, const char *holder, int64_t now, int64_t ttl_ms,
                     od_lease *out, od_error *e)
{
    memset(out, 0, sizeof *out);
    od_err rc = od_tx_exec(tx, OD_Q_LEASE_TAKE, e,
                           OD_BINDS(OD_TEXT(name), OD_TEXT(holder), OD_INT(now + ttl_ms), OD_INT(now)));
    if (rc)
        return rc;
    bool took = od_tx_changes(tx) == 1;
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_LEASE_GET, &r, e, OD_BINDS(OD_TEXT(name)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row) {
        snprintf(out->holder, sizeof out->holder, "%s", od_rows_text(r, 0));
        out->term = od_rows_int(r, 1);
        out->expires_at = od_rows_int(r, 2);
    }
    od_rows_close(r);
    out->held = !rc && took && row && strcmp(out->holder, holder) == 0;
    return rc;
}

od_err od_lease_still_held(od_tx *tx, const char *name, const char *holder, int64_t term, int64_t now,
                           bool *held, od_error *e)
{
    int64_t n = 0;
    od_err rc = od_tx_scalar(tx, OD_Q_LEASE_STILL_HELD, &n, e,
                             OD_BINDS(OD_TEXT(name), OD_TEXT(holder), OD_INT(term), OD_INT(now)));
    *held = !rc && n == 1;
    return rc;
}

od_err od_lease_fence(od_tx *tx, const char *name, const char *holder, int64_t term, int64_t now, bool *held,
                      od_error *e)
{
    od_err rc = od_tx_exec(tx, OD_Q_LEASE_FENCE, e,
                           OD_BINDS(OD_TEXT(name), OD_TEXT(holder), OD_INT(term), OD_INT(now)));
    *held = !rc && od_tx_changes(tx) == 1;
    return rc;
}

/* The fence of the job a thread runs (od_app_housekeeping .. _done). */
typedef struct job_fence {
    od_app *a;
    char name[48];
    int64_t term;
} job_fence;
static _Thread_local job_fence fence;
static bool fence_paused_once; /* process-wide: the test pause happens once */

/* tests only (tests/cluster/test_fencing.py): before the first fenced write
 * transaction of the process begins, log and wait this many ms, so that a
 * test can pause the node (SIGSTOP) in the middle of a job */
static void test_pause(job_fence *f)
{
    const char *v = getenv("OPSDESK_TEST_FENCE_PAUSE_MS");
    long long ms = v ? strtoll(v, NULL, 10) : 0;
    if (ms <= 0 || ms > 60000 || __atomic_exchange_n(&fence_paused_once, true, __ATOMIC_SEQ_CST))
        return;
    od_info("内务作业 %s 的写事务即将开始，任期 %" PRId64 " (housekeeping job %s: write transaction about "
            "to begin, term %" PRId64 ")",
            f->name, f->term, f->name, f->term);
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static od_err fence_check(void *arg, od_tx *tx, od_error *e)
{
    job_fence *f = arg;
    if (!tx) { /* before the transaction begins */
        test_pause(f);
        return OD_OK;
    }
    int64_t now = od_clock_now(NULL);
    bool held = false;
    od_err rc = od_tx_scalar(tx, OD_Q_DB_NOW, &now, e, OD_BINDS(OD_INT(now)));
    if (!rc)
        rc = od_lease_fence(tx, f->name, od_app_node_id(f->a), f->term, now, &held, e);
    if (!rc && !held) {
        od_warn("内务租约 %s 已不属于本节点（任期 %" PRId64
                "），本轮作业不写入 (housekeeping lease %s no longer "
                "held by this node at term %" PRId64 ": this round writes nothing)",
                f->name, f->term, f->name, f->term);
        rc = od_error_set(e, OD_E_CONFLICT, NULL,
                          "内务租约 %s 已失（任期 %" PRId64 "） (housekeeping lease %s lost at term %" PRId64
                          ")",
                          f->name, f->term, f->name, f->term);
    }
    return rc;
}

/* What this node saw of each job's lease (process-wide: one app per server). */
#define JOBS_MAX 8
typedef struct job_seen {
    char name[48];
    bool held;
    int64_t term;
    int64_t runs;
} job_seen;
static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;
static job_seen seen[JOBS_MAX];
static size_t n_seen;

static void note(const char *name, bool held, int64_t term)
{
    pthread_mutex_lock(&seen_mu);
    size_t i = 0;
    while (i < n_seen && strcmp(seen[i].name, name) != 0)
        i++;
    if (i == n_seen && n_seen < JOBS_MAX)
        snprintf(seen[n_seen++].name, sizeof seen[i].name, "%s", name);
    if (i < n_seen) {
        bool was = seen[i].held;
        seen[i].held = held;
        seen[i].term = term;
        seen[i].runs += held;
        if (held && !was)
            od_info("内务租约 %s 由本节点持有，任期 %" PRId64
                    " (housekeeping lease %s held by this node, term %" PRId64 ")",
                    name, term, name, term);
    }
    pthread_mutex_unlock(&seen_mu);
}

bool od_app_housekeeping(od_app *a, const char *name, int64_t ttl_ms)
{
    if (!od_app_multi_node(a) || !*od_app_node_id(a)) {
        note(name, true, 0);
        return true;
    }
    if (!od_app_may_claim(a)) { /* not ready: no renewal, the lease runs out for another node */
        note(name, false, 0);
        return false;
    }
    od_tx *tx = NULL;
    od_error e = {0};
    od_lease l = {0};
    int64_t now = od_clock_now(NULL);
    od_err rc = od_tx_begin(a->store, true, &tx, &e);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_DB_NOW, &now, &e, OD_BINDS(OD_INT(now)));
    if (!rc)
        rc = od_lease_take(tx, name, od_app_node_id(a), now, ttl_ms, &l, &e);
    if (!rc)
        rc = od_tx_commit(tx, &e);
    else
        od_tx_rollback(tx);
    if (rc) {
        od_warn("内务租约 %s 无法获取 (housekeeping lease %s not taken): %s", name, name, e.message);
        l.held = false;
    }
    note(name, l.held, l.held ? l.term : 0);
    if (l.held) {
        fence.a = a;
        snprintf(fence.name, sizeof fence.name, "%s", name);
        fence.term = l.term;
        od_tx_thread_fence(fence_check, &fence);
    }
    return l.held;
}

void od_app_housekeeping_done(od_app *a)
{
    (void)a;
    od_tx_thread_fence(NULL, NULL);
    fence.a = NULL;
}

void od_app_leases_release(od_app *a)
{
    if (!od_app_multi_node(a) || !*od_app_node_id(a))
        return;
    od_tx *tx = NULL;
    od_error e = {0};
    if (od_tx_begin(a->store, true, &tx, &e) != OD_OK)
        return;
    if (od_tx_exec(tx, OD_Q_LEASE_RELEASE_ALL, &e, OD_BINDS(OD_TEXT(od_app_node_id(a)))) == OD_OK) {
        if (od_tx_commit(tx, &e) != OD_OK)
            od_warn("%s", e.message);
    } else
        od_tx_rollback(tx);
}

char *od_app_lease_metrics(od_app *a)
{
    (void)a;
    od_sbuf b = {0};
    pthread_mutex_lock(&seen_mu);
    if (n_seen) {
        od_sbuf_printf(&b, "# HELP opsdesk_housekeeping_lease_held 1 when this node holds the job's "
                           "housekeeping lease (it runs the job).\n"
                           "# TYPE opsdesk_housekeeping_lease_held gauge\n");
        for (size_t i = 0; i < n_seen; i++)
            od_sbuf_printf(&b, "opsdesk_housekeeping_lease_held{job=\"%s\"} %d\n", seen[i].name,
                           seen[i].held);
        od_sbuf_printf(&b, "# HELP opsdesk_housekeeping_lease_term The lease's fencing term when this node "
                           "last held it (0: not held).\n"
                           "# TYPE opsdesk_housekeeping_lease_term gauge\n");
        for (size_t i = 0; i < n_seen; i++)
            od_sbuf_printf(&b, "opsdesk_housekeeping_lease_term{job=\"%s\"} %" PRId64 "\n", seen[i].name,
                           seen[i].term);
        od_sbuf_printf(&b, "# HELP opsdesk_housekeeping_runs_total Rounds of the job this node ran under "
                           "its lease.\n"
                           "# TYPE opsdesk_housekeeping_runs_total counter\n");
        for (size_t i = 0; i < n_seen; i++)
            od_sbuf_printf(&b, "opsdesk_housekeeping_runs_total{job=\"%s\"} %" PRId64 "\n", seen[i].name,
                           seen[i].runs);
    }
    pthread_mutex_unlock(&seen_mu);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
