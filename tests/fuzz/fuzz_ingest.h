/* fuzz_ingest.h — the body of the three ingestion fuzz targets
 * (fuzz_events.c, fuzz_alertmanager.c, fuzz_zabbix.c): the request body
 * parsed as the server parses it (json_loadb with JSON_REJECT_DUPLICATES),
 * then the format's parser into a batch, then the raw-bytes scanner
 * (od_ingest_raw_spans) over the same bytes, as src/http/h_ingest.c does.
 * Invariants: the result is OK / invalid / unprocessable / too large with a
 * message; after OK every event has a non-empty dedup key, severity,
 * summary, label and annotation objects of strings; a raw span, when the
 * scanner finds one, lies inside the batch's copy of the body and is itself
 * a JSON object equal to the event's parsed raw; the labels go through the
 * core rules (fingerprint, default classification, matchers) without harm.
 * Everything is freed (no leak). */
#ifndef OD_FUZZ_INGEST_H
#define OD_FUZZ_INGEST_H

#include "fuzz.h"

#include "core/event.h"
#include "ingest/parse.h"

typedef od_err (*fuzz_ingest_parse)(json_t *body, od_event_batch *b, od_error *e);

static void fuzz_ingest_event(const od_event_in *ev, const od_event_batch *b, size_t body_len,
                              const od_event_policy *p, const od_matcher *m)
{
    FUZZ_CHECK(ev->dedup_key && ev->dedup_key[0]);
    FUZZ_CHECK(ev->severity && ev->summary);
    FUZZ_CHECK(json_is_object(ev->labels) && json_is_object(ev->annotations) && ev->raw);
    if (ev->raw_text) {
        FUZZ_CHECK(b->body && ev->raw_text >= b->body && ev->raw_text + ev->raw_len <= b->body + body_len);
        json_t *again = json_loadb(ev->raw_text, ev->raw_len, JSON_REJECT_DUPLICATES, NULL);
        FUZZ_CHECK(json_is_object(again) && json_equal(again, ev->raw));
        json_decref(again);
    }
    od_label ls[OD_EVT_LABELS_MAX];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(ev->labels, k, v)
    {
        FUZZ_CHECK(json_is_string(v));
        if (n < OD_EVT_LABELS_MAX)
            ls[n++] = (od_label){k, json_string_value(v)};
    }
    char hex[17];
    od_event_fingerprint_hex(od_event_fingerprint(ls, n), hex);
    FUZZ_CHECK(strlen(hex) == 16);
    od_labels l = {ls, n};
    FUZZ_CHECK(od_event_classify(p, &l, -1).cls == OD_EVC_WARNING);
    (void)od_matcher_matches(m, &l);
}

static int fuzz_ingest(const uint8_t *data, size_t size, fuzz_ingest_parse parse, const char *raw_key)
{
    if (size > 256 * 1024)
        return 0;
    json_error_t je;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!body)
        return 0;
    od_event_batch *b = od_event_batch_new("fuzz", 1);
    FUZZ_CHECK(b != NULL);
    od_error e = {0};
    od_err rc = parse(body, b, &e);
    if (rc) {
        FUZZ_CHECK(rc == OD_E_INVALID || rc == OD_E_UNPROCESSABLE || rc == OD_E_TOO_LARGE);
        FUZZ_CHECK(e.code == rc && e.message[0]);
    } else {
        od_ingest_raw_spans(b, (const char *)data, size, raw_key);
        od_event_policy *p = od_event_policy_new_default();
        FUZZ_CHECK(p != NULL);
        od_matcher m;
        od_error me = {0};
        FUZZ_CHECK(od_matcher_parse(&m, "alertname=~\"[A-Z].*\"", &me) == OD_OK);
        for (size_t i = 0; i < b->n; i++)
            fuzz_ingest_event(&b->v[i], b, size, p, &m);
        od_matcher_cleanup(&m);
        od_event_policy_free(p);
    }
    od_event_batch_free(b);
    json_decref(body);
    return 0;
}

#endif
