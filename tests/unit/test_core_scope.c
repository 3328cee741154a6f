/* test_core_scope.c — department scope (R-SEC-SYS-2), by table: the system
 * and unscoped accounts see everything; a scoped account sees exactly its
 * departments (exact, case-sensitive names; NULL and "" are no department);
 * a record of several departments is seen if any one is in scope. */
#include "core/scope.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static const char *const two[] = {"运行部", "网络部"};

static void test_one_department(void **state)
{
    (void)state;
    const od_scope all = {true, 0, NULL}, scoped = {false, 2, two}, none = {false, 0, NULL};
    static const struct {
        int scope; /* 0 all, 1 scoped, 2 scoped to nothing */
        const char *dept;
        bool allowed;
    } rows[] = {
        {0, "运行部", true}, {0, "", true},        {0, NULL, true},      {1, "运行部", true},
        {1, "网络部", true}, {1, "安全部", false}, {1, "运行", false},   {1, "运行部 ", false},
        {1, "", false},      {1, NULL, false},     {2, "运行部", false}, {2, NULL, false},
    };
    const od_scope *sc[] = {&all, &scoped, &none};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (od_scope_allows(sc[rows[i].scope], rows[i].dept) != rows[i].allowed)
            fail_msg("row %zu", i);
    const char *const ascii[] = {"Ops"};
    const od_scope cs = {false, 1, ascii};
    assert_true(od_scope_allows(&cs, "Ops"));
    assert_false(od_scope_allows(&cs, "ops"));
}

static void test_several_departments(void **state)
{
    (void)state;
    const od_scope all = {true, 0, NULL}, scoped = {false, 2, two};
    const char *const a[] = {"安全部", "网络部"}, *const b[] = {"安全部", "财务部"}, *const c[] = {"运行部"};
    assert_true(od_scope_allows_any(&scoped, a, 2));  /* one of them */
    assert_false(od_scope_allows_any(&scoped, b, 2)); /* none */
    assert_true(od_scope_allows_any(&scoped, c, 1));
    assert_false(od_scope_allows_any(&scoped, NULL, 0)); /* no department: unscoped only */
    assert_true(od_scope_allows_any(&all, NULL, 0));
    assert_true(od_scope_allows_any(&all, b, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_department),
        cmocka_unit_test(test_several_departments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
