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

#endif
