/* policy_load_kernel.c — the workflow kernel's sections of the policy file
 * (modules-spec §1.3–§1.6): `calendars:`, `priority_matrices:`,
 * `approvals:`, `checklists:`, `workflows:` and `clocks:`, loaded onto
 * od_policy.kernel (core/wf.h) with line-numbered, bilingual findings, then
 * checked as a whole: every action targets a known state, every state can
 * be reached, a closed state has no way out but `reopen`, and every role,
 * committee, guard, effect, approval step, checklist, clock, calendar and
 * matrix named exists; a matrix has all 9 cells.  Schema:
 * docs/internals/kernel.md and docs/policy.md. */
#include "core/placeholder.h"
#include "core/record_kind.h"
#include "core/wf.h"
#include "policy/policy_load_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

static bool key_ok(ctx *c, const node *k, const char *path)
{
    if (!od_pl_valid_cat_key(k->str) || strlen(k->str) >= OD_KEY_MAX) {
        char sk[64];
        od_pl_diag(c, k->line, k->col,
                   "%s: 键名无效 '%s' (invalid key '%s': lower-case letters, digits, _ and -)", path,
                   od_pl_shown(k->str, sk), od_pl_shown(k->str, sk));
        return false;
    }
    return true;
}

/* A scalar string copied into a fixed buffer; false after a finding. */
static bool get_fixed(ctx *c, const node *n, const char *path, char *dst, size_t size)
{
    const char *s;
    if (!od_pl_get_str(c, n, path, size, &s))
        return false;
    od_pl_copy_fixed(dst, size, s);
    return true;
}

/* The bilingual names zh/en of a mapping (both optional here). */
static void names(ctx *c, const fields *f, size_t zh, size_t en, const char *path, char *dzh, char *den)
{
    char p[PATH_MAX_LEN];
    if (f->val[zh]) {
        od_pl_sub(p, path, "zh");
        get_fixed(c, f->val[zh], p, dzh, OD_NAME_MAX);
    }
    if (f->val[en]) {
        od_pl_sub(p, path, "en");
        get_fixed(c, f->val[en], p, den, OD_NAME_MAX);
    }
}

/* Walks a mapping of user-chosen keys: calls fn(key node, value node, path). */
#define FOR_MAP(m, i) for (size_t i = 0; (m) && (m)->kind == N_MAP && i + 1 < (m)->n; i += 2)

/* ---- calendars ---- */

static const char *const day_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static bool parse_hhmm(const char *s, int *min)
{
    if (strlen(s) != 5 || s[2] != ':')
        return false;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return false;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return false;
    *min = h * 60 + m;
    return true;
}

/* "09:00-17:30" */
static bool parse_period(const char *s, od_cal_period *p)
{
    char a[6], b[6];
    if (strlen(s) != 11 || s[5] != '-')
        return false;
    memcpy(a, s, 5);
    a[5] = '\0';
    memcpy(b, s + 6, 5);
    b[5] = '\0';
    return parse_hhmm(a, &p->start_min) && parse_hhmm(b, &p->end_min) && p->start_min < p->end_min;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* "2026-02-14" → day number; false when not a real date. */
bool od_pl_parse_date(const char *s, int32_t *day, int *year)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    int32_t n = od_cal_days_from_civil(y, m, d);
    int yy, mm, dd;
    od_cal_civil_from_days(n, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
        return false;
    *day = n;
    *year = y;
    return true;
}

static void load_week(ctx *c, od_calendar *cal, const node *v, const char *path)
{
    fields f;
    f.what = "weekday";
    f.n = 8;
    for (int i = 0; i < 7; i++)
        f.names[i] = day_keys[i];
    f.names[7] = "weekdays"; /* shorthand for mon..fri */
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    for (int w = 0; w < 8; w++) {
        if (!f.val[w])
            continue;
        char p[PATH_MAX_LEN];
        od_pl_sub(p, path, f.names[w]);
        if (!od_pl_want(c, f.val[w], N_SEQ, p))
            continue;
        const node *l = f.val[w];
        if (l->n > OD_CAL_PERIODS_MAX) {
            od_pl_diag(c, l->line, l->col, "%s: 每天最多 %d 个时段 (at most %d periods a day)", p,
                       OD_CAL_PERIODS_MAX, OD_CAL_PERIODS_MAX);
            continue;
        }
        od_cal_period per[OD_CAL_PERIODS_MAX];
        bool ok = true;
        for (size_t i = 0; i < l->n; i++) {
            char pi[PATH_MAX_LEN];
            od_pl_idx(pi, p, i);
            const char *s;
            if (!od_pl_get_str(c, l->kids[i], pi, 16, &s)) {
                ok = false;
                continue;
            }
            if (!parse_period(s, &per[i]) || (i > 0 && per[i].start_min < per[i - 1].end_min)) {
                od_pl_diag(
                    c, l->kids[i]->line, l->kids[i]->col,
                    "%s: 时段应为 HH:MM-HH:MM 且按时间先后不重叠 (a period is HH:MM-HH:MM, in order, not "
                    "overlapping)",
                    pi);
                ok = false;
            }
        }
        if (!ok)
            continue;
        int from = w == 7 ? 0 : w, to = w == 7 ? 4 : w;
        for (int d = from; d <= to; d++) {
            memcpy(cal->week[d], per, l->n * sizeof per[0]);
            cal->n_periods[d] = (int)l->n;
        }
    }
}

void od_pl_load_days(ctx *c, od_calendar *cal, const node *v, const char *path)
{
    if (!od_pl_want(c, v, N_SEQ, path))
        return;
    for (size_t i = 0; i < v->n; i++) {
        char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
        od_pl_idx(p, path, i);
        fields f = {.what = "key", .names = {"date", "to", "type", "name"}, .n = 4};
        if (!od_pl_map_fields(c, v->kids[i], p, &f))
            continue;
        if (!od_pl_require_all(
                c, v->kids[i], p,
                &(fields){.what = "key", .names = {"date", "type"}, .n = 2, .key = {f.key[0], f.key[2]}}))
            continue;
        const char *s;
        int32_t d0, d1;
        int y0, y1;
        od_pl_sub(q, p, "date");
        if (!od_pl_get_str(c, f.val[0], q, 16, &s))
            continue;
        if (!od_pl_parse_date(s, &d0, &y0)) {
            od_pl_diag(c, f.val[0]->line, f.val[0]->col, "%s: 日期应为 YYYY-MM-DD (a date is YYYY-MM-DD)", q);
            continue;
        }
        d1 = d0;
        y1 = y0;
        if (f.val[1]) {
            od_pl_sub(q, p, "to");
            if (!od_pl_get_str(c, f.val[1], q, 16, &s))
                continue;
            if (!od_pl_parse_date(s, &d1, &y1) || d1 < d0 || d1 - d0 > 31) {
                od_pl_diag(c, f.val[1]->line, f.val[1]->col,
                           "%s: 结束日期应为 YYYY-MM-DD，不早于开始日期，跨度不超过 31 天 (an end date "
                           "YYYY-MM-DD, not "
                           "before the start, at most 31 days on)",
                           q);
                continue;
            }
        }
        od_pl_sub(q, p, "type");
        const char *t;
        if (!od_pl_get_str(c, f.val[2], q, 16, &t))
            continue;
        od_cal_day_type type;
        if (strcmp(t, "holiday") == 0)
            type = OD_CAL_HOLIDAY;
        else if (strcmp(t, "workday") == 0)
            type = OD_CAL_WORKDAY;
        else {
            od_pl_diag(c, f.val[2]->line, f.val[2]->col,
                       "%s: 应为 holiday 或 workday (must be holiday or workday)", q);
            continue;
        }
        char name[64] = "";
        if (f.val[3]) {
            od_pl_sub(q, p, "name");
            get_fixed(c, f.val[3], q, name, sizeof name);
        }
        for (int32_t d = d0; d <= d1; d++) {
            if (!od_cal_add_day(cal, d, type, name)) {
                od_pl_diag(c, v->kids[i]->line, v->kids[i]->col,
                           "%s: 特殊日期超过 %d 个 (more than %d special days)", p, OD_CAL_DAYS_MAX,
                           OD_CAL_DAYS_MAX);
                return;
            }
        }
        for (int y = y0; y <= y1; y++)
            if (!od_cal_year_loaded(cal, y) && cal->n_years < OD_CAL_YEARS_MAX)
                cal->years[cal->n_years++] = y;
    }
}

/* "+08:00" / "-05:30" / "Z" */
static bool parse_offset(const char *s, int *min)
{
    if (strcmp(s, "Z") == 0) {
        *min = 0;
        return true;
    }
    int m;
    if ((s[0] != '+' && s[0] != '-') || !parse_hhmm(s + 1, &m) || m > 14 * 60)
        return false;
    *min = s[0] == '-' ? -m : m;
    return true;
}

static void load_calendars(ctx *c, od_kernel *k, const node *v)
{
    if (!od_pl_want(c, v, N_MAP, "calendars"))
        return;
    FOR_MAP(v, i)
    {
        const node *kn = v->kids[i], *val = v->kids[i + 1];
        char path[PATH_MAX_LEN];
        od_pl_sub(path, "calendars", kn->str ? kn->str : "?");
        if (kn->kind != N_SCALAR)
            continue;
        if (strcmp(kn->str, "24x7") == 0) {
            od_pl_diag(c, kn->line, kn->col,
                       "%s: 24x7 为内置日历，不能重新定义 (24x7 is built in and cannot be redefined)", path);
            continue;
        }
        if (kn->kind != N_SCALAR || !key_ok(c, kn, "calendars"))
            continue;
        if (od_kernel_calendar(k, kn->str)) {
            od_pl_diag(c, kn->line, kn->col, "%s: 日历重复 (duplicate calendar)", path);
            continue;
        }
        if (k->n_calendars >= OD_CALENDARS_MAX) {
            od_pl_diag(c, kn->line, kn->col, "%s: 日历超过 %d 个 (more than %d calendars)", path,
                       OD_CALENDARS_MAX - 1, OD_CALENDARS_MAX - 1);
            return;
        }
        od_calendar *cal = &k->calendars[k->n_calendars];
        memset(cal, 0, sizeof *cal);
        od_pl_copy_fixed(cal->key, sizeof cal->key, kn->str);
        cal->line = kn->line;
        fields f = {.what = "key", .names = {"zh", "en", "utc_offset", "hours", "days"}, .n = 5};
        if (!od_pl_map_fields(c, val, path, &f))
            continue;
        od_pl_require_all(
            c, kn, path,
            &(fields){.what = "key", .names = {"utc_offset", "hours"}, .n = 2, .key = {f.key[2], f.key[3]}});
        names(c, &f, 0, 1, path, cal->name_zh, cal->name_en);
        char p[PATH_MAX_LEN];
        if (f.val[2]) {
            const char *s;
            od_pl_sub(p, path, "utc_offset");
            if (od_pl_get_str(c, f.val[2], p, 64, &s) && !parse_offset(s, &cal->utc_offset_min))
                od_pl_diag(c, f.val[2]->line, f.val[2]->col,
                           "%s: 应为 +HH:MM 形式的固定偏移 (a fixed offset such as +08:00; no DST)", p);
        }
        if (f.val[3]) {
            od_pl_sub(p, path, "hours");
            load_week(c, cal, f.val[3], p);
        }
        if (f.val[4]) {
            od_pl_sub(p, path, "days");
            od_pl_load_days(c, cal, f.val[4], p);
        }
        k->n_calendars++;
    }
}

/* ---- priority matrices ---- */

static int prio_parse(const char *s)
{
    if (s && s[0] == 'P' && s[1] >= '1' && s[1] <= '5' && !s[2])
        return s[1] - '0';
    return -1;
}

static const char *level_key_i(int i)
{
    static const char *const k[] = {"high", "medium", "low"};
    return k[i];
}

static void load_matrices(ctx *c, od_kernel *k, const node *v)
{
    if (!od_pl_want(c, v, N_MAP, "priority_matrices"))
        return;
    FOR_MAP(v, i)
    {
        const node *kn = v->kids[i];
        char path[PATH_MAX_LEN];
        od_pl_sub(path, "priority_matrices", kn->str ? kn->str : "?");
        if (kn->kind != N_SCALAR || !key_ok(c, kn, "priority_matrices"))
            continue;
        if (k->n_matrices >= OD_MATRICES_MAX) {
            od_pl_diag(c, kn->line, kn->col, "%s: 矩阵超过 %d 个 (more than %d matrices)", path,
                       OD_MATRICES_MAX, OD_MATRICES_MAX);
            return;
        }
        od_prio_matrix *m = &k->matrices[k->n_matrices];
        memset(m, 0, sizeof *m);
        od_pl_copy_fixed(m->key, sizeof m->key, kn->str);
        m->line = kn->line;
        fields fi;
        KEYS_OF(fi, "impact", level_key_i, OD_PRIO_LEVELS);
        if (!od_pl_map_fields(c, v->kids[i + 1], path, &fi))
            continue;
        for (int a = 0; a < OD_PRIO_LEVELS; a++) {
            char pa[PATH_MAX_LEN];
            od_pl_sub(pa, path, fi.names[a]);
            if (!fi.val[a]) {
                od_pl_diag(c, kn->line, kn->col, "%s: 缺少影响度 %s 一行 (missing impact row '%s')", path,
                           fi.names[a], fi.names[a]);
                continue;
            }
            fields fu;
            KEYS_OF(fu, "urgency", level_key_i, OD_PRIO_LEVELS);
            if (!od_pl_map_fields(c, fi.val[a], pa, &fu))
                continue;
            for (int u = 0; u < OD_PRIO_LEVELS; u++) {
                char pu[PATH_MAX_LEN];
                od_pl_sub(pu, pa, fu.names[u]);
                if (!fu.val[u]) {
                    od_pl_diag(c, fi.key[a]->line, fi.key[a]->col,
                               "%s: 缺少紧急度 %s 单元格 (missing cell: urgency '%s')", pa, fu.names[u],
                               fu.names[u]);
                    continue;
                }
                const char *s;
                if (!od_pl_get_str(c, fu.val[u], pu, 8, &s))
                    continue;
                if ((m->cell[a][u] = prio_parse(s)) < 0) {
                    m->cell[a][u] = 0;
                    od_pl_diag(c, fu.val[u]->line, fu.val[u]->col,
                               "%s: 优先级应为 P1…P5 (a priority is P1…P5)", pu);
                }
            }
        }
        k->n_matrices++;
    }
}

/* ---- who ---- */

static bool parse_who(ctx *c, const node *n, const char *path, od_wf_who *w)
{
    const char *s;
    if (!od_pl_get_str(c, n, path, OD_KEY_MAX + 16, &s))
        return false;
    memset(w, 0, sizeof *w);
    w->line = n->line;
    const char *key = s;
    if (strcmp(s, "system") == 0) {
        w->kind = OD_WHO_SYSTEM;
        return true;
    }
    if (strcmp(s, "superior") == 0) { /* the approver's department heads: escalations only */
        if (!strstr(path, "escalate_to")) {
            od_pl_diag(
                c, n->line, n->col,
                "%s: superior 只能用于审批的 escalate_to (superior is for an approval's escalate_to only)",
                path);
            return false;
        }
        w->kind = OD_WHO_SUPERIOR;
        return true;
    }
    if (strncmp(s, "field:", 6) == 0) {
        w->kind = OD_WHO_FIELD;
        key = s + 6;
    } else if (strncmp(s, "committee:", 10) == 0) {
        w->kind = OD_WHO_COMMITTEE;
        key = s + 10;
    } else {
        w->kind = OD_WHO_ROLE;
    }
    char sk[64];
    if (!od_pl_valid_cat_key(key) || strlen(key) >= OD_KEY_MAX) {
        od_pl_diag(c, n->line, n->col, "%s: 无效的执行人 '%s' (invalid who '%s')", path, od_pl_shown(s, sk),
                   od_pl_shown(s, sk));
        return false;
    }
    if (w->kind == OD_WHO_ROLE && !od_wf_role_known(key)) {
        od_pl_diag(c, n->line, n->col, "%s: 未知角色 '%s' (unknown role '%s')", path, od_pl_shown(key, sk),
                   od_pl_shown(key, sk));
        return false;
    }
    if (w->kind == OD_WHO_COMMITTEE && !od_wf_committee_known(key)) {
        od_pl_diag(c, n->line, n->col, "%s: 未知委员会 '%s' (unknown committee '%s')", path,
                   od_pl_shown(key, sk), od_pl_shown(key, sk));
        return false;
    }
    od_pl_copy_fixed(w->key, sizeof w->key, key);
    return true;
}

static void load_who_list(ctx *c, const node *v, const char *path, od_wf_who *out, size_t *n)
{
    *n = 0;
    if (!od_pl_want(c, v, N_SEQ, path))
        return;
    if (v->n > OD_WF_WHO_MAX) {
        od_pl_diag(c, v->line, v->col, "%s: 最多 %d 项 (at most %d entries)", path, OD_WF_WHO_MAX,
                   OD_WF_WHO_MAX);
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        char p[PATH_MAX_LEN];
        od_pl_idx(p, path, i);
        if (parse_who(c, v->kids[i], p, &out[*n]))
            (*n)++;
    }
}

/* ---- approvals ---- */

static const char *decision_i(int i)
{
    return od_appr_decision_key((od_appr_decision)i);
}

static void load_approvals(ctx *c, od_kernel *k, const node *v)
{
    if (!od_pl_want(c, v, N_MAP, "approvals"))
        return;
    FOR_MAP(v, i)
    {
        const node *kn = v->kids[i];
        char path[PATH_MAX_LEN], p[PATH_MAX_LEN];
        od_pl_sub(path, "approvals", kn->str ? kn->str : "?");
        if (kn->kind != N_SCALAR || !key_ok(c, kn, "approvals"))
            continue;
        if (k->n_approvals >= OD_APPR_STEPS_MAX) {
            od_pl_diag(c, kn->line, kn->col, "%s: 审批步骤超过 %d 个 (more than %d approval steps)", path,
                       OD_APPR_STEPS_MAX, OD_APPR_STEPS_MAX);
            return;
        }
        od_wf_approval_def *a = &k->approvals[k->n_approvals];
        memset(a, 0, sizeof *a);
        od_pl_copy_fixed(a->key, sizeof a->key, kn->str);
        a->line = kn->line;
        a->rule.comment_required_on = (1u << OD_VOTE_REJECT) | (1u << OD_VOTE_MORE_INFO);
        fields f = {.what = "key",
                    .names = {"zh", "en", "approvers", "mode", "decisions", "comment_required_on", "due",
                              "calendar", "remind_after", "escalate_after", "escalate_to"},
                    .n = 11};
        if (!od_pl_map_fields(c, v->kids[i + 1], path, &f))
            continue;
        od_pl_require_one(c, kn, path, &f, 2);
        names(c, &f, 0, 1, path, a->name_zh, a->name_en);
        if (f.val[2]) {
            od_pl_sub(p, path, "approvers");
            load_who_list(c, f.val[2], p, a->approvers, &a->n_approvers);
        }
        if (f.val[3]) {
            od_pl_sub(p, path, "mode");
            const node *m = f.val[3];
            if (m->kind == N_SCALAR && m->str && strcmp(m->str, "any") == 0)
                a->rule.mode = OD_APPR_ANY;
            else if (m->kind == N_SCALAR && m->str && strcmp(m->str, "all") == 0)
                a->rule.mode = OD_APPR_ALL;
            else if (m->kind == N_MAP) {
                fields q = {.what = "quorum", .names = {"quorum_count", "quorum_percent"}, .n = 2};
                if (od_pl_map_fields(c, m, p, &q)) {
                    if (q.val[0] && !q.val[1]) {
                        a->rule.mode = OD_APPR_QUORUM_COUNT;
                        od_pl_get_int(c, q.val[0], p, 1, OD_APPROVERS_MAX, &a->rule.quorum);
                    } else if (q.val[1] && !q.val[0]) {
                        a->rule.mode = OD_APPR_QUORUM_PERCENT;
                        od_pl_get_int(c, q.val[1], p, 1, 100, &a->rule.quorum);
                    } else
                        od_pl_diag(c, m->line, m->col,
                                   "%s: 需要 quorum_count 或 quorum_percent 之一 (one of quorum_count, "
                                   "quorum_percent)",
                                   p);
                }
            } else
                od_pl_diag(
                    c, m->line, m->col,
                    "%s: 应为 any、all 或 {quorum_count: N} / {quorum_percent: N} (any, all or a quorum)", p);
        }
        uint64_t bits;
        if (f.val[4]) {
            od_pl_sub(p, path, "decisions");
            if (od_pl_get_enum_set(c, f.val[4], p, "decision", od_appr_decision_parse, decision_i,
                                   OD_VOTE__COUNT, &bits))
                a->rule.decisions_allowed = (unsigned)bits;
        }
        if (f.val[5]) {
            od_pl_sub(p, path, "comment_required_on");
            if (od_pl_get_enum_set(c, f.val[5], p, "decision", od_appr_decision_parse, decision_i,
                                   OD_VOTE__COUNT, &bits))
                a->rule.comment_required_on = (unsigned)bits;
        }
        if (f.val[6]) {
            od_pl_sub(p, path, "due");
            od_pl_get_duration(c, f.val[6], p, true, &a->due_ms);
        }
        if (f.val[7]) {
            od_pl_sub(p, path, "calendar");
            get_fixed(c, f.val[7], p, a->due_calendar, sizeof a->due_calendar);
        }
        if (f.val[8]) {
            od_pl_sub(p, path, "remind_after");
            od_pl_get_duration(c, f.val[8], p, true, &a->remind_after_ms);
        }
        if (f.val[9]) {
            od_pl_sub(p, path, "escalate_after");
            od_pl_get_duration(c, f.val[9], p, true, &a->escalate_after_ms);
        }
        if (f.val[10]) {
            od_pl_sub(p, path, "escalate_to");
            load_who_list(c, f.val[10], p, a->escalate_to, &a->n_escalate_to);
        }
        if (a->escalate_after_ms && !a->n_escalate_to)
            od_pl_diag(c, kn->line, kn->col,
                       "%s: escalate_after 需要 escalate_to (escalate_after needs escalate_to)", path);
        k->n_approvals++;
    }
}

/* ---- checklists ---- */

static const char *type_key_i(int i)
{
    return od_cl_type_key((od_cl_type)i);
}
static const char *on_fail_key_i(int i)
{
    return od_cl_on_fail_key((od_cl_on_fail)i);
}
static const char *category_key_i(int i)
{
    return od_wf_category_key((od_wf_category)i);
}

static void load_item(ctx *c, od_cl_item *it, const node *v, const char *path)
{
    fields f = {.what = "key",
                .names = {"key", "zh", "en", "type", "required", "on_fail", "unit", "min", "max", "options",
                          "fail_on", "severity"},
                .n = 12};
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    od_pl_require_all(
        c, v, path,
        &(fields){
            .what = "key", .names = {"key", "zh", "type"}, .n = 3, .key = {f.key[0], f.key[1], f.key[3]}});
    char p[PATH_MAX_LEN];
    if (f.val[0]) {
        od_pl_sub(p, path, "key");
        get_fixed(c, f.val[0], p, it->key, sizeof it->key);
    }
    names(c, &f, 1, 2, path, it->text_zh, it->text_en);
    for (int l = 1; l <= 2; l++) { /* placeholders: only the known ones, well formed */
        char bad[64], sk[64];
        od_ph_status st =
            f.val[l] ? od_ph_check(l == 1 ? it->text_zh : it->text_en, bad, sizeof bad) : OD_PH_OK;
        if (st == OD_PH_UNKNOWN)
            od_pl_diag(c, f.val[l]->line, f.val[l]->col,
                       "%s.%s: 未知占位符 '%s'（可用 record.number、record.title、record.kind、"
                       "record.department、record.priority、ci.name、ci.names）(unknown placeholder '%s')",
                       path, l == 1 ? "zh" : "en", od_pl_shown(bad, sk), od_pl_shown(bad, sk));
        else if (st != OD_PH_OK)
            od_pl_diag(
                c, f.val[l]->line, f.val[l]->col,
                "%s.%s: 占位符格式错误 '%s'，应为 {{name}} (malformed placeholder '%s': write {{name}})",
                path, l == 1 ? "zh" : "en", od_pl_shown(bad, sk), od_pl_shown(bad, sk));
    }
    if (f.val[3]) {
        od_pl_sub(p, path, "type");
        int t = od_pl_get_enum(c, f.val[3], p, "item type", od_cl_type_parse, type_key_i, OD_CL__TYPES);
        if (t >= 0)
            it->type = (od_cl_type)t;
    }
    if (f.val[4]) {
        od_pl_sub(p, path, "required");
        od_pl_get_bool(c, f.val[4], p, &it->required);
    }
    if (f.val[5] && f.val[5]->kind == N_MAP) {
        /* {create: KIND, link: LINK}: a record made through KIND's create action */
        od_pl_sub(p, path, "on_fail");
        fields of = {.what = "on_fail", .names = {"create", "link"}, .n = 2};
        if (od_pl_map_fields(c, f.val[5], p, &of)) {
            od_pl_require_all(c, f.val[5], p, &of);
            char q[PATH_MAX_LEN];
            if (of.val[0]) {
                od_pl_sub(q, p, "create");
                get_fixed(c, of.val[0], q, it->fail_create, sizeof it->fail_create);
                if (it->fail_create[0] && od_rkind_parse(it->fail_create) < 0)
                    od_pl_diag(c, of.val[0]->line, of.val[0]->col,
                               "%s: 未知记录类型 '%s' (unknown record kind '%s')", q, it->fail_create,
                               it->fail_create);
            }
            if (of.val[1]) {
                od_pl_sub(q, p, "link");
                get_fixed(c, of.val[1], q, it->fail_link, sizeof it->fail_link);
                if (it->fail_link[0] && od_rlink_parse(it->fail_link) < 0)
                    od_pl_diag(c, of.val[1]->line, of.val[1]->col,
                               "%s: 未知关联类型 '%s' (unknown link kind '%s')", q, it->fail_link,
                               it->fail_link);
            }
            int t = od_cl_on_fail_parse(it->fail_create);
            it->on_fail = t > 0 ? (od_cl_on_fail)t : OD_CL_FAIL_NONE;
        }
    } else if (f.val[5]) {
        od_pl_sub(p, path, "on_fail");
        int t =
            od_pl_get_enum(c, f.val[5], p, "on_fail", od_cl_on_fail_parse, on_fail_key_i, OD_CL_FAIL__COUNT);
        if (t == OD_CL_FAIL_FINDING)
            od_pl_diag(
                c, f.val[5]->line, f.val[5]->col,
                "%s: finding 不是记录类型：未通过的项都须记录发现；写 problem、incident 或 event，或省略 "
                "on_fail "
                "(finding names no record kind: every failed item needs a finding recorded anyway; write "
                "problem, incident or event, or leave on_fail out)",
                p);
        else if (t >= 0)
            it->on_fail = (od_cl_on_fail)t;
    }
    if (f.val[11]) {
        od_pl_sub(p, path, "severity");
        int sv =
            od_pl_get_enum(c, f.val[11], p, "severity", od_severity_parse, od_pl_sev_key_i, OD_SEV__COUNT);
        if (sv >= 0)
            it->fail_severity = sv + 1;
    }
    if (f.val[6]) {
        od_pl_sub(p, path, "unit");
        get_fixed(c, f.val[6], p, it->unit, sizeof it->unit);
    }
    for (int b = 0; b < 2; b++) {
        const node *n = f.val[7 + b];
        if (!n)
            continue;
        od_pl_sub(p, path, b ? "max" : "min");
        const char *s;
        if (!od_pl_get_str(c, n, p, 32, &s))
            continue;
        char *end;
        double d = strtod(s, &end);
        if (*end || d != d) {
            od_pl_diag(c, n->line, n->col, "%s: 应为数字 (must be a number)", p);
            continue;
        }
        if (b) {
            it->has_max = true;
            it->max = d;
        } else {
            it->has_min = true;
            it->min = d;
        }
    }
    if (f.val[9]) {
        od_pl_sub(p, path, "options");
        const node *l = f.val[9];
        if (od_pl_want(c, l, N_SEQ, p)) {
            if (l->n > OD_CL_OPTIONS_MAX)
                od_pl_diag(c, l->line, l->col, "%s: 选项最多 %d 个 (at most %d options)", p,
                           OD_CL_OPTIONS_MAX, OD_CL_OPTIONS_MAX);
            for (size_t i = 0; i < l->n && i < OD_CL_OPTIONS_MAX; i++) {
                char q[PATH_MAX_LEN];
                od_pl_idx(q, p, i);
                if (get_fixed(c, l->kids[i], q, it->options[it->n_options], OD_KEY_MAX))
                    it->n_options++;
            }
        }
    }
    if (f.val[10]) {
        od_pl_sub(p, path, "fail_on");
        const node *l = f.val[10];
        if (od_pl_want(c, l, N_SEQ, p))
            for (size_t i = 0; i < l->n; i++) {
                const node *o = l->kids[i];
                size_t j = 0;
                while (o->kind == N_SCALAR && j < it->n_options && strcmp(it->options[j], o->str) != 0)
                    j++;
                if (o->kind != N_SCALAR || j == it->n_options)
                    od_pl_diag(c, o->line, o->col, "%s: 不是该项的选项 (not one of the item's options)", p);
                else
                    it->fail_on |= 1u << j;
            }
    }
    if (it->type == OD_CL_CHOICE && it->n_options == 0)
        od_pl_diag(c, v->line, v->col, "%s: 选择项需要 options (a choice item needs options)", path);
    if (it->has_min && it->has_max && it->min > it->max)
        od_pl_diag(c, v->line, v->col, "%s: min 大于 max (min is above max)", path);
}

static void load_checklists(ctx *c, od_kernel *k, const node *v)
{
    if (!od_pl_want(c, v, N_MAP, "checklists"))
        return;
    FOR_MAP(v, i)
    {
        const node *kn = v->kids[i];
        char path[PATH_MAX_LEN], p[PATH_MAX_LEN];
        od_pl_sub(path, "checklists", kn->str ? kn->str : "?");
        if (kn->kind != N_SCALAR || !key_ok(c, kn, "checklists"))
            continue;
        if (k->n_checklists >= OD_CL_TEMPLATES_MAX) {
            od_pl_diag(c, kn->line, kn->col, "%s: 检查单模板超过 %d 个 (more than %d checklist templates)",
                       path, OD_CL_TEMPLATES_MAX, OD_CL_TEMPLATES_MAX);
            return;
        }
        od_cl_template *t = &k->checklists[k->n_checklists];
        memset(t, 0, sizeof *t);
        od_pl_copy_fixed(t->key, sizeof t->key, kn->str);
        t->line = kn->line;
        t->version = 1;
        fields f = {.what = "key", .names = {"zh", "en", "version", "items"}, .n = 4};
        if (!od_pl_map_fields(c, v->kids[i + 1], path, &f))
            continue;
        od_pl_require_one(c, kn, path, &f, 3);
        names(c, &f, 0, 1, path, t->name_zh, t->name_en);
        if (f.val[2]) {
            od_pl_sub(p, path, "version");
            od_pl_get_int(c, f.val[2], p, 1, 1000000, &t->version);
        }
        if (f.val[3]) {
            od_pl_sub(p, path, "items");
            const node *l = f.val[3];
            if (od_pl_want(c, l, N_SEQ, p)) {
                if (l->n > OD_CL_ITEMS_MAX)
                    od_pl_diag(c, l->line, l->col, "%s: 最多 %d 项 (at most %d items)", p, OD_CL_ITEMS_MAX,
                               OD_CL_ITEMS_MAX);
                for (size_t j = 0; j < l->n && j < OD_CL_ITEMS_MAX; j++) {
                    char q[PATH_MAX_LEN];
                    od_pl_idx(q, p, j);
                    load_item(c, &t->items[t->n_items++], l->kids[j], q);
                }
            }
        }
        k->n_checklists++;
    }
}

/* ---- workflows ---- */

/* The argument list of a guard or an effect: a scalar or a list of them. */
static size_t get_args(ctx *c, const node *n, const char *path, char (*out)[OD_KEY_MAX], size_t max)
{
    if (n->kind == N_SCALAR)
        return get_fixed(c, n, path, out[0], OD_KEY_MAX) ? 1 : 0;
    if (!od_pl_want(c, n, N_SEQ, path))
        return 0;
    if (n->n > max || n->n == 0) {
        od_pl_diag(c, n->line, n->col, "%s: 需要 1 至 %zu 个参数 (needs 1 to %zu arguments)", path, max, max);
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++) {
        char p[PATH_MAX_LEN];
        od_pl_idx(p, path, i);
        if (get_fixed(c, n->kids[i], p, out[k], OD_KEY_MAX))
            k++;
    }
    return k;
}

/* The arity each guard takes: min and max arguments. */
static const int guard_arity[OD_G__COUNT][2] = {
    [OD_G_FIELDS_REQUIRED] = {1, OD_WF_ARGS_MAX},
    [OD_G_APPROVAL_COMPLETE] = {1, 1},
    [OD_G_CHECKLIST_COMPLETE] = {1, 1},
    [OD_G_LINK_EXISTS] = {1, 2},
    [OD_G_NO_OPEN_LINKS] = {1, 1},
    [OD_G_REASON_REQUIRED] = {0, 0},
    [OD_G_ACTOR_NOT] = {1, 1},
    [OD_G_AUTHORITY] = {1, 1},
};

static bool guard_one(ctx *c, const node *n, const char *path, od_wf_guard *g, int group)
{
    memset(g, 0, sizeof *g);
    g->line = n->line;
    g->any_group = group;
    char sk[64];
    const node *name = n, *arg = NULL, *when = NULL;
    if (n->kind == N_MAP) {
        name = NULL;
        for (size_t i = 0; i + 1 < n->n; i += 2) {
            const node *k = n->kids[i];
            if (k->kind == N_SCALAR && strcmp(k->str, "when") == 0)
                when = n->kids[i + 1];
            else if (!name) {
                name = k;
                arg = n->kids[i + 1];
            } else {
                od_pl_diag(c, k->line, k->col, "%s: 每项只能有一个条件 (one guard per entry)", path);
                return false;
            }
        }
        if (!name) {
            od_pl_diag(c, n->line, n->col, "%s: 缺少条件名 (missing the guard's name)", path);
            return false;
        }
    }
    if (name->kind != N_SCALAR) {
        od_pl_diag(c, name->line, name->col, "%s: 应为条件名或 {条件: 参数} (a guard name or {guard: args})",
                   path);
        return false;
    }
    int kind = od_wf_guard_parse(name->str);
    if (kind < 0) {
        od_pl_diag(c, name->line, name->col, "%s: 未知条件 '%s' (unknown guard '%s')", path,
                   od_pl_shown(name->str, sk), od_pl_shown(name->str, sk));
        return false;
    }
    g->kind = (od_wf_guard_kind)kind;
    if (arg && !(arg->kind == N_SCALAR && od_pl_is_null(arg)))
        g->n_args = get_args(c, arg, path, g->args, OD_WF_ARGS_MAX);
    if ((int)g->n_args < guard_arity[kind][0] || (int)g->n_args > guard_arity[kind][1]) {
        od_pl_diag(c, name->line, name->col,
                   "%s: 条件 %s 需要 %d 至 %d 个参数 (guard %s takes %d to %d arguments)", path, name->str,
                   guard_arity[kind][0], guard_arity[kind][1], name->str, guard_arity[kind][0],
                   guard_arity[kind][1]);
        return false;
    }
    if (when) {
        char p[PATH_MAX_LEN];
        od_pl_sub(p, path, "when");
        if (!get_fixed(c, when, p, g->when, sizeof g->when))
            return false;
    }
    return true;
}

static void load_guards(ctx *c, od_wf_action *a, const node *v, const char *path)
{
    if (!od_pl_want(c, v, N_SEQ, path))
        return;
    int group = 0;
    for (size_t i = 0; i < v->n; i++) {
        char p[PATH_MAX_LEN];
        od_pl_idx(p, path, i);
        const node *n = v->kids[i];
        /* any_of: [guard, guard, …] */
        if (n->kind == N_MAP && n->n == 2 && n->kids[0]->kind == N_SCALAR &&
            strcmp(n->kids[0]->str, "any_of") == 0) {
            const node *l = n->kids[1];
            if (!od_pl_want(c, l, N_SEQ, p))
                continue;
            group++;
            for (size_t j = 0; j < l->n; j++) {
                char q[PATH_MAX_LEN];
                od_pl_idx(q, p, j);
                if (a->n_guards >= OD_WF_GUARDS_MAX) {
                    od_pl_diag(c, l->kids[j]->line, l->kids[j]->col,
                               "%s: 条件超过 %d 个 (more than %d guards)", q, OD_WF_GUARDS_MAX,
                               OD_WF_GUARDS_MAX);
                    return;
                }
                if (guard_one(c, l->kids[j], q, &a->guards[a->n_guards], group))
                    a->n_guards++;
            }
            continue;
        }
        if (a->n_guards >= OD_WF_GUARDS_MAX) {
            od_pl_diag(c, n->line, n->col, "%s: 条件超过 %d 个 (more than %d guards)", p, OD_WF_GUARDS_MAX,
                       OD_WF_GUARDS_MAX);
            return;
        }
        if (guard_one(c, n, p, &a->guards[a->n_guards], 0))
            a->n_guards++;
    }
}

static bool effect_one(ctx *c, const node *n, const char *path, od_wf_effect *e)
{
    memset(e, 0, sizeof *e);
    e->line = n->line;
    char sk[64];
    if (n->kind != N_MAP || n->n != 2 || n->kids[0]->kind != N_SCALAR) {
        od_pl_diag(c, n->line, n->col, "%s: 应为 {效果: 参数} (an effect is {effect: args})", path);
        return false;
    }
    const node *name = n->kids[0], *arg = n->kids[1];
    int kind = od_wf_effect_parse(name->str);
    if (kind < 0) {
        od_pl_diag(c, name->line, name->col, "%s: 未知效果 '%s' (unknown effect '%s')", path,
                   od_pl_shown(name->str, sk), od_pl_shown(name->str, sk));
        return false;
    }
    e->kind = (od_wf_effect_kind)kind;
    char args[2][OD_KEY_MAX];
    size_t na = get_args(c, arg, path, args, 2);
    size_t want = kind == OD_FX_CLOCK || kind == OD_FX_OPEN_CHECKLIST || kind == OD_FX_SCHEDULE ? 2 : 1;
    if (na != want) {
        od_pl_diag(c, name->line, name->col, "%s: 效果 %s 需要 %zu 个参数 (effect %s takes %zu arguments)",
                   path, name->str, want, name->str, want);
        return false;
    }
    memcpy(e->a, args[0], OD_KEY_MAX);
    if (kind == OD_FX_CLOCK) {
        int op = od_sla_op_parse(args[1]);
        if (op < 0) {
            od_pl_diag(c, arg->line, arg->col,
                       "%s: 计时操作应为 start/pause/resume/stop/cancel (a clock op is start, pause, resume, "
                       "stop or "
                       "cancel)",
                       path);
            return false;
        }
        e->op = (od_sla_op)op;
    } else if (kind == OD_FX_SCHEDULE) {
        od_pl_get_duration(c, arg->kids[1], path, false, &e->offset_ms);
    } else if (kind == OD_FX_OPEN_CHECKLIST) {
        memcpy(e->b, args[1], OD_KEY_MAX);
    }
    return true;
}

static void load_effects(ctx *c, od_wf_action *a, const node *v, const char *path)
{
    if (!od_pl_want(c, v, N_SEQ, path))
        return;
    for (size_t i = 0; i < v->n; i++) {
        char p[PATH_MAX_LEN];
        od_pl_idx(p, path, i);
        if (a->n_effects >= OD_WF_EFFECTS_MAX) {
            od_pl_diag(c, v->kids[i]->line, v->kids[i]->col, "%s: 效果超过 %d 个 (more than %d effects)", p,
                       OD_WF_EFFECTS_MAX, OD_WF_EFFECTS_MAX);
            return;
        }
        if (effect_one(c, v->kids[i], p, &a->effects[a->n_effects]))
            a->n_effects++;
    }
}

static int state_ref(ctx *c, od_wf_def *d, const node *n, const char *path)
{
    const char *s;
    if (!od_pl_get_str(c, n, path, OD_KEY_MAX, &s))
        return -1;
    int i = od_wf_state_index(d, s);
    if (i < 0) {
        char sk[64];
        od_pl_diag(c, n->line, n->col, "%s: 未知状态 '%s' (unknown state '%s')", path, od_pl_shown(s, sk),
                   od_pl_shown(s, sk));
    }
    return i;
}

static void load_action(ctx *c, od_wf_def *d, od_wf_action *a, const node *kn, const node *v,
                        const char *path)
{
    od_pl_copy_fixed(a->key, sizeof a->key, kn->str);
    a->line = kn->line;
    a->to = -1;
    fields f = {.what = "key", .names = {"zh", "en", "from", "to", "who", "guards", "effects"}, .n = 7};
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    od_pl_require_one(c, kn, path, &f, 2);
    names(c, &f, 0, 1, path, a->name_zh, a->name_en);
    char p[PATH_MAX_LEN];
    if (f.val[2]) {
        od_pl_sub(p, path, "from");
        const node *l = f.val[2];
        if (od_pl_want(c, l, N_SEQ, p))
            for (size_t i = 0; i < l->n && a->n_from < OD_WF_STATES_MAX; i++) {
                char q[PATH_MAX_LEN];
                od_pl_idx(q, p, i);
                int s = state_ref(c, d, l->kids[i], q);
                if (s >= 0)
                    a->from[a->n_from++] = s;
            }
    }
    if (f.val[3]) {
        od_pl_sub(p, path, "to");
        a->to = state_ref(c, d, f.val[3], p);
        a->to_line = f.val[3]->line;
        if (a->to < 0)
            a->to = -2; /* reported; do not read as "stays" */
    }
    if (f.val[4]) {
        od_pl_sub(p, path, "who");
        load_who_list(c, f.val[4], p, a->who, &a->n_who);
    }
    if (f.val[5]) {
        od_pl_sub(p, path, "guards");
        load_guards(c, a, f.val[5], p);
    }
    if (f.val[6]) {
        od_pl_sub(p, path, "effects");
        load_effects(c, a, f.val[6], p);
    }
}

static void load_workflow(ctx *c, od_wf_def *d, const node *kn, const node *v, const char *path)
{
    od_pl_copy_fixed(d->kind, sizeof d->kind, kn->str);
    d->line = kn->line;
    fields f = {.what = "key", .names = {"states", "actions", "authorities", "templates"}, .n = 4};
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    if (!od_pl_require_all(
            c, kn, path,
            &(fields){.what = "key", .names = {"states", "actions"}, .n = 2, .key = {f.key[0], f.key[1]}}))
        return;
    char p[PATH_MAX_LEN];
    od_pl_sub(p, path, "states");
    if (od_pl_want(c, f.val[0], N_MAP, p)) {
        FOR_MAP(f.val[0], i)
        {
            const node *sk = f.val[0]->kids[i];
            char q[PATH_MAX_LEN];
            od_pl_sub(q, p, sk->kind == N_SCALAR ? sk->str : "?");
            if (sk->kind != N_SCALAR || !key_ok(c, sk, p))
                continue;
            if (d->n_states >= OD_WF_STATES_MAX) {
                od_pl_diag(c, sk->line, sk->col, "%s: 状态超过 %d 个 (more than %d states)", q,
                           OD_WF_STATES_MAX, OD_WF_STATES_MAX);
                break;
            }
            if (od_wf_state_index(d, sk->str) >= 0)
                continue; /* od_pl_build_tree refuses duplicate keys */
            od_wf_state *s = &d->states[d->n_states];
            od_pl_copy_fixed(s->key, sizeof s->key, sk->str);
            s->line = sk->line;
            fields fs = {.what = "key", .names = {"zh", "en", "category"}, .n = 3};
            if (!od_pl_map_fields(c, f.val[0]->kids[i + 1], q, &fs))
                continue;
            od_pl_require_all(c, sk, q, &fs);
            names(c, &fs, 0, 1, q, s->name_zh, s->name_en);
            if (fs.val[2]) {
                char r[PATH_MAX_LEN];
                od_pl_sub(r, q, "category");
                int cat = od_pl_get_enum(c, fs.val[2], r, "category", od_wf_category_parse, category_key_i,
                                         OD_WF__CATEGORIES);
                if (cat >= 0)
                    s->category = (od_wf_category)cat;
            }
            d->n_states++;
        }
    }
    if (f.val[2]) {
        od_pl_sub(p, path, "authorities");
        if (od_pl_want(c, f.val[2], N_MAP, p))
            FOR_MAP(f.val[2], i)
            {
                const node *ak = f.val[2]->kids[i];
                char q[PATH_MAX_LEN];
                od_pl_sub(q, p, ak->kind == N_SCALAR ? ak->str : "?");
                if (ak->kind != N_SCALAR || !key_ok(c, ak, p) || d->n_authorities >= OD_WF_AUTH_MAX)
                    continue;
                od_wf_authority *au = &d->authorities[d->n_authorities++];
                od_pl_copy_fixed(au->key, sizeof au->key, ak->str);
                load_who_list(c, f.val[2]->kids[i + 1], q, au->who, &au->n_who);
            }
    }
    if (f.val[3]) {
        /* templates: {KEY: {zh, en}}: what a notify effect or threshold tells */
        od_pl_sub(p, path, "templates");
        if (od_pl_want(c, f.val[3], N_MAP, p))
            FOR_MAP(f.val[3], i)
            {
                const node *tk = f.val[3]->kids[i];
                char q[PATH_MAX_LEN];
                od_pl_sub(q, p, tk->kind == N_SCALAR ? tk->str : "?");
                if (tk->kind != N_SCALAR || !tk->str || !tk->str[0])
                    continue;
                if (d->n_templates >= OD_WF_TEMPLATES_MAX) {
                    od_pl_diag(c, tk->line, tk->col, "%s: 模板超过 %d 个 (more than %d templates)", q,
                               OD_WF_TEMPLATES_MAX, OD_WF_TEMPLATES_MAX);
                    break;
                }
                od_wf_template *t = &d->templates[d->n_templates];
                od_pl_copy_fixed(t->key, sizeof t->key, tk->str);
                t->line = tk->line;
                fields ft = {.what = "key", .names = {"zh", "en"}, .n = 2};
                if (!od_pl_map_fields(c, f.val[3]->kids[i + 1], q, &ft))
                    continue;
                od_pl_require_all(c, tk, q, &ft);
                names(c, &ft, 0, 1, q, t->text_zh, t->text_en);
                d->n_templates++;
            }
    }
    od_pl_sub(p, path, "actions");
    if (od_pl_want(c, f.val[1], N_MAP, p)) {
        FOR_MAP(f.val[1], i)
        {
            const node *ak = f.val[1]->kids[i];
            char q[PATH_MAX_LEN];
            od_pl_sub(q, p, ak->kind == N_SCALAR ? ak->str : "?");
            if (ak->kind != N_SCALAR || !key_ok(c, ak, p))
                continue;
            if (d->n_actions >= OD_WF_ACTIONS_MAX) {
                od_pl_diag(c, ak->line, ak->col, "%s: 操作超过 %d 个 (more than %d actions)", q,
                           OD_WF_ACTIONS_MAX, OD_WF_ACTIONS_MAX);
                break;
            }
            load_action(c, d, &d->actions[d->n_actions++], ak, f.val[1]->kids[i + 1], q);
        }
    }
}

static void load_workflows(ctx *c, od_kernel *k, const node *v)
{
    if (!od_pl_want(c, v, N_MAP, "workflows"))
        return;
    FOR_MAP(v, i)
    {
        const node *kn = v->kids[i];
        char path[PATH_MAX_LEN];
        od_pl_sub(path, "workflows", kn->kind == N_SCALAR ? kn->str : "?");
        if (kn->kind != N_SCALAR || !key_ok(c, kn, "workflows"))
            continue;
        if (k->n_workflows >= OD_WF_KINDS_MAX) {
            od_pl_diag(c, kn->line, kn->col, "%s: 工作流超过 %d 个 (more than %d workflows)", path,
                       OD_WF_KINDS_MAX, OD_WF_KINDS_MAX);
            return;
        }
        od_wf_def *d = calloc(1, sizeof *d);
        if (!d) {
            od_pl_oom(c);
            return;
        }
        k->workflows[k->n_workflows++] = d;
        load_workflow(c, d, kn, v->kids[i + 1], path);
    }
}

/* ---- clocks ---- */

static bool trigger_known(const od_wf_def *d, const char *s)
{
    return od_wf_state_index(d, s) >= 0 || od_wf_action_find(d, s) != NULL;
}

static void load_triggers(ctx *c, const od_wf_def *d, const node *v, const char *path, bool states_only,
                          char (*out)[OD_KEY_MAX], size_t *n)
{
    *n = 0;
    if (v->kind == N_SCALAR) {
        if (!get_fixed(c, v, path, out[0], OD_KEY_MAX))
            return;
        *n = 1;
    } else {
        *n = get_args(c, v, path, out, OD_WF_TRIGGERS_MAX);
    }
    for (size_t i = 0; i < *n; i++) {
        bool ok = states_only ? od_wf_state_index(d, out[i]) >= 0 : trigger_known(d, out[i]);
        if (!ok) {
            char sk[64];
            od_pl_diag(c, v->line, v->col, "%s: 工作流 %s 中没有%s '%s' (workflow %s has no %s '%s')", path,
                       d->kind, states_only ? "状态" : "状态或操作", od_pl_shown(out[i], sk), d->kind,
                       states_only ? "state" : "state or action", od_pl_shown(out[i], sk));
        }
    }
}

static void load_clock(ctx *c, od_kernel *k, od_wf_def *d, od_wf_clock_def *cl, const node *kn, const node *v,
                       const char *path)
{
    memset(cl, 0, sizeof *cl);
    od_pl_copy_fixed(cl->name, sizeof cl->name, kn->str);
    memcpy(cl->calendar, "24x7", 5);
    cl->line = kn->line;
    cl->thresholds[0] = 50, cl->thresholds[1] = 75, cl->thresholds[2] = 100;
    cl->n_thresholds = 3;
    fields f = {.what = "key",
                .names = {"start_on", "pause_in", "stop_on", "cancel_on", "calendar", "target", "thresholds",
                          "on_threshold"},
                .n = 8};
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    od_pl_require_all(
        c, kn, path,
        &(fields){.what = "key", .names = {"start_on", "target"}, .n = 2, .key = {f.key[0], f.key[5]}});
    char p[PATH_MAX_LEN];
    if (f.val[0]) {
        od_pl_sub(p, path, "start_on");
        load_triggers(c, d, f.val[0], p, false, cl->start_on, &cl->n_start);
    }
    if (f.val[1]) {
        od_pl_sub(p, path, "pause_in");
        load_triggers(c, d, f.val[1], p, true, cl->pause_in, &cl->n_pause);
    }
    if (f.val[2]) {
        od_pl_sub(p, path, "stop_on");
        load_triggers(c, d, f.val[2], p, false, cl->stop_on, &cl->n_stop);
    }
    if (f.val[3]) {
        od_pl_sub(p, path, "cancel_on");
        load_triggers(c, d, f.val[3], p, false, cl->cancel_on, &cl->n_cancel);
    }
    if (f.val[4]) {
        od_pl_sub(p, path, "calendar");
        if (get_fixed(c, f.val[4], p, cl->calendar, sizeof cl->calendar) &&
            !od_kernel_calendar(k, cl->calendar))
            od_pl_diag(c, f.val[4]->line, f.val[4]->col, "%s: 未知日历 '%s' (unknown calendar '%s')", p,
                       cl->calendar, cl->calendar);
    }
    if (f.val[5]) {
        od_pl_sub(p, path, "target");
        const node *t = f.val[5];
        if (t->kind == N_SCALAR) {
            od_pl_get_duration(c, t, p, true, &cl->fixed_ms);
        } else {
            fields ft = {.what = "key", .names = {"matrix", "by_priority"}, .n = 2};
            if (od_pl_map_fields(c, t, p, &ft) && od_pl_require_all(c, t, p, &ft)) {
                char q[PATH_MAX_LEN];
                od_pl_sub(q, p, "matrix");
                if (get_fixed(c, ft.val[0], q, cl->matrix, sizeof cl->matrix) &&
                    !od_kernel_matrix(k, cl->matrix))
                    od_pl_diag(c, ft.val[0]->line, ft.val[0]->col,
                               "%s: 未知优先级矩阵 '%s' (unknown matrix '%s')", q, cl->matrix, cl->matrix);
                od_pl_sub(q, p, "by_priority");
                fields fp = {.what = "priority", .names = {"P1", "P2", "P3", "P4", "P5"}, .n = 5};
                if (od_pl_map_fields(c, ft.val[1], q, &fp) && od_pl_require_all(c, ft.val[1], q, &fp))
                    for (int i = 0; i < OD_PRIO_MAX; i++) {
                        char r[PATH_MAX_LEN];
                        od_pl_sub(r, q, fp.names[i]);
                        od_pl_get_duration(c, fp.val[i], r, true, &cl->by_priority[i]);
                    }
            }
        }
    }
    if (f.val[6]) {
        od_pl_sub(p, path, "thresholds");
        const node *l = f.val[6];
        if (od_pl_want(c, l, N_SEQ, p)) {
            if (l->n == 0 || l->n > OD_SLA_THRESHOLDS_MAX) {
                od_pl_diag(c, l->line, l->col, "%s: 需要 1 至 %d 个阈值 (1 to %d thresholds)", p,
                           OD_SLA_THRESHOLDS_MAX, OD_SLA_THRESHOLDS_MAX);
                return;
            }
            cl->n_thresholds = 0;
            for (size_t i = 0; i < l->n; i++) {
                char q[PATH_MAX_LEN];
                od_pl_idx(q, p, i);
                int pct = 0;
                od_pl_get_int(c, l->kids[i], q, 1, 1000, &pct);
                if (cl->n_thresholds && pct <= cl->thresholds[cl->n_thresholds - 1])
                    od_pl_diag(c, l->kids[i]->line, l->kids[i]->col,
                               "%s: 阈值应递增 (thresholds must ascend)", q);
                cl->thresholds[cl->n_thresholds++] = pct;
            }
        }
    }
    if (f.val[7]) {
        od_pl_sub(p, path, "on_threshold");
        const node *m = f.val[7];
        if (od_pl_want(c, m, N_MAP, p))
            FOR_MAP(m, i)
            {
                const node *tk = m->kids[i];
                size_t j = 0;
                while (tk->kind == N_SCALAR && j < cl->n_thresholds) {
                    char num[16];
                    snprintf(num, sizeof num, "%d", cl->thresholds[j]);
                    if (strcmp(num, tk->str) == 0)
                        break;
                    j++;
                }
                if (tk->kind != N_SCALAR || j == cl->n_thresholds) {
                    od_pl_diag(c, tk->line, tk->col,
                               "%s: 不是该计时器的阈值 (not one of the clock's thresholds)", p);
                    continue;
                }
                char q[PATH_MAX_LEN];
                od_pl_sub(q, p, tk->str);
                get_fixed(c, m->kids[i + 1], q, cl->on_threshold[j], OD_KEY_MAX);
            }
    }
}

static void load_clocks(ctx *c, od_kernel *k, const node *v)
{
    if (!od_pl_want(c, v, N_MAP, "clocks"))
        return;
    FOR_MAP(v, i)
    {
        const node *kn = v->kids[i];
        char path[PATH_MAX_LEN];
        od_pl_sub(path, "clocks", kn->kind == N_SCALAR ? kn->str : "?");
        if (kn->kind != N_SCALAR)
            continue;
        od_wf_def *d = NULL;
        for (size_t w = 0; w < k->n_workflows && !d; w++)
            if (strcmp(k->workflows[w]->kind, kn->str) == 0)
                d = k->workflows[w];
        if (!d) {
            char sk[64];
            od_pl_diag(c, kn->line, kn->col, "%s: 没有名为 '%s' 的工作流 (no workflow '%s')", path,
                       od_pl_shown(kn->str, sk), od_pl_shown(kn->str, sk));
            continue;
        }
        const node *m = v->kids[i + 1];
        if (!od_pl_want(c, m, N_MAP, path))
            continue;
        FOR_MAP(m, j)
        {
            const node *ck = m->kids[j];
            char q[PATH_MAX_LEN];
            od_pl_sub(q, path, ck->kind == N_SCALAR ? ck->str : "?");
            if (ck->kind != N_SCALAR || !key_ok(c, ck, path))
                continue;
            if (d->n_clocks >= OD_WF_CLOCKS_MAX) {
                od_pl_diag(c, ck->line, ck->col, "%s: 计时器超过 %d 个 (more than %d clocks)", q,
                           OD_WF_CLOCKS_MAX, OD_WF_CLOCKS_MAX);
                break;
            }
            load_clock(c, k, d, &d->clocks[d->n_clocks++], ck, m->kids[j + 1], q);
        }
    }
}

/* ---- the checks across sections ---- */

static bool has_clock(const od_wf_def *d, const char *name)
{
    for (size_t i = 0; i < d->n_clocks; i++)
        if (strcmp(d->clocks[i].name, name) == 0)
            return true;
    return false;
}

static bool has_authority(const od_wf_def *d, const char *key)
{
    for (size_t i = 0; i < d->n_authorities; i++)
        if (strcmp(d->authorities[i].key, key) == 0)
            return true;
    return false;
}

/* line: the item's own line, or 0 with "(default policy)" when the item
 * came from the embedded default (checked after the merge). */
#define AT(l) (dflt ? 0 : (l))

/* A workflow that declares templates declares every key its notify
 * effects and clock thresholds name. */
static void check_templates(ctx *c, const od_wf_def *d, const char *pre, bool dflt)
{
    if (!d->n_templates)
        return;
    for (size_t i = 0; i < d->n_actions; i++)
        for (size_t j = 0; j < d->actions[i].n_effects; j++) {
            const od_wf_effect *fx = &d->actions[i].effects[j];
            if (fx->kind == OD_FX_NOTIFY && !od_wf_template_find(d, fx->a))
                od_pl_diag(
                    c, AT(fx->line), 0,
                    "%sworkflows.%s.actions.%s: 通知模板 '%s' 未在 templates 中声明 (notify template '%s' "
                    "is not declared under templates)",
                    pre, d->kind, d->actions[i].key, fx->a, fx->a);
        }
    for (size_t i = 0; i < d->n_clocks; i++)
        for (size_t t = 0; t < d->clocks[i].n_thresholds; t++) {
            const char *key = d->clocks[i].on_threshold[t];
            if (*key && !od_wf_template_find(d, key))
                od_pl_diag(
                    c, AT(d->clocks[i].line), 0,
                    "%sclocks.%s.%s: 通知模板 '%s' 未在 templates 中声明 (template '%s' is not declared "
                    "under the workflow's templates)",
                    pre, d->kind, d->clocks[i].name, key, key);
        }
}

static void check_workflow(ctx *c, const od_kernel *k, const od_wf_def *d, bool dflt)
{
    const char *pre = dflt ? "默认策略 (default policy): " : "";
    check_templates(c, d, pre, dflt);
    bool reach[OD_WF_STATES_MAX] = {false};
    bool any_create = false;
    for (size_t i = 0; i < d->n_actions; i++) {
        const od_wf_action *a = &d->actions[i];
        if (a->n_from == 0) {
            any_create = true;
            if (a->to >= 0)
                reach[a->to] = true;
            if (a->to == -1)
                od_pl_diag(c, AT(a->line), 0,
                           "%sworkflows.%s.actions.%s: 创建操作需要 to (a create action needs 'to')", pre,
                           d->kind, a->key);
        }
    }
    if (!any_create)
        od_pl_diag(c, AT(d->line), 0,
                   "%sworkflows.%s: 没有创建操作（from: []）(no create action: one with 'from: []')", pre,
                   d->kind);
    /* reachability: fixpoint over the actions */
    for (bool more = true; more;) {
        more = false;
        for (size_t i = 0; i < d->n_actions; i++) {
            const od_wf_action *a = &d->actions[i];
            if (a->to < 0 || reach[a->to])
                continue;
            for (size_t j = 0; j < a->n_from; j++)
                if (reach[a->from[j]]) {
                    reach[a->to] = more = true;
                    break;
                }
        }
    }
    for (size_t s = 0; s < d->n_states; s++)
        if (!reach[s])
            od_pl_diag(
                c, AT(d->states[s].line), 0,
                "%sworkflows.%s.states.%s: 该状态不可达 (state cannot be reached from a create action)", pre,
                d->kind, d->states[s].key);
    for (size_t i = 0; i < d->n_actions; i++) {
        const od_wf_action *a = &d->actions[i];
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "%sworkflows.%s.actions.%s", pre, d->kind, a->key);
        for (size_t j = 0; j < a->n_from; j++)
            if (d->states[a->from[j]].category == OD_WF_CLOSED && strcmp(a->key, "reopen") != 0)
                od_pl_diag(
                    c, AT(a->line), 0,
                    "%s: 已关闭类状态 %s 只能有 reopen 操作 (a closed state such as %s allows only 'reopen')",
                    path, d->states[a->from[j]].key, d->states[a->from[j]].key);
        for (size_t g = 0; g < a->n_guards; g++) {
            const od_wf_guard *gd = &a->guards[g];
            if (gd->kind == OD_G_APPROVAL_COMPLETE && !od_kernel_approval(k, gd->args[0]))
                od_pl_diag(c, AT(gd->line), 0, "%s: 未知审批步骤 '%s' (unknown approval step '%s')", path,
                           gd->args[0], gd->args[0]);
            if (gd->kind == OD_G_AUTHORITY && !has_authority(d, gd->args[0]))
                od_pl_diag(c, AT(gd->line), 0, "%s: 未知权限 '%s' (unknown authority '%s')", path,
                           gd->args[0], gd->args[0]);
        }
        for (size_t e = 0; e < a->n_effects; e++) {
            const od_wf_effect *ef = &a->effects[e];
            if (ef->kind == OD_FX_OPEN_APPROVAL && !od_kernel_approval(k, ef->a))
                od_pl_diag(c, AT(ef->line), 0, "%s: 未知审批步骤 '%s' (unknown approval step '%s')", path,
                           ef->a, ef->a);
            if (ef->kind == OD_FX_OPEN_CHECKLIST && !od_kernel_checklist(k, ef->a))
                od_pl_diag(c, AT(ef->line), 0, "%s: 未知检查单模板 '%s' (unknown checklist template '%s')",
                           path, ef->a, ef->a);
            if (ef->kind == OD_FX_CLOCK && !has_clock(d, ef->a))
                od_pl_diag(c, AT(ef->line), 0, "%s: 未知计时器 '%s' (unknown clock '%s')", path, ef->a,
                           ef->a);
        }
    }
    for (size_t i = 0; i < d->n_clocks; i++) {
        const od_wf_clock_def *cl = &d->clocks[i];
        if (!od_kernel_calendar(k, cl->calendar))
            od_pl_diag(c, AT(cl->line), 0, "%sclocks.%s.%s: 未知日历 '%s' (unknown calendar '%s')", pre,
                       d->kind, cl->name, cl->calendar, cl->calendar);
        if (cl->matrix[0] && !od_kernel_matrix(k, cl->matrix))
            od_pl_diag(c, AT(cl->line), 0, "%sclocks.%s.%s: 未知优先级矩阵 '%s' (unknown matrix '%s')", pre,
                       d->kind, cl->name, cl->matrix, cl->matrix);
    }
}

static void check_kernel(ctx *c, const od_kernel *k, bool dflt)
{
    for (size_t i = 0; i < k->n_workflows; i++)
        check_workflow(c, k, k->workflows[i], dflt);
    for (size_t i = 0; i < k->n_checklists; i++)
        for (size_t j = 0; j < k->checklists[i].n_items; j++) {
            const char *kind = k->checklists[i].items[j].fail_create;
            if (kind[0] && !od_kernel_workflow(k, kind))
                od_pl_diag(
                    c, AT(k->checklists[i].line), 0,
                    "checklists.%s.%s.on_fail.create: '%s' 类记录没有工作流 (records of kind '%s' have no "
                    "workflow to create them)",
                    k->checklists[i].key, k->checklists[i].items[j].key, kind, kind);
        }
    for (size_t i = 0; i < k->n_approvals; i++)
        if (k->approvals[i].due_calendar[0] && !od_kernel_calendar(k, k->approvals[i].due_calendar))
            od_pl_diag(c, AT(k->approvals[i].line), 0, "approvals.%s: 未知日历 '%s' (unknown calendar '%s')",
                       k->approvals[i].key, k->approvals[i].due_calendar, k->approvals[i].due_calendar);
}

/* ---- entry points (policy_load_int.h) ---- */

od_kernel *od_pl_kernel_new(ctx *c)
{
    od_kernel *k = calloc(1, sizeof *k);
    if (!k) {
        od_pl_oom(c);
        return NULL;
    }
    od_cal_init_24x7(&k->calendars[0]);
    k->n_calendars = 1;
    return k;
}

void od_pl_load_kernel(ctx *c, od_policy *pol, const node *const sec[OD_PL_KSEC__COUNT])
{
    bool any = false;
    for (int i = 0; i < OD_PL_KSEC__COUNT; i++)
        any = any || sec[i];
    if (!any)
        return;
    od_kernel *k = pol->kernel ? pol->kernel : (pol->kernel = od_pl_kernel_new(c));
    if (!k)
        return;
    /* in dependency order, whatever the file's order */
    if (sec[OD_PL_KSEC_CALENDARS])
        load_calendars(c, k, sec[OD_PL_KSEC_CALENDARS]);
    if (sec[OD_PL_KSEC_MATRICES])
        load_matrices(c, k, sec[OD_PL_KSEC_MATRICES]);
    if (sec[OD_PL_KSEC_APPROVALS])
        load_approvals(c, k, sec[OD_PL_KSEC_APPROVALS]);
    if (sec[OD_PL_KSEC_CHECKLISTS])
        load_checklists(c, k, sec[OD_PL_KSEC_CHECKLISTS]);
    if (sec[OD_PL_KSEC_WORKFLOWS])
        load_workflows(c, k, sec[OD_PL_KSEC_WORKFLOWS]);
    if (sec[OD_PL_KSEC_CLOCKS])
        load_clocks(c, k, sec[OD_PL_KSEC_CLOCKS]);
    k->sections = 0;
    for (int i = 0; i < OD_PL_KSEC__COUNT; i++)
        if (sec[i])
            k->sections |= 1u << i;
}

void od_pl_check_kernel(ctx *c, const od_policy *pol)
{
    if (pol->kernel && c->d->total == 0)
        check_kernel(c, pol->kernel, false);
}

/* Moves every section the file did not declare from the default's kernel
 * d into pol's, then checks the whole again (a file's approvals: may lack
 * a step the default workflows use). */
void od_pl_merge_kernel(ctx *c, od_policy *pol, od_policy *d)
{
    if (!d->kernel) {
        if (pol->kernel)
            check_kernel(c, pol->kernel, false);
        return;
    }
    if (!pol->kernel) {
        pol->kernel = d->kernel;
        d->kernel = NULL;
        return;
    }
    od_kernel *k = pol->kernel, *dk = d->kernel;
    unsigned have = k->sections;
    if (!(have & (1u << OD_PL_KSEC_CALENDARS))) {
        memcpy(k->calendars, dk->calendars, sizeof k->calendars);
        k->n_calendars = dk->n_calendars;
    }
    if (!(have & (1u << OD_PL_KSEC_MATRICES))) {
        memcpy(k->matrices, dk->matrices, sizeof k->matrices);
        k->n_matrices = dk->n_matrices;
    }
    if (!(have & (1u << OD_PL_KSEC_APPROVALS))) {
        memcpy(k->approvals, dk->approvals, sizeof k->approvals);
        k->n_approvals = dk->n_approvals;
    }
    if (!(have & (1u << OD_PL_KSEC_CHECKLISTS))) {
        memcpy(k->checklists, dk->checklists, sizeof k->checklists);
        k->n_checklists = dk->n_checklists;
    }
    bool dflt_wf = !(have & (1u << OD_PL_KSEC_WORKFLOWS));
    if (dflt_wf) { /* the default's workflows with their clocks */
        for (size_t i = 0; i < k->n_workflows; i++)
            free(k->workflows[i]);
        memcpy(k->workflows, dk->workflows, sizeof k->workflows);
        k->n_workflows = dk->n_workflows;
        dk->n_workflows = 0;
    }
    check_kernel(c, k, dflt_wf);
}

void od_policy_kernel_print(FILE *f, const od_policy *pol, int64_t now)
{
    const od_kernel *k = pol->kernel;
    if (!k)
        return;
    for (size_t i = 0; i < k->n_workflows; i++) {
        const od_wf_def *d = k->workflows[i];
        fprintf(f, "  工作流 workflow %s: %zu 个状态 states, %zu 个操作 actions, %zu 个计时器 clocks\n",
                d->kind, d->n_states, d->n_actions, d->n_clocks);
    }
    for (size_t i = 0; i < k->n_calendars; i++) {
        const od_calendar *c = &k->calendars[i];
        if (c->always)
            continue;
        int left = 0;
        od_cal_coverage cov = od_cal_coverage_at(c, now, &left);
        int y, m, d;
        od_cal_civil_from_days((int32_t)((now + (int64_t)c->utc_offset_min * 60000) / OD_DAY_MS), &y, &m, &d);
        if (cov == OD_CAL_NOT_LOADED)
            fprintf(
                f,
                "  警告 warning: 日历 %s 没有 %d 年的节假日安排 (calendar %s has no holiday list for %d): "
                "opsdesk calendar import\n",
                c->key, y, c->key, y);
        else if (cov == OD_CAL_ENDING_SOON)
            fprintf(f,
                    "  警告 warning: 日历 %s 的节假日安排 %d 天后到期 (calendar %s: the holiday list ends in "
                    "%d days): "
                    "opsdesk calendar import\n",
                    c->key, left, c->key, left);
    }
}
