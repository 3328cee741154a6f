-- 0017: service levels (R-SLA-1, R-SLA-2, R-SLA-5; research/modules-spec.md §M4.1):
-- services with an availability target and a calendar, and outage (impact)
-- intervals per service, from an incident, a change or entered by hand.
-- A manual interval counts once approved by someone other than its author.
-- Time fields change only through an audited correction (outage_corrections
-- keeps each one with its reason).  Portable SQL (SQLite and PostgreSQL 15).
CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    ci_id BIGINT REFERENCES cis(id),
    availability_ppm BIGINT NOT NULL,
    calendar TEXT NOT NULL DEFAULT '24x7',
    platform_member INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX services_ci ON services(ci_id);

CREATE TABLE outage_intervals (
    id INTEGER PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services(id),
    incident_id BIGINT REFERENCES incidents(id),
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT,
    window_id BIGINT REFERENCES maintenance_windows(id),
    drill INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    approved_by BIGINT REFERENCES users(id),
    approved_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX outage_intervals_service ON outage_intervals(service_id, starts_at);
CREATE INDEX outage_intervals_incident ON outage_intervals(incident_id);

CREATE TABLE outage_corrections (
    id INTEGER PRIMARY KEY,
    interval_id BIGINT NOT NULL REFERENCES outage_intervals(id),
    field TEXT NOT NULL,
    old_value BIGINT,
    new_value BIGINT,
    reason TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX outage_corrections_interval ON outage_corrections(interval_id);

-- Weekly and monthly O&M reports (modules-spec §M4.5, §1.10): one row per
-- generated version of a period.  A filed run is frozen: its document (the
-- canonical JSON of the automatic and manual sections) and the document's
-- SHA-256, which also enters the audit chain.  (kind, period_start, version)
-- is unique, so a scheduled generation runs once across nodes.
CREATE TABLE report_runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    period_start BIGINT NOT NULL,
    period_end BIGINT NOT NULL,
    version INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    manual TEXT NOT NULL DEFAULT '{}',
    document TEXT,
    sha256 TEXT,
    generated_at BIGINT NOT NULL,
    generated_by BIGINT REFERENCES users(id),
    filed_at BIGINT,
    filed_by BIGINT REFERENCES users(id),
    UNIQUE (kind, period_start, version)
);
