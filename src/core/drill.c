/* drill.c — see drill.h. */
#include "core/drill.h"

#include <string.h>

const char *od_drill_verdict_key(od_drill_verdict v)
{
    switch (v) {
    case OD_DV_PASS:
        return "pass";
    case OD_DV_FAIL:
        return "fail";
    case OD_DV_NA:
        return "n/a";
    default:
        return "pending";
    }
}

od_drill_verdict od_drill_judge(const od_drill_deadline *d, int64_t now)
{
    if (d->met_at == 0 && d->cancelled)
        return OD_DV_NA;
    switch (od_deadline_state_at(d->due_at, d->met_at, now)) {
    case OD_DLS_MET:
        return OD_DV_PASS;
    case OD_DLS_MET_LATE:
    case OD_DLS_MISSED:
        return OD_DV_FAIL;
    default:
        return OD_DV_PENDING;
    }
}

static bool listed(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (v[i] && strcmp(v[i], s) == 0)
            return true;
    return false;
}

void od_drill_score(const od_drill_deadline *d, size_t n, int64_t now, int64_t detected_at,
                    int64_t first_ack_at, int64_t activated_at, const char *const *planned, size_t n_planned,
                    const char *const *done, size_t n_done, od_drill_card *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        switch (od_drill_judge(&d[i], now)) {
        case OD_DV_PASS:
            out->passed++;
            break;
        case OD_DV_FAIL:
            out->failed++;
            break;
        case OD_DV_NA:
            out->not_judged++;
            break;
        default:
            out->pending++;
        }
    }
    int judged = out->passed + out->failed;
    out->score_pct = judged ? out->passed * 100 / judged : -1;
    out->to_ack_ms = first_ack_at > 0 && detected_at > 0 ? first_ack_at - detected_at : -1;
    out->to_activate_ms = activated_at > 0 && detected_at > 0 ? activated_at - detected_at : -1;
    for (size_t i = 0; i < n_planned; i++) {
        if (listed(planned, i, planned[i])) /* a step planned twice counts once */
            continue;
        out->steps_planned++;
        if (listed(done, n_done, planned[i]))
            out->steps_done++;
    }
}
