/* test_core_rules.c — the rules moved into core from the use cases:
 * recipients by response level (R-ESC-3), when a regrade needs a reason
 * (R-INC-4, R-ESC-3), and the report kinds with their required fields
 * (R-NOT-2).  Every input value is enumerated. */
#include "core/incident.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* R-ESC-3: "those of incident level Lk for response level Rk" */
static void test_recipient_level_every_response(void **state)
{
    (void)state;
    static const struct {
        od_resp r;
        od_grade g;
    } rows[] = {{OD_RESP_R1, OD_GRADE_L1},
                {OD_RESP_R2, OD_GRADE_L2},
                {OD_RESP_R3, OD_GRADE_L3},
                {OD_RESP_NG, OD_GRADE_NG}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(od_resp_recipient_level(rows[i].r), rows[i].g);
}

/* every (old level, new level, old response, new response): a reason is
 * needed exactly when either goes down (a higher enum is a lower level) */
static void test_regrade_reason_every_pair(void **state)
{
    (void)state;
    int needed = 0;
    for (int ol = 0; ol < OD_GRADE__COUNT; ol++)
        for (int nl = 0; nl < OD_GRADE__COUNT; nl++)
            for (int orr = 0; orr < OD_RESP__COUNT; orr++)
                for (int nr = 0; nr < OD_RESP__COUNT; nr++) {
                    bool expect = nl > ol || nr > orr;
                    bool got = od_regrade_needs_reason((od_grade)ol, (od_grade)nl, (od_resp)orr, (od_resp)nr);
                    assert_int_equal(got, expect);
                    needed += got;
                }
    /* 256 combinations; 10 × 10 of them lower neither */
    assert_int_equal(needed, 256 - 100);
    assert_false(od_regrade_needs_reason(OD_GRADE_L3, OD_GRADE_L1, OD_RESP_R3, OD_RESP_R1)); /* raising */
    assert_true(od_regrade_needs_reason(OD_GRADE_L1, OD_GRADE_L1, OD_RESP_R1, OD_RESP_R2));
}

/* R-NOT-2: the fields the seed requires of each report, and the lifecycle
 * action each report is */
static void test_report_kinds(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        od_inc_action act;
        const char *fields;
    } rows[] = {
        {"first", OD_IA_FIRST_REPORT, "location,symptoms,impact_scope"},
        {"second", OD_IA_SECOND_REPORT, "response_level,system_impact,estimated_recovery_at"},
        {"progress", OD_IA_PROGRESS_REPORT, "text"},
        {"final", OD_IA_FINAL_REPORT, "cause,process,current_state,improvements"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const od_report_kind *k = od_report_kind_find(rows[i].key);
        assert_non_null(k);
        assert_string_equal(k->key, rows[i].key);
        assert_int_equal(k->action, rows[i].act);
        char joined[256] = "";
        size_t n = 0;
        for (size_t f = 0; f < k->n_required; f++)
            n += (size_t)snprintf(joined + n, sizeof joined - n, "%s%s", f ? "," : "", k->required[f]);
        assert_string_equal(joined, rows[i].fields);
    }
    assert_null(od_report_kind_find("review"));
    assert_null(od_report_kind_find(""));
    assert_null(od_report_kind_find(NULL));
    assert_null(od_report_kind_find("First"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recipient_level_every_response),
        cmocka_unit_test(test_regrade_reason_every_pair),
        cmocka_unit_test(test_report_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
