/* queries_cases.h — the case library's text search by the full-text index
 * (docs/internals/lists.md "The case library's search").  The matching
 * cases come from search_docs (source 'case', migration 0014: FTS5 with the
 * trigram tokenizer on SQLite, pg_trgm on PostgreSQL) in one statement with
 * the level and category filters, newest first, one page: no case is read
 * that the page does not show (a scoped reader's page is still taken in C,
 * over the matches only).  The _FTS texts bind the FTS5 expression of
 * od_search_plan (every term quoted, a quote doubled: each term a
 * substring, ASCII case ignored); PostgreSQL's texts (queries_pg.h) find
 * the first term by its trigram index and check every term as today.  The
 * _LIKE texts (a term shorter than 3 characters) bind a LIKE pattern of the
 * whole query and read every document of the library.
 * Binds: the expression or pattern, scoped (1: read the incident's
 * departments), level, level, category, category pattern, limit, offset;
 * the counts bind the first and the four filter binds. */
#ifndef OD_QUERIES_CASES_H
#define OD_QUERIES_CASES_H

#define OD_QUERY_LIST_CASES(X)                                                                               \
    X(CASE_SEARCH_FTS,                                                                                       \
      "WITH hits(id) AS (SELECT ref_id FROM search_docs WHERE body MATCH ? AND source = 'case') SELECT "     \
      "incident_id, number, title, level, highest_response, categories, ci_names, cause, drill, "            \
      "created_at, CASE WHEN ? = 1 THEN (SELECT departments FROM incidents WHERE incidents.id = "            \
      "cases.incident_id) ELSE '[]' END FROM cases WHERE incident_id IN (SELECT id FROM hits) AND (? = "     \
      "'' OR level = ?) AND (? = '' OR categories LIKE ? ESCAPE '\\') ORDER BY created_at DESC, "            \
      "incident_id DESC LIMIT ? OFFSET ?")                                                                   \
    X(CASE_COUNT_FTS,                                                                                        \
      "WITH hits(id) AS (SELECT ref_id FROM search_docs WHERE body MATCH ? AND source = 'case') SELECT "     \
      "COUNT(*) FROM cases WHERE incident_id IN (SELECT id FROM hits) AND (? = '' OR level = ?) AND (? "     \
      "= '' OR categories LIKE ? ESCAPE '\\')")                                                              \
    X(CASE_SEARCH_LIKE,                                                                                      \
      "WITH hits(id) AS (SELECT ref_id FROM search_docs WHERE body LIKE ? ESCAPE '\\' AND source = "         \
      "'case') SELECT incident_id, number, title, level, highest_response, categories, ci_names, "           \
      "cause, drill, created_at, CASE WHEN ? = 1 THEN (SELECT departments FROM incidents WHERE "             \
      "incidents.id = cases.incident_id) ELSE '[]' END FROM cases WHERE incident_id IN (SELECT id FROM "     \
      "hits) AND (? = '' OR level = ?) AND (? = '' OR categories LIKE ? ESCAPE '\\') ORDER BY "              \
      "created_at DESC, incident_id DESC LIMIT ? OFFSET ?")                                                  \
    X(CASE_COUNT_LIKE,                                                                                       \
      "WITH hits(id) AS (SELECT ref_id FROM search_docs WHERE body LIKE ? ESCAPE '\\' AND source = "         \
      "'case') SELECT COUNT(*) FROM cases WHERE incident_id IN (SELECT id FROM hits) AND (? = '' OR "        \
      "level = ?) AND (? = '' OR categories LIKE ? ESCAPE '\\')")

#endif
