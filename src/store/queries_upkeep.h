/* queries_upkeep.h — the statements of risk assessments and content
 * feedback (migration 0035; src/app/upkeep.c).  Risk assessment columns, in
 * order (RISK_GET, RISK_LIST): id, held_at, assessor_id, username,
 * display_name, department, scope, findings, risks, actions, created_at.
 * Feedback columns (FB_GET, FB_LIST): id, plan_id, plan number, plan
 * title, topic, source, text, created_by, username, created_at, due_at,
 * change, resolution, addressed_by, addressed_at.  Portable SQL. */
#ifndef OD_QUERIES_UPKEEP_H
#define OD_QUERIES_UPKEEP_H

#define OD_QUERY_LIST_UPKEEP(X)                                                                              \
    X(RISK_INSERT, "INSERT INTO risk_assessments(held_at, assessor_id, department, scope, findings, risks, " \
                   "actions, created_at) VALUES(?,?,?,?,?,?,?,?)")                                           \
    X(RISK_GET, "SELECT r.id, r.held_at, r.assessor_id, u.username, u.display_name, r.department, r.scope, " \
                "r.findings, r.risks, r.actions, r.created_at FROM risk_assessments r JOIN users u ON "      \
                "u.id = r.assessor_id WHERE r.id = ?")                                                       \
    /* newest first; binds: limit, offset */                                                                 \
    X(RISK_LIST, "SELECT r.id, r.held_at, r.assessor_id, u.username, u.display_name, r.department, "         \
                 "r.scope, r.findings, r.risks, r.actions, r.created_at FROM risk_assessments r JOIN users " \
                 "u ON u.id = r.assessor_id ORDER BY r.held_at DESC, r.id DESC LIMIT ? OFFSET ?")            \
    X(RISK_COUNT, "SELECT COUNT(*) FROM risk_assessments")                                                   \
    /* the latest held_at (NULL when none) */                                                                \
    X(RISK_LAST, "SELECT MAX(held_at) FROM risk_assessments")                                                \
    X(FB_INSERT, "INSERT INTO content_feedback(plan_id, topic, source, text, created_by, created_at, "       \
                 "due_at) VALUES(?,?,?,?,?,?,?)")                                                            \
    X(FB_GET,                                                                                                \
      "SELECT f.id, f.plan_id, p.number, p.title, f.topic, f.source, f.text, f.created_by, "                 \
      "u.username, f.created_at, f.due_at, f.change_kind, f.resolution, f.addressed_by, f.addressed_at "     \
      "FROM content_feedback f JOIN users u ON u.id = f.created_by LEFT JOIN records p ON "                  \
      "p.id = f.plan_id WHERE f.id = ?")                                                                     \
    /* binds: open (1 = not acted on only), open, plan_id, plan_id (0 = any),                                \
     * limit, offset; the earliest due first */                                                              \
    X(FB_LIST,                                                                                               \
      "SELECT f.id, f.plan_id, p.number, p.title, f.topic, f.source, f.text, f.created_by, "                 \
      "u.username, f.created_at, f.due_at, f.change_kind, f.resolution, f.addressed_by, f.addressed_at "     \
      "FROM content_feedback f JOIN users u ON u.id = f.created_by LEFT JOIN records p ON "                  \
      "p.id = f.plan_id WHERE (? = 0 OR f.addressed_at IS NULL) AND (? = 0 OR f.plan_id = ?) "               \
      "ORDER BY f.due_at, f.id LIMIT ? OFFSET ?")                                                            \
    X(FB_COUNT, "SELECT COUNT(*) FROM content_feedback f WHERE (? = 0 OR f.addressed_at IS NULL) AND "       \
                "(? = 0 OR f.plan_id = ?)")                                                                  \
    /* open entries due at or before now (binds: now) */                                                     \
    X(FB_OVERDUE, "SELECT COUNT(*) FROM content_feedback WHERE addressed_at IS NULL AND due_at <= ?")        \
    /* acted on once: binds change, resolution, addressed_by, addressed_at, id */                            \
    X(FB_ADDRESS, "UPDATE content_feedback SET change_kind = ?, resolution = ?, addressed_by = ?, "          \
                  "addressed_at = ? WHERE id = ? AND addressed_at IS NULL")                                  \
    /* the record a feedback's plan_id names: its kind */                                                    \
    X(FB_PLAN_KIND, "SELECT kind FROM records WHERE id = ?")                                                 \
    /* the assessor: department, disabled */                                                                 \
    X(RISK_USER, "SELECT department, disabled FROM users WHERE id = ?")

#endif
