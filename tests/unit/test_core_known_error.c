/* test_core_known_error.c — the known-error database's pure rules
 * (research/modules-spec.md §M2.6, §M2.8; core/known_error.h): match rules
 * in the event policy's matcher syntax (a bad rule named by its position),
 * matching an event and an incident on rules and CIs (every combination of
 * rules present / absent, holding / not, CIs present / absent, matching /
 * not), the plan of a search query (the 3-character boundary, Chinese and
 * English, the ideographic space, quotes, the caps) and the snippet
 * (UTF-8 never split). */
#include "core/known_error.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void test_rules_parse(void **state)
{
    (void)state;
    od_ke_rules r;
    od_error e = {0};
    const char *ok[] = {"alertname=\"DiskFull\"", "instance =~ \"db-.*\"", "severity!=info", "job!~\"a|b\""};
    assert_int_equal(od_ke_rules_parse(ok, 4, &r, &e), OD_OK);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.m[1].op, OD_MOP_RE);
    assert_int_equal(r.m[2].op, OD_MOP_NE);
    od_ke_rules_cleanup(&r);
    od_ke_rules_cleanup(&r); /* idempotent */
    assert_int_equal(od_ke_rules_parse(NULL, 0, &r, &e), OD_OK);
    assert_int_equal(r.n, 0);
    /* the position of the first bad rule, from 0 in the field, from 1 in the text */
    static const struct {
        const char *rules[3];
        size_t n;
        const char *field, *text;
    } bad[] = {
        {{"no operator"}, 1, "match_rules[0]", "第 1 条"},
        {{"a=b", "x=~\"(unclosed\""}, 2, "match_rules[1]", "match rule 2"},
        {{"a=b", "c=d", "x=~\"a\\\\1\""}, 3, "match_rules[2]", "第 3 条"},
        {{"a=b", "\"quoted\"=x"}, 2, "match_rules[1]", "match rule 2"},
        {{"a=\"unterminated"}, 1, "match_rules[0]", "match rule 1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        od_error_clear(&e);
        assert_int_equal(od_ke_rules_parse(bad[i].rules, bad[i].n, &r, &e), OD_E_UNPROCESSABLE);
        assert_string_equal(e.field, bad[i].field);
        assert_non_null(strstr(e.message, bad[i].text));
        assert_int_equal(r.n, 0);
    }
    const char *many[OD_KE_RULES_MAX + 1];
    for (size_t i = 0; i <= OD_KE_RULES_MAX; i++)
        many[i] = "a=b";
    od_error_clear(&e);
    assert_int_equal(od_ke_rules_parse(many, OD_KE_RULES_MAX, &r, &e), OD_OK);
    od_ke_rules_cleanup(&r);
    assert_int_equal(od_ke_rules_parse(many, OD_KE_RULES_MAX + 1, &r, &e), OD_E_TOO_LARGE);
}

static void test_match_event_and_incident(void **state)
{
    (void)state;
    od_ke_rules yes, no;
    od_error e = {0};
    const char *ry[] = {"alertname=\"DiskFull\"", "mount=~\"/data.*\""}, *rn[] = {"alertname=\"HighCPU\""};
    assert_int_equal(od_ke_rules_parse(ry, 2, &yes, &e), OD_OK);
    assert_int_equal(od_ke_rules_parse(rn, 1, &no, &e), OD_OK);
    od_label lv[] = {{"alertname", "DiskFull"}, {"mount", "/data/1"}};
    od_labels ls = {lv, 2};
    od_label tv[] = {{"title", "x"}};
    od_labels other = {tv, 1};
    int64_t ke_cis[] = {7, 9};
    /* rules: none / holding / not holding; CIs: none / event's among them / not */
    static const struct {
        int rules; /* 0 none, 1 holding, 2 not */
        int cis;   /* 0 none, 1 matching, 2 not */
        bool want;
    } cells[] = {
        {0, 0, false}, {0, 1, true},  {0, 2, false}, {1, 0, true},  {1, 1, true},
        {1, 2, false}, {2, 0, false}, {2, 1, false}, {2, 2, false},
    };
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        od_ke_target k = {.rules = cells[i].rules == 0   ? NULL
                                   : cells[i].rules == 1 ? &yes
                                                         : &no,
                          .cis = cells[i].cis ? ke_cis : NULL,
                          .n_cis = cells[i].cis ? 2 : 0};
        int64_t ev_ci = cells[i].cis == 2 ? 8 : 9;
        assert_int_equal(od_ke_matches_event(&k, &ls, ev_ci), cells[i].want);
        /* an incident: the label sets (the rules hold on the second) and its CIs */
        od_labels sets[] = {other, ls};
        int64_t inc_cis[] = {1, ev_ci};
        assert_int_equal(od_ke_matches_incident(&k, sets, 2, inc_cis, 2), cells[i].want);
        /* rules holding on no label set of the incident */
        if (cells[i].rules == 1)
            assert_false(od_ke_matches_incident(&k, sets, 1, inc_cis, 2));
        /* an event without a CI never matches a known error with CIs */
        if (cells[i].cis)
            assert_false(od_ke_matches_event(&k, &ls, 0));
    }
    /* an empty rules set counts as none */
    od_ke_rules empty = {0};
    od_ke_target k0 = {.rules = &empty};
    assert_false(od_ke_matches_event(&k0, &ls, 9));
    od_ke_rules_cleanup(&yes);
    od_ke_rules_cleanup(&no);
}

static void test_search_plan(void **state)
{
    (void)state;
    static const struct {
        const char *q;
        od_search_mode mode;
        const char *expr;
    } cells[] = {
        {"", OD_SEARCH_ALL, ""},
        {"   ", OD_SEARCH_ALL, ""},
        {"\xE3\x80\x80", OD_SEARCH_ALL, ""}, /* the ideographic space alone */
        {"ab", OD_SEARCH_LIKE, "ab"},        /* 2 characters: a scan */
        {"abc", OD_SEARCH_FTS, "\"abc\""},   /* 3: the index */
        {"只读", OD_SEARCH_LIKE, "只读"},
        {"只读模", OD_SEARCH_FTS, "\"只读模\""},
        {" disk  full ", OD_SEARCH_FTS, "\"disk\" \"full\""},
        {"数据库\xE3\x80\x80只读模式", OD_SEARCH_FTS, "\"数据库\" \"只读模式\""},
        {"disk io", OD_SEARCH_LIKE, "disk io"}, /* one short term: the whole query one substring */
        {"say \"hi\"", OD_SEARCH_FTS, "\"say\" \"\"\"hi\"\"\""},
        {"a\tb", OD_SEARCH_LIKE, "a\tb"},
    };
    char expr[OD_SEARCH_EXPR_MAX];
    od_search_mode mode;
    od_error e = {0};
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        assert_int_equal(od_search_plan(cells[i].q, &mode, expr, &e), OD_OK);
        assert_int_equal(mode, cells[i].mode);
        assert_string_equal(expr, cells[i].expr);
    }
    assert_int_equal(od_search_plan(NULL, &mode, expr, &e), OD_OK);
    assert_int_equal(mode, OD_SEARCH_ALL);
    /* caps: bytes (at and over), terms (at and over), UTF-8 */
    char q[OD_SEARCH_QUERY_MAX + 2];
    memset(q, 'x', OD_SEARCH_QUERY_MAX);
    q[OD_SEARCH_QUERY_MAX] = 0;
    assert_int_equal(od_search_plan(q, &mode, expr, &e), OD_OK);
    q[OD_SEARCH_QUERY_MAX] = 'x';
    q[OD_SEARCH_QUERY_MAX + 1] = 0;
    assert_int_equal(od_search_plan(q, &mode, expr, &e), OD_E_INVALID);
    assert_string_equal(e.field, "q");
    assert_int_equal(od_search_plan("aaa bbb ccc ddd eee fff ggg hhh", &mode, expr, &e), OD_OK);
    od_error_clear(&e);
    assert_int_equal(od_search_plan("aaa bbb ccc ddd eee fff ggg hhh iii", &mode, expr, &e), OD_E_INVALID);
    od_error_clear(&e);
    assert_int_equal(od_search_plan("ab\xff", &mode, expr, &e), OD_E_INVALID);
    /* the longest expression fits: 256 quotes doubled */
    char qq[OD_SEARCH_QUERY_MAX + 1];
    memset(qq, '"', OD_SEARCH_QUERY_MAX);
    qq[OD_SEARCH_QUERY_MAX] = 0;
    assert_int_equal(od_search_plan(qq, &mode, expr, &e), OD_OK);
    assert_int_equal(strlen(expr), 2 * OD_SEARCH_QUERY_MAX + 2);
}

static void test_snippet(void **state)
{
    (void)state;
    char out[64];
    /* around the hit, case ignored, "…" where cut */
    assert_string_equal(od_search_snippet("0123456789 Disk full here 0123456789", "disk", 3, out, sizeof out),
                        "\xE2\x80\xA6"
                        "89 Disk fu\xE2\x80\xA6");
    /* Chinese: characters, not bytes */
    assert_string_equal(od_search_snippet("甲乙丙丁戊己庚辛", "丁戊", 2, out, sizeof out),
                        "\xE2\x80\xA6"
                        "乙丙丁戊己庚\xE2\x80\xA6");
    /* the first term found; no hit: the start */
    assert_string_equal(od_search_snippet("abc def", "zzz def", 10, out, sizeof out), "abc def");
    assert_string_equal(od_search_snippet("abcdefgh", "zzz", 2, out, sizeof out), "abcd\xE2\x80\xA6");
    assert_string_equal(od_search_snippet(NULL, NULL, 2, out, sizeof out), "");
    /* a small buffer never splits a character */
    char tiny[8];
    od_search_snippet("甲乙丙丁", "zzz", 10, tiny, sizeof tiny);
    assert_string_equal(tiny, "甲乙");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_parse),
        cmocka_unit_test(test_match_event_and_incident),
        cmocka_unit_test(test_search_plan),
        cmocka_unit_test(test_snippet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
