-- The incident list sorted by detection time (src/store/queries_inc_sort.h,
-- docs/internals/lists.md "Sorting by a column"): a page walks
-- incidents(detected_at, id) from a keyset cursor (detected_at, id), either
-- way, never a sort.  It replaces incidents(detected_at) of 0002, whose
-- every use (the dashboard's days) it serves as well.  The level sort walks
-- incidents(level, id) of 0019, the number sort the primary key.
DROP INDEX incidents_detected;
CREATE INDEX incidents_detected_id ON incidents(detected_at, id);
-- A CI's retire / unretire history on its page (GET /api/v1/cis/{id}/
-- retirements) reads that CI's audit entries only, newest first.
CREATE INDEX audit_entity_entity_id ON audit(entity, entity_id, id);
