/* queries.h — every SQL statement opsdesk runs, by name.  Portable SQL with
 * `?` placeholders (the PostgreSQL backend rewrites them to $n).  An insert
 * whose id the caller needs runs by od_tx_insert and has no RETURNING id:
 * the backend gets the id (store.h).  Only src/store/ includes the SQL text
 * (OD_QUERY_SQL). */
#ifndef OD_QUERIES_H
#define OD_QUERIES_H

#include "store/queries_notify.h"
#include "store/queries_dashboard.h"
#include "store/queries_events.h"
#include "store/queries_records.h"
#include "store/queries_cluster.h"
#include "store/queries_kernel.h"
#include "store/queries_sla.h"
#include "store/queries_desk.h"
#include "store/queries_ke.h"
#include "store/queries_duties.h"
#include "store/queries_ev_dedup.h"
#include "store/queries_plans.h"
#include "store/queries_lists.h"
#include "store/queries_levels.h"
#include "store/queries_account.h"
#include "store/queries_training.h"
#include "store/queries_omr.h"
#include "store/queries_contacts.h"
#include "store/queries_upkeep.h"
#include "store/queries_delivery_log.h"
#include "store/queries_ci_retire.h"
#include "store/queries_approvals.h"
#include "store/queries_checklists.h"
#include "store/queries_assignable.h"
#include "store/queries_lease.h"
#include "store/queries_drills.h"
#include "store/queries_drill_ext.h"
#include "store/queries_gen.h"
#include "store/queries_search.h"
#include "store/queries_inc_sort.h"
#include "store/queries_ci_history.h"
#include "store/queries_lockouts.h"
#include "store/queries_ev_insert.h"
#include "store/queries_rsearch.h"
#include "store/queries_reads.h"
#include "store/queries_prb_entries.h"
#include "store/queries_cisearch.h"
#include "store/queries_courses.h"
#include "store/queries_pcrule.h"
#include "store/queries_drill_inject.h"
#include "store/queries_omr_readiness.h"
#include "store/queries_cases.h"
#include "store/queries_ievq.h"

#define OD_QUERY_LIST(X)                                                                                     \
    OD_QUERY_LIST_NOTIFY(X)                                                                                  \
    OD_QUERY_LIST_DASHBOARD(X)                                                                               \
    OD_QUERY_LIST_EVENTS(X)                                                                                  \
    OD_QUERY_LIST_RECORDS(X)                                                                                 \
    OD_QUERY_LIST_CLUSTER(X)                                                                                 \
    OD_QUERY_LIST_KERNEL(X)                                                                                  \
    OD_QUERY_LIST_SLA(X)                                                                                     \
    OD_QUERY_LIST_DESK(X)                                                                                    \
    OD_QUERY_LIST_KE(X)                                                                                      \
    OD_QUERY_LIST_ACCOUNT(X)                                                                                 \
    OD_QUERY_LIST_DUTIES(X)                                                                                  \
    OD_QUERY_LIST_EV_DEDUP(X)                                                                                \
    OD_QUERY_LIST_PLANS(X)                                                                                   \
    OD_QUERY_LIST_LISTS(X)                                                                                   \
    OD_QUERY_LIST_LEVELS(X)                                                                                  \
    OD_QUERY_LIST_OMR(X)                                                                                     \
    OD_QUERY_LIST_TRAINING(X)                                                                                \
    OD_QUERY_LIST_CONTACTS(X)                                                                                \
    OD_QUERY_LIST_UPKEEP(X)                                                                                  \
    OD_QUERY_LIST_DELIVERY_LOG(X)                                                                            \
    OD_QUERY_LIST_CI_RETIRE(X)                                                                               \
    OD_QUERY_LIST_APPROVALS(X)                                                                               \
    OD_QUERY_LIST_CHECKLISTS(X)                                                                              \
    OD_QUERY_LIST_ASSIGNABLE(X)                                                                              \
    OD_QUERY_LIST_LEASE(X)                                                                                   \
    OD_QUERY_LIST_DRILLS(X)                                                                                  \
    OD_QUERY_LIST_DRILL_EXT(X)                                                                               \
    OD_QUERY_LIST_GEN(X)                                                                                     \
    OD_QUERY_LIST_SEARCH(X)                                                                                  \
    OD_QUERY_LIST_INC_SORT(X)                                                                                \
    OD_QUERY_LIST_CI_HISTORY(X)                                                                              \
    OD_QUERY_LIST_LOCKOUTS(X)                                                                                \
    OD_QUERY_LIST_EV_INSERT(X)                                                                               \
    OD_QUERY_LIST_RSEARCH(X)                                                                                 \
    OD_QUERY_LIST_READS(X)                                                                                   \
    OD_QUERY_LIST_PRB_ENTRIES(X)                                                                             \
    OD_QUERY_LIST_CISEARCH(X)                                                                                \
    OD_QUERY_LIST_COURSES(X)                                                                                 \
    OD_QUERY_LIST_PCRULE(X)                                                                                  \
    OD_QUERY_LIST_DRILL_INJECT(X)                                                                            \
    OD_QUERY_LIST_OMR_READINESS(X)                                                                           \
    OD_QUERY_LIST_CASES(X)                                                                                   \
    OD_QUERY_LIST_IEVQ(X)                                                                                    \
    /* meta */                                                                                               \
    X(META_GET, "SELECT value FROM meta WHERE key = ?")                                                      \
    X(META_PUT, "INSERT INTO meta(key, value) VALUES(?, ?) "                                                 \
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value")                                     \
    /* users */                                                                                              \
    X(USER_INSERT, "INSERT INTO users(username, pw_hash, display_name, department, phone, email, "           \
                   "roles, scopes, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?)")                     \
    X(USER_BY_NAME, "SELECT id, pw_hash, disabled, roles, scopes FROM users WHERE username = ?")             \
    X(USER_GET, "SELECT id, username, display_name, department, phone, email, roles, scopes, "               \
                "disabled, lang, created_at, updated_at FROM users WHERE id = ?")                            \
    X(USER_LIST, "SELECT id, username, display_name, department, phone, email, roles, scopes, "              \
                 "disabled, lang, created_at, updated_at FROM users ORDER BY id LIMIT ? OFFSET ?")           \
    X(USER_COUNT, "SELECT COUNT(*) FROM users")                                                              \
    X(USER_SET_ROLES, "UPDATE users SET roles = ?, scopes = ?, updated_at = ? WHERE id = ?")                 \
    X(USER_SET_DISABLED, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?")                       \
    X(USER_SET_PASSWORD, "UPDATE users SET pw_hash = ?, updated_at = ? WHERE id = ?")                        \
    X(USER_UPDATE, "UPDATE users SET display_name = ?, department = ?, phone = ?, email = ?, "               \
                   "lang = ?, updated_at = ? WHERE id = ?")                                                  \
    X(USER_CONTACT, "SELECT id, username, display_name, department, phone, email, lang, roles "              \
                    "FROM users WHERE id = ?")                                                               \
    X(USERS_WITH_ROLE, "SELECT id, username, display_name, department, phone, email, lang "                  \
                       "FROM users WHERE disabled = 0 AND (roles & ?) != 0 ORDER BY id")                     \
    /* the people a message may go to (app/notify_out.c): roles and scopes decide */                         \
    X(RCPT_CANDIDATES, "SELECT id, username, display_name, department, phone, email, lang, roles, "          \
                       "scopes FROM users WHERE disabled = 0 AND (roles & ?) != 0 ORDER BY id")              \
    X(META_GET_INT, "SELECT CAST(value AS BIGINT) FROM meta WHERE key = ?")                                  \
    X(LOGIN_UNLOCK_PUT, "INSERT INTO login_unlocks(username, at) VALUES(?, ?) "                              \
                        "ON CONFLICT(username) DO UPDATE SET at = excluded.at")                              \
    X(LOGIN_UNLOCK_GET, "SELECT at FROM login_unlocks WHERE username = ?")                                   \
    X(LOGIN_UNLOCK_DEL, "DELETE FROM login_unlocks WHERE username = ? AND at = ?")                           \
    /* sessions */                                                                                           \
    X(SESSION_INSERT, "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, addr) "             \
                      "VALUES(?,?,?,?,?)")                                                                   \
    X(SESSION_LOOKUP, "SELECT s.id, s.user_id, s.expires_at, u.username, u.roles, u.scopes, "                \
                      "u.disabled, u.department, u.display_name FROM sessions s JOIN users u ON "            \
                      "u.id = s.user_id WHERE s.token_hash = ? AND s.revoked_at IS NULL")                    \
    X(SESSION_REVOKE, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")              \
    X(SESSION_ADDRS_SINCE, "SELECT s.addr FROM sessions s JOIN users u ON u.id = s.user_id "                 \
                           "WHERE u.username = ? AND s.created_at >= ? ORDER BY s.id DESC LIMIT 200")        \
    X(SESSION_REVOKE_USER, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND "                       \
                           "revoked_at IS NULL")                                                             \
    /* audit */                                                                                              \
    X(AUDIT_LAST, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")                                     \
    X(AUDIT_INSERT, "INSERT INTO audit(id, at, actor_id, actor, action, entity, entity_id, "                 \
                    "before_json, after_json, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?,?,?)")               \
    X(AUDIT_WALK, "SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, "                 \
                  "after_json, prev_hash, hash FROM audit WHERE id > ? ORDER BY id LIMIT ?")                 \
    /* CMDB */                                                                                               \
    X(CI_INSERT, "INSERT INTO cis(name, category, grade, department, environment, location, "                \
                 "attributes, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?)")                            \
    X(CI_GET, "SELECT id, name, category, grade, department, environment, location, attributes, "            \
              "last_verified_at, verified_by, created_at, updated_at, retired_at, retired_reason FROM cis "  \
              "WHERE id = ?")                                                                                \
    X(CI_BY_NAME, "SELECT id FROM cis WHERE name = ?")                                                       \
    X(CI_UPDATE, "UPDATE cis SET name = ?, category = ?, grade = ?, department = ?, "                        \
                 "environment = ?, location = ?, attributes = ?, updated_at = ? WHERE id = ?")               \
    X(CI_VERIFY, "UPDATE cis SET last_verified_at = ?, verified_by = ?, updated_at = ? WHERE id = ?")        \
    /* +retired_at: not by cis_retired (0051), which is for counting; a walk of                              \
     * every CI in service and a sort would be slower than this scan in id order */                          \
    X(CI_UNVERIFIED, "SELECT id, name, category, grade, department, environment, location, "                 \
                     "attributes, last_verified_at, verified_by, created_at, updated_at, retired_at, "       \
                     "retired_reason FROM "                                                                  \
                     "cis "                                                                                  \
                     "WHERE (last_verified_at IS NULL OR last_verified_at < ?) AND +retired_at IS NULL "     \
                     "ORDER BY id LIMIT ? OFFSET ?")                                                         \
    X(CI_UNVERIFIED_COUNT, "SELECT COUNT(*) FROM cis WHERE (last_verified_at IS NULL OR "                    \
                           "last_verified_at < ?) AND +retired_at IS NULL")                                  \
    X(REL_INSERT, "INSERT INTO ci_relations(source_id, type, target_id, created_at) "                        \
                  "VALUES(?,?,?,?)")                                                                         \
    X(REL_OF_CI, "SELECT r.id, r.source_id, r.type, r.target_id, s.name, t.name FROM ci_relations "          \
                 "r JOIN cis s ON s.id = r.source_id JOIN cis t ON t.id = r.target_id WHERE "                \
                 "r.source_id = ? OR r.target_id = ? ORDER BY r.id")                                         \
    X(REL_DEPENDENTS, "SELECT r.source_id, r.type FROM ci_relations r WHERE r.target_id = ? AND "            \
                      "r.type IN ('depends_on', 'runs_on', 'connects_to')")                                  \
    X(REL_DELETE, "DELETE FROM ci_relations WHERE id = ? AND source_id = ?")                                 \
    /* incidents */                                                                                          \
    X(COUNTER_NEXT, "INSERT INTO counters(name, value) VALUES(?, 1) ON CONFLICT(name) DO UPDATE "            \
                    "SET value = counters.value + 1 RETURNING value")                                        \
    X(INC_INSERT, "INSERT INTO incidents(number, title, state, level, severity, "                            \
                  "severity_provisional, base_response, response_level, highest_response, "                  \
                  "detected_at, registered_at, handling_deadline, first_report_due, location, "              \
                  "symptoms, impact_scope, departments, drill, created_by, updated_at) "                     \
                  "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")                                         \
    X(INC_GET, "SELECT id, number, title, state, level, severity, severity_provisional, "                    \
               "base_response, response_level, highest_response, detected_at, registered_at, "               \
               "handling_deadline, first_report_due, location, symptoms, impact_scope, departments, "        \
               "drill, created_by, activated_by, activated_at, resolved_at, closed_by, closed_at, "          \
               "reviewed_at, updated_at FROM incidents WHERE id = ?")                                        \
    X(INC_SET_STATE, "UPDATE incidents SET state = ?, updated_at = ? WHERE id = ?")                          \
    X(INC_SET_DETAILS, "UPDATE incidents SET location = ?, symptoms = ?, impact_scope = ?, "                 \
                       "updated_at = ? WHERE id = ?")                                                        \
    X(INC_SET_LEVELS, "UPDATE incidents SET level = ?, severity = ?, severity_provisional = ?, "             \
                      "base_response = ?, response_level = ?, highest_response = ?, "                        \
                      "handling_deadline = ?, first_report_due = ?, departments = ?, updated_at = ? "        \
                      "WHERE id = ?")                                                                        \
    X(INC_SET_ACTIVATED, "UPDATE incidents SET state = ?, activated_by = ?, activated_at = ?, "              \
                         "updated_at = ? WHERE id = ?")                                                      \
    X(INC_SET_RESOLVED, "UPDATE incidents SET state = ?, resolved_at = ?, updated_at = ? WHERE id = ?")      \
    X(INC_SET_CLOSED, "UPDATE incidents SET state = ?, closed_by = ?, closed_at = ?, updated_at = ? "        \
                      "WHERE id = ?")                                                                        \
    X(INC_SET_REVIEWED, "UPDATE incidents SET state = ?, reviewed_at = ?, updated_at = ? WHERE id = ?")      \
    X(INC_CI_INSERT, "INSERT INTO incident_cis(incident_id, ci_id) VALUES(?, ?)")                            \
    X(INC_CI_DELETE, "DELETE FROM incident_cis WHERE incident_id = ?")                                       \
    X(INC_CI_LIST, "SELECT c.id, c.name, c.category, c.grade, c.department FROM incident_cis ic "            \
                   "JOIN cis c ON c.id = ic.ci_id WHERE ic.incident_id = ? ORDER BY c.id")                   \
    X(TL_INSERT, "INSERT INTO incident_timeline(incident_id, at, actor, kind, text, data) "                  \
                 "VALUES(?,?,?,?,?,?)")                                                                      \
    X(TL_LIST, "SELECT at, actor, kind, text, data, (SELECT display_name FROM users u WHERE u.username = "   \
               "incident_timeline.actor) FROM incident_timeline WHERE incident_id = ? ORDER BY id")          \
    X(ESC_INSERT, "INSERT INTO incident_escalations(incident_id, from_level, to_level, at, reason) "         \
                  "VALUES(?,?,?,?,?)")                                                                       \
    X(ESC_LIST, "SELECT from_level, to_level, at, reason FROM incident_escalations WHERE "                   \
                "incident_id = ? ORDER BY id")                                                               \
    X(REP_INSERT, "INSERT INTO incident_reports(incident_id, kind, at, author_id, author, desk, body) "      \
                  "VALUES(?,?,?,?,?,?,?)")                                                                   \
    X(REP_LIST, "SELECT kind, at, author, desk, body, (SELECT display_name FROM users u WHERE u.username = " \
                "incident_reports.author) FROM incident_reports WHERE incident_id = ? ORDER BY id")          \
    X(RCP_INSERT, "INSERT INTO incident_recipients(incident_id, user_id, reason, notified_at, "              \
                  "ack_due) VALUES(?,?,?,?,?) ON CONFLICT(incident_id, user_id) DO NOTHING")                 \
    X(RCP_LIST, "SELECT r.user_id, u.username, u.display_name, r.reason, r.notified_at, r.ack_due, "         \
                "r.acked_at, u.phone, u.email FROM incident_recipients r JOIN users u ON "                   \
                "u.id = r.user_id WHERE r.incident_id = ? ORDER BY r.id")                                    \
    X(RCP_ACK, "UPDATE incident_recipients SET acked_at = ? WHERE incident_id = ? AND user_id = ? "          \
               "AND acked_at IS NULL")                                                                       \
    X(RCP_GET, "SELECT ack_due, acked_at FROM incident_recipients WHERE incident_id = ? AND "                \
               "user_id = ?")                                                                                \
    X(DL_INSERT, "INSERT INTO deadlines(incident_id, kind, recipient_id, due_at, fire_at) "                  \
                 "VALUES(?,?,?,?,?)")                                                                        \
    X(DL_LIST, "SELECT id, kind, recipient_id, due_at, met_at, status, fire_at FROM deadlines "              \
               "WHERE incident_id = ? ORDER BY due_at, id")                                                  \
    X(DL_MEET, "UPDATE deadlines SET met_at = ?, status = CASE WHEN status = 'pending' THEN 'met' "          \
               "ELSE status END, fire_at = NULL WHERE incident_id = ? AND kind = ? AND met_at IS "           \
               "NULL AND status IN ('pending', 'missed') AND (? = 0 OR recipient_id = ?)")                   \
    X(DL_CANCEL, "UPDATE deadlines SET status = 'cancelled', fire_at = NULL WHERE incident_id = ? "          \
                 "AND kind = ? AND status = 'pending'")                                                      \
    X(DL_NEXT_DUE, "SELECT id, incident_id, kind, recipient_id, due_at, fire_at FROM deadlines "             \
                   "WHERE fire_at IS NOT NULL AND fire_at <= ? ORDER BY fire_at, id LIMIT 1")                \
    X(DL_MIN_FIRE, "SELECT MIN(fire_at) FROM deadlines WHERE fire_at IS NOT NULL")                           \
    X(DL_GET, "SELECT id, incident_id, kind, recipient_id, due_at, fire_at, status FROM deadlines "          \
              "WHERE id = ?")                                                                                \
    X(DL_FIRED, "UPDATE deadlines SET fire_at = NULL, status = ?, fired_by = ? WHERE id = ? AND "            \
                "fire_at IS NOT NULL")                                                                       \
    X(DL_POSTPONE, "UPDATE deadlines SET fire_at = ? WHERE id = ? AND fire_at IS NOT NULL")                  \
    X(DL_PENDING_COUNT, "SELECT COUNT(*) FROM deadlines WHERE fire_at IS NOT NULL")                          \
    X(OUTBOX_INSERT, "INSERT INTO outbox(cause, incident_id, recipient_id, channel, address, kind, "         \
                     "desk, subject, body, next_attempt_at, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?) "      \
                     "ON CONFLICT(cause, recipient_id, channel) DO NOTHING")                                 \
    X(OUTBOX_REACHED, "SELECT DISTINCT recipient_id, kind FROM outbox WHERE incident_id = ? AND "            \
                      "recipient_id IS NOT NULL ORDER BY recipient_id, kind")                                \
    X(OUTBOX_OF_INC, "SELECT id, cause, recipient_id, channel, address, kind, desk, subject, status, "       \
                     "attempts, created_at, sent_at FROM outbox WHERE incident_id = ? ORDER BY id")          \
    X(CASE_INSERT, "INSERT INTO cases(incident_id, number, title, level, highest_response, "                 \
                   "categories, ci_names, cause, text, drill, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)")    \
    X(CASE_SEARCH, "SELECT incident_id, number, title, level, highest_response, categories, "                \
                   "ci_names, cause, drill, created_at, CASE WHEN ? = 1 THEN (SELECT departments FROM "      \
                   "incidents WHERE incidents.id = cases.incident_id) ELSE '[]' END FROM cases WHERE (? = "  \
                   "'' OR text LIKE ? "                                                                      \
                   "ESCAPE '\\') AND (? = '' OR level = ?) AND (? = '' OR categories LIKE ? ESCAPE "         \
                   "'\\') ORDER BY created_at DESC LIMIT ? OFFSET ?")                                        \
    X(CASE_COUNT, "SELECT COUNT(*) FROM cases WHERE (? = '' OR text LIKE ? ESCAPE '\\') AND "                \
                  "(? = '' OR level = ?) AND (? = '' OR categories LIKE ? ESCAPE '\\')")

typedef enum od_query {
#define OD_Q_ENUM(name, sql) OD_Q_##name,
    OD_QUERY_LIST(OD_Q_ENUM)
#undef OD_Q_ENUM
        OD_Q__COUNT
} od_query;

#endif
