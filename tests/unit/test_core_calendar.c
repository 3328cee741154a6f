/* test_core_calendar.c — working-time arithmetic (modules-spec §1.4), by
 * table at every boundary: 1 ms before / at a period's start and end, the
 * lunch break of a two-period day, a start outside working time, "N
 * business days" (Fri 18:00 + 1 → next working day 17:30), holidays and 调休
 * working days (a Saturday and a Sunday that work), the year end, 24x7,
 * the civil-date conversions, and the 60-day warning before the loaded
 * year ends. */
#include "cal_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_civil(void **state)
{
    (void)state;
    assert_int_equal(od_cal_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(od_cal_days_from_civil(2026, 1, 1), 20454);
    assert_int_equal(od_cal_weekday(od_cal_days_from_civil(2026, 1, 1)), 3);  /* Thursday */
    assert_int_equal(od_cal_weekday(od_cal_days_from_civil(2026, 2, 14)), 5); /* Saturday */
    assert_int_equal(od_cal_weekday(od_cal_days_from_civil(1969, 12, 31)), 2);
    for (int32_t d = -800; d < 40000; d += 7) {
        int y, m, dd;
        od_cal_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(od_cal_days_from_civil(y, m, dd), d);
    }
}

static void test_is_working(void **state)
{
    (void)state;
    od_calendar c;
    cal_business(&c, true);
    static const struct {
        int mo, d, h, mi;
        int64_t delta;
        bool working;
    } rows[] = {
        {3, 9, 9, 0, -1, false},   /* Mon 1 ms before 09:00 */
        {3, 9, 9, 0, 0, true},     /* at 09:00 */
        {3, 9, 12, 0, -1, true},   /* 1 ms before the lunch break */
        {3, 9, 12, 0, 0, false},   /* at it */
        {3, 9, 13, 30, -1, false}, /* 1 ms before the afternoon */
        {3, 9, 13, 30, 0, true},   {3, 9, 17, 30, -1, true},
        {3, 9, 17, 30, 0, false},  {3, 7, 10, 0, 0, false},  /* Saturday */
        {2, 14, 10, 0, 0, true},                             /* 调休 Saturday */
        {1, 4, 9, 0, 0, true},                               /* 调休 Sunday */
        {1, 4, 9, 0, -1, false},   {2, 16, 10, 0, 0, false}, /* 春节, a Monday */
        {10, 1, 10, 0, 0, false},                            /* 国庆, a Thursday */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t t = loc(2026, rows[i].mo, rows[i].d, rows[i].h, rows[i].mi) + rows[i].delta;
        assert_int_equal(od_cal_is_working(&c, t), rows[i].working);
    }
}

typedef struct tm5 {
    int y, mo, d, h, mi;
} tm5;

static void test_add(void **state)
{
    (void)state;
    static const struct {
        const char *why;
        bool two;
        tm5 start;
        int64_t start_delta, work;
        tm5 end;
        int64_t end_delta;
    } rows[] = {
        /* clang-format off */
        {"Fri 18:00 + 1 business day = Mon 17:30", false, {2026, 3, 6, 18, 0}, 0, 510 * MIN_MS, {2026, 3, 9, 17, 30}, 0},
        {"1 ms before the start counts from 09:00", false, {2026, 3, 9, 9, 0}, -1, 1, {2026, 3, 9, 9, 0}, 1},
        {"at the start", false, {2026, 3, 9, 9, 0}, 0, 1, {2026, 3, 9, 9, 0}, 1},
        {"1 ms before the end fills the period exactly", false, {2026, 3, 9, 17, 30}, -1, 1, {2026, 3, 9, 17, 30}, 0},
        {"1 ms before the end, 2 ms go on next morning", false, {2026, 3, 9, 17, 30}, -1, 2, {2026, 3, 10, 9, 0}, 1},
        {"at the end: next morning", false, {2026, 3, 9, 17, 30}, 0, 1, {2026, 3, 10, 9, 0}, 1},
        {"zero work returns the start", false, {2026, 3, 7, 3, 0}, 0, 0, {2026, 3, 7, 3, 0}, 0},
        {"lunch: 1 ms before noon + 1 ms = noon", true, {2026, 3, 9, 12, 0}, -1, 1, {2026, 3, 9, 12, 0}, 0},
        {"lunch: 1 ms before noon + 2 ms = 13:30 + 1 ms", true, {2026, 3, 9, 12, 0}, -1, 2, {2026, 3, 9, 13, 30}, 1},
        {"from lunch, 1 h = 14:30", true, {2026, 3, 9, 12, 30}, 0, HOUR_MS, {2026, 3, 9, 14, 30}, 0},
        {"two periods: Fri 18:00 + 1 day (7 h) = Mon 17:30", true, {2026, 3, 6, 18, 0}, 0, 420 * MIN_MS, {2026, 3, 9, 17, 30}, 0},
        {"调休 Saturday works: Fri 17:00 + 1 h", false, {2026, 2, 13, 17, 0}, 0, HOUR_MS, {2026, 2, 14, 9, 30}, 0},
        {"调休 Saturday 17:00 + 1 h skips 春节", false, {2026, 2, 14, 17, 0}, 0, HOUR_MS, {2026, 2, 24, 9, 30}, 0},
        {"元旦 then 调休 Sunday", false, {2026, 1, 3, 12, 0}, 0, 30 * MIN_MS, {2026, 1, 4, 9, 30}, 0},
        {"Wed 31 Dec 2025 17:00 + 1 h skips 元旦 1–3 Jan", false, {2025, 12, 31, 17, 0}, 0, HOUR_MS, {2026, 1, 4, 9, 30}, 0},
        {"year end into an unloaded 2027 (1 Jan is a plain Friday)", false, {2026, 12, 31, 17, 0}, 0, HOUR_MS, {2027, 1, 1, 9, 30}, 0},
        {"国庆 week and the 调休 Saturday after", false, {2026, 9, 30, 17, 0}, 0, 60 * MIN_MS, {2026, 10, 8, 9, 30}, 0},
        {"Fri 9 Oct + 1 business day = 调休 Sat 10 Oct", false, {2026, 10, 9, 17, 30}, 0, 510 * MIN_MS, {2026, 10, 10, 17, 30}, 0},
        /* clang-format on */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_calendar c;
        cal_business(&c, rows[i].two);
        int64_t s =
            loc(rows[i].start.y, rows[i].start.mo, rows[i].start.d, rows[i].start.h, rows[i].start.mi) +
            rows[i].start_delta;
        int64_t e = loc(rows[i].end.y, rows[i].end.mo, rows[i].end.d, rows[i].end.h, rows[i].end.mi) +
                    rows[i].end_delta;
        int64_t got = od_cal_add(&c, s, rows[i].work);
        if (got != e)
            fail_msg("%s: got %lld, want %lld (diff %lld ms)", rows[i].why, (long long)got, (long long)e,
                     (long long)(got - e));
        /* and back: the working time between is the amount added */
        if (rows[i].work > 0)
            assert_int_equal(od_cal_between(&c, s, got), rows[i].work);
    }
}

static void test_add_days(void **state)
{
    (void)state;
    od_calendar c;
    cal_business(&c, false);
    assert_int_equal(od_cal_day_ms(&c), 510 * MIN_MS);
    assert_int_equal(od_cal_add_days(&c, loc(2026, 3, 6, 18, 0), 1), loc(2026, 3, 9, 17, 30));
    assert_int_equal(od_cal_add_days(&c, loc(2026, 3, 4, 10, 0), 2), loc(2026, 3, 6, 10, 0));
    assert_int_equal(od_cal_add_days(&c, loc(2026, 3, 6, 10, 0), 1), loc(2026, 3, 9, 10, 0));
    /* 5 business days from Thu 30 Apr 10:00: 劳动节 1–5 May, 调休 Sat 9 May */
    assert_int_equal(od_cal_add_days(&c, loc(2026, 4, 30, 10, 0), 5), loc(2026, 5, 11, 10, 0));
    assert_int_equal(od_cal_add_days(&c, loc(2026, 3, 6, 10, 0), 0), loc(2026, 3, 6, 10, 0));
    od_calendar empty = {0};
    assert_int_equal(od_cal_add_days(&empty, 0, 1), OD_NO_TIME);
    assert_int_equal(od_cal_add(&empty, 0, 1), OD_NO_TIME);
}

static void test_between(void **state)
{
    (void)state;
    od_calendar c;
    cal_business(&c, true);
    assert_int_equal(od_cal_between(&c, loc(2026, 3, 6, 17, 0), loc(2026, 3, 9, 10, 0)), 90 * MIN_MS);
    assert_int_equal(od_cal_between(&c, loc(2026, 3, 9, 11, 0), loc(2026, 3, 9, 14, 0)), 90 * MIN_MS);
    assert_int_equal(od_cal_between(&c, loc(2026, 3, 9, 12, 0), loc(2026, 3, 9, 13, 30)), 0);
    assert_int_equal(od_cal_between(&c, loc(2026, 3, 9, 14, 0), loc(2026, 3, 9, 11, 0)), 0);
    /* the whole 春节 week: Fri 13 (7 h) + Sat 14 调休 (7 h) + nothing until Tue 24 */
    assert_int_equal(od_cal_between(&c, loc(2026, 2, 13, 0, 0), loc(2026, 2, 24, 0, 0)), 14 * HOUR_MS);
    od_calendar all;
    od_cal_init_24x7(&all);
    assert_int_equal(od_cal_between(&all, 1000, 5000), 4000);
    assert_int_equal(od_cal_add(&all, 1000, 4000), 5000);
    assert_int_equal(od_cal_day_ms(&all), OD_DAY_MS);
    assert_true(od_cal_is_working(&all, -5));
    assert_int_equal(od_cal_add(&all, INT64_MAX - 5, 10), OD_NO_TIME);
}

static void test_add_day_list(void **state)
{
    (void)state;
    od_calendar c = {0};
    assert_true(od_cal_add_day(&c, 30, OD_CAL_HOLIDAY, "b"));
    assert_true(od_cal_add_day(&c, 10, OD_CAL_HOLIDAY, "a"));
    assert_true(od_cal_add_day(&c, 30, OD_CAL_WORKDAY, "c")); /* replaces */
    assert_int_equal(c.n_days, 2);
    assert_int_equal(c.days[0].day, 10);
    assert_int_equal(c.days[1].type, OD_CAL_WORKDAY);
    assert_string_equal(c.days[1].name, "c");
    for (int i = 0; i < OD_CAL_DAYS_MAX - 2; i++)
        assert_true(od_cal_add_day(&c, 100 + i, OD_CAL_HOLIDAY, NULL));
    assert_false(od_cal_add_day(&c, 5, OD_CAL_HOLIDAY, NULL));
    assert_true(od_cal_add_day(&c, 10, OD_CAL_WORKDAY, NULL)); /* existing: still fine */
}

static void test_coverage(void **state)
{
    (void)state;
    od_calendar c;
    cal_business(&c, false);
    int left = -1;
    assert_int_equal(od_cal_coverage_at(&c, loc(2026, 11, 2, 0, 0) - 1, &left), OD_CAL_COVERED);
    assert_int_equal(left, 61);
    assert_int_equal(od_cal_coverage_at(&c, loc(2026, 11, 2, 0, 0), &left), OD_CAL_ENDING_SOON);
    assert_int_equal(left, 60);
    assert_int_equal(od_cal_coverage_at(&c, loc(2026, 12, 31, 23, 59), &left), OD_CAL_ENDING_SOON);
    assert_int_equal(left, 1);
    assert_int_equal(od_cal_coverage_at(&c, loc(2027, 1, 1, 0, 0), NULL), OD_CAL_NOT_LOADED);
    assert_int_equal(od_cal_coverage_at(&c, loc(2026, 1, 1, 0, 0) - 1, NULL), OD_CAL_NOT_LOADED);
    c.years[c.n_years++] = 2027;
    assert_int_equal(od_cal_coverage_at(&c, loc(2026, 12, 31, 23, 59), &left), OD_CAL_COVERED);
    assert_int_equal(left, 366);
    assert_true(od_cal_year_loaded(&c, 2027));
    assert_false(od_cal_year_loaded(&c, 2028));
    od_calendar all;
    od_cal_init_24x7(&all);
    assert_int_equal(od_cal_coverage_at(&all, loc(2030, 1, 1, 0, 0), NULL), OD_CAL_COVERED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil),    cmocka_unit_test(test_is_working),
        cmocka_unit_test(test_add),      cmocka_unit_test(test_add_days),
        cmocka_unit_test(test_between),  cmocka_unit_test(test_add_day_list),
        cmocka_unit_test(test_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
