/* test_policy_reports.c — `sla.reports:`, the O&M report definitions
 * (modules-spec §1.10, §M4.5; R-SLA-2, R-SLA-6; policy_load_reports.c), by
 * table: the built-in four when absent, the shipped policy's four, a file's
 * definitions replacing them with their defaults (reviewer, recipients and
 * filing deadline from sla.report_review), and every bad value refused with
 * its line (what `opsdesk policy check` prints). */
#include "core/report_def.h"
#include "policy/policy_load.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)

static od_policy *load_ok(const char *text)
{
    od_policy_diags d;
    od_policy *p = NULL;
    od_err rc = od_policy_load_buffer(text, strlen(text), &p, &d);
    if (rc)
        fail_msg("%s: %d:%s", text, d.n ? d.items[0].line : 0, d.n ? d.items[0].message : "?");
    return p;
}

static uint32_t bit(const char *key)
{
    int i = od_rsection_find(key);
    assert_true(i >= 0);
    return 1u << i;
}

static void test_defaults(void **state)
{
    (void)state;
    od_policy *p = load_ok("name: x\n");
    assert_int_equal(p->sla.n_reports, 4);
    assert_string_equal(p->sla.reports[0].key, "weekly");
    assert_string_equal(p->sla.reports[2].key, "quarterly");
    assert_string_equal(p->sla.reports[3].key, "annual");
    for (size_t i = 0; i < 4; i++) /* 08:00 (modules-spec §M4.4) */
        assert_int_equal(p->sla.reports[i].sched_min, 8 * 60);
    od_policy_free(p);
}

/* policy/default.yaml as shipped (the file `opsdesk init` writes). */
static void test_shipped(void **state)
{
    (void)state;
    od_policy_diags d;
    od_policy *p = NULL;
    assert_int_equal(od_policy_load_file("policy/default.yaml", &p, &d), OD_OK);
    assert_int_equal(p->sla.n_reports, 4);
    const od_report_def *w = &p->sla.reports[0], *m = &p->sla.reports[1], *q = &p->sla.reports[2],
                        *y = &p->sla.reports[3];
    assert_string_equal(w->key, "weekly");
    assert_int_equal(w->period, OD_RPERIOD_WEEK);
    assert_int_equal(w->sched_day, OD_RSCHED_FIRST_DAY);
    for (size_t i = 0; i < 4; i++) /* weekly Monday 08:00, the others the first working day 08:00 */
        assert_int_equal(p->sla.reports[i].sched_min, 8 * 60);
    assert_int_equal(w->required, bit("next_week_plan"));
    assert_int_equal(w->sections, bit("problems") | bit("plans") | bit("next_week_plan"));
    assert_string_equal(m->key, "monthly");
    assert_int_equal(m->sched_day, OD_RSCHED_FIRST_WORKING_DAY);
    assert_string_equal(m->sched_calendar, ""); /* the platform calendar: 24x7, so the 1st */
    assert_int_equal(m->required, bit("improvements") | bit("next_month_plan"));
    assert_string_equal(q->title_zh, "季度报告");
    assert_string_equal(q->code, "Q");
    assert_int_equal(q->period, OD_RPERIOD_QUARTER);
    assert_string_equal(q->sched_calendar, "business");
    assert_int_equal(q->file_ms, 5 * 24 * HOUR_MS);
    assert_string_equal(y->title_zh, "年度报告");
    assert_string_equal(y->code, "Y");
    assert_int_equal(y->period, OD_RPERIOD_YEAR);
    assert_int_equal(y->file_ms, 14 * 24 * HOUR_MS);
    assert_true(y->sections & bit("trend"));
    for (size_t i = 0; i < 4; i++) { /* reviewer and recipients from report_review */
        assert_int_equal(p->sla.reports[i].reviewer, -1);
        assert_int_equal(p->sla.reports[i].recipients, 0);
    }
    od_policy_free(p);
}

static void test_file_definitions(void **state)
{
    (void)state;
    od_policy *p = load_ok("sla:\n"
                           "  report_review: {reviewer: ops_leader, file_within: 1d}\n"
                           "  reports:\n"
                           "    quarterly:\n"
                           "      zh: 季度报告\n"
                           "      en: quarterly report\n"
                           "      period: quarter\n"
                           "      sections: [trend, problems, quarter_summary, next_quarter_plan]\n"
                           "      manual: [quarter_summary]\n"
                           "      schedule: {on: first_working_day, at: \"08:30\"}\n"
                           "      reviewer: ops_department_head\n"
                           "      recipients: [ops_leader]\n"
                           "    special:\n"
                           "      zh: 专项报告\n"
                           "      en: special report\n"
                           "      period: month\n"
                           "      code: SP\n"
                           "    audit:\n"
                           "      zh: 审计报告\n"
                           "      en: audit report\n"
                           "      period: month\n"
                           "      code: AU\n"
                           "      schedule: {on: first_day}\n");
    assert_int_equal(p->sla.n_reports, 3);
    const od_report_def *q = &p->sla.reports[0], *s = &p->sla.reports[1], *au = &p->sla.reports[2];
    assert_true(au->scheduled);
    assert_int_equal(au->sched_min, 8 * 60); /* `at` left out: 08:00 */
    assert_string_equal(q->code, "Q");
    assert_int_equal(q->sections,
                     bit("trend") | bit("problems") | bit("quarter_summary") | bit("next_quarter_plan"));
    assert_int_equal(q->required, bit("quarter_summary"));
    assert_true(q->scheduled);
    assert_int_equal(q->sched_min, 8 * 60 + 30);
    assert_int_equal(q->reviewer, OD_ROLE_OPS_DEPARTMENT_HEAD);
    assert_int_equal(q->recipients, OD_ROLEBIT(OD_ROLE_OPS_LEADER));
    assert_string_equal(s->code, "SP");
    assert_false(s->scheduled); /* no schedule: by hand only */
    assert_int_equal(s->sections, 0);
    assert_int_equal(s->reviewer, -1); /* → sla.report_review.reviewer */
    assert_int_equal(p->sla.report_reviewer, OD_ROLE_OPS_LEADER);
    od_policy_free(p);
}

static void test_bad_values(void **state)
{
    (void)state;
#define DEF(extra) "sla:\n  reports:\n    q:\n      zh: 季\n      en: q\n      period: quarter\n" extra
    static const struct {
        const char *text;
        int line;
        const char *what;
    } rows[] = {
        {DEF("      sections: [trend, weather]\n"), 7, "weather"},
        {"sla:\n  reports:\n    q:\n      zh: 季\n      en: q\n      period: fortnight\n", 6, "fortnight"},
        {"sla:\n  reports:\n    q:\n      zh: 季\n      en: q\n", 3, "period"},
        {DEF("      sections: [problems]\n      manual: [next_week_plan]\n"), 8,
         "manual section 'next_week_plan' is not among the sections"},
        {DEF("      sections: [problems]\n      manual: [problems]\n"), 8,
         "'problems' is not a manual section"},
        {DEF("      manual: [nothing]\n"), 7, "nothing"},
        {DEF("      reviewer: boss\n"), 7, "boss"},
        {DEF("      recipients: [nobody]\n"), 7, "nobody"},
        {DEF("      recipients: []\n"), 7, "no recipients"},
        {DEF("      schedule: {on: monday}\n"), 7, "monday"},
        {DEF("      schedule: {at: \"25:00\"}\n"), 7, "bad time"},
        {DEF("      schedule: {at: \"9:00\"}\n"), 7, "bad time"},
        {DEF("      schedule: {at: \"09:60\"}\n"), 7, "bad time"},
        {DEF("      schedule: {calendar: nowhere}\n"), 7, "unknown calendar 'nowhere'"},
        {DEF("      file_within: soon\n"), 7, "bad duration"},
        {DEF("      code: q1\n"), 7, "bad code"},
        {DEF("      colour: red\n"), 7, "unknown key 'colour'"},
        {DEF("    q2:\n      zh: 季\n      en: q\n      period: quarter\n"), 7, "code 'Q' is used by q"},
        {"sla:\n  reports:\n    Bad Key:\n      zh: x\n      en: x\n      period: week\n", 3, "invalid key"},
        {"sla:\n  reports: [weekly]\n", 2, "sla.reports"},
    };
#undef DEF
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
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_file_definitions),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
