/* test_clock_walk.c — a test-clock advance walks the due times in order
 * while the scheduler's thread runs beside it (R-ESC-2: each escalation step
 * at its own time; R-NOT-6).  A second thread does what the scheduler's loop
 * does on a shared store — read the stored test clock back
 * (od_app_restore_test_clock) and fire what is due (od_app_run_due) — over
 * and over during a 100 h advance.  With several nodes the advance stores
 * its target before the walk; the scheduler once read it back mid-walk, so
 * the rest of the walk fired at the target at once and an R3 incident went
 * R3 -> R1 in one step.  The escalations must be R3 -> R2 at 4 h and
 * R2 -> R1 at 6 h after detection, the clock at the target afterwards.
 *
 * Runs on a SQLite file, and on PostgreSQL when OPSDESK_TEST_PG_URL names a
 * database of a throwaway cluster (ctest unit/test_clock_walk_pg starts one
 * through tests/pg/with_pg.py); there each run gets a database of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/incidents.h"
#include "policy/policy_load.h"
#include "util/clock.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOUR_MS 3600000LL

static char dir[64], db[512];
static od_app *app;
static od_principal eng;
static int64_t ci_id;
static atomic_int stop_sched;
static atomic_int sched_rounds;

static bool pg_create(char *out, size_t cap)
{
    const char *base = getenv("OPSDESK_TEST_PG_URL");
    if (!base || !*base)
        return false;
    char name[64], cmd[128];
    snprintf(name, sizeof name, "clock_walk_%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "CREATE DATABASE %s", name);
    PGconn *c = PQconnectdb(base);
    bool ok = false;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, cmd);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "%s: %s", cmd, PQerrorMessage(c));
        PQclear(r);
    }
    PQfinish(c);
    /* the same URL with its database replaced */
    const char *p = strstr(base, "://");
    const char *slash = p ? strchr(p + 3, '/') : NULL;
    if (!ok || !slash)
        return false;
    const char *q = strchr(slash, '?');
    return (size_t)snprintf(out, cap, "%.*s/%s%s", (int)(slash - base), base, name, q ? q : "") < cap;
}

static int64_t make_user(const char *name, od_role role)
{
    od_principal sys;
    od_principal_system(&sys);
    od_error e = {0};
    json_t *out = NULL;
    od_user_input in = {.username = name,
                        .password = "User-pass-1!",
                        .display_name = name,
                        .department = "运行部",
                        .phone = "13800000000",
                        .email = "u@example.cn"};
    if (od_user_create(app, &sys, &in, &out, &e) != OD_OK)
        fail_msg("user %s: %s", name, e.message);
    int64_t id = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    if (od_user_set_roles(app, &sys, id, OD_ROLEBIT(role), NULL, &out, &e) != OD_OK)
        fail_msg("roles %s: %s", name, e.message);
    json_decref(out);
    return id;
}

static int setup(void **state)
{
    (void)state;
    if (getenv("OPSDESK_TEST_PG_URL")) {
        if (!pg_create(db, sizeof db))
            fail_msg("cannot create a PostgreSQL database");
        dir[0] = '\0';
    } else {
        snprintf(dir, sizeof dir, "/tmp/od-walk-XXXXXX");
        assert_non_null(mkdtemp(dir));
        snprintf(db, sizeof db, "%s/w.db", dir);
    }
    od_error e = {0};
    od_policy *p = NULL;
    od_policy_diags d;
    assert_int_equal(od_policy_load_file("policy/default.yaml", &p, &d), OD_OK);
    if (od_app_open(db, p, "test", true, &app, &e) != OD_OK)
        fail_msg("open: %s", e.message);
    int64_t uid = make_user("eng", OD_ROLE_OPS_ENGINEER);
    eng = (od_principal){.id = uid, .roles = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER)};
    snprintf(eng.username, sizeof eng.username, "eng");
    snprintf(eng.department, sizeof eng.department, "运行部");
    json_t *out = NULL;
    od_ci_input ci = {.name = "app-L3", .category = "application", .grade = "L3", .department = "运行部"};
    if (od_ci_create(app, &eng, &ci, &out, &e) != OD_OK)
        fail_msg("ci: %s", e.message);
    ci_id = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    od_app_free(app);
    if (dir[0]) {
        char p[600];
        const char *sfx[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            snprintf(p, sizeof p, "%s%s", db, sfx[i]);
            unlink(p);
        }
        rmdir(dir);
    }
    return 0;
}

/* What sched.c's loop does on a shared store with the test clock, without
 * its waits: follow the stored clock, fire what is due at it. */
static void *scheduler(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop_sched)) {
        od_error e = {0};
        od_app_restore_test_clock(app);
        int fired = 0;
        if (od_app_run_due(app, od_app_now(app), od_app_now(app), &fired, &e) != OD_OK)
            fprintf(stderr, "scheduler: %s\n", e.message);
        atomic_fetch_add(&sched_rounds, 1);
    }
    return NULL;
}

static void test_escalation_steps_at_their_own_times_with_the_scheduler_beside_r_esc_2(void **state)
{
    (void)state;
    od_error e = {0};
    json_t *ids = json_pack("[I]", (json_int_t)ci_id), *inc = NULL;
    od_incident_input in = {.title = "逐级升级",
                            .location = "机房A",
                            .symptoms = "交易缓慢",
                            .impact_scope = "柜面业务",
                            .ci_ids = ids,
                            .severity = "moderate"};
    if (od_incident_create(app, &eng, &in, &inc, &e) != OD_OK)
        fail_msg("create: %s", e.message);
    json_decref(ids);
    int64_t id = (int64_t)json_integer_value(json_object_get(inc, "id"));
    assert_string_equal(json_string_value(json_object_get(inc, "response_level")), "R3");
    json_decref(inc);
    int64_t t0 = od_app_now(app);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, scheduler, NULL), 0);
    while (atomic_load(&sched_rounds) < 3) /* it runs before the walk starts */
        usleep(1000);
    int fired = 0;
    od_err rc = od_app_advance_clock(app, t0 + 100 * HOUR_MS, &fired, &e);
    atomic_store(&stop_sched, 1);
    pthread_join(th, NULL);
    if (rc != OD_OK)
        fail_msg("advance: %s", e.message);
    assert_int_equal(od_app_now(app), t0 + 100 * HOUR_MS);
    assert_true(fired > 0);
    json_t *out = NULL;
    assert_int_equal(od_incident_get(app, &eng, id, &out, &e), OD_OK);
    int64_t detected = 0, at1 = 0, at2 = 0;
    json_t *esc = json_object_get(out, "escalations");
    assert_true(od_time_parse(json_string_value(json_object_get(out, "detected_at")), &detected));
    assert_int_equal(json_array_size(esc), 2);
    json_t *e1 = json_array_get(esc, 0), *e2 = json_array_get(esc, 1);
    assert_string_equal(json_string_value(json_object_get(e1, "from")), "R3");
    assert_string_equal(json_string_value(json_object_get(e1, "to")), "R2");
    assert_true(od_time_parse(json_string_value(json_object_get(e1, "at")), &at1));
    assert_int_equal(at1 - detected, 4 * HOUR_MS);
    assert_string_equal(json_string_value(json_object_get(e2, "from")), "R2");
    assert_string_equal(json_string_value(json_object_get(e2, "to")), "R1");
    assert_true(od_time_parse(json_string_value(json_object_get(e2, "at")), &at2));
    assert_int_equal(at2 - detected, 6 * HOUR_MS);
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_escalation_steps_at_their_own_times_with_the_scheduler_beside_r_esc_2, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
