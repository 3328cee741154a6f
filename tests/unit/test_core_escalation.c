/* test_core_escalation.c — escalation by time (R-ESC-1, R-ESC-2, R-ESC-3):
 * the handling deadline, the level the time rule gives at each boundary
 * (one millisecond before and at it), the next escalation time for every
 * base × current pair, and a modified policy.  Expected values are written
 * from REQUIREMENTS.md §3, not derived from the implementation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/incident.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define T0 1763714580000LL /* 2025-11-21T08:43:00Z, an arbitrary detection time */

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

/* R-ESC-1: deadline = detected + limit(base); NG has none. */
static void test_handling_deadline(void **state)
{
    const od_policy *p = *state;
    static const struct {
        od_resp base;
        int64_t want; /* offset from T0, or OD_NO_TIME */
    } rows[] = {
        {OD_RESP_R1, 2 * HOUR},
        {OD_RESP_R2, 4 * HOUR},
        {OD_RESP_R3, 8 * HOUR},
        {OD_RESP_NG, OD_NO_TIME},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t d = od_handling_deadline(p, rows[i].base, T0);
        assert_int_equal(d, rows[i].want == OD_NO_TIME ? OD_NO_TIME : T0 + rows[i].want);
    }
    /* no overflow near the end of time */
    assert_int_equal(od_handling_deadline(p, OD_RESP_R3, INT64_MAX - 1), OD_NO_TIME);
    assert_int_equal(od_handling_deadline(p, OD_RESP__COUNT, T0), OD_NO_TIME);
}

/* R-ESC-2: boundaries are inclusive — at exactly the step the level is
 * raised, one millisecond before it is not. */
typedef struct level_row {
    const char *name;
    od_resp base;
    int64_t at; /* now - detected */
    od_resp want;
} level_row;

static const level_row level_rows[] = {
    {"R3 at detection", OD_RESP_R3, 0, OD_RESP_R3},
    {"R3 4h-1ms", OD_RESP_R3, 4 * HOUR - 1, OD_RESP_R3},
    {"R3 4h → R2", OD_RESP_R3, 4 * HOUR, OD_RESP_R2},
    {"R3 5h", OD_RESP_R3, 5 * HOUR, OD_RESP_R2},
    {"R3 6h-1ms", OD_RESP_R3, 6 * HOUR - 1, OD_RESP_R2},
    {"R3 6h → R1", OD_RESP_R3, 6 * HOUR, OD_RESP_R1},
    {"R3 8h (deadline)", OD_RESP_R3, 8 * HOUR, OD_RESP_R1},
    {"R3 late registration +30h", OD_RESP_R3, 30 * HOUR, OD_RESP_R1},
    {"R3 late registration +5h", OD_RESP_R3, 5 * HOUR + 17, OD_RESP_R2},
    {"R3 before detection", OD_RESP_R3, -HOUR, OD_RESP_R3},
    {"R2 at detection", OD_RESP_R2, 0, OD_RESP_R2},
    {"R2 2h-1ms", OD_RESP_R2, 2 * HOUR - 1, OD_RESP_R2},
    {"R2 2h → R1", OD_RESP_R2, 2 * HOUR, OD_RESP_R1},
    {"R2 late registration +1000h", OD_RESP_R2, 1000 * HOUR, OD_RESP_R1},
    {"R1 at detection", OD_RESP_R1, 0, OD_RESP_R1},
    {"R1 2h", OD_RESP_R1, 2 * HOUR, OD_RESP_R1},
    {"R1 +1000h stays R1", OD_RESP_R1, 1000 * HOUR, OD_RESP_R1},
    {"NG at detection", OD_RESP_NG, 0, OD_RESP_NG},
    {"NG +8h", OD_RESP_NG, 8 * HOUR, OD_RESP_NG},
    {"NG +1000h never", OD_RESP_NG, 1000 * HOUR, OD_RESP_NG},
};

static void test_level_at_boundaries(void **state)
{
    const od_policy *p = *state;
    for (size_t i = 0; i < sizeof level_rows / sizeof level_rows[0]; i++) {
        const level_row *r = &level_rows[i];
        od_resp got = od_escalation_level_at(p, r->base, T0, T0 + r->at);
        if (got != r->want)
            fail_msg("%s: got %s, want %s", r->name, od_resp_key(got), od_resp_key(r->want));
    }
}

/* R-ESC-3: never lower than base, and monotone in time. */
static void test_level_never_lower_and_monotone(void **state)
{
    const od_policy *p = *state;
    for (int b = 0; b < OD_RESP__COUNT; b++) {
        od_resp prev = (od_resp)b;
        for (int64_t t = -HOUR; t <= 10 * HOUR; t += MIN) {
            od_resp got = od_escalation_level_at(p, (od_resp)b, T0, T0 + t);
            assert_true(got <= (od_resp)b);
            assert_true(got <= prev);
            prev = got;
        }
    }
}

/* od_escalation_next_at for every base × current pair. */
static void test_next_at_every_pair(void **state)
{
    const od_policy *p = *state;
    static const int64_t N = OD_NO_TIME;
    /* want[base][current]: offset from T0 or N.  A current less serious
     * than base counts as base. */
    static const int64_t want[OD_RESP__COUNT][OD_RESP__COUNT] = {
        /* base R1 */ {N, N, N, N},
        /* base R2 */ {N, 2 * HOUR, 2 * HOUR, 2 * HOUR},
        /* base R3 */ {N, 6 * HOUR, 4 * HOUR, 4 * HOUR},
        /* base NG */ {N, N, N, N},
    };
    for (int b = 0; b < OD_RESP__COUNT; b++) {
        for (int c = 0; c < OD_RESP__COUNT; c++) {
            int64_t got = od_escalation_next_at(p, (od_resp)b, (od_resp)c, T0);
            int64_t w = want[b][c] == N ? N : T0 + want[b][c];
            if (got != w)
                fail_msg("base %s current %s: got %lld want %lld", od_resp_key((od_resp)b),
                         od_resp_key((od_resp)c), (long long)got, (long long)w);
            if (w == N || c > b)
                continue;
            /* consistent with level_at: raised at w, not 1 ms before */
            assert_true(od_escalation_level_at(p, (od_resp)b, T0, w) < (od_resp)c);
            assert_false(od_escalation_level_at(p, (od_resp)b, T0, w - 1) < (od_resp)c);
        }
    }
}

/* Walking the steps as the scheduler does: R3 → R2 → R1 → none. */
static void test_next_at_walk(void **state)
{
    const od_policy *p = *state;
    od_resp cur = OD_RESP_R3;
    int64_t steps[3];
    int n = 0;
    for (;;) {
        int64_t at = od_escalation_next_at(p, OD_RESP_R3, cur, T0);
        if (at == OD_NO_TIME)
            break;
        assert_true(n < 3);
        steps[n++] = at - T0;
        cur = od_escalation_level_at(p, OD_RESP_R3, T0, at);
    }
    assert_int_equal(n, 2);
    assert_int_equal(steps[0], 4 * HOUR);
    assert_int_equal(steps[1], 6 * HOUR);
    assert_int_equal(cur, OD_RESP_R1);
}

/* Values come from the policy: R1 1h, R2 3h, R3 10h.  R3 → R2 when
 * 10h - t <= 3h (t = 7h), → R1 when 10h - t <= 1h (t = 9h); R2 → R1 at 2h. */
static void test_modified_limits(void **state)
{
    (void)state;
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    p->handling_limit_ms[OD_RESP_R1] = 1 * HOUR;
    p->handling_limit_ms[OD_RESP_R2] = 3 * HOUR;
    p->handling_limit_ms[OD_RESP_R3] = 10 * HOUR;
    static const level_row rows[] = {
        {"R3 7h-1", OD_RESP_R3, 7 * HOUR - 1, OD_RESP_R3}, {"R3 7h", OD_RESP_R3, 7 * HOUR, OD_RESP_R2},
        {"R3 9h-1", OD_RESP_R3, 9 * HOUR - 1, OD_RESP_R2}, {"R3 9h", OD_RESP_R3, 9 * HOUR, OD_RESP_R1},
        {"R2 2h-1", OD_RESP_R2, 2 * HOUR - 1, OD_RESP_R2}, {"R2 2h", OD_RESP_R2, 2 * HOUR, OD_RESP_R1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (od_escalation_level_at(p, rows[i].base, T0, T0 + rows[i].at) != rows[i].want)
            fail_msg("%s", rows[i].name);
    assert_int_equal(od_handling_deadline(p, OD_RESP_R3, T0), T0 + 10 * HOUR);
    assert_int_equal(od_escalation_next_at(p, OD_RESP_R3, OD_RESP_R3, T0), T0 + 7 * HOUR);
    assert_int_equal(od_escalation_next_at(p, OD_RESP_R3, OD_RESP_R2, T0), T0 + 9 * HOUR);
    assert_int_equal(od_escalation_next_at(p, OD_RESP_R2, OD_RESP_R2, T0), T0 + 2 * HOUR);

    /* R2 without a limit: R3 skips it and goes to R1 at 10h - 1h = 9h */
    p->handling_limit_ms[OD_RESP_R2] = 0;
    assert_int_equal(od_escalation_level_at(p, OD_RESP_R3, T0, T0 + 9 * HOUR - 1), OD_RESP_R3);
    assert_int_equal(od_escalation_level_at(p, OD_RESP_R3, T0, T0 + 9 * HOUR), OD_RESP_R1);
    assert_int_equal(od_escalation_next_at(p, OD_RESP_R3, OD_RESP_R3, T0), T0 + 9 * HOUR);
    /* and R2 as base has no deadline, so it never escalates */
    assert_int_equal(od_handling_deadline(p, OD_RESP_R2, T0), OD_NO_TIME);
    assert_int_equal(od_escalation_level_at(p, OD_RESP_R2, T0, T0 + 1000 * HOUR), OD_RESP_R2);
    assert_int_equal(od_escalation_next_at(p, OD_RESP_R2, OD_RESP_R2, T0), OD_NO_TIME);

    /* NG given a limit now escalates like any level: NG 12h → R1 at 11h */
    p->handling_limit_ms[OD_RESP_NG] = 12 * HOUR;
    assert_int_equal(od_escalation_level_at(p, OD_RESP_NG, T0, T0 + 11 * HOUR - 1), OD_RESP_R3);
    assert_int_equal(od_escalation_next_at(p, OD_RESP_NG, OD_RESP_NG, T0), T0 + 2 * HOUR);
    assert_int_equal(od_escalation_level_at(p, OD_RESP_NG, T0, T0 + 11 * HOUR), OD_RESP_R1);
    od_policy_free(p);
}

/* Seed ch.6 §3.2 with ch.7 §2.1 item 1: a level confirmed or raised by a
 * person above the current one runs on its own clock, from detection
 * (R-ESC-2).  The clock level by table, then the confirmed clock at its
 * boundaries: R3 confirmed R2 at 10 min has its handling deadline at
 * detection + 4 h and reaches R1 at detection + 2 h (not 6 h); confirmed
 * at 3 h, the R1 step has already passed. */
static void test_confirmed_level_clock(void **state)
{
    const od_policy *p = *state;
    static const struct {
        od_resp clock, set, want;
    } lv[] = {
        {OD_RESP_R3, OD_RESP_R2, OD_RESP_R2},     {OD_RESP_R3, OD_RESP_R1, OD_RESP_R1},
        {OD_RESP_R2, OD_RESP_R3, OD_RESP_R2},     {OD_RESP_R2, OD_RESP_R2, OD_RESP_R2},
        {OD_RESP_NG, OD_RESP_R2, OD_RESP_R2},     {OD_RESP_R1, OD_RESP_NG, OD_RESP_R1},
        {OD_RESP_R3, OD_RESP__COUNT, OD_RESP_R3},
    };
    for (size_t i = 0; i < sizeof lv / sizeof lv[0]; i++)
        if (od_clock_after_raise(lv[i].clock, lv[i].set) != lv[i].want)
            fail_msg("row %zu: clock %d set %d", i, lv[i].clock, lv[i].set);
    od_resp clock = od_clock_after_raise(OD_RESP_R3, OD_RESP_R2);
    assert_int_equal(od_handling_deadline(p, clock, T0), T0 + 4 * HOUR);
    static const struct {
        int64_t at;
        od_resp want;
    } rows[] = {
        {10 * MIN, OD_RESP_R2},     {2 * HOUR - 1, OD_RESP_R2}, {2 * HOUR, OD_RESP_R1},
        {4 * HOUR - 1, OD_RESP_R1}, {4 * HOUR, OD_RESP_R1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (od_escalation_level_at(p, clock, T0, T0 + rows[i].at) != rows[i].want)
            fail_msg("confirmed R2, at +%lld ms: want %d", (long long)rows[i].at, rows[i].want);
    /* the next step from the confirmed R2 is R1 at 2 h, before the original 6 h */
    assert_int_equal(od_escalation_next_at(p, clock, OD_RESP_R2, T0), T0 + 2 * HOUR);
    assert_int_equal(od_escalation_next_at(p, OD_RESP_R3, OD_RESP_R2, T0), T0 + 6 * HOUR);
    /* confirmed at 3 h: the R1 step lies in the past, the caller escalates at once */
    assert_int_equal(od_escalation_level_at(p, clock, T0, T0 + 3 * HOUR), OD_RESP_R1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handling_deadline),
        cmocka_unit_test(test_level_at_boundaries),
        cmocka_unit_test(test_level_never_lower_and_monotone),
        cmocka_unit_test(test_next_at_every_pair),
        cmocka_unit_test(test_next_at_walk),
        cmocka_unit_test(test_modified_limits),
        cmocka_unit_test(test_confirmed_level_clock),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
