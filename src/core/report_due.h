/* report_due.h — which O&M report runs the dashboard's report tile counts
 * (R-SLA-6; modules-spec §M4.4 "Overdue filing … shown on the dashboard").
 * Pure: the rule is decided here from the deadlines stored on each run when
 * it was armed (report_runs.file_due_at at generation, review_due_at at
 * filing), never from the policy in force when the dashboard is read, so a
 * later change of sla.report_review.file_within does not move a deadline a
 * run already has.  A deadline is reached at its instant: 1 ms before it the
 * run is not overdue, at it it is (the same instant the deadlines row
 * fires). */
#ifndef OD_CORE_REPORT_DUE_H
#define OD_CORE_REPORT_DUE_H

#include <stdbool.h>
#include <stdint.h>

#ifndef OD_NO_TIME
#define OD_NO_TIME INT64_MAX
#endif

typedef enum od_report_state {
    OD_RPT_DRAFT = 0,
    OD_RPT_FILED,
    OD_RPT_REVIEWED,
    OD_RPT_DISTRIBUTED,
    OD_RPT_STATE__COUNT
} od_report_state;

const char *od_report_state_key(od_report_state s); /* "draft" … */
int od_report_state_parse(const char *s);           /* -1 if unknown */

typedef enum od_report_todo {
    OD_RPT_TODO_NONE = 0,
    OD_RPT_TODO_UNFILED_OVERDUE,    /* a draft at or past its filing deadline, not superseded */
    OD_RPT_TODO_UNREVIEWED_OVERDUE, /* filed, at or past its review deadline */
    OD_RPT_TODO_UNDISTRIBUTED,      /* reviewed, not yet distributed */
    OD_RPT_TODO__COUNT
} od_report_todo;

const char *od_report_todo_key(od_report_todo t); /* "unfiled_overdue" … ("none") */

/* What a run is waiting for at now.  file_due_at / review_due_at: the
 * run's stored deadlines, OD_NO_TIME when it has none (a run made before
 * deadlines were stored, a run not filed yet); superseded: a newer version
 * of the same period exists (a superseded draft is not chased). */
od_report_todo od_report_todo_at(od_report_state s, int64_t file_due_at, int64_t review_due_at,
                                 bool superseded, int64_t now);

#endif
