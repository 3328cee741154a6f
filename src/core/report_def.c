/* report_def.c — O&M report definitions and their periods (see report_def.h). */
#include "core/report_def.h"

#include "core/calendar.h"
#include "core/policy.h"

#include <string.h>

static const char *const period_keys[OD_RPERIOD__COUNT] = {"week", "month", "quarter", "year"};
static const char *const sched_keys[OD_RSCHED__COUNT] = {"first_day", "first_working_day"};

const char *od_rperiod_key(od_rperiod p)
{
    return (unsigned)p < OD_RPERIOD__COUNT ? period_keys[p] : "?";
}

int od_rperiod_parse(const char *s)
{
    for (int i = 0; s && i < OD_RPERIOD__COUNT; i++)
        if (!strcmp(s, period_keys[i]))
            return i;
    return -1;
}

const char *od_rsched_day_key(od_rsched_day d)
{
    return (unsigned)d < OD_RSCHED__COUNT ? sched_keys[d] : "?";
}

int od_rsched_day_parse(const char *s)
{
    for (int i = 0; s && i < OD_RSCHED__COUNT; i++)
        if (!strcmp(s, sched_keys[i]))
            return i;
    return -1;
}

/* In the order shown.  A module that adds a section to SECTIONS[]
 * (app/om_reports_sections.c) appends its key here, before the manual ones
 * or after: the order of module sections follows SECTIONS[]. */
static const od_rsection_info catalog[] = {
    {"trend", OD_RSEC_AUTO, "12 个月趋势 (12-month trend)"},
    {"self_assessment", OD_RSEC_AUTO, "服务质量自评 (service-quality self-assessment)"},
    {"problems", OD_RSEC_MODULE, "问题与已知错误 (problems and known errors)"},
    {"plans", OD_RSEC_MODULE, "预案与演练 (plans and drills)"},
    {"readiness", OD_RSEC_MODULE, "应急准备 (readiness)"},
    {"next_week_plan", OD_RSEC_MANUAL, "下周运维服务规划 (next week's plan)"},
    {"quarter_summary", OD_RSEC_MANUAL, "季度工作总结 (the quarter's summary)"},
    {"annual_summary", OD_RSEC_MANUAL, "年度工作总结 (the year's summary)"},
    {"improvements", OD_RSEC_MANUAL, "优化完善建议 (optimization and improvement suggestions)"},
    {"next_month_plan", OD_RSEC_MANUAL, "下月运维服务规划 (next month's plan)"},
    {"next_quarter_plan", OD_RSEC_MANUAL, "下季度运维服务规划 (next quarter's plan)"},
    {"next_year_plan", OD_RSEC_MANUAL, "下年度运维服务规划 (next year's plan)"},
};
_Static_assert(sizeof catalog / sizeof catalog[0] <= OD_RSECTIONS_MAX, "sections are bits of a uint32_t");

const od_rsection_info *od_rsection_catalog(size_t *n)
{
    *n = sizeof catalog / sizeof catalog[0];
    return catalog;
}

int od_rsection_find(const char *key)
{
    for (size_t i = 0; key && i < sizeof catalog / sizeof catalog[0]; i++)
        if (!strcmp(catalog[i].key, key))
            return (int)i;
    return -1;
}

static uint32_t bits_of(const char *const *keys)
{
    uint32_t b = 0;
    for (; *keys; keys++) {
        int i = od_rsection_find(*keys);
        if (i >= 0)
            b |= 1u << i;
    }
    return b;
}

static void def_set(od_report_def *d, const char *key, const char *zh, const char *en, const char *code,
                    od_rperiod p, od_rsched_day day, const char *const *sections, const char *const *required)
{
    memset(d, 0, sizeof *d);
    strncpy(d->key, key, sizeof d->key - 1);
    strncpy(d->title_zh, zh, sizeof d->title_zh - 1);
    strncpy(d->title_en, en, sizeof d->title_en - 1);
    strncpy(d->code, code, sizeof d->code - 1);
    d->period = p;
    d->sections = bits_of(sections) | bits_of(required);
    d->required = bits_of(required);
    d->scheduled = true;
    d->sched_day = day;
    d->sched_min = 8 * 60;
    d->reviewer = -1;
}

size_t od_report_defs_default(od_report_def *defs)
{
    static const char *const wk_s[] = {"problems", "plans", NULL};
    static const char *const wk_m[] = {"next_week_plan", NULL};
    static const char *const mo_s[] = {"trend", "self_assessment", "problems", "plans", "readiness", NULL};
    static const char *const mo_m[] = {"improvements", "next_month_plan", NULL};
    static const char *const qu_m[] = {"quarter_summary", "improvements", "next_quarter_plan", NULL};
    static const char *const yr_m[] = {"annual_summary", "improvements", "next_year_plan", NULL};
    def_set(&defs[0], "weekly", "运维周报", "weekly O&M report", "W", OD_RPERIOD_WEEK, OD_RSCHED_FIRST_DAY,
            wk_s, wk_m);
    def_set(&defs[1], "monthly", "运维月报", "monthly O&M report", "M", OD_RPERIOD_MONTH,
            OD_RSCHED_FIRST_WORKING_DAY, mo_s, mo_m);
    def_set(&defs[2], "quarterly", "季度报告", "quarterly O&M report", "Q", OD_RPERIOD_QUARTER,
            OD_RSCHED_FIRST_WORKING_DAY, mo_s, qu_m);
    def_set(&defs[3], "annual", "年度报告", "annual O&M report", "Y", OD_RPERIOD_YEAR,
            OD_RSCHED_FIRST_WORKING_DAY, mo_s, yr_m);
    return 4;
}

const od_report_def *od_report_def_find(const od_report_def *defs, size_t n, const char *key)
{
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(defs[i].key, key))
            return &defs[i];
    return NULL;
}

int32_t od_rperiod_start(od_rperiod p, int32_t day)
{
    int y, m, d;
    if (p == OD_RPERIOD_WEEK)
        return day - od_cal_weekday(day);
    od_cal_civil_from_days(day, &y, &m, &d);
    if (p == OD_RPERIOD_MONTH)
        return od_cal_days_from_civil(y, m, 1);
    if (p == OD_RPERIOD_QUARTER)
        return od_cal_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
    return od_cal_days_from_civil(y, 1, 1);
}

static int32_t add_months(int32_t start, int months)
{
    int y, m, d;
    od_cal_civil_from_days(start, &y, &m, &d);
    int k = y * 12 + (m - 1) + months;
    int ny = k >= 0 ? k / 12 : -((-k + 11) / 12);
    return od_cal_days_from_civil(ny, k - ny * 12 + 1, 1);
}

static const int months_of[OD_RPERIOD__COUNT] = {0, 1, 3, 12};

int32_t od_rperiod_next(od_rperiod p, int32_t start)
{
    return p == OD_RPERIOD_WEEK ? start + 7 : add_months(start, months_of[p]);
}

int32_t od_rperiod_prev(od_rperiod p, int32_t start)
{
    return p == OD_RPERIOD_WEEK ? start - 7 : add_months(start, -months_of[p]);
}

int32_t od_report_gen_day(const od_report_def *d, const od_calendar *cal, int32_t start)
{
    if (d->sched_day != OD_RSCHED_FIRST_WORKING_DAY || !cal || cal->always)
        return start;
    int32_t end = od_rperiod_next(d->period, start);
    for (int32_t day = start; day < end; day++) {
        const od_cal_period *per = NULL;
        if (od_cal_day_periods(cal, day, &per) > 0)
            return day;
    }
    return start;
}

static int32_t floor_div_day(int64_t t)
{
    int64_t q = t / OD_DAY_MS;
    return (int32_t)(t % OD_DAY_MS != 0 && t < 0 ? q - 1 : q);
}

void od_report_def_period_at(const od_report_def *d, const od_calendar *cal, int64_t now, int utc_offset_min,
                             int64_t *start, int64_t *end, int64_t *gen_at)
{
    int64_t off = (int64_t)utc_offset_min * 60000, at_ms = (int64_t)d->sched_min * 60000;
    int32_t cur = od_rperiod_start(d->period, floor_div_day(now + off));
    int64_t gen = (int64_t)od_report_gen_day(d, cal, cur) * OD_DAY_MS + at_ms - off;
    if (gen > now) { /* not generated yet in this period: the run of the period before is in force */
        cur = od_rperiod_prev(d->period, cur);
        gen = (int64_t)od_report_gen_day(d, cal, cur) * OD_DAY_MS + at_ms - off;
    }
    *start = (int64_t)od_rperiod_prev(d->period, cur) * OD_DAY_MS - off;
    *end = (int64_t)cur * OD_DAY_MS - off;
    *gen_at = gen;
}

int od_rperiod_catchup(od_rperiod p)
{
    static const int n[OD_RPERIOD__COUNT] = {53, 12, 4, 1};
    return (unsigned)p < OD_RPERIOD__COUNT ? n[p] : 1;
}
