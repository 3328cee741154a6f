/* test_core_password.c — the password policy check (R-SEC-SYS-1): length
 * in characters (UTF-8 code points, not bytes) at the boundary 7/8, each
 * required class missing alone, several missing at once (every rule named,
 * Chinese first), CJK text, and a policy that requires nothing. */
#include "core/password.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static const od_password_policy seed = {8, true, true, true, true};

static void test_table(void **state)
{
    (void)state;
    static const struct {
        const char *pw;
        bool ok;
        const char *missing; /* the English rule named, if refused */
    } rows[] = {
        {"Abcde1!x", true, NULL},                    /* 8 characters: enough */
        {"Abcd1!x", false, "at least 8 characters"}, /* 7 */
        {"abcde1!x", false, "an upper-case letter"},
        {"ABCDE1!X", false, "a lower-case letter"},
        {"Abcdef!x", false, "a digit"},
        {"Abcdef1x", false, "a special character"},
        {"Ab1!密码密码", true, NULL},                        /* 8 code points, 16 bytes */
        {"Ab1!密码密", false, "at least 8 characters"},      /* 7 code points, 13 bytes: bytes do not count */
        {"密码密码密码密码", false, "an upper-case letter"}, /* CJK is no letter class */
        {"Abcdefg1密", false, "a special character"},        /* nor a special character */
        {"Ab1 cdefg", false, "a special character"},         /* a space is not special */
        {"Ab1~cdefg", true, NULL},
        {"", false, "at least 8 characters"},
        {NULL, false, "at least 8 characters"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_error e = {0};
        od_err rc = od_password_check(&seed, rows[i].pw, &e);
        if ((rc == OD_OK) != rows[i].ok)
            fail_msg("row %zu: got %d", i, rc);
        if (!rows[i].ok) {
            assert_int_equal(rc, OD_E_UNPROCESSABLE);
            assert_string_equal(e.field, "password");
            assert_non_null(strstr(e.message, rows[i].missing));
            assert_true(strncmp(e.message, "密码须包含", strlen("密码须包含")) == 0); /* Chinese first */
        }
    }
}

static void test_every_rule_named_at_once(void **state)
{
    (void)state;
    od_error e = {0};
    assert_int_equal(od_password_check(&seed, "密", &e), OD_E_UNPROCESSABLE);
    static const char *all[] = {"至少8个字符",
                                "大写字母",
                                "小写字母",
                                "数字",
                                "特殊字符",
                                "at least 8 characters",
                                "an upper-case letter",
                                "a lower-case letter",
                                "a digit",
                                "a special character"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_non_null(strstr(e.message, all[i]));
}

static void test_policy_requiring_nothing(void **state)
{
    (void)state;
    const od_password_policy none = {4, false, false, false, false};
    od_error e = {0};
    assert_int_equal(od_password_check(&none, "密码密码", &e), OD_OK);
    assert_int_equal(od_password_check(&none, "密码密", &e), OD_E_UNPROCESSABLE);
    assert_non_null(strstr(e.message, "at least 4 characters"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_every_rule_named_at_once),
        cmocka_unit_test(test_policy_requiring_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
