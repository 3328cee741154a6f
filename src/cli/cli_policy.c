/* cli_policy.c — the two client commands whose answers are not a list or a
 * record: `grade` (the quick-reference answer with the rule behind each
 * value) and `policy table` (the 速查表: response matrix, reporting per
 * level, limits, cadence and authority per response level).  Both reshape
 * the answer into rows and print them with the shared table printer; they
 * compute nothing the server did not say.  Single-threaded. */
#include "cli/cli_int.h"

#include <stdlib.h>
#include <string.h>

/* Text for a minutes value: null means "no limit". */
static char *fmt_minutes(const json_t *row, const char *key)
{
    const json_t *v = od_cli_get(row, key);
    return json_is_null(v) ? strdup("无 none") : od_cli_text(v);
}

/* duties.activation_required: whether the plan is activated before the final report */
static char *fmt_required(const json_t *row, const char *key)
{
    const json_t *v = od_cli_get(row, key);
    return strdup(json_is_boolean(v) ? (json_is_true(v) ? "须先启动 required" : "无须启动 not required")
                                     : "-");
}

/* ---- grade ---- */

static const od_cli_col grade_fields[] = {
    {"level", NULL, NULL},
    {"severity", NULL, NULL},
    {"response_level", NULL, NULL},
    {"handling_limit_minutes", NULL, fmt_minutes},
    {"first_report_within_minutes", NULL, fmt_minutes},
    {"progress_every_minutes", NULL, fmt_minutes},
    {"recipient_roles", NULL, NULL},
    {"activation_role", NULL, NULL},
    {NULL, NULL, NULL},
};

static bool listed(const char *field)
{
    for (const od_cli_col *f = grade_fields; f->key; f++)
        if (strcmp(f->key, field) == 0)
            return true;
    return false;
}

/* Prints the rules of one field, or (field NULL) those of no listed field. */
static void print_rules(FILE *out, const json_t *rules, const char *field)
{
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
    {
        const char *f = json_string_value(json_object_get(r, "field"));
        if (field ? !f || strcmp(f, field) != 0 : f && listed(f))
            continue;
        const char *text = json_string_value(json_object_get(r, "text"));
        const char *req = json_string_value(json_object_get(r, "req"));
        fprintf(out, "    依据 rule%s%s%s: %s\n", req ? " [" : "", req ? req : "", req ? "]" : "",
                text ? text : "-");
    }
}

/* Prints each value of the grading answer with the rules behind it. */
static void print_grade(FILE *out, const json_t *ans)
{
    const json_t *rules = json_object_get(ans, "rules");
    if (json_object_get(ans, "severity_provisional") == json_true())
        fputs("注意 note: 严重程度未定，按从高原则 (severity unknown: graded as severe)\n", out);
    size_t lw = 0;
    for (const od_cli_col *f = grade_fields; f->key; f++)
        if (od_cli_width(od_cli_label(f->key)) > lw)
            lw = od_cli_width(od_cli_label(f->key));
    for (const od_cli_col *f = grade_fields; f->key; f++) {
        if (!json_object_get(ans, f->key))
            continue;
        const char *label = od_cli_label(f->key);
        char *text = f->fmt ? f->fmt(ans, f->key) : od_cli_text(json_object_get(ans, f->key));
        fprintf(out, "%s%*s%s\n", label, (int)(lw - od_cli_width(label) + 2), "", text ? text : "?");
        free(text);
        print_rules(out, rules, f->key);
    }
    size_t i = 0;
    json_t *r;
    json_array_foreach(rules, i, r)
    {
        const char *f = json_string_value(json_object_get(r, "field"));
        if (!f || !listed(f)) {
            fputs("其他依据 other rules:\n", out);
            print_rules(out, rules, NULL);
            break;
        }
    }
}

int od_cli_grade(od_cli_ctx *c, const od_cli_inv *inv)
{
    bool by_ci = json_object_get(inv->params, "ci_id") != NULL;
    bool by_cat = json_object_get(inv->params, "category") || json_object_get(inv->params, "grade");
    if (by_ci == by_cat ||
        (by_cat && !(json_object_get(inv->params, "category") && json_object_get(inv->params, "grade")))) {
        fputs(
            "用法错误 usage error: 用 --ci ID 或 --category C --grade G 之一 (give --ci ID, or --category C "
            "--grade G)\n",
            c->err);
        return OD_CLI_EXIT_USAGE;
    }
    char path[2048] = "/api/v1/grading";
    if (!od_cli_build_query(inv->params, path, sizeof path)) {
        fputs("用法错误 usage error: 参数过长 (arguments too long)\n", c->err);
        return OD_CLI_EXIT_USAGE;
    }
    od_cli_answer a;
    int rc = od_cli_call(c, "GET", path, NULL, &a);
    if (!rc && !c->json && json_is_object(a.json))
        print_grade(c->out, a.json);
    else if (!rc)
        od_cli_show(c, inv->cmd, &a);
    od_cli_answer_cleanup(&a);
    return rc;
}

/* ---- policy table ---- */

static const od_cli_col matrix_cols[] = {
    {"level", NULL, NULL}, {"severe", NULL, NULL}, {"moderate", NULL, NULL},
    {"minor", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_col level_cols[] = {
    {"level", NULL, NULL},
    {"name_zh", NULL, NULL},
    {"first_report_within_minutes", NULL, fmt_minutes},
    {"ack_within_minutes", NULL, fmt_minutes},
    {NULL, NULL, NULL},
};
static const od_cli_col response_cols[] = {
    {"response_level", NULL, NULL},
    {"name_zh", NULL, NULL},
    {"handling_limit_minutes", NULL, fmt_minutes},
    {"progress_every_minutes", NULL, fmt_minutes},
    {"activation", "启动权限 Activation", NULL},
    {"activation_required", "终报前启动预案 Plan before final", fmt_required},
    {NULL, NULL, NULL},
};

/* A copy of the object row with "<idkey>": name added first. */
static json_t *row_of(const char *idkey, const char *name, json_t *row)
{
    json_t *out = json_pack("{s:s}", idkey, name);
    if (out && json_is_object(row))
        json_object_update_missing(out, row);
    return out;
}

/* The recipients of a level as one line: roles, and the heads of the
 * departments owning the affected CIs when the policy says so. */
static json_t *recipients_text(const json_t *level)
{
    char *roles = od_cli_text(json_object_get(level, "recipient_roles"));
    if (!roles)
        return NULL;
    json_t *s;
    if (json_is_true(json_object_get(level, "owning_department_heads"))) {
        size_t n = strlen(roles) + 128;
        char *all = malloc(n);
        if (all)
            snprintf(all, n, "%s, 所属部门负责人(department_head of owning departments)",
                     strcmp(roles, "-") ? roles : "");
        s = all ? json_string(all) : NULL;
        free(all);
    } else {
        s = json_string(roles);
    }
    free(roles);
    /* seed 000 ch. 7 §2.1 item 6: the heads of named departments */
    char *named = od_cli_text(json_object_get(level, "department_heads_of"));
    if (s && named && strcmp(named, "-") != 0 &&
        json_array_size(json_object_get(level, "department_heads_of"))) {
        size_t n = strlen(json_string_value(s)) + strlen(named) + 64;
        char *all = malloc(n);
        if (all)
            snprintf(all, n, "%s, 部门负责人(department_head): %s", json_string_value(s), named);
        json_decref(s);
        s = all ? json_string(all) : NULL;
        free(all);
    }
    free(named);
    return s;
}

/* Builds the three tables' rows from the answer; NULL on no memory. */
static bool build_rows(json_t *ans, json_t *matrix, json_t *levels, json_t *responses)
{
    const char *k;
    json_t *v;
    bool ok = true;
    json_object_foreach(json_object_get(ans, "response_matrix"), k, v) ok =
        ok && json_array_append_new(matrix, row_of("level", k, v)) == 0;
    json_object_foreach(json_object_get(ans, "levels"), k, v)
    {
        json_t *row = row_of("level", k, v);
        ok = ok && row && json_object_set_new(row, "recipients", recipients_text(v)) == 0;
        if (row && !json_is_true(json_object_get(v, "ack_required")))
            json_object_set_new(row, "ack_within_minutes", json_string("不需要 not required"));
        ok = ok && json_array_append_new(levels, row) == 0;
    }
    json_object_foreach(json_object_get(ans, "responses"), k, v)
    {
        json_t *row = row_of("response_level", k, v);
        const char *zh = json_string_value(json_object_get(v, "activation_role_zh"));
        const char *key = json_string_value(json_object_get(v, "activation_role"));
        json_t *act = json_sprintf("%s%s%s%s", zh ? zh : "", zh && key ? "(" : "", key ? key : "-",
                                   zh && key ? ")" : "");
        ok = ok && row && json_object_set_new(row, "activation", act) == 0;
        ok = ok && json_array_append_new(responses, row) == 0;
    }
    return ok;
}

int od_cli_policy_table(od_cli_ctx *c, const od_cli_inv *inv)
{
    od_cli_answer a;
    int rc = od_cli_call(c, "GET", inv->cmd->path, NULL, &a);
    if (rc || c->json || !json_is_object(a.json)) {
        if (!rc)
            od_cli_show(c, inv->cmd, &a);
        od_cli_answer_cleanup(&a);
        return rc;
    }
    json_t *matrix = json_array(), *levels = json_array(), *responses = json_array();
    if (!matrix || !levels || !responses || !build_rows(a.json, matrix, levels, responses)) {
        fputs("错误 error: 内存不足 (out of memory)\n", c->err);
        rc = OD_CLI_EXIT_REFUSED;
        goto out;
    }
    const json_t *name = json_object_get(a.json, "name");
    fprintf(c->out, "速查表 Quick reference%s%s\n\n", json_is_string(name) ? ": " : "",
            json_is_string(name) ? json_string_value(name) : "");
    fputs("响应矩阵 Response matrix (事件级别 × 严重程度 → 响应级别 level × severity → response)\n", c->out);
    od_cli_print_table(c->out, matrix, matrix_cols);
    fputs("\n首报与确认时限 First report and acknowledgement deadlines per level\n", c->out);
    od_cli_print_table(c->out, levels, level_cols);
    fputs("\n报告对象 Recipients of the first report\n", c->out);
    for (size_t i = 0; i < json_array_size(levels); i++) {
        const json_t *row = json_array_get(levels, i);
        fprintf(c->out, "  %s  %s\n", json_string_value(json_object_get(row, "level")),
                json_string_value(json_object_get(row, "recipients")));
    }
    fputs("\n处置时限、进展报告间隔与启动权限 Handling limit, progress cadence and activation authority\n",
          c->out);
    od_cli_print_table(c->out, responses, response_cols);
out:
    json_decref(matrix);
    json_decref(levels);
    json_decref(responses);
    od_cli_answer_cleanup(&a);
    return rc;
}
