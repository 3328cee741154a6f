/* test_app_health.c — od_app_health tells the store's real state
 * (R-SEC-SYS-4): ok on an intact database; after one page of a table is
 * overwritten, a write that touches it fails and health says so with the
 * reason (a recent storage fault), and the integrity check (quick_check)
 * names the damage too.  The page is found and corrupted with SQLite
 * directly, as a disk would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], db[96];

static od_app *open_app(void)
{
    od_app *a = NULL;
    od_error e = {0};
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    if (od_app_open(db, p, "test", true, &a, &e) != OD_OK)
        fail_msg("open: %s", e.message);
    return a;
}

/* Overwrites the root page of `table` with 0x5A bytes. */
static void corrupt_table(const char *table)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
                                        "FROM sqlite_master WHERE name = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long root = (long)sqlite3_column_int64(st, 0), size = (long)sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    sqlite3_close(h);
    FILE *f = fopen(db, "r+b");
    assert_non_null(f);
    char *junk = malloc((size_t)size);
    memset(junk, 0x5A, (size_t)size);
    assert_int_equal(fseek(f, (root - 1) * size, SEEK_SET), 0);
    assert_int_equal(fwrite(junk, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    free(junk);
}

static void test_health_follows_the_store(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/od-health-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/h.db", dir);

    od_app *a = open_app();
    od_error e = {0};
    char *pw[3] = {0};
    assert_int_equal(od_app_init_admins(a, "Admin-pass-1", pw, &e), OD_OK);
    od_app_check_store(a);
    od_app_health_report h;
    assert_int_equal(od_app_health(a, &h, &e), OD_OK);
    assert_true(h.ok);
    assert_string_equal(h.reason, "");
    od_app_free(a); /* checkpoints the WAL into the file */

    corrupt_table("users");
    a = open_app();
    /* a write that touches the page fails … */
    od_principal sys;
    od_principal_system(&sys);
    od_user_input in = {.username = "newuser", .password = "User-pass-1!", .department = "运行部"};
    json_t *out = NULL;
    assert_int_not_equal(od_user_create(a, &sys, &in, &out, &e), OD_OK);
    /* … and health says so, with the reason */
    assert_int_equal(od_app_health(a, &h, &e), OD_OK);
    assert_false(h.ok);
    assert_non_null(strstr(h.reason, "a database read or write failed"));
    assert_non_null(strstr(h.reason, "malformed"));
    /* the integrity check names the damage too */
    od_app_check_store(a);
    assert_int_equal(od_app_health(a, &h, &e), OD_OK);
    assert_false(h.ok);
    assert_non_null(strstr(h.reason, "integrity check failed"));
    od_app_free(a);

    char p[128];
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", db, sfx[i]);
        unlink(p);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health_follows_the_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
