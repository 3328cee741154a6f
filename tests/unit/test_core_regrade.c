/* test_core_regrade.c — the regrade plan (R-INC-4, R-ESC-3, R-NOT-1), by
 * table: the response level is never below the time rule's (explicit one
 * level below / at / above it), a lowering needs a reason (incident level
 * or response level, each alone), a raise escalates, a same-or-lower level
 * is set directly and recorded only when it changes, and a higher incident
 * level after (not before) the first report notifies its recipients; the
 * handling clock after a regrade (seed ch.6 §3.2: a level raised by hand
 * runs on its own clock; docs/policy.md). */
#include "core/regrade.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define L1 OD_GRADE_L1
#define L2 OD_GRADE_L2
#define L3 OD_GRADE_L3
#define R1 OD_RESP_R1
#define R2 OD_RESP_R2
#define R3 OD_RESP_R3
#define NG OD_RESP_NG

static void test_table(void **state)
{
    (void)state;
    static const struct {
        const char *why;
        od_regrade_in in;
        od_err rc;
        const char *field;
        od_resp target;
        bool raise, record, notify;
    } rows[] = {
        /* clang-format off */
        /* old lvl, ci lvl, new lvl, old resp, by time, explicit, reason, reported, and the clock
         * inputs (clock, old matrix, new matrix: test_clock) */
        {"explicit one level above the time rule", {L2, L2, L2, R2, R2, R1, false, true, R3, R3, R3}, OD_OK, NULL, R1, true,
         false, false},
        {"explicit at the time rule", {L2, L2, L2, R2, R2, R2, false, true, R3, R3, R3}, OD_OK, NULL, R2, false, false, false},
        {"explicit one level below the time rule", {L2, L2, L2, R2, R2, R3, true, true, R3, R3, R3}, OD_E_UNPROCESSABLE,
         "response_level", R3, false, false, false},
        {"no explicit level: the time rule's", {L3, L3, L3, R3, R2, -1, false, true, R3, R3, R3}, OD_OK, NULL, R2, true, false,
         false},
        {"the time rule lowers the level: needs a reason", {L2, L2, L2, R1, R2, -1, false, true, R3, R3, R3},
         OD_E_UNPROCESSABLE, "reason", R2, false, false, false},
        {"... given: set directly and recorded", {L2, L2, L2, R1, R2, -1, true, true, R3, R3, R3}, OD_OK, NULL, R2, false,
         true, false},
        {"explicit lower with a reason", {L1, L1, L1, R1, R3, R2, true, true, R3, R3, R3}, OD_OK, NULL, R2, false, true, false},
        {"a lower incident level without a reason", {L1, L2, L2, R2, R2, -1, false, true, R3, R3, R3}, OD_E_UNPROCESSABLE,
         "reason", R2, false, false, false},
        {"a lower incident level with a reason", {L1, L2, L2, R2, R2, -1, true, true, R3, R3, R3}, OD_OK, NULL, R2, false,
         false, false},
        {"reason checked before the time rule", {L1, L2, L2, R2, R2, R3, false, true, R3, R3, R3}, OD_E_UNPROCESSABLE,
         "reason", R3, false, false, false},
        {"a higher incident level after the first report", {L3, L2, L2, R3, R3, -1, false, true, R3, R3, R3}, OD_OK, NULL, R3,
         false, false, true},
        {"... before the first report: the report itself tells", {L3, L2, L2, R3, R3, -1, false, false, R3, R3, R3}, OD_OK,
         NULL, R3, false, false, false},
        {"the graded level is what is compared (severity)", {L2, L2, L1, R2, R1, -1, false, true, R3, R3, R3}, OD_OK, NULL,
         R1, true, false, true},
        {"same level: nothing recorded or notified", {L2, L2, L2, R2, R2, -1, false, true, R3, R3, R3}, OD_OK, NULL, R2,
         false, false, false},
        {"NG to R1 explicitly", {L3, L3, L3, NG, NG, R1, false, true, R3, R3, R3}, OD_OK, NULL, R1, true, false, false},
        /* clang-format on */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_regrade_decision d;
        od_error e = {0};
        od_err rc = od_regrade_plan(&rows[i].in, &d, &e);
        if (rc != rows[i].rc)
            fail_msg("row %zu (%s): rc %d", i, rows[i].why, rc);
        assert_int_equal(d.target, rows[i].target);
        if (rc) {
            assert_string_equal(e.field, rows[i].field);
            continue;
        }
        if (d.raise != rows[i].raise || d.record_change != rows[i].record ||
            d.notify_new_level != rows[i].notify)
            fail_msg("row %zu (%s): raise %d record %d notify %d", i, rows[i].why, d.raise, d.record_change,
                     d.notify_new_level);
    }
}

/* The clock: the new matrix level; a level confirmed or raised earlier is
 * kept unless the regrade lowers the response level; an explicit raise
 * moves it; a raise the time rule gives does not. */
static void test_clock(void **state)
{
    (void)state;
    static const struct {
        const char *why;
        od_regrade_in in;
        od_resp clock;
    } rows[] = {
        /* clang-format off */
        {"explicit raise R3 -> R2 moves the clock", {L3, L3, L3, R3, R3, R2, false, true, R3, R3, R3}, R2},
        {"explicit raise above a confirmed R2", {L3, L3, L3, R2, R3, R1, false, true, R2, R3, R3}, R1},
        {"a confirmed R2 is kept while the level stays", {L3, L3, L3, R2, R3, R2, false, true, R2, R3, R3}, R2},
        {"no level given: lowered to the time rule's, with a reason", {L3, L3, L3, R2, R3, -1, true, true, R2, R3,
         R3}, R3},
        {"a more serious new matrix wins over the kept one", {L3, L2, L2, R2, R1, -1, false, true, R2, R3, R1}, R1},
        {"lowering the response level drops the kept one", {L3, L3, L3, R2, R3, R3, true, true, R2, R3, R3}, R3},
        {"a raise by the time rule keeps the matrix clock", {L3, L3, L3, R3, R2, -1, false, true, R3, R3, R3}, R3},
        {"the explicit level reached by time: no raise, no move", {L3, L3, L3, R2, R2, R2, false, true, R3, R3,
         R3}, R3},
        {"a regrade to a less serious matrix follows it", {L2, L3, L3, R2, R3, -1, true, true, R2, R2, R3}, R3},
        {"NG raised by hand to R2", {L3, L3, L3, NG, NG, R2, false, true, NG, NG, NG}, R2},
        /* clang-format on */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_regrade_decision d;
        od_error e = {0};
        if (od_regrade_plan(&rows[i].in, &d, &e) != OD_OK)
            fail_msg("row %zu (%s): %s", i, rows[i].why, e.message);
        if (d.clock != rows[i].clock)
            fail_msg("row %zu (%s): clock %d, want %d", i, rows[i].why, d.clock, rows[i].clock);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_table), cmocka_unit_test(test_clock)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
