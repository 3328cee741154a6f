/* test_core_plan.c — the plan review rules (R-PLAN-REVIEW; modules-spec §M7;
 * seed 000 ch. 9: every plan reviewed every six months), by table: calendar
 * months in UTC with the day clamped to shorter months (leap years, the
 * 2100 non-leap century, before 1970, negative months), the next review from
 * the later of publication and review, and due exactly at the instant
 * (1 ms before: not due; at: due). */
#include "core/plan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void add_months_table(void **state)
{
    (void)state;
    static const struct {
        int64_t from;
        int months;
        int64_t to;
    } t[] = {
        {1768469400000LL, 6, 1784107800000LL},  /* 2026-01-15T09:30:00 + 6 = 2026-07-15T09:30:00 */
        {1756684799000LL, 6, 1772323199000LL},  /* 2025-08-31T23:59:59 + 6 = 2026-02-28T23:59:59 */
        {1819670400000LL, 6, 1835395200000LL},  /* 2027-08-31 + 6 = 2028-02-29 (leap) */
        {1798718400000LL, 2, 1803816000000LL},  /* 2026-12-31T12:00 + 2 = 2027-02-28T12:00 */
        {1774915200000LL, -1, 1772236800000LL}, /* 2026-03-31 - 1 = 2026-02-28 */
        {-3600000LL, 1, 2674800000LL},          /* 1969-12-31T23:00 + 1 = 1970-01-31T23:00 */
        {1790812800000LL, 24, 1853971200000LL}, /* 2026-10-01 + 24 = 2028-10-01 */
        {1780214400000LL, 1, 1782806400000LL},  /* 2026-05-31T08:00 + 1 = 2026-06-30T08:00 */
        {4102358400000LL, 12, 4133894400000LL}, /* 2099-12-31 + 12 = 2100-12-31 */
        {4104864000000LL, 1, 4107456000000LL},  /* 2100-01-29 + 1 = 2100-02-28 (2100 is not leap) */
        {1768469400123LL, 0, 1768469400123LL},  /* + 0 = itself, milliseconds kept */
        {1768469400123LL, 6, 1784107800123LL},  /* milliseconds kept */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        assert_int_equal(od_plan_add_months(t[i].from, t[i].months), t[i].to);
}

static void next_review_table(void **state)
{
    (void)state;
    const int64_t jan = 1768469400000LL, jul = 1784107800000LL;    /* 2026-01-15T09:30, + 6 months */
    const int64_t mar = 1772323199000LL;                           /* 2026-02-28T23:59:59 */
    static const int64_t mar_plus6 = 1787961599000LL;              /* 2026-08-28T23:59:59 */
    assert_int_equal(od_plan_next_review(0, 0, 6), 0);             /* never published: nothing due */
    assert_int_equal(od_plan_next_review(jan, 0, 6), jul);         /* from the publication */
    assert_int_equal(od_plan_next_review(0, jan, 6), jul);         /* from a review */
    assert_int_equal(od_plan_next_review(jan, mar, 6), mar_plus6); /* the later one counts */
    assert_int_equal(od_plan_next_review(mar, jan, 6), mar_plus6);
    assert_int_equal(od_plan_next_review(jan, jan, 6), jul);
    assert_int_equal(od_plan_next_review(jan, 0, 1), 1771147800000LL); /* 2026-02-15T09:30 */
}

static void due_table(void **state)
{
    (void)state;
    const int64_t at = 1784107800000LL;
    assert_false(od_plan_review_due(at, at - 1)); /* 1 ms before */
    assert_true(od_plan_review_due(at, at));      /* at */
    assert_true(od_plan_review_due(at, at + 1));
    assert_false(od_plan_review_due(0, at)); /* never published */
    assert_false(od_plan_review_due(0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_months_table),
        cmocka_unit_test(next_review_table),
        cmocka_unit_test(due_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
