/* test_policy_workflows.c — the kernel sections of the policy file
 * (modules-spec §1.3–§1.6, §M2.2–§M2.3): policy/default.yaml declares the
 * problem workflow, its resolve clock, the 3×3 priority matrix (every cell
 * against seed 004 table 6.4.3), the approvals and the closure checklist,
 * and the business calendar; the problem is driven through every state by
 * od_wf_decide with the right and the wrong actors (403 naming the
 * authority, 409 naming the missing step) and the clock operations each
 * transition implies; and every load-time refusal (unknown state,
 * unreachable state, a closed state with a way out other than reopen,
 * unknown role / committee / guard / effect / clock / calendar / approval
 * step / checklist / matrix, a matrix with a missing cell) comes with its
 * line and a bilingual message.  Requirements: R-PRB-1 (the states),
 * R-PRB-2 (the matrix and targets), R-PRB-4 (workaround required),
 * R-PRB-6 (the review gate: a review entry, then the approval; only the
 * problem manager closes). */
#include "core/wf.h"
#include "policy/policy_load.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static od_policy *pol;
static const od_wf_def *prb;

static int setup(void **st)
{
    (void)st;
    od_policy_diags *d = malloc(sizeof *d);
    assert_non_null(d);
    od_err rc = od_policy_load_file("policy/default.yaml", &pol, d);
    if (rc)
        od_policy_diags_print(stderr, "policy/default.yaml", d);
    free(d);
    assert_int_equal(rc, OD_OK);
    prb = od_kernel_workflow(pol->kernel, "problem");
    assert_non_null(prb);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    od_policy_free(pol);
    return 0;
}

static void test_declared(void **st)
{
    (void)st;
    static const char *const states[] = {"new",       "accepted", "planned", "assigned", "active",
                                         "suspended", "resolved", "closed",  "cancelled"};
    static const od_wf_category cats[] = {OD_WF_OPEN,     OD_WF_OPEN,   OD_WF_OPEN,
                                          OD_WF_OPEN,     OD_WF_OPEN,   OD_WF_PENDING,
                                          OD_WF_RESOLVED, OD_WF_CLOSED, OD_WF_CLOSED};
    assert_int_equal(prb->n_states, 9);
    for (size_t i = 0; i < 9; i++) {
        assert_string_equal(prb->states[i].key, states[i]);
        assert_int_equal(prb->states[i].category, cats[i]);
        assert_true(prb->states[i].name_zh[0] && prb->states[i].name_en[0]);
    }
    assert_int_equal(prb->n_actions, 15);
    /* only the problem manager closes */
    const od_wf_action *close = od_wf_action_find(prb, "close");
    assert_non_null(close);
    assert_int_equal(close->n_who, 1);
    assert_string_equal(close->who[0].key, "problem_manager");
    /* the matrix, all 9 cells (seed 004 table 6.4.3) */
    const od_prio_matrix *m = od_kernel_matrix(pol->kernel, "problem");
    assert_non_null(m);
    static const char *const lv[] = {"high", "medium", "low"};
    static const int want[3][3] = {{1, 2, 3}, {2, 3, 4}, {3, 4, 5}};
    for (int i = 0; i < 3; i++)
        for (int u = 0; u < 3; u++)
            assert_int_equal(od_prio_compute(m, lv[i], lv[u]), want[i][u]);
    /* the resolve clock: P1 1 h … P4 48 h, P5 none; pauses only while suspended */
    assert_int_equal(prb->n_clocks, 1);
    const od_wf_clock_def *c = &prb->clocks[0];
    assert_string_equal(c->name, "resolve");
    assert_string_equal(c->calendar, "24x7");
    static const int64_t h = 3600 * 1000LL;
    static const int64_t targets[] = {1 * h, 8 * h, 24 * h, 48 * h, 0};
    for (int p = 1; p <= 5; p++)
        assert_int_equal(od_wf_clock_target(c, p), targets[p - 1]);
    assert_int_equal(c->n_pause, 1);
    assert_string_equal(c->pause_in[0], "suspended");
    assert_int_equal(c->n_thresholds, 3);
    assert_int_equal(c->thresholds[0], 50);
    assert_int_equal(c->thresholds[2], 100);
    assert_string_equal(c->on_threshold[0], "problem.resolve_50");
    assert_string_equal(c->on_threshold[2], "problem.resolve_breached");
    /* approvals, checklist, calendars */
    const od_wf_approval_def *wo = od_kernel_approval(pol->kernel, "workaround_only");
    assert_non_null(wo);
    assert_int_equal(wo->rule.mode, OD_APPR_ANY);
    assert_int_equal(wo->rule.comment_required_on, (1u << OD_VOTE_REJECT) | (1u << OD_VOTE_MORE_INFO));
    assert_non_null(od_kernel_approval(pol->kernel, "major_review"));
    const od_cl_template *cl = od_kernel_checklist(pol->kernel, "problem_closure");
    assert_non_null(cl);
    assert_int_equal(cl->n_items, 3);
    assert_true(cl->items[0].required);
    const od_calendar *biz = od_kernel_calendar(pol->kernel, "business");
    assert_non_null(biz);
    assert_int_equal(biz->utc_offset_min, 480);
    assert_int_equal(od_cal_day_ms(biz), 510 * 60 * 1000LL);
    assert_int_equal(biz->n_periods[5], 0);
    assert_true(od_cal_year_loaded(biz, 2026));
    assert_false(od_cal_year_loaded(biz, 2027));
    /* 25 holidays and 6 调休 days */
    size_t hol = 0, work = 0;
    for (size_t i = 0; i < biz->n_days; i++)
        biz->days[i].type == OD_CAL_HOLIDAY ? hol++ : work++;
    assert_int_equal(hol, 33);
    assert_int_equal(work, 6);
    assert_non_null(od_kernel_calendar(pol->kernel, "24x7"));
}

/* ---- driving a problem ---- */

typedef struct step {
    const char *state, *action, *actor; /* actor: pm, desk, assignee, solver, other, system */
    const char *fields;                 /* space-separated fields set */
    const char *links;                  /* "fixed_by:successful" */
    const char *approvals;              /* accepted steps */
    bool checklist_close, reason;
    od_err code;
    const char *to_or_what; /* the target, or what the refusal names */
    od_sla_op clock;        /* resolve clock op expected (OD_SLA_OP_NONE: none) */
} step;

#define MAXW 12
static size_t split(const char *s, char words[MAXW][OD_KEY_MAX], const char *ptrs[MAXW])
{
    size_t n = 0;
    for (const char *p = s ? s : ""; *p && n < MAXW;) {
        size_t k = strcspn(p, " ");
        memcpy(words[n], p, k);
        words[n][k] = '\0';
        ptrs[n] = words[n];
        n++;
        p += k + (p[k] == ' ');
    }
    return n;
}

static void run(const step *s)
{
    char fw[MAXW][OD_KEY_MAX], lw[MAXW][OD_KEY_MAX], aw[MAXW][OD_KEY_MAX];
    const char *fp[MAXW], *lp[MAXW], *ap[MAXW];
    size_t nf = split(s->fields, fw, fp), nl = split(s->links, lw, lp), na = split(s->approvals, aw, ap);
    od_wf_link_view links[MAXW];
    for (size_t i = 0; i < nl; i++) {
        char *colon = strchr(lw[i], ':');
        links[i] = (od_wf_link_view){lw[i], colon ? colon + 1 : "", false};
        if (colon)
            *colon = '\0';
    }
    od_wf_approval_view appr[MAXW];
    for (size_t i = 0; i < na; i++)
        appr[i] = (od_wf_approval_view){ap[i], OD_APPR_ACCEPTED};
    od_wf_checklist_view cl = {"close", s->checklist_close};
    static const od_wf_holder holders[] = {{"assignee", 20}, {"solving_team", 21}, {"requester", 30}};
    od_wf_record r = {.state = s->state,
                      .fields_set = fp,
                      .n_fields_set = nf,
                      .holders = holders,
                      .n_holders = 3,
                      .links = links,
                      .n_links = nl,
                      .approvals = appr,
                      .n_approvals = na,
                      .checklists = &cl,
                      .n_checklists = 1,
                      .reason_given = s->reason};
    static const char *const pm_r[] = {"problem_manager"}, *const desk_r[] = {"service_desk"},
                             *const solver_r[] = {"problem_solver"}, *const eng_r[] = {"ops_engineer"};
    od_wf_actor a = {0};
    if (strcmp(s->actor, "pm") == 0)
        a = (od_wf_actor){.user_id = 10, .roles = pm_r, .n_roles = 1};
    else if (strcmp(s->actor, "desk") == 0)
        a = (od_wf_actor){.user_id = 11, .roles = desk_r, .n_roles = 1};
    else if (strcmp(s->actor, "assignee") == 0)
        a = (od_wf_actor){.user_id = 20, .roles = solver_r, .n_roles = 1};
    else if (strcmp(s->actor, "solver") == 0)
        a = (od_wf_actor){.user_id = 21, .roles = solver_r, .n_roles = 1};
    else if (strcmp(s->actor, "system") == 0)
        a = (od_wf_actor){.system = true};
    else
        a = (od_wf_actor){.user_id = 40, .roles = eng_r, .n_roles = 1};
    od_wf_decision d;
    od_err rc = od_wf_decide(prb, &r, s->action, &a, 1000, &d);
    if (rc != s->code)
        fail_msg("%s by %s in %s: code %d, want %d (%s)", s->action, s->actor, s->state ? s->state : "-", rc,
                 s->code, d.refusal.message);
    if (rc == OD_OK) {
        assert_string_equal(d.to_key, s->to_or_what);
        if (s->clock == OD_SLA_OP_NONE) {
            assert_int_equal(d.n_clock_ops, 0);
        } else {
            assert_int_equal(d.n_clock_ops, 1);
            assert_string_equal(d.clock_ops[0].clock, "resolve");
            assert_int_equal(d.clock_ops[0].op, s->clock);
        }
    } else if (strcmp(d.refusal.what, s->to_or_what) != 0) {
        fail_msg("%s by %s: names \"%s\", want \"%s\" (%s)", s->action, s->actor, d.refusal.what,
                 s->to_or_what, d.refusal.message);
    }
}

#define NONE OD_SLA_OP_NONE
#define F403 OD_E_FORBIDDEN
#define F409 OD_E_CONFLICT

static void test_problem_lifecycle(void **st)
{
    (void)st;
    static const step steps[] = {
        /* clang-format off */
        {NULL, "create", "other", NULL, NULL, NULL, false, false, F403, "problem_solver", NONE},
        {NULL, "create", "desk", NULL, NULL, NULL, false, false, OD_OK, "new", OD_SLA_OP_START},
        {NULL, "create", "system", NULL, NULL, NULL, false, false, OD_OK, "new", OD_SLA_OP_START},
        {NULL, "create", "assignee", NULL, NULL, NULL, false, false, OD_OK, "new", OD_SLA_OP_START},
        {"new", "accept", "desk", "impact urgency category", NULL, NULL, false, false, F403, "problem_manager", NONE},
        {"new", "accept", "pm", "impact urgency", NULL, NULL, false, false, F409, "category", NONE},
        {"new", "accept", "pm", "impact urgency category", NULL, NULL, false, false, OD_OK, "accepted", NONE},
        {"new", "start", "assignee", NULL, NULL, NULL, false, false, F409, "assigned", NONE},
        {"accepted", "plan", "pm", NULL, NULL, NULL, false, false, F409, "investigation_plan", NONE},
        {"accepted", "plan", "pm", "investigation_plan", NULL, NULL, false, false, OD_OK, "planned", NONE},
        {"accepted", "assign", "pm", "assignee", NULL, NULL, false, false, OD_OK, "assigned", NONE},
        {"planned", "assign", "pm", NULL, NULL, NULL, false, false, F409, "assignee", NONE},
        {"planned", "assign", "pm", "assignee", NULL, NULL, false, false, OD_OK, "assigned", NONE},
        {"assigned", "start", "pm", NULL, NULL, NULL, false, false, F403, "assignee", NONE},
        {"assigned", "start", "assignee", NULL, NULL, NULL, false, false, OD_OK, "active", NONE},
        {"active", "suspend", "assignee", "suspend_reason", NULL, NULL, false, false, F409, "reason", NONE},
        {"active", "suspend", "solver", "suspend_reason", NULL, NULL, false, true, F403, "assignee", NONE},
        {"active", "suspend", "assignee", "suspend_reason", NULL, NULL, false, true, OD_OK, "suspended", OD_SLA_OP_PAUSE},
        {"active", "suspend", "pm", "suspend_reason", NULL, NULL, false, true, OD_OK, "suspended", OD_SLA_OP_PAUSE},
        {"suspended", "resume", "pm", NULL, NULL, NULL, false, false, OD_OK, "active", OD_SLA_OP_RESUME},
        {"active", "publish_workaround", "solver", NULL, NULL, NULL, false, false, F409, "workaround", NONE},
        {"active", "publish_workaround", "solver", "workaround", NULL, NULL, false, false, OD_OK, "active", NONE},
        {"active", "publish_workaround", "pm", "workaround", NULL, NULL, false, false, F403, "solving_team", NONE},
        {"active", "raise_change", "assignee", NULL, NULL, NULL, false, false, F403, "problem_manager", NONE},
        {"suspended", "raise_change", "pm", NULL, NULL, NULL, false, false, OD_OK, "suspended", NONE},
        {"active", "decide_workaround_only", "assignee", "workaround", NULL, NULL, false, false, F409, "reason", NONE},
        {"active", "decide_workaround_only", "assignee", "workaround", NULL, NULL, false, true, OD_OK, "active", NONE},
        {"active", "resolve", "assignee", "solution solution_evidence", NULL, NULL, false, false, F409, "root_cause", NONE},
        {"active", "resolve", "assignee", "root_cause", "fixed_by:failed", NULL, false, false, F409, "fixed_by", NONE},
        {"active", "resolve", "assignee", "root_cause", "fixed_by:successful", NULL, false, false, OD_OK, "resolved", OD_SLA_OP_STOP},
        {"active", "resolve", "assignee", "root_cause solution solution_evidence", NULL, NULL, false, false, OD_OK, "resolved", OD_SLA_OP_STOP},
        {"active", "resolve", "assignee", "root_cause", NULL, "workaround_only", false, false, OD_OK, "resolved", OD_SLA_OP_STOP},
        {"active", "resolve", "assignee", "root_cause workaround_required", NULL, "workaround_only", false, false, F409, "workaround", NONE},
        {"active", "resolve", "assignee", "root_cause workaround_required workaround", NULL, "workaround_only", false, false, OD_OK, "resolved", OD_SLA_OP_STOP},
        {"active", "resolve", "pm", "root_cause", "fixed_by:successful", NULL, false, false, F403, "assignee", NONE},
        {"resolved", "close", "assignee", NULL, NULL, NULL, true, false, F403, "problem_manager", NONE},
        {"resolved", "close", "pm", NULL, NULL, NULL, false, false, F409, "close", NONE},
        {"resolved", "close", "pm", NULL, NULL, NULL, true, false, OD_OK, "closed", NONE},
        {"resolved", "close", "pm", "major", NULL, NULL, true, false, F409, "review_entry", NONE},
        {"resolved", "close", "pm", "major", NULL, "major_review", true, false, F409, "review_entry", NONE},
        {"resolved", "close", "pm", "major review_entry", NULL, NULL, true, false, F409, "major_review", NONE},
        {"resolved", "file_review", "assignee", "major review", NULL, NULL, false, false, OD_OK, "resolved", NONE},
        {"resolved", "close", "pm", "major review_entry", NULL, "major_review", true, false, OD_OK, "closed", NONE},
        {"resolved", "close", "pm", "review_entry", NULL, NULL, true, false, OD_OK, "closed", NONE},
        {"active", "close", "pm", NULL, NULL, NULL, true, false, F409, "resolved", NONE},
        {"closed", "reopen", "pm", NULL, NULL, NULL, false, false, F409, "reason", NONE},
        {"closed", "reopen", "pm", NULL, NULL, NULL, false, true, OD_OK, "active", NONE},
        {"resolved", "reopen", "assignee", NULL, NULL, NULL, false, true, F403, "problem_manager", NONE},
        {"new", "cancel", "pm", "cancel_reason", NULL, NULL, false, true, OD_OK, "cancelled", OD_SLA_OP_CANCEL},
        {"planned", "cancel", "pm", "cancel_reason", NULL, NULL, false, true, OD_OK, "cancelled", OD_SLA_OP_CANCEL},
        {"assigned", "cancel", "pm", "cancel_reason", NULL, NULL, false, true, F409, "new", NONE},
        {"cancelled", "reopen", "pm", NULL, NULL, NULL, false, true, F409, "resolved", NONE},
        {"new", "cancel", "pm", NULL, NULL, NULL, false, true, F409, "cancel_reason", NONE},
        /* clang-format on */
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        run(&steps[i]);
}

/* ---- load-time refusals ---- */

static const char base[] = "version: 1\n"
                           "workflows:\n"
                           "  t:\n"
                           "    states:\n"
                           "      a: {zh: 甲, en: A, category: open}\n"
                           "      b: {zh: 乙, en: B, category: closed}\n"
                           "    actions:\n"
                           "      make: {from: [], to: a, who: [service_desk]}\n"
                           "      end: {from: [a], to: b, who: [problem_manager]}\n";

static void expect(const char *extra, int line, const char *says)
{
    size_t len = strlen(base) + strlen(extra);
    char *text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, base, strlen(base));
    memcpy(text + strlen(base), extra, strlen(extra) + 1);
    od_policy_diags *d = malloc(sizeof *d);
    assert_non_null(d);
    od_policy *p = NULL;
    od_err rc = od_policy_load_buffer(text, len, &p, d);
    if (says == NULL) {
        if (rc)
            od_policy_diags_print(stderr, "case", d);
        assert_int_equal(rc, OD_OK);
        assert_non_null(p->kernel);
    } else {
        assert_int_equal(rc, OD_E_INVALID);
        bool found = false;
        for (size_t i = 0; i < d->n && !found; i++)
            found = d->items[i].line == line && strstr(d->items[i].message, says) != NULL;
        if (!found) {
            od_policy_diags_print(stderr, "case", d);
            fail_msg("no finding at line %d with \"%s\"", line, says);
        }
    }
    od_policy_free(p);
    free(d);
    free(text);
}

static void test_refusals(void **st)
{
    (void)st;
    expect("", 0, NULL);
    /* lines 10+ are extra */
    expect("      go: {from: [a], to: c, who: [problem_manager]}\n", 10, "unknown state 'c'");
    expect("      go: {from: [z], to: a}\n", 10, "unknown state 'z'");
    expect("      back: {from: [b], to: a, who: [problem_manager]}\n", 10, "allows only 'reopen'");
    expect("      reopen: {from: [b], to: a, who: [problem_manager]}\n", 0, NULL);
    expect("      go: {from: [a], to: a, who: [janitor]}\n", 10, "unknown role 'janitor'");
    expect("      go: {from: [a], to: a, who: [committee:tea_club]}\n", 10, "unknown committee 'tea_club'");
    expect("      go: {from: [a], to: a, who: [committee:cab, field:assignee, system]}\n", 0, NULL);
    expect("      go: {from: [a], to: a, guards: [be_nice]}\n", 10, "unknown guard 'be_nice'");
    expect("      go: {from: [a], to: a, guards: [{fields_required: []}]}\n", 10, "arguments");
    expect("      go: {from: [a], to: a, guards: [{approval_complete: nope}]}\n", 10,
           "unknown approval step 'nope'");
    expect("      go: {from: [a], to: a, guards: [{authority: boss}]}\n", 10, "unknown authority 'boss'");
    expect("      go: {from: [a], to: a, effects: [{dance: x}]}\n", 10, "unknown effect 'dance'");
    expect("      go: {from: [a], to: a, effects: [{clock: [resolve, start]}]}\n", 10,
           "unknown clock 'resolve'");
    expect("      go: {from: [a], to: a, effects: [{clock: [resolve, explode]}]}\n", 10, "a clock op is");
    expect("      go: {from: [a], to: a, effects: [{open_checklist: [nope, x]}]}\n", 10,
           "unknown checklist template 'nope'");
    expect("      go: {from: [a], to: a, effects: [{open_approval: workaround_only}, {schedule: [r, 2h]}]}\n",
           0, NULL);
    /* clocks: unknown calendar, unknown matrix, unknown trigger, unknown workflow */
    expect("clocks:\n  t:\n    k: {start_on: [make], calendar: moon, target: 1h}\n", 12,
           "unknown calendar 'moon'");
    expect("clocks:\n  t:\n    k: {start_on: [make], target: {matrix: nope, by_priority: {P1: 1h, P2: 1h, "
           "P3: 1h, "
           "P4: 1h, P5: none}}}\n",
           12, "unknown matrix 'nope'");
    expect("clocks:\n  t:\n    k: {start_on: [fly], target: 1h}\n", 12, "has no state or action 'fly'");
    expect("clocks:\n  t:\n    k: {start_on: [make], pause_in: [make], target: 1h}\n", 12,
           "has no state 'make'");
    expect("clocks:\n  q:\n    k: {start_on: [make], target: 1h}\n", 11, "no workflow 'q'");
    expect("clocks:\n  t:\n    k: {start_on: [make], stop_on: [b], target: 1h, thresholds: [50, 100]}\n", 0,
           NULL);
    expect("clocks:\n  t:\n    k: {start_on: [make], target: 1h, thresholds: [50, 100], on_threshold: {75: "
           "x}}\n",
           12, "not one of the clock's thresholds");
    expect("approvals:\n  s:\n    approvers: [problem_manager]\n    escalate_after: 1d\n", 11,
           "escalate_after needs escalate_to");
    expect("approvals:\n  s:\n    approvers: [problem_manager]\n    remind_after: 4h\n    escalate_after: "
           "1d\n    "
           "escalate_to: [ops_department_head, committee:it_exec_committee]\n",
           0, NULL);
    /* matrices */
    expect("priority_matrices:\n  m:\n    high: {high: P1, medium: P2, low: P3}\n    medium: {high: P2, "
           "medium: P3, "
           "low: P4}\n    low: {high: P3, medium: P4}\n",
           14, "missing cell: urgency 'low'");
    expect("priority_matrices:\n  m:\n    high: {high: P1, medium: P2, low: P3}\n    medium: {high: P2, "
           "medium: P3, "
           "low: P4}\n",
           11, "missing impact row 'low'");
    expect("priority_matrices:\n  m:\n    high: {high: P0, medium: P2, low: P3}\n", 12, "P1…P5");
    /* calendars */
    expect("calendars:\n  b:\n    utc_offset: \"+08:00\"\n    hours: {weekdays: [\"09:00-12:00\", "
           "\"13:30-17:30\"]}\n    days: [{date: 2027-02-30, type: holiday}]\n",
           14, "YYYY-MM-DD");
    expect("calendars:\n  b:\n    utc_offset: \"+08:00\"\n    hours: {mon: [\"13:00-12:00\"]}\n", 13,
           "HH:MM-HH:MM");
    expect("calendars:\n  b:\n    utc_offset: \"Asia/Shanghai\"\n    hours: {mon: [\"09:00-12:00\"]}\n", 12,
           "+08:00");
    expect("calendars:\n  24x7:\n    utc_offset: \"+08:00\"\n    hours: {}\n", 11, "built in");
    expect(
        "calendars:\n  b:\n    utc_offset: \"+08:00\"\n    hours: {weekdays: [\"09:00-17:30\"]}\n    days: "
        "[{date: 2027-01-01, to: 2027-01-03, type: holiday, name: 元旦}, {date: 2027-01-04, type: dayoff}]\n",
        14, "holiday or workday");
    /* approvals and checklists */
    expect("approvals:\n  s:\n    approvers: [nobody_role]\n", 12, "unknown role 'nobody_role'");
    expect("approvals:\n  s:\n    approvers: [problem_manager]\n    mode: most\n", 13,
           "any, all or a quorum");
    expect("approvals:\n  s:\n    approvers: [committee:cab]\n    mode: {quorum_percent: 60}\n", 0, NULL);
    expect("checklists:\n  c:\n    items:\n      - {key: x, zh: 甲, type: choice}\n", 13, "needs options");
    expect("checklists:\n  c:\n    items:\n      - {key: x, zh: 甲, type: number, min: 5, max: 1}\n", 13,
           "min is above max");
    expect("checklists:\n  c:\n    items:\n      - {key: x, zh: 甲, type: choice, options: [ok, bad], "
           "fail_on: [worse]}\n",
           13, "not one of the item's options");
    /* an item's severity: the generic enum check (severe | moderate | minor), for on_fail: event and
     * incident alike (R-INC-1) */
    expect("checklists:\n  c:\n    items:\n      - {key: x, zh: 甲, type: check, on_fail: event, "
           "severity: apocalyptic}\n",
           13, "unknown severity 'apocalyptic' (expected one of: severe");
    expect("checklists:\n  c:\n    items:\n      - {key: x, zh: 甲, type: check, on_fail: incident, "
           "severity: Severe}\n",
           13, "unknown severity 'Severe'");
    expect("checklists:\n  c:\n    items:\n      - {key: x, zh: 甲, type: check, on_fail: event, "
           "severity: severe}\n",
           0, NULL);
    /* the default workflows need the approvals a file's own approvals: section dropped */
    static const char only_approvals[] = "version: 1\napprovals:\n  s:\n    approvers: [problem_manager]\n";
    od_policy_diags *d = malloc(sizeof *d);
    od_policy *p = NULL;
    assert_int_equal(od_policy_load_buffer(only_approvals, strlen(only_approvals), &p, d), OD_E_INVALID);
    assert_int_equal(d->items[0].line, 0);
    assert_non_null(strstr(d->items[0].message, "default policy"));
    assert_non_null(strstr(d->items[0].message, "workaround_only"));
    free(d);
    /* a file without kernel sections gets the default's */
    assert_int_equal(od_policy_load_buffer("version: 1\n", 11, &p, NULL), OD_OK);
    assert_non_null(od_kernel_workflow(p->kernel, "problem"));
    od_policy_free(p);
}

/* the unreachable-state finding names the state, on its own line */
static void test_unreachable(void **st)
{
    (void)st;
    static const char text[] = "version: 1\n"
                               "workflows:\n"
                               "  t:\n"
                               "    states:\n"
                               "      a: {zh: 甲, en: A, category: open}\n"
                               "      lost: {zh: 乙, en: B, category: open}\n"
                               "    actions:\n"
                               "      make: {from: [], to: a}\n";
    od_policy_diags *d = malloc(sizeof *d);
    od_policy *p = NULL;
    assert_int_equal(od_policy_load_buffer(text, strlen(text), &p, d), OD_E_INVALID);
    assert_int_equal(d->n, 1);
    assert_int_equal(d->items[0].line, 6);
    assert_non_null(strstr(d->items[0].message, "state cannot be reached"));
    assert_non_null(strstr(d->items[0].message, "不可达"));
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declared),
        cmocka_unit_test(test_problem_lifecycle),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_unreachable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
