/* queries_omr_readiness.h — the O&M report's readiness section
 * (src/app/om_reports_readiness.c; seed 000 ch. 9, seed 004 §7.4.2,
 * research/modules-spec.md §M7): counts over the report's period [from, to)
 * and the state at its end.  Read only. */
#ifndef OD_QUERIES_OMR_READINESS_H
#define OD_QUERIES_OMR_READINESS_H

#define OD_QUERY_LIST_OMR_READINESS(X)                                                                       \
    /* plans published before the period's end; binds: to */                                                 \
    X(OMRR_PUBLISHED, "SELECT COUNT(*) FROM plans WHERE published_at IS NOT NULL AND published_at < ?")      \
    /* of those, their review not due within the notice lead; binds: to, to + lead */                        \
    X(OMRR_CURRENT, "SELECT COUNT(*) FROM plans WHERE published_at IS NOT NULL AND published_at < ? AND "    \
                    "(next_review_at IS NULL OR next_review_at >= ?)")                                       \
    /* their review due within the lead; binds: to, to, to + lead */                                         \
    X(OMRR_DUE_SOON, "SELECT COUNT(*) FROM plans WHERE published_at IS NOT NULL AND published_at < ? AND "   \
                     "next_review_at >= ? AND next_review_at < ?")                                           \
    /* their review overdue at the end; binds: to, to */                                                     \
    X(OMRR_OVERDUE, "SELECT COUNT(*) FROM plans WHERE published_at IS NOT NULL AND published_at < ? AND "    \
                    "next_review_at < ?")                                                                    \
    /* drills closed in the period; binds: from, to */                                                       \
    X(OMRR_DRILLS_CLOSED, "SELECT COUNT(*) FROM drills WHERE closed_at >= ? AND closed_at < ?")              \
    /* published plans with no drill closed in the cycle before the end: published at or before the          \
     * cut (to - drill_months) and no drill closed after it; binds: cut, cut, to */                          \
    X(OMRR_DRILL_DUE, "SELECT COUNT(*) FROM plans p WHERE p.published_at IS NOT NULL AND p.published_at "    \
                      "<= ? AND NOT EXISTS (SELECT 1 FROM drills d WHERE d.plan_id = p.record_id AND "       \
                      "d.closed_at > ? AND d.closed_at < ?)")                                                \
    /* the mean of the whole-drill manual scores (user_id 0) of the drills closed in the period, in          \
     * hundredths (0: none); binds: from, to */                                                              \
    X(OMRR_SCORE_X100,                                                                                       \
      "SELECT CAST(COALESCE(ROUND(AVG(s.score) * 100), 0) AS BIGINT) FROM drill_scores s "                   \
      "JOIN drills d ON d.record_id = s.record_id WHERE s.user_id = 0 AND d.closed_at >= ? "                 \
      "AND d.closed_at < ?")                                                                                 \
    /* enabled people whose trainings in the twelve months before the end are short of the annual            \
     * hours; binds: to - 12 months, to, annual minutes */                                                   \
    X(OMRR_HOURS_SHORT, "SELECT COUNT(*) FROM users u WHERE u.disabled = 0 AND COALESCE((SELECT "            \
                        "SUM(t.minutes) FROM trainings t WHERE t.user_id = u.id AND t.held_at >= ? AND "     \
                        "t.held_at < ?), 0) < ?")                                                            \
    /* per plan published before the end, by id (creation order): id, number, title, and its last drill      \
     * closed before the end (number, closed_at, the mean of its whole-drill manual scores in hundredths,    \
     * NULL when unscored), all NULL when none; binds: to, to */                                             \
    X(OMRR_PLAN_DRILLS,                                                                                      \
      "SELECT r.id, r.number, r.title, dr.number, d.closed_at, (SELECT CAST(ROUND(AVG(s.score) * 100) AS "   \
      "BIGINT) FROM drill_scores s WHERE s.record_id = d.record_id AND s.user_id = 0) FROM plans p JOIN "    \
      "records r ON r.id = p.record_id LEFT JOIN drills d ON d.record_id = (SELECT d2.record_id "            \
      "FROM drills d2 WHERE d2.plan_id = p.record_id AND d2.closed_at < ? ORDER BY d2.closed_at DESC, "      \
      "d2.record_id DESC LIMIT 1) LEFT JOIN records dr ON dr.id = d.record_id WHERE p.published_at IS NOT "  \
      "NULL AND p.published_at < ? ORDER BY p.record_id")

#endif
