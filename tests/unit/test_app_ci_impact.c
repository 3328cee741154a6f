/* test_app_ci_impact.c — the CI impact answer written as text in one pass
 * (od_ci_impact_text, src/app/cmdb_impact.c) is byte for byte what the JSON
 * tree of od_ci_impact gives through json_dumps(JSON_COMPACT) (R-CI-3, the
 * transitive impact): on a graph with a diamond, the three dependency
 * types and a CI with no relation, CIs whose text
 * needs escaping (quotes, backslashes, tabs, Chinese) and whose attributes
 * hold numbers, nulls, arrays and escapes, a verified CI; from the root, a
 * middle CI and a leaf; for a reader scoped to one department (the walk
 * goes on through CIs it may not see, R-SEC-SYS-2); a CI with 300 direct
 * dependents; and the same 404 for a CI that does not exist or is out of
 * scope. od_ci_impact is the CI-by-CI walk the text answer falls back to
 * when the edges are too many to hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "policy/policy_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], db[96];
static od_app *app;
static od_principal sys;
static int64_t ids[8];

static int64_t make_ci(const char *name, const char *category, const char *dept, const char *attrs)
{
    od_error e = {0};
    json_t *out = NULL, *a = attrs ? json_loads(attrs, 0, NULL) : NULL;
    od_ci_input in = {.name = name,
                      .category = category,
                      .grade = "L2",
                      .department = dept,
                      .location = "机房\tA-1 \"北\"",
                      .attributes = a};
    if (od_ci_create(app, &sys, &in, &out, &e) != OD_OK)
        fail_msg("ci %s: %s", name, e.message);
    json_decref(a);
    int64_t id = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return id;
}

static void relate(int64_t from, const char *type, int64_t to)
{
    od_error e = {0};
    json_t *out = NULL;
    if (od_ci_add_relation(app, &sys, from, type, to, &out, &e) != OD_OK)
        fail_msg("relation %lld %s %lld: %s", (long long)from, type, (long long)to, e.message);
    json_decref(out);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/od-impact-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/i.db", dir);
    od_error e = {0};
    od_policy *p = NULL;
    od_policy_diags d;
    assert_int_equal(od_policy_load_file("policy/default.yaml", &p, &d), OD_OK);
    if (od_app_open(db, p, "test", true, &app, &e) != OD_OK)
        fail_msg("open: %s", e.message);
    od_principal_system(&sys);
    ids[0] = make_ci("核心库 core\\db", "server", "运行部", "{\"vendor\": \"x\", \"n\": 1.5, \"z\": null}");
    ids[1] = make_ci("app \"one\"", "application", "运行部", "{\"list\": [1, 2, \"\\u00e9\"], \"t\": true}");
    ids[2] = make_ci("app-two", "application", "网络部", NULL);
    ids[3] = make_ci("leaf\tthree", "application", "运行部", "{}");
    ids[4] = make_ci("net-four", "network", "网络部", "{\"nested\": {\"k\": \"v/w\"}}");
    ids[5] = make_ci("beyond-five", "application", "运行部", NULL);
    ids[6] = make_ci("monitor-six", "application", "运行部", NULL);
    /* 1 and 2 depend on 0; 3 on both (a diamond); 4 connects to 2; 5 runs on
     * 4 (reached through a CI of another department); 6 on 3 (cycles are
     * refused when made) */
    relate(ids[1], "depends_on", ids[0]);
    relate(ids[2], "depends_on", ids[0]);
    relate(ids[3], "depends_on", ids[1]);
    relate(ids[3], "runs_on", ids[2]);
    relate(ids[4], "connects_to", ids[2]);
    relate(ids[5], "runs_on", ids[4]);
    relate(ids[6], "depends_on", ids[3]);
    json_t *out = NULL;
    if (od_ci_verify(app, &sys, ids[1], &out, &e) != OD_OK)
        fail_msg("verify: %s", e.message);
    json_decref(out);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    od_app_free(app);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* Both answers for (who, id): equal bytes, or the same error. */
static void same(const od_principal *who, int64_t id, int64_t want_count)
{
    od_error e1 = {0}, e2 = {0};
    json_t *tree = NULL;
    char *text = NULL;
    size_t len = 0;
    od_err r1 = od_ci_impact(app, who, id, &tree, &e1),
           r2 = od_ci_impact_text(app, who, id, &text, &len, &e2);
    assert_int_equal(r1, r2);
    if (r1) {
        assert_string_equal(e1.message, e2.message);
        assert_null(text);
        return;
    }
    char *dumped = json_dumps(tree, JSON_COMPACT);
    assert_non_null(dumped);
    assert_int_equal(len, strlen(text));
    assert_string_equal(text, dumped);
    assert_int_equal(json_integer_value(json_object_get(tree, "count")), want_count);
    free(dumped);
    free(text);
    json_decref(tree);
}

static void test_same_bytes(void **state)
{
    (void)state;
    same(&sys, ids[0], 6); /* 1, 2, 3 (once), 4, 6, 5 */
    same(&sys, ids[2], 4); /* 3, 4, 6, 5 */
    same(&sys, ids[5], 0);
    same(&sys, ids[3], 1);
}

static void test_scoped_reader(void **state)
{
    (void)state;
    od_principal ops = {.id = 99, .n_scopes = 1};
    snprintf(ops.scopes[0], sizeof ops.scopes[0], "运行部");
    same(&ops, ids[0], 4);  /* 1, 3, 6, 5: 2 and 4 of 网络部 not shown, 5 reached through them */
    same(&ops, ids[2], -1); /* 网络部's CI: 404 for this reader */
    same(&sys, 987654, -1); /* no such CI */
}

/* 300 direct dependents of one CI: the CI-by-CI walk reads them all (none
 * cut at a fixed batch), in the one-statement answer's order */
static void test_wide(void **state)
{
    (void)state;
    int64_t hub = make_ci("hub", "server", "运行部", NULL);
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof name, "wide-%03d", i);
        relate(make_ci(name, "application", "运行部", NULL), "depends_on", hub);
    }
    same(&sys, hub, 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_scoped_reader),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
