/* queries_search.h — the incident list's text filter q by a full-text index
 * (migration 0030; docs/internals/lists.md "Text search").  Used when q has
 * 3 characters or more (a trigram): the matching ids come from the index
 * (incidents_fts: number, title, symptoms; cis_fts: the names of the
 * incident's CIs), the other filters are residual terms, the order is the
 * id's (newest first) from a keyset cursor.  SQLite matches q as one FTS5
 * phrase (a substring, with the trigram tokenizer); PostgreSQL's texts
 * (queries_pg.h) match ILIKE '%q%' by pg_trgm indexes.  Both bind q itself
 * (not a pattern) and quote or escape it in SQL. */
#ifndef OD_QUERIES_SEARCH_H
#define OD_QUERIES_SEARCH_H

#define OD_QUERY_LIST_SEARCH(X)                                                                              \
    /* binds: q, q, before_id, 12 filter binds (state ... owned), limit, offset */                           \
    X(INC_LIST_TEXT,                                                                                         \
      "SELECT id, departments FROM incidents WHERE id IN (SELECT rowid FROM incidents_fts WHERE "            \
      "incidents_fts MATCH ('\"' || replace(?, '\"', '\"\"') || '\"') UNION SELECT "                         \
      "ic.incident_id FROM incident_cis ic WHERE ic.ci_id IN (SELECT rowid FROM cis_fts WHERE "              \
      "cis_fts MATCH ('\"' || replace(?, '\"', '\"\"') || '\"'))) AND id < ? AND (? = '' OR "                \
      "state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR "              \
      "drill = ?) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', 'activated') "               \
      "AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND ack_due IS NOT NULL "    \
      "AND "                                                                                                 \
      "acked_at IS NULL))) AND (? = 0 OR owner_id = ?) ORDER BY id DESC LIMIT ? OFFSET ?")                   \
    /* its total: the same binds, the cap last */                                                            \
    X(INC_COUNT_TEXT,                                                                                        \
      "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE id IN (SELECT rowid FROM "                        \
      "incidents_fts WHERE incidents_fts MATCH ('\"' || replace(?, '\"', '\"\"') || '\"') UNION "            \
      "SELECT ic.incident_id FROM incident_cis ic WHERE ic.ci_id IN (SELECT rowid FROM cis_fts "             \
      "WHERE cis_fts MATCH ('\"' || replace(?, '\"', '\"\"') || '\"'))) AND id < ? AND (? = '' "             \
      "OR state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 "              \
      "OR drill = ?) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', 'activated') "            \
      "AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND ack_due IS NOT NULL "    \
      "AND "                                                                                                 \
      "acked_at IS NULL))) AND (? = 0 OR owner_id = ?) LIMIT ?) t")                                          \
    /* the same total when q is the only filter: the index alone answers (no incident row                    \
     * read); binds: q, q, the cap */                                                                        \
    X(INC_COUNT_TEXT_ONLY,                                                                                   \
      "SELECT COUNT(*) FROM (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ('\"' || "            \
      "replace(?, '\"', '\"\"') || '\"') UNION SELECT ic.incident_id FROM incident_cis ic WHERE "            \
      "ic.ci_id IN (SELECT rowid FROM cis_fts WHERE cis_fts MATCH ('\"' || replace(?, '\"', "                \
      "'\"\"') || '\"')) LIMIT ?) t")

#endif
