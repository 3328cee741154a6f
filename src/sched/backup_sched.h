/* backup_sched.h — scheduled daily backups (R-SEC-SYS-4; `opsdesk serve
 * --backup-dir DIR --backup-key-file F [--backup-at HH:MM] [--backup-keep N]`).
 *
 * Once a day at the configured time of day the server writes an encrypted
 * online backup (store/backup.h, od_backup_create) named
 * opsdesk-YYYYMMDD-HHMMSS.odbk (UTC) into DIR, then keeps the newest N such
 * files (od_backup_rotate).  The time comes from the app clock: with the
 * system clock a thread sleeps until the next run; with the test clock the
 * thread stays idle and od_backup_sched_advance (called by POST
 * /api/v1/test/clock) runs a backup when the clock passes the time, so a test
 * triggers "a day later" at once.  A failure is logged (never with key
 * material), counted in /metrics and retried at the next day's time.
 * Threading: one thread; advance and the thread are serialized. */
#ifndef OD_BACKUP_SCHED_H
#define OD_BACKUP_SCHED_H

#include "app/app.h"

typedef struct od_backup_sched od_backup_sched;

typedef struct od_backup_sched_opts {
    const char *dir;      /* must exist and be writable */
    const char *key_file; /* the whole-key text form (docs/backup.md) */
    const char *at;       /* "HH:MM" in UTC, or "HH:MM+08:00" / "HH:MM-05:00"; NULL = "02:00+08:00" */
    int keep;             /* newest files kept, >= 1; 0 = 14 */
} od_backup_sched_opts;

/* Parses --backup-at into minutes after 00:00 UTC (0..1439).  OD_E_INVALID
 * (field "backup-at") for anything else. */
OD_NODISCARD od_err od_backup_at_parse(const char *s, int *minute_utc, od_error *e);

/* The first time strictly after now_ms that is minute_utc minutes after a
 * UTC midnight.  Pure. */
int64_t od_backup_next_run(int64_t now_ms, int minute_utc);

/* Checks the options (the key file loads, the directory is writable), then
 * starts the thread.  a is borrowed and must outlive the scheduler.  Errors
 * carry field "backup-dir", "backup-key-file", "backup-at" or "backup-keep". */
OD_NODISCARD od_err od_backup_sched_start(od_app *a, const od_backup_sched_opts *o, od_backup_sched **out,
                                          od_error *e);
/* Stops and joins the thread (after a backup in progress), wipes the key.  NULL-safe. */
void od_backup_sched_stop(od_backup_sched *b);

/* Test clock: if the run time has come by `now`, makes one backup named at
 * that time (several missed days give one backup, as after a suspend) and
 * rotates.  A failed backup is recorded like a scheduled one and does not
 * fail the call.  b NULL → OD_OK. */
OD_NODISCARD od_err od_backup_sched_advance(od_backup_sched *b, int64_t now, od_error *e);

/* Prometheus text (opsdesk_backup_runs_total{result}, _last_success_timestamp_seconds,
 * _last_size_bytes, _last_duration_seconds, _next_run_timestamp_seconds);
 * malloc'd, the caller frees; NULL when b is NULL. */
char *od_backup_sched_metrics(od_backup_sched *b);

#endif
