/* queries_pg.h — PostgreSQL overrides of named queries (queries*.h): where
 * the PostgreSQL backend has an entry here it runs this SQL instead of the
 * portable text of the same id (with ? rewritten to $n as for the others).
 * Each override binds the same parameters, in the same order and of the
 * same types, as its portable twin.  These are the claims of several
 * nodes (docs/deploy/cluster.md): SKIP LOCKED so two nodes never take the
 * same row, FOR UPDATE where a transaction reads a row it then writes, and
 * the database clock.  SQLite keeps the portable forms: its single writer
 * makes them safe. */
#ifndef OD_QUERIES_PG_H
#define OD_QUERIES_PG_H

#define OD_QUERY_PG_LIST(X) \
    X(DB_NOW, "SELECT COALESCE((extract(epoch FROM clock_timestamp()) * 1000)::bigint, CAST(? AS " \
      "BIGINT))") \
    X(DL_NEXT_DUE, "SELECT id, incident_id, kind, recipient_id, due_at, fire_at FROM deadlines WHERE fire_at " \
      "IS NOT NULL AND fire_at <= ? ORDER BY fire_at, id LIMIT 1 FOR UPDATE SKIP LOCKED") \
    X(DSP_DUE, "SELECT id, channel, address, subject, body, attempts, incident_id, recipient_id FROM " \
      "outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id " \
      "LIMIT ? FOR UPDATE SKIP LOCKED") \
    X(DSP_BOT_DUE, "SELECT id, channel_name, '', subject, body, attempts, incident_id, NULL FROM bot_outbox " \
      "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ? " \
      "FOR UPDATE SKIP LOCKED") \
    X(DSP_STALE_OWN, "SELECT id, incident_id, channel, COALESCE(claimed_by, '') FROM outbox WHERE status = " \
      "'sending' AND (claimed_by IS NULL OR claimed_by = ?) ORDER BY id LIMIT ? FOR UPDATE SKIP " \
      "LOCKED") \
    X(DSP_BOT_STALE_OWN, "SELECT id, incident_id, channel_name, COALESCE(claimed_by, '') FROM bot_outbox WHERE " \
      "status = 'sending' AND (claimed_by IS NULL OR claimed_by = ?) ORDER BY id LIMIT ? FOR " \
      "UPDATE SKIP LOCKED") \
    X(DSP_STALE, "SELECT id, incident_id, channel, claimed_by FROM outbox WHERE status = 'sending' AND " \
      "claimed_by IS NOT NULL AND claimed_by <> ? AND (lease_until IS NULL OR lease_until <= ? " \
      "OR claimed_by NOT IN (SELECT node_id FROM opsdesk_nodes WHERE heartbeat_at >= ?)) ORDER " \
      "BY id LIMIT ? FOR UPDATE SKIP LOCKED") \
    X(DSP_BOT_STALE, "SELECT id, incident_id, channel_name, claimed_by FROM bot_outbox WHERE status = " \
      "'sending' AND claimed_by IS NOT NULL AND claimed_by <> ? AND (lease_until IS NULL OR " \
      "lease_until <= ? OR claimed_by NOT IN (SELECT node_id FROM opsdesk_nodes WHERE " \
      "heartbeat_at >= ?)) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED") \
    X(INC_LOCK, "SELECT id, number, title, state, level, severity, severity_provisional, base_response, " \
      "response_level, highest_response, detected_at, registered_at, handling_deadline, " \
      "first_report_due, location, symptoms, impact_scope, departments, drill, created_by, " \
      "activated_by, activated_at, resolved_at, closed_by, closed_at, reviewed_at, updated_at " \
      "FROM incidents WHERE id = ? FOR UPDATE")

#endif
