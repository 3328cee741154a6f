/* h_plans.c — handlers of the emergency-plan module (/api/v1/plans;
 * research/modules-spec.md §M7, docs/plans.md).  Shape checks here; rules in
 * app/plans.h.  Transitions go through POST /api/v1/records/{id}/actions/…
 * (h_problems.c). */
#include "app/plans.h"
#include "http/handlers.h"

#include <stdint.h>

od_err od_h_plan_list(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    od_record_query q = {.state = od_req_query(r, "state"),
                         .department = od_req_query(r, "department"),
                         .limit = limit,
                         .offset = offset};
    json_t *out = NULL;
    rc = od_plan_list(r->app, &r->who, &q, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_plan_create(od_req *r)
{
    static const od_field f[] = {{"title", OD_JT_STRING, true, 300},
                                 {"department", OD_JT_STRING, false, 127},
                                 {"fields", OD_JT_OBJECT, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *fields = json_object_get(r->json, "fields"), *out = NULL;
    od_plan_input in = {.title = od_req_str(r, "title"),
                        .department = od_req_str(r, "department"),
                        .fields = json_is_object(fields) ? fields : NULL};
    rc = od_plan_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_plan_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_plan_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_plan_patch(od_req *r)
{
    static const od_field f[] = {{"version", OD_JT_INT, true, 0}, {"fields", OD_JT_OBJECT, true, 0}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_plan_update(r->app, &r->who, r->ids[0], od_req_int(r, "version", 0),
                        json_object_get(r->json, "fields"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_plan_version_create(od_req *r)
{
    static const od_field f[] = {{"body", OD_JT_STRING, true, OD_PLAN_BODY_MAX}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_plan_version_add(r->app, &r->who, r->ids[0], od_req_str(r, "body"), &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_plan_version_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_plan_version_get(r->app, &r->who, r->ids[0], r->ids[1], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_plan_overdue(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_plan_overdue(r->app, &r->who, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_incident_plans(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_plan_for_incident(r->app, &r->who, r->ids[0], limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
