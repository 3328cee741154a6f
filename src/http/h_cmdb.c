/* h_cmdb.c — handlers for CIs, the policy views and the grading lookup. */
#include "app/cmdb_retire.h"
#include "app/incidents.h"
#include "core/incident.h"
#include "http/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const od_field ci_fields[] = {
    {"name", OD_JT_TEXT, true, 200},          {"category", OD_JT_STRING, true, 47},
    {"grade", OD_JT_STRING, true, 4},         {"department", OD_JT_STRING, false, 127},
    {"environment", OD_JT_STRING, false, 32}, {"location", OD_JT_TEXT, false, 200},
    {"attributes", OD_JT_OBJECT, false, 0},   {0}};

static const od_field ci_patch_fields[] = {
    {"name", OD_JT_TEXT, false, 200},         {"category", OD_JT_STRING, false, 47},
    {"grade", OD_JT_STRING, false, 4},        {"department", OD_JT_STRING, false, 127},
    {"environment", OD_JT_STRING, false, 32}, {"location", OD_JT_TEXT, false, 200},
    {"attributes", OD_JT_OBJECT, false, 0},   {0}};

static void ci_input(od_req *r, od_ci_input *in)
{
    *in = (od_ci_input){od_req_str(r, "name"),       od_req_str(r, "category"),    od_req_str(r, "grade"),
                        od_req_str(r, "department"), od_req_str(r, "environment"), od_req_str(r, "location"),
                        od_req_get(r, "attributes")};
}

static od_err check_attributes(od_req *r)
{
    json_t *a = od_req_get(r, "attributes");
    if (a) {
        char *d = json_dumps(a, JSON_COMPACT);
        size_t n = d ? strlen(d) : 0;
        free(d);
        if (n > 16384)
            return od_error_set(&r->err, OD_E_TOO_LARGE, "attributes",
                                "attributes 超过 16 KiB (attributes over 16 KiB)");
    }
    return OD_OK;
}

od_err od_h_ci_create(od_req *r)
{
    od_err rc = od_req_fields(r, ci_fields);
    if (!rc)
        rc = check_attributes(r);
    if (rc)
        return rc;
    od_ci_input in;
    ci_input(r, &in);
    json_t *out = NULL;
    rc = od_ci_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_ci_list(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    int64_t after_id = 0;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_query_int_parse("after_id", od_req_query(r, "after_id"), 0, 1, INT64_MAX, &after_id, &r->err);
    /* retired=include: the retired CIs too (they are left out by default) */
    const char *ret = od_req_query(r, "retired");
    if (!rc && ret && *ret && strcmp(ret, "include") != 0)
        rc = od_error_set(&r->err, OD_E_INVALID, "retired",
                          "retired 只能为 include (retired must be include)");
    if (!rc)
        rc = od_ci_list_all(r->app, &r->who, od_req_query(r, "category"), od_req_query(r, "grade"),
                            od_req_query(r, "q"), after_id, ret && *ret, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_ci_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_ci_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_ci_patch(od_req *r)
{
    od_err rc = od_req_fields(r, ci_patch_fields);
    if (!rc)
        rc = check_attributes(r);
    if (rc)
        return rc;
    od_ci_input in;
    ci_input(r, &in);
    json_t *out = NULL;
    rc = od_ci_update(r->app, &r->who, r->ids[0], &in, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_ci_relate(od_req *r)
{
    static const od_field f[] = {{"type", OD_JT_STRING, true, 32}, {"target_id", OD_JT_INT, true, 0}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_ci_add_relation(r->app, &r->who, r->ids[0], od_req_str(r, "type"), od_req_int(r, "target_id", 0),
                            &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_ci_unrelate(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    if (!rc)
        rc = od_ci_remove_relation(r->app, &r->who, r->ids[0], r->ids[1], &r->err);
    return od_h_result(r, rc, 200,
                       rc ? NULL : json_pack("{sI sb}", "id", (json_int_t)r->ids[1], "deleted", 1));
}

od_err od_h_ci_impact(od_req *r)
{
    char *text = NULL;
    size_t len = 0;
    od_err rc = od_ci_impact_text(r->app, &r->who, r->ids[0], &text, &len, &r->err);
    if (rc)
        return rc;
    r->raw = text;
    r->raw_len = len;
    r->status = 200;
    r->content_type = "application/json; charset=utf-8";
    return OD_OK;
}

od_err od_h_ci_verify(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_req_no_fields(r);
    if (!rc)
        rc = od_ci_verify(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_ci_unverified(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_ci_unverified(r->app, &r->who, od_req_query(r, "period"), limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_policy_categories(od_req *r)
{
    json_t *o = od_policy_categories_json(r->app->policy);
    json_object_set_new(o, "source", json_string(r->app->policy_source));
    return od_reply(r, 200, o);
}

od_err od_h_policy_table(od_req *r)
{
    return od_reply(r, 200, od_policy_table_json(r->app->policy));
}

/* The 速查表 answer (R-INC-6): from a CI or a category+grade, and a severity. */
od_err od_h_grading(od_req *r)
{
    const od_policy *p = r->app->policy;
    const char *ci = od_req_query(r, "ci_id"), *sev = od_req_query(r, "severity");
    int level = -1, severity = -1;
    json_t *ci_json = NULL;
    if (sev && *sev && (severity = od_severity_parse(sev)) < 0)
        return od_error_set(&r->err, OD_E_INVALID, "severity",
                            "severity 须为 severe/moderate/minor (severity must be "
                            "severe, moderate or minor)");
    if (ci) {
        int64_t id = 0;
        od_err rc = od_req_query_id(r, "ci_id", &id);
        if (rc)
            return rc;
        rc = od_ci_get(r->app, &r->who, id, &ci_json, &r->err);
        if (rc)
            return rc;
        level = od_grade_parse(json_string_value(json_object_get(ci_json, "grade")));
    } else if (od_req_query(r, "level")) {
        /* seed 000 ch. 7 §1 item 3: an undetermined level is graded at the
         * highest candidate the reporter names, no CI needed */
        level = od_grade_parse(od_req_query(r, "level"));
        if (level < 0)
            return od_error_set(&r->err, OD_E_INVALID, "level",
                                "level 须为 L1/L2/L3/NG (level must be L1, L2, L3 or NG)");
    } else {
        const char *cat = od_req_query(r, "category"), *g = od_req_query(r, "grade");
        const od_category *c = od_policy_category(p, cat);
        if (!c)
            return od_error_set(&r->err, OD_E_INVALID, "category",
                                "需要 ci_id、level 或有效的 category (ci_id, level or a known "
                                "category is required)");
        level = od_grade_parse(g);
        if (level < 0 || !od_category_allows(c, (od_grade)level))
            return od_error_set(&r->err, OD_E_UNPROCESSABLE, "grade",
                                "类别 %s 不允许等级 %s (category %s does not "
                                "allow grade %s)",
                                c->key, g ? g : "", c->key, g ? g : "");
    }
    od_grading g;
    od_grade_incident(p, (od_grade)level, severity, &g);
    od_rule_line lines[16];
    size_t n = od_grading_explain(p, &g, lines, 16);
    json_t *rules = json_array(), *roles = json_array();
    for (size_t i = 0; i < n && i < 16; i++)
        json_array_append_new(rules, json_pack("{ss ss ss}", "field", lines[i].field, "req", lines[i].req,
                                               "text", lines[i].text));
    for (int i = 0; i < OD_ROLE__COUNT; i++)
        if (g.recipients.roles & OD_ROLEBIT(i))
            json_array_append_new(roles, json_string(od_role_key((od_role)i)));
    if ((g.recipients.owning_department_heads || g.recipients.n_heads_of) &&
        !(g.recipients.roles & OD_ROLEBIT(OD_ROLE_DEPARTMENT_HEAD)))
        json_array_append_new(roles, json_string("department_head"));
    json_t *o = json_pack("{ss ss sb ss so si so ss so so}", "level", od_grade_key(g.level), "severity",
                          od_severity_key(g.severity), "severity_provisional", g.severity_provisional,
                          "response_level", od_resp_key(g.response), "handling_limit_minutes",
                          g.handling_limit_ms ? json_integer(g.handling_limit_ms / 60000) : json_null(),
                          "first_report_within_minutes", (int)(g.first_report_ms / 60000), "recipient_roles",
                          roles, "activation_role", od_role_key(g.activation_role), "progress_every_minutes",
                          g.progress_every_ms ? json_integer(g.progress_every_ms / 60000) : json_null(),
                          "rules", rules);
    json_object_set_new(o, "ack_required", json_boolean(g.ack_required));
    json_object_set_new(o, "ack_within_minutes",
                        g.ack_required ? json_integer(g.ack_window_ms / 60000) : json_null());
    /* the people it would reach, by name (R-NOT-1) */
    json_t *people = NULL;
    od_err prc = od_grading_people(r->app, &g, json_string_value(json_object_get(ci_json, "department")),
                                   &people, &r->err);
    if (prc) {
        json_decref(o);
        json_decref(ci_json);
        return prc;
    }
    json_object_set_new(o, "recipients", people);
    if (ci_json)
        json_object_set_new(o, "ci", ci_json);
    return od_reply(r, 200, o);
}
