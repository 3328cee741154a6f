/* sched.h — the deadline runner (DESIGN.md "Time").  One thread sleeps until
 * the earliest deadline row's fire_at or until a write wakes it, then hands
 * each due row to od_incident_fire_deadline (one transaction each).  It never
 * scans open incidents: it asks the store for the next due row by index.
 * With a manual (test) clock the thread does not follow wall time; the clock
 * moves only through od_app_advance_clock, which fires everything due up to
 * the new time in order, moving the clock to each due time as it goes.  The
 * thread also re-runs the store's integrity check on a slow period. */
#ifndef OD_SCHED_H
#define OD_SCHED_H

#include "app/app.h"

OD_NODISCARD od_err od_sched_start(od_app *a, od_sched **out, od_error *e);
void od_sched_stop(od_sched *s); /* NULL-safe; joins the thread */
void od_sched_wake(od_sched *s); /* NULL-safe */
/* Fires every row due now (used at start and by the thread). */
OD_NODISCARD od_err od_sched_run_due(od_app *a, int64_t now, int *fired, od_error *e);

#endif
