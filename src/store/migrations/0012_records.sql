-- 0012: the workflow kernel's record registry (research/modules-spec.md §1.1, §1.2,
-- §1.4–§1.7): one id space for workflow records of every kind, their links, CIs,
-- timeline, clocks, approval rounds, checklists, and the committees that approve.
-- Incidents register here too (kind 'incident', incident_id = their row); their own
-- tables stay as they are.  Portable SQL (SQLite and PostgreSQL 15), no triggers.
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    impact TEXT NOT NULL DEFAULT '',
    urgency TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT '',
    tier TEXT NOT NULL DEFAULT '',
    assignee_id BIGINT,
    group_key TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    requester_id BIGINT,
    created_by BIGINT,
    incident_id BIGINT UNIQUE REFERENCES incidents(id),
    drill INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX records_kind_state ON records(kind, state);
CREATE INDEX records_assignee ON records(assignee_id);

-- every incident already registered gets its record row, in id order
INSERT INTO records(kind, number, title, state, department, created_by, incident_id, drill,
                    created_at, updated_at, closed_at, version)
SELECT 'incident', number, title, state, '', created_by, id, drill, registered_at, updated_at,
       closed_at, 1
FROM incidents ORDER BY id;

CREATE TABLE record_cis (
    record_id BIGINT NOT NULL REFERENCES records(id),
    ci_id BIGINT NOT NULL REFERENCES cis(id),
    role TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, ci_id, role)
);
CREATE INDEX record_cis_ci ON record_cis(ci_id);

-- A link from one record to another.  A link to a kind no module serves yet
-- (a change that fixes a problem) is 'pending': to_id NULL, to_kind and to_ref
-- (the number people gave) kept; it becomes 'active' when that record registers.
CREATE TABLE record_links (
    id INTEGER PRIMARY KEY,
    from_id BIGINT NOT NULL REFERENCES records(id),
    to_id BIGINT REFERENCES records(id),
    kind TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    to_ref TEXT,
    state TEXT NOT NULL DEFAULT 'active',
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (from_id, to_id, kind),
    UNIQUE (from_id, kind, to_kind, to_ref)
);
CREATE INDEX record_links_to ON record_links(to_id);
CREATE INDEX record_links_pending ON record_links(to_kind, to_ref) WHERE state = 'pending';

CREATE TABLE record_timeline (
    id INTEGER PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES records(id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    data TEXT
);
CREATE INDEX record_timeline_rec ON record_timeline(record_id);

-- ServiceNow's task_sla model: several clocks per record, each with its stage.
CREATE TABLE record_clocks (
    id INTEGER PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES records(id),
    name TEXT NOT NULL,
    target_ms BIGINT,
    calendar TEXT NOT NULL DEFAULT '24x7',
    state TEXT NOT NULL DEFAULT 'running',
    started_at BIGINT NOT NULL,
    paused_at BIGINT,
    paused_total_ms BIGINT NOT NULL DEFAULT 0,
    stopped_at BIGINT,
    due_at BIGINT,
    breached_at BIGINT
);
CREATE INDEX record_clocks_rec ON record_clocks(record_id);

-- A re-submission after a rejection opens a new round; old rounds are kept.
CREATE TABLE approval_rounds (
    id INTEGER PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES records(id),
    round INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting',
    opened_by BIGINT,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,
    UNIQUE (record_id, round)
);
CREATE TABLE approval_steps (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES approval_rounds(id),
    step_key TEXT NOT NULL,
    ord INTEGER NOT NULL DEFAULT 0,
    approvers TEXT NOT NULL DEFAULT '[]',
    mode TEXT NOT NULL DEFAULT 'any',
    quorum_count INTEGER,
    quorum_percent INTEGER,
    due_at BIGINT,
    state TEXT NOT NULL DEFAULT 'waiting',
    decided_at BIGINT,
    UNIQUE (round_id, step_key)
);
-- votes are history: the latest of an approver counts
CREATE TABLE approval_votes (
    id INTEGER PRIMARY KEY,
    step_id BIGINT NOT NULL REFERENCES approval_steps(id),
    user_id BIGINT NOT NULL,
    on_behalf_of BIGINT,
    decision TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT 'web',
    at BIGINT NOT NULL
);
CREATE INDEX approval_votes_step ON approval_votes(step_id);

CREATE TABLE checklist_instances (
    id INTEGER PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES records(id),
    phase TEXT NOT NULL,
    template_key TEXT NOT NULL,
    template_version INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL DEFAULT 'open',
    opened_at BIGINT NOT NULL,
    completed_at BIGINT
);
CREATE INDEX checklist_instances_rec ON checklist_instances(record_id);
CREATE TABLE checklist_results (
    id INTEGER PRIMARY KEY,
    instance_id BIGINT NOT NULL REFERENCES checklist_instances(id),
    item_key TEXT NOT NULL,
    value TEXT NOT NULL DEFAULT '',
    passed INTEGER,
    by_id BIGINT,
    at BIGINT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    finding_record_id BIGINT REFERENCES records(id),
    UNIQUE (instance_id, item_key)
);

CREATE TABLE committees (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    chair_id BIGINT REFERENCES users(id),
    quorum INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE committee_members (
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    PRIMARY KEY (committee_id, user_id)
);
CREATE INDEX committee_members_user ON committee_members(user_id);

-- deadlines and messages of any record (§1.2); incident_id stays for incidents
ALTER TABLE deadlines ADD COLUMN record_id BIGINT REFERENCES records(id);
CREATE INDEX deadlines_record ON deadlines(record_id) WHERE record_id IS NOT NULL;
ALTER TABLE outbox ADD COLUMN record_id BIGINT REFERENCES records(id);
CREATE INDEX outbox_record ON outbox(record_id) WHERE record_id IS NOT NULL;
