/* policy_view.c — the loaded policy as JSON: categories with grading
 * guidance (R-CI-3), and the quick-reference table (速查表, R-INC-6). */
#include "app/app.h"
#include "core/duties.h"

static json_t *roles_json(od_roleset rs)
{
    json_t *a = json_array();
    for (int r = 0; r < OD_ROLE__COUNT; r++)
        if (rs & OD_ROLEBIT(r))
            json_array_append_new(a, json_pack("{ss ss}", "key", od_role_key((od_role)r), "name_zh",
                                               od_role_name_zh((od_role)r)));
    return a;
}

static json_t *minutes(int64_t ms)
{
    return ms ? json_integer(ms / 60000) : json_null();
}

json_t *od_policy_categories_json(const od_policy *p)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < p->n_categories; i++) {
        const od_category *c = &p->categories[i];
        json_t *grades = json_array(), *guide = json_object();
        for (int g = 0; g < OD_GRADE__COUNT; g++) {
            if (!od_category_allows(c, (od_grade)g))
                continue;
            json_array_append_new(grades, json_string(od_grade_key((od_grade)g)));
            if (c->guidance[g])
                json_object_set_new(guide, od_grade_key((od_grade)g), json_string(c->guidance[g]));
        }
        json_array_append_new(arr, json_pack("{ss ss ss so so ss?}", "key", c->key, "name_zh", c->name_zh,
                                             "name_en", c->name_en, "grades", grades, "guidance", guide,
                                             "principle", c->principle));
    }
    json_t *sev = json_object();
    for (int s = 0; s < OD_SEV__COUNT; s++)
        json_object_set_new(sev, od_severity_key((od_severity)s),
                            json_pack("{ss ss?}", "name_zh", od_severity_name_zh((od_severity)s),
                                      "description", p->severity_desc[s]));
    return json_pack("{so so}", "categories", arr, "severities", sev);
}

json_t *od_policy_table_json(const od_policy *p)
{
    json_t *matrix = json_object(), *levels = json_object(), *responses = json_object();
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        json_t *row = json_object();
        for (int s = 0; s < OD_SEV__COUNT; s++)
            json_object_set_new(row, od_severity_key((od_severity)s),
                                json_string(od_resp_key(p->matrix[g][s])));
        json_object_set_new(matrix, od_grade_key((od_grade)g), row);
        /* seed 000 ch. 7 §2.1 item 6: the heads of these departments, whatever owns the CI */
        json_t *heads = json_array();
        for (size_t i = 0; i < p->first_report_recipients[g].n_heads_of && i < OD_FIXED_DEPTS_MAX; i++)
            json_array_append_new(heads, json_string(p->first_report_recipients[g].heads_of[i]));
        json_object_set_new(
            levels, od_grade_key((od_grade)g),
            json_pack("{ss so so sb so sb so}", "name_zh", od_grade_name_zh((od_grade)g),
                      "first_report_within_minutes", minutes(p->first_report_ms[g]), "recipient_roles",
                      roles_json(p->first_report_recipients[g].roles), "owning_department_heads",
                      p->first_report_recipients[g].owning_department_heads, "department_heads_of", heads,
                      "ack_required", (p->ack_levels >> g) & 1, "ack_within_minutes",
                      (p->ack_levels >> g) & 1 ? minutes(p->ack_window_ms) : json_null()));
    }
    /* activation_required: the plan must be activated before the final
     * report at this level (duties.activation_required, the light path) */
    for (int r = 0; r < OD_RESP__COUNT; r++)
        json_object_set_new(responses, od_resp_key((od_resp)r),
                            json_pack("{ss so so ss ss sb}", "name_zh", od_resp_name_zh((od_resp)r),
                                      "handling_limit_minutes", minutes(p->handling_limit_ms[r]),
                                      "progress_every_minutes", minutes(p->progress_every_ms[r]),
                                      "activation_role", od_role_key(p->activation_role[r]),
                                      "activation_role_zh", od_role_name_zh(p->activation_role[r]),
                                      "activation_required", od_activation_required(p, (od_resp)r)));
    /* R-NOT-4: how often and how many times an unacknowledged recipient is reminded */
    json_t *ack =
        json_pack("{so si ss so}", "renotify_every_minutes", minutes(p->renotify_every_ms), "renotify_max",
                  p->renotify_max, "required_of", od_ack_reading_key(p->duties.ack_required), "roles",
                  roles_json(p->duties.ack_required == OD_ACK_ALL_RECIPIENTS ? 0 : p->duties.ack_roles));
    return json_pack("{ss? so so so so}", "name", p->name, "response_matrix", matrix, "levels", levels,
                     "responses", responses, "acknowledgement", ack);
}
