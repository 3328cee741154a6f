/* test_util_join.c — the bounded list joiner (util/join.h) used by the
 * messages that name missing fields, allowed values and required roles:
 * exact fit, one byte over, the cut on a UTF-8 character boundary (inside
 * an item, inside a multi-byte separator, inside what was already there),
 * buffers too small for the ellipsis, and nothing appended after a cut.
 * Every case also checks the NUL and that no byte past cap is written. */
#include "util/join.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define ELL "\xE2\x80\xA6" /* … */

/* Joins items into a buffer of cap bytes inside a larger guarded one. */
static const char *join(char *guarded, size_t cap, const char *sep, const char *const *items, size_t n,
                        bool *cut)
{
    memset(guarded, '#', 64);
    od_join j = od_join_start(guarded, cap, sep);
    for (size_t i = 0; i < n; i++)
        od_join_add(&j, items[i]);
    for (size_t i = cap; i < 64; i++)
        assert_int_equal(guarded[i], '#'); /* nothing written past cap */
    if (cap) {
        assert_int_equal(strlen(guarded), j.len);
        assert_true(j.len < cap);
    }
    *cut = j.cut;
    return guarded;
}

static void test_table(void **state)
{
    (void)state;
    static const char *const abc[] = {"a", "b", "c"};
    static const char *const zh[] = {"大写字母", "数字"}; /* 12 and 6 bytes */
    static const char *const empty_items[] = {"", NULL, "x"};
    struct {
        size_t cap;
        const char *sep;
        const char *const *items;
        size_t n;
        const char *want;
        bool cut;
    } rows[] = {
        {64, ", ", abc, 3, "a, b, c", false},
        {8, ", ", abc, 3, "a, b, c", false}, /* 7 bytes and the NUL: exact fit */
        {7, ", ", abc, 3, "a, " ELL, true},  /* one byte short: cut back to leave room for "…" */
        {6, ", ", abc, 3, "a," ELL, true},   /* the cut is by bytes, not by items */
        {5, ", ", abc, 3, "a" ELL, true},
        {4, ", ", abc, 3, ELL, true}, /* room for the ellipsis alone */
        {3, ", ", abc, 3, "a", true}, /* too small for the ellipsis: plain cut, no half separator */
        {2, ", ", abc, 3, "a", true},
        {1, ", ", abc, 3, "", true},
        {64, "、", zh, 2, "大写字母、数字", false},
        {22, "、", zh, 2, "大写字母、数字", false}, /* 21 bytes: exact fit */
        {21, "、", zh, 2, "大写字母、" ELL, true},  /* 2 bytes left for "数": not a whole character */
        {19, "、", zh, 2, "大写字母、" ELL, true},
        {18, "、", zh, 2, "大写字母" ELL, true}, /* the 3-byte separator does not fit whole */
        {12, "、", zh, 2, "大写" ELL, true},     /* what was there is cut back, on a boundary */
        {11, "、", zh, 2, "大写" ELL, true},
        {10, "、", zh, 2, "大写" ELL, true},
        {9, "、", zh, 2, "大" ELL, true},           /* cut inside "写" on a boundary */
        {64, ", ", empty_items, 3, ", , x", false}, /* NULL is "" */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char buf[64];
        bool cut = false;
        const char *got = join(buf, rows[i].cap, rows[i].sep, rows[i].items, rows[i].n, &cut);
        if (strcmp(got, rows[i].want) != 0 || cut != rows[i].cut)
            fail_msg("row %zu: got \"%s\" cut=%d, want \"%s\" cut=%d", i, got, cut, rows[i].want,
                     rows[i].cut);
    }
}

static void test_nothing_after_a_cut(void **state)
{
    (void)state;
    char buf[8];
    od_join j = od_join_start(buf, sizeof buf, ", ");
    od_join_add(&j, "abcdefghij");
    assert_true(j.cut);
    assert_string_equal(buf, "abcd" ELL);
    od_join_add(&j, "z"); /* would fit after the cut text, but the list is already cut */
    assert_string_equal(buf, "abcd" ELL);
}

static void test_zero_capacity(void **state)
{
    (void)state;
    char c = '#';
    od_join j = od_join_start(&c, 0, ", ");
    od_join_add(&j, "a");
    assert_int_equal(c, '#');
    assert_int_equal(j.len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_nothing_after_a_cut),
        cmocka_unit_test(test_zero_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
