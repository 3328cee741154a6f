/* incidents_int.h — private to the incident use cases (incidents.c, and
 * incident_notify.c for recipients and messages): the loaded incident
 * record and what a message says.  Every function here runs inside the
 * caller's write transaction.  Nothing here is for other modules. */
#ifndef OD_APP_INCIDENTS_INT_H
#define OD_APP_INCIDENTS_INT_H

#include "app/incidents.h"
#include "core/incident.h"
#include "notify/message.h"

#define MIN_MS 60000LL

/* An incident as loaded by inc_load() (incidents.c). */
typedef struct inc {
    json_t *row; /* raw columns by name (owned) */
    int64_t id;
    od_inc_state state;
    od_grade level;
    od_severity sev;
    bool prov, drill;
    od_resp base, cur, highest;
    int64_t detected, deadline, first_due, created_by;
} inc;

/* A text column of the loaded row (NULL when NULL). */
static inline const char *inc_str(const inc *x, const char *k)
{
    return json_string_value(json_object_get(x->row, k));
}

/* What a message says beyond the incident itself (R-NOT-2): its kind, the
 * desk and person sending it, and the report's fields or the event's
 * details.  Rendered with the policy's template in each recipient's
 * language (notify/message.h). */
typedef struct msgspec {
    od_msg_kind kind;
    const char *desk;     /* desk key; NULL = the policy's system desk */
    const char *reporter; /* username, or NULL for the system */
    json_t *fields;       /* the report body (borrowed) or NULL */
    const char *from_level, *reason, *due_at;
} msgspec;

/* incidents.c: a deadline row (nothing when due is OD_NO_TIME). */
OD_NODISCARD od_err od_incident_deadline_add(od_tx *tx, int64_t inc_id, od_deadline_kind k, int64_t recipient, int64_t due,
                                int64_t fire, od_error *e);

/* incident_notify.c: recipients (R-NOT-1), messages through the policy's
 * templates into the outbox (R-NOT-2/3), re-notification (R-NOT-4). */
OD_NODISCARD od_err od_incident_recipients_for(od_tx *tx, const od_policy *p, od_grade level, const char *departments_json,
                                  json_t **out, od_error *e);
const char *od_incident_desk_name(const od_policy *p, const char *desk, char buf[2 * OD_NAME_MAX + 8]);
OD_NODISCARD od_err od_incident_notify_all(od_tx *tx, const od_policy *p, const inc *x, json_t *users, const char *cause,
                              const char *kind, const msgspec *m, int64_t now, od_error *e);
OD_NODISCARD od_err od_incident_current_recipients(od_tx *tx, int64_t inc_id, json_t **out, od_error *e);
OD_NODISCARD od_err od_incident_add_recipients(od_tx *tx, const od_policy *p, const inc *x, od_grade level,
                                  const char *reason, const char *cause, const char *kind, const msgspec *m,
                                  int64_t now, od_error *e);
OD_NODISCARD od_err od_incident_notify_user(od_tx *tx, const od_policy *p, const inc *x, int64_t uid, const char *cause,
                               const msgspec *m, int64_t now, od_error *e);
OD_NODISCARD od_err od_incident_renotify(od_tx *tx, const od_policy *p, const inc *x, int64_t recipient, int64_t now,
                            od_error *e);

#endif
