/* test_core_upkeep.c — the upkeep rules of seed 000 ch. 9 (core/upkeep.h),
 * by table: the risk assessment's next due time (§4 定期: the policy's
 * cycle in calendar months, the day clamped to a shorter month; none held:
 * due at once) and when it is overdue (at the instant, not 1 ms before);
 * a feedback entry's due time and overdue state (§2), every source and
 * change key both ways.  Audit #57, #50 (docs/upkeep.md). */
#include "core/upkeep.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define DAY (24LL * 3600 * 1000)

/* Unix ms of a UTC date and time. */
static int64_t ms(int y, int mo, int d, int h, int mi)
{
    struct tm t = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&t) * 1000;
}

static void test_risk_next_due_table(void **state)
{
    (void)state;
    static const struct {
        int y, mo, d, months, ey, emo, ed;
    } rows[] = {
        {2030, 2, 28, 6, 2030, 8, 28},  {2030, 8, 31, 6, 2031, 2, 28},  {2031, 8, 31, 6, 2032, 2, 29},
        {2030, 1, 31, 1, 2030, 2, 28},  {2030, 12, 15, 1, 2031, 1, 15}, {2030, 3, 1, 24, 2032, 3, 1},
        {2030, 5, 31, 12, 2031, 5, 31}, {2030, 3, 31, 3, 2030, 6, 30},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t held = ms(rows[i].y, rows[i].mo, rows[i].d, 9, 30);
        int64_t want = ms(rows[i].ey, rows[i].emo, rows[i].ed, 9, 30);
        assert_int_equal(od_risk_next_due(held, rows[i].months), want);
        /* 1 ms before: not overdue; at the instant and after: overdue */
        assert_false(od_risk_overdue(want, want - 1));
        assert_true(od_risk_overdue(want, want));
        assert_true(od_risk_overdue(want, want + 1));
        assert_false(od_risk_overdue(want, held));
    }
    /* none ever held: no due time, overdue at any instant */
    assert_int_equal(od_risk_next_due(0, 6), 0);
    assert_true(od_risk_overdue(0, 0));
    assert_true(od_risk_overdue(0, ms(2030, 1, 1, 0, 0)));
}

static void test_feedback_due_and_overdue(void **state)
{
    (void)state;
    int64_t created = ms(2030, 3, 1, 0, 0);
    static const int days[] = {OD_FEEDBACK_DAYS_MIN, 7, OD_FEEDBACK_DAYS, OD_FEEDBACK_DAYS_MAX};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        int64_t due = od_feedback_due(created, days[i]);
        assert_int_equal(due, created + days[i] * DAY);
        for (int addressed = 0; addressed < 2; addressed++) {
            assert_false(od_feedback_overdue(due, addressed, due - 1));
            assert_int_equal(od_feedback_overdue(due, addressed, due), !addressed);
            assert_int_equal(od_feedback_overdue(due, addressed, due + DAY), !addressed);
            assert_false(od_feedback_overdue(due, addressed, created));
        }
    }
    assert_int_equal(od_feedback_due(created, 30), ms(2030, 3, 31, 0, 0));
}

static void test_keys_both_ways(void **state)
{
    (void)state;
    static const char *const src[OD_FB__COUNT] = {"assessment", "drill", "training", "incident", "review"};
    static const char *const src_zh[OD_FB__COUNT] = {"考核", "演练", "培训反馈", "实际应急响应", "评估"};
    for (int i = 0; i < OD_FB__COUNT; i++) {
        assert_string_equal(od_fb_source_key((od_fb_source)i), src[i]);
        assert_string_equal(od_fb_source_name_zh((od_fb_source)i), src_zh[i]);
        assert_int_equal(od_fb_source_parse(src[i]), i);
    }
    static const char *const chg[OD_FBC__COUNT] = {"courses", "schedule", "focus", "plan", "none"};
    static const char *const chg_zh[OD_FBC__COUNT] = {"课程设置", "培训时间计划", "培训重点", "预案内容",
                                                      "不作调整"};
    for (int i = 0; i < OD_FBC__COUNT; i++) {
        assert_string_equal(od_fb_change_key((od_fb_change)i), chg[i]);
        assert_string_equal(od_fb_change_name_zh((od_fb_change)i), chg_zh[i]);
        assert_int_equal(od_fb_change_parse(chg[i]), i);
    }
    assert_int_equal(od_fb_source_parse("rumour"), -1);
    assert_int_equal(od_fb_source_parse(""), -1);
    assert_int_equal(od_fb_source_parse(NULL), -1);
    assert_int_equal(od_fb_change_parse("Courses"), -1);
    assert_int_equal(od_fb_change_parse(NULL), -1);
    assert_string_equal(od_fb_source_key(OD_FB__COUNT), "");
    assert_string_equal(od_fb_change_key(OD_FBC__COUNT), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_risk_next_due_table),
        cmocka_unit_test(test_feedback_due_and_overdue),
        cmocka_unit_test(test_keys_both_ways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
