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

-- The text filter q of GET /api/v1/records (every kind) and of the problem
-- list by a full-text index instead of a scan, as the incident list's
-- (0030): records_fts holds every record's number and title, FTS5 with the
-- trigram tokenizer (a q of 3 characters or more found as a substring,
-- Chinese without spaces alike, ASCII case ignored; shorter ones a LIKE
-- over the id order).  External content: the text stays in records, the
-- triggers keep the index in step.  SQLite only: the PostgreSQL twin
-- 0036_kernel_finish.pg.sql has pg_trgm indexes instead.
CREATE VIRTUAL TABLE records_fts USING fts5(number, title, content = 'records', content_rowid = 'id',
    tokenize = 'trigram');
INSERT INTO records_fts(records_fts) VALUES ('rebuild');
CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
    INSERT INTO records_fts(rowid, number, title) VALUES (new.id, new.number, new.title);
END;
CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
    INSERT INTO records_fts(records_fts, rowid, number, title) VALUES ('delete', old.id, old.number, old.title);
END;
CREATE TRIGGER records_fts_update AFTER UPDATE OF number, title ON records BEGIN
    INSERT INTO records_fts(records_fts, rowid, number, title) VALUES ('delete', old.id, old.number, old.title);
    INSERT INTO records_fts(rowid, number, title) VALUES (new.id, new.number, new.title);
END;
