-- PostgreSQL twin of 0015_event_dedup.sql: several nodes insert events, so
-- (source, dedup_key) is unique by an index, which is also how a node finds
-- the stored event of a key (queries_ev_dedup.h EV_BY_KEY; the group commit
-- holds an advisory lock on each of its keys first, app/events_repeats.c).
-- A database where two nodes of an earlier build stored one key twice
-- cannot take the index: this migration then fails and names the key.
CREATE UNIQUE INDEX events_source_key ON events(source, dedup_key);
