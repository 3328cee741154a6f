/* store_int.h — a storage backend is a table of operations (STYLE.md §11,
 * like sqlite3_vfs or curl's Curl_cftype).  store.c's public functions
 * (store.h) dispatch through the table of the store they are given; each
 * backend (store_sqlite.c, store_pg.c)
 * fills one od_store_ops and embeds the base structs below as the first
 * member of its own store, transaction and rows types.  Only src/store/
 * and the contract tests (tests/unit/test_store_contract.c) include this. */
#ifndef OD_STORE_INT_H
#define OD_STORE_INT_H

#include "store/store.h"

#include <stddef.h>

typedef struct od_store_ops od_store_ops;

/* The first member of every backend's store, transaction and rows. */
struct od_store {
    const od_store_ops *ops;
    char *path; /* as given to od_store_open (owned by the backend) */
};
struct od_tx {
    od_store *s;
    int n_hooks; /* od_tx_on_end, run by store.c */
    struct {
        od_tx_hook fn;
        void *arg;
    } hooks[OD_TX_HOOKS];
    int n_last; /* od_tx_before_commit, run by store.c */
    struct {
        od_tx_last fn;
        void *arg;
    } last[OD_TX_HOOKS];
};
struct od_rows {
    od_tx *tx;
    od_error *e; /* the od_error given to od_tx_query, for od_rows_step */
};

struct od_store_ops {
    const char *name; /* "sqlite" */
    /* Whether this backend opens path (a file path, a URL). */
    bool (*handles)(const char *path);
    /* store.h's od_store_open_mode: opens as mode says, migrates, sets
     * (*out)->ops and path; fills info->found (info->newest is set). */
    od_err (*open)(const char *path, od_store_mode mode, od_store_schema *info, od_store **out, od_error *e);
    void (*close)(od_store *s);
    int64_t (*size)(od_store *s);
    int (*schema_version)(od_store *s);

    od_err (*tx_begin)(od_store *s, bool write, od_tx **out, od_error *e);
    od_err (*tx_commit)(od_tx *tx, od_error *e);
    void (*tx_rollback)(od_tx *tx); /* tx is never NULL here */
    od_err (*exec)(od_tx *tx, od_query q, od_error *e, const od_bind *b, size_t nb);
    int64_t (*changes)(od_tx *tx);
    od_err (*insert)(od_tx *tx, od_query q, int64_t *id, od_error *e, const od_bind *b, size_t nb);
    od_err (*scalar)(od_tx *tx, od_query q, int64_t *out, od_error *e, const od_bind *b, size_t nb);
    /* Sets (*out)->tx; store.c sets (*out)->e. */
    od_err (*query)(od_tx *tx, od_query q, od_rows **out, od_error *e, const od_bind *b, size_t nb);

    /* store.h's od_rows_step; e is the od_error given to the query. */
    od_err (*rows_step)(od_rows *r, bool *row, od_error *e);
    int64_t (*rows_int)(od_rows *r, int col);
    double (*rows_double)(od_rows *r, int col);
    const char *(*rows_text)(od_rows *r, int col); /* "" for NULL */
    bool (*rows_null)(od_rows *r, int col);
    void (*rows_close)(od_rows *r); /* r is never NULL here */

    /* store.h's od_tx_begin_bulk: a write transaction that lets the other
     * writers waiting go first; NULL = tx_begin(s, true, ...). */
    od_err (*tx_begin_bulk)(od_store *s, od_tx **out, od_error *e);
    /* store.h's od_tx_defer_search; NULL = nothing to defer. */
    od_err (*defer_search)(od_tx *tx, od_error *e);
    /* store.h's od_store_writers_waiting and od_store_write_contended;
     * NULL = 0 and false. */
    int (*writers_waiting)(od_store *s);
    bool (*write_contended)(od_store *s);

    /* WAL maintenance of backends that have one; NULL = nothing to do. */
    void (*checkpoint)(od_store *s);
    void (*checkpoint_idle)(od_store *s);

    /* Health (store.h): an integrity check of the file, and the time (ms,
     * 0 = none) and text of the last fault that says the storage itself is
     * broken or cannot be written. */
    od_err (*quick_check)(od_store *s, bool *ok, char *msg, size_t n, od_error *e);
    int64_t (*last_fault)(od_store *s, char *msg, size_t n);

    /* store.h's listeners; NULL = the backend has none (one node). */
    od_err (*listen)(od_store *s, const char *channel, od_store_listener **out, od_error *e);
    od_err (*listen_wait)(od_store_listener *l, int timeout_ms, char *payload, size_t n, bool *got,
                          od_error *e);
    void (*listen_close)(od_store_listener *l);
};
/* The first member of every backend's listener. */
struct od_store_listener {
    od_store *s;
};

/* Whether an open in mode may go on, given the schema it found (info->found:
 * 0 = new or empty) and the number of known migrations not applied yet:
 * refuses a newer schema, an uninitialized database unless creating, and a
 * database that needs migrating in OD_STORE_CURRENT (store.h).  Every
 * backend's open asks this before it migrates. */
OD_NODISCARD od_err od_store_schema_verdict(const char *path, od_store_mode mode, const od_store_schema *info,
                                            int pending, od_error *e);

extern const od_store_ops od_store_sqlite_ops;
extern const od_store_ops od_store_pg_ops; /* store_pg.c */

/* PostgreSQL only (the contract test): PREPAREs every named statement on
 * one connection of s; *failed counts those refused (each told on stderr). */
OD_NODISCARD od_err od_store_pg_prepare_all(od_store *s, int *failed, od_error *e);

/* The registered backends, NULL-terminated, in the order od_store_open
 * asks them (the first whose handles() says yes opens the path). */
extern const od_store_ops *const od_store_backends[];

/* od_store_open with a given backend (the contract tests run every one). */
OD_NODISCARD od_err od_store_open_with(const od_store_ops *ops, const char *path, od_store **out,
                                       od_error *e);

#endif
