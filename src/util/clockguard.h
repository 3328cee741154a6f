/* clockguard.h — how opsdesk's application time follows a real clock that
 * can step (DESIGN.md "Time", docs/internals/architecture.md "Time").
 * Pure: no clock is read here; util/clock.c reads CLOCK_REALTIME and
 * CLOCK_BOOTTIME and feeds each reading pair to od_clock_guard_step.
 * It lives in util/ and not in core/ because util/clock.c, the only reader
 * of the system clock, is below core/ and may include only util/.
 *
 * The rules:
 * - A step of the real clock is measured against the monotonic clock: the
 *   real clock moved by a different amount than the monotonic one.
 * - A step of at most `tolerance_ms` either way is believed at once
 *   (backwards too, but application time never goes back: it waits at its
 *   last value until the real clock passes it, at most tolerance_ms).
 * - A larger backward step is never followed: application time goes on with
 *   the monotonic clock (its last value plus monotonic elapsed) until the
 *   real clock catches up with it.  Records are never dated before older
 *   ones and durations (lockouts, deadlines) keep their real length.
 * - A larger forward step is not believed at once: application time goes on
 *   with the monotonic clock.  Only if the real clock stays ahead by more
 *   than the tolerance for `confirm_ms` of monotonic time does application
 *   time jump to it.  A step corrected within that time changes nothing.
 * All times are milliseconds. */
#ifndef OD_CLOCKGUARD_H
#define OD_CLOCKGUARD_H

#include <stdbool.h>
#include <stdint.h>

#define OD_CLOCK_STEP_TOLERANCE_MS (60 * 1000LL)
#define OD_CLOCK_STEP_CONFIRM_MS (10 * 60 * 1000LL)

typedef enum od_clock_step_kind {
    OD_CLOCK_STEP_NONE,     /* within the tolerance */
    OD_CLOCK_STEP_FORWARD,  /* the real clock jumped ahead by ms */
    OD_CLOCK_STEP_BACKWARD, /* the real clock jumped back by ms */
} od_clock_step_kind;

typedef struct od_clock_step {
    od_clock_step_kind kind;
    int64_t ms; /* the size of the step (> 0), 0 for NONE */
} od_clock_step;

/* Did the real clock step between two reading pairs?  The step is
 * (real - prev_real) - (mono - prev_mono); it counts only beyond
 * tolerance_ms (a step of exactly tolerance_ms is NONE). */
od_clock_step od_clock_step_check(int64_t prev_real, int64_t prev_mono, int64_t real, int64_t mono,
                                  int64_t tolerance_ms);

typedef enum od_clock_event_kind {
    OD_CLOCK_EV_NONE,
    OD_CLOCK_EV_FORWARD_SEEN,     /* a forward step of ms, not believed yet */
    OD_CLOCK_EV_FORWARD_ACCEPTED, /* it lasted confirm_ms: application time jumped by ms */
    OD_CLOCK_EV_FORWARD_REVERTED, /* the real clock came back: nothing happened */
    OD_CLOCK_EV_BACKWARD_SEEN,    /* a backward step of ms: application time keeps going */
    OD_CLOCK_EV_CAUGHT_UP,        /* the real clock is back within the tolerance */
} od_clock_event_kind;

typedef struct od_clock_event {
    od_clock_event_kind kind;
    int64_t ms;
} od_clock_event;

typedef struct od_clock_guard {
    int64_t tolerance_ms, confirm_ms;
    bool started;
    int64_t app, mono;     /* the last application time and the monotonic reading it belongs to */
    int64_t pending_since; /* monotonic ms when the pending forward step was seen; -1 none */
    int64_t ahead_ms;      /* pending forward step: real clock ahead of application time */
    int64_t behind_ms;     /* after a backward step: real clock behind application time */
} od_clock_guard;

/* A guard with the given limits (<= 0: the defaults above). */
void od_clock_guard_init(od_clock_guard *g, int64_t tolerance_ms, int64_t confirm_ms);
/* Application time for one reading pair (real: Unix ms; mono: any
 * monotonic ms that does not step).  Never less than the value it returned
 * before.  *ev (may be NULL) says what changed, for the log. */
int64_t od_clock_guard_step(od_clock_guard *g, int64_t real, int64_t mono, od_clock_event *ev);

#endif
