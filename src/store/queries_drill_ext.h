/* queries_drill_ext.h — more statements of the drill module (应急演练;
 * src/app/drill_findings.c, drill_due.c, drill_script.c; migration 0038):
 * the follow-up records a drill's findings opened, the due notices of plan
 * reviews and drills, participants' roles and scores, and the scripted
 * injects. */
#ifndef OD_QUERIES_DRILL_EXT_H
#define OD_QUERIES_DRILL_EXT_H

#define OD_QUERY_LIST_DRILL_EXT(X)                                                                           \
    /* the records that originated from drill ?: id, number, kind, title, state */                           \
    X(DRLX_FINDINGS, "SELECT r.id, r.number, r.kind, r.title, r.state FROM record_links l JOIN records r "   \
                     "ON r.id = l.from_id WHERE l.to_id = ? AND l.kind = 'originated_from' AND "             \
                     "l.state = 'active' ORDER BY r.id")                                                     \
    /* due notices (drill_due.c): record deadlines of kind due:<what>:<soon|due>, due_at = the due date */   \
    X(DRLX_DUE_PENDING, "SELECT id, due_at FROM deadlines WHERE record_id = ? AND incident_id IS NULL AND "  \
                        "kind = ? AND status = 'pending'")                                                   \
    X(DRLX_DUE_CANCEL, "UPDATE deadlines SET status = 'cancelled', fire_at = NULL WHERE record_id = ? AND "  \
                       "incident_id IS NULL AND kind = ? AND status = 'pending'")                            \
    X(DRLX_DUE_DONE,                                                                                         \
      "SELECT COUNT(*) FROM deadlines WHERE record_id = ? AND incident_id IS NULL AND kind = "               \
      "? AND due_at = ? AND status NOT IN ('pending', 'cancelled')")                                         \
    /* manual scores (drills.c): item, user_id (0 = the drill), score, note, scored_by, scored_at */         \
    X(DRLX_SCORE_PUT,                                                                                        \
      "INSERT INTO drill_scores(record_id, item, user_id, score, note, scored_by, "                          \
      "scored_at) VALUES(?,?,?,?,?,?,?) ON CONFLICT(record_id, item, user_id) DO UPDATE SET "                \
      "score = excluded.score, note = excluded.note, scored_by = excluded.scored_by, "                       \
      "scored_at = excluded.scored_at")                                                                      \
    X(DRLX_SCORES, "SELECT item, user_id, score, note, scored_by, scored_at FROM drill_scores WHERE "        \
                   "record_id = ? ORDER BY user_id, item")                                                   \
    /* whether user ? exists and is active: disabled */                                                      \
    X(DRLX_USER_ACTIVE, "SELECT disabled FROM users WHERE id = ?")                                           \
    /* a scoped reader's training and certificate lists (training.c, certificates.c): every matching row     \
     * with the person's department last; binds: user_id, user_id (0 = everyone) */                          \
    X(DRLX_TRN_ALL, "SELECT t.id, t.user_id, u.username, u.display_name, t.topic, t.minutes, t.held_at, "    \
                    "t.plan_id, t.created_by, t.created_at, u.department FROM trainings t JOIN users u ON "  \
                    "u.id = t.user_id WHERE (? = 0 OR t.user_id = ?) ORDER BY t.held_at DESC, t.id DESC")    \
    X(DRLX_CERT_ALL,                                                                                         \
      "SELECT c.id, c.user_id, u.username, u.display_name, c.position, c.name, c.issuer, "                   \
      "c.number, c.issued_at, c.expires_at, c.created_by, c.created_at, u.department FROM "                  \
      "certificates c JOIN users u ON u.id = c.user_id WHERE (? = 0 OR c.user_id = ?) ORDER BY "             \
      "c.issued_at DESC, c.id DESC")

#endif
