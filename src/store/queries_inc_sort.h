/* queries_inc_sort.h — the incident list sorted by a column other than its
 * id (newest first, queries_lists.h): the number (oldest first), the
 * detection time and the incident level, either way.  Each statement walks
 * one index from a keyset cursor, a row value (key, id) — incidents(id),
 * incidents(detected_at, id), incidents(level, id) (migrations 0019, 0034) —
 * so a page is a range of the index; every filter is a residual term.
 * Binds: cursor key, cursor id, 17 filter binds (state .. owned, as
 * INC_LIST), limit, offset.  The third column is the row's sort key (the
 * next page's cursor).  docs/internals/lists.md "Sorting by a column". */
#ifndef OD_QUERIES_INC_SORT_H
#define OD_QUERIES_INC_SORT_H

#define OD_QUERY_LIST_INC_SORT(X)                                                                            \
    X(INC_SORT_ID_ASC,                                                                                       \
      "SELECT id, departments, id FROM incidents WHERE id > ? AND ? >= 0 AND (? = '' OR state "              \
      "= ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill "              \
      "= ?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms "               \
      "LIKE ? ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN "                    \
      "(SELECT id FROM cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN "                        \
      "('detected', 'reported', 'confirmed', 'activated') AND id IN (SELECT incident_id FROM "               \
      "incident_recipients WHERE user_id = ? AND acked_at IS NULL))) AND (? = 0 OR owner_id = "              \
      "?) ORDER BY id LIMIT ? OFFSET ?")                                                                     \
    X(INC_SORT_DETECTED_DESC,                                                                                \
      "SELECT id, departments, detected_at FROM incidents WHERE (detected_at, id) < (?, ?) AND "             \
      "(? = '' OR state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND "              \
      "(? = -1 OR drill = ?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE "               \
      "'\\' OR symptoms LIKE ? ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis "                  \
      "WHERE ci_id IN (SELECT id FROM cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR "                   \
      "(state IN ('detected', 'reported', 'confirmed', 'activated') AND id IN (SELECT "                      \
      "incident_id FROM incident_recipients WHERE user_id = ? AND acked_at IS NULL))) AND (? = "             \
      "0 OR owner_id = ?) ORDER BY detected_at DESC, id DESC LIMIT ? OFFSET ?")                              \
    X(INC_SORT_DETECTED_ASC,                                                                                 \
      "SELECT id, departments, detected_at FROM incidents WHERE (detected_at, id) > (?, ?) AND "             \
      "(? = '' OR state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND "              \
      "(? = -1 OR drill = ?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE "               \
      "'\\' OR symptoms LIKE ? ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis "                  \
      "WHERE ci_id IN (SELECT id FROM cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR "                   \
      "(state IN ('detected', 'reported', 'confirmed', 'activated') AND id IN (SELECT "                      \
      "incident_id FROM incident_recipients WHERE user_id = ? AND acked_at IS NULL))) AND (? = "             \
      "0 OR owner_id = ?) ORDER BY detected_at, id LIMIT ? OFFSET ?")                                        \
    X(INC_SORT_LEVEL_ASC,                                                                                    \
      "SELECT id, departments, level FROM incidents WHERE (level, id) > (?, ?) AND (? = '' OR "              \
      "state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR "              \
      "drill = ?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR "                  \
      "symptoms LIKE ? ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id "              \
      "IN (SELECT id FROM cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN "                     \
      "('detected', 'reported', 'confirmed', 'activated') AND id IN (SELECT incident_id FROM "               \
      "incident_recipients WHERE user_id = ? AND acked_at IS NULL))) AND (? = 0 OR owner_id = "              \
      "?) ORDER BY level, id LIMIT ? OFFSET ?")                                                              \
    X(INC_SORT_LEVEL_DESC,                                                                                   \
      "SELECT id, departments, level FROM incidents WHERE (level, id) < (?, ?) AND (? = '' OR "              \
      "state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR "              \
      "drill = ?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR "                  \
      "symptoms LIKE ? ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id "              \
      "IN (SELECT id FROM cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN "                     \
      "('detected', 'reported', 'confirmed', 'activated') AND id IN (SELECT incident_id FROM "               \
      "incident_recipients WHERE user_id = ? AND acked_at IS NULL))) AND (? = 0 OR owner_id = "              \
      "?) ORDER BY level DESC, id DESC LIMIT ? OFFSET ?")

#endif
