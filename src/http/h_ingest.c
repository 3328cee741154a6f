/* h_ingest.c — the ingestion routes (R-EVT-1): POST /api/v1/events,
 * /api/v1/integrations/alertmanager and /api/v1/integrations/zabbix.  The
 * server has already authenticated an integration API key (OD_PERM_INGEST);
 * here the key's integration must match the route, the body is parsed
 * (src/ingest/parse.h: 4xx with nothing queued when malformed), and the batch
 * goes to the group-commit queue.  The request is suspended until its
 * transaction commits: 202 then means durable; a full queue is 503 with
 * Retry-After. */
#include "http/handlers.h"
#include "ingest/parse.h"
#include "ingest/queue.h"

#include <stdio.h>
#include <string.h>

typedef od_err (*parse_fn)(json_t *body, od_event_batch *b, od_error *e);

/* Runs on the writer thread after the commit. */
static void ingest_done(void *arg, od_ingest_item *it)
{
    od_req *r = arg;
    if (it->rc) {
        r->err = it->err;
        if (!r->err.code)
            r->err.code = it->rc;
    } else { /* the answer's JSON text, built by the pipeline */
        r->status = 202;
        r->raw = it->result;
        r->raw_len = it->result_len;
        r->content_type = "application/json; charset=utf-8";
        it->result = NULL;
    }
    od_req_resume(r);
}

static od_err ingest(od_req *r, const char *integration, parse_fn parse)
{
    if (strcmp(r->api_key.integration, integration) != 0)
        return od_error_set(
            &r->err, OD_E_FORBIDDEN, NULL,
            "此 API 密钥属于 %s 集成，不能用于 %s (permission: this API key is for the %s integration, "
            "not %s)",
            r->api_key.integration, integration, r->api_key.integration, integration);
    if (!r->json)
        return od_error_set(&r->err, OD_E_INVALID, NULL, "需要 JSON 请求体 (a JSON body is required)");
    char source[96];
    if (strcmp(integration, "api") == 0)
        snprintf(source, sizeof source, "api:%s", r->api_key.name);
    else
        snprintf(source, sizeof source, "%s", integration);
    od_event_batch *b = od_event_batch_new(source, r->api_key.id);
    if (!b)
        return od_error_set(&r->err, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = parse(r->json, b, &r->err);
    if (rc) {
        od_event_batch_free(b);
        return rc;
    }
    if (b->n == 0) {
        od_event_batch_free(b);
        return od_reply(r, 202, json_pack("{si s[]}", "accepted", 0, "events"));
    }
    od_ingest_raw_spans(b, r->body, r->body_len, strcmp(integration, "alertmanager") == 0 ? "alerts" : NULL);
    od_req_suspend(r);
    rc = od_ingest_submit(od_server_ingest(r->srv), b, ingest_done, r, &r->err);
    if (rc)
        od_req_resume(r); /* answered at once with the error (503 + Retry-After) */
    return OD_OK;
}

od_err od_h_ingest_events(od_req *r)
{
    return ingest(r, "api", od_ingest_parse_events);
}
od_err od_h_ingest_alertmanager(od_req *r)
{
    return ingest(r, "alertmanager", od_ingest_parse_alertmanager);
}
od_err od_h_ingest_zabbix(od_req *r)
{
    return ingest(r, "zabbix", od_ingest_parse_zabbix);
}
