-- 0023: seed 000 to the letter, the clauses still open.
-- level_provisional: an incident whose level could not be determined at
-- registration (ch. 7 §1 item 3, 就高原则) was registered at the highest of
-- the candidate levels the reporter named, with or without an affected CI,
-- and stays provisional (1) until a regrade with CIs determines it
-- (core/incident.h od_incident_level_hi).
-- handling_department: the department that handles the incident and leads
-- its post-incident review (ch. 8 §1; core/duties.h od_review_check); ''
-- = duties.handling_department of the policy.
-- Portable SQL: runs on SQLite and PostgreSQL 15.
ALTER TABLE incidents ADD COLUMN level_provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN handling_department TEXT NOT NULL DEFAULT '';
