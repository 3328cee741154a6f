/* metrics.c — Prometheus text metrics: requests by route and status class,
 * one latency histogram, database size.  Counters are process-wide atomics
 * on purpose (one registry per process, as Prometheus clients do). */
#include "app/cluster.h"
#include "app/sched_metrics.h"
#include "http/http.h"
#include "notify/dispatcher.h"
#include "sched/backup_sched.h"
#include "util/sbuf.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUTES_MAX 256
#define CODES 6 /* 1xx..5xx, index by status/100; 0 = other */

static _Atomic uint64_t requests[ROUTES_MAX + 1][CODES];
static const double buckets[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NB (sizeof buckets / sizeof buckets[0])
static _Atomic uint64_t hist[NB + 1];
static _Atomic uint64_t hist_count;
static _Atomic uint64_t hist_sum_us;

void od_metrics_observe(size_t route_idx, int status, double seconds)
{
    if (route_idx > ROUTES_MAX)
        route_idx = ROUTES_MAX;
    int c = status / 100;
    if (c < 1 || c > 5)
        c = 0;
    atomic_fetch_add(&requests[route_idx][c], 1);
    size_t b = 0;
    while (b < NB && seconds > buckets[b])
        b++;
    atomic_fetch_add(&hist[b], 1);
    atomic_fetch_add(&hist_count, 1);
    atomic_fetch_add(&hist_sum_us, (uint64_t)(seconds * 1e6));
}

static const char *build_version = "unknown", *build_commit = "unknown";

void od_metrics_set_build(const char *version, const char *commit)
{
    build_version = version;
    build_commit = commit;
}

char *od_metrics_render(od_app *app)
{
    od_sbuf b = {0};
    od_sbuf_printf(&b,
                   "# HELP opsdesk_build_info The running binary: version, commit and database schema.\n"
                   "# TYPE opsdesk_build_info gauge\n"
                   "opsdesk_build_info{version=\"%s\",commit=\"%s\",schema=\"%d\"} 1\n",
                   build_version, build_commit, od_app_schema_version(app));
    od_sbuf_printf(&b, "# HELP opsdesk_http_requests_total HTTP requests by route and status class.\n"
                       "# TYPE opsdesk_http_requests_total counter\n");
    size_t n = od_routes_count();
    for (size_t i = 0; i <= n && i <= ROUTES_MAX; i++)
        for (int c = 0; c < CODES; c++) {
            uint64_t v = atomic_load(&requests[i][c]);
            if (!v)
                continue;
            const char *m = i < n ? od_routes[i].method : "";
            const char *p = i < n ? od_routes[i].pattern : "unmatched";
            od_sbuf_printf(&b, "opsdesk_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %llu\n",
                           m, p, c ? (const char *[]){"", "1xx", "2xx", "3xx", "4xx", "5xx"}[c] : "other",
                           (unsigned long long)v);
        }
    od_sbuf_printf(&b, "# HELP opsdesk_http_request_duration_seconds Request latency.\n"
                       "# TYPE opsdesk_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t i = 0; i < NB; i++) {
        cum += atomic_load(&hist[i]);
        od_sbuf_printf(&b, "opsdesk_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i],
                       (unsigned long long)cum);
    }
    cum += atomic_load(&hist[NB]);
    od_sbuf_printf(&b, "opsdesk_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                   (unsigned long long)cum);
    od_sbuf_printf(&b, "opsdesk_http_request_duration_seconds_sum %.6f\n",
                   (double)atomic_load(&hist_sum_us) / 1e6);
    od_sbuf_printf(&b, "opsdesk_http_request_duration_seconds_count %llu\n",
                   (unsigned long long)atomic_load(&hist_count));
    od_sbuf_printf(&b,
                   "# HELP opsdesk_database_size_bytes Size of the database files.\n"
                   "# TYPE opsdesk_database_size_bytes gauge\nopsdesk_database_size_bytes %lld\n",
                   (long long)od_app_store_size(app));
    char *dm = od_dispatcher_metrics(app->dispatcher);
    if (dm) {
        od_sbuf_puts(&b, dm);
        free(dm);
    }
    char *nm = od_app_node_metrics(app); /* this node: clock offset, readiness */
    if (nm) {
        od_sbuf_puts(&b, nm);
        free(nm);
    }
    char *sm = od_sched_metrics(app); /* the deadline scheduler's lag */
    if (sm) {
        od_sbuf_puts(&b, sm);
        free(sm);
    }
    char *bm = od_backup_sched_metrics(app->backup_sched); /* scheduled backups */
    if (bm) {
        od_sbuf_puts(&b, bm);
        free(bm);
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
