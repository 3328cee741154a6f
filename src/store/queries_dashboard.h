/* queries_dashboard.h — the statements of the wall-screen dashboard
 * (GET /api/v1/dashboard), kept in their own list so that they do
 * not collide with the others.  Each returns one row per incident or
 * deadline, or one row per group of incidents with its count, with the
 * incidents' departments, so that src/app/dashboard.c can apply the
 * reader's scopes (R-SEC-SYS-2) before counting. */
#ifndef OD_QUERIES_DASHBOARD_H
#define OD_QUERIES_DASHBOARD_H

#define OD_QUERY_LIST_DASHBOARD(X)                                                                           \
    /* incidents not yet closed, counted per (level, response level, drill,                                  \
     * departments): a walk of the partial index incidents_open (0041) */                                    \
    X(DASH_OPEN, "SELECT level, response_level, drill, departments, COUNT(*) FROM incidents WHERE state IN " \
                 "('detected', 'reported', 'confirmed', 'activated', 'resolved') GROUP BY level, "           \
                 "response_level, drill, departments LIMIT ?")                                               \
    /* unmet visible deadlines of incidents still being handled, earliest first:                             \
     * a walk of the partial index deadlines_unmet (0041), each incident by its                              \
     * key (`|| ''` keeps the planner from walking the open incidents instead);                              \
     * binds: due in [?, ?), the row cap */                                                                  \
    X(DASH_DEADLINES,                                                                                        \
      "SELECT d.kind, d.due_at, d.status, d.recipient_id, i.id, i.number, "                                  \
      "i.title, i.level, i.response_level, i.drill, i.departments, u.username, "                             \
      "u.display_name FROM deadlines d JOIN incidents i ON i.id = d.incident_id "                            \
      "LEFT JOIN users u ON u.id = d.recipient_id WHERE d.met_at IS NULL AND "                               \
      "d.status IN ('pending', 'missed') AND i.state || '' IN ('detected', 'reported', "                     \
      "'confirmed', 'activated') AND d.due_at >= ? AND d.due_at < ? ORDER BY d.due_at, d.id LIMIT ?")        \
    /* incidents detected in [from, to), counted per (day since from, level,                                 \
     * drill, departments); binds from, from, to, the row cap */                                             \
    X(DASH_DETECTED, "SELECT (detected_at - ?) / 86400000, level, drill, departments, COUNT(*) FROM "        \
                     "incidents WHERE detected_at >= ? AND detected_at < ? GROUP BY 1, 2, 3, 4 LIMIT ?")

#endif
