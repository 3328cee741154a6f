-- 0027: each node's channels file (its SHA-256) in its heartbeat row, beside
-- the policy's: a node whose channels file is not the cluster's is not ready
-- (docs/deploy/cluster.md).  Portable SQL: SQLite and PostgreSQL 15.
ALTER TABLE opsdesk_nodes ADD COLUMN channels_sha256 TEXT NOT NULL DEFAULT '';
