/* h_deliveries.c — GET /api/v1/incidents/{id}/deliveries: every send
 * attempt for the incident's messages (R-NOT-7 "shown on the incident");
 * POST /api/v1/messages/{id}/retry: a failed one again.
 * Thin: reads the page and calls the use case, which checks that the caller
 * may see the incident (app/deliveries.c).  Called by the HTTP thread pool;
 * holds no state. */
#include "app/notification.h"
#include "http/handlers.h"

od_err od_h_incident_deliveries(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_deliveries_list(r->app, &r->who, r->ids[0], limit, offset, &out, &r->err);
    if (rc)
        return rc;
    return od_reply(r, 200, out);
}

od_err od_h_message_retry(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    json_t *out = NULL;
    if (!rc)
        rc = od_delivery_retry(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
