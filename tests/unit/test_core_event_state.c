/* test_core_event_state.c — the event states of core/event.h as data
 * (R-EVT-2, R-EVT-3, R-EVT-4): every key and its parse back, and the move
 * table over every (state, dedup action, window over) triple: a resolve
 * closes (a filtered event stays filtered), a re-fire and a new event run
 * the pipeline, a repeat keeps the state except a silenced event whose
 * maintenance window is over. */
#include "core/event.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_state_keys(void **state)
{
    (void)state;
    static const char *const keys[OD_EVS__COUNT] = {"open",       "handled",  "silenced",
                                                    "suppressed", "filtered", "closed"};
    for (int s = 0; s < OD_EVS__COUNT; s++) {
        assert_string_equal(od_event_state_key((od_event_state)s), keys[s]);
        assert_int_equal(od_event_state_parse(keys[s]), s);
    }
    assert_string_equal(od_event_state_key(OD_EVS__COUNT), "?");
    assert_string_equal(od_event_state_key((od_event_state)-1), "?");
    assert_int_equal(od_event_state_parse(NULL), -1);
    assert_int_equal(od_event_state_parse(""), -1);
    assert_int_equal(od_event_state_parse("Open"), -1);
    assert_int_equal(od_event_state_parse("open "), -1);
    assert_int_equal(od_event_state_parse("repeat"), -1);
}

/* Every (state, action, window_over): the expected move by hand. */
static void test_state_moves_every_pair(void **state)
{
    (void)state;
    for (int s = 0; s < OD_EVS__COUNT; s++)
        for (int a = 0; a < OD_DD__COUNT; a++)
            for (int w = 0; w < 2; w++) {
                od_event_move expect;
                switch (a) {
                case OD_DD_NEW:
                case OD_DD_REOPEN:
                    expect = OD_EVM_RUN;
                    break;
                case OD_DD_NEW_RESOLVED:
                case OD_DD_RESOLVE:
                    expect = OD_EVM_CLOSE;
                    break;
                default: /* a repeat */
                    expect = s == OD_EVS_SILENCED && w ? OD_EVM_RUN : OD_EVM_KEEP;
                }
                od_event_move got = od_event_state_move((od_event_state)s, (od_dedup_action)a, w != 0);
                if (got != expect)
                    fail_msg("state %s action %s window_over %d: move %d, expected %d",
                             od_event_state_key((od_event_state)s), od_dedup_action_key((od_dedup_action)a),
                             w, (int)got, (int)expect);
            }
    /* an action out of range changes nothing */
    assert_int_equal(od_event_state_move(OD_EVS_OPEN, OD_DD__COUNT, true), OD_EVM_KEEP);
}

static void test_state_closed(void **state)
{
    (void)state;
    for (int s = 0; s < OD_EVS__COUNT; s++)
        assert_int_equal(od_event_state_closed((od_event_state)s),
                         s == OD_EVS_FILTERED ? OD_EVS_FILTERED : OD_EVS_CLOSED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_keys),
        cmocka_unit_test(test_state_moves_every_pair),
        cmocka_unit_test(test_state_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
