/* queries_plans.h — the statements of emergency plans (migration 0021;
 * src/app/plans.c): the typed row of a plan record, its versions, and the
 * plans whose review is due.  Plan columns, in order (app/plans.c pcols):
 * owner_id, scope_classes, scope_ci_ids, scope_services, review_months,
 * evaluation, review_note, evaluated_at, approved_at, published_at,
 * reviewed_at, next_review_at, review_trigger, review_triggered_at,
 * review_trigger_due_at (migration 0029). */
#ifndef OD_QUERIES_PLANS_H
#define OD_QUERIES_PLANS_H

#define OD_QUERY_LIST_PLANS(X)                                                                               \
    X(PLN_GET, "SELECT owner_id, scope_classes, scope_ci_ids, scope_services, review_months, evaluation, "   \
               "review_note, evaluated_at, approved_at, published_at, reviewed_at, next_review_at, "         \
               "review_trigger, review_triggered_at, review_trigger_due_at FROM plans WHERE record_id = ?")  \
    X(PLN_ENSURE, "INSERT INTO plans(record_id) VALUES(?) ON CONFLICT(record_id) DO NOTHING")                \
    X(PLN_SAVE, "UPDATE plans SET owner_id = ?, scope_classes = ?, scope_ci_ids = ?, scope_services = ?, "   \
                "review_months = ?, evaluation = ?, review_note = ?, evaluated_at = ?, approved_at = ?, "    \
                "published_at = ?, reviewed_at = ?, next_review_at = ?, review_trigger = ?, "                \
                "review_triggered_at = ?, review_trigger_due_at = ? WHERE record_id = ?")                    \
    /* a publication newer than every version's stamp marks the latest                                       \
     * unstamped version published (binds: at, id, id, id, at) */                                            \
    X(PLN_VER_STAMP, "UPDATE plan_versions SET published_at = ? WHERE record_id = ? AND published_at IS "    \
                     "NULL AND number = (SELECT MAX(number) FROM plan_versions WHERE record_id = ?) AND "    \
                     "NOT EXISTS (SELECT 1 FROM plan_versions WHERE record_id = ? AND published_at >= ?)")   \
    X(PLN_VER_COUNT, "SELECT COUNT(*) FROM plan_versions WHERE record_id = ?")                               \
    X(PLN_VER_MAX, "SELECT COALESCE(MAX(number), 0) FROM plan_versions WHERE record_id = ?")                 \
    X(PLN_VER_INSERT, "INSERT INTO plan_versions(record_id, number, body, html, created_at, created_by) "    \
                      "VALUES(?,?,?,?,?,?)")                                                                 \
    X(PLN_VER_GET, "SELECT number, body, html, created_at, created_by, published_at FROM plan_versions "     \
                   "WHERE record_id = ? AND number = ?")                                                     \
    X(PLN_VER_LIST, "SELECT number, created_at, created_by, published_at FROM plan_versions WHERE "          \
                    "record_id = ? ORDER BY number")                                                         \
    /* plans whose review is due at ? (next_review_at <= now), soonest first */                              \
    X(PLN_OVERDUE, "SELECT record_id FROM plans WHERE next_review_at IS NOT NULL AND next_review_at <= ? "   \
                   "ORDER BY next_review_at, record_id")                                                     \
    X(PLN_REC_TOUCH, "UPDATE records SET updated_at = ?, version = version + 1 WHERE id = ?")                \
    /* the plans ever published, with their scope (incidents' plans) */                                      \
    X(PLN_PUBLISHED, "SELECT record_id, scope_classes, scope_ci_ids FROM plans WHERE published_at IS NOT "   \
                     "NULL ORDER BY record_id")                                                              \
    /* an incident's CIs with their category (plans that apply to it) */                                     \
    X(PLN_INC_CIS, "SELECT c.id, c.category FROM incident_cis ic JOIN cis c ON c.id = ic.ci_id WHERE "       \
                   "ic.incident_id = ? ORDER BY c.id")                                                       \
    X(PLN_INC_LEVEL, "SELECT level FROM incidents WHERE id = ?")                                             \
    /* the activations of an incident's plans (binds: incident, plan, version, level, at, by) */             \
    X(PLN_ACT_INSERT, "INSERT INTO incident_plan_activations(incident_id, plan_id, plan_version, level, "    \
                      "activated_at, activated_by) VALUES(?,?,?,?,?,?) ON CONFLICT DO NOTHING")              \
    X(PLN_ACT_LIST, "SELECT a.plan_id, r.number, r.title, a.plan_version, a.level, a.activated_at, "         \
                    "a.activated_by FROM incident_plan_activations a JOIN records r ON r.id = a.plan_id "    \
                    "WHERE a.incident_id = ? ORDER BY a.activated_at, a.plan_id LIMIT ? OFFSET ?")           \
    X(PLN_ACT_COUNT, "SELECT COUNT(*) FROM incident_plan_activations WHERE incident_id = ?")                 \
    /* the newest published version of a plan (0 = none) */                                                  \
    X(PLN_VER_CURRENT, "SELECT COALESCE(MAX(number), 0) FROM plan_versions WHERE record_id = ? AND "         \
                       "published_at IS NOT NULL")

#endif
