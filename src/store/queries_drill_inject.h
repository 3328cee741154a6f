/* queries_drill_inject.h — a drill's scripted injects through the event
 * ingestion (src/app/drill_injects.c, events_pipeline.c; migration 0047)
 * and the due notices' pending rows (drill_due.c). */
#ifndef OD_QUERIES_DRILL_INJECT_H
#define OD_QUERIES_DRILL_INJECT_H

#define OD_QUERY_LIST_DRILL_INJECT(X)                                                                        \
    /* record_id, idx, incident_id, text, queued_at */                                                       \
    X(DRLI_QUEUE, "INSERT INTO drill_inject_queue(record_id, idx, incident_id, text, queued_at) "            \
                  "VALUES(?,?,?,?,?) ON CONFLICT(record_id, idx) DO NOTHING")                                \
    /* the queued injects, oldest first: record_id, idx, incident_id, text, the drill's number */            \
    X(DRLI_PENDING, "SELECT q.record_id, q.idx, q.incident_id, q.text, r.number FROM drill_inject_queue q "  \
                    "JOIN records r ON r.id = q.record_id ORDER BY q.queued_at, q.record_id, q.idx "         \
                    "LIMIT 100")                                                                             \
    X(DRLI_DONE, "DELETE FROM drill_inject_queue WHERE record_id = ? AND idx = ?")                           \
    /* whether the event of (source, dedup_key) attached to incident ? is stored (a stop between the         \
     * ingestion and DRLI_DONE); events has no index on its key (migration 0007) */                          \
    X(DRLI_EVENT, "SELECT COUNT(*) FROM events WHERE incident_id = ? AND source = ? AND dedup_key = ?")      \
    /* the name of the first CI of incident ? (NULL row when none) */                                        \
    X(DRLI_INC_CI, "SELECT c.name FROM incident_cis ic JOIN cis c ON c.id = ic.ci_id WHERE "                 \
                   "ic.incident_id = ? ORDER BY c.id LIMIT 1")                                               \
    /* due notices (drill_due.c): the pending ones of record ? and kind ?: id, due_at, fire_at */            \
    /* the readiness view's scope (readiness_scope.c): every user's department */                            \
    X(DRLI_USER_DEPTS, "SELECT id, department FROM users")                                                   \
    X(DRLI_DUE_PENDING, "SELECT id, due_at, fire_at FROM deadlines WHERE record_id = ? AND incident_id IS "  \
                        "NULL AND kind = ? AND status = 'pending'")

#endif
