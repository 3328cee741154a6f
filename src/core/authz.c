/* authz.c — the permission table: which roles hold which permission. */
#include "authz.h"

#include <stdio.h>

#define R(x) OD_ROLEBIT(OD_ROLE_##x)
#define OPS_ALL                                                                                    \
    (R(MONITORING_ENGINEER) | R(OPS_ENGINEER) | R(OPS_SECTION_HEAD) | R(OPS_DEPARTMENT_HEAD) |      \
     R(DEPARTMENT_HEAD) | R(OPS_LEADER) | R(EMERGENCY_LEADERSHIP) | R(LIAISON) | R(SERVICE_DESK) |  \
     R(PROBLEM_MANAGER) | R(CHANGE_MANAGER) | R(CAB_MEMBER))
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
    [OD_PERM_POLICY_READ] = {"policy.read", OPS_ALL | R(AUDITOR) | R(SYSTEM_ADMIN) | R(SECURITY_ADMIN)},
    [OD_PERM_INCIDENT_READ] = {"incident.read", OPS_ALL | R(AUDITOR)},
    [OD_PERM_INCIDENT_CREATE] = {"incident.create", R(MONITORING_ENGINEER) | R(OPS_ENGINEER)},
    [OD_PERM_INCIDENT_REPORT] = {"incident.report",
                                 R(MONITORING_ENGINEER) | R(OPS_ENGINEER) | R(OPS_SECTION_HEAD)},
    [OD_PERM_INCIDENT_LEAD] = {"incident.lead", LEADS},
    [OD_PERM_INCIDENT_REVIEW] = {"incident.review", R(OPS_ENGINEER) | LEADS},
    [OD_PERM_TEST_CLOCK] = {"test.clock", 0},
    /* issue 5: event management (seed 004 table 6.2.2-2: service desk, technical,
     * application and IT operations staff) */
    [OD_PERM_EVENT_READ] = {"event.read", OPS_ALL | R(AUDITOR)},
    [OD_PERM_EVENT_WRITE] = {"event.write", R(MONITORING_ENGINEER) | R(OPS_ENGINEER) | R(OPS_SECTION_HEAD) |
                                                R(SERVICE_DESK)},
    [OD_PERM_APIKEY_ADMIN] = {"apikey.admin", R(SYSTEM_ADMIN)},
    [OD_PERM_INGEST] = {"ingest", 0},
};

const char *od_perm_key(od_perm p) { return (unsigned)p < OD_PERM__COUNT ? perms[p].key : "?"; }

od_roleset od_perm_roles(od_perm p) { return (unsigned)p < OD_PERM__COUNT ? perms[p].roles : 0; }

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
