/* notify_out.h — the one path from "these people are to be told" to outbox
 * rows, for incident messages and event alerts alike: the people an
 * audience selects (core/notify_rules.h: R-NOT-1, limited by department
 * scope R-SEC-SYS-2), each message rendered once per language from the
 * policy's templates (R-NOT-2), and queued once per channel each person is
 * reached on (R-NOT-7: the person's own choice for the level, else the
 * policy's).  The outbox key (cause, recipient, channel) makes a repeat a
 * no-op, so a cause is made of ids, never of text that could be cut.
 * Everything runs inside the caller's write transaction; delivery is the
 * dispatcher's (src/notify/). */
#ifndef OD_APP_NOTIFY_OUT_H
#define OD_APP_NOTIFY_OUT_H

#include "app/app.h"
#include "core/notify_rules.h"

#include <jansson.h>

/* Renders the message for one language (new strings the caller frees). */
typedef od_err (*od_out_render)(void *arg, od_lang lang, char **subject, char **body, od_error *e);

typedef struct od_out_msg {
    const char *cause;   /* ids only: "inc:12:opened", "event:34:2" */
    int64_t incident_id; /* 0 = none (an event alert) */
    const char *kind;    /* the outbox kind: "first" … "event_alert", "opened" */
    const char *desk;    /* desk key (R-NOT-3) */
    od_grade level;      /* the level whose channels apply (R-NOT-7) */
    od_out_render render;
    void *arg;
} od_out_msg;

/* The active users `a` selects for the departments concerned
 * (departments_json: a JSON array of names; NULL or "" = none), in one
 * query, by id.  *out: a new JSON array of {"id", "username",
 * "display_name", "department", "phone", "email", "lang"}.  Every user is
 * read: no cap; a row that cannot be read is an error, never a person
 * left out. */
OD_NODISCARD od_err od_out_audience(od_tx *tx, const od_audience *a, const char *departments_json,
                                    json_t **out, od_error *e);

/* Queues m to each user of `users` (an array of objects with "id"), each in
 * the user's language, on each of the user's channels.  *queued (optional)
 * is increased by the rows written. */
OD_NODISCARD od_err od_out_send(od_tx *tx, const od_policy *p, const od_out_msg *m, json_t *users,
                                int64_t now, size_t *queued, od_error *e);

#endif
