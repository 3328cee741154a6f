/* queries_sla.h — the statements of service levels (src/app/service_levels.c;
 * migration 0017): services, outage (impact) intervals with their approved
 * windows and corrections, and the incident rows the figures need.  Kept in
 * their own list so they do not collide with the others. */
#ifndef OD_QUERIES_SLA_H
#define OD_QUERIES_SLA_H

#define OD_QUERY_LIST_SLA(X)                                                                                 \
    X(SVC_INSERT, "INSERT INTO services(key, name, ci_id, availability_ppm, calendar, platform_member, "     \
                  "created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)")                                         \
    X(SVC_LIST, "SELECT id, key, name, ci_id, availability_ppm, calendar, platform_member, created_at, "     \
                "updated_at FROM services ORDER BY id LIMIT ?")                                              \
    X(SVC_PAGE, "SELECT id, key, name, ci_id, availability_ppm, calendar, platform_member, created_at, "     \
                "updated_at FROM services ORDER BY id LIMIT ? OFFSET ?")                                     \
    X(SVC_COUNT, "SELECT COUNT(*) FROM services")                                                            \
    X(SVC_GET, "SELECT id, key, name, ci_id, availability_ppm, calendar, platform_member, created_at, "      \
               "updated_at FROM services WHERE id = ?")                                                      \
    X(SVC_BY_KEY, "SELECT id FROM services WHERE key = ?")                                                   \
    X(SLA_CI_EXISTS, "SELECT COUNT(*) FROM cis WHERE id = ?")                                                \
    X(SLA_WIN_GET, "SELECT starts_at, ends_at FROM maintenance_windows WHERE id = ? AND deleted_at IS NULL") \
    X(OUT_INSERT, "INSERT INTO outage_intervals(service_id, incident_id, kind, source, starts_at, ends_at, " \
                  "window_id, drill, note, created_by, created_at, updated_at) "                             \
                  "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)")                                                         \
    X(OUT_GET, "SELECT o.id, o.service_id, s.key, s.name, o.incident_id, o.kind, o.source, o.starts_at, "    \
               "o.ends_at, o.window_id, w.starts_at, w.ends_at, o.drill, o.note, o.created_by, "             \
               "o.approved_by, o.approved_at, o.created_at, o.updated_at, s.platform_member, w.deleted_at "  \
               "FROM outage_intervals o JOIN services s ON s.id = o.service_id LEFT JOIN "                   \
               "maintenance_windows w ON w.id = o.window_id WHERE o.id = ?")                                 \
    X(OUT_OF_INCIDENT,                                                                                       \
      "SELECT o.id, o.service_id, s.key, s.name, o.incident_id, o.kind, o.source, o.starts_at, "             \
      "o.ends_at, o.window_id, w.starts_at, w.ends_at, o.drill, o.note, o.created_by, "                      \
      "o.approved_by, o.approved_at, o.created_at, o.updated_at, s.platform_member, w.deleted_at "           \
      "FROM outage_intervals o JOIN services s ON s.id = o.service_id LEFT JOIN "                            \
      "maintenance_windows w ON w.id = o.window_id WHERE o.incident_id = ? ORDER BY o.starts_at, "           \
      "o.id")                                                                                                \
    /* intervals that may touch [from, to): manual ones only once approved */                                \
    X(OUT_IN_PERIOD,                                                                                         \
      "SELECT o.id, o.service_id, s.key, s.name, o.incident_id, o.kind, o.source, o.starts_at, "             \
      "o.ends_at, o.window_id, w.starts_at, w.ends_at, o.drill, o.note, o.created_by, "                      \
      "o.approved_by, o.approved_at, o.created_at, o.updated_at, s.platform_member, w.deleted_at "           \
      "FROM outage_intervals o JOIN services s ON s.id = o.service_id LEFT JOIN "                            \
      "maintenance_windows w ON w.id = o.window_id WHERE o.starts_at < ? AND (o.ends_at IS NULL "            \
      "OR o.ends_at > ?) AND (o.source <> 'manual' OR o.approved_by IS NOT NULL) ORDER BY o.id "             \
      "LIMIT ?")                                                                                             \
    X(OUT_SET_TIMES, "UPDATE outage_intervals SET starts_at = ?, ends_at = ?, updated_at = ? WHERE id = ?")  \
    X(OUT_APPROVE, "UPDATE outage_intervals SET approved_by = ?, approved_at = ?, updated_at = ? "           \
                   "WHERE id = ? AND approved_by IS NULL")                                                   \
    X(OUTC_INSERT, "INSERT INTO outage_corrections(interval_id, field, old_value, new_value, reason, "       \
                   "actor_id, at) VALUES(?,?,?,?,?,?,?)")                                                    \
    X(OUTC_LIST, "SELECT field, old_value, new_value, reason, actor_id, at FROM outage_corrections "         \
                 "WHERE interval_id = ? ORDER BY id")                                                        \
    /* whether an incident affected a service (one of its CIs is a service's CI) */                          \
    X(SLA_INC_SERVICES, "SELECT COUNT(*) FROM incident_cis ic JOIN services s ON s.ci_id = ic.ci_id "        \
                        "WHERE ic.incident_id = ?")                                                          \
    X(SLA_INC_TIMES, "SELECT detected_at, registered_at, departments FROM incidents WHERE id = ?")           \
    X(SLA_INC_SET_DETECTED, "UPDATE incidents SET detected_at = ?, updated_at = ? WHERE id = ?")             \
    X(SLA_INC_SET_REGISTERED, "UPDATE incidents SET registered_at = ?, updated_at = ? WHERE id = ?")         \
    X(SLA_INC_INTERVALS, "SELECT COUNT(*) FROM outage_intervals WHERE incident_id = ?")                      \
    /* incidents detected in [from, to) with what the figures need: first                                    \
     * acknowledgement, restoration (-1 while an interval is open), initial                                  \
     * response level, first CI's category, tier, title, the calendar of the                                 \
     * service of its first impact interval */                                                               \
    X(SLA_INCIDENTS,                                                                                         \
      "SELECT i.id, i.number, i.level, i.response_level, i.highest_response, i.detected_at, "                \
      "i.resolved_at, i.drill, i.departments, "                                                              \
      "(SELECT MIN(r.acked_at) FROM incident_recipients r WHERE r.incident_id = i.id), "                     \
      "(SELECT CASE WHEN COUNT(*) = 0 THEN NULL WHEN COUNT(o.ends_at) < COUNT(*) THEN -1 "                   \
      "ELSE MAX(o.ends_at) END FROM outage_intervals o WHERE o.incident_id = i.id), "                        \
      "(SELECT e.from_level FROM incident_escalations e WHERE e.incident_id = i.id "                         \
      "ORDER BY e.id LIMIT 1), "                                                                             \
      "(SELECT c.category FROM incident_cis ic JOIN cis c ON c.id = ic.ci_id WHERE ic.incident_id = i.id "   \
      "ORDER BY c.id LIMIT 1), "                                                                             \
      "(SELECT rc.tier FROM records rc WHERE rc.incident_id = i.id), i.title, "                              \
      "(SELECT s.calendar FROM outage_intervals o JOIN services s ON s.id = o.service_id "                   \
      "WHERE o.incident_id = i.id ORDER BY o.starts_at, o.id LIMIT 1) "                                      \
      "FROM incidents i WHERE i.detected_at >= ? AND i.detected_at < ? ORDER BY i.id LIMIT ?")               \
    /* every calendar of the services the impact intervals of the incidents detected in                      \
     * [from, to) are on (an incident on several services runs on the union of their hours) */               \
    X(SLA_INC_CALENDARS, "SELECT DISTINCT o.incident_id, s.calendar FROM incidents i JOIN "                  \
                         "outage_intervals o ON o.incident_id = i.id JOIN services s ON s.id = "             \
                         "o.service_id WHERE i.detected_at >= ? AND i.detected_at < ? ORDER BY "             \
                         "o.incident_id, s.calendar LIMIT ?")                                                \
    /* O&M report runs */                                                                                    \
    X(RPT_INSERT,                                                                                            \
      "INSERT INTO report_runs(kind, period_start, period_end, version, number, state, snapshot, "           \
      "manual, generated_at, generated_by) VALUES(?,?,?,?,?,'draft',?,'{}',?,?) "                            \
      "ON CONFLICT(kind, period_start, version) DO NOTHING")                                                 \
    X(RPT_MAX_VERSION, "SELECT COALESCE(MAX(version), 0) FROM report_runs WHERE kind = ? AND "               \
                       "period_start = ?")                                                                   \
    X(RPT_GET, "SELECT id, kind, period_start, period_end, version, number, state, snapshot, manual, "       \
               "document, sha256, generated_at, generated_by, filed_at, filed_by FROM report_runs "          \
               "WHERE id = ?")                                                                               \
    X(RPT_LIST, "SELECT id, kind, period_start, period_end, version, number, state, sha256, generated_at, "  \
                "filed_at FROM report_runs WHERE (? = '' OR kind = ?) ORDER BY period_start DESC, "          \
                "version DESC LIMIT ? OFFSET ?")                                                             \
    X(RPT_COUNT, "SELECT COUNT(*) FROM report_runs WHERE (? = '' OR kind = ?)")                              \
    X(RPT_SET_MANUAL, "UPDATE report_runs SET manual = ? WHERE id = ? AND state = 'draft'")                  \
    X(RPT_FILE, "UPDATE report_runs SET state = 'filed', document = ?, sha256 = ?, filed_at = ?, "           \
                "filed_by = ? WHERE id = ? AND state = 'under_review'")

#endif
