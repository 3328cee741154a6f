/* fts_bigram.h — the FTS5 tokenizer "od_bigram" (fts_bigram.c): two
 * adjacent characters per token, for text queries of two characters. */
#ifndef OD_STORE_FTS_BIGRAM_H
#define OD_STORE_FTS_BIGRAM_H

/* Registers the tokenizer for every SQLite connection this process opens
 * from now on (sqlite3_auto_extension; once per process, any thread).
 * SQLITE_OK or an SQLite error code. */
int od_fts_bigram_register_all(void);

#endif
