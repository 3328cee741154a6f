/* clockguard.c — the step decision and application time across steps of the
 * real clock.  See clockguard.h. */
#include "util/clockguard.h"

od_clock_step od_clock_step_check(int64_t prev_real, int64_t prev_mono, int64_t real, int64_t mono,
                                  int64_t tolerance_ms)
{
    int64_t step = (real - prev_real) - (mono - prev_mono);
    if (step > tolerance_ms)
        return (od_clock_step){OD_CLOCK_STEP_FORWARD, step};
    if (step < -tolerance_ms)
        return (od_clock_step){OD_CLOCK_STEP_BACKWARD, -step};
    return (od_clock_step){OD_CLOCK_STEP_NONE, 0};
}

void od_clock_guard_init(od_clock_guard *g, int64_t tolerance_ms, int64_t confirm_ms)
{
    *g = (od_clock_guard){0};
    g->tolerance_ms = tolerance_ms > 0 ? tolerance_ms : OD_CLOCK_STEP_TOLERANCE_MS;
    g->confirm_ms = confirm_ms > 0 ? confirm_ms : OD_CLOCK_STEP_CONFIRM_MS;
    g->pending_since = -1;
}

int64_t od_clock_guard_step(od_clock_guard *g, int64_t real, int64_t mono, od_clock_event *ev)
{
    od_clock_event none = {OD_CLOCK_EV_NONE, 0};
    if (!ev)
        ev = &none;
    *ev = none;
    if (!g->started) {
        g->started = true;
        g->app = real;
        g->mono = mono;
        return real;
    }
    if (mono < g->mono) /* a monotonic source never goes back; be safe if one does */
        mono = g->mono;
    int64_t expected = g->app + (mono - g->mono); /* application time if nothing stepped */
    od_clock_step s = od_clock_step_check(g->app, g->mono, real, mono, g->tolerance_ms);
    int64_t app = expected;
    switch (s.kind) {
    case OD_CLOCK_STEP_NONE:
        /* believe the real clock, but never go back */
        app = real > g->app ? real : g->app;
        if (g->pending_since >= 0)
            *ev = (od_clock_event){OD_CLOCK_EV_FORWARD_REVERTED, g->ahead_ms};
        else if (g->behind_ms)
            *ev = (od_clock_event){OD_CLOCK_EV_CAUGHT_UP, g->behind_ms};
        g->pending_since = -1;
        g->ahead_ms = g->behind_ms = 0;
        break;
    case OD_CLOCK_STEP_FORWARD:
        g->behind_ms = 0;
        if (g->pending_since < 0) {
            g->pending_since = mono;
            *ev = (od_clock_event){OD_CLOCK_EV_FORWARD_SEEN, s.ms};
        }
        g->ahead_ms = s.ms;
        if (mono - g->pending_since >= g->confirm_ms) {
            app = real;
            *ev = (od_clock_event){OD_CLOCK_EV_FORWARD_ACCEPTED, s.ms};
            g->pending_since = -1;
            g->ahead_ms = 0;
        }
        break;
    case OD_CLOCK_STEP_BACKWARD:
        if (!g->behind_ms)
            *ev = (od_clock_event){OD_CLOCK_EV_BACKWARD_SEEN, s.ms};
        g->pending_since = -1;
        g->ahead_ms = 0;
        g->behind_ms = s.ms;
        break;
    }
    g->app = app;
    g->mono = mono;
    return app;
}
