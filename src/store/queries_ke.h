/* queries_ke.h — the statements of the known-error database and the shared
 * full-text index (migration 0014; src/app/known_errors*.c, search.c):
 * known errors' typed rows, their uses on incidents, problem candidates,
 * and search_docs (SQLite FTS5 trigram; PostgreSQL pg_trgm, with the
 * override in queries_pg.h).  Known-error columns, in order
 * (app/known_errors.c ke_json): id, number, title, state, department,
 * version, created_at, updated_at, symptoms, root_cause, workaround,
 * solution, problem_id, problem number, match_rules, published,
 * published_at, uses, created_by. */
#ifndef OD_QUERIES_KE_H
#define OD_QUERIES_KE_H

#define OD_QUERY_LIST_KE(X)                                                                                  \
    X(KE_INSERT, "INSERT INTO known_errors(record_id, symptoms, root_cause, workaround, solution, "          \
                 "problem_id, match_rules, published, published_at, uses) VALUES(?,?,?,?,?,?,?,?,?,0)")      \
    X(KE_UPDATE, "UPDATE known_errors SET symptoms = ?, root_cause = ?, workaround = ?, solution = ?, "      \
                 "problem_id = ?, match_rules = ?, published = ?, published_at = ? WHERE record_id = ?")     \
    X(KE_REC_UPDATE, "UPDATE records SET title = ?, state = ?, updated_at = ?, version = version + 1 "       \
                     "WHERE id = ? AND version = ?")                                                         \
    X(KE_GET, "SELECT r.id, r.number, r.title, r.state, r.department, r.version, r.created_at, "             \
              "r.updated_at, k.symptoms, k.root_cause, k.workaround, k.solution, k.problem_id, "             \
              "p.number, k.match_rules, k.published, k.published_at, k.uses, r.created_by FROM "             \
              "records r JOIN known_errors k ON k.record_id = r.id LEFT JOIN records p ON "                  \
              "p.id = k.problem_id "                                                                         \
              "WHERE r.id = ?")                                                                              \
    /* every known error, newest first; published -1 = any */                                                \
    X(KE_LIST, "SELECT r.id, r.number, r.title, r.state, r.department, r.version, r.created_at, "            \
               "r.updated_at, k.symptoms, k.root_cause, k.workaround, k.solution, k.problem_id, "            \
               "p.number, k.match_rules, k.published, k.published_at, k.uses, r.created_by FROM "            \
               "records r JOIN known_errors k ON k.record_id = r.id LEFT JOIN records p ON "                 \
               "p.id = k.problem_id "                                                                        \
               "WHERE (? = -1 OR k.published = ?) AND (? = 0 OR EXISTS (SELECT 1 FROM "                      \
               "record_cis c WHERE c.record_id = r.id AND c.ci_id = ?)) ORDER BY r.id DESC")                 \
    X(KE_CI_IDS, "SELECT ci_id FROM record_cis WHERE record_id = ? ORDER BY ci_id")                          \
    X(KE_CI_CLEAR, "DELETE FROM record_cis WHERE record_id = ?")                                             \
    X(KE_CI_EXISTS, "SELECT COUNT(*) FROM cis WHERE id = ?")                                                 \
    X(KE_REC_KIND, "SELECT kind, number FROM records WHERE id = ?")                                          \
    X(KE_LINK_CLEAR, "DELETE FROM record_links WHERE from_id = ? AND kind = ?")                              \
    X(KE_LINK_COUNT, "SELECT COUNT(*) FROM record_links WHERE from_id = ? AND to_id = ? AND kind = ?")       \
    /* what an incident or an event is matched on */                                                         \
    X(KE_INC_EVENT_LABELS, "SELECT labels FROM events WHERE incident_id = ? ORDER BY id LIMIT 64")           \
    /* the open problem of a CI (R-EVT-2: events with problem: true) */                                      \
    X(KE_OPEN_PROBLEM_OF_CI, "SELECT r.id, r.number FROM records r JOIN record_cis c ON c.record_id = r.id " \
                             "WHERE r.kind = 'problem' AND r.closed_at IS NULL AND c.ci_id = ? ORDER BY "    \
                             "r.id LIMIT 1")                                                                 \
    /* uses */                                                                                               \
    X(KE_USE_INSERT, "INSERT INTO known_error_uses(ke_id, incident_id, applied_by, applied_at) "             \
                     "VALUES(?,?,?,?) ON CONFLICT(ke_id, incident_id) DO NOTHING")                           \
    X(KE_USES_BUMP, "UPDATE known_errors SET uses = uses + 1 WHERE record_id = ?")                           \
    X(KE_USES_OF_INCIDENT, "SELECT ke_id FROM known_error_uses WHERE incident_id = ? ORDER BY ke_id")        \
    /* the shared full-text index */                                                                         \
    X(SD_DELETE, "DELETE FROM search_docs WHERE source = ? AND ref_id = ?")                                  \
    X(SD_INSERT, "INSERT INTO search_docs(source, ref_id, body) VALUES(?,?,?)")                              \
    /* q: an FTS5 expression of quoted terms ("disk" "满了"), every term at least 3 characters */          \
    X(SD_MATCH_FTS, "SELECT ref_id, body FROM search_docs WHERE body MATCH ? AND source = ?")                \
    /* q: a LIKE pattern (%text%, escaped) */                                                                \
    X(SD_MATCH_LIKE, "SELECT ref_id, body FROM search_docs WHERE body LIKE ? ESCAPE '\\' AND source = ?")    \
    /* proactive problem candidates (§M2.12): incidents per CI in a window */                               \
    X(PC_CI_COUNTS, "SELECT ic.ci_id, COUNT(DISTINCT i.id) FROM incident_cis ic JOIN incidents i ON i.id "   \
                    "= ic.incident_id WHERE i.registered_at >= ? AND i.registered_at <= ? AND i.drill = 0 "  \
                    "GROUP BY ic.ci_id HAVING COUNT(DISTINCT i.id) >= ? ORDER BY ic.ci_id")                  \
    X(PC_CI_INCIDENTS, "SELECT DISTINCT i.id, i.registered_at FROM incident_cis ic JOIN incidents i ON "     \
                       "i.id = ic.incident_id WHERE ic.ci_id = ? AND i.registered_at >= ? AND "              \
                       "i.registered_at <= ? AND i.drill = 0 ORDER BY i.id")                                 \
    /* ... and incidents that reached R1, per CI (rule r1_recurrence) */                                     \
    X(PC_CI_R1_COUNTS, "SELECT ic.ci_id, COUNT(DISTINCT i.id) FROM incident_cis ic JOIN incidents i ON "     \
                       "i.id = ic.incident_id WHERE i.registered_at >= ? AND i.registered_at <= ? AND "      \
                       "i.drill = 0 AND i.highest_response = 'R1' GROUP BY ic.ci_id HAVING COUNT(DISTINCT "  \
                       "i.id) >= ? ORDER BY ic.ci_id")                                                       \
    X(PC_CI_R1_INCIDENTS, "SELECT DISTINCT i.id, i.registered_at FROM incident_cis ic JOIN incidents i ON "  \
                          "i.id = ic.incident_id WHERE ic.ci_id = ? AND i.registered_at >= ? AND "           \
                          "i.registered_at <= ? AND i.drill = 0 AND i.highest_response = 'R1' ORDER BY "     \
                          "i.id")                                                                            \
    X(PC_INSERT, "INSERT INTO problem_candidates(rule, ci_key, ci_ids, incident_ids, incident_count, "       \
                 "first_at, last_at, state, created_at) VALUES(?,?,?,?,?,?,?,'open',?) ON CONFLICT(ci_key) " \
                 "DO NOTHING")                                                                               \
    X(PC_LIST, "SELECT id, rule, ci_key, ci_ids, incident_ids, incident_count, first_at, last_at, state, "   \
               "problem_id, created_at, decided_by, decided_at FROM problem_candidates WHERE (? = '' OR "    \
               "state = ?) ORDER BY id DESC LIMIT ? OFFSET ?")                                               \
    X(PC_COUNT, "SELECT COUNT(*) FROM problem_candidates WHERE (? = '' OR state = ?)")                       \
    X(PC_GET, "SELECT id, rule, ci_key, ci_ids, incident_ids, incident_count, first_at, last_at, state, "    \
              "problem_id, created_at, decided_by, decided_at FROM problem_candidates WHERE id = ?")         \
    X(PC_DECIDE, "UPDATE problem_candidates SET state = ?, problem_id = ?, decided_by = ?, decided_at = ? "  \
                 "WHERE id = ? AND state = 'open'")

#endif
