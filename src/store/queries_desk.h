/* queries_desk.h — the statements of the incident desk's additions
 * (re-notification cap), in their own list so that they do not collide
 * with the others.  Portable SQL: both backends run them as written. */
#ifndef OD_QUERIES_DESK_H
#define OD_QUERIES_DESK_H

#define OD_QUERY_LIST_DESK(X)                                                                                \
    /* re-notifications scheduled so far for one recipient of one incident */                                \
    X(DL_RENOTIFY_COUNT, "SELECT COUNT(*) FROM deadlines WHERE incident_id = ? AND kind = 'renotify' AND "   \
                         "recipient_id = ?")

#endif
