/* sla_clock.c — transitions and figures of one clock instance
 * (sla_clock.h).  Pure: no I/O, no clock, no allocation, no state. */
#include "core/sla_clock.h"

#include <string.h>

static const char *const state_keys[] = {"none", "running", "paused", "stopped", "cancelled"};
static const char *const op_keys[OD_SLA_OP__COUNT] = {"none", "start", "pause", "resume", "stop", "cancel"};

const char *od_sla_state_key(od_sla_state s)
{
    return (unsigned)s < sizeof state_keys / sizeof *state_keys ? state_keys[s] : "?";
}

const char *od_sla_op_key(od_sla_op op)
{
    return (unsigned)op < OD_SLA_OP__COUNT ? op_keys[op] : "?";
}

int od_sla_op_parse(const char *s)
{
    for (int i = 1; i < OD_SLA_OP__COUNT; i++)
        if (s && strcmp(s, op_keys[i]) == 0)
            return i;
    return -1;
}

static int64_t due_of(const od_sla_clock *k, const od_calendar *cal)
{
    if (k->state != OD_SLA_RUNNING || k->target_ms <= 0)
        return OD_NO_TIME;
    return od_cal_add(cal, k->started_at, k->target_ms + k->paused_total_ms);
}

bool od_sla_observe(od_sla_clock *k, int64_t now)
{
    if (k->breached_at == 0 && k->state == OD_SLA_RUNNING && k->due_at != OD_NO_TIME && now >= k->due_at)
        k->breached_at = k->due_at;
    return k->breached_at != 0;
}

od_err od_sla_apply(od_sla_clock *k, const od_calendar *cal, od_sla_op op, int64_t now)
{
    switch (op) {
    case OD_SLA_OP_START:
        if (k->state != OD_SLA_NONE)
            return OD_E_CONFLICT;
        k->state = OD_SLA_RUNNING;
        k->started_at = now;
        k->paused_at = k->paused_total_ms = k->stopped_at = 0;
        k->breached_at = 0;
        break;
    case OD_SLA_OP_PAUSE:
        if (k->state != OD_SLA_RUNNING)
            return OD_E_CONFLICT;
        od_sla_observe(k, now);
        k->state = OD_SLA_PAUSED;
        k->paused_at = now;
        break;
    case OD_SLA_OP_RESUME:
        if (k->state != OD_SLA_PAUSED)
            return OD_E_CONFLICT;
        k->paused_total_ms += od_cal_between(cal, k->paused_at, now);
        k->paused_at = 0;
        k->state = OD_SLA_RUNNING;
        break;
    case OD_SLA_OP_STOP:
    case OD_SLA_OP_CANCEL:
        if (k->state != OD_SLA_RUNNING && k->state != OD_SLA_PAUSED)
            return OD_E_CONFLICT;
        if (k->state == OD_SLA_RUNNING) {
            od_sla_observe(k, now);
        } else {
            k->paused_total_ms += od_cal_between(cal, k->paused_at, now);
            k->paused_at = 0;
        }
        k->state = op == OD_SLA_OP_STOP ? OD_SLA_STOPPED : OD_SLA_CANCELLED;
        k->stopped_at = now;
        break;
    default:
        return OD_E_INVALID;
    }
    k->due_at = due_of(k, cal);
    return OD_OK;
}

od_err od_sla_retarget(od_sla_clock *k, const od_calendar *cal, int64_t target_ms)
{
    if (k->state == OD_SLA_NONE || target_ms < 0)
        return OD_E_CONFLICT;
    k->target_ms = target_ms;
    k->due_at = due_of(k, cal);
    return OD_OK;
}

od_err od_sla_move(od_sla_clock *k, const od_calendar *cal, int64_t old_at, int64_t new_at, bool *moved)
{
    *moved = false;
    if (k->state == OD_SLA_NONE || old_at == new_at)
        return OD_OK;
    od_sla_clock n = *k;
    bool ended = k->state == OD_SLA_STOPPED || k->state == OD_SLA_CANCELLED;
    if (n.started_at == old_at)
        n.started_at = new_at;
    if (ended && n.stopped_at == old_at)
        n.stopped_at = new_at;
    if (n.started_at == k->started_at && n.stopped_at == k->stopped_at)
        return OD_OK;
    if ((k->state == OD_SLA_PAUSED && n.started_at > n.paused_at) || (ended && n.started_at > n.stopped_at))
        return OD_E_CONFLICT;
    n.due_at = due_of(&n, cal);
    *k = n;
    *moved = true;
    return OD_OK;
}

int64_t od_sla_elapsed(const od_sla_clock *k, const od_calendar *cal, int64_t now)
{
    int64_t end;
    switch (k->state) {
    case OD_SLA_RUNNING:
        end = now;
        break;
    case OD_SLA_PAUSED:
        end = k->paused_at;
        break;
    case OD_SLA_STOPPED:
    case OD_SLA_CANCELLED:
        end = k->stopped_at;
        break;
    default:
        return 0;
    }
    int64_t e = od_cal_between(cal, k->started_at, end) - k->paused_total_ms;
    return e > 0 ? e : 0;
}

int64_t od_sla_permille(const od_sla_clock *k, const od_calendar *cal, int64_t now)
{
    if (k->target_ms <= 0)
        return 0;
    return od_sla_elapsed(k, cal, now) * 1000 / k->target_ms;
}

int64_t od_sla_threshold_at(const od_sla_clock *k, const od_calendar *cal, int pct)
{
    if (k->state != OD_SLA_RUNNING || k->target_ms <= 0 || pct <= 0)
        return OD_NO_TIME;
    int64_t need = (k->target_ms * pct + 99) / 100;
    return od_cal_add(cal, k->started_at, need + k->paused_total_ms);
}
