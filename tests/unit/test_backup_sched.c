/* test_backup_sched.c — the pure parts of the daily backup scheduler
 * (sched/backup_sched.h, R-SEC-SYS-4): --backup-at parsing, table-driven,
 * and the next run time across midnight and offsets.  The schedule itself
 * (thread, test clock, retention, failures) is tested through the server in
 * tests/api/test_backup_schedule.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sched/backup_sched.h"

#define DAY 86400000LL
#define T0 1795250580000LL /* 2026-11-21T08:43:00Z */
#define MIDNIGHT (T0 - (T0 % DAY))

static void test_at_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int minute; /* -1 = refused */
    } cases[] = {
        {"00:00", 0},          {"02:00", 120},       {"23:59", 1439},      {"18:00Z", 1080},
        {"02:00+08:00", 1080}, {"08:00+08:00", 0},   {"00:30+01:00", 1410}, {"22:00-05:00", 180},
        {"12:00+00:00", 720},  {"24:00", -1},        {"2:00", -1},         {"02:60", -1},
        {"02:00+8", -1},       {"02:00 +08:00", -1}, {"", -1},             {"02-00", -1},
        {"02:00+24:00", -1},   {"ab:cd", -1},        {"02:00Zx", -1},      {"02:001", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        od_error e = {0};
        int m = -7;
        od_err rc = od_backup_at_parse(cases[i].in, &m, &e);
        if (cases[i].minute < 0) {
            assert_int_equal(rc, OD_E_INVALID);
            assert_string_equal(e.field, "backup-at");
        } else {
            assert_int_equal(rc, OD_OK);
            assert_int_equal(m, cases[i].minute);
        }
    }
    od_error e = {0};
    int m;
    assert_int_equal(od_backup_at_parse(NULL, &m, &e), OD_E_INVALID);
}

static void test_next_run(void **state)
{
    (void)state;
    /* 08:43 UTC: 18:00 today; 08:00 tomorrow; exactly at the time → the next day */
    assert_int_equal(od_backup_next_run(T0, 1080), MIDNIGHT + 18 * 3600000LL);
    assert_int_equal(od_backup_next_run(T0, 480), MIDNIGHT + DAY + 8 * 3600000LL);
    assert_int_equal(od_backup_next_run(MIDNIGHT + 18 * 3600000LL, 1080), MIDNIGHT + DAY + 18 * 3600000LL);
    assert_int_equal(od_backup_next_run(MIDNIGHT + 18 * 3600000LL - 1, 1080), MIDNIGHT + 18 * 3600000LL);
    assert_int_equal(od_backup_next_run(MIDNIGHT - 1, 0), MIDNIGHT);
    assert_int_equal(od_backup_next_run(0, 0), DAY);
    for (int64_t t = T0; t < T0 + 3 * DAY; t += 997 * 61000LL) {
        int64_t n = od_backup_next_run(t, 1080);
        assert_true(n > t && n <= t + DAY);
        assert_int_equal(n % DAY, 1080 * 60000LL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_at_parse),
        cmocka_unit_test(test_next_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
