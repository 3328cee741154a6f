/* wf.h — the workflow kernel (modules-spec §1.3, §9.1): every record
 * kind's states and actions are policy data, decided here by one function
 * from a fixed library of guards and effects, so a module is a declaration,
 * not a new engine.  Also the policy's other kernel sections as data:
 * calendars, clock definitions, priority matrices, approval steps and
 * checklist templates (struct od_kernel, owned by od_policy).
 *
 * od_wf_decide(def, record view, action, actor view, now) answers with the
 * target state and the effects to apply, or a refusal naming what is
 * missing: 403 (OD_E_FORBIDDEN) naming the authority when `who` or an
 * `authority` guard fails, 409 (OD_E_CONFLICT) naming the missing step for
 * a wrong state or any other guard.  The app fills the views (plain structs
 * of borrowed pointers) from its tables; core never reads anything else.
 *
 * Pure: no I/O, no clock, no allocation (fixed-size arrays, limits below),
 * no state; safe from any thread.  docs/internals/kernel.md explains how a
 * module declares its workflow. */
#ifndef OD_CORE_WF_H
#define OD_CORE_WF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/approval.h"
#include "core/calendar.h"
#include "core/checklist.h"
#include "core/policy.h"
#include "core/sla_clock.h"
#include "util/err.h"

#define OD_WF_KINDS_MAX 16
#define OD_WF_STATES_MAX 24
#define OD_WF_ACTIONS_MAX 32
#define OD_WF_WHO_MAX 6
#define OD_WF_GUARDS_MAX 8
#define OD_WF_EFFECTS_MAX 10
#define OD_WF_ARGS_MAX 6
#define OD_WF_CLOCKS_MAX 4
#define OD_WF_TRIGGERS_MAX 6
#define OD_WF_AUTH_MAX 8
#define OD_CALENDARS_MAX 4
#define OD_MATRICES_MAX 8
#define OD_APPR_STEPS_MAX 16
#define OD_PRIO_LEVELS 3 /* high, medium, low */
#define OD_PRIO_MAX 5    /* P1 … P5 */

typedef enum od_wf_category {
    OD_WF_OPEN = 0,
    OD_WF_PENDING,
    OD_WF_RESOLVED,
    OD_WF_CLOSED,
    OD_WF__CATEGORIES
} od_wf_category;

typedef enum od_wf_who_kind {
    OD_WHO_ROLE = 0,  /* a role key (od_wf_role_known) */
    OD_WHO_COMMITTEE, /* committee:<key> */
    OD_WHO_FIELD,     /* field:<name>: the actor holds that record field (assignee, requester, …) */
    OD_WHO_SYSTEM,    /* system: a rule or job acting, not a person */
    OD_WHO_SUPERIOR,  /* superior (an approval's escalate_to only): the heads of the department of each
                         approver who has not answered; matches no actor */
} od_wf_who_kind;

typedef struct od_wf_who {
    od_wf_who_kind kind;
    char key[OD_KEY_MAX];
    int line; /* in the policy file, for messages (0 = unknown) */
} od_wf_who;

typedef enum od_wf_guard_kind {
    OD_G_FIELDS_REQUIRED = 0, /* args: field names that must be set */
    OD_G_APPROVAL_COMPLETE,   /* args[0]: approval step accepted */
    OD_G_CHECKLIST_COMPLETE,  /* args[0]: checklist phase complete */
    OD_G_LINK_EXISTS,         /* args[0]: link kind; args[1] (optional): the linked record's state */
    OD_G_NO_OPEN_LINKS,       /* args[0]: link kind: none of them open or pending */
    OD_G_REASON_REQUIRED,     /* the request carries a reason */
    OD_G_ACTOR_NOT,           /* args[0]: field; the actor does not hold it (segregation) */
    OD_G_AUTHORITY,           /* args[0]: authority key of the workflow (403) */
    OD_G__COUNT
} od_wf_guard_kind;

/* A guard.  `when` (optional): applies only when that record field is set
 * (e.g. a review gate only for a major problem).  Guards with the same
 * any_group > 0 are alternatives (one must hold); groups and ungrouped
 * guards must all hold. */
typedef struct od_wf_guard {
    od_wf_guard_kind kind;
    char args[OD_WF_ARGS_MAX][OD_KEY_MAX];
    size_t n_args;
    char when[OD_KEY_MAX];
    int any_group;
    int line;
} od_wf_guard;

typedef enum od_wf_effect_kind {
    OD_FX_SET_TIME = 0,   /* a: field set to now */
    OD_FX_CLOCK,          /* a: clock name, op */
    OD_FX_OPEN_APPROVAL,  /* a: approval step (opens a round) */
    OD_FX_OPEN_CHECKLIST, /* a: template, b: phase */
    OD_FX_LINK,           /* a: link kind (the request names the other record) */
    OD_FX_NOTIFY,         /* a: template key */
    OD_FX_SCHEDULE,       /* a: deadline name, offset_ms after now */
    OD_FX__COUNT
} od_wf_effect_kind;

typedef struct od_wf_effect {
    od_wf_effect_kind kind;
    char a[OD_KEY_MAX], b[OD_KEY_MAX];
    od_sla_op op;
    int64_t offset_ms;
    int line;
} od_wf_effect;

typedef struct od_wf_state {
    char key[OD_KEY_MAX];
    char name_zh[OD_NAME_MAX], name_en[OD_NAME_MAX];
    od_wf_category category;
    int line;
} od_wf_state;

typedef struct od_wf_action {
    char key[OD_KEY_MAX];
    char name_zh[OD_NAME_MAX], name_en[OD_NAME_MAX];
    int from[OD_WF_STATES_MAX]; /* state indexes; none = a create action */
    size_t n_from;
    int to; /* state index; -1 = stays in the current state */
    int to_line;
    od_wf_who who[OD_WF_WHO_MAX];
    size_t n_who;
    od_wf_guard guards[OD_WF_GUARDS_MAX];
    size_t n_guards;
    od_wf_effect effects[OD_WF_EFFECTS_MAX];
    size_t n_effects;
    int line;
} od_wf_action;

/* A named authority: who holds it (R-ACT-1's idea, per workflow). */
typedef struct od_wf_authority {
    char key[OD_KEY_MAX];
    od_wf_who who[OD_WF_WHO_MAX];
    size_t n_who;
} od_wf_authority;

/* A clock definition (modules-spec §1.4).  Triggers name an action or a
 * state (entering it).  target: fixed_ms, or per priority (by_priority,
 * 0 = no target) with the priority from the named matrix. */
typedef struct od_wf_clock_def {
    char name[OD_KEY_MAX];
    char calendar[OD_KEY_MAX];
    char start_on[OD_WF_TRIGGERS_MAX][OD_KEY_MAX];
    size_t n_start;
    char pause_in[OD_WF_TRIGGERS_MAX][OD_KEY_MAX];
    size_t n_pause;
    char stop_on[OD_WF_TRIGGERS_MAX][OD_KEY_MAX];
    size_t n_stop;
    char cancel_on[OD_WF_TRIGGERS_MAX][OD_KEY_MAX];
    size_t n_cancel;
    int64_t fixed_ms;
    char matrix[OD_KEY_MAX]; /* "" = fixed target */
    int64_t by_priority[OD_PRIO_MAX];
    int thresholds[OD_SLA_THRESHOLDS_MAX]; /* percent, ascending */
    size_t n_thresholds;
    /* on_threshold: the notify template of each threshold ("" = none),
     * aligned with thresholds[] */
    char on_threshold[OD_SLA_THRESHOLDS_MAX][OD_KEY_MAX];
    int line;
} od_wf_clock_def;

/* A notification text of a workflow (`templates:` of the workflow): what
 * a `notify` effect or a clock threshold tells, zh first. */
#define OD_WF_TEMPLATES_MAX 24
typedef struct od_wf_template {
    char key[OD_KEY_MAX];
    char text_zh[OD_NAME_MAX], text_en[OD_NAME_MAX];
    int line;
} od_wf_template;

typedef struct od_wf_def {
    char kind[OD_KEY_MAX];
    od_wf_state states[OD_WF_STATES_MAX];
    size_t n_states;
    od_wf_action actions[OD_WF_ACTIONS_MAX];
    size_t n_actions;
    od_wf_authority authorities[OD_WF_AUTH_MAX];
    size_t n_authorities;
    od_wf_clock_def clocks[OD_WF_CLOCKS_MAX];
    size_t n_clocks;
    od_wf_template templates[OD_WF_TEMPLATES_MAX];
    size_t n_templates;
    int line;
} od_wf_def;

/* A priority matrix impact × urgency (levels high, medium, low) → P1..P5. */
typedef struct od_prio_matrix {
    char key[OD_KEY_MAX];
    int cell[OD_PRIO_LEVELS][OD_PRIO_LEVELS]; /* [impact][urgency] = 1..5 */
    int line;
} od_prio_matrix;

/* An approval step definition; the app resolves `approvers`. */
typedef struct od_wf_approval_def {
    char key[OD_KEY_MAX];
    char name_zh[OD_NAME_MAX], name_en[OD_NAME_MAX];
    od_wf_who approvers[OD_WF_WHO_MAX];
    size_t n_approvers;
    od_appr_rule rule;
    int64_t due_ms; /* on `due_calendar`; 0 = none */
    char due_calendar[OD_KEY_MAX];
    int64_t remind_after_ms, escalate_after_ms; /* after the round opens; 0 = none */
    od_wf_who escalate_to[OD_WF_WHO_MAX];
    size_t n_escalate_to;
    int line;
} od_wf_approval_def;

/* The kernel sections of a policy (owned by od_policy; the loader fills it). */
typedef struct od_kernel {
    od_calendar calendars[OD_CALENDARS_MAX];
    size_t n_calendars;
    od_wf_def *workflows[OD_WF_KINDS_MAX]; /* heap, freed by od_kernel_free */
    size_t n_workflows;
    od_prio_matrix matrices[OD_MATRICES_MAX];
    size_t n_matrices;
    od_wf_approval_def approvals[OD_APPR_STEPS_MAX];
    size_t n_approvals;
    od_cl_template checklists[OD_CL_TEMPLATES_MAX];
    size_t n_checklists;
    unsigned sections; /* loader bookkeeping: bit i = the file declared kernel section i */
} od_kernel;

void od_kernel_free(od_kernel *k);
const od_wf_def *od_kernel_workflow(const od_kernel *k, const char *kind);
const od_calendar *od_kernel_calendar(const od_kernel *k, const char *key);
const od_prio_matrix *od_kernel_matrix(const od_kernel *k, const char *key);
const od_wf_approval_def *od_kernel_approval(const od_kernel *k, const char *key);
const od_cl_template *od_kernel_checklist(const od_kernel *k, const char *key);

/* Keys and names. */
const char *od_wf_category_key(od_wf_category c); /* "open" … */
int od_wf_category_parse(const char *s);
const char *od_wf_guard_key(od_wf_guard_kind g); /* "fields_required" … */
int od_wf_guard_parse(const char *s);
const char *od_wf_effect_key(od_wf_effect_kind e); /* "set_time" … */
int od_wf_effect_parse(const char *s);
/* Role keys a `who` may name: the od_role keys (core/policy.h, the
 * modules-spec §1.7 roles included). */
bool od_wf_role_known(const char *key);
/* Committee keys of modules-spec §1.7 (cab, ecab, …). */
bool od_wf_committee_known(const char *key);
/* Priority levels: "high" 0, "medium" 1, "low" 2; -1 if unknown. */
int od_prio_level_parse(const char *s);
/* P1..P5 from the matrix; 0 when a level is unknown. */
int od_prio_compute(const od_prio_matrix *m, const char *impact, const char *urgency);

int od_wf_state_index(const od_wf_def *d, const char *key);
/* The workflow's template with this key, NULL if none. */
const od_wf_template *od_wf_template_find(const od_wf_def *d, const char *key);
const od_wf_action *od_wf_action_find(const od_wf_def *d, const char *key);

/* ---- the views the app fills ---- */

typedef struct od_wf_holder {
    const char *field; /* "assignee", "requester", "solving_team", … */
    int64_t user_id;
} od_wf_holder;
typedef struct od_wf_link_view {
    const char *kind;  /* "caused_by", "fixed_by", … */
    const char *state; /* the linked record's state key ("" if the kind has no workflow yet) */
    bool open;         /* the linked record's state is open or pending */
} od_wf_link_view;
typedef struct od_wf_approval_view {
    const char *step;
    od_appr_outcome outcome; /* of the current round */
} od_wf_approval_view;
typedef struct od_wf_checklist_view {
    const char *phase;
    bool complete; /* od_cl_complete */
} od_wf_checklist_view;

typedef struct od_wf_record {
    const char *state;             /* NULL: the record does not exist yet (create) */
    const char *const *fields_set; /* fields that are set (non-empty, true) */
    size_t n_fields_set;
    const od_wf_holder *holders; /* a multi-valued field appears once per user */
    size_t n_holders;
    const od_wf_link_view *links;
    size_t n_links;
    const od_wf_approval_view *approvals;
    size_t n_approvals;
    const od_wf_checklist_view *checklists;
    size_t n_checklists;
    bool reason_given; /* the request carries a non-empty reason */
} od_wf_record;

typedef struct od_wf_actor {
    int64_t user_id; /* 0 for the system */
    bool system;
    const char *const *roles;
    size_t n_roles;
    const char *const *committees;
    size_t n_committees;
} od_wf_actor;

/* ---- deciding ---- */

/* A clock operation implied by a clock definition's triggers, or named by
 * a clock effect. */
typedef struct od_wf_clock_op {
    const char *clock;
    od_sla_op op;
} od_wf_clock_op;

typedef struct od_wf_refusal {
    od_err code;           /* OD_OK when allowed */
    char what[OD_KEY_MAX]; /* the authority, field, step, phase, link kind or state named */
    char message[1024];    /* "中文 (English)" */
} od_wf_refusal;

typedef struct od_wf_decision {
    const od_wf_action *action;
    int to; /* state index */
    const char *to_key;
    const od_wf_effect *effects[OD_WF_EFFECTS_MAX];
    size_t n_effects;
    od_wf_clock_op clock_ops[OD_WF_CLOCKS_MAX + OD_WF_EFFECTS_MAX];
    size_t n_clock_ops;
    int64_t at; /* now: the instant set_time writes; schedule fires at + offset_ms */
    od_wf_refusal refusal;
} od_wf_decision;

/* Decides `action` on the record by the actor at now.  Returns OD_OK and
 * fills out (target, effects in declared order, clock operations: the
 * definition triggers' first, then the clock effects), or the refusal's
 * code with out->refusal filled: OD_E_NOT_FOUND for an unknown action,
 * OD_E_FORBIDDEN for who/authority, OD_E_CONFLICT for a wrong state or a
 * failing guard. */
OD_NODISCARD od_err od_wf_decide(const od_wf_def *def, const od_wf_record *rec, const char *action,
                                 const od_wf_actor *actor, int64_t now, od_wf_decision *out);

/* The clock operations a transition from → to by action implies for one
 * clock definition: start (action or entered state in start_on), cancel,
 * stop, then pause (entering a pause_in state from outside) or resume
 * (leaving one).  from may be NULL (create).  OD_SLA_OP_NONE if none. */
od_sla_op od_wf_clock_trigger(const od_wf_clock_def *c, const char *from, const char *action, const char *to);

/* The clock's target for a priority 1..5 (by_priority) or the fixed one. */
int64_t od_wf_clock_target(const od_wf_clock_def *c, int priority);

/* The action bar: each action leaving the record's state (create actions
 * when state is NULL), allowed or with the refusal to show.  Returns how
 * many were written (at most max). */
typedef struct od_wf_option {
    const od_wf_action *action;
    bool allowed;
    od_wf_refusal refusal;
} od_wf_option;
size_t od_wf_available(const od_wf_def *def, const od_wf_record *rec, const od_wf_actor *actor, int64_t now,
                       od_wf_option *out, size_t max);

#endif
