/* test_policy_load.c — the policy file loader: policy/default.yaml equals the
 * built-in defaults, a modified file changes values, and each class of error
 * is reported as OD_E_INVALID with the right line (table-driven).  Files are
 * read relative to the repository root (CTest's working directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/policy_load.h"
#include "core/duties.h"

#define DATA "tests/unit/data/policy/"
#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)

/* Every numeric (and key/name) field of two policies is equal. */
static void assert_same_numbers(const od_policy *a, const od_policy *b)
{
    assert_int_equal(a->n_categories, b->n_categories);
    for (size_t i = 0; i < a->n_categories; i++) {
        assert_string_equal(a->categories[i].key, b->categories[i].key);
        assert_string_equal(a->categories[i].name_zh, b->categories[i].name_zh);
        assert_string_equal(a->categories[i].name_en, b->categories[i].name_en);
        assert_int_equal(a->categories[i].grades_allowed, b->categories[i].grades_allowed);
    }
    assert_memory_equal(a->matrix, b->matrix, sizeof a->matrix);
    assert_memory_equal(a->handling_limit_ms, b->handling_limit_ms, sizeof a->handling_limit_ms);
    assert_memory_equal(a->first_report_ms, b->first_report_ms, sizeof a->first_report_ms);
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        assert_int_equal(a->first_report_recipients[g].roles, b->first_report_recipients[g].roles);
        assert_int_equal(a->first_report_recipients[g].owning_department_heads,
                         b->first_report_recipients[g].owning_department_heads);
        assert_int_equal(a->first_report_recipients[g].n_heads_of, b->first_report_recipients[g].n_heads_of);
        for (size_t k = 0; k < a->first_report_recipients[g].n_heads_of; k++)
            assert_string_equal(a->first_report_recipients[g].heads_of[k],
                                b->first_report_recipients[g].heads_of[k]);
    }
    assert_int_equal(a->ack_levels, b->ack_levels);
    assert_int_equal(a->ack_window_ms, b->ack_window_ms);
    assert_int_equal(a->renotify_every_ms, b->renotify_every_ms);
    assert_memory_equal(a->progress_every_ms, b->progress_every_ms, sizeof a->progress_every_ms);
    assert_int_equal(a->progress_remind_before_ms, b->progress_remind_before_ms);
    assert_memory_equal(a->activation_role, b->activation_role, sizeof a->activation_role);
    assert_int_equal(a->duties.closure_by, b->duties.closure_by);
    assert_int_equal(a->duties.confirm_roles, b->duties.confirm_roles);
    assert_int_equal(a->duties.later_report_roles, b->duties.later_report_roles);
    assert_int_equal(a->duties.register_alert_levels, b->duties.register_alert_levels);
    assert_int_equal(a->duties.first_report_overdue_roles, b->duties.first_report_overdue_roles);
    assert_int_equal(a->duties.reachable_roles, b->duties.reachable_roles);
    assert_int_equal(a->duties.review_to_roles, b->duties.review_to_roles);
    assert_int_equal(a->duties.activation_in_report_window, b->duties.activation_in_report_window);
    assert_int_equal(a->duties.activation_required, b->duties.activation_required);
    assert_int_equal(a->duties.ack_required, b->duties.ack_required);
    assert_int_equal(a->duties.ack_roles, b->duties.ack_roles);
    assert_int_equal(a->duties.ack_overdue_roles, b->duties.ack_overdue_roles);
    assert_int_equal(a->upkeep.risk_months, b->upkeep.risk_months);
    assert_string_equal(a->upkeep.risk_department, b->upkeep.risk_department);
    assert_int_equal(a->upkeep.feedback_days, b->upkeep.feedback_days);
    for (int k = 0; k < OD_PCR__COUNT; k++) {
        assert_int_equal(a->candidates.rule[k].enabled, b->candidates.rule[k].enabled);
        assert_int_equal(a->candidates.rule[k].min_incidents, b->candidates.rule[k].min_incidents);
        assert_int_equal(a->candidates.rule[k].window_ms, b->candidates.rule[k].window_ms);
    }
    assert_int_equal(a->password.min_length, b->password.min_length);
    assert_int_equal(a->password.require_upper, b->password.require_upper);
    assert_int_equal(a->password.require_lower, b->password.require_lower);
    assert_int_equal(a->password.require_digit, b->password.require_digit);
    assert_int_equal(a->password.require_special, b->password.require_special);
    assert_int_equal(a->login.max_failures, b->login.max_failures);
    assert_int_equal(a->login.window_ms, b->login.window_ms);
    assert_int_equal(a->login.lockout_ms, b->login.lockout_ms);
    assert_int_equal(a->login.session_ttl_ms, b->login.session_ttl_ms);
}

static void test_default_file_equals_defaults(void **state)
{
    (void)state;
    od_policy_diags d;
    od_policy *p = NULL;
    od_err rc = od_policy_load_file("policy/default.yaml", &p, &d);
    if (rc)
        od_policy_diags_print(stderr, "policy/default.yaml", &d);
    assert_int_equal(rc, OD_OK);
    assert_int_equal(d.total, 0);
    od_policy *def = od_policy_new_default();
    assert_non_null(def);
    assert_same_numbers(p, def);

    /* R-CI-3: every category carries its 分级原则 and one rule per grade */
    for (size_t i = 0; i < p->n_categories; i++) {
        const od_category *c = &p->categories[i];
        assert_non_null(c->principle);
        for (int g = 0; g < OD_GRADE__COUNT; g++) {
            if (c->grades_allowed & (1u << g))
                assert_non_null(c->guidance[g]);
            else
                assert_null(c->guidance[g]);
        }
    }
    const od_category *sec = od_policy_category(p, "security_device");
    assert_non_null(sec);
    assert_non_null(strstr(sec->guidance[OD_GRADE_L1], "生产环境的IDS入侵检测系统"));
    assert_non_null(strstr(sec->guidance[OD_GRADE_L2], "同城备份环境"));
    const od_category *db = od_policy_category(p, "database");
    assert_non_null(strstr(db->guidance[OD_GRADE_NG], "培训数据库"));
    /* R-INC-1: three severity descriptions, each per object class */
    for (int s = 0; s < OD_SEV__COUNT; s++) {
        assert_non_null(p->severity_desc[s]);
        assert_non_null(strstr(p->severity_desc[s], "应用："));
        assert_non_null(strstr(p->severity_desc[s], "基础平台："));
        assert_non_null(strstr(p->severity_desc[s], "环境："));
    }
    assert_non_null(strstr(p->severity_desc[OD_SEV_SEVERE], "机房无法进入"));
    assert_non_null(p->name);
    od_policy_free(def);
    od_policy_free(p);
}

static void test_modified_file_changes_values(void **state)
{
    (void)state;
    od_policy_diags d;
    od_policy *p = NULL;
    od_err rc = od_policy_load_file(DATA "modified.yaml", &p, &d);
    if (rc)
        od_policy_diags_print(stderr, "modified.yaml", &d);
    assert_int_equal(rc, OD_OK);
    assert_string_equal(p->name, "modified test policy");
    assert_int_equal(p->n_categories, 1);
    assert_string_equal(p->categories[0].key, "storage");
    assert_string_equal(p->categories[0].name_zh, "存储");
    assert_string_equal(p->categories[0].name_en, "");
    assert_int_equal(p->categories[0].grades_allowed, (1u << OD_GRADE_L1) | (1u << OD_GRADE_NG));
    assert_null(p->categories[0].principle);
    assert_string_equal(p->categories[0].guidance[OD_GRADE_NG], "测试存储");
    assert_null(p->categories[0].guidance[OD_GRADE_L1]);
    assert_null(od_policy_category(p, "server"));
    assert_int_equal(p->handling_limit_ms[OD_RESP_R1], HOUR_MS);
    assert_int_equal(p->handling_limit_ms[OD_RESP_R3], 90 * MIN_MS);
    assert_int_equal(p->handling_limit_ms[OD_RESP_NG], 24 * HOUR_MS);
    assert_int_equal(p->matrix[OD_GRADE_L1][OD_SEV_MINOR], OD_RESP_R3);
    assert_int_equal(p->matrix[OD_GRADE_L3][OD_SEV_MINOR], OD_RESP_NG);
    assert_int_equal(p->ack_levels, 0x7);
    assert_int_equal(p->ack_window_ms, 5 * MIN_MS); /* not in the file: default */
    assert_int_equal(p->renotify_every_ms, 0);
    assert_int_equal(p->password.min_length, 12);
    assert_false(p->password.require_upper);
    assert_true(p->password.require_digit);
    assert_int_equal(p->login.max_failures, 3);
    assert_int_equal(p->login.window_ms, 15 * MIN_MS);
    assert_int_equal(p->login.session_ttl_ms, 30000);
    assert_int_equal(p->activation_role[OD_RESP_NG], OD_ROLE_OPS_ENGINEER);
    assert_string_equal(p->severity_desc[OD_SEV_SEVERE], "全部中断");
    assert_string_equal(p->severity_desc[OD_SEV_MODERATE], "应用：变慢");
    assert_string_equal(p->severity_desc[OD_SEV_MINOR], "基础平台：冗余故障\n环境：隐患");
    /* untouched sections keep the defaults */
    assert_int_equal(p->first_report_ms[OD_GRADE_L3], 10 * MIN_MS);
    assert_int_equal(p->progress_every_ms[OD_RESP_R2], 60 * MIN_MS);
    od_policy_free(p);
}

/* ---- error classes ---------------------------------------------------- */

typedef struct err_case {
    const char *name;
    const char *text; /* YAML, or NULL to read file */
    const char *file;
    int line;         /* a diag on this line ... */
    const char *what; /* ... whose message contains this */
    size_t total;     /* expected number of findings, 0 = don't check */
} err_case;

static const err_case err_cases[] = {
    {"unknown top-level key", "version: 1\nlogin:\n  max_failures: 5\nfoo: 1\n", NULL, 4, "unknown key 'foo'",
     1},
    {"unknown nested key", "login:\n  max_failures: 5\n  windw: 15m\n", NULL, 3, "login: unknown key 'windw'",
     1},
    {"bad duration unit", "login:\n  window: 15x\n", NULL, 2, "bad duration '15x'", 1},
    {"bad duration sign", "acknowledgement:\n  within: -5m\n", NULL, 2, "bad duration", 1},
    {"bad duration mixed", "acknowledgement:\n  within: 1h30m\n", NULL, 2, "bad duration", 1},
    {"bad duration no unit", "acknowledgement:\n  within: 5\n", NULL, 2, "bad duration", 1},
    {"bad duration leading zero", "acknowledgement:\n  within: 05m\n", NULL, 2, "bad duration", 1},
    {"bad duration space", "acknowledgement:\n  within: \"5 m\"\n", NULL, 2, "bad duration", 1},
    {"bad duration overflow", "acknowledgement:\n  within: 99999999999999999999d\n", NULL, 2, "bad duration",
     1},
    {"duration too long", "acknowledgement:\n  within: 367d\n", NULL, 2, "bad duration", 1},
    {"zero not allowed", "login:\n  lockout: none\n", NULL, 2, "login.lockout: must be longer", 1},
    {"unknown role in activation",
     "activation:\n  R1: emergency_leadership\n  R2: boss\n  R3: ops_leader\n  NG: liaison\n", NULL, 3,
     "unknown role 'boss'", 1},
    {"unknown role in recipients",
     "first_report:\n  L1: { within: 5m, recipients: [liaison, chief] }\n"
     "  L2: { within: 5m, recipients: [liaison] }\n  L3: { within: 5m, recipients: [liaison] }\n"
     "  NG: { within: 5m, recipients: [liaison] }\n",
     NULL, 2, "unknown role 'chief'", 1},
    {"missing matrix cell",
     "response_matrix:\n  L1: { severe: R1, moderate: R1, minor: R2 }\n"
     "  L2: { severe: R1, minor: R2 }\n  L3: { severe: R2, moderate: R3, minor: R3 }\n"
     "  NG: { severe: NG, moderate: NG, minor: NG }\n",
     NULL, 3, "response_matrix.L2: missing severity 'moderate'", 1},
    {"missing matrix row",
     "response_matrix:\n  L1: { severe: R1, moderate: R1, minor: R2 }\n"
     "  L2: { severe: R1, moderate: R2, minor: R2 }\n  NG: { severe: NG, moderate: NG, minor: NG }\n",
     NULL, 1, "missing grade 'L3'", 1},
    {"unknown grade in matrix",
     "response_matrix:\n  L1: { severe: R1, moderate: R1, minor: R2 }\n"
     "  L2: { severe: R1, moderate: R2, minor: R2 }\n  L3: { severe: R2, moderate: R3, minor: R3 }\n"
     "  NG: { severe: NG, moderate: NG, minor: NG }\n  L4: { severe: R1 }\n",
     NULL, 6, "unknown grade 'L4'", 1},
    {"unknown severity", "severities:\n  severe: a\n  moderate: b\n  minor: c\n  fatal: d\n", NULL, 5,
     "unknown severity 'fatal'", 1},
    {"missing handling limit", "handling_limits: { R1: 2h, R2: 4h, R3: 8h }\n", NULL, 1,
     "missing response level 'NG'", 1},
    {"wrong type: list for mapping", "login: [5, 15m]\n", NULL, 1, "login: expected a mapping", 1},
    {"wrong type: mapping for scalar", "password:\n  min_length: { a: 1 }\n", NULL, 2,
     "expected a value, got a mapping", 1},
    {"wrong type: scalar for list", "acknowledgement:\n  levels: L1\n", NULL, 2, "expected a list", 1},
    {"wrong type: bool",
     "first_report:\n  L1: { within: 5m, recipients: [liaison],"
     " owning_department_heads: yes }\n  L2: { within: 5m, recipients: [liaison] }\n"
     "  L3: { within: 5m, recipients: [liaison] }\n"
     "  NG: { within: 5m, recipients: [liaison] }\n",
     NULL, 2, "expected true or false", 1},
    {"wrong type: number", "password:\n  min_length: 8.5\n", NULL, 2, "whole number", 1},
    {"number out of range", "password:\n  min_length: 0\n", NULL, 2, "whole number", 1},
    {"top level not a mapping", "- a\n- b\n", NULL, 1, "policy: expected a mapping", 1},
    {"bad grade in category", "categories:\n  - key: server\n    name_zh: 主机\n    grades: [L1, L7]\n", NULL,
     4, "unknown grade 'L7'", 1},
    {"empty grades", "categories:\n  - key: server\n    name_zh: 主机\n    grades: []\n", NULL, 4,
     "at least one grade", 1},
    {"grade listed twice", "categories:\n  - key: server\n    name_zh: 主机\n    grades: [L1, L1]\n", NULL, 4,
     "listed twice", 1},
    {"guidance for a grade not allowed",
     "categories:\n  - key: server\n    name_zh: 主机\n    grades: [L1]\n    guidance:\n"
     "      L1: ok\n      L2: no\n",
     NULL, 7, "does not allow", 1},
    {"missing name_zh", "categories:\n  - key: server\n    grades: [L1]\n", NULL, 2, "missing key 'name_zh'",
     1},
    {"empty name_zh", "categories:\n  - key: server\n    name_zh: \"\"\n    grades: [L1]\n", NULL, 3,
     "must not be empty", 1},
    {"bad category key", "categories:\n  - key: Server X\n    name_zh: 主机\n    grades: [L1]\n", NULL, 2,
     "must start with a-z", 1},
    {"no categories", "categories: []\n", NULL, 1, "at least one category", 1},
    {"duplicate category key",
     "categories:\n  - key: server\n    name_zh: 主机\n    grades: [L1]\n"
     "  - key: server\n    name_zh: 主机二\n    grades: [L2]\n",
     NULL, 5, "duplicate category key 'server' (first at line 2)", 1},
    {"duplicate mapping key", "login:\n  window: 15m\n  lockout: 5m\n  window: 20m\n", NULL, 4,
     "duplicate key 'window' (first at line 2)", 1},
    {"duplicate top-level key", "name: a\nname: b\n", NULL, 2, "duplicate key 'name'", 1},
    {"malformed YAML inline", "login: { max_failures: 5\nname: x\n", NULL, 2, "YAML syntax error", 1},
    {"malformed YAML file", NULL, DATA "bad_syntax.yaml", 4, "YAML syntax error", 1},
    {"tab indentation", "login:\n\tmax_failures: 5\n", NULL, 2, "YAML syntax error", 1},
    {"empty file", NULL, DATA "empty.yaml", 1, "empty policy file", 1},
    /* the duties section (seed 000 ch. 7, docs/policy.md "Duties") */
    {"bad closure reading", "duties:\n  closure_by: leader\n", NULL, 2, "unknown closure reading 'leader'",
     1},
    {"nobody confirms", "duties:\n  confirm_response: []\n", NULL, 2, "list at least one role", 1},
    {"nobody files later reports", "duties:\n  later_reports: []\n", NULL, 2, "list at least one role", 1},
    {"unknown duty", "duties:\n  close_by: activator\n", NULL, 2, "unknown key 'close_by'", 1},
    {"bad register level", "duties:\n  register_alert_levels: [L5]\n", NULL, 2, "unknown grade 'L5'", 1},
    /* seed 000 ch. 7 §2.1 item 6: who owes the acknowledgement (audit #32 b) */
    {"bad ack reading", "duties:\n  ack_required: leaders\n", NULL, 2,
     "unknown acknowledgement reading 'leaders'", 1},
    {"bad ack role", "duties:\n  ack_roles: [liaison, chief]\n", NULL, 2, "unknown role 'chief'", 1},
    {"bad ack overdue role", "duties:\n  ack_overdue_to: [boss]\n", NULL, 2, "unknown role 'boss'", 1},
    /* seed 000 ch. 9 §2, §4 (docs/upkeep.md) */
    {"risk cycle 0", "upkeep:\n  risk_assessment_months: 0\n", NULL, 2, "upkeep.risk_assessment_months", 1},
    {"risk cycle 25", "upkeep:\n  risk_assessment_months: 25\n", NULL, 2, "upkeep.risk_assessment_months", 1},
    {"feedback days 366", "upkeep:\n  feedback_days: 366\n", NULL, 2, "upkeep.feedback_days", 1},
    {"feedback days 0", "upkeep:\n  feedback_days: 0\n", NULL, 2, "upkeep.feedback_days", 1},
    {"empty risk department", "upkeep:\n  risk_assessment_department: \"\"\n", NULL, 2, "must not be empty",
     1},
    {"unknown upkeep key", "upkeep:\n  cadence: 3\n", NULL, 2, "unknown key 'cadence'", 1},
    /* R-PRB-5: the proactive candidate rules (docs/problems.md) */
    {"candidates one incident", "problem_candidates:\n  ci_recurrence: {min_incidents: 1}\n", NULL, 2,
     "problem_candidates.ci_recurrence.min_incidents", 1},
    {"candidates too many", "problem_candidates:\n  r1_recurrence: {min_incidents: 1001}\n", NULL, 2,
     "problem_candidates.r1_recurrence.min_incidents", 1},
    {"candidates window short", "problem_candidates:\n  event_rule_recurrence: {within: 23h}\n", NULL, 2,
     "must be from 1d to 366d", 1},
    {"candidates window zero", "problem_candidates:\n  ci_recurrence: {within: 0}\n", NULL, 2,
     "must be longer than 0", 1},
    {"candidates bad enabled", "problem_candidates:\n  ci_recurrence: {enabled: maybe}\n", NULL, 2,
     "problem_candidates.ci_recurrence.enabled", 1},
    {"candidates unknown rule", "problem_candidates:\n  category_recurrence: {min_incidents: 3}\n", NULL, 2,
     "unknown rule 'category_recurrence'", 1},
    {"candidates unknown key", "problem_candidates:\n  ci_recurrence: {count: 3}\n", NULL, 2,
     "unknown key 'count'", 1},
    {"heads of a department twice",
     "first_report:\n  L1: { within: 5m, recipients: [liaison], department_heads_of: [运行部, 运行部] }\n"
     "  L2: { within: 5m, recipients: [liaison] }\n  L3: { within: 5m, recipients: [liaison] }\n"
     "  NG: { within: 5m, recipients: [liaison] }\n",
     NULL, 2, "listed twice", 1},
    {"empty buffer", "", NULL, 1, "empty policy file", 1},
    {"only comments", "# nothing\n\n", NULL, 1, "empty policy file", 1},
    {"only null document", "---\n", NULL, 1, "empty policy file", 1},
    {"two documents", "name: a\n---\nname: b\n", NULL, 2, "only one YAML document", 1},
    {"alias", "login: &l\n  window: 5m\nacknowledgement: *l\n", NULL, 3, "aliases", 1},
    {"NUL in string", "name: \"a\\0b\"\n", NULL, 1, "NUL", 1},
    {"complex key", "? [a]\n: 1\n", NULL, 1, "key must be a plain string", 1},
    {"wrong version", "version: 2\n", NULL, 1, "from 1 to 1", 1},
    {"no recipients",
     "first_report:\n  L1: { within: 5m, recipients: [] }\n"
     "  L2: { within: 5m, recipients: [liaison] }\n"
     "  L3: { within: 5m, recipients: [liaison] }\n"
     "  NG: { within: 5m, recipients: [liaison] }\n",
     NULL, 2, "no recipients", 1},
    {"first report within missing",
     "first_report:\n  L1: { recipients: [liaison] }\n"
     "  L2: { within: 5m, recipients: [liaison] }\n"
     "  L3: { within: 5m, recipients: [liaison] }\n"
     "  NG: { within: 5m, recipients: [liaison] }\n",
     NULL, 2, "missing key 'within'", 1},
    {"unknown password class", "password:\n  require: [upper, emoji]\n", NULL, 2,
     "unknown character class 'emoji'", 1},
    {"several errors in one file", NULL, DATA "many_errors.yaml", 22, "duplicate key 'window'", 11},
};

static void check_case(const err_case *c, od_err rc, const od_policy *p, const od_policy_diags *d)
{
    bool found = false;
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].line == c->line && strstr(d->items[i].message, c->what))
            found = true;
    if (rc != OD_E_INVALID || p || !found || (c->total && d->total != c->total)) {
        print_error("case '%s': rc=%d total=%zu, want line %d '%s' total %zu; got:\n", c->name, (int)rc,
                    d->total, c->line, c->what, c->total);
        for (size_t i = 0; i < d->n; i++)
            print_error("  %d:%d: %s\n", d->items[i].line, d->items[i].column, d->items[i].message);
        fail();
    }
}

/* The duties section and department_heads_of read from a file (seed 000
 * ch. 7 §2.1 item 6, §2.4; R-NOT-1, R-CLOSE-1). */
static void test_duties_section(void **state)
{
    (void)state;
    static const char text[] =
        "duties:\n  closure_by: authority\n  confirm_response: [ops_engineer, ops_section_head]\n"
        "  later_reports: [ops_engineer, ops_section_head]\n  register_alert_levels: [L1]\n"
        "  first_report_overdue: []\n  reachable_24h: [emergency_leadership, liaison]\n"
        "  ack_required: all_recipients\n  ack_roles: [liaison]\n  ack_overdue_to: []\n"
        "upkeep:\n  risk_assessment_months: 1\n  risk_assessment_department: 技术部\n  feedback_days: 365\n"
        "first_report:\n  L1: { within: 5m, recipients: [liaison], department_heads_of: [技术部] }\n"
        "  L2: { within: 5m, recipients: [liaison] }\n  L3: { within: 5m, recipients: [liaison] }\n"
        "  NG: { within: 5m, department_heads_of: [客服部, 运行部], recipients: [] }\n";
    od_policy_diags d;
    od_policy *p = NULL;
    od_err rc = od_policy_load_buffer(text, strlen(text), &p, &d);
    if (rc)
        od_policy_diags_print(stderr, "duties", &d);
    assert_int_equal(rc, OD_OK);
    assert_int_equal(p->duties.closure_by, OD_CLOSE_BY_AUTHORITY);
    od_roleset es = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER) | OD_ROLEBIT(OD_ROLE_OPS_SECTION_HEAD);
    assert_int_equal(p->duties.confirm_roles, es);
    assert_int_equal(p->duties.later_report_roles, es);
    assert_int_equal(p->duties.register_alert_levels, 1u << OD_GRADE_L1);
    assert_int_equal(p->duties.first_report_overdue_roles, 0);
    assert_int_equal(p->duties.ack_required, OD_ACK_ALL_RECIPIENTS);
    assert_int_equal(p->duties.ack_roles, OD_ROLEBIT(OD_ROLE_LIAISON));
    assert_int_equal(p->duties.ack_overdue_roles, 0);
    assert_int_equal(p->upkeep.risk_months, 1);
    assert_string_equal(p->upkeep.risk_department, "技术部");
    assert_int_equal(p->upkeep.feedback_days, 365);
    assert_int_equal(p->duties.reachable_roles,
                     OD_ROLEBIT(OD_ROLE_EMERGENCY_LEADERSHIP) | OD_ROLEBIT(OD_ROLE_LIAISON));
    assert_int_equal(p->first_report_recipients[OD_GRADE_L1].n_heads_of, 1);
    assert_string_equal(p->first_report_recipients[OD_GRADE_L1].heads_of[0], "技术部");
    assert_int_equal(p->first_report_recipients[OD_GRADE_L2].n_heads_of, 0);
    /* heads of named departments alone are recipients enough */
    assert_int_equal(p->first_report_recipients[OD_GRADE_NG].roles, 0);
    assert_int_equal(p->first_report_recipients[OD_GRADE_NG].n_heads_of, 2);
    assert_string_equal(p->first_report_recipients[OD_GRADE_NG].heads_of[1], "运行部");
    od_policy_free(p);
}

static void test_error_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
        const err_case *c = &err_cases[i];
        od_policy_diags d;
        od_policy *p = (od_policy *)&d; /* must be reset to NULL */
        od_err rc = c->text ? od_policy_load_buffer(c->text, strlen(c->text), &p, &d)
                            : od_policy_load_file(c->file, &p, &d);
        check_case(c, rc, p, &d);
    }
}

/* The expected findings of many_errors.yaml, in order. */
static void test_all_errors_reported(void **state)
{
    (void)state;
    static const struct {
        int line;
        const char *what;
    } want[] = {
        {2, "unknown key 'nmae'"},
        {6, "unknown grade 'L5'"},
        {7, "duplicate category key 'server'"},
        {10, "missing key 'name_zh'"},
        {11, "at least one grade"},
        {12, "bad duration '2 hours'"},
        {15, "missing severity 'minor'"},
        {16, "unknown response level 'R9'"},
        {18, "unknown role 'boss'"},
        {20, "whole number"},
        {22, "duplicate key 'window'"},
    };
    od_policy_diags d;
    od_policy *p = NULL;
    assert_int_equal(od_policy_load_file(DATA "many_errors.yaml", &p, &d), OD_E_INVALID);
    assert_null(p);
    if (d.n != sizeof want / sizeof want[0])
        od_policy_diags_print(stderr, "many_errors.yaml", &d);
    assert_int_equal(d.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < d.n; i++) {
        assert_int_equal(d.items[i].line, want[i].line);
        assert_non_null(strstr(d.items[i].message, want[i].what));
        assert_true(d.items[i].column > 0);
    }
}

/* An unknown top-level key names every section, not a list cut short
 * ("… templ…" once hid notify, events and the kernel's sections). */
static void test_unknown_key_lists_every_section(void **state)
{
    (void)state;
    static const char text[] = "version: 1\nnmae: x\n";
    od_policy_diags d;
    od_policy *p = NULL;
    assert_int_equal(od_policy_load_buffer(text, strlen(text), &p, &d), OD_E_INVALID);
    assert_int_equal(d.n, 1);
    const char *m = d.items[0].message;
    assert_null(strstr(m, "…"));
    static const char *const sections[] = {"version",   "templates", "notify", "events", "calendars",
                                           "workflows", "clocks",    "sla",    "duties", "readiness"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        char want[40];
        snprintf(want, sizeof want, " %s", sections[i]);
        assert_non_null(strstr(m, want));
    }
    assert_int_equal(m[strlen(m) - 1], ')');
}

static char *repeat(const char *head, const char *unit, size_t times, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * times + tl + 1);
    assert_non_null(s);
    memcpy(s, head, hl);
    for (size_t i = 0; i < times; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + ul * times, tail, tl + 1);
    return s;
}

static void expect_one(const char *text, size_t len, int line, const char *what)
{
    od_policy_diags d;
    od_policy *p = NULL;
    assert_int_equal(od_policy_load_buffer(text, len, &p, &d), OD_E_INVALID);
    assert_null(p);
    if (d.total != 1)
        od_policy_diags_print(stderr, NULL, &d);
    assert_int_equal(d.total, 1);
    assert_int_equal(d.items[0].line, line);
    if (!strstr(d.items[0].message, what))
        fail_msg("message '%s' lacks '%s'", d.items[0].message, what);
}

/* Bounds: file size, string length, nesting depth. */
static void test_limits(void **state)
{
    (void)state;
    /* over 1 MiB: rejected before parsing, at line 1 */
    char *big = repeat("name: x\n", "# padding padding padding padding\n", 40000, "");
    assert_true(strlen(big) > OD_POLICY_FILE_MAX);
    expect_one(big, strlen(big), 1, "larger than");
    free(big);

    /* the same through a file */
    char path[] = "/tmp/od_policy_huge_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    {
        for (int i = 0; i < 40000; i++)
            fputs("# padding padding padding padding\n", f);
        fclose(f);
        od_policy_diags d;
        od_policy *p = NULL;
        assert_int_equal(od_policy_load_file(path, &p, &d), OD_E_INVALID);
        assert_int_equal(d.items[0].line, 1);
        remove(path);
    }

    /* a string over 8 KiB, on line 2 */
    char *longs = repeat("version: 1\nname: \"", "x", OD_POLICY_STRING_MAX + 1, "\"\n");
    expect_one(longs, strlen(longs), 2, "string longer than");
    free(longs);
    /* exactly 8 KiB is fine */
    char *okname = repeat("name: \"", "x", OD_POLICY_STRING_MAX, "\"\n");
    od_policy_diags d;
    od_policy *p = NULL;
    assert_int_equal(od_policy_load_buffer(okname, strlen(okname), &p, &d), OD_OK);
    od_policy_free(p);
    free(okname);

    /* nesting: 32 levels are parsed (then rejected as a wrong type), 33 are not */
    char *deep = repeat("name: ", "[", 33, "");
    expect_one(deep, strlen(deep), 1, "nesting deeper than 32");
    free(deep);
    char *deepish = repeat("name: ", "[", 31, "");
    expect_one(deepish, strlen(deepish), 1, "YAML syntax error");
    free(deepish);
    char *deep_lines = repeat("", "- ", 40, "x\n");
    expect_one(deep_lines, strlen(deep_lines), 1, "nesting deeper");
    free(deep_lines);
}

/* More findings than fit: the first 64 are kept, total counts them all. */
static void test_diag_overflow(void **state)
{
    (void)state;
    char *text = repeat("login:\n", "  bad: 1\n", 100, "");
    od_policy_diags d;
    od_policy *p = NULL;
    assert_int_equal(od_policy_load_buffer(text, strlen(text), &p, &d), OD_E_INVALID);
    assert_int_equal(d.n, OD_POLICY_DIAG_MAX);
    assert_true(d.total >= 100);
    assert_int_equal(d.items[63].line, 65);
    free(text);
}

static void test_misc_entry_points(void **state)
{
    (void)state;
    od_policy *p = (od_policy *)&p;
    od_policy_diags d;
    /* missing file: an I/O error, not a validation error */
    assert_int_equal(od_policy_load_file(DATA "does-not-exist.yaml", &p, &d), OD_E_IO);
    assert_null(p);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].line, 0);
    /* diags may be NULL */
    assert_int_equal(od_policy_load_buffer("bad: 1\n", 7, &p, NULL), OD_E_INVALID);
    assert_int_equal(od_policy_load_file("policy/default.yaml", &p, NULL), OD_OK);
    od_policy_free(p);
    /* not NUL-terminated: only len bytes are read */
    const char buf[] = {'l', 'o', 'g', 'i', 'n', ':', ' ', '{', '}', '!', '!', '!'};
    assert_int_equal(od_policy_load_buffer(buf, sizeof buf, &p, &d), OD_E_INVALID);
    assert_int_equal(od_policy_load_buffer(buf, 9, &p, &d), OD_OK); /* "login: {}" */
    od_policy_free(p);
    /* a minimal file keeps all defaults */
    assert_int_equal(od_policy_load_buffer("version: 1\n", 11, &p, &d), OD_OK);
    od_policy *def = od_policy_new_default();
    assert_same_numbers(p, def);
    od_policy_free(def);
    od_policy_free(p);
    /* printing */
    FILE *f = tmpfile();
    if (f) {
        assert_int_equal(od_policy_load_buffer("foo: 1\n", 7, &p, &d), OD_E_INVALID);
        od_policy_diags_print(f, "x.yaml", &d);
        rewind(f);
        char line[300] = "";
        assert_non_null(fgets(line, sizeof line, f));
        assert_non_null(strstr(line, "x.yaml:1:1: policy: unknown key 'foo'"));
        fclose(f);
    }
}

/* Cut default.yaml at every 97th byte: never crashes, never leaks, always
 * OK or a diagnosed error. */
static void test_truncations_never_crash(void **state)
{
    (void)state;
    FILE *f = fopen("policy/default.yaml", "rb");
    assert_non_null(f);
    static char buf[64 * 1024];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    for (size_t cut = 0; cut <= len; cut += 97) {
        od_policy_diags d;
        od_policy *p = NULL;
        od_err rc = od_policy_load_buffer(buf, cut, &p, &d);
        if (rc == OD_OK) {
            assert_non_null(p);
            od_policy_free(p);
        } else {
            assert_int_equal(rc, OD_E_INVALID);
            assert_null(p);
            assert_true(d.n > 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_file_equals_defaults),
        cmocka_unit_test(test_modified_file_changes_values),
        cmocka_unit_test(test_error_cases),
        cmocka_unit_test(test_duties_section),
        cmocka_unit_test(test_all_errors_reported),
        cmocka_unit_test(test_unknown_key_lists_every_section),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_diag_overflow),
        cmocka_unit_test(test_misc_entry_points),
        cmocka_unit_test(test_truncations_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
