/* test_core_fsm.c — the incident lifecycle (R-CLOSE-2): every state ×
 * action pair against a table written here independently of incident.c,
 * the message naming the missing step for every refusal; the key tables;
 * and the authorities (R-ACT-1, R-CLOSE-1) for every response level × role. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/incident.h"

#define X (-1) /* refused */

/* short names for the table below */
#define DET OD_INC_DETECTED
#define REP OD_INC_REPORTED
#define CON OD_INC_CONFIRMED
#define ACT OD_INC_ACTIVATED
#define RES OD_INC_RESOLVED
#define CLO OD_INC_CLOSED
#define REV OD_INC_REVIEWED

/* want[state][action] = resulting state, or X (R-CLOSE-2; progress reports
 * R-NOT-5; acknowledgements R-NOT-4; regrading R-INC-4).
 *         first second activate progress final close review ack  regrade */
/* clang-format off */
static const int want_to[OD_INC__COUNT][OD_IA__COUNT] = {
    [DET] = {REP,  X,     X,       X,       X,    X,    X,     DET, DET},
    [REP] = {X,    CON,   X,       REP,     X,    X,    X,     REP, REP},
    [CON] = {X,    X,     ACT,     CON,     X,    X,    X,     CON, CON},
    [ACT] = {X,    X,     X,       ACT,     RES,  X,    X,     ACT, ACT},
    [RES] = {X,    X,     X,       X,       X,    CLO,  X,     X,   X},
    [CLO] = {X,    X,     X,       X,       X,    X,    REV,   X,   X},
    [REV] = {X,    X,     X,       X,       X,    X,    X,     X,   X},
};
/* clang-format on */

/* For each refused pair, a piece of the message that names the concrete
 * reason (NULL where the pair is allowed).  Written per state: */
#define F1 "需要先提交首报"
#define S2 "需要先提交第二次上报"
#define AC "需要先启动应急预案"
#define FN "需要先提交终报"
#define CL "需要先授权关闭"
#define D1 "已提交首报"
#define D2 "已提交第二次上报"
#define DA "已启动应急预案"
#define RS "事件已解决"
#define CS "事件已关闭"
#define RV "事件已复盘"
static const char *const want_msg[OD_INC__COUNT][OD_IA__COUNT] = {
    [OD_INC_DETECTED] = {NULL, F1, F1, F1, F1, F1, F1, NULL, NULL},
    [OD_INC_REPORTED] = {D1, NULL, S2, NULL, S2, S2, S2, NULL, NULL},
    [OD_INC_CONFIRMED] = {D1, D2, NULL, NULL, AC, AC, AC, NULL, NULL},
    [OD_INC_ACTIVATED] = {D1, D2, DA, NULL, NULL, FN, FN, NULL, NULL},
    [OD_INC_RESOLVED] = {RS, RS, RS, RS, RS, NULL, CL, RS, RS},
    [OD_INC_CLOSED] = {CS, CS, CS, CS, CS, CS, NULL, CS, CS},
    [OD_INC_REVIEWED] = {RV, RV, RV, RV, RV, RV, RV, RV, RV},
};
/* …and the English half of the same reason. */
static const char *const want_msg_en[OD_INC__COUNT] = {
    "the first report is required first",
    NULL, /* mixed: checked through want_msg */
    NULL,
    NULL,
    NULL,
    "already closed",
    "already reviewed",
};

static void test_every_state_action_pair(void **state)
{
    (void)state;
    int allowed = 0, refused = 0;
    for (int s = 0; s < OD_INC__COUNT; s++) {
        for (int a = 0; a < OD_IA__COUNT; a++) {
            od_error e;
            od_error_clear(&e);
            od_inc_state to = (od_inc_state)99;
            od_err rc = od_inc_transition((od_inc_state)s, (od_inc_action)a, &to, &e);
            const char *pair_s = od_inc_state_key((od_inc_state)s);
            const char *pair_a = od_inc_action_key((od_inc_action)a);
            if (want_to[s][a] != X) {
                if (rc != OD_OK || (int)to != want_to[s][a])
                    fail_msg("%s/%s: rc %d to %d, want ok to %d", pair_s, pair_a, (int)rc, (int)to,
                             want_to[s][a]);
                assert_int_equal(e.code, OD_OK);
                assert_null(want_msg[s][a]);
                allowed++;
                continue;
            }
            refused++;
            if (rc != OD_E_CONFLICT || e.code != OD_E_CONFLICT)
                fail_msg("%s/%s: rc %d, want conflict", pair_s, pair_a, (int)rc);
            assert_int_equal((int)to, 99); /* untouched */
            assert_non_null(want_msg[s][a]);
            if (!strstr(e.message, want_msg[s][a]))
                fail_msg("%s/%s: message \"%s\" lacks \"%s\"", pair_s, pair_a, e.message, want_msg[s][a]);
            if (want_msg_en[s] && !strstr(e.message, want_msg_en[s]))
                fail_msg("%s/%s: message \"%s\" lacks \"%s\"", pair_s, pair_a, e.message, want_msg_en[s]);
            /* Chinese first, then English in parentheses */
            assert_true((unsigned char)e.message[0] >= 0x80);
            const char *open = strstr(e.message, " (");
            assert_non_null(open);
            assert_true((unsigned char)open[2] < 0x80);
            assert_int_equal(e.message[strlen(e.message) - 1], ')');
            assert_string_equal(e.field, "state");
        }
    }
    assert_int_equal(allowed, 6 + 3 + 4 + 4);
    assert_int_equal(refused, OD_INC__COUNT * OD_IA__COUNT - allowed);
}

/* The exact wording of a few messages (what a person reads). */
static void test_messages(void **state)
{
    (void)state;
    static const struct {
        od_inc_state s;
        od_inc_action a;
        const char *msg;
    } rows[] = {
        {OD_INC_DETECTED, OD_IA_SECOND_REPORT,
         "需要先提交首报，才能提交第二次上报 (the first report is required first, before the second report)"},
        {OD_INC_REPORTED, OD_IA_ACTIVATE,
         "需要先提交第二次上报确认响应级别，才能启动应急预案 (the second report confirming the "
         "response level is required first, before plan activation)"},
        {OD_INC_CONFIRMED, OD_IA_FINAL_REPORT,
         "需要先启动应急预案，才能提交终报 (plan activation is required first, before the final report)"},
        {OD_INC_ACTIVATED, OD_IA_CLOSE,
         "需要先提交终报，才能关闭事件 (the final report is required first, before closure)"},
        {OD_INC_RESOLVED, OD_IA_PROGRESS_REPORT,
         "事件已解决，不能再提交进展报告 (already resolved: a progress report is no longer allowed)"},
        {OD_INC_RESOLVED, OD_IA_REVIEW,
         "需要先授权关闭事件，才能提交复盘报告 (authorized closure is required first, before the "
         "post-incident review)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_error e;
        od_error_clear(&e);
        od_inc_state to;
        assert_int_equal(od_inc_transition(rows[i].s, rows[i].a, &to, &e), OD_E_CONFLICT);
        assert_string_equal(e.message, rows[i].msg);
    }
}

static void test_null_error_and_invalid(void **state)
{
    (void)state;
    od_inc_state to = OD_INC_DETECTED;
    assert_int_equal(od_inc_transition(OD_INC_DETECTED, OD_IA_CLOSE, &to, NULL), OD_E_CONFLICT);
    assert_int_equal(od_inc_transition(OD_INC_DETECTED, OD_IA_FIRST_REPORT, &to, NULL), OD_OK);
    assert_int_equal(to, OD_INC_REPORTED);
    od_error e;
    od_error_clear(&e);
    assert_int_equal(od_inc_transition(OD_INC__COUNT, OD_IA_ACK, &to, &e), OD_E_INVALID);
    od_error_clear(&e);
    assert_int_equal(od_inc_transition(OD_INC_DETECTED, OD_IA__COUNT, &to, &e), OD_E_INVALID);
    assert_string_equal(e.field, "action");
}

/* The whole happy path, as R-CLOSE-2 lists it. */
static void test_happy_path(void **state)
{
    (void)state;
    static const od_inc_action path[] = {
        OD_IA_ACK,      OD_IA_FIRST_REPORT,    OD_IA_PROGRESS_REPORT, OD_IA_SECOND_REPORT, OD_IA_REGRADE,
        OD_IA_ACTIVATE, OD_IA_PROGRESS_REPORT, OD_IA_FINAL_REPORT,    OD_IA_CLOSE,         OD_IA_REVIEW,
    };
    od_inc_state s = OD_INC_DETECTED;
    for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
        od_error e;
        od_error_clear(&e);
        assert_int_equal(od_inc_transition(s, path[i], &s, &e), OD_OK);
    }
    assert_int_equal(s, OD_INC_REVIEWED);
}

static void test_state_keys(void **state)
{
    (void)state;
    static const struct {
        const char *key, *zh;
        bool open;
    } rows[OD_INC__COUNT] = {
        {"detected", "已发现", true},  {"reported", "已上报", true},  {"confirmed", "已确认", true},
        {"activated", "已启动", true}, {"resolved", "已解决", false}, {"closed", "已关闭", false},
        {"reviewed", "已复盘", false},
    };
    for (int s = 0; s < OD_INC__COUNT; s++) {
        assert_string_equal(od_inc_state_key((od_inc_state)s), rows[s].key);
        assert_string_equal(od_inc_state_name_zh((od_inc_state)s), rows[s].zh);
        assert_int_equal(od_inc_state_parse(rows[s].key), s);
        assert_int_equal(od_inc_state_open((od_inc_state)s), rows[s].open);
    }
    assert_int_equal(od_inc_state_parse("Detected"), -1);
    assert_int_equal(od_inc_state_parse("open"), -1);
    assert_int_equal(od_inc_state_parse(NULL), -1);
    assert_string_equal(od_inc_state_key(OD_INC__COUNT), "?");
    assert_string_equal(od_inc_state_name_zh(OD_INC__COUNT), "?");
    assert_false(od_inc_state_open(OD_INC__COUNT));
}

static void test_action_keys(void **state)
{
    (void)state;
    static const char *const keys[OD_IA__COUNT] = {
        "first_report", "second_report", "activate", "progress_report", "final_report",
        "close",        "review",        "ack",      "regrade",
    };
    for (int a = 0; a < OD_IA__COUNT; a++)
        assert_string_equal(od_inc_action_key((od_inc_action)a), keys[a]);
    assert_string_equal(od_inc_action_key(OD_IA__COUNT), "?");
}

/* ---- authorities: every response level × every role ---- */

/* R-ACT-1: R1 emergency leadership group, R2 leader in charge of
 * operations, R3 head of the operations department, NG section head. */
static const od_role activator[OD_RESP__COUNT] = {
    OD_ROLE_EMERGENCY_LEADERSHIP,
    OD_ROLE_OPS_LEADER,
    OD_ROLE_OPS_DEPARTMENT_HEAD,
    OD_ROLE_OPS_SECTION_HEAD,
};

static void test_authority_every_level_and_role(void **state)
{
    const od_policy *p = *state;
    for (int r = 0; r < OD_RESP__COUNT; r++) {
        assert_int_equal(od_activation_role(p, (od_resp)r), activator[r]);
        for (int role = 0; role < OD_ROLE__COUNT; role++) {
            bool want = role == (int)activator[r];
            od_roleset one = OD_ROLEBIT(role);
            if (od_may_activate(p, (od_resp)r, one) != want)
                fail_msg("activate %s by %s", od_resp_key((od_resp)r), od_role_key((od_role)role));
            /* R-CLOSE-1: only the authority of the highest level reached */
            if (od_may_close(p, (od_resp)r, one) != want)
                fail_msg("close %s by %s", od_resp_key((od_resp)r), od_role_key((od_role)role));
            /* all roles but this one: enough exactly when this one is not
             * the authority (without the authority, no set of roles is) */
            od_roleset others = OD_ROLES_ALL & ~one;
            assert_int_equal(od_may_activate(p, (od_resp)r, others), !want);
            assert_int_equal(od_may_close(p, (od_resp)r, others), !want);
        }
        assert_false(od_may_activate(p, (od_resp)r, 0));
        assert_false(od_may_close(p, (od_resp)r, 0));
        assert_true(od_may_close(p, (od_resp)r, OD_ROLEBIT(activator[r]) | OD_ROLEBIT(OD_ROLE_AUDITOR)));
    }
}

/* R-CLOSE-1 after escalation: R3 escalated to R1 needs the R1 authority;
 * the R3 activator can no longer close. */
static void test_close_after_escalation(void **state)
{
    const od_policy *p = *state;
    od_roleset dept_head = OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD);
    assert_true(od_may_close(p, OD_RESP_R3, dept_head));
    assert_false(od_may_close(p, OD_RESP_R1, dept_head));
    assert_true(od_may_close(p, OD_RESP_R1, OD_ROLEBIT(OD_ROLE_EMERGENCY_LEADERSHIP)));
}

/* Values come from the policy. */
static void test_authority_modified_policy(void **state)
{
    (void)state;
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    p->activation_role[OD_RESP_R2] = OD_ROLE_CAB_MEMBER;
    assert_int_equal(od_activation_role(p, OD_RESP_R2), OD_ROLE_CAB_MEMBER);
    assert_true(od_may_activate(p, OD_RESP_R2, OD_ROLEBIT(OD_ROLE_CAB_MEMBER)));
    assert_false(od_may_activate(p, OD_RESP_R2, OD_ROLEBIT(OD_ROLE_OPS_LEADER)));
    assert_true(od_may_close(p, OD_RESP_R2, OD_ROLEBIT(OD_ROLE_CAB_MEMBER)));
    assert_false(od_may_close(p, OD_RESP_R2, OD_ROLEBIT(OD_ROLE_OPS_LEADER)));
    od_policy_free(p);
}

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_state_action_pair),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_null_error_and_invalid),
        cmocka_unit_test(test_happy_path),
        cmocka_unit_test(test_state_keys),
        cmocka_unit_test(test_action_keys),
        cmocka_unit_test(test_authority_every_level_and_role),
        cmocka_unit_test(test_close_after_escalation),
        cmocka_unit_test(test_authority_modified_policy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
