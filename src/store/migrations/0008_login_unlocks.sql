-- 0008: an administrator's unlock of a login lockout (R-SEC-SYS-1).  Lockouts
-- live in the server's memory (src/app/limiter.c); `opsdesk user unlock USER
-- --db PATH`, run on the server machine while the server runs, records the
-- instant here, and the server lifts the account's lockout when it began
-- before that instant (core/lockout.h od_lockout_lifted), and deletes the
-- row: one unlock lifts one lockout.  The audit trail keeps the history.
CREATE TABLE login_unlocks (
    username TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);
