/* policy_load.c — the policy file loader.  Two passes:
 *   1. od_pl_build_tree() (policy_yaml.c): libyaml events -> a small tree of
 *      mapping / sequence / scalar nodes with 1-based line and column.
 *      Structural limits (size, depth, string length, node count), aliases,
 *      multiple documents and YAML syntax errors stop here with one finding.
 *   2. load_*() (here and policy_load_*.c): walk the tree onto a copy of
 *      od_policy_new_default(),
 *      validating as it goes; every semantic error is reported and the walk
 *      goes on, so one run lists them all.
 * Nothing global; every allocation is owned by the tree or the policy and
 * freed on every path.  The schema is in docs/policy.md. */
#include "policy/policy_load_int.h"
#include "core/keys.h"

#include "util/embed.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <yaml.h>

enum { CF_KEY, CF_NAME_ZH, CF_NAME_EN, CF_GRADES, CF_PRINCIPLE, CF_GUIDANCE, CF__COUNT };

static void load_guidance(ctx *c, od_category *cat, const node *v, const char *path, bool grades_ok)
{
    fields f;
    KEYS_OF(f, "grade", od_pl_grade_key_i, OD_GRADE__COUNT);
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        if (!f.val[g])
            continue;
        char p[PATH_MAX_LEN];
        od_pl_sub(p, path, od_grade_key((od_grade)g));
        if (grades_ok && !(cat->grades_allowed & (1u << g))) {
            od_pl_diag(c, f.key[g]->line, f.key[g]->col,
                       "%s: guidance for grade %s, which the category does not allow", path,
                       od_grade_key((od_grade)g));
            continue;
        }
        od_pl_set_text(c, f.val[g], p, &cat->guidance[g]);
    }
}

static void load_category(ctx *c, od_category *cat, const node *item, const char *path)
{
    fields f = {.what = "key",
                .names = {"key", "name_zh", "name_en", "grades", "principle", "guidance"},
                .n = CF__COUNT};
    if (!od_pl_map_fields(c, item, path, &f))
        return;
    char p[PATH_MAX_LEN];
    const char *s;
    for (size_t j = 0; j < CF__COUNT; j++)
        if (j != CF_NAME_EN && j != CF_PRINCIPLE && j != CF_GUIDANCE)
            od_pl_require_one(c, item, path, &f, j);
    if (f.val[CF_KEY]) {
        od_pl_sub(p, path, "key");
        if (od_pl_get_str(c, f.val[CF_KEY], p, OD_KEY_MAX, &s)) {
            char sv[64];
            if (od_pl_valid_cat_key(s))
                od_pl_copy_fixed(cat->key, sizeof cat->key, s);
            else
                od_pl_diag(c, f.val[CF_KEY]->line, f.val[CF_KEY]->col,
                           "%s: '%s' must start with a-z and hold only a-z, 0-9 and _", p,
                           od_pl_shown(s, sv));
        }
    }
    if (f.val[CF_NAME_ZH]) {
        od_pl_sub(p, path, "name_zh");
        if (od_pl_get_str(c, f.val[CF_NAME_ZH], p, OD_NAME_MAX, &s))
            od_pl_copy_fixed(cat->name_zh, sizeof cat->name_zh, s);
    }
    if (f.val[CF_NAME_EN] && !od_pl_is_null(f.val[CF_NAME_EN])) {
        od_pl_sub(p, path, "name_en");
        if (od_pl_get_str(c, f.val[CF_NAME_EN], p, OD_NAME_MAX, &s))
            od_pl_copy_fixed(cat->name_en, sizeof cat->name_en, s);
    }
    bool grades_ok = false;
    if (f.val[CF_GRADES]) {
        uint64_t bits = 0;
        od_pl_sub(p, path, "grades");
        if (od_pl_get_enum_set(c, f.val[CF_GRADES], p, "grade", od_grade_parse, od_pl_grade_key_i,
                               OD_GRADE__COUNT, &bits)) {
            if (bits == 0)
                od_pl_diag(c, f.val[CF_GRADES]->line, f.val[CF_GRADES]->col,
                           "%s: a category must allow at least one grade", p);
            cat->grades_allowed = bits;
            grades_ok = bits != 0;
        }
    }
    if (f.val[CF_PRINCIPLE] && !od_pl_is_null(f.val[CF_PRINCIPLE])) {
        od_pl_sub(p, path, "principle");
        od_pl_set_text(c, f.val[CF_PRINCIPLE], p, &cat->principle);
    }
    if (f.val[CF_GUIDANCE] && !od_pl_is_null(f.val[CF_GUIDANCE])) {
        od_pl_sub(p, path, "guidance");
        load_guidance(c, cat, f.val[CF_GUIDANCE], p, grades_ok);
    }
}

static void free_categories(od_category *cats, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(cats[i].principle);
        for (int g = 0; g < OD_GRADE__COUNT; g++)
            free(cats[i].guidance[g]);
    }
    free(cats);
}

/* R-CI-2, R-CI-3: the list replaces the default categories. */
static void load_categories(ctx *c, od_policy *pol, const node *v)
{
    if (!od_pl_want(c, v, N_SEQ, "categories"))
        return;
    if (v->n == 0) {
        od_pl_diag(c, v->line, v->col, "categories: at least one category is required");
        return;
    }
    if (v->n > CATEGORY_MAX) {
        od_pl_diag(c, v->line, v->col, "categories: more than %d categories", CATEGORY_MAX);
        return;
    }
    od_category *cats = calloc(v->n, sizeof *cats);
    if (!cats) {
        od_pl_oom(c);
        return;
    }
    free_categories(pol->categories, pol->n_categories);
    pol->categories = cats;
    pol->n_categories = v->n;
    for (size_t i = 0; i < v->n; i++) {
        char p[PATH_MAX_LEN];
        od_pl_idx(p, "categories", i);
        load_category(c, &cats[i], v->kids[i], p);
        for (size_t j = 0; j < i && cats[i].key[0]; j++) {
            if (strcmp(cats[j].key, cats[i].key) == 0) {
                od_pl_diag(c, v->kids[i]->line, v->kids[i]->col,
                           "%s: duplicate category key '%s' (first at line %d)", p, cats[i].key,
                           v->kids[j]->line);
                break;
            }
        }
    }
}

enum { SC_APP, SC_PLATFORM, SC_ENV, SC__COUNT };
static const char *const sev_class_zh[SC__COUNT] = {"应用", "基础平台", "环境"};

/* One severity description: a string, or a mapping by object class that is
 * joined as "应用：…\n基础平台：…\n环境：…" (R-INC-1). */
static void load_severity_desc(ctx *c, const node *v, const char *path, char **slot)
{
    if (v->kind == N_SCALAR) {
        od_pl_set_text(c, v, path, slot);
        return;
    }
    fields f = {.what = "object class", .names = {"application", "platform", "environment"}, .n = SC__COUNT};
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    const char *part[SC__COUNT] = {0};
    size_t total = 1;
    bool ok = true;
    for (size_t j = 0; j < SC__COUNT; j++) {
        if (!f.val[j])
            continue;
        char p[PATH_MAX_LEN];
        od_pl_sub(p, path, f.names[j]);
        if (!od_pl_get_str(c, f.val[j], p, OD_POLICY_STRING_MAX + 1, &part[j]))
            ok = false;
        else
            total += strlen(sev_class_zh[j]) + strlen("：") + strlen(part[j]) + 1;
    }
    if (!ok)
        return;
    if (total == 1) {
        od_pl_diag(c, v->line, v->col, "%s: give at least one of application, platform, environment", path);
        return;
    }
    char *s = malloc(total);
    if (!s) {
        od_pl_oom(c);
        return;
    }
    size_t o = 0;
    for (size_t j = 0; j < SC__COUNT; j++) {
        if (!part[j])
            continue;
        int w = snprintf(s + o, total - o, "%s%s：%s", o ? "\n" : "", sev_class_zh[j], part[j]);
        if (w > 0)
            o += (size_t)w;
    }
    free(*slot);
    *slot = s;
}

static void load_severities(ctx *c, od_policy *pol, const node *k, const node *v)
{
    fields f;
    KEYS_OF(f, "severity", od_pl_sev_key_i, OD_SEV__COUNT);
    if (!od_pl_map_fields(c, v, "severities", &f))
        return;
    od_pl_require_all(c, k, "severities", &f);
    for (int s = 0; s < OD_SEV__COUNT; s++) {
        char p[PATH_MAX_LEN];
        od_pl_sub(p, "severities", f.names[s]);
        if (f.val[s])
            load_severity_desc(c, f.val[s], p, &pol->severity_desc[s]);
    }
}

/* R-INC-3: every grade x severity cell. */
static void load_matrix(ctx *c, od_policy *pol, const node *k, const node *v)
{
    fields fg;
    KEYS_OF(fg, "grade", od_pl_grade_key_i, OD_GRADE__COUNT);
    if (!od_pl_map_fields(c, v, "response_matrix", &fg))
        return;
    od_pl_require_all(c, k, "response_matrix", &fg);
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        if (!fg.val[g])
            continue;
        char p[PATH_MAX_LEN];
        od_pl_sub(p, "response_matrix", fg.names[g]);
        fields fs;
        KEYS_OF(fs, "severity", od_pl_sev_key_i, OD_SEV__COUNT);
        if (!od_pl_map_fields(c, fg.val[g], p, &fs))
            continue;
        od_pl_require_all(c, fg.key[g], p, &fs);
        for (int s = 0; s < OD_SEV__COUNT; s++) {
            if (!fs.val[s])
                continue;
            char ps[PATH_MAX_LEN];
            od_pl_sub(ps, p, fs.names[s]);
            int r = od_pl_get_enum(c, fs.val[s], ps, "response level", od_resp_parse, od_pl_resp_key_i,
                                   OD_RESP__COUNT);
            if (r >= 0)
                pol->matrix[g][s] = (od_resp)r;
        }
    }
}

/* A mapping R1..NG -> duration, all four required. */
static void load_resp_durations(ctx *c, const node *k, const node *v, const char *path,
                                int64_t out[OD_RESP__COUNT])
{
    fields f;
    KEYS_OF(f, "response level", od_pl_resp_key_i, OD_RESP__COUNT);
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    od_pl_require_all(c, k, path, &f);
    for (int r = 0; r < OD_RESP__COUNT; r++) {
        char p[PATH_MAX_LEN];
        od_pl_sub(p, path, f.names[r]);
        if (f.val[r])
            od_pl_get_duration(c, f.val[r], p, true, &out[r]);
    }
}

enum { FR_WITHIN, FR_RECIPIENTS, FR_OWNING, FR_HEADS_OF, FR__COUNT };

/* first_report.<grade>.department_heads_of: a list of department names
 * whose heads are told whatever the incident concerns. */
static void load_heads_of(ctx *c, const node *v, const char *path, od_recipients *rc)
{
    char q[PATH_MAX_LEN];
    od_pl_sub(q, path, "department_heads_of");
    if (v->kind == N_SEQ && v->n == 0)
        return;
    if (!od_pl_want(c, v, N_SEQ, q))
        return;
    if (v->n > OD_FIXED_DEPTS_MAX) {
        od_pl_diag(c, v->line, v->col, "%s: at most %d departments", q, OD_FIXED_DEPTS_MAX);
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        char ip[PATH_MAX_LEN];
        od_pl_idx(ip, q, i);
        const char *s = NULL;
        if (!od_pl_get_str(c, v->kids[i], ip, OD_FIXED_DEPT_LEN, &s))
            continue;
        if (!*s) {
            od_pl_diag(c, v->kids[i]->line, v->kids[i]->col, "%s: empty department name", ip);
            continue;
        }
        for (size_t j = 0; j < rc->n_heads_of; j++)
            if (strcmp(rc->heads_of[j], s) == 0) {
                od_pl_diag(c, v->kids[i]->line, v->kids[i]->col, "%s: department '%s' listed twice", ip, s);
                s = NULL;
                break;
            }
        if (s)
            od_pl_copy_fixed(rc->heads_of[rc->n_heads_of++], OD_FIXED_DEPT_LEN, s);
    }
}

/* R-NOT-1: deadline and recipients of the first report, per grade. */
static void load_first_report(ctx *c, od_policy *pol, const node *k, const node *v)
{
    fields fg;
    KEYS_OF(fg, "grade", od_pl_grade_key_i, OD_GRADE__COUNT);
    if (!od_pl_map_fields(c, v, "first_report", &fg))
        return;
    od_pl_require_all(c, k, "first_report", &fg);
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        if (!fg.val[g])
            continue;
        char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
        od_pl_sub(p, "first_report", fg.names[g]);
        fields f = {.what = "key",
                    .names = {"within", "recipients", "owning_department_heads", "department_heads_of"},
                    .n = FR__COUNT};
        if (!od_pl_map_fields(c, fg.val[g], p, &f))
            continue;
        od_pl_require_one(c, fg.key[g], p, &f, FR_WITHIN);
        od_pl_require_one(c, fg.key[g], p, &f, FR_RECIPIENTS);
        od_recipients rc = {0};
        bool ok = true;
        if (f.val[FR_HEADS_OF]) /* seed 000 ch. 7 §2.1 item 6 */
            load_heads_of(c, f.val[FR_HEADS_OF], p, &rc);
        if (f.val[FR_WITHIN]) {
            od_pl_sub(q, p, "within");
            od_pl_get_duration(c, f.val[FR_WITHIN], q, false, &pol->first_report_ms[g]);
        }
        if (f.val[FR_OWNING]) {
            od_pl_sub(q, p, "owning_department_heads");
            od_pl_get_bool(c, f.val[FR_OWNING], q, &rc.owning_department_heads);
        }
        if (f.val[FR_RECIPIENTS]) {
            od_pl_sub(q, p, "recipients");
            ok = od_pl_get_enum_set(c, f.val[FR_RECIPIENTS], q, "role", od_role_parse, od_pl_role_key_i,
                                    OD_ROLE__COUNT, &rc.roles);
            if (ok && rc.roles == 0 && !rc.owning_department_heads && rc.n_heads_of == 0)
                od_pl_diag(c, f.val[FR_RECIPIENTS]->line, f.val[FR_RECIPIENTS]->col,
                           "%s: no recipients (list at least one role)", q);
            pol->first_report_recipients[g] = rc;
        }
    }
}

enum { AK_LEVELS, AK_WITHIN, AK_RENOTIFY, AK_RENOTIFY_MAX, AK__COUNT };

/* R-NOT-4 */
static void load_ack(ctx *c, od_policy *pol, const node *v)
{
    fields f = {
        .what = "key", .names = {"levels", "within", "renotify_every", "renotify_max"}, .n = AK__COUNT};
    if (!od_pl_map_fields(c, v, "acknowledgement", &f))
        return;
    if (f.val[AK_LEVELS]) {
        uint64_t bits;
        if (od_pl_get_enum_set(c, f.val[AK_LEVELS], "acknowledgement.levels", "grade", od_grade_parse,
                               od_pl_grade_key_i, OD_GRADE__COUNT, &bits))
            pol->ack_levels = bits;
    }
    if (f.val[AK_WITHIN])
        od_pl_get_duration(c, f.val[AK_WITHIN], "acknowledgement.within", false, &pol->ack_window_ms);
    if (f.val[AK_RENOTIFY])
        od_pl_get_duration(c, f.val[AK_RENOTIFY], "acknowledgement.renotify_every", true,
                           &pol->renotify_every_ms);
    if (f.val[AK_RENOTIFY_MAX])
        od_pl_get_int(c, f.val[AK_RENOTIFY_MAX], "acknowledgement.renotify_max", 0, 1000, &pol->renotify_max);
}

/* R-NOT-5 */
static void load_progress(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key", .names = {"every", "remind_before"}, .n = 2};
    if (!od_pl_map_fields(c, v, "progress_reports", &f))
        return;
    if (f.val[0])
        load_resp_durations(c, f.key[0], f.val[0], "progress_reports.every", pol->progress_every_ms);
    if (f.val[1])
        od_pl_get_duration(c, f.val[1], "progress_reports.remind_before", true,
                           &pol->progress_remind_before_ms);
}

/* R-ACT-1, R-CLOSE-1 */
static void load_activation(ctx *c, od_policy *pol, const node *k, const node *v)
{
    fields f;
    KEYS_OF(f, "response level", od_pl_resp_key_i, OD_RESP__COUNT);
    if (!od_pl_map_fields(c, v, "activation", &f))
        return;
    od_pl_require_all(c, k, "activation", &f);
    for (int r = 0; r < OD_RESP__COUNT; r++) {
        char p[PATH_MAX_LEN];
        od_pl_sub(p, "activation", f.names[r]);
        if (!f.val[r])
            continue;
        int role = od_pl_get_enum(c, f.val[r], p, "role", od_role_parse, od_pl_role_key_i, OD_ROLE__COUNT);
        if (role >= 0)
            pol->activation_role[r] = (od_role)role;
    }
}

static const char *const char_class_keys[] = {"upper", "lower", "digit", "special"};
static const char *class_key_i(int i)
{
    return od_key_name(char_class_keys, 4, i);
}
static int class_parse(const char *s)
{
    return od_key_parse(char_class_keys, 4, s);
}

/* R-SEC-SYS-1 */
static void load_password(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key", .names = {"min_length", "require"}, .n = 2};
    if (!od_pl_map_fields(c, v, "password", &f))
        return;
    if (f.val[0])
        od_pl_get_int(c, f.val[0], "password.min_length", 1, 1024, &pol->password.min_length);
    uint64_t bits;
    if (f.val[1] && od_pl_get_enum_set(c, f.val[1], "password.require", "character class", class_parse,
                                       class_key_i, 4, &bits)) {
        pol->password.require_upper = bits & 1u;
        pol->password.require_lower = bits & 2u;
        pol->password.require_digit = bits & 4u;
        pol->password.require_special = bits & 8u;
    }
}

/* R-SEC-SYS-1: login rate limit and sessions. */
static void load_login(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key",
                .names = {"max_failures", "window", "lockout", "session_ttl", "initial_password_change"},
                .n = 5};
    if (!od_pl_map_fields(c, v, "login", &f))
        return;
    if (f.val[0])
        od_pl_get_int(c, f.val[0], "login.max_failures", 1, 1000000, &pol->login.max_failures);
    if (f.val[1])
        od_pl_get_duration(c, f.val[1], "login.window", false, &pol->login.window_ms);
    if (f.val[2])
        od_pl_get_duration(c, f.val[2], "login.lockout", false, &pol->login.lockout_ms);
    if (f.val[3])
        od_pl_get_duration(c, f.val[3], "login.session_ttl", false, &pol->login.session_ttl_ms);
    if (f.val[4]) {
        bool b = true;
        od_pl_get_bool(c, f.val[4], "login.initial_password_change", &b);
        pol->login.initial_password_change = b ? OD_PWCHANGE_ON : OD_PWCHANGE_OFF;
    }
}

enum {
    TK_VERSION,
    TK_NAME,
    TK_CATEGORIES,
    TK_SEVERITIES,
    TK_MATRIX,
    TK_LIMITS,
    TK_FIRST,
    TK_ACK,
    TK_PROGRESS,
    TK_ACTIVATION,
    TK_PASSWORD,
    TK_LOGIN,
    TK_TEMPLATES,
    TK_NOTIFY,
    TK_EVENTS,
    TK_CALENDARS,
    TK_MATRICES,
    TK_APPROVALS,
    TK_CHECKLISTS,
    TK_WORKFLOWS,
    TK_CLOCKS,
    TK_SLA,
    TK_DUTIES,
    TK_READINESS,
    TK_UPKEEP,
    TK_CANDIDATES,
    TK__COUNT
};

static void load_root(ctx *c, od_policy *pol, const node *root)
{
    fields f = {.what = "key",
                .names = {"version",
                          "name",
                          "categories",
                          "severities",
                          "response_matrix",
                          "handling_limits",
                          "first_report",
                          "acknowledgement",
                          "progress_reports",
                          "activation",
                          "password",
                          "login",
                          "templates",
                          "notify",
                          "events",
                          "calendars",
                          "priority_matrices",
                          "approvals",
                          "checklists",
                          "workflows",
                          "clocks",
                          "sla",
                          "duties",
                          "readiness",
                          "upkeep",
                          "problem_candidates"},
                .n = TK__COUNT};
    if (!od_pl_map_fields(c, root, "policy", &f))
        return;
    if (f.val[TK_VERSION]) {
        int version = 0;
        od_pl_get_int(c, f.val[TK_VERSION], "version", 1, 1, &version);
    }
    if (f.val[TK_NAME])
        od_pl_set_text(c, f.val[TK_NAME], "name", &pol->name);
    if (f.val[TK_CATEGORIES])
        load_categories(c, pol, f.val[TK_CATEGORIES]);
    if (f.val[TK_SEVERITIES])
        load_severities(c, pol, f.key[TK_SEVERITIES], f.val[TK_SEVERITIES]);
    if (f.val[TK_MATRIX])
        load_matrix(c, pol, f.key[TK_MATRIX], f.val[TK_MATRIX]);
    if (f.val[TK_LIMITS])
        load_resp_durations(c, f.key[TK_LIMITS], f.val[TK_LIMITS], "handling_limits", pol->handling_limit_ms);
    if (f.val[TK_FIRST])
        load_first_report(c, pol, f.key[TK_FIRST], f.val[TK_FIRST]);
    if (f.val[TK_ACK])
        load_ack(c, pol, f.val[TK_ACK]);
    if (f.val[TK_PROGRESS])
        load_progress(c, pol, f.val[TK_PROGRESS]);
    if (f.val[TK_ACTIVATION])
        load_activation(c, pol, f.key[TK_ACTIVATION], f.val[TK_ACTIVATION]);
    if (f.val[TK_PASSWORD])
        load_password(c, pol, f.val[TK_PASSWORD]);
    if (f.val[TK_LOGIN])
        load_login(c, pol, f.val[TK_LOGIN]);
    if (f.val[TK_TEMPLATES])
        od_pl_load_templates(c, pol, f.val[TK_TEMPLATES]);
    if (f.val[TK_NOTIFY])
        od_pl_load_notify(c, pol, f.val[TK_NOTIFY]);
    if (f.val[TK_EVENTS])
        od_pl_load_events(c, pol, f.val[TK_EVENTS]);
    if (f.val[TK_DUTIES])
        od_pl_load_duties(c, pol, f.val[TK_DUTIES]);
    if (f.val[TK_READINESS])
        od_pl_load_readiness(c, pol, f.val[TK_READINESS]);
    if (f.val[TK_UPKEEP])
        od_pl_load_upkeep(c, pol, f.val[TK_UPKEEP]);
    if (f.val[TK_CANDIDATES])
        od_pl_load_candidates(c, pol, f.val[TK_CANDIDATES]);
    const node *ksec[OD_PL_KSEC__COUNT] = {f.val[TK_CALENDARS],  f.val[TK_MATRICES],  f.val[TK_APPROVALS],
                                           f.val[TK_CHECKLISTS], f.val[TK_WORKFLOWS], f.val[TK_CLOCKS]};
    od_pl_load_kernel(c, pol, ksec);
    if (f.val[TK_SLA])
        od_pl_load_sla(c, pol, f.val[TK_SLA]);
}

/* ---- entry points ------------------------------------------------------ */

/* Orders the kept findings by position (stable), so they read like the file
 * even though sections are checked in a fixed order. */
static void sort_diags(od_policy_diags *d)
{
    for (size_t i = 1; i < d->n; i++) {
        od_policy_diag t = d->items[i];
        size_t j = i;
        while (j > 0 && (d->items[j - 1].line > t.line ||
                         (d->items[j - 1].line == t.line && d->items[j - 1].column > t.column))) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = t;
    }
}

/* Fills in every notification setting the file left out (templates per
 * kind and language, desks, system desk, attempt limit, link lifetime,
 * channels per level, drill tag) from d, the embedded default policy. */
static void merge_notify(od_notify_policy *n, const od_notify_policy *d)
{
    for (int k = 0; k < OD_MSG__COUNT; k++)
        for (int l = 0; l < OD_LANG__COUNT; l++)
            if (!n->templates[k][l].body[0])
                n->templates[k][l] = d->templates[k][l];
    if (!n->n_desks) { /* a list in the file replaces the default desks */
        memcpy(n->desks, d->desks, sizeof n->desks);
        n->n_desks = d->n_desks;
    }
    if (!n->system_desk[0])
        memcpy(n->system_desk, d->system_desk, sizeof n->system_desk);
    if (n->max_attempts <= 0)
        n->max_attempts = d->max_attempts;
    if (n->ack_link_ttl_ms <= 0)
        n->ack_link_ttl_ms = d->ack_link_ttl_ms;
    for (int g = 0; g < OD_GRADE__COUNT; g++)
        if (!n->level_channels[g])
            n->level_channels[g] = d->level_channels[g];
    if (!n->drill_tag_set) {
        memcpy(n->drill_tag, d->drill_tag, sizeof n->drill_tag);
        n->drill_tag_set = d->drill_tag_set;
    }
    if (!n->bridge[0])
        memcpy(n->bridge, d->bridge, sizeof n->bridge);
    if (!n->place[0])
        memcpy(n->place, d->place, sizeof n->place);
}

static od_err load(const char *yaml, size_t len, bool merge, od_policy **out, ctx *c);

/* Merges the embedded policy/default.yaml into pol (see merge_notify). */
static od_err merge_default(od_policy *pol, ctx *c)
{
    const struct od_embedded_file *f = od_embed_find(od_embedded_policy, "default.yaml");
    if (!f) {
        od_pl_diag(c, 0, 0, "embedded default policy missing");
        return OD_E_INTERNAL;
    }
    od_policy_diags dd;
    ctx dc = {&dd, false};
    dd.n = dd.total = 0;
    od_policy *d = NULL;
    od_err rc = load((const char *)f->data, f->len, false, &d, &dc);
    if (rc) {
        if (dc.nomem)
            od_pl_oom(c);
        else
            od_pl_diag(c, 0, 0, "embedded default policy invalid: %s", dd.n ? dd.items[0].message : "?");
        return rc;
    }
    merge_notify(&pol->notify, &d->notify);
    size_t before = c->d->total;
    od_pl_merge_kernel(c, pol, d);
    od_policy_free(d);
    return c->nomem ? OD_E_NOMEM : c->d->total > before ? OD_E_INVALID : OD_OK;
}

/* Loads the buffer onto a default policy; merge: then fills in from the
 * embedded default what the file left out. */
static od_err load(const char *yaml, size_t len, bool merge, od_policy **out, ctx *c)
{
    *out = NULL;
    if (len > OD_POLICY_FILE_MAX) {
        od_pl_diag(c, 1, 1, "policy file larger than %d bytes", OD_POLICY_FILE_MAX);
        return OD_E_INVALID;
    }
    if (!yaml && len)
        return OD_E_INVALID;
    node *root = od_pl_build_tree(c, yaml ? yaml : "", len);
    if (!root) {
        if (c->nomem)
            return OD_E_NOMEM;
        if (c->d->total == 0)
            od_pl_diag(c, 1, 1, "empty policy file");
        return OD_E_INVALID;
    }
    if (od_pl_is_null(root)) {
        od_pl_diag(c, 1, 1, "empty policy file");
        od_pl_node_free(root);
        return OD_E_INVALID;
    }
    od_policy *pol = od_policy_new_default();
    if (!pol) {
        od_pl_node_free(root);
        od_pl_oom(c);
        return OD_E_NOMEM;
    }
    load_root(c, pol, root);
    od_pl_node_free(root);
    if (!merge && !c->d->total) /* the embedded default: its kernel on its own */
        od_pl_check_kernel(c, pol);
    od_err rc = c->nomem ? OD_E_NOMEM : c->d->total ? OD_E_INVALID : OD_OK;
    if (!rc && merge)
        rc = merge_default(pol, c);
    if (rc) {
        sort_diags(c->d);
        od_policy_free(pol);
        return rc;
    }
    *out = pol;
    return OD_OK;
}

od_err od_policy_load_buffer(const char *yaml, size_t len, od_policy **out, od_policy_diags *diags)
{
    od_policy_diags local;
    ctx c = {diags ? diags : &local, false};
    c.d->n = 0;
    c.d->total = 0;
    return load(yaml, len, true, out, &c);
}

od_err od_policy_load_file(const char *path, od_policy **out, od_policy_diags *diags)
{
    return od_policy_load_file_sha(path, out, diags, NULL);
}

od_err od_policy_load_file_sha(const char *path, od_policy **out, od_policy_diags *diags,
                               unsigned char sha256[32])
{
    od_policy_diags local;
    ctx c = {diags ? diags : &local, false};
    c.d->n = 0;
    c.d->total = 0;
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    od_err rd = od_pl_read_file(&c, path, "policy", OD_POLICY_FILE_MAX, &buf, &len);
    if (rd)
        return rd;
    /* the hash of exactly the bytes loaded: the file may change meanwhile */
    if (sha256)
        crypto_hash_sha256(sha256, (const unsigned char *)buf, len);
    od_err rc = od_policy_load_buffer(buf, len, out, diags);
    free(buf);
    return rc;
}

void od_policy_diags_print(FILE *f, const char *path, const od_policy_diags *diags)
{
    for (size_t i = 0; i < diags->n; i++) {
        const od_policy_diag *g = &diags->items[i];
        fprintf(f, "%s%s%d:%d: %s\n", path ? path : "", path ? ":" : "", g->line, g->column, g->message);
    }
    if (diags->total > diags->n)
        fprintf(f, "... and %zu more\n", diags->total - diags->n);
}
