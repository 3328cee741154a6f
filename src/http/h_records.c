/* h_records.c — handlers of the workflow kernel's generic record API
 * (/api/v1/records…: fields, timeline, links, CIs, clocks, approvals,
 * checklists) and of committees.  Shape checks here; rules in app/records.h. */
#include "app/records.h"
#include "http/handlers.h"
#include "util/clock.h"

#include <stdlib.h>
#include <string.h>

static const od_field record_fields[] = {
    {"kind", OD_JT_STRING, true, 32},       {"title", OD_JT_TEXT, true, 300},
    {"impact", OD_JT_STRING, false, 32},    {"urgency", OD_JT_STRING, false, 32},
    {"priority", OD_JT_STRING, false, 32},  {"tier", OD_JT_STRING, false, 16},
    {"group_key", OD_JT_STRING, false, 64}, {"department", OD_JT_STRING, false, 127},
    {"assignee_id", OD_JT_INT, false, 0},   {"requester_id", OD_JT_INT, false, 0},
    {"drill", OD_JT_BOOL, false, 0},        {0}};

od_err od_h_record_create(od_req *r)
{
    od_err rc = od_req_fields(r, record_fields);
    if (rc)
        return rc;
    od_record_input in = {.kind = od_req_str(r, "kind"),
                          .title = od_req_str(r, "title"),
                          .impact = od_req_str(r, "impact"),
                          .urgency = od_req_str(r, "urgency"),
                          .priority = od_req_str(r, "priority"),
                          .tier = od_req_str(r, "tier"),
                          .group_key = od_req_str(r, "group_key"),
                          .department = od_req_str(r, "department"),
                          .assignee_id = od_req_int(r, "assignee_id", 0),
                          .requester_id = od_req_int(r, "requester_id", 0),
                          .drill = od_req_bool(r, "drill", false)};
    json_t *out = NULL;
    rc = od_record_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_record_list(od_req *r)
{
    int64_t limit, offset, assignee = 0;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_query_int_parse("assignee_id", od_req_query(r, "assignee_id"), 0, 0, INT64_MAX, &assignee,
                                &r->err);
    int64_t before_id = 0;
    if (!rc)
        rc = od_query_int_parse("before_id", od_req_query(r, "before_id"), 0, 1, INT64_MAX, &before_id,
                                &r->err);
    const char *text = NULL;
    if (!rc)
        rc = od_req_query_text(r, "q", &text);
    if (rc)
        return rc;
    od_record_query q = {.q = text,
                         .kind = od_req_query(r, "kind"),
                         .state = od_req_query(r, "state"),
                         .department = od_req_query(r, "department"),
                         .assignee_id = assignee,
                         .limit = limit,
                         .offset = offset,
                         .before_id = before_id};
    json_t *out = NULL;
    rc = od_record_list(r->app, &r->who, &q, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_record_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_record_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_record_patch(od_req *r)
{
    static const od_field f[] = {{"version", OD_JT_INT, true, 0},
                                 {"title", OD_JT_TEXT, false, 300},
                                 {"impact", OD_JT_STRING, false, 32},
                                 {"urgency", OD_JT_STRING, false, 32},
                                 {"priority", OD_JT_STRING, false, 32},
                                 {"tier", OD_JT_STRING, false, 16},
                                 {"group_key", OD_JT_STRING, false, 64},
                                 {"department", OD_JT_STRING, false, 127},
                                 {"assignee_id", OD_JT_INT, false, 0},
                                 {"requester_id", OD_JT_INT, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *fields = json_deep_copy(r->json), *out = NULL;
    int64_t version = od_req_int(r, "version", 0);
    json_object_del(fields, "version");
    rc = od_record_update(r->app, &r->who, r->ids[0], version, fields, &out, &r->err);
    json_decref(fields);
    return od_h_result(r, rc, 200, out);
}

/* GET lists of one record: {items, total, limit, offset}. */
typedef od_err (*record_view)(od_app *, const od_principal *, int64_t, const od_record_page *, json_t **,
                              od_error *);

static od_err view(od_req *r, record_view fn)
{
    od_record_page pg;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &pg.limit, &pg.offset);
    if (!rc)
        rc = fn(r->app, &r->who, r->ids[0], &pg, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_record_timeline(od_req *r)
{
    return view(r, od_record_timeline);
}
od_err od_h_record_links(od_req *r)
{
    return view(r, od_record_links);
}
od_err od_h_record_cis(od_req *r)
{
    return view(r, od_record_cis);
}
od_err od_h_record_clocks(od_req *r)
{
    return view(r, od_record_clocks);
}
od_err od_h_record_approvals(od_req *r)
{
    return view(r, od_record_approvals);
}
od_err od_h_record_checklists(od_req *r)
{
    return view(r, od_record_checklists);
}

od_err od_h_record_note(od_req *r)
{
    static const od_field f[] = {{"text", OD_JT_TEXT, true, 8000}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_record_note(r->app, &r->who, r->ids[0], od_req_str(r, "text"), &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_record_link_add(od_req *r)
{
    static const od_field f[] = {{"kind", OD_JT_STRING, true, 32},
                                 {"to_id", OD_JT_INT, false, 0},
                                 {"to_ref", OD_JT_STRING, false, 31},
                                 {"to_kind", OD_JT_STRING, false, 32},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_link_input in = {.kind = od_req_str(r, "kind"),
                        .to_id = od_req_int(r, "to_id", 0),
                        .to_ref = od_req_str(r, "to_ref"),
                        .to_kind = od_req_str(r, "to_kind")};
    json_t *out = NULL;
    rc = od_record_link_add(r->app, &r->who, r->ids[0], &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_record_link_delete(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    if (!rc)
        rc = od_record_link_delete(r->app, &r->who, r->ids[0], r->ids[1], &r->err);
    return od_h_result(r, rc, 200,
                       rc ? NULL : json_pack("{sI sb}", "id", (json_int_t)r->ids[1], "deleted", 1));
}

od_err od_h_record_ci_add(od_req *r)
{
    static const od_field f[] = {{"ci_id", OD_JT_INT, true, 0}, {"role", OD_JT_STRING, false, 32}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_record_ci_add(r->app, &r->who, r->ids[0], od_req_int(r, "ci_id", 0), od_req_str(r, "role"), &out,
                          &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_record_ci_delete(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    if (!rc)
        rc = od_record_ci_delete(r->app, &r->who, r->ids[0], r->ids[1], od_req_query(r, "role"), &r->err);
    return od_h_result(r, rc, 200,
                       rc ? NULL
                          : json_pack("{sI sI sb}", "id", (json_int_t)r->ids[0], "ci_id",
                                      (json_int_t)r->ids[1], "deleted", 1));
}

/* ---- committees ---- */

static const od_field committee_fields[] = {
    {"key", OD_JT_STRING, true, 48},       {"name_zh", OD_JT_TEXT, true, 200},
    {"name_en", OD_JT_TEXT, true, 200},    {"chair_id", OD_JT_INT, false, 0},
    {"deputies", OD_JT_ARRAY, false, 100}, {"members", OD_JT_ARRAY, false, 100},
    {"quorum", OD_JT_INT, true, 0},        {0}};

od_err od_h_committee_create(od_req *r)
{
    od_err rc = od_req_fields(r, committee_fields);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_committee_create(r->app, &r->who, r->json, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_committee_patch(od_req *r)
{
    static const od_field f[] = {{"name_zh", OD_JT_TEXT, false, 200},
                                 {"name_en", OD_JT_TEXT, false, 200},
                                 {"chair_id", OD_JT_INT, false, 0},
                                 {"deputies", OD_JT_ARRAY, false, 100},
                                 {"members", OD_JT_ARRAY, false, 100},
                                 {"quorum", OD_JT_INT, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_committee_update(r->app, &r->who, r->ids[0], r->json, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_committee_delete(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    if (!rc)
        rc = od_committee_delete(r->app, &r->who, r->ids[0], &r->err);
    return od_h_result(r, rc, 200,
                       rc ? NULL : json_pack("{sI sb}", "id", (json_int_t)r->ids[0], "deleted", 1));
}

od_err od_h_committee_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_committee_get(r->app, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_committee_list(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    json_t *out = NULL;
    if (!rc)
        rc = od_committee_list(r->app, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static const od_field record_correct_fields[] = {{"version", OD_JT_INT, true, 0},
                                                 {"field", OD_JT_STRING, true, 64},
                                                 {"value", OD_JT_TIME, true, 0},
                                                 {"reason", OD_JT_STRING, true, 2000},
                                                 {0}};

/* POST /api/v1/records/{id}/correct-time {version, field, value, reason} */
od_err od_h_record_correct_time(od_req *r)
{
    od_err rc = od_req_fields(r, record_correct_fields);
    json_t *out = NULL;
    int64_t at = 0;
    if (!rc && !od_time_parse(od_req_str(r, "value"), &at))
        rc = od_error_set(&r->err, OD_E_INVALID, "value", "时间格式错误 (value is not a time)");
    if (!rc)
        rc = od_record_correct_time(r->app, &r->who, r->ids[0], od_req_int(r, "version", 0),
                                    od_req_str(r, "field"), at, od_req_str(r, "reason"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
