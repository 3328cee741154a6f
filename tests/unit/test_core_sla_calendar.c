/* test_core_sla_calendar.c — availability on a service calendar that is not
 * 24×7 (R-SLA-1, R-SLA-5; modules-spec §M4.2 "each service with an
 * availability target and calendar"), by table: only the minutes inside the
 * service's hours count, for the period and for every outage; boundaries 1 ms
 * before and at the opening and the closing; holidays and 调休 make-up
 * working days; an outage wholly outside the hours is no outage (count,
 * MTBF); overlaps; a planned overrun and degraded time measured the same
 * way; the period's own edges; and the same outage on 24×7 for contrast.
 * Incident clocks on the same calendar: response and restore (and MTTA /
 * MTTR) count working time only, met at the target and breached 1 ms past
 * it, pending while the working time elapsed is within it; handling (seed
 * 000) stays wall time.
 *
 * The calendar is the business calendar of policy/default.yaml (Mon–Fri
 * 09:00–17:30, UTC+8, 2026 list): the week 2026-05-04 (Mon) – 05-11 has
 * Mon 05-04 and Tue 05-05 as 劳动节 holidays and Sat 05-09 as a 调休 working
 * day, so it has 4 working days: T = 4 × 510 min = 122 400 000 ms. */
#include "cal_fixture.h"
#include "core/service_level.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define T_WEEK (4 * 510 * MIN_MS)

/* 2026-05-DD hh:mm (UTC+8) + ms */
static int64_t may(int d, int h, int mi, int64_t ms)
{
    return loc(2026, 5, d, h, mi) + ms;
}

typedef struct row {
    const char *name;
    od_outage o[3];
    size_t n;
    bool wall;          /* 24×7 instead of the business calendar */
    int64_t a, b;       /* 0, 0 = the week */
    int32_t degraded;   /* permille */
    int64_t T, U, D, P; /* period, unplanned, degraded, planned */
    size_t outages;
    int64_t ppm;
} row;

#define UNP(s, e)                                                                                            \
    {                                                                                                        \
        (s), (e), OD_OUTAGE_UNPLANNED, false, 0, 0                                                           \
    }

static void test_calendar_availability(void **state)
{
    (void)state;
    const row rows[] = {
        {"none", {{0}}, 0, false, 0, 0, 0, T_WEEK, 0, 0, 0, 0, 1000000},
        {"inside hours: Wed 10:00-11:00",
         {UNP(may(6, 10, 0, 0), may(6, 11, 0, 0))},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         HOUR_MS,
         0,
         0,
         1,
         970588},
        {"ends at the opening",
         {UNP(may(6, 8, 0, 0), may(6, 9, 0, 0))},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         0,
         0,
         0,
         0,
         1000000},
        {"ends 1 ms after the opening",
         {UNP(may(6, 8, 0, 0), may(6, 9, 0, 1))},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         1,
         0,
         0,
         1,
         999999},
        {"starts 1 ms before the closing",
         {UNP(may(6, 17, 29, 59999), may(6, 18, 0, 0))},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         1,
         0,
         0,
         1,
         999999},
        {"starts at the closing",
         {UNP(may(6, 17, 30, 0), may(6, 18, 0, 0))},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         0,
         0,
         0,
         0,
         1000000},
        {"on a holiday (Tue 05-05)",
         {UNP(may(5, 10, 0, 0), may(5, 12, 0, 0))},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         0,
         0,
         0,
         0,
         1000000},
        {"on a Sunday",
         {UNP(may(10, 10, 0, 0), may(10, 12, 0, 0))},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         0,
         0,
         0,
         0,
         1000000},
        {"holiday into a working day: Tue 16:00 - Wed 10:00",
         {UNP(may(5, 16, 0, 0), may(6, 10, 0, 0))},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         HOUR_MS,
         0,
         0,
         1,
         970588},
        {"Fri 17:00 - Sat 10:00, Saturday a make-up working day",
         {UNP(may(8, 17, 0, 0), may(9, 10, 0, 0))},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         90 * MIN_MS,
         0,
         0,
         1,
         955882},
        {"overlap counted once: Wed 10-12 and 11-13",
         {UNP(may(6, 10, 0, 0), may(6, 12, 0, 0)), UNP(may(6, 11, 0, 0), may(6, 13, 0, 0))},
         2,
         false,
         0,
         0,
         0,
         T_WEEK,
         3 * HOUR_MS,
         0,
         0,
         1,
         911764},
        {"two outages and one outside the hours (not an outage)",
         {UNP(may(6, 10, 0, 0), may(6, 11, 0, 0)), UNP(may(7, 10, 0, 0), may(7, 11, 0, 0)),
          UNP(may(10, 10, 0, 0), may(10, 11, 0, 0))},
         3,
         false,
         0,
         0,
         0,
         T_WEEK,
         2 * HOUR_MS,
         0,
         0,
         2,
         941176},
        {"planned 16:00-18:00, window 16:00-17:00: overrun 17:00-17:30 counts",
         {{may(6, 16, 0, 0), may(6, 18, 0, 0), OD_OUTAGE_PLANNED, false, may(6, 16, 0, 0), may(6, 17, 0, 0)}},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         30 * MIN_MS,
         0,
         HOUR_MS,
         1,
         985294},
        {"degraded 17:00-19:00 at 50 %: 30 min degraded, 15 min downtime",
         {{may(6, 17, 0, 0), may(6, 19, 0, 0), OD_OUTAGE_DEGRADED, false, 0, 0}},
         1,
         false,
         0,
         0,
         500,
         T_WEEK,
         0,
         30 * MIN_MS,
         0,
         0,
         992647},
        {"a drill never counts",
         {{may(6, 10, 0, 0), may(6, 11, 0, 0), OD_OUTAGE_UNPLANNED, true, 0, 0}},
         1,
         false,
         0,
         0,
         0,
         T_WEEK,
         0,
         0,
         0,
         0,
         1000000},
        {"period inside the hours: [Wed 10:00, 10:30), outage 09:00-11:00",
         {UNP(may(6, 9, 0, 0), may(6, 11, 0, 0))},
         1,
         false,
         may(6, 10, 0, 0),
         may(6, 10, 30, 0),
         0,
         30 * MIN_MS,
         30 * MIN_MS,
         0,
         0,
         1,
         0},
        {"period outside the hours: [Wed 17:30, Thu 09:00), nothing counts",
         {UNP(may(6, 18, 0, 0), may(6, 19, 0, 0))},
         1,
         false,
         may(6, 17, 30, 0),
         may(7, 9, 0, 0),
         0,
         0,
         0,
         0,
         0,
         0,
         1000000},
        {"period ends 1 ms after the opening",
         {UNP(may(7, 8, 0, 0), may(7, 12, 0, 0))},
         1,
         false,
         may(6, 17, 30, 0),
         may(7, 9, 0, 1),
         0,
         1,
         1,
         0,
         0,
         1,
         0},
        {"24x7 for contrast: the holiday outage counts",
         {UNP(may(5, 10, 0, 0), may(5, 12, 0, 0))},
         1,
         true,
         0,
         0,
         0,
         7 * 24 * HOUR_MS,
         2 * HOUR_MS,
         0,
         0,
         1,
         988095},
    };
    od_calendar biz;
    cal_business(&biz, false);
    for (size_t i = 0; i < N(rows); i++) {
        const row *r = &rows[i];
        od_sla_targets t = {.availability_ppm = 995000, .degraded_permille = r->degraded};
        od_span scratch[9];
        od_avail v;
        int64_t a = r->a ? r->a : may(4, 0, 0, 0), b = r->b ? r->b : may(11, 0, 0, 0);
        if (od_availability_cal(r->o, r->n, a, b, r->wall ? NULL : &biz, &t, scratch, N(scratch), &v) !=
            OD_OK)
            fail_msg("%s: error", r->name);
        if (v.period_ms != r->T || v.unplanned_ms != r->U || v.degraded_ms != r->D || v.planned_ms != r->P ||
            v.outages != r->outages || v.avail_ppm != r->ppm)
            fail_msg("%s: T %lld U %lld D %lld P %lld outages %zu ppm %lld", r->name, (long long)v.period_ms,
                     (long long)v.unplanned_ms, (long long)v.degraded_ms, (long long)v.planned_ms, v.outages,
                     (long long)v.avail_ppm);
        /* MTBF: the working time up per outage */
        int64_t mtbf = r->outages ? (r->T - v.downtime_ms) / (int64_t)r->outages : OD_NO_TIME;
        if (v.mtbf_ms != mtbf)
            fail_msg("%s: mtbf %lld, want %lld", r->name, (long long)v.mtbf_ms, (long long)mtbf);
    }
}

/* The 24x7 calendar, given or not, is wall time: the same figures as
 * od_availability. */
static void test_24x7_is_wall_time(void **state)
{
    (void)state;
    od_calendar all;
    od_cal_init_24x7(&all);
    od_outage o[2] = {UNP(may(5, 10, 0, 0), may(5, 12, 0, 0)), UNP(may(9, 23, 0, 0), may(11, 1, 0, 0))};
    od_sla_targets t = {.availability_ppm = 995000};
    od_span s1[6], s2[6], s3[6];
    od_avail a, b, c;
    int64_t from = may(4, 0, 0, 0), to = may(11, 0, 0, 0);
    assert_int_equal(od_availability(o, 2, from, to, &t, s1, 6, &a), OD_OK);
    assert_int_equal(od_availability_cal(o, 2, from, to, &all, &t, s2, 6, &b), OD_OK);
    assert_int_equal(od_availability_cal(o, 2, from, to, NULL, &t, s3, 6, &c), OD_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_memory_equal(&a, &c, sizeof a);
    assert_int_equal(a.unplanned_ms, 2 * HOUR_MS + 25 * HOUR_MS);
    assert_int_equal(a.period_ms, 7 * 24 * HOUR_MS);
}

/* 2026-05-08 is a Friday (17:30 closing), 05-09 a make-up working Saturday,
 * 05-11 a Monday. */
static void test_calendar_clocks(void **state)
{
    (void)state;
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    od_calendar biz;
    cal_business(&biz, false);
    const int64_t fri1720 = may(8, 17, 20, 0), fri1700 = may(8, 17, 0, 0);
    struct {
        const char *name;
        od_sl_incident i;
        od_sl_metric m;
        int64_t now;
        od_sl_verdict want;
        int64_t elapsed; /* od_sl_elapsed(detected → done or now) */
    } rows[] = {
        /* response 30 min: Fri 17:20 → Sat 09:20 (make-up working day) = 10 + 20 min */
        {"response met at the target across the night",
         {.detected_at = fri1720, .engaged_at = may(9, 9, 20, 0), .cal = &biz},
         OD_SL_RESPONSE,
         may(11, 12, 0, 0),
         OD_SLV_MET,
         30 * MIN_MS},
        {"response breached 1 ms past it",
         {.detected_at = fri1720, .engaged_at = may(9, 9, 20, 1), .cal = &biz},
         OD_SL_RESPONSE,
         may(11, 12, 0, 0),
         OD_SLV_BREACHED,
         30 * MIN_MS + 1},
        {"response pending at the target (not engaged)",
         {.detected_at = fri1720, .cal = &biz},
         OD_SL_RESPONSE,
         may(9, 9, 20, 0),
         OD_SLV_PENDING,
         30 * MIN_MS},
        {"response breached 1 ms later (not engaged)",
         {.detected_at = fri1720, .cal = &biz},
         OD_SL_RESPONSE,
         may(9, 9, 20, 1),
         OD_SLV_BREACHED,
         30 * MIN_MS + 1},
        {"pending all Sunday: no working time passes",
         {.detected_at = may(9, 17, 20, 0), .cal = &biz},
         OD_SL_RESPONSE,
         may(11, 9, 0, 0),
         OD_SLV_PENDING,
         10 * MIN_MS},
        {"wall time for contrast: the same engagement breaches",
         {.detected_at = fri1720, .engaged_at = may(9, 9, 20, 0)},
         OD_SL_RESPONSE,
         may(11, 12, 0, 0),
         OD_SLV_BREACHED,
         may(9, 9, 20, 0) - fri1720},
        /* restore 2 h (ordinary): Fri 17:00 → Sat 10:30 = 30 + 90 min */
        {"restore met at 2 h of working time",
         {.detected_at = fri1700,
          .restored_at = may(9, 10, 30, 0),
          .highest_response = OD_RESP_R3,
          .cal = &biz},
         OD_SL_RESTORE,
         may(11, 12, 0, 0),
         OD_SLV_MET,
         2 * HOUR_MS},
        {"restore breached 1 ms past it",
         {.detected_at = fri1700,
          .restored_at = may(9, 10, 30, 1),
          .highest_response = OD_RESP_R3,
          .cal = &biz},
         OD_SL_RESTORE,
         may(11, 12, 0, 0),
         OD_SLV_BREACHED,
         2 * HOUR_MS + 1},
        /* handling (R3: 8 h, seed 000) stays wall time */
        {"handling is wall time",
         {.detected_at = fri1700,
          .resolved_at = may(9, 10, 30, 0),
          .initial_response = OD_RESP_R3,
          .cal = &biz},
         OD_SL_HANDLING,
         may(11, 12, 0, 0),
         OD_SLV_BREACHED,
         may(9, 10, 30, 0) - fri1700},
    };
    for (size_t k = 0; k < N(rows); k++) {
        od_sl_incident *i = &rows[k].i;
        od_sl_verdict v = od_sl_verdict_of(i, p, rows[k].m, rows[k].now);
        int64_t done = rows[k].m == OD_SL_RESPONSE  ? i->engaged_at
                       : rows[k].m == OD_SL_RESTORE ? i->restored_at
                                                    : i->resolved_at;
        int64_t el = od_sl_elapsed(i, rows[k].m, i->detected_at, done ? done : rows[k].now);
        if (v != rows[k].want || el != rows[k].elapsed)
            fail_msg("%s: verdict %s elapsed %lld, want %s %lld", rows[k].name, od_sl_verdict_key(v),
                     (long long)el, od_sl_verdict_key(rows[k].want), (long long)rows[k].elapsed);
    }
    /* MTTA / MTTR over working time: 30 min and 10 min engaged → mean 20 min */
    od_sl_incident v[2] = {
        {.detected_at = fri1720,
         .engaged_at = may(9, 9, 20, 0),
         .restored_at = may(9, 10, 50, 0),
         .cal = &biz},
        {.detected_at = may(11, 9, 0, 0),
         .engaged_at = may(11, 9, 10, 0),
         .restored_at = may(11, 9, 30, 0),
         .cal = &biz},
    };
    int64_t scratch[2];
    od_sl_stats a = od_sl_measure_of(v, 2, OD_SL_MTTA, -1, -1, scratch);
    assert_int_equal(a.n, 2);
    assert_int_equal(a.mean_ms, 20 * MIN_MS);
    od_sl_stats r = od_sl_measure_of(v, 2, OD_SL_MTTR, -1, -1, scratch);
    assert_int_equal(r.mean_ms, (2 * HOUR_MS + 30 * MIN_MS) / 2); /* 2 h and 30 min */
    od_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_availability),
        cmocka_unit_test(test_24x7_is_wall_time),
        cmocka_unit_test(test_calendar_clocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
