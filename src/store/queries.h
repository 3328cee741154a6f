/* queries.h — every SQL statement opsdesk runs, by name.  Portable SQL with
 * `?` placeholders (the PostgreSQL backend rewrites them to $n); inserts use
 * RETURNING id.  Only src/store/ includes the SQL text (OD_QUERY_SQL). */
#ifndef OD_QUERIES_H
#define OD_QUERIES_H

#define OD_QUERY_LIST(X)                                                                           \
    /* meta */                                                                                     \
    X(META_GET, "SELECT value FROM meta WHERE key = ?")                                            \
    X(META_PUT, "INSERT INTO meta(key, value) VALUES(?, ?) "                                       \
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value")                           \
    /* users */                                                                                    \
    X(USER_INSERT, "INSERT INTO users(username, pw_hash, display_name, department, phone, email, " \
                   "roles, scopes, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?) RETURNING id") \
    X(USER_BY_NAME, "SELECT id, pw_hash, disabled, roles, scopes FROM users WHERE username = ?")    \
    X(USER_GET, "SELECT id, username, display_name, department, phone, email, roles, scopes, "     \
                "disabled, lang, created_at, updated_at FROM users WHERE id = ?")                  \
    X(USER_LIST, "SELECT id, username, display_name, department, phone, email, roles, scopes, "    \
                 "disabled, lang, created_at, updated_at FROM users ORDER BY id LIMIT ? OFFSET ?")   \
    X(USER_COUNT, "SELECT COUNT(*) FROM users")                                                    \
    X(USER_SET_ROLES, "UPDATE users SET roles = ?, scopes = ?, updated_at = ? WHERE id = ?")        \
    X(USER_SET_DISABLED, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?")              \
    X(USER_SET_PASSWORD, "UPDATE users SET pw_hash = ?, updated_at = ? WHERE id = ?")               \
    X(USER_UPDATE, "UPDATE users SET display_name = ?, department = ?, phone = ?, email = ?, "      \
                   "lang = ?, updated_at = ? WHERE id = ?")                                        \
    X(USERS_WITH_ROLE, "SELECT id, username, display_name, department, phone, email, lang "        \
                       "FROM users WHERE disabled = 0 AND (roles & ?) != 0 ORDER BY id")           \
    /* sessions */                                                                                 \
    X(SESSION_INSERT, "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, addr) "    \
                      "VALUES(?,?,?,?,?) RETURNING id")                                            \
    X(SESSION_LOOKUP, "SELECT s.id, s.user_id, s.expires_at, u.username, u.roles, u.scopes, "      \
                      "u.disabled, u.department, u.display_name FROM sessions s JOIN users u ON "   \
                      "u.id = s.user_id WHERE s.token_hash = ? AND s.revoked_at IS NULL")          \
    X(SESSION_REVOKE, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")    \
    X(SESSION_REVOKE_USER, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND "             \
                           "revoked_at IS NULL")                                                   \
    /* audit */                                                                                    \
    X(AUDIT_LAST, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")                           \
    X(AUDIT_INSERT, "INSERT INTO audit(id, at, actor_id, actor, action, entity, entity_id, "       \
                    "before_json, after_json, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?,?,?)")     \
    X(AUDIT_WALK, "SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, "       \
                  "after_json, prev_hash, hash FROM audit WHERE id > ? ORDER BY id LIMIT ?")       \
    X(AUDIT_LIST, "SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, "       \
                  "after_json, prev_hash, hash FROM audit WHERE (? = '' OR entity = ?) AND "        \
                  "(? = 0 OR entity_id = ?) AND (? = '' OR actor = ?) ORDER BY id DESC "            \
                  "LIMIT ? OFFSET ?")                                                              \
    /* CMDB */                                                                                     \
    X(CI_INSERT, "INSERT INTO cis(name, category, grade, department, environment, location, "      \
                 "attributes, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?) RETURNING id")      \
    X(CI_GET, "SELECT id, name, category, grade, department, environment, location, attributes, "  \
              "last_verified_at, verified_by, created_at, updated_at FROM cis WHERE id = ?")       \
    X(CI_BY_NAME, "SELECT id FROM cis WHERE name = ?")                                             \
    X(CI_LIST, "SELECT id, name, category, grade, department, environment, location, attributes, " \
               "last_verified_at, verified_by, created_at, updated_at FROM cis WHERE "             \
               "(? = '' OR category = ?) AND (? = '' OR grade = ?) AND (? = '' OR name LIKE ? "     \
               "ESCAPE '\\' OR location LIKE ? ESCAPE '\\' OR department LIKE ? ESCAPE '\\') "      \
               "ORDER BY id LIMIT ? OFFSET ?")                                                     \
    X(CI_COUNT, "SELECT COUNT(*) FROM cis WHERE (? = '' OR category = ?) AND (? = '' OR grade = ?) " \
                "AND (? = '' OR name LIKE ? ESCAPE '\\' OR location LIKE ? ESCAPE '\\' OR "         \
                "department LIKE ? ESCAPE '\\')")                                                  \
    X(CI_UPDATE, "UPDATE cis SET name = ?, category = ?, grade = ?, department = ?, "              \
                 "environment = ?, location = ?, attributes = ?, updated_at = ? WHERE id = ?")     \
    X(CI_VERIFY, "UPDATE cis SET last_verified_at = ?, verified_by = ?, updated_at = ? WHERE id = ?") \
    X(CI_UNVERIFIED, "SELECT id, name, category, grade, department, environment, location, "       \
                     "attributes, last_verified_at, verified_by, created_at, updated_at FROM cis "  \
                     "WHERE last_verified_at IS NULL OR last_verified_at < ? ORDER BY id LIMIT ? "  \
                     "OFFSET ?")                                                                   \
    X(REL_INSERT, "INSERT INTO ci_relations(source_id, type, target_id, created_at) "              \
                  "VALUES(?,?,?,?) RETURNING id")                                                  \
    X(REL_OF_CI, "SELECT r.id, r.source_id, r.type, r.target_id, s.name, t.name FROM ci_relations " \
                 "r JOIN cis s ON s.id = r.source_id JOIN cis t ON t.id = r.target_id WHERE "       \
                 "r.source_id = ? OR r.target_id = ? ORDER BY r.id")                               \
    X(REL_DEPENDENTS, "SELECT r.source_id, r.type FROM ci_relations r WHERE r.target_id = ? AND "  \
                      "r.type IN ('depends_on', 'runs_on', 'connects_to')")                          \
    X(REL_DELETE, "DELETE FROM ci_relations WHERE id = ? AND source_id = ?")

typedef enum od_query {
#define OD_Q_ENUM(name, sql) OD_Q_##name,
    OD_QUERY_LIST(OD_Q_ENUM)
#undef OD_Q_ENUM
        OD_Q__COUNT
} od_query;

#endif
