-- 0015: de-duplication shared by several nodes.  On PostgreSQL (the twin
-- 0015_event_dedup.pg.sql) a unique index on events(source, dedup_key):
-- every node finds a stored event by its key there, and no two rows can
-- share one.  SQLite keeps migration 0007's design (one writer, the keys in
-- its memory, no index: cheaper inserts), so here nothing changes.
SELECT 1;
