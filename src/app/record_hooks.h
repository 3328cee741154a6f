/* record_hooks.h — the workflow kernel's post-action hooks (modules-spec
 * §1.5; docs/internals/kernel.md): after an action of a record's workflow
 * has written its state change and effects, inside the same write
 * transaction, the hook its module declared for the record's kind runs (a
 * C function table in record_hooks.c, one row per kind).  A hook's error
 * rolls the whole action back.  Private to app/. */
#ifndef OD_APP_RECORD_HOOKS_H
#define OD_APP_RECORD_HOOKS_H

#include "app/records_int.h"

/* What an action did, as the hook sees it. */
typedef struct od_rec_act_event {
    const od_policy *policy;
    const od_principal *who; /* the actor, NULL for the system */
    int64_t id;              /* the record */
    const char *kind, *number;
    const char *action;
    const char *from, *to; /* state keys; from is "" for the create action */
    bool created;          /* the create action */
    bool closing;          /* to is a state of category closed */
    json_t *fields;        /* the module's typed fields as saved (borrowed; may be NULL) */
    int64_t now;           /* the action's instant */
} od_rec_act_event;

typedef od_err (*od_rec_after_act_fn)(od_tx *tx, const od_rec_act_event *ev, od_error *e);

typedef struct od_rec_hook {
    const char *kind;
    od_rec_after_act_fn after_act;
} od_rec_hook;

/* Runs the hook declared for ev->kind, if any.  Inside tx. */
OD_NODISCARD od_err od_rec_after_act(od_tx *tx, const od_rec_act_event *ev, od_error *e);

/* The drill module's hook (drills.c): closing a drill makes its plan's
 * review due; starting it schedules its scripted injects. */
OD_NODISCARD od_err od_drill_after_act(od_tx *tx, const od_rec_act_event *ev, od_error *e);

/* A drill's scripted inject deadline ("inject:<n>", scheduled when the
 * drill starts at started_at + the item's offset): fired once by the
 * scheduler's claim; while the drill runs with its simulated incident, the
 * item is queued as an internal event (internal_events.h, source "drill":
 * key "drill:<record id>:inject:<n>", labels drill_id, drill and inject,
 * the incident's first CI, severity critical, summary tagged 【演练】[DRILL])
 * and ingested right after the claim through the real event ingestion
 * (R-PLAN-2): the event rules (filters, classification, windows) apply and
 * the event joins the drill's simulated incident (its timeline:
 * drill_inject) instead of opening one or alerting anyone; the drill's
 * timeline records it either way (drill_script, delivered true/false).
 * Inside tx. */
bool od_drill_inject_is_deadline(const char *kind);
OD_NODISCARD od_err od_drill_inject_fire(od_tx *tx, int64_t rec, const char *kind, int64_t now, od_error *e);

/* ---- due notices (drill_due.c; docs/drills.md) ----
 * A plan's review date (plan owner) and a scheduled drill's time (its
 * organizer, the record's creator) each get two record deadlines, kind
 * "due:<what>:soon" (core/drill.h od_due_notice_at: the policy's
 * readiness.notice_lead_days, 14, before) and
 * "due:<what>:due" (at the instant), fired once by the scheduler's claim
 * (od_record_fire_deadline), so never again after a restart.  Sync: the
 * record's due date is now due_at (0 = none): pending notices of another
 * date are cancelled; a notice of this date is written unless one is
 * pending or has fired already (exactly once per due date).  Inside tx. */
OD_NODISCARD od_err od_due_notice_sync(od_tx *tx, int64_t rec, const char *what, int64_t due_at, od_error *e);
/* A published plan's yearly drill (core/plan.h od_plan_drill_due: the later
 * of its publication and its last closed drill + readiness.drill_months)
 * synced like a review date, kind "due:annual:soon|due", to the plan's
 * owner; no notice for a plan never published.  Called by the plan's save
 * and by a drill of it closing.  Inside tx. */
OD_NODISCARD od_err od_plan_drill_notice_sync(od_tx *tx, int64_t plan_id, od_error *e);
/* The policy's readiness.notice_lead_days and drill_months the syncs use
 * from now on (the app's creation and each policy reload). */
void od_due_notice_policy(const od_policy *p);
/* The readiness.notice_lead_days, drill_months and annual_hours in force
 * (for what runs without the policy at hand: the O&M report's counts). */
void od_readiness_in_force(int *lead_days, int *drill_months, int *annual_hours);
/* Whether a record deadline kind is a due notice. */
bool od_due_notice_is_deadline(const char *kind);
/* Fires due notice deadline row id of record rec (claimed by
 * od_record_fire_deadline): the message through the outbox
 * (od_rec_notify_to) to the plan's owner or the drill's organizer, and the
 * record's timeline entry "notify".  Inside tx. */
OD_NODISCARD od_err od_due_notice_fire(const od_policy *p, od_tx *tx, int64_t id, int64_t rec,
                                       const char *kind, int64_t now, od_error *e);

#endif
