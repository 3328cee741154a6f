/* queries_ev_insert.h — the first occurrences of a group commit written in
 * one statement (app/events_pending.c; several nodes, PostgreSQL).  The
 * keys of the commit are locked first (EV_KEYS_LOCK), so the keys found
 * absent stay absent until the commit.  PostgreSQL overrides in
 * queries_pg.h (json_to_recordset, the events id sequence); these portable
 * texts run on SQLite's single writer (contract tests). */
#ifndef OD_QUERIES_EV_INSERT_H
#define OD_QUERIES_EV_INSERT_H

#define OD_QUERY_LIST_EV_INSERT(X)                                                                           \
    /* the keys of a JSON array [{"s": source, "d": dedup_key, "h": key_hash}, …] that no event has, */    \
    /* each once, with an id reserved for its event: source, dedup_key, id (SQLite finds events by */        \
    /* key_hash, migration 0007) */                                                                          \
    X(EV_ABSENT_IDS, "SELECT k.s, k.d, (SELECT COALESCE(MAX(id), 0) FROM events) + ROW_NUMBER() OVER "       \
                     "(ORDER BY k.s, k.d) FROM (SELECT DISTINCT json_extract(value, '$.s') AS s, "           \
                     "json_extract(value, '$.d') AS d, json_extract(value, '$.h') AS h FROM json_each(?)) "  \
                     "AS k WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.key_hash = k.h AND e.source = "  \
                     "k.s AND e.dedup_key = k.d) ORDER BY k.s, k.d")                                         \
    /* new events, a JSON array of objects named as the columns (count is 1) */                              \
    X(EV_INSERT_SET,                                                                                         \
      "INSERT INTO events(id, source, dedup_key, status, state, class, severity, summary, ci_id, labels, "   \
      "annotations, raw, count, flapping, changes, group_key, incident_id, incident_rule, window_id, "       \
      "api_key_id, first_seen, last_seen, received_at, updated_at, closed_at, decisions, key_hash) SELECT "  \
      "json_extract(value, '$.id'), json_extract(value, '$.source'), json_extract(value, '$.dedup_key'), "   \
      "json_extract(value, '$.status'), json_extract(value, '$.state'), json_extract(value, '$.class'), "    \
      "json_extract(value, '$.severity'), json_extract(value, '$.summary'), json_extract(value, "            \
      "'$.ci_id'), json_extract(value, '$.labels'), json_extract(value, '$.annotations'), "                  \
      "json_extract(value, '$.raw'), 1, json_extract(value, '$.flapping'), json_extract(value, "             \
      "'$.changes'), json_extract(value, '$.group_key'), json_extract(value, '$.incident_id'), "             \
      "json_extract(value, '$.incident_rule'), json_extract(value, '$.window_id'), json_extract(value, "     \
      "'$.api_key_id'), json_extract(value, '$.first_seen'), json_extract(value, '$.last_seen'), "           \
      "json_extract(value, '$.received_at'), json_extract(value, '$.updated_at'), json_extract(value, "      \
      "'$.closed_at'), json_extract(value, '$.decisions'), json_extract(value, '$.key_hash') FROM "          \
      "json_each(?)")

#endif
