/* queries_reads.h — read paths at scale (docs/internals/lists.md).  The
 * incident list's response_level filter leads its own statements, walked by
 * incidents(response_level, id) (migration 0041), with the same binds as
 * INC_LIST_LEVEL / INC_COUNT_LEVEL (queries_lists.h); the CI impact's
 * dependents are gathered by one recursive walk. */
#ifndef OD_QUERIES_READS_H
#define OD_QUERIES_READS_H

#define OD_QUERY_LIST_READS(X)                                                                               \
    X(INC_LIST_RESP,                                                                                         \
      "SELECT id, departments FROM incidents WHERE response_level = ? AND id < ? AND (? = '' OR state = "    \
      "?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill = ?) "           \
      "AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE ? "             \
      "ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM "           \
      "cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "  \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND "           \
      "acked_at IS NULL))) AND (? = 0 OR owner_id = ?) ORDER BY id DESC LIMIT ? OFFSET ?")                   \
    X(INC_COUNT_RESP,                                                                                        \
      "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE response_level = ? AND id < ? AND (? = '' OR "    \
      "state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill "        \
      "= ?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE "          \
      "? ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM "         \
      "cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "  \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND "           \
      "acked_at IS NULL))) AND (? = 0 OR owner_id = ?) LIMIT ?) t")                                          \
    X(INC_COUNT_RESP_ONLY,                                                                                   \
      "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE response_level = ? LIMIT ?) t")                   \
    /* the CI impact: every dependency edge (REL_DEPENDENTS' types) into a CI                                \
     * reachable from the root, with its dependent CI (CI_GET's columns), the                                \
     * target and the relation's id (the walk in C sorts by them and reads no                                \
     * row more).  Binds:                                                                                    \
     * the root, the row cap */                                                                              \
    X(CI_IMPACT_EDGES, "WITH RECURSIVE walk(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT r.source_id "      \
                       "FROM ci_relations r JOIN walk w ON r.target_id = w.id WHERE r.type IN "              \
                       "('depends_on', 'runs_on', 'connects_to')) SELECT c.id, c.name, c.category, "         \
                       "c.grade, c.department, c.environment, c.location, c.attributes, "                    \
                       "c.last_verified_at, c.verified_by, c.created_at, c.updated_at, c.retired_at, "       \
                       "c.retired_reason, r.target_id, r.type, r.id FROM walk w JOIN ci_relations r ON "     \
                       "r.target_id = w.id JOIN cis c ON c.id = r.source_id WHERE r.type IN "                \
                       "('depends_on', 'runs_on', 'connects_to') LIMIT ?")

#endif
