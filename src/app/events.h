/* events.h — event-management use cases (R-EVT-1…4, seed 004 §6.2):
 * "ingest a batch of events" (the whole pipeline, many requests in one
 * write transaction — the group commit of src/ingest/), reading events,
 * their decisions, hourly statistics and the weekly review sample,
 * maintenance windows and the ingestion API keys.  Rules come from
 * src/core/event.h; this file reads and writes.  Thread-safe like app.h,
 * except od_events_ingest: one thread per od_event_writer. */
#ifndef OD_APP_EVENTS_H
#define OD_APP_EVENTS_H

#include "app/app.h"
#include "ingest/batch.h"

#include <jansson.h>

/* One request of a group commit: in = the batch; out = rc, err, result: the
 * answer as JSON text (malloc'd, result_len bytes), {"accepted": n, "events":
 * [{"id","dedup_key","action","state","class","incident_id"}]} ("class" and
 * "incident_id" not for a repeat). */
typedef struct od_ingest_item {
    od_event_batch *batch;
    od_err rc;
    od_error err;
    char *result;
    size_t result_len;
} od_ingest_item;

/* The ingestion writer's memory kept from one transaction to the next (the
 * CMDB's CI names, the correlation groups): created by the ingestion queue
 * (src/ingest/queue.c) and used by its writer thread only.  One writer per
 * app. */
typedef struct od_event_writer od_event_writer;
od_event_writer *od_event_writer_new(void); /* NULL on OOM */
void od_event_writer_free(od_event_writer *w);

/* Runs the pipeline for every item in ONE write transaction; a failing item
 * leaves nothing written and does not affect the others (the transaction is
 * run again with a savepoint per item when that happens).  Returns an error only when the transaction as a
 * whole failed (then every item has it).  After a commit it wakes the scheduler and the dispatcher. */
OD_NODISCARD od_err od_events_ingest(od_app *a, od_event_writer *w, od_ingest_item *items, size_t n,
                                     od_error *e);
/* One batch through od_events_ingest (the server's own events, the demo):
 * the batch's error is the call's; its answer text is dropped.  b stays
 * the caller's. */
OD_NODISCARD od_err od_events_ingest_batch(od_app *a, od_event_writer *w, od_event_batch *b, od_error *e);
/* Reads the de-duplication table (app/event_keys.h) from the events if it
 * is not in memory yet; *count = the keys it holds.  The ingestion writer
 * calls it before its first transaction (a million events take about half
 * a second); od_events_ingest does it otherwise. */
OD_NODISCARD od_err od_events_keys_load(od_app *a, size_t *count, od_error *e);

/* ---- reading (R-EVT-1; app/event_read.c) ---- */
/* Department scope (R-SEC-SYS-2): `who` sees the events of CIs in its
 * scope; an event with no CI only when unscoped; who NULL = the system.
 * An event it may not see is missing (404) and counted nowhere. */
/* status matches the monitoring status or opsdesk's state; cls "none" = not
 * classified; ci: an id or a CI name (unknown name → empty list); after: the
 * keyset cursor of the page before (its next_after; NULL = the newest). */
OD_NODISCARD od_err od_events_list(od_app *a, const od_principal *who, const char *status, const char *cls,
                                   const char *ci, const char *source, const char *q, const char *after,
                                   int64_t limit, int64_t offset, json_t **out, od_error *e);
OD_NODISCARD od_err od_event_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);
OD_NODISCARD od_err od_events_stats(od_app *a, const od_principal *who, int hours, json_t **out, od_error *e);
/* week: ISO week "2026-W18" (NULL = the current one). */
OD_NODISCARD od_err od_events_review(od_app *a, const od_principal *who, const char *week, json_t **out,
                                     od_error *e);

/* ---- maintenance windows (app/maintenance_windows.c) ---- */
/* body shape-checked by the caller: name, starts_at, ends_at (RFC 3339),
 * matchers [{name, value, regex?, negative?}], ci_id, comment.  Scoped like
 * events: a scoped `who` sees and manages the windows of CIs in its scope,
 * names only such a CI (another answers like a missing CI) and may not
 * create a window without a CI (403).  A regex that is invalid or too
 * complex for RE2's bounds is a 422. */
OD_NODISCARD od_err od_window_create(od_app *a, const od_principal *who, json_t *body, json_t **out,
                                     od_error *e);
OD_NODISCARD od_err od_window_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);
OD_NODISCARD od_err od_window_list(od_app *a, const od_principal *who, bool active_only, int64_t limit,
                                   int64_t offset, json_t **out, od_error *e);
OD_NODISCARD od_err od_window_update(od_app *a, const od_principal *who, int64_t id, json_t *body,
                                     json_t **out, od_error *e);
OD_NODISCARD od_err od_window_delete(od_app *a, const od_principal *who, int64_t id, od_error *e);
/* The compiled matchers of a stored window (its `matchers` JSON text) for
 * ingestion: compiled once per distinct text and cached in the app, copied
 * into ms[0..*n) (up to OD_EVT_MATCHERS_MAX; each shares the cached compiled
 * regex; free each with od_matcher_cleanup).  OD_E_UNPROCESSABLE when the
 * text holds an unusable matcher (such a window must silence nothing),
 * OD_E_NOMEM. */
struct od_matcher;
OD_NODISCARD od_err od_window_matchers(od_app *a, const char *matchers_json, struct od_matcher *ms, size_t *n,
                                       od_error *e);
/* Frees the app's event-side caches (app.h event_caches). */
struct od_event_caches;
void od_event_caches_free(struct od_event_caches *c);

/* ---- ingestion API keys ---- */
typedef struct od_api_key {
    int64_t id;
    char name[64];
    char integration[16]; /* api | alertmanager | zabbix | display */
} od_api_key;
#define OD_API_KEY_PREFIX "odk_"
/* A display key ingests nothing: it reads the wall screen (GET
 * /api/v1/dashboard and /api/v1/events/stats) for a kiosk, without a user
 * session and so without the session's expiry; revoked like any key. */
#define OD_API_KEY_DISPLAY "display"
/* Creates a key; *out holds the secret once ("key"). */
OD_NODISCARD od_err od_api_key_create(od_app *a, const od_principal *who, const char *name,
                                      const char *integration, json_t **out, od_error *e);
OD_NODISCARD od_err od_api_key_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e);
OD_NODISCARD od_err od_api_key_revoke(od_app *a, const od_principal *who, int64_t id, json_t **out,
                                      od_error *e);
/* OD_E_UNAUTH when unknown or revoked. */
OD_NODISCARD od_err od_api_key_resolve(od_app *a, const char *secret, od_api_key *k, od_error *e);

#endif
