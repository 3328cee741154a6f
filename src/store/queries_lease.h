/* queries_lease.h — housekeeping leases with a fencing term (opsdesk_leases,
 * migration 0009; app/leases.c) and the shared test clock's first value.
 * A lease is held by one node id until expires_at (database clock); the
 * holder renews it by taking it again; another node takes it only once it
 * has expired, and the term then grows by one (the fencing token). */
#ifndef OD_QUERIES_LEASE_H
#define OD_QUERIES_LEASE_H

#define OD_QUERY_LIST_LEASE(X)                                                                               \
    /* take or renew lease ?name for ?holder until ?; changed rows 1 = held: it was free, ours, or  */       \
    /* expired at ?now (another holder's expired lease is taken over with term + 1) */                       \
    X(LEASE_TAKE, "INSERT INTO opsdesk_leases(name, holder, term, expires_at) VALUES(?, ?, 1, ?) "           \
                  "ON CONFLICT(name) DO UPDATE SET term = opsdesk_leases.term + CASE WHEN "                  \
                  "opsdesk_leases.holder = excluded.holder THEN 0 ELSE 1 END, holder = excluded.holder, "    \
                  "expires_at = excluded.expires_at WHERE opsdesk_leases.holder = excluded.holder OR "       \
                  "opsdesk_leases.expires_at <= ?")                                                          \
    X(LEASE_GET, "SELECT holder, term, expires_at FROM opsdesk_leases WHERE name = ?")                       \
    /* whether ?holder still holds ?name at term ? at ?now (the fencing check): 1 or 0 */                    \
    X(LEASE_STILL_HELD, "SELECT COUNT(*) FROM opsdesk_leases WHERE name = ? AND holder = ? AND term = ? "    \
                        "AND expires_at > ?")                                                                \
    /* the fencing check at a job's commit: 1 changed row while ?holder holds ?name at term ? at ?now; */    \
    /* an UPDATE, so on PostgreSQL the row stays locked to the commit and a takeover waits for it */         \
    X(LEASE_FENCE, "UPDATE opsdesk_leases SET term = term WHERE name = ? AND holder = ? AND term = ? AND "   \
                   "expires_at > ?")                                                                         \
    /* a node that stops gives its leases up: others take them at once */                                    \
    X(LEASE_RELEASE_ALL, "UPDATE opsdesk_leases SET expires_at = 0 WHERE holder = ?")                        \
    X(LEASE_LIST, "SELECT name, holder, term, expires_at FROM opsdesk_leases ORDER BY name")                 \
    /* the shared test clock: the first node to start stores its own, the others adopt it */                 \
    X(META_PUT_ABSENT, "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO NOTHING")              \
    /* wake the other nodes (channel ?, payload ?) at commit: PostgreSQL's pg_notify (queries_pg.h); */      \
    /* nothing on SQLite, which has one node (the text only checks its binds) */                             \
    X(WAKE_NOTIFY, "SELECT 1 FROM (SELECT CAST(? AS TEXT), CAST(? AS TEXT)) AS n")

#endif
