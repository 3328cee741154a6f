/* test_util_sbuf.c — the growing string buffer (util/sbuf.h) that builds
 * metrics, reports and event ingestion's rows and answers: appends, growth
 * from 256 bytes, integers at their limits, reset keeping the memory, the
 * JSON string form of every byte (read back by jansson), and a failed
 * allocation that sticks until reset. */
#include "util/sbuf.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_append_and_grow(void **state)
{
    (void)state;
    od_sbuf b = {0};
    od_sbuf_puts(&b, "ab");
    assert_string_equal(b.p, "ab");
    assert_int_equal(b.n, 2);
    assert_int_equal(b.cap, 256); /* the first allocation */
    char big[1000];
    memset(big, 'x', sizeof big);
    od_sbuf_append(&b, big, sizeof big);
    assert_int_equal(b.n, 1002);
    assert_int_equal(b.cap, 1024); /* doubled until it fits, with its NUL */
    assert_int_equal(b.p[1002], 0);
    od_sbuf_printf(&b, "%s-%d", "z", 7);
    assert_int_equal(b.n, 1005);
    assert_string_equal(b.p + 1002, "z-7");
    assert_false(b.oom);
    free(b.p);
}

static void test_int_limits(void **state)
{
    (void)state;
    od_sbuf b = {0};
    od_sbuf_int(&b, INT64_MIN);
    od_sbuf_puts(&b, " ");
    od_sbuf_int(&b, INT64_MAX);
    od_sbuf_puts(&b, " ");
    od_sbuf_int(&b, 0);
    assert_string_equal(b.p, "-9223372036854775808 9223372036854775807 0");
    free(b.p);
}

static void test_reset_keeps_memory(void **state)
{
    (void)state;
    od_sbuf b = {0};
    od_sbuf_reset(&b); /* nothing allocated yet */
    assert_null(b.p);
    od_sbuf_puts(&b, "hello");
    char *p = b.p;
    size_t cap = b.cap;
    od_sbuf_reset(&b);
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.cap, cap);
    assert_int_equal(b.n, 0);
    assert_string_equal(b.p, "");
    od_sbuf_puts(&b, "x");
    assert_string_equal(b.p, "x");
    free(b.p);
}

/* every byte 0x01..0xff in a string: valid JSON that jansson reads back to
 * the same bytes (the bytes ≥ 0x80 here form valid UTF-8 sequences) */
static void test_json_every_byte_round_trips(void **state)
{
    (void)state;
    char in[200];
    size_t n = 0;
    for (int c = 1; c < 0x80; c++)
        in[n++] = (char)c;
    const char *utf8 = "告警 é 😀";
    memcpy(in + n, utf8, strlen(utf8));
    n += strlen(utf8);
    od_sbuf b = {0};
    od_sbuf_puts(&b, "[");
    od_sbuf_json(&b, in, n);
    od_sbuf_puts(&b, ",");
    od_sbuf_json_str(&b, "");
    od_sbuf_puts(&b, "]");
    json_error_t je;
    json_t *v = json_loads(b.p, 0, &je);
    assert_non_null(v);
    assert_int_equal(json_string_length(json_array_get(v, 0)), n);
    assert_memory_equal(json_string_value(json_array_get(v, 0)), in, n);
    assert_string_equal(json_string_value(json_array_get(v, 1)), "");
    json_decref(v);
    /* the same bytes as jansson writes, for every byte */
    od_sbuf_reset(&b);
    od_sbuf_json(&b, in, n);
    json_t *js = json_stringn(in, n);
    char *want = json_dumps(js, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_string_equal(b.p, want);
    free(want);
    json_decref(js);
    /* the escapes themselves */
    od_sbuf_reset(&b);
    od_sbuf_json_str(&b, "a\"b\\c\n\r\t\b\f\x01\x1f/");
    assert_string_equal(b.p, "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001F/\"");
    free(b.p);
}

static void test_oom_sticks_until_reset(void **state)
{
    (void)state;
    od_sbuf b = {0};
    od_sbuf_puts(&b, "ok");
    assert_false(od_sbuf_reserve(&b, SIZE_MAX)); /* would wrap: refused */
    assert_true(b.oom);
    od_sbuf_puts(&b, "more");
    assert_string_equal(b.p, "ok"); /* appends after a failure are ignored */
    od_sbuf_reset(&b);
    assert_false(b.oom);
    assert_false(od_sbuf_reserve(&b, SIZE_MAX / 2 + 1)); /* no power of two holds it */
    assert_true(b.oom);
    od_sbuf_reset(&b);
    od_sbuf_puts(&b, "again");
    assert_string_equal(b.p, "again");
    free(b.p);
}

/* Every byte value: the five HTML specials become entities, every other byte
 * (UTF-8 included) stands for itself; NULL writes nothing. */
static void test_html_every_byte(void **state)
{
    (void)state;
    od_sbuf b = {0};
    for (int c = 1; c < 256; c++) {
        char in[2] = {(char)c, 0};
        od_sbuf_reset(&b);
        od_sbuf_html(&b, in);
        const char *want = c == '<'    ? "&lt;"
                           : c == '>'  ? "&gt;"
                           : c == '&'  ? "&amp;"
                           : c == '"'  ? "&quot;"
                           : c == '\'' ? "&#39;"
                                       : in;
        assert_string_equal(b.p, want);
        assert_true((od_html_entity((char)c) != NULL) == (want != in));
    }
    od_sbuf_reset(&b);
    od_sbuf_html(&b, NULL);
    od_sbuf_html(&b, "机房 <b>\"A&B\"</b>");
    assert_string_equal(b.p, "机房 &lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_grow),        cmocka_unit_test(test_int_limits),
        cmocka_unit_test(test_reset_keeps_memory),     cmocka_unit_test(test_json_every_byte_round_trips),
        cmocka_unit_test(test_oom_sticks_until_reset), cmocka_unit_test(test_html_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
