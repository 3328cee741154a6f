/* dblock.h — one process at a time writes a database: the single-instance
 * lock of `opsdesk serve`, `init` and `restore` (docs/backup.md "One server
 * per database").
 *
 * The lock is flock(LOCK_EX) on a separate file "<db>.lock" (mode 0600),
 * held for the owner's lifetime and released by the kernel when the process
 * ends, however it ends.  A separate file, not the database itself: SQLite
 * takes POSIX (fcntl) locks on the database and drops all of a process's
 * POSIX locks on a file when any descriptor of it is closed; flock locks are
 * a separate kind on Linux and belong to the open file description, so the
 * two never interfere.  The lock file also survives a restore that renames
 * a new database into place.  The holder's pid is written into the file
 * for the message of the one refused. */
#ifndef OD_DBLOCK_H
#define OD_DBLOCK_H

#include "util/err.h"

typedef struct od_db_lock od_db_lock;

/* Takes the lock of the database at db_path, creating "<db>.lock" when
 * missing.  OD_E_CONFLICT (without waiting) when another process holds it,
 * with a message naming the database and the holder's pid; OD_E_IO when the
 * lock file cannot be created. */
OD_NODISCARD od_err od_db_lock_take(const char *db_path, od_db_lock **out, od_error *e);
/* The pid of the process holding the lock of the database at db_path, for
 * `opsdesk policy reload --db` (it signals that server): OD_OK with *pid > 0
 * when a process holds it and recorded its pid; OD_E_NOT_FOUND when nobody
 * holds it (no server runs on that database).  Never creates the lock file. */
OD_NODISCARD od_err od_db_lock_holder(const char *db_path, long *pid, od_error *e);
/* Releases the lock (the file stays).  NULL-safe. */
void od_db_lock_release(od_db_lock *l);

#endif
