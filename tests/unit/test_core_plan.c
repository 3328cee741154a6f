/* test_core_plan.c — the plan review rules (R-PLAN-REVIEW; modules-spec §M7;
 * seed 000 ch. 9: every plan reviewed every six months), by table: calendar
 * months in UTC with the day clamped to shorter months (leap years, the
 * 2100 non-leap century, before 1970, negative months), the next review from
 * the later of publication and review, and due exactly at the instant
 * (1 ms before: not due; at: due); which plans apply to an incident (by CI,
 * by level, by a CI's category, nothing for an empty scope, exact case). */
#include "core/plan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void add_months_table(void **state)
{
    (void)state;
    static const struct {
        int64_t from;
        int months;
        int64_t to;
    } t[] = {
        {1768469400000LL, 6, 1784107800000LL},  /* 2026-01-15T09:30:00 + 6 = 2026-07-15T09:30:00 */
        {1756684799000LL, 6, 1772323199000LL},  /* 2025-08-31T23:59:59 + 6 = 2026-02-28T23:59:59 */
        {1819670400000LL, 6, 1835395200000LL},  /* 2027-08-31 + 6 = 2028-02-29 (leap) */
        {1798718400000LL, 2, 1803816000000LL},  /* 2026-12-31T12:00 + 2 = 2027-02-28T12:00 */
        {1774915200000LL, -1, 1772236800000LL}, /* 2026-03-31 - 1 = 2026-02-28 */
        {-3600000LL, 1, 2674800000LL},          /* 1969-12-31T23:00 + 1 = 1970-01-31T23:00 */
        {1790812800000LL, 24, 1853971200000LL}, /* 2026-10-01 + 24 = 2028-10-01 */
        {1780214400000LL, 1, 1782806400000LL},  /* 2026-05-31T08:00 + 1 = 2026-06-30T08:00 */
        {4102358400000LL, 12, 4133894400000LL}, /* 2099-12-31 + 12 = 2100-12-31 */
        {4104864000000LL, 1, 4107456000000LL},  /* 2100-01-29 + 1 = 2100-02-28 (2100 is not leap) */
        {1768469400123LL, 0, 1768469400123LL},  /* + 0 = itself, milliseconds kept */
        {1768469400123LL, 6, 1784107800123LL},  /* milliseconds kept */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        assert_int_equal(od_plan_add_months(t[i].from, t[i].months), t[i].to);
}

static void next_review_table(void **state)
{
    (void)state;
    const int64_t jan = 1768469400000LL, jul = 1784107800000LL;    /* 2026-01-15T09:30, + 6 months */
    const int64_t mar = 1772323199000LL;                           /* 2026-02-28T23:59:59 */
    static const int64_t mar_plus6 = 1787961599000LL;              /* 2026-08-28T23:59:59 */
    assert_int_equal(od_plan_next_review(0, 0, 6), 0);             /* never published: nothing due */
    assert_int_equal(od_plan_next_review(jan, 0, 6), jul);         /* from the publication */
    assert_int_equal(od_plan_next_review(0, jan, 6), jul);         /* from a review */
    assert_int_equal(od_plan_next_review(jan, mar, 6), mar_plus6); /* the later one counts */
    assert_int_equal(od_plan_next_review(mar, jan, 6), mar_plus6);
    assert_int_equal(od_plan_next_review(jan, jan, 6), jul);
    assert_int_equal(od_plan_next_review(jan, 0, 1), 1771147800000LL); /* 2026-02-15T09:30 */
}

static void due_table(void **state)
{
    (void)state;
    const int64_t at = 1784107800000LL;
    assert_false(od_plan_review_due(at, at - 1)); /* 1 ms before */
    assert_true(od_plan_review_due(at, at));      /* at */
    assert_true(od_plan_review_due(at, at + 1));
    assert_false(od_plan_review_due(0, at)); /* never published */
    assert_false(od_plan_review_due(0, 0));
}

/* Reviews made due by a trigger (seed 000 ch. 9 §1; R-PLAN-1): due at the
 * earlier of the cycle and the trigger's due time, only for a trigger after
 * the last publication and the last review; 1 ms before / at the due time. */
static void trigger_table(void **state)
{
    (void)state;
    const int64_t jan = 1768469400000LL, jul = 1784107800000LL; /* 2026-01-15T09:30, + 6 months */
    const int64_t feb = 1770000000000LL;                        /* 2026-02-02T02:40 */
    const int64_t day = 86400000LL;
    static const struct {
        int64_t pub, rev;
        int months;
        int64_t trig_at, trig_due, want;
    } t[] = {
        {0, 0, 6, 0, 0, 0},                       /* never published */
        {0, 0, 6, feb, feb + 30 * 86400000LL, 0}, /* a trigger alone: not for an unpublished plan */
        {jan, 0, 6, 0, 0, jul},                   /* no trigger: the cycle */
        {jan, 0, 6, feb, feb + 30 * 86400000LL, feb + 30 * 86400000LL}, /* a drill after publication */
        {jan, 0, 6, jan, jan + 86400000LL, jul}, /* at the publication instant: covered by it */
        {jan, 0, 6, jan + 1, jan + 1, jan + 1},  /* 1 ms after it: counts, trigger days 0 */
        {jan, feb, 6, feb - 1, feb + 86400000LL,
         1785638400000LL},                        /* reviewed after the trigger: cycle from the review */
        {jan, feb, 6, feb + 1, feb + 2, feb + 2}, /* a trigger after the review */
        {jan, 0, 6, feb, jul + 1, jul},           /* the cycle falls due sooner */
        {jan, 0, 6, feb, jul, jul},               /* equal */
        {jan, 0, 6, feb, 0, jul},                 /* no due time recorded */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        assert_int_equal(od_plan_review_at(t[i].pub, t[i].rev, t[i].months, t[i].trig_at, t[i].trig_due),
                         t[i].want);
    /* due time of a trigger: whole days, clamped */
    assert_int_equal(od_plan_trigger_due(feb, 30), feb + 30 * day);
    assert_int_equal(od_plan_trigger_due(feb, 0), feb);
    assert_int_equal(od_plan_trigger_due(feb, -5), feb);
    assert_int_equal(od_plan_trigger_due(feb, 366), feb + 365 * day);
    /* boundary: a review triggered by a drill, 1 ms before and at its due time */
    int64_t due = od_plan_review_at(jan, 0, 6, feb, od_plan_trigger_due(feb, 30));
    assert_false(od_plan_review_due(due, due - 1));
    assert_true(od_plan_review_due(due, due));
    assert_string_equal(od_plan_trigger_key(OD_PLAN_TRIG_DRILL), "drill");
    assert_string_equal(od_plan_trigger_key(OD_PLAN_TRIG_MAJOR_RESPONSE), "major_response");
    assert_string_equal(od_plan_trigger_key(OD_PLAN_TRIG_CI_CHANGE), "ci_change");
    assert_string_equal(od_plan_trigger_key(OD_PLAN_TRIG_NONE), "");
}

/* At least one drill every 12 months (seed 000 ch. 9 §3): from the later of
 * the last publication and the last drill; overdue at the instant. */
static void drill_due_table(void **state)
{
    (void)state;
    const int64_t jan = 1768469400000LL;   /* 2026-01-15T09:30 */
    const int64_t jan27 = 1800005400000LL; /* 2027-01-15T09:30 */
    const int64_t mar = 1772323199000LL;   /* 2026-02-28T23:59:59 */
    const int64_t mar27 = 1803859199000LL; /* 2027-02-28T23:59:59 */
    assert_int_equal(od_plan_drill_due(0, 0, 12), 0);
    assert_int_equal(od_plan_drill_due(jan, 0, 12), jan27);
    assert_int_equal(od_plan_drill_due(jan, mar, 12), mar27);
    assert_int_equal(od_plan_drill_due(mar, jan, 12), mar27);
    assert_int_equal(od_plan_drill_due(0, jan, 12), jan27);
    assert_false(od_plan_review_due(jan27, jan27 - 1)); /* 1 ms before: not overdue */
    assert_true(od_plan_review_due(jan27, jan27));      /* at: overdue */
}

static void applies_table(void **state)
{
    (void)state;
    static const char *const db_l1[] = {"database", "L1"};
    static const char *const net[] = {"network"};
    static const char *const l1_upper[] = {"l1"};
    static const int64_t cis_7_9[] = {7, 9};
    static const int64_t ci_8[] = {8};
    static const char *const cat_db[] = {"database"};
    static const char *const cat_srv_net[] = {"server", "network"};
    static const int64_t inc_9[] = {9};
    static const int64_t inc_3_4[] = {3, 4};
    static const struct {
        od_plan_scope p;
        od_plan_incident i;
        od_plan_match want;
    } t[] = {
        /* by CI: one shared CI id */
        {{NULL, 0, cis_7_9, 2}, {"L3", NULL, 0, inc_9, 1}, OD_PLAN_BY_CI},
        {{NULL, 0, cis_7_9, 2}, {"L3", NULL, 0, inc_3_4, 2}, OD_PLAN_NO_MATCH},
        /* CI wins over class when both hold */
        {{db_l1, 2, cis_7_9, 2}, {"L1", cat_db, 1, inc_9, 1}, OD_PLAN_BY_CI},
        /* by level */
        {{db_l1, 2, ci_8, 1}, {"L1", NULL, 0, inc_3_4, 2}, OD_PLAN_BY_CLASS},
        {{db_l1, 2, ci_8, 1}, {"L2", NULL, 0, inc_3_4, 2}, OD_PLAN_NO_MATCH},
        /* by a CI's category */
        {{db_l1, 2, NULL, 0}, {"L3", cat_db, 1, inc_3_4, 2}, OD_PLAN_BY_CLASS},
        {{net, 1, NULL, 0}, {"L3", cat_srv_net, 2, inc_3_4, 2}, OD_PLAN_BY_CLASS},
        {{net, 1, NULL, 0}, {"L3", cat_db, 1, inc_3_4, 2}, OD_PLAN_NO_MATCH},
        /* exact case */
        {{l1_upper, 1, NULL, 0}, {"L1", NULL, 0, NULL, 0}, OD_PLAN_NO_MATCH},
        /* an empty scope applies to nothing; an incident without CIs */
        {{NULL, 0, NULL, 0}, {"L1", cat_db, 1, inc_9, 1}, OD_PLAN_NO_MATCH},
        {{db_l1, 2, cis_7_9, 2}, {"", NULL, 0, NULL, 0}, OD_PLAN_NO_MATCH},
    };
    for (size_t k = 0; k < sizeof t / sizeof *t; k++)
        assert_int_equal(od_plan_applies(&t[k].p, &t[k].i), t[k].want);
    assert_string_equal(od_plan_match_key(OD_PLAN_BY_CI), "ci");
    assert_string_equal(od_plan_match_key(OD_PLAN_BY_CLASS), "class");
    assert_string_equal(od_plan_match_key(OD_PLAN_NO_MATCH), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_months_table), cmocka_unit_test(next_review_table),
        cmocka_unit_test(due_table),        cmocka_unit_test(applies_table),
        cmocka_unit_test(trigger_table),    cmocka_unit_test(drill_due_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
