/* test_core_grading.c — incident level (R-INC-2, R-INC-4), the response
 * matrix (R-INC-3) and everything the 速查表 shows for a grading (R-INC-6,
 * R-ESC-1, R-NOT-1, R-NOT-4, R-NOT-5, R-ACT-1).  The expected values are
 * copied from the tables of REQUIREMENTS.md, not from policy.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/incident.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define B(r) OD_ROLEBIT(OD_ROLE_##r)

static int setup(void **state)
{
    *state = od_policy_new_default();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    od_policy_free(*state);
    return 0;
}

/* ---- R-INC-2 / R-INC-4: level = the highest grade ---- */

/* Independent formulation: L1 if any is L1, else L2 if any is L2, ... */
static od_grade expected_level(const od_grade *g, size_t n)
{
    static const od_grade order[] = {OD_GRADE_L1, OD_GRADE_L2, OD_GRADE_L3, OD_GRADE_NG};
    for (size_t o = 0; o < 4; o++)
        for (size_t i = 0; i < n; i++)
            if (g[i] == order[o])
                return order[o];
    return OD_GRADE__COUNT;
}

static void test_level_every_combination(void **state)
{
    (void)state;
    int checked = 0;
    for (size_t n = 1; n <= 3; n++) {
        size_t total = 1;
        for (size_t i = 0; i < n; i++)
            total *= OD_GRADE__COUNT;
        for (size_t c = 0; c < total; c++) {
            od_grade g[3];
            size_t v = c;
            for (size_t i = 0; i < n; i++) {
                g[i] = (od_grade)(v % OD_GRADE__COUNT);
                v /= OD_GRADE__COUNT;
            }
            od_grade out = OD_GRADE__COUNT;
            assert_int_equal(od_incident_level(g, n, &out), OD_OK);
            assert_int_equal(out, expected_level(g, n));
            checked++;
        }
    }
    assert_int_equal(checked, 4 + 16 + 64);
}

static void test_level_table(void **state)
{
    (void)state;
    /* a few rows spelled out, R-INC-2 "the highest grade wins" */
    static const struct {
        od_grade g[3];
        size_t n;
        od_grade want;
    } rows[] = {
        {{OD_GRADE_NG}, 1, OD_GRADE_NG},
        {{OD_GRADE_L3, OD_GRADE_NG}, 2, OD_GRADE_L3},
        {{OD_GRADE_NG, OD_GRADE_L2}, 2, OD_GRADE_L2},
        {{OD_GRADE_L3, OD_GRADE_L3, OD_GRADE_L1}, 3, OD_GRADE_L1},
        {{OD_GRADE_NG, OD_GRADE_NG, OD_GRADE_NG}, 3, OD_GRADE_NG},
        {{OD_GRADE_L2, OD_GRADE_L3, OD_GRADE_L2}, 3, OD_GRADE_L2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_grade out;
        assert_int_equal(od_incident_level(rows[i].g, rows[i].n, &out), OD_OK);
        assert_int_equal(out, rows[i].want);
    }
}

static void test_level_errors(void **state)
{
    (void)state;
    od_grade g[2] = {OD_GRADE_L1, OD_GRADE_L2};
    od_grade out = OD_GRADE_L3;
    assert_int_equal(od_incident_level(g, 0, &out), OD_E_UNPROCESSABLE);
    assert_int_equal(od_incident_level(NULL, 0, &out), OD_E_UNPROCESSABLE);
    assert_int_equal(out, OD_GRADE_L3); /* untouched */
    od_grade bad[2] = {OD_GRADE_L2, OD_GRADE__COUNT};
    assert_int_equal(od_incident_level(bad, 2, &out), OD_E_INVALID);
    assert_int_equal(out, OD_GRADE_L3);
}

/* Seed 000 ch. 7 §1 item 3 (就高原则, audit #20): an undetermined level is
 * the highest of the CIs and the candidate levels; provisional exactly when
 * a candidate is above every CI (or there is no CI).  Every combination of
 * 0-2 CIs and 0-2 candidates. */
static void test_level_hi_every_combination(void **state)
{
    (void)state;
    int checked = 0;
    for (size_t nc = 0; nc <= 2; nc++)
        for (size_t nk = 0; nk <= 2; nk++) {
            if (nc + nk == 0)
                continue;
            size_t total = 1;
            for (size_t i = 0; i < nc + nk; i++)
                total *= OD_GRADE__COUNT;
            for (size_t c = 0; c < total; c++) {
                od_grade all[4], *ci = all, *cand = all + nc;
                size_t v = c;
                for (size_t i = 0; i < nc + nk; i++) {
                    all[i] = (od_grade)(v % OD_GRADE__COUNT);
                    v /= OD_GRADE__COUNT;
                }
                od_grade out = OD_GRADE__COUNT;
                bool prov = false;
                assert_int_equal(od_incident_level_hi(ci, nc, cand, nk, &out, &prov), OD_OK);
                assert_int_equal(out, expected_level(all, nc + nk));
                od_grade by_ci = nc ? expected_level(ci, nc) : OD_GRADE__COUNT;
                od_grade by_cand = nk ? expected_level(cand, nk) : OD_GRADE__COUNT;
                assert_int_equal(prov, by_cand < by_ci);
                checked++;
            }
        }
    /* (0,1) 4 + (0,2) 16 + (1,0) 4 + (1,1) 16 + (1,2) 64 + (2,0) 16 + (2,1) 64 + (2,2) 256 */
    assert_int_equal(checked, 4 + 16 + 4 + 16 + 64 + 16 + 64 + 256);
}

static void test_level_hi_table(void **state)
{
    (void)state;
    static const struct {
        od_grade ci[2];
        size_t nc;
        od_grade cand[2];
        size_t nk;
        od_grade want;
        bool prov;
    } rows[] = {
        {{0}, 0, {OD_GRADE_L2, OD_GRADE_L1}, 2, OD_GRADE_L1, true},            /* no CI: 就高 */
        {{0}, 0, {OD_GRADE_L3}, 1, OD_GRADE_L3, true},                         /* one candidate */
        {{OD_GRADE_L2}, 1, {OD_GRADE_L1}, 1, OD_GRADE_L1, true},               /* above the CI */
        {{OD_GRADE_L2}, 1, {OD_GRADE_L2}, 1, OD_GRADE_L2, false},              /* equal: the CI decides */
        {{OD_GRADE_L1}, 1, {OD_GRADE_L2, OD_GRADE_L3}, 2, OD_GRADE_L1, false}, /* below the CI */
        {{OD_GRADE_NG, OD_GRADE_L3}, 2, {0}, 0, OD_GRADE_L3, false},           /* CIs only */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_grade out = OD_GRADE__COUNT;
        bool prov = !rows[i].prov;
        assert_int_equal(od_incident_level_hi(rows[i].ci, rows[i].nc, rows[i].cand, rows[i].nk, &out, &prov),
                         OD_OK);
        assert_int_equal(out, rows[i].want);
        assert_int_equal(prov, rows[i].prov);
    }
}

static void test_level_hi_errors(void **state)
{
    (void)state;
    od_grade g[1] = {OD_GRADE_L1}, bad[1] = {OD_GRADE__COUNT}, out = OD_GRADE_L3;
    bool prov = true;
    assert_int_equal(od_incident_level_hi(g, 0, g, 0, &out, &prov), OD_E_UNPROCESSABLE);
    assert_int_equal(od_incident_level_hi(bad, 1, g, 1, &out, &prov), OD_E_INVALID);
    assert_int_equal(od_incident_level_hi(g, 1, bad, 1, &out, &prov), OD_E_INVALID);
    assert_int_equal(out, OD_GRADE_L3); /* untouched */
    assert_true(prov);
}

/* ---- R-INC-3 and the rest of the 速查表, every cell ---- */

typedef struct grading_row {
    od_grade level;
    int severity;
    od_resp resp;         /* R-INC-3 table */
    int64_t limit;        /* R-ESC-1 */
    int64_t first_report; /* R-NOT-1 */
    od_roleset roles;     /* R-NOT-1 */
    bool owning_heads;    /* R-NOT-1 "heads of the departments concerned" */
    bool ack;             /* R-NOT-4: L1, L2, L3 (seed 000 ch. 7 §2.1 item 6) */
    int64_t progress;     /* R-NOT-5 */
    od_role activator;    /* R-ACT-1 */
} grading_row;

/* seed 000 ch. 7 §2.1 item 6 (R-NOT-1, R-NOT-4): the operations
 * department head (运行部部门领导, the R3 authority) is told of every L1,
 * L2 and L3 incident, and those alarms are acknowledged */
#define RCP_L1 (B(EMERGENCY_LEADERSHIP) | B(OPS_SECTION_HEAD) | B(LIAISON) | B(OPS_DEPARTMENT_HEAD))
#define RCP_L2 (B(OPS_LEADER) | B(OPS_SECTION_HEAD) | B(LIAISON) | B(OPS_DEPARTMENT_HEAD))
#define RCP_L3 (B(OPS_SECTION_HEAD) | B(LIAISON) | B(OPS_DEPARTMENT_HEAD))
#define RCP_NG (B(OPS_SECTION_HEAD) | B(LIAISON))
#define ROW(lv, sev, r, lim, fr, rc, oh, ack, prog, act)                                                     \
    {                                                                                                        \
        OD_GRADE_##lv, sev, OD_RESP_##r, lim, fr, rc, oh, ack, prog, OD_ROLE_##act                           \
    }

static const grading_row grading_rows[] = {
    ROW(L1, OD_SEV_SEVERE, R1, 2 * HOUR, 5 * MIN, RCP_L1, false, true, 30 * MIN, EMERGENCY_LEADERSHIP),
    ROW(L1, OD_SEV_MODERATE, R1, 2 * HOUR, 5 * MIN, RCP_L1, false, true, 30 * MIN, EMERGENCY_LEADERSHIP),
    ROW(L1, OD_SEV_MINOR, R2, 4 * HOUR, 5 * MIN, RCP_L1, false, true, 60 * MIN, OPS_LEADER),
    ROW(L2, OD_SEV_SEVERE, R1, 2 * HOUR, 5 * MIN, RCP_L2, true, true, 30 * MIN, EMERGENCY_LEADERSHIP),
    ROW(L2, OD_SEV_MODERATE, R2, 4 * HOUR, 5 * MIN, RCP_L2, true, true, 60 * MIN, OPS_LEADER),
    ROW(L2, OD_SEV_MINOR, R2, 4 * HOUR, 5 * MIN, RCP_L2, true, true, 60 * MIN, OPS_LEADER),
    ROW(L3, OD_SEV_SEVERE, R2, 4 * HOUR, 10 * MIN, RCP_L3, true, true, 60 * MIN, OPS_LEADER),
    ROW(L3, OD_SEV_MODERATE, R3, 8 * HOUR, 10 * MIN, RCP_L3, true, true, 120 * MIN, OPS_DEPARTMENT_HEAD),
    ROW(L3, OD_SEV_MINOR, R3, 8 * HOUR, 10 * MIN, RCP_L3, true, true, 120 * MIN, OPS_DEPARTMENT_HEAD),
    ROW(NG, OD_SEV_SEVERE, NG, 0, 10 * MIN, RCP_NG, false, false, 0, OPS_SECTION_HEAD),
    ROW(NG, OD_SEV_MODERATE, NG, 0, 10 * MIN, RCP_NG, false, false, 0, OPS_SECTION_HEAD),
    ROW(NG, OD_SEV_MINOR, NG, 0, 10 * MIN, RCP_NG, false, false, 0, OPS_SECTION_HEAD),
};

static void check_row(const od_grading *g, const grading_row *r, od_severity sev, bool provisional)
{
    assert_int_equal(g->level, r->level);
    assert_int_equal(g->severity, sev);
    assert_int_equal(g->severity_provisional, provisional);
    assert_int_equal(g->response, r->resp);
    assert_int_equal(g->handling_limit_ms, r->limit);
    assert_int_equal(g->first_report_ms, r->first_report);
    assert_int_equal(g->recipients.roles, r->roles);
    assert_int_equal(g->recipients.owning_department_heads, r->owning_heads);
    /* seed 000 ch. 7 §2.1 item 6: the heads of 运行部, 技术部, 客服部 on L1-L3 */
    assert_int_equal(g->recipients.n_heads_of, r->level == OD_GRADE_NG ? 0 : 3);
    if (r->level != OD_GRADE_NG) {
        assert_string_equal(g->recipients.heads_of[0], "运行部");
        assert_string_equal(g->recipients.heads_of[1], "技术部");
        assert_string_equal(g->recipients.heads_of[2], "客服部");
    }
    assert_int_equal(g->ack_required, r->ack);
    assert_int_equal(g->ack_window_ms, r->ack ? 5 * MIN : 0);
    assert_int_equal(g->progress_every_ms, r->progress);
    assert_int_equal(g->activation_role, r->activator);
}

static void test_matrix_every_cell(void **state)
{
    const od_policy *p = *state;
    assert_int_equal(sizeof grading_rows / sizeof grading_rows[0], OD_GRADE__COUNT * OD_SEV__COUNT);
    for (size_t i = 0; i < sizeof grading_rows / sizeof grading_rows[0]; i++) {
        const grading_row *r = &grading_rows[i];
        od_grading g;
        od_grade_incident(p, r->level, r->severity, &g);
        check_row(&g, r, (od_severity)r->severity, false);
    }
}

/* R-INC-4: unknown severity → severe, provisional (就高) */
static void test_provisional_every_level(void **state)
{
    const od_policy *p = *state;
    static const int unknown[] = {-1, -100, OD_SEV__COUNT};
    for (size_t i = 0; i < sizeof grading_rows / sizeof grading_rows[0]; i++) {
        const grading_row *r = &grading_rows[i];
        if (r->severity != OD_SEV_SEVERE)
            continue;
        for (size_t u = 0; u < sizeof unknown / sizeof unknown[0]; u++) {
            od_grading g;
            od_grade_incident(p, r->level, unknown[u], &g);
            check_row(&g, r, OD_SEV_SEVERE, true);
        }
    }
}

/* ---- od_grading_explain ---- */

static bool utf8_valid(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        int n = *u < 0x80             ? 0
                : (*u & 0xE0) == 0xC0 ? 1
                : (*u & 0xF0) == 0xE0 ? 2
                : (*u & 0xF8) == 0xF0 ? 3
                                      : -1;
        if (n < 0)
            return false;
        u++;
        for (int i = 0; i < n; i++, u++)
            if ((*u & 0xC0) != 0x80)
                return false;
    }
    return true;
}

static const od_rule_line *find_line(const od_rule_line *l, size_t n, const char *field)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].field, field) == 0)
            return &l[i];
    return NULL;
}

/* The text of a line that must exist. */
static const char *text_of(const od_rule_line *l, size_t n, const char *field)
{
    const od_rule_line *f = find_line(l, n, field);
    assert_non_null(f);
    return f ? f->text : "";
}

static void test_explain_fields(void **state)
{
    const od_policy *p = *state;
    static const struct {
        const char *field, *req;
    } want[] = {
        {"level", "R-INC-2"},
        {"response_level", "R-INC-3"},
        {"handling_limit_minutes", "R-ESC-1"},
        {"first_report_minutes", "R-NOT-1"},
        {"recipients", "R-NOT-1"},
        {"ack_window_minutes", "R-NOT-4"},
        {"progress_every_minutes", "R-NOT-5"},
        {"activation_role", "R-ACT-1"},
    };
    for (int lv = 0; lv < OD_GRADE__COUNT; lv++) {
        for (int sev = -1; sev < OD_SEV__COUNT; sev++) {
            od_grading g;
            od_rule_line lines[12];
            od_grade_incident(p, (od_grade)lv, sev, &g);
            size_t n = od_grading_explain(p, &g, lines, 12);
            assert_int_equal(n, sev < 0 ? 9 : 8);
            for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
                const od_rule_line *l = find_line(lines, n, want[i].field);
                assert_non_null(l);
                assert_string_equal(l->req, want[i].req);
            }
            const od_rule_line *prov = find_line(lines, n, "severity_provisional");
            if (sev < 0) {
                assert_non_null(prov);
                assert_string_equal(prov->req, "R-INC-4");
                assert_non_null(strstr(prov->text, "就高"));
            } else {
                assert_null(prov);
            }
            for (size_t i = 0; i < n; i++) {
                /* Chinese first, English in parentheses, valid UTF-8 */
                assert_true((unsigned char)lines[i].text[0] >= 0x80);
                assert_non_null(strstr(lines[i].text, " ("));
                assert_true(utf8_valid(lines[i].text));
                assert_true(strlen(lines[i].text) < sizeof lines[i].text);
            }
        }
    }
}

static void test_explain_texts(void **state)
{
    const od_policy *p = *state;
    od_grading g;
    od_rule_line l[12];
    od_grade_incident(p, OD_GRADE_L1, OD_SEV_SEVERE, &g);
    size_t n = od_grading_explain(p, &g, l, 12);
    assert_string_equal(text_of(l, n, "response_level"), "一级 × 严重 → 一级响应 (L1 × severe → R1)");
    assert_non_null(strstr(text_of(l, n, "handling_limit_minutes"), "2小时"));
    assert_non_null(strstr(text_of(l, n, "handling_limit_minutes"), "2 h"));
    assert_non_null(strstr(text_of(l, n, "first_report_minutes"), "5分钟"));
    const char *rc = text_of(l, n, "recipients");
    assert_non_null(strstr(rc, "应急领导小组 (emergency_leadership)"));
    assert_non_null(strstr(rc, "运行部科室负责人 (ops_section_head)"));
    assert_non_null(strstr(rc, "特定联络人 (liaison)"));
    assert_null(strstr(rc, "ops_leader"));
    assert_non_null(strstr(text_of(l, n, "ack_window_minutes"), "5 min"));
    assert_non_null(strstr(text_of(l, n, "progress_every_minutes"), "30分钟"));
    assert_non_null(strstr(text_of(l, n, "activation_role"), "应急领导小组"));
    assert_non_null(strstr(text_of(l, n, "activation_role"), "emergency_leadership"));

    od_grade_incident(p, OD_GRADE_L3, OD_SEV_MODERATE, &g);
    n = od_grading_explain(p, &g, l, 12);
    assert_string_equal(text_of(l, n, "response_level"), "三级 × 中等 → 三级响应 (L3 × moderate → R3)");
    assert_non_null(strstr(text_of(l, n, "handling_limit_minutes"), "8 h"));
    assert_non_null(strstr(text_of(l, n, "recipients"), "department_head"));
    /* seed 000 ch. 7 §2.1 item 6: the heads of 运行部, 技术部, 客服部; L3 acknowledged too */
    assert_non_null(strstr(text_of(l, n, "recipients"), "技术部负责人 (department_head)"));
    assert_non_null(strstr(text_of(l, n, "recipients"), "运行部部门负责人 (ops_department_head)"));
    assert_non_null(strstr(text_of(l, n, "ack_window_minutes"), "5 min"));
    assert_non_null(strstr(text_of(l, n, "progress_every_minutes"), "2 h"));

    od_grade_incident(p, OD_GRADE_NG, -1, &g);
    n = od_grading_explain(p, &g, l, 12);
    assert_string_equal(text_of(l, n, "response_level"), "非等级 × 严重 → 非等级响应 (NG × severe → NG)");
    assert_non_null(strstr(text_of(l, n, "handling_limit_minutes"), "no handling limit"));
    assert_non_null(strstr(text_of(l, n, "progress_every_minutes"), "no progress"));
}

static void test_explain_cap(void **state)
{
    const od_policy *p = *state;
    od_grading g;
    od_rule_line l[3];
    od_grade_incident(p, OD_GRADE_L2, -1, &g);
    memset(l, 0, sizeof l);
    assert_int_equal(od_grading_explain(p, &g, l, 2), 9);
    assert_string_equal(l[0].field, "level");
    assert_string_equal(l[1].field, "response_level");
    assert_null(l[2].field); /* not written past cap */
    assert_int_equal(od_grading_explain(p, &g, NULL, 0), 9);
}

/* Every role as recipient: the line is cut at a whole UTF-8 character. */
static void test_explain_recipients_truncated(void **state)
{
    od_policy *p = *state;
    od_grading g;
    od_rule_line l[12];
    od_grade_incident(p, OD_GRADE_L1, OD_SEV_SEVERE, &g);
    g.recipients.roles = OD_ROLES_ALL;
    g.recipients.owning_department_heads = true;
    size_t n = od_grading_explain(p, &g, l, 12);
    const char *rc = text_of(l, n, "recipients");
    assert_true(utf8_valid(rc));
    assert_true(strlen(rc) > 200);
    g.recipients.roles = 0;
    g.recipients.owning_department_heads = false;
    g.recipients.n_heads_of = 0;
    n = od_grading_explain(p, &g, l, 12);
    assert_non_null(strstr(text_of(l, n, "recipients"), "none"));
}

/* Values come from the policy, not from constants. */
static void test_modified_policy(void **state)
{
    (void)state;
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    p->matrix[OD_GRADE_L3][OD_SEV_MINOR] = OD_RESP_NG;
    p->matrix[OD_GRADE_NG][OD_SEV_SEVERE] = OD_RESP_R3;
    p->handling_limit_ms[OD_RESP_R3] = 90 * MIN;
    p->first_report_ms[OD_GRADE_NG] = 3 * MIN;
    p->first_report_recipients[OD_GRADE_NG] =
        (od_recipients){.roles = B(SERVICE_DESK), .owning_department_heads = true};
    p->ack_levels = 1u << OD_GRADE_NG;
    p->ack_window_ms = 7 * MIN;
    p->progress_every_ms[OD_RESP_R3] = 45 * MIN;
    p->activation_role[OD_RESP_R3] = OD_ROLE_CHANGE_MANAGER;

    od_grading g;
    od_grade_incident(p, OD_GRADE_L3, OD_SEV_MINOR, &g);
    assert_int_equal(g.response, OD_RESP_NG);
    assert_int_equal(g.handling_limit_ms, 0);
    od_grade_incident(p, OD_GRADE_NG, -1, &g);
    assert_int_equal(g.response, OD_RESP_R3);
    assert_true(g.severity_provisional);
    assert_int_equal(g.handling_limit_ms, 90 * MIN);
    assert_int_equal(g.first_report_ms, 3 * MIN);
    assert_int_equal(g.recipients.roles, B(SERVICE_DESK));
    assert_true(g.recipients.owning_department_heads);
    assert_true(g.ack_required);
    assert_int_equal(g.ack_window_ms, 7 * MIN);
    assert_int_equal(g.progress_every_ms, 45 * MIN);
    assert_int_equal(g.activation_role, OD_ROLE_CHANGE_MANAGER);
    od_grade_incident(p, OD_GRADE_L1, OD_SEV_SEVERE, &g);
    assert_false(g.ack_required);

    od_rule_line l[12];
    od_grade_incident(p, OD_GRADE_NG, OD_SEV_SEVERE, &g);
    size_t n = od_grading_explain(p, &g, l, 12);
    assert_string_equal(text_of(l, n, "response_level"), "非等级 × 严重 → 三级响应 (NG × severe → R3)");
    assert_non_null(strstr(text_of(l, n, "handling_limit_minutes"), "90 min"));
    assert_non_null(strstr(text_of(l, n, "recipients"), "service_desk"));
    assert_non_null(strstr(text_of(l, n, "activation_role"), "change_manager"));
    od_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_every_combination),
        cmocka_unit_test(test_level_table),
        cmocka_unit_test(test_level_errors),
        cmocka_unit_test(test_level_hi_every_combination),
        cmocka_unit_test(test_level_hi_table),
        cmocka_unit_test(test_level_hi_errors),
        cmocka_unit_test(test_matrix_every_cell),
        cmocka_unit_test(test_provisional_every_level),
        cmocka_unit_test(test_explain_fields),
        cmocka_unit_test(test_explain_texts),
        cmocka_unit_test(test_explain_cap),
        cmocka_unit_test(test_explain_recipients_truncated),
        cmocka_unit_test(test_modified_policy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
