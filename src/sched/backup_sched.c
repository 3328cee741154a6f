/* backup_sched.c — the daily backup runner; the contract is in
 * backup_sched.h.  One thread waits (wall clock, at most a minute at a time)
 * until the next run time of the app clock; with a manual clock it only
 * waits for stop and od_backup_sched_advance does the work.  The thread's
 * lifecycle is util/worker.h; `run_mu` makes one backup at a time; `mu`
 * guards the next run time and the statistics. */
#include "sched/backup_sched.h"
#include "app/backups.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/worker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DAY_MS INT64_C(86400000)
#define DEFAULT_AT "02:00+08:00"
#define DEFAULT_KEEP 14

struct od_backup_sched {
    od_app *app;
    char *dir;
    int minute_utc, keep;
    od_backup_keyring *key;
    od_worker w;
    pthread_mutex_t mu; /* next, statistics */
    pthread_mutex_t run_mu;
    int64_t next; /* app-clock ms of the next run */
    uint64_t ok, failed;
    int64_t last_ok_at; /* app-clock ms, 0 = never */
    long long last_size;
    double last_seconds;
};

static bool two_digits(const char *s, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

od_err od_backup_at_parse(const char *s, int *minute_utc, od_error *e)
{
    int h, m, oh = 0, om = 0, sign = 1;
    bool ok =
        s && strlen(s) >= 5 && two_digits(s, &h) && s[2] == ':' && two_digits(s + 3, &m) && h < 24 && m < 60;
    if (ok && s[5]) {
        const char *z = s + 5;
        if (strcmp(z, "Z") == 0)
            ;
        else if ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && two_digits(z + 1, &oh) && z[3] == ':' &&
                 two_digits(z + 4, &om) && oh < 24 && om < 60)
            sign = z[0] == '-' ? -1 : 1;
        else
            ok = false;
    }
    if (!ok)
        return od_error_set(
            e, OD_E_INVALID, "backup-at",
            "--backup-at 须为 HH:MM（UTC）或 HH:MM+08:00 (--backup-at must be HH:MM in UTC or "
            "HH:MM+08:00): %s",
            s ? s : "");
    int local = h * 60 + m, off = sign * (oh * 60 + om);
    *minute_utc = ((local - off) % 1440 + 1440) % 1440;
    return OD_OK;
}

int64_t od_backup_next_run(int64_t now_ms, int minute_utc)
{
    int64_t day = now_ms >= 0 ? now_ms / DAY_MS : (now_ms - DAY_MS + 1) / DAY_MS;
    int64_t t = day * DAY_MS + (int64_t)minute_utc * 60000;
    while (t <= now_ms)
        t += DAY_MS;
    return t;
}

/* One backup named at `at` (app-clock ms), then rotation; statistics and log. */
static void run(od_backup_sched *b, int64_t at)
{
    char path[4096] = "";
    od_error e = {0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    od_err rc = od_app_backup_scheduled(b->app, b->key, b->dir, b->keep, at, path, sizeof path, &e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct stat st;
    long long size = (!rc && stat(path, &st) == 0) ? (long long)st.st_size : 0;
    pthread_mutex_lock(&b->mu);
    if (rc) {
        b->failed++;
    } else {
        b->ok++;
        b->last_ok_at = at;
        b->last_size = size;
        b->last_seconds = secs;
    }
    pthread_mutex_unlock(&b->mu);
    if (rc)
        od_errorlog("定时备份失败 scheduled backup failed (%s): %s; next try at the next scheduled time",
                    path, e.message[0] ? e.message : od_err_str(rc));
    else
        od_info("定时备份已写入 scheduled backup written: %s (%lld bytes, %.2f s, keeping %d)", path, size,
                secs, b->keep);
}

/* If the run time has come by now: run once at the latest due time and
 * move `next` past now.  Caller holds run_mu. */
static void run_if_due(od_backup_sched *b, int64_t now)
{
    pthread_mutex_lock(&b->mu);
    int64_t due = 0;
    while (b->next <= now) {
        due = b->next;
        b->next = od_backup_next_run(b->next, b->minute_utc);
    }
    pthread_mutex_unlock(&b->mu);
    if (due)
        run(b, due);
}

static void *loop(void *arg)
{
    od_backup_sched *b = arg;
    od_app *a = b->app;
    while (od_worker_round(&b->w)) {
        pthread_mutex_lock(&b->mu);
        int64_t next = b->next;
        pthread_mutex_unlock(&b->mu);
        if (!a->clock.manual && od_app_now(a) >= next) {
            pthread_mutex_lock(&b->run_mu);
            run_if_due(b, od_app_now(a));
            pthread_mutex_unlock(&b->run_mu);
            continue;
        }
        int64_t wait = a->clock.manual ? 60000 : next - od_app_now(a);
        if (wait > 60000)
            wait = 60000;
        if (wait < 1)
            wait = 1;
        od_worker_wait(&b->w, wait);
    }
    return NULL;
}

od_err od_backup_sched_start(od_app *a, const od_backup_sched_opts *o, od_backup_sched **out, od_error *e)
{
    *out = NULL;
    struct stat st;
    if (!o->dir || stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(o->dir, W_OK | X_OK) != 0)
        return od_error_set(e, OD_E_INVALID, "backup-dir",
                            "备份目录不存在或不可写 (backup directory missing or not "
                            "writable): %s",
                            o->dir ? o->dir : "");
    if (!o->key_file)
        return od_error_set(e, OD_E_INVALID, "backup-key-file",
                            "定时备份需要 --backup-key-file (scheduled backups need --backup-key-file)");
    if (o->keep < 0)
        return od_error_set(e, OD_E_INVALID, "backup-keep",
                            "--backup-keep 至少为 1 (--backup-keep must be at least 1)");
    int minute = 0;
    od_err rc = od_backup_at_parse(o->at ? o->at : DEFAULT_AT, &minute, e);
    if (rc)
        return rc;
    od_backup_sched *b = calloc(1, sizeof *b);
    if (!b || !(b->dir = strdup(o->dir))) {
        free(b);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    rc = od_backup_keyring_load(o->key_file, &b->key, e);
    if (rc) {
        snprintf(e->field, sizeof e->field, "backup-key-file");
        free(b->dir);
        free(b);
        return rc;
    }
    b->app = a;
    b->minute_utc = minute;
    b->keep = o->keep ? o->keep : DEFAULT_KEEP;
    b->next = od_backup_next_run(od_app_now(a), minute);
    pthread_mutex_init(&b->mu, NULL);
    pthread_mutex_init(&b->run_mu, NULL);
    rc = od_worker_start(&b->w, loop, b, "backup", e);
    if (rc) {
        od_backup_keyring_free(b->key);
        pthread_mutex_destroy(&b->mu);
        pthread_mutex_destroy(&b->run_mu);
        free(b->dir);
        free(b);
        return rc;
    }
    char t[OD_TIME_STR_MAX];
    od_info("定时备份 scheduled backups: %s, daily at %02d:%02d UTC (next %s), keeping %d", b->dir,
            minute / 60, minute % 60, od_time_format(b->next, t), b->keep);
    *out = b;
    return OD_OK;
}

void od_backup_sched_stop(od_backup_sched *b)
{
    if (!b)
        return;
    od_worker_stop(&b->w);
    od_backup_keyring_free(b->key);
    pthread_mutex_destroy(&b->mu);
    pthread_mutex_destroy(&b->run_mu);
    free(b->dir);
    free(b);
}

od_err od_backup_sched_advance(od_backup_sched *b, int64_t now, od_error *e)
{
    (void)e;
    if (!b)
        return OD_OK;
    pthread_mutex_lock(&b->run_mu);
    run_if_due(b, now);
    pthread_mutex_unlock(&b->run_mu);
    return OD_OK;
}

char *od_backup_sched_metrics(od_backup_sched *b)
{
    if (!b)
        return NULL;
    od_sbuf s = {0};
    pthread_mutex_lock(&b->mu);
    od_sbuf_printf(
        &s,
        "# HELP opsdesk_backup_runs_total Scheduled backups by result since start.\n"
        "# TYPE opsdesk_backup_runs_total counter\n"
        "opsdesk_backup_runs_total{result=\"ok\"} %llu\n"
        "opsdesk_backup_runs_total{result=\"error\"} %llu\n"
        "# HELP opsdesk_backup_last_success_timestamp_seconds Time of the last good scheduled backup "
        "(0 = none since start).\n"
        "# TYPE opsdesk_backup_last_success_timestamp_seconds gauge\n"
        "opsdesk_backup_last_success_timestamp_seconds %.3f\n"
        "# HELP opsdesk_backup_last_size_bytes Size of the last good backup file.\n"
        "# TYPE opsdesk_backup_last_size_bytes gauge\n"
        "opsdesk_backup_last_size_bytes %lld\n"
        "# HELP opsdesk_backup_last_duration_seconds How long the last good backup took.\n"
        "# TYPE opsdesk_backup_last_duration_seconds gauge\n"
        "opsdesk_backup_last_duration_seconds %.3f\n"
        "# HELP opsdesk_backup_next_run_timestamp_seconds When the next scheduled backup runs.\n"
        "# TYPE opsdesk_backup_next_run_timestamp_seconds gauge\n"
        "opsdesk_backup_next_run_timestamp_seconds %.3f\n",
        (unsigned long long)b->ok, (unsigned long long)b->failed, (double)b->last_ok_at / 1000.0,
        b->last_size, b->last_seconds, (double)b->next / 1000.0);
    pthread_mutex_unlock(&b->mu);
    if (s.oom) {
        free(s.p);
        return NULL;
    }
    return s.p;
}
