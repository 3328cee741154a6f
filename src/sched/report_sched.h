/* report_sched.h — scheduled O&M reports (R-SLA-2; `opsdesk serve
 * --report-schedule`): each report of the policy's sla.reports generated at its
 * schedule (shipped: weekly from Monday 08:00, monthly, quarterly and annual
 * from the first working day 08:00, Beijing time) for the period before, as
 * version 1 (app/om_reports.h od_report_generate_scheduled; once across
 * nodes).  With the system clock a thread checks once a minute; with the test
 * clock the thread stays idle and od_report_sched_advance (called by POST
 * /api/v1/test/clock) checks at once.  A failure is logged and tried again
 * at the next check.  Threading: one thread; advance and the thread are
 * serialized. */
#ifndef OD_REPORT_SCHED_H
#define OD_REPORT_SCHED_H

#include "app/app.h"

typedef struct od_report_sched od_report_sched;

/* Starts the thread; a is borrowed and must outlive the scheduler. */
OD_NODISCARD od_err od_report_sched_start(od_app *a, od_report_sched **out, od_error *e);
/* Stops and joins the thread.  NULL-safe. */
void od_report_sched_stop(od_report_sched *s);
/* Test clock: generates what is due at now.  s NULL → OD_OK. */
OD_NODISCARD od_err od_report_sched_advance(od_report_sched *s, int64_t now, od_error *e);

#endif
