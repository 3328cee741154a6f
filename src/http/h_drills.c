/* h_drills.c — handlers of the drill module (/api/v1/drills;
 * research/modules-spec.md §M7, docs/drills.md) and of an incident's plan
 * activations, and certificates held for key positions.  Shape checks here;
 * rules in app/drills.h, app/plans.h and app/training.h.
 * Transitions go through POST /api/v1/records/{id}/actions/… (h_problems.c). */
#include "app/drills.h"
#include "app/plans.h"
#include "app/training.h"
#include "http/handlers.h"

#include <stdint.h>

od_err od_h_drill_list(od_req *r)
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
    rc = od_drill_list(r->app, &r->who, &q, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_drill_create(od_req *r)
{
    static const od_field f[] = {{"title", OD_JT_STRING, true, 300},
                                 {"department", OD_JT_STRING, false, 127},
                                 {"fields", OD_JT_OBJECT, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *fields = json_object_get(r->json, "fields"), *out = NULL;
    od_drill_input in = {.title = od_req_str(r, "title"),
                         .department = od_req_str(r, "department"),
                         .fields = json_is_object(fields) ? fields : NULL};
    rc = od_drill_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_drill_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_drill_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_drill_patch(od_req *r)
{
    static const od_field f[] = {{"version", OD_JT_INT, true, 0}, {"fields", OD_JT_OBJECT, true, 0}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_drill_update(r->app, &r->who, r->ids[0], od_req_int(r, "version", 0),
                         json_object_get(r->json, "fields"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

/* The simulated incident: the registration form's fields (drill is implied). */
od_err od_h_drill_inject(od_req *r)
{
    static const od_field f[] = {{"title", OD_JT_TEXT, true, 300},
                                 {"ci_ids", OD_JT_ARRAY, false, 100},
                                 {"severity", OD_JT_STRING, false, 16},
                                 {"location", OD_JT_TEXT, false, 500},
                                 {"symptoms", OD_JT_TEXT, false, 4000},
                                 {"impact_scope", OD_JT_TEXT, false, 2000},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_incident_input in = {.title = od_req_str(r, "title"),
                            .location = od_req_str(r, "location"),
                            .symptoms = od_req_str(r, "symptoms"),
                            .impact_scope = od_req_str(r, "impact_scope"),
                            .ci_ids = od_req_get(r, "ci_ids"),
                            .severity = od_req_str(r, "severity"),
                            .drill = true};
    json_t *out = NULL;
    rc = od_drill_inject(r->app, &r->who, r->ids[0], &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_drill_scorecard(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_drill_scorecard(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_drill_overdue(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_drill_overdue(r->app, &r->who, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_incident_plan_activations(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_plan_activations(r->app, &r->who, r->ids[0], limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

/* certificates held for key positions (docs/plans.md "Training and readiness") */
od_err od_h_certificate_list(od_req *r)
{
    int64_t limit, offset, user_id = 0;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    rc = od_req_query_id(r, "user_id", &user_id);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_certificate_list(r->app, &r->who, user_id, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_certificate_create(od_req *r)
{
    static const od_field f[] = {{"user_id", OD_JT_INT, true, 0},
                                 {"position", OD_JT_STRING, true, 64},
                                 {"name", OD_JT_TEXT, true, OD_CERT_TEXT_MAX},
                                 {"issuer", OD_JT_TEXT, false, OD_CERT_TEXT_MAX},
                                 {"number", OD_JT_STRING, false, OD_CERT_TEXT_MAX},
                                 {"issued_at", OD_JT_TIME, true, 0},
                                 {"expires_at", OD_JT_TIME, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_certificate_input in = {.user_id = od_req_int(r, "user_id", 0),
                               .position = od_req_str(r, "position"),
                               .name = od_req_str(r, "name"),
                               .issuer = od_req_str(r, "issuer"),
                               .number = od_req_str(r, "number"),
                               .issued_at = od_req_str(r, "issued_at"),
                               .expires_at = od_req_str(r, "expires_at")};
    json_t *out = NULL;
    rc = od_certificate_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

/* A finding turned into a follow-up record (problem, change, routine task). */
od_err od_h_drill_finding(od_req *r)
{
    static const od_field f[] = {{"kind", OD_JT_STRING, false, 32},
                                 {"title", OD_JT_TEXT, true, 300},
                                 {"description", OD_JT_TEXT, false, 8000},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_drill_finding_input in = {.kind = od_req_str(r, "kind"),
                                 .title = od_req_str(r, "title"),
                                 .description = od_req_str(r, "description")};
    json_t *out = NULL;
    rc = od_drill_finding(r->app, &r->who, r->ids[0], &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

/* A manual 1–5 score of one scorecard item, for the drill or a participant. */
od_err od_h_drill_score(od_req *r)
{
    static const od_field f[] = {{"item", OD_JT_STRING, true, 32},
                                 {"score", OD_JT_INT, true, 0},
                                 {"user_id", OD_JT_INT, false, 0},
                                 {"note", OD_JT_TEXT, false, 2000},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_drill_score_input in = {.item = od_req_str(r, "item"),
                               .note = od_req_str(r, "note"),
                               .user_id = od_req_int(r, "user_id", 0),
                               .score = od_req_int(r, "score", 0)};
    json_t *out = NULL;
    rc = od_drill_score_put(r->app, &r->who, r->ids[0], &in, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
