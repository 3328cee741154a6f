/* plan.h — the rules of emergency plans (应急预案; research/modules-spec.md
 * §M7, seed 000 chapter 9): when a plan's next review falls due.  A plan is
 * reviewed every review cycle (calendar months, UTC; the policy's default is
 * six), counted from its last publication or its last review, whichever is
 * later.  Pure: no I/O, no clock, no allocation. */
#ifndef OD_CORE_PLAN_H
#define OD_CORE_PLAN_H

#include <stdbool.h>
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

#endif
