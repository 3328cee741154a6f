/* h_problems.c — handlers of the workflow kernel applied (the action bar,
 * actions, approval votes, checklist items under /api/v1/records/{id}) and
 * of the problem module (/api/v1/problems, /api/v1/incidents/{id}/problem).
 * Shape checks here; rules in app/records.h and app/problems.h. */
#include "app/problems.h"
#include "http/handlers.h"
#include "http/incident_writer.h"

#include <stdlib.h>
#include <string.h>

/* The last path segment (an {action} or {item_key}). */
static const char *last_segment(const od_req *r)
{
    const char *s = strrchr(r->path, '/');
    return s ? s + 1 : "";
}

od_err od_h_record_actions(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_record_actions(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_record_act(od_req *r)
{
    static const od_field f[] = {{"version", OD_JT_INT, true, 0},
                                 {"reason", OD_JT_TEXT, false, 2000},
                                 {"fields", OD_JT_OBJECT, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *fields = json_object_get(r->json, "fields"), *out = NULL;
    rc = od_record_act(r->app, &r->who, r->ids[0], last_segment(r), od_req_int(r, "version", 0),
                       od_req_str(r, "reason"), json_is_object(fields) ? fields : NULL, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_record_vote(od_req *r)
{
    static const od_field f[] = {{"step", OD_JT_STRING, true, 48},
                                 {"decision", OD_JT_STRING, true, 16},
                                 {"comment", OD_JT_TEXT, false, 2000},
                                 {"on_behalf_of", OD_JT_INT, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_vote_input in = {.step = od_req_str(r, "step"),
                        .decision = od_req_str(r, "decision"),
                        .comment = od_req_str(r, "comment"),
                        .on_behalf_of = od_req_int(r, "on_behalf_of", 0)};
    json_t *out = NULL;
    rc = od_record_vote(r->app, &r->who, r->ids[0], r->ids[1], &in, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_record_checklist_item(od_req *r)
{
    static const od_field f[] = {{"value", OD_JT_SCALAR, true, 4000},
                                 {"note", OD_JT_TEXT, false, 2000},
                                 {"finding", OD_JT_TEXT, false, 2000},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_record_checklist_set(r->app, &r->who, r->ids[0], r->ids[1], last_segment(r),
                                 json_object_get(r->json, "value"), od_req_str(r, "note"),
                                 od_req_str(r, "finding"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

/* ---- problems ---- */

od_err od_h_problem_list(od_req *r)
{
    int64_t limit, offset, assignee = 0;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_query_int_parse("assignee_id", od_req_query(r, "assignee_id"), 0, 0, INT64_MAX, &assignee,
                                &r->err);
    const char *text = NULL;
    if (!rc)
        rc = od_req_query_text(r, "q", &text);
    if (rc)
        return rc;
    od_record_query q = {.state = od_req_query(r, "state"),
                         .department = od_req_query(r, "department"),
                         .priority = od_req_query(r, "priority"),
                         .assignee_id = assignee,
                         .limit = limit,
                         .offset = offset,
                         .q = text};
    json_t *out = NULL;
    rc = od_problem_list(r->app, &r->who, &q, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static const od_field create_fields[] = {{"title", OD_JT_TEXT, true, 300},
                                         {"tier", OD_JT_STRING, false, 16},
                                         {"department", OD_JT_STRING, false, 127},
                                         {"requester_id", OD_JT_INT, false, 0},
                                         {"drill", OD_JT_BOOL, false, 0},
                                         {"fields", OD_JT_OBJECT, false, 0},
                                         {0}};

static od_problem_input problem_input(od_req *r)
{
    json_t *fields = json_object_get(r->json, "fields");
    return (od_problem_input){.title = od_req_str(r, "title"),
                              .tier = od_req_str(r, "tier"),
                              .department = od_req_str(r, "department"),
                              .requester_id = od_req_int(r, "requester_id", 0),
                              .drill = od_req_bool(r, "drill", false),
                              .fields = json_is_object(fields) ? fields : NULL};
}

od_err od_h_problem_create(od_req *r)
{
    od_err rc = od_req_fields(r, create_fields);
    if (rc)
        return rc;
    od_problem_input in = problem_input(r);
    json_t *out = NULL;
    rc = od_problem_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_incident_problem(od_req *r)
{
    static const od_field f[] = {{"title", OD_JT_TEXT, false, 300},
                                 {"tier", OD_JT_STRING, false, 16},
                                 {"department", OD_JT_STRING, false, 127},
                                 {"requester_id", OD_JT_INT, false, 0},
                                 {"drill", OD_JT_BOOL, false, 0},
                                 {"fields", OD_JT_OBJECT, false, 0},
                                 {0}};
    od_err rc = r->json ? od_req_fields(r, f) : OD_OK;
    if (rc)
        return rc;
    od_problem_input in = r->json ? problem_input(r) : (od_problem_input){0};
    /* the group commit of incident writes (http/incident_writer.h) */
    return od_h_incident_grouped(
        r, &(od_incw_write){.kind = OD_INC_WRITE_PROBLEM, .target = r->ids[0], .problem = &in}, 201);
}

od_err od_h_problem_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_problem_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_problem_patch(od_req *r)
{
    static const od_field f[] = {{"version", OD_JT_INT, true, 0}, {"fields", OD_JT_OBJECT, true, 0}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_problem_update(r->app, &r->who, r->ids[0], od_req_int(r, "version", 0),
                           json_object_get(r->json, "fields"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_problem_review(od_req *r)
{
    static const od_field f[] = {{"version", OD_JT_INT, true, 0},
                                 {"review", OD_JT_TEXT, true, 8000},
                                 {"major_reason", OD_JT_TEXT, false, 2000},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_problem_review(r->app, &r->who, r->ids[0], od_req_int(r, "version", 0), od_req_str(r, "review"),
                           od_req_str(r, "major_reason"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

/* ---- approval delegations ---- */

od_err od_h_delegation_create(od_req *r)
{
    static const od_field f[] = {{"delegate_id", OD_JT_INT, true, 0},
                                 {"from", OD_JT_TIME, true, 0},
                                 {"until", OD_JT_TIME, true, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    int64_t from = 0, until = 0;
    if (!od_time_parse(od_req_str(r, "from"), &from))
        return od_error_set(&r->err, OD_E_INVALID, "from",
                            "from 须为 RFC 3339 时间 (from must be an RFC 3339 time)");
    if (!od_time_parse(od_req_str(r, "until"), &until))
        return od_error_set(&r->err, OD_E_INVALID, "until",
                            "until 须为 RFC 3339 时间 (until must be an RFC 3339 time)");
    json_t *out = NULL;
    rc = od_delegation_create(r->app, &r->who, od_req_int(r, "delegate_id", 0), from, until, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_delegation_list(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_delegation_list(r->app, &r->who, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

/* ---- problem entries ---- */

od_err od_h_problem_entry_create(od_req *r)
{
    static const od_field f[] = {{"kind", OD_JT_STRING, false, 32},
                                 {"text", OD_JT_TEXT, false, 8000},
                                 {"review", OD_JT_OBJECT, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_problem_entry_add(r->app, &r->who, r->ids[0], od_req_str(r, "kind"), od_req_str(r, "text"),
                              json_object_get(r->json, "review"), &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_problem_entries(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_problem_entries(r->app, &r->who, r->ids[0], limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_problem_entry_patch(od_req *r)
{
    static const od_field f[] = {{"version", OD_JT_INT, false, 0},
                                 {"text", OD_JT_TEXT, true, 8000},
                                 {"review", OD_JT_OBJECT, false, 0},
                                 {"reason", OD_JT_TEXT, false, 2000},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_problem_entry_change in = {.version = od_req_int(r, "version", 0),
                                  .text = od_req_str(r, "text"),
                                  .review = json_object_get(r->json, "review"),
                                  .reason = od_req_str(r, "reason")};
    json_t *out = NULL;
    rc = od_problem_entry_edit(r->app, &r->who, r->ids[0], r->ids[1], &in, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
