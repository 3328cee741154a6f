/* h_ci_retire.c — POST /api/v1/cis/{id}/retire {"reason"}: a CI retired
 * from service, and POST /api/v1/cis/{id}/unretire {"reason"}: back in
 * service (app/cmdb_retire.h), and GET /api/v1/cis/{id}/retirements: who
 * retired it or brought it back, when, why.  Thin. */
#include "app/cmdb_retire.h"
#include "http/handlers.h"

od_err od_h_ci_retire(od_req *r)
{
    static const od_field f[] = {{"reason", OD_JT_STRING, true, 2000}, {0}};
    od_err rc = od_req_fields(r, f);
    json_t *out = NULL;
    if (!rc)
        rc = od_ci_retire(r->app, &r->who, r->ids[0], od_req_str(r, "reason"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_ci_unretire(od_req *r)
{
    static const od_field f[] = {{"reason", OD_JT_STRING, true, 2000}, {0}};
    od_err rc = od_req_fields(r, f);
    json_t *out = NULL;
    if (!rc)
        rc = od_ci_unretire(r->app, &r->who, r->ids[0], od_req_str(r, "reason"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_ci_retirements(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    json_t *out = NULL;
    if (!rc)
        rc = od_ci_retirements(r->app, &r->who, r->ids[0], limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
