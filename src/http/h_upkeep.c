/* h_upkeep.c — handlers of risk assessments and content feedback
 * (/api/v1/risk-assessments, /api/v1/content-feedback; seed 000 ch. 9 §2,
 * §4; docs/upkeep.md).  Shape checks here; rules in app/upkeep.h. */
#include "app/upkeep.h"
#include "http/handlers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

od_err od_h_risk_list(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    json_t *out = NULL;
    if (!rc)
        rc = od_risk_list(r->app, &r->who, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_risk_create(od_req *r)
{
    static const od_field f[] = {{"held_at", OD_JT_TIME, true, 0},
                                 {"scope", OD_JT_TEXT, true, OD_UPKEEP_SCOPE_MAX},
                                 {"findings", OD_JT_TEXT, true, OD_UPKEEP_TEXT_MAX},
                                 {"risks", OD_JT_TEXT, true, OD_UPKEEP_TEXT_MAX},
                                 {"actions", OD_JT_TEXT, true, OD_UPKEEP_TEXT_MAX},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_risk_input in = {.held_at = od_req_str(r, "held_at"),
                        .scope = od_req_str(r, "scope"),
                        .findings = od_req_str(r, "findings"),
                        .risks = od_req_str(r, "risks"),
                        .actions = od_req_str(r, "actions")};
    json_t *out = NULL;
    rc = od_risk_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_risk_due(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_risk_due(r->app, &r->who, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_feedback_list(od_req *r)
{
    int64_t limit, offset, plan_id = 0;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    const char *o = od_req_query(r, "open");
    if ((rc = od_req_query_id(r, "plan_id", &plan_id)))
        return rc;
    if (o && strcmp(o, "true") && strcmp(o, "false"))
        return od_error_set(&r->err, OD_E_INVALID, "open",
                            "open 须为 true 或 false (open must be true or false)");
    json_t *out = NULL;
    rc =
        od_feedback_list(r->app, &r->who, o && strcmp(o, "true") == 0, plan_id, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_feedback_create(od_req *r)
{
    static const od_field f[] = {{"plan_id", OD_JT_INT, false, 0},
                                 {"topic", OD_JT_TEXT, false, OD_UPKEEP_TOPIC_MAX},
                                 {"source", OD_JT_STRING, true, 32},
                                 {"text", OD_JT_TEXT, true, OD_UPKEEP_TEXT_MAX},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_feedback_input in = {.plan_id = od_req_int(r, "plan_id", 0),
                            .topic = od_req_str(r, "topic"),
                            .source = od_req_str(r, "source"),
                            .text = od_req_str(r, "text")};
    json_t *out = NULL;
    rc = od_feedback_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_feedback_address(od_req *r)
{
    static const od_field f[] = {
        {"change", OD_JT_STRING, true, 32}, {"resolution", OD_JT_TEXT, true, OD_UPKEEP_TEXT_MAX}, {0}};
    od_err rc = od_req_fields(r, f);
    json_t *out = NULL;
    if (!rc)
        rc = od_feedback_address(r->app, &r->who, r->ids[0], od_req_str(r, "change"),
                                 od_req_str(r, "resolution"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
