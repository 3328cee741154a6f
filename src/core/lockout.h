/* lockout.h — the login lockout decision (R-SEC-SYS-1): how many failures
 * within which window lock a key, for how long, when a key may try again,
 * when its state can be forgotten, and when an administrator's unlock lifts
 * it.  Three keys count failures (docs/accounts.md):
 *   - an account from one client network (max_failures): guessing from one
 *     place locks that account there only, so one address can never lock an
 *     account out for everyone;
 *   - an account from every network together (four times that): guessing
 *     spread over many networks locks the account for the networks it has
 *     not signed in from lately (od_lockout_known_network), so its owner at
 *     the usual desk still gets in;
 *   - a client network, whatever the name (four times max_failures: many
 *     people can sit behind one proxy).
 * Addresses are counted per /24 (IPv4) or /64 (IPv6), because one attacker
 * easily holds a whole such prefix.  Pure: the tables that hold the states
 * are app/limiter.c.  Thread-safe (no state). */
#ifndef OD_LOCKOUT_H
#define OD_LOCKOUT_H

#include "core/policy.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One key's state.  All zero = never failed. */
typedef struct od_lockout {
    int failures;         /* within the current window */
    int64_t window_start; /* ms: the window's first failure */
    int64_t locked_at;    /* ms: when the current/last lockout began (0 = never) */
    int64_t locked_until; /* ms: may try again from this instant on */
} od_lockout;

typedef enum od_lockout_kind {
    OD_LOCKOUT_ACCOUNT,     /* one user name, known or not, from one client network */
    OD_LOCKOUT_ACCOUNT_ANY, /* one user name from every network together */
    OD_LOCKOUT_ADDRESS,     /* one client network (/24, /64), whatever the name */
} od_lockout_kind;

/* Failures within one window that lock the key: max_failures for an
 * account from one network, 4 × max_failures for an account from every
 * network and for a network. */
int od_lockout_allowance(const od_login_policy *lp, od_lockout_kind k);

/* Milliseconds until the key may try again; 0 = now.  Locked while
 * now < locked_until. */
int64_t od_lockout_wait(const od_lockout *s, int64_t now);

/* Counts one failure at `now` against `allowance`; true if it started a
 * lockout.  A window is [window_start, window_start + window_ms): a failure
 * at or after its end starts a new window.  A failure while locked is not
 * counted (the caller refused the attempt before trying).  The lockout
 * lasts lockout_ms and starts a fresh window. */
OD_NODISCARD bool od_lockout_fail(od_lockout *s, int allowance, const od_login_policy *lp, int64_t now);

/* From this instant on the state says nothing (no lock, no failure in a
 * live window), so a table may forget it; before it, the state must be
 * kept — a lockout or a count is never dropped for room. */
int64_t od_lockout_idle_at(const od_lockout *s, const od_login_policy *lp);

/* True if an administrator's unlock recorded at `unlocked_at` lifts the
 * current lockout: it is locked at `now` and the unlock came at or after
 * the lockout began (an older unlock does not lift a newer lockout). */
bool od_lockout_lifted(const od_lockout *s, int64_t unlocked_at, int64_t now);

/* The limiter key of a client address: "4:a.b.c.0/24", "6:xxxx:xxxx:xxxx:xxxx::/64"
 * (an IPv4-mapped IPv6 address counts as IPv4); anything unparsable is kept
 * as is ("?:<text>").  out holds at least OD_ADDR_BUCKET_MAX bytes. */
#define OD_ADDR_BUCKET_MAX 80
void od_lockout_addr_bucket(const char *addr, char *out, size_t n);

/* The key of an account from one network: "<bucket> <user name>" (the
 * bucket has no space), truncated to n - 1 bytes. */
void od_lockout_account_key(const char *user, const char *addr, char *out, size_t n);

/* How far back a sign-in makes a network known to an account. */
#define OD_LOCKOUT_KNOWN_NETWORK_MS (90LL * 24 * 3600 * 1000)

/* True if addr is in the network of one of `n` addresses the account
 * signed in from (within OD_LOCKOUT_KNOWN_NETWORK_MS): the lockout of an
 * account from every network does not apply there. */
bool od_lockout_known_network(const char *addr, const char *const *signed_in_from, size_t n);

#endif
