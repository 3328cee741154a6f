/* sla_clock.h — one clock instance of a record (modules-spec §1.4), the
 * ServiceNow task_sla model: a target in working time on a calendar,
 * started, paused and resumed, stopped or cancelled; due_at recomputed on
 * every change; breached_at frozen once set; 50/75/100 % thresholds as
 * instants for rows in the deadline scheduler.  Pure: every transition takes
 * `now` and the calendar and returns the new value; no I/O, no clock, no
 * allocation.
 *
 * Elapsed time is working time on the clock's calendar:
 *   elapsed(t) = between(started_at, end) - paused_total_ms
 * where end = t (running), paused_at (paused) or stopped_at (stopped /
 * cancelled), and paused_total_ms is the working time spent paused.  While
 * running, due_at = add(started_at, target_ms + paused_total_ms): the
 * instant elapsed reaches the target.  While paused, stopped or cancelled
 * due_at = OD_NO_TIME (nothing is due).  A target of 0 means "no target"
 * (P5): never due, never breached, no thresholds.
 *
 *            start            pause              stop
 *   (none) --------> running <------> paused ----------> stopped
 *                       |     resume    |
 *                       +------+--------+--- cancel ---> cancelled
 *                              +---------------- stop -> stopped
 */
#ifndef OD_CORE_SLA_CLOCK_H
#define OD_CORE_SLA_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"
#include "util/err.h"

#define OD_SLA_THRESHOLDS_MAX 4

typedef enum od_sla_state {
    OD_SLA_NONE = 0, /* not started */
    OD_SLA_RUNNING,
    OD_SLA_PAUSED,
    OD_SLA_STOPPED,
    OD_SLA_CANCELLED,
} od_sla_state;

typedef enum od_sla_op {
    OD_SLA_OP_NONE = 0,
    OD_SLA_OP_START,
    OD_SLA_OP_PAUSE,
    OD_SLA_OP_RESUME,
    OD_SLA_OP_STOP,
    OD_SLA_OP_CANCEL,
    OD_SLA_OP__COUNT
} od_sla_op;

typedef struct od_sla_clock {
    int64_t target_ms; /* working ms; 0 = no target */
    od_sla_state state;
    int64_t started_at, paused_at, paused_total_ms, stopped_at;
    int64_t due_at;      /* OD_NO_TIME when nothing is due */
    int64_t breached_at; /* 0 = not breached; frozen once set */
} od_sla_clock;

const char *od_sla_state_key(od_sla_state s); /* "running" … */
const char *od_sla_op_key(od_sla_op op);      /* "start" … */
int od_sla_op_parse(const char *s);           /* -1 if unknown */

/* Applies op at now.  OD_E_CONFLICT when the op does not apply to the
 * clock's state (pause a paused clock, resume a running one, anything on a
 * stopped or cancelled clock, start a started one); the clock is unchanged
 * then.  A stop or pause at or after due_at first records the breach. */
OD_NODISCARD od_err od_sla_apply(od_sla_clock *k, const od_calendar *cal, od_sla_op op, int64_t now);
/* A new target (re-prioritized): keeps started_at and paused_total_ms, so
 * pause time is not lost, and recomputes due_at; a recorded breach stays
 * even when the new target lies later.  Any state except none. */
OD_NODISCARD od_err od_sla_retarget(od_sla_clock *k, const od_calendar *cal, int64_t target_ms);
/* A corrected time (a record's time field moved from old_at to new_at,
 * docs/internals/kernel.md "Time corrections"): a clock that started at
 * old_at starts at new_at, one stopped or cancelled at old_at stops at
 * new_at, and due_at is recomputed (pause time kept); a recorded breach
 * stays frozen.  *moved: whether anything changed.  OD_E_CONFLICT, the
 * clock unchanged, when the move would put the start after the pause or the
 * stop (or the stop before the start). */
OD_NODISCARD od_err od_sla_move(od_sla_clock *k, const od_calendar *cal, int64_t old_at, int64_t new_at,
                                bool *moved);
/* Records the breach if the clock is running and now >= due_at (what the
 * scheduler calls when the 100 % row fires).  Returns whether the clock is
 * breached (now or before). */
bool od_sla_observe(od_sla_clock *k, int64_t now);

/* Working ms elapsed (pauses excluded) at now. */
int64_t od_sla_elapsed(const od_sla_clock *k, const od_calendar *cal, int64_t now);
/* Elapsed as per mille of the target at now (0 when no target), so
 * 1 ms before 50 % reads 499 and at it 500. */
int64_t od_sla_permille(const od_sla_clock *k, const od_calendar *cal, int64_t now);
/* The instant the running clock reaches pct % of its target: elapsed ==
 * ceil(target × pct / 100).  OD_NO_TIME when the clock is not running or
 * has no target. */
int64_t od_sla_threshold_at(const od_sla_clock *k, const od_calendar *cal, int pct);

#endif
