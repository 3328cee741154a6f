/* test_util_clockguard.c — application time across steps of the machine's
 * clock (probe-security L3; docs/internals/architecture.md "Time").
 * - od_clock_step_check by table: a step of tolerance - 1 and tolerance is
 *   believed, tolerance + 1 is a step, both directions, with and without
 *   monotonic time passing.
 * - the guard (pure): a backward step never moves application time back and
 *   keeps durations; a forward step is not believed until it has lasted the
 *   confirmation period (confirm - 1 / confirm), and one corrected within it
 *   changes nothing.
 * - od_clock_now on a system clock with an injected real/monotonic source
 *   (the test hook): the same rules through the clock the product uses, its
 *   step state for /healthz, four threads never see time go back, and the
 *   cost of one call on the real clocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/clock.h"
#include "util/clockguard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define TOL (60 * SEC)
#define CONFIRM (10 * MIN)
#define T0 1800000000000LL /* 2027-01-15 */

static void test_step_check_table(void **state)
{
    (void)state;
    static const struct {
        int64_t d_real, d_mono; /* how far each clock moved */
        od_clock_step_kind kind;
        int64_t ms;
    } rows[] = {
        {0, 0, OD_CLOCK_STEP_NONE, 0},
        {5 * SEC, 5 * SEC, OD_CLOCK_STEP_NONE, 0},
        {TOL - 1, 0, OD_CLOCK_STEP_NONE, 0},
        {TOL, 0, OD_CLOCK_STEP_NONE, 0},
        {TOL + 1, 0, OD_CLOCK_STEP_FORWARD, TOL + 1},
        {-(TOL - 1), 0, OD_CLOCK_STEP_NONE, 0},
        {-TOL, 0, OD_CLOCK_STEP_NONE, 0},
        {-(TOL + 1), 0, OD_CLOCK_STEP_BACKWARD, TOL + 1},
        /* with 1 h of monotonic time between the readings */
        {HOUR + TOL, HOUR, OD_CLOCK_STEP_NONE, 0},
        {HOUR + TOL + 1, HOUR, OD_CLOCK_STEP_FORWARD, TOL + 1},
        {HOUR - TOL, HOUR, OD_CLOCK_STEP_NONE, 0},
        {HOUR - TOL - 1, HOUR, OD_CLOCK_STEP_BACKWARD, TOL + 1},
        /* the probe's steps */
        {13 * HOUR, 0, OD_CLOCK_STEP_FORWARD, 13 * HOUR},
        {-2 * HOUR, 0, OD_CLOCK_STEP_BACKWARD, 2 * HOUR},
        /* real time standing still while monotonic time runs is a backward step */
        {0, TOL + 1, OD_CLOCK_STEP_BACKWARD, TOL + 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_clock_step s = od_clock_step_check(T0, 5000, T0 + rows[i].d_real, 5000 + rows[i].d_mono, TOL);
        if (s.kind != rows[i].kind || s.ms != rows[i].ms)
            fail_msg("row %zu: kind %d ms %lld, want %d %lld", i, (int)s.kind, (long long)s.ms,
                     (int)rows[i].kind, (long long)rows[i].ms);
    }
}

static od_clock_guard started_guard(void)
{
    od_clock_guard g;
    od_clock_guard_init(&g, TOL, CONFIRM);
    assert_int_equal(od_clock_guard_step(&g, T0, 0, NULL), T0);
    return g;
}

/* The probe's -2 h step: application time goes on with the monotonic clock,
 * so a lockout that ends 882 s after the step still ends 882 s after it. */
static void test_backward_step_keeps_time_and_durations(void **state)
{
    (void)state;
    od_clock_guard g = started_guard();
    od_clock_event ev;
    int64_t locked_until = T0 + 882 * SEC;
    assert_int_equal(od_clock_guard_step(&g, T0 - 2 * HOUR + 1 * SEC, 1 * SEC, &ev), T0 + 1 * SEC);
    assert_int_equal(ev.kind, OD_CLOCK_EV_BACKWARD_SEEN);
    assert_int_equal(ev.ms, 2 * HOUR);
    assert_int_equal(g.behind_ms, 2 * HOUR);
    int64_t now = od_clock_guard_step(&g, T0 - 2 * HOUR + 100 * SEC, 100 * SEC, &ev);
    assert_int_equal(ev.kind, OD_CLOCK_EV_NONE); /* said once */
    assert_int_equal(locked_until - now, 782 * SEC);
    /* the real clock is put right: application time follows it again */
    now = od_clock_guard_step(&g, T0 + 200 * SEC, 200 * SEC, &ev);
    assert_int_equal(now, T0 + 200 * SEC);
    assert_int_equal(ev.kind, OD_CLOCK_EV_CAUGHT_UP);
    assert_int_equal(g.behind_ms, 0);
}

/* A backward step within the tolerance is believed, but application time
 * waits at its last value instead of going back (at most the tolerance). */
static void test_small_backward_step_waits(void **state)
{
    (void)state;
    od_clock_guard g = started_guard();
    od_clock_event ev;
    assert_int_equal(od_clock_guard_step(&g, T0 + 10 * SEC, 10 * SEC, &ev), T0 + 10 * SEC);
    assert_int_equal(od_clock_guard_step(&g, T0 + 10 * SEC - TOL, 10 * SEC, &ev), T0 + 10 * SEC);
    assert_int_equal(ev.kind, OD_CLOCK_EV_NONE);
    assert_int_equal(od_clock_guard_step(&g, T0 + 10 * SEC + 1, 10 * SEC + TOL + 1, &ev), T0 + 10 * SEC + 1);
}

/* A forward step beyond the tolerance: believed only once it has lasted
 * the confirmation period of monotonic time (confirm - 1 / confirm). */
static void test_forward_step_confirmation_boundary(void **state)
{
    (void)state;
    static const struct {
        int64_t lasted;
        bool believed;
    } rows[] = {{0, false}, {CONFIRM - 1, false}, {CONFIRM, true}, {CONFIRM + 1, true}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_clock_guard g = started_guard();
        od_clock_event ev;
        int64_t m = 1 * SEC; /* the step is seen 1 s after start */
        assert_int_equal(od_clock_guard_step(&g, T0 + m + 13 * HOUR, m, &ev), T0 + m);
        assert_int_equal(ev.kind, OD_CLOCK_EV_FORWARD_SEEN);
        assert_int_equal(ev.ms, 13 * HOUR);
        m += rows[i].lasted;
        int64_t now = od_clock_guard_step(&g, T0 + m + 13 * HOUR, m, &ev);
        if (rows[i].believed) {
            assert_int_equal(now, T0 + m + 13 * HOUR);
            assert_int_equal(ev.kind, OD_CLOCK_EV_FORWARD_ACCEPTED);
            assert_int_equal(g.ahead_ms, 0);
        } else {
            assert_int_equal(now, T0 + m);
            assert_int_equal(g.ahead_ms, 13 * HOUR);
        }
    }
}

/* The probe's +13 h step corrected within 2 s: application time never left
 * the monotonic clock, and a step of exactly the tolerance is believed. */
static void test_transient_forward_step_changes_nothing(void **state)
{
    (void)state;
    od_clock_guard g = started_guard();
    od_clock_event ev;
    int64_t prev = T0;
    for (int64_t m = 100; m <= 2 * SEC; m += 100) {
        int64_t now = od_clock_guard_step(&g, T0 + m + 13 * HOUR, m, &ev);
        assert_int_equal(now, T0 + m);
        assert_true(now >= prev);
        prev = now;
    }
    assert_int_equal(od_clock_guard_step(&g, T0 + 2 * SEC + 100, 2 * SEC + 100, &ev), T0 + 2 * SEC + 100);
    assert_int_equal(ev.kind, OD_CLOCK_EV_FORWARD_REVERTED);
    assert_int_equal(ev.ms, 13 * HOUR);
    assert_int_equal(g.ahead_ms, 0);
    /* the correction restarts the confirmation: a new step waits a full period */
    assert_int_equal(od_clock_guard_step(&g, T0 + 3 * SEC + HOUR, 3 * SEC, &ev), T0 + 3 * SEC);
    assert_int_equal(od_clock_guard_step(&g, T0 + 3 * SEC + CONFIRM - 1 + HOUR, 3 * SEC + CONFIRM - 1, &ev),
                     T0 + 3 * SEC + CONFIRM - 1);
    /* exactly the tolerance ahead: believed at once */
    od_clock_guard h = started_guard();
    assert_int_equal(od_clock_guard_step(&h, T0 + 10 + TOL, 10, &ev), T0 + 10 + TOL);
    assert_int_equal(ev.kind, OD_CLOCK_EV_NONE);
}

/* ---- od_clock_now on an injected source ---- */

typedef struct fake {
    _Atomic int64_t real, mono;
} fake;
static int64_t fake_real(void *ctx)
{
    return atomic_load(&((fake *)ctx)->real);
}
static int64_t fake_mono(void *ctx)
{
    return atomic_load(&((fake *)ctx)->mono);
}

static void test_clock_now_guarded(void **state)
{
    (void)state;
    fake f = {T0, 0};
    od_clock_source src = {fake_real, fake_mono, &f};
    od_clock c;
    od_clock_init_system_source(&c, &src);
    od_clock_set_step_limits(&c, 30 * SEC, 5 * SEC); /* configurable */
    od_clock_state st;
    assert_int_equal(od_clock_now(&c), T0);
    atomic_store(&f.mono, 1 * SEC);
    atomic_store(&f.real, T0 + 1 * SEC + 13 * HOUR);
    assert_int_equal(od_clock_now(&c), T0 + 1 * SEC);
    od_clock_state_get(&c, &st);
    assert_int_equal(st.ahead_ms, 13 * HOUR);
    assert_int_equal(st.confirm_in_ms, 5 * SEC);
    assert_int_equal(st.behind_ms, 0);
    atomic_store(&f.mono, 6 * SEC - 1);
    atomic_store(&f.real, T0 + 6 * SEC - 1 + 13 * HOUR);
    assert_int_equal(od_clock_now(&c), T0 + 6 * SEC - 1);
    od_clock_state_get(&c, &st);
    assert_int_equal(st.confirm_in_ms, 1);
    atomic_store(&f.mono, 6 * SEC);
    atomic_store(&f.real, T0 + 6 * SEC + 13 * HOUR);
    assert_int_equal(od_clock_now(&c), T0 + 6 * SEC + 13 * HOUR);
    od_clock_state_get(&c, &st);
    assert_int_equal(st.ahead_ms, 0);
    /* back 2 h: time stands on the monotonic clock, state says how far */
    atomic_store(&f.mono, 7 * SEC);
    atomic_store(&f.real, T0 + 7 * SEC + 11 * HOUR);
    assert_int_equal(od_clock_now(&c), T0 + 7 * SEC + 13 * HOUR);
    od_clock_state_get(&c, &st);
    assert_int_equal(st.behind_ms, 2 * HOUR);
    assert_int_equal(st.ahead_ms, 0);
    /* the manual clock is untouched by any of this */
    od_clock m;
    od_clock_init_manual(&m, 42);
    assert_int_equal(od_clock_now(&m), 42);
    od_clock_state_get(&m, &st);
    assert_int_equal(st.ahead_ms + st.behind_ms + st.confirm_in_ms, 0);
    od_clock_set(&m, 43);
    assert_int_equal(od_clock_now(&m), 43);
}

/* Four threads read while another steps the fake real clock back and
 * forth: no thread ever sees application time go back. */
static fake tf;
static od_clock tc;
static atomic_int stop_flag;
static void *reader(void *arg)
{
    long *back = arg;
    int64_t prev = 0;
    while (!atomic_load(&stop_flag)) {
        int64_t now = od_clock_now(&tc);
        if (now < prev)
            (*back)++;
        prev = now;
    }
    return NULL;
}

static void test_threads_never_see_time_go_back(void **state)
{
    (void)state;
    atomic_store(&tf.real, T0);
    atomic_store(&tf.mono, 0);
    static od_clock_source src = {fake_real, fake_mono, &tf};
    od_clock_init_system_source(&tc, &src);
    atomic_store(&stop_flag, 0);
    pthread_t th[4];
    long back[4] = {0};
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, reader, &back[i]), 0);
    for (int64_t i = 1; i <= 20000; i++) {
        atomic_store(&tf.mono, i);
        int64_t jump = (i % 7 == 0) ? -2 * HOUR : (i % 11 == 0 ? 13 * HOUR : (i % 5) * 10 * SEC);
        atomic_store(&tf.real, T0 + i + jump);
    }
    atomic_store(&stop_flag, 1);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(back[i], 0);
    }
}

/* The cost of one od_clock_now on the real clocks (two vDSO reads and an
 * uncontended mutex); printed for docs, asserted only with a generous bound. */
static void test_cost(void **state)
{
    (void)state;
    od_clock c;
    od_clock_init_system(&c);
    enum { N = 1000000 };
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int64_t prev = 0;
    for (int i = 0; i < N; i++) {
        int64_t now = od_clock_now(&c);
        assert_true(now >= prev);
        prev = now;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / N;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < N; i++)
        prev += od_clock_now(NULL) & 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    double raw = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / N;
    fprintf(stderr, "od_clock_now: guarded %.0f ns/call, raw CLOCK_REALTIME %.0f ns/call\n", ns, raw);
    assert_true(ns < 5000.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_check_table),
        cmocka_unit_test(test_backward_step_keeps_time_and_durations),
        cmocka_unit_test(test_small_backward_step_waits),
        cmocka_unit_test(test_forward_step_confirmation_boundary),
        cmocka_unit_test(test_transient_forward_step_changes_nothing),
        cmocka_unit_test(test_clock_now_guarded),
        cmocka_unit_test(test_threads_never_see_time_go_back),
        cmocka_unit_test(test_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
