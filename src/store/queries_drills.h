/* queries_drills.h — the statements of drills (应急演练; migration 0029;
 * src/app/drills.c): the typed row of a drill record, the simulated
 * incident's deadlines, acknowledgements and activation, the sandbox
 * participants of a drill incident and the last drill of each plan.
 * Drill columns, in order (app/drills.c dcols): plan_id, drill_type, mode,
 * goals, scenario, participants, planned_steps, done_steps, evaluation,
 * lessons, scheduled_at, prepared_at, started_at, evaluated_at, closed_at,
 * incident_id, participant_roles, script (migration 0038). */
#ifndef OD_QUERIES_DRILLS_H
#define OD_QUERIES_DRILLS_H

#define OD_QUERY_LIST_DRILLS(X)                                                                              \
    X(DRL_GET, "SELECT plan_id, drill_type, mode, goals, scenario, participants, planned_steps, "            \
               "done_steps, evaluation, lessons, scheduled_at, prepared_at, started_at, evaluated_at, "      \
               "closed_at, incident_id, participant_roles, script FROM drills WHERE record_id = ?")          \
    X(DRL_ENSURE, "INSERT INTO drills(record_id) VALUES(?) ON CONFLICT(record_id) DO NOTHING")               \
    X(DRL_SAVE, "UPDATE drills SET plan_id = ?, drill_type = ?, mode = ?, goals = ?, scenario = ?, "         \
                "participants = ?, planned_steps = ?, done_steps = ?, evaluation = ?, lessons = ?, "         \
                "scheduled_at = ?, prepared_at = ?, started_at = ?, evaluated_at = ?, closed_at = ?, "       \
                "incident_id = ?, participant_roles = ?, script = ? WHERE record_id = ?")                    \
    X(DRL_DAYS_SET, "UPDATE drills SET review_trigger_days = ? WHERE record_id = ?")                         \
    X(DRL_STORED, "SELECT closed_at, review_trigger_days FROM drills WHERE record_id = ?")                   \
    X(DRL_SET_INCIDENT, "UPDATE drills SET incident_id = ? WHERE record_id = ?")                             \
    /* the participants of the sandbox drill simulating an incident (no row: not sandboxed) */               \
    X(DRL_SANDBOX, "SELECT participants FROM drills WHERE incident_id = ? AND mode = 'sandbox'")             \
    X(DRL_BY_INCIDENT, "SELECT record_id FROM drills WHERE incident_id = ?")                                 \
    /* the simulated incident: detected_at, activated_at, closed_at, state */                                \
    X(DRL_INC, "SELECT detected_at, activated_at, closed_at, state, number, level FROM incidents WHERE "     \
               "id = ?")                                                                                     \
    X(DRL_INC_DEADLINES, "SELECT kind, recipient_id, due_at, met_at, status FROM deadlines WHERE "           \
                         "incident_id = ? ORDER BY due_at, id")                                              \
    X(DRL_INC_FIRST_ACK, "SELECT MIN(acked_at) FROM incident_recipients WHERE incident_id = ?")              \
    X(DRL_INC_RECIPIENTS, "SELECT r.user_id, u.username, u.display_name, r.ack_due, r.acked_at FROM "        \
                          "incident_recipients r JOIN users u ON u.id = r.user_id WHERE r.incident_id = ? "  \
                          "ORDER BY r.user_id")                                                              \
    /* the last drill of a plan that closed */                                                               \
    X(DRL_LAST_CLOSED, "SELECT COALESCE(MAX(closed_at), 0) FROM drills WHERE plan_id = ? AND closed_at IS "  \
                       "NOT NULL")                                                                           \
    /* certificates (readiness): columns id, user_id, username, display_name, position, name, issuer,        \
     * number, issued_at, expires_at, created_by, created_at */                                              \
    X(CERT_INSERT, "INSERT INTO certificates(user_id, position, name, issuer, number, issued_at, "           \
                   "expires_at, created_by, created_at) VALUES(?,?,?,?,?,?,?,?,?)")                          \
    X(CERT_GET, "SELECT c.id, c.user_id, u.username, u.display_name, c.position, c.name, c.issuer, "         \
                "c.number, c.issued_at, c.expires_at, c.created_by, c.created_at FROM certificates c JOIN "  \
                "users u ON u.id = c.user_id WHERE c.id = ?")                                                \
    /* newest first; binds: user_id, user_id (0 = everyone), limit, offset */                                \
    X(CERT_LIST, "SELECT c.id, c.user_id, u.username, u.display_name, c.position, c.name, c.issuer, "        \
                 "c.number, c.issued_at, c.expires_at, c.created_by, c.created_at FROM certificates c JOIN " \
                 "users u ON u.id = c.user_id WHERE (? = 0 OR c.user_id = ?) ORDER BY c.issued_at DESC, "    \
                 "c.id DESC LIMIT ? OFFSET ?")                                                               \
    X(CERT_COUNT, "SELECT COUNT(*) FROM certificates WHERE (? = 0 OR user_id = ?)")                          \
    /* the certificates of enabled users not expired at ? and issued by ? (binds: now, now) */               \
    X(CERT_CURRENT, "SELECT c.user_id, u.username, c.position, c.name, c.issued_at, c.expires_at FROM "      \
                    "certificates c JOIN users u ON u.id = c.user_id WHERE u.disabled = 0 AND "              \
                    "(c.expires_at IS NULL OR c.expires_at > ?) AND c.issued_at <= ? ORDER BY c.user_id, "   \
                    "c.id")                                                                                  \
    X(PLN_PUBLISHED_AT, "SELECT record_id, published_at FROM plans WHERE published_at IS NOT NULL ORDER BY " \
                        "record_id")

#endif
