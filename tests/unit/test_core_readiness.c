/* test_core_readiness.c — the training and readiness rules (R-PLAN-3;
 * modules-spec §M7; seed 000 ch. 9: two qualified people per key position;
 * seed 004 §7.5.2: 48 hours a year), by table: a training counts from its
 * instant (1 ms before: not yet) until 1 ms before the same instant twelve
 * calendar months later (at it: no longer), including 29 February; a person
 * is qualified with one of the position's roles and a training that counts;
 * a position is a gap below min_qualified; hours fall short below 48 h. */
#include "core/readiness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static const int64_t jan26 = 1768469400000LL; /* 2026-01-15T09:30:00Z */
static const int64_t jan27 = 1800005400000LL; /* 2027-01-15T09:30:00Z, + 12 months */
static const int64_t feb28 = 1835431200000LL; /* 2028-02-29T10:00:00Z */
static const int64_t feb29 = 1866967200000LL; /* 2029-02-28T10:00:00Z, + 12 months (clamped) */

static void counts_table(void **state)
{
    (void)state;
    static const struct {
        int64_t at, now;
        bool counts;
    } t[] = {
        {jan26, jan26 - 1, false},                           /* not yet held */
        {jan26, jan26, true},                                /* from the instant */
        {jan26, jan27 - 1, true},                            /* 1 ms before twelve months */
        {jan26, jan27, false},                               /* at twelve months: expired */
        {jan26, jan27 + 1, false}, {feb28, feb29 - 1, true}, /* 29 Feb + 12 months = 28 Feb */
        {feb28, feb29, false},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        assert_int_equal(od_training_counts(t[i].at, t[i].now), t[i].counts);
}

static void floor_table(void **state)
{
    (void)state;
    /* every training that counts is on or after the floor */
    static const int64_t nows[] = {jan26, jan27, jan27 - 1, feb28, feb29, feb29 - 1};
    for (size_t i = 0; i < sizeof nows / sizeof *nows; i++) {
        int64_t f = od_training_window_floor(nows[i]);
        assert_true(f < nows[i]);
        assert_false(od_training_counts(f, nows[i]));
    }
    assert_true(od_training_window_floor(jan27) < jan26);
}

static void qualified_table(void **state)
{
    (void)state;
    const od_roleset ops = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER), lead = OD_ROLEBIT(OD_ROLE_EMERGENCY_LEADERSHIP);
    static const struct {
        int roles_kind; /* 0 none, 1 ops, 2 lead, 3 both */
        int64_t last_at, now;
        bool q;
    } t[] = {
        {1, jan26, jan26, true},      {1, jan26, jan27 - 1, true}, {1, jan26, jan27, false}, /* expiry */
        {1, jan26, jan26 - 1, false}, {1, 0, jan26, false}, /* never trained */
        {2, jan26, jan26, false},                           /* other role */
        {0, jan26, jan26, false},     {3, jan26, jan26, true},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        od_roleset r = (t[i].roles_kind & 1 ? ops : 0) | (t[i].roles_kind & 2 ? lead : 0);
        assert_int_equal(od_readiness_qualified(r, ops, t[i].last_at, t[i].now), t[i].q);
    }
}

static void gap_and_hours_table(void **state)
{
    (void)state;
    assert_true(od_readiness_gap(0, OD_READINESS_MIN_QUALIFIED));
    assert_true(od_readiness_gap(1, OD_READINESS_MIN_QUALIFIED)); /* one qualified: flagged */
    assert_false(od_readiness_gap(2, OD_READINESS_MIN_QUALIFIED));
    assert_false(od_readiness_gap(3, OD_READINESS_MIN_QUALIFIED));
    assert_false(od_readiness_gap(1, 1));
    assert_true(od_readiness_hours_short(0, OD_READINESS_ANNUAL_HOURS));
    assert_true(od_readiness_hours_short(48 * 60 - 1, OD_READINESS_ANNUAL_HOURS)); /* 1 minute short */
    assert_false(od_readiness_hours_short(48 * 60, OD_READINESS_ANNUAL_HOURS));
    assert_false(od_readiness_hours_short(48 * 60 + 1, OD_READINESS_ANNUAL_HOURS));
    assert_false(od_readiness_hours_short(0, 0));
}

/* Certificates (seed 004 §7.5.1): valid from the issue instant (1 ms
 * before: not yet) until 1 ms before the expiry (at it: no longer); no
 * expiry = valid from issue on; expiring within 30 days (at 30 days
 * exactly: expiring; 1 ms more: not yet); a position requiring a
 * certificate needs it on top of the role and the training. */
static void cert_table(void **state)
{
    (void)state;
    const int64_t day = 86400000LL, exp = jan27;
    static const struct {
        int64_t issued, expires, now;
        bool valid;
    } t[] = {
        {1768469400000LL, 1800005400000LL, 1768469400000LL - 1, false}, /* 1 ms before issue */
        {1768469400000LL, 1800005400000LL, 1768469400000LL, true},      /* at issue */
        {1768469400000LL, 1800005400000LL, 1800005400000LL - 1, true},  /* 1 ms before expiry */
        {1768469400000LL, 1800005400000LL, 1800005400000LL, false},     /* at expiry */
        {1768469400000LL, 0, 1900000000000LL, true},                    /* no expiry */
        {1768469400000LL, 0, 1768469400000LL - 1, false},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        assert_int_equal(od_cert_valid(t[i].issued, t[i].expires, t[i].now), t[i].valid);
    assert_true(od_cert_expiring(jan26, exp, exp - 30 * day, 30));      /* 30 days before: warned */
    assert_false(od_cert_expiring(jan26, exp, exp - 30 * day - 1, 30)); /* 1 ms earlier: not yet */
    assert_true(od_cert_expiring(jan26, exp, exp - 1, 30));
    assert_false(od_cert_expiring(jan26, exp, exp, 30)); /* expired: no longer "expiring" */
    assert_false(od_cert_expiring(jan26, 0, jan26, 30)); /* no expiry */
    const od_roleset ops = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER);
    static const struct {
        bool require, has;
        bool q;
    } q[] = {{false, false, true}, {false, true, true}, {true, false, false}, {true, true, true}};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        assert_int_equal(od_readiness_qualified_cert(ops, ops, jan26, q[i].require, q[i].has, jan26), q[i].q);
        /* without the training, no certificate qualifies */
        assert_false(od_readiness_qualified_cert(ops, ops, 0, q[i].require, q[i].has, jan26));
    }
    assert_false(od_readiness_qualified_cert(0, ops, jan26, true, true, jan26)); /* without the role */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_table),        cmocka_unit_test(floor_table),
        cmocka_unit_test(qualified_table),     cmocka_unit_test(cert_table),
        cmocka_unit_test(gap_and_hours_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
