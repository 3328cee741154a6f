/* sched_metrics.c — see sched_metrics.h. */
#include "app/sched_metrics.h"
#include "util/sbuf.h"

#include <stdatomic.h>
#include <stdlib.h>

/* seconds: a deadline is normally fired within the scheduler's wake-up (a
 * few ms); seconds mean a busy or stalled node, minutes a stopped one */
static const double bounds[] = {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300};
#define NB (sizeof bounds / sizeof bounds[0])
static _Atomic uint64_t counts[NB + 1];
static _Atomic uint64_t total;
static _Atomic uint64_t sum_ms;
static _Atomic int64_t last_ms;

void od_sched_lag_observe(int64_t lag_ms)
{
    if (lag_ms < 0)
        lag_ms = 0;
    size_t b = 0;
    while (b < NB && (double)lag_ms / 1000.0 > bounds[b])
        b++;
    atomic_fetch_add(&counts[b], 1);
    atomic_fetch_add(&total, 1);
    atomic_fetch_add(&sum_ms, (uint64_t)lag_ms);
    atomic_store(&last_ms, lag_ms);
}

char *od_sched_metrics(od_app *a)
{
    od_sbuf b = {0};
    od_sbuf_puts(&b,
                 "# HELP opsdesk_scheduler_lag_seconds How late deadlines fired: their due fire time to the "
                 "firing.\n# TYPE opsdesk_scheduler_lag_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t i = 0; i < NB; i++) {
        cum += atomic_load(&counts[i]);
        od_sbuf_printf(&b, "opsdesk_scheduler_lag_seconds_bucket{le=\"%g\"} %llu\n", bounds[i],
                       (unsigned long long)cum);
    }
    cum += atomic_load(&counts[NB]);
    od_sbuf_printf(&b, "opsdesk_scheduler_lag_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    od_sbuf_printf(&b, "opsdesk_scheduler_lag_seconds_sum %.3f\n", (double)atomic_load(&sum_ms) / 1000.0);
    od_sbuf_printf(&b, "opsdesk_scheduler_lag_seconds_count %llu\n", (unsigned long long)atomic_load(&total));
    od_sbuf_printf(
        &b,
        "# HELP opsdesk_scheduler_last_lag_seconds How late the last deadline this node fired was.\n"
        "# TYPE opsdesk_scheduler_last_lag_seconds gauge\nopsdesk_scheduler_last_lag_seconds %.3f\n",
        (double)atomic_load(&last_ms) / 1000.0);
    /* the oldest deadline due and not fired yet, by this node's clock */
    int64_t next = INT64_MAX, now = od_app_now(a);
    od_error e = {0};
    bool known = od_app_next_fire(a, &next, &e) == OD_OK;
    if (known) {
        od_sbuf_printf(
            &b,
            "# HELP opsdesk_scheduler_oldest_overdue_seconds Age of the oldest deadline due and not "
            "fired yet (0: none).\n# TYPE opsdesk_scheduler_oldest_overdue_seconds gauge\n"
            "opsdesk_scheduler_oldest_overdue_seconds %.3f\n",
            next != INT64_MAX && next < now ? (double)(now - next) / 1000.0 : 0.0);
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
