/* test_util_err.c — the od_error setter (util/err.h): a message or field
 * longer than its buffer is cut on a UTF-8 character boundary, never inside
 * a sequence, at every byte offset of the boundary; invalid UTF-8 that a
 * message echoes from input (a URL-decoded path, a field name) is replaced,
 * so the text is always valid UTF-8 that jansson packs (an error answer
 * with an empty body came from a cut inside "字"). */
#include "util/err.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* True when s is valid UTF-8 by jansson's rules (what error_body packs). */
static bool packs(const char *s)
{
    json_t *j = json_string(s);
    bool ok = j != NULL;
    json_decref(j);
    return ok;
}

/* "a"*pad then "字"*n: every pad 0..2 moves the buffer's end to each byte
 * of a 3-byte sequence. */
static void test_message_cut_on_character_boundary(void **state)
{
    (void)state;
    for (int pad = 0; pad < 4; pad++) {
        char in[2048];
        size_t n = 0;
        for (int i = 0; i < pad; i++)
            in[n++] = 'a';
        while (n + 3 < sizeof in) {
            memcpy(in + n, "字", 3);
            n += 3;
        }
        in[n] = 0;
        od_error e = {0};
        assert_int_equal(od_error_set(&e, OD_E_INVALID, NULL, "%s", in), OD_E_INVALID);
        size_t len = strlen(e.message);
        assert_true(len < OD_ERR_MSG_MAX);
        assert_true(len >= OD_ERR_MSG_MAX - 4); /* cut at most one character short */
        assert_int_equal((len - (size_t)pad) % 3, 0);
        assert_memory_equal(e.message, in, len);
        assert_true(packs(e.message));
    }
}

/* The exact case of the empty 400: "未知字段 %s (unknown field %s)" with a
 * 480-byte field name; the field is cut on a boundary too. */
static void test_unknown_field_message(void **state)
{
    (void)state;
    char key[481];
    for (int i = 0; i < 160; i++)
        memcpy(key + 3 * i, "字", 3);
    key[480] = 0;
    od_error e = {0};
    od_error_set(&e, OD_E_INVALID, key, "未知字段 %s (unknown field %s)", key, key);
    assert_true(packs(e.message));
    assert_true(packs(e.field));
    assert_int_equal(strlen(e.field), 63); /* 21 whole characters of 64 bytes with the NUL */
    assert_memory_equal(e.field, key, 63);
    assert_int_equal(strncmp(e.message, "未知字段 字字", strlen("未知字段 字字")), 0);
}

/* Short texts stay as they are, bytes for bytes. */
static void test_fits_unchanged(void **state)
{
    (void)state;
    od_error e = {0};
    od_error_set(&e, OD_E_NOT_FOUND, "名字", "没有 %s (no %d)", "用户 ü 😀", 7);
    assert_string_equal(e.message, "没有 用户 ü 😀 (no 7)");
    assert_string_equal(e.field, "名字");
    /* a 4-byte character ending exactly at the last byte that fits */
    char in[OD_ERR_MSG_MAX];
    memset(in, 'b', sizeof in);
    memcpy(in + OD_ERR_MSG_MAX - 5, "😀", 4);
    in[OD_ERR_MSG_MAX - 1] = 0;
    od_error f = {0};
    od_error_set(&f, OD_E_INVALID, NULL, "%s", in);
    assert_string_equal(f.message, in);
}

/* Invalid UTF-8 echoed from input (a path with %FF, a truncated or
 * overlong sequence, a surrogate) becomes U+FFFD; the rest is kept. */
static void test_invalid_input_replaced(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"x\xff"
         "y",
         "x\xef\xbf\xbdy"},
        {"\xe5\xad", "\xef\xbf\xbd\xef\xbf\xbd"},                   /* truncated 字 at the end */
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                   /* overlong "/" */
        {"\xed\xa0\x80!", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!"}, /* a surrogate */
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* over U+10FFFF */
        {"字\x80字", "字\xef\xbf\xbd字"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        od_error e = {0};
        od_error_set(&e, OD_E_NOT_FOUND, cases[i].in, "%s", cases[i].in);
        assert_string_equal(e.message, cases[i].out);
        assert_string_equal(e.field, cases[i].out);
        assert_true(packs(e.message));
    }
    /* replacements that would overflow the buffer are cut whole too */
    char in[OD_ERR_MSG_MAX];
    memset(in, 0xff, sizeof in - 1);
    in[sizeof in - 1] = 0;
    od_error e = {0};
    od_error_set(&e, OD_E_INVALID, NULL, "%s", in);
    assert_true(packs(e.message));
    assert_int_equal(strlen(e.message), (OD_ERR_MSG_MAX - 1) / 3 * 3);
}

/* The first error wins; a NULL record only returns the code. */
static void test_first_error_wins(void **state)
{
    (void)state;
    od_error e = {0};
    od_error_set(&e, OD_E_CONFLICT, NULL, "first");
    assert_int_equal(od_error_set(&e, OD_E_INVALID, "f", "second"), OD_E_INVALID);
    assert_int_equal(e.code, OD_E_CONFLICT);
    assert_string_equal(e.message, "first");
    assert_string_equal(e.field, "");
    assert_int_equal(od_error_set(NULL, OD_E_IO, NULL, "x"), OD_E_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_cut_on_character_boundary),
        cmocka_unit_test(test_unknown_field_message),
        cmocka_unit_test(test_fits_unchanged),
        cmocka_unit_test(test_invalid_input_replaced),
        cmocka_unit_test(test_first_error_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
