/* queries_cisearch.h — the CI list's text filter q by a full-text index
 * (migration 0043; docs/internals/lists.md "Text search of CIs").  Used when
 * q has 3 characters or more: the candidate ids come from cis_q_fts (name,
 * location, department, attributes) or the category named by q; every
 * filter of CI_LIST, its LIKE terms included, stays as a residual term, so
 * the matches are exactly those of CI_LIST.  SQLite matches q as one FTS5
 * phrase (a substring with the trigram tokenizer); PostgreSQL's texts
 * (queries_pg.h) match ILIKE '%q%' by pg_trgm indexes.  Binds: q, the
 * category named by q, then the binds of CI_LIST / CI_COUNT. */
#ifndef OD_QUERIES_CISEARCH_H
#define OD_QUERIES_CISEARCH_H

#define OD_QUERY_LIST_CISEARCH(X)                                                                            \
    X(CI_LIST_TEXT,                                                                                          \
      "SELECT id, name, category, grade, department, environment, location, attributes, "                    \
      "last_verified_at, verified_by, created_at, updated_at, retired_at, retired_reason FROM cis WHERE "    \
      "(id IN (SELECT rowid FROM cis_q_fts WHERE cis_q_fts MATCH ('\"' || replace(?, '\"', '\"\"') || "      \
      "'\"')) OR category = ?) AND id > ? AND (? = '' OR category = ?) AND (? = '' OR grade = ?) AND (? = "  \
      "'' OR name LIKE ? ESCAPE '\\' OR location LIKE ? ESCAPE '\\' OR department LIKE ? ESCAPE '\\' OR "    \
      "attributes LIKE ? ESCAPE '\\' OR category = ?) AND (? = 1 OR retired_at IS NULL) ORDER BY id LIMIT "  \
      "? OFFSET ?")                                                                                          \
    X(CI_COUNT_TEXT,                                                                                         \
      "SELECT COUNT(*) FROM (SELECT 1 FROM cis WHERE (id IN (SELECT rowid FROM cis_q_fts WHERE cis_q_fts "   \
      "MATCH ('\"' || replace(?, '\"', '\"\"') || '\"')) OR category = ?) AND id > ? AND (? = '' OR "        \
      "category = ?) AND (? = '' OR grade = ?) AND (? = '' OR name LIKE ? ESCAPE '\\' OR location LIKE ? "   \
      "ESCAPE '\\' OR department LIKE ? ESCAPE '\\' OR attributes LIKE ? ESCAPE '\\' OR category = ?) AND "  \
      "(? = 1 OR retired_at IS NULL) LIMIT ?) t")

#endif
