/* test_notify_ratelimit.c — token bucket: burst, exact refill, waits,
 * backwards clock, vendor defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "notify/ratelimit.h"

static void test_dingtalk_20_per_min(void **state)
{
    (void)state;
    od_bucket b;
    int64_t t = 1000000;
    assert_true(od_bucket_init(&b, OD_BUCKET_DINGTALK_CAPACITY, OD_BUCKET_DINGTALK_CAPACITY,
                               OD_BUCKET_DINGTALK_PER_MS, t));
    for (int i = 0; i < 20; i++)
        assert_int_equal(od_bucket_take(&b, t), 0);
    assert_int_equal(od_bucket_take(&b, t), 3000); /* one token per 3 s */
    assert_int_equal(od_bucket_take(&b, t + 2999), 1);
    assert_int_equal(od_bucket_take(&b, t + 3000), 0);
    assert_int_equal(od_bucket_take(&b, t + 3000), 3000);
    /* A long pause refills only to capacity. */
    t += 3600 * 1000;
    for (int i = 0; i < 20; i++)
        assert_int_equal(od_bucket_take(&b, t), 0);
    assert_true(od_bucket_take(&b, t) > 0);
}

static void test_sustained_rate(void **state)
{
    (void)state;
    od_bucket b;
    int64_t t = 0, sent = 0;
    assert_true(
        od_bucket_init(&b, OD_BUCKET_FEISHU_CAPACITY, OD_BUCKET_FEISHU_CAPACITY, OD_BUCKET_FEISHU_PER_MS, 0));
    /* Obey every wait for 10 s: exactly 5 burst + 5/s * 10 s sends, none dropped. */
    while (t <= 10000) {
        int64_t w = od_bucket_take(&b, t);
        if (w == 0)
            sent++;
        else
            t += w;
    }
    assert_int_equal(sent, 5 + 50);
}

static void test_backwards_clock_and_bad_init(void **state)
{
    (void)state;
    od_bucket b;
    assert_true(od_bucket_init(&b, 1, 1, 1000, 5000));
    assert_int_equal(od_bucket_take(&b, 5000), 0);
    assert_int_equal(od_bucket_take(&b, 4000), 1000); /* no refill going back */
    assert_int_equal(od_bucket_take(&b, 6000), 0);
    assert_false(od_bucket_init(&b, 0, 1, 1000, 0));
    assert_false(od_bucket_init(&b, 1, 0, 1000, 0));
    assert_false(od_bucket_init(&b, 1, 1, 0, 0));
    assert_false(od_bucket_init(&b, OD_BUCKET_MAX_CAPACITY + 1, 1, 1000, 0));
    /* Extremes do not overflow. */
    assert_true(
        od_bucket_init(&b, OD_BUCKET_MAX_CAPACITY, OD_BUCKET_MAX_CAPACITY, OD_BUCKET_MAX_PERIOD_MS, 0));
    assert_int_equal(od_bucket_take(&b, INT64_MAX / 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dingtalk_20_per_min),
        cmocka_unit_test(test_sustained_rate),
        cmocka_unit_test(test_backwards_clock_and_bad_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
