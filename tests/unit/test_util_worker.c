/* test_util_worker.c — the background thread lifecycle (util/worker.h):
 * a wake during a round is not lost, a wait ends on a wake, a stop or its
 * time, a long round sees the stop, and stop joins (also a worker that
 * never started).  Waits are bounded wait-untils on exact counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/worker.h"

#include <stdatomic.h>
#include <time.h>

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap(void)
{
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

/* Waits (at most 10 s) until *v == want. */
static bool until_eq(_Atomic int *v, int want)
{
    for (int64_t end = mono_ms() + 10000; mono_ms() < end; nap())
        if (atomic_load(v) == want)
            return true;
    return atomic_load(v) == want;
}

/* Waits (at most 10 s) until *v >= want. */
static bool until_ge(_Atomic int *v, int want)
{
    for (int64_t end = mono_ms() + 10000; mono_ms() < end; nap())
        if (atomic_load(v) >= want)
            return true;
    return atomic_load(v) >= want;
}

typedef struct {
    od_worker w;
    _Atomic int rounds;
    _Atomic int done;
    int64_t wait_ms;
} fixture;

static void *loop(void *arg)
{
    fixture *f = arg;
    while (od_worker_round(&f->w)) {
        atomic_fetch_add(&f->rounds, 1);
        od_worker_wait(&f->w, f->wait_ms);
    }
    atomic_store(&f->done, 1);
    return NULL;
}

static void test_wake_starts_a_round(void **state)
{
    (void)state;
    fixture f = {.wait_ms = 600000};
    od_error e = {0};
    assert_int_equal(od_worker_start(&f.w, loop, &f, "test", &e), OD_OK);
    assert_true(until_eq(&f.rounds, 1));
    od_worker_wake(&f.w); /* without it the next round is 10 min away */
    assert_true(until_eq(&f.rounds, 2));
    od_worker_wake(&f.w);
    assert_true(until_eq(&f.rounds, 3));
    od_worker_stop(&f.w);
    assert_int_equal(atomic_load(&f.done), 1); /* joined */
    assert_int_equal(atomic_load(&f.rounds), 3);
}

static void test_wait_times_out(void **state)
{
    (void)state;
    fixture f = {.wait_ms = 5};
    od_error e = {0};
    assert_int_equal(od_worker_start(&f.w, loop, &f, "test", &e), OD_OK);
    assert_true(until_ge(&f.rounds, 5)); /* five timed waits ran out, no wake */
    od_worker_stop(&f.w);
    assert_int_equal(atomic_load(&f.done), 1);
}

static void *idle(void *arg)
{
    (void)arg;
    return NULL;
}

static void test_wake_before_wait_is_kept(void **state)
{
    (void)state;
    od_worker w;
    od_error e = {0};
    assert_int_equal(od_worker_start(&w, idle, NULL, "test", &e), OD_OK);
    od_worker_wake(&w); /* a wake while "working" */
    int64_t t0 = mono_ms();
    od_worker_wait(&w, 600000); /* returns at once */
    assert_true(mono_ms() - t0 < 10000);
    assert_true(od_worker_round(&w)); /* clears it */
    t0 = mono_ms();
    od_worker_wait(&w, 30); /* now a real wait */
    assert_true(mono_ms() - t0 >= 29);
    assert_false(od_worker_stopping(&w));
    od_worker_stop(&w);
}

typedef struct {
    od_worker w;
    _Atomic int in_round, saw_stop;
} long_round;

static void *busy(void *arg)
{
    long_round *l = arg;
    if (od_worker_round(&l->w)) {
        atomic_store(&l->in_round, 1);
        while (!od_worker_stopping(&l->w)) /* a long round that gives up on stop */
            nap();
        atomic_store(&l->saw_stop, 1);
    }
    return NULL;
}

static void test_long_round_sees_stop(void **state)
{
    (void)state;
    long_round l = {0};
    od_error e = {0};
    assert_int_equal(od_worker_start(&l.w, busy, &l, "test", &e), OD_OK);
    assert_true(until_eq(&l.in_round, 1));
    od_worker_stop(&l.w);
    assert_int_equal(atomic_load(&l.saw_stop), 1);
    od_worker_stop(&l.w); /* twice is harmless */
}

static void test_stop_without_start(void **state)
{
    (void)state;
    od_worker w = {0};
    od_worker_stop(&w);
    assert_false(w.started);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wake_starts_a_round),      cmocka_unit_test(test_wait_times_out),
        cmocka_unit_test(test_wake_before_wait_is_kept), cmocka_unit_test(test_long_round_sees_stop),
        cmocka_unit_test(test_stop_without_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
