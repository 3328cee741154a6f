/* incidents_int.h — private to the incident use cases (incident_*.c): the
 * loaded incident record, the helpers the use cases share and what a
 * message says.  Every function here runs inside the caller's transaction
 * unless it says it begins or commits one.  Nothing here is for other
 * modules. */
#ifndef OD_APP_INCIDENTS_INT_H
#define OD_APP_INCIDENTS_INT_H

#include "app/incidents.h"
#include "core/incident.h"
#include "notify/message.h"

#define MIN_MS 60000LL

/* An incident as loaded by od_inc_load() (incident_record.c). */
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
    const char *ci; /* the CIs' names (an incident opened by an event) */
    /* a change of the handling department (from → to); a contact's name */
    const char *department, *from_department, *contact;
    const char *person; /* who has not acknowledged (ack_overdue) */
} msgspec;

/* incident_record.c: the record and the frame of a write action. */

/* Loads incident id; OD_E_NOT_FOUND when it does not exist or lies outside
 * who's scope (who NULL = no scope check).  Free with od_inc_free(). */
OD_NODISCARD od_err od_inc_load(od_tx *tx, const od_principal *who, int64_t id, inc *x, od_error *e);
/* As od_inc_load (no scope check), locking the row until the transaction
 * ends on PostgreSQL: every writer of one incident waits for the others. */
OD_NODISCARD od_err od_inc_load_locked(od_tx *tx, int64_t id, inc *x, od_error *e);
void od_inc_free(inc *x);
/* A timeline entry; the text is whole, never cut. */
OD_NODISCARD od_err od_inc_timeline(od_tx *tx, int64_t inc_id, int64_t now, const od_principal *who,
                                    const char *kind, json_t *data, od_error *e, const char *fmt, ...)
    OD_PRINTF(8, 9);
/* A deadline row (nothing when due is OD_NO_TIME). */
OD_NODISCARD od_err od_incident_deadline_add(od_tx *tx, int64_t inc_id, od_deadline_kind k, int64_t recipient,
                                             int64_t due, int64_t fire, od_error *e);
/* od_inc_begin_action inside a transaction the caller began (a group commit). */
OD_NODISCARD od_err od_inc_action_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                     od_inc_action act, inc *x, od_inc_state *to, od_error *e);
/* Begins a write transaction, loads the incident and checks the lifecycle
 * step act (R-CLOSE-2); on error nothing is left open. */
OD_NODISCARD od_err od_inc_begin_action(od_app *a, const od_principal *who, int64_t id, od_inc_action act,
                                        od_tx **tx, inc *x, od_inc_state *to, od_error *e);
/* od_inc_begin_load inside a transaction the caller began (a group commit):
 * incident id loaded locked, within who's scope. */
OD_NODISCARD od_err od_inc_load_in(od_tx *tx, const od_principal *who, int64_t id, inc *x, od_error *e);
/* The frame of a write action without the lifecycle check: begins tx and
 * loads incident id locked, within who's scope (the caller decides what
 * the state allows); on error nothing is left open. */
OD_NODISCARD od_err od_inc_begin_load(od_app *a, const od_principal *who, int64_t id, od_tx **tx, inc *x,
                                      od_error *e);
/* Ends a write action: rolls back on rc, else commits, wakes the scheduler
 * and dispatcher and returns the incident as od_incident_get does. */
OD_NODISCARD od_err od_inc_commit_and_get(od_app *a, od_tx *tx, od_err rc, const od_principal *who,
                                          int64_t id, json_t **out, od_error *e);
/* OD_E_UNPROCESSABLE naming the required fields of body that are empty;
 * with x (a first report) the registered value counts. */
OD_NODISCARD od_err od_inc_missing_fields(json_t *body, const char *const *req, size_t n, const inc *x,
                                          od_error *e);
OD_NODISCARD od_err od_inc_report_insert(od_tx *tx, const inc *x, const char *kind, const od_principal *who,
                                         const char *desk, json_t *fields, int64_t now, od_error *e);

/* incident_register.c: the CIs' highest grade and owning departments
 * (scope-checked against who), for registration and regrade. */
OD_NODISCARD od_err od_inc_grade_cis(od_tx *tx, const od_principal *who, json_t *ci_ids, od_grade *level,
                                     json_t **departments, od_error *e);
/* Links the incident to ci_ids, replacing its links first when replace. */
OD_NODISCARD od_err od_inc_link_cis(od_tx *tx, int64_t inc_id, json_t *ci_ids, bool replace, od_error *e);

/* incident_deadlines.c: escalation (R-ESC-2, R-ESC-3, R-NOT-5). */
OD_NODISCARD od_err od_inc_set_levels(od_tx *tx, const inc *x, int64_t now, od_error *e);
OD_NODISCARD od_err od_inc_schedule_escalation(od_tx *tx, const od_policy *p, const inc *x, od_error *e);
/* Puts the handling clock on `clock` (x->base): the handling deadline
 * and its row follow; written by the next od_inc_set_levels. */
OD_NODISCARD od_err od_inc_set_clock(od_tx *tx, const od_policy *p, inc *x, od_resp clock, od_error *e);
/* Raises x->cur to `to` by the time rule or by a regrade that decided the
 * clock itself: the handling clock is left alone. */
OD_NODISCARD od_err od_inc_raise_level(od_tx *tx, const od_policy *p, inc *x, od_resp to, int64_t now,
                                       const od_principal *who, const char *reason, od_error *e);
/* A person confirms a level above the current one (the second report):
 * the clock moves to it (core od_clock_after_raise), the level is raised,
 * and the time rule on the new clock applies at once. */
OD_NODISCARD od_err od_inc_raise_to(od_tx *tx, const od_policy *p, inc *x, od_resp to, int64_t now,
                                    const od_principal *who, const char *reason, od_error *e);
OD_NODISCARD od_err od_inc_escalate_by_time(od_tx *tx, const od_policy *p, inc *x, int64_t now, od_error *e);

/* incident_notify.c: recipients (R-NOT-1), messages through the policy's
 * templates into the outbox (R-NOT-2/3), re-notification (R-NOT-4). */
OD_NODISCARD od_err od_incident_recipients_for(od_tx *tx, const od_policy *p, od_grade level,
                                               const char *departments_json, json_t **out, od_error *e);
const char *od_incident_desk_name(const od_policy *p, const char *desk, char buf[2 * OD_NAME_MAX + 8]);
OD_NODISCARD od_err od_incident_notify_all(od_tx *tx, const od_policy *p, const inc *x, json_t *users,
                                           const char *cause, const char *kind, const msgspec *m, int64_t now,
                                           od_error *e);
OD_NODISCARD od_err od_incident_current_recipients(od_tx *tx, int64_t inc_id, json_t **out, od_error *e);
/* Everyone owed a progress or final report: the recipients and everyone an
 * earlier report or alarm reached (core/notify_rules.h).  *out: a new JSON
 * array of {"id"}. */
OD_NODISCARD od_err od_incident_reached(od_tx *tx, int64_t inc_id, json_t **out, od_error *e);
OD_NODISCARD od_err od_incident_add_recipients(od_tx *tx, const od_policy *p, const inc *x, od_grade level,
                                               const char *reason, const char *cause, const char *kind,
                                               const msgspec *m, int64_t now, od_error *e);
/* incident_notes.c: "owner": null or {id, username, display_name} set on o. */
OD_NODISCARD od_err od_inc_owner_json(od_tx *tx, int64_t inc_id, json_t *o, od_error *e);
/* One escalation message per person (R-ESC-3): the join notice with its
 * ack request to new recipients of lk, the notice to the level's existing
 * recipients and to the activator of the plan (incident_notify.c). */
OD_NODISCARD od_err od_incident_escalation_notify(od_tx *tx, const od_policy *p, const inc *x, od_grade lk,
                                                  const char *join_cause, const char *cause, const msgspec *m,
                                                  int64_t now, od_error *e);
OD_NODISCARD od_err od_incident_notify_user(od_tx *tx, const od_policy *p, const inc *x, int64_t uid,
                                            const char *cause, const msgspec *m, int64_t now, od_error *e);
/* An event opened x: the monitoring desk and the CI department's operations
 * engineers are told, with the first report's deadline. */
OD_NODISCARD od_err od_incident_opened_notify(od_tx *tx, const od_policy *p, const inc *x, int64_t now,
                                              od_error *e);
OD_NODISCARD od_err od_incident_renotify(od_tx *tx, const od_policy *p, const inc *x, int64_t recipient,
                                         int64_t now, od_error *e);

/* incident_duties.c: nothing waits silently (seed 000 ch. 7 §1, §2.1;
 * core/duties.h).  All inside the caller's transaction. */
/* Registering an incident of a level duties.register_alert_levels names
 * alerts the reporting desks (monitoring and operations engineers) at
 * once, but not the registrant. */
OD_NODISCARD od_err od_incident_registered_notify(od_tx *tx, const od_policy *p, const inc *x,
                                                  int64_t registrant, int64_t now, od_error *e);
/* The first report tells the operations engineers (ch. 7 §2.1 item 7
 * "并通知运行部技术工程师"), the reporter excepted. */
OD_NODISCARD od_err od_incident_first_engineers(od_tx *tx, const od_policy *p, const inc *x, int64_t reporter,
                                                const char *cause, const msgspec *m, int64_t now,
                                                od_error *e);
/* A first report missed its deadline `due`: duties.first_report_overdue. */
/* Seed 000 ch. 7 §2.1 item 6: a recipient's reminders are exhausted without
 * an acknowledgement (due: the acknowledgement's due time): the holders of
 * duties.ack_overdue_to but the person are told to phone them, once per
 * person and incident. */
OD_NODISCARD od_err od_incident_ack_overdue_notify(od_tx *tx, const od_policy *p, const inc *x,
                                                   int64_t person, const char *name, int64_t due, int64_t now,
                                                   od_error *e);
OD_NODISCARD od_err od_incident_first_overdue_notify(od_tx *tx, const od_policy *p, const inc *x, int64_t due,
                                                     int64_t now, od_error *e);
/* A progress report is due at `due`: reminds the people who file it
 * (duties.later_reports), not whoever registered the incident. */
OD_NODISCARD od_err od_incident_progress_remind(od_tx *tx, const od_policy *p, const inc *x,
                                                const char *cause, int64_t due, int64_t now, od_error *e);
/* Ch. 8 §2: the handling report (the review's cause_analysis, measures,
 * result, improvements) is submitted to duties.review_to. */
OD_NODISCARD od_err od_incident_review_notify(od_tx *tx, const od_policy *p, const inc *x,
                                              const od_principal *who, json_t *body, int64_t now,
                                              od_error *e);
/* Ch. 7 §1 item 6: user uid holds a duties.reachable_24h role and has no
 * mobile number. */
OD_NODISCARD od_err od_user_unreachable(od_tx *tx, const od_policy *p, int64_t uid, bool *out, od_error *e);
/* Records on the incident's timeline every one of `users` (array of {"id"})
 * who must be reachable around the clock and has no mobile number. */
OD_NODISCARD od_err od_incident_flag_unreachable(od_tx *tx, const od_policy *p, const inc *x, json_t *users,
                                                 int64_t now, od_error *e);

/* desks.c — ch. 7 §2.1 item 3: the owner of the registrant's desk is told
 * of a registration by someone else (message registered); a desk with no
 * owner is said so on the timeline. */
OD_NODISCARD od_err od_desk_owner_told(od_tx *tx, const od_policy *p, const inc *x,
                                       const od_principal *registrant, int64_t now, od_error *e);
/* contacts.c — ch. 9 §4: the vendor and key-customer contacts of the
 * incident's CIs whose levels include the incident's are told with the
 * first report, through `desk`; a contact without a phone is flagged on
 * the timeline.  Each contact once: after a regrade (desk NULL: the system
 * desk) only those the new level or CIs concern. */
OD_NODISCARD od_err od_incident_contacts_told(od_tx *tx, const od_policy *p, const inc *x, const char *desk,
                                              int64_t now, od_error *e);

/* incident_notify.c: message m of incident x in lang (new strings). */
OD_NODISCARD od_err od_incident_render(const od_policy *p, const inc *x, const msgspec *m, od_lang lang,
                                       char **subject, char **body, od_error *e);

#endif
