-- 0039: login lockouts shared by every node of one database (R-SEC-SYS-1,
-- docs/deploy/cluster.md "What is per node, what is shared").  With several
-- nodes (PostgreSQL) the failure counts of the login keys (an account from
-- one network, an account from every network, a network; core/lockout.h)
-- live here instead of each node's memory (app/limiter.c), so N failures
-- spread over N nodes lock the account once the total reaches the limit.
-- One row per (kind, key): kind is od_limit_kind (app/limiter.h), key the
-- limiter's key (addresses per /24, /64); the state is od_lockout's;
-- idle_at is when the row says nothing any more (od_lockout_idle_at) and may
-- be deleted.  A single-node store keeps its lockouts in memory and leaves
-- the table empty.
CREATE TABLE login_lockouts (
    kind INTEGER NOT NULL,
    key TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    window_start BIGINT NOT NULL DEFAULT 0,
    locked_at BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    idle_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, key)
);
CREATE INDEX login_lockouts_idle ON login_lockouts(idle_at);
