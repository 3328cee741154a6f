/* queries_ievq.h — events the server raises itself, queued in a use case's
 * transaction and ingested after its commit (migration 0049;
 * src/app/internal_events.c). */
#ifndef OD_QUERIES_IEVQ_H
#define OD_QUERIES_IEVQ_H

#define OD_QUERY_LIST_IEVQ(X)                                                                                \
    /* source, dedup_key, record_id, ref_id, item, severity, summary, ci_name, queued_at */                  \
    X(IEVQ_QUEUE, "INSERT INTO internal_event_queue(source, dedup_key, record_id, ref_id, item, severity, "  \
                  "summary, ci_name, queued_at) VALUES(?,?,?,?,?,?,?,?,?) "                                  \
                  "ON CONFLICT(source, dedup_key) DO NOTHING")                                               \
    /* the queued events, oldest first: source, dedup_key, record_id, ref_id, item, severity, summary,       \
     * ci_name, the record's number, queued_at */                                                            \
    X(IEVQ_PENDING,                                                                                          \
      "SELECT q.source, q.dedup_key, q.record_id, q.ref_id, q.item, q.severity, q.summary, "                 \
      "q.ci_name, r.number, q.queued_at FROM internal_event_queue q JOIN records r ON r.id = q.record_id "   \
      "ORDER BY q.queued_at, q.source, q.dedup_key LIMIT 100")                                               \
    X(IEVQ_DONE, "DELETE FROM internal_event_queue WHERE source = ? AND dedup_key = ?")                      \
    /* claims (source, dedup_key) until ? if its claim lapsed by ?: 1 row changed, this node delivers it */  \
    X(IEVQ_CLAIM, "UPDATE internal_event_queue SET claimed_until = ? WHERE source = ? AND dedup_key = ? "    \
                  "AND claimed_until <= ?")                                                                  \
    /* the first stored event of (source, dedup_key) received since ? (the row's queued_at, less a margin):  \
     * id, its incident (0: none); SQLite has no index on the key (0007), the time bounds the read           \
     * (events_received, 0005) */                                                                            \
    X(IEVQ_EVENT, "SELECT id, COALESCE(incident_id, 0) FROM events WHERE received_at >= ? AND source = ? "   \
                  "AND dedup_key = ? ORDER BY id LIMIT 1")                                                   \
    /* whether record ? links kind ? to record ? already (an event joined the incident of another) */        \
    X(IEVQ_LINKED, "SELECT COUNT(*) FROM record_links WHERE from_id = ? AND kind = ? AND to_id = ?")         \
    /* a checklist result whose failure raised an event that opened no incident: the event as its finding */ \
    X(IEVQ_CKL_FINDING, "UPDATE checklist_results SET finding = ? WHERE instance_id = ? AND item_key = ? "   \
                        "AND finding_record_id IS NULL")

#endif
