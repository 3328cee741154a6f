/* login_limits.h — where the login lockouts' states live (R-SEC-SYS-1,
 * docs/deploy/cluster.md).  On a single-node store, in this node's memory
 * (app/limiter.h: bounded tables, forgotten at a restart).  With several
 * nodes on one database (od_app_multi_node), the login kinds
 * (OD_LIMIT_LOGIN_ACCOUNT, _ACCOUNT_ANY, _ADDR) live in the shared table
 * login_lockouts (migration 0039), each failure counted under the row's
 * lock: N failures spread over the nodes lock the account once their total
 * reaches the allowance, and a lockout (or an administrator's unlock, or a
 * right password) holds on every node at once.  The acknowledgement-link
 * limit stays per node (bounds in cluster.md).  The decision is
 * core/lockout.h either way.  When the shared table cannot be reached the
 * node's memory answers (the store being down, sign-in fails anyway).
 * Same contracts as the od_limiter_ functions of the same names. */
#ifndef OD_APP_LOGIN_LIMITS_H
#define OD_APP_LOGIN_LIMITS_H

#include "app/app.h"
#include "app/limiter.h"

int64_t od_login_limit_check(od_app *a, od_limit_kind k, const char *key, int64_t now);
bool od_login_limit_record(od_app *a, od_limit_kind k, const od_login_policy *lp, int allowance,
                           const char *key, int64_t now);
void od_login_limit_forget(od_app *a, od_limit_kind k, const char *key);
bool od_login_limit_lift(od_app *a, od_limit_kind k, const char *key, int64_t unlocked_at, int64_t now);

#endif
