/* limiter.h — failed-login rate limiting per account and per address
 * (R-SEC-SYS-1).  In memory: a restart forgets failures, which errs toward
 * letting people in after an outage.  Thread-safe (one mutex). */
#ifndef OD_LIMITER_H
#define OD_LIMITER_H

#include "core/policy.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct od_limiter od_limiter;

od_limiter *od_limiter_new(void);
void od_limiter_free(od_limiter *l);
/* 0 if `key` may try now, else milliseconds until it may. */
int64_t od_limiter_wait(od_limiter *l, const od_login_policy *lp, const char *key, int64_t now);
/* Records a failure; returns true if this failure started a lockout. */
bool od_limiter_fail(od_limiter *l, const od_login_policy *lp, const char *key, int64_t now);
void od_limiter_reset(od_limiter *l, const char *key);

#endif
