/* regrade.c — the regrade plan (R-INC-4, R-ESC-3, R-NOT-1); see regrade.h.
 * Levels: a lower enum value is a higher (more serious) level. */
#include "regrade.h"

#include "core/incident.h"

od_err od_regrade_plan(const od_regrade_in *in, od_regrade_decision *out, od_error *e)
{
    od_resp target = in->explicit_resp >= 0 ? (od_resp)in->explicit_resp : in->by_time;
    *out = (od_regrade_decision){.target = target};
    if (od_regrade_needs_reason(in->old_level, in->ci_level, in->old_resp, target) && !in->reason_given)
        return od_error_set(e, OD_E_UNPROCESSABLE, "reason",
                            "降低级别必须说明理由 (lowering a level needs a reason)");
    if (in->explicit_resp >= 0 && target > in->by_time)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "response_level",
            "响应级别不能低于分级和时限规则给出的 %s (response level cannot be below %s given by the rules)",
            od_resp_key(in->by_time), od_resp_key(in->by_time));
    out->raise = target < in->old_resp;
    out->record_change = !out->raise && target != in->old_resp;
    out->notify_new_level = in->new_level < in->old_level && in->first_reported;
    od_resp clock = in->new_matrix;
    bool carried = in->old_clock < in->old_matrix;
    if (carried && target <= in->old_resp)
        clock = od_clock_after_raise(clock, in->old_clock);
    if (out->raise && in->explicit_resp >= 0)
        clock = od_clock_after_raise(clock, target);
    out->clock = clock;
    return OD_OK;
}
