-- 0002: incidents by the seed policy (R-INC, R-ESC, R-NOT, R-ACT, R-CLOSE, R-PIR),
-- deadlines for the scheduler, the notification outbox, the case library.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    level TEXT NOT NULL,
    severity TEXT NOT NULL,
    severity_provisional INTEGER NOT NULL DEFAULT 0,
    base_response TEXT NOT NULL,
    response_level TEXT NOT NULL,
    highest_response TEXT NOT NULL,
    detected_at BIGINT NOT NULL,
    registered_at BIGINT NOT NULL,
    handling_deadline BIGINT,
    first_report_due BIGINT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    symptoms TEXT NOT NULL DEFAULT '',
    impact_scope TEXT NOT NULL DEFAULT '',
    departments TEXT NOT NULL DEFAULT '[]',
    drill INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT,
    activated_by BIGINT,
    activated_at BIGINT,
    resolved_at BIGINT,
    closed_by BIGINT,
    closed_at BIGINT,
    reviewed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX incidents_state ON incidents(state);
CREATE INDEX incidents_detected ON incidents(detected_at);

CREATE TABLE incident_cis (
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    ci_id BIGINT NOT NULL REFERENCES cis(id),
    PRIMARY KEY (incident_id, ci_id)
);
CREATE INDEX incident_cis_ci ON incident_cis(ci_id);

CREATE TABLE incident_timeline (
    id INTEGER PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    data TEXT
);
CREATE INDEX incident_timeline_inc ON incident_timeline(incident_id);

CREATE TABLE incident_escalations (
    id INTEGER PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    from_level TEXT NOT NULL,
    to_level TEXT NOT NULL,
    at BIGINT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX incident_escalations_inc ON incident_escalations(incident_id);

CREATE TABLE incident_reports (
    id INTEGER PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    author_id BIGINT,
    author TEXT NOT NULL,
    desk TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX incident_reports_inc ON incident_reports(incident_id);

CREATE TABLE incident_recipients (
    id INTEGER PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    notified_at BIGINT NOT NULL,
    ack_due BIGINT,
    acked_at BIGINT,
    UNIQUE (incident_id, user_id)
);

-- Visible deadlines (first_report, ack, progress, handling) and internal timers
-- (escalation, progress_remind, renotify).  fire_at is when the scheduler must act;
-- NULL once nothing is left to do.
CREATE TABLE deadlines (
    id INTEGER PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,
    recipient_id BIGINT,
    due_at BIGINT NOT NULL,
    met_at BIGINT,
    status TEXT NOT NULL DEFAULT 'pending',
    fire_at BIGINT
);
CREATE INDEX deadlines_fire ON deadlines(fire_at) WHERE fire_at IS NOT NULL;
CREATE INDEX deadlines_inc ON deadlines(incident_id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    cause TEXT NOT NULL,
    incident_id BIGINT REFERENCES incidents(id),
    recipient_id BIGINT REFERENCES users(id),
    channel TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    desk TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    UNIQUE (cause, recipient_id, channel)
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_incident ON outbox(incident_id);

CREATE TABLE cases (
    incident_id BIGINT PRIMARY KEY REFERENCES incidents(id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    level TEXT NOT NULL,
    highest_response TEXT NOT NULL,
    categories TEXT NOT NULL,
    ci_names TEXT NOT NULL,
    cause TEXT NOT NULL,
    text TEXT NOT NULL,
    drill INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
