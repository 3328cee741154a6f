/* test_core_notify_rules.c — who receives a message and on which channels
 * (core/notify_rules.h), by table at every boundary: the recipients of a
 * level (R-NOT-1: a named role, or the head of an owning department), the
 * department scope of a person (R-SEC-SYS-2, probe-security M7), who is
 * told of an incident an event opened, and the channels a person is
 * reached on (R-NOT-7: own choice, else policy; an address needed; inbox
 * last). */
#include "core/notify_rules.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define B(r) OD_ROLEBIT(OD_ROLE_##r)

static const char *const OPS[] = {"运行部"};
static const char *const OPS_NET[] = {"运行部", "网络部"};
static const char *const NET[] = {"网络部"};

/* R-NOT-1: role OR head of an owning department, for every row of the
 * default policy's shape (L2/L3 add owning department heads). */
static void test_recipient_selected_r_not_1(void **state)
{
    (void)state;
    od_recipients l3 = {.roles = B(OPS_SECTION_HEAD) | B(LIAISON), .owning_department_heads = true};
    od_recipients ng = {.roles = B(OPS_SECTION_HEAD) | B(LIAISON)};
    od_audience a3 = od_first_report_audience(&l3), ang = od_first_report_audience(&ng);
    static const struct {
        od_roleset roles;
        const char *dept;
        const char *const *deps;
        size_t n_deps;
        bool l3, ng;
    } rows[] = {
        /* a named role: whatever the department */
        {B(OPS_SECTION_HEAD), "网络部", OPS, 1, true, true},
        {B(LIAISON), "", OPS, 1, true, true},
        /* department head: only of an owning department, only when the policy says so */
        {B(DEPARTMENT_HEAD), "运行部", OPS, 1, true, false},
        {B(DEPARTMENT_HEAD), "网络部", OPS, 1, false, false},
        {B(DEPARTMENT_HEAD), "网络部", OPS_NET, 2, true, false},
        {B(DEPARTMENT_HEAD), "", OPS, 1, false, false},
        {B(DEPARTMENT_HEAD), NULL, OPS, 1, false, false},
        {B(DEPARTMENT_HEAD), "运行部", NULL, 0, false, false},
        /* neither */
        {B(OPS_ENGINEER), "运行部", OPS, 1, false, false},
        {0, "运行部", OPS, 1, false, false},
        /* both at once */
        {B(DEPARTMENT_HEAD) | B(LIAISON), "网络部", OPS, 1, true, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_person u = {rows[i].roles, rows[i].dept, NULL, 0};
        assert_int_equal(od_recipient_selected(&a3, &u, rows[i].deps, rows[i].n_deps), rows[i].l3);
        assert_int_equal(od_recipient_selected(&ang, &u, rows[i].deps, rows[i].n_deps), rows[i].ng);
    }
}

/* Seed 000 ch. 7 §2.1 item 6 (R-NOT-1, R-NOT-4): the heads of 运行部,
 * 技术部 and 客服部 are told of an L1-L3 alarm whatever department owns the
 * CI; other department heads only as heads of an owning department; a
 * scope still limits (R-SEC-SYS-2). */
static void test_named_department_heads(void **state)
{
    (void)state;
    od_recipients l3 = {.roles = B(OPS_SECTION_HEAD),
                        .owning_department_heads = true,
                        .n_heads_of = 3,
                        .heads_of = {"运行部", "技术部", "客服部"}};
    od_recipients none = {.roles = B(OPS_SECTION_HEAD), .owning_department_heads = true};
    od_audience a = od_first_report_audience(&l3), b = od_first_report_audience(&none);
    assert_int_equal(a.n_named, 3);
    assert_int_equal(b.n_named, 0);
    assert_int_equal(od_audience_roles(&a), B(OPS_SECTION_HEAD) | B(DEPARTMENT_HEAD));
    assert_int_equal(od_audience_roles(&b), B(OPS_SECTION_HEAD) | B(DEPARTMENT_HEAD));
    static const char *const TECH[] = {"技术部"};
    static const struct {
        od_roleset roles;
        const char *dept;
        const char *const *scopes;
        size_t n_scopes;
        const char *const *deps;
        size_t n_deps;
        bool named, owning_only;
    } rows[] = {
        {B(DEPARTMENT_HEAD), "运行部", NULL, 0, TECH, 1, true, false}, /* 运行部 head, 技术部 CI */
        {B(DEPARTMENT_HEAD), "技术部", NULL, 0, OPS, 1, true, false},  /* 技术部 head, 运行部 CI */
        {B(DEPARTMENT_HEAD), "客服部", NULL, 0, OPS, 1, true, false},
        {B(DEPARTMENT_HEAD), "客服部", NULL, 0, NULL, 0, true, false},
        {B(DEPARTMENT_HEAD), "网络部", NULL, 0, OPS, 1, false, false}, /* not named, not owning */
        {B(DEPARTMENT_HEAD), "网络部", NULL, 0, NET, 1, true, true},   /* owning */
        {B(DEPARTMENT_HEAD), "", NULL, 0, OPS, 1, false, false},
        {B(DEPARTMENT_HEAD), NULL, NULL, 0, OPS, 1, false, false},
        {B(DEPARTMENT_HEAD), "客服部", NET, 1, OPS, 1, false, false}, /* scope 网络部 only */
        {B(LIAISON), "客服部", NULL, 0, OPS, 1, false, false},        /* named department, other role */
        {B(OPS_SECTION_HEAD), "网络部", NULL, 0, OPS, 1, true, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_person u = {rows[i].roles, rows[i].dept, rows[i].scopes, rows[i].n_scopes};
        assert_int_equal(od_recipient_selected(&a, &u, rows[i].deps, rows[i].n_deps), rows[i].named);
        assert_int_equal(od_recipient_selected(&b, &u, rows[i].deps, rows[i].n_deps), rows[i].owning_only);
    }
}

/* R-SEC-SYS-2 / probe-security M7: a scoped leader hears only of incidents
 * of a department in scope. */
static void test_scope_limits_recipients(void **state)
{
    (void)state;
    od_recipients l1 = {.roles = B(EMERGENCY_LEADERSHIP) | B(OPS_SECTION_HEAD) | B(LIAISON)};
    od_audience a = od_first_report_audience(&l1);
    static const struct {
        const char *const *scopes;
        size_t n_scopes;
        const char *const *deps;
        size_t n_deps;
        bool selected;
    } rows[] = {
        {NULL, 0, OPS, 1, true},    /* not limited */
        {NULL, 0, NULL, 0, true},   /* not limited, no department */
        {OPS, 1, OPS, 1, true},     /* in scope */
        {NET, 1, OPS, 1, false},    /* M7: 网络部 leader, 运行部 incident */
        {NET, 1, OPS_NET, 2, true}, /* one of the departments is in scope */
        {OPS_NET, 2, NET, 1, true}, /* one of the scopes covers it */
        {OPS, 1, NULL, 0, false},   /* limited, the incident names no department */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_person u = {B(OPS_SECTION_HEAD), "网络部", rows[i].scopes, rows[i].n_scopes};
        assert_int_equal(od_scope_covers(&u, rows[i].deps, rows[i].n_deps), rows[i].selected);
        assert_int_equal(od_recipient_selected(&a, &u, rows[i].deps, rows[i].n_deps), rows[i].selected);
    }
    /* scope never adds anyone: no role, in scope → not selected */
    od_person none = {B(AUDITOR), "运行部", OPS, 1};
    assert_false(od_recipient_selected(&a, &none, OPS, 1));
}

/* An incident opened by an event: every monitoring engineer, and the
 * operations engineers of the departments concerned. */
static void test_incident_opened_audience(void **state)
{
    (void)state;
    od_audience a = od_incident_opened_audience();
    static const struct {
        od_roleset roles;
        const char *dept;
        bool selected;
    } rows[] = {
        {B(MONITORING_ENGINEER), "客服部", true},
        {B(MONITORING_ENGINEER), "运行部", true},
        {B(OPS_ENGINEER), "运行部", true},
        {B(OPS_ENGINEER), "网络部", false},
        {B(OPS_ENGINEER), "", false},
        {B(OPS_SECTION_HEAD), "运行部", false},
        {B(DEPARTMENT_HEAD), "运行部", false},
        {B(SERVICE_DESK), "运行部", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_person u = {rows[i].roles, rows[i].dept, NULL, 0};
        assert_int_equal(od_recipient_selected(&a, &u, OPS, 1), rows[i].selected);
    }
}

/* Seed 000 ch. 7 §2.1 items 7-8 (R-NOT-2, R-NOT-5): the progress and final
 * reports reach everyone an earlier report or alarm reached; which outbox
 * kinds count, every kind the server writes and the edges of the match. */
static void test_later_reports_reach(void **state)
{
    (void)state;
    static const struct {
        const char *kind;
        bool owed;
    } rows[] = {
        {"first", true},
        {"second", true},
        {"progress", true},
        {"final", true},
        {"escalation", true},
        {"reminder", false},
        {"opened", false},
        {"event_alert", false},
        {"review", false},
        {"", false},
        {"First", false},
        {"first ", false},
        {"firs", false},
        {"escalations", false},
        /* seed 000 ch. 8 §1: the new handling department's heads are owed them */
        {"handling_changed", true},
        {"contact", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(od_later_reports_reach(rows[i].kind), rows[i].owed);
    assert_false(od_later_reports_reach(NULL));
}

/* R-NOT-7: choice else policy; an address needed; nothing → inbox.
 * Bits: 1 sms, 2 email, 4 bot, 8 inbox. */
static void test_contact_channels_r_not_7(void **state)
{
    (void)state;
    static const struct {
        unsigned policy;
        bool phone, email, bot;
        int choice;
        unsigned want;
    } rows[] = {
        /* the policy's set, limited to the addresses held */
        {7, true, true, true, -1, 7},
        {7, true, false, false, -1, 1},
        {7, false, true, false, -1, 2},
        {7, false, false, true, -1, 4},
        {7, false, false, false, -1, 8},
        {1, false, true, true, -1, 8}, /* policy says SMS, no phone: inbox */
        {0, true, true, true, -1, 8},  /* nothing wanted: inbox */
        /* the person's own choice overrides the policy, both ways */
        {7, true, true, true, 2, 2},
        {1, true, true, true, 6, 6},
        {7, true, true, true, 0, 8},  /* chose none: inbox */
        {7, false, true, true, 1, 8}, /* chose SMS without a phone */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_contact c = {rows[i].phone, rows[i].email, rows[i].bot, rows[i].choice};
        assert_int_equal(od_contact_channels(rows[i].policy, &c), rows[i].want);
    }
    assert_int_equal(od_contact_parse("sms"), OD_CONTACT_SMS);
    assert_int_equal(od_contact_parse("email"), OD_CONTACT_EMAIL);
    assert_int_equal(od_contact_parse("bot"), OD_CONTACT_BOT);
    assert_int_equal(od_contact_parse("inbox"), 0);
    assert_int_equal(od_contact_parse("SMS"), 0);
    assert_int_equal(od_contact_parse(""), 0);
    assert_int_equal(od_contact_parse(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recipient_selected_r_not_1), cmocka_unit_test(test_named_department_heads),
        cmocka_unit_test(test_scope_limits_recipients),    cmocka_unit_test(test_incident_opened_audience),
        cmocka_unit_test(test_contact_channels_r_not_7),   cmocka_unit_test(test_later_reports_reach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
