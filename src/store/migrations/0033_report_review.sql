-- 0033: review and distribution of O&M report runs (modules-spec §1.10:
-- draft → filed → reviewed → distributed).  A filed run's document and hash
-- never change; review and distribution are recorded beside it (who, when,
-- the reviewer's note) and audited.  review_due_at: the review deadline set
-- at filing (policy sla.report_review.within); its alert is a row of the
-- deadlines table (kind 'report:review:<id>', no incident, no record), fired
-- once by the scheduler's claim.  Portable SQL.
ALTER TABLE report_runs ADD COLUMN review_due_at BIGINT;
ALTER TABLE report_runs ADD COLUMN reviewed_at BIGINT;
ALTER TABLE report_runs ADD COLUMN reviewed_by BIGINT REFERENCES users(id);
ALTER TABLE report_runs ADD COLUMN review_note TEXT;
ALTER TABLE report_runs ADD COLUMN distributed_at BIGINT;
ALTER TABLE report_runs ADD COLUMN distributed_by BIGINT REFERENCES users(id);
