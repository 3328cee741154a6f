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

int64_t od_due_notice_at(od_due_notice n, int64_t due_at, int lead_days)
{
    if (due_at <= 0)
        return 0;
    switch (n) {
    case OD_DUE_SOON: {
        if (lead_days < 1 || lead_days > OD_DUE_NOTICE_LEAD_DAYS_MAX)
            lead_days = OD_DUE_NOTICE_LEAD_DAYS;
        int64_t at = due_at - (int64_t)lead_days * 86400000LL;
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

/* ---- manual scores ---- */

static const char *const item_keys[OD_DI__COUNT] = {"communication", "coordination", "command", "handling"};

const char *od_drill_item_key(od_drill_item i)
{
    return (unsigned)i < OD_DI__COUNT ? item_keys[i] : "?";
}

int od_drill_item_parse(const char *s)
{
    for (int i = 0; s && i < OD_DI__COUNT; i++)
        if (strcmp(item_keys[i], s) == 0)
            return i;
    return -1;
}

bool od_drill_score_valid(int64_t score)
{
    return score >= OD_DRILL_SCORE_MIN && score <= OD_DRILL_SCORE_MAX;
}

static bool counts(const od_drill_mscore *m)
{
    return (unsigned)m->item < OD_DI__COUNT && od_drill_score_valid(m->score) && m->user_id >= 0;
}

/* sum × 100 / n rounded half up (sum, n > 0) */
static int mean_x100(int sum, int n)
{
    return (sum * 200 + n) / (2 * n);
}

void od_drill_manual_totals(const od_drill_mscore *s, size_t n, od_drill_mtotals *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (!counts(&s[i]))
            continue;
        out->scores++;
        if (s[i].user_id == 0)
            out->per_item[s[i].item] = s[i].score; /* one per item: the last one stands */
    }
    int sum = 0;
    for (int i = 0; i < OD_DI__COUNT; i++)
        if (out->per_item[i]) {
            out->items_scored++;
            sum += out->per_item[i];
        }
    out->overall_x100 = out->items_scored ? mean_x100(sum, out->items_scored) : -1;
}

int od_drill_participant_avg(const od_drill_mscore *s, size_t n, int64_t user_id, int *count)
{
    int sum = 0, k = 0;
    for (size_t i = 0; user_id > 0 && i < n; i++)
        if (counts(&s[i]) && s[i].user_id == user_id) {
            sum += s[i].score;
            k++;
        }
    if (count)
        *count = k;
    return k ? mean_x100(sum, k) : -1;
}
