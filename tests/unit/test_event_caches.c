/* test_event_caches.c — the event side's caches belong to the app
 * (app.h event_caches), not to the process: resolved API keys (10 s, emptied
 * by a revocation) and compiled maintenance-window matchers (compiled once
 * per distinct matcher text, shared by every batch's copies).  Two apps in
 * one process, and an app created where a freed one was, share nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/events.h"
#include "policy/policy_load.h"
#include "core/event.h"
#include "store/store.h"
#include "util/embed.h"

typedef struct fixture {
    char dir[64];
    int n;
} fixture;

static od_app *app_new(fixture *f)
{
    char db[128];
    snprintf(db, sizeof db, "%s/od%d.db", f->dir, f->n++);
    od_error e = {0};
    od_store *st = NULL;
    assert_int_equal(od_store_open(db, &st, &e), OD_OK);
    const struct od_embedded_file *pf = od_embed_find(od_embedded_policy, "default.yaml");
    assert_non_null(pf);
    od_policy *pol = NULL;
    od_policy_diags d = {0};
    assert_int_equal(od_policy_load_buffer((const char *)pf->data, pf->len, &pol, &d), OD_OK);
    od_app *a = NULL;
    assert_int_equal(od_app_new(st, pol, "embedded:default.yaml", false, &a, &e), OD_OK);
    return a;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/od-evc-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* A new key of app a: its secret into out, its id returned. */
static int64_t key_new(od_app *a, const char *name, char *out, size_t len)
{
    od_principal sys;
    od_principal_system(&sys);
    json_t *k = NULL;
    od_error e = {0};
    assert_int_equal(od_api_key_create(a, &sys, name, "api", &k, &e), OD_OK);
    snprintf(out, len, "%s", json_string_value(json_object_get(k, "key")));
    int64_t id = json_integer_value(json_object_get(k, "id"));
    json_decref(k);
    return id;
}

static od_err resolve(od_app *a, const char *secret)
{
    od_api_key k;
    od_error e = {0};
    return od_api_key_resolve(a, secret, &k, &e);
}

static void key_cache_is_the_apps(void **state)
{
    fixture *f = *state;
    od_app *a = app_new(f), *b = app_new(f);
    char s1[128], s2[128];
    key_new(a, "k1", s1, sizeof s1);
    int64_t id2 = key_new(a, "k2", s2, sizeof s2);
    assert_int_equal(resolve(a, s1), OD_OK);
    assert_int_equal(resolve(b, s1), OD_E_UNAUTH); /* the other app has no such key, cached or not */
    /* cached for 10 s: a row removed behind the app's back still resolves */
    sqlite3 *side = NULL;
    char db[128];
    snprintf(db, sizeof db, "%s/od0.db", f->dir);
    assert_int_equal(sqlite3_open(db, &side), SQLITE_OK);
    sqlite3_busy_timeout(side, 10000);
    assert_int_equal(sqlite3_exec(side, "DELETE FROM api_keys WHERE name = 'k1'", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(side);
    assert_int_equal(resolve(a, s1), OD_OK);
    /* a revocation empties the cache at once */
    assert_int_equal(resolve(a, s2), OD_OK);
    od_principal sys;
    od_principal_system(&sys);
    json_t *out = NULL;
    od_error e = {0};
    assert_int_equal(od_api_key_revoke(a, &sys, id2, &out, &e), OD_OK);
    json_decref(out);
    assert_int_equal(resolve(a, s2), OD_E_UNAUTH);
    assert_int_equal(resolve(a, s1), OD_E_UNAUTH); /* emptied: k1's deletion is seen now */
    /* an app made after a is freed (often at a's address) starts empty */
    assert_int_equal(resolve(a, s1), OD_E_UNAUTH);
    char s3[128];
    key_new(a, "k3", s3, sizeof s3);
    assert_int_equal(resolve(a, s3), OD_OK);
    od_app_free(a);
    od_app *c = app_new(f);
    assert_int_equal(resolve(c, s3), OD_E_UNAUTH);
    od_app_free(c);
    od_app_free(b);
}

static void window_matchers_compiled_once_per_app(void **state)
{
    fixture *f = *state;
    od_app *a = app_new(f), *b = app_new(f);
    const char *text = "[{\"name\":\"alertname\",\"value\":\"Disk.*\",\"regex\":true,\"negative\":false},"
                       "{\"name\":\"env\",\"value\":\"prod\",\"regex\":false,\"negative\":false}]";
    od_matcher m1[OD_EVT_MATCHERS_MAX], m2[OD_EVT_MATCHERS_MAX], m3[OD_EVT_MATCHERS_MAX];
    size_t n1 = 0, n2 = 0, n3 = 0;
    od_error e = {0};
    assert_int_equal(od_window_matchers(a, text, m1, &n1, &e), OD_OK);
    assert_int_equal(od_window_matchers(a, text, m2, &n2, &e), OD_OK);
    assert_int_equal(od_window_matchers(b, text, m3, &n3, &e), OD_OK);
    assert_int_equal(n1, 2);
    assert_int_equal(n2, 2);
    /* equality tests are put first (AND is order-free): the regex is second */
    assert_int_equal(m1[0].op, OD_MOP_EQ);
    assert_non_null(m1[1].re);
    assert_ptr_equal(m1[1].re, m2[1].re);     /* the second batch did not compile again */
    assert_ptr_not_equal(m1[1].re, m3[1].re); /* nor does another app share it */
    od_label l[] = {{"alertname", "DiskFull"}, {"env", "prod"}};
    od_labels ls = {l, 2};
    assert_true(od_matchers_match(m2, n2, &ls));
    for (size_t i = 0; i < n1; i++)
        od_matcher_cleanup(&m1[i]);
    od_app_free(a); /* the copies outlive the cache */
    assert_true(od_matchers_match(m2, n2, &ls));
    for (size_t i = 0; i < n2; i++)
        od_matcher_cleanup(&m2[i]);
    for (size_t i = 0; i < n3; i++)
        od_matcher_cleanup(&m3[i]);
    /* an unusable stored set: refused every time, nothing copied */
    const char *bad = "[{\"name\":\"a\",\"value\":\"((a{1,50}){1,50}){1,50}\",\"regex\":true}]";
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_window_matchers(b, bad, m1, &n1, &e), OD_E_UNPROCESSABLE);
        assert_int_equal(n1, 0);
    }
    assert_int_equal(od_window_matchers(b, "not json", m1, &n1, &e), OD_E_UNPROCESSABLE);
    od_app_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(key_cache_is_the_apps, setup, teardown),
        cmocka_unit_test_setup_teardown(window_matchers_compiled_once_per_app, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
