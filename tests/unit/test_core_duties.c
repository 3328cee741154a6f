/* test_core_duties.c — who may do what in an incident (core/duties.h), by
 * exhaustive table: re-activation after an escalation (seed 000 ch. 7
 * §2.2, R-ACT-1), closure by the activating leader (ch. 7 §2.4,
 * R-CLOSE-1), who confirms the response level and files the later reports
 * (ch. 7 §2.1 items 1, 7; R-NOT-2), the desk of each report (item 2,
 * R-NOT-3), the registration alert (ch. 7 §1 item 2, R-NOT-1) and 24-hour
 * reachability (ch. 7 §1 item 6). */
#include "core/duties.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

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

/* R-ACT-1: every state × current level × activated level (and none, and
 * out of range): only an activated incident raised above its plan. */
static void test_reactivation_every_combination(void **state)
{
    (void)state;
    for (int s = -1; s <= OD_INC__COUNT; s++)
        for (int cur = -1; cur <= OD_RESP__COUNT; cur++)
            for (int act = -2; act <= OD_RESP__COUNT; act++) {
                bool want = s == OD_INC_ACTIVATED && cur >= 0 && cur < OD_RESP__COUNT && act >= 0 &&
                            act < OD_RESP__COUNT && cur < act;
                assert_int_equal(od_reactivation_allowed((od_inc_state)s, (od_resp)cur, act), want);
            }
    /* the seed's case: R2 plan, escalated to R1 */
    assert_true(od_reactivation_allowed(OD_INC_ACTIVATED, OD_RESP_R1, OD_RESP_R2));
    assert_false(od_reactivation_allowed(OD_INC_ACTIVATED, OD_RESP_R2, OD_RESP_R2));
    assert_false(od_reactivation_allowed(OD_INC_ACTIVATED, OD_RESP_R1, OD_NOT_ACTIVATED));
    assert_false(od_reactivation_allowed(OD_INC_RESOLVED, OD_RESP_R1, OD_RESP_R2));
}

/* R-CLOSE-1, seed 000 ch. 7 §2.4: every highest level × activated level ×
 * activator or not × the authority role or another, in both readings. */
static void test_close_every_combination(void **state)
{
    od_policy *p = *state;
    for (int by = 0; by < OD_CLOSE_BY__COUNT; by++) {
        p->duties.closure_by = (od_closure_by)by;
        for (int h = 0; h < OD_RESP__COUNT; h++)
            for (int act = OD_NOT_ACTIVATED; act < OD_RESP__COUNT; act++)
                for (int me = 0; me < 2; me++)
                    for (int holds = 0; holds < 2; holds++) {
                        od_role auth = od_activation_role(p, (od_resp)h);
                        od_roleset roles = holds ? OD_ROLEBIT(auth) : B(AUDITOR);
                        bool want = holds && (by == OD_CLOSE_BY_AUTHORITY || act != h || me);
                        od_error e = {0};
                        od_err rc = od_close_check(p, (od_resp)h, act, 7, me ? 7 : 8, roles, &e);
                        assert_int_equal(rc, want ? OD_OK : OD_E_FORBIDDEN);
                        if (!want)
                            assert_non_null(strstr(e.message, "关闭"));
                    }
    }
    p->duties.closure_by = OD_CLOSE_BY_ACTIVATOR;
    /* out of range highest counts as R1: the leadership group */
    assert_int_equal(od_close_check(p, (od_resp)9, OD_NOT_ACTIVATED, 0, 1, B(OPS_LEADER), NULL),
                     OD_E_FORBIDDEN);
    assert_int_equal(od_close_check(p, (od_resp)9, OD_NOT_ACTIVATED, 0, 1, B(EMERGENCY_LEADERSHIP), NULL),
                     OD_OK);
    /* the message names the plan's activator */
    od_error e = {0};
    assert_int_equal(od_close_check(p, OD_RESP_R1, OD_RESP_R1, 1, 2, B(EMERGENCY_LEADERSHIP), &e),
                     OD_E_FORBIDDEN);
    assert_non_null(strstr(e.message, "决定启动一级响应应急预案的领导"));
}

/* Seed 000 ch. 7 §2.1 items 1 and 7: every role alone, every report. */
static void test_report_authors_every_role(void **state)
{
    const od_policy *p = *state;
    for (int r = 0; r < OD_ROLE__COUNT; r++) {
        od_roleset roles = OD_ROLEBIT(r);
        bool eng = r == OD_ROLE_OPS_ENGINEER;
        assert_int_equal(od_confirm_check(p, roles, NULL), eng ? OD_OK : OD_E_FORBIDDEN);
        assert_int_equal(od_report_author_check(p, OD_IA_FIRST_REPORT, roles, NULL), OD_OK);
        assert_int_equal(od_report_author_check(p, OD_IA_SECOND_REPORT, roles, NULL),
                         eng ? OD_OK : OD_E_FORBIDDEN);
        assert_int_equal(od_report_author_check(p, OD_IA_PROGRESS_REPORT, roles, NULL),
                         eng ? OD_OK : OD_E_FORBIDDEN);
        assert_int_equal(od_report_author_check(p, OD_IA_FINAL_REPORT, roles, NULL),
                         eng ? OD_OK : OD_E_FORBIDDEN);
    }
    assert_int_equal(od_report_author_check(p, OD_IA_CLOSE, B(OPS_ENGINEER), NULL), OD_E_INVALID);
    od_error e = {0};
    assert_int_equal(od_report_author_check(p, OD_IA_SECOND_REPORT, B(MONITORING_ENGINEER), &e),
                     OD_E_FORBIDDEN);
    assert_non_null(strstr(e.message, "运维工程师"));
    assert_non_null(strstr(e.message, "ops_engineer"));
    /* the policy widens it: the second report also needs the confirming role */
    od_policy *q = od_policy_new_default();
    q->duties.later_report_roles = B(OPS_ENGINEER) | B(OPS_SECTION_HEAD);
    assert_int_equal(od_report_author_check(q, OD_IA_PROGRESS_REPORT, B(OPS_SECTION_HEAD), NULL), OD_OK);
    assert_int_equal(od_report_author_check(q, OD_IA_SECOND_REPORT, B(OPS_SECTION_HEAD), NULL),
                     OD_E_FORBIDDEN);
    q->duties.confirm_roles |= B(OPS_SECTION_HEAD);
    assert_int_equal(od_report_author_check(q, OD_IA_SECOND_REPORT, B(OPS_SECTION_HEAD), NULL), OD_OK);
    od_policy_free(q);
}

/* R-NOT-3, seed 000 ch. 7 §2.1 items 2, 7, 8: the desk of each report. */
static void test_report_desk_table(void **state)
{
    (void)state;
    static const struct {
        od_inc_action act;
        od_roleset roles;
        const char *asked;
        od_err rc;
        const char *desk;
    } rows[] = {
        /* first report: the reporter's department's desk */
        {OD_IA_FIRST_REPORT, B(MONITORING_ENGINEER), NULL, OD_OK, "monitoring"},
        {OD_IA_FIRST_REPORT, B(MONITORING_ENGINEER), "", OD_OK, "monitoring"},
        {OD_IA_FIRST_REPORT, B(MONITORING_ENGINEER), "monitoring", OD_OK, "monitoring"},
        {OD_IA_FIRST_REPORT, B(MONITORING_ENGINEER), "ops_security", OD_E_UNPROCESSABLE, NULL},
        {OD_IA_FIRST_REPORT, B(OPS_ENGINEER), NULL, OD_OK, "ops_security"},
        {OD_IA_FIRST_REPORT, B(OPS_ENGINEER), "ops_security", OD_OK, "ops_security"},
        {OD_IA_FIRST_REPORT, B(OPS_ENGINEER), "monitoring", OD_E_UNPROCESSABLE, NULL},
        {OD_IA_FIRST_REPORT, B(OPS_SECTION_HEAD), NULL, OD_OK, "ops_security"},
        {OD_IA_FIRST_REPORT, B(OPS_ENGINEER), "helpdesk", OD_E_UNPROCESSABLE, NULL},
        /* both roles: either desk */
        {OD_IA_FIRST_REPORT, B(MONITORING_ENGINEER) | B(OPS_ENGINEER), NULL, OD_OK, "monitoring"},
        {OD_IA_FIRST_REPORT, B(MONITORING_ENGINEER) | B(OPS_ENGINEER), "ops_security", OD_OK, "ops_security"},
        {OD_IA_FIRST_REPORT, B(MONITORING_ENGINEER) | B(OPS_ENGINEER), "monitoring", OD_OK, "monitoring"},
        /* later reports: the operations desk only */
        {OD_IA_SECOND_REPORT, B(OPS_ENGINEER), NULL, OD_OK, "ops_security"},
        {OD_IA_SECOND_REPORT, B(OPS_ENGINEER), "ops_security", OD_OK, "ops_security"},
        {OD_IA_SECOND_REPORT, B(OPS_ENGINEER), "monitoring", OD_E_UNPROCESSABLE, NULL},
        {OD_IA_PROGRESS_REPORT, B(MONITORING_ENGINEER), NULL, OD_OK, "ops_security"},
        {OD_IA_PROGRESS_REPORT, B(OPS_ENGINEER), "monitoring", OD_E_UNPROCESSABLE, NULL},
        {OD_IA_FINAL_REPORT, B(OPS_ENGINEER), "", OD_OK, "ops_security"},
        {OD_IA_FINAL_REPORT, B(OPS_ENGINEER), "monitoring", OD_E_UNPROCESSABLE, NULL},
        /* not a report */
        {OD_IA_CLOSE, B(OPS_ENGINEER), NULL, OD_E_INVALID, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *desk = "unset";
        od_error e = {0};
        assert_int_equal(od_report_desk(rows[i].act, rows[i].roles, rows[i].asked, &desk, &e), rows[i].rc);
        if (rows[i].desk)
            assert_string_equal(desk, rows[i].desk);
        else
            assert_string_equal(desk, "unset");
        if (rows[i].rc == OD_E_UNPROCESSABLE)
            assert_string_equal(e.field, "desk");
    }
}

/* Seed 000 ch. 7 §1 items 2 and 6. */
static void test_register_alert_and_reachability(void **state)
{
    const od_policy *p = *state;
    for (int g = -1; g <= OD_GRADE__COUNT; g++)
        assert_int_equal(od_register_alerts(p, (od_grade)g), g == OD_GRADE_L1 || g == OD_GRADE_L2);
    for (int r = 0; r < OD_ROLE__COUNT; r++) {
        bool must = r == OD_ROLE_EMERGENCY_LEADERSHIP || r == OD_ROLE_EMERGENCY_ENGINEERING;
        assert_int_equal(od_unreachable_24h(p, OD_ROLEBIT(r), false), must);
        assert_false(od_unreachable_24h(p, OD_ROLEBIT(r), true));
    }
    assert_false(od_unreachable_24h(p, 0, false));
    assert_true(od_unreachable_24h(p, B(LIAISON) | B(EMERGENCY_ENGINEERING), false));
}

/* Seed 000 ch. 8 §1 (audit #43): the review is led by the handling
 * department — the registered one, else duties.handling_department (运行部);
 * every (registered, reviewer) pair of the table. */
static void test_review_by_handling_department(void **state)
{
    const od_policy *p = *state;
    static const struct {
        const char *registered, *reviewer, *handling;
        bool ok;
    } rows[] = {
        {NULL, "运行部", "运行部", true},      {"", "运行部", "运行部", true},
        {NULL, "技术部", "运行部", false},     {"", "", "运行部", false},
        {NULL, NULL, "运行部", false},         {"技术部", "技术部", "技术部", true},
        {"技术部", "运行部", "技术部", false}, {"技术部", "技术部 ", "技术部", false}, /* exact names */
        {"客服部", "", "客服部", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_string_equal(od_handling_department(p, rows[i].registered), rows[i].handling);
        od_error e = {0};
        od_err rc = od_review_check(p, rows[i].registered, rows[i].reviewer, &e);
        assert_int_equal(rc, rows[i].ok ? OD_OK : OD_E_FORBIDDEN);
        if (!rows[i].ok) /* names the department, Chinese first */
            assert_non_null(strstr(e.message, rows[i].handling));
    }
}

/* Seed 000 ch. 8 §1 with ch. 7 §2.2 (R-PIR-1, R-ACT-1): the handling
 * department is changed by the activation authority of the highest level
 * reached; never after the review; never to nothing or to itself.  Every
 * state × highest level × role set. */
static void test_handling_change_every_combination(void **state)
{
    const od_policy *p = *state;
    static const od_role auth[OD_RESP__COUNT] = {OD_ROLE_EMERGENCY_LEADERSHIP, OD_ROLE_OPS_LEADER,
                                                 OD_ROLE_OPS_DEPARTMENT_HEAD, OD_ROLE_OPS_SECTION_HEAD};
    for (int s = 0; s < OD_INC__COUNT; s++)
        for (int h = 0; h < OD_RESP__COUNT; h++)
            for (int r = 0; r < OD_ROLE__COUNT; r++) {
                od_roleset roles = OD_ROLEBIT(r);
                od_error e = {0};
                od_err rc = od_handling_change_check(p, (od_inc_state)s, (od_resp)h, roles, "", "技术部", &e);
                od_err want = s == OD_INC_REVIEWED ? OD_E_CONFLICT
                              : r == (int)auth[h]  ? OD_OK
                                                   : OD_E_FORBIDDEN;
                assert_int_equal(rc, want);
                if (want == OD_E_FORBIDDEN) /* names the role, Chinese first */
                    assert_non_null(strstr(e.message, od_role_name_zh(auth[h])));
            }
    od_error e = {0};
    od_roleset lead = B(OPS_DEPARTMENT_HEAD);
    /* the default department (运行部) is the current one when none was registered */
    assert_int_equal(od_handling_change_check(p, OD_INC_DETECTED, OD_RESP_R3, lead, "", "运行部", &e),
                     OD_E_UNPROCESSABLE);
    assert_string_equal(e.field, "department");
    assert_int_equal(od_handling_change_check(p, OD_INC_CLOSED, OD_RESP_R3, lead, "技术部", "技术部", &e),
                     OD_E_UNPROCESSABLE);
    assert_int_equal(od_handling_change_check(p, OD_INC_CLOSED, OD_RESP_R3, lead, "技术部", "运行部", &e),
                     OD_OK);
    assert_int_equal(od_handling_change_check(p, OD_INC_RESOLVED, OD_RESP_R3, lead, "", "", &e),
                     OD_E_UNPROCESSABLE);
    assert_int_equal(od_handling_change_check(p, OD_INC_RESOLVED, OD_RESP_R3, lead, "", NULL, &e),
                     OD_E_UNPROCESSABLE);
    /* a role set holding the authority among others */
    assert_int_equal(od_handling_change_check(p, OD_INC_ACTIVATED, OD_RESP_R1,
                                              B(LIAISON) | B(EMERGENCY_LEADERSHIP), "", "客服部", &e),
                     OD_OK);
}

/* Seed 000 ch. 7 §1 item 2 with §2.1 item 4: activation due within the
 * level's report window, every level, on and off, boundaries. */
static void test_activation_due_every_level(void **state)
{
    od_policy *p = *state;
    static const int64_t T = 1000000, MIN = 60000;
    static const int64_t want[OD_RESP__COUNT] = {5 * MIN, 5 * MIN, 10 * MIN, 10 * MIN};
    /* the default policy: NG needs no activation, so no deadline (the light path) */
    assert_int_equal(od_activation_due(p, OD_RESP_NG, T), OD_NO_TIME);
    unsigned keep_required = p->duties.activation_required;
    p->duties.activation_required = (1u << OD_RESP__COUNT) - 1;
    for (int r = 0; r < OD_RESP__COUNT; r++) {
        int64_t due = od_activation_due(p, (od_resp)r, T);
        assert_int_equal(due, T + want[r]);
        /* met at the due time, missed 1 ms after */
        assert_int_equal(od_deadline_state_at(due, 0, due), OD_DLS_PENDING);
        assert_int_equal(od_deadline_state_at(due, 0, due + 1), OD_DLS_MISSED);
        assert_int_equal(od_deadline_state_at(due, due, due + 1), OD_DLS_MET);
        assert_int_equal(od_deadline_state_at(due, due + 1, due + 1), OD_DLS_MET_LATE);
    }
    assert_int_equal(od_activation_due(p, (od_resp)-1, T), OD_NO_TIME);
    assert_int_equal(od_activation_due(p, OD_RESP__COUNT, T), OD_NO_TIME);
    p->duties.activation_in_report_window = false;
    for (int r = 0; r < OD_RESP__COUNT; r++)
        assert_int_equal(od_activation_due(p, (od_resp)r, T), OD_NO_TIME);
    p->duties.activation_in_report_window = true;
    /* the window follows the policy's first_report values */
    int64_t keep = p->first_report_ms[OD_GRADE_L3];
    p->first_report_ms[OD_GRADE_L3] = 7 * MIN;
    assert_int_equal(od_activation_due(p, OD_RESP_R3, T), T + 7 * MIN);
    p->first_report_ms[OD_GRADE_L3] = keep;
    p->duties.activation_required = keep_required;
}

/* The light path (duties.activation_required, seed 000 ch. 7 §1 item 6,
 * §2.2): every state × action × level × required-or-not.  The final
 * report moves a confirmed incident to resolved only at a level whose
 * activation is not required; every other pair is od_inc_transition's. */
static void test_light_path_every_state_action_level(void **state)
{
    od_policy *p = *state;
    unsigned keep = p->duties.activation_required;
    /* the default policy: R1, R2, R3 required, NG not */
    assert_int_equal(keep, (1u << OD_RESP_R1) | (1u << OD_RESP_R2) | (1u << OD_RESP_R3));
    for (unsigned mask = 0; mask < (1u << OD_RESP__COUNT); mask++) {
        p->duties.activation_required = mask;
        for (int r = 0; r < OD_RESP__COUNT; r++) {
            bool required = (mask >> r) & 1u;
            assert_int_equal(od_activation_required(p, (od_resp)r), required);
            for (int s = 0; s < OD_INC__COUNT; s++)
                for (int act = 0; act < OD_IA__COUNT; act++) {
                    od_inc_state want = OD_INC__COUNT, got = OD_INC__COUNT;
                    od_error e1 = {0}, e2 = {0};
                    od_err base = od_inc_transition((od_inc_state)s, (od_inc_action)act, &want, &e1);
                    od_err rc =
                        od_inc_transition_at(p, (od_resp)r, (od_inc_state)s, (od_inc_action)act, &got, &e2);
                    if (s == OD_INC_CONFIRMED && act == OD_IA_FINAL_REPORT && !required) {
                        assert_int_equal(base, OD_E_CONFLICT); /* the full path refuses it */
                        assert_int_equal(rc, OD_OK);
                        assert_int_equal(got, OD_INC_RESOLVED);
                    } else {
                        assert_int_equal(rc, base);
                        if (!rc)
                            assert_int_equal(got, want);
                        else
                            assert_string_equal(e2.message, e1.message);
                    }
                }
        }
        /* an unknown level is never light */
        assert_true(od_activation_required(p, (od_resp)-1));
        assert_true(od_activation_required(p, OD_RESP__COUNT));
    }
    p->duties.activation_required = keep;
}

static void test_closure_keys(void **state)
{
    (void)state;
    assert_string_equal(od_closure_by_key(OD_CLOSE_BY_ACTIVATOR), "activator");
    assert_string_equal(od_closure_by_key(OD_CLOSE_BY_AUTHORITY), "authority");
    assert_int_equal(od_closure_by_parse("activator"), OD_CLOSE_BY_ACTIVATOR);
    assert_int_equal(od_closure_by_parse("authority"), OD_CLOSE_BY_AUTHORITY);
    assert_int_equal(od_closure_by_parse("leader"), -1);
    assert_int_equal(od_closure_by_parse(NULL), -1);
}

/* Seed 000 ch. 7 §2.1 item 6 (audit #32 b; R-NOT-4): who owes the
 * acknowledgement, every role × level × reading × acknowledgement levels.
 * named_roles (the default): the department heads, the 运行部 section heads
 * and the liaisons the item names; the leaders are told and owe nothing.
 * all_recipients: everyone told.  Never on a level outside
 * acknowledgement.levels, nor for an out-of-range level. */
static void test_ack_owed_every_role_level_reading(void **state)
{
    od_policy *p = *state;
    const od_duties keep = p->duties;
    const unsigned keep_levels = p->ack_levels;
    const od_roleset named = B(DEPARTMENT_HEAD) | B(OPS_DEPARTMENT_HEAD) | B(OPS_SECTION_HEAD) | B(LIAISON);
    assert_int_equal(p->duties.ack_required, OD_ACK_NAMED_ROLES);
    assert_int_equal(p->duties.ack_roles, named);
    /* the default levels: L1, L2, L3 (item 6, both sentences) */
    assert_int_equal(p->ack_levels, (1u << OD_GRADE_L1) | (1u << OD_GRADE_L2) | (1u << OD_GRADE_L3));
    for (int reading = 0; reading < OD_ACK__COUNT; reading++)
        for (unsigned levels = 0; levels < (1u << OD_GRADE__COUNT); levels++) {
            p->duties.ack_required = (od_ack_reading)reading;
            p->ack_levels = levels;
            for (int g = -1; g <= OD_GRADE__COUNT; g++) {
                bool level_on = g >= 0 && g < OD_GRADE__COUNT && ((levels >> g) & 1u);
                for (int r = 0; r < OD_ROLE__COUNT; r++) {
                    od_roleset rs = OD_ROLEBIT(r);
                    bool want = level_on && (reading == OD_ACK_ALL_RECIPIENTS || (rs & named) != 0);
                    assert_int_equal(od_ack_owed(p, (od_grade)g, rs), want);
                    /* a leader who is also a section head owes it as the section head */
                    bool both = level_on;
                    assert_int_equal(od_ack_owed(p, (od_grade)g, rs | B(OPS_SECTION_HEAD)), both);
                }
                /* nobody (no role) owes it under named_roles */
                assert_int_equal(od_ack_owed(p, (od_grade)g, 0),
                                 level_on && reading == OD_ACK_ALL_RECIPIENTS);
            }
        }
    /* the leaders the item does not name, explicitly */
    p->duties = keep;
    p->ack_levels = keep_levels;
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        assert_false(od_ack_owed(p, (od_grade)g, B(EMERGENCY_LEADERSHIP)));
        assert_false(od_ack_owed(p, (od_grade)g, B(OPS_LEADER)));
        assert_false(od_ack_owed(p, (od_grade)g, B(OPS_ENGINEER)));
        assert_int_equal(od_ack_owed(p, (od_grade)g, B(LIAISON)), g != OD_GRADE_NG);
        assert_int_equal(od_ack_owed(p, (od_grade)g, B(DEPARTMENT_HEAD)), g != OD_GRADE_NG);
    }
    /* an empty ack_roles under named_roles: nobody owes it */
    p->duties.ack_roles = 0;
    for (int r = 0; r < OD_ROLE__COUNT; r++)
        assert_false(od_ack_owed(p, OD_GRADE_L1, OD_ROLEBIT(r)));
    p->duties = keep;
    assert_string_equal(od_ack_reading_key(OD_ACK_NAMED_ROLES), "named_roles");
    assert_string_equal(od_ack_reading_key(OD_ACK_ALL_RECIPIENTS), "all_recipients");
    assert_int_equal(od_ack_reading_parse("named_roles"), OD_ACK_NAMED_ROLES);
    assert_int_equal(od_ack_reading_parse("all_recipients"), OD_ACK_ALL_RECIPIENTS);
    assert_int_equal(od_ack_reading_parse("leaders"), -1);
    assert_int_equal(od_ack_reading_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reactivation_every_combination),
        cmocka_unit_test(test_close_every_combination),
        cmocka_unit_test(test_report_authors_every_role),
        cmocka_unit_test(test_report_desk_table),
        cmocka_unit_test(test_register_alert_and_reachability),
        cmocka_unit_test(test_closure_keys),
        cmocka_unit_test(test_activation_due_every_level),
        cmocka_unit_test(test_light_path_every_state_action_level),
        cmocka_unit_test(test_review_by_handling_department),
        cmocka_unit_test(test_handling_change_every_combination),
        cmocka_unit_test(test_ack_owed_every_role_level_reading),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
