/* pwpool.c — the password-hashing pool (pwpool.h): a ring of waiting jobs
 * under one mutex, N worker threads.  Stopping drains the ring first, so
 * every submitted job runs exactly once. */
#include "app/pwpool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#define THREADS_MAX 2

typedef struct job {
    od_pwpool_fn fn;
    void *arg;
} job;

struct od_pwpool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job *ring;
    size_t cap, head, n;
    bool stopping, stopped;
    unsigned nthreads;
    pthread_t threads[THREADS_MAX];
};

static void *worker(void *arg)
{
    od_pwpool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->n == 0 && !p->stopping)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->n == 0)
            break; /* stopping and drained */
        job j = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->n--;
        pthread_mutex_unlock(&p->mu);
        j.fn(j.arg);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

od_err od_pwpool_start(unsigned threads, size_t queue_max, od_pwpool **out, od_error *e)
{
    *out = NULL;
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus >= 4 ? 2 : 1;
    }
    if (threads > THREADS_MAX)
        threads = THREADS_MAX;
    od_pwpool *p = calloc(1, sizeof *p);
    if (!p)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    p->cap = queue_max ? queue_max : 16;
    p->ring = calloc(p->cap, sizeof *p->ring);
    if (!p->ring) {
        free(p);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker, p) != 0) {
            od_pwpool_free(p);
            return od_error_set(e, OD_E_INTERNAL, NULL, "cannot start the password-hashing threads");
        }
        p->nthreads++;
    }
    *out = p;
    return OD_OK;
}

od_err od_pwpool_submit(od_pwpool *p, od_pwpool_fn fn, void *arg, od_error *e)
{
    pthread_mutex_lock(&p->mu);
    bool ok = !p->stopping && p->n < p->cap;
    if (ok) {
        p->ring[(p->head + p->n) % p->cap] = (job){fn, arg};
        p->n++;
        pthread_cond_signal(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    if (ok)
        return OD_OK;
    e->retry_after = 1;
    return od_error_set(e, OD_E_UNAVAILABLE, NULL,
                        "登录请求过多，请稍后再试 (too many sign-ins in progress; try again shortly)");
}

void od_pwpool_stop(od_pwpool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    bool join = !p->stopped;
    p->stopping = true;
    p->stopped = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (join)
        for (unsigned i = 0; i < p->nthreads; i++)
            pthread_join(p->threads[i], NULL);
}

void od_pwpool_free(od_pwpool *p)
{
    if (!p)
        return;
    od_pwpool_stop(p);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->ring);
    free(p);
}

size_t od_pwpool_waiting(od_pwpool *p)
{
    pthread_mutex_lock(&p->mu);
    size_t n = p->n;
    pthread_mutex_unlock(&p->mu);
    return n;
}
