/* events_text.c — the JSON texts of the event pipeline, built with od_sbuf
 * instead of jansson on the hot path: labels and
 * annotations, flapping changes, first-pass decisions, the answer's
 * elements and the raw event. */
#include "app/events_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An object of string values (labels, annotations) in its own key order;
 * anything else falls back to jansson. */
void od_ev_json_map(od_sbuf *b, json_t *obj)
{
    if (!obj) {
        od_sbuf_puts(b, "{}");
        return;
    }
    const char *k;
    json_t *v;
    bool first = true, plain = json_is_object(obj);
    json_object_foreach(obj, k, v) if (!json_is_string(v)) plain = false;
    if (!plain) {
        char *t = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
        if (t)
            od_sbuf_puts(b, t);
        else
            b->oom = true;
        free(t);
        return;
    }
    od_sbuf_append(b, "{", 1);
    json_object_foreach(obj, k, v)
    {
        if (!first)
            od_sbuf_append(b, ",", 1);
        first = false;
        od_sbuf_json_str(b, k);
        od_sbuf_append(b, ":", 1);
        od_sbuf_json(b, json_string_value(v), json_string_length(v));
    }
    od_sbuf_append(b, "}", 1);
}

void od_ev_flap_text(od_sbuf *b, const od_flap *f)
{
    od_sbuf_reset(b);
    od_sbuf_append(b, "[", 1);
    for (int i = 0; i < f->n; i++) {
        if (i)
            od_sbuf_append(b, ",", 1);
        od_sbuf_int(b, f->t[i]);
    }
    od_sbuf_append(b, "]", 1);
}

/* "[t1,t2,…]" as flap_text writes it (anything else reads as no changes). */
void od_ev_flap_load(od_flap *f, const char *text)
{
    memset(f, 0, sizeof *f);
    const char *p = text;
    if (*p++ != '[')
        return;
    while (*p && *p != ']' && f->n < OD_EVT_FLAP_MAX) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p)
            return;
        f->t[f->n++] = (int64_t)v;
        p = end;
        if (*p == ',')
            p++;
    }
}

/* The decisions of a new event's first pass, kept in its row
 * (events.decisions, one write instead of one row each) as codes:
 * [[code, rule|null, arg…], …], rendered when read (core/event_decision.h;
 * made at the row's received_at). */
void od_ev_decisions_text(ctx *c, const outcome *o)
{
    od_sbuf *b = &c->decs;
    od_sbuf_reset(b);
    od_sbuf_append(b, "[", 1);
    for (int i = 0; i < o->nd; i++) {
        const decision *d = &o->d[i];
        od_sbuf_puts(b, i ? ",[" : "[");
        od_sbuf_int(b, d->code);
        od_sbuf_append(b, ",", 1);
        if (d->rule[0])
            od_sbuf_json_str(b, d->rule);
        else
            od_sbuf_puts(b, "null");
        for (int k = 0; k < d->nargs; k++) {
            od_sbuf_append(b, ",", 1);
            if (d->args[k].s)
                od_sbuf_json_str(b, d->args[k].s);
            else
                od_sbuf_int(b, d->args[k].i);
        }
        od_sbuf_append(b, "]", 1);
    }
    od_sbuf_append(b, "]", 1);
}

/* One element of the answer's "events". */
void od_ev_result_text(od_sbuf *res, int64_t id, const char *key, const char *action, const char *state,
                       bool full, const char *cls, int64_t incident_id)
{
    od_sbuf_puts(res, res->p && res->p[res->n - 1] == '[' ? "{\"id\":" : ",{\"id\":");
    od_sbuf_int(res, id);
    od_sbuf_puts(res, ",\"dedup_key\":");
    od_sbuf_json_str(res, key);
    od_sbuf_puts(res, ",\"action\":");
    od_sbuf_json_str(res, action);
    od_sbuf_puts(res, ",\"state\":");
    od_sbuf_json_str(res, state);
    if (full) {
        od_sbuf_puts(res, ",\"class\":");
        if (cls)
            od_sbuf_json_str(res, cls);
        else
            od_sbuf_puts(res, "null");
        od_sbuf_puts(res, ",\"incident_id\":");
        if (incident_id)
            od_sbuf_int(res, incident_id);
        else
            od_sbuf_puts(res, "null");
    }
    od_sbuf_append(res, "}", 1);
}

/* The event's original JSON: the request's own bytes when the parser found
 * them, else jansson's serialization. */
const char *od_ev_raw_text(ctx *c, const od_event_in *ev)
{
    od_sbuf *b = &c->raw;
    od_sbuf_reset(b);
    if (ev->raw_text) {
        od_sbuf_append(b, ev->raw_text, ev->raw_len);
    } else {
        char *t = ev->raw ? json_dumps(ev->raw, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
        od_sbuf_puts(b, t ? t : "{}");
        free(t);
    }
    return b->oom ? NULL : b->p;
}
