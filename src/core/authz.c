/* authz.c — the permission table (which roles hold which permission) and
 * the separation of the three administrators (R-SEC-SYS-2). */
#include "authz.h"

#include <stdio.h>

#define R(x) OD_ROLEBIT(OD_ROLE_##x)
#define OPS_ALL                                                                                              \
    (R(MONITORING_ENGINEER) | R(OPS_ENGINEER) | R(OPS_SECTION_HEAD) | R(OPS_DEPARTMENT_HEAD) |               \
     R(DEPARTMENT_HEAD) | R(OPS_LEADER) | R(EMERGENCY_LEADERSHIP) | R(LIAISON) | R(SERVICE_DESK) |           \
     R(PROBLEM_MANAGER) | R(CHANGE_MANAGER) | R(CAB_MEMBER) | R(EMERGENCY_ENGINEERING))
/* the roles of the workflow kernel's modules (requests, problems, changes,
 * vulnerabilities, risks, training): they work on records; what each may do
 * to a record is the workflow's authority, checked by the kernel */
#define MODULE_ROLES                                                                                         \
    (R(BUDGET_HOLDER) | R(REQUEST_APPROVER) | R(FULFILLER_LINE1) | R(FULFILLER_LINE2) | R(VENDOR_LIAISON) |  \
     R(PROBLEM_SOLVER) | R(CHANGE_INITIATOR) | R(CHANGE_IMPLEMENTER) | R(CHANGE_SUPERVISOR) |                \
     R(INFOSEC_MANAGER) | R(IT_MANAGER) | R(SEC_ASSESSOR) | R(SYS_HARDENER) | R(SEC_VERIFIER) |              \
     R(RISK_OWNER) | R(TRAINER))
#define LEADS (R(OPS_SECTION_HEAD) | R(OPS_DEPARTMENT_HEAD) | R(OPS_LEADER) | R(EMERGENCY_LEADERSHIP))

static const struct {
    const char *key;
    od_roleset roles;
} perms[OD_PERM__COUNT] = {
    [OD_PERM_PUBLIC] = {"public", 0},
    [OD_PERM_AUTHENTICATED] = {"authenticated", 0},
    [OD_PERM_USER_READ] = {"user.read", R(SYSTEM_ADMIN) | R(SECURITY_ADMIN)},
    [OD_PERM_USER_WRITE] = {"user.write", R(SYSTEM_ADMIN)},
    [OD_PERM_ROLE_ASSIGN] = {"role.assign", R(SECURITY_ADMIN)},
    [OD_PERM_AUDIT_READ] = {"audit.read", R(AUDITOR)},
    [OD_PERM_CONFIG_WRITE] = {"config.write", R(SYSTEM_ADMIN)},
    [OD_PERM_CI_READ] = {"ci.read", OPS_ALL | R(AUDITOR)},
    [OD_PERM_CI_WRITE] = {"ci.write", R(OPS_ENGINEER) | R(OPS_SECTION_HEAD) | R(OPS_DEPARTMENT_HEAD)},
    [OD_PERM_POLICY_READ] = {"policy.read",
                             OPS_ALL | MODULE_ROLES | R(AUDITOR) | R(SYSTEM_ADMIN) | R(SECURITY_ADMIN)},
    [OD_PERM_INCIDENT_READ] = {"incident.read", OPS_ALL | R(AUDITOR)},
    [OD_PERM_INCIDENT_CREATE] = {"incident.create", R(MONITORING_ENGINEER) | R(OPS_ENGINEER)},
    [OD_PERM_INCIDENT_REPORT] = {"incident.report",
                                 R(MONITORING_ENGINEER) | R(OPS_ENGINEER) | R(OPS_SECTION_HEAD)},
    [OD_PERM_INCIDENT_LEAD] = {"incident.lead", LEADS},
    [OD_PERM_INCIDENT_REVIEW] = {"incident.review", R(OPS_ENGINEER) | LEADS | R(EMERGENCY_ENGINEERING)},
    [OD_PERM_TEST_CLOCK] = {"test.clock", 0},
    /* event management (seed 004 table 6.2.2-2: service desk, technical,
     * application and IT operations staff) */
    [OD_PERM_EVENT_READ] = {"event.read", OPS_ALL | R(AUDITOR)},
    [OD_PERM_EVENT_WRITE] = {"event.write", R(MONITORING_ENGINEER) | R(OPS_ENGINEER) | R(OPS_SECTION_HEAD) |
                                                R(SERVICE_DESK)},
    [OD_PERM_APIKEY_ADMIN] = {"apikey.admin", R(SYSTEM_ADMIN)},
    [OD_PERM_INGEST] = {"ingest", 0},
    [OD_PERM_RECORD_READ] = {"record.read", OPS_ALL | MODULE_ROLES | R(AUDITOR)},
    [OD_PERM_RECORD_WRITE] = {"record.write", OPS_ALL | MODULE_ROLES},
    [OD_PERM_COMMITTEE_READ] = {"committee.read",
                                OPS_ALL | MODULE_ROLES | R(AUDITOR) | R(SYSTEM_ADMIN) | R(SECURITY_ADMIN)},
    [OD_PERM_COMMITTEE_WRITE] = {"committee.write", R(SYSTEM_ADMIN)},
};

const char *od_perm_key(od_perm p)
{
    return (unsigned)p < OD_PERM__COUNT ? perms[p].key : "?";
}

od_roleset od_perm_roles(od_perm p)
{
    return (unsigned)p < OD_PERM__COUNT ? perms[p].roles : 0;
}

bool od_roles_allow(od_roleset roles, od_perm p)
{
    if (p == OD_PERM_PUBLIC || p == OD_PERM_AUTHENTICATED || p == OD_PERM_TEST_CLOCK)
        return true;
    return (unsigned)p < OD_PERM__COUNT && (roles & perms[p].roles) != 0;
}

od_err od_roles_check_separation(od_roleset roles, od_error *e)
{
    od_roleset admins = roles & (R(SYSTEM_ADMIN) | R(SECURITY_ADMIN) | R(AUDITOR));
    if (admins & (admins - 1))
        return od_error_set(e, OD_E_CONFLICT, "roles",
                            "三权分立：系统管理员、安全管理员、审计员不能由同一账号兼任 "
                            "(separation of duties: system_admin, security_admin and auditor "
                            "cannot be held by one account)");
    return OD_OK;
}

#define ADMINS (R(SYSTEM_ADMIN) | R(SECURITY_ADMIN) | R(AUDITOR))

od_roleset od_admin_roles(void)
{
    return ADMINS;
}

const char *od_user_act_key(od_user_act a)
{
    static const char *keys[OD_UA__COUNT] = {
        [OD_UA_SET_ROLES] = "set_roles", [OD_UA_DISABLE] = "disable",
        [OD_UA_ENABLE] = "enable",       [OD_UA_EDIT_CONTACT] = "edit",
        [OD_UA_SET_BOT] = "set_bot",     [OD_UA_RESET_PASSWORD] = "reset_password",
    };
    return (unsigned)a < OD_UA__COUNT ? keys[a] : "?";
}

od_err od_authz_user_act(const od_user_act_req *q, od_error *e)
{
    bool overseer = (q->target_roles & (R(SECURITY_ADMIN) | R(AUDITOR))) != 0;
    switch (q->act) {
    case OD_UA_SET_ROLES:
        if (q->self)
            return od_error_set(e, OD_E_FORBIDDEN, "roles",
                                "不能修改自己的角色 (you cannot change your own roles)");
        if ((q->new_roles & ~ADMINS) && ((q->new_roles | q->target_roles) & ADMINS))
            return od_error_set(e, OD_E_FORBIDDEN, "roles",
                                "三权分立：管理员账号不能拥有业务角色 (separation of duties: an "
                                "administrator account cannot hold operational roles)");
        return OD_OK;
    case OD_UA_DISABLE:
        if (overseer && !q->self)
            return od_error_set(e, OD_E_FORBIDDEN, NULL,
                                "三权分立：不能停用安全管理员或审计员；须先由安全管理员撤销其管理员角色 "
                                "(separation of duties: the security administrator or the auditor cannot be "
                                "disabled; the security administrator first removes the administrator role)");
        return OD_OK;
    case OD_UA_EDIT_CONTACT:
        if (overseer && !q->self)
            return od_error_set(
                e, OD_E_FORBIDDEN, NULL,
                "三权分立：不能修改安全管理员或审计员的资料 (separation of duties: the security "
                "administrator's or the auditor's data are not yours to edit)");
        return OD_OK;
    case OD_UA_SET_BOT:
        if (!q->self)
            return od_error_set(e, OD_E_FORBIDDEN, "bot_url",
                                "个人机器人只能由本人设置 (a personal bot is set by its owner only: "
                                "PUT /api/v1/auth/me/notify)");
        return OD_OK;
    case OD_UA_RESET_PASSWORD:
        if (q->self)
            return od_error_set(
                e, OD_E_FORBIDDEN, NULL,
                "不能重置自己的密码，请修改密码 (you cannot reset your own password; change it: "
                "POST /api/v1/auth/password)");
        if (overseer)
            return od_error_set(
                e, OD_E_FORBIDDEN, NULL,
                "三权分立：不能重置安全管理员或审计员的密码；须在服务器上执行 opsdesk user reset-password "
                "(separation of duties: the security administrator's or the auditor's password is reset on "
                "the server machine with opsdesk user reset-password)");
        return OD_OK;
    case OD_UA_ENABLE:
        return OD_OK;
    case OD_UA__COUNT:
        break;
    }
    return od_error_set(e, OD_E_INTERNAL, NULL, "unknown account act");
}
