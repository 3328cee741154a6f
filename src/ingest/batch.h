/* batch.h — the events of one ingestion request, as the parsers
 * (ingest/parse.h) produce them and the event pipeline (app/events.h)
 * consumes them.  A batch owns every string and JSON value its events
 * borrow.  Not thread-safe: one request's thread fills it, then the queue
 * hands it to the writer thread. */
#ifndef OD_INGEST_BATCH_H
#define OD_INGEST_BATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OD_EVENTS_PER_REQUEST_MAX 5000

/* One normalized event, as the ingest parsers produce it.  Strings and JSON
 * values are borrowed from the batch's `hold`. */
typedef struct od_event_in {
    const char *dedup_key; /* never NULL/empty */
    const char *severity;  /* "" if none */
    const char *summary;   /* "" if none */
    const char *ci_name;   /* NULL if none */
    const char *note;      /* a non-state update to record (Zabbix acknowledge …), or NULL */
    bool firing;
    int64_t starts_at;    /* 0 = unknown */
    json_t *labels;       /* object of strings */
    json_t *annotations;  /* object of strings */
    json_t *raw;          /* the original JSON of this event */
    const char *raw_text; /* the same as the request's own bytes (in the batch's body), or NULL */
    size_t raw_len;
} od_event_in;

/* The events of one request. */
typedef struct od_event_batch {
    char source[96]; /* "alertmanager", "zabbix", "api:<key name>" */
    int64_t api_key_id;
    od_event_in *v;
    size_t n, cap;
    json_t *hold; /* owns every borrowed value above */
    char *body;   /* a copy of the request body (raw_text points into it), or NULL */
    /* a drill's scripted injects (source "drill", app/internal_events.c): the
     * drill's simulated incident every event of the batch joins instead of
     * opening or alerting anything (R-PLAN-2); 0 for every other batch */
    int64_t drill_incident;
} od_event_batch;

/* New empty batch (NULL on OOM); free with od_event_batch_free. */
od_event_batch *od_event_batch_new(const char *source, int64_t api_key_id);
void od_event_batch_free(od_event_batch *b);
/* Appends a zeroed event and returns it (NULL on OOM or past
 * OD_EVENTS_PER_REQUEST_MAX). */
od_event_in *od_event_batch_add(od_event_batch *b);
/* Keeps v alive as long as the batch (steals the reference) and returns it. */
json_t *od_event_batch_keep(od_event_batch *b, json_t *v);
/* A copy of s that lives as long as the batch (NULL on OOM). */
const char *od_event_batch_str(od_event_batch *b, const char *s);
/* Keeps a copy of the request body; returns it (NULL on OOM). */
const char *od_event_batch_body(od_event_batch *b, const char *body, size_t len);

#endif
