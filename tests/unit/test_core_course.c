/* test_core_course.c — the rules of training courses and their sessions'
 * results (R-PLAN-3; modules-spec §M7.1, §M7.3; docs/plans.md "Courses and
 * sessions"), by table: a course's hours (0 and negative refused, the
 * smallest that rounds to one minute accepted, 200 accepted, just above
 * refused), its validity (0 and 121 refused, 1 and 120 accepted), every
 * (attended, assessment, score) combination, what each result earns, and
 * until when a pass qualifies (the start + N calendar months: 1 ms before
 * still, at it no longer). */
#include "core/course.h"
#include "core/readiness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void hours_table(void **state)
{
    (void)state;
    static const struct {
        double hours;
        bool ok;
        int64_t minutes;
    } t[] = {
        {-1, false, 0},        {0, false, 0},       {0.008, false, 0}, /* 0.48 minute rounds to 0 */
        {0.0084, true, 1},     {1.0 / 60, true, 1}, {0.5, true, 30},     {7.5, true, 450}, {8, true, 480},
        {199.99, true, 11999}, {200, true, 12000},  {200.001, false, 0}, {201, false, 0},  {1e300, false, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        int64_t m = -1;
        assert_int_equal(od_course_hours_ok(t[i].hours, &m), t[i].ok);
        assert_int_equal(m, t[i].minutes);
    }
}

static void validity_table(void **state)
{
    (void)state;
    static const struct {
        int64_t months;
        bool ok;
    } t[] = {{-1, false}, {0, false}, {1, true}, {12, true}, {120, true}, {121, false}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        assert_int_equal(od_course_validity_ok(t[i].months), t[i].ok);
}

static void result_table(void **state)
{
    (void)state;
    static const struct {
        bool attended;
        const char *assessment;
        bool has_score;
        int64_t score;
        od_course_result want;
        bool hours, positions;
    } t[] = {
        {true, "pass", false, 0, OD_COURSE_RESULT_OK, true, true},
        {true, "fail", false, 0, OD_COURSE_RESULT_OK, true, false},
        {true, "absent", false, 0, OD_COURSE_RESULT_ASSESSMENT, true, false},
        {true, NULL, false, 0, OD_COURSE_RESULT_ASSESSMENT, true, false},
        {true, "PASS", false, 0, OD_COURSE_RESULT_ASSESSMENT, true, false},
        {true, "", false, 0, OD_COURSE_RESULT_ASSESSMENT, true, false},
        {false, "absent", false, 0, OD_COURSE_RESULT_OK, false, false},
        {false, NULL, false, 0, OD_COURSE_RESULT_OK, false, false},
        {false, "pass", false, 0, OD_COURSE_RESULT_ASSESSMENT, false, false},
        {false, "fail", false, 0, OD_COURSE_RESULT_ASSESSMENT, false, false},
        {true, "pass", true, 0, OD_COURSE_RESULT_OK, true, true},
        {true, "pass", true, 100, OD_COURSE_RESULT_OK, true, true},
        {true, "pass", true, -1, OD_COURSE_RESULT_SCORE, true, true},
        {true, "fail", true, 101, OD_COURSE_RESULT_SCORE, true, false},
        {false, "absent", true, 50, OD_COURSE_RESULT_SCORE_ABSENT, false, false},
        {false, "absent", true, 101, OD_COURSE_RESULT_SCORE, false, false},
        {false, "pass", true, 50, OD_COURSE_RESULT_ASSESSMENT, false, false},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        assert_int_equal(od_course_result_check(t[i].attended, t[i].assessment, t[i].has_score, t[i].score),
                         t[i].want);
        assert_int_equal(od_course_earns_hours(t[i].attended), t[i].hours);
        assert_int_equal(od_course_earns_positions(t[i].attended, t[i].assessment), t[i].positions);
    }
}

static void qualified_until_table(void **state)
{
    (void)state;
    static const struct {
        int64_t starts, months, until;
    } t[] = {
        {1897779600000LL, 12, 1929315600000LL}, /* 2030-02-20T01:00Z + 12 = 2031-02-20T01:00Z */
        {1897779600000LL, 1, 1900198800000LL},  /* + 1 = 2030-03-20T01:00Z */
        {1832371200000LL, 12, 1863993600000LL}, /* 2028-01-25T00:00Z + 12 = 2029-01-25T00:00Z */
        {1835395200000LL, 12, 1866931200000LL}, /* 2028-02-29T00:00Z + 12 = 2029-02-28 (clamped) */
        {1835395200000LL, 48, 1961625600000LL}, /* 2028-02-29 + 48 = 2032-02-29 */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        int64_t until = od_course_qualified_until(t[i].starts, t[i].months);
        assert_int_equal(until, t[i].until);
        /* the certificate a pass gives: valid from the start until 1 ms before */
        assert_false(od_cert_valid(t[i].starts, until, t[i].starts - 1));
        assert_true(od_cert_valid(t[i].starts, until, t[i].starts));
        assert_true(od_cert_valid(t[i].starts, until, until - 1));
        assert_false(od_cert_valid(t[i].starts, until, until));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hours_table),
        cmocka_unit_test(validity_table),
        cmocka_unit_test(result_table),
        cmocka_unit_test(qualified_until_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
