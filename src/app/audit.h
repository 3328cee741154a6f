/* audit.h — the audit chain's anchor outside the database (R-SEC-SYS-3;
 * docs/backup.md "Audit chain and its anchor").
 *
 * Every append also stores meta "audit_anchor": the head (last id and
 * hash) and a MAC over it (crypto_auth, HMAC-SHA-512-256) with a 32-byte
 * key kept in a file outside the database (0600, by default
 * "opsdesk-audit.key" in the database's directory).  Whoever can write the
 * database but not read the key cannot rewrite the chain consistently:
 * od_audit_verify checks the head against the anchor.  The key is
 * process-wide (one database per process), set once before threads start;
 * without a key appends write no anchor and verify does not check it. */
#ifndef OD_AUDIT_H
#define OD_AUDIT_H

#include "store/store.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

/* "<dir of db>/opsdesk-audit.key" into buf (cap bytes); NULL if too long
 * or db_path is a database server's address (PostgreSQL: no default). */
const char *od_audit_key_default_path(const char *db_path, char *buf, size_t cap);

/* Loads the key file at path and makes it the process's audit key.  With
 * create, a missing file is created (0600, never over an existing one) and
 * *created set.  OD_E_NOT_FOUND when missing (and not create), OD_E_INVALID
 * when malformed, OD_E_IO otherwise. */
OD_NODISCARD od_err od_audit_key_load(const char *path, bool create, bool *created, od_error *e);

/* Forgets the process's audit key and the anchor log loaded for verify. */
void od_audit_key_forget(void);

/* Also sends every committed anchor, one line "v1 <id> <hash> <mac>" each,
 * to an append-only file (path, created 0600; NULL = none) and/or syslog
 * (LOG_AUTHPRIV, NOTICE), outside the database and ideally outside the
 * host: `opsdesk audit verify --anchor-log FILE` then also catches a chain
 * rolled back or cut at its tail.  Call before threads start. */
OD_NODISCARD od_err od_audit_anchor_sink_open(const char *path, bool use_syslog, od_error *e);
void od_audit_anchor_sink_close(void);

/* The anchor log (lines as above) to check the chain against in the next
 * od_audit_verify calls: every line must authenticate with the key and name
 * an entry of the chain with that hash; NULL = none.  Call before threads
 * start. */
OD_NODISCARD od_err od_audit_anchor_log_check(const char *path, od_error *e);

/* For a key made just now: anchors a chain that has entries but no anchor
 * yet (a database from before anchors), so that it verifies from now on.
 * *adopted says whether it did.  Never replaces an existing anchor. */
OD_NODISCARD od_err od_audit_anchor_adopt(od_store *s, bool *adopted, od_error *e);

/* A group commit's savepoints (app/incident_group.c): the number of audit
 * entries tx has queued so far, and dropping those queued after `mark`
 * (their member was rolled back to its savepoint: never chained, so `seq`
 * stays gapless). */
size_t od_audit_mark(od_tx *tx);
void od_audit_rewind(od_tx *tx, size_t mark);

#endif
