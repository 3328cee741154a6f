/* test_core_report_due.c — O&M report runs (R-SLA-6; modules-spec §1.10,
 * §M4.5 "Workflow", §M4.4 "Overdue filing … shown on the dashboard"), by
 * table: every move from every state with the right and the wrong actor
 * (the reviewer role, actor_not: the reviewer is not the author, the
 * required manual sections, the note of a return), exhaustively; and the
 * dashboard's report tile — every state against its stored filing and
 * review deadlines, 1 ms before, at and after each, without a deadline, and
 * superseded by a newer version.  The deadlines are the ones stored on the
 * run (migration 0037), so no policy enters the rule. */
#include "core/report_due.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NONE OD_NO_TIME
#define DUE 1000000LL /* both deadlines, when set */
#define UF OD_RPT_TODO_UNFILED_OVERDUE
#define UR OD_RPT_TODO_UNREVIEWED_OVERDUE
#define UD OD_RPT_TODO_UNDISTRIBUTED

static void test_moves(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        od_report_state from;
        od_report_action a;
        od_report_actor x;
        int status;
        od_report_state to;
        const char *what;
    } rows[] = {
        /* submit: draft → under_review, every manual section filled */
        {"submit a complete draft",
         OD_RPT_DRAFT,
         OD_RPT_SUBMIT,
         {.sections_complete = true},
         0,
         OD_RPT_UNDER_REVIEW,
         NULL},
        {"submit with a section empty", OD_RPT_DRAFT, OD_RPT_SUBMIT, {.author = true}, 422, 0, "sections"},
        {"submit by its author",
         OD_RPT_DRAFT,
         OD_RPT_SUBMIT,
         {.author = true, .sections_complete = true},
         0,
         OD_RPT_UNDER_REVIEW,
         NULL},
        {"submit twice", OD_RPT_UNDER_REVIEW, OD_RPT_SUBMIT, {.sections_complete = true}, 409, 0, "state"},
        {"submit a filed run", OD_RPT_FILED, OD_RPT_SUBMIT, {.sections_complete = true}, 409, 0, "state"},
        {"submit a distributed run",
         OD_RPT_DISTRIBUTED,
         OD_RPT_SUBMIT,
         {.sections_complete = true},
         409,
         0,
         "state"},
        /* return: under_review → draft, the reviewer with a note */
        {"return with a note",
         OD_RPT_UNDER_REVIEW,
         OD_RPT_RETURN,
         {.reviewer = true, .note = true},
         0,
         OD_RPT_DRAFT,
         NULL},
        {"return without a note", OD_RPT_UNDER_REVIEW, OD_RPT_RETURN, {.reviewer = true}, 422, 0, "note"},
        {"return by a non-reviewer",
         OD_RPT_UNDER_REVIEW,
         OD_RPT_RETURN,
         {.note = true, .lead = true},
         403,
         0,
         "reviewer"},
        {"return a draft", OD_RPT_DRAFT, OD_RPT_RETURN, {.reviewer = true, .note = true}, 409, 0, "state"},
        {"return a filed run",
         OD_RPT_FILED,
         OD_RPT_RETURN,
         {.reviewer = true, .note = true},
         409,
         0,
         "state"},
        /* file: under_review → filed, the reviewer who is not the author */
        {"file by the reviewer", OD_RPT_UNDER_REVIEW, OD_RPT_FILE, {.reviewer = true}, 0, OD_RPT_FILED, NULL},
        {"file by the reviewer, with a note",
         OD_RPT_UNDER_REVIEW,
         OD_RPT_FILE,
         {.reviewer = true, .note = true},
         0,
         OD_RPT_FILED,
         NULL},
        {"file by a reviewer who is its author",
         OD_RPT_UNDER_REVIEW,
         OD_RPT_FILE,
         {.reviewer = true, .author = true},
         403,
         0,
         "author"},
        {"file by a lead who is not a reviewer",
         OD_RPT_UNDER_REVIEW,
         OD_RPT_FILE,
         {.lead = true},
         403,
         0,
         "reviewer"},
        {"file a draft (not submitted)",
         OD_RPT_DRAFT,
         OD_RPT_FILE,
         {.reviewer = true, .sections_complete = true},
         409,
         0,
         "state"},
        {"file twice", OD_RPT_FILED, OD_RPT_FILE, {.reviewer = true}, 409, 0, "state"},
        {"file a distributed run", OD_RPT_DISTRIBUTED, OD_RPT_FILE, {.reviewer = true}, 409, 0, "state"},
        /* distribute: filed → distributed */
        {"distribute a filed run",
         OD_RPT_FILED,
         OD_RPT_DISTRIBUTE,
         {.lead = true},
         0,
         OD_RPT_DISTRIBUTED,
         NULL},
        {"distribute without incident_lead",
         OD_RPT_FILED,
         OD_RPT_DISTRIBUTE,
         {.reviewer = true},
         403,
         0,
         "lead"},
        {"distribute under review", OD_RPT_UNDER_REVIEW, OD_RPT_DISTRIBUTE, {.lead = true}, 409, 0, "state"},
        {"distribute a draft", OD_RPT_DRAFT, OD_RPT_DISTRIBUTE, {.lead = true}, 409, 0, "state"},
        {"distribute twice", OD_RPT_DISTRIBUTED, OD_RPT_DISTRIBUTE, {.lead = true}, 409, 0, "state"},
        {"an unknown move", OD_RPT_DRAFT, OD_RPT_ACTION__COUNT, {.lead = true}, 409, 0, "state"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        od_report_step s = od_report_step_of(rows[i].from, rows[i].a, &rows[i].x);
        if (s.status != rows[i].status || (!s.status && s.to != rows[i].to) ||
            (s.status && strcmp(s.what, rows[i].what) != 0) || (!s.status && s.what))
            fail_msg("%s: status %d to %s what %s", rows[i].name, s.status, od_report_state_key(s.to),
                     s.what ? s.what : "-");
    }
}

/* Exhaustively: a move is allowed from exactly one state, and from the others it is 409 whoever acts. */
static void test_moves_exhaustive(void **state)
{
    (void)state;
    static const od_report_state from_of[OD_RPT_ACTION__COUNT] = {OD_RPT_DRAFT, OD_RPT_UNDER_REVIEW,
                                                                  OD_RPT_UNDER_REVIEW, OD_RPT_FILED};
    for (int a = 0; a < OD_RPT_ACTION__COUNT; a++)
        for (int s = 0; s < OD_RPT_STATE__COUNT; s++)
            for (unsigned bits = 0; bits < 32; bits++) {
                od_report_actor x = {.reviewer = bits & 1,
                                     .author = bits & 2,
                                     .lead = bits & 4,
                                     .sections_complete = bits & 8,
                                     .note = bits & 16};
                od_report_step r = od_report_step_of((od_report_state)s, (od_report_action)a, &x);
                if (s != (int)from_of[a]) {
                    if (r.status != 409)
                        fail_msg("%s from %s: %d", od_report_action_key((od_report_action)a),
                                 od_report_state_key((od_report_state)s), r.status);
                    continue;
                }
                bool ok = a == OD_RPT_SUBMIT   ? x.sections_complete
                          : a == OD_RPT_RETURN ? x.reviewer && x.note
                          : a == OD_RPT_FILE   ? x.reviewer && !x.author
                                               : x.lead;
                if ((r.status == 0) != ok)
                    fail_msg("%s from %s with bits %u: %d", od_report_action_key((od_report_action)a),
                             od_report_state_key((od_report_state)s), bits, r.status);
            }
}

static void test_todo_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        od_report_state s;
        int64_t file_due, review_due;
        bool superseded;
        int64_t now;
        unsigned want;
    } rows[] = {
        /* draft: the filing deadline */
        {"draft 1 ms before filing due", OD_RPT_DRAFT, DUE, NONE, false, DUE - 1, 0},
        {"draft at filing due", OD_RPT_DRAFT, DUE, NONE, false, DUE, UF},
        {"draft 1 ms after filing due", OD_RPT_DRAFT, DUE, NONE, false, DUE + 1, UF},
        {"draft long before", OD_RPT_DRAFT, DUE, NONE, false, 0, 0},
        {"draft without filing deadline", OD_RPT_DRAFT, NONE, NONE, false, DUE * 1000, 0},
        {"draft superseded at due", OD_RPT_DRAFT, DUE, NONE, true, DUE, 0},
        {"draft superseded after due", OD_RPT_DRAFT, DUE, NONE, true, DUE + 1, 0},
        {"draft returned: its old review deadline does not count", OD_RPT_DRAFT, NONE, DUE, false, DUE, 0},
        /* under review: still to be filed, and to be reviewed */
        {"under review 1 ms before both", OD_RPT_UNDER_REVIEW, DUE, DUE, false, DUE - 1, 0},
        {"under review at both", OD_RPT_UNDER_REVIEW, DUE, DUE, false, DUE, UF | UR},
        {"under review after both", OD_RPT_UNDER_REVIEW, DUE, DUE, false, DUE + 1, UF | UR},
        {"under review at review due only", OD_RPT_UNDER_REVIEW, DUE + 5, DUE, false, DUE, UR},
        {"under review at filing due only", OD_RPT_UNDER_REVIEW, DUE, DUE + 5, false, DUE, UF},
        {"under review without deadlines", OD_RPT_UNDER_REVIEW, NONE, NONE, false, DUE * 1000, 0},
        {"under review superseded: still to review", OD_RPT_UNDER_REVIEW, DUE, DUE, true, DUE, UR},
        /* filed: waiting for distribution, whatever the time */
        {"filed before deadlines", OD_RPT_FILED, DUE, DUE, false, 0, UD},
        {"filed after deadlines", OD_RPT_FILED, DUE, DUE, false, DUE + 1, UD},
        {"filed without deadlines", OD_RPT_FILED, NONE, NONE, true, DUE, UD},
        /* distributed: done */
        {"distributed at due", OD_RPT_DISTRIBUTED, DUE, DUE, false, DUE, 0},
        {"distributed after due", OD_RPT_DISTRIBUTED, DUE, DUE, false, DUE + 1, 0},
        {"unknown state", OD_RPT_STATE__COUNT, DUE, DUE, false, DUE, 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        unsigned got = od_report_todo_at(rows[i].s, rows[i].file_due, rows[i].review_due, rows[i].superseded,
                                         rows[i].now);
        if (got != rows[i].want)
            fail_msg("%s: got %u, want %u", rows[i].name, got, rows[i].want);
    }
}

/* Every state, every instant around a deadline: the verdict changes exactly at it. */
static void test_boundary_sweep(void **state)
{
    (void)state;
    for (int s = 0; s < OD_RPT_STATE__COUNT; s++)
        for (int64_t now = DUE - 2; now <= DUE + 2; now++)
            for (int sup = 0; sup < 2; sup++) {
                unsigned got = od_report_todo_at((od_report_state)s, DUE, DUE, sup, now);
                unsigned want = 0;
                if ((s == OD_RPT_DRAFT || s == OD_RPT_UNDER_REVIEW) && !sup && now >= DUE)
                    want |= UF;
                if (s == OD_RPT_UNDER_REVIEW && now >= DUE)
                    want |= UR;
                if (s == OD_RPT_FILED)
                    want |= UD;
                if (got != want)
                    fail_msg("state %s now %lld superseded %d", od_report_state_key((od_report_state)s),
                             (long long)now, sup);
            }
}

static void test_keys(void **state)
{
    (void)state;
    static const char *const keys[] = {"draft", "under_review", "filed", "distributed"};
    for (int i = 0; i < (int)N(keys); i++) {
        assert_int_equal(od_report_state_parse(keys[i]), i);
        assert_string_equal(od_report_state_key((od_report_state)i), keys[i]);
    }
    assert_int_equal(od_report_state_parse("reviewed"), -1); /* folded into filed by migration 0037 */
    assert_int_equal(od_report_state_parse(""), -1);
    assert_int_equal(od_report_state_parse(NULL), -1);
    assert_string_equal(od_report_state_key(OD_RPT_STATE__COUNT), "?");
    static const char *const acts[] = {"submit", "return", "file", "distribute"};
    for (int i = 0; i < (int)N(acts); i++)
        assert_string_equal(od_report_action_key((od_report_action)i), acts[i]);
    assert_string_equal(od_report_action_key(OD_RPT_ACTION__COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves),      cmocka_unit_test(test_moves_exhaustive),
        cmocka_unit_test(test_todo_table), cmocka_unit_test(test_boundary_sweep),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
