/* store_sqlite.c — the SQLite backend of store.h (the embedded default).
 * One writer connection guarded by a mutex (writers are serialized, as
 * SQLite requires) and a pool of reader connections (WAL lets them read
 * while the writer writes).  Each connection caches its prepared statements
 * by query id.  Migrations (src/store/migrations/NNNN_*.sql, embedded; not
 * the NNNN_*.pg.sql twins, which are PostgreSQL's) are applied in order at
 * open, each in its own transaction; a database whose schema is newer than
 * the newest migration known is refused.  This file is
 * one table of operations (od_store_sqlite_ops, store_int.h); every
 * function below is reached through it. */
#include "store/store_int.h"
#include "store/fts_bigram.h"
#include "util/embed.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#define READERS_MAX 8
/* The writer's page cache (KiB).  It was 32 MiB while de-duplication wrote
 * an index at random places (a group commit dirtied thousands of its
 * pages); since the key hashes live in memory (migration 0007) the writer
 * appends, and 8 MiB is as fast (events_ingest_bench, 400 k distinct
 * events: 5.8–5.9 µs against 5.9–6.0 µs per event) and leaves the memory to
 * that table.  Readers keep SQLite's default. */
#define WRITER_CACHE_KIB 8192
/* WAL checkpoints: a busy writer asks for them between its
 * transactions (od_store_checkpoint_idle), off the commit path, when the WAL
 * holds about four transactions' worth, between CKPT_PAGES and
 * CKPT_IDLE_PAGES.  Big transactions (batches of alerts) then checkpoint
 * less often, so pages written again and again, as the dedup index's, are
 * copied once (1000 → 8000 pages: the writer from 11.3 to 10.4 µs CPU per
 * event, bench/events_ingest_bench); small ones (one alert per request)
 * keep a small WAL and short pauses (at 8000 pages one alert per request
 * lost a quarter of its throughput and p99 grew 6.5 → 9.5 ms); a commit
 * checkpoints by itself only when nobody has asked yet (at CKPT_PAGES, as
 * SQLite's autocheckpoint) or the WAL has grown past CKPT_HARD_PAGES.
 * (A background checkpointer thread was tried: on ext4 its database writes
 * made the WAL's fdatasync slower and nothing was gained.) */
#define CKPT_PAGES 1000
#define CKPT_IDLE_PAGES 8000
#define CKPT_HARD_PAGES 16000

static const char *const query_sql[OD_Q__COUNT] = {
#define OD_Q_SQL(name, sql) [OD_Q_##name] = sql,
    OD_QUERY_LIST(OD_Q_SQL)
#undef OD_Q_SQL
};

/* The writer's statements of od_tx_defer_search (migration 0050): flag on,
 * then before the commit each index's pending entries, and both tables
 * emptied. */
static const char *const search_sql[] = {
    "INSERT OR IGNORE INTO search_defer(on_) VALUES (1)",
    "INSERT INTO incidents_fts(rowid, number, title, symptoms) SELECT i.id, i.number, i.title, i.symptoms "
    "FROM search_pending p JOIN incidents i ON i.id = p.id WHERE p.tbl = 'incidents'",
    "INSERT INTO incidents_fts2(rowid, number, title, symptoms) SELECT i.id, i.number, i.title, i.symptoms "
    "FROM search_pending p JOIN incidents i ON i.id = p.id WHERE p.tbl = 'incidents'",
    "INSERT INTO records_fts(rowid, number, title) SELECT r.id, r.number, r.title FROM search_pending p "
    "JOIN records r ON r.id = p.id WHERE p.tbl = 'records'",
    "DELETE FROM search_pending",
    "DELETE FROM search_defer",
};
#define SEARCH_SQL_N (sizeof search_sql / sizeof search_sql[0])

typedef struct conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[OD_Q__COUNT];
    sqlite3_stmt *search[SEARCH_SQL_N];
    bool busy;
} conn;

typedef struct sq_store {
    od_store base;
    conn writer;
    pthread_mutex_t write_lock;
    /* Writers other than bulk ones (od_tx_begin_bulk) waiting for or
     * holding write_lock; a bulk writer begins when it is 0 (gate_cv) or
     * after OD_TX_BULK_YIELD_MS.  Under gate_mu. */
    pthread_mutex_t gate_mu;
    pthread_cond_t gate_cv;
    int urgent;
    int64_t urgent_at; /* monotonic ms an urgent writer last asked (under gate_mu) */
    conn readers[READERS_MAX];
    int n_readers;
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_cond;
    int schema_version;
    bool may_create;    /* OD_STORE_CREATE: a missing file is created (0600) */
    int wal_pages;      /* WAL size after the last commit (under write_lock) */
    int wal_last_tx;    /* pages the last commit added */
    bool ckpt_deferred; /* someone calls od_store_checkpoint_idle */
} sq_store;

typedef struct sq_tx {
    od_tx base;
    sq_store *s;
    conn *c;
    bool write;
    bool urgent;          /* counted in sq_store.urgent */
    bool search_deferred; /* od_tx_defer_search: index before the commit */
    int64_t changes;
} sq_tx;

typedef struct sq_rows {
    od_rows base;
    sq_tx *tx;
    sqlite3_stmt *st;
    /* after the last row: OD_OK (done) or the failure, what every later
     * call says (a step after SQLITE_DONE would run the statement again) */
    bool ended;
    od_err end;
} sq_rows;

#define SQ_STORE(x) ((sq_store *)(x))
#define SQ_TX(x) ((sq_tx *)(x))
#define SQ_ROWS(x) ((sq_rows *)(x))

/* The last storage fault, process-wide (one store per server process):
 * errors that say the file itself is broken or cannot be written, not a
 * busy or constraint error of one statement. */
static pthread_mutex_t fault_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t fault_at;
static char fault_msg[200];

static void note_fault(sqlite3 *db, const char *what)
{
    int code = db ? (sqlite3_extended_errcode(db) & 0xff) : 0;
    if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB && code != SQLITE_IOERR && code != SQLITE_FULL &&
        code != SQLITE_READONLY && code != SQLITE_CANTOPEN)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    pthread_mutex_lock(&fault_mu);
    fault_at = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    snprintf(fault_msg, sizeof fault_msg, "%s: %s", what, sqlite3_errmsg(db));
    pthread_mutex_unlock(&fault_mu);
}

static int64_t sq_last_fault(od_store *s, char *msg, size_t n)
{
    (void)s;
    pthread_mutex_lock(&fault_mu);
    int64_t at = fault_at;
    if (msg && n)
        snprintf(msg, n, "%s", fault_msg);
    pthread_mutex_unlock(&fault_mu);
    return at;
}

static od_err db_err(sqlite3 *db, od_error *e, const char *what)
{
    note_fault(db, what);
    return od_error_set(e, OD_E_STORE, NULL, "数据库错误 (database error): %s: %s", what,
                        db ? sqlite3_errmsg(db) : "?");
}

/* The database holds password hashes and personal bot URLs: a new file is
 * created 0600 here, before SQLite would create it with 0644 & ~umask.
 * SQLite gives the -wal and -shm files the database file's mode. */
static void create_private(const char *path)
{
    if (!*path || *path == ':' || strncmp(path, "file:", 5) == 0)
        return;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
}

static od_err conn_open(sq_store *s, conn *c, od_error *e)
{
    memset(c, 0, sizeof *c);
    /* the tokenizer of incidents_fts2 and cis_fts2 (migration 0052) */
    if (od_fts_bigram_register_all() != SQLITE_OK)
        return od_error_set(e, OD_E_STORE, NULL,
                            "无法注册全文分词器 (cannot register the od_bigram tokenizer)");
    if (s->may_create)
        create_private(s->base.path);
    int rc = sqlite3_open_v2(
        s->base.path, &c->db,
        SQLITE_OPEN_READWRITE | (s->may_create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        od_err r = od_error_set(e, OD_E_STORE, NULL, "无法打开数据库 (cannot open database) %s: %s",
                                s->base.path, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        c->db = NULL;
        return r;
    }
    sqlite3_busy_timeout(c->db, 10000);
    sqlite3_extended_result_codes(c->db, 1);
    const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                          "PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;";
    if (sqlite3_exec(c->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
        od_err r = db_err(c->db, e, "pragmas");
        sqlite3_close(c->db);
        c->db = NULL;
        return r;
    }
    return OD_OK;
}

static void conn_close(conn *c)
{
    for (int i = 0; i < OD_Q__COUNT; i++)
        sqlite3_finalize(c->stmts[i]);
    for (size_t i = 0; i < SEARCH_SQL_N; i++)
        sqlite3_finalize(c->search[i]);
    sqlite3_close(c->db);
    memset(c, 0, sizeof *c);
}

static int schema_version_read(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Each migration is applied once, by its own number (a lower number added
 * after a higher one was applied still runs). */
static bool migration_applied(sqlite3 *db, long v)
{
    sqlite3_stmt *st = NULL;
    bool yes = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM schema_migrations WHERE version = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int64(st, 1, v);
        yes = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return yes;
}

/* Before any migration: the schema found (info->found) against this
 * binary's (info->newest), judged as mode says (store.h). */
static od_err schema_check(sq_store *s, od_store_mode mode, od_store_schema *info, od_error *e)
{
    sqlite3 *db = s->writer.db;
    const char *p = s->base.path;
    info->found = schema_version_read(db);
    int pending = 0;
    if (info->found > 0 && info->found <= info->newest)
        for (const struct od_embedded_file *f = od_embedded_migrations; f->name; f++)
            pending += !migration_applied(db, strtol(f->name, NULL, 10));
    info->pending = pending;
    return od_store_schema_verdict(p, mode, info, pending, e);
}

static od_err migrate(sq_store *s, od_error *e)
{
    sqlite3 *db = s->writer.db;
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                     "name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return db_err(db, e, "schema_migrations");
    long known = 0;
    for (const struct od_embedded_file *f = od_embedded_migrations; f->name; f++) {
        long v = strtol(f->name, NULL, 10);
        known = v > known ? v : known;
    }
    int have = schema_version_read(db);
    if (have > known)
        return od_error_set(e, OD_E_UNAVAILABLE, "db",
                            "数据库结构版本 %d 比本程序所知的 %ld 新，请升级 opsdesk (the database schema "
                            "version %d is newer than this opsdesk knows, %ld: upgrade opsdesk)",
                            have, known, have, known);
    for (const struct od_embedded_file *f = od_embedded_migrations; f->name; f++) {
        char *end = NULL;
        long v = strtol(f->name, &end, 10);
        if (v <= 0 || !end || *end != '_')
            return od_error_set(e, OD_E_INTERNAL, NULL, "bad migration file name %s", f->name);
        size_t nl = strlen(f->name);
        if (nl > 7 && strcmp(f->name + nl - 7, ".pg.sql") == 0)
            continue; /* PostgreSQL's twin of a portable file (store_pg.c) */
        if (migration_applied(db, v))
            continue;
        char *err = NULL;
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            return db_err(db, e, "begin migration");
        if (sqlite3_exec(db, (const char *)f->data, NULL, NULL, &err) != SQLITE_OK) {
            od_error_set(e, OD_E_STORE, NULL, "迁移失败 (migration %s failed): %s", f->name, err ? err : "?");
            sqlite3_free(err);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return OD_E_STORE;
        }
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db,
                                    "INSERT INTO schema_migrations(version, name, applied_at) "
                                    "VALUES(?, ?, CAST(strftime('%s','now') AS INTEGER) * 1000)",
                                    -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, v);
            sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_OK || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            od_err r = db_err(db, e, f->name);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return r;
        }
    }
    s->schema_version = schema_version_read(db);
    return OD_OK;
}

/* Runs after each commit on the writer connection, in place of SQLite's
 * autocheckpoint hook. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    sq_store *s = arg;
    s->wal_last_tx = pages > s->wal_pages ? pages - s->wal_pages : pages;
    s->wal_pages = pages;
    if (pages >= CKPT_HARD_PAGES || (!s->ckpt_deferred && pages >= CKPT_PAGES)) {
        int log = 0, done = 0;
        if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log, &done) == SQLITE_OK &&
            done >= log)
            s->wal_pages = 0;
    }
    return SQLITE_OK;
}

static void sqlite_global_config(void)
{
    /* no global allocation statistics: they take a mutex on every malloc */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static void sq_close(od_store *base);

static bool sq_handles(const char *path)
{
    return strncmp(path, "postgres://", 11) != 0 && strncmp(path, "postgresql://", 13) != 0;
}

static od_err sq_open(const char *path, od_store_mode mode, od_store_schema *info, od_store **out,
                      od_error *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_global_config);
    *out = NULL;
    sq_store *s = calloc(1, sizeof *s);
    if (!s)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    s->base.ops = &od_store_sqlite_ops;
    s->base.path = strdup(path);
    pthread_mutex_init(&s->write_lock, NULL);
    pthread_mutex_init(&s->gate_mu, NULL);
    pthread_cond_init(&s->gate_cv, NULL);
    pthread_mutex_init(&s->pool_lock, NULL);
    pthread_cond_init(&s->pool_cond, NULL);
    s->may_create = mode == OD_STORE_CREATE;
    od_err rc = !s->base.path ? OD_E_NOMEM : s->may_create ? OD_OK : od_store_must_exist(path, e);
    if (!rc)
        rc = conn_open(s, &s->writer, e);
    if (!rc)
        rc = schema_check(s, mode, info, e);
    if (!rc)
        rc = migrate(s, e);
    if (!rc) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d", WRITER_CACHE_KIB);
        if (sqlite3_exec(s->writer.db, pragma, NULL, NULL, NULL) != SQLITE_OK)
            rc = db_err(s->writer.db, e, "cache_size");
        sqlite3_wal_hook(s->writer.db, wal_hook, s);
    }
    if (rc) {
        sq_close(&s->base);
        return rc;
    }
    *out = &s->base;
    return OD_OK;
}

static void sq_close(od_store *base)
{
    sq_store *s = SQ_STORE(base);
    for (int i = 0; i < s->n_readers; i++)
        conn_close(&s->readers[i]);
    if (s->writer.db) {
        sqlite3_exec(s->writer.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
        conn_close(&s->writer);
    }
    pthread_mutex_destroy(&s->write_lock);
    pthread_mutex_destroy(&s->gate_mu);
    pthread_cond_destroy(&s->gate_cv);
    pthread_mutex_destroy(&s->pool_lock);
    pthread_cond_destroy(&s->pool_cond);
    free(s->base.path);
    free(s);
}

static void sq_checkpoint(od_store *base)
{
    sq_store *s = SQ_STORE(base);
    pthread_mutex_lock(&s->write_lock);
    sqlite3_exec(s->writer.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    pthread_mutex_unlock(&s->write_lock);
}

static void sq_checkpoint_idle(od_store *base)
{
    sq_store *s = SQ_STORE(base);
    /* the bulk writer asks between its transactions: a writer waiting
     * goes first, the checkpoint waits for the next pause */
    pthread_mutex_lock(&s->gate_mu);
    int waiting = s->urgent;
    pthread_mutex_unlock(&s->gate_mu);
    pthread_mutex_lock(&s->write_lock);
    s->ckpt_deferred = true;
    if (waiting) {
        pthread_mutex_unlock(&s->write_lock);
        return;
    }
    int want = 4 * s->wal_last_tx; /* about four transactions' worth */
    want = want < CKPT_PAGES ? CKPT_PAGES : want > CKPT_IDLE_PAGES ? CKPT_IDLE_PAGES : want;
    if (s->wal_pages >= want) {
        int log = 0, done = 0;
        if (sqlite3_wal_checkpoint_v2(s->writer.db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) ==
                SQLITE_OK &&
            done >= log)
            s->wal_pages = 0;
    }
    pthread_mutex_unlock(&s->write_lock);
}

static int sq_schema_version(od_store *s)
{
    return SQ_STORE(s)->schema_version;
}

static int64_t sq_size(od_store *base)
{
    const char *path = base->path;
    struct stat st;
    int64_t total = 0;
    char buf[4096];
    if (stat(path, &st) != 0)
        return -1;
    total = st.st_size;
    snprintf(buf, sizeof buf, "%s-wal", path);
    if (stat(buf, &st) == 0)
        total += st.st_size;
    return total;
}

static conn *reader_take(sq_store *s, od_error *e)
{
    pthread_mutex_lock(&s->pool_lock);
    for (;;) {
        for (int i = 0; i < s->n_readers; i++)
            if (!s->readers[i].busy) {
                s->readers[i].busy = true;
                pthread_mutex_unlock(&s->pool_lock);
                return &s->readers[i];
            }
        if (s->n_readers < READERS_MAX) {
            conn *c = &s->readers[s->n_readers];
            if (conn_open(s, c, e) != OD_OK) {
                pthread_mutex_unlock(&s->pool_lock);
                return NULL;
            }
            c->busy = true;
            s->n_readers++;
            pthread_mutex_unlock(&s->pool_lock);
            return c;
        }
        pthread_cond_wait(&s->pool_cond, &s->pool_lock);
    }
}

static void reader_give(sq_store *s, conn *c)
{
    pthread_mutex_lock(&s->pool_lock);
    c->busy = false;
    pthread_cond_signal(&s->pool_cond);
    pthread_mutex_unlock(&s->pool_lock);
}

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int sq_writers_waiting(od_store *base)
{
    sq_store *s = SQ_STORE(base);
    pthread_mutex_lock(&s->gate_mu);
    int n = s->urgent;
    pthread_mutex_unlock(&s->gate_mu);
    return n;
}

static bool sq_write_contended(od_store *base)
{
    sq_store *s = SQ_STORE(base);
    pthread_mutex_lock(&s->gate_mu);
    bool c = s->urgent > 0 || (s->urgent_at && mono_ms() - s->urgent_at < OD_STORE_CONTENDED_MS);
    pthread_mutex_unlock(&s->gate_mu);
    return c;
}

/* The write lock: taken by a writer that counts as urgent (any but a bulk
 * one), or by a bulk writer once no urgent one waits (at most
 * OD_TX_BULK_YIELD_MS of waiting). */
static void writer_take(sq_store *s, bool urgent)
{
    pthread_mutex_lock(&s->gate_mu);
    if (urgent) {
        s->urgent++;
        s->urgent_at = mono_ms();
    } else if (s->urgent) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += OD_TX_BULK_YIELD_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (s->urgent && pthread_cond_timedwait(&s->gate_cv, &s->gate_mu, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&s->gate_mu);
    pthread_mutex_lock(&s->write_lock);
}

static void writer_give(sq_store *s, bool urgent)
{
    pthread_mutex_unlock(&s->write_lock);
    if (!urgent)
        return;
    pthread_mutex_lock(&s->gate_mu);
    if (--s->urgent == 0)
        pthread_cond_broadcast(&s->gate_cv);
    pthread_mutex_unlock(&s->gate_mu);
}

static od_err tx_begin(od_store *base, bool write, bool bulk, od_tx **out, od_error *e)
{
    sq_store *s = SQ_STORE(base);
    *out = NULL;
    sq_tx *tx = calloc(1, sizeof *tx);
    if (!tx)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    tx->base.s = base;
    tx->s = s;
    tx->write = write;
    if (write) {
        tx->urgent = !bulk;
        writer_take(s, tx->urgent);
        tx->c = &s->writer;
    } else {
        tx->c = reader_take(s, e);
        if (!tx->c) {
            free(tx);
            return OD_E_STORE;
        }
    }
    if (sqlite3_exec(tx->c->db, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        od_err r = db_err(tx->c->db, e, "begin");
        if (write)
            writer_give(s, tx->urgent);
        else
            reader_give(s, tx->c);
        free(tx);
        return r;
    }
    *out = &tx->base;
    return OD_OK;
}

static od_err sq_tx_begin(od_store *base, bool write, od_tx **out, od_error *e)
{
    return tx_begin(base, write, false, out, e);
}

static od_err sq_tx_begin_bulk(od_store *base, od_tx **out, od_error *e)
{
    return tx_begin(base, true, true, out, e);
}

static void tx_release(sq_tx *tx)
{
    if (tx->write)
        writer_give(tx->s, tx->urgent);
    else
        reader_give(tx->s, tx->c);
    free(tx);
}

/* Runs search_sql[from..to) on tx's connection, each prepared once. */
static od_err search_run(sq_tx *tx, size_t from, size_t to, od_error *e)
{
    conn *c = tx->c;
    for (size_t i = from; i < to; i++) {
        if (!c->search[i] && sqlite3_prepare_v3(c->db, search_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                                &c->search[i], NULL) != SQLITE_OK)
            return db_err(c->db, e, "search index");
        int rc = sqlite3_step(c->search[i]);
        sqlite3_reset(c->search[i]);
        if (rc != SQLITE_DONE)
            return db_err(c->db, e, "search index");
    }
    return OD_OK;
}

/* od_tx_defer_search (migration 0050): while search_defer has its row, the
 * insert triggers note new rows in search_pending instead of indexing
 * them; before the commit their entries are written in one statement per
 * index and the row is removed. */
static od_err sq_defer_search(od_tx *base, od_error *e)
{
    sq_tx *tx = SQ_TX(base);
    if (!tx->write)
        return od_error_set(e, OD_E_INTERNAL, NULL, "od_tx_defer_search outside a write transaction");
    if (tx->search_deferred)
        return OD_OK;
    od_err rc = search_run(tx, 0, 1, e);
    if (!rc)
        tx->search_deferred = true;
    return rc;
}

static od_err sq_tx_commit(od_tx *base, od_error *e)
{
    sq_tx *tx = SQ_TX(base);
    od_err rc = OD_OK;
    if (tx->search_deferred && (rc = search_run(tx, 1, SEARCH_SQL_N, e)) != OD_OK) {
        sqlite3_exec(tx->c->db, "ROLLBACK", NULL, NULL, NULL);
        tx_release(tx);
        return rc;
    }
    if (sqlite3_exec(tx->c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_err(tx->c->db, e, "commit");
        sqlite3_exec(tx->c->db, "ROLLBACK", NULL, NULL, NULL);
    }
    tx_release(tx);
    return rc;
}

static void sq_tx_rollback(od_tx *base)
{
    sq_tx *tx = SQ_TX(base);
    sqlite3_exec(tx->c->db, "ROLLBACK", NULL, NULL, NULL);
    tx_release(tx);
}

/* once: the statement runs to its end inside the caller (exec, insert,
 * scalar), so strings are bound without a copy (SQLITE_STATIC); a query's
 * rows outlive the call, so its strings are copied. */
static od_err prepare(sq_tx *tx, od_query q, sqlite3_stmt **out, od_error *e, bool once, const od_bind *b,
                      size_t nb)
{
    conn *c = tx->c;
    if ((unsigned)q >= OD_Q__COUNT)
        return od_error_set(e, OD_E_INTERNAL, NULL, "bad query id %d", (int)q);
    if (!c->stmts[q] && sqlite3_prepare_v3(c->db, query_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &c->stmts[q],
                                           NULL) != SQLITE_OK)
        return db_err(c->db, e, "prepare");
    sqlite3_stmt *st = c->stmts[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int n = sqlite3_bind_parameter_count(st);
    if (nb != (size_t)n)
        return od_error_set(e, OD_E_INTERNAL, NULL, "query %d: %zu parameters bound, %d expected", (int)q, nb,
                            n);
    for (int i = 1; i <= n; i++) {
        const od_bind *p = &b[i - 1];
        int rc = SQLITE_OK;
        switch (p->type) {
        case OD_BIND_NULL:
            rc = sqlite3_bind_null(st, i);
            break;
        case OD_BIND_INT:
            rc = sqlite3_bind_int64(st, i, p->v.i);
            break;
        case OD_BIND_REAL:
            rc = sqlite3_bind_double(st, i, p->v.d);
            break;
        case OD_BIND_TEXT:
            rc = sqlite3_bind_text(st, i, p->v.s, -1, once ? SQLITE_STATIC : SQLITE_TRANSIENT);
            break;
        default:
            return od_error_set(e, OD_E_INTERNAL, NULL, "bad bind type %d", (int)p->type);
        }
        if (rc != SQLITE_OK)
            return db_err(c->db, e, "bind");
    }
    *out = st;
    return OD_OK;
}

/* The error of a failed step: a uniqueness violation is a conflict the
 * caller can name; anything else is a database error. */
static od_err step_err(sqlite3 *db, od_error *e, const char *what)
{
    int ext = sqlite3_extended_errcode(db);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return od_error_set(e, OD_E_CONFLICT, NULL, "记录已存在 (already exists)");
    return db_err(db, e, what);
}

static od_err sq_exec(od_tx *base, od_query q, od_error *e, const od_bind *b, size_t nb)
{
    sq_tx *tx = SQ_TX(base);
    sqlite3_stmt *st = NULL;
    od_err rc = prepare(tx, q, &st, e, true, b, nb);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (s != SQLITE_DONE) {
        od_err r = step_err(tx->c->db, e, "exec");
        sqlite3_reset(st);
        return r;
    }
    tx->changes = sqlite3_changes(tx->c->db);
    sqlite3_reset(st);
    return OD_OK;
}

static int64_t sq_changes(od_tx *tx)
{
    return SQ_TX(tx)->changes;
}

static od_err sq_insert(od_tx *base, od_query q, int64_t *id, od_error *e, const od_bind *b, size_t nb)
{
    sq_tx *tx = SQ_TX(base);
    *id = 0;
    sqlite3_stmt *st = NULL;
    od_err rc = prepare(tx, q, &st, e, true, b, nb);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    if (s != SQLITE_DONE) {
        od_err r = s == SQLITE_ROW ? od_error_set(e, OD_E_INTERNAL, NULL, "query %d returns rows", (int)q)
                                   : step_err(tx->c->db, e, "insert");
        sqlite3_reset(st);
        return r;
    }
    tx->changes = sqlite3_changes(tx->c->db);
    /* nothing inserted (ON CONFLICT DO NOTHING): a conflict, and no id */
    *id = tx->changes == 1 ? sqlite3_last_insert_rowid(tx->c->db) : 0;
    sqlite3_reset(st);
    return tx->changes == 1 ? OD_OK : od_error_set(e, OD_E_CONFLICT, NULL, "记录已存在 (already exists)");
}

static od_err sq_query(od_tx *base, od_query q, od_rows **out, od_error *e, const od_bind *b, size_t nb)
{
    sq_tx *tx = SQ_TX(base);
    *out = NULL;
    sqlite3_stmt *st = NULL;
    od_err rc = prepare(tx, q, &st, e, false, b, nb);
    if (rc)
        return rc;
    sq_rows *r = calloc(1, sizeof *r);
    if (!r) {
        sqlite3_reset(st);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    r->base.tx = base;
    r->tx = tx;
    r->st = st;
    *out = &r->base;
    return OD_OK;
}

static od_err sq_rows_step(od_rows *base, bool *row, od_error *e)
{
    sq_rows *r = SQ_ROWS(base);
    if (r->ended) {
        if (!r->end)
            return OD_OK;
        return od_error_set(e, r->end, NULL,
                            "数据库错误 (database error): 查询已失败 (the query failed earlier)");
    }
    int s = sqlite3_step(r->st);
    if (s == SQLITE_ROW) {
        *row = true;
        return OD_OK;
    }
    r->ended = true;
    if (s == SQLITE_DONE) {
        r->tx->changes = sqlite3_changes(r->tx->c->db);
        return OD_OK;
    }
    r->end = step_err(r->tx->c->db, e, "step");
    return r->end;
}

static int64_t sq_rows_int(od_rows *r, int col)
{
    return sqlite3_column_int64(SQ_ROWS(r)->st, col);
}
static double sq_rows_double(od_rows *r, int col)
{
    return sqlite3_column_double(SQ_ROWS(r)->st, col);
}
static bool sq_rows_null(od_rows *r, int col)
{
    return sqlite3_column_type(SQ_ROWS(r)->st, col) == SQLITE_NULL;
}

static const char *sq_rows_text(od_rows *r, int col)
{
    const unsigned char *t = sqlite3_column_text(SQ_ROWS(r)->st, col);
    return t ? (const char *)t : "";
}

static void sq_rows_close(od_rows *r)
{
    sqlite3_reset(SQ_ROWS(r)->st);
    free(r);
}

static od_err sq_scalar(od_tx *base, od_query q, int64_t *out, od_error *e, const od_bind *b, size_t nb)
{
    sq_tx *tx = SQ_TX(base);
    sqlite3_stmt *st = NULL;
    od_err rc = prepare(tx, q, &st, e, true, b, nb);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        while (sqlite3_step(st) == SQLITE_ROW)
            ;
        tx->changes = sqlite3_changes(tx->c->db);
        sqlite3_reset(st);
        return OD_OK;
    }
    if (s == SQLITE_DONE) {
        sqlite3_reset(st);
        return od_error_set(e, OD_E_NOT_FOUND, NULL, "未找到 (not found)");
    }
    od_err r = step_err(tx->c->db, e, "query");
    sqlite3_reset(st);
    return r;
}

static od_err sq_quick_check(od_store *base, bool *ok, char *msg, size_t n, od_error *e)
{
    sq_store *s = SQ_STORE(base);
    *ok = false;
    conn *c = reader_take(s, e);
    if (!c)
        return OD_E_STORE;
    sqlite3_stmt *st = NULL;
    od_err rc = OD_OK;
    if (sqlite3_prepare_v2(c->db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK)
        rc = db_err(c->db, e, "quick_check");
    int r = rc ? SQLITE_ERROR : sqlite3_step(st);
    if (!rc && r == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        *ok = v && strcmp(v, "ok") == 0;
        snprintf(msg, n, "%s", v ? v : "?");
    } else if (!rc) { /* the check itself could not read the file */
        snprintf(msg, n, "%s", sqlite3_errmsg(c->db));
        note_fault(c->db, "quick_check");
    }
    sqlite3_finalize(st);
    reader_give(s, c);
    return rc;
}

const od_store_ops od_store_sqlite_ops = {
    .name = "sqlite",
    .handles = sq_handles,
    .open = sq_open,
    .close = sq_close,
    .size = sq_size,
    .schema_version = sq_schema_version,
    .tx_begin = sq_tx_begin,
    .tx_begin_bulk = sq_tx_begin_bulk,
    .writers_waiting = sq_writers_waiting,
    .write_contended = sq_write_contended,
    .tx_commit = sq_tx_commit,
    .defer_search = sq_defer_search,
    .tx_rollback = sq_tx_rollback,
    .exec = sq_exec,
    .changes = sq_changes,
    .insert = sq_insert,
    .scalar = sq_scalar,
    .query = sq_query,
    .rows_step = sq_rows_step,
    .rows_int = sq_rows_int,
    .rows_double = sq_rows_double,
    .rows_text = sq_rows_text,
    .rows_null = sq_rows_null,
    .rows_close = sq_rows_close,
    .checkpoint = sq_checkpoint,
    .checkpoint_idle = sq_checkpoint_idle,
    .quick_check = sq_quick_check,
    .last_fault = sq_last_fault,
};
