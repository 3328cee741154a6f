/* queries_lockouts.h — login lockouts shared by several nodes (table
 * login_lockouts, migration 0039; app/login_limits.c).  A failure is counted
 * under the row's lock: the row is made to exist first (LOCKOUT_ENSURE, a
 * no-op when it does), then read locked (LOCKOUT_GET_LOCKED: FOR UPDATE on
 * PostgreSQL, queries_pg.h; SQLite's single writer needs none), decided by
 * core/lockout.h and written back, so concurrent failures on several nodes
 * are all counted. */
#ifndef OD_QUERIES_LOCKOUTS_H
#define OD_QUERIES_LOCKOUTS_H

#define OD_QUERY_LIST_LOCKOUTS(X)                                                                            \
    /* the state of (kind ?, key ?): failures, window_start, locked_at, locked_until */                      \
    X(LOCKOUT_GET, "SELECT failures, window_start, locked_at, locked_until FROM login_lockouts WHERE "       \
                   "kind = ? AND key = ?")                                                                   \
    X(LOCKOUT_GET_LOCKED, "SELECT failures, window_start, locked_at, locked_until FROM login_lockouts "      \
                          "WHERE kind = ? AND key = ?")                                                      \
    X(LOCKOUT_ENSURE, "INSERT INTO login_lockouts(kind, key) VALUES(?, ?) ON CONFLICT(kind, key) DO "        \
                      "NOTHING")                                                                             \
    /* failures, window_start, locked_at, locked_until, idle_at of (kind ?, key ?) */                        \
    X(LOCKOUT_PUT,                                                                                           \
      "UPDATE login_lockouts SET failures = ?, window_start = ?, locked_at = ?, locked_until = "             \
      "?, idle_at = ? WHERE kind = ? AND key = ?")                                                           \
    X(LOCKOUT_DEL, "DELETE FROM login_lockouts WHERE kind = ? AND key = ?")                                  \
    /* rows that say nothing any more at ?now */                                                             \
    X(LOCKOUT_PRUNE, "DELETE FROM login_lockouts WHERE idle_at <= ?")

#endif
