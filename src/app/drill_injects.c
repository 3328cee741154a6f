/* drill_injects.c — a drill's scripted injects through the real event
 * ingestion (R-PLAN-2; docs/drills.md "脚本注入"): the scheduler's claim
 * queued each one (drills.c od_drill_inject_fire, drill_inject_queue); this
 * pass ingests them as events of source "drill" with od_events_ingest, the
 * use case alert senders go through, then removes them from the queue.  See
 * record_hooks.h. */
#include "app/events.h"
#include "app/internal_events.h"
#include "app/record_hooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRILL_SOURCE "drill"

typedef struct queued {
    int64_t rec, idx, inc;
    char *text;
    char number[40];
} queued;

static od_err pending_read(od_app *a, queued **out, size_t *n, od_error *e)
{
    *out = NULL;
    *n = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    od_rows *r = NULL;
    bool row = false;
    size_t cap = 0;
    rc = od_tx_query(tx, OD_Q_DRLI_PENDING, &r, e, OD_NOBINDS);
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            queued *nv = realloc(*out, cap * sizeof *nv);
            if (!nv) {
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                break;
            }
            *out = nv;
        }
        queued *q = &(*out)[*n];
        q->rec = od_rows_int(r, 0);
        q->idx = od_rows_int(r, 1);
        q->inc = od_rows_int(r, 2);
        q->text = strdup(od_rows_text(r, 3));
        snprintf(q->number, sizeof q->number, "%s", od_rows_text(r, 4));
        (*n)++;
        if (!q->text)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    return rc;
}

/* Whether its event is stored already (attached to the drill's incident:
 * one its rules filtered or silenced is not, and would count a repeat),
 * and the incident's first CI. */
static od_err look(od_app *a, const queued *q, const char *key, bool *stored, char *ci, size_t n, od_error *e)
{
    od_tx *tx = NULL;
    int64_t count = 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_scalar(tx, OD_Q_DRLI_EVENT, &count, e,
                      OD_BINDS(OD_INT(q->inc), OD_TEXT(DRILL_SOURCE), OD_TEXT(key)));
    od_rows *r = NULL;
    bool row = false;
    ci[0] = 0;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_DRLI_INC_CI, &r, e, OD_BINDS(OD_INT(q->inc)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        snprintf(ci, n, "%s", od_rows_text(r, 0));
    od_rows_close(r);
    od_tx_rollback(tx);
    *stored = count > 0;
    return rc;
}

static od_err done(od_app *a, const queued *q, od_error *e)
{
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_DRLI_DONE, e, OD_BINDS(OD_INT(q->rec), OD_INT(q->idx)));
    if (!rc)
        return od_tx_commit(tx, e);
    if (tx)
        od_tx_rollback(tx);
    return rc;
}

/* One inject through od_internal_event_ingest (internal_events.c), the
 * one-event batch the queue of internal events goes through too. */
static od_err ingest(od_app *a, const queued *q, const char *key, const char *ci, od_error *e)
{
    char summary[700], rec[24], idx[24];
    snprintf(summary, sizeof summary, "【演练】[DRILL] %s：%s", q->number, q->text);
    snprintf(rec, sizeof rec, "%lld", (long long)q->rec);
    snprintf(idx, sizeof idx, "%lld", (long long)q->idx);
    od_internal_event ev = {
        .source = DRILL_SOURCE,
        .dedup_key = key,
        .severity = "critical",
        .summary = summary,
        .ci = ci,
        .labels = json_pack("{ss ss ss}", "drill_id", rec, "drill", q->number, "inject", idx),
        .raw = json_pack("{ss ss ss si}", "source", DRILL_SOURCE, "drill", q->number, "text", q->text,
                         "inject", (int)q->idx),
        .drill_incident = q->inc,
    };
    if (!ev.labels || !ev.raw) {
        json_decref(ev.labels);
        json_decref(ev.raw);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    return od_internal_event_ingest(a, &ev, e);
}

od_err od_drill_injects_deliver(od_app *a, od_error *e)
{
    queued *v = NULL;
    size_t n = 0;
    od_err rc = pending_read(a, &v, &n, e);
    for (size_t i = 0; !rc && i < n; i++) {
        char key[96], ci[OD_NAME_MAX];
        bool stored = false;
        snprintf(key, sizeof key, "drill:%lld:inject:%lld", (long long)v[i].rec, (long long)v[i].idx);
        rc = look(a, &v[i], key, &stored, ci, sizeof ci, e);
        if (!rc && !stored)
            rc = ingest(a, &v[i], key, ci, e);
        if (!rc)
            rc = done(a, &v[i], e);
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].text);
    free(v);
    return rc;
}
