/* test_core_event_policy.c — the `events:` section of the policy file
 * (src/policy/policy_load.c, docs/policy.md): policy/default.yaml loads the
 * documented rules (R-EVT-1…4), a minimal section keeps the built-in
 * defaults, and every kind of mistake is reported with its line. */
#include "policy/policy_load.h"
#include "core/event.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_default_file_events(void **state)
{
    (void)state;
    od_policy *p = NULL;
    od_policy_diags d;
    assert_int_equal(od_policy_load_file("policy/default.yaml", &p, &d), OD_OK);
    const od_event_policy *ep = p->events;
    assert_non_null(ep);
    assert_int_equal(ep->filters.n, 1);
    assert_string_equal(ep->filters.v[0].name, "watchdog");
    assert_int_equal(ep->classification.n, 3);
    assert_int_equal(ep->classification.v[0].ci_grades, (1u << OD_GRADE_L1) | (1u << OD_GRADE_L2));
    assert_int_equal(ep->classification.v[0].cls, OD_EVC_EXCEPTION);
    assert_int_equal(ep->classification.v[2].cls, OD_EVC_INFO);
    assert_int_equal(ep->default_class, OD_EVC_WARNING);
    assert_int_equal(ep->correlation_window_ms, 10 * 60 * 1000);
    assert_int_equal(ep->n_group_by, 1);
    assert_true(ep->dependency_suppression);
    assert_int_equal(ep->flap_changes, 4);
    assert_int_equal(ep->flap_window_ms, 30 * 60 * 1000);
    assert_int_equal(ep->default_response.action, OD_EVA_ALERT_ROLE);
    assert_int_equal(ep->default_response.role, OD_ROLE_MONITORING_ENGINEER);
    assert_int_equal(ep->responses.n, 0);
    assert_int_equal(ep->incidents.n, 3);
    assert_int_equal(ep->incidents.v[0].severity, OD_SEV_SEVERE);
    assert_int_equal(ep->incidents.v[2].n_matchers, 0);
    assert_int_equal(ep->review_sample, 20);
    /* the rules work on labels as the docs say */
    od_label l[] = {{"severity", "critical"}, {"alertname", "X"}};
    od_labels ls = {l, 2};
    assert_int_equal(od_event_classify(ep, &ls, OD_GRADE_L3).rule, 1);
    assert_int_equal(od_event_incident_rule(ep, &ls), 0);
    od_policy_free(p);
}

/* od_event_severity_label: the label of each incident severity is read
 * back as that severity by the shipped incident rules (a failed checklist
 * item's event opens its incident at the item's severity); an undeclared
 * or out-of-range severity is the lowest. */
static void test_severity_label_round_trip(void **state)
{
    (void)state;
    od_policy *p = NULL;
    od_policy_diags d;
    assert_int_equal(od_policy_load_file("policy/default.yaml", &p, &d), OD_OK);
    const od_event_policy *ep = p->events;
    for (int sev = -1; sev <= OD_SEV__COUNT; sev++) {
        const char *label = od_event_severity_label(sev);
        od_label l[] = {{"severity", label}, {"alertname", "checklist"}};
        od_labels ls = {l, 2};
        int rule = od_event_incident_rule(ep, &ls);
        assert_true(rule >= 0);
        int want = sev >= 0 && sev < OD_SEV__COUNT ? sev : OD_SEV_MINOR;
        assert_int_equal(ep->incidents.v[rule].severity, want);
    }
    assert_string_equal(od_event_severity_label(OD_SEV_SEVERE), "critical");
    assert_string_equal(od_event_severity_label(OD_SEV_MODERATE), "high");
    assert_string_equal(od_event_severity_label(OD_SEV_MINOR), "warning");
    assert_string_equal(od_event_severity_label(-1), "warning");
    od_policy_free(p);
}

static void test_section_overrides(void **state)
{
    (void)state;
    const char *y = "events:\n"
                    "  ci_labels: [node]\n"
                    "  flapping: {changes: 2, window: 0}\n"
                    "  classification: {default: info}\n"
                    "  correlation: {window: 0, group_by: [], dependency_suppression: false}\n"
                    "  responses:\n"
                    "    default: none\n"
                    "    rules:\n"
                    "      - name: hook\n"
                    "        match: ['job=~\"node|db\"', 'env!=test']\n"
                    "        classes: [warning, exception]\n"
                    "        webhook: restarter\n"
                    "      - name: dba\n"
                    "        role: ops_engineer\n"
                    "  incidents: []\n"
                    "  review: {sample: 0}\n";
    od_policy *p = NULL;
    od_policy_diags d;
    od_err rc = od_policy_load_buffer(y, strlen(y), &p, &d);
    if (rc)
        fail_msg("%d:%d %s", d.items[0].line, d.items[0].column, d.items[0].message);
    const od_event_policy *ep = p->events;
    assert_int_equal(ep->n_ci_labels, 1);
    assert_string_equal(ep->ci_labels[0], "node");
    assert_int_equal(ep->flap_changes, 2);
    assert_int_equal(ep->flap_window_ms, 0);
    assert_int_equal(ep->default_class, OD_EVC_INFO);
    assert_int_equal(ep->correlation_window_ms, 0);
    assert_int_equal(ep->n_group_by, 0);
    assert_false(ep->dependency_suppression);
    assert_int_equal(ep->default_response.action, OD_EVA_NONE);
    assert_int_equal(ep->responses.n, 2);
    assert_int_equal(ep->responses.v[0].action, OD_EVA_WEBHOOK);
    assert_string_equal(ep->responses.v[0].channel, "restarter");
    assert_int_equal(ep->responses.v[0].n_matchers, 2);
    assert_int_equal(ep->responses.v[0].classes, (1u << OD_EVC_WARNING) | (1u << OD_EVC_EXCEPTION));
    assert_int_equal(ep->responses.v[1].action, OD_EVA_ALERT_ROLE);
    assert_int_equal(ep->responses.v[1].role, OD_ROLE_OPS_ENGINEER);
    assert_int_equal(ep->responses.v[1].classes, 1u << OD_EVC_WARNING);
    assert_int_equal(ep->incidents.n, 0);
    assert_int_equal(ep->review_sample, 0);
    od_policy_free(p);
    /* no section at all: the built-in defaults are used by the app (NULL here) */
    const char *none = "name: x\n";
    assert_int_equal(od_policy_load_buffer(none, strlen(none), &p, &d), OD_OK);
    assert_null(p->events);
    od_policy_free(p);
}

/* Every mistake is reported at its line (and the walk goes on). */
static void test_errors_with_lines(void **state)
{
    (void)state;
    static const struct {
        const char *yaml;
        int line;
        const char *needle;
    } rows[] = {
        {"events:\n  filters:\n    - name: a\n      match: ['x=~\"(\"']\n", 4, "invalid regex"},
        {"events:\n  filters:\n    - name: a\n", 3, "needs 'match'"},
        {"events:\n  filters:\n    - match: ['x=1']\n", 3, "missing key 'name'"},
        {"events:\n  filters:\n    - name: a\n      match: ['x=1']\n    - name: a\n      match: ['x=2']\n", 5,
         "used twice"},
        {"events:\n  filters:\n    - name: a\n      match: ['1x=1']\n", 4, "label name"},
        {"events:\n  filters:\n    - name: a\n      match: ['x=1']\n      class: info\n", 5,
         "unknown key 'class'"},
        {"events:\n  classification:\n    rules:\n      - name: a\n", 4, "missing key 'class'"},
        {"events:\n  classification:\n    rules:\n      - name: a\n        class: fatal\n", 5,
         "unknown class"},
        {"events:\n  classification:\n    rules:\n      - name: a\n        class: info\n        ci_grades: "
         "[L9]\n",
         6, "unknown grade"},
        {"events:\n  classification: {default: nope}\n", 2, "unknown class"},
        {"events:\n  responses:\n    rules:\n      - name: a\n", 4, "exactly one of 'webhook'"},
        {"events:\n  responses:\n    rules:\n      - name: a\n        webhook: h\n        role: "
         "ops_engineer\n",
         4, "exactly one"},
        {"events:\n  responses:\n    default: {role: king}\n", 3, "unknown role"},
        {"events:\n  responses:\n    rules:\n      - name: a\n        role: liaison\n        classes: [x]\n",
         6, "unknown class"},
        {"events:\n  incidents:\n    - name: a\n      severity: awful\n", 4, "unknown severity"},
        {"events:\n  incidents:\n    - name: a\n", 3, "missing key 'severity'"},
        {"events:\n  flapping: {changes: 0}\n", 2, "whole number"},
        {"events:\n  flapping: {window: 5x}\n", 2, "bad duration"},
        {"events:\n  correlation: {window: 5m, group_by: [\"a-b\"]}\n", 2, "label name"},
        {"events:\n  correlation: {dependency_suppression: maybe}\n", 2, "true or false"},
        {"events:\n  ci_labels: host\n", 2, "expected a list"},
        {"events:\n  review: {sample: -1}\n", 2, "whole number"},
        {"events:\n  nonsense: 1\n", 2, "unknown key 'nonsense'"},
        {"events: 3\n", 1, "expected a mapping"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_policy *p = NULL;
        od_policy_diags d;
        od_err rc = od_policy_load_buffer(rows[i].yaml, strlen(rows[i].yaml), &p, &d);
        if (rc != OD_E_INVALID)
            fail_msg("row %zu accepted", i);
        assert_null(p);
        bool found = false;
        for (size_t k = 0; k < d.n; k++)
            if (d.items[k].line == rows[i].line && strstr(d.items[k].message, rows[i].needle))
                found = true;
        if (!found)
            fail_msg("row %zu: want line %d '%s', got %d:%s", i, rows[i].line, rows[i].needle,
                     d.items[0].line, d.items[0].message);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_file_events),
        cmocka_unit_test(test_severity_label_round_trip),
        cmocka_unit_test(test_section_overrides),
        cmocka_unit_test(test_errors_with_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
