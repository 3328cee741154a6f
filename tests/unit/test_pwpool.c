/* test_pwpool.c — the password-hashing pool (app/pwpool.c): a bounded
 * queue (a full one refuses with OD_E_UNAVAILABLE and Retry-After, and the
 * refused job never runs), every accepted job runs exactly once, and
 * stopping drains the queue first. */
#include "app/pwpool.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool gate_open, first_running;
static int ran[8];

static void blocking_job(void *arg)
{
    pthread_mutex_lock(&mu);
    first_running = true;
    pthread_cond_broadcast(&cv);
    while (!gate_open)
        pthread_cond_wait(&cv, &mu);
    ran[(intptr_t)arg]++;
    pthread_mutex_unlock(&mu);
}

static void counting_job(void *arg)
{
    pthread_mutex_lock(&mu);
    ran[(intptr_t)arg]++;
    pthread_mutex_unlock(&mu);
}

static void test_full_queue_refuses_and_stop_drains(void **state)
{
    (void)state;
    od_pwpool *p = NULL;
    od_error e = {0};
    assert_int_equal(od_pwpool_start(1, 2, &p, &e), OD_OK);
    assert_int_equal(od_pwpool_submit(p, blocking_job, (void *)0, &e), OD_OK);
    pthread_mutex_lock(&mu); /* the one thread is busy with job 0 */
    while (!first_running)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    assert_int_equal(od_pwpool_submit(p, counting_job, (void *)1, &e), OD_OK);
    assert_int_equal(od_pwpool_submit(p, counting_job, (void *)2, &e), OD_OK);
    assert_int_equal(od_pwpool_waiting(p), 2);
    od_error full = {0};
    assert_int_equal(od_pwpool_submit(p, counting_job, (void *)3, &full), OD_E_UNAVAILABLE);
    assert_int_equal(full.retry_after, 1);
    pthread_mutex_lock(&mu);
    gate_open = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    od_pwpool_stop(p); /* runs what is queued, then joins */
    assert_int_equal(ran[0], 1);
    assert_int_equal(ran[1], 1);
    assert_int_equal(ran[2], 1);
    assert_int_equal(ran[3], 0); /* refused: never run */
    od_error late = {0};
    assert_int_equal(od_pwpool_submit(p, counting_job, (void *)4, &late), OD_E_UNAVAILABLE);
    od_pwpool_stop(p); /* idempotent */
    od_pwpool_free(p);
    assert_int_equal(ran[4], 0);
    od_pwpool_free(NULL);
}

static void test_many_jobs_two_threads(void **state)
{
    (void)state;
    od_pwpool *p = NULL;
    od_error e = {0};
    assert_int_equal(od_pwpool_start(2, 100, &p, &e), OD_OK);
    for (int i = 0; i < 100; i++)
        assert_int_equal(od_pwpool_submit(p, counting_job, (void *)5, &e), OD_OK);
    od_pwpool_free(p);
    assert_int_equal(ran[5], 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_queue_refuses_and_stop_drains),
        cmocka_unit_test(test_many_jobs_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
