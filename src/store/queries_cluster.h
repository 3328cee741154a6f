/* queries_cluster.h — the statements of several nodes on one database:
 * the database clock, node heartbeats, the claim of due deadlines and the
 * audit chain's lock (app/cluster.c, app/incident_deadlines.c, app/audit.c).
 * PostgreSQL gives some of them row locks through queries_pg.h. */
#ifndef OD_QUERIES_CLUSTER_H
#define OD_QUERIES_CLUSTER_H

#define OD_QUERY_LIST_CLUSTER(X)                                                                             \
    /* the database clock (ms); SQLite has none of its own: the bound node clock */                          \
    X(DB_NOW, "SELECT CAST(? AS BIGINT)")                                                                    \
    /* node heartbeats (opsdesk_nodes) */                                                                    \
    X(NODE_BEAT, "INSERT INTO opsdesk_nodes(node_id, boot_id, started_at, heartbeat_at, version, "           \
                 "policy_sha256, clock_offset_ms, channels_sha256) VALUES(?,?,?,?,?,?,?,?) ON "              \
                 "CONFLICT(node_id) DO UPDATE SET boot_id = excluded.boot_id, started_at = "                 \
                 "excluded.started_at, heartbeat_at = excluded.heartbeat_at, version = excluded.version, "   \
                 "policy_sha256 = excluded.policy_sha256, clock_offset_ms = excluded.clock_offset_ms, "      \
                 "channels_sha256 = excluded.channels_sha256")                                               \
    X(NODE_FORGET, "DELETE FROM opsdesk_nodes WHERE node_id = ? AND boot_id = ?")                            \
    X(NODE_LIST, "SELECT node_id, boot_id, started_at, heartbeat_at, version, policy_sha256, "               \
                 "clock_offset_ms FROM opsdesk_nodes ORDER BY node_id")                                      \
    /* the incident row, locked for the rest of the transaction on PostgreSQL */                             \
    X(INC_LOCK, "SELECT id, number, title, state, level, severity, severity_provisional, "                   \
                "base_response, response_level, highest_response, detected_at, registered_at, "              \
                "handling_deadline, first_report_due, location, symptoms, impact_scope, departments, "       \
                "drill, created_by, activated_by, activated_at, resolved_at, closed_by, closed_at, "         \
                "reviewed_at, updated_at FROM incidents WHERE id = ?")                                       \
    /* which node fired how many deadlines (tests, docs/deploy/cluster.md) */                                \
    X(DL_FIRED_COUNT, "SELECT COUNT(*) FROM deadlines WHERE fired_by = ?")                                   \
    /* the audit chain's lock row, updated last in every appending transaction */                            \
    X(AUDIT_LOCK, "UPDATE audit_lock SET appends = appends + 1 WHERE id = 1")                                \
    /* the policy and channels hashes of the other live nodes (heartbeat at or after the bound) */           \
    X(NODE_PEER_POLICIES, "SELECT node_id, started_at, policy_sha256, channels_sha256 FROM opsdesk_nodes "   \
                          "WHERE node_id <> ? AND heartbeat_at >= ? ORDER BY node_id LIMIT 64")

#endif
