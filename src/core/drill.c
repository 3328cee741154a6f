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

/* ---- due notices ---- */

static const char *const notice_keys[OD_DUE__COUNT] = {"soon", "due"};

const char *od_due_notice_key(od_due_notice n)
{
    return (unsigned)n < OD_DUE__COUNT ? notice_keys[n] : "?";
}

int od_due_notice_parse(const char *s)
{
    for (int i = 0; s && i < OD_DUE__COUNT; i++)
        if (strcmp(notice_keys[i], s) == 0)
            return i;
    return -1;
}

int64_t od_due_notice_at(od_due_notice n, int64_t due_at)
{
    if (due_at <= 0)
        return 0;
    switch (n) {
    case OD_DUE_SOON: {
        int64_t at = due_at - (int64_t)OD_DUE_NOTICE_LEAD_DAYS * 86400000LL;
        return at > 0 ? at : 1;
    }
    case OD_DUE_NOW:
        return due_at;
    default:
        return 0;
    }
}

bool od_due_notice_fires(int64_t fire_at, int64_t now)
{
    return fire_at > 0 && now >= fire_at;
}
