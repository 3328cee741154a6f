/* test_policy_shown.c — how the policy loader quotes user text in its
 * messages (od_pl_shown, policy_load_int.h): at most 40 bytes, cut on a
 * UTF-8 character boundary and then marked "...", control bytes as '?'.
 * Table-driven at the 40-byte boundary. */
#include "policy/policy_load_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define X10 "xxxxxxxxxx"
#define X39 X10 X10 X10 "xxxxxxxxx"
#define ZH "\xE4\xB8\xAD" /* 中 */

static void test_shown_boundaries(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"", ""},
        {"abc", "abc"},
        {X39 "x", X39 "x"},                                   /* 40 bytes: whole */
        {X39 "xy", X39 "x..."},                               /* 41: cut at 40 */
        {X39 ZH, X39 "..."},                                  /* 中 would end at byte 42: left out whole */
        {X10 X10 X10 "xxxxxxx" ZH, X10 X10 X10 "xxxxxxx" ZH}, /* ends exactly at 40 */
        {X10 X10 X10 "xxxxxxx" ZH "z", X10 X10 X10 "xxxxxxx" ZH "..."},
        {"a\nb\tc\x7F"
         "d",
         "a?b?c?d"}, /* control bytes shown as '?' */
        {ZH ZH, ZH ZH},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char out[64];
        assert_string_equal(od_pl_shown(rows[i].in, out), rows[i].out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shown_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
