/* test_core_report_def.c — O&M report definitions and their periods
 * (core/report_def.c; modules-spec §1.10, §M4.4, §M4.5; R-SLA-2, R-SLA-6):
 * week, month, quarter and year bounds in Beijing time; the run in force
 * 1 ms before and at each generation time (first day; first working day on
 * the 2026 business calendar: 元旦 on 1-3 Jan and the 调休 Sunday 4 Jan,
 * 劳动节 1-5 May, 国庆 1-7 Oct; a month starting on a Sunday); the built-in
 * definitions; the section catalog against SECTIONS[] of the app. */
#include "app/om_reports.h"
#include "cal_fixture.h"
#include "core/report_def.h"
#include "core/service_level.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int32_t day(int y, int m, int d)
{
    return od_cal_days_from_civil(y, m, d);
}

static void test_period_bounds(void **state)
{
    (void)state;
    const struct {
        od_rperiod p;
        int y, m, d;    /* a local day */
        int sy, sm, sd; /* the start of its period */
        int ny, nm, nd; /* the start of the next */
        int py, pm, pd; /* the start of the one before */
    } rows[] = {
        {OD_RPERIOD_WEEK, 2026, 1, 1, 2025, 12, 29, 2026, 1, 5, 2025, 12, 22},
        {OD_RPERIOD_WEEK, 2026, 1, 4, 2025, 12, 29, 2026, 1, 5, 2025, 12, 22},
        {OD_RPERIOD_WEEK, 2026, 1, 5, 2026, 1, 5, 2026, 1, 12, 2025, 12, 29},
        {OD_RPERIOD_MONTH, 2028, 2, 29, 2028, 2, 1, 2028, 3, 1, 2028, 1, 1},
        {OD_RPERIOD_MONTH, 2026, 12, 31, 2026, 12, 1, 2027, 1, 1, 2026, 11, 1},
        {OD_RPERIOD_QUARTER, 2026, 3, 31, 2026, 1, 1, 2026, 4, 1, 2025, 10, 1},
        {OD_RPERIOD_QUARTER, 2026, 4, 1, 2026, 4, 1, 2026, 7, 1, 2026, 1, 1},
        {OD_RPERIOD_QUARTER, 2026, 9, 30, 2026, 7, 1, 2026, 10, 1, 2026, 4, 1},
        {OD_RPERIOD_QUARTER, 2026, 12, 31, 2026, 10, 1, 2027, 1, 1, 2026, 7, 1},
        {OD_RPERIOD_QUARTER, 2027, 1, 1, 2027, 1, 1, 2027, 4, 1, 2026, 10, 1},
        {OD_RPERIOD_YEAR, 2026, 12, 31, 2026, 1, 1, 2027, 1, 1, 2025, 1, 1},
        {OD_RPERIOD_YEAR, 2028, 2, 29, 2028, 1, 1, 2029, 1, 1, 2027, 1, 1},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int32_t s = od_rperiod_start(rows[i].p, day(rows[i].y, rows[i].m, rows[i].d));
        assert_int_equal(s, day(rows[i].sy, rows[i].sm, rows[i].sd));
        assert_int_equal(od_rperiod_next(rows[i].p, s), day(rows[i].ny, rows[i].nm, rows[i].nd));
        assert_int_equal(od_rperiod_prev(rows[i].p, s), day(rows[i].py, rows[i].pm, rows[i].pd));
    }
    assert_int_equal(od_rperiod_parse("quarter"), OD_RPERIOD_QUARTER);
    assert_int_equal(od_rperiod_parse("day"), -1);
    assert_string_equal(od_rperiod_key(OD_RPERIOD_YEAR), "year");
    assert_int_equal(od_rsched_day_parse("first_working_day"), OD_RSCHED_FIRST_WORKING_DAY);
    assert_int_equal(od_rsched_day_parse("monday"), -1);
    assert_int_equal(od_rperiod_catchup(OD_RPERIOD_WEEK), 53);
    assert_int_equal(od_rperiod_catchup(OD_RPERIOD_MONTH), 12);
    assert_int_equal(od_rperiod_catchup(OD_RPERIOD_QUARTER), 4);
    assert_int_equal(od_rperiod_catchup(OD_RPERIOD_YEAR), 1);
}

/* The run in force 1 ms before and at each generation time. */
static void test_period_at(void **state)
{
    (void)state;
    od_report_def defs[OD_RDEF_MAX];
    assert_int_equal(od_report_defs_default(defs), 4);
    od_calendar *biz = malloc(sizeof *biz);
    assert_non_null(biz);
    cal_business(biz, false);
    const struct {
        const char *name;
        int def;  /* 0 weekly, 1 monthly, 2 quarterly, 3 annual */
        bool cal; /* on the business calendar (else 24x7) */
        int y, m, d, h, mi;
        int64_t ms;                 /* added to the local time */
        int sy, sm, sd, ey, em, ed; /* the period reported on, [start, end) */
        int gy, gm, gd;             /* the day of its generation, at 08:00 */
    } rows[] = {
        {"weekly at Monday 08:00", 0, false, 2027, 6, 7, 8, 0, 0, 2027, 5, 31, 2027, 6, 7, 2027, 6, 7},
        {"weekly 1 ms before", 0, false, 2027, 6, 7, 8, 0, -1, 2027, 5, 24, 2027, 5, 31, 2027, 5, 31},
        {"monthly 24x7 at the 1st 08:00", 1, false, 2027, 7, 1, 8, 0, 0, 2027, 6, 1, 2027, 7, 1, 2027, 7, 1},
        {"monthly 24x7 1 ms before", 1, false, 2027, 7, 1, 8, 0, -1, 2027, 5, 1, 2027, 6, 1, 2027, 6, 1},
        {"monthly: Feb 2026 starts on a Sunday; 08:00 Mon 2 Feb, before its 09:00 hours", 1, true, 2026, 2, 2,
         8, 0, 0, 2026, 1, 1, 2026, 2, 1, 2026, 2, 2},
        {"monthly: 2 Feb 1 ms before its hours open at 09:00: generated at 08:00", 1, true, 2026, 2, 2, 9, 0,
         -1, 2026, 1, 1, 2026, 2, 1, 2026, 2, 2},
        {"monthly: 1 ms before Monday 2 Feb", 1, true, 2026, 2, 2, 8, 0, -1, 2025, 12, 1, 2026, 1, 1, 2026, 1,
         4},
        {"monthly: 1 Feb (Sunday) is no working day", 1, true, 2026, 2, 1, 12, 0, 0, 2025, 12, 1, 2026, 1, 1,
         2026, 1, 4},
        {"monthly: May 2026 after 劳动节 (6 May)", 1, true, 2026, 5, 6, 8, 0, 0, 2026, 4, 1, 2026, 5, 1, 2026,
         5, 6},
        {"monthly: 1 ms before 6 May", 1, true, 2026, 5, 6, 8, 0, -1, 2026, 3, 1, 2026, 4, 1, 2026, 4, 1},
        {"quarterly 24x7 at 1 Apr 08:00", 2, false, 2026, 4, 1, 8, 0, 0, 2026, 1, 1, 2026, 4, 1, 2026, 4, 1},
        {"quarterly 24x7 1 ms before", 2, false, 2026, 4, 1, 8, 0, -1, 2025, 10, 1, 2026, 1, 1, 2026, 1, 1},
        {"quarterly: Q1 2026 from the 调休 Sunday 4 Jan", 2, true, 2026, 1, 4, 8, 0, 0, 2025, 10, 1, 2026, 1,
         1, 2026, 1, 4},
        {"quarterly: 1 ms before 4 Jan 08:00", 2, true, 2026, 1, 4, 8, 0, -1, 2025, 7, 1, 2025, 10, 1, 2025,
         10, 1},
        {"quarterly: 1 Jan 2026 is 元旦", 2, true, 2026, 1, 1, 8, 0, 0, 2025, 7, 1, 2025, 10, 1, 2025, 10, 1},
        {"quarterly: Q4 from 8 Oct after 国庆", 2, true, 2026, 10, 8, 8, 0, 0, 2026, 7, 1, 2026, 10, 1, 2026,
         10, 8},
        {"quarterly: 1 ms before 8 Oct 08:00", 2, true, 2026, 10, 8, 8, 0, -1, 2026, 4, 1, 2026, 7, 1, 2026,
         7, 1},
        {"quarterly: the end of a quarter", 2, true, 2026, 12, 31, 23, 59, 59999, 2026, 7, 1, 2026, 10, 1,
         2026, 10, 8},
        {"annual 24x7 at 1 Jan 08:00", 3, false, 2027, 1, 1, 8, 0, 0, 2026, 1, 1, 2027, 1, 1, 2027, 1, 1},
        {"annual 24x7 1 ms before", 3, false, 2027, 1, 1, 8, 0, -1, 2025, 1, 1, 2026, 1, 1, 2026, 1, 1},
        {"annual: 2025 from the 调休 Sunday 4 Jan 2026", 3, true, 2026, 1, 4, 8, 0, 0, 2025, 1, 1, 2026, 1, 1,
         2026, 1, 4},
        {"annual: 1 ms before", 3, true, 2026, 1, 4, 8, 0, -1, 2024, 1, 1, 2025, 1, 1, 2025, 1, 1},
        {"annual: Jan 2 2026 is still 元旦", 3, true, 2026, 1, 2, 12, 0, 0, 2024, 1, 1, 2025, 1, 1, 2025, 1,
         1},
        {"annual: 2027 has no holiday list: Friday 1 Jan works", 3, true, 2027, 1, 1, 8, 0, 0, 2026, 1, 1,
         2027, 1, 1, 2027, 1, 1},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t start, end, gen;
        int64_t now = loc(rows[i].y, rows[i].m, rows[i].d, rows[i].h, rows[i].mi) + rows[i].ms;
        od_report_def_period_at(&defs[rows[i].def], rows[i].cal ? biz : NULL, now, 480, &start, &end, &gen);
        print_message("%s\n", rows[i].name);
        assert_int_equal(start, loc(rows[i].sy, rows[i].sm, rows[i].sd, 0, 0));
        assert_int_equal(end, loc(rows[i].ey, rows[i].em, rows[i].ed, 0, 0));
        assert_int_equal(gen, loc(rows[i].gy, rows[i].gm, rows[i].gd, 8, 0));
        assert_true(gen <= now);
    }
    /* a calendar without working hours: the first day */
    od_calendar none;
    memset(&none, 0, sizeof none);
    none.utc_offset_min = 480;
    assert_int_equal(od_report_gen_day(&defs[2], &none, day(2026, 4, 1)), day(2026, 4, 1));
    /* first_day ignores the calendar */
    assert_int_equal(od_report_gen_day(&defs[0], biz, day(2026, 1, 5)), day(2026, 1, 5));
    free(biz);
}

static void test_defaults(void **state)
{
    (void)state;
    od_report_def defs[OD_RDEF_MAX];
    size_t n = od_report_defs_default(defs);
    const char *keys[] = {"weekly", "monthly", "quarterly", "annual"};
    const char *codes[] = {"W", "M", "Q", "Y"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(defs[i].key, keys[i]);
        assert_string_equal(defs[i].code, codes[i]);
        assert_true(defs[i].scheduled);
        assert_int_equal(defs[i].sched_min, 480); /* 08:00 (modules-spec §M4.4) */
        assert_int_equal(defs[i].reviewer, -1);
        assert_int_equal(defs[i].recipients, 0);
        assert_int_equal(defs[i].file_ms, 0);
        assert_true((defs[i].required & ~defs[i].sections) == 0); /* required ⊆ sections */
    }
    assert_ptr_equal(od_report_def_find(defs, n, "quarterly"), &defs[2]);
    assert_null(od_report_def_find(defs, n, "daily"));
    assert_null(od_report_def_find(defs, n, NULL));
    assert_string_equal(defs[2].title_zh, "季度报告");
    assert_string_equal(defs[3].title_zh, "年度报告");
    assert_int_equal(defs[0].required, 1u << od_rsection_find("next_week_plan"));
    assert_int_equal(defs[1].required,
                     (1u << od_rsection_find("improvements")) | (1u << od_rsection_find("next_month_plan")));
    assert_true(defs[3].sections & (1u << od_rsection_find("trend")));
    assert_false(defs[0].sections & (1u << od_rsection_find("trend")));
}

/* Every module section the catalog names is declared in SECTIONS[] (so a
 * definition listing it gets its counts). */
static void test_catalog_against_sections(void **state)
{
    (void)state;
    size_t nc = 0, ns = 0;
    const od_rsection_info *cat = od_rsection_catalog(&nc);
    const od_report_section *secs = od_report_sections(&ns);
    assert_true(nc <= OD_RSECTIONS_MAX);
    for (size_t i = 0; i < nc; i++) {
        assert_int_equal(od_rsection_find(cat[i].key), (int)i);
        if (cat[i].type != OD_RSEC_MODULE)
            continue;
        bool found = false;
        for (size_t k = 0; k < ns; k++)
            found |= !strcmp(secs[k].key, cat[i].key);
        print_message("module section %s\n", cat[i].key);
        assert_true(found);
    }
    assert_int_equal(od_rsection_find("nope"), -1);
    assert_int_equal(od_rsection_find(NULL), -1);
}

/* od_report_period_at (the weekly and monthly shape) is the built-in
 * definitions on 24x7. */
static void test_legacy_period_at(void **state)
{
    (void)state;
    int64_t s1, e1, g1;
    od_report_period_at(OD_REPORT_MONTHLY, loc(2026, 2, 1, 8, 0), 480, &s1, &e1, &g1);
    assert_int_equal(s1, loc(2026, 1, 1, 0, 0));
    assert_int_equal(g1, loc(2026, 2, 1, 8, 0));
    od_report_period_at(OD_REPORT_WEEKLY, loc(2026, 2, 2, 7, 59), 480, &s1, &e1, &g1);
    assert_int_equal(s1, loc(2026, 1, 19, 0, 0));
    assert_int_equal(e1, loc(2026, 1, 26, 0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_bounds),    cmocka_unit_test(test_period_at),
        cmocka_unit_test(test_defaults),         cmocka_unit_test(test_catalog_against_sections),
        cmocka_unit_test(test_legacy_period_at),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
