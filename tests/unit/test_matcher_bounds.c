/* test_matcher_bounds.c — label-matcher regexes cannot stall ingestion
 * (probe-security.md H4): a catalogue of patterns that blow up a
 * backtracking or a POSIX engine, each either refused by od_matcher_init
 * (RE2's bounds: counted repetition at most 1000, nested ones multiplied;
 * program size) or matched against adversarial 1000-byte label values in
 * bounded time (a generous 1 s per pattern for all its subjects, ASan
 * on a shared machine included; RE2 alone takes under 1 ms; POSIX regcomp took
 * 2.9–7.2 s for one match of the nested ones).  Plus the value and compiled regex
 * that od_matcher_copy shares outliving the original. */
#include "core/event.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static double mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* refused: 1 = od_matcher_init must refuse; 0 = must compile. */
static const struct {
    const char *re;
    int refused;
} catalogue[] = {
    {"(a+)+$", 0},
    {"(a|aa)+$", 0},
    {"(a|a)+b", 0},
    {"(.*a){20}", 0},
    {"(a*)*b", 0},
    {"(x+x+)+y", 0},
    {"(\\w+\\s?)+$", 0},
    {"^(([a-z])+.)+[A-Z]([a-z])+$", 0},
    {"(.*){1,32}[bc]", 0},
    {"a{1000}", 0},
    {"(a{1,10}){1,100}", 0}, /* 10 × 100 = 1000: at the bound */
    {"(a{1,10}){1,101}", 1}, /* 1010: past it */
    {"a{1001}", 1},
    {"((a{1,50}){1,50}){1,50}", 1}, /* the probe's pattern */
    {"(a{1,100}){1,100}", 1},
    {"((((a{1,10}){1,10}){1,10}){1,10})", 1},
    {"(x{2,}){1000}", 1},
    {"\\1(a)", 1}, /* back-references: not regular */
    {"(?P<n>a)(?P=n)", 1},
    {"(", 1},
};

static void test_catastrophic_patterns(void **state)
{
    (void)state;
    char subj[6][1100];
    memset(subj[0], 'a', 1000), subj[0][1000] = 0;
    memset(subj[1], 'a', 1000), subj[1][1000] = '!', subj[1][1001] = 0;
    memset(subj[2], 'x', 1000), subj[2][1000] = 0;
    for (int i = 0; i < 1000; i++)
        subj[3][i] = "ab"[i % 2];
    subj[3][1000] = 0;
    memset(subj[4], 'a', 30), subj[4][30] = '!', subj[4][31] = 0;
    for (int i = 0; i < 1000; i++)
        subj[5][i] = (char)('a' + i % 26);
    subj[5][1000] = 0;
    for (size_t i = 0; i < N(catalogue); i++) {
        od_matcher m;
        od_error e = {0};
        double t0 = mono_ms();
        od_err rc = od_matcher_init(&m, "alertname", OD_MOP_RE, catalogue[i].re, &e);
        if (catalogue[i].refused) {
            if (rc == OD_OK)
                fail_msg("%s: compiled, expected refused", catalogue[i].re);
            if (!strstr(e.message, "regex"))
                fail_msg("%s: message %s", catalogue[i].re, e.message);
            continue;
        }
        if (rc != OD_OK)
            fail_msg("%s: refused: %s", catalogue[i].re, e.message);
        for (size_t k = 0; k < N(subj); k++) {
            od_label l = {"alertname", subj[k]};
            od_labels ls = {&l, 1};
            (void)od_matcher_matches(&m, &ls);
        }
        double ms = mono_ms() - t0;
        if (ms > 1000)
            fail_msg("%s: %.1f ms to compile and match 6 subjects", catalogue[i].re, ms);
        od_matcher_cleanup(&m);
    }
}

static void test_answers_are_exact(void **state)
{
    (void)state;
    /* a bounded engine that gave up would answer wrongly here; RE2 does not give up */
    static const struct {
        const char *re, *value;
        bool match;
    } rows[] = {
        {"(a+)+", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true},
        {"(a+)+", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", false},
        {"(a|aa)+", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true},
        {"(.*a){20}", "aaaaaaaaaaaaaaaaaaaa", true},
        {"(.*a){20}", "aaaaaaaaaaaaaaaaaaa", false},
        {"web-.*", "web-1:9100", true},
        {"web-.*", "xweb-1", false}, /* anchored at both ends */
        {"web|db", "webdb", false},
        {"web|db", "db", true},
    };
    for (size_t i = 0; i < N(rows); i++) {
        od_matcher m;
        od_error e = {0};
        assert_int_equal(od_matcher_init(&m, "x", OD_MOP_RE, rows[i].re, &e), OD_OK);
        od_label l = {"x", rows[i].value};
        od_labels ls = {&l, 1};
        if (od_matcher_matches(&m, &ls) != rows[i].match)
            fail_msg("%s ~ %s: expected %d", rows[i].re, rows[i].value, rows[i].match);
        od_matcher_cleanup(&m);
    }
}

static void test_copy_shares_and_outlives(void **state)
{
    (void)state;
    od_matcher a, b;
    od_error e = {0};
    assert_int_equal(od_matcher_init(&a, "env", OD_MOP_NRE, "prod|staging", &e), OD_OK);
    assert_int_equal(od_matcher_copy(&b, &a, &e), OD_OK);
    assert_ptr_equal(a.re, b.re);       /* not compiled again */
    assert_ptr_equal(a.value, b.value); /* nor copied */
    od_matcher_cleanup(&a);
    od_label l = {"env", "dev"};
    od_labels ls = {&l, 1};
    assert_true(od_matcher_matches(&b, &ls));
    l.value = "prod";
    assert_false(od_matcher_matches(&b, &ls));
    od_matcher_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catastrophic_patterns),
        cmocka_unit_test(test_answers_are_exact),
        cmocka_unit_test(test_copy_shares_and_outlives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
