-- 0040: a problem's entries (docs/problems.md; research/modules-spec.md §M2):
-- dated notes of kind investigation | workaround | root_cause | review with
-- their author; a review entry carries the structured review (a JSON object
-- {what, why, prevent, actions}).  Portable SQL.
CREATE TABLE problem_entries (
    id INTEGER PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES records(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    review TEXT,
    author_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX problem_entries_record ON problem_entries(record_id, created_at);
