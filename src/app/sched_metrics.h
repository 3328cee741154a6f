/* sched_metrics.h — the deadline scheduler's lag for /metrics: how late each
 * deadline fired (its fire_at to the moment it fired, by the time the
 * firing judged due), and the age of the oldest deadline due and not fired
 * yet.  Process-wide counters, as the HTTP ones (http/metrics.c). */
#ifndef OD_APP_SCHED_METRICS_H
#define OD_APP_SCHED_METRICS_H

#include <stdint.h>

#include "app/app.h"

/* A deadline fired lag_ms after its fire_at (negative counts as 0). */
void od_sched_lag_observe(int64_t lag_ms);

/* Prometheus text: opsdesk_scheduler_lag_seconds (histogram),
 * opsdesk_scheduler_last_lag_seconds and
 * opsdesk_scheduler_oldest_overdue_seconds (0 when nothing is due).  A new
 * string the caller frees, or NULL. */
char *od_sched_metrics(od_app *a);

#endif
