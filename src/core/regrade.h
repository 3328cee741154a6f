/* regrade.h — what a manual regrade of an incident does (R-INC-4, R-ESC-3,
 * R-NOT-1), decided in one place: the new current response level (the
 * explicit one, never below the time rule's; else the time rule's), whether
 * a reason is required and missing, whether the change is a raise (an
 * escalation with its notifications) or is set directly (recorded when it
 * changes), and whether a higher incident level after the first report
 * notifies the new level's recipients, and the level the handling clock
 * runs on afterwards.  app/incident_regrade.c applies the plan.
 * Pure. */
#ifndef OD_REGRADE_H
#define OD_REGRADE_H

#include "core/policy.h"
#include "util/err.h"

#include <stdbool.h>

typedef struct od_regrade_in {
    od_grade old_level;  /* the incident level now */
    od_grade ci_level;   /* the level its (new) configuration items give */
    od_grade new_level;  /* the graded level (od_grade_incident) */
    od_resp old_resp;    /* the current response level now */
    od_resp by_time;     /* the time rule's level on the new base, now */
    int explicit_resp;   /* an od_resp asked for, or -1 */
    bool reason_given;   /* a non-empty reason */
    bool first_reported; /* past DETECTED: the level's recipients were told */
    od_resp old_clock;   /* the level the handling clock runs on now (base) */
    od_resp old_matrix;  /* the matrix level of the grading before */
    od_resp new_matrix;  /* the matrix level of the new grading */
} od_regrade_in;

typedef struct od_regrade_decision {
    od_resp target;        /* the new current response level */
    bool raise;            /* above old_resp: escalate (notifies) */
    bool record_change;    /* set directly and different: an escalation row */
    bool notify_new_level; /* tell the new (higher) incident level's recipients */
    od_resp clock;         /* the level the handling clock runs on from now */
} od_regrade_decision;

/* The clock (od_clock_after_raise): the new matrix level, kept at a level
 * confirmed or raised earlier (old_clock more serious than old_matrix)
 * unless this regrade lowers the response level, and moved to an explicit
 * level that raises the current one.  A raise the time rule gives (no
 * explicit level) does not move it.
 * OD_OK and the decision, or OD_E_UNPROCESSABLE: "reason" when the regrade
 * lowers the incident or the response level without one (checked first),
 * "response_level" when the explicit level is below the time rule's. */
OD_NODISCARD od_err od_regrade_plan(const od_regrade_in *in, od_regrade_decision *out, od_error *e);

#endif
