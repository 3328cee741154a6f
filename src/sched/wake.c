/* wake.c — the listener thread of wake.h. */
#include "sched/wake.h"
#include "app/cluster.h"
#include "app/wake.h"
#include "util/log.h"
#include "util/worker.h"

#include <stdlib.h>

/* How long one wait blocks: also how soon a stop is seen. */
#define WAIT_MS 500
/* After a failure (store unreachable): wait this long before trying again. */
#define RETRY_MS 1000

struct od_wake_runner {
    od_app *app;
    od_worker w;
    od_app_waker *waker; /* NULL until opened */
};

static void *loop(void *arg)
{
    od_wake_runner *r = arg;
    bool failing = false;
    while (od_worker_round(&r->w)) {
        od_error e = {0};
        od_err rc = OD_OK;
        if (!r->waker)
            rc = od_app_waker_open(r->app, &r->waker, &e);
        unsigned what = 0;
        if (!rc && r->waker)
            rc = od_app_waker_wait(r->waker, WAIT_MS, &what, &e);
        if (rc) {
            if (!failing)
                od_warn("节点唤醒监听失败，改为轮询 (wake-up listener failed, polling meanwhile): %s",
                        e.message);
            failing = true;
            od_worker_wait(&r->w, RETRY_MS);
            continue;
        }
        if (failing)
            od_info("节点唤醒监听已恢复 (wake-up listener back)");
        failing = false;
        if (what)
            od_app_wake_local(r->app, what);
    }
    return NULL;
}

od_err od_wake_runner_start(od_app *a, od_wake_runner **out, od_error *e)
{
    *out = NULL;
    if (!od_app_multi_node(a))
        return OD_OK;
    od_wake_runner *r = calloc(1, sizeof *r);
    if (!r)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    r->app = a;
    od_err rc = od_worker_start(&r->w, loop, r, "wake listener", e);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    return OD_OK;
}

void od_wake_runner_stop(od_wake_runner *r)
{
    if (!r)
        return;
    od_worker_stop(&r->w);
    od_app_waker_close(r->waker);
    free(r);
}
