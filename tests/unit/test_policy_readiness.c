/* test_policy_readiness.c — the `readiness:` policy section (R-PLAN-3;
 * seed 000 ch. 9: two qualified people per key position; seed 004 §7.5.2: 48
 * training hours a year), by table: the defaults when the section is absent,
 * positions read with their roles and minimum, and every bad value refused
 * with its line (what `opsdesk policy check` prints). */
#include "core/readiness.h"
#include "policy/policy_load.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static od_policy *load_ok(const char *text)
{
    od_policy_diags d;
    od_policy *p = NULL;
    od_err rc = od_policy_load_buffer(text, strlen(text), &p, &d);
    if (rc)
        fail_msg("%s: %d:%s", text, d.n ? d.items[0].line : 0, d.n ? d.items[0].message : "?");
    return p;
}

static void test_defaults_and_positions(void **state)
{
    (void)state;
    od_policy *p = load_ok("name: x\n");
    assert_int_equal(p->readiness.annual_hours, OD_READINESS_ANNUAL_HOURS);
    assert_int_equal(p->readiness.n_positions, 0);
    assert_int_equal(p->readiness.plan_review_months, 6); /* seed 000 ch. 9 §1 (R-PLAN-1) */
    assert_int_equal(p->readiness.review_trigger_days, 30);
    assert_int_equal(p->readiness.drill_months, 12); /* seed 000 ch. 9 §3 (R-PLAN-2) */
    assert_int_equal(p->readiness.notice_lead_days, 14);
    od_policy_free(p);
    /* the due notices' lead (R-PLAN-1, R-PLAN-2): 1 and 365 are the bounds */
    p = load_ok("readiness:\n  notice_lead_days: 1\n");
    assert_int_equal(p->readiness.notice_lead_days, 1);
    od_policy_free(p);
    p = load_ok("readiness:\n  notice_lead_days: 365\n");
    assert_int_equal(p->readiness.notice_lead_days, 365);
    od_policy_free(p);
    p = load_ok("readiness:\n  plan_review_months: 3\n  review_trigger_days: 0\n  drill_months: 6\n");
    assert_int_equal(p->readiness.plan_review_months, 3);
    assert_int_equal(p->readiness.review_trigger_days, 0);
    assert_int_equal(p->readiness.drill_months, 6);
    od_policy_free(p);
    p = load_ok(
        "readiness:\n"
        "  annual_hours: 40\n"
        "  positions:\n"
        "    - key: duty_lead\n"
        "      name_zh: 值班长\n"
        "      name_en: Duty lead\n"
        "      roles: [ops_engineer, ops_section_head]\n"
        "    - {key: dba, name_zh: 数据库管理员, name_en: DBA, roles: [ops_engineer], min_qualified: 3,\n"
        "       certificate_required: true}\n");
    assert_int_equal(p->readiness.annual_hours, 40);
    assert_int_equal(p->readiness.n_positions, 2);
    assert_string_equal(p->readiness.positions[0].key, "duty_lead");
    assert_string_equal(p->readiness.positions[0].name_zh, "值班长");
    assert_string_equal(p->readiness.positions[0].name_en, "Duty lead");
    assert_int_equal(p->readiness.positions[0].roles,
                     OD_ROLEBIT(OD_ROLE_OPS_ENGINEER) | OD_ROLEBIT(OD_ROLE_OPS_SECTION_HEAD));
    assert_int_equal(p->readiness.positions[0].min_qualified, OD_READINESS_MIN_QUALIFIED);
    assert_string_equal(p->readiness.positions[1].key, "dba");
    assert_int_equal(p->readiness.positions[1].min_qualified, 3);
    assert_false(p->readiness.positions[0].certificate_required); /* default */
    assert_true(p->readiness.positions[1].certificate_required);
    od_policy_free(p);
}

static void test_bad_values(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line;
        const char *what;
    } rows[] = {
        {"readiness:\n  annual_hours: -1\n", 2, "readiness.annual_hours"},
        {"readiness:\n  annual_hours: 2001\n", 2, "readiness.annual_hours"},
        {"readiness:\n  annual_hours: many\n", 2, "readiness.annual_hours"},
        {"readiness:\n  hours: 48\n", 2, "hours"},
        {"readiness:\n  plan_review_months: 0\n", 2, "readiness.plan_review_months"},
        {"readiness:\n  plan_review_months: 25\n", 2, "readiness.plan_review_months"},
        {"readiness:\n  review_trigger_days: -1\n", 2, "readiness.review_trigger_days"},
        {"readiness:\n  review_trigger_days: 366\n", 2, "readiness.review_trigger_days"},
        {"readiness:\n  drill_months: 0\n", 2, "readiness.drill_months"},
        {"readiness:\n  drill_months: 37\n", 2, "readiness.drill_months"},
        {"readiness:\n  notice_lead_days: 0\n", 2, "readiness.notice_lead_days"},
        {"readiness:\n  notice_lead_days: -3\n", 2, "readiness.notice_lead_days"},
        {"readiness:\n  notice_lead_days: 366\n", 2, "readiness.notice_lead_days"},
        {"readiness:\n  positions: {}\n", 2, "readiness.positions"},
        {"readiness:\n  positions:\n    - {key: a, name_zh: 甲, name_en: A}\n", 3, "roles are required"},
        {"readiness:\n  positions:\n    - {key: Bad, name_zh: 甲, name_en: A, roles: [ops_engineer]}\n", 3,
         "readiness.positions[0].key"},
        {"readiness:\n  positions:\n    - {key: a, name_zh: 甲, name_en: A, roles: [nobody]}\n", 3,
         "readiness.positions[0].roles"},
        {"readiness:\n  positions:\n    - {key: a, name_zh: 甲, name_en: A, roles: []}\n", 3,
         "at least one role"},
        {"readiness:\n  positions:\n    - {key: a, name_zh: 甲, name_en: A, roles: [ops_engineer], "
         "min_qualified: 0}\n",
         3, "readiness.positions[0].min_qualified"},
        {"readiness:\n  positions:\n    - {key: a, name_zh: 甲, name_en: A, roles: [ops_engineer], "
         "min_qualified: 101}\n",
         3, "readiness.positions[0].min_qualified"},
        {"readiness:\n  positions:\n    - {key: a, name_zh: 甲, name_en: A, roles: [ops_engineer]}\n"
         "    - {key: a, name_zh: 乙, name_en: B, roles: [ops_engineer]}\n",
         4, "listed twice"},
        {"readiness:\n  positions:\n    - {key: a, name_zh: 甲, name_en: A, roles: [ops_engineer], "
         "certificate_required: maybe}\n",
         3, "readiness.positions[0].certificate_required"},
        {"readiness:\n  positions:\n    - {key: a, name_zh: '', name_en: A, roles: [ops_engineer]}\n", 3,
         "readiness.positions[0].name_zh"},
        {"readiness:\n  positions:\n    - {key: a, name_zh: 甲, name_en: A, roles: [ops_engineer], team: "
         "x}\n",
         3, "team"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_policy_diags d;
        od_policy *p = (od_policy *)&d;
        od_err rc = od_policy_load_buffer(rows[i].text, strlen(rows[i].text), &p, &d);
        if (rc != OD_E_INVALID || p != NULL || d.n < 1 || d.items[0].line != rows[i].line ||
            !strstr(d.items[0].message, rows[i].what))
            fail_msg("row %zu (%s): rc %d, %d: %s", i, rows[i].text, rc, d.n ? d.items[0].line : -1,
                     d.n ? d.items[0].message : "");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_positions),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
