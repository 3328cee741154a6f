/* app_runtime.c — what the threads above app (http, sched, main) need of the
 * running app without seeing the store: the post-commit hook, the store's
 * health, the deadline queue of the scheduler and the test clock.  The
 * scheduler decides when to run; app decides what is due and fires it. */
#include "app/app.h"
#include "app/audit.h"
#include "app/cluster.h"
#include "app/incidents.h"
#include "app/internal_events.h"
#include "app/record_hooks.h"
#include "app/wake.h"
#include "notify/dispatcher.h"
#include "store/dblock.h"
#include "util/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void od_app_checkpoint_idle(od_app *a)
{
    od_store_checkpoint_idle(a->store);
}

bool od_app_write_contended(od_app *a)
{
    return od_store_write_contended(a->store);
}

void od_app_committed(od_app *a, unsigned what)
{
    od_app_wake_local(a, what);
    if (a)
        od_app_wake_others(a, what); /* several nodes: theirs too (wake.h) */
}

/* ---- health (/healthz) ---- */

/* A storage fault this recent makes the server unhealthy: writes are failing
 * now, not once long ago.  The integrity check's verdict stays until the
 * next check. */
#define FAULT_RECENT_MS 60000

/* The last integrity check's verdict; process-wide like the store's fault
 * record (one app per server process). */
static pthread_mutex_t check_mu = PTHREAD_MUTEX_INITIALIZER;
static bool check_bad;
static char check_msg[200];

void od_app_check_store(od_app *a)
{
    bool ok = false;
    char msg[200] = "";
    od_error e = {0};
    if (od_store_quick_check(a->store, &ok, msg, sizeof msg, &e) != OD_OK)
        snprintf(msg, sizeof msg, "%.190s", e.message);
    if (!ok)
        od_errorlog("数据库完整性检查失败 (database integrity check failed): %.190s", msg);
    pthread_mutex_lock(&check_mu);
    check_bad = !ok;
    snprintf(check_msg, sizeof check_msg, "%.190s", msg);
    pthread_mutex_unlock(&check_mu);
}

od_err od_app_health(od_app *a, od_app_health_report *out, od_error *e)
{
    (void)e; /* every failure is a verdict in *out, not an error */
    memset(out, 0, sizeof *out);
    out->ok = true;
    out->schema_version = od_store_schema_version(a->store);
    od_tx *tx = NULL;
    od_error be = {0};
    if (od_tx_begin(a->store, false, &tx, &be) != OD_OK) {
        out->ok = false;
        snprintf(out->reason, sizeof out->reason, "数据库无法读取 (the database cannot be read): %.190s",
                 be.message);
        return OD_OK;
    }
    od_tx_rollback(tx);
    char msg[200];
    int64_t at = od_store_last_fault(a->store, msg, sizeof msg);
    int64_t wall = od_clock_now(NULL);
    pthread_mutex_lock(&check_mu);
    if (check_bad) {
        out->ok = false;
        snprintf(out->reason, sizeof out->reason,
                 "数据库完整性检查失败 (database integrity check failed): %.190s", check_msg);
    }
    pthread_mutex_unlock(&check_mu);
    if (out->ok && at && wall - at < FAULT_RECENT_MS) {
        out->ok = false;
        snprintf(out->reason, sizeof out->reason,
                 "数据库读写失败 (a database read or write failed) %llds ago: %.190s",
                 (long long)((wall - at) / 1000), msg);
    }
    /* a step of the machine's clock that application time does not follow
     * (util/clockguard.h): the server works, so 200, but say it */
    od_clock_state cs;
    od_clock_state_get(&a->clock, &cs);
    if (out->ok && cs.ahead_ms) {
        out->degraded = true;
        snprintf(out->reason, sizeof out->reason,
                 "系统时钟比应用时间快 %lld 秒，暂不采信，%lld 秒后若仍如此则采用 (the system clock is %lld "
                 "s ahead of "
                 "application time: not believed yet; taken in %lld s if it stays)",
                 (long long)(cs.ahead_ms / 1000), (long long)((cs.confirm_in_ms + 999) / 1000),
                 (long long)(cs.ahead_ms / 1000), (long long)((cs.confirm_in_ms + 999) / 1000));
    } else if (out->ok && cs.behind_ms) {
        out->degraded = true;
        snprintf(out->reason, sizeof out->reason,
                 "系统时钟比应用时间慢 %lld 秒：应用时间不后退，记录按应用时间标注 (the system clock is %lld "
                 "s behind "
                 "application time, which does not go back: records are dated by application time)",
                 (long long)(cs.behind_ms / 1000), (long long)(cs.behind_ms / 1000));
    }
    return OD_OK;
}

od_err od_app_open(const char *db_path, od_policy *policy, const char *policy_source, bool manual_clock,
                   od_app **out, od_error *e)
{
    return od_app_open_mode(db_path, OD_APP_DB_CREATE, NULL, policy, policy_source, manual_clock, out, e);
}

od_err od_app_db_must_exist(const char *db_path, od_error *e)
{
    return od_store_must_exist(db_path, e);
}

int od_app_schema_newest(void)
{
    return od_store_schema_newest();
}

od_err od_app_open_mode(const char *db_path, od_app_db_mode mode, od_app_schema *schema, od_policy *policy,
                        const char *policy_source, bool manual_clock, od_app **out, od_error *e)
{
    *out = NULL;
    od_store *st = NULL;
    od_err rc = od_store_open_mode(db_path, (od_store_mode)mode, schema, &st, e);
    if (rc)
        return rc;
    rc = od_app_new(st, policy, policy_source, manual_clock, out, e);
    if (rc)
        od_store_close(st);
    return rc;
}

int od_app_schema_version(od_app *a)
{
    return od_store_schema_version(a->store);
}

od_err od_app_audit_verify(od_app *a, od_audit_report *rep, od_error *e)
{
    return od_audit_verify(a->store, rep, e);
}

od_err od_app_audit_verify_db(const char *db_path, od_audit_report *rep, od_error *e)
{
    od_store *st = NULL; /* read-only: never creates or migrates */
    od_err rc = od_store_open_mode(db_path, OD_STORE_CURRENT, NULL, &st, e);
    if (rc)
        return rc;
    rc = od_audit_verify(st, rep, e);
    od_store_close(st);
    return rc;
}

int64_t od_app_store_size(od_app *a)
{
    return od_store_size(a->store);
}
const char *od_app_store_path(const od_app *a)
{
    return od_store_path(a->store);
}

/* ---- the deadline queue ---- */

od_err od_app_next_fire(od_app *a, int64_t *out, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    *out = INT64_MAX;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_DL_MIN_FIRE, &r, e, OD_NOBINDS);
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row && !od_rows_null(r, 0))
        *out = od_rows_int(r, 0);
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
    rc = od_tx_exec(tx, OD_Q_DL_POSTPONE, e, OD_BINDS(OD_INT(at), OD_INT(id)));
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, e);
}

/* One firing pass at a time: the scheduler's thread and a test-clock
 * advance never fire the same row twice. */
static pthread_mutex_t run_mu = PTHREAD_MUTEX_INITIALIZER;
/* Set (under run_mu) while this process walks a test-clock advance.  With a
 * shared store the target is stored before the walk (the other nodes follow
 * it), so this node must not read it back meanwhile: its clock would jump to
 * the target in the middle of the walk and the rest would fire there at
 * once (an escalation chain R3 -> R2 -> R1 collapsed into one step).  Read
 * without the lock too: a commit hook of the walk's own thread may ask. */
static atomic_int advancing;

static od_err run_due_locked(od_app *a, int64_t now, int64_t horizon, int *fired, od_error *e)
{
    int n = 0;
    if (horizon < now)
        horizon = now;
    /* a node whose clock is off the database's, or that lost its lease,
     * claims nothing (cluster.h); another node fires what is due */
    while (od_app_may_claim(a)) {
        int64_t id = 0;
        bool done = false;
        od_err rc = od_incident_fire_next(a, now, horizon, &id, &done, e);
        if (rc == OD_E_CONFLICT) { /* fired elsewhere meanwhile: nothing of ours was kept */
            od_error_clear(e);
            continue;
        }
        if (rc && !id)
            return rc;
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
        if (!id)
            break;
        if (done)
            n++;
    }
    /* the internal events queued: a drill's scripted injects this pass (or
     * one stopped before its end) claimed, and what a use case queued and a
     * stop left (the first pass at start delivers them), into the event
     * ingestion now (internal_events.h) */
    od_error ie = {0};
    if (od_app_may_claim(a) && od_internal_events_deliver(a, &ie) != OD_OK)
        od_errorlog("scheduler: internal events: %s", ie.message);
    if (fired)
        *fired = n;
    return OD_OK;
}

od_err od_app_run_due(od_app *a, int64_t now, int64_t horizon, int *fired, od_error *e)
{
    int n = 0;
    od_err rc = OD_OK;
    pthread_mutex_lock(&run_mu);
    /* a test-clock advance of this process walks the due rows itself, each
     * at its own time: the scheduler's pass (its `now` read before the walk
     * moved on) has nothing to add and waits for the walk's end */
    if (!atomic_load(&advancing))
        rc = run_due_locked(a, now, horizon, &n, e);
    pthread_mutex_unlock(&run_mu);
    /* fired deadlines write messages: the dispatcher delivers them now, not
     * at its next poll (one wake for the batch) */
    if (n)
        od_app_committed(a, OD_COMMIT_OUTBOX);
    if (fired)
        *fired = n;
    return rc;
}

/* ---- the test clock ---- */

/* Stores the test clock (meta.test_clock_ms): a restarted test server never
 * goes back in time, and the other nodes of a shared store follow it. */
static od_err save_test_clock(od_app *a, int64_t ms, od_error *e)
{
    od_tx *tx = NULL;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)ms);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_META_PUT, e, OD_BINDS(OD_TEXT("test_clock_ms"), OD_TEXT(v)));
    if (!rc)
        return od_tx_commit(tx, e);
    od_tx_rollback(tx);
    return rc;
}

od_err od_app_advance_clock(od_app *a, int64_t to, int *fired_out, od_error *e)
{
    if (fired_out)
        *fired_out = 0;
    if (!a->clock.manual)
        return od_error_set(e, OD_E_UNPROCESSABLE, NULL, "不是测试时钟 (not a test clock)");
    if (to < od_app_now(a))
        return od_error_set(e, OD_E_UNPROCESSABLE, "set", "测试时钟不能倒退 (the test clock cannot go back)");
    if (!od_app_may_claim(a))
        return od_error_set(
            e, OD_E_UNAVAILABLE, NULL,
            "本节点未就绪，不认领期限 (this node is not ready and claims no deadline): /readyz");
    pthread_mutex_lock(&run_mu);
    atomic_store(&advancing, 1);
    /* several nodes: they fire what comes due at the new time alongside
     * this walk (each row once: the claims), at the time they see */
    od_err rc = od_app_multi_node(a) ? save_test_clock(a, to, e) : OD_OK;
    int fired = 0;
    if (rc)
        goto out;
    /* walk the due times in order so each fires at its own time; a periodic
     * run that would repeat up to `to` is caught up once at `to` */
    for (;;) {
        int64_t next;
        rc = od_app_next_fire(a, &next, e);
        if (rc || next > to)
            break;
        if (next > od_app_now(a))
            od_clock_set(&a->clock, next);
        int n = 0;
        rc = run_due_locked(a, od_app_now(a), to, &n, e);
        fired += n;
        if (rc)
            break;
        if (!n && od_app_multi_node(a)) {
            /* what is left due is being fired by another node (or this
             * node stopped claiming): wait for it, do not spin */
            pthread_mutex_unlock(&run_mu);
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
            pthread_mutex_lock(&run_mu);
            if (!od_app_may_claim(a)) {
                rc = od_error_set(e, OD_E_UNAVAILABLE, NULL,
                                  "本节点未就绪，不认领期限 (this node is not ready and claims no deadline)");
                break;
            }
        }
    }
    if (!rc && to > od_app_now(a))
        od_clock_set(&a->clock, to);
    if (!rc)
        rc = save_test_clock(a, od_app_now(a), e);
out:
    atomic_store(&advancing, 0);
    pthread_mutex_unlock(&run_mu);
    if (fired)
        od_app_committed(a, OD_COMMIT_OUTBOX);
    if (fired_out)
        *fired_out = fired;
    return rc;
}

void od_app_restore_test_clock(od_app *a)
{
    if (!a->clock.manual || atomic_load(&advancing))
        return; /* this process moves the clock itself (see `advancing`) */
    pthread_mutex_lock(&run_mu);
    if (atomic_load(&advancing)) { /* the walk's own thread, in a commit hook */
        pthread_mutex_unlock(&run_mu);
        return;
    }
    od_tx *tx = NULL;
    od_error e = {0};
    int64_t saved = 0;
    if (od_tx_begin(a->store, false, &tx, &e) == OD_OK) {
        if (od_tx_scalar(tx, OD_Q_META_GET_INT, &saved, NULL, OD_BINDS(OD_TEXT("test_clock_ms"))) == OD_OK &&
            saved > od_app_now(a))
            od_clock_set(&a->clock, saved);
        od_tx_rollback(tx);
    }
    pthread_mutex_unlock(&run_mu);
}

void od_app_join_test_clock(od_app *a)
{
    if (!a->clock.manual)
        return;
    if (!od_app_multi_node(a)) {
        od_app_restore_test_clock(a);
        return;
    }
    /* one test clock for all nodes: a node started later than the others (or
     * on a machine whose clock runs ahead) would otherwise start at its own
     * wall time, ahead of them, and date its records and deadlines there —
     * due after the others' advance, never fired by it */
    od_tx *tx = NULL;
    od_error e = {0};
    int64_t saved = 0;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)od_app_now(a));
    pthread_mutex_lock(&run_mu);
    od_err rc = od_tx_begin(a->store, true, &tx, &e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_META_PUT_ABSENT, &e, OD_BINDS(OD_TEXT("test_clock_ms"), OD_TEXT(v)));
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_META_GET_INT, &saved, &e, OD_BINDS(OD_TEXT("test_clock_ms")));
    if (!rc)
        rc = od_tx_commit(tx, &e);
    else
        od_tx_rollback(tx);
    if (!rc && saved > 0)
        od_clock_set(&a->clock, saved);
    pthread_mutex_unlock(&run_mu);
    if (rc)
        od_warn("测试时钟无法读取 (the shared test clock cannot be read): %s", e.message);
}

bool od_app_db_is_file(const char *db_path)
{
    return od_store_is_file(db_path);
}

/* A database server (PostgreSQL) has no lock file: several nodes may serve
 * it at once, and *out stays NULL. */
od_err od_app_db_lock(const char *db_path, od_db_lock **out, od_error *e)
{
    *out = NULL;
    return od_store_is_file(db_path) ? od_db_lock_take(db_path, out, e) : OD_OK;
}

od_err od_app_db_holder(const char *db_path, long *pid, od_error *e)
{
    if (!od_store_is_file(db_path))
        return od_error_set(
            e, OD_E_INVALID, "db",
            "数据库服务器没有锁文件，请用 --pid-file (a database server has no lock file: use "
            "--pid-file)");
    return od_db_lock_holder(db_path, pid, e);
}

void od_app_db_unlock(od_db_lock *l)
{
    od_db_lock_release(l);
}

od_err od_app_audit_adopt(od_app *a, bool *adopted, od_error *e)
{
    return od_audit_anchor_adopt(a->store, adopted, e);
}

static bool app_may_claim(void *arg)
{
    return od_app_may_claim(arg);
}

static bool app_may_send(void *arg, int64_t claim_mono)
{
    return od_app_may_send(arg, claim_mono);
}

od_err od_app_dispatcher_start(od_app *a, od_channel **chs, size_t n, const od_dispatcher_opts *o,
                               od_dispatcher **out, od_error *e)
{
    od_dispatcher_env env = {a->store, &a->clock, a->policy};
    /* its claims carry this node's id and stop while the node may not claim */
    od_dispatcher_opts opts = o ? *o : (od_dispatcher_opts){0};
    if (a->node) {
        opts.node_id = od_app_node_id(a);
        opts.may_claim = app_may_claim;
        opts.may_claim_arg = a;
        opts.may_send = app_may_send;
    }
    return od_dispatcher_start_opts(&env, chs, n, &opts, out, e);
}
