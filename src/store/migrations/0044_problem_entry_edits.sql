-- 0044: problem entries are edited by their author or the problem manager
-- (docs/problems.md "Entries"; research/modules-spec.md §M2.1 item 8 keeps
-- entries append-only, so an edit never loses a word): the entry carries its
-- current text with a version and who edited it last, and every text it had
-- before is a row of problem_entry_revisions, never changed or removed.
-- Portable SQL.
ALTER TABLE problem_entries ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE problem_entries ADD COLUMN edited_at BIGINT;
ALTER TABLE problem_entries ADD COLUMN edited_by BIGINT;
-- one row per superseded text: the entry's version that had it, and the edit
-- that replaced it (who, when, the reason given, if any)
CREATE TABLE problem_entry_revisions (
    id INTEGER PRIMARY KEY,
    entry_id BIGINT NOT NULL REFERENCES problem_entries(id),
    record_id BIGINT NOT NULL REFERENCES records(id),
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    review TEXT,
    replaced_by BIGINT,
    replaced_at BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX problem_entry_revisions_record ON problem_entry_revisions(record_id, entry_id, version);
