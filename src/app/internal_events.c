/* internal_events.c — events the server raises itself through the real
 * event ingestion (internal_events.h): one queue of internal events, each
 * row with its source (a drill's scripted inject, drills.c; a failed
 * checklist item's `on_fail: event`, checklist_findings.c), delivered as
 * one-event batches through od_events_ingest. */
#include "app/internal_events.h"
#include "app/events.h"
#include "app/records_kernel.h"
#include "util/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

od_err od_internal_event_ingest(od_app *a, od_internal_event *in, od_error *e)
{
    bool ci = in->ci && in->ci[0];
    od_event_batch *b = od_event_batch_new(in->source, 0);
    od_event_in *ev = b ? od_event_batch_add(b) : NULL;
    json_t *labels = in->labels ? in->labels : json_object();
    json_t *raw = in->raw ? in->raw : json_object();
    in->labels = in->raw = NULL;
    labels = b ? od_event_batch_keep(b, labels) : (json_decref(labels), NULL);
    raw = b ? od_event_batch_keep(b, raw) : (json_decref(raw), NULL);
    json_t *ann = b && labels && raw ? od_event_batch_keep(b, json_object()) : NULL;
    if (ev && ann) {
        b->drill_incident = in->drill_incident;
        ev->dedup_key = od_event_batch_str(b, in->dedup_key);
        ev->severity = od_event_batch_str(b, in->severity);
        ev->summary = od_event_batch_str(b, in->summary);
        ev->ci_name = ci ? od_event_batch_str(b, in->ci) : NULL;
        ev->firing = true;
        ev->labels = labels;
        ev->annotations = ann;
        ev->raw = raw;
    }
    if (!ev || !ann || !ev->dedup_key || !ev->severity || !ev->summary || (ci && !ev->ci_name)) {
        od_event_batch_free(b);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    od_event_writer *w = od_event_writer_new();
    od_err rc = w ? od_events_ingest_batch(a, w, b, e) : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_event_writer_free(w);
    od_event_batch_free(b);
    return rc;
}

od_err od_internal_event_queue(od_tx *tx, const char *source, const char *dedup_key, int64_t rec, int64_t ref,
                               const char *item, const char *severity, const char *summary, const char *ci,
                               int64_t now, od_error *e)
{
    return od_tx_exec(tx, OD_Q_IEVQ_QUEUE, e,
                      OD_BINDS(OD_TEXT(source), OD_TEXT(dedup_key), OD_INT(rec), OD_INT(ref), OD_TEXT(item),
                               OD_TEXT(severity), OD_TEXT(summary), OD_TEXT(ci ? ci : ""), OD_INT(now)));
}

typedef struct queued {
    char source[32], key[200], item[OD_KEY_MAX], severity[32], number[40];
    int64_t rec, ref, queued_at;
    char *summary, *ci;
} queued;

/* What a source does once its event is stored (inside tx, with the row's
 * removal): event: its id; incident: the incident it opened or joined (0:
 * none). */
typedef od_err (*after_fn)(od_app *a, od_tx *tx, const queued *q, int64_t event, int64_t incident,
                           int64_t now, od_error *e);

/* A source's labels and raw payload (new references; NULL: out of memory)
 * and what else its event carries. */
typedef void (*shape_fn)(const queued *q, od_internal_event *ev);

/* A failed checklist item: labels record (its number), record_id, item and
 * checklist_id. */
static void ckl_shape(const queued *q, od_internal_event *ev)
{
    char rec[24], ref[24];
    snprintf(rec, sizeof rec, "%lld", (long long)q->rec);
    snprintf(ref, sizeof ref, "%lld", (long long)q->ref);
    ev->labels = json_pack("{ss ss ss ss}", "record", q->number, "record_id", rec, "item", q->item,
                           "checklist_id", ref);
    ev->raw = json_pack("{ss ss ss ss ss}", "source", q->source, "record", q->number, "item", q->item,
                        "summary", q->summary, "severity", q->severity);
}

static od_err ckl_after(od_app *a, od_tx *tx, const queued *q, int64_t event, int64_t incident, int64_t now,
                        od_error *e)
{
    return od_rec_ckl_event_finding(a, tx, q->rec, q->ref, q->item, event, incident, now, e);
}

/* A drill's scripted inject (R-PLAN-2; drills.c): labels drill_id, drill
 * (its number) and inject (the index); it joins the drill's simulated
 * incident (ref) instead of opening one or alerting anyone. */
static void drill_shape(const queued *q, od_internal_event *ev)
{
    char rec[24];
    snprintf(rec, sizeof rec, "%lld", (long long)q->rec);
    ev->labels = json_pack("{ss ss ss}", "drill_id", rec, "drill", q->number, "inject", q->item);
    ev->raw = json_pack("{ss ss ss ss}", "source", q->source, "drill", q->number, "inject", q->item,
                        "summary", q->summary);
    ev->drill_incident = q->ref;
}

static const struct {
    const char *source;
    shape_fn shape;
    after_fn after; /* NULL: none */
} SOURCES[] = {
    {OD_CKL_EVENT_SOURCE, ckl_shape, ckl_after},
    {OD_IEV_DRILL, drill_shape, NULL},
};

/* The source's entry; an unknown source (a newer node's) gets the checklist
 * shape and no follow-up. */
static size_t source_of(const char *source)
{
    for (size_t i = 0; i < sizeof SOURCES / sizeof *SOURCES; i++)
        if (strcmp(SOURCES[i].source, source) == 0)
            return i;
    return 0;
}

static after_fn after_of(const char *source)
{
    size_t i = source_of(source);
    return strcmp(SOURCES[i].source, source) == 0 ? SOURCES[i].after : NULL;
}

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
    rc = od_tx_query(tx, OD_Q_IEVQ_PENDING, &r, e, OD_NOBINDS);
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
        memset(q, 0, sizeof *q);
        snprintf(q->source, sizeof q->source, "%s", od_rows_text(r, 0));
        snprintf(q->key, sizeof q->key, "%s", od_rows_text(r, 1));
        q->rec = od_rows_int(r, 2);
        q->ref = od_rows_int(r, 3);
        snprintf(q->item, sizeof q->item, "%s", od_rows_text(r, 4));
        snprintf(q->severity, sizeof q->severity, "%s", od_rows_text(r, 5));
        q->summary = strdup(od_rows_text(r, 6));
        q->ci = strdup(od_rows_text(r, 7));
        snprintf(q->number, sizeof q->number, "%s", od_rows_text(r, 8));
        q->queued_at = od_rows_int(r, 9);
        (*n)++;
        if (!q->summary || !q->ci)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    return rc;
}

/* A clock stepped back between the queueing and the ingestion: the look-up
 * of the row's event reaches this far before its queued_at. */
#define LOOK_BACK_MS (24LL * 3600 * 1000)

/* The first stored event of the row's key: *id (0: none) and its incident. */
static od_err stored(od_tx *tx, const queued *q, int64_t *id, int64_t *inc, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    *id = *inc = 0;
    od_err rc =
        od_tx_query(tx, OD_Q_IEVQ_EVENT, &r, e,
                    OD_BINDS(OD_INT(q->queued_at - LOOK_BACK_MS), OD_TEXT(q->source), OD_TEXT(q->key)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        *id = od_rows_int(r, 0);
        *inc = od_rows_int(r, 1);
    }
    od_rows_close(r);
    return rc;
}

static od_err look(od_app *a, const queued *q, int64_t *id, od_error *e)
{
    od_tx *tx = NULL;
    int64_t inc = 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = stored(tx, q, id, &inc, e);
    if (tx)
        od_tx_rollback(tx);
    return rc;
}

static od_err ingest(od_app *a, const queued *q, od_error *e)
{
    od_internal_event ev = {.source = q->source,
                            .dedup_key = q->key,
                            .severity = q->severity,
                            .summary = q->summary,
                            .ci = q->ci};
    SOURCES[source_of(q->source)].shape(q, &ev);
    if (!ev.labels || !ev.raw) {
        json_decref(ev.labels);
        json_decref(ev.raw);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    return od_internal_event_ingest(a, &ev, e);
}

/* The source's follow-up and the row's removal, in one transaction. */
static od_err done(od_app *a, const queued *q, od_error *e)
{
    od_tx *tx = NULL;
    int64_t id = 0, inc = 0;
    after_fn after = after_of(q->source);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc && after)
        rc = stored(tx, q, &id, &inc, e);
    if (!rc && after && id)
        rc = after(a, tx, q, id, inc, od_app_now(a), e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_IEVQ_DONE, e, OD_BINDS(OD_TEXT(q->source), OD_TEXT(q->key)));
    if (!rc)
        return od_tx_commit(tx, e);
    if (tx)
        od_tx_rollback(tx);
    return rc;
}

/* How long a node's claim on a row holds: a node that stopped between
 * the claim and the row's removal leaves it to the next pass after it. */
#define CLAIM_MS (60LL * 1000)

/* Claims the row for this delivery (several nodes share the queue): *mine
 * false when another node holds it or it is gone. */
static od_err claim(od_app *a, const queued *q, bool *mine, od_error *e)
{
    od_tx *tx = NULL;
    int64_t now = od_app_now(a);
    *mine = false;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_IEVQ_CLAIM, e,
                        OD_BINDS(OD_INT(now + CLAIM_MS), OD_TEXT(q->source), OD_TEXT(q->key), OD_INT(now)));
    if (!rc)
        *mine = od_tx_changes(tx) == 1;
    if (!rc)
        return od_tx_commit(tx, e);
    if (tx)
        od_tx_rollback(tx);
    return rc;
}

static pthread_mutex_t deliver_mu = PTHREAD_MUTEX_INITIALIZER;

od_err od_internal_events_deliver(od_app *a, od_error *e)
{
    pthread_mutex_lock(&deliver_mu);
    queued *v = NULL;
    size_t n = 0;
    od_err rc = pending_read(a, &v, &n, e);
    bool read = rc == OD_OK;
    /* a row that fails stays queued for the next pass and holds up no other;
     * the first failure is the answer */
    for (size_t i = 0; read && rc != OD_E_NOMEM && i < n; i++) {
        int64_t id = 0;
        od_error ie = {0};
        bool mine = false;
        od_err r = claim(a, &v[i], &mine, &ie);
        if (!r && !mine)
            continue;
        if (!r)
            r = look(a, &v[i], &id, &ie);
        if (!r && !id)
            r = ingest(a, &v[i], &ie);
        if (!r)
            r = done(a, &v[i], &ie);
        if (r)
            od_errorlog("internal event %s %s: %s", v[i].source, v[i].key, ie.message);
        if (r && !rc) {
            rc = r;
            *e = ie;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i].summary);
        free(v[i].ci);
    }
    free(v);
    pthread_mutex_unlock(&deliver_mu);
    return rc;
}
