-- 0018_incident_owner.sql — who owns an incident (the person driving its
-- handling, 负责人); NULL until someone takes it.  Portable SQL.
ALTER TABLE incidents ADD COLUMN owner_id BIGINT REFERENCES users(id);
CREATE INDEX incidents_owner ON incidents(owner_id);
