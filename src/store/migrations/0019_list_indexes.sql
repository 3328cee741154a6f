-- Every list served by an index (scripts/check-query-plans.py,
-- src/store/queries_lists.h): each filter that leads a list statement is
-- the first column of an index whose next columns are the list's order, so a
-- page (and its keyset cursor) is a range of the index and never a scan or a
-- sort.  incidents_state becomes (state, id): the same on SQLite (the rowid
-- ends every index there), the list's order on PostgreSQL.
DROP INDEX incidents_state;
CREATE INDEX incidents_state_id ON incidents(state, id);
CREATE INDEX incidents_level_id ON incidents(level, id);
CREATE INDEX events_seen ON events(last_seen, id);
CREATE INDEX events_status_seen ON events(status, last_seen, id);
CREATE INDEX events_state_seen ON events(state, last_seen, id);
DROP INDEX events_ci;
CREATE INDEX events_ci_seen ON events(ci_id, last_seen, id) WHERE ci_id IS NOT NULL;
CREATE INDEX audit_entity_id ON audit(entity, id);
CREATE INDEX audit_actor_id ON audit(actor, id);
CREATE INDEX cis_category_id ON cis(category, id);
CREATE INDEX cis_grade_id ON cis(grade, id);
-- The dispatcher's sweeps of messages being sent (and the queue gauge) read
-- the rows of one status in id order, not the whole outboxes.
CREATE INDEX outbox_status_id ON outbox(status, id);
CREATE INDEX bot_outbox_status_id ON bot_outbox(status, id);
-- Records by kind, newest first (by assignee: records_assignee, whose
-- entries end with the rowid on SQLite).
CREATE INDEX records_kind_id ON records(kind, id);
