/* queries_rsearch.h — the text filter q of the records' list (GET
 * /api/v1/records?q=, every kind; the problem list's q): migration 0036
 * records_fts (SQLite FTS5 trigram over number and title) and 0045
 * record_texts_fts (a problem's description, root cause and workaround, a
 * known error's symptoms, root cause and workaround; PostgreSQL: pg_trgm
 * indexes, the texts in queries_pg.h) for a q of 3 characters or more; a
 * LIKE over number and title in the id order for 1-2 characters.  The columns are
 * REC_LIST's (src/app/records.c row_json); the filters and their binds
 * follow q: before, kind, state, assignee, department, priority, then
 * limit and offset (a count: its cap). */
#ifndef OD_QUERIES_RSEARCH_H
#define OD_QUERIES_RSEARCH_H

#define OD_QUERY_LIST_RSEARCH(X)                                                                             \
    X(REC_LIST_TEXT,                                                                                         \
      "WITH q(v) AS (SELECT '\"' || replace(?, '\"', '\"\"') || '\"') SELECT r.id, r.kind, r.number, "       \
      "COALESCE(i.title, r.title), COALESCE(i.state, r.state), r.impact, r.urgency, r.priority, r.tier, "    \
      "r.assignee_id, r.group_key, r.department, r.requester_id, r.created_by, r.incident_id, r.drill, "     \
      "r.created_at, COALESCE(i.updated_at, r.updated_at), COALESCE(i.closed_at, r.closed_at), r.version, "  \
      "COALESCE(i.departments, '') FROM records r LEFT JOIN incidents i ON i.id = r.incident_id WHERE r.id " \
      "IN (SELECT rowid FROM records_fts WHERE records_fts MATCH (SELECT v FROM q) UNION SELECT rowid FROM " \
      "record_texts_fts WHERE record_texts_fts MATCH (SELECT v FROM q)) AND r.id < ? AND (? = '' OR r.kind " \
      "= ?) AND (? = '' OR COALESCE(i.state, r.state) = ?) AND (? = 0 OR r.assignee_id = ?) AND (? = '' OR " \
      "r.department = ?) AND (? = '' OR r.priority = ?) ORDER BY r.id DESC LIMIT ? OFFSET ?")                \
    X(REC_COUNT_TEXT,                                                                                        \
      "WITH q(v) AS (SELECT '\"' || replace(?, '\"', '\"\"') || '\"') SELECT COUNT(*) FROM (SELECT 1 FROM "  \
      "records r LEFT JOIN incidents i ON i.id = r.incident_id WHERE r.id IN (SELECT rowid FROM "            \
      "records_fts "                                                                                         \
      "WHERE records_fts MATCH (SELECT v FROM q) UNION SELECT rowid FROM record_texts_fts WHERE "            \
      "record_texts_fts MATCH (SELECT v FROM q)) AND r.id < ? AND (? = '' OR r.kind = ?) AND (? = '' OR "    \
      "COALESCE(i.state, r.state) = ?) AND (? = 0 OR r.assignee_id = ?) AND (? = '' OR r.department = ?) "   \
      "AND (? = '' OR r.priority = ?) LIMIT ?) t")                                                           \
    /* q of 1-2 characters: two LIKE patterns (%q%, escaped), any ASCII case */                              \
    X(REC_LIST_LIKE,                                                                                         \
      "SELECT r.id, r.kind, r.number, COALESCE(i.title, r.title), COALESCE(i.state, r.state), r.impact, "    \
      "r.urgency, r.priority, r.tier, r.assignee_id, r.group_key, r.department, r.requester_id, "            \
      "r.created_by, r.incident_id, r.drill, r.created_at, COALESCE(i.updated_at, r.updated_at), "           \
      "COALESCE(i.closed_at, r.closed_at), r.version, COALESCE(i.departments, '') FROM records "             \
      "r LEFT JOIN incidents i ON i.id = r.incident_id WHERE (LOWER(r.number) LIKE LOWER(?) ESCAPE '\\' OR " \
      "LOWER(r.title) LIKE LOWER(?) ESCAPE '\\') AND "                                                       \
      "r.id < ? AND (? = '' OR r.kind = ?) AND (? = '' OR COALESCE(i.state, r.state) = ?) AND (? = 0 OR "    \
      "r.assignee_id = ?) AND (? = '' OR r.department = ?) AND (? = '' OR r.priority = ?) ORDER BY r.id "    \
      "DESC LIMIT ? OFFSET ?")                                                                               \
    X(REC_COUNT_LIKE,                                                                                        \
      "SELECT COUNT(*) FROM (SELECT 1 FROM records r LEFT JOIN incidents i ON i.id = r.incident_id "         \
      "WHERE (LOWER(r.number) LIKE LOWER(?) ESCAPE '\\' OR LOWER(r.title) LIKE LOWER(?) ESCAPE '\\') AND "   \
      "r.id < ? AND (? = '' OR r.kind = ?) AND (? = '' OR COALESCE(i.state, r.state) = ?) AND (? = 0 OR "    \
      "r.assignee_id = ?) AND (? = '' OR r.department = ?) AND (? = '' OR r.priority = ?) LIMIT ?) t")

#endif
