/* test_core_wf.c — od_wf_decide and the action bar (modules-spec §1.3), on
 * a small workflow declared in C that uses every guard and every effect:
 * each guard alone failing (409 naming the field, step, phase, link or
 * reason; 403 naming the authority for who, authority and actor_not),
 * `when` and any-of groups, a create action, a wrong state naming the
 * states needed, an unknown action (404), the effects in declared order
 * with their arguments, clock operations from triggers (start, pause,
 * resume, stop, cancel) and from clock effects, and the action bar with
 * its reasons. */
#include "core/wf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static od_wf_def *def;

static void cpy(char *dst, const char *s)
{
    size_t n = strlen(s);
    assert_true(n < OD_KEY_MAX);
    memcpy(dst, s, n + 1);
}

static void state(const char *key, od_wf_category cat)
{
    od_wf_state *s = &def->states[def->n_states++];
    cpy(s->key, key);
    s->category = cat;
}

/* from: space-separated states ("" = create); to NULL = stay */
static od_wf_action *action(const char *key, const char *from, const char *to)
{
    od_wf_action *a = &def->actions[def->n_actions++];
    cpy(a->key, key);
    for (const char *p = from; *p;) {
        char word[OD_KEY_MAX];
        size_t n = strcspn(p, " ");
        memcpy(word, p, n);
        word[n] = '\0';
        a->from[a->n_from++] = od_wf_state_index(def, word);
        p += n + (p[n] == ' ');
    }
    a->to = to ? od_wf_state_index(def, to) : -1;
    return a;
}

static void who(od_wf_action *a, od_wf_who_kind k, const char *key)
{
    a->who[a->n_who].kind = k;
    cpy(a->who[a->n_who++].key, key);
}

static od_wf_guard *guard(od_wf_action *a, od_wf_guard_kind k, const char *a0, const char *a1)
{
    od_wf_guard *g = &a->guards[a->n_guards++];
    g->kind = k;
    if (a0)
        cpy(g->args[g->n_args++], a0);
    if (a1)
        cpy(g->args[g->n_args++], a1);
    return g;
}

static void effect(od_wf_action *a, od_wf_effect_kind k, const char *x, const char *y, od_sla_op op,
                   int64_t off)
{
    od_wf_effect *e = &a->effects[a->n_effects++];
    e->kind = k;
    cpy(e->a, x);
    cpy(e->b, y ? y : "");
    e->op = op;
    e->offset_ms = off;
}

static int setup(void **st)
{
    (void)st;
    def = calloc(1, sizeof *def);
    assert_non_null(def);
    cpy(def->kind, "widget");
    state("new", OD_WF_OPEN);
    state("active", OD_WF_OPEN);
    state("waiting", OD_WF_PENDING);
    state("done", OD_WF_RESOLVED);
    state("closed", OD_WF_CLOSED);
    state("cancelled", OD_WF_CLOSED);

    od_wf_action *a = action("create", "", "new");
    who(a, OD_WHO_ROLE, "service_desk");
    who(a, OD_WHO_SYSTEM, "");
    effect(a, OD_FX_SET_TIME, "recorded_at", NULL, 0, 0);
    effect(a, OD_FX_NOTIFY, "widget.created", NULL, 0, 0);

    a = action("start", "new", "active");
    who(a, OD_WHO_FIELD, "assignee");
    guard(a, OD_G_FIELDS_REQUIRED, "impact", "urgency");

    a = action("wait", "active", "waiting");
    who(a, OD_WHO_FIELD, "assignee");
    who(a, OD_WHO_ROLE, "problem_manager");
    guard(a, OD_G_REASON_REQUIRED, NULL, NULL);
    effect(a, OD_FX_SCHEDULE, "wait_reminder", NULL, 0, 7 * 24 * 3600 * 1000LL);

    a = action("resume", "waiting", "active");
    who(a, OD_WHO_FIELD, "assignee");

    a = action("finish", "active", "done");
    who(a, OD_WHO_FIELD, "assignee");
    guard(a, OD_G_APPROVAL_COMPLETE, "fix_plan", NULL);
    guard(a, OD_G_CHECKLIST_COMPLETE, "verify", NULL);
    guard(a, OD_G_LINK_EXISTS, "fixed_by", "successful");
    guard(a, OD_G_NO_OPEN_LINKS, "parent_of", NULL);
    effect(a, OD_FX_SET_TIME, "resolved_at", NULL, 0, 0);

    a = action("solve", "active", "done"); /* any-of: one of three proofs */
    who(a, OD_WHO_FIELD, "assignee");
    guard(a, OD_G_FIELDS_REQUIRED, "root_cause", NULL);
    guard(a, OD_G_LINK_EXISTS, "fixed_by", "successful")->any_group = 1;
    guard(a, OD_G_FIELDS_REQUIRED, "solution", NULL)->any_group = 1;
    guard(a, OD_G_APPROVAL_COMPLETE, "workaround_only", NULL)->any_group = 1;

    a = action("close", "done", "closed");
    who(a, OD_WHO_ROLE, "problem_manager");
    who(a, OD_WHO_COMMITTEE, "cab");
    guard(a, OD_G_AUTHORITY, "closer", NULL);
    guard(a, OD_G_ACTOR_NOT, "requester", NULL);
    cpy(guard(a, OD_G_APPROVAL_COMPLETE, "major_review", NULL)->when, "major");
    effect(a, OD_FX_SET_TIME, "closed_at", NULL, 0, 0);
    effect(a, OD_FX_OPEN_APPROVAL, "close_confirm", NULL, 0, 0);
    effect(a, OD_FX_OPEN_CHECKLIST, "closure", "close", 0, 0);
    effect(a, OD_FX_LINK, "known_error_of", NULL, 0, 0);
    effect(a, OD_FX_CLOCK, "review", NULL, OD_SLA_OP_START, 0);
    effect(a, OD_FX_SCHEDULE, "ke_review", NULL, 0, 1000);
    effect(a, OD_FX_NOTIFY, "widget.closed", NULL, 0, 0);

    a = action("reopen", "done closed", "active");
    who(a, OD_WHO_ROLE, "problem_manager");
    guard(a, OD_G_REASON_REQUIRED, NULL, NULL);

    a = action("cancel", "new active waiting", "cancelled");
    who(a, OD_WHO_ROLE, "problem_manager");

    a = action("note", "new active waiting", NULL); /* stays */

    od_wf_authority *au = &def->authorities[def->n_authorities++];
    cpy(au->key, "closer");
    au->who[0].kind = OD_WHO_ROLE;
    cpy(au->who[0].key, "problem_manager");
    au->n_who = 1;

    od_wf_clock_def *c = &def->clocks[def->n_clocks++];
    cpy(c->name, "resolve");
    cpy(c->start_on[c->n_start++], "create");
    cpy(c->start_on[c->n_start++], "reopen");
    cpy(c->pause_in[c->n_pause++], "waiting");
    cpy(c->stop_on[c->n_stop++], "done");
    cpy(c->cancel_on[c->n_cancel++], "cancelled");
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    free(def);
    return 0;
}

/* The "everything in place" record and actors. */
static const char *const all_fields[] = {"impact", "urgency", "root_cause", "solution", "major"};
static const od_wf_holder holders[] = {{"assignee", 7}, {"requester", 9}};
static const od_wf_link_view good_links[] = {{"fixed_by", "successful", false},
                                             {"parent_of", "closed", false}};
static const od_wf_approval_view good_appr[] = {{"fix_plan", OD_APPR_ACCEPTED},
                                                {"major_review", OD_APPR_ACCEPTED}};
static const od_wf_checklist_view good_cl[] = {{"verify", true}};
static const char *const pm_roles[] = {"problem_manager"};
static const char *const desk_roles[] = {"service_desk"};
static const char *const cab[] = {"cab"};

static od_wf_record rec_in(const char *st)
{
    return (od_wf_record){.state = st,
                          .fields_set = all_fields,
                          .n_fields_set = 5,
                          .holders = holders,
                          .n_holders = 2,
                          .links = good_links,
                          .n_links = 2,
                          .approvals = good_appr,
                          .n_approvals = 2,
                          .checklists = good_cl,
                          .n_checklists = 1,
                          .reason_given = true};
}
static const od_wf_actor assignee = {.user_id = 7};
static const od_wf_actor pm = {.user_id = 3, .roles = pm_roles, .n_roles = 1};
static const od_wf_actor pm_requester = {.user_id = 9, .roles = pm_roles, .n_roles = 1};
static const od_wf_actor desk = {.user_id = 4, .roles = desk_roles, .n_roles = 1};
static const od_wf_actor cab_member = {.user_id = 5, .committees = cab, .n_committees = 1};
static const od_wf_actor sys = {.system = true};

static void test_allowed(void **st)
{
    (void)st;
    static const struct {
        const char *state, *action;
        const od_wf_actor *actor;
        const char *to;
    } rows[] = {
        {NULL, "create", &desk, "new"},          {NULL, "create", &sys, "new"},
        {"new", "start", &assignee, "active"},   {"active", "wait", &assignee, "waiting"},
        {"active", "wait", &pm, "waiting"},      {"waiting", "resume", &assignee, "active"},
        {"active", "finish", &assignee, "done"}, {"active", "solve", &assignee, "done"},
        {"done", "close", &pm, "closed"},        {"done", "reopen", &pm, "active"},
        {"closed", "reopen", &pm, "active"},     {"waiting", "cancel", &pm, "cancelled"},
        {"active", "note", &desk, "active"},     {"waiting", "note", &sys, "waiting"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_wf_record r = rec_in(rows[i].state);
        od_wf_decision d;
        od_err rc = od_wf_decide(def, &r, rows[i].action, rows[i].actor, 1000, &d);
        if (rc)
            fail_msg("%s in %s: %s", rows[i].action, rows[i].state ? rows[i].state : "-", d.refusal.message);
        assert_string_equal(d.to_key, rows[i].to);
        assert_int_equal(d.refusal.code, OD_OK);
        assert_int_equal(d.at, 1000);
    }
}

/* Each guard alone failing, and who / state / unknown action. */
static void test_refusals(void **st)
{
    (void)st;
    static const char *const no_impact[] = {"urgency", "root_cause", "solution", "major"};
    static const char *const no_root[] = {"impact", "urgency", "solution"};
    static const char *const only_root[] = {"root_cause"};
    static const char *const major_only[] = {"major"};
    static const od_wf_link_view open_child[] = {{"fixed_by", "successful", false},
                                                 {"parent_of", "active", true}};
    static const od_wf_link_view failed_change[] = {{"fixed_by", "failed", false}};
    static const od_wf_approval_view waiting[] = {{"fix_plan", OD_APPR_WAITING}};
    static const od_wf_approval_view refused_review[] = {{"fix_plan", OD_APPR_ACCEPTED},
                                                         {"major_review", OD_APPR_REFUSED}};
    static const od_wf_checklist_view cl_open[] = {{"verify", false}};
    enum { F_FIELDS = 1, F_APPR, F_CL, F_LINKS, F_REASON, F_NONE };
    static const struct {
        const char *why, *state, *action;
        const od_wf_actor *actor;
        int variant;
        od_err code;
        const char *what, *says;
    } rows[] = {
        /* clang-format off */
        {"unknown action", "new", "explode", &pm, 0, OD_E_NOT_FOUND, "explode", "unknown action"},
        {"wrong state names the states", "new", "cancel", &pm, 0, OD_OK, NULL, NULL},
        {"wrong state", "done", "cancel", &pm, 0, OD_E_CONFLICT, "new", "new / active / waiting"},
        {"create on an existing record", "new", "create", &desk, 0, OD_E_CONFLICT, "new", "already exists"},
        {"a non-create action before create", NULL, "start", &assignee, 0, OD_E_CONFLICT, "", "does not exist"},
        {"who: role", NULL, "create", &assignee, 0, OD_E_FORBIDDEN, "service_desk", "service_desk / system"},
        {"who: field", "new", "start", &pm, 0, OD_E_FORBIDDEN, "assignee", "field:assignee"},
        {"who: committee is enough for who, the authority is not", "done", "close", &cab_member, 0, OD_E_FORBIDDEN, "closer", "authority closer"},
        {"fields_required", "new", "start", &assignee, F_FIELDS, OD_E_CONFLICT, "impact", "missing required field: impact"},
        {"reason_required", "active", "wait", &assignee, F_REASON, OD_E_CONFLICT, "reason", "a reason is required"},
        {"approval_complete (waiting)", "active", "finish", &assignee, F_APPR, OD_E_CONFLICT, "fix_plan", "approval step not accepted: fix_plan"},
        {"checklist_complete", "active", "finish", &assignee, F_CL, OD_E_CONFLICT, "verify", "checklist not complete: verify"},
        {"link_exists with state", "active", "finish", &assignee, F_LINKS, OD_E_CONFLICT, "fixed_by", "missing link: fixed_by in state successful"},
        {"no_open_links", "active", "finish", &assignee, F_LINKS + 10, OD_E_CONFLICT, "parent_of", "still open: parent_of"},
        {"actor_not: the requester closes", "done", "close", &pm_requester, 0, OD_E_FORBIDDEN, "requester", "segregation"},
        {"when: major needs the review", "done", "close", &pm, F_APPR + 10, OD_E_CONFLICT, "major_review", "major_review"},
        {"any-of: none of three", "active", "solve", &assignee, F_NONE, OD_E_CONFLICT, "fixed_by", "link_exists(fixed_by) | fields_required(solution) | approval_complete(workaround_only)"},
        {"fields before any-of", "active", "solve", &assignee, F_FIELDS + 10, OD_E_CONFLICT, "root_cause", "root_cause"},
        /* clang-format on */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_wf_record r = rec_in(rows[i].state);
        switch (rows[i].variant) {
        case F_FIELDS:
            r.fields_set = no_impact, r.n_fields_set = 4;
            break;
        case F_FIELDS + 10:
            r.fields_set = no_root, r.n_fields_set = 3;
            break;
        case F_APPR:
            r.approvals = waiting, r.n_approvals = 1;
            break;
        case F_APPR + 10:
            r.approvals = refused_review, r.n_approvals = 2;
            break;
        case F_CL:
            r.checklists = cl_open;
            break;
        case F_LINKS:
            r.links = failed_change, r.n_links = 1;
            break;
        case F_LINKS + 10:
            r.links = open_child;
            break;
        case F_REASON:
            r.reason_given = false;
            break;
        case F_NONE:
            r.fields_set = only_root, r.n_fields_set = 1, r.links = failed_change, r.n_links = 1,
            r.n_approvals = 0;
            break;
        }
        od_wf_decision d;
        od_err rc = od_wf_decide(def, &r, rows[i].action, rows[i].actor, 0, &d);
        if (rc != rows[i].code)
            fail_msg("%s: code %d, want %d (%s)", rows[i].why, rc, rows[i].code, d.refusal.message);
        assert_int_equal(d.refusal.code, rc);
        if (!rows[i].what)
            continue;
        if (strcmp(d.refusal.what, rows[i].what) != 0 || !strstr(d.refusal.message, rows[i].says))
            fail_msg("%s: what \"%s\", message \"%s\"", rows[i].why, d.refusal.what, d.refusal.message);
        assert_non_null(strstr(d.refusal.message, " (")); /* 中文 (English) */
    }
    /* when: not major, the review is not needed */
    od_wf_record r = rec_in("done");
    static const char *const not_major[] = {"impact"};
    r.fields_set = not_major, r.n_fields_set = 1;
    r.approvals = refused_review, r.n_approvals = 2;
    od_wf_decision d;
    assert_int_equal(od_wf_decide(def, &r, "close", &pm, 0, &d), OD_OK);
    /* any-of: each alternative alone is enough */
    static const od_wf_approval_view wo[] = {{"workaround_only", OD_APPR_ACCEPTED}};
    r = rec_in("active");
    r.fields_set = only_root, r.n_fields_set = 1, r.approvals = wo, r.n_approvals = 1, r.n_links = 0;
    assert_int_equal(od_wf_decide(def, &r, "solve", &assignee, 0, &d), OD_OK);
    r.n_approvals = 0, r.links = good_links, r.n_links = 1;
    assert_int_equal(od_wf_decide(def, &r, "solve", &assignee, 0, &d), OD_OK);
    r.n_links = 0;
    assert_int_equal(od_wf_decide(def, &r, "solve", &assignee, 0, &d), OD_E_CONFLICT);
    r.fields_set = all_fields, r.n_fields_set = 5; /* solution */
    assert_int_equal(od_wf_decide(def, &r, "solve", &assignee, 0, &d), OD_OK);
    (void)major_only;
}

static void test_effects_and_clocks(void **st)
{
    (void)st;
    od_wf_record r = rec_in("done");
    od_wf_decision d;
    assert_int_equal(od_wf_decide(def, &r, "close", &pm, 5000, &d), OD_OK);
    static const od_wf_effect_kind kinds[] = {OD_FX_SET_TIME, OD_FX_OPEN_APPROVAL, OD_FX_OPEN_CHECKLIST,
                                              OD_FX_LINK,     OD_FX_CLOCK,         OD_FX_SCHEDULE,
                                              OD_FX_NOTIFY};
    assert_int_equal(d.n_effects, 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(d.effects[i]->kind, kinds[i]);
    assert_string_equal(d.effects[0]->a, "closed_at");
    assert_string_equal(d.effects[2]->a, "closure");
    assert_string_equal(d.effects[2]->b, "close");
    assert_int_equal(d.effects[5]->offset_ms, 1000);
    assert_int_equal(d.at, 5000);
    assert_int_equal(d.n_clock_ops, 1); /* closed triggers nothing; the clock effect starts review */
    assert_string_equal(d.clock_ops[0].clock, "review");
    assert_int_equal(d.clock_ops[0].op, OD_SLA_OP_START);

    static const struct {
        const char *state, *action;
        const od_wf_actor *actor;
        od_sla_op op; /* on "resolve"; NONE = no clock op */
    } rows[] = {
        {NULL, "create", &desk, OD_SLA_OP_START},        {"new", "start", &assignee, OD_SLA_OP_NONE},
        {"active", "wait", &assignee, OD_SLA_OP_PAUSE},  {"waiting", "resume", &assignee, OD_SLA_OP_RESUME},
        {"active", "finish", &assignee, OD_SLA_OP_STOP}, {"waiting", "cancel", &pm, OD_SLA_OP_CANCEL},
        {"done", "reopen", &pm, OD_SLA_OP_START},        {"waiting", "note", &pm, OD_SLA_OP_NONE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        r = rec_in(rows[i].state);
        assert_int_equal(od_wf_decide(def, &r, rows[i].action, rows[i].actor, 0, &d), OD_OK);
        if (rows[i].op == OD_SLA_OP_NONE) {
            assert_int_equal(d.n_clock_ops, 0);
        } else {
            assert_int_equal(d.n_clock_ops, 1);
            assert_string_equal(d.clock_ops[0].clock, "resolve");
            if (d.clock_ops[0].op != rows[i].op)
                fail_msg("%s: op %s", rows[i].action, od_sla_op_key(d.clock_ops[0].op));
        }
    }
    /* a paused clock cancelled from its pause state cancels (not resumes) */
    assert_int_equal(od_wf_clock_trigger(&def->clocks[0], "waiting", "cancel", "cancelled"),
                     OD_SLA_OP_CANCEL);
    od_wf_clock_def fixed = {.fixed_ms = 42};
    assert_int_equal(od_wf_clock_target(&fixed, 3), 42);
    od_wf_clock_def prio = {.matrix = "m", .by_priority = {1, 8, 24, 48, 0}};
    assert_int_equal(od_wf_clock_target(&prio, 1), 1);
    assert_int_equal(od_wf_clock_target(&prio, 5), 0);
    assert_int_equal(od_wf_clock_target(&prio, 6), 0);
}

static void test_action_bar(void **st)
{
    (void)st;
    od_wf_record r = rec_in("active");
    r.reason_given = false;
    od_wf_option opts[OD_WF_ACTIONS_MAX];
    size_t n = od_wf_available(def, &r, &assignee, 0, opts, OD_WF_ACTIONS_MAX);
    static const struct {
        const char *key;
        bool allowed;
        od_err code;
    } want[] = {{"wait", false, OD_E_CONFLICT},
                {"finish", true, OD_OK},
                {"solve", true, OD_OK},
                {"cancel", false, OD_E_FORBIDDEN},
                {"note", true, OD_OK}};
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(opts[i].action->key, want[i].key);
        assert_int_equal(opts[i].allowed, want[i].allowed);
        assert_int_equal(opts[i].refusal.code, want[i].code);
    }
    assert_string_equal(opts[3].refusal.what, "problem_manager");
    /* before create: only create; max respected */
    r = rec_in(NULL);
    assert_int_equal(od_wf_available(def, &r, &desk, 0, opts, OD_WF_ACTIONS_MAX), 1);
    r = rec_in("active");
    assert_int_equal(od_wf_available(def, &r, &pm, 0, opts, 2), 2);
}

static void test_keys(void **st)
{
    (void)st;
    for (int g = 0; g < OD_G__COUNT; g++)
        assert_int_equal(od_wf_guard_parse(od_wf_guard_key((od_wf_guard_kind)g)), g);
    for (int e = 0; e < OD_FX__COUNT; e++)
        assert_int_equal(od_wf_effect_parse(od_wf_effect_key((od_wf_effect_kind)e)), e);
    for (int c = 0; c < OD_WF__CATEGORIES; c++)
        assert_int_equal(od_wf_category_parse(od_wf_category_key((od_wf_category)c)), c);
    assert_int_equal(od_wf_guard_parse("policy_rule"), -1);
    assert_true(od_wf_role_known("problem_manager"));
    assert_true(od_wf_role_known("problem_solver"));
    assert_false(od_wf_role_known("janitor"));
    assert_true(od_wf_committee_known("ecab"));
    assert_false(od_wf_committee_known("problem_manager"));
    od_prio_matrix m = {.cell = {{1, 2, 3}, {2, 3, 4}, {3, 4, 5}}};
    static const char *const lv[] = {"high", "medium", "low"};
    for (int i = 0; i < 3; i++)
        for (int u = 0; u < 3; u++)
            assert_int_equal(od_prio_compute(&m, lv[i], lv[u]), m.cell[i][u]);
    assert_int_equal(od_prio_compute(&m, "huge", "low"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allowed),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_effects_and_clocks),
        cmocka_unit_test(test_action_bar),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
