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
                     "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,0,'[]',?,?,?,?,?,?,?,'[]',?)")

#endif
