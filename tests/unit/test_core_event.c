/* test_core_event.c — the event-management rules of core/event.h (seed 004
 * §6.2, R-EVT-1…4): matchers (every operator, missing labels, anchoring,
 * parse errors), the Alertmanager fingerprint against known values, filter,
 * every dedup transition, flapping and grouping windows 1 ms before / at the
 * boundary, classification by severity / labels / CI grade, maintenance
 * windows at their bounds, dependency suppression, responses and the
 * incident decision.  Table-driven where the input space allows. */
#include "core/event.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define LS(arr) ((od_labels){(arr), N(arr)})

static const od_label web[] = {
    {"alertname", "HighCPU"}, {"instance", "web-1:9100"}, {"severity", "critical"}, {"env", "prod"}};

/* ---- matchers ---- */

static void test_matcher_every_operator(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool expect;
    } rows[] = {
        {"alertname=HighCPU", true},
        {"alertname=\"HighCPU\"", true},
        {"alertname = HighCPU", true},
        {"alertname=highcpu", false},
        {"alertname!=HighCPU", false},
        {"alertname!=Other", true},
        {"alertname=~High.*", true},
        {"alertname=~\"High\"", false}, /* anchored: no partial match */
        {"alertname=~\"CPU\"", false},
        {"alertname=~\".*CPU\"", true},
        {"alertname=~\"HighCPU|Disk\"", true}, /* alternation inside the anchors */
        {"alertname=~\"Disk|HighCPU\"", true},
        {"alertname!~\"High.*\"", false},
        {"alertname!~\"Low.*\"", true},
        {"severity=~\"critical|disaster\"", true},
        {"instance=~\"web-[0-9]+:9100\"", true},
        {"instance=~\"web-[0-9]+\"", false},
        /* a missing label matches as "" (Alertmanager) */
        {"missing=\"\"", true},
        {"missing=x", false},
        {"missing!=x", true},
        {"missing!=\"\"", false},
        {"missing=~\".*\"", true},
        {"missing=~\".+\"", false},
        {"missing!~\".+\"", true},
        {"env=\"\"", false},
    };
    od_labels ls = LS(web);
    for (size_t i = 0; i < N(rows); i++) {
        od_matcher m;
        od_error e = {0};
        assert_int_equal(od_matcher_parse(&m, rows[i].text, &e), OD_OK);
        if (od_matcher_matches(&m, &ls) != rows[i].expect)
            fail_msg("%s: expected %d", rows[i].text, rows[i].expect);
        od_matcher_cleanup(&m);
        od_matcher_cleanup(&m); /* idempotent */
    }
}

static void test_matcher_parse_fields(void **state)
{
    (void)state;
    od_matcher m;
    od_error e = {0};
    /* \d: a valid RE2 escape (RE2 refuses unknown ones such as \c) */
    assert_int_equal(od_matcher_parse(&m, "  job =~ \"a\\\"b\\\\d\"  ", &e), OD_OK);
    assert_string_equal(m.name, "job");
    assert_int_equal(m.op, OD_MOP_RE);
    assert_string_equal(m.value, "a\"b\\d");
    od_matcher_cleanup(&m);
    assert_int_equal(od_matcher_parse(&m, "x=", &e), OD_OK); /* empty value */
    assert_string_equal(m.value, "");
    od_matcher_cleanup(&m);
    assert_int_equal(od_matcher_parse(&m, "x= a b ", &e), OD_OK); /* bare value, trailing space dropped */
    assert_string_equal(m.value, "a b");
    od_matcher_cleanup(&m);
    for (int op = 0; op < OD_MOP__COUNT; op++)
        assert_true(strlen(od_match_op_str((od_match_op)op)) >= 1);
    assert_string_equal(od_match_op_str(OD_MOP__COUNT), "?");
}

static void test_matcher_parse_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",         "=x",       "1abc=x",   "a-b=x",        "name",
        "name==", /* "==" → value "=" is fine? no: see below */
        "x=~\"(\"", "x=~\"[\"", "x=\"open", "x=\"a\" tail", "x=~\"(a)\\1\"", /* back-reference */
        "x<y",
    };
    for (size_t i = 0; i < N(bad); i++) {
        od_matcher m;
        od_error e = {0};
        od_err rc = od_matcher_parse(&m, bad[i], &e);
        if (strcmp(bad[i], "name==") == 0) { /* value "=" is legal text */
            assert_int_equal(rc, OD_OK);
            assert_string_equal(m.value, "=");
            od_matcher_cleanup(&m);
            continue;
        }
        if (rc != OD_E_INVALID)
            fail_msg("'%s' accepted", bad[i]);
        assert_true(e.message[0] != 0);
    }
    /* value too long */
    char big[OD_EVT_VALUE_MAX + 8];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    big[0] = 'x';
    big[1] = '=';
    od_matcher m;
    od_error e = {0};
    assert_int_equal(od_matcher_parse(&m, big, &e), OD_E_INVALID);
    assert_int_equal(od_matcher_init(&m, "ok", OD_MOP__COUNT, "v", &e), OD_E_INVALID);
    assert_int_equal(od_matcher_init(&m, "", OD_MOP_EQ, "v", &e), OD_E_INVALID);
    assert_int_equal(od_matcher_init(&m, "ok", OD_MOP_EQ, NULL, &e), OD_OK); /* NULL value = "" */
    assert_string_equal(m.value, "");
    od_matcher_cleanup(&m);
}

static void test_matchers_and(void **state)
{
    (void)state;
    od_matcher ms[2];
    od_error e = {0};
    assert_int_equal(od_matcher_parse(&ms[0], "env=prod", &e), OD_OK);
    assert_int_equal(od_matcher_parse(&ms[1], "severity=warning", &e), OD_OK);
    od_labels ls = LS(web);
    assert_true(od_matchers_match(ms, 0, &ls)); /* no matcher = everything */
    assert_true(od_matchers_match(ms, 1, &ls));
    assert_false(od_matchers_match(ms, 2, &ls));
    od_matcher_cleanup(&ms[0]);
    od_matcher_cleanup(&ms[1]);
    assert_null(od_labels_get(&ls, "nope"));
    assert_string_equal(od_labels_get(&ls, "env"), "prod");
    static const od_label nullv[] = {{"a", NULL}};
    od_labels ln = LS(nullv);
    assert_string_equal(od_labels_get(&ln, "a"), "");
}

/* ---- fingerprint (prometheus/common model.LabelSet.Fingerprint) ---- */

static void test_fingerprint_known_values(void **state)
{
    (void)state;
    char hex[17];
    static const od_label foo[] = {{"foo", "bar"}};
    assert_string_equal(od_event_fingerprint_hex(od_event_fingerprint(foo, 1), hex), "3fff2c2d7595e046");
    static const od_label high[] = {
        {"severity", "critical"}, {"alertname", "HighCPU"}, {"instance", "web-1:9100"}};
    assert_string_equal(od_event_fingerprint_hex(od_event_fingerprint(high, 3), hex), "cc6e49118c0ea32b");
    /* the order of the input does not matter; the empty set is the offset basis */
    static const od_label high2[] = {
        {"instance", "web-1:9100"}, {"severity", "critical"}, {"alertname", "HighCPU"}};
    assert_int_equal(od_event_fingerprint(high, 3), od_event_fingerprint(high2, 3));
    assert_string_equal(od_event_fingerprint_hex(od_event_fingerprint(NULL, 0), hex), "cbf29ce484222325");
    /* bytewise name order ("a" < "ab" < "b"), empty value, separator after each pair */
    static const od_label mix[] = {{"b", "1"}, {"a", "2"}, {"ab", ""}};
    assert_string_equal(od_event_fingerprint_hex(od_event_fingerprint(mix, 3), hex), "5510f91e521859a4");
    /* the separator keeps {a="bc"} and {ab="c"} apart */
    static const od_label s1[] = {{"a", "bc"}}, s2[] = {{"ab", "c"}};
    assert_int_not_equal(od_event_fingerprint(s1, 1), od_event_fingerprint(s2, 1));
}

/* ---- policy fixture ---- */

static void rule(od_event_rule *r, const char *name, const char *const *m, size_t nm)
{
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->matchers = calloc(nm ? nm : 1, sizeof *r->matchers);
    assert_non_null(r->matchers);
    for (size_t i = 0; i < nm; i++) {
        od_error e = {0};
        assert_int_equal(od_matcher_parse(&r->matchers[i], m[i], &e), OD_OK);
    }
    r->n_matchers = nm;
    r->classes = 1u << OD_EVC_WARNING;
}

static od_event_policy *fixture(void)
{
    od_event_policy *p = od_event_policy_new_default();
    assert_non_null(p);
    p->filters.v = calloc(1, sizeof(od_event_rule));
    rule(&p->filters.v[0], "watchdog", (const char *[]){"alertname=Watchdog"}, 1);
    p->filters.n = 1;
    p->classification.v = calloc(3, sizeof(od_event_rule));
    rule(&p->classification.v[0], "severe-graded", (const char *[]){"severity=~\"critical|high\""}, 1);
    p->classification.v[0].ci_grades = (1u << OD_GRADE_L1) | (1u << OD_GRADE_L2);
    p->classification.v[0].cls = OD_EVC_EXCEPTION;
    rule(&p->classification.v[1], "critical", (const char *[]){"severity=critical"}, 1);
    p->classification.v[1].cls = OD_EVC_EXCEPTION;
    rule(&p->classification.v[2], "info", (const char *[]){"severity=~\"info|ok\""}, 1);
    p->classification.v[2].cls = OD_EVC_INFO;
    p->classification.n = 3;
    p->responses.v = calloc(2, sizeof(od_event_rule));
    rule(&p->responses.v[0], "restart", (const char *[]){"alertname=ServiceDown"}, 1);
    p->responses.v[0].action = OD_EVA_WEBHOOK;
    snprintf(p->responses.v[0].channel, sizeof p->responses.v[0].channel, "restarter");
    rule(&p->responses.v[1], "dba", (const char *[]){"team=dba"}, 1);
    p->responses.v[1].action = OD_EVA_ALERT_ROLE;
    p->responses.v[1].role = OD_ROLE_OPS_ENGINEER;
    p->responses.v[1].classes = (1u << OD_EVC_WARNING) | (1u << OD_EVC_EXCEPTION);
    p->responses.n = 2;
    p->incidents.v = calloc(2, sizeof(od_event_rule));
    rule(&p->incidents.v[0], "crit", (const char *[]){"severity=critical"}, 1);
    p->incidents.v[0].severity = OD_SEV_SEVERE;
    rule(&p->incidents.v[1], "rest", NULL, 0);
    p->incidents.v[1].severity = OD_SEV_MINOR;
    p->incidents.n = 2;
    return p;
}

static void test_defaults(void **state)
{
    (void)state;
    od_event_policy *p = od_event_policy_new_default();
    assert_int_equal(p->default_class, OD_EVC_WARNING);
    assert_int_equal(p->default_response.action, OD_EVA_ALERT_ROLE);
    assert_int_equal(p->default_response.role, OD_ROLE_MONITORING_ENGINEER);
    assert_int_equal(p->correlation_window_ms, 600000);
    assert_true(p->dependency_suppression);
    assert_int_equal(p->flap_changes, 4);
    assert_int_equal(p->n_ci_labels, 4);
    od_labels ls = LS(web);
    assert_int_equal(od_event_filter(p, &ls), -1);
    assert_int_equal(od_event_classify(p, &ls, 0).cls, OD_EVC_WARNING);
    assert_int_equal(od_event_incident_rule(p, &ls), -1);
    od_event_policy_free(p);
    od_event_policy_free(NULL);
    /* a NULL policy behaves like the defaults where it is asked */
    assert_int_equal(od_event_classify(NULL, &ls, -1).cls, OD_EVC_WARNING);
    assert_int_equal(od_event_respond(NULL, &ls, OD_EVC_WARNING).action, OD_EVA_ALERT_ROLE);
}

/* ---- filter ---- */

static void test_filter(void **state)
{
    (void)state;
    od_event_policy *p = fixture();
    static const od_label wd[] = {{"alertname", "Watchdog"}};
    od_labels a = LS(wd), b = LS(web);
    assert_int_equal(od_event_filter(p, &a), 0);
    assert_int_equal(od_event_filter(p, &b), -1);
    od_event_policy_free(p);
}

/* ---- dedup: every (stored?, stored status, new status) ---- */

static void test_dedup_every_transition(void **state)
{
    (void)state;
    static const struct {
        bool have, stored_firing, firing;
        od_dedup_action expect;
    } rows[] = {
        {false, false, true, OD_DD_NEW},           {false, true, true, OD_DD_NEW},
        {false, false, false, OD_DD_NEW_RESOLVED}, {false, true, false, OD_DD_NEW_RESOLVED},
        {true, true, true, OD_DD_REPEAT},          {true, false, false, OD_DD_REPEAT},
        {true, true, false, OD_DD_RESOLVE},        {true, false, true, OD_DD_REOPEN},
    };
    for (size_t i = 0; i < N(rows); i++)
        assert_int_equal(od_event_dedup(rows[i].have, rows[i].stored_firing, rows[i].firing), rows[i].expect);
    for (int a = 0; a < OD_DD__COUNT; a++)
        assert_string_not_equal(od_dedup_action_key((od_dedup_action)a), "?");
    assert_string_equal(od_dedup_action_key(OD_DD__COUNT), "?");
}

/* more than 4 changes within 30 min; the window boundary 1 ms before and at */
static void test_flapping_window(void **state)
{
    (void)state;
    const int64_t W = 30 * 60 * 1000LL, T = 1000000000LL;
    od_flap f = {0};
    for (int i = 0; i < 4; i++)
        assert_false(od_event_flap_record(&f, T + i, W, 4));
    assert_true(od_event_flap_record(&f, T + 4, W, 4)); /* 5th change */
    /* at T + W + 1 the change at T is 1 ms too old: 4 + 1 kept (T+1..T+4, now) = 5 → flapping */
    od_flap g = {0};
    for (int i = 0; i < 4; i++)
        (void)od_event_flap_record(&g, T + i * 1000, W, 4);
    /* changes at T, T+1s, T+2s, T+3s; the 5th at T+W: T is exactly at the edge (kept) */
    od_flap g1 = g;
    assert_true(od_event_flap_record(&g1, T + W, W, 4));
    /* 1 ms later the change at T has left the window: 4 changes, not flapping */
    od_flap g2 = g;
    assert_false(od_event_flap_record(&g2, T + W + 1, W, 4));
    assert_int_equal(g2.n, 4);
    /* window 0 = off */
    od_flap h = {0};
    for (int i = 0; i < 10; i++)
        assert_false(od_event_flap_record(&h, T + i, 0, 1));
    assert_int_equal(h.n, 0);
    /* full buffer drops the oldest, stays bounded */
    od_flap k = {0};
    for (int i = 0; i < OD_EVT_FLAP_MAX + 10; i++)
        assert_true(od_event_flap_record(&k, T + i, W, 0));
    assert_int_equal(k.n, OD_EVT_FLAP_MAX);
    assert_int_equal(k.t[OD_EVT_FLAP_MAX - 1], T + OD_EVT_FLAP_MAX + 9);
    od_flap bad = {.n = -3};
    assert_false(od_event_flap_record(&bad, T, W, 4));
    assert_int_equal(bad.n, 1);
}

/* ---- classification: severity × CI grade (none, L1..NG) ---- */

static void test_classify_every_grade(void **state)
{
    (void)state;
    od_event_policy *p = fixture();
    static const char *const sevs[] = {"critical", "high", "warning", "info", "ok", ""};
    /* expected class and rule per severity, for grade -1 (no CI), L1, L2, L3, NG */
    static const struct {
        od_event_class c;
        int rule;
    } expect[6][5] = {
        /* critical */ {{OD_EVC_EXCEPTION, 1},
                        {OD_EVC_EXCEPTION, 0},
                        {OD_EVC_EXCEPTION, 0},
                        {OD_EVC_EXCEPTION, 1},
                        {OD_EVC_EXCEPTION, 1}},
        /* high */
        {{OD_EVC_WARNING, -1},
         {OD_EVC_EXCEPTION, 0},
         {OD_EVC_EXCEPTION, 0},
         {OD_EVC_WARNING, -1},
         {OD_EVC_WARNING, -1}},
        /* warning */
        {{OD_EVC_WARNING, -1},
         {OD_EVC_WARNING, -1},
         {OD_EVC_WARNING, -1},
         {OD_EVC_WARNING, -1},
         {OD_EVC_WARNING, -1}},
        /* info */ {{OD_EVC_INFO, 2}, {OD_EVC_INFO, 2}, {OD_EVC_INFO, 2}, {OD_EVC_INFO, 2}, {OD_EVC_INFO, 2}},
        /* ok */ {{OD_EVC_INFO, 2}, {OD_EVC_INFO, 2}, {OD_EVC_INFO, 2}, {OD_EVC_INFO, 2}, {OD_EVC_INFO, 2}},
        /* "" */
        {{OD_EVC_WARNING, -1},
         {OD_EVC_WARNING, -1},
         {OD_EVC_WARNING, -1},
         {OD_EVC_WARNING, -1},
         {OD_EVC_WARNING, -1}},
    };
    for (size_t s = 0; s < N(sevs); s++)
        for (int g = -1; g < OD_GRADE__COUNT; g++) {
            od_label l[] = {{"severity", sevs[s]}};
            od_labels ls = LS(l);
            od_classify_result r = od_event_classify(p, &ls, g);
            if (r.cls != expect[s][g + 1].c || r.rule != expect[s][g + 1].rule)
                fail_msg("severity %s grade %d: got %s/%d", sevs[s], g, od_event_class_key(r.cls), r.rule);
        }
    /* an out-of-range grade is "no CI" for grade rules */
    od_label l[] = {{"severity", "high"}};
    od_labels ls = LS(l);
    assert_int_equal(od_event_classify(p, &ls, 99).cls, OD_EVC_WARNING);
    p->default_class = OD_EVC_INFO;
    assert_int_equal(od_event_classify(p, &ls, -1).cls, OD_EVC_INFO);
    od_event_policy_free(p);
    for (int c = 0; c < OD_EVC__COUNT; c++) {
        assert_int_equal(od_event_class_parse(od_event_class_key((od_event_class)c)), c);
        assert_string_not_equal(od_event_class_name_zh((od_event_class)c), "?");
    }
    assert_int_equal(od_event_class_parse("fatal"), -1);
    assert_int_equal(od_event_class_parse(NULL), -1);
    assert_string_equal(od_event_class_key(OD_EVC__COUNT), "?");
}

/* ---- maintenance windows: bounds inclusive, CI, matchers ---- */

static void test_windows(void **state)
{
    (void)state;
    od_matcher m;
    od_error e = {0};
    assert_int_equal(od_matcher_parse(&m, "alertname=~\"High.*\"", &e), OD_OK);
    const int64_t S = 1000000, E = 2000000;
    od_window w[] = {
        {1, S, E, 7, NULL, 0}, /* CI 7, any labels */
        {2, S, E, 0, &m, 1},   /* any CI, alertname High* */
        {3, S, E, 0, NULL, 0}, /* nothing: never matches */
    };
    od_labels ls = LS(web);
    static const struct {
        int64_t now, ci;
        int expect;
    } rows[] = {
        {S - 1, 7, -1}, {S, 7, 0}, {S + 1, 7, 0}, {E - 1, 7, 0},  {E, 7, 0}, {E + 1, 7, -1},
        {S - 1, 8, -1}, {S, 8, 1}, {E, 8, 1},     {E + 1, 8, -1}, {S, 0, 1},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int got = od_windows_match(w, N(w), &ls, rows[i].ci, rows[i].now);
        if (got != rows[i].expect)
            fail_msg("row %zu: got %d", i, got);
    }
    static const od_label other[] = {{"alertname", "Disk"}};
    od_labels lo = LS(other);
    assert_int_equal(od_windows_match(w, N(w), &lo, 8, S), -1);
    assert_int_equal(od_windows_match(w, N(w), &lo, 7, S), 0);
    assert_false(od_window_matches(&w[2], &ls, 7, S));
    assert_true(od_window_active(&w[2], S));
    assert_false(od_window_active(&w[2], S - 1));
    od_matcher_cleanup(&m);
}

/* ---- dependency suppression ---- */

static void test_suppression(void **state)
{
    (void)state;
    od_event_policy *p = fixture();
    const int64_t up[] = {5, 9, 12}, tr[] = {12, 9}, none[] = {44};
    assert_int_equal(od_event_suppressed_by(p, up, 3, tr, 2), 9); /* nearest upstream first */
    assert_int_equal(od_event_suppressed_by(p, up, 3, none, 1), 0);
    assert_int_equal(od_event_suppressed_by(p, up, 0, tr, 2), 0);
    assert_int_equal(od_event_suppressed_by(p, up, 3, tr, 0), 0);
    const int64_t zero[] = {0};
    assert_int_equal(od_event_suppressed_by(p, zero, 1, zero, 1), 0);
    p->dependency_suppression = false;
    assert_int_equal(od_event_suppressed_by(p, up, 3, tr, 2), 0);
    od_event_policy_free(p);
}

/* ---- grouping: key and window boundary ---- */

static void test_grouping(void **state)
{
    (void)state;
    od_event_policy *p = fixture();
    char k[128];
    od_labels ls = LS(web);
    assert_true(od_event_group_key(p, &ls, 42, "fp", k, sizeof k));
    assert_string_equal(k, "ci:42");
    assert_true(od_event_group_key(p, &ls, 0, "fp", k, sizeof k));
    assert_string_equal(k, "labels:alertname=HighCPU;");
    static const od_label bare[] = {{"x", "1"}};
    od_labels lb = LS(bare);
    assert_true(od_event_group_key(p, &lb, 0, "fp", k, sizeof k));
    assert_string_equal(k, "key:fp");
    snprintf(p->group_by[1], OD_EVT_NAME_MAX, "env");
    p->n_group_by = 2;
    assert_true(od_event_group_key(p, &ls, 0, "fp", k, sizeof k));
    assert_string_equal(k, "labels:alertname=HighCPU;env=prod;");
    char small[8];
    assert_false(od_event_group_key(p, &ls, 0, "fp", small, sizeof small));
    assert_false(od_event_group_key(p, &ls, 123456789, "fp", small, sizeof small));
    assert_false(od_event_group_key(p, &ls, 0, "fp", small, 0));

    const int64_t L = 5000000, W = p->correlation_window_ms;
    assert_false(od_event_grouped(p, 0, L)); /* no alert yet */
    assert_true(od_event_grouped(p, L, L));
    assert_true(od_event_grouped(p, L, L + W - 1)); /* 1 ms before the end */
    assert_false(od_event_grouped(p, L, L + W));    /* at the end: a new alert */
    p->correlation_window_ms = 0;
    assert_false(od_event_grouped(p, L, L));
    assert_false(od_event_grouped(NULL, L, L));
    od_event_policy_free(p);
}

/* ---- responses ---- */

static void test_respond(void **state)
{
    (void)state;
    od_event_policy *p = fixture();
    static const od_label down[] = {{"alertname", "ServiceDown"}}, dba[] = {{"team", "dba"}},
                          plain[] = {{"alertname", "X"}};
    od_labels a = LS(down), b = LS(dba), c = LS(plain);
    od_response r = od_event_respond(p, &a, OD_EVC_WARNING);
    assert_int_equal(r.action, OD_EVA_WEBHOOK);
    assert_int_equal(r.rule, 0);
    assert_string_equal(r.channel, "restarter");
    /* the webhook rule is for warnings only; an exception falls to the default */
    r = od_event_respond(p, &a, OD_EVC_EXCEPTION);
    assert_int_equal(r.rule, -1);
    assert_int_equal(r.action, OD_EVA_ALERT_ROLE);
    assert_int_equal(r.role, OD_ROLE_MONITORING_ENGINEER);
    r = od_event_respond(p, &b, OD_EVC_EXCEPTION);
    assert_int_equal(r.rule, 1);
    assert_int_equal(r.role, OD_ROLE_OPS_ENGINEER);
    r = od_event_respond(p, &c, OD_EVC_WARNING);
    assert_int_equal(r.rule, -1);
    p->default_response.action = OD_EVA_NONE;
    assert_int_equal(od_event_respond(p, &c, OD_EVC_WARNING).action, OD_EVA_NONE);
    for (int x = 0; x < OD_EVA__COUNT; x++)
        assert_string_not_equal(od_event_action_key((od_event_action)x), "?");
    assert_string_equal(od_event_action_key(OD_EVA__COUNT), "?");
    od_event_policy_free(p);
}

/* ---- incidents ---- */

static void test_incident_decision(void **state)
{
    (void)state;
    od_event_policy *p = fixture();
    od_labels ls = LS(web);
    static const od_label warn[] = {{"severity", "warning"}};
    od_labels lw = LS(warn);
    assert_int_equal(od_event_incident_rule(p, &ls), 0);
    assert_int_equal(p->incidents.v[0].severity, OD_SEV_SEVERE);
    assert_int_equal(od_event_incident_rule(p, &lw), 1); /* the catch-all */
    p->incidents.n = 1;
    assert_int_equal(od_event_incident_rule(p, &lw), -1);
    p->incidents.n = 2;
    static const struct {
        int rule;
        bool ci;
        int64_t open;
        od_incident_decision expect;
    } rows[] = {
        {0, true, 0, OD_EVI_OPEN},   {0, true, 9, OD_EVI_ATTACH},   {0, false, 0, OD_EVI_NO_CI},
        {0, false, 9, OD_EVI_NO_CI}, {-1, true, 0, OD_EVI_NO_RULE}, {-1, false, 9, OD_EVI_NO_RULE},
    };
    for (size_t i = 0; i < N(rows); i++)
        assert_int_equal(od_event_incident_decide(rows[i].rule, rows[i].ci, rows[i].open), rows[i].expect);
    for (int d = 0; d < OD_EVI__COUNT; d++)
        assert_string_not_equal(od_incident_decision_key((od_incident_decision)d), "?");
    assert_string_equal(od_incident_decision_key(OD_EVI__COUNT), "?");
    od_event_policy_free(p);
}

/* ---- CI candidates ---- */

static void test_ci_candidates(void **state)
{
    (void)state;
    od_event_policy *p = fixture();
    od_labels ls = LS(web);
    const char *out[8];
    char buf[128];
    size_t n = od_event_ci_candidates(p, "core-db", &ls, out, 8, buf, sizeof buf);
    assert_int_equal(n, 3);
    assert_string_equal(out[0], "core-db");
    assert_string_equal(out[1], "web-1:9100");
    assert_string_equal(out[2], "web-1");
    n = od_event_ci_candidates(p, NULL, &ls, out, 8, buf, sizeof buf);
    assert_int_equal(n, 2);
    n = od_event_ci_candidates(p, "", &ls, out, 1, buf, sizeof buf); /* max respected */
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "web-1:9100");
    static const od_label odd[] = {{"host", "a:b"}, {"instance", ":90"}, {"ci", "x:"}};
    od_labels lo = LS(odd);
    n = od_event_ci_candidates(p, NULL, &lo, out, 8, buf, sizeof buf);
    assert_int_equal(n, 3);                                   /* none of them has a port to strip */
    n = od_event_ci_candidates(p, NULL, &ls, out, 8, buf, 3); /* no room for the copy */
    assert_int_equal(n, 1);
    od_event_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matcher_every_operator),
        cmocka_unit_test(test_matcher_parse_fields),
        cmocka_unit_test(test_matcher_parse_errors),
        cmocka_unit_test(test_matchers_and),
        cmocka_unit_test(test_fingerprint_known_values),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_dedup_every_transition),
        cmocka_unit_test(test_flapping_window),
        cmocka_unit_test(test_classify_every_grade),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_suppression),
        cmocka_unit_test(test_grouping),
        cmocka_unit_test(test_respond),
        cmocka_unit_test(test_incident_decision),
        cmocka_unit_test(test_ci_candidates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
