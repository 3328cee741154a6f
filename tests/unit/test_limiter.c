/* test_limiter.c — the limiter's tables (app/limiter.c): one table per
 * purpose, a live key (locked, or with failures in a live window) is never
 * forgotten for room, a full table refuses new keys until one goes idle,
 * addresses share a /24 entry, and the string-keyed form routes by prefix. */
#include "app/limiter.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define MIN (60 * 1000LL)
static const od_login_policy lp = {.max_failures = 5, .window_ms = 15 * MIN, .lockout_ms = 15 * MIN};

static void lock(od_limiter *l, od_limit_kind k, const char *key, int64_t now)
{
    for (int i = 0; i < 4; i++)
        assert_false(od_limiter_record(l, k, &lp, 5, key, now));
    assert_true(od_limiter_record(l, k, &lp, 5, key, now));
}

static void test_full_table_keeps_locks_and_refuses_new_keys(void **state)
{
    (void)state;
    od_limiter *l = od_limiter_new_sized(64);
    assert_non_null(l);
    lock(l, OD_LIMIT_LOGIN_ACCOUNT, "victim", 0);
    char k[32];
    /* 63 more keys with one failure each fill the table */
    for (int i = 0; i < 63; i++) {
        snprintf(k, sizeof k, "other%d", i);
        assert_false(od_limiter_record(l, OD_LIMIT_LOGIN_ACCOUNT, &lp, 5, k, 1000));
        assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, k, 1000), 0);
    }
    /* a 65th key is refused until the first held key goes idle: the
     * victim's lockout, at 15 min */
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "newcomer", 2000), 15 * MIN - 2000);
    assert_false(od_limiter_record(l, OD_LIMIT_LOGIN_ACCOUNT, &lp, 5, "newcomer", 2000));
    /* many more attempts do not push the victim out */
    for (int i = 0; i < 1000; i++) {
        snprintf(k, sizeof k, "flood%d", i);
        assert_false(od_limiter_record(l, OD_LIMIT_LOGIN_ACCOUNT, &lp, 5, k, 3000));
    }
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "victim", 3000), 15 * MIN - 3000);
    /* 1 ms before its end the lockout holds and the table is still full */
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "victim", 15 * MIN - 1), 1);
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "newcomer", 15 * MIN - 1), 1);
    /* at its end the victim may try, and its slot is room for one newcomer */
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "victim", 15 * MIN), 0);
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "newcomer", 15 * MIN), 0);
    assert_false(od_limiter_record(l, OD_LIMIT_LOGIN_ACCOUNT, &lp, 5, "newcomer", 15 * MIN));
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "second", 15 * MIN), 1000);
    /* every count idle: all the room is back */
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "second", 15 * MIN + 1000), 0);
    od_limiter_free(l);
}

static void test_counts_survive_other_tables_filling(void **state)
{
    (void)state;
    od_limiter *l = od_limiter_new_sized(16);
    for (int i = 0; i < 4; i++)
        assert_false(od_limiter_record(l, OD_LIMIT_LOGIN_ACCOUNT, &lp, 5, "v", 0));
    char a[32];
    for (int i = 0; i < 500; i++) { /* other purposes fill their own tables */
        snprintf(a, sizeof a, "127.%d.%d.1", i / 256, i % 256);
        (void)od_limiter_record(l, OD_LIMIT_ACK_ADDR, &lp, 20, a, 1);
        (void)od_limiter_record(l, OD_LIMIT_LOGIN_ADDR, &lp, 20, a, 1);
    }
    assert_true(od_limiter_record(l, OD_LIMIT_LOGIN_ACCOUNT, &lp, 5, "v", 2)); /* the 5th failure locks */
    assert_int_equal(od_limiter_check(l, OD_LIMIT_ACK_ADDR, "127.200.0.1", 2),
                     15 * MIN - 1); /* full: refused */
    od_limiter_free(l);
}

static void test_addresses_share_their_network(void **state)
{
    (void)state;
    od_limiter *l = od_limiter_new_sized(64);
    char a[32];
    for (int i = 1; i <= 19; i++) {
        snprintf(a, sizeof a, "192.0.2.%d", i);
        assert_false(od_limiter_record(l, OD_LIMIT_LOGIN_ADDR, &lp, 20, a, 0));
    }
    assert_true(od_limiter_record(l, OD_LIMIT_LOGIN_ADDR, &lp, 20, "192.0.2.250", 0));
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ADDR, "192.0.2.99", 0), 15 * MIN);
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ADDR, "192.0.3.1", 0), 0);
    for (int i = 0; i < 20; i++) {
        snprintf(a, sizeof a, "2001:db8:0:7::%x", i + 1);
        (void)od_limiter_record(l, OD_LIMIT_LOGIN_ADDR, &lp, 20, a, 0);
    }
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ADDR, "2001:db8:0:7:ffff::1", 0), 15 * MIN);
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ADDR, "2001:db8:0:8::1", 0), 0);
    /* the account table is another table: the same text is not locked there */
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "192.0.2.99", 0), 0);
    od_limiter_free(l);
}

static void test_forget_and_lift(void **state)
{
    (void)state;
    od_limiter *l = od_limiter_new_sized(8);
    for (int i = 0; i < 4; i++)
        assert_false(od_limiter_record(l, OD_LIMIT_LOGIN_ACCOUNT, &lp, 5, "u", 0));
    od_limiter_forget(l, OD_LIMIT_LOGIN_ACCOUNT, "u"); /* a success: the count starts again */
    for (int i = 0; i < 4; i++)
        assert_false(od_limiter_record(l, OD_LIMIT_LOGIN_ACCOUNT, &lp, 5, "u", 1));
    assert_true(od_limiter_record(l, OD_LIMIT_LOGIN_ACCOUNT, &lp, 5, "u", 1));
    od_limiter_forget(l, OD_LIMIT_LOGIN_ACCOUNT, "u"); /* does not end a lockout */
    assert_true(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "u", 2) > 0);
    assert_false(od_limiter_lift(l, OD_LIMIT_LOGIN_ACCOUNT, "u", 0, 2)); /* an older unlock */
    assert_true(od_limiter_lift(l, OD_LIMIT_LOGIN_ACCOUNT, "u", 1, 2));
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "u", 2), 0);
    assert_false(od_limiter_lift(l, OD_LIMIT_LOGIN_ACCOUNT, "absent", 1, 2));
    od_limiter_free(l);
}

static void test_string_keys_route_by_prefix(void **state)
{
    (void)state;
    od_limiter *l = od_limiter_new_sized(8);
    od_login_policy ack = {.max_failures = 2, .window_ms = MIN, .lockout_ms = MIN};
    assert_false(od_limiter_fail(l, &ack, "ack:198.51.100.1", 0));
    assert_true(od_limiter_fail(l, &ack, "ack:198.51.100.2", 0)); /* same /24 */
    assert_int_equal(od_limiter_wait(l, &ack, "ack:198.51.100.3", 0), MIN);
    assert_int_equal(od_limiter_check(l, OD_LIMIT_ACK_ADDR, "198.51.100.9", 0), MIN);
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ADDR, "198.51.100.9", 0), 0);
    assert_int_equal(od_limiter_wait(l, &ack, "a:198.51.100.3", 0), 0);
    assert_false(od_limiter_fail(l, &ack, "u:bob", 0));
    od_limiter_reset(l, "u:bob");
    assert_false(od_limiter_fail(l, &ack, "u:bob", 0)); /* reset: a fresh count */
    assert_true(od_limiter_fail(l, &ack, "u:bob", 0));
    assert_int_equal(od_limiter_check(l, OD_LIMIT_LOGIN_ACCOUNT, "bob", 0), MIN);
    od_limiter_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_table_keeps_locks_and_refuses_new_keys),
        cmocka_unit_test(test_counts_survive_other_tables_filling),
        cmocka_unit_test(test_addresses_share_their_network),
        cmocka_unit_test(test_forget_and_lift),
        cmocka_unit_test(test_string_keys_route_by_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
