-- 0049: events the server raises itself on their way to the event ingestion
-- (docs/internals/kernel.md "on_fail: event"): a use case queues one here in
-- its own transaction, once per (source, de-duplication key); right after
-- its commit, and at every scheduler pass (the first one at start), the
-- queue is ingested with od_events_ingest and each row removed.  A row left
-- by a stop in between is delivered at the next pass; its key keeps it one
-- event.  record_id: the record it is about; ref_id and item: the source's
-- own reference (a checklist instance and its item key).  Portable SQL.
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
    PRIMARY KEY (source, dedup_key)
);
