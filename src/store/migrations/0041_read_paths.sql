-- 0041: read paths at scale (docs/internals/lists.md "The dashboard and the
-- response level filter").  Portable SQL: the same file runs on SQLite and
-- PostgreSQL.
-- The incident list's response_level filter leads its own statement
-- (INC_LIST_RESP), walked by this index in id order like state and level
-- (0019), instead of being checked on every incident of the id order.
CREATE INDEX incidents_resp_id ON incidents(response_level, id);
-- The dashboard counts the incidents not yet closed per level, response
-- level, drill and departments (DASH_OPEN), and the incidents detected per
-- day (DASH_DETECTED): both indexes hold every column their count reads, so
-- no incident row is read.  0034 already dropped incidents(detected_at);
-- IF EXISTS below keeps this file right on either order.
CREATE INDEX incidents_open ON incidents(state, level, response_level, drill, departments);
CREATE INDEX incidents_detected_cover ON incidents(detected_at, level, drill, departments);
DROP INDEX IF EXISTS incidents_detected;
-- The dashboard's unmet deadlines (DASH_DEADLINES), earliest first: only
-- the deadlines not yet met are in this index, in the order shown.
CREATE INDEX deadlines_unmet ON deadlines(due_at, id) WHERE met_at IS NULL;
