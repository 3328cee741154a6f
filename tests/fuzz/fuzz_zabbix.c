/* fuzz_zabbix.c — the parser of the Zabbix media-type body (POST /api/v1/integrations/zabbix) as the
 * server runs it: the body parsed with json_loadb(JSON_REJECT_DUPLICATES),
 * then od_ingest_parse_zabbix() into a batch.  Invariants: the
 * result is OK / invalid / unprocessable / too large; an error names a
 * message; after OK every event has a non-empty dedup key, label and
 * annotation objects of strings, and its labels go through the core rules
 * (fingerprint, default classification, matchers) without harm.  Everything
 * is freed (no leak). */
#include "fuzz.h"

#include "core/event.h"
#include "ingest/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
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
    od_err rc = od_ingest_parse_zabbix(body, b, &e);
    if (rc) {
        FUZZ_CHECK(rc == OD_E_INVALID || rc == OD_E_UNPROCESSABLE || rc == OD_E_TOO_LARGE);
        FUZZ_CHECK(e.code == rc && e.message[0]);
    } else {
        od_event_policy *p = od_event_policy_new_default();
        FUZZ_CHECK(p != NULL);
        od_matcher m;
        od_error me = {0};
        FUZZ_CHECK(od_matcher_parse(&m, "alertname=~\"[A-Z].*\"", &me) == OD_OK);
        for (size_t i = 0; i < b->n; i++) {
            const od_event_in *ev = &b->v[i];
            FUZZ_CHECK(ev->dedup_key && ev->dedup_key[0]);
            FUZZ_CHECK(ev->severity && ev->summary);
            FUZZ_CHECK(json_is_object(ev->labels) && json_is_object(ev->annotations) && ev->raw);
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
            (void)od_matcher_matches(&m, &l);
        }
        od_matcher_cleanup(&m);
        od_event_policy_free(p);
    }
    od_event_batch_free(b);
    json_decref(body);
    return 0;
}
