-- 0036: finishing the workflow kernel and the problem module
-- (research/modules-spec.md §1.5, §M2).  Portable SQL unless said otherwise.
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
