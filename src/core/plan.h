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
