/* dispatcher_http.c — GET /api/v1/incidents/{id}/deliveries: every send
 * attempt for the incident's messages (R-NOT-7 "shown on the incident").
 * Thin: checks that the caller may see the incident (the same rule as
 * GET /api/v1/incidents/{id}), then lists the log.  Called by the HTTP
 * thread pool; holds no state. */
#include "app/incidents.h"
#include "http/http.h"
#include "notify/dispatcher.h"

od_err od_h_incident_deliveries(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    /* visibility (department scopes, existence) decided by the app layer */
    json_t *inc = NULL;
    rc = od_incident_get(r->app, &r->who, r->ids[0], &inc, &r->err);
    json_decref(inc);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_deliveries_list(r->app, r->ids[0], limit, offset, &out, &r->err);
    if (rc)
        return rc;
    return od_reply(r, 200, out);
}
