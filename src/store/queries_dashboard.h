/* queries_dashboard.h — the statements of the wall-screen dashboard
 * (GET /api/v1/dashboard), kept in their own list so that they do
 * not collide with the others.  Each returns one row per incident or
 * deadline with the incident's departments, so that src/app/dashboard.c
 * can apply the reader's scopes (R-SEC-SYS-2) before counting. */
#ifndef OD_QUERIES_DASHBOARD_H
#define OD_QUERIES_DASHBOARD_H

#define OD_QUERY_LIST_DASHBOARD(X)                                                                           \
    /* incidents not yet closed */                                                                           \
    X(DASH_OPEN, "SELECT level, response_level, drill, departments FROM incidents WHERE state IN "           \
                 "('detected', 'reported', 'confirmed', 'activated', 'resolved') LIMIT ?")                   \
    /* unmet visible deadlines of incidents still being handled, earliest first */                           \
    X(DASH_DEADLINES, "SELECT d.kind, d.due_at, d.status, d.recipient_id, i.id, i.number, "                  \
                      "i.title, i.level, i.response_level, i.drill, i.departments, u.username, "             \
                      "u.display_name FROM deadlines d JOIN incidents i ON i.id = d.incident_id "            \
                      "LEFT JOIN users u ON u.id = d.recipient_id WHERE d.met_at IS NULL AND "               \
                      "d.status IN ('pending', 'missed') AND i.state IN ('detected', 'reported', "           \
                      "'confirmed', 'activated') ORDER BY d.due_at, d.id LIMIT ?")                           \
    /* incidents detected in [from, to) */                                                                   \
    X(DASH_DETECTED, "SELECT detected_at, level, drill, departments FROM incidents WHERE "                   \
                     "detected_at >= ? AND detected_at < ? LIMIT ?")

#endif
