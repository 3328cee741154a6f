-- 0013: the workflow kernel applied (research/modules-spec.md §1.3–§1.5, §M2):
-- the problem module's typed table, approval delegations with a date range, and
-- deadlines that belong to a record's clock rather than an incident.  SQLite
-- cannot drop NOT NULL in place: deadlines is rebuilt (same columns, same ids);
-- the PostgreSQL twin (0013_problems.pg.sql) alters the column instead.  Keep
-- the two files' tables identical.

-- One row per problem record (record_id = records.id).  A problem record
-- without its row reads as every field empty.  Text fields '' = not set.
CREATE TABLE problems (
    record_id BIGINT PRIMARY KEY REFERENCES records(id),
    reporter_contact TEXT NOT NULL DEFAULT '',
    service_info TEXT NOT NULL DEFAULT '',
    device_info TEXT NOT NULL DEFAULT '',
    recorded_at BIGINT,
    recorded_by BIGINT,
    category TEXT NOT NULL DEFAULT '',
    priority_agreed_with BIGINT,
    description TEXT NOT NULL DEFAULT '',
    diagnosis TEXT NOT NULL DEFAULT '',
    domain TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    problem_manager_id BIGINT,
    solving_team TEXT NOT NULL DEFAULT '[]',
    partner TEXT NOT NULL DEFAULT '',
    investigation_plan TEXT NOT NULL DEFAULT '',
    workaround TEXT NOT NULL DEFAULT '',
    root_cause TEXT NOT NULL DEFAULT '',
    solution TEXT NOT NULL DEFAULT '',
    solution_evidence TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT '',
    major INTEGER NOT NULL DEFAULT 0,
    major_reason TEXT NOT NULL DEFAULT '',
    review TEXT NOT NULL DEFAULT '',
    suspend_reason TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT NOT NULL DEFAULT '',
    accepted_at BIGINT,
    planned_at BIGINT,
    assigned_at BIGINT,
    started_at BIGINT,
    suspended_at BIGINT,
    workaround_at BIGINT,
    resolved_at BIGINT,
    closed_at BIGINT,
    closed_by BIGINT,
    cancelled_at BIGINT
);

-- An approver's delegate for [from_at, until_at).
CREATE TABLE approval_delegations (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    delegate_id BIGINT NOT NULL REFERENCES users(id),
    from_at BIGINT NOT NULL,
    until_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX approval_delegations_delegate ON approval_delegations(delegate_id);

-- deadlines: incident_id nullable (a record clock's threshold has none), and
-- the clock a threshold belongs to.
CREATE TABLE deadlines_new (
    id INTEGER PRIMARY KEY,
    incident_id BIGINT REFERENCES incidents(id),
    kind TEXT NOT NULL,
    recipient_id BIGINT,
    due_at BIGINT NOT NULL,
    met_at BIGINT,
    status TEXT NOT NULL DEFAULT 'pending',
    fire_at BIGINT,
    fired_by TEXT,
    record_id BIGINT REFERENCES records(id),
    clock_id BIGINT REFERENCES record_clocks(id)
);
INSERT INTO deadlines_new(id, incident_id, kind, recipient_id, due_at, met_at, status, fire_at, fired_by,
                          record_id)
SELECT id, incident_id, kind, recipient_id, due_at, met_at, status, fire_at, fired_by, record_id
FROM deadlines ORDER BY id;
DROP TABLE deadlines;
ALTER TABLE deadlines_new RENAME TO deadlines;
CREATE INDEX deadlines_fire ON deadlines(fire_at) WHERE fire_at IS NOT NULL;
CREATE INDEX deadlines_inc ON deadlines(incident_id);
CREATE INDEX deadlines_record ON deadlines(record_id) WHERE record_id IS NOT NULL;
CREATE INDEX deadlines_clock ON deadlines(clock_id) WHERE clock_id IS NOT NULL;

-- a checklist result's note and the finding recorded for a failed item
ALTER TABLE checklist_results ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE checklist_results ADD COLUMN finding TEXT NOT NULL DEFAULT '';
