/* queries_delivery_log.h — the global delivery log (GET /api/v1/deliveries,
 * src/app/delivery_log.c): every send attempt, newest first, keyset by id.
 * Columns 0–14 are those of DSP_OF_INCIDENT (queries_notify.h); then the
 * incident's id, number and departments, the recipient's display name and
 * the message's channel kind (sms, email, ...; group_bot for a group robot).
 * Filter binds, after the leading state for the *_STATUS statements:
 * before_id, channel (three times, '' = any: a channel name or kind),
 * recipient_id (twice, 0 = any), from (twice, 0 = none), to (twice,
 * 0 = none); the zero tests are CAST to BIGINT for PostgreSQL.  A state filter leads with
 * `d.status = ?`, served by deliveries(status, id) (migration 0031); the
 * others walk the primary key in order. */
#ifndef OD_QUERIES_DELIVERY_LOG_H
#define OD_QUERIES_DELIVERY_LOG_H

#define OD_QUERY_LIST_DELIVERY_LOG(X)                                                                        \
    X(DLOG_LIST, "SELECT d.id, d.outbox_id, d.bot_id, d.at, d.channel, d.status, d.http_status, "            \
                 "d.vendor_code, d.error, o.recipient_id, COALESCE(o.kind, b.kind), COALESCE(o.cause, "      \
                 "b.cause), COALESCE(o.status, b.status), COALESCE(o.attempts, b.attempts), "                \
                 "COALESCE(o.desk, b.desk), d.incident_id, i.number, i.departments, u.display_name, "        \
                 "COALESCE(o.channel, 'group_bot') FROM deliveries d LEFT JOIN outbox o ON o.id = "          \
                 "d.outbox_id LEFT JOIN bot_outbox b ON b.id = d.bot_id LEFT JOIN incidents i ON i.id = "    \
                 "d.incident_id LEFT JOIN users u ON u.id = o.recipient_id WHERE d.id < ? AND (? = '' OR "   \
                 "d.channel = ? OR COALESCE(o.channel, 'group_bot') = ?) AND (CAST(? AS BIGINT) = 0 OR "     \
                 "o.recipient_id = ?) AND (CAST(? AS BIGINT) = 0 OR d.at >= ?) AND (CAST(? AS BIGINT) = 0 "  \
                 "OR d.at < ?) ORDER BY d.id DESC LIMIT ? OFFSET ?")                                         \
    X(DLOG_LIST_STATUS,                                                                                      \
      "SELECT d.id, d.outbox_id, d.bot_id, d.at, d.channel, d.status, d.http_status, "                       \
      "d.vendor_code, d.error, o.recipient_id, COALESCE(o.kind, b.kind), COALESCE(o.cause, "                 \
      "b.cause), COALESCE(o.status, b.status), COALESCE(o.attempts, b.attempts), "                           \
      "COALESCE(o.desk, b.desk), d.incident_id, i.number, i.departments, u.display_name, "                   \
      "COALESCE(o.channel, 'group_bot') FROM deliveries d LEFT JOIN outbox o ON o.id = "                     \
      "d.outbox_id LEFT JOIN bot_outbox b ON b.id = d.bot_id LEFT JOIN incidents i ON i.id = "               \
      "d.incident_id LEFT JOIN users u ON u.id = o.recipient_id WHERE d.status = ? AND d.id < ? "            \
      "AND (? = '' OR d.channel = ? OR COALESCE(o.channel, 'group_bot') = ?) AND (CAST(? AS "                \
      "BIGINT) = 0 OR o.recipient_id = ?) AND (CAST(? AS BIGINT) = 0 OR d.at >= ?) AND (CAST(? "             \
      "AS BIGINT) = 0 OR d.at < ?) ORDER BY d.id DESC LIMIT ? OFFSET ?")                                     \
    X(DLOG_COUNT, "SELECT COUNT(*) FROM (SELECT 1 FROM deliveries d LEFT JOIN outbox o ON o.id = "           \
                  "d.outbox_id WHERE d.id < ? AND (? = '' OR d.channel = ? OR COALESCE(o.channel, "          \
                  "'group_bot') = ?) AND (CAST(? AS BIGINT) = 0 OR o.recipient_id = ?) AND (CAST(? AS "      \
                  "BIGINT) = 0 OR d.at >= ?) AND (CAST(? AS BIGINT) = 0 OR d.at < ?) LIMIT ?) t")            \
    X(DLOG_COUNT_STATUS,                                                                                     \
      "SELECT COUNT(*) FROM (SELECT 1 FROM deliveries d LEFT JOIN outbox o ON o.id = "                       \
      "d.outbox_id WHERE d.status = ? AND d.id < ? AND (? = '' OR d.channel = ? OR "                         \
      "COALESCE(o.channel, 'group_bot') = ?) AND (CAST(? AS BIGINT) = 0 OR o.recipient_id = ?) "             \
      "AND (CAST(? AS BIGINT) = 0 OR d.at >= ?) AND (CAST(? AS BIGINT) = 0 OR d.at < ?) LIMIT "              \
      "?) t")

#endif
