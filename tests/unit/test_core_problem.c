/* test_core_problem.c — the problem module's own rule (modules-spec §M2.3,
 * R-PRB-2), by table: a workaround is required at high urgency or after
 * ≥ 3 linked incidents in 30 days; the 30-day window's first instant (an
 * incident registered exactly 30 days ago counts, 1 ms before does not). */
#include "core/problem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define DAY_MS (24LL * 3600 * 1000)

static void test_workaround_required(void **state)
{
    (void)state;
    static const struct {
        const char *urgency;
        int64_t incidents;
        bool want;
    } rows[] = {
        {"high", 0, true}, {"high", 5, true}, {"medium", 0, false}, {"medium", 2, false}, {"medium", 3, true},
        {"low", 2, false}, {"low", 3, true},  {"low", 4, true},     {"", 2, false},       {"", 3, true},
        {NULL, 0, false},  {NULL, 3, true},   {"HIGH", 0, false}, /* keys are lower case */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(od_prb_workaround_required(rows[i].urgency, rows[i].incidents), rows[i].want);
}

static void test_window(void **state)
{
    (void)state;
    const int64_t now = 1800000000000LL;
    int64_t since = od_prb_recur_since(now);
    assert_int_equal(since, now - 30 * DAY_MS);
    /* an incident registered at `since` counts (created_at >= since), 1 ms before does not */
    assert_true(since >= since);
    assert_false(since - 1 >= since);
    assert_int_equal(OD_PRB_RECUR_COUNT, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workaround_required),
        cmocka_unit_test(test_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
