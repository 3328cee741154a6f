/* store_pg.c — the PostgreSQL backend of store.h (libpq), chosen for a
 * postgres:// or postgresql:// address.  Docs: docs/deploy/postgresql.md.
 *
 * Connections: a pool per store (OPSDESK_DB_POOL, default 16), opened when
 * first needed.  A transaction borrows one connection from od_tx_begin to
 * its commit or rollback; a PGconn belongs to one thread at a time.  There
 * is no write lock: write transactions run concurrently under READ
 * COMMITTED (BEGIN), read transactions are REPEATABLE READ READ ONLY (one
 * snapshot, as a SQLite read transaction; they never fail to serialize).  A connection
 * found broken is closed when it comes back and reopened when next taken
 * (its prepared statements are forgotten with it).
 *
 * Statements: the query texts (queries.h, with the overrides of
 * queries_pg.h) are rewritten once, at the first open: `?` → `$n` and LIKE →
 * ILIKE.  Each is prepared on a connection the first time that connection
 * runs it, named "q<id>"; od_tx_insert runs a second form with RETURNING
 * id, named "r<id>".  Savepoint statements are sent unprepared.  Values are
 * sent as text and the server infers the types.
 *
 * Errors: in PostgreSQL a failed statement aborts its transaction, in
 * SQLite it only undoes itself, and store.h promises the latter (a
 * uniqueness conflict is an answer the caller may go on from).  So every
 * INSERT/UPDATE/DELETE of a write transaction runs after a savepoint
 * (od_stmt), rolled back to when the statement fails; the savepoint
 * commands, a first PREPARE and the statement go in one pipeline (one round
 * trip).  Codes: unique violation (23505) → OD_E_CONFLICT;
 * deadlock (40P01) or serialization failure (40001) → OD_E_RETRY (the
 * caller may run its whole transaction again); a broken connection, or a
 * COMMIT whose answer was lost → OD_E_UNAVAILABLE (503, never reported as
 * success); anything else → OD_E_STORE.
 *
 * Migrations run at open under pg_advisory_lock, so nodes starting
 * together apply each once.  Passwords never appear in the address: libpq
 * reads PGPASSFILE (~/.pgpass), or OPSDESK_DB_PASSWORD is passed apart. */
#include "store/store_int.h"
#include "store/queries_pg.h"
#include "util/embed.h"

#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL_DEFAULT 16
#define POOL_MAX 256
/* pg_advisory_lock key of the migrations: "opsdesk" in ASCII, as a number */
#define MIGRATE_LOCK 0x6f70736465736bLL

/* ---- the statement texts, made once ---- */

static const char *const portable_sql[OD_Q__COUNT] = {
#define OD_Q_SQL(name, sql) [OD_Q_##name] = sql,
    OD_QUERY_LIST(OD_Q_SQL)
#undef OD_Q_SQL
};

static const struct {
    od_query q;
    const char *sql;
} overrides[] = {
#define OD_Q_PG(name, sql) {OD_Q_##name, sql},
    OD_QUERY_PG_LIST(OD_Q_PG)
#undef OD_Q_PG
        {OD_Q__COUNT, NULL}};

static char *pg_sql[OD_Q__COUNT];     /* rewritten text */
static char *pg_sql_ret[OD_Q__COUNT]; /* with RETURNING id, for od_tx_insert */
static int pg_nparams[OD_Q__COUNT];
static bool pg_plain[OD_Q__COUNT]; /* sent unprepared: SAVEPOINT, RELEASE, ROLLBACK TO */
static bool pg_dml[OD_Q__COUNT];   /* INSERT, UPDATE, DELETE: runs after a savepoint */
static bool sql_ready;

static bool word_at(const char *s, const char *w)
{
    size_t n = strlen(w);
    return strncasecmp(s, w, n) == 0 && !isalnum((unsigned char)s[n]) && s[n] != '_';
}

/* `?` → `$n` (outside string literals), the word LIKE → ILIKE, and SQLite's
 * negative LIMIT ? (no limit) and OFFSET ? (none) kept: `LIMIT ?` → `LIMIT
 * NULLIF(GREATEST($n::bigint, -1), -1)`, `OFFSET ?` → `OFFSET
 * GREATEST($n::bigint, 0)`.  *n gets the number of parameters.  Returns a
 * new string, NULL on OOM. */
static char *rewrite(const char *in, int *n)
{
    size_t len = strlen(in);
    char *out = malloc(len * 12 + 32), *w = out;
    if (!out)
        return NULL;
    *n = 0;
    bool quote = false;
    for (const char *p = in; *p; p++) {
        if (*p == '\'') {
            quote = !quote;
            *w++ = *p;
        } else if (!quote && strncmp(p, "LIMIT ?", 7) == 0) {
            ++*n;
            w += snprintf(w, 64, "LIMIT NULLIF(GREATEST($%d::bigint, -1), -1)", *n);
            p += 6;
        } else if (!quote && strncmp(p, "OFFSET ?", 8) == 0) {
            ++*n;
            w += snprintf(w, 64, "OFFSET GREATEST($%d::bigint, 0)", *n);
            p += 7;
        } else if (!quote && *p == '?') {
            w += snprintf(w, 16, "$%d", ++*n);
        } else if (!quote && (p == in || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
                   word_at(p, "LIKE")) {
            memcpy(w, "ILIKE", 5);
            w += 5;
            p += 3;
        } else {
            *w++ = *p;
        }
    }
    *w = 0;
    return out;
}

static void sql_build(void)
{
    for (int q = 0; q < OD_Q__COUNT; q++) {
        const char *src = portable_sql[q];
        for (size_t i = 0; overrides[i].sql; i++)
            if (overrides[i].q == (od_query)q)
                src = overrides[i].sql;
        while (isspace((unsigned char)*src))
            src++;
        pg_sql[q] = rewrite(src, &pg_nparams[q]);
        pg_plain[q] = word_at(src, "SAVEPOINT") || word_at(src, "RELEASE") || word_at(src, "ROLLBACK");
        pg_dml[q] = word_at(src, "INSERT") || word_at(src, "UPDATE") || word_at(src, "DELETE");
        if (pg_sql[q] && word_at(src, "INSERT")) {
            size_t n = strlen(pg_sql[q]);
            pg_sql_ret[q] = malloc(n + 16);
            if (pg_sql_ret[q])
                snprintf(pg_sql_ret[q], n + 16, "%s RETURNING id", pg_sql[q]);
        }
        if (!pg_sql[q])
            return;
    }
    sql_ready = true;
}

/* ---- store, connections ---- */

typedef struct pconn {
    PGconn *pg;
    unsigned char prepared[OD_Q__COUNT]; /* bit 1: "q<id>", bit 2: "r<id>" */
    bool busy;
    bool broken; /* a pipeline lost track: not reused */
} pconn;

typedef struct pg_store {
    od_store base;
    pconn *conns;
    int n_conns; /* the pool's size */
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int schema_version;
    /* the last time no connection could be made, and why (last_fault) */
    int64_t fault_at;
    char fault_msg[200];
} pg_store;

typedef struct pg_tx {
    od_tx base;
    pg_store *s;
    pconn *c;
    bool write;
    bool sp; /* the statement savepoint od_stmt exists */
    int64_t changes;
} pg_tx;

typedef struct pg_rows {
    od_rows base;
    pg_tx *tx;
    PGresult *res; /* NULL when the statement failed */
    int at, n;     /* the current row (-1 before the first), the row count */
    od_err end;    /* the failure of the statement, given by od_rows_step */
    char msg[OD_ERR_MSG_MAX];
} pg_rows;

#define PG_STORE(x) ((pg_store *)(x))
#define PG_TX(x) ((pg_tx *)(x))
#define PG_ROWS(x) ((pg_rows *)(x))

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The message of the last error on c, one line. */
static void conn_msg(PGconn *pg, const PGresult *res, char *out, size_t n)
{
    const char *m = res ? PQresultErrorMessage(res) : "";
    if (!*m)
        m = pg ? PQerrorMessage(pg) : "?";
    snprintf(out, n, "%s", *m ? m : "?");
    for (char *p = out; *p; p++)
        if (*p == '\n')
            *p = (p[1] ? ' ' : 0);
}

static void note_fault(pg_store *s, const char *msg)
{
    pthread_mutex_lock(&s->mu);
    s->fault_at = now_ms();
    snprintf(s->fault_msg, sizeof s->fault_msg, "%s", msg);
    pthread_mutex_unlock(&s->mu);
}

static PGconn *connect_url(const char *url)
{
    const char *keys[4] = {"dbname", "application_name", NULL, NULL};
    const char *vals[4] = {url, "opsdesk", NULL, NULL};
    const char *pw = getenv("OPSDESK_DB_PASSWORD");
    if (pw && *pw) {
        keys[2] = "password";
        vals[2] = pw;
    }
    return PQconnectdbParams(keys, vals, 1);
}

/* Server notices ("relation already exists, skipping") are not errors and
 * must not reach stderr. */
static void notice_ignore(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

/* Opens c when it has no live connection. */
static od_err conn_ensure(pg_store *s, pconn *c, od_error *e)
{
    if (c->pg && PQstatus(c->pg) == CONNECTION_OK)
        return OD_OK;
    PQfinish(c->pg);
    memset(c->prepared, 0, sizeof c->prepared);
    c->pg = connect_url(s->base.path);
    if (c->pg && PQstatus(c->pg) == CONNECTION_OK) {
        PQsetNoticeProcessor(c->pg, notice_ignore, NULL);
        return OD_OK;
    }
    char m[200];
    conn_msg(c->pg, NULL, m, sizeof m);
    PQfinish(c->pg);
    c->pg = NULL;
    note_fault(s, m);
    od_err r = od_error_set(e, OD_E_UNAVAILABLE, NULL, "数据库不可用 (database unavailable): %s", m);
    if (e)
        e->retry_after = 1;
    return r;
}

static void conn_close(pconn *c)
{
    PQfinish(c->pg);
    c->pg = NULL;
    c->broken = false;
    memset(c->prepared, 0, sizeof c->prepared);
}

static pconn *conn_take(pg_store *s)
{
    pthread_mutex_lock(&s->mu);
    for (;;) {
        /* a live connection first, then an unopened one */
        pconn *free_c = NULL;
        for (int i = 0; i < s->n_conns; i++)
            if (!s->conns[i].busy) {
                if (s->conns[i].pg) {
                    free_c = &s->conns[i];
                    break;
                }
                if (!free_c)
                    free_c = &s->conns[i];
            }
        if (free_c) {
            free_c->busy = true;
            pthread_mutex_unlock(&s->mu);
            return free_c;
        }
        pthread_cond_wait(&s->cond, &s->mu);
    }
}

static void conn_give(pg_store *s, pconn *c)
{
    /* a connection left inside a transaction, or broken, is not reused */
    if (c->pg &&
        (c->broken || PQstatus(c->pg) != CONNECTION_OK || PQtransactionStatus(c->pg) != PQTRANS_IDLE))
        conn_close(c);
    pthread_mutex_lock(&s->mu);
    c->busy = false;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

/* The error of a failed result (res may be NULL: no answer at all). */
static od_err result_err(pg_store *s, pconn *c, const PGresult *res, od_error *e, const char *what)
{
    char m[300];
    conn_msg(c->pg, res, m, sizeof m);
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    /* no answer, a dead connection, a connection exception (08…) or the
     * server ending the session (57P01…57P03: shutdown, terminated) */
    if (!res || PQstatus(c->pg) != CONNECTION_OK ||
        (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0))) {
        c->broken = true;
        note_fault(s, m);
        od_err r = od_error_set(e, OD_E_UNAVAILABLE, NULL,
                                "数据库连接中断 (database connection lost): %s: %s", what, m);
        if (e)
            e->retry_after = 1;
        return r;
    }
    if (state && strcmp(state, "23505") == 0)
        return od_error_set(e, OD_E_CONFLICT, NULL, "记录已存在 (already exists)");
    if (state && (strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0)) {
        od_err r =
            od_error_set(e, OD_E_RETRY, NULL, "数据库并发冲突，请重试 (concurrent update, retry): %s", m);
        if (e)
            e->retry_after = 1;
        return r;
    }
    return od_error_set(e, OD_E_STORE, NULL, "数据库错误 (database error): %s: %s", what, m);
}

/* Runs one unprepared command that returns no rows. */
static od_err run_plain(pg_store *s, pconn *c, const char *sql, od_error *e)
{
    PGresult *res = PQexec(c->pg, sql);
    od_err rc = res && PQresultStatus(res) == PGRES_COMMAND_OK ? OD_OK : result_err(s, c, res, e, sql);
    PQclear(res);
    return rc;
}

/* ---- migrations ---- */

static bool is_pg_file(const char *name)
{
    size_t n = strlen(name);
    return n > 7 && strcmp(name + n - 7, ".pg.sql") == 0;
}

/* The migration to run for f on PostgreSQL: NULL when f is a portable file
 * that a NNNN_name.pg.sql twin replaces. */
static bool replaced_by_pg(const struct od_embedded_file *f)
{
    if (is_pg_file(f->name))
        return false;
    char twin[256];
    size_t n = strlen(f->name);
    if (n < 4 || n > 200)
        return false;
    snprintf(twin, sizeof twin, "%.*s.pg.sql", (int)(n - 4), f->name);
    return od_embed_find(od_embedded_migrations, twin) != NULL;
}

/* The migration text for PostgreSQL: INTEGER PRIMARY KEY (SQLite's rowid
 * alias) becomes an identity column BY DEFAULT, so an explicit id is taken
 * as given.  Tables written with explicit ids (audit, event_cmdb_version)
 * are never given generated ones, so their identity sequences need no
 * setval; a table taking both would.  New string. */
static char *migration_text(const char *in)
{
    static const char from[] = "INTEGER PRIMARY KEY";
    static const char to[] = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    size_t n = 0;
    for (const char *p = in; (p = strstr(p, from)); p += sizeof from - 1)
        n++;
    char *out = malloc(strlen(in) + n * sizeof to + 1), *w = out;
    if (!out)
        return NULL;
    const char *p = in, *m;
    while ((m = strstr(p, from))) {
        memcpy(w, p, (size_t)(m - p));
        w += m - p;
        memcpy(w, to, sizeof to - 1);
        w += sizeof to - 1;
        p = m + sizeof from - 1;
    }
    memcpy(w, p, strlen(p) + 1); /* fits: sized above */
    return out;
}

static long migration_number(const char *name)
{
    char *end = NULL;
    long v = strtol(name, &end, 10);
    return v > 0 && end && *end == '_' ? v : -1;
}

static od_err scalar_plain(pg_store *s, pconn *c, const char *sql, int64_t *out, od_error *e)
{
    PGresult *res = PQexec(c->pg, sql);
    od_err rc = OD_OK;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = result_err(s, c, res, e, "schema");
    else
        *out = PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
    PQclear(res);
    return rc;
}

static od_err migrate_locked(pg_store *s, pconn *c, od_store_mode mode, od_store_schema *info, od_error *e)
{
    for (const struct od_embedded_file *f = od_embedded_migrations; f->name; f++)
        if (migration_number(f->name) <= 0)
            return od_error_set(e, OD_E_INTERNAL, NULL, "bad migration file name %s", f->name);
    /* the schema found, before anything is created */
    int64_t have = 0, exists = 0, pending = 0;
    od_err rc = scalar_plain(s, c, "SELECT (to_regclass('schema_migrations') IS NOT NULL)::int", &exists, e);
    if (!rc && exists)
        rc = scalar_plain(s, c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &have, e);
    for (const struct od_embedded_file *f = od_embedded_migrations; !rc && exists && f->name; f++) {
        if (replaced_by_pg(f))
            continue;
        char q[96];
        snprintf(q, sizeof q, "SELECT COUNT(*) FROM schema_migrations WHERE version = %ld",
                 migration_number(f->name));
        int64_t n = 0;
        rc = scalar_plain(s, c, q, &n, e);
        pending += !n;
    }
    if (rc)
        return rc;
    info->found = (int)have;
    info->pending = (int)pending;
    if ((rc = od_store_schema_verdict(s->base.path, mode, info, (int)pending, e)))
        return rc;
    rc = run_plain(s, c,
                   "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                   "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                   e);
    for (const struct od_embedded_file *f = od_embedded_migrations; !rc && f->name; f++) {
        if (replaced_by_pg(f))
            continue;
        long v = migration_number(f->name);
        char q[96];
        snprintf(q, sizeof q, "SELECT COUNT(*) FROM schema_migrations WHERE version = %ld", v);
        int64_t n = 0;
        if ((rc = scalar_plain(s, c, q, &n, e)) || n)
            continue;
        char *sql = migration_text((const char *)f->data);
        if (!sql)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        rc = run_plain(s, c, "BEGIN", e);
        PGresult *res = rc ? NULL : PQexec(c->pg, sql);
        free(sql);
        if (!rc && (!res || PQresultStatus(res) != PGRES_COMMAND_OK)) {
            char m[300];
            conn_msg(c->pg, res, m, sizeof m);
            rc = od_error_set(e, OD_E_STORE, NULL, "迁移失败 (migration %s failed): %s", f->name, m);
        }
        PQclear(res);
        if (!rc) {
            char ins[400];
            snprintf(ins, sizeof ins,
                     "INSERT INTO schema_migrations(version, name, applied_at) VALUES(%ld, '%.200s', "
                     "(extract(epoch from now()) * 1000)::bigint)",
                     v, f->name);
            rc = run_plain(s, c, ins, e);
        }
        if (!rc)
            rc = run_plain(s, c, "COMMIT", e);
        if (rc)
            run_plain(s, c, "ROLLBACK", NULL);
    }
    if (!rc)
        rc = scalar_plain(s, c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &have, e);
    s->schema_version = (int)have;
    return rc;
}

static od_err migrate(pg_store *s, od_store_mode mode, od_store_schema *info, od_error *e)
{
    pconn *c = conn_take(s);
    od_err rc = conn_ensure(s, c, e);
    char lock[96];
    snprintf(lock, sizeof lock, "SELECT pg_advisory_lock(%lld)", (long long)MIGRATE_LOCK);
    int64_t ignored = 0;
    if (!rc)
        rc = scalar_plain(s, c, lock, &ignored, e);
    if (!rc) {
        rc = migrate_locked(s, c, mode, info, e);
        snprintf(lock, sizeof lock, "SELECT pg_advisory_unlock(%lld)", (long long)MIGRATE_LOCK);
        if (scalar_plain(s, c, lock, &ignored, NULL))
            conn_close(c); /* the session lock ends with the session */
    }
    conn_give(s, c);
    return rc;
}

/* ---- open, close ---- */

static bool pg_handles(const char *path)
{
    return strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0;
}

/* Whether the address carries a password (user:pw@ or password=). */
static bool has_password(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t auth = strcspn(p, "@/?");
    if (p[auth] == '@' && memchr(p, ':', auth))
        return true;
    const char *q = strchr(url, '?');
    for (; q; q = strchr(q + 1, '&'))
        if (strncmp(q + 1, "password=", 9) == 0)
            return true;
    return false;
}

static int pool_size(void)
{
    const char *v = getenv("OPSDESK_DB_POOL");
    long n = v && *v ? strtol(v, NULL, 10) : POOL_DEFAULT;
    return n < 1 ? 1 : n > POOL_MAX ? POOL_MAX : (int)n;
}

static void pg_close(od_store *base);

static od_err pg_open(const char *path, od_store_mode mode, od_store_schema *info, od_store **out,
                      od_error *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sql_build);
    *out = NULL;
    if (!sql_ready)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (has_password(path))
        return od_error_set(e, OD_E_INVALID, "db",
                            "数据库口令不得写在地址中，请用 PGPASSFILE 或 OPSDESK_DB_PASSWORD (the database "
                            "password must not be in the address: use PGPASSFILE or OPSDESK_DB_PASSWORD)");
    pg_store *s = calloc(1, sizeof *s);
    if (!s)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    s->base.ops = &od_store_pg_ops;
    s->base.path = strdup(path);
    s->n_conns = pool_size();
    s->conns = calloc((size_t)s->n_conns, sizeof *s->conns);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cond, NULL);
    od_err rc = s->base.path && s->conns ? migrate(s, mode, info, e)
                                         : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (rc) {
        pg_close(&s->base);
        return rc;
    }
    *out = &s->base;
    return OD_OK;
}

static void pg_close(od_store *base)
{
    pg_store *s = PG_STORE(base);
    for (int i = 0; s->conns && i < s->n_conns; i++)
        conn_close(&s->conns[i]);
    free(s->conns);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cond);
    free(s->base.path);
    free(s);
}

static int pg_schema_version(od_store *s)
{
    return PG_STORE(s)->schema_version;
}

/* ---- transactions ---- */

static od_err pg_tx_begin(od_store *base, bool write, od_tx **out, od_error *e)
{
    pg_store *s = PG_STORE(base);
    *out = NULL;
    pg_tx *tx = calloc(1, sizeof *tx);
    if (!tx)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    tx->base.s = base;
    tx->s = s;
    tx->write = write;
    tx->c = conn_take(s);
    const char *begin = write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    od_err rc = conn_ensure(s, tx->c, e);
    if (!rc) {
        /* a pooled connection may have died while idle: one fresh try */
        PGresult *res = PQexec(tx->c->pg, begin);
        bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
        if (!ok && PQstatus(tx->c->pg) != CONNECTION_OK) {
            conn_close(tx->c);
            rc = conn_ensure(s, tx->c, e);
            if (!rc)
                rc = run_plain(s, tx->c, begin, e);
        } else if (!ok) {
            rc = result_err(s, tx->c, NULL, e, "begin");
        }
    }
    if (rc) {
        conn_give(s, tx->c);
        free(tx);
        return rc;
    }
    *out = &tx->base;
    return OD_OK;
}

static void tx_release(pg_tx *tx)
{
    conn_give(tx->s, tx->c);
    free(tx);
}

static od_err pg_tx_commit(od_tx *base, od_error *e)
{
    pg_tx *tx = PG_TX(base);
    PGresult *res = PQexec(tx->c->pg, "COMMIT");
    od_err rc = OD_OK;
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = result_err(tx->s, tx->c, res, e, "commit"); /* outcome unknown: never success */
    else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)    /* an aborted transaction "commits" as ROLLBACK */
        rc = od_error_set(e, OD_E_STORE, NULL,
                          "数据库错误 (database error): 事务已中止，未提交 (the transaction was aborted, not "
                          "committed)");
    PQclear(res);
    if (rc && tx->c->pg && PQstatus(tx->c->pg) == CONNECTION_OK &&
        PQtransactionStatus(tx->c->pg) != PQTRANS_IDLE)
        run_plain(tx->s, tx->c, "ROLLBACK", NULL);
    tx_release(tx);
    return rc;
}

static void pg_tx_rollback(od_tx *base)
{
    pg_tx *tx = PG_TX(base);
    if (tx->c->pg && PQstatus(tx->c->pg) == CONNECTION_OK)
        (void)run_plain(tx->s, tx->c, "ROLLBACK", NULL);
    tx_release(tx);
}

/* ---- statements ---- */

typedef struct params {
    int n;
    const char **vals;
    char (*num)[32];
    const char *vals_small[16];
    char num_small[16][32];
} params;

static od_err params_make(params *p, od_query q, const od_bind *b, size_t nb, od_error *e)
{
    memset(p, 0, sizeof *p);
    if ((size_t)pg_nparams[q] != nb)
        return od_error_set(e, OD_E_INTERNAL, NULL, "query %d: %zu parameters bound, %d expected", (int)q, nb,
                            pg_nparams[q]);
    p->n = (int)nb;
    p->vals = p->vals_small;
    p->num = p->num_small;
    if (nb > 16) {
        p->vals = calloc(nb, sizeof *p->vals);
        p->num = calloc(nb, sizeof *p->num);
        if (!p->vals || !p->num) {
            free(p->vals);
            free(p->num);
            p->vals = NULL;
            p->num = NULL;
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        }
    }
    for (size_t i = 0; i < nb; i++) {
        switch (b[i].type) {
        case OD_BIND_NULL:
            p->vals[i] = NULL;
            break;
        case OD_BIND_INT:
            snprintf(p->num[i], sizeof p->num[i], "%lld", (long long)b[i].v.i);
            p->vals[i] = p->num[i];
            break;
        case OD_BIND_REAL:
            snprintf(p->num[i], sizeof p->num[i], "%.17g", b[i].v.d);
            p->vals[i] = p->num[i];
            break;
        case OD_BIND_TEXT:
            p->vals[i] = b[i].v.s;
            break;
        default:
            return od_error_set(e, OD_E_INTERNAL, NULL, "bad bind type %d", (int)b[i].type);
        }
    }
    return OD_OK;
}

static void params_free(params *p)
{
    if (p->vals != p->vals_small)
        free(p->vals);
    if (p->num != p->num_small)
        free(p->num);
}

/* A command of a pipeline: a plain command (sql), the PREPARE of the
 * statement, or the statement itself. */
typedef struct pipe_cmd {
    const char *sql;
    int sp;       /* +1: creates the statement savepoint, -1: ends it */
    bool prepare; /* PQsendPrepare */
    bool main;    /* the statement */
} pipe_cmd;

/* Sends cmds in one pipeline (one round trip) and reads their results.
 * *out gets the statement's result (the caller judges it); a failure of
 * another command is returned (the statement was then not run). */
static od_err pipeline(pg_tx *tx, const pipe_cmd *cmds, int n, const char *name, const char *sql,
                       unsigned char *prepared, unsigned char bit, const params *p, PGresult **out,
                       od_error *e)
{
    pconn *c = tx->c;
    PGconn *pg = c->pg;
    *out = NULL;
    bool ok = PQenterPipelineMode(pg) == 1;
    for (int i = 0; ok && i < n; i++) {
        if (cmds[i].main)
            ok = PQsendQueryPrepared(pg, name, p->n, p->vals, NULL, NULL, 0) == 1;
        else if (cmds[i].prepare)
            ok = PQsendPrepare(pg, name, sql, 0, NULL) == 1;
        else
            ok = PQsendQueryParams(pg, cmds[i].sql, 0, NULL, NULL, NULL, NULL, 0) == 1;
    }
    ok = ok && PQpipelineSync(pg) == 1;
    od_err rc = OD_OK;
    for (int i = 0; ok && i < n; i++) {
        PGresult *r = PQgetResult(pg);
        if (!r) {
            ok = false;
            break;
        }
        PQclear(PQgetResult(pg)); /* the NULL that ends this command's results */
        if (cmds[i].main) {
            *out = r;
            continue;
        }
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK) {
            if (cmds[i].prepare)
                *prepared |= bit;
            if (cmds[i].sp)
                tx->sp = cmds[i].sp > 0;
        } else if (st != PGRES_PIPELINE_ABORTED && !rc) {
            rc = result_err(tx->s, c, r, e, cmds[i].sql ? cmds[i].sql : name);
        }
        PQclear(r);
    }
    if (ok) {
        PGresult *r = PQgetResult(pg);
        ok = r && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
    }
    ok = ok && PQexitPipelineMode(pg) == 1;
    if (!ok) {
        c->broken = true; /* closed when given back */
        PQclear(*out);
        *out = NULL;
        if (!rc)
            rc = result_err(tx->s, c, NULL, e, name);
    }
    return rc;
}

/* Runs q (ret: its RETURNING id form); *out is the result when it ran, even
 * when it failed (the caller reads the error from it and clears it). */
static od_err run(pg_tx *tx, od_query q, bool ret, const od_bind *b, size_t nb, PGresult **out, od_error *e)
{
    *out = NULL;
    if ((unsigned)q >= OD_Q__COUNT)
        return od_error_set(e, OD_E_INTERNAL, NULL, "bad query id %d", (int)q);
    params p;
    od_err rc = params_make(&p, q, b, nb, e);
    if (rc)
        return rc;
    pconn *c = tx->c;
    if (pg_plain[q]) {
        /* the statement savepoint belongs inside the caller's ones: ended
         * before a new one, gone with a released or rolled back one */
        char sql[128];
        snprintf(sql, sizeof sql, "%s%s", tx->sp ? "RELEASE od_stmt; " : "", pg_sql[q]);
        tx->sp = false;
        rc = run_plain(tx->s, c, sql, e);
        params_free(&p);
        return rc;
    }
    char name[16];
    unsigned char bit = ret ? 2 : 1;
    snprintf(name, sizeof name, "%c%d", ret ? 'r' : 'q', (int)q);
    pipe_cmd cmds[4];
    int n = 0;
    if (tx->write && pg_dml[q]) {
        if (tx->sp)
            cmds[n++] = (pipe_cmd){.sql = "RELEASE od_stmt", .sp = -1};
        cmds[n++] = (pipe_cmd){.sql = "SAVEPOINT od_stmt", .sp = 1};
    }
    if (!(c->prepared[q] & bit))
        cmds[n++] = (pipe_cmd){.prepare = true};
    cmds[n++] = (pipe_cmd){.main = true};
    if (n == 1)
        *out = PQexecPrepared(c->pg, name, p.n, p.vals, NULL, NULL, 0);
    else
        rc = pipeline(tx, cmds, n, name, ret ? pg_sql_ret[q] : pg_sql[q], &c->prepared[q], bit, &p, out, e);
    params_free(&p);
    ExecStatusType st = *out ? PQresultStatus(*out) : PGRES_FATAL_ERROR;
    if (!rc && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)) {
        const char *cmd = PQcmdStatus(*out);
        if (strncmp(cmd, "SELECT", 6) != 0)
            tx->changes = strtoll(PQcmdTuples(*out), NULL, 10);
        return OD_OK;
    }
    if (!rc)
        rc = result_err(tx->s, c, *out, e, name);
    if (tx->sp && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_INERROR)
        (void)run_plain(tx->s, c, "ROLLBACK TO od_stmt", NULL);
    return rc;
}

static od_err pg_exec(od_tx *base, od_query q, od_error *e, const od_bind *b, size_t nb)
{
    PGresult *res = NULL;
    od_err rc = run(PG_TX(base), q, false, b, nb, &res, e);
    PQclear(res);
    return rc;
}

static int64_t pg_changes(od_tx *tx)
{
    return PG_TX(tx)->changes;
}

static od_err pg_insert(od_tx *base, od_query q, int64_t *id, od_error *e, const od_bind *b, size_t nb)
{
    pg_tx *tx = PG_TX(base);
    *id = 0;
    if ((unsigned)q < OD_Q__COUNT && !pg_sql_ret[q])
        return od_error_set(e, OD_E_INTERNAL, NULL, "query %d is not an INSERT", (int)q);
    PGresult *res = NULL;
    od_err rc = run(tx, q, true, b, nb, &res, e);
    if (!rc) {
        tx->changes = PQntuples(res);
        if (tx->changes == 1)
            *id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        else
            rc = od_error_set(e, OD_E_CONFLICT, NULL, "记录已存在 (already exists)");
    }
    PQclear(res);
    return rc;
}

/* A value read as an integer: PostgreSQL's booleans are "t" and "f". */
static int64_t value_int(const char *v)
{
    if (v[0] == 't' && !v[1])
        return 1;
    return strtoll(v, NULL, 10);
}

static od_err pg_scalar(od_tx *base, od_query q, int64_t *out, od_error *e, const od_bind *b, size_t nb)
{
    PGresult *res = NULL;
    od_err rc = run(PG_TX(base), q, false, b, nb, &res, e);
    if (!rc && PQntuples(res) == 0)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "未找到 (not found)");
    else if (!rc)
        *out = value_int(PQgetvalue(res, 0, 0));
    PQclear(res);
    return rc;
}

static od_err pg_query(od_tx *base, od_query q, od_rows **out, od_error *e, const od_bind *b, size_t nb)
{
    pg_tx *tx = PG_TX(base);
    *out = NULL;
    pg_rows *r = calloc(1, sizeof *r);
    if (!r)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    /* a statement that fails is told by od_rows_step, as in SQLite, where
     * it runs there; a refused call (bad parameters) is told here */
    od_error run_e = {0};
    od_err rc = run(tx, q, false, b, nb, &r->res, &run_e);
    if (rc == OD_E_INTERNAL || rc == OD_E_NOMEM) {
        od_error_set(e, run_e.code, run_e.field, "%s", run_e.message);
        PQclear(r->res);
        free(r);
        return rc;
    }
    r->base.tx = base;
    r->tx = tx;
    r->at = -1;
    r->end = rc;
    snprintf(r->msg, sizeof r->msg, "%s", run_e.message);
    r->n = rc ? 0 : PQntuples(r->res);
    *out = &r->base;
    return OD_OK;
}

static od_err pg_rows_step(od_rows *base, bool *row, od_error *e)
{
    pg_rows *r = PG_ROWS(base);
    if (r->end) {
        od_err rc = od_error_set(e, r->end, NULL, "%s", r->msg);
        if (e && (r->end == OD_E_UNAVAILABLE || r->end == OD_E_RETRY))
            e->retry_after = 1;
        return rc;
    }
    if (r->at < r->n)
        r->at++;
    *row = r->at < r->n;
    return OD_OK;
}

static const char *cell(od_rows *base, int col)
{
    pg_rows *r = PG_ROWS(base);
    if (!r->res || r->at < 0 || r->at >= r->n || col < 0 || col >= PQnfields(r->res))
        return "";
    return PQgetvalue(r->res, r->at, col);
}

static int64_t pg_rows_int(od_rows *r, int col)
{
    return value_int(cell(r, col));
}
static double pg_rows_double(od_rows *r, int col)
{
    return strtod(cell(r, col), NULL);
}
static const char *pg_rows_text(od_rows *r, int col)
{
    return cell(r, col);
}
static bool pg_rows_null(od_rows *base, int col)
{
    pg_rows *r = PG_ROWS(base);
    if (!r->res || r->at < 0 || r->at >= r->n || col < 0 || col >= PQnfields(r->res))
        return true;
    return PQgetisnull(r->res, r->at, col);
}

static void pg_rows_close(od_rows *r)
{
    PQclear(PG_ROWS(r)->res);
    free(r);
}

/* ---- health ---- */

static int64_t pg_size(od_store *base)
{
    pg_store *s = PG_STORE(base);
    pconn *c = conn_take(s);
    int64_t n = -1;
    if (conn_ensure(s, c, NULL) == OD_OK &&
        scalar_plain(s, c, "SELECT pg_database_size(current_database())", &n, NULL) != OD_OK)
        n = -1;
    conn_give(s, c);
    return n;
}

static od_err pg_quick_check(od_store *base, bool *ok, char *msg, size_t n, od_error *e)
{
    pg_store *s = PG_STORE(base);
    *ok = false;
    pconn *c = conn_take(s);
    int64_t one = 0;
    od_err rc = conn_ensure(s, c, e);
    if (!rc)
        rc = scalar_plain(s, c, "SELECT 1", &one, e);
    *ok = !rc && one == 1;
    snprintf(msg, n, "%s", *ok ? "ok" : "SELECT 1 failed");
    conn_give(s, c);
    return rc;
}

static int64_t pg_last_fault(od_store *base, char *msg, size_t n)
{
    pg_store *s = PG_STORE(base);
    pthread_mutex_lock(&s->mu);
    int64_t at = s->fault_at;
    if (msg && n)
        snprintf(msg, n, "%s", s->fault_msg);
    pthread_mutex_unlock(&s->mu);
    return at;
}

/* ---- listeners (LISTEN/NOTIFY) ---- */

typedef struct pg_listener {
    od_store_listener base;
    pg_store *s;
    PGconn *c;     /* NULL while disconnected */
    char chan[64]; /* letters, digits, _ (checked at open) */
} pg_listener;

/* (Re)connects l and LISTENs.  LISTEN is a command of the protocol, not a
 * query (it cannot be prepared, like SAVEPOINT): sent as plain text here. */
static od_err listen_connect(pg_listener *l, od_error *e)
{
    if (l->c)
        PQfinish(l->c);
    l->c = connect_url(l->s->base.path);
    char sql[96], m[300];
    if (!l->c || PQstatus(l->c) != CONNECTION_OK) {
        conn_msg(l->c, NULL, m, sizeof m);
        PQfinish(l->c);
        l->c = NULL;
        return od_error_set(e, OD_E_UNAVAILABLE, NULL, "数据库不可达 (the database cannot be reached): %s",
                            m);
    }
    PQsetNoticeProcessor(l->c, notice_ignore, NULL);
    snprintf(sql, sizeof sql, "LISTEN %s", l->chan);
    PGresult *r = PQexec(l->c, sql);
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        conn_msg(l->c, r, m, sizeof m);
    PQclear(r);
    if (!ok) {
        PQfinish(l->c);
        l->c = NULL;
        return od_error_set(e, OD_E_STORE, NULL, "LISTEN %s: %s", l->chan, m);
    }
    return OD_OK;
}

static od_err pg_listen(od_store *base, const char *channel, od_store_listener **out, od_error *e)
{
    *out = NULL;
    size_t n = strlen(channel);
    if (!n || n >= 64 || strspn(channel, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
        return od_error_set(e, OD_E_INVALID, NULL, "bad channel name");
    pg_listener *l = calloc(1, sizeof *l);
    if (!l)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    l->s = PG_STORE(base);
    memcpy(l->chan, channel, n + 1);
    od_err rc = listen_connect(l, e);
    if (rc) {
        free(l);
        return rc;
    }
    *out = &l->base;
    return OD_OK;
}

/* Takes one notification already read on l->c; true when there was one. */
static bool take_notify(pg_listener *l, char *payload, size_t n)
{
    PGnotify *nf = PQnotifies(l->c);
    if (!nf)
        return false;
    snprintf(payload, n, "%s", nf->extra ? nf->extra : "");
    PQfreemem(nf);
    return true;
}

static od_err pg_listen_wait(od_store_listener *base, int timeout_ms, char *payload, size_t n, bool *got,
                             od_error *e)
{
    pg_listener *l = (pg_listener *)base;
    if (!l->c || PQstatus(l->c) != CONNECTION_OK) {
        od_err rc = listen_connect(l, e);
        if (rc)
            return rc;
        *got = true; /* what was sent while it was away is unknown: wake */
        return OD_OK;
    }
    if (take_notify(l, payload, n)) {
        *got = true;
        return OD_OK;
    }
    struct pollfd pfd = {.fd = PQsocket(l->c), .events = POLLIN};
    int pr = poll(&pfd, 1, timeout_ms);
    if (pr < 0 && errno == EINTR)
        return OD_OK;
    if (pr > 0 && !PQconsumeInput(l->c)) {
        char m[300];
        conn_msg(l->c, NULL, m, sizeof m);
        PQfinish(l->c);
        l->c = NULL;
        return od_error_set(e, OD_E_UNAVAILABLE, NULL,
                            "数据库连接中断 (the database connection was lost): %s", m);
    }
    *got = pr > 0 && take_notify(l, payload, n);
    return OD_OK;
}

static void pg_listen_close(od_store_listener *base)
{
    pg_listener *l = (pg_listener *)base;
    if (l->c)
        PQfinish(l->c);
    free(l);
}

const od_store_ops od_store_pg_ops = {
    .name = "postgresql",
    .handles = pg_handles,
    .open = pg_open,
    .close = pg_close,
    .size = pg_size,
    .schema_version = pg_schema_version,
    .tx_begin = pg_tx_begin,
    .tx_commit = pg_tx_commit,
    .tx_rollback = pg_tx_rollback,
    .exec = pg_exec,
    .changes = pg_changes,
    .insert = pg_insert,
    .scalar = pg_scalar,
    .query = pg_query,
    .rows_step = pg_rows_step,
    .rows_int = pg_rows_int,
    .rows_double = pg_rows_double,
    .rows_text = pg_rows_text,
    .rows_null = pg_rows_null,
    .rows_close = pg_rows_close,
    .checkpoint = NULL,
    .checkpoint_idle = NULL,
    .quick_check = pg_quick_check,
    .last_fault = pg_last_fault,
    .listen = pg_listen,
    .listen_wait = pg_listen_wait,
    .listen_close = pg_listen_close,
};

od_err od_store_pg_prepare_all(od_store *base, int *failed, od_error *e)
{
    pg_store *s = PG_STORE(base);
    *failed = 0;
    pconn *c = conn_take(s);
    od_err rc = conn_ensure(s, c, e);
    for (int q = 0; !rc && q < OD_Q__COUNT; q++) {
        if (pg_plain[q])
            continue;
        /* (the RETURNING id forms are checked by the inserts that use them:
         * only tables with an id column have one) */
        for (int ret = 0; ret < 1; ret++) {
            const char *sql = pg_sql[q];
            PGresult *pr = PQprepare(c->pg, "", sql, 0, NULL);
            if (!pr || PQresultStatus(pr) != PGRES_COMMAND_OK) {
                char m[300];
                conn_msg(c->pg, pr, m, sizeof m);
                fprintf(stderr, "query %d does not prepare on PostgreSQL: %s\n", q, m);
                ++*failed;
            }
            PQclear(pr);
        }
    }
    conn_give(s, c);
    return rc;
}
