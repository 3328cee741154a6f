/* h_known_errors.c — handlers of the known-error database
 * (/api/v1/known-errors…, the known errors of an incident or an event,
 * applying a workaround) and of the proactive problem candidates.  Shape
 * checks here; rules in app/known_errors.h. */
#include "app/known_errors.h"
#include "http/handlers.h"
#include "http/incident_writer.h"

#include <stdint.h>
#include <string.h>

#define KE_TEXT 8192

static const od_field ke_fields[] = {{"title", OD_JT_TEXT, true, 300},
                                     {"department", OD_JT_STRING, false, 127},
                                     {"symptoms", OD_JT_TEXT, false, KE_TEXT},
                                     {"root_cause", OD_JT_TEXT, false, KE_TEXT},
                                     {"workaround", OD_JT_TEXT, false, KE_TEXT},
                                     {"solution", OD_JT_TEXT, false, KE_TEXT},
                                     {"problem_id", OD_JT_INT, false, 0},
                                     {"ci_ids", OD_JT_ARRAY, false, 64},
                                     {"match_rules", OD_JT_ARRAY, false, 16},
                                     {"published", OD_JT_BOOL, false, 0},
                                     {0}};

od_err od_h_known_error_create(od_req *r)
{
    od_err rc = od_req_fields(r, ke_fields);
    json_t *out = NULL;
    if (!rc)
        rc = od_ke_create(r->app, &r->who, r->json, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_known_error_patch(od_req *r)
{
    static const od_field f[] = {{"version", OD_JT_INT, true, 0},
                                 {"title", OD_JT_TEXT, false, 300},
                                 {"symptoms", OD_JT_TEXT, false, KE_TEXT},
                                 {"root_cause", OD_JT_TEXT, false, KE_TEXT},
                                 {"workaround", OD_JT_TEXT, false, KE_TEXT},
                                 {"solution", OD_JT_TEXT, false, KE_TEXT},
                                 {"problem_id", OD_JT_INT, false, 0},
                                 {"ci_ids", OD_JT_ARRAY, false, 64},
                                 {"match_rules", OD_JT_ARRAY, false, 16},
                                 {"published", OD_JT_BOOL, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    json_t *out = NULL;
    if (!rc)
        rc = od_ke_update(r->app, &r->who, r->ids[0], r->json, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_known_error_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_ke_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

/* ci, event, published from the query string. */
static od_err ke_query(od_req *r, od_ke_query *q)
{
    memset(q, 0, sizeof *q);
    q->published = -1;
    int64_t pub = -1;
    od_err rc = od_req_page(r, &q->limit, &q->offset);
    if (!rc)
        rc = od_query_int_parse("ci", od_req_query(r, "ci"), 0, 1, INT64_MAX, &q->ci_id, &r->err);
    if (!rc)
        rc = od_query_int_parse("event", od_req_query(r, "event"), 0, 1, INT64_MAX, &q->event_id, &r->err);
    const char *p = od_req_query(r, "published");
    if (!rc && p && *p) {
        if (strcmp(p, "true") == 0)
            pub = 1;
        else if (strcmp(p, "false") == 0)
            pub = 0;
        else
            rc = od_error_set(&r->err, OD_E_INVALID, "published",
                              "published 须为 true 或 false (published must be true or false)");
    }
    q->published = (int)pub;
    q->q = od_req_query(r, "q");
    return rc;
}

od_err od_h_known_error_list(od_req *r)
{
    od_ke_query q;
    json_t *out = NULL;
    od_err rc = ke_query(r, &q);
    if (!rc)
        rc = od_ke_list(r->app, &r->who, &q, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_known_error_search(od_req *r)
{
    od_ke_query q;
    json_t *out = NULL;
    od_err rc = ke_query(r, &q);
    if (!rc)
        rc = od_ke_search(r->app, &r->who, &q, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_incident_known_errors(od_req *r)
{
    json_t *out = NULL;
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_ke_for_incident(r->app, &r->who, r->ids[0], limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_event_known_errors(od_req *r)
{
    json_t *out = NULL;
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_ke_for_event(r->app, &r->who, r->ids[0], limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_incident_apply_known_error(od_req *r)
{
    static const od_field f[] = {{"ke_id", OD_JT_INT, true, 0}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    return od_h_incident_grouped(r,
                                 &(od_incw_write){.kind = OD_INC_WRITE_APPLY_KE,
                                                  .target = r->ids[0],
                                                  .ke_id = od_req_int(r, "ke_id", 0)},
                                 200);
}

od_err od_h_problem_candidates(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    const char *st = od_req_query(r, "state");
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc && st && *st && strcmp(st, "open") && strcmp(st, "accepted") && strcmp(st, "dismissed"))
        rc = od_error_set(
            &r->err, OD_E_INVALID, "state",
            "state 须为 open、accepted 或 dismissed (state must be open, accepted or dismissed)");
    if (!rc)
        rc = od_pc_list(r->app, st, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_problem_candidates_scan(od_req *r)
{
    int64_t created = 0;
    od_err rc = od_req_no_fields(r);
    if (!rc)
        rc = od_pc_scan(r->app, od_app_now(r->app), &created, &r->err);
    return od_h_result(r, rc, 200, rc ? NULL : json_pack("{sI}", "created", (json_int_t)created));
}

od_err od_h_problem_candidate_accept(od_req *r)
{
    static const od_field f[] = {{"title", OD_JT_TEXT, false, 300}, {0}};
    od_err rc = r->json ? od_req_fields(r, f) : OD_OK;
    json_t *out = NULL;
    if (!rc)
        rc = od_pc_accept(r->app, &r->who, r->ids[0], od_req_str(r, "title"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_problem_candidate_dismiss(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    json_t *out = NULL;
    if (!rc)
        rc = od_pc_dismiss(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
