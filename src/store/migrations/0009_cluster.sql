-- 0009: several nodes on one database (docs/deploy/cluster.md).
-- Portable SQL: runs on SQLite and PostgreSQL 15.  Times are ms since the
-- epoch by the database clock (on SQLite, the node's own clock).

-- Every node that serves: its heartbeat row, upserted every 2 s.  A node
-- whose heartbeat_at is older than 10 s is dead: others re-queue its claims.
CREATE TABLE opsdesk_nodes (
    node_id TEXT PRIMARY KEY,
    boot_id TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    policy_sha256 TEXT NOT NULL DEFAULT '',
    clock_offset_ms BIGINT NOT NULL DEFAULT 0
);

-- Housekeeping leases with a fencing term (no leader for anything that must
-- happen exactly once: those are row claims).
CREATE TABLE opsdesk_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    term BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Outbox claims carry the claiming node (and its boot) and a lease by the
-- database clock: a result is recorded only while the claim is still ours.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;
ALTER TABLE bot_outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE bot_outbox ADD COLUMN lease_until BIGINT;
CREATE INDEX outbox_sending ON outbox(lease_until) WHERE status = 'sending';
CREATE INDEX bot_outbox_sending ON bot_outbox(lease_until) WHERE status = 'sending';

-- Which node fired a deadline (for the operator and the cluster tests).
ALTER TABLE deadlines ADD COLUMN fired_by TEXT;

-- The audit chain's lock: every append updates this one row last in its
-- transaction, so appends from several nodes are serialized and seq stays
-- gapless (an UPDATE takes the row lock on PostgreSQL).
CREATE TABLE audit_lock (
    id INTEGER PRIMARY KEY,
    appends BIGINT NOT NULL DEFAULT 0
);
INSERT INTO audit_lock(id, appends) VALUES (1, 0);
