/* report_due.h — the states of an O&M report run and what moves it
 * (modules-spec §1.10, §M4.5 "Workflow": draft → under_review → filed →
 * distributed), and which runs the dashboard's report tile counts (R-SLA-6;
 * §M4.4 "Overdue filing … shown on the dashboard").  Pure.
 *
 * Moves (od_report_step_of), checked in the kernel's order (docs/internals/
 * kernel.md): the state (409), who (403: the reviewer role; actor_not: the
 * reviewer is neither the author who generated the run nor the one who
 * submitted it), then the guards (422):
 *   submit      draft → under_review      the manual sections are all filled
 *   return      under_review → draft      the reviewer, with a note
 *   file        under_review → filed      the reviewer, not the author; the
 *                                         document is frozen and hashed
 *   distribute  filed → distributed       incident_lead (the route)
 * A filed run never changes (409 for every move but distribute).
 *
 * The tile is decided from the deadlines stored on each run when they were
 * armed (report_runs.file_due_at at generation, review_due_at at
 * submission), never from the policy in force when the dashboard is read.
 * A deadline is reached at its instant: 1 ms before it the run is not
 * overdue, at it it is (the same instant the deadlines row fires). */
#ifndef OD_CORE_REPORT_DUE_H
#define OD_CORE_REPORT_DUE_H

#include <stdbool.h>
#include <stdint.h>

#ifndef OD_NO_TIME
#define OD_NO_TIME INT64_MAX
#endif

typedef enum od_report_state {
    OD_RPT_DRAFT = 0,
    OD_RPT_UNDER_REVIEW,
    OD_RPT_FILED,
    OD_RPT_DISTRIBUTED,
    OD_RPT_STATE__COUNT
} od_report_state;

const char *od_report_state_key(od_report_state s); /* "draft", "under_review" … */
int od_report_state_parse(const char *s);           /* -1 if unknown */

typedef enum od_report_action {
    OD_RPT_SUBMIT = 0,
    OD_RPT_RETURN,
    OD_RPT_FILE,
    OD_RPT_DISTRIBUTE,
    OD_RPT_ACTION__COUNT
} od_report_action;

const char *od_report_action_key(od_report_action a); /* "submit" … */

typedef struct od_report_actor {
    bool reviewer;          /* holds the policy's reviewer role (sla.report_review.reviewer) */
    bool author;            /* generated or submitted the run */
    bool lead;              /* holds incident_lead (distribution) */
    bool sections_complete; /* every required manual section is filled */
    bool note;              /* the request carries a non-empty note */
} od_report_actor;

typedef struct od_report_step {
    int status;         /* 0 = allowed; else 409, 403 or 422 */
    od_report_state to; /* the state entered when allowed */
    const char *what;   /* what a refusal names: "state", "reviewer", "author", "lead", "sections", "note" */
} od_report_step;

od_report_step od_report_step_of(od_report_state from, od_report_action a, const od_report_actor *x);

/* What a run is waiting for at now (bits; several may hold). */
enum {
    OD_RPT_TODO_UNFILED_OVERDUE =
        1u, /* draft or under review, at or past its filing deadline, not superseded */
    OD_RPT_TODO_UNREVIEWED_OVERDUE = 2u, /* under review, at or past its review deadline */
    OD_RPT_TODO_UNDISTRIBUTED = 4u       /* filed, not yet distributed */
};

/* file_due_at / review_due_at: the run's stored deadlines, OD_NO_TIME when
 * it has none (a run made before deadlines were stored, a run not submitted
 * yet); superseded: a newer version of the same period exists (a superseded
 * run is not chased for filing). */
unsigned od_report_todo_at(od_report_state s, int64_t file_due_at, int64_t review_due_at, bool superseded,
                           int64_t now);

#endif
