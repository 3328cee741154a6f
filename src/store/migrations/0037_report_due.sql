-- 0037: the filing deadline stored on each O&M report run (file_due_at, set
-- when the run is generated: generated_at + sla.report_review.file_within
-- as the policy said then), so the dashboard's report tile decides
-- "overdue" from each run's own deadlines (core/report_due.c) instead of
-- today's policy.  Runs made before: the due time of their filing deadline
-- row (kind 'report:file:<id>'), none when they have no such row.  A partial
-- index on the runs still waiting for someone (draft, filed, reviewed) keeps
-- the tile's read from walking the distributed history.  Portable SQL.
ALTER TABLE report_runs ADD COLUMN file_due_at BIGINT;
UPDATE report_runs SET file_due_at = (SELECT MAX(d.due_at) FROM deadlines d WHERE d.kind = 'report:file:' ||
    CAST(report_runs.id AS TEXT) AND d.incident_id IS NULL AND d.record_id IS NULL);
CREATE INDEX report_runs_pending ON report_runs(state, kind, period_start) WHERE state IN ('draft', 'filed',
    'reviewed');
