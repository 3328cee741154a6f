/* queries_notify.h — the outbox dispatcher's statements, kept in
 * their own list so that its changes do not collide with the others.
 * DSP_* work on `outbox` (one row per recipient and channel), DSP_BOT_* on
 * `bot_outbox` (one row per cause and group bot), both from
 * src/notify/dispatcher.c; deliveries is the attempt log of both. */
#ifndef OD_QUERIES_NOTIFY_H
#define OD_QUERIES_NOTIFY_H

#define OD_QUERY_LIST_NOTIFY(X)                                                                              \
    /* fan-out of incident messages to the group bots */                                                     \
    X(DSP_FANOUT_SCAN, "SELECT id, cause, incident_id, kind, desk, subject, body, created_at "               \
                       "FROM outbox WHERE id > ? ORDER BY id LIMIT ?")                                       \
    X(DSP_BOT_INSERT, "INSERT INTO bot_outbox(cause, incident_id, channel_name, kind, desk, "                \
                      "subject, body, next_attempt_at, created_at) VALUES(?,?,?,?,?,?,?,?,?) "               \
                      "ON CONFLICT(cause, channel_name) DO NOTHING")                                         \
    /* claiming due rows */                                                                                  \
    X(DSP_DUE, "SELECT id, channel, address, subject, body, attempts, incident_id, "                         \
               "recipient_id, record_id FROM outbox "                                                        \
               "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id "             \
               "LIMIT ?")                                                                                    \
    X(DSP_BOT_DUE, "SELECT id, channel_name, '', subject, body, attempts, incident_id, NULL, NULL "          \
                   "FROM bot_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY "             \
                   "next_attempt_at, id LIMIT ?")                                                            \
    /* a claim names the claiming node and its lease (by the database clock) */                              \
    X(DSP_CLAIM, "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_by = ?, "           \
                 "lease_until = ? WHERE id = ? AND status = 'pending'")                                      \
    X(DSP_BOT_CLAIM, "UPDATE bot_outbox SET status = 'sending', attempts = attempts + 1, "                   \
                     "claimed_by = ?, lease_until = ? WHERE id = ? AND status = 'pending'")                  \
    /* what follows a claim changes the row only while the claim is still ours: this node's, under the */    \
    /* lease it took (the lease's end is the claim's fencing token: a re-claim, even by this node, has */    \
    /* another) */                                                                                           \
    X(DSP_UNCLAIM, "UPDATE outbox SET status = 'pending', attempts = attempts - 1, claimed_by = NULL, "      \
                   "lease_until = NULL WHERE id = ? AND status = 'sending' AND claimed_by = ? AND "          \
                   "lease_until = ?")                                                                        \
    X(DSP_BOT_UNCLAIM, "UPDATE bot_outbox SET status = 'pending', attempts = attempts - 1, "                 \
                       "claimed_by = NULL, lease_until = NULL WHERE id = ? AND status = 'sending' AND "      \
                       "claimed_by = ? AND lease_until = ?")                                                 \
    X(DSP_DEFER, "UPDATE outbox SET next_attempt_at = ? WHERE id = ?")                                       \
    X(DSP_BOT_DEFER, "UPDATE bot_outbox SET next_attempt_at = ? WHERE id = ?")                               \
    X(DSP_FINISH, "UPDATE outbox SET status = ?, next_attempt_at = ?, sent_at = ? WHERE id = ? AND "         \
                  "status = 'sending' AND claimed_by = ? AND lease_until = ?")                               \
    X(DSP_BOT_FINISH, "UPDATE bot_outbox SET status = ?, next_attempt_at = ?, sent_at = ? "                  \
                      "WHERE id = ? AND status = 'sending' AND claimed_by = ? AND lease_until = ?")          \
    X(DSP_DELIVERY_INSERT, "INSERT INTO deliveries(outbox_id, bot_id, incident_id, at, channel, "            \
                           "status, http_status, vendor_code, error) VALUES(?,?,?,?,?,?,?,?,?)")             \
    /* claims left 'sending': this node's own from before its start (or of no                                \
     * node: older versions), and periodically those of other nodes whose lease                              \
     * ran out or that are dead (no heartbeat since the bound time) */                                       \
    X(DSP_STALE_OWN, "SELECT id, incident_id, channel, COALESCE(claimed_by, '') FROM outbox WHERE "          \
                     "status = 'sending' AND (claimed_by IS NULL OR claimed_by = ?) ORDER BY id LIMIT ?")    \
    X(DSP_BOT_STALE_OWN, "SELECT id, incident_id, channel_name, COALESCE(claimed_by, '') FROM "              \
                         "bot_outbox WHERE status = 'sending' AND (claimed_by IS NULL OR claimed_by = ?) "   \
                         "ORDER BY id LIMIT ?")                                                              \
    X(DSP_STALE, "SELECT id, incident_id, channel, claimed_by FROM outbox WHERE status = 'sending' AND "     \
                 "claimed_by IS NOT NULL AND claimed_by <> ? AND (lease_until IS NULL OR lease_until <= ? "  \
                 "OR claimed_by NOT IN (SELECT node_id FROM opsdesk_nodes WHERE heartbeat_at >= ?)) "        \
                 "ORDER BY id LIMIT ?")                                                                      \
    X(DSP_BOT_STALE, "SELECT id, incident_id, channel_name, claimed_by FROM bot_outbox WHERE status = "      \
                     "'sending' AND claimed_by IS NOT NULL AND claimed_by <> ? AND (lease_until IS NULL OR " \
                     "lease_until <= ? OR claimed_by NOT IN (SELECT node_id FROM opsdesk_nodes WHERE "       \
                     "heartbeat_at >= ?)) ORDER BY id LIMIT ?")                                              \
    X(DSP_REQUEUE, "UPDATE outbox SET status = 'pending', claimed_by = NULL, lease_until = NULL WHERE "      \
                   "id = ? AND status = 'sending' AND COALESCE(claimed_by, '') = ?")                         \
    X(DSP_BOT_REQUEUE, "UPDATE bot_outbox SET status = 'pending', claimed_by = NULL, lease_until = NULL "    \
                       "WHERE id = ? AND status = 'sending' AND COALESCE(claimed_by, '') = ?")               \
    X(DSP_INTERRUPTED_LOG, "INSERT INTO deliveries(outbox_id, bot_id, incident_id, at, channel, status, "    \
                           "error) VALUES(?,?,?,?,?,'interrupted',?)")                                       \
    /* timing and metrics */                                                                                 \
    X(DSP_MIN_DUE, "SELECT MIN(t) FROM (SELECT MIN(next_attempt_at) AS t FROM outbox WHERE "                 \
                   "status = 'pending' UNION ALL SELECT MIN(next_attempt_at) AS t FROM "                     \
                   "bot_outbox WHERE status = 'pending') AS due")                                            \
    X(DSP_OLDEST, "SELECT MIN(t) FROM (SELECT MIN(created_at) AS t FROM outbox WHERE status IN "             \
                  "('pending', 'sending') UNION ALL SELECT MIN(created_at) AS t FROM bot_outbox "            \
                  "WHERE status IN ('pending', 'sending')) AS waiting")                                      \
    X(DSP_QUEUED, "SELECT channel, COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') "             \
                  "GROUP BY channel UNION ALL SELECT channel_name, COUNT(*) FROM bot_outbox "                \
                  "WHERE status IN ('pending', 'sending') GROUP BY channel_name")                            \
    /* GET /api/v1/incidents/{id}/deliveries */                                                              \
    X(DSP_OF_INCIDENT, "SELECT d.id, d.outbox_id, d.bot_id, d.at, d.channel, d.status, "                     \
                       "d.http_status, d.vendor_code, d.error, o.recipient_id, "                             \
                       "COALESCE(o.kind, b.kind), COALESCE(o.cause, b.cause), "                              \
                       "COALESCE(o.status, b.status), COALESCE(o.attempts, b.attempts), "                    \
                       "COALESCE(o.desk, b.desk) FROM "                                                      \
                       "deliveries d LEFT JOIN outbox o ON o.id = d.outbox_id LEFT JOIN "                    \
                       "bot_outbox b ON b.id = d.bot_id WHERE d.incident_id = ? ORDER BY d.id "              \
                       "LIMIT ? OFFSET ?")                                                                   \
    X(DSP_OF_INCIDENT_COUNT, "SELECT COUNT(*) FROM deliveries WHERE incident_id = ?")                        \
    /* directory: contacts, personal bot and channel choice per level */                                     \
    X(NTF_USER_CONTACT, "SELECT u.phone, u.email, u.lang, n.bot_url, n.channels, n.bot_kind, "               \
                        "n.bot_secret FROM users u LEFT JOIN user_notify n ON n.user_id = u.id "             \
                        "WHERE u.id = ?")                                                                    \
    X(NTF_USER_NOTIFY_PUT, "INSERT INTO user_notify(user_id, bot_kind, bot_url, bot_secret, "                \
                           "channels, updated_at) VALUES(?,?,?,?,?,?) ON CONFLICT(user_id) DO "              \
                           "UPDATE SET bot_kind = excluded.bot_kind, bot_url = excluded.bot_url, "           \
                           "bot_secret = excluded.bot_secret, channels = excluded.channels, "                \
                           "updated_at = excluded.updated_at")                                               \
    X(NTF_USER_SET_LANG, "UPDATE users SET lang = ?, updated_at = ? WHERE id = ?")                           \
    /* acknowledgement links (R-NOT-4) */                                                                    \
    X(NTF_ACK_NEEDED, "SELECT 1 FROM incident_recipients r JOIN incidents i ON i.id = "                      \
                      "r.incident_id WHERE r.incident_id = ? AND r.user_id = ? AND r.acked_at IS "           \
                      "NULL AND i.state IN ('detected', 'reported', 'confirmed', 'activated')")              \
    X(NTF_ACK_INSERT, "INSERT INTO ack_links(token_hash, incident_id, user_id, outbox_id, "                  \
                      "created_at, expires_at) VALUES(?,?,?,?,?,?)")                                         \
    X(NTF_ACK_GET, "SELECT l.id, l.incident_id, l.user_id, l.expires_at, l.used_at, i.number, "              \
                   "i.title, u.username, r.acked_at, l.used_addr FROM ack_links l JOIN incidents "           \
                   "i ON i.id = l.incident_id JOIN users u ON u.id = l.user_id LEFT JOIN "                   \
                   "incident_recipients r ON r.incident_id = l.incident_id AND r.user_id = "                 \
                   "l.user_id WHERE l.token_hash = ?")                                                       \
    X(NTF_ACK_USE, "UPDATE ack_links SET used_at = ?, used_addr = ? WHERE id = ? AND used_at IS "            \
                   "NULL")                                                                                   \
    /* a failed message of an incident sent again from the start (R-NOT-7: the desk retries) */              \
    X(NTF_MSG_INCIDENT, "SELECT incident_id FROM outbox WHERE id = ? AND incident_id IS NOT NULL")           \
    X(NTF_RETRY, "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? "     \
                 "AND incident_id = ? AND status = 'failed'")                                                \
    /* failed messages shown on the incident (R-NOT-7) */                                                    \
    X(NTF_FAILED_OF_INC, "SELECT 'outbox', o.id, o.recipient_id, o.channel, o.kind, o.desk, "                \
                         "o.attempts, COALESCE((SELECT d.error FROM deliveries d WHERE "                     \
                         "d.outbox_id = o.id ORDER BY d.id DESC LIMIT 1), ''), o.cause FROM "                \
                         "outbox o WHERE o.incident_id = ? AND o.status = 'failed' UNION ALL "               \
                         "SELECT 'bot', b.id, NULL, b.channel_name, b.kind, b.desk, b.attempts, "            \
                         "COALESCE((SELECT d.error FROM deliveries d WHERE d.bot_id = b.id "                 \
                         "ORDER BY d.id DESC LIMIT 1), ''), b.cause FROM bot_outbox b WHERE "                \
                         "b.incident_id = ? AND b.status = 'failed'")                                        \
    /* opsdesk notify test: a message with no incident over one named channel */                             \
    X(NTF_TEST_INSERT, "INSERT INTO outbox(cause, channel, address, kind, desk, subject, body, "             \
                       "next_attempt_at, created_at) VALUES(?,?,?,'test',?,?,?,?,?)")                        \
    X(NTF_TEST_GET, "SELECT id, channel, address, status, attempts, created_at, sent_at, "                   \
                    "next_attempt_at FROM outbox WHERE id = ? AND kind = 'test'")                            \
    X(NTF_DELIVERIES_OF, "SELECT id, at, channel, status, http_status, vendor_code, error FROM "             \
                         "deliveries WHERE outbox_id = ? ORDER BY id")

#endif
