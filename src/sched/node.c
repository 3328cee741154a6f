/* node.c — the heartbeat thread of node.h.  It decides nothing: app
 * writes the row and keeps the node's state (app/cluster.c). */
#include "sched/node.h"
#include "app/cluster.h"
#include "app/leases.h"
#include "util/worker.h"

#include <stdlib.h>

struct od_node_runner {
    od_app *app;
    od_worker w;
};

static void *loop(void *arg)
{
    od_node_runner *r = arg;
    while (od_worker_round(&r->w)) {
        int64_t t0 = od_clock_mono_ms();
        od_app_node_beat(r->app);
        od_worker_wait(&r->w, OD_NODE_HEARTBEAT_MS - (od_clock_mono_ms() - t0));
    }
    return NULL;
}

od_err od_node_runner_start(od_app *a, od_node_runner **out, od_error *e)
{
    *out = NULL;
    od_node_runner *r = calloc(1, sizeof *r);
    if (!r)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    r->app = a;
    od_err rc = od_worker_start(&r->w, loop, r, "node heartbeat", e);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    return OD_OK;
}

void od_node_runner_stop(od_node_runner *r)
{
    if (!r)
        return;
    od_worker_stop(&r->w);
    od_app_leases_release(r->app); /* a clean stop: the others take them at once */
    free(r);
}
