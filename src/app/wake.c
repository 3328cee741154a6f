/* wake.c — wake-ups between nodes (wake.h). */
#include "app/wake.h"
#include "app/cluster.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAKE_CHANNEL "opsdesk_wake"

struct od_app_waker {
    od_app *a;
    od_store_listener *l;
};

od_err od_app_waker_open(od_app *a, od_app_waker **out, od_error *e)
{
    *out = NULL;
    if (!od_app_multi_node(a))
        return OD_OK;
    od_store_listener *l = NULL;
    od_err rc = od_store_listen(a->store, WAKE_CHANNEL, &l, e);
    if (rc || !l)
        return rc;
    od_app_waker *w = calloc(1, sizeof *w);
    if (!w) {
        od_store_listen_close(l);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    w->a = a;
    w->l = l;
    *out = w;
    return OD_OK;
}

od_err od_app_waker_wait(od_app_waker *w, int timeout_ms, unsigned *what, od_error *e)
{
    *what = 0;
    char payload[200];
    bool got = false;
    od_err rc = od_store_listen_wait(w->l, timeout_ms, payload, sizeof payload, &got, e);
    if (rc || !got)
        return rc;
    if (!payload[0]) { /* reconnected: anything may have been missed */
        *what = OD_COMMIT_DEADLINES | OD_COMMIT_OUTBOX;
        return OD_OK;
    }
    char *sp = NULL;
    unsigned long bits = strtoul(payload, &sp, 10);
    const char *from = sp && *sp == ' ' ? sp + 1 : "";
    if (strcmp(from, od_app_node_id(w->a)) == 0)
        return OD_OK; /* its own commit: woken locally already */
    *what = (unsigned)bits & (OD_COMMIT_DEADLINES | OD_COMMIT_OUTBOX);
    return OD_OK;
}

void od_app_waker_close(od_app_waker *w)
{
    if (!w)
        return;
    od_store_listen_close(w->l);
    free(w);
}

void od_app_wake_local(od_app *a, unsigned what)
{
    if (a && a->on_commit && what)
        a->on_commit(a->on_commit_arg, what);
}

void od_app_wake_others(od_app *a, unsigned what)
{
    if (!what || !a->node || !od_app_multi_node(a))
        return;
    char payload[200];
    snprintf(payload, sizeof payload, "%u %s", what, od_app_node_id(a));
    od_tx *tx = NULL;
    od_error e = {0};
    od_err rc = od_tx_begin(a->store, true, &tx, &e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_WAKE_NOTIFY, &e, OD_BINDS(OD_TEXT(WAKE_CHANNEL), OD_TEXT(payload)));
    if (!rc)
        rc = od_tx_commit(tx, &e);
    else
        od_tx_rollback(tx);
    if (rc) /* the others' poll finds the rows instead */
        od_debug("wake-up not sent: %s", e.message);
}
