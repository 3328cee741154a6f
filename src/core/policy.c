/* policy.c — key tables for grades, severities, response levels and roles,
 * and the seed 000 default policy.  Pure: no I/O. */
#include "policy.h"
#include "core/keys.h"
#include "core/event.h" /* od_event_policy_free */
#include "core/wf.h"    /* od_kernel_free */

#include <stdlib.h>
#include <string.h>

static const char *const grade_keys[OD_GRADE__COUNT] = {"L1", "L2", "L3", "NG"};
static const char *const grade_zh[OD_GRADE__COUNT] = {"一级", "二级", "三级", "非等级"};
static const char *const sev_keys[OD_SEV__COUNT] = {"severe", "moderate", "minor"};
static const char *const sev_zh[OD_SEV__COUNT] = {"严重", "中等", "轻微"};
static const char *const resp_keys[OD_RESP__COUNT] = {"R1", "R2", "R3", "NG"};
static const char *const resp_zh[OD_RESP__COUNT] = {"一级响应", "二级响应", "三级响应", "非等级响应"};
static const char *const role_keys[OD_ROLE__COUNT] = {
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
static const char *const role_zh[OD_ROLE__COUNT] = {
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
static const char *const role_en[OD_ROLE__COUNT] = {
    "Monitoring engineer",
    "Operations engineer",
    "Operations section head",
    "Head of operations",
    "Department head",
    "Leader in charge of operations",
    "Emergency leadership group",
    "Liaison",
    "Service desk",
    "Problem manager",
    "Change manager",
    "CAB member",
    "System administrator",
    "Security administrator",
    "Auditor",
    "Budget holder",
    "Request approver",
    "First-line fulfiller",
    "Second-line specialist",
    "Vendor liaison",
    "Problem solving team member",
    "Change initiator",
    "Change implementer",
    "Change supervisor",
    "Information security manager",
    "IT manager",
    "Security assessor (vulnerability assessment)",
    "System hardener",
    "Security verifier (hardening verification)",
    "Risk owner",
    "Trainer",
    "Emergency engineering group",
};

#define KEYFN(fn, type, arr, count)                                                                          \
    const char *fn(type v)                                                                                   \
    {                                                                                                        \
        return od_key_name(arr, (count), (int)v);                                                            \
    }
KEYFN(od_grade_key, od_grade, grade_keys, OD_GRADE__COUNT)
KEYFN(od_grade_name_zh, od_grade, grade_zh, OD_GRADE__COUNT)
KEYFN(od_severity_key, od_severity, sev_keys, OD_SEV__COUNT)
KEYFN(od_severity_name_zh, od_severity, sev_zh, OD_SEV__COUNT)
KEYFN(od_resp_key, od_resp, resp_keys, OD_RESP__COUNT)
KEYFN(od_resp_name_zh, od_resp, resp_zh, OD_RESP__COUNT)
KEYFN(od_role_key, od_role, role_keys, OD_ROLE__COUNT)
KEYFN(od_role_name_zh, od_role, role_zh, OD_ROLE__COUNT)
KEYFN(od_role_name_en, od_role, role_en, OD_ROLE__COUNT)
#undef KEYFN

int od_grade_parse(const char *s)
{
    return od_key_parse(grade_keys, OD_GRADE__COUNT, s);
}
int od_severity_parse(const char *s)
{
    return od_key_parse(sev_keys, OD_SEV__COUNT, s);
}
int od_resp_parse(const char *s)
{
    return od_key_parse(resp_keys, OD_RESP__COUNT, s);
}
int od_role_parse(const char *s)
{
    return od_key_parse(role_keys, OD_ROLE__COUNT, s);
}

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)

static const struct {
    const char *key, *zh, *en;
    unsigned grades;
} default_categories[] = {
    {"physical_env", "自然及物理环境", "Natural and physical environment", 0x3},
    {"application", "应用", "Application", 0xF},
    {"security_device", "安全设备", "Security device", 0x3},
    {"server", "主机服务器", "Host server", 0xF},
    {"network", "网络设备及线路", "Network device and line", 0xF},
    {"database", "数据库", "Database", 0xB},
    {"data_transfer", "数据传输", "Data transfer", 0xB},
};

od_policy *od_policy_new_default(void)
{
    od_policy *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    size_t n = sizeof default_categories / sizeof default_categories[0];
    p->categories = calloc(n, sizeof *p->categories);
    if (!p->categories) {
        free(p);
        return NULL;
    }
    p->n_categories = n;
    for (size_t i = 0; i < n; i++) {
        od_category *c = &p->categories[i];
        strncpy(c->key, default_categories[i].key, sizeof c->key - 1);
        strncpy(c->name_zh, default_categories[i].zh, sizeof c->name_zh - 1);
        strncpy(c->name_en, default_categories[i].en, sizeof c->name_en - 1);
        c->grades_allowed = default_categories[i].grades;
    }
    static const od_resp m[OD_GRADE__COUNT][OD_SEV__COUNT] = {
        {OD_RESP_R1, OD_RESP_R1, OD_RESP_R2},
        {OD_RESP_R1, OD_RESP_R2, OD_RESP_R2},
        {OD_RESP_R2, OD_RESP_R3, OD_RESP_R3},
        {OD_RESP_NG, OD_RESP_NG, OD_RESP_NG},
    };
    memcpy(p->matrix, m, sizeof m);
    p->handling_limit_ms[OD_RESP_R1] = 2 * HOUR_MS;
    p->handling_limit_ms[OD_RESP_R2] = 4 * HOUR_MS;
    p->handling_limit_ms[OD_RESP_R3] = 8 * HOUR_MS;
    p->handling_limit_ms[OD_RESP_NG] = 0;
    p->sla = (od_sla_targets){.availability_ppm = 995000,
                              .response_ms = 30 * MIN_MS,
                              .restore_ms = {2 * HOUR_MS, 8 * HOUR_MS},
                              .major_responses = 1u << OD_RESP_R1,
                              .degraded_permille = 0,
                              .budget_alert_permille = 500,
                              .report_reviewer = OD_ROLE_OPS_DEPARTMENT_HEAD,
                              .report_review_ms = 48 * HOUR_MS,
                              .report_file_ms = 48 * HOUR_MS,
                              .report_recipients =
                                  OD_ROLEBIT(OD_ROLE_OPS_LEADER) | OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD)};
    p->sla.n_reports = od_report_defs_default(p->sla.reports);
    p->first_report_ms[OD_GRADE_L1] = 5 * MIN_MS;
    p->first_report_ms[OD_GRADE_L2] = 5 * MIN_MS;
    p->first_report_ms[OD_GRADE_L3] = 10 * MIN_MS;
    p->first_report_ms[OD_GRADE_NG] = 10 * MIN_MS;
    od_roleset sect_liaison = OD_ROLEBIT(OD_ROLE_OPS_SECTION_HEAD) | OD_ROLEBIT(OD_ROLE_LIAISON);
    /* seed 000 ch. 7 §2.1 item 6: on L1, L2 and L3 alarms the heads of
     * 运行部 (the operations department head, the R3 authority, among
     * them), 技术部 and 客服部 join the bridge within 5 minutes */
    od_roleset opsdept = OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD);
    p->first_report_recipients[OD_GRADE_L1] =
        (od_recipients){.roles = sect_liaison | opsdept | OD_ROLEBIT(OD_ROLE_EMERGENCY_LEADERSHIP)};
    p->first_report_recipients[OD_GRADE_L2] = (od_recipients){
        .roles = sect_liaison | opsdept | OD_ROLEBIT(OD_ROLE_OPS_LEADER), .owning_department_heads = true};
    p->first_report_recipients[OD_GRADE_L3] =
        (od_recipients){.roles = sect_liaison | opsdept, .owning_department_heads = true};
    p->first_report_recipients[OD_GRADE_NG] = (od_recipients){.roles = sect_liaison};
    static const char *const bridge[] = {"运行部", "技术部", "客服部"};
    for (int g = OD_GRADE_L1; g <= OD_GRADE_L3; g++) {
        od_recipients *rc = &p->first_report_recipients[g];
        for (size_t i = 0; i < 3; i++)
            strncpy(rc->heads_of[i], bridge[i], OD_FIXED_DEPT_LEN - 1);
        rc->n_heads_of = 3;
    }
    p->ack_levels = (1u << OD_GRADE_L1) | (1u << OD_GRADE_L2) | (1u << OD_GRADE_L3);
    p->ack_window_ms = 5 * MIN_MS;
    p->renotify_every_ms = 5 * MIN_MS;
    p->renotify_max = 6;
    p->progress_every_ms[OD_RESP_R1] = 30 * MIN_MS;
    p->progress_every_ms[OD_RESP_R2] = 60 * MIN_MS;
    p->progress_every_ms[OD_RESP_R3] = 120 * MIN_MS;
    p->progress_every_ms[OD_RESP_NG] = 0;
    p->progress_remind_before_ms = 5 * MIN_MS;
    p->activation_role[OD_RESP_R1] = OD_ROLE_EMERGENCY_LEADERSHIP;
    p->activation_role[OD_RESP_R2] = OD_ROLE_OPS_LEADER;
    p->activation_role[OD_RESP_R3] = OD_ROLE_OPS_DEPARTMENT_HEAD;
    p->activation_role[OD_RESP_NG] = OD_ROLE_OPS_SECTION_HEAD;
    /* duties: docs/policy.md "Duties" (seed 000 ch. 7 §1, §2.1, §2.4) */
    p->duties.closure_by = OD_CLOSE_BY_ACTIVATOR;
    p->duties.confirm_roles = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER);
    p->duties.later_report_roles = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER);
    p->duties.register_alert_levels = (1u << OD_GRADE_L1) | (1u << OD_GRADE_L2);
    p->duties.first_report_overdue_roles =
        OD_ROLEBIT(OD_ROLE_OPS_SECTION_HEAD) | OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD);
    p->duties.review_to_roles = OD_ROLEBIT(OD_ROLE_EMERGENCY_LEADERSHIP);
    p->duties.activation_in_report_window = true;
    p->duties.activation_required = (1u << OD_RESP_R1) | (1u << OD_RESP_R2) | (1u << OD_RESP_R3);
    static const char ops_dept[] = "运行部";
    _Static_assert(sizeof ops_dept <= sizeof p->duties.handling_department, "fits");
    memcpy(p->duties.handling_department, ops_dept, sizeof ops_dept);
    p->duties.reachable_roles =
        OD_ROLEBIT(OD_ROLE_EMERGENCY_LEADERSHIP) | OD_ROLEBIT(OD_ROLE_EMERGENCY_ENGINEERING);
    p->duties.contact_levels = (1u << OD_GRADE_L1) | (1u << OD_GRADE_L2);
    p->duties.ack_required = OD_ACK_NAMED_ROLES;
    p->duties.ack_overdue_roles =
        OD_ROLEBIT(OD_ROLE_OPS_SECTION_HEAD) | OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD);
    p->duties.ack_roles = OD_ROLEBIT(OD_ROLE_DEPARTMENT_HEAD) | OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD) |
                          OD_ROLEBIT(OD_ROLE_OPS_SECTION_HEAD) | OD_ROLEBIT(OD_ROLE_LIAISON);
    p->password = (od_password_policy){8, true, true, true, true};
    p->login = (od_login_policy){5, 15 * MIN_MS, 15 * MIN_MS, 12 * HOUR_MS, OD_PWCHANGE_AUTO};
    p->readiness.annual_hours = 48;        /* seed 004 §7.5.2; no key position by default */
    p->readiness.plan_review_months = 6;   /* seed 000 ch. 9 §1 */
    p->readiness.review_trigger_days = 30; /* modules-spec §M7.3 */
    p->readiness.drill_months = 12;        /* seed 000 ch. 9 §3 */
    p->readiness.notice_lead_days = 14;    /* docs/drills.md "Due notices" */
    p->upkeep.risk_months = 6;             /* seed 000 ch. 9 §4 定期; core/upkeep.h */
    p->upkeep.feedback_days = 30;
    memcpy(p->upkeep.risk_department, ops_dept, sizeof ops_dept);
    od_pcr_defaults(&p->candidates); /* modules-spec §M2.3; core/problem_rule.h */
    return p;
}

void od_policy_free(od_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_categories; i++) {
        free(p->categories[i].principle);
        for (int g = 0; g < OD_GRADE__COUNT; g++)
            free(p->categories[i].guidance[g]);
    }
    free(p->categories);
    for (int s = 0; s < OD_SEV__COUNT; s++)
        free(p->severity_desc[s]);
    free(p->name);
    od_event_policy_free(p->events);
    od_kernel_free(p->kernel);
    free(p);
}

const od_category *od_policy_category(const od_policy *p, const char *key)
{
    for (size_t i = 0; key && i < p->n_categories; i++)
        if (strcmp(p->categories[i].key, key) == 0)
            return &p->categories[i];
    return NULL;
}

bool od_category_allows(const od_category *c, od_grade g)
{
    return (unsigned)g < OD_GRADE__COUNT && (c->grades_allowed & (1u << g));
}
