-- 0016: the response level at which an incident's plan was last activated
-- (seed 000 ch. 7 §2.2, §2.4): after an escalation the new level's
-- authority activates the plan again at the new level, and the incident is
-- closed on the authority of the leader who activated the plan for the
-- highest level reached (core/duties.h).  NULL: not activated.
-- Portable SQL: runs on SQLite and PostgreSQL 15.
ALTER TABLE incidents ADD COLUMN activated_level TEXT;
