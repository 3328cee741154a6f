/* test_sched_lag.c — the scheduler-lag metrics (docs/metrics.md, R-NOT-6:
 * deadlines fire on time, and when they do not it shows): an incident's
 * first-report deadline left unfired 90 s past its fire time shows as the
 * oldest overdue deadline, exactly; firing it records its lag in the
 * histogram and the last-lag gauge; then nothing is overdue.  The app on a
 * temporary SQLite store with the manual clock, no HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/incidents.h"
#include "app/sched_metrics.h"
#include "policy/policy_load.h"
#include "sched/sched.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], db[96];
static od_app *app;

/* The value of the sample line `name` (exact name and labels). */
static double sample(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && p[n] == ' ')
            return atof(p + n + 1);
    fail_msg("no sample %s in:\n%s", name, text);
    return -1;
}

static double metric(const char *name)
{
    char *m = od_sched_metrics(app);
    assert_non_null(m);
    double v = sample(m, name);
    free(m);
    return v;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/od-lag-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/l.db", dir);
    od_error e = {0};
    od_policy *p = NULL;
    od_policy_diags d;
    assert_int_equal(od_policy_load_file("policy/default.yaml", &p, &d), OD_OK);
    if (od_app_open(db, p, "test", true, &app, &e) != OD_OK)
        fail_msg("open: %s", e.message);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    od_app_free(app);
    char p[128];
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", db, sfx[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static void test_lag_and_overdue(void **state)
{
    (void)state;
    od_error e = {0};
    od_principal sys;
    od_principal_system(&sys);
    /* nothing yet: every series is there, at zero */
    assert_true(metric("opsdesk_scheduler_lag_seconds_count") == 0);
    assert_true(metric("opsdesk_scheduler_last_lag_seconds") == 0);
    assert_true(metric("opsdesk_scheduler_oldest_overdue_seconds") == 0);
    assert_true(metric("opsdesk_scheduler_lag_seconds_bucket{le=\"+Inf\"}") == 0);

    /* an engineer registers an incident: its first-report deadline is set */
    json_t *out = NULL;
    od_user_input ui = {.username = "eng",
                        .password = "User-pass-1!",
                        .display_name = "eng",
                        .department = "运行部",
                        .phone = "13800000000",
                        .email = "u@example.cn"};
    assert_int_equal(od_user_create(app, &sys, &ui, &out, &e), OD_OK);
    int64_t uid = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    assert_int_equal(od_user_set_roles(app, &sys, uid, OD_ROLEBIT(OD_ROLE_OPS_ENGINEER), NULL, &out, &e),
                     OD_OK);
    json_decref(out);
    od_principal eng = {.id = uid, .roles = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER)};
    snprintf(eng.username, sizeof eng.username, "eng");
    snprintf(eng.department, sizeof eng.department, "运行部");
    od_ci_input ci = {.name = "app-L3", .category = "application", .grade = "L3", .department = "运行部"};
    assert_int_equal(od_ci_create(app, &eng, &ci, &out, &e), OD_OK);
    json_t *ids = json_pack("[I]", json_integer_value(json_object_get(out, "id")));
    json_decref(out);
    od_incident_input in = {.title = "交易缓慢",
                            .location = "机房A",
                            .symptoms = "交易缓慢",
                            .impact_scope = "柜面业务",
                            .ci_ids = ids,
                            .severity = "moderate"};
    if (od_incident_create(app, &eng, &in, &out, &e) != OD_OK)
        fail_msg("create: %s", e.message);
    json_decref(out);
    json_decref(ids);

    int64_t next = 0;
    assert_int_equal(od_app_next_fire(app, &next, &e), OD_OK);
    assert_true(next > od_app_now(app) && next != INT64_MAX);
    /* not due yet: 1 ms before its fire time nothing is overdue */
    od_clock_set(&app->clock, next - 1);
    assert_true(metric("opsdesk_scheduler_oldest_overdue_seconds") == 0);
    /* at its fire time it is due, 0 s overdue; 90 s later 90 s (not fired:
     * the manual clock moved without the scheduler) */
    od_clock_set(&app->clock, next);
    assert_true(metric("opsdesk_scheduler_oldest_overdue_seconds") == 0);
    od_clock_set(&app->clock, next + 90000);
    assert_true(metric("opsdesk_scheduler_oldest_overdue_seconds") == 90.0);

    /* the scheduler's pass fires what is due, each with its lag */
    int fired = 0;
    assert_int_equal(od_sched_run_due(app, od_app_now(app), &fired, &e), OD_OK);
    assert_true(fired >= 1);
    assert_true(metric("opsdesk_scheduler_lag_seconds_count") == fired);
    assert_true(metric("opsdesk_scheduler_lag_seconds_bucket{le=\"+Inf\"}") == fired);
    /* the first one fired 90 s late: above the 60 s bucket, within 300 s */
    assert_true(metric("opsdesk_scheduler_lag_seconds_bucket{le=\"60\"}") < fired);
    assert_true(metric("opsdesk_scheduler_lag_seconds_bucket{le=\"300\"}") == fired);
    assert_true(metric("opsdesk_scheduler_lag_seconds_sum") >= 90.0);
    double last = metric("opsdesk_scheduler_last_lag_seconds");
    assert_true(last > 0 && last <= 90.0);
    /* nothing left overdue */
    assert_true(metric("opsdesk_scheduler_oldest_overdue_seconds") == 0);
}

/* the histogram's buckets, 1 ms before and at each bound */
static void test_observe_buckets(void **state)
{
    (void)state;
    char *m0 = od_sched_metrics(app);
    double before10 = sample(m0, "opsdesk_scheduler_lag_seconds_bucket{le=\"0.01\"}");
    double before1 = sample(m0, "opsdesk_scheduler_lag_seconds_bucket{le=\"1\"}");
    double count0 = sample(m0, "opsdesk_scheduler_lag_seconds_count");
    free(m0);
    od_sched_lag_observe(10);   /* at 0.01 s: in le=0.01 */
    od_sched_lag_observe(11);   /* 1 ms above */
    od_sched_lag_observe(-5);   /* a clock step: counts as 0 */
    od_sched_lag_observe(999);  /* 1 ms before 1 s */
    od_sched_lag_observe(1000); /* at 1 s */
    od_sched_lag_observe(1001);
    assert_true(metric("opsdesk_scheduler_lag_seconds_bucket{le=\"0.01\"}") == before10 + 2);
    assert_true(metric("opsdesk_scheduler_lag_seconds_bucket{le=\"1\"}") == before1 + 5);
    assert_true(metric("opsdesk_scheduler_lag_seconds_count") == count0 + 6);
    assert_true(metric("opsdesk_scheduler_last_lag_seconds") == 1.001);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lag_and_overdue),
        cmocka_unit_test(test_observe_buckets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
