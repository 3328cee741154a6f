/* test_core_sla_clock.c — one clock instance (modules-spec §1.4, the
 * task_sla model), by table: 1 ms before / at each 50/75/100 % threshold on
 * 24x7 and on the business calendar (and across a 调休 Saturday), pause and
 * resume moving due_at, a new target keeping the pause time (GLPI #15605),
 * a breach frozen once recorded (also when the new target lies later), a
 * stop or pause after due recording the breach, no target (P5), and every
 * transition refused in the wrong state. */
#include "cal_fixture.h"
#include "core/sla_clock.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static od_calendar all;

static od_sla_clock started(const od_calendar *c, int64_t target, int64_t at)
{
    od_sla_clock k = {.target_ms = target};
    assert_int_equal(od_sla_apply(&k, c, OD_SLA_OP_START, at), OD_OK);
    return k;
}

static void test_thresholds_24x7(void **state)
{
    (void)state;
    od_cal_init_24x7(&all);
    const int64_t t0 = 1000000;
    static const struct {
        int64_t target;
        int pct;
        int64_t at; /* offset from t0 */
    } rows[] = {
        {HOUR_MS, 50, 30 * MIN_MS},
        {HOUR_MS, 75, 45 * MIN_MS},
        {HOUR_MS, 100, HOUR_MS},
        {8 * HOUR_MS, 50, 4 * HOUR_MS},
        {8 * HOUR_MS, 75, 6 * HOUR_MS},
        {8 * HOUR_MS, 100, 8 * HOUR_MS},
        {3, 50, 2}, /* ceil: 1.5 ms → 2 ms */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_sla_clock k = started(&all, rows[i].target, t0);
        int64_t at = od_sla_threshold_at(&k, &all, rows[i].pct);
        assert_int_equal(at, t0 + rows[i].at);
        assert_true(od_sla_permille(&k, &all, at - 1) < rows[i].pct * 10);
        assert_true(od_sla_permille(&k, &all, at) >= rows[i].pct * 10);
        if (rows[i].pct == 100) {
            assert_int_equal(k.due_at, at);
            assert_false(od_sla_observe(&k, at - 1));
            assert_int_equal(k.breached_at, 0);
            assert_true(od_sla_observe(&k, at));
            assert_int_equal(k.breached_at, at);
        }
    }
    od_sla_clock k = started(&all, HOUR_MS, t0);
    assert_int_equal(od_sla_permille(&k, &all, t0 + 30 * MIN_MS - 1), 499);
    assert_int_equal(od_sla_permille(&k, &all, t0 + 30 * MIN_MS), 500);
}

static void test_pause_resume(void **state)
{
    (void)state;
    od_cal_init_24x7(&all);
    const int64_t t0 = 0;
    od_sla_clock k = started(&all, HOUR_MS, t0);
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_PAUSE, t0 + 10 * MIN_MS), OD_OK);
    assert_int_equal(k.due_at, OD_NO_TIME);
    assert_int_equal(od_sla_threshold_at(&k, &all, 50), OD_NO_TIME);
    assert_int_equal(od_sla_elapsed(&k, &all, t0 + 5 * HOUR_MS), 10 * MIN_MS); /* frozen while paused */
    assert_false(od_sla_observe(&k, t0 + 5 * HOUR_MS));
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_RESUME, t0 + 20 * MIN_MS), OD_OK);
    assert_int_equal(k.paused_total_ms, 10 * MIN_MS);
    assert_int_equal(k.due_at, t0 + 70 * MIN_MS);
    assert_int_equal(od_sla_threshold_at(&k, &all, 50), t0 + 40 * MIN_MS);
    assert_int_equal(od_sla_threshold_at(&k, &all, 75), t0 + 55 * MIN_MS);
    /* a new target keeps the 10 min of pause */
    assert_int_equal(od_sla_retarget(&k, &all, 8 * HOUR_MS), OD_OK);
    assert_int_equal(k.due_at, t0 + 8 * HOUR_MS + 10 * MIN_MS);
    assert_int_equal(k.paused_total_ms, 10 * MIN_MS);
    /* retarget while paused, then resume: both pauses count */
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_PAUSE, t0 + HOUR_MS), OD_OK);
    assert_int_equal(od_sla_retarget(&k, &all, HOUR_MS), OD_OK);
    assert_int_equal(k.due_at, OD_NO_TIME);
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_RESUME, t0 + 2 * HOUR_MS), OD_OK);
    assert_int_equal(k.paused_total_ms, 70 * MIN_MS);
    assert_int_equal(k.due_at, t0 + 130 * MIN_MS);
    assert_int_equal(od_sla_elapsed(&k, &all, t0 + 130 * MIN_MS), HOUR_MS);
    /* stop while paused counts the last pause */
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_PAUSE, t0 + 125 * MIN_MS), OD_OK);
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_STOP, t0 + 200 * MIN_MS), OD_OK);
    assert_int_equal(k.state, OD_SLA_STOPPED);
    assert_int_equal(od_sla_elapsed(&k, &all, t0 + 999 * MIN_MS), 55 * MIN_MS);
    assert_int_equal(k.breached_at, 0);
}

static void test_breach_frozen(void **state)
{
    (void)state;
    od_cal_init_24x7(&all);
    od_sla_clock k = started(&all, HOUR_MS, 0);
    assert_true(od_sla_observe(&k, HOUR_MS + 5));
    assert_int_equal(k.breached_at, HOUR_MS);
    /* a later target does not take the breach away */
    assert_int_equal(od_sla_retarget(&k, &all, 48 * HOUR_MS), OD_OK);
    assert_int_equal(k.due_at, 48 * HOUR_MS);
    assert_int_equal(k.breached_at, HOUR_MS);
    assert_true(od_sla_observe(&k, HOUR_MS + 6));
    /* a stop at / after due records the breach; 1 ms before does not */
    od_sla_clock s1 = started(&all, HOUR_MS, 0), s2 = started(&all, HOUR_MS, 0),
                 s3 = started(&all, HOUR_MS, 0);
    assert_int_equal(od_sla_apply(&s1, &all, OD_SLA_OP_STOP, HOUR_MS - 1), OD_OK);
    assert_int_equal(s1.breached_at, 0);
    assert_int_equal(od_sla_apply(&s2, &all, OD_SLA_OP_STOP, HOUR_MS), OD_OK);
    assert_int_equal(s2.breached_at, HOUR_MS);
    assert_int_equal(od_sla_apply(&s3, &all, OD_SLA_OP_PAUSE, HOUR_MS + 1), OD_OK);
    assert_int_equal(s3.breached_at, HOUR_MS);
    /* cancel after due records it too */
    od_sla_clock s4 = started(&all, HOUR_MS, 0);
    assert_int_equal(od_sla_apply(&s4, &all, OD_SLA_OP_CANCEL, 2 * HOUR_MS), OD_OK);
    assert_int_equal(s4.state, OD_SLA_CANCELLED);
    assert_int_equal(s4.breached_at, HOUR_MS);
}

static void test_no_target(void **state)
{
    (void)state;
    od_cal_init_24x7(&all);
    od_sla_clock k = started(&all, 0, 0);
    assert_int_equal(k.due_at, OD_NO_TIME);
    assert_int_equal(od_sla_threshold_at(&k, &all, 50), OD_NO_TIME);
    assert_false(od_sla_observe(&k, INT64_MAX - 1));
    assert_int_equal(od_sla_permille(&k, &all, 1000), 0);
    assert_int_equal(od_sla_retarget(&k, &all, HOUR_MS), OD_OK); /* P5 → P1 */
    assert_int_equal(k.due_at, HOUR_MS);
}

static void test_transitions(void **state)
{
    (void)state;
    od_cal_init_24x7(&all);
    static const struct {
        od_sla_state from;
        od_sla_op op;
        od_err rc;
    } rows[] = {
        {OD_SLA_NONE, OD_SLA_OP_START, OD_OK},
        {OD_SLA_NONE, OD_SLA_OP_PAUSE, OD_E_CONFLICT},
        {OD_SLA_NONE, OD_SLA_OP_RESUME, OD_E_CONFLICT},
        {OD_SLA_NONE, OD_SLA_OP_STOP, OD_E_CONFLICT},
        {OD_SLA_NONE, OD_SLA_OP_CANCEL, OD_E_CONFLICT},
        {OD_SLA_RUNNING, OD_SLA_OP_START, OD_E_CONFLICT},
        {OD_SLA_RUNNING, OD_SLA_OP_PAUSE, OD_OK},
        {OD_SLA_RUNNING, OD_SLA_OP_RESUME, OD_E_CONFLICT},
        {OD_SLA_RUNNING, OD_SLA_OP_STOP, OD_OK},
        {OD_SLA_RUNNING, OD_SLA_OP_CANCEL, OD_OK},
        {OD_SLA_PAUSED, OD_SLA_OP_START, OD_E_CONFLICT},
        {OD_SLA_PAUSED, OD_SLA_OP_PAUSE, OD_E_CONFLICT},
        {OD_SLA_PAUSED, OD_SLA_OP_RESUME, OD_OK},
        {OD_SLA_PAUSED, OD_SLA_OP_STOP, OD_OK},
        {OD_SLA_PAUSED, OD_SLA_OP_CANCEL, OD_OK},
        {OD_SLA_STOPPED, OD_SLA_OP_START, OD_E_CONFLICT},
        {OD_SLA_STOPPED, OD_SLA_OP_PAUSE, OD_E_CONFLICT},
        {OD_SLA_STOPPED, OD_SLA_OP_RESUME, OD_E_CONFLICT},
        {OD_SLA_STOPPED, OD_SLA_OP_STOP, OD_E_CONFLICT},
        {OD_SLA_STOPPED, OD_SLA_OP_CANCEL, OD_E_CONFLICT},
        {OD_SLA_CANCELLED, OD_SLA_OP_RESUME, OD_E_CONFLICT},
        {OD_SLA_CANCELLED, OD_SLA_OP_STOP, OD_E_CONFLICT},
        {OD_SLA_RUNNING, OD_SLA_OP_NONE, OD_E_INVALID},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_sla_clock k = {.target_ms = HOUR_MS, .state = rows[i].from, .due_at = OD_NO_TIME};
        od_sla_clock before = k;
        od_err rc = od_sla_apply(&k, &all, rows[i].op, 100);
        assert_int_equal(rc, rows[i].rc);
        if (rc)
            assert_memory_equal(&k, &before, sizeof k);
    }
    od_sla_clock none = {0};
    assert_int_equal(od_sla_retarget(&none, &all, HOUR_MS), OD_E_CONFLICT);
    assert_string_equal(od_sla_op_key(OD_SLA_OP_RESUME), "resume");
    assert_int_equal(od_sla_op_parse("cancel"), OD_SLA_OP_CANCEL);
    assert_int_equal(od_sla_op_parse("none"), -1);
    assert_string_equal(od_sla_state_key(OD_SLA_PAUSED), "paused");
}

/* Business calendar: 1 business day from Fri 18:00; paused Mon 10:00,
 * resumed Tue 10:00 (8.5 working hours of pause); a clock across the
 * 调休 Saturday before 春节. */
static void test_business(void **state)
{
    (void)state;
    od_calendar c;
    cal_business(&c, false);
    od_sla_clock k = started(&c, 510 * MIN_MS, loc(2026, 3, 6, 18, 0));
    assert_int_equal(k.due_at, loc(2026, 3, 9, 17, 30));
    int64_t half = od_sla_threshold_at(&k, &c, 50);
    assert_int_equal(half, loc(2026, 3, 9, 13, 15));
    assert_int_equal(od_sla_permille(&k, &c, half - 1), 499);
    assert_int_equal(od_sla_permille(&k, &c, half), 500);
    assert_int_equal(od_sla_permille(&k, &c, loc(2026, 3, 8, 12, 0)), 0); /* the weekend does not count */
    assert_int_equal(od_sla_apply(&k, &c, OD_SLA_OP_PAUSE, loc(2026, 3, 9, 10, 0)), OD_OK);
    assert_int_equal(od_sla_apply(&k, &c, OD_SLA_OP_RESUME, loc(2026, 3, 10, 10, 0)), OD_OK);
    assert_int_equal(k.paused_total_ms, 510 * MIN_MS);
    assert_int_equal(k.due_at, loc(2026, 3, 10, 17, 30));
    assert_int_equal(od_sla_threshold_at(&k, &c, 75), loc(2026, 3, 10, 15, 22) + 30 * 1000);
    /* 调休: Fri 13 Feb 17:00, 1 h → Sat 14 Feb 09:30; 10 h → Tue 24 Feb 10:00 */
    od_sla_clock s = started(&c, HOUR_MS, loc(2026, 2, 13, 17, 0));
    assert_int_equal(s.due_at, loc(2026, 2, 14, 9, 30));
    assert_int_equal(od_sla_threshold_at(&s, &c, 50), loc(2026, 2, 13, 17, 30));
    assert_int_equal(od_sla_threshold_at(&s, &c, 75), loc(2026, 2, 14, 9, 15));
    assert_int_equal(od_sla_retarget(&s, &c, 2 * HOUR_MS), OD_OK);
    assert_int_equal(s.due_at, loc(2026, 2, 14, 10, 30));
    /* 10 h: 30 min on Friday, 8.5 h on the 调休 Saturday, then 春节 until Tue 24 */
    assert_int_equal(od_sla_retarget(&s, &c, 10 * HOUR_MS), OD_OK);
    assert_int_equal(s.due_at, loc(2026, 2, 24, 10, 0));
    assert_false(od_sla_observe(&s, loc(2026, 2, 24, 10, 0) - 1));
    assert_true(od_sla_observe(&s, loc(2026, 2, 24, 10, 0)));
}

/* A corrected start or stop (od_sla_move): the start moved by -20 min
 * moves every threshold with it (1 ms before / at the moved 100 %), pause
 * time kept, a recorded breach frozen, a stop moved, refusals unchanged. */
static void test_move(void **state)
{
    (void)state;
    od_cal_init_24x7(&all);
    const int64_t t0 = 10 * HOUR_MS, back = t0 - 20 * MIN_MS;
    bool moved = false;
    static const struct {
        int pct;
        int64_t at; /* from the moved start */
    } rows[] = {{50, 30 * MIN_MS}, {75, 45 * MIN_MS}, {100, HOUR_MS}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        od_sla_clock k = started(&all, HOUR_MS, t0);
        assert_int_equal(od_sla_move(&k, &all, t0, back, &moved), OD_OK);
        assert_true(moved);
        assert_int_equal(k.started_at, back);
        int64_t at = od_sla_threshold_at(&k, &all, rows[i].pct);
        assert_int_equal(at, back + rows[i].at);
        assert_true(od_sla_permille(&k, &all, at - 1) < rows[i].pct * 10);
        assert_true(od_sla_permille(&k, &all, at) >= rows[i].pct * 10);
        if (rows[i].pct == 100) {
            assert_int_equal(k.due_at, back + HOUR_MS);
            assert_false(od_sla_observe(&k, at - 1));
            assert_true(od_sla_observe(&k, at));
        }
    }
    /* another instant: nothing moves */
    od_sla_clock k = started(&all, HOUR_MS, t0);
    assert_int_equal(od_sla_move(&k, &all, t0 + 1, back, &moved), OD_OK);
    assert_false(moved);
    assert_int_equal(k.started_at, t0);
    assert_int_equal(k.due_at, t0 + HOUR_MS);
    /* paused 10 min after 10 min, resumed: the pause is kept, due = start + target + pause */
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_PAUSE, t0 + 10 * MIN_MS), OD_OK);
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_RESUME, t0 + 20 * MIN_MS), OD_OK);
    assert_int_equal(od_sla_move(&k, &all, t0, back, &moved), OD_OK);
    assert_int_equal(k.due_at, back + HOUR_MS + 10 * MIN_MS);
    /* a breach recorded stays, also when the move puts the due time later */
    k = started(&all, HOUR_MS, t0);
    assert_true(od_sla_observe(&k, t0 + HOUR_MS));
    assert_int_equal(od_sla_move(&k, &all, t0, t0 + 30 * MIN_MS, &moved), OD_OK);
    assert_true(moved);
    assert_int_equal(k.breached_at, t0 + HOUR_MS);
    assert_int_equal(k.due_at, t0 + 90 * MIN_MS);
    /* a stop moved */
    k = started(&all, HOUR_MS, t0);
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_STOP, t0 + 40 * MIN_MS), OD_OK);
    assert_int_equal(od_sla_move(&k, &all, t0 + 40 * MIN_MS, t0 + 30 * MIN_MS, &moved), OD_OK);
    assert_true(moved);
    assert_int_equal(k.stopped_at, t0 + 30 * MIN_MS);
    assert_int_equal(od_sla_elapsed(&k, &all, t0 + 2 * HOUR_MS), 30 * MIN_MS);
    /* refused, unchanged: a start after the stop, a start after the pause */
    od_sla_clock before = k;
    assert_int_equal(od_sla_move(&k, &all, t0, t0 + 31 * MIN_MS, &moved), OD_E_CONFLICT);
    assert_false(moved);
    assert_memory_equal(&k, &before, sizeof k);
    k = started(&all, HOUR_MS, t0);
    assert_int_equal(od_sla_apply(&k, &all, OD_SLA_OP_PAUSE, t0 + 10 * MIN_MS), OD_OK);
    assert_int_equal(od_sla_move(&k, &all, t0, t0 + 10 * MIN_MS + 1, &moved), OD_E_CONFLICT);
    assert_int_equal(od_sla_move(&k, &all, t0, t0 + 10 * MIN_MS, &moved), OD_OK); /* at the pause: allowed */
    /* a clock never started: nothing */
    od_sla_clock none = {.due_at = OD_NO_TIME};
    assert_int_equal(od_sla_move(&none, &all, 0, back, &moved), OD_OK);
    assert_false(moved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds_24x7),
        cmocka_unit_test(test_pause_resume),
        cmocka_unit_test(test_breach_frozen),
        cmocka_unit_test(test_no_target),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_business),
        cmocka_unit_test(test_move),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
