/* records_kernel.h — private to the workflow kernel's applying side
 * (records_act.c, record_deadlines.c, problems.c): a module's typed
 * extension (its fields as JSON, read and written inside the caller's
 * transaction), the clock helpers the scheduler shares, and what the act
 * use case needs from a module.  Nothing here is for http/ (records.h,
 * problems.h). */
#ifndef OD_APP_RECORDS_KERNEL_H
#define OD_APP_RECORDS_KERNEL_H

#include "app/records_int.h"
#include "core/wf.h"

/* A module's typed fields (one row per record, e.g. problems).  load: the
 * fields as a JSON object of raw values (text "", ids and times as integers
 * or null, booleans, id arrays); a record without its row reads as every
 * field empty.  save: writes the object back.  writable: whether a request
 * may set field `key` (type-checked by check: OD_E_UNPROCESSABLE naming it).
 * computed: adds computed flags (e.g. workaround_required) to the list of
 * fields set. */
typedef struct od_rec_ext {
    const char *kind;
    od_err (*load)(od_tx *tx, int64_t id, json_t **out, od_error *e);
    od_err (*save)(od_tx *tx, int64_t id, json_t *fields, od_error *e);
    od_err (*check)(const char *key, json_t *value, od_error *e);
    od_err (*computed)(od_tx *tx, const od_rec *x, json_t *fields, const char *urgency, int64_t now,
                       bool *flags_out, od_error *e);
    const char *const *flags; /* names of the computed flags, NULL-terminated */
} od_rec_ext;

/* The extension of a kind, NULL if the kind has none. */
const od_rec_ext *od_rec_ext_of(const char *kind);

/* The problem module's extension (problems.c). */
extern const od_rec_ext od_problem_ext;
/* The emergency-plan module's extension (plans.c). */
extern const od_rec_ext od_plan_ext;
/* The drill module's extension (drills.c). */
extern const od_rec_ext od_drill_ext;

/* Writes the threshold deadlines of clock row clock_id (cancelling its
 * pending ones first) from the clock's current value: one row per
 * threshold still ahead, kind "clock:<name>:<pct>".  Inside tx. */
OD_NODISCARD od_err od_rec_clock_thresholds(od_tx *tx, const od_wf_clock_def *def, const od_calendar *cal,
                                            int64_t record_id, int64_t clock_id, const od_sla_clock *k,
                                            int64_t now, od_error *e);

/* Fires record deadline row id (incident_id NULL) inside the scheduler's
 * claiming transaction: a clock threshold (the 100 % one records the
 * breach, od_sla_observe) or a `schedule` effect's row: a timeline entry
 * and the row marked fired by node.  Exactly once: the row is updated only
 * while its fire_at is still set. */
OD_NODISCARD od_err od_record_fire_deadline(const od_policy *p, od_tx *tx, int64_t id, int64_t now,
                                            const char *node, bool *fired, od_error *e);

/* Creates a record through its workflow's create action (od_wf_decide with
 * no state: who may create, 403 otherwise) inside tx, then applies the
 * action: fields (as od_record_act), set_time, link ("link" in fields),
 * clocks started, timeline and audit.  *out_id = the new record. */
OD_NODISCARD od_err od_record_create_act_in(od_app *a, od_tx *tx, const od_principal *who,
                                            const od_record_input *in, json_t *fields, int64_t *out_id,
                                            od_error *e);

/* Edits fields of record id (of `kind`, else 404) outside an action: the
 * same fields and checks as od_record_act, version + 1, priority recomputed
 * and running clocks retargeted; timeline and audit "record.update". */
OD_NODISCARD od_err od_record_edit(od_app *a, const od_principal *who, int64_t id, int64_t version,
                                   const char *kind, json_t *fields, od_error *e);

/* Queues a notification about record id (the outbox, through od_out_send:
 * each person's language and channels, the level of the record's priority
 * P1 → L1, P2 → L2, else L3): to the record's people — assignee, requester,
 * the module's user fields (…_id, id lists) — and the holders of the roles
 * the workflow's authorities name, never the actor; a timeline entry
 * "notify" {template, recipients, queued}.  Inside tx. */
OD_NODISCARD od_err od_rec_notify(od_tx *tx, const od_policy *p, int64_t id, const char *tpl,
                                  const char *what_zh, const char *what_en, int64_t actor, int64_t now,
                                  od_error *e);

/* As od_rec_notify, to exactly `users` (an array of {"id"}) about loaded
 * record x.  Inside tx. */
OD_NODISCARD od_err od_rec_notify_to(od_tx *tx, const od_policy *p, const od_rec *x, const char *tpl,
                                     const char *what_zh, const char *what_en, json_t *users, int64_t now,
                                     od_error *e);

/* After the generic PATCH wrote record id's columns (of a kind with a
 * workflow): impact and urgency of `fields` checked as an action checks
 * them (a priority set directly is 422 where a matrix computes it), the
 * priority recomputed from the matrix and, when it differs from
 * old_priority, the running clocks retargeted — the same as od_record_edit.
 * Inside tx. */
OD_NODISCARD od_err od_rec_wf_fields_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                        json_t *fields, const char *old_priority, od_error *e);

/* A failed result of item `it` (template t) on checklist_id of record x:
 * when the item's on_fail names a kind to create, the record it opened
 * before, or a new one made by that kind's create action as the system
 * actor and linked to x, becomes the result's finding
 * (checklist_findings.c).  Inside tx. */
OD_NODISCARD od_err od_rec_ckl_on_fail(od_app *a, od_tx *tx, const od_rec *x, const od_cl_template *t,
                                       const od_cl_item *it, int64_t checklist_id, int64_t now, od_error *e);

/* on_fail: event (checklist_findings.c): od_rec_ckl_on_fail queues the
 * event (internal_events.h; source "checklist", de-duplication key
 * "checklist:<instance>:<item>"); once it is stored, this makes it the
 * result's finding inside tx: the incident it opened or joined (its
 * record, linked parent_of from record rec, as for on_fail: incident),
 * else the event itself ("event:<id>").  A result that has its finding
 * keeps it; an incident linked already (another item's event joined it) is
 * not linked twice.  Then the instance is judged again
 * (od_rec_ckl_restate). */
#define OD_CKL_EVENT_SOURCE "checklist"
OD_NODISCARD od_err od_rec_ckl_event_finding(od_app *a, od_tx *tx, int64_t rec, int64_t checklist_id,
                                             const char *item, int64_t event, int64_t incident, int64_t now,
                                             od_error *e);

/* Judges checklist instance checklist_id of record rec again from its
 * results (a finding set after the result, as od_rec_ckl_event_finding
 * does): its state complete or open. */
OD_NODISCARD od_err od_rec_ckl_restate(od_app *a, od_tx *tx, int64_t rec, int64_t checklist_id, int64_t now,
                                       od_error *e);

/* A vote (od_record_vote) inside tx, recorded with its channel ("web",
 * "link"). */
OD_NODISCARD od_err od_record_vote_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                      int64_t round_id, const od_vote_input *in, const char *channel,
                                      od_error *e);

/* ---- approval deadlines and messages (record_approvals.c) ---- */

/* After approval step step_id of record rec opened at now: its due time
 * (od_appr_times_of on the step's calendar) written on the step, the
 * reminder and escalation deadlines ("approval:<step id>:remind",
 * "…:escalate") and the request to the approvers (template
 * approval.requested; not to the opener, who cannot decide it).  Inside
 * tx. */
OD_NODISCARD od_err od_rec_appr_opened(od_tx *tx, const od_policy *p, int64_t rec, int64_t step_id,
                                       const od_wf_approval_def *d, json_t *approvers, int64_t opener,
                                       int64_t now, od_error *e);
/* The step is decided: its pending deadlines are cancelled.  Inside tx. */
OD_NODISCARD od_err od_rec_appr_decided(od_tx *tx, int64_t rec, int64_t step_id, od_error *e);
/* A checklist instance just opened (fx open_checklist): the texts of the
 * template's items with placeholders ({{record.number}}, {{ci.name}}, …;
 * core/placeholder.h) expanded from the record's view `rec` (its
 * priority as the action leaves it) and CIs, kept on the instance
 * (checklist_instances.texts, migration 0036) so the checklist reads as it
 * opened.  Nothing is written when no item has a placeholder.  Inside tx
 * (src/app/checklist_texts.c). */
OD_NODISCARD od_err od_rec_checklist_texts(od_tx *tx, int64_t instance_id, const od_cl_template *t,
                                           int64_t rec, const json_t *view, const char *priority,
                                           od_error *e);
/* Whether a deadline kind is an approval's. */
bool od_rec_appr_is_deadline(const char *kind);
/* Fires an approval deadline (claimed by od_record_fire_deadline): while
 * the step still waits, the reminder to the approvers who have not
 * answered, or the escalation to escalate_to (default: the chairs and
 * deputies of the step's committees and the substitutes of the approvers
 * who have not answered), who in mode any become approvers too.  A
 * timeline entry either way.  Inside tx. */
OD_NODISCARD od_err od_rec_appr_fire(const od_policy *p, od_tx *tx, int64_t rec, const char *kind,
                                     int64_t now, od_error *e);

#endif
