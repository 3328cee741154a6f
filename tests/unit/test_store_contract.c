/* test_store_contract.c — the contract of store.h, run against every
 * registered backend (store_int.h od_store_backends): a table of
 * behaviours times a table of backends.  A backend added to the registry
 * must add its row to `targets` below (how to reach a scratch database),
 * or this test fails.  PostgreSQL's target comes from OPSDESK_TEST_PG_URL
 * (skipped when unset; ctest unit/test_store_contract_pg sets it).
 *
 * Behaviours: commit and rollback; savepoints; insert giving the row id;
 * scalar and its not-found; row iteration, its columns and its error path
 * (od_rows_step's code, which stays); NULL against 0 in binds (OD_INT_NONZERO,
 * OD_INT_OR_NULL and OD_TEXT NULL, OD_INT 0); a uniqueness conflict is OD_E_CONFLICT from exec,
 * insert, scalar and rows; changes; a read transaction runs beside an open
 * write transaction and sees committed data only; the checkpoint calls;
 * before-commit steps run last inside the transaction, and one failing
 * rolls it back (the end hooks then see no commit);
 * hooks run once when a transaction ends, saying whether it committed;
 * the record registry's reliances (migration 0012): a conditional update on
 * a stale version changes no row (optimistic concurrency), NULLs are
 * distinct in a unique key (pending links have no target id) while the
 * same pending link twice conflicts, an insert ON CONFLICT DO NOTHING run
 * by exec changes nothing, a pending link resolves to its record, and a
 * UNION ALL ordered by column positions interleaves two tables by time;
 * a conflict inside a caller's savepoint; search ignoring ASCII case; the
 * incident list's full-text filter (substrings of 3 characters or more).
 * PostgreSQL only: every named statement PREPAREs; two write transactions
 * at once (no process-wide lock); a failed statement does not spoil pooled
 * connections, nor reports an aborted transaction as committed; a connection
 * the server ends is a 503 and the pool reconnects. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/leases.h"
#include "store/store.h"
#include "store/store_int.h"

#include <libpq-fe.h>

/* ---- backends: how to reach a scratch database of each ---- */

typedef struct target {
    const char *backend; /* od_store_ops.name */
    /* Fills addr with a fresh, empty database's address; false = skip. */
    bool (*make)(char *addr, size_t cap, char *dir, size_t dcap);
} target;

static bool sqlite_make(char *addr, size_t cap, char *dir, size_t dcap)
{
    snprintf(dir, dcap, "/tmp/od-contract-XXXXXX");
    if (!mkdtemp(dir))
        return false;
    snprintf(addr, cap, "%s/c.db", dir);
    return true;
}

/* PostgreSQL: OPSDESK_TEST_PG_URL names a database of a throwaway cluster
 * (tests/pg/pgtmp.py; the ctest unit/test_store_contract_pg starts one);
 * each behaviour gets a fresh database created there, dropped after. */
static int pg_seq;

/* url with its database (the path after host) replaced by db. */
static bool pg_url_with_db(const char *url, const char *db, char *out, size_t cap)
{
    const char *p = strstr(url, "://");
    if (!p)
        return false;
    const char *slash = strchr(p + 3, '/');
    if (!slash)
        return false;
    const char *q = strchr(slash, '?');
    return (size_t)snprintf(out, cap, "%.*s/%s%s", (int)(slash - url), url, db, q ? q : "") < cap;
}

/* Runs one command on the database of OPSDESK_TEST_PG_URL. */
static bool pg_admin(const char *cmd)
{
    PGconn *c = PQconnectdb(getenv("OPSDESK_TEST_PG_URL"));
    bool ok = false;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, cmd);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok)
            fprintf(stderr, "%s: %s", cmd, PQerrorMessage(c));
        PQclear(r);
    }
    PQfinish(c);
    return ok;
}

static bool pg_make(char *addr, size_t cap, char *dir, size_t dcap)
{
    const char *base = getenv("OPSDESK_TEST_PG_URL");
    (void)dcap;
    dir[0] = 0;
    if (!base || !*base)
        return false;
    char db[64], cmd[128];
    snprintf(db, sizeof db, "contract_%d_%d", (int)getpid(), ++pg_seq);
    snprintf(cmd, sizeof cmd, "CREATE DATABASE %s", db);
    return pg_url_with_db(base, db, addr, cap) && pg_admin(cmd);
}

static const target targets[] = {
    {"sqlite", sqlite_make},
    {"postgresql", pg_make},
};

static const od_store_ops *cur_ops; /* the backend under test */
static const target *cur_target;

typedef struct fx {
    char addr[256];
    char dir[128];
    od_store *s;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_true(cur_target->make(f->addr, sizeof f->addr, f->dir, sizeof f->dir));
    od_error e = {0};
    assert_int_equal(od_store_open_with(cur_ops, f->addr, &f->s, &e), OD_OK);
    assert_ptr_equal(f->s->ops, cur_ops);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    od_store_close(f->s);
    if (f->dir[0]) {
        char p[300];
        static const char *const sfx[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(p, sizeof p, "%s%s", f->addr, sfx[i]);
            unlink(p);
        }
        rmdir(f->dir);
    } else if (strcmp(cur_ops->name, "postgresql") == 0) {
        const char *db = strstr(f->addr, "contract_");
        char cmd[128];
        snprintf(cmd, sizeof cmd, "DROP DATABASE IF EXISTS %.*s", (int)strcspn(db, "?"), db);
        assert_true(pg_admin(cmd));
    }
    free(f);
    return 0;
}

/* ---- helpers (named queries of queries.h only: no SQL here) ---- */

static void put(od_store *s, const char *k, const char *v, bool commit)
{
    od_error e = {0};
    od_tx *tx = NULL;
    assert_int_equal(od_tx_begin(s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT(k), OD_TEXT(v))), OD_OK);
    if (commit)
        assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    else
        od_tx_rollback(tx);
}

/* The value of meta k in a read transaction, or NULL (caller frees). */
static char *get(od_store *s, const char *k)
{
    od_error e = {0};
    od_tx *tx = NULL;
    od_rows *r = NULL;
    char *v = NULL;
    assert_int_equal(od_tx_begin(s, false, &tx, &e), OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_META_GET, &r, &e, OD_BINDS(OD_TEXT(k))), OD_OK);
    bool row = false;
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    if (row)
        v = strdup(od_rows_text(r, 0));
    od_rows_close(r);
    od_tx_rollback(tx);
    return v;
}

static od_err audit_row(od_tx *tx, int64_t id, int64_t actor_id, const char *before, int64_t *got,
                        od_error *e)
{
    return od_tx_insert(tx, OD_Q_AUDIT_INSERT, got, e,
                        OD_BINDS(OD_INT(id), OD_INT((int64_t)1000), OD_INT_OR_NULL(actor_id, actor_id != 0),
                                 OD_TEXT("t"), OD_TEXT("act"), OD_TEXT("ent"), OD_NULL(), OD_TEXT(before),
                                 OD_TEXT("{}"), OD_TEXT("p"), OD_TEXT("h")));
}

static od_err user_row(od_tx *tx, const char *name, int64_t *id, od_error *e)
{
    return od_tx_insert(tx, OD_Q_USER_INSERT, id, e,
                        OD_BINDS(OD_TEXT(name), OD_TEXT("x"), OD_TEXT(name), OD_TEXT("d"), OD_TEXT(""),
                                 OD_TEXT(""), OD_INT((int64_t)0), OD_TEXT("[]"), OD_INT((int64_t)1),
                                 OD_INT((int64_t)1)));
}

/* ---- behaviours ---- */

static void commit_and_rollback(void **state)
{
    fx *f = *state;
    put(f->s, "k1", "committed", true);
    put(f->s, "k2", "rolled back", false);
    char *v = get(f->s, "k1");
    assert_string_equal(v, "committed");
    free(v);
    assert_null(get(f->s, "k2"));
    od_tx_rollback(NULL); /* NULL-safe */
}

static void savepoints(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("before"), OD_TEXT("1"))), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_BEGIN, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("undone"), OD_TEXT("1"))), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_ROLLBACK, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_RELEASE, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_BEGIN, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("kept"), OD_TEXT("1"))), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_RELEASE, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    char *a = get(f->s, "before"), *b = get(f->s, "kept");
    assert_non_null(a);
    assert_non_null(b);
    free(a);
    free(b);
    assert_null(get(f->s, "undone"));
}

static void insert_gives_id_and_conflicts(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t id = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(audit_row(tx, 7, 1, NULL, &id, &e), OD_OK);
    assert_int_equal(id, 7);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(audit_row(tx, 8, 1, NULL, &id, &e), OD_OK);
    assert_int_equal(id, 8);
    memset(&e, 0, sizeof e);
    assert_int_equal(audit_row(tx, 8, 1, NULL, &id, &e), OD_E_CONFLICT); /* primary key */
    assert_int_equal(e.code, OD_E_CONFLICT);
    /* the transaction goes on after a refused statement */
    int64_t n = 0;
    assert_int_equal(user_row(tx, "alice", &n, &e), OD_OK);
    assert_true(n > 0);
    memset(&e, 0, sizeof e);
    assert_int_equal(user_row(tx, "alice", &n, &e), OD_E_CONFLICT); /* unique username */
    assert_int_equal(n, 0);
    /* an insert that inserts nothing (ON CONFLICT ... DO NOTHING) is a
     * conflict too, never "not found", and gives no id */
    int64_t b = 0;
    assert_int_equal(od_tx_insert(tx, OD_Q_DSP_BOT_INSERT, &b, &e,
                                  OD_BINDS(OD_TEXT("c1"), OD_NULL(), OD_TEXT("ops"), OD_TEXT("k"),
                                           OD_TEXT(""), OD_TEXT("s"), OD_TEXT("b"), OD_INT(1), OD_INT(1))),
                     OD_OK);
    assert_true(b > 0);
    memset(&e, 0, sizeof e);
    int64_t again = -1;
    assert_int_equal(od_tx_insert(tx, OD_Q_DSP_BOT_INSERT, &again, &e,
                                  OD_BINDS(OD_TEXT("c1"), OD_NULL(), OD_TEXT("ops"), OD_TEXT("k2"),
                                           OD_TEXT(""), OD_TEXT("s2"), OD_TEXT("b2"), OD_INT(2), OD_INT(2))),
                     OD_E_CONFLICT);
    assert_int_equal(e.code, OD_E_CONFLICT);
    assert_int_equal(again, 0);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* R-NOT-7, docs/deploy/cluster.md: the dispatcher records a wave of sends in
 * one transaction, each row only while its claim is still this node's under
 * the lease it took.  Three rows claimed by node-a, one of them re-queued and
 * claimed by node-b meanwhile: in node-a's one transaction the other two are
 * finished (a delivery each), the third changes nothing and stays node-b's. */
static void dispatcher_wave_record_fenced(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t id[3] = {0};
    const int64_t lease_a = 1000, lease_b = 2000;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    for (int i = 0; i < 3; i++) {
        char cause[24];
        snprintf(cause, sizeof cause, "wave-%d", i);
        assert_int_equal(
            od_tx_insert(tx, OD_Q_DSP_BOT_INSERT, &id[i], &e,
                         OD_BINDS(OD_TEXT(cause), OD_NULL(), OD_TEXT("hook"), OD_TEXT("first"), OD_TEXT(""),
                                  OD_TEXT("s"), OD_TEXT("b"), OD_INT(1), OD_INT(1))),
            OD_OK);
        assert_int_equal(od_tx_exec(tx, OD_Q_DSP_BOT_CLAIM, &e,
                                    OD_BINDS(OD_TEXT("node-a"), OD_INT(lease_a), OD_INT(id[i]))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), 1);
    }
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_DSP_BOT_REQUEUE, &e, OD_BINDS(OD_INT(id[1]), OD_TEXT("node-a"))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_DSP_BOT_CLAIM, &e, OD_BINDS(OD_TEXT("node-b"), OD_INT(lease_b), OD_INT(id[1]))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    /* node-a's wave: one transaction */
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_DSP_BOT_FINISH, &e,
                                    OD_BINDS(OD_TEXT("sent"), OD_INT(5), OD_INT(5), OD_INT(id[i]),
                                             OD_TEXT("node-a"), OD_INT(lease_a))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 1 ? 0 : 1);
        if (i == 1)
            continue;
        assert_int_equal(od_tx_exec(tx, OD_Q_DSP_DELIVERY_INSERT, &e,
                                    OD_BINDS(OD_NULL(), OD_INT(id[i]), OD_NULL(), OD_INT(5), OD_TEXT("hook"),
                                             OD_TEXT("sent"), OD_INT(200), OD_TEXT(""), OD_TEXT(""))),
                         OD_OK);
    }
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    /* what is left 'sending': node-b's claim only */
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_query(tx, OD_Q_DSP_BOT_STALE_OWN, &r, &e, OD_BINDS(OD_TEXT("node-a"), OD_INT((int64_t)10))),
        OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(
        od_tx_query(tx, OD_Q_DSP_BOT_STALE_OWN, &r, &e, OD_BINDS(OD_TEXT("node-b"), OD_INT((int64_t)10))),
        OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), id[1]);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* node-b's own result, under its lease, still lands */
    assert_int_equal(od_tx_exec(tx, OD_Q_DSP_BOT_FINISH, &e,
                                OD_BINDS(OD_TEXT("sent"), OD_INT(6), OD_INT(6), OD_INT(id[1]),
                                         OD_TEXT("node-b"), OD_INT(lease_b))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* Migration 0016 (seed 000 ch. 7 §2.2, §2.4; R-ACT-1, R-CLOSE-1): the level
 * an incident's plan was activated at and by whom, NULL before, then
 * replaced by a re-activation; the same on both backends. */
static void activation_level(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t uid = 0, id = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "leader", &uid, &e), OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_INC_INSERT, &id, &e,
                                  OD_BINDS(OD_TEXT("INC-2026-000001"), OD_TEXT("t"), OD_TEXT("confirmed"),
                                           OD_TEXT("L2"), OD_TEXT("moderate"), OD_BOOL(false), OD_TEXT("R2"),
                                           OD_TEXT("R2"), OD_TEXT("R2"), OD_INT(1000), OD_INT(1000),
                                           OD_INT(2000), OD_INT(1300), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                           OD_TEXT("[]"), OD_BOOL(false), OD_INT(uid), OD_INT(1000))),
                     OD_OK);
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_INC_ACTIVATION_GET, &r, &e, OD_BINDS(OD_INT(id))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_true(od_rows_null(r, 0));
    assert_true(od_rows_null(r, 1));
    od_rows_close(r);
    static const char *const levels[] = {"R2", "R1"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_INC_SET_ACTIVATED_LEVEL, &e,
                                    OD_BINDS(OD_TEXT("activated"), OD_INT(uid), OD_INT(1500 + (int64_t)i),
                                             OD_TEXT(levels[i]), OD_INT(1500 + (int64_t)i), OD_INT(id))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), 1);
        assert_int_equal(od_tx_query(tx, OD_Q_INC_ACTIVATION_GET, &r, &e, OD_BINDS(OD_INT(id))), OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_string_equal(od_rows_text(r, 0), levels[i]);
        assert_int_equal(od_rows_int(r, 1), uid);
        od_rows_close(r);
    }
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* Migration 0023 (seed 000 ch. 7 §1 item 3, 就高原则; R-INC-2, R-INC-4): an
 * incident's level is 0 (determined) by default, set provisional at
 * registration from candidate levels, cleared by a regrade; the same on
 * both backends. */
static void level_provisional(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t uid = 0, id = 0, v = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "reporter", &uid, &e), OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_INC_INSERT, &id, &e,
                                  OD_BINDS(OD_TEXT("INC-2026-000001"), OD_TEXT("t"), OD_TEXT("detected"),
                                           OD_TEXT("L1"), OD_TEXT("moderate"), OD_BOOL(false), OD_TEXT("R1"),
                                           OD_TEXT("R1"), OD_TEXT("R1"), OD_INT(1000), OD_INT(1000),
                                           OD_INT(2000), OD_INT(1300), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                           OD_TEXT("[]"), OD_BOOL(false), OD_INT(uid), OD_INT(1000))),
                     OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_INC_LEVEL_PROV_GET, &v, &e, OD_BINDS(OD_INT(id))), OD_OK);
    assert_int_equal(v, 0);
    static const int64_t set[] = {1, 0};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_INC_LEVEL_PROV_SET, &e, OD_BINDS(OD_INT(set[i]), OD_INT(id))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), 1);
        assert_int_equal(od_tx_scalar(tx, OD_Q_INC_LEVEL_PROV_GET, &v, &e, OD_BINDS(OD_INT(id))), OD_OK);
        assert_int_equal(v, set[i]);
    }
    assert_int_equal(od_tx_exec(tx, OD_Q_INC_LEVEL_PROV_SET, &e, OD_BINDS(OD_INT(1), OD_INT(id + 1))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 0); /* no such incident: nothing changed */
    /* the handling department (ch. 8 §1): '' by default, then set */
    od_rows *r = NULL;
    bool row = false;
    static const char *const depts[] = {"", "技术部"};
    for (size_t i = 0; i < 2; i++) {
        if (i)
            assert_int_equal(
                od_tx_exec(tx, OD_Q_INC_HANDLING_SET, &e, OD_BINDS(OD_TEXT(depts[i]), OD_INT(id))), OD_OK);
        assert_int_equal(od_tx_query(tx, OD_Q_INC_HANDLING_GET, &r, &e, OD_BINDS(OD_INT(id))), OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_string_equal(od_rows_text(r, 0), depts[i]);
        od_rows_close(r);
    }
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

static void scalar_and_not_found(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t v = -1;
    put(f->s, "num", "42", true);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_META_GET_INT, &v, &e, OD_BINDS(OD_TEXT("num"))), OD_OK);
    assert_int_equal(v, 42);
    assert_int_equal(od_tx_scalar(tx, OD_Q_USER_COUNT, &v, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(v, 0);
    v = -1;
    assert_int_equal(od_tx_scalar(tx, OD_Q_META_GET_INT, &v, &e, OD_BINDS(OD_TEXT("absent"))),
                     OD_E_NOT_FOUND);
    assert_int_equal(v, -1); /* untouched */
    od_tx_rollback(tx);
}

static void rows_iterate(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    od_rows *r = NULL;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    const char *names[] = {"u1", "u2", "u3"};
    for (int i = 0; i < 3; i++) {
        int64_t id = 0;
        assert_int_equal(user_row(tx, names[i], &id, &e), OD_OK);
    }
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_query(tx, OD_Q_USER_LIST, &r, &e, OD_BINDS(OD_INT((int64_t)10), OD_INT((int64_t)1))), OD_OK);
    int n = 0;
    bool row = false;
    od_err st;
    while ((st = od_rows_step(r, &row)) == OD_OK && row) {
        assert_string_equal(od_rows_text(r, 1), names[n + 1]); /* offset 1 */
        assert_true(od_rows_int(r, 0) > 0);
        assert_true(od_rows_double(r, 0) > 0.5);
        assert_false(od_rows_null(r, 1));
        n++;
    }
    assert_int_equal(st, OD_OK);
    assert_int_equal(n, 2);
    row = true;
    assert_int_equal(od_rows_step(r, &row), OD_OK); /* stays done */
    assert_false(row);
    od_rows_close(r);
    od_rows_close(NULL); /* NULL-safe */
    /* the same query again after close (cached statements) */
    assert_int_equal(
        od_tx_query(tx, OD_Q_USER_LIST, &r, &e, OD_BINDS(OD_INT((int64_t)1), OD_INT((int64_t)0))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 1), "u1");
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    od_tx_rollback(tx);
}

static void rows_error_path(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t id = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "dup", &id, &e), OD_OK);
    /* a statement that fails while its rows are read: od_rows_step returns the
     * error (never "no row") and fills the od_error given to the query */
    assert_int_equal(od_tx_query(tx, OD_Q_USER_INSERT, &r, &e,
                                 OD_BINDS(OD_TEXT("dup"), OD_TEXT("x"), OD_TEXT("d"), OD_TEXT("d"),
                                          OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0), OD_TEXT("[]"),
                                          OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    bool row = true;
    assert_int_equal(od_rows_step(r, &row), OD_E_CONFLICT);
    assert_false(row);
    assert_int_equal(e.code, OD_E_CONFLICT);
    assert_true(e.message[0] != 0);
    row = true;
    assert_int_equal(od_rows_step(r, &row), OD_E_CONFLICT); /* stays failed: never "done", never run again */
    assert_false(row);
    od_rows_close(r);
    /* the od_error of the query is the one filled, even when it was clean */
    od_error e3 = {0};
    assert_int_equal(od_tx_query(tx, OD_Q_USER_INSERT, &r, &e3,
                                 OD_BINDS(OD_TEXT("dup"), OD_TEXT("x"), OD_TEXT("d"), OD_TEXT("d"),
                                          OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0), OD_TEXT("[]"),
                                          OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    row = true;
    assert_int_equal(od_rows_step(r, &row), OD_E_CONFLICT);
    assert_false(row);
    assert_int_equal(e3.code, OD_E_CONFLICT);
    od_rows_close(r);
    /* a wrong number of parameters is refused before anything runs */
    assert_int_equal(od_tx_query(tx, OD_Q_META_GET, &r, &e, OD_NOBINDS), OD_E_INTERNAL); /* too few */
    assert_null(r);
    assert_int_not_equal(od_tx_query(tx, OD_Q_META_GET, &r, &e, OD_BINDS(OD_TEXT("a"), OD_TEXT("b"))),
                         OD_OK); /* too many */
    assert_null(r);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* One od_rows_step that must succeed: whether it gave a row. */
static bool step_ok(od_rows *r)
{
    bool row = false;
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    return row;
}

static void null_against_zero(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t id = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(audit_row(tx, 1, 0, NULL, &id, &e), OD_OK); /* actor 0 -> NULL, OD_TEXT(NULL) -> NULL */
    assert_int_equal(audit_row(tx, 2, 5, "", &id, &e), OD_OK);   /* actor 5, OD_TEXT("") */
    /* present or not is said apart from the value: a present 0 is a value */
    assert_int_equal(od_tx_insert(tx, OD_Q_AUDIT_INSERT, &id, &e,
                                  OD_BINDS(OD_INT(3), OD_INT(1000), OD_INT_OR_NULL(0, true), OD_TEXT("t"),
                                           OD_TEXT("act"), OD_TEXT("ent"), OD_INT_OR_NULL(9, false),
                                           OD_NULL(), OD_TEXT("{}"), OD_TEXT("p"), OD_TEXT("h"))),
                     OD_OK);
    int64_t uid = 0;
    assert_int_equal(user_row(tx, "z", &uid, &e), OD_OK);
    /* OD_INT(0) is a value, not NULL */
    assert_int_equal(
        od_tx_exec(tx, OD_Q_USER_SET_DISABLED, &e, OD_BINDS(OD_BOOL(0), OD_INT((int64_t)0), OD_INT(uid))),
        OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_query(tx, OD_Q_AUDIT_WALK, &r, &e, OD_BINDS(OD_INT((int64_t)0), OD_INT((int64_t)10))), OD_OK);
    assert_true(step_ok(r));
    assert_true(od_rows_null(r, 2));             /* actor_id */
    assert_int_equal(od_rows_int(r, 2), 0);      /* NULL reads as 0 */
    assert_true(od_rows_null(r, 7));             /* before_json */
    assert_string_equal(od_rows_text(r, 7), ""); /* NULL reads as "" */
    assert_true(od_rows_null(r, 6));             /* entity_id, OD_NULL() */
    assert_true(step_ok(r));
    assert_false(od_rows_null(r, 2));
    assert_int_equal(od_rows_int(r, 2), 5);
    assert_false(od_rows_null(r, 7)); /* "" is not NULL */
    assert_string_equal(od_rows_text(r, 7), "");
    assert_true(step_ok(r));
    assert_false(od_rows_null(r, 2)); /* OD_INT_OR_NULL(0, true) */
    assert_int_equal(od_rows_int(r, 2), 0);
    assert_true(od_rows_null(r, 6)); /* OD_INT_OR_NULL(9, false) */
    assert_true(od_rows_null(r, 7)); /* OD_NULL() */
    assert_false(step_ok(r));
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_USER_GET, &r, &e, OD_BINDS(OD_INT(uid))), OD_OK);
    assert_true(step_ok(r));
    assert_false(od_rows_null(r, 11)); /* updated_at */
    assert_int_equal(od_rows_int(r, 11), 0);
    assert_false(od_rows_null(r, 8)); /* disabled, OD_BOOL(false) */
    assert_int_equal(od_rows_int(r, 8), 0);
    od_rows_close(r);
    od_tx_rollback(tx);
}

static void read_beside_write(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *w = NULL, *r1 = NULL, *r2 = NULL;
    put(f->s, "v", "old", true);
    assert_int_equal(od_tx_begin(f->s, true, &w, &e), OD_OK);
    assert_int_equal(od_tx_exec(w, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("v"), OD_TEXT("new"))), OD_OK);
    /* two readers at once, while the writer holds its transaction open */
    assert_int_equal(od_tx_begin(f->s, false, &r1, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, false, &r2, &e), OD_OK);
    od_rows *rows = NULL;
    assert_int_equal(od_tx_query(r1, OD_Q_META_GET, &rows, &e, OD_BINDS(OD_TEXT("v"))), OD_OK);
    assert_true(step_ok(rows));
    assert_string_equal(od_rows_text(rows, 0), "old"); /* uncommitted data is not seen */
    od_rows_close(rows);
    assert_int_equal(od_tx_commit(w, &e), OD_OK);
    /* r1's snapshot started before the commit */
    assert_int_equal(od_tx_query(r1, OD_Q_META_GET, &rows, &e, OD_BINDS(OD_TEXT("v"))), OD_OK);
    assert_true(step_ok(rows));
    assert_string_equal(od_rows_text(rows, 0), "old");
    od_rows_close(rows);
    od_tx_rollback(r1);
    od_tx_rollback(r2);
    char *v = get(f->s, "v");
    assert_string_equal(v, "new");
    free(v);
}

static void exec_changes_and_checkpoints(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t id = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "c1", &id, &e), OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_USER_SET_DISABLED, &e, OD_BINDS(OD_BOOL(1), OD_INT((int64_t)2), OD_INT(id))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_exec(tx, OD_Q_USER_SET_DISABLED, &e,
                                OD_BINDS(OD_BOOL(1), OD_INT((int64_t)2), OD_INT(id + 100))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    od_store_checkpoint_idle(f->s);
    od_store_checkpoint(f->s);
    assert_true(od_store_schema_version(f->s) > 0);
    assert_string_equal(od_store_path(f->s), f->addr);
    assert_true(od_store_size(f->s) != 0);
}

static od_err record_row(od_tx *tx, const char *kind, const char *number, int64_t *id, od_error *e)
{
    return od_tx_insert(tx, OD_Q_REC_INSERT, id, e,
                        OD_BINDS(OD_TEXT(kind), OD_TEXT(number), OD_TEXT("t"), OD_TEXT("new"), OD_TEXT(""),
                                 OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_NULL(), OD_TEXT(""), OD_TEXT("d"),
                                 OD_NULL(), OD_NULL(), OD_NULL(), OD_BOOL(false), OD_INT((int64_t)10),
                                 OD_INT((int64_t)10)));
}

static od_err link_row(od_tx *tx, int64_t from, int64_t to, const char *kind, const char *ref, int64_t *id,
                       od_error *e)
{
    return od_tx_insert(tx, OD_Q_RLINK_INSERT, id, e,
                        OD_BINDS(OD_INT(from), OD_INT_NONZERO(to), OD_TEXT(kind), OD_TEXT("change"),
                                 OD_TEXT(ref), OD_TEXT(to ? "active" : "pending"), OD_NULL(),
                                 OD_INT((int64_t)20)));
}

/* What the workflow kernel applied relies on (migration 0013): a module's
 * row made once (ON CONFLICT DO NOTHING) and read with its defaults; a
 * deadline without an incident, claimed by the scheduler's query and fired
 * exactly once (the conditional update); a threshold counted once fired;
 * a clock's breach frozen by a conditional update; a checklist result
 * replaced by an upsert (ON CONFLICT DO UPDATE); the first approval round. */
static void kernel_applied(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t prb = 0, n = 0, clk = 0, dl = 0, dl2 = 0, inst = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000009", &prb, &e), OD_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_PRB_ENSURE, &e, OD_BINDS(OD_INT(prb))), OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 0 ? 1 : 0);
    }
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_PRB_GET, &r, &e, OD_BINDS(OD_INT(prb))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "");    /* reporter_contact */
    assert_true(od_rows_null(r, 3));                /* recorded_at */
    assert_string_equal(od_rows_text(r, 12), "[]"); /* solving_team */
    assert_int_equal(od_rows_int(r, 21), 0);        /* major */
    od_rows_close(r);
    /* a record clock's threshold: a deadline without an incident */
    assert_int_equal(
        od_tx_insert(tx, OD_Q_KCLK_INSERT, &clk, &e,
                     OD_BINDS(OD_INT(prb), OD_TEXT("resolve"), OD_INT((int64_t)3600000), OD_TEXT("24x7"),
                              OD_TEXT("running"), OD_INT((int64_t)100), OD_NULL(), OD_INT((int64_t)0),
                              OD_NULL(), OD_INT((int64_t)3600100), OD_NULL())),
        OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_KDL_INSERT, &dl, &e,
                                  OD_BINDS(OD_INT(prb), OD_INT(clk), OD_TEXT("clock:resolve:50"),
                                           OD_INT((int64_t)1800100), OD_INT((int64_t)1800100))),
                     OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_KDL_INSERT, &dl2, &e,
                                  OD_BINDS(OD_INT(prb), OD_INT(clk), OD_TEXT("clock:resolve:75"),
                                           OD_INT((int64_t)2700100), OD_INT((int64_t)2700100))),
                     OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_DL_NEXT_DUE, &r, &e, OD_BINDS(OD_INT((int64_t)1800100))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), dl);
    assert_true(od_rows_null(r, 1)); /* incident_id */
    od_rows_close(r);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_exec(tx, OD_Q_DL_FIRED, &e, OD_BINDS(OD_TEXT("fired"), OD_TEXT("n1"), OD_INT(dl))), OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 0 ? 1 : 0);
    }
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_KDL_FIRED_COUNT, &n, &e, OD_BINDS(OD_INT(clk), OD_TEXT("clock:resolve:50"))),
        OD_OK);
    assert_int_equal(n, 1);
    /* a pause cancels the pending thresholds only */
    assert_int_equal(od_tx_exec(tx, OD_Q_KDL_CLOCK_CANCEL, &e, OD_BINDS(OD_INT(clk))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_KDL_FIRED_COUNT, &n, &e, OD_BINDS(OD_INT(clk), OD_TEXT("clock:resolve:75"))),
        OD_OK);
    assert_int_equal(n, 0);
    /* a breach is recorded once */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_exec(tx, OD_Q_KCLK_BREACH, &e, OD_BINDS(OD_INT((int64_t)3600100 + i), OD_INT(clk))), OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 0 ? 1 : 0);
    }
    /* a checklist result replaced in place */
    assert_int_equal(od_tx_insert(tx, OD_Q_KCKL_INSERT, &inst, &e,
                                  OD_BINDS(OD_INT(prb), OD_TEXT("close"), OD_TEXT("problem_closure"),
                                           OD_INT((int64_t)1), OD_INT((int64_t)5))),
                     OD_OK);
    static const char *const vals[] = {"false", "true"};
    for (int i = 0; i < 2; i++)
        assert_int_equal(od_tx_exec(tx, OD_Q_KCKL_RESULT_SET, &e,
                                    OD_BINDS(OD_INT(inst), OD_TEXT("ke_updated"), OD_TEXT(vals[i]),
                                             OD_BOOL(i == 1), OD_NULL(), OD_INT((int64_t)6), OD_TEXT(""),
                                             OD_TEXT("n"), OD_TEXT(i == 0 ? "f" : ""))),
                         OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_KCKL_RESULTS, &r, &e, OD_BINDS(OD_INT(inst))), OD_OK);
    int rows = 0;
    while (!od_rows_step(r, &row) && row) {
        assert_string_equal(od_rows_text(r, 1), "true");
        assert_int_equal(od_rows_int(r, 2), 1);
        assert_string_equal(od_rows_text(r, 4), "");
        rows++;
    }
    od_rows_close(r);
    assert_int_equal(rows, 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_KAPR_MAX_ROUND, &n, &e, OD_BINDS(OD_INT(prb))), OD_OK);
    assert_int_equal(n, 0);
    od_tx_rollback(tx);
}

static void record_registry(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t prb = 0, id = 0, v = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000001", &prb, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000001", &id, &e),
                     OD_E_CONFLICT); /* number unique */
    memset(&e, 0, sizeof e);
    /* optimistic concurrency: version 1 matches once, then it is stale */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_REC_SET_STATE, &e,
                                    OD_BINDS(OD_TEXT("accepted"), OD_NULL(), OD_INT((int64_t)11), OD_INT(prb),
                                             OD_INT((int64_t)1))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 0 ? 1 : 0);
    }
    assert_int_equal(od_tx_scalar(tx, OD_Q_REC_VERSION, &v, &e, OD_BINDS(OD_INT(prb))), OD_OK);
    assert_int_equal(v, 2);
    /* two pending links (no target id) to different numbers: NULLs are distinct */
    int64_t l1 = 0, l2 = 0;
    assert_int_equal(link_row(tx, prb, 0, "fixed_by", "CHG-2026-000001", &l1, &e), OD_OK);
    assert_int_equal(link_row(tx, prb, 0, "fixed_by", "CHG-2026-000002", &l2, &e), OD_OK);
    assert_true(l1 > 0 && l2 > l1);
    /* the same pending link twice conflicts */
    assert_int_equal(link_row(tx, prb, 0, "fixed_by", "CHG-2026-000001", &id, &e), OD_E_CONFLICT);
    memset(&e, 0, sizeof e);
    /* the change registers: its pending link becomes active, the other stays */
    int64_t chg = 0;
    assert_int_equal(record_row(tx, "change", "CHG-2026-000001", &chg, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_RLINK_RESOLVE, &e,
                                OD_BINDS(OD_INT(chg), OD_TEXT("change"), OD_TEXT("CHG-2026-000001"))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_RLINK_LIST, &r, &e, OD_BINDS(OD_INT(prb), OD_INT(prb))), OD_OK);
    int n = 0;
    while (!od_rows_step(r, &row) && row) {
        assert_string_equal(od_rows_text(r, 6), n == 0 ? "active" : "pending");
        assert_int_equal(od_rows_null(r, 2), n != 0);
        n++;
    }
    od_rows_close(r);
    assert_int_equal(n, 2);
    /* an active link that exists already conflicts */
    assert_int_equal(link_row(tx, prb, chg, "fixed_by", "CHG-2026-000001", &id, &e), OD_E_CONFLICT);
    memset(&e, 0, sizeof e);
    /* exec of an insert ON CONFLICT DO NOTHING: OK, and no row changed the second time */
    int64_t ci = 0;
    assert_int_equal(od_tx_insert(tx, OD_Q_CI_INSERT, &ci, &e,
                                  OD_BINDS(OD_TEXT("db"), OD_TEXT("application"), OD_TEXT("L3"), OD_TEXT("d"),
                                           OD_TEXT("production"), OD_TEXT(""), OD_TEXT("{}"),
                                           OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_exec(tx, OD_Q_RCI_INSERT, &e,
                       OD_BINDS(OD_INT(prb), OD_INT(ci), OD_TEXT("affected"), OD_NULL(), OD_INT((int64_t)1))),
            OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 0 ? 1 : 0);
    }
    /* the timeline in time order, entries of one time in insertion order */
    static const int64_t at[] = {30, 10, 30, 20};
    for (size_t i = 0; i < 4; i++) {
        char t[8];
        snprintf(t, sizeof t, "e%zu", i);
        assert_int_equal(od_tx_exec(tx, OD_Q_RTL_INSERT, &e,
                                    OD_BINDS(OD_INT(prb), OD_INT(at[i]), OD_TEXT("a"), OD_TEXT("note"),
                                             OD_TEXT(t), OD_NULL())),
                         OD_OK);
    }
    assert_int_equal(od_tx_query(tx, OD_Q_RTL_LIST, &r, &e, OD_BINDS(OD_INT(prb), OD_INT(prb))), OD_OK);
    static const char *const want[] = {"e1", "e3", "e0", "e2"};
    n = 0;
    while (!od_rows_step(r, &row) && row) {
        assert_true(n < 4);
        assert_string_equal(od_rows_text(r, 3), want[n++]);
    }
    od_rows_close(r);
    assert_int_equal(n, 4);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

static void hook_count(void *arg, bool committed)
{
    int *n = arg;
    n[committed ? 1 : 0]++;
}

static void hooks_after_end(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int n[2] = {0, 0}; /* [0] ended without commit, [1] committed */
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_on_end(tx, hook_count, n, &e), OD_OK);
    assert_ptr_equal(od_tx_hook_arg(tx, hook_count), n);
    assert_int_equal(n[0] + n[1], 0); /* not before the end */
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(n[1], 1);
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_null(od_tx_hook_arg(tx, hook_count)); /* a new tx has none */
    assert_int_equal(od_tx_on_end(tx, hook_count, n, &e), OD_OK);
    od_tx_rollback(tx);
    assert_int_equal(n[0], 1);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    for (int i = 0; i < OD_TX_HOOKS; i++)
        assert_int_equal(od_tx_on_end(tx, hook_count, n, &e), OD_OK);
    assert_int_equal(od_tx_on_end(tx, hook_count, n, &e), OD_E_INTERNAL);
    od_tx_rollback(tx);
    assert_int_equal(n[0], 1 + OD_TX_HOOKS);
    assert_int_equal(n[1], 1);
}

/* A conflict inside a caller's savepoint, rolled back to and released: the
 * transaction commits what was outside it (the event pipeline's pattern). */
static void conflict_inside_savepoint(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t id = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "outer", &id, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_BEGIN, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(user_row(tx, "inner", &id, &e), OD_OK);
    memset(&e, 0, sizeof e);
    assert_int_equal(user_row(tx, "outer", &id, &e), OD_E_CONFLICT);
    assert_int_equal(user_row(tx, "inner2", &id, &e), OD_OK); /* still usable */
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_ROLLBACK, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_RELEASE, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(user_row(tx, "after", &id, &e), OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    int64_t n = 0;
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_USER_COUNT, &n, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(n, 2); /* outer, after */
    od_tx_rollback(tx);
}

/* The search queries' LIKE ignores ASCII case on every backend (SQLite's
 * LIKE does; PostgreSQL's runs as ILIKE). */
static void search_ignores_case(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t id = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_insert(tx, OD_Q_CI_INSERT, &id, &e,
                     OD_BINDS(OD_TEXT("Web-1"), OD_TEXT("server"), OD_TEXT("A"), OD_TEXT("Ops"),
                              OD_TEXT("prod"), OD_TEXT("DC1"), OD_TEXT("{}"), OD_INT(1), OD_INT(1))),
        OD_OK);
    /* a CI found by its attributes (the Chinese description) or its category */
    assert_int_equal(od_tx_insert(tx, OD_Q_CI_INSERT, &id, &e,
                                  OD_BINDS(OD_TEXT("sw-9"), OD_TEXT("network"), OD_TEXT("A"), OD_TEXT("Net"),
                                           OD_TEXT("prod"), OD_TEXT("DC2"),
                                           OD_TEXT("{\"描述\":\"核心交换机\"}"), OD_INT(1), OD_INT(1))),
                     OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    static const struct {
        const char *q, *cat;
        int64_t n;
    } rows[] = {{"web", "", 1},  {"WEB-1", "", 1}, {"dc1", "", 1},        {"ops", "", 1},
                {"web_", "", 0}, {"%", "", 0},     {"db", "", 0},         {"核心", "", 1},
                {"交换", "", 1}, {"描述", "", 1},  {"zzz", "network", 1}, {"zzz", "", 0}};
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *like = od_store_like_pattern(rows[i].q);
        int64_t n = -1;
        assert_int_equal(
            od_tx_scalar(tx, OD_Q_CI_COUNT, &n, &e,
                         OD_BINDS(OD_INT(0), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                  OD_TEXT(rows[i].q), OD_TEXT(like), OD_TEXT(like), OD_TEXT(like),
                                  OD_TEXT(like), OD_TEXT(rows[i].cat), OD_INT(0), OD_INT(100))),
            OD_OK);
        assert_int_equal(n, rows[i].n);
        free(like);
    }
    od_tx_rollback(tx);
}

/* The shared full-text index (search_docs; app/search.c): what the known
 * errors and the case library rely on from both backends — every quoted
 * term a substring, Chinese without spaces and English in any ASCII case,
 * sources kept apart, a scan by LIKE for short queries, delete; and the
 * problem candidates' unique CI key (ON CONFLICT DO NOTHING: zero rows). */
static int64_t hits(od_tx *tx, od_query q, const char *arg, const char *source)
{
    od_error e = {0};
    od_rows *r = NULL;
    bool row = false;
    int64_t n = 0;
    assert_int_equal(od_tx_query(tx, q, &r, &e, OD_BINDS(OD_TEXT(arg), OD_TEXT(source))), OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row)
        n++;
    od_rows_close(r);
    return n;
}

static void search_index_shared(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    static const struct {
        const char *source;
        int64_t id;
        const char *body;
    } docs[] = {
        {"known_error", 1, "存储阵列控制器故障导致数据库只读"},
        {"known_error", 2, "Nginx upstream TIMEOUT on payment gateway"},
        {"case", 1, "控制器重启 quasarflux"},
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        assert_int_equal(
            od_tx_exec(tx, OD_Q_SD_INSERT, &e,
                       OD_BINDS(OD_TEXT(docs[i].source), OD_INT(docs[i].id), OD_TEXT(docs[i].body))),
            OD_OK);
    static const struct {
        od_query q;
        const char *arg, *source;
        int64_t n;
    } rows[] = {
        {OD_Q_SD_MATCH_FTS, "\"控制器故障\"", "known_error", 1},
        {OD_Q_SD_MATCH_FTS, "\"控制器\"", "known_error", 1},
        {OD_Q_SD_MATCH_FTS, "\"控制器\"", "case", 1},
        {OD_Q_SD_MATCH_FTS, "\"upstream\" \"timeout\"", "known_error", 1},
        {OD_Q_SD_MATCH_FTS, "\"timeout\" \"nginx\"", "known_error", 1},
        {OD_Q_SD_MATCH_FTS, "\"timeout\" \"zzzz\"", "known_error", 0},
        {OD_Q_SD_MATCH_FTS, "\"QUASARFLUX\"", "case", 1},
        {OD_Q_SD_MATCH_FTS, "\"QUASARFLUX\"", "known_error", 0},
        {OD_Q_SD_MATCH_FTS, "\"a\"\"b\"", "known_error", 0}, /* a quote inside a term */
        {OD_Q_SD_MATCH_LIKE, "%只读%", "known_error", 1},
        {OD_Q_SD_MATCH_LIKE, "%gateway%", "known_error", 1},
        {OD_Q_SD_MATCH_LIKE, "%GATEWAY%", "known_error", 1},
        {OD_Q_SD_MATCH_LIKE, "%%", "known_error", 2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        assert_int_equal(hits(tx, rows[i].q, rows[i].arg, rows[i].source), rows[i].n);
    assert_int_equal(od_tx_exec(tx, OD_Q_SD_DELETE, &e, OD_BINDS(OD_TEXT("known_error"), OD_INT(1))), OD_OK);
    assert_int_equal(hits(tx, OD_Q_SD_MATCH_FTS, "\"控制器\"", "known_error"), 0);
    assert_int_equal(hits(tx, OD_Q_SD_MATCH_FTS, "\"控制器\"", "case"), 1);
    /* a candidate's CI key is proposed once */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_PC_INSERT, &e,
                                    OD_BINDS(OD_TEXT("ci_recurrence"), OD_TEXT("7"), OD_TEXT("[7]"),
                                             OD_TEXT("[1,2,3]"), OD_INT((int64_t)3), OD_INT((int64_t)1),
                                             OD_INT((int64_t)2), OD_INT((int64_t)3))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 0 ? 1 : 0);
    }
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* R-PRB-5 event_rule_recurrence (queries_pcrule.h): incidents opened by
 * one event rule in [from, now], counted once however many events name
 * them, drills excluded; their CIs once each. */
static int64_t pcr_inc(od_tx *tx, int i, int64_t at, int64_t drill, od_error *e)
{
    char number[32];
    int64_t id = 0;
    snprintf(number, sizeof number, "INC-2026-09%04d", i);
    assert_int_equal(
        od_tx_insert(tx, OD_Q_INC_INSERT, &id, e,
                     OD_BINDS(OD_TEXT(number), OD_TEXT("t"), OD_TEXT("detected"), OD_TEXT("L3"),
                              OD_TEXT("minor"), OD_INT(0), OD_TEXT("R3"), OD_TEXT("R3"), OD_TEXT("R3"),
                              OD_INT(at), OD_INT(at), OD_NULL(), OD_INT(at + 1), OD_TEXT(""), OD_TEXT(""),
                              OD_TEXT(""), OD_TEXT("[]"), OD_INT(drill), OD_NULL(), OD_INT(at))),
        OD_OK);
    return id;
}

static void pcr_event(od_tx *tx, const char *key, int64_t inc, const char *rule, od_error *e)
{
    int64_t id = 0;
    assert_int_equal(
        od_tx_insert(tx, OD_Q_EV_INSERT, &id, e,
                     OD_BINDS(OD_TEXT("pcr"), OD_TEXT(key), OD_TEXT("firing"), OD_TEXT("handled"),
                              OD_TEXT("exception"), OD_TEXT("critical"), OD_TEXT("s"), OD_NULL(),
                              OD_TEXT("{}"), OD_TEXT("{}"), OD_TEXT("{}"), OD_INT(0), OD_TEXT("[]"),
                              OD_TEXT(""), OD_INT(inc), OD_TEXT(rule), OD_NULL(), OD_NULL(), OD_INT(1),
                              OD_INT(1), OD_INT(1), OD_INT(1), OD_NULL(), OD_TEXT("[]"), OD_INT(7))),
        OD_OK);
}

static void candidate_event_rule(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t ci[2] = {0};
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(od_tx_insert(tx, OD_Q_CI_INSERT, &ci[i], &e,
                                      OD_BINDS(OD_TEXT(i ? "pcr-b" : "pcr-a"), OD_TEXT("server"),
                                               OD_TEXT("L3"), OD_TEXT("Ops"), OD_TEXT("prod"), OD_TEXT(""),
                                               OD_TEXT("{}"), OD_INT(1), OD_INT(1))),
                         OD_OK);
    int64_t a = pcr_inc(tx, 1, 100, 0, &e), b = pcr_inc(tx, 2, 200, 0, &e), c = pcr_inc(tx, 3, 300, 0, &e);
    int64_t d = pcr_inc(tx, 4, 250, 1, &e); /* a drill */
    pcr_event(tx, "k1", a, "r-a", &e);
    pcr_event(tx, "k2", a, "r-a", &e); /* joined the same incident */
    pcr_event(tx, "k3", b, "r-a", &e);
    pcr_event(tx, "k4", c, "r-a", &e);
    pcr_event(tx, "k5", d, "r-a", &e);
    pcr_event(tx, "k6", c, "r-b", &e);
    int64_t on[4][2] = {{a, ci[0]}, {b, ci[0]}, {c, ci[1]}, {d, ci[1]}};
    for (int i = 0; i < 4; i++)
        assert_int_equal(od_tx_exec(tx, OD_Q_INC_CI_INSERT, &e, OD_BINDS(OD_INT(on[i][0]), OD_INT(on[i][1]))),
                         OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    static const struct {
        int64_t from, now, min;
        const char *rule; /* the one row's rule, NULL = none */
        int64_t count;
    } rows[] = {
        {100, 300, 3, "r-a", 3}, {101, 300, 3, NULL, 0}, {101, 300, 2, "r-a", 2},
        {100, 299, 3, NULL, 0},  {100, 300, 4, NULL, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        od_rows *r = NULL;
        bool row = false;
        assert_int_equal(
            od_tx_query(tx, OD_Q_PC_RULE_COUNTS, &r, &e,
                        OD_BINDS(OD_INT(rows[i].from), OD_INT(rows[i].now), OD_INT(rows[i].min))),
            OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_int_equal(row, rows[i].rule != NULL);
        if (row) {
            assert_string_equal(od_rows_text(r, 0), rows[i].rule);
            assert_int_equal(od_rows_int(r, 1), rows[i].count);
            assert_int_equal(od_rows_step(r, &row), OD_OK);
            assert_false(row);
        }
        od_rows_close(r);
    }
    od_rows *r = NULL;
    bool row = false;
    int64_t want_inc[3] = {a, b, c}, n = 0;
    assert_int_equal(
        od_tx_query(tx, OD_Q_PC_RULE_INCIDENTS, &r, &e, OD_BINDS(OD_INT(100), OD_INT(300), OD_TEXT("r-a"))),
        OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row) {
        assert_true(n < 3);
        assert_int_equal(od_rows_int(r, 0), want_inc[n]);
        n++;
    }
    od_rows_close(r);
    assert_int_equal(n, 3);
    n = 0;
    assert_int_equal(
        od_tx_query(tx, OD_Q_PC_RULE_CIS, &r, &e, OD_BINDS(OD_INT(100), OD_INT(300), OD_TEXT("r-a"))), OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row) {
        assert_true(n < 2);
        assert_int_equal(od_rows_int(r, 0), ci[n]);
        n++;
    }
    od_rows_close(r);
    assert_int_equal(n, 2);
    od_tx_rollback(tx);
}

/* ---- PostgreSQL only ---- */

static bool is_pg(void)
{
    return strcmp(cur_ops->name, "postgresql") == 0;
}

/* Every named statement PREPAREs on PostgreSQL (the savepoints are sent
 * unprepared). */
static void pg_every_query_prepares(void **state)
{
    fx *f = *state;
    if (!is_pg())
        skip();
    od_error e = {0};
    int failed = -1;
    assert_int_equal(od_store_pg_prepare_all(f->s, &failed, &e), OD_OK);
    assert_int_equal(failed, 0);
}

/* Two write transactions are open at once and both commit: there is no
 * process-wide write lock on PostgreSQL (SQLite has one, so not there). */
static void pg_writers_do_not_block(void **state)
{
    fx *f = *state;
    if (!is_pg())
        skip();
    od_error e = {0};
    od_tx *a = NULL, *b = NULL;
    assert_int_equal(od_tx_begin(f->s, true, &a, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, true, &b, &e), OD_OK);
    assert_int_equal(od_tx_exec(a, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("a"), OD_TEXT("1"))), OD_OK);
    assert_int_equal(od_tx_exec(b, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("b"), OD_TEXT("2"))), OD_OK);
    assert_int_equal(od_tx_commit(b, &e), OD_OK);
    assert_int_equal(od_tx_commit(a, &e), OD_OK);
    char *va = get(f->s, "a"), *vb = get(f->s, "b");
    assert_string_equal(va, "1");
    assert_string_equal(vb, "2");
    free(va);
    free(vb);
}

/* A failing statement ends its own transaction's use of the connection only:
 * the pool (3 connections in this run) serves later transactions. */
static void pg_error_does_not_poison_pool(void **state)
{
    fx *f = *state;
    if (!is_pg())
        skip();
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t v = 0;
    put(f->s, "nan", "abc", true);
    put(f->s, "num", "7", true);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(od_tx_begin(f->s, i % 2 == 0, &tx, &e), OD_OK);
        memset(&e, 0, sizeof e);
        /* CAST('abc' AS BIGINT) fails on PostgreSQL */
        assert_int_equal(od_tx_scalar(tx, OD_Q_META_GET_INT, &v, &e, OD_BINDS(OD_TEXT("nan"))), OD_E_STORE);
        if (i % 2)
            od_tx_rollback(tx);
        else
            assert_int_not_equal(od_tx_commit(tx, &e), OD_OK); /* aborted: never "committed" */
    }
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_META_GET_INT, &v, &e, OD_BINDS(OD_TEXT("num"))), OD_OK);
    assert_int_equal(v, 7);
    od_tx_rollback(tx);
}

/* A connection the server ends: the transaction on it fails as unavailable
 * (503), its commit is an error, and the next transaction reconnects. */
static void pg_lost_connection(void **state)
{
    fx *f = *state;
    if (!is_pg())
        skip();
    od_error e = {0};
    od_tx *tx = NULL;
    put(f->s, "k", "v", true);
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    char cmd[300];
    const char *db = strstr(f->addr, "contract_");
    snprintf(cmd, sizeof cmd,
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%.*s' AND pid <> "
             "pg_backend_pid()",
             (int)strcspn(db, "?"), db);
    assert_true(pg_admin(cmd));
    usleep(100 * 1000);
    memset(&e, 0, sizeof e);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("k"), OD_TEXT("lost"))),
                     OD_E_UNAVAILABLE);
    assert_int_equal(od_err_http(e.code), 503);
    assert_int_not_equal(od_tx_commit(tx, &e), OD_OK);
    /* every pooled connection was ended: each is reopened when taken */
    for (int i = 0; i < 4; i++) {
        char *v = get(f->s, "k");
        assert_string_equal(v, "v");
        free(v);
    }
}

/* Drops the database a probe of pg_make created. */
static void teardown_probe(const char *addr)
{
    const char *db = strstr(addr, "contract_");
    char cmd[128];
    if (db) {
        snprintf(cmd, sizeof cmd, "DROP DATABASE IF EXISTS %.*s", (int)strcspn(db, "?"), db);
        pg_admin(cmd);
    }
}

/* A before-commit step: writes meta "last" inside the tx, or fails. */
static od_err last_step(void *arg, od_tx *tx, od_error *e)
{
    const char *v = arg;
    if (!v)
        return od_error_set(e, OD_E_CONFLICT, NULL, "refused");
    return od_tx_exec(tx, OD_Q_META_PUT, e, OD_BINDS(OD_TEXT("last"), OD_TEXT(v)));
}

static void before_commit_steps(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int n[2] = {0, 0};
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_before_commit(tx, last_step, "one", &e), OD_OK);
    assert_ptr_equal(od_tx_last_arg(tx, last_step), "one");
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("last"), OD_TEXT("body"))), OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    char *v = get(f->s, "last");
    assert_string_equal(v, "one"); /* it ran after the body */
    free(v);
    /* a failing step: nothing of the tx stays, the commit says why */
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_null(od_tx_last_arg(tx, last_step));
    assert_int_equal(od_tx_on_end(tx, hook_count, n, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("kept"), OD_TEXT("no"))), OD_OK);
    assert_int_equal(od_tx_before_commit(tx, last_step, NULL, &e), OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_E_CONFLICT);
    assert_int_equal(n[0], 1);
    assert_int_equal(n[1], 0);
    assert_null(get(f->s, "kept"));
    /* a rolled-back tx runs no step */
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_before_commit(tx, last_step, "rolled", &e), OD_OK);
    od_tx_rollback(tx);
    v = get(f->s, "last");
    assert_string_equal(v, "one");
    free(v);
}

/* Service levels (queries_sla.h, migration 0017): a unique service key, a
 * manual interval counted only once approved (approval happens once), an
 * open interval selected by period, and an incident's restoration: NULL
 * without intervals, -1 while one is open, else the latest end. */
static int64_t sla_incident(od_tx *tx, const char *number, od_error *e)
{
    int64_t id = 0;
    assert_int_equal(
        od_tx_insert(tx, OD_Q_INC_INSERT, &id, e,
                     OD_BINDS(OD_TEXT(number), OD_TEXT("t"), OD_TEXT("resolved"), OD_TEXT("L3"),
                              OD_TEXT("minor"), OD_INT((int64_t)0), OD_TEXT("R3"), OD_TEXT("R3"),
                              OD_TEXT("R3"), OD_INT((int64_t)1000), OD_INT((int64_t)1000), OD_NULL(),
                              OD_INT((int64_t)2000), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT("[]"),
                              OD_INT((int64_t)0), OD_NULL(), OD_INT((int64_t)1000))),
        OD_OK);
    return id;
}

static int64_t sla_interval(od_tx *tx, int64_t svc, int64_t inc, const char *source, int64_t start,
                            int64_t end, od_error *e)
{
    int64_t id = 0;
    assert_int_equal(
        od_tx_insert(tx, OD_Q_OUT_INSERT, &id, e,
                     OD_BINDS(OD_INT(svc), OD_INT_NONZERO(inc), OD_TEXT("unplanned"), OD_TEXT(source),
                              OD_INT(start), OD_INT_NONZERO(end), OD_NULL(), OD_INT((int64_t)0), OD_TEXT(""),
                              OD_NULL(), OD_INT((int64_t)1), OD_INT((int64_t)1))),
        OD_OK);
    return id;
}

static void service_levels_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t svc = 0, id = 0, n = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(od_tx_insert(tx, OD_Q_SVC_INSERT, i ? &id : &svc, &e,
                                      OD_BINDS(OD_TEXT("svc-portal"), OD_TEXT("门户"), OD_NULL(),
                                               OD_INT((int64_t)995000), OD_TEXT("24x7"), OD_INT((int64_t)1),
                                               OD_INT((int64_t)1), OD_INT((int64_t)1))),
                         i ? OD_E_CONFLICT : OD_OK);
    memset(&e, 0, sizeof e);
    assert_int_equal(od_tx_scalar(tx, OD_Q_SVC_BY_KEY, &id, &e, OD_BINDS(OD_TEXT("svc-portal"))), OD_OK);
    assert_int_equal(id, svc);
    int64_t uid = 0;
    assert_int_equal(od_tx_insert(tx, OD_Q_USER_INSERT, &uid, &e,
                                  OD_BINDS(OD_TEXT("approver"), OD_TEXT("x"), OD_TEXT("审批人"),
                                           OD_TEXT("运行部"), OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0),
                                           OD_TEXT("[]"), OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    int64_t a = sla_incident(tx, "INC-1", &e), b = sla_incident(tx, "INC-2", &e),
            c = sla_incident(tx, "INC-3", &e);
    sla_interval(tx, svc, a, "incident", 1000, 5000, &e);
    sla_interval(tx, svc, a, "incident", 2000, 7000, &e);
    sla_interval(tx, svc, b, "incident", 3000, 0, &e); /* still open */
    int64_t manual = sla_interval(tx, svc, 0, "manual", 100, 200, &e);
    /* restoration per incident: a → 7000, b → -1 (open), c → NULL (none) */
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_SLA_INCIDENTS, &r, &e,
                                 OD_BINDS(OD_INT((int64_t)0), OD_INT((int64_t)10000), OD_INT((int64_t)10))),
                     OD_OK);
    int k = 0;
    while (!od_rows_step(r, &row) && row) {
        int64_t inc = od_rows_int(r, 0);
        if (inc == a)
            assert_int_equal(od_rows_int(r, 10), 7000);
        else if (inc == b)
            assert_int_equal(od_rows_int(r, 10), -1);
        else
            assert_true(inc == c && od_rows_null(r, 10));
        assert_true(od_rows_null(r, 9));  /* no acknowledgement */
        assert_true(od_rows_null(r, 11)); /* no escalation */
        k++;
    }
    od_rows_close(r);
    assert_int_equal(k, 3);
    /* the period [0, 10000): the unapproved manual one is left out, the open one is in */
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(
            od_tx_query(tx, OD_Q_OUT_IN_PERIOD, &r, &e,
                        OD_BINDS(OD_INT((int64_t)10000), OD_INT((int64_t)0), OD_INT((int64_t)100))),
            OD_OK);
        k = 0;
        bool open = false;
        while (!od_rows_step(r, &row) && row) {
            open |= od_rows_null(r, 8);
            k++;
        }
        od_rows_close(r);
        assert_true(open);
        assert_int_equal(k, pass ? 4 : 3);
        /* approval happens once */
        assert_int_equal(
            od_tx_exec(tx, OD_Q_OUT_APPROVE, &e,
                       OD_BINDS(OD_INT(uid), OD_INT((int64_t)5), OD_INT((int64_t)5), OD_INT(manual))),
            OD_OK);
        assert_int_equal(od_tx_changes(tx), pass ? 0 : 1);
    }
    /* a period after every closed interval still holds the open one */
    assert_int_equal(
        od_tx_query(tx, OD_Q_OUT_IN_PERIOD, &r, &e,
                    OD_BINDS(OD_INT((int64_t)90000), OD_INT((int64_t)80000), OD_INT((int64_t)100))),
        OD_OK);
    k = 0;
    while (!od_rows_step(r, &row) && row)
        k++;
    od_rows_close(r);
    assert_int_equal(k, 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_SLA_INC_INTERVALS, &n, &e, OD_BINDS(OD_INT(a))), OD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_OUTC_INSERT, &e,
                   OD_BINDS(OD_INT(manual), OD_TEXT("ends_at"), OD_INT((int64_t)200), OD_INT((int64_t)300),
                            OD_TEXT("理由"), OD_INT(uid), OD_INT((int64_t)6))),
        OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_OUTC_LIST, &r, &e, OD_BINDS(OD_INT(manual))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 3), "理由");
    od_rows_close(r);
    /* the calendars of the services each incident's intervals are on, once each, by incident:
     * a is on svc-portal (24x7) twice and on svc-office (business), b on svc-portal, c on none */
    int64_t office = 0;
    assert_int_equal(od_tx_insert(tx, OD_Q_SVC_INSERT, &office, &e,
                                  OD_BINDS(OD_TEXT("svc-office"), OD_TEXT("办公"), OD_NULL(),
                                           OD_INT((int64_t)995000), OD_TEXT("business"), OD_INT((int64_t)0),
                                           OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    sla_interval(tx, office, a, "incident", 1500, 2500, &e);
    assert_int_equal(od_tx_query(tx, OD_Q_SLA_INC_CALENDARS, &r, &e,
                                 OD_BINDS(OD_INT((int64_t)0), OD_INT((int64_t)10000), OD_INT((int64_t)10))),
                     OD_OK);
    static const char *const want_cal[] = {"24x7", "business", "24x7"};
    assert_true(a < b); /* made in that order */
    int64_t want_inc[3] = {a, a, b};
    k = 0;
    while (!od_rows_step(r, &row) && row) {
        assert_true(k < 3);
        assert_int_equal(od_rows_int(r, 0), want_inc[k]);
        /* ordered by incident, then calendar key: "24x7" < "business" */
        assert_string_equal(od_rows_text(r, 1), want_cal[k]);
        k++;
    }
    od_rows_close(r);
    assert_int_equal(k, 3);
    /* a report run is made once per (kind, period, version): the second node's insert is skipped */
    int64_t run = 0;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_insert(tx, OD_Q_RPT_INSERT, i ? &id : &run, &e,
                         OD_BINDS(OD_TEXT("weekly"), OD_INT((int64_t)1000), OD_INT((int64_t)2000),
                                  OD_INT((int64_t)1), OD_TEXT(i ? "OMR-x" : "OMR-W-1"), OD_TEXT("{}"),
                                  OD_INT((int64_t)3), OD_NULL())),
            i ? OD_E_CONFLICT : OD_OK);
        memset(&e, 0, sizeof e);
    }
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_RPT_MAX_VERSION, &n, &e, OD_BINDS(OD_TEXT("weekly"), OD_INT((int64_t)1000))),
        OD_OK);
    assert_int_equal(n, 1);
    /* filing (once submitted for review, migration 0037) happens once; a filed run's manual sections
     * do not change */
    assert_int_equal(od_tx_exec(tx, OD_Q_RPT_SUBMIT, &e,
                                OD_BINDS(OD_INT((int64_t)3), OD_INT(uid), OD_INT((int64_t)9), OD_INT(run))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_exec(tx, OD_Q_RPT_FILE, &e,
                       OD_BINDS(OD_TEXT("{}"), OD_TEXT("ab"), OD_INT((int64_t)4), OD_INT(uid), OD_INT(run))),
            OD_OK);
        assert_int_equal(od_tx_changes(tx), i ? 0 : 1);
    }
    assert_int_equal(od_tx_exec(tx, OD_Q_RPT_SET_MANUAL, &e, OD_BINDS(OD_TEXT("{\"a\":\"b\"}"), OD_INT(run))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* The event de-duplication statements (queries_ev_dedup.h, R-EVT-3): the
 * key lock answers 0; an event is found by (source, dedup_key); the repeats
 * of a transaction are one statement over a JSON array: each named event
 * gets count + n, last_seen = updated_at = t and the raw text as given
 * (quotes, backslashes, non-ASCII kept), the others stay.  PostgreSQL: a
 * second row of one key is refused (the unique index of migration 0015);
 * SQLite's single writer keeps keys unique itself (no index, migration 0007). */
static od_err event_row(od_tx *tx, const char *source, const char *key, int64_t *id, od_error *e)
{
    return od_tx_insert(tx, OD_Q_EV_INSERT, id, e,
                        OD_BINDS(OD_TEXT(source), OD_TEXT(key), OD_TEXT("firing"), OD_TEXT("open"), OD_NULL(),
                                 OD_TEXT("warning"), OD_TEXT("s"), OD_NULL(), OD_TEXT("{}"), OD_TEXT("{}"),
                                 OD_TEXT("{\"v\":0}"), OD_INT((int64_t)0), OD_TEXT("[]"), OD_TEXT(""),
                                 OD_NULL(), OD_NULL(), OD_NULL(), OD_NULL(), OD_INT((int64_t)1000),
                                 OD_INT((int64_t)1000), OD_INT((int64_t)1000), OD_INT((int64_t)1000),
                                 OD_NULL(), OD_TEXT("[]"), OD_INT((int64_t)42)));
}

static void event_dedup_statements(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t a = 0, b = 0, c = 0, v = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_EV_KEYS_LOCK, &v, &e, OD_BINDS(OD_TEXT("{-5,42,9000000000}"))),
                     OD_OK);
    assert_int_equal(v, 0);
    assert_int_equal(event_row(tx, "api", "k1", &a, &e), OD_OK);
    assert_int_equal(event_row(tx, "api", "k2", &b, &e), OD_OK);
    assert_int_equal(event_row(tx, "zabbix", "k1", &c, &e), OD_OK); /* another source, same key */
    if (is_pg()) {
        int64_t d = 0;
        assert_int_equal(event_row(tx, "api", "k1", &d, &e), OD_E_CONFLICT);
    }
    assert_int_equal(
        od_tx_exec(tx, OD_Q_EV_REPEAT_SET, &e,
                   OD_BINDS(OD_TEXT("[{\"id\":1,\"n\":4,\"t\":2000,\"raw\":\"{\\\"q\\\":\\\"a\\\\\\\\b\\\","
                                    "\\\"z\\\":\\\"\u544a\u8b66\\\"}\"},"
                                    "{\"id\":3,\"n\":1,\"t\":2500,\"raw\":\"{}\"}]"))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 2);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(a, 1);
    assert_int_equal(c, 3);
    static const struct {
        const char *source, *key;
        int64_t id, count;
    } want[] = {{"api", "k1", 1, 5}, {"api", "k2", 2, 1}, {"zabbix", "k1", 3, 2}};
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        od_rows *r = NULL;
        bool row = false;
        assert_int_equal(
            od_tx_query(tx, OD_Q_EV_BY_KEY, &r, &e, OD_BINDS(OD_TEXT(want[i].source), OD_TEXT(want[i].key))),
            OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 0), want[i].id);
        assert_string_equal(od_rows_text(r, 1), "firing");
        assert_int_equal(od_rows_int(r, 9), want[i].count);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_false(row);
        od_rows_close(r);
    }
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_EV_BY_KEY, &r, &e, OD_BINDS(OD_TEXT("api"), OD_TEXT("k3"))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* raw, last_seen and updated_at of the repeated rows; the other kept */
    static const struct {
        int64_t id, last_seen;
        const char *raw;
    } raws[] = {
        {1, 2000, "{\"q\":\"a\\\\b\",\"z\":\"\u544a\u8b66\"}"}, {2, 1000, "{\"v\":0}"}, {3, 2500, "{}"}};
    for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
        assert_int_equal(od_tx_query(tx, OD_Q_EV_GET, &r, &e, OD_BINDS(OD_INT(raws[i].id))), OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 13), raws[i].last_seen); /* last_seen */
        assert_string_equal(od_rows_text(r, 21), raws[i].raw);
        assert_int_equal(od_rows_int(r, 23), raws[i].last_seen); /* updated_at */
        od_rows_close(r);
    }
    od_tx_rollback(tx);
}

/* Emergency plans (migration 0021, queries_plans.h): the typed row's
 * defaults, the versions numbered per plan, the publication stamp placed on
 * the latest unstamped version only when newer than every stamp (a version
 * is never stamped twice), and the due list at the instant itself. */
static int64_t plan_ver_pub(od_tx *tx, int64_t id, int64_t n, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    int64_t v = -1;
    assert_int_equal(od_tx_query(tx, OD_Q_PLN_VER_GET, &r, e, OD_BINDS(OD_INT(id), OD_INT(n))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    v = od_rows_null(r, 5) ? 0 : od_rows_int(r, 5);
    od_rows_close(r);
    return v;
}

static void plans_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t pln = 0, n = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(record_row(tx, "plan", "PLN-2026-000001", &pln, &e), OD_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_PLN_ENSURE, &e, OD_BINDS(OD_INT(pln))), OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 0 ? 1 : 0);
    }
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_PLN_GET, &r, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_true(od_rows_null(r, 0));               /* owner_id */
    assert_string_equal(od_rows_text(r, 1), "[]"); /* scope_classes */
    assert_int_equal(od_rows_int(r, 4), 6);        /* review_months */
    assert_true(od_rows_null(r, 11));              /* next_review_at */
    od_rows_close(r);
    assert_int_equal(od_tx_scalar(tx, OD_Q_PLN_VER_MAX, &n, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(n, 0);
    for (int64_t v = 1; v <= 2; v++)
        assert_int_equal(od_tx_exec(tx, OD_Q_PLN_VER_INSERT, &e,
                                    OD_BINDS(OD_INT(pln), OD_INT(v), OD_TEXT("# v"), OD_TEXT("<h1>v</h1>\n"),
                                             OD_INT((int64_t)1000 * v), OD_NULL())),
                         OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_VER_INSERT, &e,
                                OD_BINDS(OD_INT(pln), OD_INT((int64_t)2), OD_TEXT("x"), OD_TEXT("x"),
                                         OD_INT((int64_t)1), OD_NULL())),
                     OD_E_CONFLICT); /* (plan, number) unique */
    memset(&e, 0, sizeof e);
    assert_int_equal(od_tx_scalar(tx, OD_Q_PLN_VER_MAX, &n, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(od_tx_scalar(tx, OD_Q_PLN_VER_COUNT, &n, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(n, 2);
    /* publication at 5000: the latest (2) is stamped, 1 is not; again: nothing */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_PLN_VER_STAMP, &e,
                                    OD_BINDS(OD_INT((int64_t)5000), OD_INT(pln), OD_INT(pln), OD_INT(pln),
                                             OD_INT((int64_t)5000))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 0 ? 1 : 0);
    }
    assert_int_equal(plan_ver_pub(tx, pln, 1, &e), 0);
    assert_int_equal(plan_ver_pub(tx, pln, 2, &e), 5000);
    /* a version 3 and a save still carrying the old publication (5000): not stamped */
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_VER_INSERT, &e,
                                OD_BINDS(OD_INT(pln), OD_INT((int64_t)3), OD_TEXT("# 3"),
                                         OD_TEXT("<h1>3</h1>\n"), OD_INT((int64_t)6000), OD_NULL())),
                     OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_VER_STAMP, &e,
                                OD_BINDS(OD_INT((int64_t)5000), OD_INT(pln), OD_INT(pln), OD_INT(pln),
                                         OD_INT((int64_t)5000))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_VER_STAMP, &e,
                                OD_BINDS(OD_INT((int64_t)7000), OD_INT(pln), OD_INT(pln), OD_INT(pln),
                                         OD_INT((int64_t)7000))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(plan_ver_pub(tx, pln, 3, &e), 7000);
    assert_int_equal(plan_ver_pub(tx, pln, 2, &e), 5000);
    /* due at the instant: next_review_at 9000 listed at 9000, not at 8999 */
    assert_int_equal(
        od_tx_exec(tx, OD_Q_PLN_SAVE, &e,
                   OD_BINDS(OD_INT((int64_t)11), OD_TEXT("[\"database\"]"), OD_TEXT("[2]"), OD_TEXT("[]"),
                            OD_INT((int64_t)6), OD_TEXT(""), OD_TEXT(""), OD_NULL(), OD_NULL(),
                            OD_INT((int64_t)7000), OD_NULL(), OD_INT((int64_t)9000), OD_TEXT(""), OD_NULL(),
                            OD_NULL(), OD_INT(pln))),
        OD_OK);
    for (int64_t at = 8999; at <= 9000; at++) {
        assert_int_equal(od_tx_query(tx, OD_Q_PLN_OVERDUE, &r, &e, OD_BINDS(OD_INT(at))), OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_int_equal(row, at == 9000);
        if (row)
            assert_int_equal(od_rows_int(r, 0), pln);
        od_rows_close(r);
    }
    od_tx_rollback(tx);
}

/* The CMDB list's keyset page and capped totals (queries_lists.h): ids
 * above the cursor in id order, a leading category served by its index, a
 * count that stops at its cap; the same on every backend. */
/* training records and readiness (migration 0026, queries_training.h;
 * docs/plans.md "Training and readiness") */
static void training_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t u1 = 0, u2 = 0, u3 = 0, pln = 0, t[4] = {0}, n = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "trn1", &u1, &e), OD_OK);
    assert_int_equal(user_row(tx, "trn2", &u2, &e), OD_OK);
    assert_int_equal(user_row(tx, "trn3", &u3, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_USER_SET_DISABLED, &e,
                                OD_BINDS(OD_INT((int64_t)1), OD_INT((int64_t)2), OD_INT(u3))),
                     OD_OK);
    assert_int_equal(record_row(tx, "plan", "PLN-2026-000009", &pln, &e), OD_OK);
    /* u1: held at 1000 (with the plan), 2000, 2000; u3 (disabled): 1500 */
    static const int64_t held[4] = {1000, 2000, 2000, 1500};
    for (int i = 0; i < 4; i++) {
        int64_t uid = i == 3 ? u3 : u1;
        assert_int_equal(
            od_tx_insert(tx, OD_Q_TRN_INSERT, &t[i], &e,
                         OD_BINDS(OD_INT(uid), OD_TEXT("演练培训"), OD_INT((int64_t)(30 * (i + 1))),
                                  OD_INT(held[i]), OD_INT_OR_NULL(pln, i == 0), OD_TEXT("eng"),
                                  OD_INT((int64_t)5000))),
            OD_OK);
        assert_true(t[i] > 0);
    }
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_TRN_GET, &r, &e, OD_BINDS(OD_INT(t[0]))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), t[0]);
    assert_int_equal(od_rows_int(r, 1), u1);
    assert_string_equal(od_rows_text(r, 2), "trn1");
    assert_string_equal(od_rows_text(r, 4), "演练培训");
    assert_int_equal(od_rows_int(r, 5), 30);
    assert_int_equal(od_rows_int(r, 6), 1000);
    assert_int_equal(od_rows_int(r, 7), pln);
    assert_string_equal(od_rows_text(r, 8), "eng");
    od_rows_close(r);
    /* list: newest held_at first, then the newest id; by user; paged */
    assert_int_equal(od_tx_scalar(tx, OD_Q_TRN_COUNT, &n, &e, OD_BINDS(OD_INT(u1), OD_INT(u1))), OD_OK);
    assert_int_equal(n, 3);
    assert_int_equal(od_tx_scalar(tx, OD_Q_TRN_COUNT, &n, &e, OD_BINDS(OD_INT(u2), OD_INT(u2))), OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_TRN_COUNT, &n, &e, OD_BINDS(OD_INT((int64_t)0), OD_INT((int64_t)0))), OD_OK);
    assert_true(n >= 4);
    const int64_t want[3] = {t[2], t[1], t[0]};
    for (int off = 0; off < 3; off++) {
        assert_int_equal(
            od_tx_query(tx, OD_Q_TRN_LIST, &r, &e,
                        OD_BINDS(OD_INT(u1), OD_INT(u1), OD_INT((int64_t)1), OD_INT((int64_t)off))),
            OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 0), want[off]);
        assert_true(off != 1 || od_rows_null(r, 7)); /* no plan */
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_false(row);
        od_rows_close(r);
    }
    /* the user a training is for, and the kind of the record plan_id names */
    assert_int_equal(od_tx_query(tx, OD_Q_TRN_USER, &r, &e, OD_BINDS(OD_INT(u3))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 1), 1);
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_TRN_USER, &r, &e, OD_BINDS(OD_INT((int64_t)999999))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_TRN_PLAN_KIND, &r, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "plan");
    od_rows_close(r);
    /* readiness rows in [from, to] (both included): enabled users only, one
     * row with NULL held_at for a user without trainings in range */
    static const struct {
        int64_t from, to;
        int u1_rows; /* trainings of u1 in range */
    } rg[] = {{1000, 2000, 3}, {1001, 2000, 2}, {1000, 1999, 1}, {2001, 3000, 0}};
    for (size_t k = 0; k < sizeof rg / sizeof *rg; k++) {
        int got1 = 0, got2 = 0, got3 = 0, null1 = 0;
        int64_t last_held = -1;
        assert_int_equal(
            od_tx_query(tx, OD_Q_TRN_READINESS, &r, &e, OD_BINDS(OD_INT(rg[k].from), OD_INT(rg[k].to))),
            OD_OK);
        while (od_rows_step(r, &row) == OD_OK && row) {
            int64_t uid = od_rows_int(r, 0);
            if (uid == u1) {
                if (od_rows_null(r, 4))
                    null1++;
                else {
                    got1++;
                    assert_true(od_rows_int(r, 4) >= last_held); /* by held_at */
                    last_held = od_rows_int(r, 4);
                }
            } else if (uid == u2) {
                got2++;
                assert_true(od_rows_null(r, 4));
                assert_true(od_rows_null(r, 5));
                assert_string_equal(od_rows_text(r, 1), "trn2");
            } else if (uid == u3)
                got3++;
        }
        od_rows_close(r);
        assert_int_equal(got1, rg[k].u1_rows);
        assert_int_equal(null1, rg[k].u1_rows ? 0 : 1);
        assert_int_equal(got2, 1);
        assert_int_equal(got3, 0); /* disabled */
    }
    /* minutes per enabled user in [from, to) (to excluded), 0 when none, by id */
    static const struct {
        int64_t from, to, u1_min;
    } yr[] = {{1000, 2001, 180}, {1000, 2000, 30}, {1001, 2001, 150}, {2001, 3000, 0}};
    for (size_t k = 0; k < sizeof yr / sizeof *yr; k++) {
        int seen1 = 0, seen2 = 0, seen3 = 0;
        int64_t last = 0;
        assert_int_equal(
            od_tx_query(tx, OD_Q_TRN_YEAR_MINUTES, &r, &e, OD_BINDS(OD_INT(yr[k].from), OD_INT(yr[k].to))),
            OD_OK);
        while (od_rows_step(r, &row) == OD_OK && row) {
            int64_t uid = od_rows_int(r, 0);
            assert_true(uid > last);
            last = uid;
            if (uid == u1) {
                seen1++;
                assert_string_equal(od_rows_text(r, 1), "trn1");
                assert_int_equal(od_rows_int(r, 4), yr[k].u1_min);
            } else if (uid == u2) {
                seen2++;
                assert_false(od_rows_null(r, 4));
                assert_int_equal(od_rows_int(r, 4), 0);
            } else if (uid == u3)
                seen3++;
        }
        od_rows_close(r);
        assert_int_equal(seen1, 1);
        assert_int_equal(seen2, 1);
        assert_int_equal(seen3, 0); /* disabled */
    }
    od_tx_rollback(tx);
}

/* plan review triggers, plan activations and drills (migration 0029,
 * queries_plans.h, queries_drills.h; docs/drills.md): the trigger columns
 * round-trip, an activation recorded once per (incident, instant, plan) and
 * paged, a drill's row, its sandbox participants found by its incident
 * (only in sandbox mode), the last closed drill of a plan, the simulated
 * incident's deadlines and first acknowledgement. */
static void drill_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t uid = 0, pln = 0, d1 = 0, d2 = 0, inc = 0, n = -1, dl = 0;
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "drl1", &uid, &e), OD_OK);
    assert_int_equal(record_row(tx, "plan", "PLN-2026-000031", &pln, &e), OD_OK);
    assert_int_equal(record_row(tx, "drill", "DRL-2026-000031", &d1, &e), OD_OK);
    assert_int_equal(record_row(tx, "drill", "DRL-2026-000032", &d2, &e), OD_OK);
    /* the plan's row with a pending trigger */
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_ENSURE, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_PLN_SAVE, &e,
                   OD_BINDS(OD_NULL(), OD_TEXT("[]"), OD_TEXT("[7]"), OD_TEXT("[]"), OD_INT(6), OD_TEXT(""),
                            OD_TEXT(""), OD_NULL(), OD_NULL(), OD_INT(1000), OD_NULL(), OD_INT(5000),
                            OD_TEXT("drill"), OD_INT(2000), OD_INT(5000), OD_INT(pln))),
        OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_PLN_GET, &r, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 12), "drill");
    assert_int_equal(od_rows_int(r, 13), 2000);
    assert_int_equal(od_rows_int(r, 14), 5000);
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_PLN_PUBLISHED_AT, &r, &e, OD_NOBINDS), OD_OK);
    bool seen = false;
    while (od_rows_step(r, &row) == OD_OK && row)
        if (od_rows_int(r, 0) == pln) {
            seen = true;
            assert_int_equal(od_rows_int(r, 1), 1000);
        }
    od_rows_close(r);
    assert_true(seen);
    /* no published version yet; then version 1 published, version 2 not */
    assert_int_equal(od_tx_scalar(tx, OD_Q_PLN_VER_CURRENT, &n, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(n, 0);
    for (int64_t v = 1; v <= 2; v++)
        assert_int_equal(od_tx_exec(tx, OD_Q_PLN_VER_INSERT, &e,
                                    OD_BINDS(OD_INT(pln), OD_INT(v), OD_TEXT("# p"), OD_TEXT("<h1>p</h1>"),
                                             OD_INT(900), OD_INT(uid))),
                         OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_VER_STAMP, &e,
                                OD_BINDS(OD_INT(1000), OD_INT(pln), OD_INT(pln), OD_INT(pln), OD_INT(1000))),
                     OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_PLN_VER_CURRENT, &n, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(n, 2);
    /* a simulated incident (no CI) */
    assert_int_equal(od_tx_insert(tx, OD_Q_INC_INSERT, &inc, &e,
                                  OD_BINDS(OD_TEXT("INC-2026-000031"), OD_TEXT("t"), OD_TEXT("detected"),
                                           OD_TEXT("L1"), OD_TEXT("severe"), OD_BOOL(false), OD_TEXT("R1"),
                                           OD_TEXT("R1"), OD_TEXT("R1"), OD_INT(1000), OD_INT(1000),
                                           OD_INT(9000), OD_INT(1300), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                           OD_TEXT("[]"), OD_BOOL(true), OD_INT(uid), OD_INT(1000))),
                     OD_OK);
    /* activations: the same (incident, instant, plan) once; paged */
    for (int i = 0; i < 2; i++)
        assert_int_equal(od_tx_exec(tx, OD_Q_PLN_ACT_INSERT, &e,
                                    OD_BINDS(OD_INT(inc), OD_INT(pln), OD_INT(2), OD_TEXT("R1"), OD_INT(1100),
                                             OD_INT(uid))),
                         OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_PLN_ACT_INSERT, &e,
                   OD_BINDS(OD_INT(inc), OD_INT(pln), OD_INT(2), OD_TEXT("R1"), OD_INT(1200), OD_NULL())),
        OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_PLN_ACT_COUNT, &n, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(od_tx_query(tx, OD_Q_PLN_ACT_LIST, &r, &e,
                                 OD_BINDS(OD_INT(inc), OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), pln);
    assert_string_equal(od_rows_text(r, 1), "PLN-2026-000031");
    assert_int_equal(od_rows_int(r, 3), 2);
    assert_int_equal(od_rows_int(r, 5), 1200);
    assert_true(od_rows_null(r, 6));
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* drills: d1 sandbox (the default) simulating inc, closed at 3000; d2 live, closed at 4000 */
    for (int i = 0; i < 2; i++) {
        int64_t d = i ? d2 : d1;
        assert_int_equal(od_tx_exec(tx, OD_Q_DRL_ENSURE, &e, OD_BINDS(OD_INT(d))), OD_OK);
        assert_int_equal(od_tx_exec(tx, OD_Q_DRL_ENSURE, &e, OD_BINDS(OD_INT(d))), OD_OK); /* idempotent */
        assert_int_equal(od_tx_exec(tx, OD_Q_DRL_DAYS_SET, &e, OD_BINDS(OD_INT(i ? 0 : 30), OD_INT(d))),
                         OD_OK);
        assert_int_equal(
            od_tx_exec(tx, OD_Q_DRL_SAVE, &e,
                       OD_BINDS(OD_INT(pln), OD_TEXT("functional"), OD_TEXT(i ? "live" : "sandbox"),
                                OD_TEXT("g"), OD_TEXT("s"), OD_TEXT("[1,2]"), OD_TEXT("[\"run\"]"),
                                OD_TEXT("[]"), OD_TEXT(""), OD_TEXT(""), OD_INT(1000), OD_INT(1000),
                                OD_INT(1000), OD_NULL(), OD_INT(i ? 4000 : 3000), OD_NULL(),
                                OD_TEXT(i ? "{}" : "{\"1\":\"commander\"}"),
                                OD_TEXT(i ? "[]" : "[{\"offset_min\":5,\"text\":\"x\"}]"), OD_INT(d))),
            OD_OK);
    }
    assert_int_equal(od_tx_exec(tx, OD_Q_DRL_SET_INCIDENT, &e, OD_BINDS(OD_INT(inc), OD_INT(d1))), OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_DRL_GET, &r, &e, OD_BINDS(OD_INT(d1))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), pln);
    assert_string_equal(od_rows_text(r, 2), "sandbox");
    assert_string_equal(od_rows_text(r, 5), "[1,2]");
    assert_int_equal(od_rows_int(r, 14), 3000);
    assert_int_equal(od_rows_int(r, 15), inc);
    assert_string_equal(od_rows_text(r, 16), "{\"1\":\"commander\"}");
    assert_string_equal(od_rows_text(r, 17), "[{\"offset_min\":5,\"text\":\"x\"}]");
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_DRL_STORED, &r, &e, OD_BINDS(OD_INT(d2))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), 4000);
    assert_int_equal(od_rows_int(r, 1), 0);
    od_rows_close(r);
    assert_int_equal(od_tx_scalar(tx, OD_Q_DRL_BY_INCIDENT, &n, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(n, d1);
    /* the sandbox participants: found for d1's incident; not once d1 is live */
    assert_int_equal(od_tx_query(tx, OD_Q_DRL_SANDBOX, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "[1,2]");
    od_rows_close(r);
    assert_int_equal(od_tx_exec(tx, OD_Q_DRL_SET_INCIDENT, &e, OD_BINDS(OD_INT(inc), OD_INT(d2))), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_DRL_SET_INCIDENT, &e, OD_BINDS(OD_NULL(), OD_INT(d1))), OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_DRL_SANDBOX, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(od_tx_scalar(tx, OD_Q_DRL_LAST_CLOSED, &n, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(n, 4000);
    assert_int_equal(od_tx_scalar(tx, OD_Q_DRL_LAST_CLOSED, &n, &e, OD_BINDS(OD_INT((int64_t)999999))),
                     OD_OK);
    assert_int_equal(n, 0);
    /* the simulated incident: its row, deadlines, recipients and first acknowledgement */
    assert_int_equal(od_tx_query(tx, OD_Q_DRL_INC, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), 1000);
    assert_true(od_rows_null(r, 1));
    assert_true(od_rows_null(r, 2));
    assert_string_equal(od_rows_text(r, 4), "INC-2026-000031");
    assert_string_equal(od_rows_text(r, 5), "L1");
    od_rows_close(r);
    assert_int_equal(
        od_tx_insert(tx, OD_Q_DL_INSERT, &dl, &e,
                     OD_BINDS(OD_INT(inc), OD_TEXT("first_report"), OD_NULL(), OD_INT(1300), OD_INT(1300))),
        OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_DRL_INC_DEADLINES, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "first_report");
    assert_int_equal(od_rows_int(r, 2), 1300);
    assert_true(od_rows_null(r, 3));
    assert_string_equal(od_rows_text(r, 4), "pending");
    od_rows_close(r);
    int64_t rid = 0;
    assert_int_equal(
        od_tx_insert(tx, OD_Q_RCP_INSERT, &rid, &e,
                     OD_BINDS(OD_INT(inc), OD_INT(uid), OD_TEXT("first_report"), OD_INT(1300), OD_INT(1600))),
        OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_RCP_ACK, &e, OD_BINDS(OD_INT(1450), OD_INT(inc), OD_INT(uid))),
                     OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_DRL_INC_FIRST_ACK, &n, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(n, 1450);
    assert_int_equal(od_tx_query(tx, OD_Q_DRL_INC_RECIPIENTS, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), uid);
    assert_string_equal(od_rows_text(r, 1), "drl1");
    assert_int_equal(od_rows_int(r, 3), 1600);
    assert_int_equal(od_rows_int(r, 4), 1450);
    od_rows_close(r);
    /* the plans an incident shows: its level and CI categories */
    assert_int_equal(od_tx_query(tx, OD_Q_PLN_INC_LEVEL, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "L1");
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_PLN_INC_CIS, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    od_tx_rollback(tx);
}

/* The drill module's further statements (queries_drill_ext.h, migration
 * 0038; docs/drills.md): the records that originated from a drill, the due
 * notices (pending, cancelled, fired once per due date), the manual scores
 * (upserted per item and person) and whether a user is active. */
/* A drill's scripted injects (R-PLAN-2; queued as internal events, see
 * internal_event_store): the simulated incident's first CI their events
 * carry (none, then the lowest id); the O&M report's readiness counts over
 * the plans. */
static void drill_inject_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t uid = 0, d1 = 0, pln = 0, inc = 0;
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "dri1", &uid, &e), OD_OK);
    assert_int_equal(record_row(tx, "drill", "DRL-2026-000041", &d1, &e), OD_OK);
    assert_int_equal(record_row(tx, "plan", "PLN-2026-000041", &pln, &e), OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_INC_INSERT, &inc, &e,
                                  OD_BINDS(OD_TEXT("INC-2026-000041"), OD_TEXT("t"), OD_TEXT("detected"),
                                           OD_TEXT("L1"), OD_TEXT("severe"), OD_BOOL(false), OD_TEXT("R1"),
                                           OD_TEXT("R1"), OD_TEXT("R1"), OD_INT(1000), OD_INT(1000),
                                           OD_INT(9000), OD_INT(1300), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                           OD_TEXT("[]"), OD_BOOL(true), OD_INT(uid), OD_INT(1000))),
                     OD_OK);
    /* the incident's first CI (the inject's event's CI): none, then the lowest id */
    int64_t c1 = 0, c2 = 0;
    assert_int_equal(od_tx_query(tx, OD_Q_DRLI_INC_CI, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    for (int i = 0; i < 2; i++) /* "dri-sw-2" first: the lower id */
        assert_int_equal(od_tx_insert(tx, OD_Q_CI_INSERT, i ? &c1 : &c2, &e,
                                      OD_BINDS(OD_TEXT(i ? "dri-sw-1" : "dri-sw-2"), OD_TEXT("network"),
                                               OD_TEXT("A"), OD_TEXT("Net"), OD_TEXT("prod"), OD_TEXT("DC1"),
                                               OD_TEXT("{}"), OD_INT(1), OD_INT(1))),
                         OD_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(od_tx_exec(tx, OD_Q_INC_CI_INSERT, &e, OD_BINDS(OD_INT(inc), OD_INT(i ? c1 : c2))),
                         OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_DRLI_INC_CI, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "dri-sw-2");
    od_rows_close(r);
    /* the report's readiness counts: one plan published at 1000, review due at 5000 */
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_ENSURE, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_PLN_SAVE, &e,
                   OD_BINDS(OD_NULL(), OD_TEXT("[]"), OD_TEXT("[]"), OD_TEXT("[]"), OD_INT(6), OD_TEXT(""),
                            OD_TEXT(""), OD_NULL(), OD_NULL(), OD_INT(1000), OD_NULL(), OD_INT(5000),
                            OD_TEXT(""), OD_NULL(), OD_NULL(), OD_INT(pln))),
        OD_OK);
    static const struct {
        int64_t to, lead_end;
        int64_t published, current, soon, overdue;
    } at[] = {
        {1000, 2000, 0, 0, 0, 0}, /* published at the period's end: not before it */
        {1001, 2000, 1, 1, 0, 0}, /* review due after the lead */
        {1001, 5000, 1, 1, 0, 0}, /* due at the lead's end: still current (not 1 ms before it) */
        {1001, 5001, 1, 0, 1, 0}, /* due within the lead */
        {5000, 6000, 1, 0, 1, 0}, /* due at the end: soon, not overdue */
        {5001, 6000, 1, 0, 0, 1}, /* overdue */
    };
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        int64_t v[4] = {-1, -1, -1, -1};
        assert_int_equal(od_tx_scalar(tx, OD_Q_OMRR_PUBLISHED, &v[0], &e, OD_BINDS(OD_INT(at[i].to))), OD_OK);
        assert_int_equal(od_tx_scalar(tx, OD_Q_OMRR_CURRENT, &v[1], &e,
                                      OD_BINDS(OD_INT(at[i].to), OD_INT(at[i].lead_end))),
                         OD_OK);
        assert_int_equal(od_tx_scalar(tx, OD_Q_OMRR_DUE_SOON, &v[2], &e,
                                      OD_BINDS(OD_INT(at[i].to), OD_INT(at[i].to), OD_INT(at[i].lead_end))),
                         OD_OK);
        assert_int_equal(
            od_tx_scalar(tx, OD_Q_OMRR_OVERDUE, &v[3], &e, OD_BINDS(OD_INT(at[i].to), OD_INT(at[i].to))),
            OD_OK);
        assert_int_equal(v[0], at[i].published);
        assert_int_equal(v[1], at[i].current);
        assert_int_equal(v[2], at[i].soon);
        assert_int_equal(v[3], at[i].overdue);
    }
    od_tx_rollback(tx);
}

/* The O&M report's per-plan last drill (queries_omr_readiness.h OMRR_PLAN_DRILLS; R-PLAN-1,
 * R-PLAN-2): plans published before the end, each with its last drill closed before the end and
 * the mean of that drill's whole-drill manual scores in hundredths (participants' scores apart). */
static void readiness_plan_drills_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t uid = 0, pln = 0, draft = 0, d1 = 0, d2 = 0;
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "rpd1", &uid, &e), OD_OK);
    assert_int_equal(record_row(tx, "plan", "PLN-2026-000061", &pln, &e), OD_OK);
    assert_int_equal(record_row(tx, "plan", "PLN-2026-000062", &draft, &e), OD_OK);
    assert_int_equal(record_row(tx, "drill", "DRL-2026-000061", &d1, &e), OD_OK);
    assert_int_equal(record_row(tx, "drill", "DRL-2026-000062", &d2, &e), OD_OK);
    /* one plan published at 1000, one never published */
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_ENSURE, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_ENSURE, &e, OD_BINDS(OD_INT(draft))), OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_PLN_SAVE, &e,
                   OD_BINDS(OD_NULL(), OD_TEXT("[]"), OD_TEXT("[]"), OD_TEXT("[]"), OD_INT(6), OD_TEXT(""),
                            OD_TEXT(""), OD_NULL(), OD_NULL(), OD_INT(1000), OD_NULL(), OD_INT(5000),
                            OD_TEXT(""), OD_NULL(), OD_NULL(), OD_INT(pln))),
        OD_OK);
    /* its drills closed at 3000 (scored 4 and 3, a participant 1) and at 4000 (unscored) */
    const int64_t drills[2] = {d1, d2}, closed[2] = {3000, 4000};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_DRL_ENSURE, &e, OD_BINDS(OD_INT(drills[i]))), OD_OK);
        assert_int_equal(
            od_tx_exec(tx, OD_Q_DRL_SAVE, &e,
                       OD_BINDS(OD_INT(pln), OD_TEXT("functional"), OD_TEXT("sandbox"), OD_TEXT(""),
                                OD_TEXT(""), OD_TEXT("[]"), OD_TEXT("[]"), OD_TEXT("[]"), OD_TEXT(""),
                                OD_TEXT(""), OD_NULL(), OD_NULL(), OD_NULL(), OD_NULL(), OD_INT(closed[i]),
                                OD_NULL(), OD_TEXT("{}"), OD_TEXT("[]"), OD_INT(drills[i]))),
            OD_OK);
    }
    static const struct {
        const char *item;
        int64_t user, score;
    } sc[] = {{"command", 0, 4}, {"handling", 0, 3}, {"handling", 1, 1}};
    for (size_t i = 0; i < sizeof sc / sizeof *sc; i++)
        assert_int_equal(od_tx_exec(tx, OD_Q_DRLX_SCORE_PUT, &e,
                                    OD_BINDS(OD_INT(d1), OD_TEXT(sc[i].item), OD_INT(sc[i].user ? uid : 0),
                                             OD_INT(sc[i].score), OD_TEXT(""), OD_NULL(), OD_INT(2500))),
                         OD_OK);
    static const struct {
        int64_t to;
        int rows;                 /* 0 or 1: the published plan */
        const char *drill;        /* NULL: none */
        int64_t closed_at, score; /* score -1: NULL */
    } at[] = {
        {1000, 0, NULL, 0, 0},                   /* published at the end: not before it */
        {1001, 1, NULL, 0, 0},                   /* no drill closed yet */
        {3000, 1, NULL, 0, 0},                   /* closed at the end: not before it */
        {3001, 1, "DRL-2026-000061", 3000, 350}, /* the whole-drill mean of 4 and 3 */
        {4000, 1, "DRL-2026-000061", 3000, 350},
        {4001, 1, "DRL-2026-000062", 4000, -1}, /* the last one, unscored */
    };
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        int n = 0;
        assert_int_equal(
            od_tx_query(tx, OD_Q_OMRR_PLAN_DRILLS, &r, &e, OD_BINDS(OD_INT(at[i].to), OD_INT(at[i].to))),
            OD_OK);
        while (od_rows_step(r, &row) == OD_OK && row) {
            n++;
            assert_int_equal(od_rows_int(r, 0), pln);
            assert_string_equal(od_rows_text(r, 1), "PLN-2026-000061");
            if (!at[i].drill) {
                assert_true(od_rows_null(r, 3) && od_rows_null(r, 4) && od_rows_null(r, 5));
                continue;
            }
            assert_string_equal(od_rows_text(r, 3), at[i].drill);
            assert_int_equal(od_rows_int(r, 4), at[i].closed_at);
            if (at[i].score < 0)
                assert_true(od_rows_null(r, 5));
            else
                assert_int_equal(od_rows_int(r, 5), at[i].score);
        }
        od_rows_close(r);
        assert_int_equal(n, at[i].rows);
    }
    od_tx_rollback(tx);
}

/* The queue of internal events (migration 0049; app/internal_events.c,
 * a failed checklist item's on_fail: event, R-EVT-1): queued once per
 * (source, key) (a second queueing does nothing), read oldest first with
 * the record's number and queued_at, claimed by one delivery until its claim
 * lapses (1 ms before: not again; at it: again), removed when delivered; the stored
 * event of a key found from the row's time on, not before; the result's
 * finding set to the event only while it has no finding record; the link
 * to an incident's record seen once made. */
static void internal_event_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t rec = 0, inc = 0, inst = 0, ev = 0, n = -1, link = 0;
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000049", &rec, &e), OD_OK);
    assert_int_equal(record_row(tx, "incident", "INC-2026-000049", &inc, &e), OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_KCKL_INSERT, &inst, &e,
                                  OD_BINDS(OD_INT(rec), OD_TEXT("close"), OD_TEXT("problem_closure"),
                                           OD_INT(1), OD_INT(100))),
                     OD_OK);
    for (int i = 0; i < 2; i++) /* the second: nothing */
        assert_int_equal(od_tx_exec(tx, OD_Q_IEVQ_QUEUE, &e,
                                    OD_BINDS(OD_TEXT("checklist"), OD_TEXT("checklist:1:b"), OD_INT(rec),
                                             OD_INT(inst), OD_TEXT("b"), OD_TEXT("warning"), OD_TEXT("乙"),
                                             OD_TEXT(""), OD_INT(6000 + i))),
                         OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_IEVQ_QUEUE, &e,
                   OD_BINDS(OD_TEXT("checklist"), OD_TEXT("checklist:1:a"), OD_INT(rec), OD_INT(inst),
                            OD_TEXT("a"), OD_TEXT("critical"), OD_TEXT("甲"), OD_TEXT("sw-1"), OD_INT(5000))),
        OD_OK);
    static const struct {
        const char *key, *item, *severity, *summary, *ci;
        int64_t at;
    } want[] = {{"checklist:1:a", "a", "critical", "甲", "sw-1", 5000},
                {"checklist:1:b", "b", "warning", "乙", "", 6000}};
    int k = 0;
    assert_int_equal(od_tx_query(tx, OD_Q_IEVQ_PENDING, &r, &e, OD_NOBINDS), OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row) {
        assert_true(k < 2);
        assert_string_equal(od_rows_text(r, 0), "checklist");
        assert_string_equal(od_rows_text(r, 1), want[k].key);
        assert_int_equal(od_rows_int(r, 2), rec);
        assert_int_equal(od_rows_int(r, 3), inst);
        assert_string_equal(od_rows_text(r, 4), want[k].item);
        assert_string_equal(od_rows_text(r, 5), want[k].severity);
        assert_string_equal(od_rows_text(r, 6), want[k].summary);
        assert_string_equal(od_rows_text(r, 7), want[k].ci);
        assert_string_equal(od_rows_text(r, 8), "PRB-2026-000049");
        assert_int_equal(od_rows_int(r, 9), want[k].at);
        k++;
    }
    od_rows_close(r);
    assert_int_equal(k, 2);
    /* claimed once: a second claim before it lapses changes nothing, at its end it takes it */
    static const struct {
        int64_t now, changed;
    } claims[] = {{7000, 1}, {67000 - 1, 0}, {67000, 1}};
    for (size_t i = 0; i < sizeof claims / sizeof *claims; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_IEVQ_CLAIM, &e,
                                    OD_BINDS(OD_INT(claims[i].now + 60000), OD_TEXT("checklist"),
                                             OD_TEXT("checklist:1:a"), OD_INT(claims[i].now))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), claims[i].changed);
    }
    assert_int_equal(
        od_tx_exec(tx, OD_Q_IEVQ_DONE, &e, OD_BINDS(OD_TEXT("checklist"), OD_TEXT("checklist:1:a"))), OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_IEVQ_CLAIM, &e,
                   OD_BINDS(OD_INT(200000), OD_TEXT("checklist"), OD_TEXT("checklist:1:a"), OD_INT(140000))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 0); /* gone */
    k = 0;
    assert_int_equal(od_tx_query(tx, OD_Q_IEVQ_PENDING, &r, &e, OD_NOBINDS), OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row)
        k++;
    od_rows_close(r);
    assert_int_equal(k, 1);
    /* the stored event of the key (received at 1000): from 1000 on, not from 1001 */
    assert_int_equal(event_row(tx, "checklist", "checklist:1:b", &ev, &e), OD_OK);
    for (int64_t from = 999; from <= 1001; from++) {
        r = NULL;
        assert_int_equal(od_tx_query(tx, OD_Q_IEVQ_EVENT, &r, &e,
                                     OD_BINDS(OD_INT(from), OD_TEXT("checklist"), OD_TEXT("checklist:1:b"))),
                         OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_int_equal(row, from <= 1000);
        if (row) {
            assert_int_equal(od_rows_int(r, 0), ev);
            assert_int_equal(od_rows_int(r, 1), 0); /* no incident */
        }
        od_rows_close(r);
    }
    /* the event as the finding: only while the result has no finding record */
    assert_int_equal(od_tx_exec(tx, OD_Q_KCKL_RESULT_SET, &e,
                                OD_BINDS(OD_INT(inst), OD_TEXT("b"), OD_TEXT("false"), OD_BOOL(false),
                                         OD_NULL(), OD_INT(100), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""))),
                     OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_KCKL_RESULT_SET, &e,
                                OD_BINDS(OD_INT(inst), OD_TEXT("c"), OD_TEXT("false"), OD_BOOL(false),
                                         OD_NULL(), OD_INT(100), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""))),
                     OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_CKLF_SET, &e,
                   OD_BINDS(OD_INT(inc), OD_TEXT("INC-2026-000049"), OD_INT(inst), OD_TEXT("c"))),
        OD_OK);
    for (int i = 0; i < 2; i++) {
        const char *item = i ? "c" : "b";
        assert_int_equal(od_tx_exec(tx, OD_Q_IEVQ_CKL_FINDING, &e,
                                    OD_BINDS(OD_TEXT("event:7"), OD_INT(inst), OD_TEXT(item))),
                         OD_OK);
    }
    assert_int_equal(od_tx_query(tx, OD_Q_KCKL_RESULTS, &r, &e, OD_BINDS(OD_INT(inst))), OD_OK);
    k = 0;
    while (od_rows_step(r, &row) == OD_OK && row) {
        assert_string_equal(od_rows_text(r, 0), k ? "c" : "b");
        assert_string_equal(od_rows_text(r, 4), k ? "INC-2026-000049" : "event:7");
        k++;
    }
    od_rows_close(r);
    assert_int_equal(k, 2);
    /* the link to the incident's record: none, then one */
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_IEVQ_LINKED, &n, &e, OD_BINDS(OD_INT(rec), OD_TEXT("parent_of"), OD_INT(inc))),
        OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(link_row(tx, rec, inc, "parent_of", "INC-2026-000049", &link, &e), OD_OK);
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_IEVQ_LINKED, &n, &e, OD_BINDS(OD_INT(rec), OD_TEXT("parent_of"), OD_INT(inc))),
        OD_OK);
    assert_int_equal(n, 1);
    od_tx_rollback(tx);
}

static void drill_ext_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t uid = 0, gone = 0, d = 0, p1 = 0, p2 = 0, other = 0, n = -1, id = 0, dl1 = 0;
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "dx1", &uid, &e), OD_OK);
    assert_int_equal(user_row(tx, "dx2", &gone, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_USER_SET_DISABLED, &e, OD_BINDS(OD_INT(1), OD_INT(5), OD_INT(gone))),
                     OD_OK);
    assert_int_equal(record_row(tx, "drill", "DRL-2026-000041", &d, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000041", &p1, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000042", &p2, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000043", &other, &e), OD_OK);
    /* findings: p2 and p1 originated from d (active); other's link is pending, p1's parent_of does not count
     */
    const struct {
        int64_t from;
        const char *kind, *state;
    } links[] = {{p2, "originated_from", "active"},
                 {p1, "originated_from", "active"},
                 {other, "originated_from", "pending"},
                 {p1, "parent_of", "active"}};
    for (size_t i = 0; i < sizeof links / sizeof *links; i++)
        assert_int_equal(
            od_tx_insert(tx, OD_Q_RLINK_INSERT, &id, &e,
                         OD_BINDS(OD_INT(links[i].from), OD_INT(d), OD_TEXT(links[i].kind), OD_TEXT("drill"),
                                  OD_NULL(), OD_TEXT(links[i].state), OD_INT(uid), OD_INT(100))),
            OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_DRLX_FINDINGS, &r, &e, OD_BINDS(OD_INT(d))), OD_OK);
    int64_t want[] = {p1, p2};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 0), want[i]);
        assert_string_equal(od_rows_text(r, 2), "problem");
    }
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* due notices: one pending per kind; cancelled; a fired one is found by its due date */
    assert_int_equal(
        od_tx_insert(tx, OD_Q_KDL_INSERT, &dl1, &e,
                     OD_BINDS(OD_INT(d), OD_NULL(), OD_TEXT("due:drill:due"), OD_INT(5000), OD_INT(5000))),
        OD_OK);
    assert_int_equal(
        od_tx_query(tx, OD_Q_DRLX_DUE_PENDING, &r, &e, OD_BINDS(OD_INT(d), OD_TEXT("due:drill:due"))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), dl1);
    assert_int_equal(od_rows_int(r, 1), 5000);
    od_rows_close(r);
    assert_int_equal(od_tx_scalar(tx, OD_Q_DRLX_DUE_DONE, &n, &e,
                                  OD_BINDS(OD_INT(d), OD_TEXT("due:drill:due"), OD_INT(5000))),
                     OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_DL_FIRED, &e, OD_BINDS(OD_TEXT("fired"), OD_TEXT("n1"), OD_INT(dl1))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_DRLX_DUE_DONE, &n, &e,
                                  OD_BINDS(OD_INT(d), OD_TEXT("due:drill:due"), OD_INT(5000))),
                     OD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(
        od_tx_insert(tx, OD_Q_KDL_INSERT, &id, &e,
                     OD_BINDS(OD_INT(d), OD_NULL(), OD_TEXT("due:drill:due"), OD_INT(7000), OD_INT(7000))),
        OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_DRLX_DUE_CANCEL, &e, OD_BINDS(OD_INT(d), OD_TEXT("due:drill:due"))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1); /* the pending one only */
    assert_int_equal(
        od_tx_query(tx, OD_Q_DRLX_DUE_PENDING, &r, &e, OD_BINDS(OD_INT(d), OD_TEXT("due:drill:due"))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(od_tx_scalar(tx, OD_Q_DRLX_DUE_DONE, &n, &e,
                                  OD_BINDS(OD_INT(d), OD_TEXT("due:drill:due"), OD_INT(7000))),
                     OD_OK);
    assert_int_equal(n, 0); /* cancelled is not done */
    /* manual scores: the same item and person again replaces the score */
    const struct {
        const char *item;
        int64_t user, score;
    } sc[] = {{"command", 0, 3}, {"command", uid, 2}, {"command", 0, 5}, {"handling", uid, 4}};
    for (size_t i = 0; i < sizeof sc / sizeof *sc; i++)
        assert_int_equal(
            od_tx_exec(tx, OD_Q_DRLX_SCORE_PUT, &e,
                       OD_BINDS(OD_INT(d), OD_TEXT(sc[i].item), OD_INT(sc[i].user), OD_INT(sc[i].score),
                                OD_TEXT("n"), OD_INT(uid), OD_INT(100 + (int64_t)i))),
            OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_DRLX_SCORES, &r, &e, OD_BINDS(OD_INT(d))), OD_OK);
    const struct {
        const char *item;
        int64_t user, score, at;
    } got[] = {{"command", 0, 5, 102}, {"command", uid, 2, 101}, {"handling", uid, 4, 103}};
    for (size_t i = 0; i < sizeof got / sizeof *got; i++) {
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_string_equal(od_rows_text(r, 0), got[i].item);
        assert_int_equal(od_rows_int(r, 1), got[i].user);
        assert_int_equal(od_rows_int(r, 2), got[i].score);
        assert_int_equal(od_rows_int(r, 5), got[i].at);
    }
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* active users: 0 enabled, 1 disabled, no row for nobody */
    const struct {
        int64_t id;
        bool row;
        int64_t disabled;
    } act[] = {{uid, true, 0}, {gone, true, 1}, {999999, false, 0}};
    for (size_t i = 0; i < sizeof act / sizeof *act; i++) {
        assert_int_equal(od_tx_query(tx, OD_Q_DRLX_USER_ACTIVE, &r, &e, OD_BINDS(OD_INT(act[i].id))), OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_int_equal(row, act[i].row);
        if (row)
            assert_int_equal(od_rows_int(r, 0), act[i].disabled);
        od_rows_close(r);
    }
    /* a scoped reader's lists: every row with the person's department last */
    assert_int_equal(
        od_tx_insert(tx, OD_Q_CERT_INSERT, &id, &e,
                     OD_BINDS(OD_INT(uid), OD_TEXT("duty_engineer"), OD_TEXT("值班资格"), OD_TEXT(""),
                              OD_TEXT(""), OD_INT(100), OD_NULL(), OD_INT(uid), OD_INT(100))),
        OD_OK);
    for (int k = 0; k < 2; k++) {
        int64_t who = k ? gone : 0; /* everyone, then a user without any */
        assert_int_equal(od_tx_query(tx, OD_Q_DRLX_CERT_ALL, &r, &e, OD_BINDS(OD_INT(who), OD_INT(who))),
                         OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_int_equal(row, k == 0);
        if (row) {
            assert_int_equal(od_rows_int(r, 0), id);
            assert_string_equal(od_rows_text(r, 12), "d");
        }
        od_rows_close(r);
    }
    assert_int_equal(od_tx_query(tx, OD_Q_DRLX_TRN_ALL, &r, &e, OD_BINDS(OD_INT(uid), OD_INT(uid))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    od_tx_rollback(tx);
}

/* certificates for key positions (migration 0029, queries_drills.h;
 * docs/plans.md): inserted and read back, listed newest first per user with
 * a count, and the current ones: not expired at now (an expiry at now is
 * out), issued by now, of enabled users only. */
static void certificate_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t u1 = 0, u2 = 0, c[4] = {0}, n = -1;
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "crt1", &u1, &e), OD_OK);
    assert_int_equal(user_row(tx, "crt2", &u2, &e), OD_OK);
    /* u1: valid (expires 5000), no expiry, not yet issued (9000); u2 (disabled below): no expiry */
    static const int64_t issued[4] = {1000, 2000, 9000, 1000}, expires[4] = {5000, 0, 0, 0};
    for (int i = 0; i < 4; i++)
        assert_int_equal(od_tx_insert(tx, OD_Q_CERT_INSERT, &c[i], &e,
                                      OD_BINDS(OD_INT(i == 3 ? u2 : u1), OD_TEXT(i == 1 ? "duty" : "dba"),
                                               OD_TEXT("证书"), OD_TEXT(""), OD_TEXT("N"), OD_INT(issued[i]),
                                               OD_INT_NONZERO(expires[i]), OD_TEXT("eng"), OD_INT(10))),
                         OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_CERT_GET, &r, &e, OD_BINDS(OD_INT(c[0]))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 1), u1);
    assert_string_equal(od_rows_text(r, 2), "crt1");
    assert_string_equal(od_rows_text(r, 4), "dba");
    assert_int_equal(od_rows_int(r, 9), 5000);
    od_rows_close(r);
    assert_int_equal(od_tx_scalar(tx, OD_Q_CERT_COUNT, &n, &e, OD_BINDS(OD_INT(u1), OD_INT(u1))), OD_OK);
    assert_int_equal(n, 3);
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_CERT_COUNT, &n, &e, OD_BINDS(OD_INT((int64_t)0), OD_INT((int64_t)0))), OD_OK);
    assert_true(n >= 4);
    assert_int_equal(od_tx_query(tx, OD_Q_CERT_LIST, &r, &e,
                                 OD_BINDS(OD_INT(u1), OD_INT(u1), OD_INT((int64_t)2), OD_INT((int64_t)0))),
                     OD_OK);
    static const int64_t newest[2] = {9000, 2000};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 8), newest[i]);
    }
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(od_tx_exec(tx, OD_Q_USER_SET_DISABLED, &e,
                                OD_BINDS(OD_INT((int64_t)1), OD_INT((int64_t)2), OD_INT(u2))),
                     OD_OK);
    /* at 4999: c0 and c1; at 5000 (c0's expiry): c1 only; u2's and the unissued one never */
    static const struct {
        int64_t now;
        int n;
    } at[] = {{4999, 2}, {5000, 1}};
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(
            od_tx_query(tx, OD_Q_CERT_CURRENT, &r, &e, OD_BINDS(OD_INT(at[k].now), OD_INT(at[k].now))),
            OD_OK);
        int got = 0;
        while (od_rows_step(r, &row) == OD_OK && row) {
            if (od_rows_int(r, 0) != u1 && od_rows_int(r, 0) != u2)
                continue;
            assert_int_equal(od_rows_int(r, 0), u1);
            got++;
        }
        od_rows_close(r);
        assert_int_equal(got, at[k].n);
    }
    od_tx_rollback(tx);
}

static void list_cursor_and_capped_count(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t ids[5] = {0};
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "ci-%d", i);
        assert_int_equal(od_tx_insert(tx, OD_Q_CI_INSERT, &ids[i], &e,
                                      OD_BINDS(OD_TEXT(name), OD_TEXT(i % 2 ? "network" : "server"),
                                               OD_TEXT("L2"), OD_TEXT("Ops"), OD_TEXT("prod"), OD_TEXT(""),
                                               OD_TEXT("{}"), OD_INT(1), OD_INT(1))),
                         OD_OK);
    }
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    od_rows *r = NULL;
    bool row = false;
    int n = 0;
    /* servers (ids[0], ids[2], ids[4]) after ids[0], one per page, offset 1: ids[4] */
    assert_int_equal(
        od_tx_query(tx, OD_Q_CI_LIST_CATEGORY, &r, &e,
                    OD_BINDS(OD_TEXT("server"), OD_INT(ids[0]), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                             OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                             OD_TEXT(""), OD_INT(0), OD_INT(1), OD_INT(1))),
        OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row) {
        assert_int_equal(od_rows_int(r, 0), ids[4]);
        n++;
    }
    od_rows_close(r);
    assert_int_equal(n, 1);
    int64_t total = -1;
    assert_int_equal(od_tx_scalar(tx, OD_Q_CI_COUNT_LIVE, &total, &e, OD_BINDS(OD_INT(3))), OD_OK);
    assert_int_equal(total, 3); /* the cap */
    assert_int_equal(od_tx_scalar(tx, OD_Q_CI_COUNT_LIVE, &total, &e, OD_BINDS(OD_INT(100))), OD_OK);
    assert_int_equal(total, 5);
    assert_int_equal(od_tx_scalar(tx, OD_Q_CI_COUNT_CATEGORY_ONLY, &total, &e,
                                  OD_BINDS(OD_TEXT("network"), OD_INT(0), OD_INT(100))),
                     OD_OK);
    assert_int_equal(total, 2);
    od_tx_rollback(tx);

    /* a retired CI (migration 0031): set once; left out of the counts and
     * pages unless the "all" bind is 1 */
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_CI_RETIRE, &e, OD_BINDS(OD_INT(77), OD_TEXT("下线"), OD_INT(77), OD_INT(ids[2]))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_exec(tx, OD_Q_CI_RETIRE, &e,
                                OD_BINDS(OD_INT(88), OD_TEXT("again"), OD_INT(88), OD_INT(ids[2]))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0); /* once */
    assert_int_equal(od_tx_scalar(tx, OD_Q_CI_RETIRED_AT, &total, &e, OD_BINDS(OD_INT(ids[2]))), OD_OK);
    assert_int_equal(total, 77);
    for (int all = 0; all <= 1; all++) {
        assert_int_equal(
            od_tx_scalar(tx, all ? OD_Q_CI_COUNT_ALL : OD_Q_CI_COUNT_LIVE, &total, &e, OD_BINDS(OD_INT(100))),
            OD_OK);
        assert_int_equal(total, all ? 5 : 4);
        assert_int_equal(od_tx_scalar(tx, OD_Q_CI_COUNT_CATEGORY_ONLY, &total, &e,
                                      OD_BINDS(OD_TEXT("server"), OD_INT(all), OD_INT(100))),
                         OD_OK);
        assert_int_equal(total, all ? 3 : 2);
        n = 0;
        assert_int_equal(
            od_tx_query(tx, OD_Q_CI_LIST_CATEGORY, &r, &e,
                        OD_BINDS(OD_TEXT("server"), OD_INT(0), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                 OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                 OD_TEXT(""), OD_INT(all), OD_INT(10), OD_INT(0))),
            OD_OK);
        while (od_rows_step(r, &row) == OD_OK && row) {
            assert_true(all || od_rows_int(r, 0) != ids[2]);
            assert_int_equal(od_rows_null(r, 12), od_rows_int(r, 0) != ids[2]); /* retired_at, column 12 */
            n++;
        }
        od_rows_close(r);
        assert_int_equal(n, all ? 3 : 2);
    }
    /* back in service: cleared once, the reason emptied; then counted again */
    assert_int_equal(od_tx_exec(tx, OD_Q_CI_UNRETIRE, &e, OD_BINDS(OD_INT(99), OD_INT(ids[2]))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_exec(tx, OD_Q_CI_UNRETIRE, &e, OD_BINDS(OD_INT(99), OD_INT(ids[2]))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 0); /* not retired any more */
    assert_int_equal(od_tx_query(tx, OD_Q_CI_RETIRED_AT, &r, &e, OD_BINDS(OD_INT(ids[2]))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_true(od_rows_null(r, 0));
    od_rows_close(r);
    assert_int_equal(od_tx_scalar(tx, OD_Q_CI_COUNT_LIVE, &total, &e, OD_BINDS(OD_INT(100))), OD_OK);
    assert_int_equal(total, 5);
    od_tx_rollback(tx);
}

/* Seed 000 ch. 7 §2.1 item 3 and ch. 9 §4 (migration 0032): a desk's owner
 * is upserted by desk key and joined to the user; contacts per CI or
 * service, filtered by CI and kind, with the CI's name, and those of an
 * incident's CIs (R-NOT-3, R-CI-1). */
static void desks_and_contacts(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t u1 = 0, u2 = 0, ci = 0, ci2 = 0, inc = 0, c[3] = {0}, n = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "desk1", &u1, &e), OD_OK);
    assert_int_equal(user_row(tx, "desk2", &u2, &e), OD_OK);
    for (int i = 0; i < 2; i++) /* set, then replaced by the upsert */
        assert_int_equal(od_tx_exec(tx, OD_Q_DESK_OWNER_PUT, &e,
                                    OD_BINDS(OD_TEXT("monitoring"), OD_INT(i ? u2 : u1), OD_TEXT("sysadmin"),
                                             OD_INT((int64_t)(100 + i)))),
                         OD_OK);
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_DESK_OWNER_LIST, &r, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "monitoring");
    assert_int_equal(od_rows_int(r, 1), u2);
    assert_string_equal(od_rows_text(r, 2), "desk2");
    assert_int_equal(od_rows_int(r, 5), 0);
    assert_int_equal(od_rows_int(r, 7), 101);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(od_tx_exec(tx, OD_Q_DESK_OWNER_DELETE, &e, OD_BINDS(OD_TEXT("monitoring"))), OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_DESK_OWNER_LIST, &r, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* two CIs, an incident on the first */
    for (int i = 0; i < 2; i++)
        assert_int_equal(
            od_tx_insert(tx, OD_Q_CI_INSERT, i ? &ci2 : &ci, &e,
                         OD_BINDS(OD_TEXT(i ? "vc-b" : "vc-a"), OD_TEXT("database"), OD_TEXT("L1"),
                                  OD_TEXT("运行部"), OD_TEXT("production"), OD_TEXT(""), OD_TEXT("{}"),
                                  OD_INT((int64_t)1), OD_INT((int64_t)1))),
            OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_INC_INSERT, &inc, &e,
                                  OD_BINDS(OD_TEXT("INC-2026-000077"), OD_TEXT("t"), OD_TEXT("detected"),
                                           OD_TEXT("L1"), OD_TEXT("severe"), OD_BOOL(false), OD_TEXT("R1"),
                                           OD_TEXT("R1"), OD_TEXT("R1"), OD_INT(1000), OD_INT(1000),
                                           OD_INT(2000), OD_INT(1300), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                           OD_TEXT("[]"), OD_BOOL(false), OD_INT(u1), OD_INT(1000))),
                     OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_INC_CI_INSERT, &e, OD_BINDS(OD_INT(inc), OD_INT(ci))), OD_OK);
    /* a vendor of ci, a customer of ci, a customer of a service only */
    static const char *const kind[3] = {"vendor", "customer", "customer"}, *const name[3] = {"王工", "李经理",
                                                                                             "赵总"};
    for (int i = 0; i < 3; i++)
        assert_int_equal(od_tx_insert(tx, OD_Q_CONTACT_INSERT, &c[i], &e,
                                      OD_BINDS(OD_TEXT(kind[i]), OD_TEXT(name[i]), OD_TEXT("org"),
                                               OD_TEXT(i == 1 ? "" : "13900000000"), OD_TEXT(""),
                                               OD_INT_OR_NULL(ci, i < 2), OD_TEXT(i == 2 ? "报关" : ""),
                                               OD_TEXT(i == 0 ? "[\"L1\"]" : ""), OD_TEXT(""),
                                               OD_INT((int64_t)5), OD_INT((int64_t)5), OD_INT((int64_t)5))),
                         OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_CONTACT_CI_EXISTS, &n, &e, OD_BINDS(OD_INT(ci2))), OD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_CONTACT_CI_EXISTS, &n, &e, OD_BINDS(OD_INT((int64_t)999999))),
                     OD_OK);
    assert_int_equal(n, 0);
    /* the list: by kind, then name; filters by CI and kind (0 / '' = any) */
    static const struct {
        int64_t ci;
        const char *kind;
        int n, first;
    } q[] = {{0, "", 3, 1}, {-1, "", 2, 1}, {0, "vendor", 1, 0}, {-1, "customer", 1, 1}, {-2, "", 0, -1}};
    for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
        int64_t cid = q[k].ci == -1 ? ci : q[k].ci == -2 ? ci2 : 0;
        assert_int_equal(
            od_tx_query(tx, OD_Q_CONTACT_LIST, &r, &e,
                        OD_BINDS(OD_INT(cid), OD_INT(cid), OD_TEXT(q[k].kind), OD_TEXT(q[k].kind))),
            OD_OK);
        int got = 0;
        while (od_rows_step(r, &row) == OD_OK && row) {
            if (got == 0 && q[k].first >= 0)
                assert_int_equal(od_rows_int(r, 0), c[q[k].first]);
            got++;
        }
        od_rows_close(r);
        assert_int_equal(got, q[k].n);
    }
    /* one contact with its CI's name; the service-only one has none */
    assert_int_equal(od_tx_query(tx, OD_Q_CONTACT_GET, &r, &e, OD_BINDS(OD_INT(c[0]))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 7), "vc-a");
    assert_string_equal(od_rows_text(r, 9), "[\"L1\"]");
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_CONTACT_GET, &r, &e, OD_BINDS(OD_INT(c[2]))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(od_rows_null(r, 6));
    assert_true(od_rows_null(r, 7));
    od_rows_close(r);
    /* the contacts of the incident's CIs: the two of ci, by id */
    assert_int_equal(od_tx_query(tx, OD_Q_CONTACT_OF_INC, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 0), c[i]);
    }
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* update moves the customer to the service only; delete removes one */
    assert_int_equal(
        od_tx_exec(tx, OD_Q_CONTACT_UPDATE, &e,
                   OD_BINDS(OD_TEXT("customer"), OD_TEXT("李经理"), OD_TEXT("org"), OD_TEXT("139"),
                            OD_TEXT("l@x.cn"), OD_NULL(), OD_TEXT("报关"), OD_TEXT(""), OD_TEXT(""),
                            OD_INT((int64_t)9), OD_INT((int64_t)9), OD_INT(c[1]))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_exec(tx, OD_Q_CONTACT_DELETE, &e, OD_BINDS(OD_INT(c[2]))), OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_CONTACT_OF_INC, &r, &e, OD_BINDS(OD_INT(inc))), OD_OK);
    int got = 0;
    while (od_rows_step(r, &row) == OD_OK && row)
        got++;
    od_rows_close(r);
    assert_int_equal(got, 1);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* The dashboard's report tile (queries_omr.h, migration 0037): the runs still
 * waiting for someone, with the filing deadline stored at generation, the
 * review deadline stored at filing and whether a newer version of the period
 * exists; distributed runs are not read. */
static void report_due_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t ids[4] = {0};
    static const char *const nums[4] = {"D1", "D2", "F1", "X1"};
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    for (int i = 0; i < 4; i++) /* D1, D2: versions 1 and 2 of one week; F1, X1: other weeks */
        assert_int_equal(od_tx_insert(tx, OD_Q_RPT_INSERT, &ids[i], &e,
                                      OD_BINDS(OD_TEXT("weekly"), OD_INT((int64_t)(i < 2 ? 1000 : 1000 * i)),
                                               OD_INT((int64_t)(i < 2 ? 2000 : 1000 * i + 1000)),
                                               OD_INT((int64_t)(i == 1 ? 2 : 1)), OD_TEXT(nums[i]),
                                               OD_TEXT("{}"), OD_INT((int64_t)3), OD_NULL())),
                         OD_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(
            od_tx_exec(tx, OD_Q_RPT_SET_FILE_DUE, &e, OD_BINDS(OD_INT((int64_t)(100 + i)), OD_INT(ids[i]))),
            OD_OK);
    for (int i = 2; i < 4; i++) { /* F1 submitted (under review); X1 submitted, filed, distributed */
        assert_int_equal(
            od_tx_exec(tx, OD_Q_RPT_SUBMIT, &e,
                       OD_BINDS(OD_INT((int64_t)3), OD_NULL(), OD_INT((int64_t)500), OD_INT(ids[i]))),
            OD_OK);
        if (i == 3)
            assert_int_equal(od_tx_exec(tx, OD_Q_RPT_FILE, &e,
                                        OD_BINDS(OD_TEXT("{}"), OD_TEXT("ab"), OD_INT((int64_t)4), OD_NULL(),
                                                 OD_INT(ids[i]))),
                             OD_OK);
    }
    assert_int_equal(
        od_tx_exec(tx, OD_Q_RPT_DISTRIBUTE, &e, OD_BINDS(OD_INT((int64_t)6), OD_NULL(), OD_INT(ids[3]))),
        OD_OK);
    od_rows *r = NULL;
    bool row = false;
    int seen = 0;
    assert_int_equal(od_tx_query(tx, OD_Q_OMR_DASH_RUNS, &r, &e, OD_BINDS(OD_INT((int64_t)10))), OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row) {
        const char *st = od_rows_text(r, 0);
        int64_t fd = od_rows_int(r, 1), sup = od_rows_int(r, 3);
        if (fd == 100) { /* D1: superseded by D2 */
            assert_string_equal(st, "draft");
            assert_true(od_rows_null(r, 2));
            assert_int_equal(sup, 1);
        } else if (fd == 101) {
            assert_string_equal(st, "draft");
            assert_int_equal(sup, 0);
        } else {
            assert_int_equal(fd, 102); /* F1, under review; X1 (distributed) is not read */
            assert_string_equal(st, "under_review");
            assert_int_equal(od_rows_int(r, 2), 500);
            assert_int_equal(sup, 0);
        }
        seen++;
    }
    od_rows_close(r);
    assert_int_equal(seen, 3);
    od_tx_rollback(tx);
}

/* Upkeep (queries_upkeep.h, migration 0035; seed 000 ch. 9 §2, §4): the
 * latest risk assessment (NULL when none), the list latest first and paged;
 * content feedback listed by due time, filtered open / by plan, counted
 * overdue at a due time (<=), acted on once.  And the service-only contacts
 * an incident reaches through its services (queries_contacts.h
 * CONTACT_OF_INC_SERVICES): a service of an affected CI, by key or name, or
 * one with an outage interval of the incident. */
static void upkeep_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t u1 = 0, pln = 0, ra[3] = {0}, fb[3] = {0}, n = -1;
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "upk1", &u1, &e), OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_RISK_LAST, &r, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_true(od_rows_null(r, 0)); /* none held yet */
    od_rows_close(r);
    static const int64_t held[3] = {3000, 1000, 2000};
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            od_tx_insert(tx, OD_Q_RISK_INSERT, &ra[i], &e,
                         OD_BINDS(OD_INT(held[i]), OD_INT(u1), OD_TEXT("运行部"), OD_TEXT("范围"),
                                  OD_TEXT("发现"), OD_TEXT("风险"), OD_TEXT("措施"), OD_INT((int64_t)9000))),
            OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_RISK_COUNT, &n, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(n, 3);
    assert_int_equal(od_tx_query(tx, OD_Q_RISK_LAST, &r, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_int_equal(od_rows_int(r, 0), 3000);
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_RISK_GET, &r, &e, OD_BINDS(OD_INT(ra[1]))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 1), 1000);
    assert_int_equal(od_rows_int(r, 2), u1);
    assert_string_equal(od_rows_text(r, 3), "upk1");
    assert_string_equal(od_rows_text(r, 5), "运行部");
    assert_string_equal(od_rows_text(r, 9), "措施");
    od_rows_close(r);
    /* latest first, paged: limit 2 offset 1 = the 2000 and 1000 ones */
    assert_int_equal(
        od_tx_query(tx, OD_Q_RISK_LIST, &r, &e, OD_BINDS(OD_INT((int64_t)2), OD_INT((int64_t)1))), OD_OK);
    static const int want_r[2] = {2, 1};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 0), ra[want_r[i]]);
    }
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* feedback: fb0 on the plan due 5000, fb1 on a topic due 4000, fb2 on the plan due 6000 */
    assert_int_equal(record_row(tx, "plan", "PLN-2026-000035", &pln, &e), OD_OK);
    static const int64_t due[3] = {5000, 4000, 6000};
    for (int i = 0; i < 3; i++)
        assert_int_equal(od_tx_insert(tx, OD_Q_FB_INSERT, &fb[i], &e,
                                      OD_BINDS(OD_INT_OR_NULL(pln, i != 1), OD_TEXT(i == 1 ? "备份恢复" : ""),
                                               OD_TEXT("drill"), OD_TEXT("反馈"), OD_INT(u1),
                                               OD_INT((int64_t)100), OD_INT(due[i]))),
                         OD_OK);
    static const struct {
        int64_t open, plan;
        int n, first;
    } q[] = {{0, 0, 3, 1}, {1, 0, 3, 1}, {0, -1, 2, 0}, {1, -1, 2, 0}};
    for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
        int64_t p = q[k].plan ? pln : 0;
        assert_int_equal(
            od_tx_scalar(tx, OD_Q_FB_COUNT, &n, &e, OD_BINDS(OD_INT(q[k].open), OD_INT(p), OD_INT(p))),
            OD_OK);
        assert_int_equal(n, q[k].n);
        assert_int_equal(od_tx_query(tx, OD_Q_FB_LIST, &r, &e,
                                     OD_BINDS(OD_INT(q[k].open), OD_INT(p), OD_INT(p), OD_INT((int64_t)50),
                                              OD_INT((int64_t)0))),
                         OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 0), fb[q[k].first]);
        od_rows_close(r);
    }
    /* overdue at a due time: due_at <= now */
    static const int64_t at[4] = {3999, 4000, 5000, 6000};
    static const int64_t over[4] = {0, 1, 2, 3};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(od_tx_scalar(tx, OD_Q_FB_OVERDUE, &n, &e, OD_BINDS(OD_INT(at[i]))), OD_OK);
        assert_int_equal(n, over[i]);
    }
    /* acted on once; then neither open nor overdue */
    assert_int_equal(od_tx_exec(tx, OD_Q_FB_ADDRESS, &e,
                                OD_BINDS(OD_TEXT("plan"), OD_TEXT("已修订"), OD_INT(u1),
                                         OD_INT((int64_t)7000), OD_INT(fb[0]))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_exec(tx, OD_Q_FB_ADDRESS, &e,
                                OD_BINDS(OD_TEXT("none"), OD_TEXT("again"), OD_INT(u1), OD_INT((int64_t)8000),
                                         OD_INT(fb[0]))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(od_tx_scalar(tx, OD_Q_FB_OVERDUE, &n, &e, OD_BINDS(OD_INT((int64_t)6000))), OD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_FB_COUNT, &n, &e, OD_BINDS(OD_INT((int64_t)1), OD_INT(pln), OD_INT(pln))),
        OD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(od_tx_query(tx, OD_Q_FB_GET, &r, &e, OD_BINDS(OD_INT(fb[0]))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 1), pln);
    assert_string_equal(od_rows_text(r, 2), "PLN-2026-000035");
    assert_string_equal(od_rows_text(r, 8), "upk1");
    assert_int_equal(od_rows_int(r, 10), 5000);
    assert_string_equal(od_rows_text(r, 11), "plan");
    assert_string_equal(od_rows_text(r, 12), "已修订");
    assert_int_equal(od_rows_int(r, 14), 7000);
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_FB_GET, &r, &e, OD_BINDS(OD_INT(fb[1]))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(od_rows_null(r, 1));
    assert_true(od_rows_null(r, 2));
    assert_true(od_rows_null(r, 14));
    assert_string_equal(od_rows_text(r, 4), "备份恢复");
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_FB_PLAN_KIND, &r, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_string_equal(od_rows_text(r, 0), "plan");
    od_rows_close(r);

    /* service-only contacts through the incident's services */
    int64_t ci = 0, ci2 = 0, inc = 0, s1 = 0, s2 = 0, c[4] = {0};
    for (int i = 0; i < 2; i++)
        assert_int_equal(
            od_tx_insert(tx, OD_Q_CI_INSERT, i ? &ci2 : &ci, &e,
                         OD_BINDS(OD_TEXT(i ? "svc-b" : "svc-a"), OD_TEXT("database"), OD_TEXT("L1"),
                                  OD_TEXT("运行部"), OD_TEXT("production"), OD_TEXT(""), OD_TEXT("{}"),
                                  OD_INT((int64_t)1), OD_INT((int64_t)1))),
            OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_INC_INSERT, &inc, &e,
                                  OD_BINDS(OD_TEXT("INC-2026-000135"), OD_TEXT("t"), OD_TEXT("detected"),
                                           OD_TEXT("L1"), OD_TEXT("severe"), OD_BOOL(false), OD_TEXT("R1"),
                                           OD_TEXT("R1"), OD_TEXT("R1"), OD_INT(1000), OD_INT(1000),
                                           OD_INT(2000), OD_INT(1300), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                           OD_TEXT("[]"), OD_BOOL(false), OD_INT(u1), OD_INT(1000))),
                     OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_INC_CI_INSERT, &e, OD_BINDS(OD_INT(inc), OD_INT(ci))), OD_OK);
    /* s1 on the affected CI; s2 on the other CI */
    assert_int_equal(
        od_tx_insert(tx, OD_Q_SVC_INSERT, &s1, &e,
                     OD_BINDS(OD_TEXT("s1k"), OD_TEXT("服务一"), OD_INT(ci), OD_INT((int64_t)995000),
                              OD_TEXT("24x7"), OD_BOOL(false), OD_INT((int64_t)1), OD_INT((int64_t)1))),
        OD_OK);
    assert_int_equal(
        od_tx_insert(tx, OD_Q_SVC_INSERT, &s2, &e,
                     OD_BINDS(OD_TEXT("s2k"), OD_TEXT("服务二"), OD_INT(ci2), OD_INT((int64_t)995000),
                              OD_TEXT("24x7"), OD_BOOL(false), OD_INT((int64_t)1), OD_INT((int64_t)1))),
        OD_OK);
    /* by s1's key, by s1's name, by s2's name, and one with a CI (never in this list) */
    static const char *const svc[4] = {"s1k", "服务一", "服务二", "s1k"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(
            od_tx_insert(tx, OD_Q_CONTACT_INSERT, &c[i], &e,
                         OD_BINDS(OD_TEXT("customer"), OD_TEXT("客户"), OD_TEXT(""), OD_TEXT("139"),
                                  OD_TEXT(""), OD_INT_OR_NULL(ci, i == 3), OD_TEXT(svc[i]), OD_TEXT(""),
                                  OD_TEXT(""), OD_INT((int64_t)5), OD_INT((int64_t)5), OD_INT((int64_t)5))),
            OD_OK);
    for (int pass = 0; pass < 2; pass++) {
        if (pass) /* an outage interval of s2 belongs to the incident: s2's contact too */
            assert_int_equal(
                od_tx_insert(tx, OD_Q_OUT_INSERT, &n, &e,
                             OD_BINDS(OD_INT(s2), OD_INT(inc), OD_TEXT("unplanned"), OD_TEXT("incident"),
                                      OD_INT((int64_t)1000), OD_NULL(), OD_NULL(), OD_BOOL(false),
                                      OD_TEXT(""), OD_INT(u1), OD_INT((int64_t)1000), OD_INT((int64_t)1000))),
                OD_OK);
        assert_int_equal(
            od_tx_query(tx, OD_Q_CONTACT_OF_INC_SERVICES, &r, &e, OD_BINDS(OD_INT(inc), OD_INT(inc))), OD_OK);
        int got = 0;
        while (od_rows_step(r, &row) == OD_OK && row) {
            assert_int_equal(od_rows_int(r, 0), c[got]);
            assert_true(od_rows_null(r, 6));
            assert_string_equal(od_rows_text(r, 7), svc[got]);
            got++;
        }
        od_rows_close(r);
        assert_int_equal(got, pass ? 3 : 2);
    }
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* O&M report review, distribution and catch-up (queries_omr.h, migration
 * 0033, 0037): draft → under_review → filed → distributed, each move once and
 * only from its state, a return to draft from under_review; the review
 * deadline is a deadlines row without incident or record, claimed once
 * (DL_FIRED) and met by the filing; the catch-up's newest period per kind. */
static void report_review_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t run = 0, uid = 0, n = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_RPT_LAST_PERIOD, &n, &e, OD_BINDS(OD_TEXT("weekly"))), OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(od_tx_insert(tx, OD_Q_USER_INSERT, &uid, &e,
                                  OD_BINDS(OD_TEXT("reviewer"), OD_TEXT("x"), OD_TEXT("审核人"),
                                           OD_TEXT("运行部"), OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0),
                                           OD_TEXT("[]"), OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    for (int64_t p = 1000; p <= 3000; p += 1000)
        assert_int_equal(
            od_tx_insert(tx, OD_Q_RPT_INSERT, &run, &e,
                         OD_BINDS(OD_TEXT("weekly"), OD_INT(p), OD_INT(p + 1000), OD_INT((int64_t)1),
                                  OD_TEXT(p == 1000   ? "W1"
                                          : p == 2000 ? "W2"
                                                      : "W3"),
                                  OD_TEXT("{}"), OD_INT((int64_t)3), OD_NULL())),
            OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_RPT_LAST_PERIOD, &n, &e, OD_BINDS(OD_TEXT("weekly"))), OD_OK);
    assert_int_equal(n, 3000);
    assert_int_equal(od_tx_scalar(tx, OD_Q_RPT_LAST_PERIOD, &n, &e, OD_BINDS(OD_TEXT("monthly"))), OD_OK);
    assert_int_equal(n, 0);
    /* a draft is neither filed, returned nor distributed (migration 0037: draft → under_review →
     * filed → distributed) */
    assert_int_equal(
        od_tx_exec(tx, OD_Q_RPT_FILE, &e,
                   OD_BINDS(OD_TEXT("{}"), OD_TEXT("ab"), OD_INT((int64_t)4), OD_INT(uid), OD_INT(run))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(od_tx_exec(tx, OD_Q_RPT_RETURN, &e, OD_BINDS(OD_TEXT("x"), OD_INT(run))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_RPT_DISTRIBUTE, &e, OD_BINDS(OD_INT((int64_t)6), OD_INT(uid), OD_INT(run))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    /* submitted once; returned to draft once; submitted again */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_exec(tx, OD_Q_RPT_SUBMIT, &e,
                       OD_BINDS(OD_INT((int64_t)2), OD_INT(uid), OD_INT((int64_t)40), OD_INT(run))),
            OD_OK);
        assert_int_equal(od_tx_changes(tx), i ? 0 : 1);
    }
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_RPT_RETURN, &e, OD_BINDS(OD_TEXT("补充数据"), OD_INT(run))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), i ? 0 : 1);
    }
    assert_int_equal(od_tx_exec(tx, OD_Q_RPT_SUBMIT, &e,
                                OD_BINDS(OD_INT((int64_t)3), OD_INT(uid), OD_INT((int64_t)50), OD_INT(run))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    /* the review is recorded only on a filed run */
    assert_int_equal(od_tx_exec(tx, OD_Q_RPT_REVIEW, &e,
                                OD_BINDS(OD_INT((int64_t)5), OD_INT(uid), OD_TEXT("ok"), OD_INT(run))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_RPT_DL_INSERT, &e,
                   OD_BINDS(OD_TEXT("report:review:1"), OD_INT((int64_t)50), OD_INT((int64_t)50))),
        OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_RPT_DL_INSERT, &e,
                   OD_BINDS(OD_TEXT("report:review:2"), OD_INT((int64_t)60), OD_INT((int64_t)60))),
        OD_OK);
    /* distribution before the filing: nothing */
    assert_int_equal(
        od_tx_exec(tx, OD_Q_RPT_DISTRIBUTE, &e, OD_BINDS(OD_INT((int64_t)6), OD_INT(uid), OD_INT(run))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_exec(tx, OD_Q_RPT_FILE, &e,
                       OD_BINDS(OD_TEXT("{}"), OD_TEXT("ab"), OD_INT((int64_t)4), OD_INT(uid), OD_INT(run))),
            OD_OK);
        assert_int_equal(od_tx_changes(tx), i ? 0 : 1);
    }
    assert_int_equal(od_tx_exec(tx, OD_Q_RPT_REVIEW, &e,
                                OD_BINDS(OD_INT((int64_t)5), OD_INT(uid), OD_TEXT("同意"), OD_INT(run))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    /* a filed run is neither submitted nor returned again */
    assert_int_equal(od_tx_exec(tx, OD_Q_RPT_SUBMIT, &e,
                                OD_BINDS(OD_INT((int64_t)7), OD_INT(uid), OD_INT((int64_t)70), OD_INT(run))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(od_tx_exec(tx, OD_Q_RPT_RETURN, &e, OD_BINDS(OD_TEXT("x"), OD_INT(run))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    /* the filing meets its review deadline row (once); the other stays due and is claimed once */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_exec(tx, OD_Q_RPT_DL_MEET, &e, OD_BINDS(OD_INT((int64_t)5), OD_TEXT("report:review:1"))),
            OD_OK);
        assert_int_equal(od_tx_changes(tx), i ? 0 : 1);
    }
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_RPT_DL_STATUS, &r, &e, OD_BINDS(OD_TEXT("report:review:1"))),
                     OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "met");
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_DL_NEXT_DUE, &r, &e, OD_BINDS(OD_INT((int64_t)100))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    int64_t dl = od_rows_int(r, 0);
    assert_true(od_rows_null(r, 1)); /* no incident */
    assert_string_equal(od_rows_text(r, 2), "report:review:2");
    od_rows_close(r);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_exec(tx, OD_Q_DL_FIRED, &e, OD_BINDS(OD_TEXT("fired"), OD_TEXT("n1"), OD_INT(dl))), OD_OK);
        assert_int_equal(od_tx_changes(tx), i ? 0 : 1);
    }
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_exec(tx, OD_Q_RPT_DISTRIBUTE, &e, OD_BINDS(OD_INT((int64_t)6), OD_INT(uid), OD_INT(run))),
            OD_OK);
        assert_int_equal(od_tx_changes(tx), i ? 0 : 1);
    }
    assert_int_equal(od_tx_query(tx, OD_Q_RPT_REVIEW_GET, &r, &e, OD_BINDS(OD_INT(run))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "distributed");
    assert_true(od_rows_null(r, 1)); /* generated by the system */
    assert_int_equal(od_rows_int(r, 2), uid);
    assert_int_equal(od_rows_int(r, 3), 50);
    assert_int_equal(od_rows_int(r, 4), 5);
    assert_int_equal(od_rows_int(r, 5), uid);
    assert_string_equal(od_rows_text(r, 6), "同意");
    assert_int_equal(od_rows_int(r, 7), 6);
    assert_int_equal(od_rows_int(r, 8), uid);
    assert_string_equal(od_rows_text(r, 9), "W3");
    assert_string_equal(od_rows_text(r, 10), "weekly");
    assert_int_equal(od_rows_int(r, 12), uid); /* submitted by */
    assert_int_equal(od_rows_int(r, 13), 3);   /* the second submission */
    od_rows_close(r);
    /* the deadline's due time; a superseded run has a newer version of its period */
    assert_int_equal(od_tx_scalar(tx, OD_Q_RPT_DL_DUE, &n, &e, OD_BINDS(OD_TEXT("report:review:2"))), OD_OK);
    assert_int_equal(n, 60);
    assert_int_equal(od_tx_scalar(tx, OD_Q_RPT_DL_DUE, &n, &e, OD_BINDS(OD_TEXT("report:file:9"))), OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(od_tx_scalar(tx, OD_Q_RPT_NEWER, &n, &e, OD_BINDS(OD_INT(run))), OD_OK);
    assert_int_equal(n, 0);
    int64_t v2 = 0;
    assert_int_equal(od_tx_insert(tx, OD_Q_RPT_INSERT, &v2, &e,
                                  OD_BINDS(OD_TEXT("weekly"), OD_INT((int64_t)3000), OD_INT((int64_t)4000),
                                           OD_INT((int64_t)2), OD_TEXT("W3-v2"), OD_TEXT("{}"),
                                           OD_INT((int64_t)7), OD_NULL())),
                     OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_RPT_NEWER, &n, &e, OD_BINDS(OD_INT(run))), OD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_RPT_NEWER, &n, &e, OD_BINDS(OD_INT(v2))), OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* The report sections' counts (queries_omr.h OMR_*): half-open periods,
 * the boundary instant in and the end out. */
static void report_sections_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t p1 = 0, p2 = 0, ke = 0, pln = 0, n = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-1", &p1, &e), OD_OK); /* created at 10 */
    assert_int_equal(record_row(tx, "problem", "PRB-2", &p2, &e), OD_OK);
    assert_int_equal(record_row(tx, "known_error", "KE-1", &ke, &e), OD_OK);
    assert_int_equal(record_row(tx, "plan", "PLN-1", &pln, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_PRB_ENSURE, &e, OD_BINDS(OD_INT(p1))), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_PRB_ENSURE, &e, OD_BINDS(OD_INT(p2))), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_ENSURE, &e, OD_BINDS(OD_INT(pln))), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_PLN_SAVE, &e,
                                OD_BINDS(OD_NULL(), OD_TEXT("[]"), OD_TEXT("[]"), OD_TEXT("[]"),
                                         OD_INT((int64_t)6), OD_TEXT(""), OD_TEXT(""), OD_NULL(), OD_NULL(),
                                         OD_INT((int64_t)100), OD_INT((int64_t)150), OD_INT((int64_t)200),
                                         OD_TEXT(""), OD_NULL(), OD_NULL(), OD_INT(pln))),
                     OD_OK);
    static const struct {
        int q; /* 0 opened, 1 open at, 2 KE added, 3 plan overdue at, 4 plans reviewed */
        int64_t from, to, want;
    } rows[] = {
        {0, 0, 10, 0}, {0, 10, 11, 2}, {0, 11, 20, 0}, {1, 10, 10, 0},   {1, 11, 11, 2},   {2, 10, 11, 1},
        {2, 0, 10, 0}, {3, 0, 200, 0}, {3, 0, 201, 1}, {4, 150, 151, 1}, {4, 151, 300, 0}, {4, 0, 150, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t a = rows[i].from, b = rows[i].to;
        od_err rc = OD_OK;
        switch (rows[i].q) {
        case 0:
            rc = od_tx_scalar(tx, OD_Q_OMR_PRB_OPENED, &n, &e, OD_BINDS(OD_INT(a), OD_INT(b)));
            break;
        case 1:
            rc = od_tx_scalar(tx, OD_Q_OMR_PRB_OPEN_AT, &n, &e, OD_BINDS(OD_INT(b), OD_INT(b), OD_INT(b)));
            break;
        case 2:
            rc = od_tx_scalar(tx, OD_Q_OMR_KE_ADDED, &n, &e, OD_BINDS(OD_INT(a), OD_INT(b)));
            break;
        case 3:
            rc = od_tx_scalar(tx, OD_Q_OMR_PLN_OVERDUE, &n, &e, OD_BINDS(OD_INT(b)));
            break;
        default:
            rc = od_tx_scalar(tx, OD_Q_OMR_PLN_REVIEWED, &n, &e, OD_BINDS(OD_INT(a), OD_INT(b)));
        }
        if (rc || n != rows[i].want)
            fail_msg("row %zu: rc %d n %lld, want %lld", i, rc, (long long)n, (long long)rows[i].want);
    }
    /* nothing closed or cancelled yet */
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_OMR_PRB_CLOSED, &n, &e, OD_BINDS(OD_INT((int64_t)0), OD_INT((int64_t)1000))),
        OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_OMR_PRB_CANCELLED, &n, &e, OD_BINDS(OD_INT((int64_t)0), OD_INT((int64_t)1000))),
        OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(od_tx_scalar(tx, OD_Q_OMR_DRILL_INCIDENTS, &n, &e,
                                  OD_BINDS(OD_INT((int64_t)0), OD_INT((int64_t)1000))),
                     OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* The statements of approval deadlines, decide links, checklist findings
 * and the problem pickers (queries_approvals.h, queries_checklists.h,
 * queries_assignable.h): a decide link is used once (the changed-row count
 * of APL_USE is the guard), a record needs a link only while a step waits,
 * a decided step's deadlines are cancelled, LIKE's wildcards are text. */
static void approvals_links_pickers(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t u = 0, rec = 0, other = 0, round = 0, step = 0, dl = 0, n = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "apl1", &u, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-X_1", &rec, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-XA1", &other, &e), OD_OK);
    /* no waiting step: no link needed */
    assert_int_equal(od_tx_scalar(tx, OD_Q_APL_NEEDED, &n, &e, OD_BINDS(OD_INT(rec))), OD_E_NOT_FOUND);
    od_error_clear(&e);
    assert_int_equal(od_tx_insert(tx, OD_Q_KAPR_ROUND_INSERT, &round, &e,
                                  OD_BINDS(OD_INT(rec), OD_INT((int64_t)1), OD_INT(u), OD_INT((int64_t)100))),
                     OD_OK);
    char appr[32];
    snprintf(appr, sizeof appr, "[%lld]", (long long)u);
    assert_int_equal(od_tx_insert(tx, OD_Q_KAPR_STEP_INSERT, &step, &e,
                                  OD_BINDS(OD_INT(round), OD_TEXT("s1"), OD_TEXT(appr), OD_TEXT("any"),
                                           OD_NULL(), OD_NULL(), OD_NULL())),
                     OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_APR_STEP_DUE, &e, OD_BINDS(OD_INT((int64_t)5000), OD_INT(step))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_APL_NEEDED, &n, &e, OD_BINDS(OD_INT(rec))), OD_OK);
    assert_int_equal(n, step); /* the newest waiting step, then its approvers */
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_APR_STEP_GET, &r, &e, OD_BINDS(OD_INT(step))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "s1");
    assert_string_equal(od_rows_text(r, 2), "waiting");
    assert_int_equal(od_rows_int(r, 3), 1);
    assert_int_equal(od_rows_int(r, 4), u);
    assert_int_equal(od_rows_int(r, 5), rec);
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_APL_WAITING, &r, &e, OD_BINDS(OD_INT(rec))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 1), round);
    assert_string_equal(od_rows_text(r, 2), appr);
    od_rows_close(r);
    /* a link: found by its hash, used once */
    assert_int_equal(od_tx_exec(tx, OD_Q_APL_INSERT, &e,
                                OD_BINDS(OD_TEXT("hash-1"), OD_INT(rec), OD_INT(u), OD_NULL(),
                                         OD_INT((int64_t)100), OD_INT((int64_t)200), OD_INT(step))),
                     OD_OK);
    int64_t link = 0;
    assert_int_equal(od_tx_query(tx, OD_Q_APL_GET, &r, &e, OD_BINDS(OD_TEXT("hash-1"))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    link = od_rows_int(r, 0);
    assert_int_equal(od_rows_int(r, 1), rec);
    assert_int_equal(od_rows_int(r, 3), 200);
    assert_true(od_rows_null(r, 4));
    assert_string_equal(od_rows_text(r, 6), "PRB-X_1");
    assert_string_equal(od_rows_text(r, 8), "apl1");
    assert_int_equal(od_rows_int(r, 10), step);
    od_rows_close(r);
    /* the step a link names: waiting, its approvers, no later round of it (nor for another record) */
    assert_int_equal(od_tx_query(tx, OD_Q_APL_STEP, &r, &e, OD_BINDS(OD_INT(step), OD_INT(rec))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 0), "s1");
    assert_int_equal(od_rows_int(r, 1), round);
    assert_string_equal(od_rows_text(r, 2), "waiting");
    assert_string_equal(od_rows_text(r, 3), appr);
    assert_int_equal(od_rows_int(r, 4), 0);
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_APL_STEP, &r, &e, OD_BINDS(OD_INT(step), OD_INT(other))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* escalate_to superior: the others of the approver's department */
    assert_int_equal(od_tx_query(tx, OD_Q_APR_SUPERIORS, &r, &e, OD_BINDS(OD_INT(u))), OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row)
        assert_true(od_rows_int(r, 0) != u);
    od_rows_close(r);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_tx_exec(tx, OD_Q_APL_USE, &e,
                                    OD_BINDS(OD_INT((int64_t)150), OD_TEXT("127.0.0.1"), OD_TEXT("approve"),
                                             OD_INT(link))),
                         OD_OK);
        assert_int_equal(od_tx_changes(tx), i == 0 ? 1 : 0);
    }
    /* deadlines of the step, cancelled once it is decided */
    assert_int_equal(od_tx_insert(tx, OD_Q_KDL_INSERT, &dl, &e,
                                  OD_BINDS(OD_INT(rec), OD_NULL(), OD_TEXT("approval:1:remind"),
                                           OD_INT((int64_t)300), OD_INT((int64_t)300))),
                     OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_APR_DL_CANCEL, &e,
                   OD_BINDS(OD_INT(rec), OD_TEXT("approval:1:remind"), OD_TEXT("approval:1:escalate"))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    /* approvers rewritten only while the step waits */
    assert_int_equal(od_tx_exec(tx, OD_Q_APR_STEP_APPROVERS, &e, OD_BINDS(OD_TEXT("[1,2]"), OD_INT(step))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_exec(tx, OD_Q_KAPR_STEP_DECIDE, &e,
                                OD_BINDS(OD_TEXT("accepted"), OD_INT((int64_t)160), OD_INT(step))),
                     OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_APR_STEP_APPROVERS, &e, OD_BINDS(OD_TEXT("[3]"), OD_INT(step))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    /* the records' text filter (migration 0036): "_" is a character, not a wildcard, by the LIKE of
     * 1-2 characters (here a 3-character pattern, as the app never sends) and by the full-text index */
    char *like = od_store_like_pattern("X_1");
    assert_non_null(like);
    int64_t found[4];
    size_t nf = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0)
            assert_int_equal(
                od_tx_query(tx, OD_Q_REC_LIST_LIKE, &r, &e,
                            OD_BINDS(OD_TEXT(like), OD_TEXT(like), OD_INT(INT64_MAX), OD_TEXT("problem"),
                                     OD_TEXT("problem"), OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0),
                                     OD_INT((int64_t)0), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                     OD_INT((int64_t)10), OD_INT((int64_t)0))),
                OD_OK);
        else
            assert_int_equal(
                od_tx_query(tx, OD_Q_REC_LIST_TEXT, &r, &e,
                            OD_BINDS(OD_TEXT("x_1"), OD_INT(INT64_MAX), OD_TEXT("problem"),
                                     OD_TEXT("problem"), OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0),
                                     OD_INT((int64_t)0), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                     OD_INT((int64_t)10), OD_INT((int64_t)0))),
                OD_OK);
        nf = 0;
        while (od_rows_step(r, &row) == OD_OK && row && nf < 4)
            found[nf++] = od_rows_int(r, 0);
        od_rows_close(r);
        assert_int_equal(nf, 1);
        assert_int_equal(found[0], rec);
    }
    int64_t cnt = 0;
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_REC_COUNT_TEXT, &cnt, &e,
                     OD_BINDS(OD_TEXT("PRB-X"), OD_INT(INT64_MAX), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                              OD_TEXT(""), OD_INT((int64_t)0), OD_INT((int64_t)0), OD_TEXT(""), OD_TEXT(""),
                              OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)100))),
        OD_OK);
    assert_int_equal(cnt, 2);
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_REC_COUNT_LIKE, &cnt, &e,
                     OD_BINDS(OD_TEXT(like), OD_TEXT(like), OD_INT(INT64_MAX), OD_TEXT(""), OD_TEXT(""),
                              OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0), OD_INT((int64_t)0), OD_TEXT(""),
                              OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)100))),
        OD_OK);
    assert_int_equal(cnt, 1);
    free(like);
    /* the record's text (migration 0045): a known error's symptoms, root cause and workaround are
     * found by q, and follow an update */
    assert_int_equal(od_tx_exec(tx, OD_Q_KE_INSERT, &e,
                                OD_BINDS(OD_INT(rec), OD_TEXT("阵列缓存电池失效"), OD_TEXT("cause QZ"),
                                         OD_TEXT("workaround QW"), OD_TEXT(""), OD_NULL(), OD_TEXT("[]"),
                                         OD_INT((int64_t)0), OD_NULL())),
                     OD_OK);
    static const struct {
        const char *q;
        int64_t before, after;
    } texts[] = {{"缓存电池", 1, 0},
                 {"CAUSE QZ", 1, 1},
                 {"workaround qw", 1, 0},
                 {"控制器固件", 0, 1},
                 {"失效cause", 0, 0}};
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            assert_int_equal(od_tx_exec(tx, OD_Q_KE_UPDATE, &e,
                                        OD_BINDS(OD_TEXT("控制器固件缺陷"), OD_TEXT("cause QZ"),
                                                 OD_TEXT("none"), OD_TEXT(""), OD_NULL(), OD_TEXT("[]"),
                                                 OD_INT((int64_t)0), OD_NULL(), OD_INT(rec))),
                             OD_OK);
        for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
            assert_int_equal(od_tx_scalar(tx, OD_Q_REC_COUNT_TEXT, &cnt, &e,
                                          OD_BINDS(OD_TEXT(texts[i].q), OD_INT(INT64_MAX), OD_TEXT(""),
                                                   OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0),
                                                   OD_INT((int64_t)0), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                                   OD_TEXT(""), OD_INT((int64_t)100))),
                             OD_OK);
            assert_int_equal(cnt, pass ? texts[i].after : texts[i].before);
        }
    }
    /* the assignee picker reads the scopes */
    assert_int_equal(od_tx_query(tx, OD_Q_PRB_ASSIGNABLE, &r, &e, OD_BINDS(OD_INT((int64_t)-1))), OD_OK);
    nf = 0;
    while (od_rows_step(r, &row) == OD_OK && row)
        nf++;
    od_rows_close(r);
    assert_int_equal(nf, 0); /* the contract users hold no role */
    od_tx_rollback(tx);
}

/* Housekeeping leases (app/leases.h, queries_lease.h; docs/deploy/cluster.md):
 * one holder until its expiry, renewed by the holder, taken over by another
 * only at or after the expiry with the term + 1 (1 ms before: refused), the
 * fencing check exact at the boundary, a release frees at once; the shared
 * test clock's first value wins. */
static void leases(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    od_lease l;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_lease_take(tx, "job", "a", 1000, 500, &l, &e), OD_OK);
    assert_true(l.held);
    assert_int_equal(l.term, 1);
    assert_int_equal(l.expires_at, 1500);
    assert_string_equal(l.holder, "a");
    assert_int_equal(od_lease_take(tx, "job", "b", 1499, 500, &l, &e), OD_OK); /* 1 ms before expiry */
    assert_false(l.held);
    assert_string_equal(l.holder, "a");
    assert_int_equal(l.term, 1);
    assert_int_equal(od_lease_take(tx, "job", "a", 1400, 500, &l, &e), OD_OK); /* renewed */
    assert_true(l.held);
    assert_int_equal(l.term, 1);
    assert_int_equal(l.expires_at, 1900);
    assert_int_equal(od_lease_take(tx, "other", "b", 1400, 100, &l, &e), OD_OK); /* another name */
    assert_true(l.held);
    assert_int_equal(l.term, 1);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_lease_take(tx, "job", "b", 1899, 500, &l, &e), OD_OK);
    assert_false(l.held);
    assert_int_equal(od_lease_take(tx, "job", "b", 1900, 500, &l, &e), OD_OK); /* at expiry: taken over */
    assert_true(l.held);
    assert_int_equal(l.term, 2);
    assert_int_equal(l.expires_at, 2400);
    assert_string_equal(l.holder, "b");
    assert_int_equal(od_lease_take(tx, "job", "a", 1950, 500, &l, &e), OD_OK);
    assert_false(l.held);
    assert_string_equal(l.holder, "b");
    bool held = true;
    assert_int_equal(od_lease_still_held(tx, "job", "a", 1, 1950, &held, &e), OD_OK);
    assert_false(held); /* fenced: the old holder's term is over */
    assert_int_equal(od_lease_still_held(tx, "job", "b", 2, 2399, &held, &e), OD_OK);
    assert_true(held);
    assert_int_equal(od_lease_still_held(tx, "job", "b", 2, 2400, &held, &e), OD_OK);
    assert_false(held);
    assert_int_equal(od_lease_still_held(tx, "job", "b", 1, 2000, &held, &e), OD_OK);
    assert_false(held);
    assert_int_equal(od_tx_exec(tx, OD_Q_LEASE_RELEASE_ALL, &e, OD_BINDS(OD_TEXT("b"))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 2);
    assert_int_equal(od_lease_take(tx, "job", "a", 2000, 500, &l, &e), OD_OK); /* released: at once */
    assert_true(l.held);
    assert_int_equal(l.term, 3);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT_ABSENT, &e, OD_BINDS(OD_TEXT("tc"), OD_TEXT("5"))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT_ABSENT, &e, OD_BINDS(OD_TEXT("tc"), OD_TEXT("7"))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    int64_t v = 0;
    assert_int_equal(od_tx_scalar(tx, OD_Q_META_GET_INT, &v, &e, OD_BINDS(OD_TEXT("tc"))), OD_OK);
    assert_int_equal(v, 5);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* The incident list sorted by a column (queries_inc_sort.h, migration 0034;
 * docs/internals/lists.md "Sorting by a column"): each statement gives the
 * rows in its order — ties broken by the id the same way — from a keyset
 * cursor (key, id), and a walk page by page from the last row's (key, id)
 * sees every row once; a residual filter applies.  The detection times tie
 * on purpose; the levels sort L1 < L2 < L3 < NG on both backends. */
static int sorted_page(od_tx *tx, od_query q, bool text_key, int64_t key, const char *lv, int64_t id,
                       const char *st, int64_t limit, int64_t *ids, char (*lvs)[8], int64_t *keys)
{
    od_error e = {0};
    od_rows *r = NULL;
    bool row = false;
    int n = 0;
    assert_int_equal(
        od_tx_query(tx, q, &r, &e,
                    OD_BINDS(text_key ? OD_TEXT(lv) : OD_INT(key), OD_INT(id), OD_TEXT(st), OD_TEXT(st),
                             OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_INT(-1), OD_INT(-1),
                             OD_TEXT(""), OD_TEXT("%"), OD_TEXT("%"), OD_TEXT("%"), OD_TEXT("%"), OD_INT(0),
                             OD_INT(0), OD_INT(0), OD_INT(0), OD_INT(limit), OD_INT(0))),
        OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row) {
        ids[n] = od_rows_int(r, 0);
        if (text_key)
            snprintf(lvs[n], sizeof lvs[n], "%s", od_rows_text(r, 2));
        else
            keys[n] = od_rows_int(r, 2);
        n++;
    }
    od_rows_close(r);
    return n;
}

static void incident_sorted_lists(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    /* level, detected_at, state of incidents 1..8 (ids in insertion order) */
    static const struct {
        const char *level, *state;
        int64_t detected;
    } incs[] = {
        {"L3", "detected", 500}, {"NG", "closed", 100},   {"L1", "detected", 300}, {"L2", "detected", 300},
        {"L1", "closed", 700},   {"NG", "detected", 300}, {"L2", "detected", 100}, {"L3", "detected", 900},
    };
    int64_t id[8] = {0};
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    for (int i = 0; i < 8; i++) {
        char number[32];
        snprintf(number, sizeof number, "INC-2026-10000%d", i + 1);
        assert_int_equal(
            od_tx_insert(tx, OD_Q_INC_INSERT, &id[i], &e,
                         OD_BINDS(OD_TEXT(number), OD_TEXT("排序"), OD_TEXT(incs[i].state),
                                  OD_TEXT(incs[i].level), OD_TEXT("moderate"), OD_INT(0), OD_TEXT("R3"),
                                  OD_TEXT("R3"), OD_TEXT("R3"), OD_INT(incs[i].detected), OD_INT(1000),
                                  OD_INT(2000), OD_INT(2000), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                  OD_TEXT("[]"), OD_INT(0), OD_INT(0), OD_INT(1000))),
            OD_OK);
    }
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    /* the expected orders, as indexes into id[] */
    static const struct {
        od_query q;
        bool text_key;
        int64_t key0, id0; /* the start cursor */
        const char *lv0, *st;
        int n;
        int want[8];
    } rows[] = {
        {OD_Q_INC_SORT_ID_ASC, false, 0, 0, "", "", 8, {0, 1, 2, 3, 4, 5, 6, 7}},
        {OD_Q_INC_SORT_DETECTED_ASC, false, INT64_MIN, INT64_MIN, "", "", 8, {1, 6, 2, 3, 5, 0, 4, 7}},
        {OD_Q_INC_SORT_DETECTED_DESC, false, INT64_MAX, INT64_MAX, "", "", 8, {7, 4, 0, 5, 3, 2, 6, 1}},
        {OD_Q_INC_SORT_LEVEL_ASC, true, 0, 0, "", "", 8, {2, 4, 3, 6, 0, 7, 1, 5}},
        {OD_Q_INC_SORT_LEVEL_DESC, true, 0, INT64_MAX, "ZZZZ", "", 8, {5, 1, 7, 0, 6, 3, 4, 2}},
        {OD_Q_INC_SORT_LEVEL_ASC, true, 0, 0, "", "closed", 2, {4, 1}}, /* a residual filter */
        {OD_Q_INC_SORT_DETECTED_DESC, false, INT64_MAX, INT64_MAX, "", "detected", 6, {7, 0, 5, 3, 2, 6}},
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        int64_t ids[8], keys[8];
        char lvs[8][8];
        /* the whole list */
        int n = sorted_page(tx, rows[k].q, rows[k].text_key, rows[k].key0, rows[k].lv0, rows[k].id0,
                            rows[k].st, 50, ids, lvs, keys);
        assert_int_equal(n, rows[k].n);
        for (int i = 0; i < n; i++)
            assert_int_equal(ids[i], id[rows[k].want[i]]);
        /* pages of 3 from the last row's (key, id): every row once, in order */
        int64_t key = rows[k].key0, cid = rows[k].id0, got[8];
        char lv[8];
        snprintf(lv, sizeof lv, "%s", rows[k].lv0);
        int total = 0;
        for (int page = 0; page < 5; page++) {
            int m = sorted_page(tx, rows[k].q, rows[k].text_key, key, lv, cid, rows[k].st, 3, ids, lvs, keys);
            for (int i = 0; i < m; i++)
                got[total++] = ids[i];
            if (m < 3)
                break;
            cid = ids[m - 1];
            key = keys[m - 1];
            if (rows[k].text_key)
                snprintf(lv, sizeof lv, "%s", lvs[m - 1]);
        }
        assert_int_equal(total, rows[k].n);
        for (int i = 0; i < total; i++)
            assert_int_equal(got[i], id[rows[k].want[i]]);
    }
    od_tx_rollback(tx);
}

/* A CI's retire / unretire history read from the audit trail
 * (CI_RETIRE_HISTORY, migration 0034): only that CI's ci.retire and
 * ci.unretire entries, newest first, with the person's display name (none
 * for an actor without a user row), at most the limit. */
static void ci_retire_history(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t uid = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "张伟", &uid, &e), OD_OK);
    static const struct {
        const char *action, *entity;
        int64_t entity_id;
        bool person;
    } a[] = {
        {"ci.retire", "ci", 987654, true},       {"ci.verify", "ci", 987654, true},
        {"ci.retire", "ci", 987655, true},       {"ci.unretire", "ci", 987654, false},
        {"ci.retire", "incident", 987654, true}, {"ci.retire", "ci", 987654, true},
    };
    for (int i = 0; i < 6; i++)
        assert_int_equal(
            od_tx_exec(tx, OD_Q_AUDIT_INSERT, &e,
                       OD_BINDS(OD_INT(900100 + i), OD_INT(1000 + i), a[i].person ? OD_INT(uid) : OD_NULL(),
                                OD_TEXT(a[i].person ? "张伟" : "system"), OD_TEXT(a[i].action),
                                OD_TEXT(a[i].entity), OD_INT(a[i].entity_id), OD_TEXT("{}"),
                                OD_TEXT("{\"retired_reason\":\"r\"}"), OD_TEXT("p"), OD_TEXT("h"))),
            OD_OK);
    od_rows *r = NULL;
    bool row = false;
    int64_t want[] = {900105, 900103, 900100};
    int n = 0;
    assert_int_equal(od_tx_query(tx, OD_Q_CI_RETIRE_HISTORY, &r, &e, OD_BINDS(OD_INT(987654), OD_INT(10))),
                     OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row) {
        assert_true(n < 3);
        assert_int_equal(od_rows_int(r, 0), want[n]);
        if (want[n] == 900103) {
            assert_true(od_rows_null(r, 2));
            assert_true(od_rows_null(r, 6));
            assert_string_equal(od_rows_text(r, 4), "ci.unretire");
        } else {
            assert_int_equal(od_rows_int(r, 2), uid);
            assert_string_equal(od_rows_text(r, 6), "张伟");
            assert_string_equal(od_rows_text(r, 4), "ci.retire");
        }
        n++;
    }
    od_rows_close(r);
    assert_int_equal(n, 3);
    assert_int_equal(od_tx_query(tx, OD_Q_CI_RETIRE_HISTORY, &r, &e, OD_BINDS(OD_INT(987654), OD_INT(1))),
                     OD_OK);
    n = 0;
    while (od_rows_step(r, &row) == OD_OK && row)
        n++;
    od_rows_close(r);
    assert_int_equal(n, 1);
    od_tx_rollback(tx);
}

/* The fencing check of a housekeeping job's commit (od_lease_fence,
 * LEASE_FENCE) and the thread fence of the store (od_tx_thread_fence):
 * held at the term 1 ms before the expiry, not at it, not at another term
 * nor by another holder; a fenced write transaction whose check fails
 * writes nothing; read-only transactions and other threads' are not
 * fenced; cleared, nothing is fenced (docs/deploy/cluster.md "Housekeeping
 * leases"). */
typedef struct fence_probe {
    int before, in_tx; /* calls before a begin and as a before-commit step */
    bool held;         /* what the step answers */
} fence_probe;

static od_err probe_fence(void *arg, od_tx *tx, od_error *e)
{
    fence_probe *p = arg;
    if (!tx) {
        p->before++;
        return OD_OK;
    }
    p->in_tx++;
    bool held = false;
    od_err rc = od_lease_fence(tx, "fjob", "a", 1, 1499, &held, e);
    if (!rc && (!held || !p->held))
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "lease lost");
    return rc;
}

static void *other_thread_write(void *arg)
{
    fx *f = arg;
    od_error e = {0};
    od_tx *tx = NULL;
    bool ok = od_tx_begin(f->s, true, &tx, &e) == OD_OK &&
              od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("fence-other"), OD_TEXT("1"))) == OD_OK &&
              od_tx_commit(tx, &e) == OD_OK;
    return ok ? f : NULL;
}

static void lease_fence(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    od_lease l;
    bool held = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_lease_take(tx, "fjob", "a", 1000, 500, &l, &e), OD_OK);
    assert_true(l.held);
    assert_int_equal(od_lease_fence(tx, "fjob", "a", 1, 1499, &held, &e), OD_OK);
    assert_true(held); /* 1 ms before the expiry */
    assert_int_equal(od_lease_fence(tx, "fjob", "a", 1, 1500, &held, &e), OD_OK);
    assert_false(held); /* at the expiry */
    assert_int_equal(od_lease_fence(tx, "fjob", "a", 2, 1000, &held, &e), OD_OK);
    assert_false(held); /* another term */
    assert_int_equal(od_lease_fence(tx, "fjob", "b", 1, 1000, &held, &e), OD_OK);
    assert_false(held); /* another holder */
    assert_int_equal(od_lease_fence(tx, "nojob", "a", 1, 1000, &held, &e), OD_OK);
    assert_false(held); /* no lease */
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);

    fence_probe p = {.held = true};
    int64_t v = 0;
    od_tx_thread_fence(probe_fence, &p);
    /* held: the fenced write commits; the step ran once, before the begin once */
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("fenced"), OD_TEXT("1"))), OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(p.before, 1);
    assert_int_equal(p.in_tx, 1);
    /* lost: the commit fails with the step's error and writes nothing */
    p.held = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("fenced"), OD_TEXT("2"))), OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_E_CONFLICT);
    assert_int_equal(p.in_tx, 2);
    /* a read-only transaction is not fenced */
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_META_GET_INT, &v, &e, OD_BINDS(OD_TEXT("fenced"))), OD_OK);
    assert_int_equal(v, 1);
    od_tx_rollback(tx);
    assert_int_equal(p.before, 2);
    assert_int_equal(p.in_tx, 2);
    /* another thread's transactions are not fenced */
    pthread_t t;
    void *res = NULL;
    assert_int_equal(pthread_create(&t, NULL, other_thread_write, f), 0);
    assert_int_equal(pthread_join(t, &res), 0);
    assert_ptr_equal(res, f);
    assert_int_equal(p.before, 2);
    /* cleared: nothing is fenced */
    od_tx_thread_fence(NULL, NULL);
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("fenced"), OD_TEXT("3"))), OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(p.before, 2);
    assert_int_equal(p.in_tx, 2);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_META_GET_INT, &v, &e, OD_BINDS(OD_TEXT("fenced"))), OD_OK);
    assert_int_equal(v, 3);
    assert_int_equal(od_tx_scalar(tx, OD_Q_META_GET_INT, &v, &e, OD_BINDS(OD_TEXT("fence-other"))), OD_OK);
    assert_int_equal(v, 1);
    od_tx_rollback(tx);
}

/* The first occurrences of a group commit written set-based
 * (queries_ev_insert.h, app/events_pending.c): the keys of a JSON array no
 * event has, each once (a key twice in the array, a stored key, another
 * source of a stored key), each with its own new id; the rows inserted by
 * one statement with those ids, NULLs and texts as given; an event
 * inserted after them by the ordinary statement gets the next id. */
static void event_insert_set(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t a = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(event_row(tx, "api", "k1", &a, &e), OD_OK);
    assert_int_equal(a, 1);
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(
        od_tx_query(tx, OD_Q_EV_ABSENT_IDS, &r, &e,
                    OD_BINDS(OD_TEXT("[{\"s\":\"api\",\"d\":\"k1\",\"h\":42},{\"s\":\"api\","
                                     "\"d\":\"k2\",\"h\":7},{\"s\":\"api\",\"d\":\"k2\",\"h\":7},"
                                     "{\"s\":\"zab\",\"d\":\"k1\",\"h\":-8}]"))),
        OD_OK);
    int64_t ids[2] = {0, 0};
    static const char *const keys[][2] = {{"api", "k2"}, {"zab", "k1"}};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_string_equal(od_rows_text(r, 0), keys[i][0]);
        assert_string_equal(od_rows_text(r, 1), keys[i][1]);
        ids[i] = od_rows_int(r, 2);
    }
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(ids[0] + ids[1], 5); /* 2 and 3, in either order */
    assert_true(ids[0] == 2 || ids[0] == 3);
    char rows[2048];
    snprintf(
        rows, sizeof rows,
        "[{\"id\":%lld,\"source\":\"api\",\"dedup_key\":\"k2\",\"status\":\"firing\",\"state\":"
        "\"open\",\"class\":null,\"severity\":\"warning\",\"summary\":\"\u544a\u8b66 \\\"q\\\"\","
        "\"ci_id\":null,\"labels\":\"{}\",\"annotations\":\"{}\",\"raw\":\"{\\\"v\\\":1}\","
        "\"flapping\":1,\"changes\":\"[5]\",\"group_key\":\"\",\"incident_id\":null,\"incident_rule\":null,"
        "\"window_id\":null,\"api_key_id\":null,\"first_seen\":900,\"last_seen\":1000,\"received_at\":1000,"
        "\"updated_at\":1000,\"closed_at\":null,\"decisions\":\"[]\",\"key_hash\":7},"
        "{\"id\":%lld,\"source\":\"zab\",\"dedup_key\":\"k1\",\"status\":\"resolved\",\"state\":"
        "\"closed\",\"class\":\"info\",\"severity\":\"info\",\"summary\":\"\",\"ci_id\":null,"
        "\"labels\":\"{}\",\"annotations\":\"{}\",\"raw\":\"{}\",\"flapping\":0,\"changes\":\"[]\","
        "\"group_key\":\"g\",\"incident_id\":null,\"incident_rule\":\"r\",\"window_id\":null,"
        "\"api_key_id\":null,\"first_seen\":1000,\"last_seen\":1000,\"received_at\":1000,\"updated_at\":"
        "1000,\"closed_at\":1000,\"decisions\":\"[1]\",\"key_hash\":-8}]",
        (long long)ids[0], (long long)ids[1]);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_INSERT_SET, &e, OD_BINDS(OD_TEXT(rows))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 2);
    int64_t d = 0;
    assert_int_equal(event_row(tx, "api", "k3", &d, &e), OD_OK);
    assert_int_equal(d, 4); /* after the reserved ids */
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            od_tx_query(tx, OD_Q_EV_BY_KEY, &r, &e, OD_BINDS(OD_TEXT(keys[i][0]), OD_TEXT(keys[i][1]))),
            OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 0), ids[i]);
        assert_string_equal(od_rows_text(r, 1), i ? "resolved" : "firing");
        assert_string_equal(od_rows_text(r, 2), i ? "closed" : "open");
        assert_int_equal(od_rows_null(r, 3), i == 0); /* class */
        assert_true(od_rows_null(r, 4));              /* ci_id */
        assert_string_equal(od_rows_text(r, 5), i ? "[]" : "[5]");
        assert_int_equal(od_rows_int(r, 8), i ? 0 : 1); /* flapping */
        assert_int_equal(od_rows_int(r, 9), 1);         /* count */
        od_rows_close(r);
    }
    int64_t v = 0;
    assert_int_equal(od_tx_scalar(tx, OD_Q_EV_COUNT_ALL, &v, &e,
                                  OD_BINDS(OD_INT(INT64_MAX), OD_INT(INT64_MAX), OD_INT(100))),
                     OD_OK);
    assert_int_equal(v, 4);
    od_tx_rollback(tx);
}

/* Shared login lockouts (migration 0039, queries_lockouts.h,
 * app/login_limits.c): a row made to exist once (ENSURE twice: 1 then 0
 * changed rows), read under its lock, written back, deleted; idle rows
 * pruned at their idle_at (1 ms before: kept). */
static void login_lockouts(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_LOCKOUT_ENSURE, &e, OD_BINDS(OD_INT(0), OD_TEXT("4:10.0.0.0/24 u"))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_exec(tx, OD_Q_LOCKOUT_ENSURE, &e, OD_BINDS(OD_INT(0), OD_TEXT("4:10.0.0.0/24 u"))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(od_tx_exec(tx, OD_Q_LOCKOUT_ENSURE, &e, OD_BINDS(OD_INT(1), OD_TEXT("4:10.0.0.0/24 u"))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1); /* another kind, another row */
    assert_int_equal(
        od_tx_query(tx, OD_Q_LOCKOUT_GET_LOCKED, &r, &e, OD_BINDS(OD_INT(0), OD_TEXT("4:10.0.0.0/24 u"))),
        OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), 0);
    assert_int_equal(od_rows_int(r, 3), 0);
    od_rows_close(r);
    assert_int_equal(od_tx_exec(tx, OD_Q_LOCKOUT_PUT, &e,
                                OD_BINDS(OD_INT(5), OD_INT(1000), OD_INT(2000), OD_INT(902000),
                                         OD_INT(902000), OD_INT(0), OD_TEXT("4:10.0.0.0/24 u"))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_query(tx, OD_Q_LOCKOUT_GET, &r, &e, OD_BINDS(OD_INT(0), OD_TEXT("4:10.0.0.0/24 u"))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), 5);
    assert_int_equal(od_rows_int(r, 1), 1000);
    assert_int_equal(od_rows_int(r, 2), 2000);
    assert_int_equal(od_rows_int(r, 3), 902000);
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_LOCKOUT_GET, &r, &e, OD_BINDS(OD_INT(2), OD_TEXT("absent"))),
                     OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    od_tx_rollback(tx);
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_LOCKOUT_PRUNE, &e, OD_BINDS(OD_INT(901999))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 1); /* the kind-1 row (idle_at 0) only */
    assert_int_equal(od_tx_exec(tx, OD_Q_LOCKOUT_PRUNE, &e, OD_BINDS(OD_INT(902000))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 1); /* at its idle_at */
    assert_int_equal(od_tx_exec(tx, OD_Q_LOCKOUT_ENSURE, &e, OD_BINDS(OD_INT(2), OD_TEXT("k"))), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_LOCKOUT_DEL, &e, OD_BINDS(OD_INT(2), OD_TEXT("k"))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* The incident list's text filter by the full-text index (migration 0030,
 * INC_LIST_TEXT / INC_COUNT_TEXT; R-PERF, docs/internals/lists.md "Text
 * search"): q of 3 characters or more is a substring of the number, title,
 * symptoms or a CI's name, Chinese without spaces found from any position,
 * ASCII case ignored, %, _ and " taken literally; the other filters, the
 * cursor and the cap apply; an edit of the text is found by its new text
 * only.  A q of 1-2 characters goes to INC_LIST's LIKE (the app's fallback). */
static int64_t text_hits(od_tx *tx, const char *q, const char *st, int64_t before, int64_t *first)
{
    od_error e = {0};
    od_rows *r = NULL;
    bool row = false;
    int64_t n = 0;
    assert_int_equal(
        od_tx_query(tx, OD_Q_INC_LIST_TEXT, &r, &e,
                    OD_BINDS(OD_TEXT(q), OD_TEXT(q), OD_INT(before), OD_TEXT(st), OD_TEXT(st), OD_TEXT(""),
                             OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_INT(-1), OD_INT(-1), OD_INT(0),
                             OD_INT(0), OD_INT(0), OD_INT(0), OD_INT(50), OD_INT(0))),
        OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row)
        if (n++ == 0 && first)
            *first = od_rows_int(r, 0);
    od_rows_close(r);
    return n;
}

static int64_t text_count(od_tx *tx, const char *q, int64_t cap)
{
    od_error e = {0};
    int64_t total = -1;
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_INC_COUNT_TEXT, &total, &e,
                     OD_BINDS(OD_TEXT(q), OD_TEXT(q), OD_INT(INT64_MAX), OD_TEXT(""), OD_TEXT(""),
                              OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_INT(-1), OD_INT(-1),
                              OD_INT(0), OD_INT(0), OD_INT(0), OD_INT(0), OD_INT(cap))),
        OD_OK);
    return total;
}

static void incident_text_search(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    static const struct {
        const char *title, *symptoms, *state;
    } incs[] = {
        {"核心交易系统数据库连接超时", "", "detected"},
        {"Payment GATEWAY timeout", "影响网银登录", "detected"},
        {"机房温度告警", "100%_done \"quoted\" text", "detected"},
        {"普通事件", "", "closed"},
    };
    int64_t ids[4] = {0}, ci = 0;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_insert(tx, OD_Q_CI_INSERT, &ci, &e,
                     OD_BINDS(OD_TEXT("存储阵列-A01"), OD_TEXT("storage"), OD_TEXT("L2"), OD_TEXT("Ops"),
                              OD_TEXT("prod"), OD_TEXT(""), OD_TEXT("{}"), OD_INT(1), OD_INT(1))),
        OD_OK);
    for (int i = 0; i < 4; i++) {
        char number[32];
        snprintf(number, sizeof number, "INC-2026-00000%d", i + 1);
        assert_int_equal(
            od_tx_insert(tx, OD_Q_INC_INSERT, &ids[i], &e,
                         OD_BINDS(OD_TEXT(number), OD_TEXT(incs[i].title), OD_TEXT(incs[i].state),
                                  OD_TEXT("L3"), OD_TEXT("moderate"), OD_INT(0), OD_TEXT("R3"), OD_TEXT("R3"),
                                  OD_TEXT("R3"), OD_INT(1), OD_INT(1), OD_INT(2), OD_INT(2), OD_TEXT(""),
                                  OD_TEXT(incs[i].symptoms), OD_TEXT(""), OD_TEXT("[]"), OD_INT(0), OD_INT(0),
                                  OD_INT(1))),
            OD_OK);
    }
    assert_int_equal(od_tx_exec(tx, OD_Q_INC_CI_INSERT, &e, OD_BINDS(OD_INT(ids[3]), OD_INT(ci))), OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);

    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    static const struct {
        const char *q, *st;
        int64_t n;
        int first; /* index into ids of the newest hit, -1 = none */
    } rows[] = {
        {"数据库连接", "", 1, 0},     /* Chinese, 5 characters */
        {"据库连", "", 1, 0},         /* 3 from the middle */
        {"gateway", "", 1, 1},        /* ASCII case ignored */
        {"TIMEOUT", "", 1, 1},        /* ... both ways */
        {"网银登录", "", 1, 1},       /* in the symptoms */
        {"INC-2026-00000", "", 4, 3}, /* in the number */
        {"INC-2026-000003", "", 1, 2},
        {"存储阵列", "", 1, 3},      /* by the name of its CI */
        {"阵列-A0", "closed", 1, 3}, /* ... with a residual filter */
        {"阵列-A0", "detected", 0, -1},
        {"%_d", "", 1, 2}, /* % and _ are text, not wildcards */
        {"0%_", "", 1, 2},
        {"_do", "", 1, 2},
        {"\"quoted\"", "", 1, 2}, /* quotes are text */
        {"d\" t", "", 1, 2},
        {"无此内容", "", 0, -1},
        {"%%%", "", 0, -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int64_t first = 0;
        assert_int_equal(text_hits(tx, rows[i].q, rows[i].st, INT64_MAX, &first), rows[i].n);
        if (rows[i].first >= 0)
            assert_int_equal(first, ids[rows[i].first]);
    }
    /* the keyset cursor: below the third, newest first */
    int64_t first = 0;
    assert_int_equal(text_hits(tx, "INC-2026", "", ids[2], &first), 2);
    assert_int_equal(first, ids[1]);
    /* the capped total */
    assert_int_equal(text_count(tx, "INC-2026", 100), 4);
    assert_int_equal(text_count(tx, "INC-2026", 2), 2);
    assert_int_equal(text_count(tx, "存储阵列", 100), 1);
    /* ... and by the index alone when q is the only filter */
    static const struct {
        const char *q;
        int64_t cap, n;
    } only[] = {{"INC-2026", 100, 4}, {"INC-2026", 2, 2},  {"INC-2026", 4, 4},
                {"存储阵列", 100, 1}, {"gateway", 100, 1}, {"无此内容", 100, 0}};
    for (size_t i = 0; i < sizeof only / sizeof *only; i++) {
        int64_t total = -1;
        assert_int_equal(od_tx_scalar(tx, OD_Q_INC_COUNT_TEXT_ONLY, &total, &e,
                                      OD_BINDS(OD_TEXT(only[i].q), OD_TEXT(only[i].q), OD_INT(only[i].cap))),
                         OD_OK);
        assert_int_equal(total, only[i].n);
    }
    /* 1-2 characters: the LIKE of INC_LIST finds them (the app's fallback) */
    od_rows *r = NULL;
    bool row = false;
    int64_t n = 0;
    assert_int_equal(
        od_tx_query(tx, OD_Q_INC_LIST, &r, &e,
                    OD_BINDS(OD_INT(INT64_MAX), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                             OD_TEXT(""), OD_TEXT(""), OD_INT(-1), OD_INT(-1), OD_TEXT("网银"),
                             OD_TEXT("%网银%"), OD_TEXT("%网银%"), OD_TEXT("%网银%"), OD_TEXT("%网银%"),
                             OD_INT(0), OD_INT(0), OD_INT(0), OD_INT(0), OD_INT(50), OD_INT(0))),
        OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row) {
        assert_int_equal(od_rows_int(r, 0), ids[1]);
        n++;
    }
    od_rows_close(r);
    assert_int_equal(n, 1);
    od_tx_rollback(tx);

    /* an edit of the symptoms is found by its new text, not by its old */
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_INC_SET_DETAILS, &e,
                   OD_BINDS(OD_TEXT(""), OD_TEXT("磁带库故障"), OD_TEXT(""), OD_INT(3), OD_INT(ids[1]))),
        OD_OK);
    assert_int_equal(text_hits(tx, "磁带库", "", INT64_MAX, &first), 1);
    assert_int_equal(first, ids[1]);
    assert_int_equal(text_hits(tx, "网银登录", "", INT64_MAX, NULL), 0);
    assert_int_equal(text_hits(tx, "gateway", "", INT64_MAX, NULL), 1); /* the title stays */
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* A bulk write transaction (od_tx_begin_bulk, the ingestion writer's) is a
 * write transaction like any other: it commits and rolls back.  On SQLite
 * the other writers are counted while they write or wait (the bulk writer
 * yields to them; issue 20, bench/storm.py) and a bulk one is not; where
 * writers do not take turns nothing is counted. */
static void bulk_writer_takes_turns(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    bool turns = !is_pg();
    assert_int_equal(od_store_writers_waiting(f->s), 0);
    assert_int_equal(od_tx_begin_bulk(f->s, &tx, &e), OD_OK);
    assert_int_equal(od_store_writers_waiting(f->s), 0); /* a bulk writer is not counted */
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("bulk"), OD_TEXT("1"))), OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_tx_begin_bulk(f->s, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_META_PUT, &e, OD_BINDS(OD_TEXT("bulk-undone"), OD_TEXT("1"))),
                     OD_OK);
    od_tx_rollback(tx);
    char *v = get(f->s, "bulk");
    assert_string_equal(v, "1");
    free(v);
    assert_null(get(f->s, "bulk-undone"));
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_store_writers_waiting(f->s), turns ? 1 : 0);
    assert_int_equal(od_store_write_contended(f->s), turns);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(od_store_writers_waiting(f->s), 0);
    od_tx *rd = NULL; /* readers are never counted */
    assert_int_equal(od_tx_begin(f->s, false, &rd, &e), OD_OK);
    assert_int_equal(od_store_writers_waiting(f->s), 0);
    od_tx_rollback(rd);
}

/* Training courses and sessions (migration 0042, queries_courses.h): a
 * course inserted, read, listed (active only or all) and updated; a session
 * with its attendees, its visible departments, its results; the training of
 * an attendee upserted once per session and person (recording again changes
 * it in place: no second row, R-PLAN-3 hours never doubled) and deleted; the
 * session's certificates inserted, counted and deleted. */
static void course_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t u1 = 0, u2 = 0, c1 = 0, c2 = 0, s1 = 0, n = -1;
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(user_row(tx, "crs1", &u1, &e), OD_OK);
    assert_int_equal(user_row(tx, "crs2", &u2, &e), OD_OK);
    static const char *const titles[2] = {"值班培训", "网络培训"};
    for (int i = 0; i < 2; i++)
        assert_int_equal(
            od_tx_insert(tx, OD_Q_CRS_INSERT, i ? &c2 : &c1, &e,
                         OD_BINDS(OD_TEXT(titles[i]), OD_INT((int64_t)480), OD_TEXT("[\"duty\"]"),
                                  OD_TEXT("d"), OD_INT((int64_t)12), OD_BOOL(i == 0), OD_TEXT("eng"),
                                  OD_INT((int64_t)100), OD_INT((int64_t)100))),
            OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_CRS_GET, &r, &e, OD_BINDS(OD_INT(c1))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_string_equal(od_rows_text(r, 1), "值班培训");
    assert_int_equal(od_rows_int(r, 2), 480);
    assert_string_equal(od_rows_text(r, 3), "[\"duty\"]");
    assert_int_equal(od_rows_int(r, 5), 12);
    assert_int_equal(od_rows_int(r, 6), 1);
    od_rows_close(r);
    /* active only: c1; all: both, by title */
    assert_int_equal(od_tx_scalar(tx, OD_Q_CRS_COUNT, &n, &e, OD_BINDS(OD_BOOL(true))), OD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_CRS_COUNT, &n, &e, OD_BINDS(OD_BOOL(false))), OD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(od_tx_query(tx, OD_Q_CRS_LIST, &r, &e,
                                 OD_BINDS(OD_BOOL(false), OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    int64_t second = od_rows_int(r, 0);
    od_rows_close(r);
    assert_int_equal(second, strcmp(titles[0], titles[1]) < 0 ? c2 : c1);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_CRS_UPDATE, &e,
                   OD_BINDS(OD_TEXT("网络培训二"), OD_INT((int64_t)90), OD_TEXT("[]"), OD_TEXT(""),
                            OD_INT((int64_t)6), OD_BOOL(true), OD_INT((int64_t)200), OD_INT(c2))),
        OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_CRS_COUNT, &n, &e, OD_BINDS(OD_BOOL(true))), OD_OK);
    assert_int_equal(n, 2);
    /* a session of c1 by u1 with u1 and u2 attending */
    assert_int_equal(
        od_tx_insert(tx, OD_Q_SES_INSERT, &s1, &e,
                     OD_BINDS(OD_INT(c1), OD_INT((int64_t)1000), OD_INT((int64_t)2000), OD_INT(u1),
                              OD_TEXT("三楼"), OD_TEXT("资料"), OD_TEXT("eng"), OD_INT((int64_t)300))),
        OD_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(od_tx_exec(tx, OD_Q_ATT_INSERT, &e, OD_BINDS(OD_INT(s1), OD_INT(i ? u2 : u1))),
                         OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_SES_GET, &r, &e, OD_BINDS(OD_INT(s1))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 1), c1);
    assert_string_equal(od_rows_text(r, 2), "值班培训");
    assert_int_equal(od_rows_int(r, 3), 480);
    assert_int_equal(od_rows_int(r, 4), 1000);
    assert_string_equal(od_rows_text(r, 7), "crs1");
    assert_true(od_rows_null(r, 11)); /* no results yet */
    assert_int_equal(od_rows_int(r, 15), 2);
    assert_string_equal(od_rows_text(r, 16), "d");
    od_rows_close(r);
    assert_int_equal(od_tx_scalar(tx, OD_Q_SES_COUNT, &n, &e, OD_BINDS(OD_INT(c1), OD_INT(c1))), OD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_SES_COUNT, &n, &e, OD_BINDS(OD_INT(c2), OD_INT(c2))), OD_OK);
    assert_int_equal(n, 0);
    static const od_query lists[2] = {OD_Q_SES_LIST, OD_Q_SES_ALL};
    for (int i = 0; i < 2; i++) {
        if (i == 0)
            assert_int_equal(
                od_tx_query(tx, lists[i], &r, &e,
                            OD_BINDS(OD_INT(c1), OD_INT(c1), OD_INT((int64_t)10), OD_INT((int64_t)0))),
                OD_OK);
        else
            assert_int_equal(od_tx_query(tx, lists[i], &r, &e, OD_BINDS(OD_INT(c1), OD_INT(c1))), OD_OK);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 0), s1);
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_false(row);
        od_rows_close(r);
    }
    int depts = 0;
    assert_int_equal(od_tx_query(tx, OD_Q_SES_ATT_DEPTS, &r, &e, OD_NOBINDS), OD_OK);
    while (!od_rows_step(r, &row) && row)
        depts += od_rows_int(r, 0) == s1 && strcmp(od_rows_text(r, 1), "d") == 0;
    od_rows_close(r);
    assert_int_equal(depts, 2);
    /* results: u1 passed with 90, u2 absent */
    assert_int_equal(
        od_tx_exec(tx, OD_Q_ATT_SET, &e,
                   OD_BINDS(OD_BOOL(true), OD_TEXT("pass"), OD_INT((int64_t)90), OD_INT(s1), OD_INT(u1))),
        OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_ATT_SET, &e,
                   OD_BINDS(OD_BOOL(false), OD_TEXT("absent"), OD_NULL(), OD_INT(s1), OD_INT(u2))),
        OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_ATT_LIST, &r, &e, OD_BINDS(OD_INT(s1))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), u1);
    assert_string_equal(od_rows_text(r, 1), "crs1");
    assert_int_equal(od_rows_int(r, 4), 1);
    assert_string_equal(od_rows_text(r, 5), "pass");
    assert_int_equal(od_rows_int(r, 6), 90);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), u2);
    assert_string_equal(od_rows_text(r, 5), "absent");
    assert_true(od_rows_null(r, 6));
    od_rows_close(r);
    /* the training of u1: twice upserted, one row with the second minutes */
    for (int64_t m = 480; m <= 490; m += 10)
        assert_int_equal(
            od_tx_exec(tx, OD_Q_TRN_SES_UPSERT, &e,
                       OD_BINDS(OD_INT(u1), OD_TEXT("值班培训"), OD_INT(m), OD_INT((int64_t)1000),
                                OD_TEXT("eng"), OD_INT((int64_t)400), OD_INT(s1))),
            OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_TRN_COUNT, &n, &e, OD_BINDS(OD_INT(u1), OD_INT(u1))), OD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(
        od_tx_query(tx, OD_Q_TRN_YEAR_MINUTES, &r, &e, OD_BINDS(OD_INT((int64_t)0), OD_INT((int64_t)5000))),
        OD_OK);
    int64_t mins = -1;
    while (!od_rows_step(r, &row) && row)
        if (od_rows_int(r, 0) == u1)
            mins = od_rows_int(r, 4);
    od_rows_close(r);
    assert_int_equal(mins, 490);
    /* certificates of the session: two positions for u1, counted, deleted */
    static const char *const pos[2] = {"duty", "net"};
    for (int i = 0; i < 2; i++)
        assert_int_equal(od_tx_exec(tx, OD_Q_CERT_SES_INSERT, &e,
                                    OD_BINDS(OD_INT(u1), OD_TEXT(pos[i]), OD_TEXT("值班培训"),
                                             OD_TEXT("TS-1"), OD_INT((int64_t)1000), OD_INT((int64_t)9000),
                                             OD_TEXT("eng"), OD_INT((int64_t)400), OD_INT(s1))),
                         OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_CERT_SES_COUNT, &n, &e, OD_BINDS(OD_INT(s1))), OD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(
        od_tx_query(tx, OD_Q_CERT_CURRENT, &r, &e, OD_BINDS(OD_INT((int64_t)8999), OD_INT((int64_t)8999))),
        OD_OK);
    int certs = 0;
    while (!od_rows_step(r, &row) && row)
        certs += od_rows_int(r, 0) == u1 && strcmp(od_rows_text(r, 1), "crs1") == 0;
    od_rows_close(r);
    assert_int_equal(certs, 2);
    assert_int_equal(od_tx_exec(tx, OD_Q_CERT_SES_DELETE, &e, OD_BINDS(OD_INT(s1), OD_INT(u1))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 2);
    assert_int_equal(od_tx_scalar(tx, OD_Q_CERT_SES_COUNT, &n, &e, OD_BINDS(OD_INT(s1))), OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(od_tx_exec(tx, OD_Q_TRN_SES_DELETE, &e, OD_BINDS(OD_INT(s1), OD_INT(u1))), OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    assert_int_equal(od_tx_scalar(tx, OD_Q_TRN_COUNT, &n, &e, OD_BINDS(OD_INT(u1), OD_INT(u1))), OD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_SES_RESULTS_MARK, &e, OD_BINDS(OD_INT((int64_t)500), OD_TEXT("eng"), OD_INT(s1))),
        OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_SES_GET, &r, &e, OD_BINDS(OD_INT(s1))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 11), 500);
    assert_string_equal(od_rows_text(r, 12), "eng");
    od_rows_close(r);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* Problem entries (migration 0040; docs/problems.md "Entries"): listed
 * newest first (same time: the later id first) with the author's name by a
 * left join (none: ""), paged by LIMIT/OFFSET, counted, the structured review
 * kept as text or NULL, and review entries counted for the close gate. */
static void problem_entries_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t prb = 0, other = 0, uid = 0, ids[3] = {0}, n = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000077", &prb, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000078", &other, &e), OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_USER_INSERT, &uid, &e,
                                  OD_BINDS(OD_TEXT("entry-author"), OD_TEXT("x"), OD_TEXT("作者"),
                                           OD_TEXT("运行部"), OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0),
                                           OD_TEXT("[]"), OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_PRBE_REVIEWS, &n, &e, OD_BINDS(OD_INT(prb))), OD_OK);
    assert_int_equal(n, 0);
    static const char *const kinds[] = {"investigation", "review", "workaround"};
    static const int64_t at[] = {10, 20, 20};
    for (int i = 0; i < 3; i++)
        assert_int_equal(od_tx_insert(tx, OD_Q_PRBE_INSERT, &ids[i], &e,
                                      OD_BINDS(OD_INT(prb), OD_TEXT(kinds[i]), OD_TEXT("正文"),
                                               i == 1 ? OD_TEXT("{\"what\":\"w\"}") : OD_NULL(),
                                               i == 2 ? OD_NULL() : OD_INT(uid), OD_INT(at[i]))),
                         OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_PRBE_INSERT, &n, &e,
                                  OD_BINDS(OD_INT(other), OD_TEXT("review"), OD_TEXT("x"), OD_TEXT("{}"),
                                           OD_NULL(), OD_INT((int64_t)5))),
                     OD_OK);
    assert_int_equal(od_tx_scalar(tx, OD_Q_PRBE_COUNT, &n, &e, OD_BINDS(OD_INT(prb))), OD_OK);
    assert_int_equal(n, 3);
    assert_int_equal(od_tx_scalar(tx, OD_Q_PRBE_REVIEWS, &n, &e, OD_BINDS(OD_INT(prb))), OD_OK);
    assert_int_equal(n, 1);
    od_rows *r = NULL;
    bool row = false;
    assert_int_equal(od_tx_query(tx, OD_Q_PRBE_LIST, &r, &e,
                                 OD_BINDS(OD_INT(prb), OD_INT((int64_t)50), OD_INT((int64_t)0))),
                     OD_OK);
    static const int order[] = {2, 1, 0};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        int k = order[i];
        assert_int_equal(od_rows_int(r, 0), ids[k]);
        assert_string_equal(od_rows_text(r, 1), kinds[k]);
        assert_string_equal(od_rows_text(r, 2), "正文");
        assert_int_equal(od_rows_null(r, 3), k != 1);
        if (k == 1)
            assert_string_equal(od_rows_text(r, 3), "{\"what\":\"w\"}");
        assert_int_equal(od_rows_null(r, 4), k == 2);
        assert_string_equal(od_rows_text(r, 5), k == 2 ? "" : "entry-author");
        assert_int_equal(od_rows_int(r, 6), at[k]);
    }
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* a page: the second only */
    assert_int_equal(od_tx_query(tx, OD_Q_PRBE_LIST, &r, &e,
                                 OD_BINDS(OD_INT(prb), OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), ids[1]);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* Editing a problem entry (migration 0044; docs/problems.md "Entries"):
 * the replaced text kept as a revision row first, then the entry updated
 * only at its version (a stale version changes no row); PRBE_GET reads one
 * entry of its own record only, with its version and editor; PRBE_REVS lists
 * a record's revisions per entry in version order; PRBE_NEWEST_OF is the
 * newest entry of a kind (the same time: the later id). */
static void problem_entry_revisions_store(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t prb = 0, other = 0, uid = 0, a = 0, b = 0, c = 0, n = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000087", &prb, &e), OD_OK);
    assert_int_equal(record_row(tx, "problem", "PRB-2026-000088", &other, &e), OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_USER_INSERT, &uid, &e,
                                  OD_BINDS(OD_TEXT("entry-editor"), OD_TEXT("x"), OD_TEXT("编辑"),
                                           OD_TEXT("运行部"), OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)0),
                                           OD_TEXT("[]"), OD_INT((int64_t)1), OD_INT((int64_t)1))),
                     OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_PRBE_INSERT, &a, &e,
                                  OD_BINDS(OD_INT(prb), OD_TEXT("workaround"), OD_TEXT("旧"), OD_NULL(),
                                           OD_INT(uid), OD_INT((int64_t)10))),
                     OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_PRBE_INSERT, &b, &e,
                                  OD_BINDS(OD_INT(prb), OD_TEXT("workaround"), OD_TEXT("新"), OD_NULL(),
                                           OD_INT(uid), OD_INT((int64_t)10))),
                     OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_PRBE_INSERT, &c, &e,
                                  OD_BINDS(OD_INT(other), OD_TEXT("workaround"), OD_TEXT("别的"), OD_NULL(),
                                           OD_NULL(), OD_INT((int64_t)30))),
                     OD_OK);
    /* the newest workaround of prb: the same time, the later id */
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_PRBE_NEWEST_OF, &n, &e, OD_BINDS(OD_INT(prb), OD_TEXT("workaround"))), OD_OK);
    assert_int_equal(n, b);
    assert_int_equal(od_tx_scalar(tx, OD_Q_PRBE_NEWEST_OF, &n, &e, OD_BINDS(OD_INT(prb), OD_TEXT("review"))),
                     OD_E_NOT_FOUND);
    od_error_clear(&e);
    /* an edit of a at version 1: revision first, then the entry */
    assert_int_equal(od_tx_exec(tx, OD_Q_PRBE_REV_INSERT, &e,
                                OD_BINDS(OD_INT(a), OD_INT(prb), OD_INT((int64_t)1), OD_TEXT("旧"), OD_NULL(),
                                         OD_INT(uid), OD_INT((int64_t)20), OD_TEXT("补充"))),
                     OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_PRBE_UPDATE, &e,
                                OD_BINDS(OD_TEXT("旧（改）"), OD_NULL(), OD_INT((int64_t)20), OD_INT(uid),
                                         OD_INT(a), OD_INT((int64_t)1))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 1);
    /* a stale version changes nothing */
    assert_int_equal(od_tx_exec(tx, OD_Q_PRBE_UPDATE, &e,
                                OD_BINDS(OD_TEXT("x"), OD_NULL(), OD_INT((int64_t)21), OD_INT(uid), OD_INT(a),
                                         OD_INT((int64_t)1))),
                     OD_OK);
    assert_int_equal(od_tx_changes(tx), 0);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_PRBE_REV_INSERT, &e,
                   OD_BINDS(OD_INT(a), OD_INT(prb), OD_INT((int64_t)2), OD_TEXT("旧（改）"),
                            OD_TEXT("{\"what\":\"w\"}"), OD_NULL(), OD_INT((int64_t)25), OD_TEXT(""))),
        OD_OK);
    od_rows *r = NULL;
    bool row = false;
    /* one entry, of its own record only */
    assert_int_equal(od_tx_query(tx, OD_Q_PRBE_GET, &r, &e, OD_BINDS(OD_INT(a), OD_INT(prb))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 0), a);
    assert_string_equal(od_rows_text(r, 2), "旧（改）");
    assert_string_equal(od_rows_text(r, 5), "entry-editor");
    assert_int_equal(od_rows_int(r, 7), 2);
    assert_int_equal(od_rows_int(r, 8), 20);
    assert_string_equal(od_rows_text(r, 9), "entry-editor");
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_PRBE_GET, &r, &e, OD_BINDS(OD_INT(b), OD_INT(prb))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_true(row);
    assert_int_equal(od_rows_int(r, 7), 1); /* never edited: version 1, no editor */
    assert_true(od_rows_null(r, 8));
    assert_true(od_rows_null(r, 9));
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_PRBE_GET, &r, &e, OD_BINDS(OD_INT(c), OD_INT(prb))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    /* the record's revisions: entry a's two, in version order */
    assert_int_equal(od_tx_query(tx, OD_Q_PRBE_REVS, &r, &e, OD_BINDS(OD_INT(prb))), OD_OK);
    static const char *const texts[] = {"旧", "旧（改）"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(od_rows_step(r, &row), OD_OK);
        assert_true(row);
        assert_int_equal(od_rows_int(r, 0), a);
        assert_int_equal(od_rows_int(r, 1), i + 1);
        assert_string_equal(od_rows_text(r, 2), texts[i]);
        assert_int_equal(od_rows_null(r, 3), i == 0);
        assert_int_equal(od_rows_null(r, 4), i == 1);
        if (i == 0)
            assert_string_equal(od_rows_text(r, 4), "entry-editor");
        assert_int_equal(od_rows_int(r, 5), i == 0 ? 20 : 25);
        assert_string_equal(od_rows_text(r, 6), i == 0 ? "补充" : "");
    }
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(od_tx_query(tx, OD_Q_PRBE_REVS, &r, &e, OD_BINDS(OD_INT(other))), OD_OK);
    assert_int_equal(od_rows_step(r, &row), OD_OK);
    assert_false(row);
    od_rows_close(r);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* The CI list's text filter by the full-text index (migration 0043,
 * CI_LIST_TEXT / CI_COUNT_TEXT; R-CI-4, docs/internals/lists.md "Text search
 * of CIs"): q of 3 characters or more is a substring of the name, location,
 * department or attributes, Chinese from any position, ASCII case ignored,
 * %, _ and " literal; the category named by q, the other filters and the cap
 * apply; an update is found by its new text only. */
static int64_t ci_text(od_tx *tx, const char *q, const char *qcat, const char *grade, int64_t cap,
                       int64_t *count)
{
    od_error e = {0};
    char *like = od_store_like_pattern(q);
    assert_non_null(like);
    od_rows *r = NULL;
    bool row = false;
    int64_t n = 0;
    assert_int_equal(
        od_tx_query(tx, OD_Q_CI_LIST_TEXT, &r, &e,
                    OD_BINDS(OD_TEXT(q), OD_TEXT(qcat), OD_INT(0), OD_TEXT(""), OD_TEXT(""), OD_TEXT(grade),
                             OD_TEXT(grade), OD_TEXT(q), OD_TEXT(like), OD_TEXT(like), OD_TEXT(like),
                             OD_TEXT(like), OD_TEXT(qcat), OD_INT(0), OD_INT(50), OD_INT(0))),
        OD_OK);
    while (od_rows_step(r, &row) == OD_OK && row)
        n++;
    od_rows_close(r);
    assert_int_equal(
        od_tx_scalar(tx, OD_Q_CI_COUNT_TEXT, count, &e,
                     OD_BINDS(OD_TEXT(q), OD_TEXT(qcat), OD_INT(0), OD_TEXT(""), OD_TEXT(""), OD_TEXT(grade),
                              OD_TEXT(grade), OD_TEXT(q), OD_TEXT(like), OD_TEXT(like), OD_TEXT(like),
                              OD_TEXT(like), OD_TEXT(qcat), OD_INT(0), OD_INT(cap))),
        OD_OK);
    free(like);
    return n;
}

static void ci_text_search(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    static const struct {
        const char *name, *category, *grade, *dept, *loc, *attrs;
    } cis[] = {
        {"核心交易数据库-01", "database", "L1", "运维部", "机房东区", "{\"vendor\":\"Oracle\"}"},
        {"Payment-GW", "application", "L2", "网络部", "楼3", "{\"note\":\"100%_done \\\"q\\\"\"}"},
        {"edge-router", "network", "L1", "网络部", "机房东区", "{\"owner\":\"zhangSan\"}"},
    };
    int64_t ids[3] = {0}, count = -1;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            od_tx_insert(tx, OD_Q_CI_INSERT, &ids[i], &e,
                         OD_BINDS(OD_TEXT(cis[i].name), OD_TEXT(cis[i].category), OD_TEXT(cis[i].grade),
                                  OD_TEXT(cis[i].dept), OD_TEXT("production"), OD_TEXT(cis[i].loc),
                                  OD_TEXT(cis[i].attrs), OD_INT(1), OD_INT(1))),
            OD_OK);
    static const struct {
        const char *q, *qcat, *grade;
        int64_t n;
    } cases[] = {
        {"交易数据", "", "", 1},   {"机房东区", "", "", 2}, {"payment", "", "", 1},
        {"PAYMENT-gw", "", "", 1}, {"ORACLE", "", "", 1},   {"zhangsan", "", "", 1},
        {"网络部", "", "", 2},     {"100%_d", "", "", 1},   {"0%d", "", "", 0},
        {"\"q\\", "", "", 1},      {"nothing", "", "", 0},  {"机房东区", "", "L2", 0},
        {"机房东区", "", "L1", 2}, {"数据库", "", "", 1},   {"xyz", "network", "", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t n = ci_text(tx, cases[i].q, cases[i].qcat, cases[i].grade, 100, &count);
        if (n != cases[i].n || count != cases[i].n)
            fail_msg("%s q=%s: %lld rows, count %lld, want %lld", cur_ops->name, cases[i].q, (long long)n,
                     (long long)count, (long long)cases[i].n);
    }
    assert_int_equal(ci_text(tx, "机房东区", "", "", 1, &count), 2);
    assert_int_equal(count, 1); /* the cap */
    assert_int_equal(
        od_tx_exec(tx, OD_Q_CI_UPDATE, &e,
                   OD_BINDS(OD_TEXT("edge-switch"), OD_TEXT("network"), OD_TEXT("L1"), OD_TEXT("网络部"),
                            OD_TEXT("production"), OD_TEXT("楼9"), OD_TEXT("{}"), OD_INT(2), OD_INT(ids[2]))),
        OD_OK);
    assert_int_equal(ci_text(tx, "机房东区", "", "", 100, &count), 1);
    assert_int_equal(ci_text(tx, "edge-router", "", "", 100, &count), 0);
    assert_int_equal(ci_text(tx, "EDGE-SWITCH", "", "", 100, &count), 1);
    assert_int_equal(ci_text(tx, "zhangsan", "", "", 100, &count), 0);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

/* The case library's search (queries_cases.h): the page and the total of
 * the cases whose document holds every term (any ASCII case, Chinese, a
 * doubled quote, a backslash, LIKE's own % and _ taken literally), with
 * the level and category filters, newest first and ties by incident id,
 * limit/offset (every term has 3 characters or more, as od_search_plan
 * makes them); the LIKE forms for short queries.  PostgreSQL finds the
 * first term by its trigram index and checks every term on the rows. */
static void case_page(od_tx *tx, bool fts, const char *text, const char *level, const char *cat,
                      int64_t limit, int64_t offset, const int64_t *want, int64_t want_total)
{
    od_error e = {0};
    od_rows *r = NULL;
    char clike[64];
    snprintf(clike, sizeof clike, "%%%s%%", cat);
    assert_int_equal(
        fts ? od_tx_query(tx, OD_Q_CASE_SEARCH_FTS, &r, &e,
                          OD_BINDS(OD_TEXT(text), OD_INT((int64_t)0), OD_TEXT(level), OD_TEXT(level),
                                   OD_TEXT(cat), OD_TEXT(clike), OD_INT(limit), OD_INT(offset)))
            : od_tx_query(tx, OD_Q_CASE_SEARCH_LIKE, &r, &e,
                          OD_BINDS(OD_TEXT(text), OD_INT((int64_t)0), OD_TEXT(level), OD_TEXT(level),
                                   OD_TEXT(cat), OD_TEXT(clike), OD_INT(limit), OD_INT(offset))),
        OD_OK);
    bool row = false;
    int n = 0;
    while (od_rows_step(r, &row) == OD_OK && row) {
        if (want[n] == 0)
            fail_msg("%s: more rows than expected (%lld)", text, (long long)od_rows_int(r, 0));
        assert_int_equal(od_rows_int(r, 0), want[n]);
        n++;
    }
    od_rows_close(r);
    assert_int_equal(want[n], 0);
    int64_t total = -1;
    assert_int_equal(fts ? od_tx_scalar(tx, OD_Q_CASE_COUNT_FTS, &total, &e,
                                        OD_BINDS(OD_TEXT(text), OD_TEXT(level), OD_TEXT(level), OD_TEXT(cat),
                                                 OD_TEXT(clike)))
                         : od_tx_scalar(tx, OD_Q_CASE_COUNT_LIKE, &total, &e,
                                        OD_BINDS(OD_TEXT(text), OD_TEXT(level), OD_TEXT(level), OD_TEXT(cat),
                                                 OD_TEXT(clike))),
                     OD_OK);
    assert_int_equal(total, want_total);
}

/* od_tx_defer_search (a group commit's full-text entries written once, at
 * its commit): after the commit the incidents and records text searches
 * find exactly the rows that were kept — a member undone by its savepoint
 * leaves no entry, an id taken again after such an undo is found once, a
 * row whose text changed in the same transaction is found by its new
 * text, a row indexed before and changed in a deferring transaction by its
 * new text only; a deferring transaction rolled back leaves the next
 * (not deferring) one indexing at once.  PostgreSQL: a no-op, same answers. */
static int64_t deferred_hits(od_store *s, const char *q, bool records)
{
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t n = -1;
    assert_int_equal(od_tx_begin(s, false, &tx, &e), OD_OK);
    if (records)
        assert_int_equal(
            od_tx_scalar(tx, OD_Q_REC_COUNT_TEXT, &n, &e,
                         OD_BINDS(OD_TEXT(q), OD_INT(INT64_MAX), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""),
                                  OD_TEXT(""), OD_INT((int64_t)0), OD_INT((int64_t)0), OD_TEXT(""),
                                  OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_INT((int64_t)100))),
            OD_OK);
    else
        assert_int_equal(od_tx_scalar(tx, OD_Q_INC_COUNT_TEXT_ONLY, &n, &e,
                                      OD_BINDS(OD_TEXT(q), OD_TEXT(q), OD_INT((int64_t)100))),
                         OD_OK);
    od_tx_rollback(tx);
    return n;
}

static void set_symptoms(od_tx *tx, int64_t id, const char *text)
{
    od_error e = {0};
    assert_int_equal(
        od_tx_exec(tx, OD_Q_INC_SET_DETAILS, &e,
                   OD_BINDS(OD_TEXT(""), OD_TEXT(text), OD_TEXT(""), OD_INT((int64_t)1), OD_INT(id))),
        OD_OK);
}

static void search_deferred(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t id = 0, rid = 0;
    /* indexed at once: no deferring */
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    int64_t before = sla_incident(tx, "DEFERX-0", &e);
    set_symptoms(tx, before, "旧的描述 oldtext");
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(deferred_hits(f->s, "DEFERX", false), 1);

    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_defer_search(tx, &e), OD_OK);
    assert_int_equal(od_tx_defer_search(tx, &e), OD_OK); /* twice: the same */
    /* member 1 kept: an incident and a record */
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_BEGIN, &e, OD_NOBINDS), OD_OK);
    sla_incident(tx, "DEFERX-1", &e);
    assert_int_equal(record_row(tx, "problem", "DEFERX-R1", &rid, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_RELEASE, &e, OD_NOBINDS), OD_OK);
    /* member 2 undone */
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_BEGIN, &e, OD_NOBINDS), OD_OK);
    id = sla_incident(tx, "DEFERX-2", &e);
    assert_int_equal(record_row(tx, "problem", "DEFERX-R2", &rid, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_ROLLBACK, &e, OD_NOBINDS), OD_OK);
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_RELEASE, &e, OD_NOBINDS), OD_OK);
    /* member 3: the next id (SQLite takes member 2's again), its text changed */
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_BEGIN, &e, OD_NOBINDS), OD_OK);
    int64_t id3 = sla_incident(tx, "DEFERX-3", &e);
    if (strcmp(cur_ops->name, "sqlite") == 0)
        assert_int_equal(id3, id);
    set_symptoms(tx, id3, "量子纠缠态 quantum");
    assert_int_equal(od_tx_exec(tx, OD_Q_EV_SP_RELEASE, &e, OD_NOBINDS), OD_OK);
    /* a row indexed before, its text changed here */
    set_symptoms(tx, before, "纠缠态 newtext");
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);

    assert_int_equal(deferred_hits(f->s, "DEFERX", false), 3);
    assert_int_equal(deferred_hits(f->s, "DEFERX-1", false), 1);
    assert_int_equal(deferred_hits(f->s, "DEFERX-2", false), 0);
    assert_int_equal(deferred_hits(f->s, "DEFERX-3", false), 1);
    assert_int_equal(deferred_hits(f->s, "量子纠缠", false), 1);
    assert_int_equal(deferred_hits(f->s, "QUANTUM", false), 1);
    assert_int_equal(deferred_hits(f->s, "纠缠态", false), 2);
    assert_int_equal(deferred_hits(f->s, "newtext", false), 1);
    assert_int_equal(deferred_hits(f->s, "oldtext", false), 0);
    /* two characters (SQLite: the od_bigram tables of migration 0052, written with the others) */
    assert_int_equal(deferred_hits(f->s, "量子", false), 1);
    assert_int_equal(deferred_hits(f->s, "纠缠", false), 2);
    assert_int_equal(deferred_hits(f->s, "旧的", false), 0);
    assert_int_equal(deferred_hits(f->s, "DEFERX-R", true), 1);
    assert_int_equal(deferred_hits(f->s, "DEFERX-R1", true), 1);
    assert_int_equal(deferred_hits(f->s, "DEFERX-R2", true), 0);

    /* a deferring transaction rolled back: nothing; the next one indexes at once */
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_defer_search(tx, &e), OD_OK);
    sla_incident(tx, "DEFERX-5", &e);
    od_tx_rollback(tx);
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    sla_incident(tx, "DEFERX-6", &e);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_int_equal(deferred_hits(f->s, "DEFERX-5", false), 0);
    assert_int_equal(deferred_hits(f->s, "DEFERX-6", false), 1);
    assert_int_equal(deferred_hits(f->s, "DEFERX", false), 4);

    /* outside a write transaction: refused */
    assert_int_equal(od_tx_begin(f->s, false, &tx, &e), OD_OK);
    od_err rc = od_tx_defer_search(tx, &e);
    if (strcmp(cur_ops->name, "sqlite") == 0)
        assert_int_equal(rc, OD_E_INTERNAL);
    else
        assert_int_equal(rc, OD_OK);
    od_tx_rollback(tx);
}

static void case_search_by_index(void **state)
{
    fx *f = *state;
    od_error e = {0};
    od_tx *tx = NULL;
    assert_int_equal(od_tx_begin(f->s, true, &tx, &e), OD_OK);
    static const struct {
        const char *number, *level, *cats, *text;
        int64_t created;
    } cs[] = {
        {"INC-C-1", "L3", "[\"storage\"]", "磁盘使用率 100%_full say\"hi\" A\\B", 1000},
        {"INC-C-2", "L3", "[\"storage\"]", "磁盘使用率过高 quasar", 2000},
        {"INC-C-3", "L1", "[\"network\"]", "network 网络抖动告警 QUASAR 1000x_", 2000},
    };
    int64_t id[3];
    for (int i = 0; i < 3; i++) {
        id[i] = sla_incident(tx, cs[i].number, &e);
        assert_int_equal(
            od_tx_exec(tx, OD_Q_CASE_INSERT, &e,
                       OD_BINDS(OD_INT(id[i]), OD_TEXT(cs[i].number), OD_TEXT("t"), OD_TEXT(cs[i].level),
                                OD_TEXT("R3"), OD_TEXT(cs[i].cats), OD_TEXT("[]"), OD_TEXT("c"),
                                OD_TEXT(cs[i].text), OD_INT((int64_t)0), OD_INT(cs[i].created))),
            OD_OK);
        assert_int_equal(
            od_tx_exec(tx, OD_Q_SD_INSERT, &e, OD_BINDS(OD_TEXT("case"), OD_INT(id[i]), OD_TEXT(cs[i].text))),
            OD_OK);
    }
    /* a known error holding the same words is not a case */
    assert_int_equal(
        od_tx_exec(tx, OD_Q_SD_INSERT, &e,
                   OD_BINDS(OD_TEXT("known_error"), OD_INT(id[0]), OD_TEXT("quasar 磁盘使用率"))),
        OD_OK);
    const int64_t none[] = {0}, c1[] = {id[0], 0}, c3[] = {id[2], 0}, c21[] = {id[1], id[0], 0},
                  c32[] = {id[2], id[1], 0}, c2[] = {id[1], 0};
    case_page(tx, true, "\"磁盘使用率\"", "", "", 50, 0, c21, 2);
    case_page(tx, true, "\"quasar\"", "", "", 50, 0, c32, 2); /* a tie at 2000: the higher id first */
    case_page(tx, true, "\"QuAsAr\" \"网络抖动\"", "", "", 50, 0, c3, 1);
    case_page(tx, true, "\"网络抖动\" \"磁盘使用率\"", "", "", 50, 0, none, 0);
    case_page(tx, true, "\"100%_\"", "", "", 50, 0, c1, 1);
    case_page(tx, true, "\"y\"\"hi\"\"\"", "", "", 50, 0, c1, 1); /* the term y"hi" */
    case_page(tx, true, "\"A\\B\"", "", "", 50, 0, c1, 1);
    case_page(tx, true, "\"quasar\"", "L1", "", 50, 0, c3, 1);
    case_page(tx, true, "\"quasar\"", "", "storage", 50, 0, c2, 1);
    case_page(tx, true, "\"quasar\"", "", "", 1, 1, c2, 2);
    case_page(tx, true, "\"quasar\"", "", "", 1, 2, none, 2);
    case_page(tx, false, "%抖动%", "", "", 50, 0, c3, 1);
    case_page(tx, false, "%QUASAR%", "", "", 50, 0, c32, 2);
    case_page(tx, false, "%%", "L3", "", 50, 0, c21, 2);
    od_tx_rollback(tx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(commit_and_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(savepoints, setup, teardown),
        cmocka_unit_test_setup_teardown(insert_gives_id_and_conflicts, setup, teardown),
        cmocka_unit_test_setup_teardown(scalar_and_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_iterate, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_error_path, setup, teardown),
        cmocka_unit_test_setup_teardown(null_against_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(read_beside_write, setup, teardown),
        cmocka_unit_test_setup_teardown(exec_changes_and_checkpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(hooks_after_end, setup, teardown),
        cmocka_unit_test_setup_teardown(before_commit_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(conflict_inside_savepoint, setup, teardown),
        cmocka_unit_test_setup_teardown(search_ignores_case, setup, teardown),
        cmocka_unit_test_setup_teardown(pg_every_query_prepares, setup, teardown),
        cmocka_unit_test_setup_teardown(pg_writers_do_not_block, setup, teardown),
        cmocka_unit_test_setup_teardown(pg_error_does_not_poison_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(pg_lost_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(record_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(kernel_applied, setup, teardown),
        cmocka_unit_test_setup_teardown(service_levels_store, setup, teardown),
        cmocka_unit_test_setup_teardown(search_index_shared, setup, teardown),
        cmocka_unit_test_setup_teardown(case_search_by_index, setup, teardown),
        cmocka_unit_test_setup_teardown(search_deferred, setup, teardown),
        cmocka_unit_test_setup_teardown(activation_level, setup, teardown),
        cmocka_unit_test_setup_teardown(level_provisional, setup, teardown),
        cmocka_unit_test_setup_teardown(event_dedup_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(plans_store, setup, teardown),
        cmocka_unit_test_setup_teardown(list_cursor_and_capped_count, setup, teardown),
        cmocka_unit_test_setup_teardown(training_store, setup, teardown),
        cmocka_unit_test_setup_teardown(incident_text_search, setup, teardown),
        cmocka_unit_test_setup_teardown(leases, setup, teardown),
        cmocka_unit_test_setup_teardown(lease_fence, setup, teardown),
        cmocka_unit_test_setup_teardown(login_lockouts, setup, teardown),
        cmocka_unit_test_setup_teardown(event_insert_set, setup, teardown),
        cmocka_unit_test_setup_teardown(approvals_links_pickers, setup, teardown),
        cmocka_unit_test_setup_teardown(report_review_store, setup, teardown),
        cmocka_unit_test_setup_teardown(report_due_store, setup, teardown),
        cmocka_unit_test_setup_teardown(bulk_writer_takes_turns, setup, teardown),
        cmocka_unit_test_setup_teardown(report_sections_store, setup, teardown),
        cmocka_unit_test_setup_teardown(desks_and_contacts, setup, teardown),
        cmocka_unit_test_setup_teardown(upkeep_store, setup, teardown),
        cmocka_unit_test_setup_teardown(drill_store, setup, teardown),
        cmocka_unit_test_setup_teardown(certificate_store, setup, teardown),
        cmocka_unit_test_setup_teardown(drill_ext_store, setup, teardown),
        cmocka_unit_test_setup_teardown(incident_sorted_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(ci_retire_history, setup, teardown),
        cmocka_unit_test_setup_teardown(ci_text_search, setup, teardown),
        cmocka_unit_test_setup_teardown(problem_entries_store, setup, teardown),
        cmocka_unit_test_setup_teardown(problem_entry_revisions_store, setup, teardown),
        cmocka_unit_test_setup_teardown(course_store, setup, teardown),
        cmocka_unit_test_setup_teardown(candidate_event_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(drill_inject_store, setup, teardown),
        cmocka_unit_test_setup_teardown(readiness_plan_drills_store, setup, teardown),
        cmocka_unit_test_setup_teardown(internal_event_store, setup, teardown),
        cmocka_unit_test_setup_teardown(dispatcher_wave_record_fenced, setup, teardown),
    };
    setenv("OPSDESK_DB_POOL", "3", 1); /* PostgreSQL: few connections, reused often */
    int failed = 0, ran = 0;
    for (const od_store_ops *const *b = od_store_backends; *b; b++) {
        cur_ops = *b;
        cur_target = NULL;
        for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
            if (strcmp(targets[i].backend, cur_ops->name) == 0)
                cur_target = &targets[i];
        if (!cur_target) {
            fprintf(stderr, "backend %s has no row in the contract test's targets\n", cur_ops->name);
            return 1;
        }
        char probe[256], dir[128];
        if (!cur_target->make(probe, sizeof probe, dir, sizeof dir)) {
            fprintf(stderr, "backend %s: no scratch database, skipped\n", cur_ops->name);
            continue;
        }
        if (dir[0])
            rmdir(dir);
        else
            teardown_probe(probe);
        failed += _cmocka_run_group_tests(cur_ops->name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
        ran++;
    }
    return failed || ran == 0;
}
