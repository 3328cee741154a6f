/* queries_notify.h — the outbox dispatcher's statements (issue 4), kept in
 * their own list so that its changes do not collide with the others. */
#ifndef OD_QUERIES_NOTIFY_H
#define OD_QUERIES_NOTIFY_H

#define OD_QUERY_LIST_NOTIFY(X) /* X(NAME, "SQL") rows */

#endif
