-- PostgreSQL twin of 0036_kernel_finish.sql (store_pg.c runs this file in
-- its place): the same columns; the records' text filter q by pg_trgm GIN
-- indexes on number and title (queries_pg.h REC_LIST_TEXT, REC_COUNT_TEXT
-- search them with LIKE '%q%', which these indexes serve).
--
-- Deciding from a message names its step: a link is minted for the waiting
-- step its recipient approves (the newest), and decides only that step; a
-- link of a decided step, or of a round re-submitted since, answers so.
-- Links minted before this migration have no step and decide the first
-- waiting step of their recipient, as before.
ALTER TABLE approval_links ADD COLUMN step_id BIGINT REFERENCES approval_steps(id);

-- Checklist texts with placeholders ({{record.number}}, {{ci.name}}, …)
-- are expanded when the checklist opens and kept here, as JSON
-- {item key: [zh, en]} ('' when no item of the template has one).
ALTER TABLE checklist_instances ADD COLUMN texts TEXT NOT NULL DEFAULT '';

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX records_number_trgm ON records USING gin (number gin_trgm_ops);
CREATE INDEX records_title_trgm ON records USING gin (title gin_trgm_ops);
