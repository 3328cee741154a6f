-- 0037: O&M report runs (modules-spec §1.10, §M4.5 "Workflow").
-- 1. The state under_review before filing: draft → under_review (submitted
--    by its author, submitted_at / submitted_by) → filed (by the reviewer,
--    who is neither the author nor the submitter; reviewed_at / reviewed_by /
--    review_note of 0033 record it) → distributed.  A run 'reviewed' under
--    0033's order (filed, then reviewed) is 'filed' now: it was filed and
--    reviewed, and waits for distribution.  A run 'filed' but not reviewed
--    under 0033 stays 'filed' (its document is frozen; it was not reviewed).
-- 2. The filing deadline stored on each run (file_due_at, set when the run
--    is generated: generated_at + sla.report_review.file_within as the policy
--    said then), so the dashboard's report tile decides "overdue" from each
--    run's own deadlines (core/report_due.c) instead of today's policy.  Runs
--    made before: the due time of their filing deadline row (kind
--    'report:file:<id>'), none when they have no such row.
-- 3. A partial index on the runs still waiting for someone (draft,
--    under_review, filed) keeps the tile's read from walking the distributed
--    history.  Portable SQL.
ALTER TABLE report_runs ADD COLUMN submitted_at BIGINT;
ALTER TABLE report_runs ADD COLUMN submitted_by BIGINT REFERENCES users(id);
ALTER TABLE report_runs ADD COLUMN file_due_at BIGINT;
UPDATE report_runs SET state = 'filed' WHERE state = 'reviewed';
UPDATE report_runs SET file_due_at = (SELECT MAX(d.due_at) FROM deadlines d WHERE d.kind = 'report:file:' ||
    CAST(report_runs.id AS TEXT) AND d.incident_id IS NULL AND d.record_id IS NULL);
CREATE INDEX report_runs_pending ON report_runs(state, kind, period_start) WHERE state IN ('draft',
    'under_review', 'filed');
