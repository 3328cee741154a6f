/* queries_ev_dedup.h — event de-duplication shared by several nodes
 * (app/events*.c, docs/deploy/postgresql.md "Events"): the per-key locks of
 * a group commit, the stored event found by its key, and the repeats of a
 * transaction written as one set-based statement.  PostgreSQL overrides
 * in queries_pg.h. */
#ifndef OD_QUERIES_EV_DEDUP_H
#define OD_QUERIES_EV_DEDUP_H

#define OD_QUERY_LIST_EV_DEDUP(X)                                                                              \
    /* locks the key hashes of a transaction, given as the array text "{h1,h2,…}"; SQLite's single writer */ \
    /* holds them all already (the answer is 0 there) */                                                       \
    X(EV_KEYS_LOCK, "SELECT 0 * length(?)")                                                                    \
    /* the stored event of (source, dedup_key), by the unique index of migration 0015 (PostgreSQL) */          \
    X(EV_BY_KEY, "SELECT id, status, state, class, ci_id, changes, incident_id, window_id, flapping, "         \
                 "count FROM events WHERE source = ? AND dedup_key = ?")                                       \
    /* the repeats of a transaction: a JSON array of {"id", "n" (repeats), "t" (time), "raw"}; */              \
    /* each named event gets count + n, last_seen = updated_at = t, and raw */                                 \
    X(EV_REPEAT_SET, "UPDATE events SET count = count + r.n, last_seen = r.t, raw = r.raw, updated_at = "      \
                     "r.t FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.n') AS "      \
                     "n, json_extract(value, '$.t') AS t, json_extract(value, '$.raw') AS raw FROM "           \
                     "json_each(?)) AS r WHERE events.id = r.id")

#endif
