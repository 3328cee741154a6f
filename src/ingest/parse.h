/* parse.h — the three ingestion formats (R-EVT-1) turned into
 * normalized events (ingest/batch.h od_event_batch):
 *   - opsdesk's own format: one event object or an array of them;
 *   - the Prometheus Alertmanager webhook payload (version 4; fields it does
 *     not know are ignored: truncatedAlerts, notification_reason, routeLabels…);
 *   - what a Zabbix webhook media type sends (docs/integrations/zabbix.md):
 *     problem / update / recovery keyed by {EVENT.ID}; values that are still
 *     literal {MACRO} text count as absent.
 * A malformed payload is OD_E_INVALID (400) or OD_E_TOO_LARGE (413) with the
 * field named; nothing is partially accepted.  Pure translation: no store,
 * no clock; thread-safe.  Fuzzed by tests/fuzz/fuzz_{events,alertmanager,
 * zabbix}.c. */
#ifndef OD_INGEST_PARSE_H
#define OD_INGEST_PARSE_H

#include "ingest/batch.h"
#include "util/err.h"

#include <jansson.h>

#define OD_INGEST_LABELS_MAX 64
#define OD_INGEST_KEY_MAX 255
#define OD_INGEST_VALUE_MAX 1024
#define OD_INGEST_TEXT_MAX 8192

/* body is borrowed; the batch takes its own references. */
OD_NODISCARD od_err od_ingest_parse_events(json_t *body, od_event_batch *b, od_error *e);
OD_NODISCARD od_err od_ingest_parse_alertmanager(json_t *body, od_event_batch *b, od_error *e);
OD_NODISCARD od_err od_ingest_parse_zabbix(json_t *body, od_event_batch *b, od_error *e);

/* For speed: points each event's raw_text at its own bytes in a
 * copy of the request body kept by the batch (no re-serialization): key NULL
 * = the body is the event object or an array of events (own format,
 * Zabbix); else the array under that key of the body object ("alerts").
 * When the body does not have the expected shape (e.g. an escaped key),
 * raw_text stays NULL and the event's JSON is serialized instead.  Call
 * after a successful parse of the same body. */
void od_ingest_raw_spans(od_event_batch *b, const char *body, size_t len, const char *key);

/* True for a string that is an unresolved Zabbix macro: "{EVENT.ID}",
 * "{$ZABBIX.URL}", "{EVENT.TAGS.x}" (no space, braces around the whole). */
bool od_ingest_is_macro(const char *s);

#endif
