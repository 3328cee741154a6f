/* test_core_policy.c — policy.c: key <-> enum round trips and names, and
 * the seed 000 defaults checked against the tables of REQUIREMENTS.md
 * (R-CI-2, R-INC-3, R-ESC-1, R-NOT-1, R-NOT-4, R-NOT-5, R-ACT-1,
 * R-SEC-SYS-1).  Expected values are copied from the requirements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/policy.h"

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

/* ---- keys and names ---- */

static void check_keys(const char *const *keys, const char *const *zh, int n, const char *(*key)(int),
                       const char *(*name)(int), int (*parse)(const char *))
{
    for (int i = 0; i < n; i++) {
        assert_string_equal(key(i), keys[i]);
        assert_string_equal(name(i), zh[i]);
        assert_int_equal(parse(keys[i]), i);
        assert_int_equal(parse(key(i)), i); /* round trip */
    }
    assert_string_equal(key(n), "?");
    assert_string_equal(key(-1), "?");
    assert_string_equal(name(n), "?");
    assert_int_equal(parse(NULL), -1);
    assert_int_equal(parse(""), -1);
    assert_int_equal(parse("unknown"), -1);
}

/* Adapters: the policy.c functions take enums; the table checker ints. */
static const char *grade_key(int v)
{
    return od_grade_key((od_grade)v);
}
static const char *grade_zh(int v)
{
    return od_grade_name_zh((od_grade)v);
}
static const char *sev_key(int v)
{
    return od_severity_key((od_severity)v);
}
static const char *sev_zh(int v)
{
    return od_severity_name_zh((od_severity)v);
}
static const char *resp_key(int v)
{
    return od_resp_key((od_resp)v);
}
static const char *resp_zh(int v)
{
    return od_resp_name_zh((od_resp)v);
}
static const char *role_key(int v)
{
    return od_role_key((od_role)v);
}
static const char *role_zh(int v)
{
    return od_role_name_zh((od_role)v);
}

static void test_grade_keys(void **state)
{
    (void)state;
    static const char *const k[] = {"L1", "L2", "L3", "NG"};
    static const char *const z[] = {"一级", "二级", "三级", "非等级"};
    check_keys(k, z, OD_GRADE__COUNT, grade_key, grade_zh, od_grade_parse);
    assert_int_equal(od_grade_parse("l1"), -1); /* keys are case-sensitive */
    assert_int_equal(od_grade_parse("L1 "), -1);
}

static void test_severity_keys(void **state)
{
    (void)state;
    static const char *const k[] = {"severe", "moderate", "minor"}; /* R-INC-1 */
    static const char *const z[] = {"严重", "中等", "轻微"};
    check_keys(k, z, OD_SEV__COUNT, sev_key, sev_zh, od_severity_parse);
}

static void test_resp_keys(void **state)
{
    (void)state;
    static const char *const k[] = {"R1", "R2", "R3", "NG"};
    static const char *const z[] = {"一级响应", "二级响应", "三级响应", "非等级响应"};
    check_keys(k, z, OD_RESP__COUNT, resp_key, resp_zh, od_resp_parse);
}

/* R-SEC-SYS-2: stable role keys, in this order; the workflow modules' roles
 * (research/modules-spec.md §1.7) come after the first fifteen, whose bits
 * — stored in users.roles — keep their meaning. */
static void test_role_keys(void **state)
{
    (void)state;
    static const char *const k[] = {
        "monitoring_engineer",
        "ops_engineer",
        "ops_section_head",
        "ops_department_head",
        "department_head",
        "ops_leader",
        "emergency_leadership",
        "liaison",
        "service_desk",
        "problem_manager",
        "change_manager",
        "cab_member",
        "system_admin",
        "security_admin",
        "auditor",
        "budget_holder",
        "request_approver",
        "fulfiller_line1",
        "fulfiller_line2",
        "vendor_liaison",
        "problem_solver",
        "change_initiator",
        "change_implementer",
        "change_supervisor",
        "infosec_manager",
        "it_manager",
        "sec_assessor",
        "sys_hardener",
        "sec_verifier",
        "risk_owner",
        "trainer",
        "emergency_engineering",
    };
    static const char *const z[] = {
        "监控工程师",
        "运维工程师",
        "运行部科室负责人",
        "运行部部门负责人",
        "有关部门负责人",
        "主管运行的中心领导",
        "应急领导小组",
        "特定联络人",
        "服务台",
        "问题经理",
        "变更经理",
        "变更咨询委员会成员",
        "系统管理员",
        "安全管理员",
        "审计员",
        "预算负责人",
        "业务审批人",
        "一线运维工程师",
        "二线运维专家",
        "专业机构联络人",
        "问题解决小组成员",
        "变更发起人",
        "变更实施人员",
        "变更主管",
        "信息安全经理",
        "IT相关经理",
        "安全管理员（弱点评估）",
        "系统管理员（安全加固）",
        "安全审计员（加固验证）",
        "风险责任人",
        "培训组织人",
        "应急工程小组",
    };
    assert_int_equal(sizeof k / sizeof k[0], OD_ROLE__COUNT);
    check_keys(k, z, OD_ROLE__COUNT, role_key, role_zh, od_role_parse);
    assert_true(OD_ROLE__COUNT <= 63); /* fits od_roleset, bit 63 unused */
    assert_int_equal(sizeof(od_roleset), 8);
    /* the stored bits of the first roles */
    assert_int_equal(OD_ROLEBIT(OD_ROLE_MONITORING_ENGINEER), 1);
    assert_int_equal(OD_ROLEBIT(OD_ROLE_AUDITOR), 1 << 14);
    assert_int_equal(OD_ROLEBIT(OD_ROLE_TRAINER), (od_roleset)1 << 30);
    assert_int_equal(OD_ROLEBIT(OD_ROLE_EMERGENCY_ENGINEERING), (od_roleset)1 << 31);
    assert_int_equal(OD_ROLES_ALL, ((od_roleset)1 << 32) - 1);
    /* English names: every role has one, distinct */
    for (int i = 0; i < OD_ROLE__COUNT; i++) {
        assert_true(strlen(od_role_name_en((od_role)i)) > 0);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(od_role_name_en((od_role)i), od_role_name_en((od_role)j));
    }
    assert_string_equal(od_role_name_en(OD_ROLE_PROBLEM_SOLVER), "Problem solving team member");
    assert_string_equal(od_role_name_en(OD_ROLE__COUNT), "?");
}

/* ---- defaults ---- */

/* R-CI-2 */
static void test_default_categories(void **state)
{
    const od_policy *p = *state;
    enum { L1 = 1 << OD_GRADE_L1, L2 = 1 << OD_GRADE_L2, L3 = 1 << OD_GRADE_L3, NG = 1 << OD_GRADE_NG };
    static const struct {
        const char *key, *zh;
        unsigned grades;
    } rows[] = {
        {"physical_env", "自然及物理环境", L1 | L2},      {"application", "应用", L1 | L2 | L3 | NG},
        {"security_device", "安全设备", L1 | L2},         {"server", "主机服务器", L1 | L2 | L3 | NG},
        {"network", "网络设备及线路", L1 | L2 | L3 | NG}, {"database", "数据库", L1 | L2 | NG},
        {"data_transfer", "数据传输", L1 | L2 | NG},
    };
    assert_int_equal(p->n_categories, sizeof rows / sizeof rows[0]);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const od_category *c = od_policy_category(p, rows[i].key);
        assert_non_null(c);
        assert_string_equal(c->key, rows[i].key);
        assert_string_equal(c->name_zh, rows[i].zh);
        assert_true(c->name_en[0] != '\0');
        assert_int_equal(c->grades_allowed, rows[i].grades);
        for (int g = 0; g < OD_GRADE__COUNT; g++)
            assert_int_equal(od_category_allows(c, (od_grade)g), (rows[i].grades >> g) & 1);
        assert_false(od_category_allows(c, OD_GRADE__COUNT));
    }
    assert_null(od_policy_category(p, "storage"));
    assert_null(od_policy_category(p, NULL));
    assert_null(od_policy_category(p, ""));
}

/* R-INC-3 */
static void test_default_matrix(void **state)
{
    const od_policy *p = *state;
    static const od_resp want[OD_GRADE__COUNT][OD_SEV__COUNT] = {
        /*            severe      moderate    minor */
        /* L1 */ {OD_RESP_R1, OD_RESP_R1, OD_RESP_R2},
        /* L2 */ {OD_RESP_R1, OD_RESP_R2, OD_RESP_R2},
        /* L3 */ {OD_RESP_R2, OD_RESP_R3, OD_RESP_R3},
        /* NG */ {OD_RESP_NG, OD_RESP_NG, OD_RESP_NG},
    };
    for (int g = 0; g < OD_GRADE__COUNT; g++)
        for (int s = 0; s < OD_SEV__COUNT; s++)
            assert_int_equal(p->matrix[g][s], want[g][s]);
}

/* R-ESC-1, R-NOT-5, R-ACT-1: per response level */
static void test_default_per_response_level(void **state)
{
    const od_policy *p = *state;
    static const struct {
        int64_t limit, progress;
        od_role activator;
    } want[OD_RESP__COUNT] = {
        {2 * HOUR, 30 * MIN, OD_ROLE_EMERGENCY_LEADERSHIP},
        {4 * HOUR, 60 * MIN, OD_ROLE_OPS_LEADER},
        {8 * HOUR, 120 * MIN, OD_ROLE_OPS_DEPARTMENT_HEAD},
        {0, 0, OD_ROLE_OPS_SECTION_HEAD},
    };
    for (int r = 0; r < OD_RESP__COUNT; r++) {
        assert_int_equal(p->handling_limit_ms[r], want[r].limit);
        assert_int_equal(p->progress_every_ms[r], want[r].progress);
        assert_int_equal(p->activation_role[r], want[r].activator);
    }
}

/* R-NOT-1, R-NOT-4: per incident level */
static void test_default_per_incident_level(void **state)
{
    const od_policy *p = *state;
    static const struct {
        int64_t first_report;
        od_roleset roles;
        bool owning_heads; /* "heads of the departments concerned" */
        bool ack;
    } want[OD_GRADE__COUNT] = {
        /* seed 000 ch. 7 §2.1 item 6: the ops department head on L1-L3, L3 acknowledged */
        {5 * MIN, B(EMERGENCY_LEADERSHIP) | B(OPS_SECTION_HEAD) | B(LIAISON) | B(OPS_DEPARTMENT_HEAD), false,
         true},
        {5 * MIN, B(OPS_LEADER) | B(OPS_SECTION_HEAD) | B(LIAISON) | B(OPS_DEPARTMENT_HEAD), true, true},
        {10 * MIN, B(OPS_SECTION_HEAD) | B(LIAISON) | B(OPS_DEPARTMENT_HEAD), true, true},
        {10 * MIN, B(OPS_SECTION_HEAD) | B(LIAISON), false, false},
    };
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        assert_int_equal(p->first_report_ms[g], want[g].first_report);
        assert_int_equal(p->first_report_recipients[g].roles, want[g].roles);
        assert_int_equal(p->first_report_recipients[g].owning_department_heads, want[g].owning_heads);
        assert_int_equal((p->ack_levels >> g) & 1u, want[g].ack);
    }
    assert_int_equal(p->ack_window_ms, 5 * MIN);
    assert_true(p->renotify_every_ms > 0);
    assert_true(p->progress_remind_before_ms > 0);
    assert_true(p->progress_remind_before_ms < p->progress_every_ms[OD_RESP_R1]);
}

/* R-SEC-SYS-1 */
static void test_default_password_and_login(void **state)
{
    const od_policy *p = *state;
    assert_int_equal(p->password.min_length, 8);
    assert_true(p->password.require_upper);
    assert_true(p->password.require_lower);
    assert_true(p->password.require_digit);
    assert_true(p->password.require_special);
    assert_true(p->login.max_failures > 0);
    assert_true(p->login.window_ms > 0);
    assert_true(p->login.lockout_ms > 0);
    assert_true(p->login.session_ttl_ms > 0);
}

/* Two defaults are independent copies; freeing NULL is a no-op. */
static void test_new_free(void **state)
{
    (void)state;
    od_policy *a = od_policy_new_default();
    od_policy *b = od_policy_new_default();
    assert_non_null(a);
    assert_non_null(b);
    a->matrix[OD_GRADE_L1][OD_SEV_SEVERE] = OD_RESP_NG;
    a->categories[0].key[0] = 'X';
    assert_int_equal(b->matrix[OD_GRADE_L1][OD_SEV_SEVERE], OD_RESP_R1);
    assert_non_null(od_policy_category(b, "physical_env"));
    assert_null(od_policy_category(a, "physical_env"));
    od_policy_free(a);
    od_policy_free(b);
    od_policy_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grade_keys),
        cmocka_unit_test(test_severity_keys),
        cmocka_unit_test(test_resp_keys),
        cmocka_unit_test(test_role_keys),
        cmocka_unit_test(test_default_categories),
        cmocka_unit_test(test_default_matrix),
        cmocka_unit_test(test_default_per_response_level),
        cmocka_unit_test(test_default_per_incident_level),
        cmocka_unit_test(test_default_password_and_login),
        cmocka_unit_test(test_new_free),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
