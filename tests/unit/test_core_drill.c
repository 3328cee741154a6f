/* test_core_drill.c — the drill scorecard (R-PLAN-2; seed 000 ch. 9 §3;
 * modules-spec §M7.4), by table: every deadline judged by the real
 * incident's rule — met at the due instant passes, 1 ms late fails, missed
 * 1 ms after the due time fails, still pending at the instant itself,
 * cancelled not judged —, the score, the times to acknowledge and to
 * activate, and the steps done against those planned. */
#include "core/drill.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void judge_table(void **state)
{
    (void)state;
    const int64_t due = 1784107800000LL;
    static const struct {
        int64_t met, now;
        bool cancelled;
        od_drill_verdict want;
    } t[] = {
        {0, 0, false, OD_DV_PENDING},
        {0, 1784107800000LL - 1, false, OD_DV_PENDING},                /* 1 ms before the due time */
        {0, 1784107800000LL, false, OD_DV_PENDING},                    /* at it: not yet missed */
        {0, 1784107800000LL + 1, false, OD_DV_FAIL},                   /* 1 ms after: missed */
        {1784107800000LL - 1, 1784107800000LL + 9, false, OD_DV_PASS}, /* met 1 ms before */
        {1784107800000LL, 1784107800000LL + 9, false, OD_DV_PASS},     /* met at the instant */
        {1784107800000LL + 1, 1784107800000LL + 9, false, OD_DV_FAIL}, /* met 1 ms late */
        {0, 1784107800000LL + 1, true, OD_DV_NA},                      /* cancelled */
        {1784107800000LL, 1784107800000LL + 9, true, OD_DV_PASS},      /* met, then cancelled: met counts */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        od_drill_deadline d = {OD_DL_FIRST_REPORT, due, t[i].met, t[i].cancelled};
        assert_int_equal(od_drill_judge(&d, t[i].now), t[i].want);
    }
    assert_string_equal(od_drill_verdict_key(OD_DV_PASS), "pass");
    assert_string_equal(od_drill_verdict_key(OD_DV_FAIL), "fail");
    assert_string_equal(od_drill_verdict_key(OD_DV_PENDING), "pending");
    assert_string_equal(od_drill_verdict_key(OD_DV_NA), "n/a");
}

static void score_table(void **state)
{
    (void)state;
    const int64_t t0 = 1784107800000LL, min = 60000;
    /* an L1 drill: first report at +4 min (due +5), three recipients with
     * acks due at +10: two acknowledge, one never; activation due +15 met at
     * +12; a progress report cancelled at resolution */
    const od_drill_deadline d[] = {
        {OD_DL_FIRST_REPORT, t0 + 5 * min, t0 + 4 * min, false},
        {OD_DL_ACK, t0 + 10 * min, t0 + 6 * min, false},
        {OD_DL_ACK, t0 + 10 * min, t0 + 10 * min, false},
        {OD_DL_ACK, t0 + 10 * min, 0, false},
        {OD_DL_ACTIVATION, t0 + 15 * min, t0 + 12 * min, false},
        {OD_DL_PROGRESS, t0 + 45 * min, 0, true},
    };
    static const char *const planned[] = {"goal",     "plan",    "resources", "run",
                                          "evaluate", "lessons", "review"};
    static const char *const done[] = {"goal", "plan", "run", "improvise"};
    od_drill_card c;
    od_drill_score(d, 6, t0 + 20 * min, t0, t0 + 6 * min, t0 + 12 * min, planned, 7, done, 4, &c);
    assert_int_equal(c.passed, 4);
    assert_int_equal(c.failed, 1);
    assert_int_equal(c.pending, 0);
    assert_int_equal(c.not_judged, 1);
    assert_int_equal(c.score_pct, 80);
    assert_int_equal(c.to_ack_ms, 6 * min);
    assert_int_equal(c.to_activate_ms, 12 * min);
    assert_int_equal(c.steps_planned, 7);
    assert_int_equal(c.steps_done, 3);
    /* the same card while the last ack is still ahead (at its due instant) */
    od_drill_score(d, 6, t0 + 10 * min, t0, t0 + 6 * min, t0 + 12 * min, planned, 7, done, 4, &c);
    assert_int_equal(c.passed, 4);
    assert_int_equal(c.failed, 0);
    assert_int_equal(c.pending, 1);
    assert_int_equal(c.score_pct, 100);
    /* 1 ms later it is missed */
    od_drill_score(d, 6, t0 + 10 * min + 1, t0, 0, 0, NULL, 0, NULL, 0, &c);
    assert_int_equal(c.failed, 1);
    assert_int_equal(c.to_ack_ms, -1);
    assert_int_equal(c.to_activate_ms, -1);
    assert_int_equal(c.steps_planned, 0);
    /* nothing judged yet */
    od_drill_score(NULL, 0, t0, t0, 0, 0, NULL, 0, NULL, 0, &c);
    assert_int_equal(c.score_pct, -1);
    /* a step planned twice counts once */
    static const char *const twice[] = {"run", "run"};
    od_drill_score(NULL, 0, t0, 0, 0, 0, twice, 2, done, 4, &c);
    assert_int_equal(c.steps_planned, 1);
    assert_int_equal(c.steps_done, 1);
}

/* R-PLAN-1: the due notices of a plan review or a scheduled drill: "soon"
 * 14 days before the due date, "due" at it; each fires at its instant, not
 * 1 ms before. */
static void due_notice_table(void **state)
{
    (void)state;
    const int64_t due = 1784107800000LL, day = 86400000LL;
    static const struct {
        int n;
        int64_t due;
        int lead;
        int64_t want;
    } at[] = {
        {OD_DUE_SOON, 1784107800000LL, 14, 1784107800000LL - 14 * 86400000LL},
        {OD_DUE_NOW, 1784107800000LL, 14, 1784107800000LL},
        {OD_DUE_SOON, 0, 14, 0},                 /* no due date: no notice */
        {OD_DUE_NOW, -5, 14, 0},                 /* nor a negative one */
        {OD_DUE_SOON, 86400000LL, 14, 1},        /* the lead before the epoch: at once */
        {OD_DUE__COUNT, 1784107800000LL, 14, 0}, /* out of range */
        {-1, 1784107800000LL, 14, 0},
        /* readiness.notice_lead_days (R-PLAN-1): 1 and 365 are the bounds */
        {OD_DUE_SOON, 1784107800000LL, 1, 1784107800000LL - 86400000LL},
        {OD_DUE_SOON, 1784107800000LL, 30, 1784107800000LL - 30 * 86400000LL},
        {OD_DUE_SOON, 1784107800000LL, 365, 1784107800000LL - 365 * 86400000LL},
        {OD_DUE_NOW, 1784107800000LL, 365, 1784107800000LL}, /* the due notice does not move */
        /* outside the bounds: the default 14 */
        {OD_DUE_SOON, 1784107800000LL, 0, 1784107800000LL - 14 * 86400000LL},
        {OD_DUE_SOON, 1784107800000LL, 366, 1784107800000LL - 14 * 86400000LL},
        {OD_DUE_SOON, 1784107800000LL, -1, 1784107800000LL - 14 * 86400000LL},
    };
    for (size_t i = 0; i < sizeof at / sizeof *at; i++)
        assert_int_equal(od_due_notice_at((od_due_notice)at[i].n, at[i].due, at[i].lead), at[i].want);
    static const struct {
        int64_t fire_at, now;
        bool want;
    } fires[] = {
        {1784107800000LL, 1784107800000LL - 1, false}, /* 1 ms before */
        {1784107800000LL, 1784107800000LL, true},      /* at the instant */
        {1784107800000LL, 1784107800000LL + 1, true},  /* after (a restart catches up) */
        {0, 1784107800000LL, false},                   /* no notice */
    };
    for (size_t i = 0; i < sizeof fires / sizeof *fires; i++)
        assert_int_equal(od_due_notice_fires(fires[i].fire_at, fires[i].now), fires[i].want);
    /* the soon notice's boundary, 1 ms before and at */
    int64_t soon = od_due_notice_at(OD_DUE_SOON, due, OD_DUE_NOTICE_LEAD_DAYS);
    assert_int_equal(due - soon, 14 * day);
    assert_false(od_due_notice_fires(soon, soon - 1));
    assert_true(od_due_notice_fires(soon, soon));
    assert_string_equal(od_due_notice_key(OD_DUE_SOON), "soon");
    assert_string_equal(od_due_notice_key(OD_DUE_NOW), "due");
    assert_string_equal(od_due_notice_key(OD_DUE__COUNT), "?");
    assert_int_equal(od_due_notice_parse("soon"), OD_DUE_SOON);
    assert_int_equal(od_due_notice_parse("due"), OD_DUE_NOW);
    assert_int_equal(od_due_notice_parse("late"), -1);
    assert_int_equal(od_due_notice_parse(NULL), -1);
}

/* R-PLAN-2: manual 1–5 scores per scorecard item and per participant:
 * 0 and 6 are not scores, the overall mean in hundredths rounded half up. */
static void manual_scores_table(void **state)
{
    (void)state;
    static const struct {
        int64_t v;
        bool ok;
    } valid[] = {{0, false}, {1, true}, {3, true}, {5, true}, {6, false}, {-1, false}};
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
        assert_int_equal(od_drill_score_valid(valid[i].v), valid[i].ok);
    static const char *const keys[] = {"communication", "coordination", "command", "handling"};
    for (int i = 0; i < OD_DI__COUNT; i++) {
        assert_string_equal(od_drill_item_key((od_drill_item)i), keys[i]);
        assert_int_equal(od_drill_item_parse(keys[i]), i);
    }
    assert_int_equal(od_drill_item_parse("speed"), -1);
    assert_int_equal(od_drill_item_parse(NULL), -1);
    assert_string_equal(od_drill_item_key(OD_DI__COUNT), "?");
    static const struct {
        od_drill_mscore s[6];
        size_t n;
        int items_scored, overall, scores, p7, p7n;
    } t[] = {
        {{{0}}, 0, 0, -1, 0, -1, 0}, /* nothing scored */
        {{{OD_DI_COMMUNICATION, 0, 4}}, 1, 1, 400, 1, -1, 0},
        /* 4 and 5: 450; a participant's 3 and 2: 250 */
        {{{OD_DI_COMMUNICATION, 0, 4}, {OD_DI_COMMAND, 0, 5}, {OD_DI_COMMAND, 7, 3}, {OD_DI_HANDLING, 7, 2}},
         4,
         2,
         450,
         4,
         250,
         2},
        /* 5, 4, 4: 433.33 → 433; 0 and 6 do not count; an unknown item neither */
        {{{OD_DI_COMMUNICATION, 0, 5},
          {OD_DI_COORDINATION, 0, 4},
          {OD_DI_COMMAND, 0, 4},
          {OD_DI_HANDLING, 0, 0},
          {OD_DI_HANDLING, 7, 6},
          {OD_DI__COUNT, 0, 3}},
         6,
         3,
         433,
         3,
         -1,
         0},
        /* 5, 5, 4: 466.67 → 467 (half up); participant 7: 1 → 100 */
        {{{OD_DI_COMMUNICATION, 0, 5},
          {OD_DI_COORDINATION, 0, 5},
          {OD_DI_COMMAND, 0, 4},
          {OD_DI_COMMAND, 7, 1}},
         4,
         3,
         467,
         4,
         100,
         1},
        /* 1, 2: 150 exactly; another participant's score is not 7's */
        {{{OD_DI_COMMUNICATION, 0, 1}, {OD_DI_HANDLING, 0, 2}, {OD_DI_HANDLING, 8, 5}}, 3, 2, 150, 3, -1, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        od_drill_mtotals m;
        od_drill_manual_totals(t[i].s, t[i].n, &m);
        assert_int_equal(m.items_scored, t[i].items_scored);
        assert_int_equal(m.overall_x100, t[i].overall);
        assert_int_equal(m.scores, t[i].scores);
        int cnt = -1;
        assert_int_equal(od_drill_participant_avg(t[i].s, t[i].n, 7, &cnt), t[i].p7);
        assert_int_equal(cnt, t[i].p7n);
    }
    od_drill_mscore one = {OD_DI_COMMAND, 7, 3};
    assert_int_equal(od_drill_participant_avg(&one, 1, 0, NULL), -1); /* 0 is not a participant */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(judge_table),
        cmocka_unit_test(due_notice_table),
        cmocka_unit_test(manual_scores_table),
        cmocka_unit_test(score_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
