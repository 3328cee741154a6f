/* test_events_group_commit.c — the group commit of event ingestion
 * (app/events.h od_events_ingest) after its performance work:
 *   - a group runs without savepoints; when one request of several fails,
 *     the group is run again with a savepoint per request, so the failing
 *     request alone is refused and leaves nothing written (R-EVT-1);
 *   - a request failing alone leaves nothing written;
 *   - raw is the request's own bytes (ingest/parse.h od_ingest_raw_spans),
 *     and a body whose shape the scanner does not expect is serialized;
 *   - de-duplication by the key hash across transactions (R-EVT-3), and the
 *     in-memory table of key hashes (app/event_keys.h) forgets the events
 *     of a rolled-back request (migration 0007);
 *   - a CI created after the CMDB names were loaded is seen by the next
 *     transaction (event_cmdb_version triggers, migration 0005);
 *   - a new event's first-pass decisions are stored as codes and rendered
 *     on read (core/event_decision.h); rows of the earlier text form still
 *     read as they were; a later pass's decisions are text rows.
 * A failure is forced with a test-only trigger that aborts the insert of
 * the event "boom".  Each test has its own database in a mkdtemp directory. */
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
#include "ingest/parse.h"
#include "store/store.h"
#include "util/embed.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    od_app *app;
    od_event_writer *writer;
    sqlite3 *side; /* a second connection, as a test's own hands on the file */
} fixture;

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("sql failed: %s: %s", sql, err ? err : "?");
}

static long long scalar(fixture *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    assert_int_equal(sqlite3_prepare_v2(f->side, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static char *text(fixture *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *v = NULL;
    assert_int_equal(sqlite3_prepare_v2(f->side, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/od-evgc-XXXXXX");
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
    assert_int_equal(od_app_new(st, pol, "embedded:default.yaml", false, &f->app, &e), OD_OK);
    assert_non_null(f->writer = od_event_writer_new());
    assert_int_equal(sqlite3_open(f->db, &f->side), SQLITE_OK);
    sqlite3_busy_timeout(f->side, 10000);
    exec_ok(f->side, "CREATE TRIGGER test_boom BEFORE INSERT ON events WHEN NEW.dedup_key = 'boom' "
                     "BEGIN SELECT RAISE(ABORT, 'boom'); END");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sqlite3_close(f->side);
    od_event_writer_free(f->writer);
    od_app_free(f->app);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* A request of the own format (or of Alertmanager when am). */
static od_event_batch *request(const char *body, bool am)
{
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    od_event_batch *b = od_event_batch_new(am ? "alertmanager" : "api:test", 1);
    od_error e = {0};
    assert_int_equal((am ? od_ingest_parse_alertmanager : od_ingest_parse_events)(j, b, &e), OD_OK);
    od_ingest_raw_spans(b, body, strlen(body), am ? "alerts" : NULL);
    json_decref(j);
    return b;
}

static void items_free(od_ingest_item *it, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(it[i].result);
        od_event_batch_free(it[i].batch);
    }
}

static void one_failing_request_of_three_alone_is_refused(void **state)
{
    fixture *f = *state;
    od_ingest_item it[3] = {
        {.batch = request("[{\"status\":\"firing\",\"dedup_key\":\"gc-a\"}]", false)},
        {.batch = request("[{\"status\":\"firing\",\"dedup_key\":\"gc-b1\"},"
                          "{\"status\":\"firing\",\"dedup_key\":\"boom\"}]",
                          false)},
        {.batch = request("{\"status\":\"firing\",\"dedup_key\":\"gc-c\"}", false)},
    };
    od_error e = {0};
    assert_int_equal(od_events_ingest(f->app, f->writer, it, 3, &e), OD_OK);
    assert_int_equal(it[0].rc, OD_OK);
    assert_int_not_equal(it[1].rc, OD_OK);
    assert_int_equal(it[2].rc, OD_OK);
    assert_non_null(it[0].result);
    assert_null(it[1].result);
    assert_non_null(strstr(it[2].result, "\"dedup_key\":\"gc-c\""));
    json_t *ans = json_loads(it[0].result, 0, NULL); /* the answer is JSON */
    assert_int_equal(json_integer_value(json_object_get(ans, "accepted")), 1);
    json_decref(ans);
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM events WHERE dedup_key IN ('gc-a', 'gc-c')"), 2);
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM events WHERE dedup_key IN ('gc-b1', 'boom')"), 0);
    items_free(it, 3);
}

static void a_failing_request_alone_writes_nothing(void **state)
{
    fixture *f = *state;
    od_ingest_item it[1] = {{.batch = request("[{\"status\":\"firing\",\"dedup_key\":\"solo-1\"},"
                                              "{\"status\":\"firing\",\"dedup_key\":\"boom\"}]",
                                              false)}};
    od_error e = {0};
    assert_int_equal(od_events_ingest(f->app, f->writer, it, 1, &e), OD_OK);
    assert_int_not_equal(it[0].rc, OD_OK);
    assert_null(it[0].result);
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM events"), 0);
    items_free(it, 1);
}

static void raw_is_the_request_bytes(void **state)
{
    fixture *f = *state;
    const char *body =
        "{ \"version\": \"4\", \"alerts\": [ {\"status\": \"firing\",\n \"labels\": {\"alertname\": "
        "\"RawOne\"}, \"x\": [1, {\"y\": \"]}\\\"\"}]} ,{\"status\":\"firing\",\"labels\":"
        "{\"alertname\":\"RawTwo\"}} ] }";
    /* the same alert under an escaped key: found by jansson, not by the scanner */
    const char *esc = "{\"\\u0061lerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"RawThree\"}}]}";
    od_ingest_item it[2] = {{.batch = request(body, true)}, {.batch = request(esc, true)}};
    assert_null(it[1].batch->v[0].raw_text);
    od_error e = {0};
    assert_int_equal(od_events_ingest(f->app, f->writer, it, 2, &e), OD_OK);
    assert_int_equal(it[0].rc, OD_OK);
    assert_int_equal(it[1].rc, OD_OK);
    char *r1 = text(f, "SELECT raw FROM events WHERE labels LIKE '%RawOne%'");
    char *r2 = text(f, "SELECT raw FROM events WHERE labels LIKE '%RawTwo%'");
    char *r3 = text(f, "SELECT raw FROM events WHERE labels LIKE '%RawThree%'");
    assert_string_equal(r1, "{\"status\": \"firing\",\n \"labels\": {\"alertname\": \"RawOne\"}, "
                            "\"x\": [1, {\"y\": \"]}\\\"\"}]}");
    assert_string_equal(r2, "{\"status\":\"firing\",\"labels\":{\"alertname\":\"RawTwo\"}}");
    json_t *j3 = json_loads(r3, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j3, "labels"), "alertname")),
                        "RawThree");
    json_decref(j3);
    free(r1);
    free(r2);
    free(r3);
    items_free(it, 2);
}

static void dedup_across_transactions_and_new_ci(void **state)
{
    fixture *f = *state;
    od_error e = {0};
    const char *ev = "{\"status\":\"firing\",\"dedup_key\":\"dd-1\",\"labels\":{\"host\":\"gc-db-9\"}}";
    for (int i = 0; i < 3; i++) {
        od_ingest_item it[2] = {{.batch = request(ev, false)}, {.batch = request(ev, false)}};
        assert_int_equal(od_events_ingest(f->app, f->writer, it, 2, &e), OD_OK);
        assert_int_equal(it[0].rc, OD_OK);
        assert_int_equal(it[1].rc, OD_OK);
        items_free(it, 2);
        if (i == 0) { /* the CI appears after the names were loaded */
            assert_int_equal(scalar(f, "SELECT COUNT(*) FROM events WHERE ci_id IS NOT NULL"), 0);
            exec_ok(f->side, "INSERT INTO cis(name, category, grade, created_at, updated_at) "
                             "VALUES('gc-db-9', 'database', 'L2', 0, 0)");
        }
    }
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM events WHERE dedup_key = 'dd-1'"), 1);
    assert_int_equal(scalar(f, "SELECT count FROM events WHERE dedup_key = 'dd-1'"), 6);
    /* the stored key hash keeps its format (migration 0005): FNV-1a from
     * 1469598103934665603 over "api:test", NUL, "dd-1", computed apart */
    assert_true(scalar(f, "SELECT key_hash FROM events WHERE dedup_key = 'dd-1'") == -8654972209412156567LL);
    /* a repeat keeps the row; a new event sees the new CI */
    od_ingest_item it[1] = {{.batch = request("{\"status\":\"firing\",\"dedup_key\":\"dd-2\","
                                              "\"labels\":{\"host\":\"gc-db-9\"}}",
                                              false)}};
    assert_int_equal(od_events_ingest(f->app, f->writer, it, 1, &e), OD_OK);
    assert_int_equal(it[0].rc, OD_OK);
    items_free(it, 1);
    assert_int_equal(scalar(f, "SELECT ci_id = (SELECT id FROM cis WHERE name = 'gc-db-9') FROM events "
                               "WHERE dedup_key = 'dd-2'"),
                     1);
}

/* A request that fails five times: each attempt inserted its events and
 * was rolled back, and so were their keys; the event then arrives alone,
 * is new once and a repeat after. */
static void rolled_back_keys_are_forgotten(void **state)
{
    fixture *f = *state;
    od_error e = {0};
    for (int i = 0; i < 5; i++) {
        od_ingest_item it[2] = {{.batch = request("[{\"status\":\"firing\",\"dedup_key\":\"rk-x\"},"
                                                  "{\"status\":\"firing\",\"dedup_key\":\"boom\"}]",
                                                  false)},
                                {.batch = request("{\"status\":\"firing\",\"dedup_key\":\"rk-ok\"}", false)}};
        assert_int_equal(od_events_ingest(f->app, f->writer, it, i % 2 ? 1 : 2, &e), OD_OK);
        assert_int_not_equal(it[0].rc, OD_OK);
        items_free(it, i % 2 ? 1 : 2);
        if (i % 2)
            od_event_batch_free(it[1].batch);
    }
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM events WHERE dedup_key = 'rk-x'"), 0);
    for (int i = 0; i < 2; i++) {
        od_ingest_item it[1] = {{.batch = request("{\"status\":\"firing\",\"dedup_key\":\"rk-x\"}", false)}};
        assert_int_equal(od_events_ingest(f->app, f->writer, it, 1, &e), OD_OK);
        assert_int_equal(it[0].rc, OD_OK);
        assert_non_null(strstr(it[0].result, i ? "\"action\":\"repeat\"" : "\"action\":\"new\""));
        items_free(it, 1);
    }
    assert_int_equal(scalar(f, "SELECT count FROM events WHERE dedup_key = 'rk-x'"), 2);
    assert_int_equal(scalar(f, "SELECT count FROM events WHERE dedup_key = 'rk-ok'"), 3);
}

static json_t *decision(json_t *ev, size_t i)
{
    return json_array_get(json_object_get(ev, "decisions"), i);
}
static const char *field(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void decisions_are_codes_rendered_on_read(void **state)
{
    fixture *f = *state;
    od_error e = {0};
    od_ingest_item it[1] = {{.batch = request("{\"status\":\"firing\",\"dedup_key\":\"dc-1\","
                                              "\"severity\":\"warning\"}",
                                              false)}};
    assert_int_equal(od_events_ingest(f->app, f->writer, it, 1, &e), OD_OK);
    assert_int_equal(it[0].rc, OD_OK);
    items_free(it, 1);
    char *stored = text(f, "SELECT decisions FROM events WHERE dedup_key = 'dc-1'");
    assert_string_equal(stored, "[[9,\"default\",\"warning\"],[14,\"default\",\"monitoring_engineer\",0]]");
    free(stored);
    int64_t id = scalar(f, "SELECT id FROM events WHERE dedup_key = 'dc-1'");
    json_t *ev = NULL;
    assert_int_equal(od_event_get(f->app, NULL, id, &ev, &e), OD_OK);
    assert_int_equal(json_array_size(json_object_get(ev, "decisions")), 2);
    json_t *d0 = decision(ev, 0), *d1 = decision(ev, 1);
    assert_string_equal(field(d0, "at"), field(ev, "received_at"));
    assert_string_equal(field(d0, "step"), "classify");
    assert_string_equal(field(d0, "rule"), "default");
    assert_string_equal(field(d0, "result"), "告警类 (warning)");
    assert_string_equal(field(d1, "step"), "respond");
    assert_string_equal(field(d1, "result"),
                        "通知 监控工程师（0 人）(alerted role monitoring_engineer: 0 people)");
    json_decref(ev);

    /* a row of the text form (before the codes) reads as it was */
    exec_ok(f->side, "UPDATE events SET decisions = '[{\"at\":0,\"step\":\"classify\",\"rule\":null,"
                     "\"result\":\"旧 (old)\"}]' WHERE dedup_key = 'dc-1'");
    assert_int_equal(od_event_get(f->app, NULL, id, &ev, &e), OD_OK);
    assert_int_equal(json_array_size(json_object_get(ev, "decisions")), 1);
    d0 = decision(ev, 0);
    assert_string_equal(field(d0, "result"), "旧 (old)");
    assert_string_equal(field(d0, "at"), "1970-01-01T00:00:00.000Z");
    assert_true(json_is_null(json_object_get(d0, "rule")));
    json_decref(ev);

    /* a later pass (the resolve): rendered text in event_decisions */
    od_ingest_item r[1] = {{.batch = request("{\"status\":\"resolved\",\"dedup_key\":\"dc-1\"}", false)}};
    assert_int_equal(od_events_ingest(f->app, f->writer, r, 1, &e), OD_OK);
    assert_int_equal(r[0].rc, OD_OK);
    items_free(r, 1);
    char *later = text(f, "SELECT step || '|' || result FROM event_decisions WHERE event_id = "
                          "(SELECT id FROM events WHERE dedup_key = 'dc-1')");
    assert_string_equal(later, "dedup|已恢复，关闭 (resolved: closed)");
    free(later);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(one_failing_request_of_three_alone_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failing_request_alone_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(raw_is_the_request_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(dedup_across_transactions_and_new_ci, setup, teardown),
        cmocka_unit_test_setup_teardown(rolled_back_keys_are_forgotten, setup, teardown),
        cmocka_unit_test_setup_teardown(decisions_are_codes_rendered_on_read, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
