/* queries_search.h — the incident list's text filter q by a full-text index
 * (migrations 0030, 0052; docs/internals/lists.md "Text search").  Used
 * when q has 2 characters or more: the matching ids come from the indexes
 * (incidents_fts: number, title, symptoms; cis_fts: the names of the
 * incident's CIs), the other filters are residual terms, the order is the
 * id's (newest first) from a keyset cursor.  SQLite matches q as one FTS5
 * phrase (a substring): of 3 characters or more in the trigram tables, of
 * exactly 2 in the od_bigram tables incidents_fts2 and cis_fts2 (each table
 * is given the empty phrase, which matches nothing, when q is not its
 * length; a trigram table finds no 2-character phrase); q is bound once per
 * pair of tables (p, c).  PostgreSQL's texts
 * (queries_pg.h) match ILIKE '%q%' by pg_trgm indexes.  Both bind q itself
 * (not a pattern) and quote or escape it in SQL. */
#ifndef OD_QUERIES_SEARCH_H
#define OD_QUERIES_SEARCH_H

#define OD_QUERY_LIST_SEARCH(X)                                                                              \
    /* binds: q, q, before_id, 12 filter binds (state ... owned), limit, offset */                           \
    X(INC_LIST_TEXT,                                                                                         \
      "WITH p(v) AS (SELECT ?), c(v) AS (SELECT ?), k(before, st1, st2, lv1, lv2, rs1, rs2, dr1, "           \
      "dr2, mine, me1, owned, me2) AS (SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) SELECT id, "            \
      "departments FROM incidents WHERE id IN (SELECT f.rowid FROM incidents_fts f JOIN incidents i "        \
      "ON i.id = f.rowid WHERE incidents_fts MATCH (SELECT '\"' || replace(v, '\"', '\"\"') || '\"' "        \
      "FROM p) AND f.rowid < (SELECT before FROM k) AND ((SELECT st1 FROM k) = '' OR i.state = "             \
      "(SELECT st2 FROM k)) AND ((SELECT lv1 FROM k) = '' OR i.level = (SELECT lv2 FROM k)) AND "            \
      "((SELECT rs1 FROM k) = '' OR i.response_level = (SELECT rs2 FROM k)) AND ((SELECT dr1 FROM "          \
      "k) = -1 OR i.drill = (SELECT dr2 FROM k)) AND ((SELECT mine FROM k) = 0 OR (i.state IN "              \
      "('detected', 'reported', 'confirmed', 'activated') AND i.id IN (SELECT incident_id FROM "             \
      "incident_recipients WHERE user_id = (SELECT me1 FROM k) AND ack_due IS NOT NULL AND acked_at "        \
      "IS NULL))) AND ((SELECT owned FROM k) = 0 OR i.owner_id = (SELECT me2 FROM k)) UNION SELECT "         \
      "f.rowid FROM incidents_fts2 f JOIN incidents i ON i.id = f.rowid WHERE incidents_fts2 MATCH "         \
      "(SELECT CASE WHEN length(v) = 2 THEN '\"' || replace(v, '\"', '\"\"') || '\"' ELSE '\"\"' "           \
      "END FROM p) AND f.rowid < (SELECT before FROM k) AND ((SELECT st1 FROM k) = '' OR i.state = "         \
      "(SELECT st2 FROM k)) AND ((SELECT lv1 FROM k) = '' OR i.level = (SELECT lv2 FROM k)) AND "            \
      "((SELECT rs1 FROM k) = '' OR i.response_level = (SELECT rs2 FROM k)) AND ((SELECT dr1 FROM "          \
      "k) = -1 OR i.drill = (SELECT dr2 FROM k)) AND ((SELECT mine FROM k) = 0 OR (i.state IN "              \
      "('detected', 'reported', 'confirmed', 'activated') AND i.id IN (SELECT incident_id FROM "             \
      "incident_recipients WHERE user_id = (SELECT me1 FROM k) AND ack_due IS NOT NULL AND acked_at "        \
      "IS NULL))) AND ((SELECT owned FROM k) = 0 OR i.owner_id = (SELECT me2 FROM k)) UNION SELECT "         \
      "ic.incident_id FROM incident_cis ic JOIN incidents i ON i.id = ic.incident_id WHERE ic.ci_id "        \
      "IN (SELECT rowid FROM cis_fts WHERE cis_fts MATCH (SELECT '\"' || replace(v, '\"', '\"\"') "          \
      "|| '\"' FROM c) UNION SELECT rowid FROM cis_fts2 WHERE cis_fts2 MATCH (SELECT CASE WHEN "             \
      "length(v) = 2 THEN '\"' || replace(v, '\"', '\"\"') || '\"' ELSE '\"\"' END FROM c)) AND "            \
      "ic.incident_id < (SELECT before FROM k) AND ((SELECT st1 FROM k) = '' OR i.state = (SELECT "          \
      "st2 FROM k)) AND ((SELECT lv1 FROM k) = '' OR i.level = (SELECT lv2 FROM k)) AND ((SELECT "           \
      "rs1 FROM k) = '' OR i.response_level = (SELECT rs2 FROM k)) AND ((SELECT dr1 FROM k) = -1 OR "        \
      "i.drill = (SELECT dr2 FROM k)) AND ((SELECT mine FROM k) = 0 OR (i.state IN ('detected', "            \
      "'reported', 'confirmed', 'activated') AND i.id IN (SELECT incident_id FROM "                          \
      "incident_recipients WHERE user_id = (SELECT me1 FROM k) AND ack_due IS NOT NULL AND acked_at "        \
      "IS NULL))) AND ((SELECT owned FROM k) = 0 OR i.owner_id = (SELECT me2 FROM k)) ORDER BY 1 "           \
      "DESC LIMIT ? OFFSET ?) ORDER BY id DESC")                                                             \
    /* its total: the same binds, the cap last */                                                            \
    X(INC_COUNT_TEXT,                                                                                        \
      "WITH p(v) AS (SELECT ?), c(v) AS (SELECT ?), k(before, st1, st2, lv1, lv2, rs1, rs2, dr1, "           \
      "dr2, mine, me1, owned, me2) AS (SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) SELECT "                \
      "COUNT(*) FROM (SELECT f.rowid FROM incidents_fts f JOIN incidents i ON i.id = f.rowid WHERE "         \
      "incidents_fts MATCH (SELECT '\"' || replace(v, '\"', '\"\"') || '\"' FROM p) AND f.rowid < "          \
      "(SELECT before FROM k) AND ((SELECT st1 FROM k) = '' OR i.state = (SELECT st2 FROM k)) AND "          \
      "((SELECT lv1 FROM k) = '' OR i.level = (SELECT lv2 FROM k)) AND ((SELECT rs1 FROM k) = '' OR "        \
      "i.response_level = (SELECT rs2 FROM k)) AND ((SELECT dr1 FROM k) = -1 OR i.drill = (SELECT "          \
      "dr2 FROM k)) AND ((SELECT mine FROM k) = 0 OR (i.state IN ('detected', 'reported', "                  \
      "'confirmed', 'activated') AND i.id IN (SELECT incident_id FROM incident_recipients WHERE "            \
      "user_id = (SELECT me1 FROM k) AND ack_due IS NOT NULL AND acked_at IS NULL))) AND ((SELECT "          \
      "owned FROM k) = 0 OR i.owner_id = (SELECT me2 FROM k)) UNION SELECT f.rowid FROM "                    \
      "incidents_fts2 f JOIN incidents i ON i.id = f.rowid WHERE incidents_fts2 MATCH (SELECT CASE "         \
      "WHEN length(v) = 2 THEN '\"' || replace(v, '\"', '\"\"') || '\"' ELSE '\"\"' END FROM p) AND "        \
      "f.rowid < (SELECT before FROM k) AND ((SELECT st1 FROM k) = '' OR i.state = (SELECT st2 FROM "        \
      "k)) AND ((SELECT lv1 FROM k) = '' OR i.level = (SELECT lv2 FROM k)) AND ((SELECT rs1 FROM k) "        \
      "= '' OR i.response_level = (SELECT rs2 FROM k)) AND ((SELECT dr1 FROM k) = -1 OR i.drill = "          \
      "(SELECT dr2 FROM k)) AND ((SELECT mine FROM k) = 0 OR (i.state IN ('detected', 'reported', "          \
      "'confirmed', 'activated') AND i.id IN (SELECT incident_id FROM incident_recipients WHERE "            \
      "user_id = (SELECT me1 FROM k) AND ack_due IS NOT NULL AND acked_at IS NULL))) AND ((SELECT "          \
      "owned FROM k) = 0 OR i.owner_id = (SELECT me2 FROM k)) UNION SELECT ic.incident_id FROM "             \
      "incident_cis ic JOIN incidents i ON i.id = ic.incident_id WHERE ic.ci_id IN (SELECT rowid "           \
      "FROM cis_fts WHERE cis_fts MATCH (SELECT '\"' || replace(v, '\"', '\"\"') || '\"' FROM c) "           \
      "UNION SELECT rowid FROM cis_fts2 WHERE cis_fts2 MATCH (SELECT CASE WHEN length(v) = 2 THEN "          \
      "'\"' || replace(v, '\"', '\"\"') || '\"' ELSE '\"\"' END FROM c)) AND ic.incident_id < "              \
      "(SELECT before FROM k) AND ((SELECT st1 FROM k) = '' OR i.state = (SELECT st2 FROM k)) AND "          \
      "((SELECT lv1 FROM k) = '' OR i.level = (SELECT lv2 FROM k)) AND ((SELECT rs1 FROM k) = '' OR "        \
      "i.response_level = (SELECT rs2 FROM k)) AND ((SELECT dr1 FROM k) = -1 OR i.drill = (SELECT "          \
      "dr2 FROM k)) AND ((SELECT mine FROM k) = 0 OR (i.state IN ('detected', 'reported', "                  \
      "'confirmed', 'activated') AND i.id IN (SELECT incident_id FROM incident_recipients WHERE "            \
      "user_id = (SELECT me1 FROM k) AND ack_due IS NOT NULL AND acked_at IS NULL))) AND ((SELECT "          \
      "owned FROM k) = 0 OR i.owner_id = (SELECT me2 FROM k)) ORDER BY 1 DESC LIMIT ?)")                     \
    /* the same total when q is the only filter: the index alone answers (no incident row                    \
     * read); binds: q, q, the cap */                                                                        \
    X(INC_COUNT_TEXT_ONLY,                                                                                   \
      "SELECT COUNT(*) FROM (WITH p(v) AS (SELECT ?), c(v) AS (SELECT ?) SELECT rowid FROM "                 \
      "incidents_fts WHERE incidents_fts MATCH (SELECT '\"' || replace(v, '\"', '\"\"') || '\"' "            \
      "FROM p) UNION SELECT rowid FROM incidents_fts2 WHERE incidents_fts2 MATCH (SELECT CASE WHEN "         \
      "length(v) = 2 THEN '\"' || replace(v, '\"', '\"\"') || '\"' ELSE '\"\"' END FROM p) UNION "           \
      "SELECT ic.incident_id FROM incident_cis ic WHERE ic.ci_id IN (SELECT rowid FROM cis_fts "             \
      "WHERE cis_fts MATCH (SELECT '\"' || replace(v, '\"', '\"\"') || '\"' FROM c) UNION SELECT "           \
      "rowid FROM cis_fts2 WHERE cis_fts2 MATCH (SELECT CASE WHEN length(v) = 2 THEN '\"' || "               \
      "replace(v, '\"', '\"\"') || '\"' ELSE '\"\"' END FROM c)) LIMIT ?) t")

#endif
