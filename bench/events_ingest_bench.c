/* events_ingest_bench.c — the writer's side of event ingestion without HTTP
 * CPU and wall time per event of od_events_ingest
 * (the group commit: one transaction for G requests of B Alertmanager
 * alerts each, synchronous=FULL), and of parsing those bodies
 * (od_ingest_parse_alertmanager + od_ingest_raw_spans), on a fresh database
 * with the embedded default policy.  Bodies are the ones bench/events_wrk.lua
 * sends (distinct: every alert a new fingerprint; repeat: the same B alerts).
 *
 * Usage: events_ingest_bench [-k distinct|repeat] [-b 100] [-g 32] [-n 200000] [-d DIR] [-w 0]
 * -w N: N active maintenance windows first, 3 matchers each (2 regexes), none
 * matching the alerts (bench/results.md "Window matchers").
 * Prints one line: events, transactions, writer CPU µs/event, wall µs/event,
 * parse CPU µs/event, database + WAL size. */
#include "app/app.h"
#include "app/events.h"
#include "policy/policy_load.h"
#include "ingest/parse.h"
#include "store/store.h"
#include "util/embed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* The thread's CPU time, to the nanosecond (getrusage's is cut into the
 * scheduler's ticks: a parse of 32 one-alert bodies, ~100 µs, read as
 * nothing) */
static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what, const od_error *e)
{
    fprintf(stderr, "events_ingest_bench: %s: %s\n", what, e ? e->message : "");
    exit(1);
}

/* The body bench/events_wrk.lua sends for request number `counter`. */
static size_t body(char *buf, size_t cap, bool repeat, int batch, long counter)
{
    size_t n = (size_t)snprintf(buf, cap, "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[");
    for (int i = 1; i <= batch; i++) {
        char inst[64];
        if (repeat)
            snprintf(inst, sizeof inst, "r-%d", i);
        else
            snprintf(inst, sizeof inst, "h-1-%ld-%d", counter, i);
        n += (size_t)snprintf(
            buf + n, cap - n,
            "%s{\"labels\":{\"alertname\":\"Bench%ld\",\"instance\":\"%s\",\"severity\":\"warning\"},"
            "\"annotations\":{\"summary\":\"bench alert\"},\"startsAt\":\"2026-05-01T10:00:00Z\","
            "\"status\":\"firing\"}",
            i > 1 ? "," : "", repeat ? (long)(i % 100) : (counter + i) % 100, inst);
    }
    n += (size_t)snprintf(buf + n, cap - n, "]}");
    return n;
}

int main(int argc, char **argv)
{
    const char *kind = "distinct", *dir = "/tmp";
    int batch = 100, group = 32, windows = 0;
    long total = 200000;
    int opt;
    while ((opt = getopt(argc, argv, "k:b:g:n:d:w:")) != -1) {
        switch (opt) {
        case 'k':
            kind = optarg;
            break;
        case 'b':
            batch = atoi(optarg);
            break;
        case 'g':
            group = atoi(optarg);
            break;
        case 'n':
            total = atol(optarg);
            break;
        case 'd':
            dir = optarg;
            break;
        case 'w':
            windows = atoi(optarg);
            break;
        default:
            fprintf(
                stderr,
                "usage: events_ingest_bench [-k distinct|repeat] [-b 100] [-g 32] [-n 200000] [-d DIR]\n");
            return 2;
        }
    }
    bool repeat = strcmp(kind, "repeat") == 0;
    if (batch < 1 || batch > 1000 || group < 1 || group > 1000)
        die("bad -b/-g", NULL);
    char path[512], side[600];
    snprintf(path, sizeof path, "%s/evbench-%d.db", dir, (int)getpid());
    od_error e = {0};
    od_store *st = NULL;
    if (od_store_open(path, &st, &e))
        die("store open", &e);
    const struct od_embedded_file *f = od_embed_find(od_embedded_policy, "default.yaml");
    od_policy *pol = NULL;
    od_policy_diags d = {0};
    if (!f || od_policy_load_buffer((const char *)f->data, f->len, &pol, &d))
        die("policy", NULL);
    od_app *a = NULL;
    if (od_app_new(st, pol, "embedded:default.yaml", false, &a, &e))
        die("app", &e);
    od_event_writer *w = od_event_writer_new();
    if (!w)
        die("writer", NULL);

    od_principal sys;
    od_principal_system(&sys);
    for (int wi = 0; wi < windows; wi++) {
        char t[OD_TIME_STR_MAX], u[OD_TIME_STR_MAX], re1[32], re2[32];
        snprintf(re1, sizeof re1, "Maint%02d.*", wi);
        snprintf(re2, sizeof re2, "host-%d-[0-9]+", wi);
        json_t *wb = json_pack("{ss ss ss s[{ss ss sb} {ss ss sb} {ss ss}]}", "name", "bench", "starts_at",
                               od_time_format(od_app_now(a) - 60000, t), "ends_at",
                               od_time_format(od_app_now(a) + 86400000LL * 365, u), "matchers", "name",
                               "alertname", "value", re1, "regex", 1, "name", "instance", "value", re2,
                               "regex", 1, "name", "env", "value", "staging");
        json_t *out = NULL;
        if (od_window_create(a, &sys, wb, &out, &e))
            die("window", &e);
        json_decref(out);
        json_decref(wb);
    }
    size_t cap = (size_t)batch * 400 + 256;
    char *buf = malloc(cap);
    od_ingest_item *items = calloc((size_t)group, sizeof *items);
    long counter = 0, events = 0, txs = 0;
    double parse_cpu = 0, ingest_cpu = 0, t0 = mono_us();
    while (events < total) {
        double c0 = cpu_us();
        for (int g = 0; g < group; g++) {
            size_t n = body(buf, cap, repeat, batch, ++counter);
            json_t *j = json_loadb(buf, n, JSON_REJECT_DUPLICATES, NULL);
            od_event_batch *b = od_event_batch_new("alertmanager", 1);
            if (!j || !b || od_ingest_parse_alertmanager(j, b, &e))
                die("parse", &e);
            od_ingest_raw_spans(b, buf, n, "alerts");
            json_decref(j); /* the batch keeps its own references */
            items[g] = (od_ingest_item){.batch = b};
        }
        double c1 = cpu_us();
        if (od_events_ingest(a, w, items, (size_t)group, &e))
            die("ingest", &e);
        od_store_checkpoint_idle(a->store);
        double c2 = cpu_us();
        for (int g = 0; g < group; g++) {
            if (items[g].rc)
                die("item", &items[g].err);
            free(items[g].result);
            od_event_batch_free(items[g].batch);
        }
        parse_cpu += c1 - c0;
        ingest_cpu += c2 - c1;
        events += (long)group * batch;
        txs++;
    }
    double wall = mono_us() - t0;
    int64_t size = od_store_size(a->store);
    printf(
        "%s b=%d g=%d w=%d: %ld events, %ld tx: writer %.2f us/event CPU, %.2f us/event wall (incl. parse), "
        "parse %.2f us/event, db+wal %.0f MB\n",
        kind, batch, group, windows, events, txs, ingest_cpu / (double)events, wall / (double)events,
        parse_cpu / (double)events, (double)size / 1e6);
    free(buf);
    free(items);
    od_event_writer_free(w);
    od_app_free(a);
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return 0;
}
