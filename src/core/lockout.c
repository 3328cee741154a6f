/* lockout.c — the login lockout decision (R-SEC-SYS-1); see lockout.h. */
#include "lockout.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int od_lockout_allowance(const od_login_policy *lp, od_lockout_kind k)
{
    return k == OD_LOCKOUT_ACCOUNT ? lp->max_failures : lp->max_failures * 4;
}

int64_t od_lockout_wait(const od_lockout *s, int64_t now)
{
    return s->locked_until > now ? s->locked_until - now : 0;
}

bool od_lockout_fail(od_lockout *s, int allowance, const od_login_policy *lp, int64_t now)
{
    if (od_lockout_wait(s, now) > 0)
        return false;
    if (s->failures == 0 || now - s->window_start >= lp->window_ms) {
        s->window_start = now;
        s->failures = 0;
    }
    s->failures++;
    if (s->failures < allowance)
        return false;
    s->failures = 0;
    s->window_start = now;
    s->locked_at = now;
    s->locked_until = now + lp->lockout_ms;
    return true;
}

int64_t od_lockout_idle_at(const od_lockout *s, const od_login_policy *lp)
{
    int64_t t = s->locked_until;
    if (s->failures > 0 && s->window_start + lp->window_ms > t)
        t = s->window_start + lp->window_ms;
    return t;
}

bool od_lockout_lifted(const od_lockout *s, int64_t unlocked_at, int64_t now)
{
    return od_lockout_wait(s, now) > 0 && unlocked_at >= s->locked_at;
}

void od_lockout_addr_bucket(const char *addr, char *out, size_t n)
{
    const char *a = addr ? addr : "";
    unsigned char b[16];
    char text[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, a, b) == 1) {
        snprintf(out, n, "4:%u.%u.%u.0/24", b[0], b[1], b[2]);
        return;
    }
    if (inet_pton(AF_INET6, a, b) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, mapped, sizeof mapped) == 0) {
            snprintf(out, n, "4:%u.%u.%u.0/24", b[12], b[13], b[14]);
            return;
        }
        memset(b + 8, 0, 8);
        if (inet_ntop(AF_INET6, b, text, sizeof text)) {
            snprintf(out, n, "6:%s/64", text);
            return;
        }
    }
    snprintf(out, n, "?:%s", a);
}

void od_lockout_account_key(const char *user, const char *addr, char *out, size_t n)
{
    char b[OD_ADDR_BUCKET_MAX];
    od_lockout_addr_bucket(addr, b, sizeof b);
    /* an unparsable address is kept as is: no space may split the key */
    for (char *c = b; *c; c++)
        if (*c == ' ')
            *c = '_';
    snprintf(out, n, "%s %s", b, user ? user : "");
}

bool od_lockout_known_network(const char *addr, const char *const *signed_in_from, size_t n)
{
    char want[OD_ADDR_BUCKET_MAX], have[OD_ADDR_BUCKET_MAX];
    od_lockout_addr_bucket(addr, want, sizeof want);
    if (want[0] == '?')
        return false;
    for (size_t i = 0; i < n; i++) {
        od_lockout_addr_bucket(signed_in_from[i], have, sizeof have);
        if (strcmp(want, have) == 0)
            return true;
    }
    return false;
}
