/* test_core_deadline_plan.c — catching up with a periodic deadline
 * (R-NOT-4 re-notification, R-NOT-5 progress cadence, R-NOT-6 missed
 * deadlines): od_deadline_fire_plan by table, 1 ms before and at each slot's
 * boundary, for gaps of 0, 1, 2 and many slots, for a shown deadline (passed
 * after its due time) and an internal timer (passed at its time). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/incident.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define D 1763714580000LL /* the first slot */
#define C (30 * MIN)      /* R1 cadence of the seed policy */

static void test_progress_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t now_off;                    /* now - D */
        int64_t missed, last_off, next_off; /* next_off: next_due - D; INT64_MIN = now + C */
        int catch_up;
    } rows[] = {
        {"before the slot", -1, 0, 0, 0, 0},
        {"at the slot: met up to its due time", 0, 0, 0, 0, 0},
        {"1 ms after: one slot, grid kept", 1, 1, 0, C, 0},
        {"1 ms before the second slot passes", C, 1, 0, C, 0},
        {"the second slot passed: catch-up", C + 1, 2, C, INT64_MIN, 1},
        {"1 ms before the third slot passes", 2 * C, 2, C, INT64_MIN, 1},
        {"the third slot passed", 2 * C + 1, 3, 2 * C, INT64_MIN, 1},
        {"100 h later: 200 slots, one plan", 100 * HOUR, 200, 199 * C, INT64_MIN, 1},
        {"100 h + 1 ms later: 201 slots", 100 * HOUR + 1, 201, 200 * C, INT64_MIN, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t now = D + rows[i].now_off;
        od_deadline_plan pl = od_deadline_fire_plan(OD_DL_PROGRESS, D, C, now);
        print_message("%s\n", rows[i].name);
        assert_int_equal(pl.missed, rows[i].missed);
        assert_int_equal(pl.catch_up, rows[i].catch_up);
        if (rows[i].missed == 0) {
            assert_true(pl.first_missed == OD_NO_TIME && pl.last_missed == OD_NO_TIME);
            assert_int_equal(pl.next_due, D);
            continue;
        }
        assert_int_equal(pl.first_missed, D);
        assert_int_equal(pl.last_missed, D + rows[i].last_off);
        int64_t want = rows[i].next_off == INT64_MIN ? now + C : D + rows[i].next_off;
        assert_int_equal(pl.next_due, want);
        /* the next slot has not passed (a shown slot passes after its due time) */
        assert_int_equal(od_deadline_state_at(pl.next_due, 0, now), OD_DLS_PENDING);
    }
}

static void test_timer_table(void **state)
{
    (void)state;
    const int64_t E = 5 * MIN; /* renotify_every of the seed policy */
    static const struct {
        int64_t now_off, missed;
        int catch_up;
    } rows[] = {
        {-1, 0, 0},        {0, 1, 0},     {E - 1, 1, 0},         {E, 2, 1},
        {2 * E - 1, 2, 1}, {2 * E, 3, 1}, {100 * HOUR, 1201, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t now = D + rows[i].now_off;
        od_deadline_plan pl = od_deadline_fire_plan(OD_DL_RENOTIFY, D, E, now);
        assert_int_equal(pl.missed, rows[i].missed);
        assert_int_equal(pl.catch_up, rows[i].catch_up);
        if (rows[i].missed == 1)
            assert_int_equal(pl.next_due, D + E);
        if (rows[i].catch_up)
            assert_int_equal(pl.next_due, now + E);
    }
}

static void test_no_cadence(void **state)
{
    (void)state;
    od_deadline_plan pl = od_deadline_fire_plan(OD_DL_HANDLING, D, 0, D + 100 * HOUR);
    assert_int_equal(pl.missed, 1);
    assert_false(pl.catch_up);
    assert_true(pl.next_due == OD_NO_TIME);
    pl = od_deadline_fire_plan(OD_DL_HANDLING, D, 0, D);
    assert_int_equal(pl.missed, 0);
    pl = od_deadline_fire_plan(OD_DL_PROGRESS, OD_NO_TIME, C, D);
    assert_int_equal(pl.missed, 0);
    assert_true(pl.next_due == OD_NO_TIME);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progress_table),
        cmocka_unit_test(test_timer_table),
        cmocka_unit_test(test_no_cadence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
