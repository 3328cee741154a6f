/* test_core_deadlines.c — deadline states and due times (R-NOT-1 first
 * report, R-NOT-4 acknowledgement, R-NOT-5 progress reports, R-ESC-1
 * handling, R-NOT-6 missed deadlines), each checked one millisecond before
 * the boundary, at it and one after; and the deadline kind keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/incident.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define T0 1763714580000LL /* an arbitrary detection time */

static int setup(void **state)
{
    *state = od_policy_new_default();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    od_policy_free(*state);
    return 0;
}

/* ---- the state of one deadline (R-NOT-6) ---- */

static void test_state_table(void **state)
{
    (void)state;
    const int64_t D = T0 + 5 * MIN;
    static const struct {
        const char *name;
        int64_t met_off; /* met_ms - D, or INT64_MIN for "not met" */
        int64_t now_off; /* now - D */
        od_deadline_state want;
    } rows[] = {
        {"not met, long before", INT64_MIN, -HOUR, OD_DLS_PENDING},
        {"not met, 1 ms before", INT64_MIN, -1, OD_DLS_PENDING},
        {"not met, at due", INT64_MIN, 0, OD_DLS_PENDING},
        {"not met, 1 ms after", INT64_MIN, 1, OD_DLS_MISSED},
        {"not met, much later", INT64_MIN, 1000 * HOUR, OD_DLS_MISSED},
        {"met 1 ms before", -1, 0, OD_DLS_MET},
        {"met at due", 0, 0, OD_DLS_MET},
        {"met at due, asked later", 0, HOUR, OD_DLS_MET},
        {"met 1 ms late", 1, 1, OD_DLS_MET_LATE},
        {"met late, asked later", HOUR, 2 * HOUR, OD_DLS_MET_LATE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t met = rows[i].met_off == INT64_MIN ? 0 : D + rows[i].met_off;
        od_deadline_state got = od_deadline_state_at(D, met, D + rows[i].now_off);
        if (got != rows[i].want)
            fail_msg("%s: got %d want %d", rows[i].name, (int)got, (int)rows[i].want);
    }
    /* no deadline: never missed */
    assert_int_equal(od_deadline_state_at(OD_NO_TIME, 0, T0 + 1000 * HOUR), OD_DLS_PENDING);
    assert_int_equal(od_deadline_state_at(OD_NO_TIME, T0, T0), OD_DLS_MET);
}

/* Check a due time and its boundary: met 1 ms before and at due, late 1 ms
 * after; pending at due when unmet, missed 1 ms after. */
static void check_boundary(const char *what, int64_t due, int64_t want_due)
{
    if (due != want_due)
        fail_msg("%s: due %lld, want %lld", what, (long long)due, (long long)want_due);
    assert_int_equal(od_deadline_state_at(due, due - 1, due - 1), OD_DLS_MET);
    assert_int_equal(od_deadline_state_at(due, due, due), OD_DLS_MET);
    assert_int_equal(od_deadline_state_at(due, due + 1, due + 1), OD_DLS_MET_LATE);
    assert_int_equal(od_deadline_state_at(due, 0, due - 1), OD_DLS_PENDING);
    assert_int_equal(od_deadline_state_at(due, 0, due), OD_DLS_PENDING);
    assert_int_equal(od_deadline_state_at(due, 0, due + 1), OD_DLS_MISSED);
}

/* R-NOT-1: L1 5 min, L2 5 min, L3 10 min, NG 10 min from detection. */
static void test_first_report_per_level(void **state)
{
    const od_policy *p = *state;
    static const int64_t want[OD_GRADE__COUNT] = {5 * MIN, 5 * MIN, 10 * MIN, 10 * MIN};
    for (int g = 0; g < OD_GRADE__COUNT; g++)
        check_boundary(od_grade_key((od_grade)g), od_first_report_due(p, (od_grade)g, T0), T0 + want[g]);
}

/* R-NOT-4: L1, L2 and L3 recipients acknowledge within 5 min (seed 000
 * ch. 7 §2.1 item 6, second sentence); NG ones do not. */
static void test_ack_per_level(void **state)
{
    const od_policy *p = *state;
    const int64_t notified = T0 + 3 * MIN;
    static const bool required[OD_GRADE__COUNT] = {true, true, true, false};
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        int64_t due = od_ack_due(p, (od_grade)g, notified);
        if (required[g]) {
            check_boundary(od_grade_key((od_grade)g), due, notified + 5 * MIN);
        } else {
            assert_int_equal(due, OD_NO_TIME);
            assert_int_equal(od_deadline_state_at(due, 0, notified + 1000 * HOUR), OD_DLS_PENDING);
        }
    }
}

/* R-NOT-5: R1 30 min, R2 60 min, R3 120 min, NG none. */
static void test_progress_per_response_level(void **state)
{
    const od_policy *p = *state;
    static const int64_t want[OD_RESP__COUNT] = {30 * MIN, 60 * MIN, 120 * MIN, OD_NO_TIME};
    const int64_t since = T0 + 17 * MIN;
    for (int r = 0; r < OD_RESP__COUNT; r++) {
        int64_t due = od_progress_due(p, (od_resp)r, since);
        if (want[r] == OD_NO_TIME)
            assert_int_equal(due, OD_NO_TIME);
        else
            check_boundary(od_resp_key((od_resp)r), due, since + want[r]);
    }
}

/* R-ESC-1 / R-NOT-6: the handling deadline as a deadline. */
static void test_handling_per_response_level(void **state)
{
    const od_policy *p = *state;
    static const int64_t want[OD_RESP__COUNT] = {2 * HOUR, 4 * HOUR, 8 * HOUR, OD_NO_TIME};
    for (int r = 0; r < OD_RESP__COUNT; r++) {
        int64_t due = od_handling_deadline(p, (od_resp)r, T0);
        if (want[r] == OD_NO_TIME)
            assert_int_equal(due, OD_NO_TIME);
        else
            check_boundary(od_resp_key((od_resp)r), due, T0 + want[r]);
    }
}

/* R-ESC-3 / R-NOT-5: escalation shortens the cadence: the next progress
 * report is due at the earlier of the current due and now + cadence(to). */
static void test_progress_after_escalation(void **state)
{
    const od_policy *p = *state;
    static const struct {
        const char *name;
        od_resp to;
        int64_t current_due, now, want; /* offsets from T0 */
    } rows[] = {
        {"R3→R2 at 4h, last report at 3h30 (due 5h30) → 5h", OD_RESP_R2, 5 * HOUR + 30 * MIN, 4 * HOUR,
         5 * HOUR},
        {"R3→R2 at 4h, due 4h30 stays", OD_RESP_R2, 4 * HOUR + 30 * MIN, 4 * HOUR, 4 * HOUR + 30 * MIN},
        {"R3→R2 at 4h, due exactly 5h stays", OD_RESP_R2, 5 * HOUR, 4 * HOUR, 5 * HOUR},
        {"R2→R1 at 2h, due 3h → 2h30", OD_RESP_R1, 3 * HOUR, 2 * HOUR, 2 * HOUR + 30 * MIN},
        {"R3→R1 at 6h, due 7h → 6h30", OD_RESP_R1, 7 * HOUR, 6 * HOUR, 6 * HOUR + 30 * MIN},
        {"to NG keeps the current due", OD_RESP_NG, 7 * HOUR, 6 * HOUR, 7 * HOUR},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t got =
            od_progress_due_after_escalation(p, rows[i].to, T0 + rows[i].current_due, T0 + rows[i].now);
        if (got != T0 + rows[i].want)
            fail_msg("%s: got %lld", rows[i].name, (long long)(got - T0));
    }
    /* no progress deadline before (an NG incident raised by hand to R1) */
    assert_int_equal(od_progress_due_after_escalation(p, OD_RESP_R1, OD_NO_TIME, T0), T0 + 30 * MIN);
    assert_int_equal(od_progress_due_after_escalation(p, OD_RESP_NG, OD_NO_TIME, T0), OD_NO_TIME);
}

/* Values come from the policy. */
static void test_modified_policy(void **state)
{
    (void)state;
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    p->first_report_ms[OD_GRADE_L3] = 15 * MIN;
    p->ack_levels = 1u << OD_GRADE_L3;
    p->ack_window_ms = 2 * MIN;
    p->progress_every_ms[OD_RESP_R2] = 20 * MIN;
    p->progress_every_ms[OD_RESP_R1] = 0;
    check_boundary("L3 first report", od_first_report_due(p, OD_GRADE_L3, T0), T0 + 15 * MIN);
    check_boundary("L3 ack", od_ack_due(p, OD_GRADE_L3, T0), T0 + 2 * MIN);
    assert_int_equal(od_ack_due(p, OD_GRADE_L1, T0), OD_NO_TIME);
    check_boundary("R2 progress", od_progress_due(p, OD_RESP_R2, T0), T0 + 20 * MIN);
    assert_int_equal(od_progress_due(p, OD_RESP_R1, T0), OD_NO_TIME);
    assert_int_equal(od_progress_due_after_escalation(p, OD_RESP_R2, T0 + HOUR, T0), T0 + 20 * MIN);
    od_policy_free(p);
}

static void test_kind_keys(void **state)
{
    (void)state;
    static const char *const keys[OD_DL__COUNT] = {
        "first_report",    "ack",      "progress",   "handling", "escalation",
        "progress_remind", "renotify", "activation",
    };
    for (int k = 0; k < OD_DL__COUNT; k++) {
        assert_string_equal(od_deadline_kind_key((od_deadline_kind)k), keys[k]);
        assert_int_equal(od_deadline_kind_parse(keys[k]), k);
    }
    assert_int_equal(od_deadline_kind_parse("First_Report"), -1);
    assert_int_equal(od_deadline_kind_parse(""), -1);
    assert_int_equal(od_deadline_kind_parse(NULL), -1);
    assert_string_equal(od_deadline_kind_key(OD_DL__COUNT), "?");
    /* shown to people vs internal timers, every kind and out of range */
    static const bool shown[OD_DL__COUNT] = {[OD_DL_FIRST_REPORT] = true,
                                             [OD_DL_ACK] = true,
                                             [OD_DL_PROGRESS] = true,
                                             [OD_DL_HANDLING] = true,
                                             [OD_DL_ACTIVATION] = true};
    for (int k = 0; k < OD_DL__COUNT; k++)
        assert_int_equal(od_deadline_kind_shown(k), shown[k]);
    assert_false(od_deadline_kind_shown(-1));
    assert_false(od_deadline_kind_shown(OD_DL__COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_table),
        cmocka_unit_test(test_first_report_per_level),
        cmocka_unit_test(test_ack_per_level),
        cmocka_unit_test(test_progress_per_response_level),
        cmocka_unit_test(test_handling_per_response_level),
        cmocka_unit_test(test_progress_after_escalation),
        cmocka_unit_test(test_modified_policy),
        cmocka_unit_test(test_kind_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
