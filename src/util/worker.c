/* worker.c — the background thread lifecycle of worker.h. */
#include "util/worker.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

od_err od_worker_start(od_worker *w, void *(*fn)(void *), void *arg, const char *what, od_error *e)
{
    w->stop = w->woken = w->started = false;
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, fn, arg) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        return od_error_set(e, OD_E_INTERNAL, NULL, "无法启动线程 (cannot start the %s thread)", what);
    }
    w->started = true;
    /* "od-" + what, cut to the kernel's 15 characters: a name for top, perf and schedstat */
    char name[16];
    snprintf(name, sizeof name, "od-%s", what);
    for (char *c = name; *c; c++)
        if (*c == ' ')
            *c = '-';
    pthread_setname_np(w->thread, name);
    return OD_OK;
}

bool od_worker_round(od_worker *w)
{
    pthread_mutex_lock(&w->mu);
    bool go = !w->stop;
    w->woken = false;
    pthread_mutex_unlock(&w->mu);
    return go;
}

void od_worker_wait(od_worker *w, int64_t ms)
{
    if (ms < 0)
        ms = 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t ns = (int64_t)ts.tv_nsec + (ms % 1000) * 1000000;
    ts.tv_sec += (time_t)(ms / 1000 + ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&w->mu);
    while (!w->stop && !w->woken)
        if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&w->mu);
}

void od_worker_wake(od_worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->woken = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

bool od_worker_stopping(od_worker *w)
{
    pthread_mutex_lock(&w->mu);
    bool s = w->stop;
    pthread_mutex_unlock(&w->mu);
    return s;
}

void od_worker_stop(od_worker *w)
{
    if (!w->started)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    w->started = false;
}
