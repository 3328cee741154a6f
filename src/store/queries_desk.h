/* queries_desk.h — the statements of the incident desk's additions
 * (re-notification cap, the incident's owner), in their own list so that
 * they do not collide with the others.  Portable SQL: both backends run
 * them as written. */
#ifndef OD_QUERIES_DESK_H
#define OD_QUERIES_DESK_H

#define OD_QUERY_LIST_DESK(X)                                                                                \
    /* re-notifications scheduled so far for one recipient of one incident */                                \
    X(DL_RENOTIFY_COUNT, "SELECT COUNT(*) FROM deadlines WHERE incident_id = ? AND kind = 'renotify' AND "   \
                         "recipient_id = ?")                                                                 \
    /* the incident's owner (migration 0018) */                                                              \
    X(INC_OWNER_GET, "SELECT i.owner_id, u.username, u.display_name FROM incidents i LEFT JOIN users u ON "  \
                     "u.id = i.owner_id WHERE i.id = ?")                                                     \
    X(INC_OWNER_SET, "UPDATE incidents SET owner_id = ?, updated_at = ? WHERE id = ?")

#endif
