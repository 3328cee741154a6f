/* test_core_lockout.c — the login lockout decision (R-SEC-SYS-1), by table
 * at every boundary: the count (allowance - 1 / allowance), the window's end
 * (1 ms before / at), the lockout's end, the ×4 allowance of an address, an
 * administrator's unlock (before / at / after the lockout began), when a
 * state may be forgotten, and the /24 and /64 address buckets. */
#include "core/lockout.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define MIN (60 * 1000LL)
static const od_login_policy lp = {.max_failures = 5, .window_ms = 15 * MIN, .lockout_ms = 15 * MIN};
static const od_login_policy short_lock = {.max_failures = 3, .window_ms = 10 * MIN, .lockout_ms = 2 * MIN};

static void test_allowance(void **state)
{
    (void)state;
    assert_int_equal(od_lockout_allowance(&lp, OD_LOCKOUT_ACCOUNT), 5);
    assert_int_equal(od_lockout_allowance(&lp, OD_LOCKOUT_ACCOUNT_ANY), 20);
    assert_int_equal(od_lockout_allowance(&lp, OD_LOCKOUT_ADDRESS), 20);
    assert_int_equal(od_lockout_allowance(&short_lock, OD_LOCKOUT_ACCOUNT), 3);
    assert_int_equal(od_lockout_allowance(&short_lock, OD_LOCKOUT_ACCOUNT_ANY), 12);
    assert_int_equal(od_lockout_allowance(&short_lock, OD_LOCKOUT_ADDRESS), 12);
}

/* n failures 1 ms apart from t = 1000: does the n-th lock? */
static void test_count_boundary(void **state)
{
    (void)state;
    static const struct {
        int allowance, failures;
        bool locked_after;
    } rows[] = {{5, 4, false}, {5, 5, true}, {20, 19, false}, {20, 20, true}, {1, 1, true}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_lockout s = {0};
        bool locked = false;
        int64_t t = 1000;
        for (int f = 0; f < rows[i].failures; f++, t++)
            locked = od_lockout_fail(&s, rows[i].allowance, &lp, t);
        assert_int_equal(locked, rows[i].locked_after);
        assert_int_equal(od_lockout_wait(&s, t) > 0, rows[i].locked_after);
    }
}

/* 4 failures at t0, the 5th at t0 + window + delta: in the same window
 * (locks) only while delta < 0. */
static void test_window_edge(void **state)
{
    (void)state;
    static const struct {
        int64_t delta;
        bool locks;
    } rows[] = {{-1, true}, {0, false}, {1, false}, {-15 * MIN + 1, true}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_lockout s = {0};
        int64_t t0 = 5000;
        for (int f = 0; f < 4; f++)
            assert_false(od_lockout_fail(&s, 5, &lp, t0));
        assert_int_equal(od_lockout_fail(&s, 5, &lp, t0 + lp.window_ms + rows[i].delta), rows[i].locks);
    }
}

/* The window starts at its FIRST failure, not the last. */
static void test_window_starts_at_first_failure(void **state)
{
    (void)state;
    od_lockout s = {0};
    assert_false(od_lockout_fail(&s, 3, &lp, 0));
    assert_false(od_lockout_fail(&s, 3, &lp, 14 * MIN));
    assert_false(od_lockout_fail(&s, 3, &lp, 15 * MIN)); /* a new window: count 1 */
    assert_int_equal(s.failures, 1);
    assert_int_equal(s.window_start, 15 * MIN);
}

static void test_lockout_end(void **state)
{
    (void)state;
    od_lockout s = {0};
    int64_t t = 100;
    for (int f = 0; f < 4; f++)
        assert_false(od_lockout_fail(&s, 5, &lp, t));
    assert_true(od_lockout_fail(&s, 5, &lp, t));
    static const struct {
        int64_t at, wait;
    } rows[] = {{100, 15 * MIN}, {100 + 15 * MIN - 1, 1}, {100 + 15 * MIN, 0}, {100 + 15 * MIN + 1, 0}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(od_lockout_wait(&s, rows[i].at), rows[i].wait);
    /* a failure while locked is not counted and does not extend the lockout */
    assert_false(od_lockout_fail(&s, 5, &lp, 200));
    assert_int_equal(s.failures, 0);
    assert_int_equal(s.locked_until, 100 + 15 * MIN);
    /* after the lockout a fresh allowance: 4 more do not lock, the 5th does */
    int64_t after = 100 + 15 * MIN;
    for (int f = 0; f < 4; f++)
        assert_false(od_lockout_fail(&s, 5, &lp, after + f));
    assert_true(od_lockout_fail(&s, 5, &lp, after + 4));
}

/* A lockout shorter than the window: failures after it count in a window
 * that began with the lockout. */
static void test_short_lockout(void **state)
{
    (void)state;
    od_lockout s = {0};
    for (int f = 0; f < 2; f++)
        assert_false(od_lockout_fail(&s, 3, &short_lock, 0));
    assert_true(od_lockout_fail(&s, 3, &short_lock, 0));
    assert_int_equal(od_lockout_wait(&s, 2 * MIN - 1), 1);
    assert_int_equal(od_lockout_wait(&s, 2 * MIN), 0);
    assert_false(od_lockout_fail(&s, 3, &short_lock, 2 * MIN));
    assert_false(od_lockout_fail(&s, 3, &short_lock, 2 * MIN));
    assert_true(od_lockout_fail(&s, 3, &short_lock, 10 * MIN - 1));
}

static void test_idle_at(void **state)
{
    (void)state;
    od_lockout s = {0};
    assert_int_equal(od_lockout_idle_at(&s, &lp), 0); /* never failed: idle at once */
    assert_false(od_lockout_fail(&s, 5, &lp, 1000));
    assert_int_equal(od_lockout_idle_at(&s, &lp), 1000 + 15 * MIN); /* the count lives to the window's end */
    bool locked = false;
    for (int f = 0; f < 4; f++)
        locked = od_lockout_fail(&s, 5, &lp, 2000);
    assert_true(locked);
    assert_int_equal(od_lockout_idle_at(&s, &lp), 2000 + 15 * MIN); /* the lockout's end */
    od_lockout sl = {0};
    for (int f = 0; f < 3; f++)
        locked = od_lockout_fail(&sl, 3, &short_lock, 0);
    assert_true(locked);
    assert_false(od_lockout_fail(&sl, 3, &short_lock, 2 * MIN));
    assert_int_equal(od_lockout_idle_at(&sl, &short_lock), 12 * MIN); /* the later of lockout and window */
}

static void test_unlock(void **state)
{
    (void)state;
    od_lockout s = {0};
    bool locked = false;
    for (int f = 0; f < 5; f++)
        locked = od_lockout_fail(&s, 5, &lp, 10000);
    assert_true(locked);
    static const struct {
        int64_t unlocked_at, now;
        bool lifted;
    } rows[] = {
        {9999, 10001, false},             /* an unlock before the lockout began */
        {10000, 10001, true},             /* at its start */
        {10001, 10002, true},             /* after */
        {10001, 10000 + 15 * MIN, false}, /* nothing to lift: it ended */
        {0, 10001, false},                /* no unlock */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(od_lockout_lifted(&s, rows[i].unlocked_at, rows[i].now), rows[i].lifted);
    od_lockout never = {0};
    assert_false(od_lockout_lifted(&never, 5, 6));
}

static void test_addr_bucket(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"127.0.0.1", "4:127.0.0.0/24"},
        {"127.0.0.255", "4:127.0.0.0/24"},
        {"127.0.1.1", "4:127.0.1.0/24"},
        {"10.1.2.3", "4:10.1.2.0/24"},
        {"::ffff:192.0.2.77", "4:192.0.2.0/24"},
        {"::1", "6:::/64"},
        {"2001:db8:1:2:3:4:5:6", "6:2001:db8:1:2::/64"},
        {"2001:db8:1:2::ffff", "6:2001:db8:1:2::/64"},
        {"2001:db8:1:3::1", "6:2001:db8:1:3::/64"},
        {"?", "?:?"},
        {"", "?:"},
        {"1.2.3", "?:1.2.3"},
    };
    char out[OD_ADDR_BUCKET_MAX];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_lockout_addr_bucket(rows[i].in, out, sizeof out);
        assert_string_equal(out, rows[i].out);
    }
    od_lockout_addr_bucket(NULL, out, sizeof out);
    assert_string_equal(out, "?:");
}

static void test_account_key(void **state)
{
    (void)state;
    static const struct {
        const char *user, *addr, *out;
    } rows[] = {
        {"sysadmin", "127.0.9.1", "4:127.0.9.0/24 sysadmin"},
        {"sysadmin", "127.0.9.200", "4:127.0.9.0/24 sysadmin"}, /* one network, one key */
        {"sysadmin", "127.0.10.1", "4:127.0.10.0/24 sysadmin"}, /* another network, another key */
        {"张三", "2001:db8:1:2::5", "6:2001:db8:1:2::/64 张三"},
        {"a b", "bad addr", "?:bad_addr a b"}, /* the bucket never holds a space */
        {NULL, "127.0.0.1", "4:127.0.0.0/24 "},
    };
    char out[128];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_lockout_account_key(rows[i].user, rows[i].addr, out, sizeof out);
        assert_string_equal(out, rows[i].out);
    }
    /* truncated, never overrun */
    char small[10];
    od_lockout_account_key("sysadmin", "127.0.0.1", small, sizeof small);
    assert_string_equal(small, "4:127.0.0");
}

static void test_known_network(void **state)
{
    (void)state;
    const char *from[] = {"127.0.50.7", "2001:db8:9:9::1"};
    assert_true(od_lockout_known_network("127.0.50.7", from, 2));
    assert_true(od_lockout_known_network("127.0.50.200", from, 2)); /* same /24 */
    assert_false(od_lockout_known_network("127.0.51.7", from, 2));  /* the next /24 */
    assert_true(od_lockout_known_network("2001:db8:9:9:ffff::2", from, 2));
    assert_false(od_lockout_known_network("2001:db8:9:a::1", from, 2));
    assert_true(od_lockout_known_network("::ffff:127.0.50.1", from, 2)); /* mapped */
    assert_false(od_lockout_known_network("127.0.50.7", from, 0));
    /* an address that does not parse is never known, even to itself */
    const char *junk[] = {"?"};
    assert_false(od_lockout_known_network("?", junk, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allowance),     cmocka_unit_test(test_count_boundary),
        cmocka_unit_test(test_window_edge),   cmocka_unit_test(test_window_starts_at_first_failure),
        cmocka_unit_test(test_lockout_end),   cmocka_unit_test(test_short_lockout),
        cmocka_unit_test(test_idle_at),       cmocka_unit_test(test_unlock),
        cmocka_unit_test(test_addr_bucket),   cmocka_unit_test(test_account_key),
        cmocka_unit_test(test_known_network),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
