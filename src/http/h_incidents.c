/* h_incidents.c — handlers for incidents, reports, authority actions, the
 * post-incident review and the case library. */
#include "app/incidents.h"
#include "app/known_errors.h"
#include "app/problems.h"
#include "app/service_levels.h"
#include "http/handlers.h"
#include "http/incident_writer.h"

#include <stdlib.h>
#include <string.h>

od_err od_h_incident_create(od_req *r)
{
    static const od_field f[] = {{"title", OD_JT_TEXT, true, 300},
                                 {"ci_ids", OD_JT_ARRAY, false, 100},
                                 {"severity", OD_JT_STRING, false, 16},
                                 {"detected_at", OD_JT_TIME, false, 0},
                                 {"location", OD_JT_TEXT, false, 500},
                                 {"symptoms", OD_JT_TEXT, false, 4000},
                                 {"impact_scope", OD_JT_TEXT, false, 2000},
                                 {"drill", OD_JT_BOOL, false, 0},
                                 {"candidate_levels", OD_JT_ARRAY, false, 4},
                                 {"handling_department", OD_JT_TEXT, false, 127},
                                 {0}};
    /* the registration form's labels name a field in the Chinese half of an error */
    static const od_field_label labels[] = {{"title", "标题"},
                                            {"ci_ids", "受影响的配置项"},
                                            {"severity", "影响程度"},
                                            {"detected_at", "发现时间"},
                                            {"location", "发生地点"},
                                            {"symptoms", "故障现象"},
                                            {"impact_scope", "影响范围"},
                                            {0}};
    od_err rc = od_req_fields_labelled(r, f, labels);
    if (rc)
        return rc;
    od_incident_input in = {od_req_str(r, "title"),
                            od_req_str(r, "location"),
                            od_req_str(r, "symptoms"),
                            od_req_str(r, "impact_scope"),
                            od_req_get(r, "ci_ids"),
                            od_req_str(r, "severity"),
                            0,
                            od_req_bool(r, "drill", false),
                            false,
                            od_req_get(r, "candidate_levels"),
                            od_req_str(r, "handling_department"),
                            0};
    if (od_req_get(r, "detected_at"))
        (void)od_time_parse(od_req_str(r, "detected_at"), &in.detected_at);
    /* the group commit: answered (201 or the error) after the commit it
     * shares with the creates around it */
    od_req_suspend(r);
    if (od_incw_submit(od_server_incident_writer(r->srv), r, &in))
        return OD_OK;
    /* not queued (stopping, full): alone, on this thread */
    json_t *out = NULL;
    rc = od_incident_create(r->app, &r->who, &in, &out, &r->err);
    rc = od_h_result(r, rc, 201, out);
    if (rc && !r->err.code)
        r->err.code = rc;
    od_req_resume(r);
    return OD_OK;
}

od_err od_h_incident_list(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    const char *d = od_req_query(r, "drill");
    int drill = -1;
    if (d && strcmp(d, "true") == 0)
        drill = 1;
    else if (d && strcmp(d, "false") == 0)
        drill = 0;
    else if (d && *d)
        return od_error_set(&r->err, OD_E_INVALID, "drill",
                            "drill 须为 true 或 false (drill must be true or false)");
    const char *aw = od_req_query(r, "awaiting_my_ack"), *ow = od_req_query(r, "owner");
    if (ow && *ow && strcmp(ow, "me") != 0)
        return od_error_set(&r->err, OD_E_INVALID, "owner", "owner 只能为 me (owner must be me)");
    if (aw && *aw && strcmp(aw, "true") != 0 && strcmp(aw, "false") != 0)
        return od_error_set(&r->err, OD_E_INVALID, "awaiting_my_ack",
                            "awaiting_my_ack 须为 true 或 false (awaiting_my_ack must be true or false)");
    int64_t before_id = 0;
    rc = od_query_int_parse("before_id", od_req_query(r, "before_id"), 0, 1, INT64_MAX, &before_id, &r->err);
    const char *text = NULL;
    if (!rc)
        rc = od_req_query_text(r, "q", &text);
    if (rc)
        return rc;
    json_t *out = NULL;
    od_incident_query q = {.state = od_req_query(r, "state"),
                           .awaiting_my_ack = aw && strcmp(aw, "true") == 0,
                           .owned_by_me = ow && *ow,
                           .level = od_req_query(r, "level"),
                           .response = od_req_query(r, "response_level"),
                           .q = text,
                           .drill = drill,
                           .limit = limit,
                           .offset = offset,
                           .before_id = before_id,
                           .sort = od_req_query(r, "sort"),
                           .after = od_req_query(r, "after")};
    rc = od_incident_list(r->app, &r->who, &q, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_incident_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_incident_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

/* The write w alone, on this thread, in a transaction of its own. */
static od_err write_alone(od_req *r, const od_incw_write *w, json_t **out)
{
    switch (w->kind) {
    case OD_INC_WRITE_CLOSE:
        return od_incident_close(r->app, &r->who, w->target, out, &r->err);
    case OD_INC_WRITE_ACTIVATE:
        return od_incident_activate_plan(r->app, &r->who, w->target, w->plan_id, out, &r->err);
    case OD_INC_WRITE_REGRADE:
        return od_incident_regrade(r->app, &r->who, w->target, w->body, out, &r->err);
    case OD_INC_WRITE_NOTE:
        return od_incident_note(r->app, &r->who, w->target, w->text, out, &r->err);
    case OD_INC_WRITE_OWNER:
        return od_incident_set_owner(r->app, &r->who, w->target, w->user_id, out, &r->err);
    case OD_INC_WRITE_HANDLING:
        return od_incident_set_handling(r->app, &r->who, w->target, w->text, w->reason, out, &r->err);
    case OD_INC_WRITE_REVIEW:
        return od_incident_review(r->app, &r->who, w->target, w->body, out, &r->err);
    case OD_INC_WRITE_INTERVAL:
        return od_outage_add(r->app, &r->who, w->target, w->body, out, &r->err);
    case OD_INC_WRITE_INTERVAL_CORRECT:
        return od_outage_correct(r->app, &r->who, w->target, w->body, out, &r->err);
    case OD_INC_WRITE_CORRECT_TIME:
        return od_incident_correct_time(r->app, &r->who, w->target, w->body, out, &r->err);
    case OD_INC_WRITE_APPLY_KE:
        return od_ke_apply(r->app, &r->who, w->target, w->ke_id, out, &r->err);
    case OD_INC_WRITE_PROBLEM:
        return od_problem_from_incident(r->app, &r->who, w->target, w->problem, out, &r->err);
    default:
        return od_error_set(&r->err, OD_E_INTERNAL, NULL, "not an incident action");
    }
}

/* The group commit (http/incident_writer.h). */
od_err od_h_incident_grouped(od_req *r, const od_incw_write *w, int status)
{
    od_req_suspend(r);
    if (od_incw_submit_write(od_server_incident_writer(r->srv), r, w))
        return OD_OK;
    json_t *out = NULL;
    od_err rc = write_alone(r, w, &out);
    rc = od_h_result(r, rc, status, out);
    if (rc && !r->err.code)
        r->err.code = rc;
    od_req_resume(r);
    return OD_OK;
}

od_err od_h_incident_patch(od_req *r)
{
    static const od_field f[] = {{"severity", OD_JT_STRING, false, 16},
                                 {"ci_ids", OD_JT_ARRAY, false, 100},
                                 {"response_level", OD_JT_STRING, false, 4},
                                 {"reason", OD_JT_TEXT, false, 2000},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    return od_h_incident_grouped(
        r, &(od_incw_write){.kind = OD_INC_WRITE_REGRADE, .target = r->ids[0], .body = r->json}, 200);
}

od_err od_h_incident_report(od_req *r)
{
    static const od_field f[] = {{"kind", OD_JT_STRING, true, 16},
                                 {"desk", OD_JT_STRING, false, 16},
                                 {"location", OD_JT_TEXT, false, 500},
                                 {"symptoms", OD_JT_TEXT, false, 4000},
                                 {"impact_scope", OD_JT_TEXT, false, 2000},
                                 {"response_level", OD_JT_STRING, false, 4},
                                 {"system_impact", OD_JT_TEXT, false, 4000},
                                 {"estimated_recovery_at", OD_JT_TIME, false, 0},
                                 {"text", OD_JT_TEXT, false, 4000},
                                 {"cause", OD_JT_TEXT, false, 4000},
                                 {"process", OD_JT_TEXT, false, 8000},
                                 {"current_state", OD_JT_TEXT, false, 4000},
                                 {"business_impact_minutes", OD_JT_INT, false, 0},
                                 {"improvements", OD_JT_TEXT, false, 4000},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    /* the group commit (http/incident_writer.h): answered after the commit */
    od_req_suspend(r);
    if (od_incw_submit_report(od_server_incident_writer(r->srv), r, r->ids[0]))
        return OD_OK;
    /* not queued (stopping, full): alone, on this thread */
    json_t *out = NULL;
    rc = od_incident_report(r->app, &r->who, r->ids[0], r->json, &out, &r->err);
    rc = od_h_result(r, rc, 201, out);
    if (rc && !r->err.code)
        r->err.code = rc;
    od_req_resume(r);
    return OD_OK;
}

typedef od_err (*simple_action)(od_app *, const od_principal *, int64_t, json_t **, od_error *);

static od_err simple(od_req *r, simple_action fn)
{
    if (r->json && (!json_is_object(r->json) || json_object_size(r->json) > 0))
        return od_error_set(&r->err, OD_E_INVALID, NULL,
                            "此操作不接受请求体字段 (this action takes no body fields)");
    json_t *out = NULL;
    od_err rc = fn(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

/* {"plan_id"?}: the emergency plan activated (its current version is recorded). */
od_err od_h_incident_activate(od_req *r)
{
    static const od_field f[] = {{"plan_id", OD_JT_INT, false, 0}, {0}};
    od_err rc = r->json ? od_req_fields(r, f) : OD_OK; /* no body: no plan named */
    if (rc)
        return rc;
    int64_t plan_id = od_req_int(r, "plan_id", 0);
    if (od_req_get(r, "plan_id") && plan_id <= 0)
        return od_error_set(&r->err, OD_E_UNPROCESSABLE, "plan_id",
                            "plan_id 须为预案编号 (plan_id must be a plan id)");
    return od_h_incident_grouped(
        r, &(od_incw_write){.kind = OD_INC_WRITE_ACTIVATE, .target = r->ids[0], .plan_id = plan_id}, 200);
}
od_err od_h_incident_close(od_req *r)
{
    if (r->json && (!json_is_object(r->json) || json_object_size(r->json) > 0))
        return simple(r, od_incident_close); /* the same 400 */
    return od_h_incident_grouped(r, &(od_incw_write){.kind = OD_INC_WRITE_CLOSE, .target = r->ids[0]}, 200);
}
/* R-NOT-4 through the group commit (http/incident_writer.h), answered
 * after the commit it shares. */
od_err od_h_incident_ack(od_req *r)
{
    if (r->json && (!json_is_object(r->json) || json_object_size(r->json) > 0))
        return simple(r, od_incident_ack); /* the same 400 */
    od_req_suspend(r);
    if (od_incw_submit_ack(od_server_incident_writer(r->srv), r, r->ids[0]))
        return OD_OK;
    /* not queued (stopping, full): alone, on this thread */
    json_t *out = NULL;
    od_err rc = od_incident_ack(r->app, &r->who, r->ids[0], &out, &r->err);
    rc = od_h_result(r, rc, 200, out);
    if (rc && !r->err.code)
        r->err.code = rc;
    od_req_resume(r);
    return OD_OK;
}

od_err od_h_incident_review(od_req *r)
{
    /* optional here: od_incident_review lists every missing one in one 422 */
    static const od_field f[] = {{"cause_analysis", OD_JT_TEXT, false, 8000},
                                 {"lessons", OD_JT_TEXT, false, 8000},
                                 {"improvements", OD_JT_TEXT, false, 8000},
                                 {"measures", OD_JT_TEXT, false, 8000},
                                 {"result", OD_JT_TEXT, false, 8000},
                                 {"reported_to", OD_JT_ARRAY, false, 16},
                                 /* seed 000 ch. 8 §1: 对突发事件定级和处理流程进行总结 */
                                 {"grading_review", OD_JT_TEXT, false, 8000},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    return od_h_incident_grouped(
        r, &(od_incw_write){.kind = OD_INC_WRITE_REVIEW, .target = r->ids[0], .body = r->json}, 200);
}

static od_err export(od_req *r, const char *fmt, const char *ctype)
{
    char *doc = NULL;
    od_err rc = od_incident_export(r->app, &r->who, r->ids[0], fmt, &doc, &r->err);
    if (rc)
        return rc;
    r->raw = doc;
    r->raw_len = strlen(doc);
    r->content_type = ctype;
    return OD_OK;
}

od_err od_h_incident_md(od_req *r)
{
    return export(r, "md", "text/markdown; charset=utf-8");
}
od_err od_h_incident_html(od_req *r)
{
    return export(r, "html", "text/html; charset=utf-8");
}

od_err od_h_cases(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    json_t *out = NULL;
    od_case_query q = {.q = od_req_query(r, "q"),
                       .level = od_req_query(r, "level"),
                       .category = od_req_query(r, "category"),
                       .limit = limit,
                       .offset = offset};
    if (!rc)
        rc = od_cases_search(r->app, &r->who, &q, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_incident_note(od_req *r)
{
    static const od_field f[] = {{"text", OD_JT_TEXT, true, 2000}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    return od_h_incident_grouped(
        r, &(od_incw_write){.kind = OD_INC_WRITE_NOTE, .target = r->ids[0], .text = od_req_str(r, "text")},
        201);
}

od_err od_h_incident_owner(od_req *r)
{
    static const od_field f[] = {{"user_id", OD_JT_INT, true, 0}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    return od_h_incident_grouped(r,
                                 &(od_incw_write){.kind = OD_INC_WRITE_OWNER,
                                                  .target = r->ids[0],
                                                  .user_id = od_req_int(r, "user_id", 0)},
                                 200);
}

/* seed 000 ch. 8 §1: the handling department, changed with a reason */
od_err od_h_incident_handling(od_req *r)
{
    static const od_field f[] = {
        {"department", OD_JT_TEXT, true, 127}, {"reason", OD_JT_TEXT, true, 4000}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    return od_h_incident_grouped(r,
                                 &(od_incw_write){.kind = OD_INC_WRITE_HANDLING,
                                                  .target = r->ids[0],
                                                  .text = od_req_str(r, "department"),
                                                  .reason = od_req_str(r, "reason")},
                                 200);
}
