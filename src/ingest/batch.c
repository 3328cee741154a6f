/* batch.c — the events of one ingestion request (batch.h). */
#include "ingest/batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

od_event_batch *od_event_batch_new(const char *source, int64_t api_key_id)
{
    od_event_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    snprintf(b->source, sizeof b->source, "%s", source ? source : "api");
    b->api_key_id = api_key_id;
    b->hold = json_array();
    if (!b->hold) {
        free(b);
        return NULL;
    }
    return b;
}

void od_event_batch_free(od_event_batch *b)
{
    if (!b)
        return;
    json_decref(b->hold);
    free(b->v);
    free(b->body);
    free(b);
}

od_event_in *od_event_batch_add(od_event_batch *b)
{
    if (b->n >= OD_EVENTS_PER_REQUEST_MAX)
        return NULL;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4;
        od_event_in *nv = realloc(b->v, cap * sizeof *nv);
        if (!nv)
            return NULL;
        b->v = nv;
        b->cap = cap;
    }
    od_event_in *ev = &b->v[b->n++];
    memset(ev, 0, sizeof *ev);
    ev->severity = ev->summary = "";
    return ev;
}

json_t *od_event_batch_keep(od_event_batch *b, json_t *v)
{
    if (!v || json_array_append_new(b->hold, v) != 0)
        return NULL;
    return v;
}

const char *od_event_batch_str(od_event_batch *b, const char *s)
{
    return json_string_value(od_event_batch_keep(b, json_string(s ? s : "")));
}

const char *od_event_batch_body(od_event_batch *b, const char *body, size_t len)
{
    free(b->body);
    b->body = malloc(len + 1);
    if (b->body) {
        memcpy(b->body, body, len);
        b->body[len] = 0;
    }
    return b->body;
}
