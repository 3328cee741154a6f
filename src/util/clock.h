/* clock.h — the only way opsdesk reads the time (DESIGN.md "Time").
 * A clock is either the system clock or a manual clock that tests set and
 * advance.  All times are int64_t milliseconds since the Unix epoch, UTC.
 * Thread-safe: the manual time is an atomic. */
#ifndef OD_CLOCK_H
#define OD_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct od_clock {
    bool manual;
    _Atomic int64_t now_ms; /* used when manual */
} od_clock;

void od_clock_init_system(od_clock *c);
void od_clock_init_manual(od_clock *c, int64_t start_ms);
int64_t od_clock_now(const od_clock *c);
/* Manual clocks only; ignored for the system clock. */
void od_clock_set(od_clock *c, int64_t ms);

/* Format ms as RFC 3339 UTC with milliseconds: "2026-11-21T08:43:00.000Z".
 * buf must hold OD_TIME_STR_MAX bytes.  Returns buf. */
#define OD_TIME_STR_MAX 32
char *od_time_format(int64_t ms, char buf[OD_TIME_STR_MAX]);
/* Parse RFC 3339 ("2026-11-21T08:43:00Z", optional fraction, "Z" or
 * "+08:00").  Returns false on anything else (trailing text included). */
bool od_time_parse(const char *s, int64_t *out_ms);

#endif
