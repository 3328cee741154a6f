/* queries_duties.h — the statements of the incident duties (core/duties.h,
 * app/incident_lead.c, app/incident_duties.c): the level at which the plan
 * was activated (migration 0016), and the people a desk alert or a
 * reachability check looks at. */
#ifndef OD_QUERIES_DUTIES_H
#define OD_QUERIES_DUTIES_H

#define OD_QUERY_LIST_DUTIES(X)                                                                              \
    X(INC_ACTIVATION_GET, "SELECT activated_level, activated_by FROM incidents WHERE id = ?")                \
    X(INC_SET_ACTIVATED_LEVEL, "UPDATE incidents SET state = ?, activated_by = ?, activated_at = ?, "        \
                               "activated_level = ?, updated_at = ? WHERE id = ?")

#endif
