/* login_limits.c — login lockouts in this node's memory or, with several
 * nodes, in the shared table login_lockouts (login_limits.h). */
#include "app/login_limits.h"
#include "app/cluster.h"
#include "core/lockout.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

/* The login kinds are shared; every other kind stays per node. */
static bool shared(od_app *a, od_limit_kind k)
{
    return od_app_multi_node(a) &&
           (k == OD_LIMIT_LOGIN_ACCOUNT || k == OD_LIMIT_LOGIN_ACCOUNT_ANY || k == OD_LIMIT_LOGIN_ADDR);
}

/* The row's key: as the limiter's tables key it (an address per network). */
#define SKEY_MAX (OD_ADDR_BUCKET_MAX + 160)
static void row_key(od_limit_kind k, const char *key, char out[SKEY_MAX])
{
    if (k == OD_LIMIT_LOGIN_ADDR)
        od_lockout_addr_bucket(key ? key : "", out, SKEY_MAX);
    else
        snprintf(out, SKEY_MAX, "%s", key ? key : "");
}

/* locked: the row stays locked to the commit (PostgreSQL) */
static od_err state_read(od_tx *tx, bool locked, od_limit_kind k, const char *rk, od_lockout *st, od_error *e)
{
    memset(st, 0, sizeof *st);
    od_rows *r = NULL;
    bool row = false;
    od_err rc;
    if (locked)
        rc = od_tx_query(tx, OD_Q_LOCKOUT_GET_LOCKED, &r, e, OD_BINDS(OD_INT(k), OD_TEXT(rk)));
    else
        rc = od_tx_query(tx, OD_Q_LOCKOUT_GET, &r, e, OD_BINDS(OD_INT(k), OD_TEXT(rk)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row) {
        st->failures = (int)od_rows_int(r, 0);
        st->window_start = od_rows_int(r, 1);
        st->locked_at = od_rows_int(r, 2);
        st->locked_until = od_rows_int(r, 3);
    }
    od_rows_close(r);
    return rc;
}

static od_err state_write(od_tx *tx, od_limit_kind k, const char *rk, const od_lockout *st, int64_t idle_at,
                          od_error *e)
{
    return od_tx_exec(tx, OD_Q_LOCKOUT_PUT, e,
                      OD_BINDS(OD_INT(st->failures), OD_INT(st->window_start), OD_INT(st->locked_at),
                               OD_INT(st->locked_until), OD_INT(idle_at), OD_INT(k), OD_TEXT(rk)));
}

static void store_warn(const od_error *e)
{
    od_warn("共享登录锁定表不可用，改用本节点内存 (shared login lockouts unavailable, this node's memory "
            "answers): %s",
            e->message);
}

int64_t od_login_limit_check(od_app *a, od_limit_kind k, const char *key, int64_t now)
{
    if (!shared(a, k))
        return od_limiter_check(a->limiter, k, key, now);
    char rk[SKEY_MAX];
    row_key(k, key, rk);
    od_error e = {0};
    od_tx *tx = NULL;
    od_lockout st;
    od_err rc = od_tx_begin(a->store, false, &tx, &e);
    if (!rc)
        rc = state_read(tx, false, k, rk, &st, &e);
    od_tx_rollback(tx);
    if (rc) {
        store_warn(&e);
        return od_limiter_check(a->limiter, k, key, now);
    }
    return od_lockout_wait(&st, now);
}

bool od_login_limit_record(od_app *a, od_limit_kind k, const od_login_policy *lp, int allowance,
                           const char *key, int64_t now)
{
    if (!shared(a, k))
        return od_limiter_record(a->limiter, k, lp, allowance, key, now);
    char rk[SKEY_MAX];
    row_key(k, key, rk);
    od_error e = {0};
    od_tx *tx = NULL;
    od_lockout st;
    bool locked = false;
    od_err rc = od_tx_begin(a->store, true, &tx, &e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_LOCKOUT_PRUNE, &e, OD_BINDS(OD_INT(now)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_LOCKOUT_ENSURE, &e, OD_BINDS(OD_INT(k), OD_TEXT(rk)));
    if (!rc)
        rc = state_read(tx, true, k, rk, &st, &e);
    if (!rc) {
        locked = od_lockout_fail(&st, allowance, lp, now);
        rc = state_write(tx, k, rk, &st, od_lockout_idle_at(&st, lp), &e);
    }
    if (!rc)
        rc = od_tx_commit(tx, &e);
    else
        od_tx_rollback(tx);
    if (rc) {
        store_warn(&e);
        return od_limiter_record(a->limiter, k, lp, allowance, key, now);
    }
    return locked;
}

void od_login_limit_forget(od_app *a, od_limit_kind k, const char *key)
{
    if (!shared(a, k)) {
        od_limiter_forget(a->limiter, k, key);
        return;
    }
    char rk[SKEY_MAX];
    row_key(k, key, rk);
    od_error e = {0};
    od_tx *tx = NULL;
    od_lockout st;
    od_err rc = od_tx_begin(a->store, true, &tx, &e);
    if (!rc)
        rc = state_read(tx, true, k, rk, &st, &e);
    if (!rc && st.locked_until == 0) /* nothing to keep: the row goes */
        rc = od_tx_exec(tx, OD_Q_LOCKOUT_DEL, &e, OD_BINDS(OD_INT(k), OD_TEXT(rk)));
    else if (!rc && st.failures) { /* a past lockout's record stays until it is idle */
        st.failures = 0;
        rc = state_write(tx, k, rk, &st, od_lockout_idle_at(&st, &a->policy->login), &e);
    }
    if (!rc)
        rc = od_tx_commit(tx, &e);
    else
        od_tx_rollback(tx);
    if (rc)
        store_warn(&e);
}

bool od_login_limit_lift(od_app *a, od_limit_kind k, const char *key, int64_t unlocked_at, int64_t now)
{
    if (!shared(a, k))
        return od_limiter_lift(a->limiter, k, key, unlocked_at, now);
    char rk[SKEY_MAX];
    row_key(k, key, rk);
    od_error e = {0};
    od_tx *tx = NULL;
    od_lockout st;
    bool lifted = false;
    od_err rc = od_tx_begin(a->store, true, &tx, &e);
    if (!rc)
        rc = state_read(tx, true, k, rk, &st, &e);
    if (!rc && od_lockout_lifted(&st, unlocked_at, now)) {
        lifted = true;
        rc = od_tx_exec(tx, OD_Q_LOCKOUT_DEL, &e, OD_BINDS(OD_INT(k), OD_TEXT(rk)));
    }
    if (!rc)
        rc = od_tx_commit(tx, &e);
    else
        od_tx_rollback(tx);
    if (rc) {
        store_warn(&e);
        return false;
    }
    return lifted;
}
