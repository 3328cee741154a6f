-- 0023: an incident whose level could not be determined at registration
-- (seed 000 ch. 7 §1 item 3, 就高原则): registered at the highest of the
-- candidate levels the reporter named, with or without an affected CI, and
-- marked provisional until a regrade with CIs determines it (core/incident.h
-- od_incident_level_hi).  1: provisional.
-- Portable SQL: runs on SQLite and PostgreSQL 15.
ALTER TABLE incidents ADD COLUMN level_provisional INTEGER NOT NULL DEFAULT 0;
