/* test_core_approval.c — the approval rules (modules-spec §1.5), by table:
 * every outcome of every mode (any, all, quorum count, quorum percent) from
 * approvals, rejections, abstentions and more-info answers; the overall
 * outcome of several steps; every reason a vote is refused (self-approval,
 * non-approver, delegation 1 ms before / at / after its range, comment
 * required on reject and more_info, a decision the step does not allow, a
 * second vote — allowed again after more_info —, a decided step, a stale
 * round); and rounds after a rejection keeping the old votes. */
#include "core/approval.h"
#include "cal_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static const int64_t approvers[] = {11, 12, 13, 14, 15};

/* votes as a string, one letter per approver: A approve, R reject,
 * M more_info, B abstain, - none. */
static size_t votes_of(const char *s, od_appr_vote *out, int round)
{
    size_t n = 0;
    for (size_t i = 0; s[i]; i++) {
        static const char letters[] = "ARMB";
        const char *p = strchr(letters, s[i]);
        if (!p)
            continue;
        out[n++] = (od_appr_vote){.round = round,
                                  .user_id = approvers[i],
                                  .decision = (od_appr_decision)(p - letters),
                                  .has_comment = true};
    }
    return n;
}

static od_appr_outcome outcome(od_appr_mode mode, int quorum, const char *v)
{
    od_appr_vote votes[8];
    od_appr_step s = {.rule = {.mode = mode, .quorum = quorum},
                      .approvers = approvers,
                      .n_approvers = strlen(v),
                      .votes = votes,
                      .round = 1};
    s.n_votes = votes_of(v, votes, 1);
    return od_appr_step_outcome(&s);
}

#define W OD_APPR_WAITING
#define ACC OD_APPR_ACCEPTED
#define REF OD_APPR_REFUSED

static void test_outcomes(void **state)
{
    (void)state;
    static const struct {
        od_appr_mode mode;
        int quorum;
        const char *votes;
        od_appr_outcome want;
    } rows[] = {
        /* any: the first answer decides — one approval accepts, one rejection
         * refuses; abstentions and more_info leave it waiting while someone
         * may still answer */
        {OD_APPR_ANY, 0, "---", W},
        {OD_APPR_ANY, 0, "A--", ACC},
        {OD_APPR_ANY, 0, "R--", REF},
        {OD_APPR_ANY, 0, "-R-", REF},
        {OD_APPR_ANY, 0, "RR-", REF},
        {OD_APPR_ANY, 0, "RRR", REF},
        {OD_APPR_ANY, 0, "RRB", REF},
        {OD_APPR_ANY, 0, "RRM", REF},
        {OD_APPR_ANY, 0, "B--", W},
        {OD_APPR_ANY, 0, "BM-", W},
        {OD_APPR_ANY, 0, "BBM", W},
        {OD_APPR_ANY, 0, "BBB", REF},
        {OD_APPR_ANY, 0, "M--", W},
        {OD_APPR_ANY, 0, "B", REF},
        /* all */
        {OD_APPR_ALL, 0, "AA-", W},
        {OD_APPR_ALL, 0, "AAA", ACC},
        {OD_APPR_ALL, 0, "AAR", REF},
        {OD_APPR_ALL, 0, "AAB", REF},
        {OD_APPR_ALL, 0, "AAM", W},
        {OD_APPR_ALL, 0, "R--", REF},
        /* quorum: 2 of 3 */
        {OD_APPR_QUORUM_COUNT, 2, "A--", W},
        {OD_APPR_QUORUM_COUNT, 2, "AA-", ACC},
        {OD_APPR_QUORUM_COUNT, 2, "AR-", W},
        {OD_APPR_QUORUM_COUNT, 2, "ARR", REF},
        {OD_APPR_QUORUM_COUNT, 2, "ARB", REF},
        {OD_APPR_QUORUM_COUNT, 5, "AA-", W}, /* a count above the approvers needs all */
        {OD_APPR_QUORUM_COUNT, 5, "AAA", ACC},
        /* quorum percent: 50 % of 4 = 2; 51 % of 4 = 3; 100 % of 5 = 5; 1 % of 5 = 1 */
        {OD_APPR_QUORUM_PERCENT, 50, "A---", W},
        {OD_APPR_QUORUM_PERCENT, 50, "AA--", ACC},
        {OD_APPR_QUORUM_PERCENT, 50, "ARR-", W},
        {OD_APPR_QUORUM_PERCENT, 50, "ARRR", REF},
        {OD_APPR_QUORUM_PERCENT, 51, "AA--", W},
        {OD_APPR_QUORUM_PERCENT, 51, "AAR-", W},
        {OD_APPR_QUORUM_PERCENT, 51, "AARR", REF},
        {OD_APPR_QUORUM_PERCENT, 51, "AAA-", ACC},
        {OD_APPR_QUORUM_PERCENT, 100, "AAAAM", W},
        {OD_APPR_QUORUM_PERCENT, 100, "AAAAA", ACC},
        {OD_APPR_QUORUM_PERCENT, 1, "RRRRA", ACC},
        {OD_APPR_QUORUM_PERCENT, 1, "RRRRB", REF},
        /* no approvers */
        {OD_APPR_ANY, 0, "", REF},
        {OD_APPR_ALL, 0, "", REF},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_appr_outcome got = outcome(rows[i].mode, rows[i].quorum, rows[i].votes);
        if (got != rows[i].want)
            fail_msg("row %zu (%s %d \"%s\"): %s, want %s", i, od_appr_mode_key(rows[i].mode), rows[i].quorum,
                     rows[i].votes, od_appr_outcome_key(got), od_appr_outcome_key(rows[i].want));
    }
    od_appr_rule r = {.mode = OD_APPR_QUORUM_PERCENT, .quorum = 34};
    assert_int_equal(od_appr_required(&r, 3), 2);
    r.quorum = 33;
    assert_int_equal(od_appr_required(&r, 3), 1);
}

static void test_latest_vote_and_delegate(void **state)
{
    (void)state;
    /* more_info then approve by the same approver counts the approval;
     * a vote on behalf of 12 counts for 12 */
    od_appr_vote v[] = {
        {.round = 1, .user_id = 11, .decision = OD_VOTE_MORE_INFO},
        {.round = 1, .user_id = 11, .decision = OD_VOTE_APPROVE},
        {.round = 1, .user_id = 99, .on_behalf_of = 12, .decision = OD_VOTE_APPROVE},
        {.round = 0, .user_id = 13, .decision = OD_VOTE_APPROVE}, /* another round: ignored */
    };
    od_appr_step s = {.rule = {.mode = OD_APPR_ALL},
                      .approvers = approvers,
                      .n_approvers = 3,
                      .votes = v,
                      .n_votes = 4,
                      .round = 1};
    assert_int_equal(od_appr_step_outcome(&s), W);
    s.n_approvers = 2;
    assert_int_equal(od_appr_step_outcome(&s), ACC);
    s.n_votes = 1;
    assert_int_equal(od_appr_step_outcome(&s), W);
}

static void test_overall(void **state)
{
    (void)state;
    const od_appr_outcome a[] = {ACC, ACC}, b[] = {ACC, W}, c[] = {W, REF}, d[] = {REF, ACC};
    assert_int_equal(od_appr_overall(a, 2), ACC);
    assert_int_equal(od_appr_overall(b, 2), W);
    assert_int_equal(od_appr_overall(c, 2), REF);
    assert_int_equal(od_appr_overall(d, 2), REF);
    assert_int_equal(od_appr_overall(NULL, 0), ACC);
}

static void test_vote_checks(void **state)
{
    (void)state;
    const int64_t day = 24 * 3600 * 1000LL, now = 100 * day;
    const od_appr_delegation dl[] = {
        {.from_user = 12, .to_user = 50, .from_ms = now - day, .until_ms = now + day}};
    od_appr_vote cast[] = {
        {.round = 2, .user_id = 11, .decision = OD_VOTE_APPROVE},
        {.round = 2, .user_id = 13, .decision = OD_VOTE_MORE_INFO, .has_comment = true},
    };
    static const unsigned comment_on = (1u << OD_VOTE_REJECT) | (1u << OD_VOTE_MORE_INFO);
    static const struct {
        const char *why;
        od_appr_vote v;
        int64_t at;
        unsigned allowed;
        od_appr_refusal want;
        od_err code;
    } rows[] = {
        /* clang-format off */
        {"approver approves", {2, 12, 0, OD_VOTE_APPROVE, false, 0}, 0, 0, OD_APPR_OK, OD_OK},
        {"the requester approves own record", {2, 14, 0, OD_VOTE_APPROVE, false, 0}, 0, 0, OD_APPR_SELF_APPROVAL, OD_E_FORBIDDEN},
        {"a delegate of the requester", {2, 50, 14, OD_VOTE_APPROVE, false, 0}, 0, 0, OD_APPR_SELF_APPROVAL, OD_E_FORBIDDEN},
        {"not an approver", {2, 77, 0, OD_VOTE_APPROVE, false, 0}, 0, 0, OD_APPR_NOT_APPROVER, OD_E_FORBIDDEN},
        {"on behalf of a non-approver", {2, 50, 77, OD_VOTE_APPROVE, false, 0}, 0, 0, OD_APPR_NOT_APPROVER, OD_E_FORBIDDEN},
        {"delegate within range", {2, 50, 12, OD_VOTE_APPROVE, false, 0}, 0, 0, OD_APPR_OK, OD_OK},
        {"delegate at range start", {2, 50, 12, OD_VOTE_APPROVE, false, 0}, -1 * 24 * 3600 * 1000LL, 0, OD_APPR_OK, OD_OK},
        {"delegate 1 ms before range", {2, 50, 12, OD_VOTE_APPROVE, false, 0}, -1 * 24 * 3600 * 1000LL - 1, 0, OD_APPR_NO_DELEGATION, OD_E_FORBIDDEN},
        {"delegate 1 ms before range end", {2, 50, 12, OD_VOTE_APPROVE, false, 0}, 24 * 3600 * 1000LL - 1, 0, OD_APPR_OK, OD_OK},
        {"delegate at range end", {2, 50, 12, OD_VOTE_APPROVE, false, 0}, 24 * 3600 * 1000LL, 0, OD_APPR_NO_DELEGATION, OD_E_FORBIDDEN},
        {"no delegation from that approver", {2, 51, 12, OD_VOTE_APPROVE, false, 0}, 0, 0, OD_APPR_NO_DELEGATION, OD_E_FORBIDDEN},
        {"reject without comment", {2, 12, 0, OD_VOTE_REJECT, false, 0}, 0, 0, OD_APPR_COMMENT_REQUIRED, OD_E_UNPROCESSABLE},
        {"reject with comment", {2, 12, 0, OD_VOTE_REJECT, true, 0}, 0, 0, OD_APPR_OK, OD_OK},
        {"more_info without comment", {2, 12, 0, OD_VOTE_MORE_INFO, false, 0}, 0, 0, OD_APPR_COMMENT_REQUIRED, OD_E_UNPROCESSABLE},
        {"abstain without comment", {2, 12, 0, OD_VOTE_ABSTAIN, false, 0}, 0, 0, OD_APPR_OK, OD_OK},
        {"abstain not allowed", {2, 12, 0, OD_VOTE_ABSTAIN, false, 0}, 0, (1u << OD_VOTE_APPROVE) | (1u << OD_VOTE_REJECT), OD_APPR_DECISION_NOT_ALLOWED, OD_E_UNPROCESSABLE},
        {"second vote", {2, 11, 0, OD_VOTE_REJECT, true, 0}, 0, 0, OD_APPR_ALREADY_VOTED, OD_E_CONFLICT},
        {"a vote after more_info", {2, 13, 0, OD_VOTE_APPROVE, false, 0}, 0, 0, OD_APPR_OK, OD_OK},
        {"an old round", {1, 12, 0, OD_VOTE_APPROVE, false, 0}, 0, 0, OD_APPR_ROUND_STALE, OD_E_CONFLICT},
        /* clang-format on */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_appr_step s = {.rule = {.mode = OD_APPR_ALL,
                                   .comment_required_on = comment_on,
                                   .decisions_allowed = rows[i].allowed},
                          .approvers = approvers,
                          .n_approvers = 4,
                          .votes = cast,
                          .n_votes = 2,
                          .round = 2};
        const char *msg = NULL;
        od_appr_refusal r = od_appr_check_vote(&s, dl, 1, 14, &rows[i].v, now + rows[i].at, &msg);
        if (r != rows[i].want)
            fail_msg("%s: refusal %d, want %d", rows[i].why, r, rows[i].want);
        assert_int_equal(od_appr_refusal_err(r), rows[i].code);
        assert_non_null(msg);
        assert_true(r == OD_APPR_OK ? msg[0] == '\0' : strstr(msg, " (") != NULL);
    }
    /* a decided step takes no more votes */
    od_appr_vote done[] = {{.round = 1, .user_id = 11, .decision = OD_VOTE_APPROVE}};
    od_appr_step s = {.rule = {.mode = OD_APPR_ANY},
                      .approvers = approvers,
                      .n_approvers = 2,
                      .votes = done,
                      .n_votes = 1,
                      .round = 1};
    od_appr_vote v = {.round = 1, .user_id = 12, .decision = OD_VOTE_APPROVE};
    assert_int_equal(od_appr_check_vote(&s, NULL, 0, 0, &v, 0, NULL), OD_APPR_STEP_DECIDED);
}

static void test_rounds(void **state)
{
    (void)state;
    assert_int_equal(od_appr_round_for_submit(0, W), 1);
    assert_int_equal(od_appr_round_for_submit(1, W), 1);
    assert_int_equal(od_appr_round_for_submit(1, REF), 2);
    assert_int_equal(od_appr_round_for_submit(2, ACC), 3);
    /* round 1 refused; round 2 counts only its own votes, round 1 kept */
    od_appr_vote v[] = {
        {.round = 1, .user_id = 11, .decision = OD_VOTE_REJECT, .has_comment = true},
        {.round = 2, .user_id = 11, .decision = OD_VOTE_APPROVE},
    };
    od_appr_step s = {.rule = {.mode = OD_APPR_ALL},
                      .approvers = approvers,
                      .n_approvers = 1,
                      .votes = v,
                      .n_votes = 1,
                      .round = 1};
    assert_int_equal(od_appr_step_outcome(&s), REF);
    s.round = od_appr_round_for_submit(1, REF);
    assert_int_equal(od_appr_step_outcome(&s), W);
    od_appr_vote again = {.round = 2, .user_id = 11, .decision = OD_VOTE_APPROVE};
    assert_int_equal(od_appr_check_vote(&s, NULL, 0, 0, &again, 0, NULL), OD_APPR_OK);
    s.n_votes = 2;
    assert_int_equal(od_appr_step_outcome(&s), ACC);
    assert_int_equal(od_appr_decision_parse("more_info"), OD_VOTE_MORE_INFO);
    assert_int_equal(od_appr_decision_parse("maybe"), -1);
    assert_string_equal(od_appr_decision_key(OD_VOTE_ABSTAIN), "abstain");
}

/* Deadlines of a step (R-KRN approvals due; modules-spec §1.5): defaults,
 * explicit durations, and working time on the business calendar across
 * the 劳动节 holidays, its 调休 Saturday and a period's end 1 ms before
 * and at 17:30. */
static void test_due_times(void **state)
{
    (void)state;
    od_calendar biz;
    cal_business(&biz, false);
    const int64_t D = 510 * MIN_MS; /* one business day of 09:00–17:30 */
    static const int64_t H = HOUR_MS;
    struct {
        const char *name;
        bool business;
        int64_t opened, due, remind, escalate;
        int64_t want_due, want_remind, want_escalate;
    } rows[] = {
        {"24x7 defaults: 24 h, remind at due, escalate 24 h later", false, 0, 0, 0, 0, 24 * H, 24 * H,
         48 * H},
        {"24x7 explicit", false, 1000, 2 * H, 1 * H, 3 * H, 1000 + 2 * H, 1000 + 1 * H, 1000 + 3 * H},
        {"24x7 due only: escalate one due after", false, 0, 2 * H, 0, 0, 2 * H, 2 * H, 4 * H},
        {"business over 劳动节", true, loc(2026, 4, 30, 17, 0), D, 0, 0, loc(2026, 5, 6, 17, 0),
         loc(2026, 5, 6, 17, 0), loc(2026, 5, 7, 17, 0)},
        {"business onto the 调休 Saturday", true, loc(2026, 5, 8, 17, 0), D, 0, 0, loc(2026, 5, 9, 17, 0),
         loc(2026, 5, 9, 17, 0), loc(2026, 5, 11, 17, 0)},
        {"business 1 ms before the end of the day", true, loc(2026, 4, 30, 17, 30) - 1, 1, 0, 0,
         loc(2026, 4, 30, 17, 30), loc(2026, 4, 30, 17, 30), loc(2026, 5, 6, 9, 0) + 1},
        {"business at the end of the day", true, loc(2026, 4, 30, 17, 30), 1, 0, 0, loc(2026, 5, 6, 9, 0) + 1,
         loc(2026, 5, 6, 9, 0) + 1, loc(2026, 5, 6, 9, 0) + 2},
        {"business default 24 h of working time", true, loc(2026, 5, 6, 9, 0), 0, D, 2 * D,
         /* 24 h of working time from Wed 09:00 = 1440 min: Wed 510 + Thu 510, Fri 09:00 + 420 min */
         loc(2026, 5, 8, 16, 0), loc(2026, 5, 6, 17, 30), loc(2026, 5, 7, 17, 30)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_appr_times t = od_appr_times_of(rows[i].opened, rows[i].due, rows[i].remind, rows[i].escalate,
                                           rows[i].business ? &biz : NULL);
        if (t.due_at != rows[i].want_due || t.remind_at != rows[i].want_remind ||
            t.escalate_at != rows[i].want_escalate)
            fail_msg("row %zu (%s): due %lld remind %lld escalate %lld", i, rows[i].name, (long long)t.due_at,
                     (long long)t.remind_at, (long long)t.escalate_at);
    }
    /* a calendar without working hours reaches nothing */
    od_calendar none;
    memset(&none, 0, sizeof none);
    od_appr_times t = od_appr_times_of(0, H, 0, 0, &none);
    assert_true(t.due_at == OD_NO_TIME && t.remind_at == OD_NO_TIME && t.escalate_at == OD_NO_TIME);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcomes), cmocka_unit_test(test_latest_vote_and_delegate),
        cmocka_unit_test(test_overall),  cmocka_unit_test(test_vote_checks),
        cmocka_unit_test(test_rounds),   cmocka_unit_test(test_due_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
