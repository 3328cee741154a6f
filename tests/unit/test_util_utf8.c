/* test_notify_utf8.c — UTF-8 validation, boundaries and truncation with the
 * "…\n<link>" suffix, by table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/utf8.h"

#define ZH "\xE4\xB8\xAD"        /* 中, 3 bytes */
#define EMOJI "\xF0\x9F\x94\xA5" /* U+1F525, 4 bytes */
#define ELL OD_UTF8_ELLIPSIS

static void test_valid(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        {"", true},
        {"abc", true},
        {ZH EMOJI, true},
        {"\xC3\xA9", true},
        {"\xC0\xAF", false},         /* overlong '/' */
        {"\xE0\x80\xAF", false},     /* overlong */
        {"\xED\xA0\x80", false},     /* surrogate */
        {"\xF4\x90\x80\x80", false}, /* > U+10FFFF */
        {"\xE4\xB8", false},         /* cut */
        {"\x80", false},             /* stray continuation */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(od_utf8_valid(cases[i].s, strlen(cases[i].s)), cases[i].ok);
}

static void test_prefix_bytes(void **state)
{
    (void)state;
    const char *s = "a" ZH EMOJI "b"; /* bytes: 1 + 3 + 4 + 1 = 9 */
    static const size_t want[] = {0, 1, 1, 1, 4, 4, 4, 4, 8, 9, 9};
    for (size_t max = 0; max <= 10; max++)
        assert_int_equal(od_utf8_prefix_bytes(s, strlen(s), max), want[max]);
    assert_int_equal(od_utf8_count(s, strlen(s)), 4);
    assert_int_equal(od_utf8_prefix_chars(s, strlen(s), 2), 4);
    assert_int_equal(od_utf8_prefix_chars(s, strlen(s), 99), 9);
}

static void test_truncate_table(void **state)
{
    (void)state;
    static const struct {
        const char *name, *in;
        size_t limit;
        od_utf8_unit unit;
        const char *link, *want;
    } cases[] = {
        {"fits unchanged", "hello", 5, OD_UTF8_BYTES, "http://x", "hello"},
        {"bytes with link", "abcdefghijklmnop", 12, OD_UTF8_BYTES, "L", "abcdefg" ELL "\nL"},
        {"never splits a CJK char", ZH ZH ZH ZH, 8, OD_UTF8_BYTES, NULL, ZH ELL},
        {"never splits an emoji", EMOJI EMOJI, 6, OD_UTF8_BYTES, NULL, ELL},
        {"chars unit", ZH ZH ZH ZH ZH ZH, 4, OD_UTF8_CHARS, NULL, ZH ZH ZH ELL},
        {"chars with link", ZH ZH ZH ZH ZH ZH, 5, OD_UTF8_CHARS, "ab", ZH ELL "\nab"},
        {"link too long is dropped", "abcdefgh", 6, OD_UTF8_BYTES, "http://very-long-link", "abc" ELL},
        {"no room for ellipsis", "abcdefgh", 2, OD_UTF8_BYTES, NULL, "ab"},
        {"NULL input", NULL, 4, OD_UTF8_BYTES, NULL, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        od_error e;
        od_error_clear(&e);
        assert_int_equal(
            od_utf8_truncate(cases[i].in, cases[i].limit, cases[i].unit, cases[i].link, &out, &e), OD_OK);
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("%s: got \"%s\", want \"%s\"", cases[i].name, out, cases[i].want);
        size_t len = strlen(out);
        assert_true(od_utf8_valid(out, len));
        assert_true((cases[i].unit == OD_UTF8_BYTES ? len : od_utf8_count(out, len)) <= cases[i].limit ||
                    strcmp(out, cases[i].in ? cases[i].in : "") == 0);
        free(out);
    }
}

/* Every cut of a mixed string stays valid UTF-8 and within the limit. */
static void test_truncate_all_limits(void **state)
{
    (void)state;
    const char *s = "Alarm " ZH "x" EMOJI "y" ZH ZH " \xC3\xA9t\xC3\xA9 " EMOJI EMOJI " end";
    for (size_t limit = 0; limit < strlen(s) + 2; limit++) {
        for (int unit = 0; unit < 2; unit++) {
            char *out = NULL;
            assert_int_equal(od_utf8_truncate(s, limit, (od_utf8_unit)unit, "https://i/1", &out, NULL),
                             OD_OK);
            size_t len = strlen(out);
            assert_true(od_utf8_valid(out, len));
            assert_true((unit == OD_UTF8_BYTES ? len : od_utf8_count(out, len)) <= limit ||
                        strcmp(out, s) == 0);
            free(out);
        }
    }
}

static void test_sanitize(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(od_utf8_sanitize("a\xFF" ZH "\xE4\xB8", &out, NULL), OD_OK);
    assert_string_equal(out, "a\xEF\xBF\xBD" ZH "\xEF\xBF\xBD\xEF\xBF\xBD");
    free(out);
    assert_int_equal(od_utf8_sanitize(NULL, &out, NULL), OD_OK);
    assert_string_equal(out, "");
    free(out);
}

/* od_utf8_decode: each sequence length, and ill-formed input as U+FFFD, one byte. */
static void test_decode(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len, want_n;
        uint32_t want_cp;
    } cases[] = {
        {"A", 1, 1, 0x41},
        {"\xC3\xA9", 2, 2, 0xE9},            /* é */
        {"\xE5\xAD\x97", 3, 3, 0x5B57},      /* 字 */
        {"\xF0\x9F\x98\x80", 4, 4, 0x1F600}, /* 😀 */
        {"\xE5\xAD", 2, 1, 0xFFFD},          /* cut sequence */
        {"\x80", 1, 1, 0xFFFD},              /* stray continuation */
        {"\xC0\xAF", 2, 1, 0xFFFD},          /* overlong */
        {"\xED\xA0\x80", 3, 1, 0xFFFD},      /* surrogate */
        {"\xF4\x90\x80\x80", 4, 1, 0xFFFD},  /* above U+10FFFF */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t cp = 0;
        assert_int_equal(od_utf8_decode(cases[i].s, cases[i].len, &cp), cases[i].want_n);
        assert_int_equal(cp, cases[i].want_cp);
    }
}

/* od_utf8_complete: a trailing sequence cut at every length is dropped, a
 * whole one kept. */
static void test_complete(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len, want;
    } cases[] = {
        {"", 0, 0},
        {"ab", 2, 2},
        {"a\xE5\xAD\x97", 4, 4},
        {"a\xE5\xAD", 3, 1},
        {"a\xE5", 2, 1},
        {"a\xF0\x9F\x98", 4, 1},
        {"a\xF0\x9F\x98\x80", 5, 5},
        {"a\xC3", 2, 1},
        {"a\xC3\xA9", 3, 3},
        {"\x80\x80\x80\x80", 4, 4}, /* stray bytes are not a cut character */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(od_utf8_complete(cases[i].s, cases[i].len), cases[i].want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),          cmocka_unit_test(test_prefix_bytes),
        cmocka_unit_test(test_truncate_table), cmocka_unit_test(test_truncate_all_limits),
        cmocka_unit_test(test_sanitize),       cmocka_unit_test(test_decode),
        cmocka_unit_test(test_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
