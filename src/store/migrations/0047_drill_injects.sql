-- 0047: a drill's scripted injects on their way to the event ingestion
-- (docs/drills.md; research/modules-spec.md §M7): the scheduler's claim of
-- an inject's deadline queues it here in the claim's transaction (once);
-- the same pass then ingests it as an event of source "drill" and removes
-- the row.  A row left by a stop in between is delivered at the next pass;
-- its de-duplication key (drill, inject) keeps it one event.  Portable SQL.
CREATE TABLE drill_inject_queue (
    record_id BIGINT NOT NULL REFERENCES records(id),
    idx INTEGER NOT NULL,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    text TEXT NOT NULL,
    queued_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, idx)
);
