/* test_store_read_errors.c — a store error met while rows are read is an
 * error of the use case, never "no row" (store.h od_rows_step).
 * The login read of the account (app/accounts.c od_auth_login): a failing
 * read used to look like an unknown user, so the login answered "wrong
 * user name or password" (OD_E_UNAUTH) and counted a failed attempt
 * towards the lockout (R-SEC-SYS-1).  It must answer the store
 * error instead.  The failure is forced with a test-only view: the users
 * table is renamed and a view in its place fails (malformed JSON) when the
 * row of the user "boom" is read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "policy/policy_load.h"
#include "store/store.h"
#include "util/embed.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    od_app *app;
    sqlite3 *side; /* a second connection, as a test's own hands on the file */
} fixture;

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("sql failed: %s: %s", sql, err ? err : "?");
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/od-rderr-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/od.db", f->dir);
    od_error e = {0};
    od_store *st = NULL;
    assert_int_equal(od_store_open(f->db, &st, &e), OD_OK);
    const struct od_embedded_file *pf = od_embed_find(od_embedded_policy, "default.yaml");
    assert_non_null(pf);
    od_policy *pol = NULL;
    od_policy_diags d = {0};
    assert_int_equal(od_policy_load_buffer((const char *)pf->data, pf->len, &pol, &d), OD_OK);
    assert_int_equal(od_app_new(st, pol, "embedded:default.yaml", true, &f->app, &e), OD_OK);
    assert_int_equal(sqlite3_open(f->db, &f->side), SQLITE_OK);
    sqlite3_busy_timeout(f->side, 10000);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sqlite3_close(f->side);
    od_app_free(f->app);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void login_read_error_is_an_error(void **state)
{
    fixture *f = *state;
    exec_ok(f->side,
            "INSERT INTO users(username, pw_hash, created_at, updated_at) VALUES('boom', 'x', 0, 0)");
    exec_ok(f->side, "PRAGMA legacy_alter_table=ON; ALTER TABLE users RENAME TO users_real; "
                     "CREATE VIEW users AS SELECT id, username, CASE WHEN username = 'boom' "
                     "THEN json_extract('{bad', '$') ELSE pw_hash END AS pw_hash, display_name, department, "
                     "phone, email, roles, scopes, lang, disabled, created_at, updated_at FROM users_real");
    od_error e = {0};
    char *token = NULL;
    int64_t exp = 0;
    od_err rc = od_auth_login(f->app, "boom", "Secret-Passw0rd!", "127.0.0.1", &token, &exp, &e);
    assert_int_equal(rc, OD_E_STORE); /* was OD_E_UNAUTH: the read error taken for an unknown user */
    assert_int_equal(e.code, OD_E_STORE);
    assert_null(token);
    /* a user whose row reads fine is still judged by the password */
    od_error e2 = {0};
    assert_int_equal(od_auth_login(f->app, "nobody", "Secret-Passw0rd!", "127.0.0.1", &token, &exp, &e2),
                     OD_E_UNAUTH);
    assert_null(token);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(login_read_error_is_an_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
