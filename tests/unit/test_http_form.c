/* test_http_form.c — form-urlencoded fields of the approval page (R-NOT-4):
 * decoding, absence, and a value cut at every byte budget of a Chinese
 * comment, raw and percent-encoded, never inside a character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/form.h"
#include "util/utf8.h"

/* "同意，请尽快处理 ok" : eight 3-byte characters then " ok" */
#define ZH "\xE5\x90\x8C\xE6\x84\x8F\xEF\xBC\x8C\xE8\xAF\xB7\xE5\xB0\xBD\xE5\xBF\xAB\xE5\xA4\x84\xE7\x90\x86"
#define WHOLE ZH " ok"

static void percent_encode(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 4 < n; p++) {
        if (*p == ' ')
            out[k++] = '+';
        else if (*p < 0x80)
            out[k++] = (char)*p;
        else
            k += (size_t)snprintf(out + k, n - k, "%%%02X", *p);
    }
    out[k] = 0;
}

/* Every buffer size from 1 to the whole value and beyond: the result is the
 * longest prefix of whole characters that fits in n - 1 bytes. */
static void check_every_cut(const char *body)
{
    const size_t whole = strlen(WHOLE);
    for (size_t n = 1; n <= whole + 2; n++) {
        char out[64];
        memset(out, 'X', sizeof out);
        assert_true(od_form_field(body, strlen(body), "comment", out, n));
        size_t k = strlen(out);
        size_t want = n - 1 >= whole ? whole : (n - 1 < 24 ? (n - 1) / 3 * 3 : n - 1);
        assert_int_equal(k, want);
        assert_true(k < n);
        assert_memory_equal(out, WHOLE, k);
        assert_true(od_utf8_valid(out, k));
        assert_int_equal(od_utf8_prefix_bytes(WHOLE, whole, n - 1), k);
    }
}

static void test_cut_raw(void **state)
{
    (void)state;
    check_every_cut("decision=approve&comment=" ZH "+ok");
}

static void test_cut_encoded(void **state)
{
    (void)state;
    char enc[256], body[300];
    percent_encode(WHOLE, enc, sizeof enc);
    assert_string_equal(enc, "%E5%90%8C%E6%84%8F%EF%BC%8C%E8%AF%B7%E5%B0%BD%E5%BF%AB%E5%A4%84%E7%90%86+ok");
    snprintf(body, sizeof body, "comment=%s&decision=reject", enc);
    check_every_cut(body);
}

static void test_decoding(void **state)
{
    (void)state;
    static const struct {
        const char *body, *name;
        bool found;
        const char *value;
    } cases[] = {
        {"decision=approve&comment=a+b", "decision", true, "approve"},
        {"decision=approve&comment=a+b", "comment", true, "a b"},
        {"comment=%41%42%43", "comment", true, "ABC"},
        {"comment=100%", "comment", true, "100%"},      /* a lone '%' kept */
        {"comment=%4", "comment", true, "%4"},          /* short escape kept */
        {"comment=%zz1", "comment", true, "%zz1"},      /* not hex */
        {"comment=", "comment", true, ""},              /* empty value */
        {"comments=x&comment=y", "comment", true, "y"}, /* a longer name is not it */
        {"xcomment=x", "comment", false, ""},           /* nor a name ending in it */
        {"comment", "comment", false, ""},              /* no '=' */
        {"", "comment", false, ""},                     /* empty body */
        {"a=1&&comment=z&", "comment", true, "z"},      /* empty parts skipped */
        {"comment=first&comment=second", "comment", true, "first"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[32] = "junk";
        bool found = od_form_field(cases[i].body, strlen(cases[i].body), cases[i].name, out, sizeof out);
        assert_int_equal(found, cases[i].found);
        assert_string_equal(out, cases[i].value);
    }
}

/* A 4-byte character (U+1F525) cut at each of its bytes. */
static void test_cut_four_byte(void **state)
{
    (void)state;
    static const char body[] = "comment=a%F0%9F%94%A5b";
    static const size_t want[] = {0, 1, 1, 1, 1, 5, 6, 6};
    for (size_t n = 1; n <= 8; n++) {
        char out[16];
        assert_true(od_form_field(body, strlen(body), "comment", out, n));
        assert_int_equal(strlen(out), want[n - 1]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut_raw),
        cmocka_unit_test(test_cut_encoded),
        cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_cut_four_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
