/* queries_events.h — event management: ingestion (EV_*),
 * decisions (EVD_*), correlation groups (EVG_*), maintenance windows (WIN_*)
 * and ingestion API keys (KEY_*).  Kept in their own list so that changes do
 * not collide with the others.  EV_SP_* are the per-request savepoints of a
 * group commit (src/app/events.c). */
#ifndef OD_QUERIES_EVENTS_H
#define OD_QUERIES_EVENTS_H

#define OD_QUERY_LIST_EVENTS(X)                                                                              \
    X(EV_SP_BEGIN, "SAVEPOINT ev_req")                                                                       \
    X(EV_SP_RELEASE, "RELEASE ev_req")                                                                       \
    X(EV_SP_ROLLBACK, "ROLLBACK TO ev_req")                                                                  \
    X(EV_BY_ID_KEY, "SELECT id, status, state, class, ci_id, changes, incident_id, window_id, "              \
                    "flapping, count FROM events WHERE id = ? AND source = ? AND dedup_key = ?")             \
    X(EV_KEYS_ALL, "SELECT key_hash, id FROM events")                                                        \
    X(EV_INSERT, "INSERT INTO events(source, dedup_key, status, state, class, severity, summary, "           \
                 "ci_id, labels, annotations, raw, count, flapping, changes, group_key, "                    \
                 "incident_id, incident_rule, window_id, api_key_id, first_seen, last_seen, "                \
                 "received_at, updated_at, closed_at, decisions, key_hash) "                                 \
                 "VALUES(?,?,?,?,?,?,?,?,?,?,?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")                              \
    X(EV_REPEAT, "UPDATE events SET count = count + 1, last_seen = ?, raw = ?, updated_at = ? "              \
                 "WHERE id = ?")                                                                             \
    X(EV_UPDATE, "UPDATE events SET status = ?, state = ?, class = ?, severity = ?, summary = ?, "           \
                 "ci_id = ?, labels = ?, annotations = ?, raw = ?, count = count + 1, flapping = "           \
                 "?, changes = ?, group_key = ?, incident_id = ?, incident_rule = ?, window_id = "           \
                 "?, last_seen = ?, updated_at = ?, closed_at = ? WHERE id = ?")                             \
    X(EV_CI_BY_NAME, "SELECT id, grade FROM cis WHERE name = ?")                                             \
    X(EV_CI_DEPARTMENT, "SELECT department FROM cis WHERE id = ?")                                           \
    X(EV_CI_NAME, "SELECT name FROM cis WHERE id = ?")                                                       \
    /* the relation kinds followed and the depth are the policy's (events.correlation) */                    \
    X(EV_UPSTREAM, "WITH RECURSIVE up(id, depth) AS (SELECT target_id, 1 FROM ci_relations WHERE "           \
                   "source_id = ? AND type IN (?, ?, ?, ?) AND NOT EXISTS (SELECT 1 FROM cis c WHERE "       \
                   "c.id = target_id AND c.retired_at IS NOT NULL) UNION SELECT "                            \
                   "r.target_id, up.depth + 1 FROM ci_relations r JOIN up ON r.source_id = up.id "           \
                   "WHERE r.type IN (?, ?, ?, ?) AND up.depth < ? AND NOT EXISTS (SELECT 1 FROM cis c "      \
                   "WHERE c.id = r.target_id AND c.retired_at IS NOT NULL)) "                                \
                   "SELECT u.id, MIN(u.depth), CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.ci_id = "    \
                   "u.id AND e.status = 'firing' AND e.class IN ('warning', 'exception')) OR EXISTS "        \
                   "(SELECT 1 FROM incident_cis ic JOIN incidents i ON i.id = ic.incident_id WHERE "         \
                   "ic.ci_id = u.id AND i.state IN ('detected', 'reported', 'confirmed', "                   \
                   "'activated')) THEN 1 ELSE 0 END FROM up u GROUP BY u.id "                                \
                   "ORDER BY 2, 1")                                                                          \
    X(EV_OPEN_INCIDENT, "SELECT e.incident_id, i.number FROM events e JOIN incidents i ON i.id = "           \
                        "e.incident_id WHERE e.ci_id = ? AND e.incident_rule = ? AND i.state IN "            \
                        "('detected', 'reported', 'confirmed', 'activated') ORDER BY e.incident_id DESC "    \
                        "LIMIT 1")                                                                           \
    X(EV_INC_NUMBER, "SELECT number FROM incidents WHERE id = ?")                                            \
    X(EV_INC_FIRING, "SELECT COUNT(*) FROM events WHERE incident_id = ? AND status = 'firing'")              \
    X(EV_GET,                                                                                                \
      "SELECT e.id, e.source, e.dedup_key, e.status, e.state, e.class, e.severity, "                         \
      "e.summary, e.ci_id, c.name, e.count, e.flapping, e.first_seen, e.last_seen, "                         \
      "e.received_at, e.incident_id, i.number, e.window_id, w.name, e.labels, "                              \
      "e.annotations, e.raw, e.group_key, e.updated_at, e.closed_at, e.decisions, "                          \
      "c.department FROM events e LEFT JOIN cis c ON c.id = e.ci_id LEFT JOIN incidents i ON i.id = "        \
      "e.incident_id LEFT JOIN maintenance_windows w ON w.id = e.window_id WHERE e.id = ?")                  \
    X(EV_STATS, "SELECT e.received_at / 3600000, e.class, e.state, COUNT(*), e.ci_id IS NOT NULL, "          \
                "c.department FROM events e LEFT JOIN cis c ON c.id = e.ci_id WHERE e.received_at "          \
                ">= ? AND e.received_at < ? GROUP BY 1, 2, 3, 5, 6")                                         \
    X(EV_REVIEW_HANDOVER,                                                                                    \
      "SELECT e.id, e.source, e.dedup_key, e.status, e.state, e.class, e.severity, "                         \
      "e.summary, e.ci_id, c.name, e.count, e.flapping, e.first_seen, e.last_seen, "                         \
      "e.received_at, e.incident_id, i.number, e.window_id, w.name, e.labels, "                              \
      "e.annotations, e.raw, e.group_key, e.updated_at, e.closed_at, c.department FROM "                     \
      "events e LEFT JOIN cis c ON c.id = e.ci_id LEFT JOIN incidents i ON i.id = e.incident_id LEFT "       \
      "JOIN maintenance_windows w ON w.id = e.window_id WHERE e.received_at >= ? AND "                       \
      "e.received_at < ? AND e.incident_id IS NOT NULL ORDER BY e.id LIMIT 500")                             \
    X(EV_REVIEW_SAMPLE,                                                                                      \
      "SELECT e.id, e.source, e.dedup_key, e.status, e.state, e.class, e.severity, "                         \
      "e.summary, e.ci_id, c.name, e.count, e.flapping, e.first_seen, e.last_seen, "                         \
      "e.received_at, e.incident_id, i.number, e.window_id, w.name, e.labels, "                              \
      "e.annotations, e.raw, e.group_key, e.updated_at, e.closed_at, c.department FROM "                     \
      "events e LEFT JOIN cis c ON c.id = e.ci_id LEFT JOIN incidents i ON i.id = e.incident_id LEFT "       \
      "JOIN maintenance_windows w ON w.id = e.window_id WHERE e.received_at >= ? AND "                       \
      "e.received_at < ? AND e.incident_id IS NULL AND e.state IN ('closed', "                               \
      "'handled', 'silenced', 'suppressed') ORDER BY (e.id * 2654435761) % 4294967296, "                     \
      "e.id LIMIT ?")                                                                                        \
    X(EV_REVIEW_POOL, "SELECT COUNT(*), e.ci_id IS NOT NULL, c.department FROM events e LEFT JOIN "          \
                      "cis c ON c.id = e.ci_id WHERE e.received_at >= ? AND e.received_at < ? AND "          \
                      "e.incident_id IS NULL AND e.state IN ('closed', 'handled', 'silenced', "              \
                      "'suppressed') GROUP BY 2, 3")                                                         \
    X(EVD_INSERT, "INSERT INTO event_decisions(event_id, at, step, rule, result) VALUES(?,?,?,?,?)")         \
    X(EVD_LIST, "SELECT at, step, rule, result FROM event_decisions WHERE event_id = ? ORDER BY "            \
                "id LIMIT 1000")                                                                             \
    X(EVG_GET, "SELECT lead_event_id, last_at FROM event_groups WHERE group_key = ?")                        \
    X(EVG_PUT, "INSERT INTO event_groups(group_key, lead_event_id, last_at, members) "                       \
               "VALUES(?,?,?,1) ON CONFLICT(group_key) DO UPDATE SET lead_event_id = "                       \
               "excluded.lead_event_id, last_at = excluded.last_at, members = 1")                            \
    X(EVG_JOIN, "UPDATE event_groups SET members = members + 1 WHERE group_key = ?")                         \
    X(EVG_PUT_N, "INSERT INTO event_groups(group_key, lead_event_id, last_at, members) "                     \
                 "VALUES(?,?,?,?) ON CONFLICT(group_key) DO UPDATE SET lead_event_id = "                     \
                 "excluded.lead_event_id, last_at = excluded.last_at, members = excluded.members")           \
    X(EVG_JOIN_N, "UPDATE event_groups SET members = members + ? WHERE group_key = ?")                       \
    X(EV_CMDB_VERSION, "SELECT version FROM event_cmdb_version WHERE id = 1")                                \
    X(EV_CI_COUNT, "SELECT COUNT(*) FROM cis")                                                               \
    X(EV_CI_ALL, "SELECT id, name, grade FROM cis")                                                          \
    /* maintenance windows */                                                                                \
    X(WIN_ACTIVE, "SELECT id, name, starts_at, ends_at, matchers, ci_id FROM maintenance_windows "           \
                  "WHERE deleted_at IS NULL AND starts_at <= ? AND ends_at >= ? ORDER BY id LIMIT "          \
                  "1000")                                                                                    \
    X(WIN_INSERT, "INSERT INTO maintenance_windows(name, starts_at, ends_at, matchers, ci_id, "              \
                  "created_by, comment, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?)")                  \
    X(WIN_GET,                                                                                               \
      "SELECT w.id, w.name, w.starts_at, w.ends_at, w.matchers, w.ci_id, c.name, "                           \
      "w.created_by, w.comment, w.created_at, w.updated_at, c.department FROM "                              \
      "maintenance_windows w LEFT JOIN cis c ON c.id = w.ci_id WHERE w.id = ? AND w.deleted_at IS NULL")     \
    X(WIN_LIST,                                                                                              \
      "SELECT w.id, w.name, w.starts_at, w.ends_at, w.matchers, w.ci_id, c.name, "                           \
      "w.created_by, w.comment, w.created_at, w.updated_at, c.department FROM "                              \
      "maintenance_windows w LEFT JOIN cis c ON c.id = w.ci_id WHERE w.deleted_at IS NULL AND (? = 0 OR "    \
      "w.ends_at >= ?) ORDER BY w.starts_at DESC, w.id DESC LIMIT ? OFFSET ?")                               \
    X(WIN_COUNT, "SELECT COUNT(*) FROM maintenance_windows w WHERE w.deleted_at IS NULL AND (? = "           \
                 "0 OR w.ends_at >= ?)")                                                                     \
    X(WIN_UPDATE, "UPDATE maintenance_windows SET name = ?, starts_at = ?, ends_at = ?, matchers = "         \
                  "?, ci_id = ?, comment = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL")           \
    X(WIN_DELETE, "UPDATE maintenance_windows SET deleted_at = ?, updated_at = ? WHERE id = ? AND "          \
                  "deleted_at IS NULL")                                                                      \
    /* ingestion API keys */                                                                                 \
    X(KEY_INSERT, "INSERT INTO api_keys(name, integration, key_hash, prefix, created_by, "                   \
                  "created_at) VALUES(?,?,?,?,?,?)")                                                         \
    X(KEY_BY_HASH, "SELECT id, name, integration FROM api_keys WHERE key_hash = ? AND revoked_at IS "        \
                   "NULL")                                                                                   \
    X(KEY_LIST, "SELECT id, name, integration, prefix, created_by, created_at, revoked_at FROM "             \
                "api_keys ORDER BY id LIMIT ? OFFSET ?")                                                     \
    X(KEY_COUNT, "SELECT COUNT(*) FROM api_keys")                                                            \
    X(KEY_GET, "SELECT id, name, integration, prefix, created_by, created_at, revoked_at FROM "              \
               "api_keys WHERE id = ?")                                                                      \
    X(KEY_REVOKE, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")

#endif
