/* test_core_placeholder.c — placeholders in checklist texts
 * (research/modules-spec.md §1.6 templates; core/placeholder.h): every
 * known name accepted, unknown / unclosed / malformed refused with the
 * culprit, expansion of each form (spaces, unknown left as written, values
 * absent left as written, adjacent placeholders), the output size boundary
 * (exactly fitting and 1 byte short), UTF-8 never split. */
#include "core/placeholder.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void test_check(void **state)
{
    (void)state;
    char bad[32];
    for (size_t i = 0; od_ph_names[i]; i++) {
        char s[96];
        snprintf(s, sizeof s, "检查 {{%s}} 与 {{ %s }}", od_ph_names[i], od_ph_names[i]);
        assert_int_equal(od_ph_check(s, bad, sizeof bad), OD_PH_OK);
        assert_string_equal(bad, "");
    }
    static const struct {
        const char *s;
        od_ph_status st;
        const char *bad;
    } cases[] = {
        {"", OD_PH_OK, ""},
        {"no placeholder { } }}", OD_PH_OK, ""},
        {"{{ci.nam}}", OD_PH_UNKNOWN, "ci.nam"},
        {"{{record.number}} {{record.owner}}", OD_PH_UNKNOWN, "record.owner"},
        {"{{ CI.NAME }}", OD_PH_MALFORMED, "{{ CI.NAME }}"},
        {"{{}}", OD_PH_MALFORMED, "{{}}"},
        {"{{ ci name }}", OD_PH_MALFORMED, "{{ ci name }}"},
        {"端口 {{ci.name", OD_PH_UNCLOSED, "{{ci.name"},
        {"{{ci.name}} {{", OD_PH_UNCLOSED, "{{"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(od_ph_check(cases[i].s, bad, sizeof bad), cases[i].st);
        assert_string_equal(bad, cases[i].bad);
    }
    /* the culprit cut to the buffer, on a character boundary */
    char small[5];
    assert_int_equal(od_ph_check("{{ 中文 }}", small, sizeof small), OD_PH_MALFORMED);
    assert_string_equal(small, "{{ ");
    assert_int_equal(od_ph_check(NULL, NULL, 0), OD_PH_OK);
    assert_true(od_ph_known("ci.name", 7));
    assert_false(od_ph_known("ci.name", 6));
    assert_false(od_ph_known("ci.namex", 8));
}

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "ci.name") == 0)
        return "核心交换机";
    if (strcmp(name, "record.number") == 0)
        return "PRB-2026-000001";
    if (strcmp(name, "record.title") == 0)
        return "";
    return NULL; /* record.kind and the unknown: left as written */
}

static void test_expand(void **state)
{
    (void)state;
    static const struct {
        const char *s, *out;
    } cases[] = {
        {"", ""},
        {"plain", "plain"},
        {"检查 {{ci.name}} 的端口", "检查 核心交换机 的端口"},
        {"{{ ci.name }}", "核心交换机"},
        {"{{record.number}}{{ci.name}}", "PRB-2026-000001核心交换机"},
        {"[{{record.title}}]", "[]"},
        {"{{record.kind}} {{nope}}", "{{record.kind}} {{nope}}"},
        {"{{ a b }} {{ci.name}}", "{{ a b }} 核心交换机"},
        {"{{ci.name}} {{ci.name", "核心交换机 {{ci.name"},
        {"{{{ci.name}}", "{{{ci.name}}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[128];
        assert_true(od_ph_expand(cases[i].s, lookup, NULL, out, sizeof out));
        assert_string_equal(out, cases[i].out);
    }
    /* "核心交换机" is 15 bytes: 16 fits exactly, 15 is one byte short and
     * cuts before the last character */
    char out[16];
    assert_true(od_ph_expand("{{ci.name}}", lookup, NULL, out, 16));
    assert_string_equal(out, "核心交换机");
    assert_false(od_ph_expand("{{ci.name}}", lookup, NULL, out, 15));
    assert_string_equal(out, "核心交换");
    assert_false(od_ph_expand("abc", lookup, NULL, out, 3));
    assert_string_equal(out, "ab");
    assert_true(od_ph_expand("ab", lookup, NULL, out, 3));
    assert_false(od_ph_expand("x", lookup, NULL, out, 0));
    assert_true(od_ph_expand(NULL, NULL, NULL, out, 4));
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_expand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
