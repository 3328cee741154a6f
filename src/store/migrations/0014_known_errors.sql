-- 0014: the known-error database (research/modules-spec.md §M2.6, §M2.8):
-- the typed fields of records of kind known_error, the uses of a workaround
-- on incidents, the proactive problem candidates (§M2.12), and the shared
-- full-text index of known errors and the case library.  The PostgreSQL
-- twin is 0014_known_errors.pg.sql: the same tables; only search_docs
-- differs (here an FTS5 table with the trigram tokenizer, there a table with
-- a pg_trgm index).  Keep the two files' tables identical.
CREATE TABLE known_errors (
    record_id BIGINT PRIMARY KEY REFERENCES records(id),
    symptoms TEXT NOT NULL DEFAULT '',
    root_cause TEXT NOT NULL DEFAULT '',
    workaround TEXT NOT NULL DEFAULT '',
    solution TEXT NOT NULL DEFAULT '',
    problem_id BIGINT REFERENCES records(id),
    match_rules TEXT NOT NULL DEFAULT '[]',
    published INTEGER NOT NULL DEFAULT 0,
    published_at BIGINT,
    uses BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX known_errors_published ON known_errors(published);
CREATE INDEX known_errors_problem ON known_errors(problem_id);

-- one use of a known error's workaround on an incident: once per pair
CREATE TABLE known_error_uses (
    ke_id BIGINT NOT NULL REFERENCES records(id),
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    applied_by BIGINT,
    applied_at BIGINT NOT NULL,
    PRIMARY KEY (ke_id, incident_id)
);
CREATE INDEX known_error_uses_incident ON known_error_uses(incident_id);

-- a proposed problem: ci_key is the sorted CI ids ("12" or "3,5"), unique,
-- so the same CIs are never proposed twice (whatever the node or the day)
CREATE TABLE problem_candidates (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    ci_key TEXT NOT NULL UNIQUE,
    ci_ids TEXT NOT NULL DEFAULT '[]',
    incident_ids TEXT NOT NULL DEFAULT '[]',
    incident_count INTEGER NOT NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',
    problem_id BIGINT REFERENCES records(id),
    created_at BIGINT NOT NULL,
    decided_by BIGINT,
    decided_at BIGINT
);

-- the shared full-text index: source 'known_error' (ref_id = record id) and
-- 'case' (ref_id = incident id)
CREATE VIRTUAL TABLE search_docs USING fts5(source UNINDEXED, ref_id UNINDEXED, body, tokenize = 'trigram');
INSERT INTO search_docs(source, ref_id, body) SELECT 'case', incident_id, text FROM cases;
