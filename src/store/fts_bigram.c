/* fts_bigram.c — the FTS5 tokenizer "od_bigram": every two adjacent
 * characters of a text are one token (ASCII letters folded to lower case),
 * so a query of exactly two characters — a Chinese word such as 网络 or
 * 宕机 — is one token of an index, where the trigram tokenizer has none and
 * a search fell back to reading every row (docs/internals/lists.md "Text
 * search").  A longer query is the phrase of its overlapping pairs, which
 * matches exactly where the text holds it.  A text of one character gives
 * no token; a NUL ends the text.  Characters are split by od_utf8_decode
 * (util/utf8.h), as od_utf8_count counts them: a byte of an ill-formed
 * sequence is one character.
 *
 * Built twice: into opsdesk (od_fts_bigram_register_all registers it for
 * every SQLite connection the process opens), and with OD_FTS_BIGRAM_LOADABLE
 * as a loadable extension for the sqlite3 shell (`.load od_bigram`), which
 * needs it to write the tables the tokenizer indexes. */
#ifdef OD_FTS_BIGRAM_LOADABLE
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#else
#include "store/fts_bigram.h"
#include <pthread.h>
#include <sqlite3.h>
#endif

#include "util/utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static int bigram_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)ctx;
    (void)argv;
    if (argc != 0) /* no options */
        return SQLITE_ERROR;
    static int one; /* no state: any non-NULL handle */
    *out = (Fts5Tokenizer *)&one;
    return SQLITE_OK;
}

static void bigram_delete(Fts5Tokenizer *t)
{
    (void)t;
}

static int bigram_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                           int (*token)(void *, int, const char *, int, int, int))
{
    (void)t;
    (void)flags;
    const unsigned char *p = (const unsigned char *)text;
    /* the text ends at a NUL, as for SQLite's own tokenizers: FTS5 keeps no
     * term with a NUL in it (such a term made its index unreadable) */
    const unsigned char *nul = n > 0 ? memchr(p, 0, (size_t)n) : NULL;
    if (nul)
        n = (int)(nul - p);
    if (n <= 0)
        return SQLITE_OK;
    uint32_t cp;
    int a = 0, alen = (int)od_utf8_decode(text, (size_t)n, &cp);
    while (a + alen < n) {
        int b = a + alen, blen = (int)od_utf8_decode(text + b, (size_t)(n - b), &cp);
        char buf[8];
        int k = 0;
        for (int i = a; i < b + blen; i++)
            buf[k++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + ('a' - 'A') : p[i]);
        int rc = token(ctx, 0, buf, k, a, b + blen);
        if (rc != SQLITE_OK)
            return rc;
        a = b;
        alen = blen;
    }
    return SQLITE_OK;
}

/* Registers "od_bigram" with db's FTS5; SQLITE_OK or an SQLite error. */
static int bigram_register(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
        rc = sqlite3_finalize(st);
    }
    if (rc != SQLITE_OK)
        return rc;
    if (!api || api->iVersion < 2)
        return SQLITE_ERROR;
    static fts5_tokenizer tok = {bigram_create, bigram_delete, bigram_tokenize};
    return api->xCreateTokenizer(api, "od_bigram", NULL, &tok, NULL);
}

#ifdef OD_FTS_BIGRAM_LOADABLE
/* the entry point SQLite derives from the file name od_bigram.so */
__attribute__((visibility("default"))) int sqlite3_odbigram_init(sqlite3 *db, char **err,
                                                                 const sqlite3_api_routines *api);
int sqlite3_odbigram_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
    (void)err;
    SQLITE_EXTENSION_INIT2(api);
    return bigram_register(db);
}
#else
static int auto_entry(sqlite3 *db, char **err, const struct sqlite3_api_routines *api)
{
    (void)err;
    (void)api;
    return bigram_register(db);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_rc;

static void register_once(void)
{
    once_rc = sqlite3_auto_extension((void (*)(void))auto_entry);
}

int od_fts_bigram_register_all(void)
{
    pthread_once(&once, register_once);
    return once_rc;
}
#endif
