/* test_core_record_kind.c — the record registry's vocabularies
 * (research/modules-spec.md §1.1): every kind with its prefix, names and
 * whether a module serves it; record numbers; every link kind against every
 * (source kind, target kind) pair — 10 × 14 × 14 cells, each checked against
 * the table written out here — and self-links; CI roles; committee roles. */
#include "core/record_kind.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static const struct {
    const char *key, *prefix;
    bool served, generic;
} kinds[] = {
    {"incident", "INC", true, false},     {"request", "REQ", false, false},
    {"problem", "PRB", true, true},       {"known_error", "KE", true, false},
    {"change", "CHG", false, false},      {"change_task", "CTASK", false, false},
    {"routine_task", "RT", false, false}, {"vuln_assessment", "VA", false, false},
    {"vuln", "VUL", false, false},        {"risk", "RSK", false, false},
    {"djb_system", "DJB", false, false},  {"plan", "PLN", true, false},
    {"drill", "DRL", true, false},        {"report", "RPT", false, false},
};

static void test_kinds(void **state)
{
    (void)state;
    assert_int_equal(sizeof kinds / sizeof kinds[0], OD_RK__COUNT);
    char joined[512] = "";
    size_t n = 0;
    for (int i = 0; i < OD_RK__COUNT; i++) {
        const od_rkind_def *d = od_rkind_get((od_rkind)i);
        assert_non_null(d);
        assert_string_equal(d->key, kinds[i].key);
        assert_string_equal(d->prefix, kinds[i].prefix);
        assert_int_equal(d->served, kinds[i].served);
        assert_int_equal(d->generic_create, kinds[i].generic);
        assert_true(strlen(d->name_zh) > 0 && strlen(d->name_en) > 0);
        assert_int_equal(od_rkind_parse(kinds[i].key), i);
        n += (size_t)snprintf(joined + n, sizeof joined - n, "%s%s", i ? ", " : "", kinds[i].key);
        for (int j = 0; j < i; j++) /* prefixes tell kinds apart */
            assert_string_not_equal(od_rkind_get((od_rkind)j)->prefix, d->prefix);
    }
    assert_string_equal(od_rkind_keys(), joined);
    static const char *const bad[] = {"Problem", "problems", "", "known-error", "INC", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(od_rkind_parse(bad[i]), -1);
    assert_null(od_rkind_get(OD_RK__COUNT));
    assert_null(od_rkind_get((od_rkind)-1));
}

static void test_numbers(void **state)
{
    (void)state;
    char b[OD_RECORD_NUMBER_MAX];
    assert_string_equal(od_record_number(OD_RK_PROBLEM, 2026, 1, b), "PRB-2026-000001");
    assert_string_equal(od_record_number(OD_RK_KNOWN_ERROR, 2027, 42, b), "KE-2027-000042");
    assert_string_equal(od_record_number(OD_RK_INCIDENT, 2026, 999999, b), "INC-2026-999999");
    assert_string_equal(od_record_number(OD_RK_CHANGE_TASK, 2026, 1000000, b), "CTASK-2026-1000000");
    assert_string_equal(od_record_number(OD_RK_REPORT, 2026, 9223372036854775807LL, b),
                        "RPT-2026-9223372036854775807");
}

#define K(x) (1u << OD_RK_##x)
#define ALL ((1u << OD_RK__COUNT) - 1)

/* The specification (§1.1), spelled out: from-kinds and to-kinds per link
 * kind; SAME_KIND marks duplicate_of. */
#define SAME_KIND 0x80000000u
static const struct {
    const char *key;
    unsigned from, to, from2, to2; /* a second pair, 0 = none */
} links[] = {
    {"caused_by", K(INCIDENT), K(PROBLEM) | K(CHANGE), 0, 0},
    {"known_error_of", K(KNOWN_ERROR), K(PROBLEM), 0, 0},
    {"fixed_by", K(PROBLEM) | K(KNOWN_ERROR), K(CHANGE), 0, 0},
    /* and a drill's finding's follow-up (R-PLAN-2) */
    {"originated_from", K(CHANGE), K(REQUEST) | K(PROBLEM) | K(INCIDENT) | K(VULN),
     K(PROBLEM) | K(CHANGE) | K(ROUTINE_TASK), K(DRILL)},
    {"duplicate_of", ALL, SAME_KIND, 0, 0},
    {"parent_of", ALL, ALL, 0, 0},
    {"mitigates", K(CHANGE) | K(VULN), K(RISK), 0, 0},
    {"exercises", K(DRILL), K(PLAN), 0, 0},
    {"simulates", K(DRILL), K(INCIDENT), 0, 0},
    {"evidence_of", ALL, ALL, 0, 0},
};

static void test_link_kinds(void **state)
{
    (void)state;
    assert_int_equal(sizeof links / sizeof links[0], OD_RL__COUNT);
    char joined[512] = "";
    size_t n = 0;
    for (int l = 0; l < OD_RL__COUNT; l++) {
        assert_string_equal(od_rlink_key((od_rlink)l), links[l].key);
        assert_int_equal(od_rlink_parse(links[l].key), l);
        n += (size_t)snprintf(joined + n, sizeof joined - n, "%s%s", l ? ", " : "", links[l].key);
    }
    assert_string_equal(od_rlink_keys(), joined);
    assert_int_equal(od_rlink_parse("blocks"), -1);
    assert_int_equal(od_rlink_parse(NULL), -1);
    assert_string_equal(od_rlink_key(OD_RL__COUNT), "?");
}

static void test_every_link_cell(void **state)
{
    (void)state;
    int allowed = 0, refused = 0;
    for (int l = 0; l < OD_RL__COUNT; l++)
        for (int f = 0; f < OD_RK__COUNT; f++)
            for (int t = 0; t < OD_RK__COUNT; t++) {
                bool from1 = links[l].from & (1u << f), from2 = links[l].from2 & (1u << f);
                bool from_ok = from1 || from2;
                bool to_ok =
                    (from1 && (links[l].to == SAME_KIND ? f == t : (links[l].to & (1u << t)) != 0)) ||
                    (from2 && (links[l].to2 & (1u << t)) != 0);
                od_error e = {0};
                od_err rc = od_rlink_check((od_rlink)l, (od_rkind)f, (od_rkind)t, false, &e);
                if (from_ok && to_ok) {
                    assert_int_equal(rc, OD_OK);
                    allowed++;
                } else {
                    assert_int_equal(rc, OD_E_UNPROCESSABLE);
                    /* the source is judged first, and the message names the kinds allowed */
                    assert_string_equal(e.field, from_ok ? "to" : "kind");
                    assert_non_null(strstr(e.message, links[l].key));
                    assert_non_null(strstr(e.message, kinds[from_ok ? t : f].key));
                    refused++;
                }
                /* a self-link is refused whatever the kinds */
                od_error e2 = {0};
                assert_int_equal(od_rlink_check((od_rlink)l, (od_rkind)f, (od_rkind)t, true, &e2),
                                 OD_E_UNPROCESSABLE);
                assert_string_equal(e2.field, "to");
                assert_non_null(strstr(e2.message, "itself"));
            }
    /* caused_by 2, known_error_of 1, fixed_by 2, originated_from 4 + 3 (problem, change, routine_task
     * → drill), duplicate_of 14, parent_of and evidence_of 196 each, mitigates 2, exercises 1,
     * simulates 1 */
    assert_int_equal(allowed, 2 + 1 + 2 + 4 + 3 + 14 + 196 + 2 + 1 + 1 + 196);
    /* the second pair widens only its own sources: a problem originates from a drill, not an incident */
    od_error e4 = {0};
    assert_int_equal(od_rlink_check(OD_RL_ORIGINATED_FROM, OD_RK_PROBLEM, OD_RK_DRILL, false, &e4), OD_OK);
    assert_int_equal(od_rlink_check(OD_RL_ORIGINATED_FROM, OD_RK_PROBLEM, OD_RK_INCIDENT, false, &e4),
                     OD_E_UNPROCESSABLE);
    assert_string_equal(e4.field, "to");
    assert_non_null(strstr(e4.message, "goes to drill, not to incident"));
    assert_int_equal(allowed + refused, OD_RL__COUNT * OD_RK__COUNT * OD_RK__COUNT);
    od_error e = {0};
    assert_int_equal(od_rlink_check(OD_RL__COUNT, OD_RK_PROBLEM, OD_RK_PROBLEM, false, &e),
                     OD_E_UNPROCESSABLE);
    assert_string_equal(e.field, "kind");
    od_error e2 = {0};
    assert_int_equal(od_rlink_check(OD_RL_PARENT_OF, OD_RK__COUNT, OD_RK_PROBLEM, false, &e2),
                     OD_E_UNPROCESSABLE);
    /* the message lists the allowed kinds: "a caused_by link goes to problem/change, not to known_error" */
    od_error e3 = {0};
    assert_int_equal(od_rlink_check(OD_RL_CAUSED_BY, OD_RK_INCIDENT, OD_RK_KNOWN_ERROR, false, &e3),
                     OD_E_UNPROCESSABLE);
    assert_non_null(strstr(e3.message, "a caused_by link goes to problem/change, not to known_error"));
}

static void test_ci_and_committee_roles(void **state)
{
    (void)state;
    static const char *const want[] = {"affected", "implemented_on", "inspected", "evidence_source",
                                       "in_scope"};
    assert_int_equal(sizeof want / sizeof want[0], OD_RCI__COUNT);
    for (int i = 0; i < OD_RCI__COUNT; i++) {
        assert_string_equal(od_rci_role_key((od_rci_role)i), want[i]);
        assert_int_equal(od_rci_role_parse(want[i]), i);
    }
    assert_string_equal(od_rci_role_keys(), "affected, implemented_on, inspected, evidence_source, in_scope");
    assert_int_equal(od_rci_role_parse("owner"), -1);
    assert_string_equal(od_rci_role_key(OD_RCI__COUNT), "?");
    static const char *const cr[] = {"chair", "deputy", "member"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(od_committee_role_parse(cr[i]), i);
        assert_string_equal(od_committee_role_key(i), cr[i]);
    }
    assert_int_equal(od_committee_role_parse("Chair"), -1);
    assert_string_equal(od_committee_role_key(3), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_link_kinds),
        cmocka_unit_test(test_every_link_cell),
        cmocka_unit_test(test_ci_and_committee_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
