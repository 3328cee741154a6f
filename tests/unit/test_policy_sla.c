/* test_policy_sla.c — the `sla:` policy section (R-SLA-1, seed 004 table
 * 3.1.7; modules-spec §M4.2), by table: the defaults when the section is
 * absent, each key overridden, and every bad value refused with its line
 * (what `opsdesk policy check` prints). */
#include "policy/policy_load.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

static void test_defaults_and_overrides(void **state)
{
    (void)state;
    od_policy *p = load_ok("name: x\n"), *p2 = NULL;
    assert_int_equal(p->sla.availability_ppm, 995000);
    assert_int_equal(p->sla.response_ms, 30 * MIN_MS);
    assert_int_equal(p->sla.restore_ms[0], 2 * HOUR_MS);
    assert_int_equal(p->sla.restore_ms[1], 8 * HOUR_MS);
    assert_int_equal(p->sla.major_responses, 1u << OD_RESP_R1);
    assert_int_equal(p->sla.degraded_permille, 0);
    assert_int_equal(p->sla.budget_alert_permille, 500);
    /* O&M report review (modules-spec §1.10): the department head within 2 days, to the leader and head */
    assert_int_equal(p->sla.report_reviewer, OD_ROLE_OPS_DEPARTMENT_HEAD);
    assert_int_equal(p->sla.report_review_ms, 48 * HOUR_MS);
    assert_int_equal(p->sla.report_file_ms, 48 * HOUR_MS);
    assert_int_equal(p->sla.report_recipients,
                     OD_ROLEBIT(OD_ROLE_OPS_LEADER) | OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD));
    od_policy_free(p);

    p = load_ok("sla:\n"
                "  availability_target: 99.95%\n"
                "  acceptance: 24x7\n"
                "  response_target: 15m\n"
                "  restore_target: {ordinary: 1h, major: 4h}\n"
                "  major_fault: {highest_response: [R1, R2]}\n"
                "  degraded_weight: 50%\n"
                "  budget_alert_below: 25\n"
                "  report_review: {reviewer: ops_leader, within: 36h, recipients: [emergency_leadership], "
                "file_within: 1d}\n");
    assert_int_equal(p->sla.availability_ppm, 999500);
    assert_int_equal(p->sla.response_ms, 15 * MIN_MS);
    assert_int_equal(p->sla.restore_ms[0], HOUR_MS);
    assert_int_equal(p->sla.restore_ms[1], 4 * HOUR_MS);
    assert_int_equal(p->sla.major_responses, (1u << OD_RESP_R1) | (1u << OD_RESP_R2));
    assert_int_equal(p->sla.degraded_permille, 500);
    assert_int_equal(p->sla.budget_alert_permille, 250);
    assert_int_equal(p->sla.report_reviewer, OD_ROLE_OPS_LEADER);
    assert_int_equal(p->sla.report_review_ms, 36 * HOUR_MS);
    assert_int_equal(p->sla.report_file_ms, 24 * HOUR_MS);
    assert_int_equal(p->sla.report_recipients, OD_ROLEBIT(OD_ROLE_EMERGENCY_LEADERSHIP));

    /* the platform's hours (sla.platform_calendar): 24x7 by default, or one of `calendars:` */
    assert_string_equal(p->sla.platform_calendar, "");
    p2 = load_ok("calendars:\n"
                 "  business:\n"
                 "    zh: 工作日历\n"
                 "    en: Business hours\n"
                 "    utc_offset: \"+08:00\"\n"
                 "    hours:\n"
                 "      weekdays: [\"09:00-17:30\"]\n"
                 "sla:\n"
                 "  platform_calendar: business\n");
    assert_string_equal(p2->sla.platform_calendar, "business");
    od_policy_free(p2);
    p2 = load_ok("sla: {platform_calendar: 24x7}\n");
    assert_string_equal(p2->sla.platform_calendar, "");
    od_policy_free(p2);
    od_policy_free(p);

    p = load_ok("sla: {availability_target: '100%'}\n");
    assert_int_equal(p->sla.availability_ppm, 1000000);
    assert_int_equal(p->sla.response_ms, 30 * MIN_MS); /* the rest stays */
    od_policy_free(p);
    p = load_ok("sla: {availability_target: 99.9999%}\n");
    assert_int_equal(p->sla.availability_ppm, 999999);
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
        {"sla:\n  availability_target: 101%\n", 2, "bad percentage"},
        {"sla:\n  availability_target: 49.9999%\n", 2, "bad percentage"},
        {"sla:\n  availability_target: 99.12345%\n", 2, "bad percentage"},
        {"sla:\n  availability_target: high\n", 2, "bad percentage"},
        {"sla:\n  availability_target: -99%\n", 2, "bad percentage"},
        {"sla:\n  availability_target: 99.%\n", 2, "bad percentage"},
        {"sla:\n  acceptance: business\n", 2, "only 24x7"},
        {"sla:\n  response_target: 0\n", 2, "longer than 0"},
        {"sla:\n  response_target: soon\n", 2, "bad duration"},
        {"sla:\n  restore_target: {ordinary: 2h}\n", 2, "major"},
        {"sla:\n  restore_target: {ordinary: 2h, major: 1h}\n", 2, "shorter than the ordinary"},
        {"sla:\n  major_fault: {highest_response: [R9]}\n", 2, "R9"},
        {"sla:\n  degraded_weight: 150%\n", 2, "bad percentage"},
        {"sla:\n  budget_alert_below: x\n", 2, "bad percentage"},
        {"sla:\n  uptime: 99%\n", 2, "unknown key 'uptime'"},
        {"sla:\n  report_review: {reviewer: boss}\n", 2, "boss"},
        {"sla:\n  report_review: {within: 0}\n", 2, "longer than 0"},
        {"sla:\n  report_review: {file_within: later}\n", 2, "bad duration"},
        {"sla:\n  report_review: {recipients: [nobody]}\n", 2, "nobody"},
        {"sla:\n  report_review: {recipients: []}\n", 2, "no recipients"},
        {"sla:\n  report_review: {reviewers: ops_leader}\n", 2, "unknown key 'reviewers'"},
        {"sla:\n  platform_calendar: nowhere\n", 2, "unknown calendar 'nowhere'"},
        {"sla:\n  platform_calendar: [business]\n", 2, "platform_calendar"},
        {"sla: 99.5%\n", 1, "sla"},
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
        cmocka_unit_test(test_defaults_and_overrides),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
