/* fuzz_bigram.c — the FTS5 tokenizer od_bigram (src/store/fts_bigram.c).
 * Input: any bytes, indexed as the one row of an od_bigram table and then
 * queried as one phrase.  Invariants: no more tokens than bytes less one;
 * a text that gave tokens (no NUL in it) is found by the phrase of itself
 * (the query is tokenized as the text was). */
#include "fuzz.h"

#include "store/fts_bigram.h"

#include <sqlite3.h>

static sqlite3 *db;

static sqlite3 *open_once(void)
{
    if (db)
        return db;
    if (od_fts_bigram_register_all() != SQLITE_OK || sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'od_bigram');"
                     "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');",
                     NULL, NULL, NULL) != SQLITE_OK)
        abort();
    return db;
}

static int64_t scalar(const char *sql, const uint8_t *text, size_t n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        abort();
    if (text)
        sqlite3_bind_text(st, 1, (const char *)text, (int)n, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    open_once();
    if (sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL) != SQLITE_OK)
        abort();
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES (1, ?)", -1, &st, NULL) != SQLITE_OK)
        abort();
    sqlite3_bind_text(st, 1, (const char *)data, (int)size, SQLITE_STATIC);
    FUZZ_CHECK(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    int64_t tokens = scalar("SELECT count(*) FROM v", NULL, 0);
    FUZZ_CHECK(tokens >= 0 && (size == 0 ? tokens == 0 : tokens <= (int64_t)size - 1));
    if (tokens > 0 && !memchr(data, 0, size)) {
        int64_t hits = scalar(
            "SELECT count(*) FROM t WHERE t MATCH ('\"' || replace(?, '\"', '\"\"') || '\"')", data, size);
        FUZZ_CHECK(hits == 1);
    }
    return 0;
}
