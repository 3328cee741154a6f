/* test_core_cmdb_vocab.c — the CMDB vocabularies (R-CI-1): every
 * environment and relation type parses to itself, near misses do not, and
 * the lists shown in messages hold exactly the keys, in order. */
#include "core/cmdb_vocab.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void test_environments(void **state)
{
    (void)state;
    static const char *const want[] = {"production", "same_city_backup", "same_room_backup", "test",
                                       "training"};
    assert_int_equal(sizeof want / sizeof want[0], OD_CI_ENV__COUNT);
    char joined[256] = "";
    size_t n = 0;
    for (int i = 0; i < OD_CI_ENV__COUNT; i++) {
        assert_string_equal(od_ci_env_key((od_ci_env)i), want[i]);
        assert_int_equal(od_ci_env_parse(want[i]), i);
        n += (size_t)snprintf(joined + n, sizeof joined - n, "%s%s", i ? ", " : "", want[i]);
    }
    assert_string_equal(od_ci_env_keys(), joined);
    static const char *const bad[] = {"Production", "prod", "production ", "", "runs_on", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(od_ci_env_parse(bad[i]), -1);
    assert_string_equal(od_ci_env_key(OD_CI_ENV__COUNT), "?");
}

static void test_relation_types(void **state)
{
    (void)state;
    static const char *const want[] = {"runs_on", "depends_on", "backs_up", "connects_to"};
    assert_int_equal(sizeof want / sizeof want[0], OD_CI_REL__COUNT);
    char joined[256] = "";
    size_t n = 0;
    for (int i = 0; i < OD_CI_REL__COUNT; i++) {
        assert_string_equal(od_ci_rel_key((od_ci_rel)i), want[i]);
        assert_int_equal(od_ci_rel_parse(want[i]), i);
        n += (size_t)snprintf(joined + n, sizeof joined - n, "%s%s", i ? ", " : "", want[i]);
    }
    assert_string_equal(od_ci_rel_keys(), joined);
    static const char *const bad[] = {"RUNS_ON", "runs-on", "depends", "", "production", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(od_ci_rel_parse(bad[i]), -1);
    assert_string_equal(od_ci_rel_key(OD_CI_REL__COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_environments),
        cmocka_unit_test(test_relation_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
