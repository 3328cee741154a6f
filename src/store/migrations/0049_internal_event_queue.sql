-- 0049: events the server raises itself on their way to the event ingestion
-- (docs/internals/kernel.md "on_fail: event"): a use case queues one here in
-- its own transaction, once per (source, de-duplication key); right after
-- its commit, and at every scheduler pass (the first one at start), the
-- queue is ingested with od_events_ingest and each row removed.  A row left
-- by a stop in between is delivered at the next pass; its key keeps it one
-- event.  record_id: the record it is about; ref_id and item: the source's
-- own reference (a checklist instance and its item key; a drill's simulated
-- incident and the inject's index).  The drill injects' own queue of 0047
-- is folded in: what a stop left there moves here, then it is dropped.
-- Portable SQL.
CREATE TABLE internal_event_queue (
    source TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    record_id BIGINT NOT NULL REFERENCES records(id),
    ref_id BIGINT NOT NULL,
    item TEXT NOT NULL,
    severity TEXT NOT NULL,
    summary TEXT NOT NULL,
    ci_name TEXT NOT NULL,
    queued_at BIGINT NOT NULL,
    -- a delivering node's claim (several nodes share the queue): until then
    -- no other node ingests the row; a node that stopped lets it lapse
    claimed_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (source, dedup_key)
);

INSERT INTO internal_event_queue(source, dedup_key, record_id, ref_id, item, severity, summary, ci_name,
                                 queued_at)
SELECT 'drill', 'drill:' || CAST(q.record_id AS TEXT) || ':inject:' || CAST(q.idx AS TEXT), q.record_id,
       q.incident_id, CAST(q.idx AS TEXT), 'critical', '【演练】[DRILL] ' || r.number || '：' || q.text,
       COALESCE((SELECT c.name FROM incident_cis ic JOIN cis c ON c.id = ic.ci_id
                 WHERE ic.incident_id = q.incident_id ORDER BY c.id LIMIT 1), ''),
       q.queued_at
FROM drill_inject_queue q JOIN records r ON r.id = q.record_id;

DROP TABLE drill_inject_queue;
