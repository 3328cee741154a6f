/* clock.c — system and manual clocks; RFC 3339 formatting and parsing.
 * The only reader of the system clock (CLOCK_REALTIME, CLOCK_BOOTTIME); the
 * system clock goes through the step guard of util/clockguard.h. */
#include "clock.h"
#include "util/log.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t read_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t od_clock_mono_ms(void)
{
    return read_ms(CLOCK_BOOTTIME);
}

void od_clock_init_system_source(od_clock *c, const od_clock_source *src)
{
    c->manual = false;
    atomic_store(&c->now_ms, 0);
    pthread_mutex_init(&c->mu, NULL);
    od_clock_guard_init(&c->guard, 0, 0);
    c->src = src;
}

void od_clock_init_system(od_clock *c)
{
    od_clock_init_system_source(c, NULL);
}

void od_clock_init_manual(od_clock *c, int64_t start_ms)
{
    c->manual = true;
    atomic_store(&c->now_ms, start_ms);
    pthread_mutex_init(&c->mu, NULL);
    od_clock_guard_init(&c->guard, 0, 0);
    c->src = NULL;
}

void od_clock_set_step_limits(od_clock *c, int64_t tolerance_ms, int64_t confirm_ms)
{
    od_clock_guard d;
    od_clock_guard_init(&d, tolerance_ms, confirm_ms);
    pthread_mutex_lock(&c->mu);
    c->guard.tolerance_ms = d.tolerance_ms;
    c->guard.confirm_ms = d.confirm_ms;
    pthread_mutex_unlock(&c->mu);
}

/* What a step means for the people reading the log. */
static void log_event(const od_clock_event *ev, int64_t confirm_ms)
{
    long long s = (long long)(ev->ms / 1000), cs = (long long)(confirm_ms / 1000);
    switch (ev->kind) {
    case OD_CLOCK_EV_FORWARD_SEEN:
        od_warn(
            "系统时钟向前跳了 %lld 秒，暂不采信：应用时间按单调时钟继续，跳变持续 %lld 秒后才采用 (the "
            "system "
            "clock stepped forward by %lld s: not believed yet; application time follows the monotonic clock "
            "and takes the new time only if the step lasts %lld s)",
            s, cs, s, cs);
        break;
    case OD_CLOCK_EV_FORWARD_ACCEPTED:
        od_warn("系统时钟向前跳变已持续 %lld 秒，应用时间前进 %lld 秒，错过的期限合并补发 (the system "
                "clock's forward "
                "step lasted %lld s: application time moves ahead by %lld s; missed deadlines are caught up "
                "once)",
                cs, s, cs, s);
        break;
    case OD_CLOCK_EV_FORWARD_REVERTED:
        od_info(
            "系统时钟已恢复，%lld 秒的向前跳变被忽略 (the system clock came back: the forward step of %lld s "
            "was ignored)",
            s, s);
        break;
    case OD_CLOCK_EV_BACKWARD_SEEN:
        od_warn(
            "系统时钟向后跳了 %lld 秒：应用时间不后退，按单调时钟继续，直到系统时钟追上 (the system clock "
            "stepped back by %lld s: application time does not go back and follows the monotonic clock until "
            "the system clock catches up)",
            s, s);
        break;
    case OD_CLOCK_EV_CAUGHT_UP:
        od_info("系统时钟已追上应用时间 (the system clock caught up with application time)");
        break;
    case OD_CLOCK_EV_NONE:
        break;
    }
}

/* One guarded reading; *st (may be NULL) gets the step state after it. */
static int64_t guarded_now(od_clock *c, od_clock_state *st)
{
    od_clock_event ev;
    pthread_mutex_lock(&c->mu);
    int64_t real = c->src ? c->src->real_ms(c->src->ctx) : read_ms(CLOCK_REALTIME);
    int64_t mono = c->src ? c->src->mono_ms(c->src->ctx) : read_ms(CLOCK_BOOTTIME);
    int64_t now = od_clock_guard_step(&c->guard, real, mono, &ev);
    int64_t confirm_ms = c->guard.confirm_ms;
    if (st) {
        st->ahead_ms = c->guard.ahead_ms;
        st->confirm_in_ms =
            c->guard.pending_since >= 0 ? c->guard.pending_since + confirm_ms - c->guard.mono : 0;
        st->behind_ms = c->guard.behind_ms;
    }
    pthread_mutex_unlock(&c->mu);
    log_event(&ev, confirm_ms); /* outside the lock: logging writes */
    return now;
}

int64_t od_clock_now(const od_clock *c)
{
    if (!c)
        return read_ms(CLOCK_REALTIME);
    od_clock *m = (od_clock *)(uintptr_t)c; /* the guard state is the clock's own, mutable */
    if (c->manual)
        return atomic_load(&m->now_ms);
    return guarded_now(m, NULL);
}

void od_clock_set(od_clock *c, int64_t ms)
{
    if (c && c->manual)
        atomic_store(&c->now_ms, ms);
}

void od_clock_state_get(const od_clock *c, od_clock_state *out)
{
    *out = (od_clock_state){0};
    if (c && !c->manual)
        (void)guarded_now((od_clock *)(uintptr_t)c, out);
}

char *od_time_format(int64_t ms, char buf[OD_TIME_STR_MAX])
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int frac = (int)(ms - secs * 1000);
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    /* the modulo clamps tell the compiler every field fits its width */
    snprintf(buf, OD_TIME_STR_MAX, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
             (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
             (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
             (unsigned)tm.tm_sec % 100u, (unsigned)frac % 1000u);
    return buf;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool od_time_parse(const char *s, int64_t *out_ms)
{
    int Y, M, D, h, m, sec;
    if (!s || strlen(s) < 20)
        return false;
    if (!digits(s, 4, &Y) || s[4] != '-' || !digits(s + 5, 2, &M) || s[7] != '-' || !digits(s + 8, 2, &D) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &h) || s[13] != ':' ||
        !digits(s + 14, 2, &m) || s[16] != ':' || !digits(s + 17, 2, &sec))
        return false;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60 || Y < 1970)
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (D > mdays[M - 1])
        return false;
    if (M == 2 && D == 29 && !((Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0))
        return false;
    const char *p = s + 19;
    int frac_ms = 0;
    if (*p == '.') {
        p++;
        int n = 0, scale = 100;
        while (isdigit((unsigned char)*p)) {
            if (n < 3)
                frac_ms += (*p - '0') * scale, scale /= 10;
            p++, n++;
            if (n > 9)
                return false;
        }
        if (n == 0)
            return false;
    }
    int off_min = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        off_min = (oh * 60 + om) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec > 59 ? 59 : sec;
    time_t t = timegm(&tm);
    int64_t ms = ((int64_t)t - (int64_t)off_min * 60) * 1000 + frac_ms;
    /* An offset can move the instant out of 1970..9999 UTC, which
     * od_time_format() cannot write back in a form this parser accepts
     * (found by tests/fuzz/fuzz_time). */
    if (ms < 0 || ms > INT64_C(253402300799999))
        return false;
    *out_ms = ms;
    return true;
}
