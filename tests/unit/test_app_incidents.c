/* test_app_incidents.c — the incident use cases (src/app/incident_*.c)
 * called directly on a temporary store with the manual clock, without HTTP:
 * registration (R-INC-2…5: number, grading, deadlines; a missing title),
 * the four reports (R-NOT-1…5: lifecycle, recipients, missing fields named
 * in both languages), activation and closure by the level's authority
 * (R-ACT-1, R-CLOSE-1, R-CLOSE-2 order), the review filed in the case
 * library (R-PIR-2) and a missed first-report deadline fired by the clock
 * (R-NOT-6), the list query with its envelope, and the case library seen
 * through department scopes (R-SEC-SYS-2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/incidents.h"
#include "policy/policy_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIN_MS 60000LL

static char dir[64], db[96];
static od_app *app;
static od_principal eng, head;
static int64_t ci_id, sechead_id;

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

static od_principal principal(int64_t id, const char *name, od_role role)
{
    od_principal p = {.id = id, .roles = OD_ROLEBIT(role)};
    snprintf(p.username, sizeof p.username, "%s", name);
    snprintf(p.department, sizeof p.department, "运行部");
    return p;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/od-inc-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/i.db", dir);
    od_error e = {0};
    od_policy *p = NULL;
    od_policy_diags d;
    assert_int_equal(od_policy_load_file("policy/default.yaml", &p, &d), OD_OK); /* with its templates */
    if (od_app_open(db, p, "test", true, &app, &e) != OD_OK)
        fail_msg("open: %s", e.message);
    eng = principal(make_user("eng", OD_ROLE_OPS_ENGINEER), "eng", OD_ROLE_OPS_ENGINEER);
    head =
        principal(make_user("opsdept", OD_ROLE_OPS_DEPARTMENT_HEAD), "opsdept", OD_ROLE_OPS_DEPARTMENT_HEAD);
    sechead_id = make_user("sechead", OD_ROLE_OPS_SECTION_HEAD);
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
    char p[128];
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", db, sfx[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static json_t *create(const char *title)
{
    od_error e = {0};
    json_t *ids = json_pack("[I]", (json_int_t)ci_id), *out = NULL;
    od_incident_input in = {.title = title,
                            .location = "机房A",
                            .symptoms = "交易缓慢",
                            .impact_scope = "柜面业务",
                            .ci_ids = ids,
                            .severity = "moderate"};
    if (od_incident_create(app, &eng, &in, &out, &e) != OD_OK)
        fail_msg("create: %s", e.message);
    json_decref(ids);
    return out;
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int64_t id_of(json_t *o)
{
    return (int64_t)json_integer_value(json_object_get(o, "id"));
}

/* The first entry of array k of o whose "kind" is kind, or NULL. */
static json_t *find_kind(json_t *o, const char *k, const char *kind)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, k), i, v) if (strcmp(str(v, "kind"), kind) == 0) return v;
    return NULL;
}

static od_err report(int64_t id, const od_principal *who, const char *json, json_t **out, od_error *e)
{
    json_t *body = json_loads(json, 0, NULL);
    assert_non_null(body);
    od_err rc = od_incident_report(app, who, id, body, out, e);
    json_decref(body);
    return rc;
}

static void test_register(void **state)
{
    (void)state;
    od_error e = {0};
    json_t *inc = create("登记测试");
    /* R-INC-3: an L3 CI, moderate → L3, R3; the number is per year */
    assert_string_equal(str(inc, "state"), "detected");
    assert_string_equal(str(inc, "level"), "L3");
    assert_string_equal(str(inc, "response_level"), "R3");
    assert_non_null(strstr(str(inc, "number"), "-000001"));
    assert_non_null(find_kind(inc, "deadlines", "first_report"));
    assert_non_null(find_kind(inc, "deadlines", "handling"));
    assert_non_null(find_kind(inc, "timeline", "registered"));
    json_decref(inc);
    /* a missing title is refused before anything is written */
    json_t *ids = json_pack("[I]", (json_int_t)ci_id), *out = NULL;
    od_incident_input in = {.title = "", .ci_ids = ids};
    assert_int_equal(od_incident_create(app, &eng, &in, &out, &e), OD_E_UNPROCESSABLE);
    assert_string_equal(e.field, "title");
    assert_null(out);
    json_decref(ids);
}

static void test_lifecycle(void **state)
{
    (void)state;
    od_error e = {0};
    json_t *inc = create("全流程"), *out = NULL;
    int64_t id = id_of(inc);
    json_decref(inc);
    /* R-CLOSE-2: closing before the final report names the missing step */
    assert_int_equal(od_incident_close(app, &head, id, &out, &e), OD_E_CONFLICT);
    /* R-NOT-1: the first report takes the registered details; the level's recipients are notified */
    assert_int_equal(report(id, &eng, "{\"kind\":\"first\"}", &out, &e), OD_OK);
    assert_string_equal(str(out, "state"), "reported");
    bool sechead_notified = false;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(out, "recipients"), i, v) sechead_notified |=
        json_integer_value(json_object_get(v, "user_id")) == sechead_id;
    assert_true(sechead_notified);
    assert_true(json_array_size(json_object_get(out, "messages")) > 0);
    json_decref(out);
    /* the second report's missing fields are named, each once, in both languages */
    e = (od_error){0};
    assert_int_equal(report(id, &eng, "{\"kind\":\"second\",\"response_level\":\"R3\"}", &out, &e),
                     OD_E_UNPROCESSABLE);
    assert_non_null(strstr(e.message, "报告缺少必填内容：对系统的影响、预计恢复时间"));
    assert_non_null(
        strstr(e.message, "(report is missing required fields: system_impact, estimated_recovery_at)"));
    char body[256];
    char t[OD_TIME_STR_MAX];
    snprintf(body, sizeof body,
             "{\"kind\":\"second\",\"response_level\":\"R3\",\"system_impact\":\"缓慢\","
             "\"estimated_recovery_at\":\"%s\"}",
             od_time_format(od_app_now(app) + 60 * MIN_MS, t));
    assert_int_equal(report(id, &eng, body, &out, &e), OD_OK);
    assert_string_equal(str(out, "state"), "confirmed");
    json_decref(out);
    /* R-ACT-1: R3 is activated by the ops department head, not an engineer */
    assert_int_equal(od_incident_activate(app, &eng, id, &out, &e), OD_E_FORBIDDEN);
    assert_int_equal(od_incident_activate(app, &head, id, &out, &e), OD_OK);
    assert_string_equal(str(out, "state"), "activated");
    json_decref(out);
    assert_int_equal(report(id, &eng, "{\"kind\":\"progress\",\"text\":\"处理中\"}", &out, &e), OD_OK);
    json_decref(out);
    assert_int_equal(
        report(id, &eng,
               "{\"kind\":\"final\",\"cause\":\"控制器故障 zyxwvu\",\"process\":\"切换\","
               "\"current_state\":\"恢复\",\"business_impact_minutes\":30,\"improvements\":\"巡检\"}",
               &out, &e),
        OD_OK);
    assert_string_equal(str(out, "state"), "resolved");
    json_decref(out);
    assert_int_equal(od_incident_close(app, &head, id, &out, &e), OD_OK);
    assert_string_equal(str(out, "state"), "closed");
    assert_non_null(find_kind(out, "timeline", "closed"));
    json_decref(out);
    /* R-PIR-2: the review files the case; the library finds it with its total */
    json_t *rv = json_pack("{ss ss ss ss ss}", "cause_analysis", "固件缺陷 zyxwvu", "lessons", "演练",
                           "improvements", "升级", "measures", "更换", "result", "恢复");
    assert_int_equal(od_incident_review(app, &eng, id, rv, &out, &e), OD_OK);
    json_decref(rv);
    assert_string_equal(str(out, "state"), "reviewed");
    json_decref(out);
    od_case_query cq = {.q = "zyxwvu", .limit = 50};
    assert_int_equal(od_cases_search(app, &eng, &cq, &out, &e), OD_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(json_object_get(out, "items"), 0), "incident_id")),
        id);
    json_decref(out);
}

static void test_missed_first_report_fires(void **state)
{
    (void)state;
    od_error e = {0};
    json_t *inc = create("逾期测试"), *out = NULL;
    int64_t id = id_of(inc);
    json_decref(inc);
    /* R-NOT-6: past the first-report deadline the clock fires it, once */
    assert_int_equal(od_app_advance_clock(app, od_app_now(app) + 24 * 60 * MIN_MS, NULL, &e), OD_OK);
    assert_int_equal(od_incident_get(app, &eng, id, &out, &e), OD_OK);
    json_t *dl = find_kind(out, "deadlines", "first_report");
    assert_non_null(dl);
    assert_true(json_is_true(json_object_get(dl, "missed")));
    int missed = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(out, "timeline"), i,
                       v) if (strcmp(str(v, "kind"), "deadline_missed") == 0 &&
                              strstr(str(v, "text"), "first_report")) missed++;
    assert_int_equal(missed, 1);
    json_decref(out);
}

static void test_list_query(void **state)
{
    (void)state;
    od_error e = {0};
    json_t *out = NULL;
    od_incident_query q = {.drill = -1, .limit = 1, .offset = 0};
    assert_int_equal(od_incident_list(app, &eng, &q, &out, &e), OD_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 3); /* the three incidents above */
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    assert_int_equal(json_integer_value(json_object_get(out, "limit")), 1);
    json_decref(out);
    q = (od_incident_query){.state = "reviewed", .drill = -1, .limit = 50};
    assert_int_equal(od_incident_list(app, &eng, &q, &out, &e), OD_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    assert_string_equal(str(json_array_get(json_object_get(out, "items"), 0), "title"), "全流程");
    json_decref(out);
}

/* R-SEC-SYS-2: a principal scoped to another department neither sees nor
 * counts the case of an incident outside its scope; one scoped to the
 * incident's department does. */
static void test_cases_follow_scopes(void **state)
{
    (void)state;
    od_error e = {0};
    json_t *out = NULL;
    od_case_query cq = {.q = "zyxwvu", .limit = 50};
    od_principal other = eng, own = eng;
    other.n_scopes = own.n_scopes = 1;
    snprintf(other.scopes[0], sizeof other.scopes[0], "网络部");
    snprintf(own.scopes[0], sizeof own.scopes[0], "运行部");
    assert_int_equal(od_cases_search(app, &other, &cq, &out, &e), OD_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    assert_int_equal(od_cases_search(app, &own, &cq, &out, &e), OD_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    json_decref(out);
}

/* Capped totals (list.h): counting stops at offset + limit + the app's
 * list_count_more; a total that reaches it is flagged total_estimated (at
 * least that many match), one below it is exact.  Boundaries: a cap one below
 * the count, equal to it, one above.  Also the keyset cursor of a full page. */
static void test_list_total_cap(void **state)
{
    (void)state;
    od_error e = {0};
    json_t *out = NULL;
    static const struct {
        int64_t more, limit, offset, total;
        bool estimated;
    } rows[] = {
        {1, 1, 0, 2, true},   /* cap 2 < 3 incidents */
        {2, 1, 0, 3, true},   /* cap 3 = 3: reached, may be more */
        {3, 1, 0, 3, false},  /* cap 4 > 3: exact */
        {1, 1, 1, 3, true},   /* cap 3 (offset counts) */
        {1, 2, 1, 3, false},  /* cap 4 */
        {0, 50, 0, 3, false}, /* the default: 100 050 */
    };
    /* the same for a principal scoped to the incidents' department: its
     * visible rows are counted in C, up to the same cap */
    od_principal own = eng;
    own.n_scopes = 1;
    snprintf(own.scopes[0], sizeof own.scopes[0], "运行部");
    const od_principal *whos[] = {&eng, &own};
    for (size_t w = 0; w < 2; w++)
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            app->list_count_more = rows[i].more;
            od_incident_query q = {.drill = -1, .limit = rows[i].limit, .offset = rows[i].offset};
            assert_int_equal(od_incident_list(app, whos[w], &q, &out, &e), OD_OK);
            assert_int_equal(json_integer_value(json_object_get(out, "total")), rows[i].total);
            assert_int_equal(json_is_true(json_object_get(out, "total_estimated")), rows[i].estimated);
            int64_t left = 3 - rows[i].offset; /* the page: what is left of the 3, at most limit */
            assert_int_equal(json_array_size(json_object_get(out, "items")),
                             left < rows[i].limit ? left : rows[i].limit);
            json_decref(out);
        }
    app->list_count_more = 0;
    /* the cursor: a full page names its last id; the page below it goes on */
    od_incident_query q = {.drill = -1, .limit = 2};
    assert_int_equal(od_incident_list(app, &eng, &q, &out, &e), OD_OK);
    json_t *items = json_object_get(out, "items");
    int64_t last = id_of(json_array_get(items, 1));
    assert_int_equal(json_integer_value(json_object_get(out, "next_before_id")), last);
    json_decref(out);
    q.before_id = last;
    assert_int_equal(od_incident_list(app, &eng, &q, &out, &e), OD_OK);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    assert_true(id_of(json_array_get(json_object_get(out, "items"), 0)) < last);
    assert_true(json_is_null(json_object_get(out, "next_before_id")));
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 3);
    json_decref(out);
}

/* The text filter q (R-PERF; docs/internals/lists.md "Text search"): one
 * character is the LIKE of INC_LIST; two (counted in characters, not bytes)
 * are found by the pairs index (od_bigram, migration 0052), three or more by
 * the trigram index (INC_LIST_TEXT); all give the same incidents, totals and
 * cursor, also for a principal scoped to the incidents' department (an
 * edited text: store contract search_deferred). */
static void test_list_text_search(void **state)
{
    (void)state;
    od_error e = {0};
    json_t *a = create("全文检索甲乙丙"), *b = create("全文检索丁戊");
    int64_t ida = id_of(a), idb = id_of(b);
    json_decref(a);
    json_decref(b);
    od_principal own = eng;
    own.n_scopes = 1;
    snprintf(own.scopes[0], sizeof own.scopes[0], "运行部");
    json_t *all = NULL;
    od_incident_query qa = {.drill = -1, .limit = 50};
    assert_int_equal(od_incident_list(app, &eng, &qa, &all, &e), OD_OK);
    int64_t n_all = (int64_t)json_integer_value(json_object_get(all, "total")); /* every one is on app-L3 */
    json_decref(all);
    static const struct {
        const char *q;
        int64_t total; /* -1: every incident */
        bool has_a, has_b;
    } rows[] = {
        {"甲", 1, true, false},         /* 1 character: LIKE */
        {"乙丙", 1, true, false},       /* 2: pairs */
        {"甲乙丙", 1, true, false},     /* 3: trigrams */
        {"检索甲乙丙", 1, true, false}, /* 5 */
        {"全文", 2, true, true},        /* 2 */
        {"文检", 2, true, true},        /* 2, inside */
        {"全文检索", 2, true, true},    /* 4 */
        {"丁戊", 1, false, true},       {"索丁戊", 1, false, true},
        {"戊甲", 0, false, false}, /* 2: the end of one title and the start of another */
        {"丙交", 0, false, false}, /* 2: the end of the title and the start of the symptoms */
        {"戊甲乙", 0, false, false},    {"全文检索甲乙丙丁", 0, false, false},
        {"l3", -1, true, true}, /* 2: the CI app-L3's name, ASCII case ignored */
        {"P-", -1, true, true},         {"p-l3", -1, true, true},
        {"\"", 0, false, false}, /* a quote: text, not syntax */
        {"\"\"", 0, false, false},
    };
    const od_principal *whos[] = {&eng, &own};
    for (size_t w = 0; w < 2; w++)
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            json_t *out = NULL;
            od_incident_query q = {.q = rows[i].q, .drill = -1, .limit = 50};
            assert_int_equal(od_incident_list(app, whos[w], &q, &out, &e), OD_OK);
            int64_t want = rows[i].total < 0 ? n_all : rows[i].total;
            assert_int_equal(json_integer_value(json_object_get(out, "total")), want);
            json_t *items = json_object_get(out, "items");
            assert_int_equal(json_array_size(items), want);
            bool ha = false, hb = false;
            size_t k;
            json_t *v;
            json_array_foreach(items, k, v)
            {
                ha = ha || id_of(v) == ida;
                hb = hb || id_of(v) == idb;
            }
            assert_int_equal(ha, rows[i].has_a);
            assert_int_equal(hb, rows[i].has_b);
            json_decref(out);
        }
    /* the cursor with a full-text q: the page below the newer one */
    json_t *out = NULL;
    od_incident_query q = {.q = "全文检索", .drill = -1, .limit = 1};
    assert_int_equal(od_incident_list(app, &eng, &q, &out, &e), OD_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "next_before_id")), idb);
    json_decref(out);
    q.before_id = idb;
    assert_int_equal(od_incident_list(app, &eng, &q, &out, &e), OD_OK);
    assert_int_equal(id_of(json_array_get(json_object_get(out, "items"), 0)), ida);
    json_decref(out);
}

/* A total that reads its rows (a residual filter beside the leading index:
 * text with a state, state with a level) is capped at the smaller
 * od_list_count_cap_rows and flagged estimated when it reaches it; the same
 * filters alone are counted by their index to the larger cap (exact). */
static void test_list_total_reads_rows(void **state)
{
    (void)state;
    od_error e = {0};
    for (int i = 0; i < 4; i++)
        json_decref(create("容量测试甲"));
    app->list_count_more = 100;
    app->list_count_more_rows = 1;
    static const struct {
        const char *q, *state, *level;
        int64_t total;
        bool estimated;
    } rows[] = {
        {"容量测试", NULL, NULL, 4, false},      /* the full-text index alone */
        {"容量", NULL, NULL, 4, false},          /* the pairs index alone */
        {"容量测试", "detected", NULL, 3, true}, /* text and state: cap 2 + 1 */
        {"容量", "detected", NULL, 3, true},     {"容量测试", "closed", NULL, 0, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        json_t *out = NULL;
        od_incident_query q = {
            .q = rows[i].q, .state = rows[i].state, .level = rows[i].level, .drill = -1, .limit = 2};
        assert_int_equal(od_incident_list(app, &eng, &q, &out, &e), OD_OK);
        if (json_integer_value(json_object_get(out, "total")) != rows[i].total ||
            json_is_true(json_object_get(out, "total_estimated")) != rows[i].estimated)
            fail_msg("row %zu: total %lld estimated %d", i,
                     (long long)json_integer_value(json_object_get(out, "total")),
                     json_is_true(json_object_get(out, "total_estimated")));
        assert_int_equal(json_array_size(json_object_get(out, "items")),
                         rows[i].total < 2 ? rows[i].total : 2);
        json_decref(out);
    }
    /* state and level: rows read; state alone: its index (every incident here is detected) */
    json_t *out = NULL;
    od_incident_query both = {.state = "detected", .level = "", .drill = -1, .limit = 2};
    assert_int_equal(od_incident_list(app, &eng, &both, &out, &e), OD_OK);
    int64_t all = (int64_t)json_integer_value(json_object_get(out, "total"));
    assert_true(all > 3);
    assert_false(json_is_true(json_object_get(out, "total_estimated")));
    json_decref(out);
    json_t *first = NULL;
    od_incident_query lv = {.drill = -1, .limit = 1}; /* the newest: one of the four */
    assert_int_equal(od_incident_list(app, &eng, &lv, &first, &e), OD_OK);
    const char *level =
        json_string_value(json_object_get(json_array_get(json_object_get(first, "items"), 0), "level"));
    assert_non_null(level);
    both.level = level;
    assert_int_equal(od_incident_list(app, &eng, &both, &out, &e), OD_OK);
    /* the four above are detected at that level: more than the cap of 3 */
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 3);
    assert_true(json_is_true(json_object_get(out, "total_estimated")));
    json_decref(out);
    json_decref(first);
    app->list_count_more = 0;
    app->list_count_more_rows = 0;
}

int main(void)
{
    /* in order: each use case on the incidents the earlier ones left */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_missed_first_report_fires),
        cmocka_unit_test(test_list_query),
        cmocka_unit_test(test_list_total_cap),
        cmocka_unit_test(test_cases_follow_scopes),
        cmocka_unit_test(test_list_text_search),
        cmocka_unit_test(test_list_total_reads_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
