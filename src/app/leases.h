/* leases.h — housekeeping under a named lease (docs/deploy/cluster.md):
 * a periodic job that must run on one node at a time (scheduled O&M reports,
 * the daily problem-candidate job) first takes its lease in the shared
 * table opsdesk_leases: held by one node id until a time by the database
 * clock, renewed by the holder at each round, taken over by another node
 * only after it expired (the term, a fencing token, then grows by one).
 * Nothing that must happen exactly once depends on a lease: those are row
 * claims.  On a single-node store (SQLite) the one process always holds. */
#ifndef OD_APP_LEASES_H
#define OD_APP_LEASES_H

#include "app/app.h"

/* A lease as stored. */
typedef struct od_lease {
    bool held;          /* by the asking node, after the call */
    int64_t term;       /* fencing term (0 when there is no row) */
    int64_t expires_at; /* database clock, ms */
    char holder[128];
} od_lease;

/* Takes or renews lease `name` for `holder` until now + ttl_ms, in tx
 * (store calls only; now by the database clock).  out->held tells whether
 * the holder has it now; out describes the row either way. */
OD_NODISCARD od_err od_lease_take(od_tx *tx, const char *name, const char *holder, int64_t now,
                                  int64_t ttl_ms, od_lease *out, od_error *e);
/* Whether holder still holds name at term at now (the fencing check a
 * job's transaction may run before its writes). */
OD_NODISCARD od_err od_lease_still_held(od_tx *tx, const char *name, const char *holder, int64_t term,
                                        int64_t now, bool *held, od_error *e);

/* The fencing check at a job's commit, in tx: like od_lease_still_held,
 * but it also locks the lease row to the commit (PostgreSQL), so another
 * node's takeover waits for this transaction and never overlaps it. */
OD_NODISCARD od_err od_lease_fence(od_tx *tx, const char *name, const char *holder, int64_t term, int64_t now,
                                   bool *held, od_error *e);

/* Whether this node may run housekeeping job `name` now: on a shared store
 * it takes or renews the job's lease for ttl_ms (one short transaction, the
 * database clock) and only while it may claim work at all (cluster.h); on a
 * single-node store always.  A run is counted for /metrics.
 * When it returns true on a shared store, every write transaction the
 * calling thread begins until od_app_housekeeping_done is fenced
 * (od_tx_thread_fence): it commits only while this node still holds the
 * lease at the term it took, by the database clock; otherwise it rolls
 * back with OD_E_CONFLICT and the round writes nothing.  Call
 * od_app_housekeeping_done after the job, whatever it returned. */
bool od_app_housekeeping(od_app *a, const char *name, int64_t ttl_ms);
/* Ends the calling thread's fence (above); harmless when none. */
void od_app_housekeeping_done(od_app *a);
/* Gives up every lease this node holds (a clean stop): others take them at
 * their next round instead of after the expiry. */
void od_app_leases_release(od_app *a);
/* Prometheus lines: per job, whether this node holds its lease, the term,
 * and how many rounds it ran here; a new string, NULL when none or no memory. */
char *od_app_lease_metrics(od_app *a);

#endif
