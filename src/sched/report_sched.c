/* report_sched.c — the scheduled O&M report runner; the contract is in
 * report_sched.h.  One thread (util/worker.h) wakes once a minute of wall
 * time and asks the app for what is due; `mu` makes one check at a time. */
#include "sched/report_sched.h"
#include "app/leases.h"
#include "app/om_reports.h"
#include "app/service_levels.h"
#include "util/log.h"
#include "util/worker.h"

#include <pthread.h>
#include <stdlib.h>

#define CHECK_MS 60000

struct od_report_sched {
    od_app *app;
    od_worker w;
    pthread_mutex_t mu;
};

static void check(od_report_sched *s, int64_t now)
{
    od_error e = {0};
    int made = 0;
    /* several nodes: one at a time, the holder of the job's lease (renewed
     * each check; another node takes it over 3 checks after it expired) */
    if (!od_app_housekeeping(s->app, "om_reports", 3 * CHECK_MS))
        return;
    pthread_mutex_lock(&s->mu);
    od_err rc = od_report_generate_scheduled(s->app, now, &made, &e);
    size_t alerts = 0;
    od_error e2 = {0};
    od_err rc2 = od_sla_budget_alerts(s->app, now, &alerts, &e2);
    od_app_housekeeping_done(s->app); /* its write transactions were fenced by the lease's term */
    pthread_mutex_unlock(&s->mu);
    if (rc)
        od_warn("定时运维报告失败 scheduled O&M report failed: %s", e.message);
    else if (made)
        od_info("定时运维报告 scheduled O&M reports generated: %d", made);
    if (rc2)
        od_warn("停机预算检查失败 downtime budget check failed: %s", e2.message);
    else if (alerts)
        od_info("停机预算提醒 downtime budget alerts queued: %zu", alerts);
}

static void *loop(void *arg)
{
    od_report_sched *s = arg;
    while (od_worker_round(&s->w)) {
        if (!s->app->clock.manual)
            check(s, od_app_now(s->app));
        od_worker_wait(&s->w, CHECK_MS);
    }
    return NULL;
}

od_err od_report_sched_start(od_app *a, od_report_sched **out, od_error *e)
{
    *out = NULL;
    od_report_sched *s = calloc(1, sizeof *s);
    if (!s)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    s->app = a;
    pthread_mutex_init(&s->mu, NULL);
    od_err rc = od_worker_start(&s->w, loop, s, "reports", e);
    if (rc) {
        pthread_mutex_destroy(&s->mu);
        free(s);
        return rc;
    }
    od_info("定时运维报告 scheduled O&M reports: at the schedules of sla.reports (shipped: weekly Monday "
            "08:00, the others the first working day 08:00, UTC+8)");
    *out = s;
    return OD_OK;
}

void od_report_sched_stop(od_report_sched *s)
{
    if (!s)
        return;
    od_worker_stop(&s->w);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

od_err od_report_sched_advance(od_report_sched *s, int64_t now, od_error *e)
{
    (void)e;
    if (s)
        check(s, now);
    return OD_OK;
}
