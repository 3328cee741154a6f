/* sched_bench.c — deadline runner throughput against the number of pending
 * deadlines ("Tests and figures": time per fired deadline must not
 * grow with the pending count).
 *
 * For each N (default 1 000, 100 000, 1 000 000) on a fresh temporary store:
 *   - one CI and two incidents through the app API (system principal);
 *     incident A holds the N pending rows, incident B is set to "closed" and
 *     holds the due rows;
 *   - N pending deadline rows due far in the future (DL_INSERT, batched);
 *   - then, RUNS times: K rows of kind progress_remind due now are inserted
 *     on B (one transaction) and od_sched_run_due(now) is timed.  On a closed
 *     incident a progress_remind only marks the row done, so the figure is
 *     the scheduler's own cost: find the next due row by index, load the row
 *     and the incident, mark it fired, commit (synchronous=FULL).
 *   - the empty probe: od_sched_run_due(now) with nothing due, PROBES times
 *     (one indexed lookup in a read transaction, no commit).
 * Prints µs per fired deadline (median of RUNS) and the ratio to the first N.
 *
 * Usage: sched_bench [-n 1000,100000,1000000] [-k 2000] [-r 5] [-p 20000] [-d DIR] [-q]
 * Uses only the public store/app/sched interfaces and existing named queries. */
#include "app/app.h"
#include "app/incidents.h"
#include "core/policy.h"
#include "sched/sched.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZES 8
#define MAX_RUNS 31
#define BATCH 10000

static double mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* user + system CPU time of this process: excludes waiting for fsync */
static double cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, const od_error *e)
{
    fprintf(stderr, "sched_bench: %s: %s\n", what, e && e->message[0] ? e->message : "failed");
    exit(1);
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Inserts count deadline rows on incident inc: fire_at = first + i * step. */
static void insert_rows(od_app *a, int64_t inc, const char *kind, int64_t count, int64_t first, int64_t step)
{
    od_error e = {0};
    for (int64_t done = 0; done < count;) {
        od_tx *tx = NULL;
        if (od_tx_begin(a->store, true, &tx, &e))
            die("begin", &e);
        int64_t end = done + BATCH < count ? done + BATCH : count;
        for (; done < end; done++) {
            int64_t t = first + done * step;
            if (od_tx_exec(
                    tx, OD_Q_DL_INSERT, &e,
                    OD_BINDS(OD_INT(inc), OD_TEXT(kind), OD_NULL(), OD_INT(t), OD_INT_OR_NULL(t, t != 0)))) {
                od_tx_rollback(tx);
                die("insert deadline", &e);
            }
        }
        if (od_tx_commit(tx, &e))
            die("commit", &e);
    }
}

static int64_t create_incident(od_app *a, const od_principal *sys, int64_t ci, const char *title)
{
    od_error e = {0};
    json_t *ids = json_pack("[I]", (json_int_t)ci), *out = NULL;
    od_incident_input in = {.title = title,
                            .location = "bench",
                            .symptoms = "bench",
                            .impact_scope = "bench",
                            .ci_ids = ids,
                            .severity = "minor"};
    if (od_incident_create(a, sys, &in, &out, &e))
        die("incident create", &e);
    int64_t id = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(ids);
    return id;
}

typedef struct result {
    int64_t n, k;
    double us_per_fire, min_us, max_us, cpu_per_fire, probe_us, fill_s;
    int64_t db_bytes, wal_bytes;
} result;

static result bench_one(const char *dir, int64_t n, int64_t k, int runs, int probes, bool quiet)
{
    result res = {.n = n, .k = k};
    od_error e = {0};
    char path[512];
    snprintf(path, sizeof path, "%s/sched-%lld.db", dir, (long long)n);
    unlink(path);
    char side[600];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);

    od_store *st = NULL;
    if (od_store_open(path, &st, &e))
        die("store open", &e);
    od_policy *pol = od_policy_new_default();
    if (!pol)
        die("policy", NULL);
    od_app *a = NULL;
    if (od_app_new(st, pol, "embedded:default.yaml", true, &a, &e))
        die("app", &e);
    od_principal sys;
    od_principal_system(&sys);

    od_ci_input ci = {.name = "bench-switch", .category = "network", .grade = "L3", .department = "运行部"};
    json_t *out = NULL;
    if (od_ci_create(a, &sys, &ci, &out, &e))
        die("ci create", &e);
    int64_t ci_id = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    int64_t inc_a = create_incident(a, &sys, ci_id, "bench: holds the pending deadlines");
    int64_t inc_b = create_incident(a, &sys, ci_id, "bench: closed, holds the due deadlines");
    int64_t now = od_app_now(a);
    {
        od_tx *tx = NULL;
        if (od_tx_begin(a->store, true, &tx, &e) ||
            od_tx_exec(tx, OD_Q_INC_SET_STATE, &e, OD_BINDS(OD_TEXT("closed"), OD_INT(now), OD_INT(inc_b))))
            die("close incident", &e);
        if (od_tx_commit(tx, &e))
            die("commit", &e);
    }

    /* N pending rows from one day ahead, spread over about a year */
    double t0 = mono_us();
    insert_rows(a, inc_a, "progress", n, now + 86400000LL, 31);
    res.fill_s = (mono_us() - t0) / 1e6;
    od_store_checkpoint(a->store); /* measure from a checkpointed file, as after a restart */

    double per[MAX_RUNS];
    double cpu[MAX_RUNS];
    double probe[MAX_RUNS];
    for (int r = 0; r < runs; r++) {
        /* re-arm: K fresh rows due at or before now (fired rows keep fire_at NULL
         * and leave the partial index) */
        insert_rows(a, inc_b, "progress_remind", k, now - k, 1);
        int fired = 0;
        double c = cpu_us();
        double s = mono_us();
        if (od_sched_run_due(a, now, &fired, &e))
            die("run_due", &e);
        double el = mono_us() - s;
        cpu[r] = (cpu_us() - c) / (double)k;
        if (fired != k) {
            fprintf(stderr, "sched_bench: expected %lld fired, got %d\n", (long long)k, fired);
            exit(1);
        }
        per[r] = el / (double)fired;
        /* the empty probe: nothing due */
        s = mono_us();
        for (int i = 0; i < probes; i++) {
            if (od_sched_run_due(a, now, &fired, &e))
                die("run_due (empty)", &e);
            if (fired) {
                fprintf(stderr, "sched_bench: empty probe fired %d\n", fired);
                exit(1);
            }
        }
        probe[r] = (mono_us() - s) / probes;
        if (!quiet)
            fprintf(stderr, "  N=%lld run %d: %.1f us/fired (cpu %.1f us), empty probe %.2f us\n",
                    (long long)n, r + 1, per[r], cpu[r], probe[r]);
    }
    double sorted[MAX_RUNS];
    memcpy(sorted, per, sizeof per);
    res.us_per_fire = median(sorted, runs);
    res.min_us = sorted[0];
    res.max_us = sorted[runs - 1];
    res.probe_us = median(probe, runs);
    res.cpu_per_fire = median(cpu, runs);
    od_store_checkpoint(a->store); /* size of the main file after a WAL checkpoint */
    res.db_bytes = file_size(path);
    snprintf(side, sizeof side, "%s-wal", path);
    res.wal_bytes = file_size(side);

    od_app_free(a); /* closes the store (checkpoint) and frees the policy */
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return res;
}

static void usage(void)
{
    fprintf(stderr, "usage: sched_bench [-n N1,N2,...] [-k fired] [-r runs] [-p probes] [-d dir] [-q]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int64_t sizes[MAX_SIZES] = {1000, 100000, 1000000};
    int n_sizes = 3, runs = 5, probes = 20000;
    int64_t k = 2000;
    const char *dir = NULL;
    bool quiet = false;
    int opt;
    while ((opt = getopt(argc, argv, "n:k:r:p:d:q")) != -1) {
        char *end = NULL;
        switch (opt) {
        case 'n': {
            n_sizes = 0;
            const char *s = optarg;
            while (*s && n_sizes < MAX_SIZES) {
                errno = 0;
                long long v = strtoll(s, &end, 10);
                if (errno || end == s || v < 0)
                    usage();
                sizes[n_sizes++] = v;
                s = *end == ',' ? end + 1 : end;
                if (*end && *end != ',')
                    usage();
            }
            break;
        }
        case 'k':
            k = strtoll(optarg, &end, 10);
            if (!end || *end || k <= 0)
                usage();
            break;
        case 'r':
            runs = (int)strtol(optarg, &end, 10);
            if (!end || *end || runs < 1 || runs > MAX_RUNS)
                usage();
            break;
        case 'p':
            probes = (int)strtol(optarg, &end, 10);
            if (!end || *end || probes < 1)
                usage();
            break;
        case 'd':
            dir = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        default:
            usage();
        }
    }
    char tmpl[] = "/tmp/opsdesk-sched-bench-XXXXXX";
    bool own_dir = false;
    if (!dir) {
        dir = mkdtemp(tmpl);
        if (!dir) {
            perror("mkdtemp");
            return 1;
        }
        own_dir = true;
    }
    result res[MAX_SIZES];
    for (int i = 0; i < n_sizes; i++) {
        if (!quiet)
            fprintf(stderr, "N=%lld: filling...\n", (long long)sizes[i]);
        res[i] = bench_one(dir, sizes[i], k, runs, probes, quiet);
        if (!quiet)
            fprintf(stderr, "N=%lld: filled in %.1f s\n", (long long)sizes[i], res[i].fill_s);
    }
    printf("sched_bench: od_sched_run_due, K=%lld progress_remind rows due on a closed incident, "
           "median of %d runs [min..max]; empty probe = run_due with nothing due (x%d)\n",
           (long long)k, runs, probes);
    printf("store: %s\n", dir);
    printf("%10s %7s %28s %6s %13s %6s %14s %6s %8s\n", "pending N", "fired K", "wall us/fired [min..max]",
           "ratio", "cpu us/fired", "ratio", "empty probe us", "ratio", "DB MB");
    for (int i = 0; i < n_sizes; i++) {
        char range[64];
        snprintf(range, sizeof range, "%.1f [%.1f..%.1f]", res[i].us_per_fire, res[i].min_us, res[i].max_us);
        printf("%10lld %7lld %28s %6.2f %13.1f %6.2f %14.2f %6.2f %8.1f\n", (long long)res[i].n,
               (long long)res[i].k, range, res[i].us_per_fire / res[0].us_per_fire, res[i].cpu_per_fire,
               res[i].cpu_per_fire / res[0].cpu_per_fire, res[i].probe_us, res[i].probe_us / res[0].probe_us,
               (double)(res[i].db_bytes + res[i].wal_bytes) / 1e6);
    }
    if (own_dir)
        rmdir(dir);
    return 0;
}
