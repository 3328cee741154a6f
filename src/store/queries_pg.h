/* queries_pg.h — PostgreSQL dialect overrides of named queries.
 *
 * How it works: queries.h (and the lists it includes) hold the one portable
 * text of every statement.  An entry X(NAME, "sql") in OD_QUERY_PG_LIST
 * replaces the text of OD_Q_NAME on PostgreSQL only; every other query runs
 * its portable text there.  store_pg.c then treats both alike, once at
 * start:
 *  - `?` becomes `$1, $2, …` (outside string literals);
 *  - the word LIKE becomes ILIKE: SQLite's LIKE ignores ASCII case,
 *    PostgreSQL's does not, and every LIKE of opsdesk is a search (keep it
 *    so; `ESCAPE '\'` works the same in both);
 *  - `LIMIT ?` and `OFFSET ?` keep SQLite's meaning of a negative value (no
 *    limit, no offset), which PostgreSQL refuses;
 *  - od_tx_insert runs the text with ` RETURNING id` appended, so neither
 *    text carries it.
 * Savepoint statements (SAVEPOINT, RELEASE, ROLLBACK TO) are sent
 * unprepared.
 *
 * Rules for an override (lint/sql-binds checks the first two):
 *  - it binds as many parameters as its portable twin, in the same order
 *    and with the same types;
 *  - it names a query that exists, and carries no RETURNING id;
 *  - it returns the same columns with the same meaning: integers, never
 *    booleans (prefer portable SQL, e.g. CASE WHEN EXISTS … THEN 1 ELSE 0
 *    END, to an override);
 *  - only what PostgreSQL must do differently: row locks (`FOR UPDATE`,
 *    `FOR UPDATE SKIP LOCKED`, which SQLite's single writer makes
 *    unnecessary), the database clock, set-based statements.
 * Only store_pg.c includes this file (and scripts/check-sql-binds.py reads
 * it).  Add entries as lines `X(NAME, "…")` with the usual `\` ends. */
#ifndef OD_QUERIES_PG_H
#define OD_QUERIES_PG_H

#define OD_QUERY_PG_LIST(X)                                                                                  \
    X(DB_NOW, "SELECT COALESCE((extract(epoch FROM clock_timestamp()) * 1000)::bigint, CAST(? AS "           \
              "BIGINT))")                                                                                    \
    X(DL_NEXT_DUE,                                                                                           \
      "SELECT id, incident_id, kind, recipient_id, due_at, fire_at FROM deadlines WHERE fire_at "            \
      "IS NOT NULL AND fire_at <= ? ORDER BY fire_at, id LIMIT 1 FOR UPDATE SKIP LOCKED")                    \
    X(DSP_DUE, "SELECT id, channel, address, subject, body, attempts, incident_id, recipient_id, "           \
               "record_id FROM "                                                                             \
               "outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id "      \
               "LIMIT ? FOR UPDATE SKIP LOCKED")                                                             \
    X(DSP_BOT_DUE,                                                                                           \
      "SELECT id, channel_name, '', subject, body, attempts, incident_id, NULL, NULL FROM bot_outbox "       \
      "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ? "              \
      "FOR UPDATE SKIP LOCKED")                                                                              \
    X(DSP_STALE_OWN,                                                                                         \
      "SELECT id, incident_id, channel, COALESCE(claimed_by, '') FROM outbox WHERE status = "                \
      "'sending' AND (claimed_by IS NULL OR claimed_by = ?) ORDER BY id LIMIT ? FOR UPDATE SKIP "            \
      "LOCKED")                                                                                              \
    X(DSP_BOT_STALE_OWN,                                                                                     \
      "SELECT id, incident_id, channel_name, COALESCE(claimed_by, '') FROM bot_outbox WHERE "                \
      "status = 'sending' AND (claimed_by IS NULL OR claimed_by = ?) ORDER BY id LIMIT ? FOR "               \
      "UPDATE SKIP LOCKED")                                                                                  \
    X(DSP_STALE, "SELECT id, incident_id, channel, claimed_by FROM outbox WHERE status = 'sending' AND "     \
                 "claimed_by IS NOT NULL AND claimed_by <> ? AND (lease_until IS NULL OR lease_until <= ? "  \
                 "OR claimed_by NOT IN (SELECT node_id FROM opsdesk_nodes WHERE heartbeat_at >= ?)) ORDER "  \
                 "BY id LIMIT ? FOR UPDATE SKIP LOCKED")                                                     \
    X(DSP_BOT_STALE, "SELECT id, incident_id, channel_name, claimed_by FROM bot_outbox WHERE status = "      \
                     "'sending' AND claimed_by IS NOT NULL AND claimed_by <> ? AND (lease_until IS NULL OR " \
                     "lease_until <= ? OR claimed_by NOT IN (SELECT node_id FROM opsdesk_nodes WHERE "       \
                     "heartbeat_at >= ?)) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")                       \
    X(INC_LOCK, "SELECT id, number, title, state, level, severity, severity_provisional, base_response, "    \
                "response_level, highest_response, detected_at, registered_at, handling_deadline, "          \
                "first_report_due, location, symptoms, impact_scope, departments, drill, created_by, "       \
                "activated_by, activated_at, resolved_at, closed_by, closed_at, reviewed_at, updated_at "    \
                "FROM incidents WHERE id = ? FOR UPDATE")                                                    \
    /* the shared full-text index: every quoted term of the FTS5 expression a substring (any case) */        \
    X(SD_MATCH_FTS,                                                                                          \
      "WITH q(e) AS (SELECT CAST(? AS TEXT)), t(term) AS (SELECT replace(m.a[1], '\"\"', "                   \
      "'\"') FROM q, regexp_matches(q.e, '\"((?:[^\"]|\"\")*)\"', 'g') AS m(a)) SELECT d.ref_id, "           \
      "d.body FROM search_docs d WHERE d.source = CAST(? AS TEXT) AND NOT EXISTS (SELECT 1 FROM "            \
      "t WHERE strpos(lower(d.body), lower(t.term)) = 0)")                                                   \
    X(EV_KEYS_LOCK, "SELECT 0 * COUNT(*) FROM (SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT k "     \
                    "FROM unnest(CAST(? AS BIGINT[])) AS u(k) ORDER BY k) AS s) AS l")                       \
    X(WAKE_NOTIFY, "SELECT 1 FROM (SELECT pg_notify(CAST(? AS TEXT), CAST(? AS TEXT))) AS n")                \
    X(LOCKOUT_GET_LOCKED, "SELECT failures, window_start, locked_at, locked_until FROM login_lockouts "      \
                          "WHERE kind = ? AND key = ? FOR UPDATE")                                           \
    X(EV_ABSENT_IDS,                                                                                         \
      "SELECT k.s, k.d, nextval(pg_get_serial_sequence('events', 'id')) FROM (SELECT "                       \
      "DISTINCT s, d FROM json_to_recordset(CAST(? AS json)) AS r(s TEXT, d TEXT)) AS k WHERE "              \
      "NOT EXISTS (SELECT 1 FROM events e WHERE e.source = k.s AND e.dedup_key = k.d) ORDER BY "             \
      "k.s, k.d")                                                                                            \
    X(EV_INSERT_SET,                                                                                         \
      "INSERT INTO events(id, source, dedup_key, status, state, class, severity, summary, ci_id, labels, "   \
      "annotations, raw, count, flapping, changes, group_key, incident_id, incident_rule, window_id, "       \
      "api_key_id, first_seen, last_seen, received_at, updated_at, closed_at, decisions, key_hash) SELECT "  \
      "r.id, r.source, r.dedup_key, r.status, r.state, r.class, r.severity, r.summary, r.ci_id, r.labels, "  \
      "r.annotations, r.raw, 1, r.flapping, r.changes, r.group_key, r.incident_id, r.incident_rule, "        \
      "r.window_id, r.api_key_id, r.first_seen, r.last_seen, r.received_at, r.updated_at, r.closed_at, "     \
      "r.decisions, r.key_hash FROM json_to_recordset(CAST(? AS json)) AS r(id BIGINT, source TEXT, "        \
      "dedup_key TEXT, status TEXT, state TEXT, class TEXT, severity TEXT, summary TEXT, ci_id BIGINT, "     \
      "labels TEXT, annotations TEXT, raw TEXT, flapping INTEGER, changes TEXT, group_key TEXT, "            \
      "incident_id BIGINT, incident_rule TEXT, window_id BIGINT, api_key_id BIGINT, first_seen BIGINT, "     \
      "last_seen BIGINT, received_at BIGINT, updated_at BIGINT, closed_at BIGINT, decisions TEXT, "          \
      "key_hash BIGINT) ORDER BY r.id")                                                                      \
    X(EV_REPEAT_SET, "UPDATE events AS e SET count = e.count + r.n, last_seen = r.t, raw = r.raw, "          \
                     "updated_at = r.t FROM json_to_recordset(CAST(? AS json)) AS r(id BIGINT, n BIGINT, "   \
                     "t BIGINT, raw TEXT) WHERE e.id = r.id")                                                \
    /* the incident list's text filter q (migration 0030.pg: pg_trgm indexes): ILIKE '%q%' with q            \
     * escaped here, each pattern computed once (p, c) so the indexes serve it; the matching ids             \
     * are one array (computed once), looked up by the primary key and sorted: never a walk of               \
     * the whole id order, whatever the planner guesses of the matches */                                    \
    X(INC_LIST_TEXT,                                                                                         \
      "WITH p(v) AS (SELECT '%' || replace(replace(replace(CAST(? AS TEXT), '\\', '\\\\'), '%', "            \
      "'\\%'), '_', '\\_') || '%'), c(v) AS (SELECT '%' || replace(replace(replace(CAST(? AS "               \
      "TEXT), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%') SELECT id, departments FROM "                  \
      "incidents WHERE id = ANY (ARRAY(SELECT id FROM incidents WHERE number LIKE (SELECT v "                \
      "FROM p) ESCAPE '\\' OR title LIKE (SELECT v FROM p) ESCAPE '\\' OR symptoms LIKE (SELECT "            \
      "v FROM p) ESCAPE '\\' UNION SELECT ic.incident_id FROM incident_cis ic JOIN cis ON "                  \
      "cis.id = ic.ci_id WHERE cis.name LIKE (SELECT v FROM c) ESCAPE '\\')) AND id < ? AND (? "             \
      "= '' OR state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = "            \
      "-1 OR drill = ?) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "                      \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? "               \
      "AND ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) ORDER BY id DESC LIMIT "  \
      "? OFFSET ?")                                                                                          \
    X(INC_COUNT_TEXT,                                                                                        \
      "SELECT COUNT(*) FROM (WITH p(v) AS (SELECT '%' || replace(replace(replace(CAST(? AS "                 \
      "TEXT), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'), c(v) AS (SELECT '%' || "                      \
      "replace(replace(replace(CAST(? AS TEXT), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%') "            \
      "SELECT 1 FROM incidents WHERE id = ANY (ARRAY(SELECT id FROM incidents WHERE number LIKE "            \
      "(SELECT v FROM p) ESCAPE '\\' OR title LIKE (SELECT v FROM p) ESCAPE '\\' OR symptoms "               \
      "LIKE (SELECT v FROM p) ESCAPE '\\' UNION SELECT ic.incident_id FROM incident_cis ic JOIN "            \
      "cis ON cis.id = ic.ci_id WHERE cis.name LIKE (SELECT v FROM c) ESCAPE '\\')) AND id < ? "             \
      "AND (? = '' OR state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) "              \
      "AND (? = -1 OR drill = ?) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "             \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? "               \
      "AND ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) LIMIT ?) t")              \
    X(INC_COUNT_TEXT_ONLY,                                                                                   \
      "WITH p(v) AS (SELECT '%' || replace(replace(replace(CAST(? AS TEXT), '\\', '\\\\'), '%', "            \
      "'\\%'), '_', '\\_') || '%'), c(v) AS (SELECT '%' || replace(replace(replace(CAST(? AS "               \
      "TEXT), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%') SELECT COUNT(*) FROM (SELECT id "              \
      "FROM incidents WHERE number LIKE (SELECT v FROM p) ESCAPE '\\' OR title LIKE (SELECT v "              \
      "FROM p) ESCAPE '\\' OR symptoms LIKE (SELECT v FROM p) ESCAPE '\\' UNION SELECT "                     \
      "ic.incident_id FROM incident_cis ic JOIN cis ON cis.id = ic.ci_id WHERE cis.name LIKE "               \
      "(SELECT v FROM c) ESCAPE '\\' LIMIT ?) t")                                                            \
    /* the records' text filter q (0036.pg: number, title; 0045.pg: problem and known-error texts): ILIKE    \
     * with q escaped here, the pattern computed once; the matching ids are one array */                     \
    X(REC_LIST_TEXT,                                                                                         \
      "WITH p(v) AS (SELECT '%' || replace(replace(replace(CAST(? AS TEXT), '\\', '\\\\'), '%', "            \
      "'\\%'), '_', '\\_') || '%') "                                                                         \
      "SELECT r.id, r.kind, r.number, COALESCE(i.title, r.title), COALESCE(i.state, r.state), "              \
      "r.impact, r.urgency, r.priority, r.tier, r.assignee_id, r.group_key, r.department, "                  \
      "r.requester_id, r.created_by, r.incident_id, r.drill, r.created_at, COALESCE(i.updated_at, "          \
      "r.updated_at), COALESCE(i.closed_at, r.closed_at), r.version, COALESCE(i.departments, '') "           \
      "FROM records r LEFT JOIN incidents i ON i.id = r.incident_id WHERE r.id = ANY (ARRAY(SELECT id FROM " \
      "records WHERE number ILIKE (SELECT v FROM p) ESCAPE "                                                 \
      "'\\' OR title ILIKE (SELECT v FROM p) ESCAPE '\\' UNION SELECT record_id FROM problems WHERE "        \
      "description ILIKE (SELECT v FROM p) ESCAPE '\\' OR root_cause ILIKE (SELECT v FROM p) ESCAPE '\\' "   \
      "OR workaround ILIKE (SELECT v FROM p) ESCAPE '\\' UNION SELECT record_id FROM known_errors WHERE "    \
      "symptoms ILIKE (SELECT v FROM p) ESCAPE '\\' OR root_cause ILIKE (SELECT v FROM p) ESCAPE '\\' "      \
      "OR workaround ILIKE (SELECT v FROM p) ESCAPE '\\')) AND r.id < ? AND (? = '' OR r.kind = ?) AND (? "  \
      "= '' OR COALESCE(i.state, "                                                                           \
      "r.state) = ?) AND (? = 0 OR r.assignee_id = ?) AND (? = '' OR r.department = ?) AND (? = '' "         \
      "OR r.priority = ?) ORDER BY r.id DESC LIMIT ? OFFSET ?")                                              \
    X(REC_COUNT_TEXT,                                                                                        \
      "WITH p(v) AS (SELECT '%' || replace(replace(replace(CAST(? AS TEXT), '\\', '\\\\'), '%', "            \
      "'\\%'), '_', '\\_') || '%') SELECT COUNT(*) FROM (SELECT 1 FROM records r LEFT JOIN incidents i ON "  \
      "i.id = r.incident_id WHERE r.id = ANY (ARRAY(SELECT id FROM records WHERE number ILIKE (SELECT v "    \
      "FROM p) ESCAPE "                                                                                      \
      "'\\' OR title ILIKE (SELECT v FROM p) ESCAPE '\\' UNION SELECT record_id FROM problems WHERE "        \
      "description ILIKE (SELECT v FROM p) ESCAPE '\\' OR root_cause ILIKE (SELECT v FROM p) ESCAPE '\\' "   \
      "OR workaround ILIKE (SELECT v FROM p) ESCAPE '\\' UNION SELECT record_id FROM known_errors WHERE "    \
      "symptoms ILIKE (SELECT v FROM p) ESCAPE '\\' OR root_cause ILIKE (SELECT v FROM p) ESCAPE '\\' "      \
      "OR workaround ILIKE (SELECT v FROM p) ESCAPE '\\')) AND r.id < ? AND (? = '' OR r.kind = ?) AND (? "  \
      "= '' OR COALESCE(i.state, "                                                                           \
      "r.state) = ?) AND (? = 0 OR r.assignee_id = ?) AND (? = '' OR r.department = ?) AND (? = '' "         \
      "OR r.priority = ?) LIMIT ?) t")                                                                       \
    /* the CI list's text filter q (migration 0043.pg: pg_trgm indexes on name, location, department,        \
     * attributes): ILIKE '%q%' with q escaped here, the matching ids one array; the residual terms          \
     * are those of CI_LIST */                                                                               \
    X(CI_LIST_TEXT,                                                                                          \
      "WITH p(v) AS (SELECT '%' || replace(replace(replace(CAST(? AS TEXT), '\\', '\\\\'), '%', "            \
      "'\\%'), '_', '\\_') || '%') "                                                                         \
      "SELECT id, name, category, grade, department, environment, location, attributes, "                    \
      "last_verified_at, verified_by, created_at, updated_at, retired_at, retired_reason FROM cis "          \
      "WHERE id = ANY (ARRAY(SELECT id FROM cis WHERE name LIKE (SELECT v FROM p) ESCAPE '\\' OR "           \
      "location LIKE (SELECT v FROM p) ESCAPE '\\' OR department LIKE (SELECT v FROM p) ESCAPE '\\' OR "     \
      "attributes LIKE (SELECT v FROM p) ESCAPE '\\' OR category = ?)) AND id > ? AND (? = '' OR "           \
      "category = ?) AND (? = '' OR grade = ?) AND (? = '' OR name LIKE ? ESCAPE '\\' OR location LIKE ? "   \
      "ESCAPE '\\' OR department LIKE ? ESCAPE '\\' OR attributes LIKE ? ESCAPE '\\' OR category = ?) AND "  \
      "(? = 1 OR retired_at IS NULL) ORDER BY id LIMIT ? OFFSET ?")                                          \
    X(CI_COUNT_TEXT,                                                                                         \
      "WITH p(v) AS (SELECT '%' || replace(replace(replace(CAST(? AS TEXT), '\\', '\\\\'), '%', "            \
      "'\\%'), '_', '\\_') || '%') "                                                                         \
      "SELECT COUNT(*) FROM (SELECT 1 FROM cis "                                                             \
      "WHERE id = ANY (ARRAY(SELECT id FROM cis WHERE name LIKE (SELECT v FROM p) ESCAPE '\\' OR "           \
      "location LIKE (SELECT v FROM p) ESCAPE '\\' OR department LIKE (SELECT v FROM p) ESCAPE '\\' OR "     \
      "attributes LIKE (SELECT v FROM p) ESCAPE '\\' OR category = ?)) AND id > ? AND (? = '' OR "           \
      "category = ?) AND (? = '' OR grade = ?) AND (? = '' OR name LIKE ? ESCAPE '\\' OR location LIKE ? "   \
      "ESCAPE '\\' OR department LIKE ? ESCAPE '\\' OR attributes LIKE ? ESCAPE '\\' OR category = ?) AND "  \
      "(? = 1 OR retired_at IS NULL) LIMIT ?) t")                                                            \
    /* the case library's text search (queries_cases.h): the first term by its trigram index, every term as  \
     * SD_MATCH_FTS */                                                                                       \
    X(CASE_SEARCH_FTS,                                                                                       \
      "WITH q(e) AS (SELECT CAST(? AS TEXT)), t(term) AS (SELECT replace(m.a[1], '\"\"', '\"') FROM q, "     \
      "regexp_matches(q.e, '\"((?:[^\"]|\"\")*)\"', 'g') AS m(a)), p(v) AS (SELECT '%' || "                  \
      "replace(replace(replace(replace((regexp_match(q.e, '^\"((?:[^\"]|\"\")*)\"'))[1], '\"\"', "           \
      "'\"'), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' FROM q), hits(id) AS (SELECT d.ref_id "         \
      "FROM search_docs d WHERE d.source = 'case' AND d.body LIKE (SELECT v FROM p) ESCAPE '\\' AND "        \
      "NOT EXISTS (SELECT 1 FROM t WHERE strpos(lower(d.body), lower(t.term)) = 0)) SELECT "                 \
      "incident_id, number, title, level, highest_response, categories, ci_names, cause, drill, "            \
      "created_at, CASE WHEN ? = 1 THEN (SELECT departments FROM incidents WHERE incidents.id = "            \
      "cases.incident_id) ELSE '[]' END FROM cases WHERE incident_id = ANY (ARRAY(SELECT id FROM "           \
      "hits)) AND (? = '' OR level = ?) AND (? = '' OR categories LIKE ? ESCAPE '\\') ORDER BY "             \
      "created_at DESC, incident_id DESC LIMIT ? OFFSET ?")                                                  \
    X(CASE_COUNT_FTS,                                                                                        \
      "WITH q(e) AS (SELECT CAST(? AS TEXT)), t(term) AS (SELECT replace(m.a[1], '\"\"', '\"') FROM q, "     \
      "regexp_matches(q.e, '\"((?:[^\"]|\"\")*)\"', 'g') AS m(a)), p(v) AS (SELECT '%' || "                  \
      "replace(replace(replace(replace((regexp_match(q.e, '^\"((?:[^\"]|\"\")*)\"'))[1], '\"\"', "           \
      "'\"'), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' FROM q), hits(id) AS (SELECT d.ref_id "         \
      "FROM search_docs d WHERE d.source = 'case' AND d.body LIKE (SELECT v FROM p) ESCAPE '\\' AND "        \
      "NOT EXISTS (SELECT 1 FROM t WHERE strpos(lower(d.body), lower(t.term)) = 0)) SELECT COUNT(*) "        \
      "FROM cases WHERE incident_id = ANY (ARRAY(SELECT id FROM hits)) AND (? = '' OR level = ?) AND "       \
      "(? = '' OR categories LIKE ? ESCAPE '\\')")                                                           \
    /* the scale generator's set inserts (queries_gen.h): json_array_elements in array order */              \
    X(GEN_INC_CI_SET,                                                                                        \
      "INSERT INTO incident_cis(incident_id, ci_id) SELECT CAST(r.v->>0 AS BIGINT), CAST(r.v->>1 AS "        \
      "BIGINT) FROM json_array_elements(CAST(? AS json)) WITH ORDINALITY AS r(v, n) ORDER BY r.n")           \
    X(GEN_TL_SET,                                                                                            \
      "INSERT INTO incident_timeline(incident_id, at, actor, kind, text, data) SELECT CAST(r.v->>0 AS "      \
      "BIGINT), CAST(r.v->>1 AS BIGINT), r.v->>2, r.v->>3, r.v->>4, r.v->>5 FROM "                           \
      "json_array_elements(CAST(? AS json)) WITH ORDINALITY AS r(v, n) ORDER BY r.n")                        \
    X(GEN_REP_SET,                                                                                           \
      "INSERT INTO incident_reports(incident_id, kind, at, author_id, author, desk, body) SELECT "           \
      "CAST(r.v->>0 AS BIGINT), r.v->>1, CAST(r.v->>2 AS BIGINT), CAST(r.v->>3 AS BIGINT), r.v->>4, "        \
      "r.v->>5, r.v->>6 FROM json_array_elements(CAST(? AS json)) WITH ORDINALITY AS r(v, n) ORDER BY "      \
      "r.n")                                                                                                 \
    X(GEN_RCP_SET,                                                                                           \
      "INSERT INTO incident_recipients(incident_id, user_id, reason, notified_at, ack_due, acked_at) "       \
      "SELECT CAST(r.v->>0 AS BIGINT), CAST(r.v->>1 AS BIGINT), r.v->>2, CAST(r.v->>3 AS BIGINT), "          \
      "CAST(r.v->>4 AS BIGINT), CAST(r.v->>5 AS BIGINT) FROM json_array_elements(CAST(? AS json)) WITH "     \
      "ORDINALITY AS r(v, n) ORDER BY r.n")                                                                  \
    X(GEN_DL_SET,                                                                                            \
      "INSERT INTO deadlines(incident_id, kind, recipient_id, due_at, met_at, status, fire_at) SELECT "      \
      "CAST(r.v->>0 AS BIGINT), r.v->>1, CAST(r.v->>2 AS BIGINT), CAST(r.v->>3 AS BIGINT), CAST(r.v->>4"     \
      " AS BIGINT), r.v->>5, NULL FROM json_array_elements(CAST(? AS json)) WITH ORDINALITY AS r(v, n) "     \
      "ORDER BY r.n")                                                                                        \
    X(GEN_OUTBOX_SET,                                                                                        \
      "INSERT INTO outbox(cause, incident_id, recipient_id, channel, address, kind, desk, subject, "         \
      "body, status, attempts, next_attempt_at, created_at, sent_at) SELECT r.v->>0, CAST(r.v->>1 AS "       \
      "BIGINT), CAST(r.v->>2 AS BIGINT), r.v->>3, r.v->>4, r.v->>5, r.v->>6, r.v->>7, r.v->>8, "             \
      "r.v->>9, CAST(r.v->>10 AS BIGINT), CAST(r.v->>11 AS BIGINT), CAST(r.v->>12 AS BIGINT), "              \
      "CAST(r.v->>13 AS BIGINT) FROM json_array_elements(CAST(? AS json)) WITH ORDINALITY AS r(v, n) "       \
      "ORDER BY r.n")                                                                                        \
    X(GEN_DELIVERY_SET,                                                                                      \
      "INSERT INTO deliveries(outbox_id, bot_id, incident_id, at, channel, status, http_status, "            \
      "vendor_code, error) SELECT o.id, NULL, CAST(r.v->>3 AS BIGINT), CAST(r.v->>4 AS BIGINT), "            \
      "r.v->>5, r.v->>6, CAST(r.v->>7 AS BIGINT), r.v->>8, r.v->>9 FROM json_array_elements(CAST(? AS "      \
      "json)) WITH ORDINALITY AS r(v, n) JOIN outbox o ON o.cause = r.v->>0 AND o.recipient_id = "           \
      "CAST(r.v->>1 AS BIGINT) AND o.channel = r.v->>2 ORDER BY r.n")                                        \
    X(GEN_EV_SET,                                                                                            \
      "INSERT INTO events(source, dedup_key, status, state, class, severity, summary, ci_id, labels, "       \
      "annotations, raw, count, flapping, changes, group_key, incident_id, first_seen, last_seen, "          \
      "received_at, updated_at, closed_at, decisions, key_hash) SELECT r.v->>0, r.v->>1, r.v->>2, "          \
      "r.v->>3, r.v->>4, r.v->>5, r.v->>6, CAST(r.v->>7 AS BIGINT), r.v->>8, r.v->>9, r.v->>10, "            \
      "CAST(r.v->>11 AS BIGINT), 0, '[]', r.v->>12, CAST(r.v->>13 AS BIGINT), CAST(r.v->>14 AS BIGINT),"     \
      " CAST(r.v->>15 AS BIGINT), CAST(r.v->>16 AS BIGINT), CAST(r.v->>17 AS BIGINT), CAST(r.v->>18 AS "     \
      "BIGINT), '[]', CAST(r.v->>19 AS BIGINT) FROM json_array_elements(CAST(? AS json)) WITH "              \
      "ORDINALITY AS r(v, n) ORDER BY r.n")

#endif
