/* plan.h — the rules of emergency plans (应急预案; research/modules-spec.md
 * §M7, seed 000 chapter 9): when a plan's next review falls due.  A plan is
 * reviewed every review cycle (calendar months, UTC; the policy's default is
 * six), counted from its last publication or its last review, whichever is
 * later.  Pure: no I/O, no clock, no allocation. */
#ifndef OD_CORE_PLAN_H
#define OD_CORE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The default review cycle in months (seed 000 ch. 9: every six months). */
#define OD_PLAN_REVIEW_MONTHS 6
/* The bounds of a plan's review cycle, months. */
#define OD_PLAN_REVIEW_MONTHS_MIN 1
#define OD_PLAN_REVIEW_MONTHS_MAX 24

/* ms (Unix milliseconds, UTC) plus `months` calendar months: the same day of
 * the month and time of day, the day clamped to the last day of a shorter
 * month (31 Aug + 6 months = 28/29 Feb).  months may be negative. */
int64_t od_plan_add_months(int64_t ms, int months);

/* When the next review falls due: the later of published_at and reviewed_at
 * (0 = never) plus `months`; 0 when the plan was never published nor
 * reviewed (nothing is due before a first publication). */
int64_t od_plan_next_review(int64_t published_at, int64_t reviewed_at, int months);

/* Whether a review is due at now: next_review_at set and now >= it (due at
 * the instant itself, not 1 ms before). */
bool od_plan_review_due(int64_t next_review_at, int64_t now);

/* The days after a trigger within which the triggered review falls due
 * (modules-spec §M7.3 ⚑: 30 days after the drill closes or the major
 * response ends), and its bounds (0 = due at the trigger itself). */
#define OD_PLAN_TRIGGER_DAYS 30
#define OD_PLAN_TRIGGER_DAYS_MAX 365
/* A drill of every published plan at least every 12 months (seed 000 ch. 9
 * §3 "每年至少组织一次"), and the bounds of that policy key. */
#define OD_PLAN_DRILL_MONTHS 12
#define OD_PLAN_DRILL_MONTHS_MAX 36

/* What makes a review due before its cycle ends (seed 000 ch. 9 §1 "评估
 * 工作每半年或应急演练、重大应急响应工作后组织"): a drill of the plan
 * closes, an incident in the plan's scope whose response reached R1 closes,
 * a CI in the plan's scope changes. */
typedef enum od_plan_trigger {
    OD_PLAN_TRIG_NONE = 0,
    OD_PLAN_TRIG_DRILL,
    OD_PLAN_TRIG_MAJOR_RESPONSE,
    OD_PLAN_TRIG_CI_CHANGE,
} od_plan_trigger;
/* "drill", "major_response", "ci_change" ("" for none). */
const char *od_plan_trigger_key(od_plan_trigger t);

/* When a review triggered at `at` falls due: at + days whole days (days
 * clamped to 0..OD_PLAN_TRIGGER_DAYS_MAX). */
int64_t od_plan_trigger_due(int64_t at, int days);

/* When the next review falls due, the triggers counted: the cycle's date
 * (od_plan_next_review), or trigger_due when a trigger happened after the
 * last publication and the last review (triggered_at > both) and falls
 * due sooner.  0 when never published nor reviewed: a trigger alone does
 * not make an unpublished plan due. */
int64_t od_plan_review_at(int64_t published_at, int64_t reviewed_at, int months, int64_t triggered_at,
                          int64_t trigger_due);

/* When a drill of a plan is next due: `months` calendar months after the
 * later of its last publication and its last drill (closed); 0 when never
 * published nor drilled.  Overdue at the instant (od_plan_review_due). */
int64_t od_plan_drill_due(int64_t published_at, int64_t last_drill_at, int months);

/* Whether a plan applies to an incident (an incident shows the plans that
 * apply to it): by CI — one of the incident's CIs is in the plan's
 * scope_ci_ids —, else by class — the incident's level (L1, L2, L3) or the
 * category of one of its CIs (database, server, …) is in the plan's
 * scope_classes (exact, case-sensitive).  A plan with an empty scope applies
 * to nothing.  Borrowed arrays; n = 0 allows NULL. */
typedef enum od_plan_match { OD_PLAN_NO_MATCH = 0, OD_PLAN_BY_CI, OD_PLAN_BY_CLASS } od_plan_match;
typedef struct od_plan_scope {
    const char *const *classes;
    size_t n_classes;
    const int64_t *ci_ids;
    size_t n_ci_ids;
} od_plan_scope;
typedef struct od_plan_incident {
    const char *level;
    const char *const *ci_categories;
    size_t n_ci_categories;
    const int64_t *ci_ids;
    size_t n_ci_ids;
} od_plan_incident;
od_plan_match od_plan_applies(const od_plan_scope *p, const od_plan_incident *inc);
/* "ci", "class" or "" (no match). */
const char *od_plan_match_key(od_plan_match m);

#endif
