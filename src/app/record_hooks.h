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

#endif
