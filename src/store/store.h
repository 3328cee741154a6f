/* store.h — the storage interface (DESIGN.md "Data", STYLE.md §11).
 * A store is opened from a path (SQLite, the embedded default) or a
 * postgres:// or postgresql:// URL (store_pg.c, docs/deploy/postgresql.md).
 * Every function dispatches through the backend's table of operations
 * (store_int.h).  Callers run named queries (src/store/queries.h) inside
 * transactions with bound parameters; no SQL exists outside src/store/.
 *
 * Transactions: on SQLite od_tx_begin(write=true) serializes writers (one
 * at a time); on PostgreSQL write transactions run concurrently (READ
 * COMMITTED: a read-then-write must lock its rows).  Read transactions run
 * concurrently on their own connections and see one snapshot.  A tx must
 * end with od_tx_commit or od_tx_rollback, which free it.  A statement that
 * fails (e.g. OD_E_CONFLICT) undoes itself only; the transaction goes on.
 * PostgreSQL adds two answers: OD_E_RETRY (deadlock or serialization
 * failure: nothing was written, the caller may run the transaction again)
 * and OD_E_UNAVAILABLE (connection lost; a commit whose answer was lost is
 * this error too, never success).
 *
 * Parameters are typed values (od_bind), one per `?` of the query, made by
 * the constructors below so the compiler checks each argument's type:
 *   od_tx_exec(tx, OD_Q_X, e, OD_BINDS(OD_TEXT(name), OD_INT(id)));
 *   od_tx_exec(tx, OD_Q_Y, e, OD_NOBINDS);
 * Thread-safe: a store may be shared; a tx belongs to one thread. */
#ifndef OD_STORE_H
#define OD_STORE_H

#include "store/queries.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct od_store od_store;

/* One bound parameter. */
typedef enum od_bind_type { OD_BIND_NULL, OD_BIND_INT, OD_BIND_REAL, OD_BIND_TEXT } od_bind_type;
typedef struct od_bind {
    od_bind_type type;
    union {
        int64_t i;
        double d;
        const char *s; /* not copied by exec/insert/scalar; copied by query */
    } v;
} od_bind;

static inline od_bind OD_NULL(void)
{
    return (od_bind){.type = OD_BIND_NULL};
}
static inline od_bind OD_INT(int64_t v)
{
    return (od_bind){.type = OD_BIND_INT, .v.i = v};
}
/* v, or NULL when !present. */
static inline od_bind OD_INT_OR_NULL(int64_t v, bool present)
{
    return present ? OD_INT(v) : OD_NULL();
}
/* v, or NULL when v is 0 (a time or id where 0 means "none"). */
static inline od_bind OD_INT_NONZERO(int64_t v)
{
    return OD_INT_OR_NULL(v, v != 0);
}
static inline od_bind OD_BOOL(bool v)
{
    return OD_INT(v ? 1 : 0);
}
static inline od_bind OD_REAL(double v)
{
    return (od_bind){.type = OD_BIND_REAL, .v.d = v};
}
/* A NUL-terminated string; NULL binds NULL. */
static inline od_bind OD_TEXT(const char *v)
{
    return v ? (od_bind){.type = OD_BIND_TEXT, .v.s = v} : OD_NULL();
}
/* The parameter list of a call: a compound literal and its length
 * (sizeof does not evaluate its operand). */
#define OD_BINDS(...) (const od_bind[]){__VA_ARGS__}, sizeof((const od_bind[]){__VA_ARGS__}) / sizeof(od_bind)
#define OD_NOBINDS (const od_bind *)0, (size_t)0

typedef struct od_tx od_tx;
typedef struct od_rows od_rows;

/* Whether path names a database file (SQLite) rather than a database
 * server's address (postgres://…): what a file lock, a file backup and a
 * key file beside the database need. */
bool od_store_is_file(const char *path);
/* How an open treats the database and its schema (docs/upgrade.md). */
typedef enum od_store_mode {
    OD_STORE_CREATE = 0, /* created if absent; pending migrations applied (opsdesk init, tests) */
    OD_STORE_UPGRADE,    /* must exist and be initialized; pending migrations applied (serve, migrate) */
    OD_STORE_CURRENT,    /* must exist at this binary's schema; nothing is migrated (other commands) */
} od_store_mode;
/* What an open found: the schema version before any migration (0 = a new or
 * empty database, -1 = not reached) and the newest this binary knows. */
typedef struct od_store_schema {
    int found;
    int newest;
    int pending; /* known migrations not applied when found (a lower number added later counts) */
} od_store_schema;
/* Opens path as mode says.  Refused (OD_E_NOT_FOUND) when the database must
 * exist and does not, or is not initialized; refused (OD_E_CONFLICT) when
 * its schema is newer than this binary's, or older in OD_STORE_CURRENT.
 * info (may be NULL) is filled whatever the outcome. */
OD_NODISCARD od_err od_store_open_mode(const char *path, od_store_mode mode, od_store_schema *info,
                                       od_store **out, od_error *e);
/* OD_OK when the database at path exists (a file that is there; a server
 * address is left to the open), else OD_E_NOT_FOUND saying how to create
 * it: a missing database is created only by opsdesk init. */
OD_NODISCARD od_err od_store_must_exist(const char *path, od_error *e);
/* od_store_open_mode with OD_STORE_CREATE. */
OD_NODISCARD od_err od_store_open(const char *path, od_store **out, od_error *e);
/* The newest schema version this binary knows (its newest migration). */
int od_store_schema_newest(void);
void od_store_close(od_store *s);
/* Size of the database in bytes (for /metrics); -1 if unknown. */
int64_t od_store_size(od_store *s);
const char *od_store_path(const od_store *s);
/* Whether several server nodes may share this store (PostgreSQL): claims
 * must then lock rows and every node polls its queues.  False for SQLite,
 * whose file one process holds (store/dblock.h). */
bool od_store_multi_node(const od_store *s);
/* The fewest characters of a text query the incident list's full-text
 * indexes find: 2 on SQLite (trigram tables, and od_bigram tables for two
 * characters: migration 0052), 3 on PostgreSQL (pg_trgm takes no trigram
 * from a shorter pattern). */
int od_store_text_index_min(const od_store *s);
/* Applied schema version. */
int od_store_schema_version(od_store *s);
/* The last storage fault (corrupt page, I/O error, full disk, read-only
 * file) any connection of this process met: its wall time in ms (0 = none)
 * and SQLite's message in msg. */
int64_t od_store_last_fault(od_store *s, char *msg, size_t n);
/* PRAGMA quick_check on a reader: *ok and, when not ok, the first problem. */
OD_NODISCARD od_err od_store_quick_check(od_store *s, bool *ok, char *msg, size_t n, od_error *e);

/* Wake-ups between nodes (PostgreSQL LISTEN/NOTIFY; docs/deploy/cluster.md).
 * A listener is a dedicated connection that LISTENs on `channel` (letters,
 * digits, _); *out stays NULL on a backend without them (SQLite: one node).
 * od_store_listen_wait waits up to timeout_ms for one notification: *got
 * and its payload; after the connection was lost and made again *got is
 * true with an empty payload (what was sent meanwhile is unknown).  A
 * failure leaves the listener to reconnect at the next wait.  Notifications
 * are sent by the named query WAKE_NOTIFY inside a transaction (delivered
 * at its commit). */
typedef struct od_store_listener od_store_listener;
OD_NODISCARD od_err od_store_listen(od_store *s, const char *channel, od_store_listener **out, od_error *e);
OD_NODISCARD od_err od_store_listen_wait(od_store_listener *l, int timeout_ms, char *payload, size_t n,
                                         bool *got, od_error *e);
void od_store_listen_close(od_store_listener *l); /* NULL-safe */

OD_NODISCARD od_err od_tx_begin(od_store *s, bool write, od_tx **out, od_error *e);
/* A write transaction for bulk work (the ingestion writer's group
 * commits) that must not starve the others: on SQLite, where writers take
 * turns, it begins only once no other writer is waiting or writing, or
 * after OD_TX_BULK_YIELD_MS of waiting for them (its own share never drops
 * to nothing); the other writers do not wait for it to begin.  Elsewhere
 * the same as od_tx_begin(s, true, ...). */
#define OD_TX_BULK_YIELD_MS 100
OD_NODISCARD od_err od_tx_begin_bulk(od_store *s, od_tx **out, od_error *e);
/* The full-text entries of the incidents and records write transaction tx
 * inserts from now on are written once, just before its commit, from the
 * rows as they are then (a row deleted before it has none).  For a group
 * commit, whose members each run in a savepoint: SQLite's FTS5 writes the
 * entries it holds to a new index segment at every savepoint and at every
 * statement that may roll back, so without this a group wrote one segment
 * per member and per index (migration 0050).  A no-op where the text
 * indexes take their entries with each row (PostgreSQL). */
OD_NODISCARD od_err od_tx_defer_search(od_tx *tx, od_error *e);
/* Writers other than bulk ones now writing or waiting to (SQLite; 0 where
 * writers do not take turns). */
int od_store_writers_waiting(od_store *s);
/* Whether such a writer has begun in the last OD_STORE_CONTENDED_MS (or
 * one is waiting): a bulk writer then keeps its transactions small, so
 * that none of them waits long behind one (the ingestion's
 * share of the writer).  Always false where writers do not take turns. */
#define OD_STORE_CONTENDED_MS 1000
bool od_store_write_contended(od_store *s);
/* Something to do once tx has ended: fn(arg, committed) runs after
 * od_tx_commit (committed = true when the commit succeeded) or
 * od_tx_rollback, outside the transaction; e.g. to announce what became
 * durable.  At most OD_TX_HOOKS per tx (OD_E_INTERNAL beyond). */
#define OD_TX_HOOKS 4
typedef void (*od_tx_hook)(void *arg, bool committed);
OD_NODISCARD od_err od_tx_on_end(od_tx *tx, od_tx_hook fn, void *arg, od_error *e);
/* The arg of the hook fn set on tx, or NULL. */
void *od_tx_hook_arg(od_tx *tx, od_tx_hook fn);
/* Work that must be the last inside tx: fn(arg, tx, e) runs in
 * od_tx_commit, in the order set, just before the commit; an error rolls
 * tx back (the end hooks then see committed = false) and is the commit's
 * error.  E.g. the audit chain's append, which locks one row every writer
 * needs, and so holds it only for the commit.  At most OD_TX_HOOKS per tx. */
typedef od_err (*od_tx_last)(void *arg, od_tx *tx, od_error *e);
OD_NODISCARD od_err od_tx_before_commit(od_tx *tx, od_tx_last fn, void *arg, od_error *e);
/* The arg of the before-commit fn set on tx, or NULL. */
void *od_tx_last_arg(od_tx *tx, od_tx_last fn);
/* A fence on the write transactions the calling thread begins, until it
 * is cleared (fn NULL): before each begins, fn(arg, NULL, e) runs (an
 * error: it does not begin); once begun, fn(arg, tx, e) is its first
 * before-commit step (od_tx_before_commit), so it runs before the audit
 * chain's.  A housekeeping job (app/leases.c) checks there that its lease
 * is still held at its fencing term: a node that lost the lease mid-job
 * writes nothing.  Read-only transactions are not fenced. */
void od_tx_thread_fence(od_tx_last fn, void *arg);
OD_NODISCARD od_err od_tx_commit(od_tx *tx, od_error *e);
void od_tx_rollback(od_tx *tx); /* NULL-safe */

/* Runs a statement that returns no rows (or whose rows are ignored). */
OD_NODISCARD od_err od_tx_exec(od_tx *tx, od_query q, od_error *e, const od_bind *b, size_t nb);
/* Rows changed by the last exec. */
int64_t od_tx_changes(od_tx *tx);
/* Runs a query; iterate with od_rows_step.  The rows must be closed before
 * the next statement on the same query id (cached statements). */
OD_NODISCARD od_err od_tx_query(od_tx *tx, od_query q, od_rows **out, od_error *e, const od_bind *b,
                                size_t nb);
/* The next row: *row says whether one is available (false when done and
 * on an error).  An error is returned (never read as "no more rows"), the
 * od_error given to od_tx_query is filled, and every later step returns it
 * again.  The usual loop:
 *   bool row = false;
 *   while (!rc && !(rc = od_rows_step(r, &row)) && row) ... */
OD_NODISCARD od_err od_rows_step(od_rows *r, bool *row);
int64_t od_rows_int(od_rows *r, int col);
double od_rows_double(od_rows *r, int col);
const char *od_rows_text(od_rows *r, int col); /* "" for NULL; valid until next/close */
bool od_rows_null(od_rows *r, int col);
void od_rows_close(od_rows *r); /* NULL-safe */

/* Runs an INSERT and gives the new row's id: the one way to insert a row
 * whose id the caller needs (the queries carry no RETURNING id; each backend
 * finds the id its own way: SQLite by last_insert_rowid, which spares it a
 * temporary table per run; PostgreSQL adds RETURNING id itself).  A row not inserted, by a uniqueness
 * violation or an `ON CONFLICT ... DO NOTHING`, is OD_E_CONFLICT and *id is 0. */
OD_NODISCARD od_err od_tx_insert(od_tx *tx, od_query q, int64_t *id, od_error *e, const od_bind *b,
                                 size_t nb);

/* First column of the first row as int64 (a count, a look-up, an upsert's
 * RETURNING value); OD_E_NOT_FOUND if no row.  Not for inserts that need an
 * id: od_tx_insert. */
OD_NODISCARD od_err od_tx_scalar(od_tx *tx, od_query q, int64_t *out, od_error *e, const od_bind *b,
                                 size_t nb);

/* A "%q%" pattern for the named queries' `LIKE ? ESCAPE '\'` clauses, with
 * %, _ and \ in q escaped.  Returns a new string (caller frees), NULL on OOM. */
char *od_store_like_pattern(const char *q);

/* Whole-database checkpoint (WAL → main file), used at clean shutdown. */
void od_store_checkpoint(od_store *s);
/* A PASSIVE checkpoint when the WAL has grown past ~8000 pages, for
 * a busy writer to call between its transactions (after answering).  Once
 * called, commits stop checkpointing by themselves (unless the WAL gets very
 * large), so the caller must keep calling it, also when idle. */
void od_store_checkpoint_idle(od_store *s);

#endif
