/* test_notify_template.c — "{{name}}" rendering: substitution, JSON
 * escaping, errors, the 64 KiB cap; plus a quick random robustness loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/template.h"

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "to") == 0)
        return "+8613800000000";
    if (strcmp(name, "text") == 0)
        return "CPU \"high\"\n\\ \x01 \xE4\xB8\xAD";
    if (strcmp(name, "bad") == 0)
        return "a\xFF"
               "b";
    if (strcmp(name, "big") == 0)
        return (const char *)ctx;
    if (strcmp(name, "empty") == 0)
        return "";
    return NULL;
}

static void test_render_table(void **state)
{
    (void)state;
    static const struct {
        const char *tpl;
        bool json;
        od_err rc;
        const char *want;
    } cases[] = {
        {"plain", false, OD_OK, "plain"},
        {"", false, OD_OK, ""},
        {"{{to}}", false, OD_OK, "+8613800000000"},
        {"to={{ to }}&x={{empty}}.", false, OD_OK, "to=+8613800000000&x=."},
        {"{\"m\":\"{{text}}\"}", true, OD_OK, "{\"m\":\"CPU \\\"high\\\"\\n\\\\ \\u0001 \xE4\xB8\xAD\"}"},
        {"\"{{bad}}\"", true, OD_OK, "\"a\\ufffdb\""},
        {"{single} } {", false, OD_OK, "{single} } {"},
        {"{{nope}}", false, OD_E_INVALID, NULL},
        {"{{to", false, OD_E_INVALID, NULL},
        {"{{to}", false, OD_E_INVALID, NULL},
        {"{{}}", false, OD_E_INVALID, NULL},
        {"{{ }}", false, OD_E_INVALID, NULL},
        {"{{t o}}", false, OD_E_INVALID, NULL},
        {"{{to!}}", false, OD_E_INVALID, NULL},
        {"abc {{", false, OD_E_INVALID, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = (char *)1;
        od_error e;
        od_error_clear(&e);
        od_err rc = od_template_render(cases[i].tpl, lookup, NULL, cases[i].json, &out, &e);
        if (rc != cases[i].rc)
            fail_msg("case %zu \"%s\": rc %d want %d", i, cases[i].tpl, rc, cases[i].rc);
        if (rc) {
            assert_null(out);
            assert_int_equal(e.code, rc);
            continue;
        }
        assert_string_equal(out, cases[i].want);
        if (cases[i].json && cases[i].tpl[0] == '{') {
            json_t *j = json_loads(out, 0, NULL);
            assert_non_null(j);
            json_decref(j);
        }
        free(out);
    }
}

static void test_name_too_long(void **state)
{
    (void)state;
    char tpl[OD_TEMPLATE_NAME_MAX + 8];
    char *out = NULL;
    memset(tpl, 'a', sizeof tpl);
    tpl[0] = tpl[1] = '{';
    memcpy(tpl + sizeof tpl - 3, "}}", 3);
    assert_int_equal(od_template_render(tpl, lookup, NULL, false, &out, NULL), OD_E_INVALID);
    assert_null(out);
}

static void test_output_cap(void **state)
{
    (void)state;
    size_t n = OD_TEMPLATE_MAX / 4 + 1;
    char *big = malloc(n + 1);
    char *out = NULL;
    assert_non_null(big);
    memset(big, 'x', n);
    big[n] = '\0';
    assert_int_equal(od_template_render("{{big}}{{big}}{{big}}", lookup, big, false, &out, NULL), OD_OK);
    free(out);
    assert_int_equal(od_template_render("{{big}}{{big}}{{big}}{{big}}", lookup, big, false, &out, NULL),
                     OD_E_TOO_LARGE);
    assert_null(out);
    /* exactly OD_TEMPLATE_MAX bytes render; one more does not */
    char *edge = malloc(OD_TEMPLATE_MAX + 2);
    assert_non_null(edge);
    memset(edge, 'y', OD_TEMPLATE_MAX);
    edge[OD_TEMPLATE_MAX] = '\0';
    assert_int_equal(od_template_render("{{big}}", lookup, edge, false, &out, NULL), OD_OK);
    assert_int_equal(strlen(out), OD_TEMPLATE_MAX);
    free(out);
    edge[OD_TEMPLATE_MAX - 1] = '\0';
    assert_int_equal(od_template_render("{{big}}z", lookup, edge, false, &out, NULL), OD_OK);
    assert_int_equal(strlen(out), OD_TEMPLATE_MAX);
    free(out);
    assert_int_equal(od_template_render("{{big}}zz", lookup, edge, false, &out, NULL), OD_E_TOO_LARGE);
    assert_null(out);
    free(edge);
    /* JSON escaping expands "\x01" six-fold: the cap holds after escaping. */
    memset(big, '\x01', n);
    assert_int_equal(od_template_render("{{big}}", lookup, big, true, &out, NULL), OD_E_TOO_LARGE);
    free(big);
}

/* Random templates from a small alphabet: no crash, no leak, rc consistent. */
static void test_random(void **state)
{
    (void)state;
    static const char alpha[] = "{}{} to text x\xE4\xFF\"\\";
    unsigned seed = 12345;
    for (int round = 0; round < 20000; round++) {
        char tpl[24];
        size_t len = (size_t)(round % 23);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            tpl[i] = alpha[(seed >> 16) % (sizeof alpha - 1)];
        }
        tpl[len] = '\0';
        char *out = NULL;
        od_err rc = od_template_render(tpl, lookup, NULL, round & 1, &out, NULL);
        assert_true(rc == OD_OK || rc == OD_E_INVALID);
        assert_true((rc == OD_OK) == (out != NULL));
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_table),
        cmocka_unit_test(test_name_too_long),
        cmocka_unit_test(test_output_cap),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
