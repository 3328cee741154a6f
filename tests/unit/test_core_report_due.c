/* test_core_report_due.c — the dashboard's report tile (R-SLA-6;
 * modules-spec §M4.4 "Overdue filing … shown on the dashboard"), by table:
 * every run state against its stored filing and review deadlines, 1 ms
 * before, at and after each, without a deadline, and superseded by a newer
 * version.  The deadlines are the ones stored on the run (migration 0037),
 * so no policy enters the rule. */
#include "core/report_due.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NONE OD_NO_TIME
#define DUE 1000000LL /* both deadlines, when set */

static void test_todo_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        od_report_state s;
        int64_t file_due, review_due;
        bool superseded;
        int64_t now;
        od_report_todo want;
    } rows[] = {
        /* draft: the filing deadline */
        {"draft 1 ms before filing due", OD_RPT_DRAFT, DUE, NONE, false, DUE - 1, OD_RPT_TODO_NONE},
        {"draft at filing due", OD_RPT_DRAFT, DUE, NONE, false, DUE, OD_RPT_TODO_UNFILED_OVERDUE},
        {"draft 1 ms after filing due", OD_RPT_DRAFT, DUE, NONE, false, DUE + 1, OD_RPT_TODO_UNFILED_OVERDUE},
        {"draft long before", OD_RPT_DRAFT, DUE, NONE, false, 0, OD_RPT_TODO_NONE},
        {"draft without filing deadline", OD_RPT_DRAFT, NONE, NONE, false, DUE * 1000, OD_RPT_TODO_NONE},
        {"draft superseded at due", OD_RPT_DRAFT, DUE, NONE, true, DUE, OD_RPT_TODO_NONE},
        {"draft superseded after due", OD_RPT_DRAFT, DUE, NONE, true, DUE + 1, OD_RPT_TODO_NONE},
        {"draft: a review deadline is not its", OD_RPT_DRAFT, NONE, DUE, false, DUE, OD_RPT_TODO_NONE},
        /* filed: the review deadline */
        {"filed 1 ms before review due", OD_RPT_FILED, DUE, DUE, false, DUE - 1, OD_RPT_TODO_NONE},
        {"filed at review due", OD_RPT_FILED, DUE, DUE, false, DUE, OD_RPT_TODO_UNREVIEWED_OVERDUE},
        {"filed after review due", OD_RPT_FILED, DUE, DUE, false, DUE + 1, OD_RPT_TODO_UNREVIEWED_OVERDUE},
        {"filed without review deadline", OD_RPT_FILED, DUE, NONE, false, DUE * 1000, OD_RPT_TODO_NONE},
        {"filed: its past filing deadline is met", OD_RPT_FILED, 1, DUE, false, DUE - 1, OD_RPT_TODO_NONE},
        {"filed superseded still to review", OD_RPT_FILED, DUE, DUE, true, DUE,
         OD_RPT_TODO_UNREVIEWED_OVERDUE},
        /* reviewed: waiting for distribution, whatever the time */
        {"reviewed before deadlines", OD_RPT_REVIEWED, DUE, DUE, false, 0, OD_RPT_TODO_UNDISTRIBUTED},
        {"reviewed after deadlines", OD_RPT_REVIEWED, DUE, DUE, false, DUE + 1, OD_RPT_TODO_UNDISTRIBUTED},
        {"reviewed without deadlines", OD_RPT_REVIEWED, NONE, NONE, true, DUE, OD_RPT_TODO_UNDISTRIBUTED},
        /* distributed: done */
        {"distributed at due", OD_RPT_DISTRIBUTED, DUE, DUE, false, DUE, OD_RPT_TODO_NONE},
        {"distributed after due", OD_RPT_DISTRIBUTED, DUE, DUE, false, DUE + 1, OD_RPT_TODO_NONE},
        {"unknown state", OD_RPT_STATE__COUNT, DUE, DUE, false, DUE, OD_RPT_TODO_NONE},
    };
    for (size_t i = 0; i < N(rows); i++) {
        od_report_todo got = od_report_todo_at(rows[i].s, rows[i].file_due, rows[i].review_due,
                                               rows[i].superseded, rows[i].now);
        if (got != rows[i].want)
            fail_msg("%s: got %s, want %s", rows[i].name, od_report_todo_key(got),
                     od_report_todo_key(rows[i].want));
    }
}

/* Every state, every instant around a deadline: the verdict changes exactly at it. */
static void test_boundary_sweep(void **state)
{
    (void)state;
    for (int s = 0; s < OD_RPT_STATE__COUNT; s++)
        for (int64_t now = DUE - 2; now <= DUE + 2; now++)
            for (int sup = 0; sup < 2; sup++) {
                od_report_todo got = od_report_todo_at((od_report_state)s, DUE, DUE, sup, now);
                od_report_todo want =
                    s == OD_RPT_DRAFT ? (!sup && now >= DUE ? OD_RPT_TODO_UNFILED_OVERDUE : OD_RPT_TODO_NONE)
                    : s == OD_RPT_FILED    ? (now >= DUE ? OD_RPT_TODO_UNREVIEWED_OVERDUE : OD_RPT_TODO_NONE)
                    : s == OD_RPT_REVIEWED ? OD_RPT_TODO_UNDISTRIBUTED
                                           : OD_RPT_TODO_NONE;
                if (got != want)
                    fail_msg("state %s now %lld superseded %d", od_report_state_key((od_report_state)s),
                             (long long)now, sup);
            }
}

static void test_keys(void **state)
{
    (void)state;
    static const char *const keys[] = {"draft", "filed", "reviewed", "distributed"};
    for (int i = 0; i < (int)N(keys); i++) {
        assert_int_equal(od_report_state_parse(keys[i]), i);
        assert_string_equal(od_report_state_key((od_report_state)i), keys[i]);
    }
    assert_int_equal(od_report_state_parse("under_review"), -1);
    assert_int_equal(od_report_state_parse(""), -1);
    assert_int_equal(od_report_state_parse(NULL), -1);
    assert_string_equal(od_report_state_key(OD_RPT_STATE__COUNT), "?");
    assert_string_equal(od_report_todo_key(OD_RPT_TODO_UNFILED_OVERDUE), "unfiled_overdue");
    assert_string_equal(od_report_todo_key(OD_RPT_TODO_UNREVIEWED_OVERDUE), "unreviewed_overdue");
    assert_string_equal(od_report_todo_key(OD_RPT_TODO_UNDISTRIBUTED), "undistributed");
    assert_string_equal(od_report_todo_key(OD_RPT_TODO_NONE), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_todo_table),
        cmocka_unit_test(test_boundary_sweep),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
