/* queries_lists.h — the incident and event lists, each served by an index
 * (scripts/check-query-plans.py).  A filter that an index can serve has its
 * own static statement (the `col = ?` leads, the generic filters follow as
 * residual terms), the order is an index's order, and the page starts at a
 * keyset cursor (`id < ?`, `(last_seen, id) < (?, ?)`; the largest values
 * when none is given).  The totals count at most LIMIT ? rows (the caller
 * sets the cap and flags a total that reached it as estimated). */
#ifndef OD_QUERIES_LISTS_H
#define OD_QUERIES_LISTS_H

#define OD_QUERY_LIST_LISTS(X)                                                                               \
    /* incidents, newest first: binds [key], before_id, 12 filter binds, limit, offset */                    \
    X(INC_LIST,                                                                                              \
      "SELECT id, departments FROM incidents WHERE id < ? AND (? = '' OR state = ?) AND (? = '' "            \
      "OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill = ?) AND (? = '' OR "           \
      "title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE ? ESCAPE '\\' OR "             \
      "id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM cis WHERE name "           \
      "LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', 'activated') "    \
      "AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND ack_due IS NOT NULL "    \
      "AND "                                                                                                 \
      "acked_at IS NULL))) AND (? = 0 OR owner_id = ?) ORDER BY id DESC LIMIT ? OFFSET ?")                   \
    X(INC_LIST_STATE,                                                                                        \
      "SELECT id, departments FROM incidents WHERE state = ? AND id < ? AND (? = '' OR state = "             \
      "?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill = ?) "           \
      "AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE ? "             \
      "ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM "           \
      "cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "  \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND "           \
      "ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) ORDER BY id DESC LIMIT ? "    \
      "OFFSET ?")                                                                                            \
    X(INC_LIST_LEVEL,                                                                                        \
      "SELECT id, departments FROM incidents WHERE level = ? AND id < ? AND (? = '' OR state = "             \
      "?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill = ?) "           \
      "AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE ? "             \
      "ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM "           \
      "cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "  \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND "           \
      "ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) ORDER BY id DESC LIMIT ? "    \
      "OFFSET ?")                                                                                            \
    /* their totals: binds [key], before_id, 12 filter binds, the cap */                                     \
    X(INC_COUNT,                                                                                             \
      "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE id < ? AND (? = '' OR state = ?) AND "            \
      "(? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill = ?) AND (? "           \
      "= '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE ? ESCAPE "             \
      "'\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM cis WHERE "        \
      "name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "            \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND "           \
      "ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) LIMIT ?) t")                  \
    X(INC_COUNT_STATE,                                                                                       \
      "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE state = ? AND id < ? AND (? = '' OR "             \
      "state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill "        \
      "= ?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE "          \
      "? ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM "         \
      "cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "  \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND "           \
      "ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) LIMIT ?) t")                  \
    X(INC_COUNT_LEVEL,                                                                                       \
      "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE level = ? AND id < ? AND (? = '' OR "             \
      "state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill "        \
      "= ?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE "          \
      "? ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM "         \
      "cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "  \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND "           \
      "ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) LIMIT ?) t")                  \
    /* events, newest last_seen first: binds [key], cursor (last_seen, id), 14 filter binds, limit, offset   \
     */                                                                                                      \
    X(EV_LIST,                                                                                               \
      "SELECT e.id, e.source, e.dedup_key, e.status, e.state, e.class, e.severity, "                         \
      "e.summary, e.ci_id, c.name, e.count, e.flapping, e.first_seen, e.last_seen, "                         \
      "e.received_at, e.incident_id, i.number, e.window_id, w.name, e.labels, "                              \
      "e.annotations, e.raw, e.group_key, e.updated_at, e.closed_at, c.department FROM "                     \
      "events e LEFT JOIN cis c ON c.id = e.ci_id LEFT JOIN incidents i ON i.id = e.incident_id LEFT "       \
      "JOIN maintenance_windows w ON w.id = e.window_id WHERE (e.last_seen, e.id) < (?, ?) AND (? = '' "     \
      "OR e.status = ? OR e.state = ?) AND (? = '' OR e.class = ? OR (? = 'none' AND e.class IS NULL)) "     \
      "AND (? = 0 OR e.ci_id = ?) AND (? = '' OR e.source = ?) AND (? = '' OR e.summary LIKE ? ESCAPE "      \
      "'\\' OR e.dedup_key LIKE ? ESCAPE '\\' OR e.labels LIKE ? ESCAPE '\\') ORDER BY e.last_seen DESC, "   \
      "e.id DESC LIMIT ? OFFSET ?")                                                                          \
    X(EV_LIST_STATUS,                                                                                        \
      "SELECT e.id, e.source, e.dedup_key, e.status, e.state, e.class, e.severity, "                         \
      "e.summary, e.ci_id, c.name, e.count, e.flapping, e.first_seen, e.last_seen, "                         \
      "e.received_at, e.incident_id, i.number, e.window_id, w.name, e.labels, "                              \
      "e.annotations, e.raw, e.group_key, e.updated_at, e.closed_at, c.department FROM "                     \
      "events e LEFT JOIN cis c ON c.id = e.ci_id LEFT JOIN incidents i ON i.id = e.incident_id LEFT "       \
      "JOIN maintenance_windows w ON w.id = e.window_id WHERE e.status = ? AND (e.last_seen, e.id) < (?, "   \
      "?) AND (? = '' OR e.status = ? OR e.state = ?) AND (? = '' OR e.class = ? OR (? = 'none' AND "        \
      "e.class IS NULL)) AND (? = 0 OR e.ci_id = ?) AND (? = '' OR e.source = ?) AND (? = '' OR "            \
      "e.summary LIKE ? ESCAPE '\\' OR e.dedup_key LIKE ? ESCAPE '\\' OR e.labels LIKE ? ESCAPE '\\') "      \
      "ORDER BY e.last_seen DESC, e.id DESC LIMIT ? OFFSET ?")                                               \
    X(EV_LIST_STATE,                                                                                         \
      "SELECT e.id, e.source, e.dedup_key, e.status, e.state, e.class, e.severity, "                         \
      "e.summary, e.ci_id, c.name, e.count, e.flapping, e.first_seen, e.last_seen, "                         \
      "e.received_at, e.incident_id, i.number, e.window_id, w.name, e.labels, "                              \
      "e.annotations, e.raw, e.group_key, e.updated_at, e.closed_at, c.department FROM "                     \
      "events e LEFT JOIN cis c ON c.id = e.ci_id LEFT JOIN incidents i ON i.id = e.incident_id LEFT "       \
      "JOIN maintenance_windows w ON w.id = e.window_id WHERE e.state = ? AND (e.last_seen, e.id) < (?, "    \
      "?) AND (? = '' OR e.status = ? OR e.state = ?) AND (? = '' OR e.class = ? OR (? = 'none' AND "        \
      "e.class IS NULL)) AND (? = 0 OR e.ci_id = ?) AND (? = '' OR e.source = ?) AND (? = '' OR "            \
      "e.summary LIKE ? ESCAPE '\\' OR e.dedup_key LIKE ? ESCAPE '\\' OR e.labels LIKE ? ESCAPE '\\') "      \
      "ORDER BY e.last_seen DESC, e.id DESC LIMIT ? OFFSET ?")                                               \
    X(EV_LIST_CI,                                                                                            \
      "SELECT e.id, e.source, e.dedup_key, e.status, e.state, e.class, e.severity, "                         \
      "e.summary, e.ci_id, c.name, e.count, e.flapping, e.first_seen, e.last_seen, "                         \
      "e.received_at, e.incident_id, i.number, e.window_id, w.name, e.labels, "                              \
      "e.annotations, e.raw, e.group_key, e.updated_at, e.closed_at, c.department FROM "                     \
      "events e LEFT JOIN cis c ON c.id = e.ci_id LEFT JOIN incidents i ON i.id = e.incident_id LEFT "       \
      "JOIN maintenance_windows w ON w.id = e.window_id WHERE e.ci_id = ? AND (e.last_seen, e.id) < (?, "    \
      "?) AND (? = '' OR e.status = ? OR e.state = ?) AND (? = '' OR e.class = ? OR (? = 'none' AND "        \
      "e.class IS NULL)) AND (? = 0 OR e.ci_id = ?) AND (? = '' OR e.source = ?) AND (? = '' OR "            \
      "e.summary LIKE ? ESCAPE '\\' OR e.dedup_key LIKE ? ESCAPE '\\' OR e.labels LIKE ? ESCAPE '\\') "      \
      "ORDER BY e.last_seen DESC, e.id DESC LIMIT ? OFFSET ?")                                               \
    /* their totals: binds [key], cursor (last_seen, id), 14 filter binds, the cap */                        \
    X(EV_COUNT,                                                                                              \
      "SELECT COUNT(*) FROM (SELECT 1 FROM events e WHERE (e.last_seen, e.id) < (?, ?) AND (? = '' OR "      \
      "e.status = ? OR e.state = ?) AND (? = '' OR e.class = ? OR (? = 'none' AND e.class IS NULL)) AND "    \
      "(? = 0 OR e.ci_id = ?) AND (? = '' OR e.source = ?) AND (? = '' OR e.summary LIKE ? ESCAPE '\\' OR "  \
      "e.dedup_key LIKE ? ESCAPE '\\' OR e.labels LIKE ? ESCAPE '\\') LIMIT ?) t")                           \
    X(EV_COUNT_STATUS,                                                                                       \
      "SELECT COUNT(*) FROM (SELECT 1 FROM events e WHERE e.status = ? AND (e.last_seen, e.id) < (?, ?) "    \
      "AND (? = '' OR e.status = ? OR e.state = ?) AND (? = '' OR e.class = ? OR (? = 'none' AND e.class "   \
      "IS NULL)) AND (? = 0 OR e.ci_id = ?) AND (? = '' OR e.source = ?) AND (? = '' OR e.summary LIKE ? "   \
      "ESCAPE '\\' OR e.dedup_key LIKE ? ESCAPE '\\' OR e.labels LIKE ? ESCAPE '\\') LIMIT ?) t")            \
    X(EV_COUNT_STATE,                                                                                        \
      "SELECT COUNT(*) FROM (SELECT 1 FROM events e WHERE e.state = ? AND (e.last_seen, e.id) < (?, ?) "     \
      "AND (? = '' OR e.status = ? OR e.state = ?) AND (? = '' OR e.class = ? OR (? = 'none' AND e.class "   \
      "IS NULL)) AND (? = 0 OR e.ci_id = ?) AND (? = '' OR e.source = ?) AND (? = '' OR e.summary LIKE ? "   \
      "ESCAPE '\\' OR e.dedup_key LIKE ? ESCAPE '\\' OR e.labels LIKE ? ESCAPE '\\') LIMIT ?) t")            \
    X(EV_COUNT_CI,                                                                                           \
      "SELECT COUNT(*) FROM (SELECT 1 FROM events e WHERE e.ci_id = ? AND (e.last_seen, e.id) < (?, ?) "     \
      "AND (? = '' OR e.status = ? OR e.state = ?) AND (? = '' OR e.class = ? OR (? = 'none' AND e.class "   \
      "IS NULL)) AND (? = 0 OR e.ci_id = ?) AND (? = '' OR e.source = ?) AND (? = '' OR e.summary LIKE ? "   \
      "ESCAPE '\\' OR e.dedup_key LIKE ? ESCAPE '\\' OR e.labels LIKE ? ESCAPE '\\') LIMIT ?) t")            \
    /* the audit log, newest first: binds [key], before_id, 6 filter binds, limit, offset / the cap */       \
    X(AUDIT_LIST,                                                                                            \
      "SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, "                 \
      "prev_hash, hash FROM audit WHERE id < ? AND (? = '' OR entity = ?) AND (? = 0 OR entity_id "          \
      "= ?) AND (? = '' OR actor = ?) ORDER BY id DESC LIMIT ? OFFSET ?")                                    \
    X(AUDIT_LIST_ENTITY,                                                                                     \
      "SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, "                 \
      "prev_hash, hash FROM audit WHERE entity = ? AND id < ? AND (? = '' OR entity = ?) AND (? = "          \
      "0 OR entity_id = ?) AND (? = '' OR actor = ?) ORDER BY id DESC LIMIT ? OFFSET ?")                     \
    X(AUDIT_LIST_ACTOR,                                                                                      \
      "SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, "                 \
      "prev_hash, hash FROM audit WHERE actor = ? AND id < ? AND (? = '' OR entity = ?) AND (? = 0 "         \
      "OR entity_id = ?) AND (? = '' OR actor = ?) ORDER BY id DESC LIMIT ? OFFSET ?")                       \
    X(AUDIT_COUNT,                                                                                           \
      "SELECT COUNT(*) FROM (SELECT 1 FROM audit WHERE id < ? AND (? = '' OR entity = ?) AND (? = "          \
      "0 OR entity_id = ?) AND (? = '' OR actor = ?) LIMIT ?) t")                                            \
    X(AUDIT_COUNT_ENTITY,                                                                                    \
      "SELECT COUNT(*) FROM (SELECT 1 FROM audit WHERE entity = ? AND id < ? AND (? = '' OR entity "         \
      "= ?) AND (? = 0 OR entity_id = ?) AND (? = '' OR actor = ?) LIMIT ?) t")                              \
    X(AUDIT_COUNT_ACTOR,                                                                                     \
      "SELECT COUNT(*) FROM (SELECT 1 FROM audit WHERE actor = ? AND id < ? AND (? = '' OR entity "          \
      "= ?) AND (? = 0 OR entity_id = ?) AND (? = '' OR actor = ?) LIMIT ?) t")                              \
    /* led by the acknowledgements a user owes (awaiting_my_ack: incident_recipients(user_id, acked_at))     \
     * and by the owner (owner=me: incidents(owner_id)): the lists of 待我处理 read their own rows, not  \
     * every incident; binds: the user's id, then as INC_LIST_STATE or INC_COUNT_STATE */                    \
    X(INC_LIST_MINE,                                                                                         \
      "SELECT id, departments FROM incidents WHERE id IN (SELECT incident_id FROM incident_recipients "      \
      "WHERE user_id = ? AND acked_at IS NULL AND ack_due IS NOT NULL) AND id < ? AND (? = '' OR state "     \
      "= ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill = ?) AND "     \
      "(? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE ? ESCAPE '\\' "     \
      "OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM cis WHERE name "        \
      "LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "                 \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND "           \
      "ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) ORDER BY id DESC LIMIT "      \
      "? OFFSET ?")                                                                                          \
    X(INC_LIST_OWNED,                                                                                        \
      "SELECT id, departments FROM incidents WHERE owner_id = ? AND id < ? AND (? = '' OR state = ?) "       \
      "AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill = ?) AND (? = "     \
      "'' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE ? ESCAPE '\\' OR "       \
      "id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM cis WHERE name LIKE "      \
      "? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', 'activated') AND "     \
      "id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND ack_due IS NOT NULL "        \
      "AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) ORDER BY id DESC LIMIT ? OFFSET ?")               \
    X(INC_COUNT_MINE,                                                                                        \
      "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE id IN (SELECT incident_id FROM "                  \
      "incident_recipients WHERE user_id = ? AND acked_at IS NULL AND ack_due IS NOT NULL) AND id < ? "      \
      "AND (? = '' OR state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = "     \
      "-1 OR drill = ?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR "            \
      "symptoms LIKE ? ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN "           \
      "(SELECT id FROM cis WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', "           \
      "'reported', 'confirmed', 'activated') AND id IN (SELECT incident_id FROM incident_recipients "        \
      "WHERE user_id = ? AND ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) "       \
      "LIMIT ?) t")                                                                                          \
    X(INC_COUNT_OWNED,                                                                                       \
      "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE owner_id = ? AND id < ? AND (? = '' OR "          \
      "state = ?) AND (? = '' OR level = ?) AND (? = '' OR response_level = ?) AND (? = -1 OR drill = "      \
      "?) AND (? = '' OR title LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR symptoms LIKE ? "          \
      "ESCAPE '\\' OR id IN (SELECT incident_id FROM incident_cis WHERE ci_id IN (SELECT id FROM cis "       \
      "WHERE name LIKE ? ESCAPE '\\'))) AND (? = 0 OR (state IN ('detected', 'reported', 'confirmed', "      \
      "'activated') AND id IN (SELECT incident_id FROM incident_recipients WHERE user_id = ? AND "           \
      "ack_due IS NOT NULL AND acked_at IS NULL))) AND (? = 0 OR owner_id = ?) LIMIT ?) t")                  \
    /* the totals when the leading filter is the only one: an index alone answers (covering) */              \
    X(INC_COUNT_ALL, "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE state >= '' LIMIT ?) t")           \
    X(INC_COUNT_STATE_ONLY, "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE state = ? LIMIT ?) t")      \
    X(INC_COUNT_LEVEL_ONLY, "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE level = ? LIMIT ?) t")      \
    X(EV_COUNT_ALL, "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE (last_seen, id) < (?, ?) LIMIT ?) t")  \
    X(EV_COUNT_STATUS_ONLY, "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE status = ? LIMIT ?) t")        \
    X(EV_COUNT_STATE_ONLY, "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE state = ? LIMIT ?) t")          \
    X(EV_COUNT_CI_ONLY, "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE ci_id = ? LIMIT ?) t")             \
    /* the CMDB, oldest first: [key], after_id, 8 filters, all (1: retired too), limit, offset / cap */      \
    X(CI_LIST,                                                                                               \
      "SELECT id, name, category, grade, department, environment, location, attributes, "                    \
      "last_verified_at, verified_by, created_at, updated_at, retired_at, retired_reason FROM cis WHERE id " \
      "> ? AND (? = "                                                                                        \
      "'' OR category = ?) AND (? = '' OR grade = ?) AND (? = '' OR name LIKE ? ESCAPE '\\' OR location "    \
      "LIKE ? ESCAPE '\\' OR department LIKE ? ESCAPE '\\' OR attributes LIKE ? ESCAPE '\\' OR category "    \
      "= ?) AND (? = 1 OR retired_at IS NULL) ORDER BY id LIMIT ? OFFSET ?")                                 \
    X(CI_LIST_CATEGORY,                                                                                      \
      "SELECT id, name, category, grade, department, environment, location, attributes, "                    \
      "last_verified_at, verified_by, created_at, updated_at, retired_at, retired_reason FROM cis WHERE "    \
      "category = ? "                                                                                        \
      "AND id > ? AND (? = '' OR category = ?) AND (? = '' OR grade = ?) AND (? = '' OR name LIKE ? "        \
      "ESCAPE '\\' OR location LIKE ? ESCAPE '\\' OR department LIKE ? ESCAPE '\\' OR attributes LIKE ? "    \
      "ESCAPE '\\' OR category = ?) AND (? = 1 OR retired_at IS NULL) ORDER BY id LIMIT ? OFFSET ?")         \
    X(CI_LIST_GRADE,                                                                                         \
      "SELECT id, name, category, grade, department, environment, location, attributes, "                    \
      "last_verified_at, verified_by, created_at, updated_at, retired_at, retired_reason FROM cis WHERE "    \
      "grade = ? AND "                                                                                       \
      "id > ? AND (? = '' OR category = ?) AND (? = '' OR grade = ?) AND (? = '' OR name LIKE ? ESCAPE "     \
      "'\\' OR location LIKE ? ESCAPE '\\' OR department LIKE ? ESCAPE '\\' OR attributes LIKE ? ESCAPE "    \
      "'\\' OR category = ?) AND (? = 1 OR retired_at IS NULL) ORDER BY id LIMIT ? OFFSET ?")                \
    X(CI_COUNT,                                                                                              \
      "SELECT COUNT(*) FROM (SELECT 1 FROM cis WHERE id > ? AND (? = '' OR category = ?) AND (? = '' OR "    \
      "grade = ?) AND (? = '' OR name LIKE ? ESCAPE '\\' OR location LIKE ? ESCAPE '\\' OR department "      \
      "LIKE ? ESCAPE '\\' OR attributes LIKE ? ESCAPE '\\' OR category = ?) AND (? = 1 OR retired_at IS "    \
      "NULL) LIMIT ?) t")                                                                                    \
    X(CI_COUNT_CATEGORY,                                                                                     \
      "SELECT COUNT(*) FROM (SELECT 1 FROM cis WHERE category = ? AND id > ? AND (? = '' OR category = "     \
      "?) AND (? = '' OR grade = ?) AND (? = '' OR name LIKE ? ESCAPE '\\' OR location LIKE ? ESCAPE "       \
      "'\\' OR department LIKE ? ESCAPE '\\' OR attributes LIKE ? ESCAPE '\\' OR category = ?) AND (? = "    \
      "1 OR retired_at IS NULL) LIMIT ?) t")                                                                 \
    X(CI_COUNT_GRADE,                                                                                        \
      "SELECT COUNT(*) FROM (SELECT 1 FROM cis WHERE grade = ? AND id > ? AND (? = '' OR category = ?) "     \
      "AND (? = '' OR grade = ?) AND (? = '' OR name LIKE ? ESCAPE '\\' OR location LIKE ? ESCAPE '\\' "     \
      "OR department LIKE ? ESCAPE '\\' OR attributes LIKE ? ESCAPE '\\' OR category = ?) AND (? = 1 OR "    \
      "retired_at IS NULL) LIMIT ?) t")                                                                      \
    /* every CI, retired ones too: a walk of the narrow category index; binds: the cap */                    \
    X(CI_COUNT_ALL, "SELECT COUNT(*) FROM (SELECT 1 FROM cis WHERE category >= '' LIMIT ?) t")               \
    /* the CIs in service: the index of migration 0051 alone, no row read; binds: the cap */                 \
    X(CI_COUNT_LIVE, "SELECT COUNT(*) FROM (SELECT 1 FROM cis WHERE retired_at IS NULL LIMIT ?) t")          \
    X(CI_COUNT_CATEGORY_ONLY,                                                                                \
      "SELECT COUNT(*) FROM (SELECT 1 FROM cis WHERE category = ? AND (? = 1 OR retired_at IS NULL) "        \
      "LIMIT ?) t")                                                                                          \
    X(CI_COUNT_GRADE_ONLY,                                                                                   \
      "SELECT COUNT(*) FROM (SELECT 1 FROM cis WHERE grade = ? AND (? = 1 OR retired_at IS NULL) LIMIT "     \
      "?) t")                                                                                                \
    /* records, newest first: binds [key], before_id, 8 filter binds, limit, offset / the cap */             \
    X(REC_LIST,                                                                                              \
      "SELECT r.id, r.kind, r.number, COALESCE(i.title, r.title), COALESCE(i.state, r.state), r.impact, "    \
      "r.urgency, r.priority, r.tier, r.assignee_id, r.group_key, r.department, r.requester_id, "            \
      "r.created_by, r.incident_id, r.drill, r.created_at, COALESCE(i.updated_at, r.updated_at), "           \
      "COALESCE(i.closed_at, r.closed_at), r.version, COALESCE(i.departments, '') FROM records "             \
      "r LEFT JOIN incidents i ON i.id = r.incident_id WHERE r.id < ? AND (? = '' OR r.kind = ?) "           \
      "AND (? = '' OR COALESCE(i.state, r.state) = ?) AND (? = 0 OR r.assignee_id = ?) AND (? = "            \
      "'' OR r.department = ?) AND (? = '' OR r.priority = ?) ORDER BY r.id DESC LIMIT ? OFFSET "            \
      "?")                                                                                                   \
    X(REC_LIST_KIND,                                                                                         \
      "SELECT r.id, r.kind, r.number, COALESCE(i.title, r.title), COALESCE(i.state, r.state), r.impact, "    \
      "r.urgency, r.priority, r.tier, r.assignee_id, r.group_key, r.department, r.requester_id, "            \
      "r.created_by, r.incident_id, r.drill, r.created_at, COALESCE(i.updated_at, r.updated_at), "           \
      "COALESCE(i.closed_at, r.closed_at), r.version, COALESCE(i.departments, '') FROM records "             \
      "r LEFT JOIN incidents i ON i.id = r.incident_id WHERE r.kind = ? AND r.id < ? AND (? = '' "           \
      "OR r.kind = ?) AND (? = '' OR COALESCE(i.state, r.state) = ?) AND (? = 0 OR r.assignee_id "           \
      "= ?) AND (? = '' OR r.department = ?) AND (? = '' OR r.priority = ?) ORDER BY r.id DESC "             \
      "LIMIT ? OFFSET ?")                                                                                    \
    X(REC_LIST_ASSIGNEE,                                                                                     \
      "SELECT r.id, r.kind, r.number, COALESCE(i.title, r.title), COALESCE(i.state, r.state), r.impact, "    \
      "r.urgency, r.priority, r.tier, r.assignee_id, r.group_key, r.department, r.requester_id, "            \
      "r.created_by, r.incident_id, r.drill, r.created_at, COALESCE(i.updated_at, r.updated_at), "           \
      "COALESCE(i.closed_at, r.closed_at), r.version, COALESCE(i.departments, '') FROM records "             \
      "r LEFT JOIN incidents i ON i.id = r.incident_id WHERE r.assignee_id = ? AND r.id < ? AND "            \
      "(? = '' OR r.kind = ?) AND (? = '' OR COALESCE(i.state, r.state) = ?) AND (? = 0 OR r.assignee_id "   \
      "= ?) AND (? = '' OR r.department = ?) AND (? = '' OR r.priority = ?) ORDER BY r.id DESC "             \
      "LIMIT ? OFFSET ?")                                                                                    \
    X(REC_COUNT,                                                                                             \
      "SELECT COUNT(*) FROM (SELECT 1 FROM records r LEFT JOIN incidents i ON i.id = r.incident_id "         \
      "WHERE r.id < ? AND (? = '' OR r.kind = ?) AND (? = '' OR COALESCE(i.state, r.state) = ?) "            \
      "AND (? = 0 OR r.assignee_id = ?) AND (? = '' OR r.department = ?) AND (? = '' OR r.priority "         \
      "= ?) LIMIT ?) t")                                                                                     \
    X(REC_COUNT_KIND,                                                                                        \
      "SELECT COUNT(*) FROM (SELECT 1 FROM records r LEFT JOIN incidents i ON i.id = r.incident_id "         \
      "WHERE r.kind = ? AND r.id < ? AND (? = '' OR r.kind = ?) AND (? = '' OR COALESCE(i.state, "           \
      "r.state) = ?) AND (? = 0 OR r.assignee_id = ?) AND (? = '' OR r.department = ?) AND (? = "            \
      "'' OR r.priority = ?) LIMIT ?) t")                                                                    \
    X(REC_COUNT_ASSIGNEE,                                                                                    \
      "SELECT COUNT(*) FROM (SELECT 1 FROM records r LEFT JOIN incidents i ON i.id = r.incident_id "         \
      "WHERE r.assignee_id = ? AND r.id < ? AND (? = '' OR r.kind = ?) AND (? = '' OR COALESCE(i.state, "    \
      "r.state) = ?) AND (? = 0 OR r.assignee_id = ?) AND (? = '' OR r.department = ?) AND (? = "            \
      "'' OR r.priority = ?) LIMIT ?) t")

#endif
