/* queries_gen.h — the statements of the scale data generator (bench/gen/gen.c,
 * bench/results.md "Scale"): whole rows written in large transactions, with
 * the columns the application's own inserts leave to later updates (states,
 * times of resolution and closing, sent messages) filled at once.  Nothing in
 * the server runs them. */
#ifndef OD_QUERIES_GEN_H
#define OD_QUERIES_GEN_H

#define OD_QUERY_LIST_GEN(X)                                                                                 \
    X(GEN_CI_INSERT, "INSERT INTO cis(name, category, grade, department, environment, location, "            \
                     "attributes, last_verified_at, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?)")    \
    X(GEN_INC_INSERT,                                                                                        \
      "INSERT INTO incidents(number, title, state, level, severity, base_response, response_level, "         \
      "highest_response, detected_at, registered_at, handling_deadline, first_report_due, location, "        \
      "symptoms, impact_scope, departments, drill, created_by, activated_by, activated_at, resolved_at, "    \
      "closed_by, closed_at, reviewed_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?," \
      "?,?)")                                                                                                \
    X(GEN_RCP_INSERT, "INSERT INTO incident_recipients(incident_id, user_id, reason, notified_at, ack_due, " \
                      "acked_at) VALUES(?,?,?,?,?,?)")                                                       \
    X(GEN_DL_INSERT, "INSERT INTO deadlines(incident_id, kind, recipient_id, due_at, met_at, status, "       \
                     "fire_at) VALUES(?,?,?,?,?,?,NULL)")                                                    \
    X(GEN_OUTBOX_INSERT, "INSERT INTO outbox(cause, incident_id, recipient_id, channel, address, kind, "     \
                         "desk, subject, body, status, attempts, next_attempt_at, created_at, sent_at) "     \
                         "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")                                              \
    X(GEN_EV_INSERT, "INSERT INTO events(source, dedup_key, status, state, class, severity, summary, "       \
                     "ci_id, labels, annotations, raw, count, flapping, changes, group_key, incident_id, "   \
                     "first_seen, last_seen, received_at, updated_at, closed_at, decisions, key_hash) "      \
                     "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,0,'[]',?,?,?,?,?,?,?,'[]',?)")                          \
    /* PostgreSQL, after the rows: the planner's statistics */                                               \
    X(GEN_ANALYZE, "ANALYZE")                                                                                \
    /* set mode (PostgreSQL: one statement per table and batch, not one round trip per row): a JSON          \
     * array of rows, each an array of the columns in order; PostgreSQL overrides in queries_pg.h */         \
    X(GEN_INC_CI_SET, "INSERT INTO incident_cis(incident_id, ci_id) SELECT json_extract(value, '$[0]'), "    \
                      "json_extract(value, '$[1]') FROM json_each(?) ORDER BY key")                          \
    X(GEN_TL_SET,                                                                                            \
      "INSERT INTO incident_timeline(incident_id, at, actor, kind, text, data) SELECT "                      \
      "json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "              \
      "json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]') FROM "          \
      "json_each(?) ORDER BY key")                                                                           \
    X(GEN_REP_SET,                                                                                           \
      "INSERT INTO incident_reports(incident_id, kind, at, author_id, author, desk, body) SELECT "           \
      "json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "              \
      "json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), "              \
      "json_extract(value, '$[6]') FROM json_each(?) ORDER BY key")                                          \
    X(GEN_RCP_SET,                                                                                           \
      "INSERT INTO incident_recipients(incident_id, user_id, reason, notified_at, ack_due, acked_at) "       \
      "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "       \
      "json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]') FROM "          \
      "json_each(?) ORDER BY key")                                                                           \
    X(GEN_DL_SET,                                                                                            \
      "INSERT INTO deadlines(incident_id, kind, recipient_id, due_at, met_at, status, fire_at) SELECT "      \
      "json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "              \
      "json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), NULL FROM"     \
      " json_each(?) ORDER BY key")                                                                          \
    X(GEN_OUTBOX_SET,                                                                                        \
      "INSERT INTO outbox(cause, incident_id, recipient_id, channel, address, kind, desk, subject, "         \
      "body, status, attempts, next_attempt_at, created_at, sent_at) SELECT json_extract(value, "            \
      "'$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), "     \
      "json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), "              \
      "json_extract(value, '$[7]'), json_extract(value, '$[8]'), json_extract(value, '$[9]'), "              \
      "json_extract(value, '$[10]'), json_extract(value, '$[11]'), json_extract(value, '$[12]'), "           \
      "json_extract(value, '$[13]') FROM json_each(?) ORDER BY key")                                         \
    X(GEN_DELIVERY_SET,                                                                                      \
      "INSERT INTO deliveries(outbox_id, bot_id, incident_id, at, channel, status, http_status, "            \
      "vendor_code, error) SELECT o.id, NULL, json_extract(j.value, '$[3]'), json_extract(j.value, "         \
      "'$[4]'), json_extract(j.value, '$[5]'), json_extract(j.value, '$[6]'), json_extract(j.value, "        \
      "'$[7]'), json_extract(j.value, '$[8]'), json_extract(j.value, '$[9]') FROM json_each(?) j JOIN "      \
      "outbox o ON o.cause = json_extract(j.value, '$[0]') AND o.recipient_id = json_extract(j.value, "      \
      "'$[1]') AND o.channel = json_extract(j.value, '$[2]') ORDER BY j.key")                                \
    X(GEN_EV_SET,                                                                                            \
      "INSERT INTO events(source, dedup_key, status, state, class, severity, summary, ci_id, labels, "       \
      "annotations, raw, count, flapping, changes, group_key, incident_id, first_seen, last_seen, "          \
      "received_at, updated_at, closed_at, decisions, key_hash) SELECT json_extract(value, '$[0]'), "        \
      "json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), "              \
      "json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), "              \
      "json_extract(value, '$[7]'), json_extract(value, '$[8]'), json_extract(value, '$[9]'), "              \
      "json_extract(value, '$[10]'), json_extract(value, '$[11]'), 0, '[]', json_extract(value, "            \
      "'$[12]'), json_extract(value, '$[13]'), json_extract(value, '$[14]'), json_extract(value, "           \
      "'$[15]'), json_extract(value, '$[16]'), json_extract(value, '$[17]'), json_extract(value, "           \
      "'$[18]'), '[]', json_extract(value, '$[19]') FROM json_each(?) ORDER BY key")

#endif
