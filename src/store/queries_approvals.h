/* queries_approvals.h — the statements of approval deadlines and of
 * deciding from a message (src/app/record_approvals.c): a step read with
 * its round, its due time and approvers rewritten, its deadlines
 * cancelled, the heads of a committee and the substitutes valid now; the
 * one-time links that decide from a message (migration 0028; minted by
 * src/notify/dispatcher.c, used by src/app/approval_links.c). */
#ifndef OD_QUERIES_APPROVALS_H
#define OD_QUERIES_APPROVALS_H

#define OD_QUERY_LIST_APPROVALS(X)                                                                           \
    X(APR_STEP_GET, "SELECT s.step_key, s.approvers, s.state, r.round, COALESCE(r.opened_by, 0), "           \
                    "r.record_id, s.mode FROM approval_steps s JOIN approval_rounds r ON r.id = "            \
                    "s.round_id WHERE s.id = ?")                                                             \
    X(APR_STEP_DUE, "UPDATE approval_steps SET due_at = ? WHERE id = ?")                                     \
    X(APR_STEP_APPROVERS, "UPDATE approval_steps SET approvers = ? WHERE id = ? AND state = 'waiting'")      \
    X(APR_DL_CANCEL, "UPDATE deadlines SET status = 'cancelled', fire_at = NULL WHERE record_id = ? "        \
                     "AND kind IN (?, ?) AND status = 'pending'")                                            \
    X(APR_CMT_HEADS, "SELECT m.user_id FROM committee_members m JOIN committees c ON c.id = "                \
                     "m.committee_id WHERE c.key = ? AND m.role IN ('chair', 'deputy') UNION SELECT "        \
                     "chair_id FROM committees WHERE key = ? AND chair_id IS NOT NULL")                      \
    /* escalate_to superior: the enabled accounts of an approver's (non-empty) department, the app keeps     \
     * the department heads */                                                                               \
    X(APR_SUPERIORS, "SELECT h.id, h.roles FROM users h JOIN users u ON u.department = h.department WHERE "  \
                     "u.id = ? AND u.department <> '' AND h.id <> u.id AND h.disabled = 0 ORDER BY h.id")    \
    X(APR_SUBSTITUTES, "SELECT delegate_id FROM approval_delegations WHERE user_id = ? AND from_at <= ? "    \
                       "AND until_at > ? ORDER BY id")                                                       \
    /* the waiting steps of a record, newest first: a link names the one its recipient approves */           \
    X(APL_NEEDED, "SELECT s.id, s.approvers FROM approval_steps s JOIN approval_rounds r ON r.id = "         \
                  "s.round_id WHERE r.record_id = ? AND s.state = 'waiting' ORDER BY s.id DESC")             \
    X(APL_INSERT, "INSERT INTO approval_links(token_hash, record_id, user_id, outbox_id, created_at, "       \
                  "expires_at, step_id) VALUES(?,?,?,?,?,?,?)")                                              \
    X(APL_GET, "SELECT l.id, l.record_id, l.user_id, l.expires_at, l.used_at, l.decision, r.number, "        \
               "r.title, u.username, u.roles, COALESCE(l.step_id, 0) FROM approval_links l JOIN records r "  \
               "ON r.id = l.record_id "                                                                      \
               "JOIN users u ON u.id = l.user_id WHERE l.token_hash = ?")                                    \
    X(APL_USE, "UPDATE approval_links SET used_at = ?, used_addr = ?, decision = ? WHERE id = ? AND "        \
               "used_at IS NULL")                                                                            \
    X(APL_WAITING, "SELECT s.step_key, r.id, s.approvers FROM approval_steps s JOIN approval_rounds r ON "   \
                   "r.id = s.round_id WHERE r.record_id = ? AND s.state = 'waiting' ORDER BY s.id")          \
    /* the step a link names: key, round id, state, approvers, and whether a later round of the record       \
     * has the same step (the approval was re-submitted since) */                                            \
    X(APL_STEP, "SELECT s.step_key, s.round_id, s.state, s.approvers, (SELECT COUNT(*) FROM "                \
                "approval_steps s2 JOIN approval_rounds r2 ON r2.id = s2.round_id WHERE r2.record_id = "     \
                "r.record_id AND s2.step_key = s.step_key AND r2.round > r.round) FROM approval_steps s "    \
                "JOIN approval_rounds r ON r.id = s.round_id WHERE s.id = ? AND r.record_id = ?")

#endif
