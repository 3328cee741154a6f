/* test_cli_vocab.c — the client's choice lists name exactly core's keys, in
 * core's order (R-CI-2 grades, R-INC-1 severities, R-INC-3 response levels),
 * so the client and the server never disagree on a vocabulary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/policy.h"

static void join(char *out, size_t cap, int n, const char *(*key)(int))
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "|" : "", key(i));
}

static const char *grade(int i)
{
    return od_grade_key((od_grade)i);
}
static const char *resp(int i)
{
    return od_resp_key((od_resp)i);
}
static const char *sev(int i)
{
    return od_severity_key((od_severity)i);
}

static void test_vocabularies(void **state)
{
    (void)state;
    char want[128];
    join(want, sizeof want, OD_GRADE__COUNT, grade);
    assert_string_equal(OD_CLI_GRADES, want);
    join(want, sizeof want, OD_RESP__COUNT, resp);
    assert_string_equal(OD_CLI_RESPS, want);
    join(want, sizeof want, OD_SEV__COUNT, sev);
    assert_string_equal(OD_CLI_SEVERITIES, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_vocabularies)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
