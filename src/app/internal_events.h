/* internal_events.h — events the server raises itself (a drill's scripted
 * injects, R-PLAN-2; a failed checklist item's `on_fail: event`, R-EVT-1)
 * through the real event ingestion, od_events_ingest, the use case alert
 * senders go through: the event rules (filters, classification,
 * correlation, incident rules, de-duplication) apply to them as to any
 * event.  One queue (table internal_event_queue, migration 0049) with a
 * source column: a use case queues in its own transaction, the delivery
 * ingests after its commit. */
#ifndef OD_APP_INTERNAL_EVENTS_H
#define OD_APP_INTERNAL_EVENTS_H

#include "app/app.h"
#include "store/store.h"

#include <jansson.h>

/* The drill's source (drills.c): key "drill:<record id>:inject:<n>", ref
 * its simulated incident, item the inject's index. */
#define OD_IEV_DRILL "drill"

/* One event: strings borrowed for the call; labels and raw are stolen
 * (NULL: an empty object).  drill_incident: a drill's simulated incident
 * the event joins instead of opening or alerting anything (0: none). */
typedef struct od_internal_event {
    const char *source, *dedup_key, *severity, *summary;
    const char *ci; /* the CI's name; NULL or "" when none */
    json_t *labels, *raw;
    int64_t drill_incident;
} od_internal_event;

/* One event as a one-event batch through od_events_ingest (its own
 * transaction; outside any).  Takes od_ev_ingest_mu through it. */
OD_NODISCARD od_err od_internal_event_ingest(od_app *a, od_internal_event *ev, od_error *e);

/* Queues an event inside tx (the use case's transaction; table
 * internal_event_queue, migration 0049): at most one per (source,
 * dedup_key) waits.  rec: the record it is about; ref and item: the
 * source's reference (a checklist instance and its item key; a drill's
 * simulated incident and the inject's index); ci "" none.
 * The caller calls od_internal_events_deliver after its commit; the
 * scheduler's passes (the first at start) deliver what a stop left. */
OD_NODISCARD od_err od_internal_event_queue(od_tx *tx, const char *source, const char *dedup_key, int64_t rec,
                                            int64_t ref, const char *item, const char *severity,
                                            const char *summary, const char *ci, int64_t now, od_error *e);

/* Ingests the queued events, oldest first, one at a time (one delivery at
 * a time in this process; each row claimed first for a minute, so that of
 * several nodes sharing the queue one ingests it, and a node that stopped
 * mid-way leaves it to a pass after that): an event whose (source, dedup_key) is stored
 * already (a stop between its ingestion and the queue's clean-up, or a
 * second failure of the same item) is not ingested again.  Labels by
 * source: checklist: record (its number), record_id, item, checklist_id;
 * drill: drill_id, drill, inject, and the event joins the drill's simulated
 * incident.  Then, in one transaction with the row's removal, the source's
 * follow-up (checklist: od_rec_ckl_event_finding).  Called after a use
 * case's commit and by every scheduler pass after its claims (the first at
 * start).  A row that fails stays queued
 * for the next pass (logged) and holds up no other; the first failure is
 * the answer.  Outside any transaction. */
OD_NODISCARD od_err od_internal_events_deliver(od_app *a, od_error *e);

#endif
