/* test_core_problem_rule.c — the proactive problem candidate rules
 * (R-PRB-5; core/problem_rule.h, modules-spec §M2.3), by table: every
 * rule's defaults, min_incidents - 1 vs min_incidents incidents, the window
 * 1 ms before its first instant and at it (and at now, 1 ms after now), a
 * disabled rule, and the keys both ways. */
#include "core/problem_rule.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define DAY (24LL * 3600 * 1000)
#define NOW 1796000000000LL /* an instant in 2026 */

static void test_defaults(void **state)
{
    (void)state;
    od_pcr_policy p;
    od_pcr_defaults(&p);
    static const struct {
        int k, min;
        int64_t window;
    } want[] = {{OD_PCR_CI, 3, 30 * DAY}, {OD_PCR_R1, 2, 90 * DAY}, {OD_PCR_EVENT_RULE, 3, 30 * DAY}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        assert_true(p.rule[want[i].k].enabled);
        assert_int_equal(p.rule[want[i].k].min_incidents, want[i].min);
        assert_int_equal(p.rule[want[i].k].window_ms, want[i].window);
        assert_int_equal(od_pcr_window_days(&p.rule[want[i].k]), want[i].window / DAY);
    }
}

static void test_count_table(void **state)
{
    (void)state;
    od_pcr_policy p;
    od_pcr_defaults(&p);
    for (int k = 0; k < OD_PCR__COUNT; k++) {
        od_pcr_rule r = p.rule[k];
        int n = r.min_incidents;
        assert_false(od_pcr_fires(&r, 0));
        assert_false(od_pcr_fires(&r, n - 1)); /* N-1: nothing */
        assert_true(od_pcr_fires(&r, n));      /* N: proposed */
        assert_true(od_pcr_fires(&r, n + 1));
        r.enabled = false; /* off: never, whatever the count */
        assert_false(od_pcr_fires(&r, n));
        assert_false(od_pcr_fires(&r, 1000));
    }
    /* a policy's own threshold */
    od_pcr_rule five = {true, 5, 7 * DAY};
    assert_false(od_pcr_fires(&five, 4));
    assert_true(od_pcr_fires(&five, 5));
}

static void test_window_table(void **state)
{
    (void)state;
    od_pcr_policy p;
    od_pcr_defaults(&p);
    for (int k = 0; k < OD_PCR__COUNT; k++) {
        const od_pcr_rule *r = &p.rule[k];
        int64_t from = NOW - r->window_ms;
        assert_int_equal(od_pcr_window_from(r, NOW), from);
        static const struct {
            int64_t off; /* from the window's first instant */
            bool in;
        } rows[] = {{-1, false}, {0, true}, {1, true}};
        for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
            assert_int_equal(od_pcr_in_window(r, from + rows[i].off, NOW), rows[i].in);
        assert_true(od_pcr_in_window(r, NOW, NOW));
        assert_true(od_pcr_in_window(r, NOW - 1, NOW));
        assert_false(od_pcr_in_window(r, NOW + 1, NOW)); /* not yet registered at now */
        /* the same incident seen a day later: out once now passes from + window */
        int64_t at = from;
        assert_true(od_pcr_in_window(r, at, at + r->window_ms));
        assert_false(od_pcr_in_window(r, at, at + r->window_ms + 1));
    }
}

static void test_keys(void **state)
{
    (void)state;
    static const char *const want[OD_PCR__COUNT] = {"ci_recurrence", "r1_recurrence",
                                                    "event_rule_recurrence"};
    for (int k = 0; k < OD_PCR__COUNT; k++) {
        assert_string_equal(od_pcr_key(k), want[k]);
        assert_int_equal(od_pcr_parse(want[k]), k);
    }
    assert_null(od_pcr_key(-1));
    assert_null(od_pcr_key(OD_PCR__COUNT));
    assert_int_equal(od_pcr_parse("category_recurrence"), -1);
    assert_int_equal(od_pcr_parse(""), -1);
    assert_int_equal(od_pcr_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_count_table),
        cmocka_unit_test(test_window_table),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
