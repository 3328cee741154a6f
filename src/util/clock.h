/* clock.h — the only way opsdesk reads the time (DESIGN.md "Time").
 * A clock is either the system clock or a manual clock that tests set and
 * advance.  All times are int64_t milliseconds since the Unix epoch, UTC.
 * The system clock is step-safe (util/clockguard.h): it never goes back, and
 * it does not believe a forward step of the real clock until the step has
 * lasted the confirmation period, so a transient NTP or operator step fires
 * no deadline and stretches no lockout.
 * Thread-safe: the manual time is an atomic; the system clock's guard state
 * is behind a small mutex (two vDSO clock reads and a few comparisons). */
#ifndef OD_CLOCK_H
#define OD_CLOCK_H

#include "util/clockguard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Where a system clock reads the real and the monotonic time (ms).  Only
 * tests pass one (od_clock_init_system_source); the product reads
 * CLOCK_REALTIME and CLOCK_BOOTTIME (monotonic, and it counts suspend, so a
 * resumed machine is not a forward step). */
typedef struct od_clock_source {
    int64_t (*real_ms)(void *ctx);
    int64_t (*mono_ms)(void *ctx);
    void *ctx;
} od_clock_source;

typedef struct od_clock {
    bool manual;
    _Atomic int64_t now_ms; /* used when manual */
    /* system clock: */
    pthread_mutex_t mu;
    od_clock_guard guard;
    const od_clock_source *src; /* NULL: the system's clocks */
} od_clock;

void od_clock_init_system(od_clock *c);
void od_clock_init_manual(od_clock *c, int64_t start_ms);
/* Test hook: a system clock that reads src (borrowed) instead of the system. */
void od_clock_init_system_source(od_clock *c, const od_clock_source *src);
/* The step limits of a system clock (<= 0 keeps the default:
 * OD_CLOCK_STEP_TOLERANCE_MS, OD_CLOCK_STEP_CONFIRM_MS). */
void od_clock_set_step_limits(od_clock *c, int64_t tolerance_ms, int64_t confirm_ms);
/* The clock's time.  c == NULL reads the real clock as it is, unguarded:
 * only for what other machines check against their own clocks (signature
 * timestamps, backup headers) and for seeds. */
int64_t od_clock_now(const od_clock *c);
/* Manual clocks only; ignored for the system clock. */
void od_clock_set(od_clock *c, int64_t ms);
/* The monotonic clock (CLOCK_BOOTTIME, ms): for lengths of time on this
 * machine (a claim's remaining lease), never for dates. */
int64_t od_clock_mono_ms(void);

/* A system clock's step state now (all zero for a manual clock or when the
 * real clock agrees with application time). */
typedef struct od_clock_state {
    int64_t ahead_ms;      /* a forward step not believed yet */
    int64_t confirm_in_ms; /* ... believed in this many ms if it lasts */
    int64_t behind_ms;     /* after a backward step: the real clock is this far behind */
} od_clock_state;
void od_clock_state_get(const od_clock *c, od_clock_state *out);

/* Format ms as RFC 3339 UTC with milliseconds: "2026-11-21T08:43:00.000Z".
 * buf must hold OD_TIME_STR_MAX bytes.  Returns buf. */
#define OD_TIME_STR_MAX 32
char *od_time_format(int64_t ms, char buf[OD_TIME_STR_MAX]);
/* Parse RFC 3339 ("2026-11-21T08:43:00Z", optional fraction, "Z" or
 * "+08:00").  Returns false on anything else (trailing text included). */
bool od_time_parse(const char *s, int64_t *out_ms);

#endif
