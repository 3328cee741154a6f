/* queries_omr.h — the statements of O&M report review, distribution and the
 * missed-period catch-up (src/app/om_reports_review.c, migrations 0033 and
 * 0037: draft → under_review → filed → distributed).  The
 * review deadline is a deadlines row with neither incident nor record (kind
 * 'report:review:<run id>'), claimed and fired once by the incident
 * scheduler (od_incident_fire_next). */
#ifndef OD_QUERIES_OMR_H
#define OD_QUERIES_OMR_H

#define OD_QUERY_LIST_OMR(X)                                                                                 \
    X(RPT_REVIEW_GET, "SELECT state, generated_by, filed_by, review_due_at, reviewed_at, reviewed_by, "      \
                      "review_note, distributed_at, distributed_by, number, kind, file_due_at, "             \
                      "submitted_by, submitted_at FROM report_runs WHERE id = ?")                            \
    /* draft → under_review (migration 0037): who submitted it, and its review deadline */                 \
    X(RPT_SUBMIT, "UPDATE report_runs SET state = 'under_review', submitted_at = ?, submitted_by = ?, "      \
                  "review_due_at = ? WHERE id = ? AND state = 'draft'")                                      \
    /* under_review → draft: returned by the reviewer with a note */                                       \
    X(RPT_RETURN, "UPDATE report_runs SET state = 'draft', review_due_at = NULL, review_note = ? WHERE id "  \
                  "= ? AND state = 'under_review'")                                                          \
    /* the review recorded with the filing (RPT_FILE, same transaction) */                                   \
    X(RPT_REVIEW, "UPDATE report_runs SET reviewed_at = ?, reviewed_by = ?, review_note = ? WHERE id = ? "   \
                  "AND state = 'filed'")                                                                     \
    X(RPT_DISTRIBUTE, "UPDATE report_runs SET state = 'distributed', distributed_at = ?, "                   \
                      "distributed_by = ? WHERE id = ? AND state = 'filed'")                                 \
    X(RPT_DL_INSERT, "INSERT INTO deadlines(kind, due_at, fire_at) VALUES(?,?,?)")                           \
    X(RPT_DL_MEET, "UPDATE deadlines SET met_at = ?, status = 'met', fire_at = NULL WHERE kind = ? AND "     \
                   "incident_id IS NULL AND record_id IS NULL AND status = 'pending'")                       \
    /* newer versions of a run's period (a superseded draft is not chased) */                                \
    X(RPT_NEWER, "SELECT COUNT(*) FROM report_runs n JOIN report_runs r ON r.kind = n.kind AND "             \
                 "r.period_start = n.period_start WHERE r.id = ? AND n.version > r.version")                 \
    X(RPT_DL_DUE, "SELECT COALESCE(MAX(due_at), 0) FROM deadlines WHERE kind = ? AND incident_id IS NULL "   \
                  "AND record_id IS NULL")                                                                   \
    X(RPT_DL_STATUS, "SELECT status FROM deadlines WHERE kind = ? AND incident_id IS NULL AND "              \
                     "record_id IS NULL ORDER BY id LIMIT 1")                                                \
    /* the newest period a kind has a run of (0 = none): the catch-up starts after it */                     \
    X(RPT_LAST_PERIOD, "SELECT COALESCE(MAX(period_start), 0) FROM report_runs WHERE kind = ?")              \
    /* the sections of later modules in a report of [from, to) (om_reports_sections.c) */                    \
    X(OMR_PRB_OPENED, "SELECT COUNT(*) FROM records WHERE kind = 'problem' AND created_at >= ? AND "         \
                      "created_at < ?")                                                                      \
    X(OMR_PRB_CLOSED, "SELECT COUNT(*) FROM problems WHERE closed_at >= ? AND closed_at < ?")                \
    X(OMR_PRB_CANCELLED, "SELECT COUNT(*) FROM problems WHERE cancelled_at >= ? AND cancelled_at < ?")       \
    X(OMR_PRB_OPEN_AT, "SELECT COUNT(*) FROM records r JOIN problems p ON p.record_id = r.id WHERE "         \
                       "r.kind = 'problem' AND r.created_at < ? AND (p.closed_at IS NULL OR p.closed_at "    \
                       ">= ?) AND (p.cancelled_at IS NULL OR p.cancelled_at >= ?)")                          \
    X(OMR_KE_ADDED, "SELECT COUNT(*) FROM records WHERE kind = 'known_error' AND created_at >= ? AND "       \
                    "created_at < ?")                                                                        \
    X(OMR_PLN_OVERDUE, "SELECT COUNT(*) FROM plans WHERE next_review_at IS NOT NULL AND "                    \
                       "next_review_at < ?")                                                                 \
    X(OMR_PLN_REVIEWED, "SELECT COUNT(*) FROM plans WHERE reviewed_at >= ? AND reviewed_at < ?")             \
    X(OMR_DRILL_INCIDENTS, "SELECT COUNT(*) FROM incidents WHERE drill = 1 AND detected_at >= ? AND "        \
                           "detected_at < ?")                                                                \
    /* the dashboard's report tile: the runs still waiting for someone (the partial index                    \
     * report_runs_pending, migration 0037) with their stored deadlines and whether a newer                  \
     * version of their period exists; core/report_due.c decides which are overdue */                        \
    X(OMR_DASH_RUNS, "SELECT r.state, r.file_due_at, r.review_due_at, (SELECT COUNT(*) FROM report_runs n "  \
                     "WHERE n.kind = r.kind AND n.period_start = r.period_start AND n.version > "            \
                     "r.version) FROM report_runs r WHERE r.state IN ('draft', 'under_review', 'filed') "    \
                     "LIMIT ?")                                                                              \
    /* the filing deadline stored on the run when it is generated (migration 0037) */                        \
    X(RPT_SET_FILE_DUE, "UPDATE report_runs SET file_due_at = ? WHERE id = ?")

#endif
