/* plan.c — see plan.h. */
#include "core/plan.h"

#include <string.h>

#define DAY_MS 86400000LL

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int month_days(int64_t y, int m)
{
    static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : n[m - 1];
}

int64_t od_plan_add_months(int64_t ms, int months)
{
    int64_t days = ms >= 0 ? ms / DAY_MS : -((-ms + DAY_MS - 1) / DAY_MS);
    int64_t tod = ms - days * DAY_MS;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t mi = y * 12 + (m - 1) + months;
    int64_t ny = mi >= 0 ? mi / 12 : -((-mi + 11) / 12);
    int nm = (int)(mi - ny * 12) + 1;
    int nd = d > month_days(ny, nm) ? month_days(ny, nm) : d;
    return days_from_civil(ny, nm, nd) * DAY_MS + tod;
}

int64_t od_plan_next_review(int64_t published_at, int64_t reviewed_at, int months)
{
    int64_t base = published_at > reviewed_at ? published_at : reviewed_at;
    return base > 0 ? od_plan_add_months(base, months) : 0;
}

bool od_plan_review_due(int64_t next_review_at, int64_t now)
{
    return next_review_at > 0 && now >= next_review_at;
}

const char *od_plan_trigger_key(od_plan_trigger t)
{
    switch (t) {
    case OD_PLAN_TRIG_DRILL:
        return "drill";
    case OD_PLAN_TRIG_MAJOR_RESPONSE:
        return "major_response";
    case OD_PLAN_TRIG_CI_CHANGE:
        return "ci_change";
    default:
        return "";
    }
}

int64_t od_plan_trigger_due(int64_t at, int days)
{
    if (days < 0)
        days = 0;
    if (days > OD_PLAN_TRIGGER_DAYS_MAX)
        days = OD_PLAN_TRIGGER_DAYS_MAX;
    return at + (int64_t)days * DAY_MS;
}

int64_t od_plan_review_at(int64_t published_at, int64_t reviewed_at, int months, int64_t triggered_at,
                          int64_t trigger_due)
{
    int64_t cycle = od_plan_next_review(published_at, reviewed_at, months);
    if (!cycle)
        return 0;
    int64_t base = published_at > reviewed_at ? published_at : reviewed_at;
    if (triggered_at > base && trigger_due > 0 && trigger_due < cycle)
        return trigger_due;
    return cycle;
}

int64_t od_plan_drill_due(int64_t published_at, int64_t last_drill_at, int months)
{
    return od_plan_next_review(published_at, last_drill_at, months);
}

static bool has_class(const od_plan_scope *p, const char *c)
{
    for (size_t i = 0; c && *c && i < p->n_classes; i++)
        if (p->classes[i] && strcmp(p->classes[i], c) == 0)
            return true;
    return false;
}

od_plan_match od_plan_applies(const od_plan_scope *p, const od_plan_incident *inc)
{
    for (size_t i = 0; i < inc->n_ci_ids; i++)
        for (size_t j = 0; j < p->n_ci_ids; j++)
            if (inc->ci_ids[i] == p->ci_ids[j])
                return OD_PLAN_BY_CI;
    if (has_class(p, inc->level))
        return OD_PLAN_BY_CLASS;
    for (size_t i = 0; i < inc->n_ci_categories; i++)
        if (has_class(p, inc->ci_categories[i]))
            return OD_PLAN_BY_CLASS;
    return OD_PLAN_NO_MATCH;
}

const char *od_plan_match_key(od_plan_match m)
{
    return m == OD_PLAN_BY_CI ? "ci" : m == OD_PLAN_BY_CLASS ? "class" : "";
}
