/* test_core_authz.c — who holds which permission (every permission × every
 * role, R-SEC-SYS-2 least privilege), the separation of the three
 * administrators (every pair and triple), and what one account may do to
 * another (od_authz_user_act: every act × actor/target kind). */
#include "core/authz.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define OPS_ALL                                                                                              \
    "monitoring_engineer ops_engineer ops_section_head ops_department_head department_head "                 \
    "ops_leader emergency_leadership liaison service_desk problem_manager change_manager cab_member "        \
    "emergency_engineering "
#define MODULES                                                                                              \
    "budget_holder request_approver fulfiller_line1 fulfiller_line2 vendor_liaison problem_solver "          \
    "change_initiator change_implementer change_supervisor infosec_manager it_manager sec_assessor "         \
    "sys_hardener sec_verifier risk_owner trainer "
#define LEADS "ops_section_head ops_department_head ops_leader emergency_leadership "

/* The specification: the roles holding each permission, spelled out. */
static const struct {
    od_perm p;
    const char *key;
    const char *roles; /* "*" = every role (checked by the caller) */
} spec[] = {
    {OD_PERM_PUBLIC, "public", "*"},
    {OD_PERM_AUTHENTICATED, "authenticated", "*"},
    {OD_PERM_USER_READ, "user.read", "system_admin security_admin"},
    {OD_PERM_USER_WRITE, "user.write", "system_admin"},
    {OD_PERM_ROLE_ASSIGN, "role.assign", "security_admin"},
    {OD_PERM_AUDIT_READ, "audit.read", "auditor"},
    {OD_PERM_CONFIG_WRITE, "config.write", "system_admin"},
    {OD_PERM_CI_READ, "ci.read", OPS_ALL "auditor"},
    {OD_PERM_CI_WRITE, "ci.write", "ops_engineer ops_section_head ops_department_head"},
    {OD_PERM_POLICY_READ, "policy.read", OPS_ALL MODULES "auditor system_admin security_admin"},
    {OD_PERM_INCIDENT_READ, "incident.read", OPS_ALL "auditor"},
    {OD_PERM_INCIDENT_CREATE, "incident.create", "monitoring_engineer ops_engineer"},
    {OD_PERM_INCIDENT_REPORT, "incident.report", "monitoring_engineer ops_engineer ops_section_head"},
    {OD_PERM_INCIDENT_LEAD, "incident.lead", LEADS},
    /* the engineering group leader submits the handling report (seed 000 ch. 8 §2) */
    {OD_PERM_INCIDENT_REVIEW, "incident.review", "ops_engineer emergency_engineering " LEADS},
    {OD_PERM_TEST_CLOCK, "test.clock", "*"},
    {OD_PERM_EVENT_READ, "event.read", OPS_ALL "auditor"},
    {OD_PERM_EVENT_WRITE, "event.write", "monitoring_engineer ops_engineer ops_section_head service_desk"},
    {OD_PERM_APIKEY_ADMIN, "apikey.admin", "system_admin"},
    {OD_PERM_INGEST, "ingest", ""},
    {OD_PERM_RECORD_READ, "record.read", OPS_ALL MODULES "auditor"},
    {OD_PERM_RECORD_WRITE, "record.write", OPS_ALL MODULES},
    {OD_PERM_COMMITTEE_READ, "committee.read", OPS_ALL MODULES "auditor system_admin security_admin"},
    {OD_PERM_COMMITTEE_WRITE, "committee.write", "system_admin"},
};

static bool listed(const char *roles, const char *key)
{
    char pad[64];
    snprintf(pad, sizeof pad, " %s ", key);
    char list[1024];
    snprintf(list, sizeof list, " %s ", roles);
    return strstr(list, pad) != NULL;
}

static void test_every_permission_every_role(void **state)
{
    (void)state;
    assert_int_equal(sizeof spec / sizeof spec[0], OD_PERM__COUNT);
    for (size_t i = 0; i < OD_PERM__COUNT; i++) {
        assert_int_equal(spec[i].p, (od_perm)i);
        assert_string_equal(od_perm_key(spec[i].p), spec[i].key);
        od_roleset expect = 0;
        for (int r = 0; r < OD_ROLE__COUNT; r++) {
            bool want = strcmp(spec[i].roles, "*") == 0 || listed(spec[i].roles, od_role_key((od_role)r));
            if (want && strcmp(spec[i].roles, "*") != 0)
                expect |= OD_ROLEBIT(r);
            if (od_roles_allow(OD_ROLEBIT(r), spec[i].p) != want)
                fail_msg("%s × %s: expected %d", spec[i].key, od_role_key((od_role)r), want);
        }
        if (strcmp(spec[i].roles, "*") != 0)
            assert_int_equal(od_perm_roles(spec[i].p), expect);
        /* no roles at all: only the permissions every caller has */
        assert_int_equal(od_roles_allow(0, spec[i].p), strcmp(spec[i].roles, "*") == 0);
    }
    /* out of range */
    assert_false(od_roles_allow(~(od_roleset)0, OD_PERM__COUNT));
    assert_string_equal(od_perm_key(OD_PERM__COUNT), "?");
    assert_int_equal(od_perm_roles(OD_PERM__COUNT), 0);
}

static void test_no_administrator_holds_operational_permissions(void **state)
{
    (void)state;
    static const od_perm ops[] = {OD_PERM_CI_WRITE,      OD_PERM_INCIDENT_READ,   OD_PERM_INCIDENT_CREATE,
                                  OD_PERM_INCIDENT_LEAD, OD_PERM_INCIDENT_REPORT, OD_PERM_EVENT_WRITE};
    static const od_role admins[] = {OD_ROLE_SYSTEM_ADMIN, OD_ROLE_SECURITY_ADMIN};
    for (size_t a = 0; a < 2; a++)
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            assert_false(od_roles_allow(OD_ROLEBIT(admins[a]), ops[i]));
    assert_int_equal(od_admin_roles(), OD_ROLEBIT(OD_ROLE_SYSTEM_ADMIN) | OD_ROLEBIT(OD_ROLE_SECURITY_ADMIN) |
                                           OD_ROLEBIT(OD_ROLE_AUDITOR));
}

/* every subset of the three administrator roles, with and without an
 * ordinary role: two or more together conflict */
static void test_separation_every_subset(void **state)
{
    (void)state;
    const od_roleset s = OD_ROLEBIT(OD_ROLE_SYSTEM_ADMIN), c = OD_ROLEBIT(OD_ROLE_SECURITY_ADMIN),
                     a = OD_ROLEBIT(OD_ROLE_AUDITOR), o = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER);
    for (unsigned m = 0; m < 8; m++) {
        od_roleset r = ((m & 1) ? s : 0) | ((m & 2) ? c : 0) | ((m & 4) ? a : 0);
        int n = (m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1);
        for (int with_ops = 0; with_ops < 2; with_ops++) {
            od_error e = {0};
            od_err rc = od_roles_check_separation(r | (with_ops ? o : 0), &e);
            assert_int_equal(rc, n >= 2 ? OD_E_CONFLICT : OD_OK);
            if (rc) {
                assert_string_equal(e.field, "roles");
                assert_non_null(strstr(e.message, "三权分立"));
                assert_non_null(strstr(e.message, "separation of duties"));
            }
        }
    }
}

/* od_authz_user_act: every act × target kind, acting on oneself or not */
static void test_user_acts(void **state)
{
    (void)state;
    const od_roleset SYS = OD_ROLEBIT(OD_ROLE_SYSTEM_ADMIN), SEC = OD_ROLEBIT(OD_ROLE_SECURITY_ADMIN),
                     AUD = OD_ROLEBIT(OD_ROLE_AUDITOR), ENG = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER),
                     LEAD = OD_ROLEBIT(OD_ROLE_OPS_LEADER);
    static const char F = 'F', K = '.'; /* forbidden, ok */
    const struct {
        od_user_act act;
        bool self;
        od_roleset target, new_roles;
        char want;
        const char *why;
    } rows[] = {
        /* roles (the security administrator's act) */
        {OD_UA_SET_ROLES, true, SEC, SEC | LEAD, F, "secadmin gives itself an operational role"},
        {OD_UA_SET_ROLES, true, SEC, SEC, F, "nobody changes their own roles"},
        {OD_UA_SET_ROLES, true, SEC, 0, F, "not even to drop them"},
        {OD_UA_SET_ROLES, false, SYS, SYS | LEAD, F, "the system administrator gets no operational role"},
        {OD_UA_SET_ROLES, false, AUD, AUD | ENG, F, "the auditor gets no operational role"},
        {OD_UA_SET_ROLES, false, AUD, LEAD, F, "an administrator account is not turned operational"},
        {OD_UA_SET_ROLES, false, ENG, AUD | ENG, F, "an admin role with an operational one"},
        {OD_UA_SET_ROLES, false, ENG, AUD, K, "an engineer becomes the auditor"},
        {OD_UA_SET_ROLES, false, AUD, 0, K, "an administrator role removed"},
        {OD_UA_SET_ROLES, false, SYS, SYS, K, "unchanged"},
        {OD_UA_SET_ROLES, false, ENG, ENG | LEAD, K, "ordinary roles"},
        {OD_UA_SET_ROLES, false, 0, LEAD, K, "a new account gets a role"},
        /* disable / enable (the system administrator's act) */
        {OD_UA_DISABLE, false, SEC, 0, F, "the security administrator"},
        {OD_UA_DISABLE, false, AUD, 0, F, "the auditor"},
        {OD_UA_DISABLE, false, SYS, 0, K, "another system administrator"},
        {OD_UA_DISABLE, false, ENG, 0, K, "an engineer"},
        {OD_UA_DISABLE, false, 0, 0, K, "an account without roles"},
        {OD_UA_ENABLE, false, SEC, 0, K, "enabling is never refused"},
        {OD_UA_ENABLE, false, AUD, 0, K, "enabling the auditor"},
        /* contact data */
        {OD_UA_EDIT_CONTACT, false, SEC, 0, F, "the security administrator's phone"},
        {OD_UA_EDIT_CONTACT, false, AUD, 0, F, "the auditor's e-mail"},
        {OD_UA_EDIT_CONTACT, true, SYS, 0, K, "one's own"},
        {OD_UA_EDIT_CONTACT, false, SYS, 0, K, "another system administrator"},
        {OD_UA_EDIT_CONTACT, false, LEAD, 0, K, "a leader's"},
        /* personal bot */
        {OD_UA_SET_BOT, false, LEAD, 0, F, "a leader's alarms redirected"},
        {OD_UA_SET_BOT, false, 0, 0, F, "anyone else's"},
        {OD_UA_SET_BOT, true, LEAD, 0, K, "one's own"},
        {OD_UA_SET_BOT, true, SYS, 0, K, "one's own, as an administrator"},
        /* password reset (the system administrator's act) */
        {OD_UA_RESET_PASSWORD, false, SEC, 0, F, "the security administrator's"},
        {OD_UA_RESET_PASSWORD, false, AUD, 0, F, "the auditor's"},
        {OD_UA_RESET_PASSWORD, false, SEC | AUD, 0, F,
         "an overseer holding both (never valid, still refused)"},
        {OD_UA_RESET_PASSWORD, true, SYS, 0, F, "one's own"},
        {OD_UA_RESET_PASSWORD, true, ENG, 0, F, "one's own, as anyone"},
        {OD_UA_RESET_PASSWORD, false, SYS, 0, K, "another system administrator"},
        {OD_UA_RESET_PASSWORD, false, ENG, 0, K, "an engineer"},
        {OD_UA_RESET_PASSWORD, false, LEAD | ENG, 0, K, "an operational account"},
        {OD_UA_RESET_PASSWORD, false, 0, 0, K, "an account without roles"},
    };
    bool acts_seen[OD_UA__COUNT] = {0};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_user_act_req q = {rows[i].act, rows[i].self, rows[i].target, rows[i].new_roles};
        od_error e = {0};
        od_err rc = od_authz_user_act(&q, &e);
        if ((rc == OD_OK) != (rows[i].want == K))
            fail_msg("row %zu (%s): got %d", i, rows[i].why, rc);
        if (rc) {
            assert_int_equal(rc, OD_E_FORBIDDEN);
            assert_true(e.message[0] != 0);
        }
        acts_seen[rows[i].act] = true;
    }
    for (int a = 0; a < OD_UA__COUNT; a++)
        assert_true(acts_seen[a]);
    od_user_act_req bad = {OD_UA__COUNT, false, 0, 0};
    od_error e = {0};
    assert_int_equal(od_authz_user_act(&bad, &e), OD_E_INTERNAL);
    assert_string_equal(od_user_act_key(OD_UA_SET_BOT), "set_bot");
    assert_string_equal(od_user_act_key(OD_UA_RESET_PASSWORD), "reset_password");
    assert_string_equal(od_user_act_key(OD_UA__COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_permission_every_role),
        cmocka_unit_test(test_no_administrator_holds_operational_permissions),
        cmocka_unit_test(test_separation_every_subset),
        cmocka_unit_test(test_user_acts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
