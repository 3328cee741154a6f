/* The FTS5 tokenizer od_bigram (src/store/fts_bigram.c): every two adjacent
 * characters one token, ASCII folded, byte offsets of the pair; a text of
 * one character gives none; a byte that starts no valid UTF-8 sequence is
 * one character; a phrase of more than two characters matches where the
 * text holds it. */
#include "store/fts_bigram.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>

static sqlite3 *db;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(od_fts_bigram_register_all(), SQLITE_OK);
    assert_int_equal(od_fts_bigram_register_all(), SQLITE_OK); /* twice: once */
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'od_bigram');"
                                  "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sqlite3_close(db);
    return 0;
}

/* The tokens of text, "term@offset" joined by spaces (offset: the token's
 * position), into out. */
static void tokens_n(const char *text, int len, char *out, size_t n);

static void tokens(const char *text, char *out, size_t n)
{
    tokens_n(text, -1, out, n);
}

/* The same of len bytes of text (NULs included). */
static void tokens_n(const char *text, int len, char *out, size_t n)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES (1, ?)", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, text, len, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT term, offset FROM v ORDER BY offset", -1, &st, NULL),
                     SQLITE_OK);
    size_t k = 0;
    out[0] = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        k += (size_t)snprintf(out + k, n - k, "%s%s@%d", k ? " " : "",
                              (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
    sqlite3_finalize(st);
}

static void test_tokens(void **state)
{
    (void)state;
    char got[512];
    static const struct {
        const char *text, *want;
    } rows[] = {
        {"", ""},
        {"a", ""},
        {"网", ""},
        {"ab", "ab@0"},
        {"AbC", "ab@0 bc@1"},
        {"网络", "网络@0"},
        {"A网络B", "a网@0 网络@1 络b@2"},
        {"a b", "a @0  b@1"},
        {"\xF0\x9F\x94\xA5x", "\xF0\x9F\x94\xA5x@0"}, /* 4 bytes and 1 */
        {"\xFF\xFEz", "\xFF\xFE@0 \xFEz@1"},          /* bytes that start nothing: a character each */
        {"\xE7\xBD", "\xE7\xBD@0"},                   /* a cut sequence: two characters */
        {"\xC3\xA9\xC3\x89", "\xC3\xA9\xC3\x89@0"},   /* é É: only ASCII is folded */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tokens(rows[i].text, got, sizeof got);
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("row %zu: got [%s], want [%s]", i, got, rows[i].want);
    }
    /* a NUL ends the text (a term holding one made FTS5's index unreadable:
     * found by fuzz_bigram, tests/fuzz/corpus/bigram/nul) */
    tokens_n("ab\0cd", 5, got, sizeof got);
    assert_string_equal(got, "ab@0");
    tokens_n("\0\0", 2, got, sizeof got);
    assert_string_equal(got, "");
    tokens_n("A\0B", 3, got, sizeof got);
    assert_string_equal(got, "");
    assert_int_equal(sqlite3_exec(db, "INSERT INTO t(t) VALUES ('integrity-check')", NULL, NULL, NULL),
                     SQLITE_OK);
}

static int64_t hits(const char *phrase)
{
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ('\"' || ? || '\"')", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, phrase, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_phrases(void **state)
{
    (void)state;
    assert_int_equal(sqlite3_exec(db,
                                  "DELETE FROM t; INSERT INTO t(rowid, x) VALUES (1, '核心交换机网络中断'), "
                                  "(2, '网络'), (3, 'Disk FULL on db-01'), (4, '断网'), (5, '告警-警报')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(hits("网络"), 2);
    assert_int_equal(hits("络中"), 1);
    assert_int_equal(hits("网络中断"), 1);
    assert_int_equal(hits("交换网络"), 0);
    assert_int_equal(hits("告警报"), 0); /* both pairs are in row 5, not one after the other */
    assert_int_equal(hits("警-警"), 1);
    assert_int_equal(hits("断网"), 1);
    assert_int_equal(hits("disk full"), 1);
    assert_int_equal(hits("DB"), 1);
    assert_int_equal(hits("网"), 0); /* one character: no token */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_phrases),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
