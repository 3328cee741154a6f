-- PostgreSQL twin of 0005_events.sql (store_pg.c runs this file in its
-- place): the same tables; SQLite's row triggers and abs(random() % N)
-- become one statement trigger in PL/pgSQL and random() * 1e12.  Keep the
-- two files' tables identical.
-- 0005: event management (R-EVT-1…4, seed 004 §6.2).
-- events: one row per (source, dedup key); repeats bump count/last_seen, a
-- resolve closes it, a re-fire reopens it.  raw is the event's original JSON
-- (the alert object of an Alertmanager message, the Zabbix body, the event of
-- the generic API), the latest one received.  changes: JSON array of recent
-- firing/resolved change times (flapping).
CREATE TABLE maintenance_windows (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    matchers TEXT NOT NULL DEFAULT '[]',
    ci_id BIGINT REFERENCES cis(id),
    created_by TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX maintenance_windows_ends ON maintenance_windows(ends_at) WHERE deleted_at IS NULL;

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    status TEXT NOT NULL,
    state TEXT NOT NULL,
    class TEXT,
    severity TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    ci_id BIGINT REFERENCES cis(id),
    labels TEXT NOT NULL DEFAULT '{}',
    annotations TEXT NOT NULL DEFAULT '{}',
    raw TEXT NOT NULL,
    count BIGINT NOT NULL DEFAULT 1,
    flapping INTEGER NOT NULL DEFAULT 0,
    changes TEXT NOT NULL DEFAULT '[]',
    group_key TEXT NOT NULL DEFAULT '',
    incident_id BIGINT REFERENCES incidents(id),
    incident_rule TEXT,
    window_id BIGINT REFERENCES maintenance_windows(id),
    api_key_id BIGINT,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    decisions TEXT NOT NULL DEFAULT '[]',
    key_hash BIGINT NOT NULL
);
-- De-duplication finds an event by key_hash, a 64-bit FNV-1a of
-- source || x'00' || dedup_key (src/app/events.c key_hash(); a stored format:
-- never change it), then compares source and dedup_key.  An index of 8-byte
-- integers is a third of one of the texts, so at a million events it stays
-- in the writer's cache and a group commit dirties fewer of its pages
-- (for speed).  The single ingestion writer looks before it
-- inserts, so (source, dedup_key) stays unique.
CREATE INDEX events_key ON events(key_hash);
CREATE INDEX events_received ON events(received_at);
CREATE INDEX events_ci ON events(ci_id) WHERE ci_id IS NOT NULL;
CREATE INDEX events_incident ON events(incident_id) WHERE incident_id IS NOT NULL;

-- The rule that decided each step (step: filter, dedup, classify, correlate,
-- maintenance, respond, incident).  The decisions of an event's first pass
-- are events.decisions (a JSON array of {at, step, rule, result}: one write
-- with the row performance); later passes (resolve, re-fire,
-- notes, a window that ended) add rows here.
CREATE TABLE event_decisions (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id),
    at BIGINT NOT NULL,
    step TEXT NOT NULL,
    rule TEXT,
    result TEXT NOT NULL
);
CREATE INDEX event_decisions_event ON event_decisions(event_id);

-- Correlation groups: the last time an event of the group was answered.
CREATE TABLE event_groups (
    group_key TEXT PRIMARY KEY,
    lead_event_id BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    members BIGINT NOT NULL DEFAULT 1
);

-- Per-integration ingestion keys (sysadmin): only a SHA-256 of the secret is
-- kept; integration is api | alertmanager | zabbix.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    integration TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- The CMDB's version for the ingestion's in-memory table of CI names
-- (src/app/events.c performance): any change to cis bumps it.  It
-- starts at a random value, so two databases opened one after the other
-- in one process do not share a version.
CREATE TABLE event_cmdb_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO event_cmdb_version(id, version) VALUES (1, (random() * 1e12)::bigint);
CREATE FUNCTION cis_event_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE event_cmdb_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER cis_event_version AFTER INSERT OR UPDATE OR DELETE ON cis
    FOR EACH STATEMENT EXECUTE FUNCTION cis_event_version_bump();
