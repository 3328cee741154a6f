/* incident.h — the incident rules of seed 000, pure (REQUIREMENTS §2–§5):
 * grading (R-INC-1…6), escalation by time (R-ESC-1…3), deadlines (R-NOT-1,
 * R-NOT-4, R-NOT-5), authorities (R-ACT-1, R-CLOSE-1) and the lifecycle
 * state machine (R-CLOSE-2).  Every function takes the policy and `now` as
 * arguments; nothing here reads a clock, allocates, or does I/O.
 * Thread-safe (no state). */
#ifndef OD_INCIDENT_H
#define OD_INCIDENT_H

#include "core/policy.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OD_NO_TIME INT64_MAX /* "never" for next-due computations */

/* ---- grading (R-INC-2…6) ---- */

/* The full answer of the quick-reference (速查表) for a level and severity. */
typedef struct od_grading {
    od_grade level;
    od_severity severity;
    bool severity_provisional; /* severity unknown → severe (R-INC-4) */
    od_resp response;          /* matrix[level][severity] */
    int64_t handling_limit_ms; /* 0 = none (NG) */
    int64_t first_report_ms;   /* from detection */
    od_recipients recipients;  /* of the first report */
    bool ack_required;         /* recipients must acknowledge (R-NOT-4) */
    int64_t ack_window_ms;
    od_role activation_role;   /* R-ACT-1 for `response` */
    int64_t progress_every_ms; /* R-NOT-5 for `response`; 0 = none */
} od_grading;

/* Incident level from the grades of the affected CIs: the highest wins
 * (R-INC-2, R-INC-4).  n must be > 0; returns OD_E_UNPROCESSABLE if n == 0,
 * OD_E_INVALID for a value outside od_grade; *out is set only on OD_OK. */
OD_NODISCARD od_err od_incident_level(const od_grade *grades, size_t n, od_grade *out);

/* Seed 000 ch. 7 §1 item 3 (就高原则): the level of an incident whose level
 * cannot yet be determined is the highest of the affected CIs' grades and
 * the candidate levels the reporter names (either list may be empty, not
 * both: OD_E_UNPROCESSABLE; a value outside od_grade: OD_E_INVALID).
 * *provisional is true when a candidate set the level (no CI, or a
 * candidate above every CI), i.e. it stands until the level is determined. */
OD_NODISCARD od_err od_incident_level_hi(const od_grade *cis, size_t n_cis, const od_grade *cands,
                                         size_t n_cands, od_grade *out, bool *provisional);

/* Grade an incident: severity < 0 means "not yet known" → severe,
 * provisional (so does a value past the last severity; an out-of-range level
 * counts as L1 — when in doubt, take the higher).  Fills every field of *out
 * from the policy; ack_window_ms is 0 when no acknowledgement is required. */
void od_grade_incident(const od_policy *p, od_grade level, int severity, od_grading *out);

/* One line of "the rule behind each value" for the 速查表 answer. */
typedef struct od_rule_line {
    const char *field; /* "level", "response_level", "handling_limit_minutes", ... */
    const char *req;   /* requirement id, e.g. "R-INC-3" */
    char text[1024];   /* Chinese first, e.g. "一级 × 严重 → 一级响应 (L1 × severe → R1)" */
} od_rule_line;
/* Fills up to cap lines (out may be NULL when cap is 0); returns how many
 * it would fill (≤ 12).  Fields, in order: level, response_level,
 * severity_provisional (only when provisional), handling_limit_minutes,
 * first_report_minutes, recipients, ack_window_minutes,
 * progress_every_minutes, activation_role. */
size_t od_grading_explain(const od_policy *p, const od_grading *g, od_rule_line *out, size_t cap);

/* ---- escalation by time (R-ESC-1…3) ---- */

/* Handling deadline = detected + limit(base); OD_NO_TIME when base has no
 * limit (NG). */
int64_t od_handling_deadline(const od_policy *p, od_resp base, int64_t detected_ms);

/* The response level the time rule puts an unresolved incident at, `now`:
 * the highest level k (above `base`, with a limit) such that
 * deadline - now <= limit(k); else `base`.  Never lower than `base`. */
od_resp od_escalation_level_at(const od_policy *p, od_resp base, int64_t detected_ms, int64_t now_ms);

/* The earliest time at which the time rule raises an incident that is now
 * at `current` (current <= base in seriousness order, i.e. current is base
 * or already higher) to a still higher level; OD_NO_TIME if none (current
 * R1, or base without a limit).  The time may lie in the past (a late
 * registration): the caller escalates at once.  A `current` less serious
 * than `base` counts as `base`. */
int64_t od_escalation_next_at(const od_policy *p, od_resp base, od_resp current, int64_t detected_ms);

/* The level the handling clock runs on (`base` above) once a person
 * confirms (second report) or raises by hand the response level to `set`,
 * above the current one: the more serious of the clock's level and `set`.
 * The handling time belongs to the response level (seed ch.6 §3.2 with
 * ch.7 §2.1 item 1), and the clock still starts at detection (R-ESC-2,
 * seed ch.6 §3.1 "当突发事件发生后"): confirming R2 on an R3 incident puts
 * the handling deadline at detection + 4 h and escalation to R1 at
 * detection + 2 h, at once when that time has passed.  Never less serious
 * than `clock`.  docs/policy.md, "The handling clock of a confirmed level". */
od_resp od_clock_after_raise(od_resp clock, od_resp set);

/* ---- deadlines (R-NOT-1, R-NOT-4, R-NOT-5, R-NOT-6) ---- */

typedef enum od_deadline_kind {
    OD_DL_FIRST_REPORT = 0, /* first report within 5/10 min of detection */
    OD_DL_ACK,              /* a recipient's acknowledgement */
    OD_DL_PROGRESS,         /* next progress report */
    OD_DL_HANDLING,         /* resolution within the handling limit */
    OD_DL_ESCALATION,       /* the next time-rule escalation step (internal) */
    OD_DL_PROGRESS_REMIND,  /* reminder before a progress report is due (internal) */
    OD_DL_RENOTIFY,         /* re-notify unacknowledged recipients (internal) */
    OD_DL_ACTIVATION,       /* plan activation after the level is confirmed or raised (core/duties.h) */
    OD_DL__COUNT
} od_deadline_kind;
const char *od_deadline_kind_key(od_deadline_kind k); /* "first_report", "ack", ... */
int od_deadline_kind_parse(const char *s);
/* True for the deadlines people are held to and shown (first report, acks,
 * progress reports, handling, activation); false for the internal timers (escalation
 * step, progress reminder, re-notification) and for an unknown kind. */
bool od_deadline_kind_shown(int k);

typedef enum od_deadline_state {
    OD_DLS_PENDING = 0,
    OD_DLS_MET,
    OD_DLS_MISSED,
    OD_DLS_MET_LATE
} od_deadline_state;
/* A deadline is met when met_ms <= due_ms; missed when not met and now > due;
 * met late when met after due.  met_ms == 0 means not met yet. */
od_deadline_state od_deadline_state_at(int64_t due_ms, int64_t met_ms, int64_t now_ms);

int64_t od_first_report_due(const od_policy *p, od_grade level, int64_t detected_ms);
/* Acknowledgement due for a recipient notified at notified_ms (R-NOT-4);
 * OD_NO_TIME when the level does not require acknowledgements. */
int64_t od_ack_due(const od_policy *p, od_grade level, int64_t notified_ms);
/* Next progress report due after `since_ms` (detection or the last progress
 * report) at response level r; OD_NO_TIME when r has no cadence. */
int64_t od_progress_due(const od_policy *p, od_resp r, int64_t since_ms);
/* After an escalation to `to` at now: the next progress due is the earlier
 * of the current due and now + cadence(to). */
int64_t od_progress_due_after_escalation(const od_policy *p, od_resp to, int64_t current_due, int64_t now_ms);

/* R-ESC-3: the recipients of response level Rk are those of incident level
 * Lk (R1 → L1 … NG → NG). */
od_grade od_resp_recipient_level(od_resp r);

/* R-INC-4, R-ESC-3: a regrade that lowers the incident level or the
 * response level needs a recorded reason. */
bool od_regrade_needs_reason(od_grade old_level, od_grade new_level, od_resp old_resp, od_resp new_resp);

/* R-NOT-2: the report kinds and their required fields. */
typedef struct od_report_kind {
    const char *key;             /* "first", "second", "progress", "final" */
    int action;                  /* od_inc_action */
    const char *const *required; /* field names */
    size_t n_required;
} od_report_kind;
/* NULL for an unknown kind. */
const od_report_kind *od_report_kind_find(const char *key);

/* ---- authorities (R-ACT-1, R-CLOSE-1) ---- */

od_role od_activation_role(const od_policy *p, od_resp r);
bool od_may_activate(const od_policy *p, od_resp current, od_roleset roles);
/* Closure needs the activation authority of the highest level reached. */
bool od_may_close(const od_policy *p, od_resp highest_reached, od_roleset roles);

/* ---- lifecycle (R-CLOSE-2) ----
 *
 *   detected --first report--> reported --second report--> confirmed
 *      --activate--> activated --final report--> resolved --close--> closed
 *      --review--> reviewed
 *
 * Progress reports: reported, confirmed, activated.  Acknowledgements and
 * regrading: any state before resolved. */
typedef enum od_inc_state {
    OD_INC_DETECTED = 0,
    OD_INC_REPORTED,
    OD_INC_CONFIRMED,
    OD_INC_ACTIVATED,
    OD_INC_RESOLVED,
    OD_INC_CLOSED,
    OD_INC_REVIEWED,
    OD_INC__COUNT
} od_inc_state;
typedef enum od_inc_action {
    OD_IA_FIRST_REPORT = 0,
    OD_IA_SECOND_REPORT,
    OD_IA_ACTIVATE,
    OD_IA_PROGRESS_REPORT,
    OD_IA_FINAL_REPORT,
    OD_IA_CLOSE,
    OD_IA_REVIEW,
    OD_IA_ACK,
    OD_IA_REGRADE,
    OD_IA__COUNT
} od_inc_action;
const char *od_inc_state_key(od_inc_state s); /* "detected" ... */
const char *od_inc_state_name_zh(od_inc_state s);
const char *od_inc_action_key(od_inc_action a); /* "first_report" ... */
int od_inc_state_parse(const char *s);

/* Legal → OD_OK and *to (unchanged state for non-moving actions).  Illegal
 * → OD_E_CONFLICT with a message naming the missing step, e.g.
 * "需要先提交首报，才能提交第二次上报 (the first report is required first,
 * before the second report)"; e->field is "state".  An out-of-range state or
 * action → OD_E_INVALID.  e may be NULL. */
OD_NODISCARD od_err od_inc_transition(od_inc_state from, od_inc_action a, od_inc_state *to, od_error *e);
/* True while escalation and progress rules apply (before resolved). */
bool od_inc_state_open(od_inc_state s);

/* ---- catching up with a periodic deadline (R-NOT-4, R-NOT-5, R-NOT-6) ----
 *
 * A periodic deadline (progress reports every `every`, re-notification every
 * `every`) has slots due, due + every, due + 2·every, …  When its row fires
 * at `now` — on time, or late after a restart or a jump of the clock — the
 * plan says how many slots have passed and when the next one is due.  A
 * shown deadline's slot passes when now > slot (it is met up to its due
 * time); an internal timer's when now >= slot.  One slot passed: the grid is
 * kept (next = due + every).  More than one: the run collapses into one
 * record and one reminder (catch_up), and the cadence starts again from now
 * (next = now + every), so a long gap never replays slot by slot.  every <= 0
 * (no cadence): at most one slot, next = OD_NO_TIME. */
typedef struct od_deadline_plan {
    int64_t missed;       /* slots passed (0: not due yet) */
    int64_t first_missed; /* = due when missed > 0, else OD_NO_TIME */
    int64_t last_missed;  /* the latest passed slot, else OD_NO_TIME */
    int64_t next_due;     /* the next slot still ahead, or OD_NO_TIME */
    bool catch_up;        /* missed > 1 */
} od_deadline_plan;
od_deadline_plan od_deadline_fire_plan(od_deadline_kind k, int64_t due, int64_t every, int64_t now);

#endif
