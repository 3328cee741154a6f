/* limiter.h — the tables of failure counts behind rate limits: login per
 * account from one network, per account from every network, per client
 * network, acknowledgement links per client network (R-SEC-SYS-1).  The decision (allowance, window, lockout,
 * when a state may be forgotten) is core/lockout.h; this module only keeps the states.  One bounded table per
 * purpose, so traffic of one kind never pushes out another kind's entries; inside a table a locked key or a
 * key with failures in a live window is never forgotten for room: when a table is full of live keys, a NEW
 * key is refused (the caller answers 429) until some key goes idle.  Addresses are bucketed per /24 and /64
 * here. In memory: a restart forgets failures, which errs toward letting people in after an outage.
 * Thread-safe (one mutex per table). */
#ifndef OD_LIMITER_H
#define OD_LIMITER_H

#include "core/lockout.h"
#include "core/policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct od_limiter od_limiter;

typedef enum od_limit_kind {
    OD_LIMIT_LOGIN_ACCOUNT,     /* key: od_lockout_account_key (login and password change) */
    OD_LIMIT_LOGIN_ACCOUNT_ANY, /* key: user name, failures from every network */
    OD_LIMIT_LOGIN_ADDR,        /* key: client address, bucketed */
    OD_LIMIT_ACK_ADDR,          /* key: client address, bucketed (acknowledgement links) */
    OD_LIMIT__COUNT
} od_limit_kind;

/* Live keys each table holds at most. */
#define OD_LIMITER_CAPACITY 8192

od_limiter *od_limiter_new(void);
/* For tests: every table holds at most `capacity` live keys. */
od_limiter *od_limiter_new_sized(size_t capacity);
void od_limiter_free(od_limiter *l);

/* 0 if `key` may try now, else milliseconds until it may: a lockout's
 * remainder, or (for a key the table does not hold while it is full of live
 * keys) the time until the first of them goes idle. */
int64_t od_limiter_check(od_limiter *l, od_limit_kind k, const char *key, int64_t now);
/* Counts a failure against `allowance` (core/lockout.h); true if it started
 * a lockout.  A key that finds no room is not counted (check refuses it). */
bool od_limiter_record(od_limiter *l, od_limit_kind k, const od_login_policy *lp, int allowance,
                       const char *key, int64_t now);
/* Forgets an unlocked key's failures (a successful login). */
void od_limiter_forget(od_limiter *l, od_limit_kind k, const char *key);
/* Ends `key`'s lockout if an administrator's unlock at `unlocked_at` came
 * after it began (od_lockout_lifted); true if it did. */
bool od_limiter_lift(od_limiter *l, od_limit_kind k, const char *key, int64_t unlocked_at, int64_t now);

/* The string-keyed form kept for callers outside app: "u:<name>" is the
 * account table, "a:<addr>" the login-address table, "ack:<addr>" the
 * acknowledgement-link table; lp->max_failures is the allowance. */
int64_t od_limiter_wait(od_limiter *l, const od_login_policy *lp, const char *key, int64_t now);
bool od_limiter_fail(od_limiter *l, const od_login_policy *lp, const char *key, int64_t now);
void od_limiter_reset(od_limiter *l, const char *key);

#endif
