/* backup.h — encrypted online backups of the SQLite store (R-SEC-SYS-4).
 *
 * A backup is a consistent snapshot of the database (SQLite online backup
 * API, safe while the server writes in WAL mode) stream-encrypted with
 * libsodium crypto_secretstream_xchacha20poly1305.  The 32-byte backup key
 * may be split into two shares for two custodians: neither share alone says
 * anything about the key.  File format and operator guide: docs/backup.md.
 *
 * Callers: the CLI (`opsdesk backup`, `opsdesk restore`) and the scheduler
 * (`opsdesk serve --backup-dir`).  No global state; thread-safe as long as
 * two calls do not write the same output path.  Key material never appears
 * in an od_error message.  Wipe keys with od_backup_key_wipe() when done. */
#ifndef OD_BACKUP_H
#define OD_BACKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

/* A crypto_secretstream_xchacha20poly1305 key (the master backup key). */
typedef struct od_backup_key {
    unsigned char key[32];
} od_backup_key;

/* Size of the buffers the text forms are written into (NUL included). */
#define OD_BACKUP_KEY_TEXT_MAX 128
/* Longest accepted text input (whitespace included); longer is refused. */
#define OD_BACKUP_KEY_TEXT_INPUT_MAX 512
/* Length of od_backup_file_name() output: "opsdesk-YYYYMMDD-HHMMSS.odbk" + NUL. */
#define OD_BACKUP_FILE_NAME_MAX 32

/* Text forms (see docs/backup.md):
 *   whole key  "ODK1-K-"  + 72 hex digits in groups of 8 joined by '-'
 *   share 1    "ODK1-S1-" + ...
 *   share 2    "ODK1-S2-" + ...
 * The 72 hex digits are the 32 key bytes and a 4-byte checksum
 * (BLAKE2b over the role and the bytes), so a mistyped share is refused
 * before it can produce a wrong key.  Parsing ignores case, surrounding
 * whitespace and the '-'/' ' separators between digits. */

/* Fills k with a fresh random key.  OD_E_INTERNAL if libsodium cannot start. */
OD_NODISCARD od_err od_backup_key_generate(od_backup_key *k);

/* Overwrites k with zeros (sodium_memzero).  k may be NULL. */
void od_backup_key_wipe(od_backup_key *k);

/* Splits k into two shares in text form: share1 = 32 random bytes,
 * share2 = key XOR share1.  Each buffer receives a NUL-terminated string.
 * OD_E_INTERNAL if libsodium cannot start. */
OD_NODISCARD od_err od_backup_key_split(const od_backup_key *k, char share1[OD_BACKUP_KEY_TEXT_MAX],
                                        char share2[OD_BACKUP_KEY_TEXT_MAX]);

/* Joins the two text shares back into the key.  The shares may be given in
 * either order but must be one share 1 and one share 2.  OD_E_INVALID (with
 * e->field "share1" or "share2") for a malformed or mistyped share, a whole
 * key given as a share, or the same share twice.  A valid share joined with
 * a share of another key yields a different key, which restore refuses. */
OD_NODISCARD od_err od_backup_key_join(const char *share1, const char *share2, od_backup_key *k, od_error *e);

/* Whole-key text form, for --key-file.  NUL-terminated. */
OD_NODISCARD od_err od_backup_key_to_text(const od_backup_key *k, char out[OD_BACKUP_KEY_TEXT_MAX]);

/* Parses the whole-key text form.  OD_E_INVALID for anything else (a share
 * is refused with a message saying so). */
OD_NODISCARD od_err od_backup_key_from_text(const char *s, od_backup_key *k, od_error *e);

/* Reads a key file (the whole-key text form, at most 4 KiB).  OD_E_NOT_FOUND
 * if missing, OD_E_IO if unreadable, OD_E_INVALID if malformed. */
OD_NODISCARD od_err od_backup_key_load_file(const char *path, od_backup_key *k, od_error *e);

/* Writes the whole-key text form to a new file with mode 0600.  Refuses an
 * existing path (OD_E_CONFLICT).  Nothing is left behind on failure. */
OD_NODISCARD od_err od_backup_key_save_file(const od_backup_key *k, const char *path, od_error *e);

/* Takes a consistent online copy of the SQLite database at db_path (in
 * memory, about the database's size; no plaintext copy is written to disk),
 * even while other connections write in WAL mode, encrypts it to
 * out_path.tmp (0600), fsyncs and renames it to out_path (replacing an
 * existing file).  now_ms is recorded in the header.
 * Errors: OD_E_NOT_FOUND (no database), OD_E_STORE (SQLite failure, e.g.
 * not a database), OD_E_IO (file system), OD_E_INVALID (path too long).
 * On failure out_path.tmp is not left behind (a killed process may leave
 * it, encrypted; the next run replaces it). */
OD_NODISCARD od_err od_backup_create(const char *db_path, const char *out_path, const od_backup_key *k,
                                     int64_t now_ms, od_error *e);

/* Removes the plaintext leftovers of interrupted runs next to db_path:
 * "<db>.backup-XXXXXX" (temporary copies of backups taken by earlier
 * versions) and, with restore_temps, "<db>.restore-XXXXXX" (a restore
 * killed while decrypting), with their -wal/-shm/-journal files.  Only the
 * holder of the database lock (dblock.h) may pass restore_temps, so that a
 * running restore's file is never taken.  Returns how many were removed. */
int od_backup_remove_leftovers(const char *db_path, bool restore_temps);

/* Decrypts backup_path into dest_db_path, verifying the header, every chunk
 * and the final marker, then runs PRAGMA integrity_check on the result and
 * only then moves it into place.  Without force an existing dest_db_path (or
 * a stale dest_db_path-wal / -shm) is refused with OD_E_CONFLICT; with force
 * the old file is replaced and its -wal/-shm/-journal files removed.  A
 * truncated, tampered, appended-to or wrong-key file, or a result failing
 * the integrity check, gives OD_E_INVALID.  No output is left on failure. */
OD_NODISCARD od_err od_backup_restore(const char *backup_path, const od_backup_key *k,
                                      const char *dest_db_path, bool force, od_error *e);

/* Writes the scheduled-backup file name for now_ms (UTC):
 * "opsdesk-YYYYMMDD-HHMMSS.odbk".  Returns out. */
char *od_backup_file_name(int64_t now_ms, char out[OD_BACKUP_FILE_NAME_MAX]);

/* Keeps the newest `keep` (>= 1) regular files in dir whose names match
 * opsdesk-YYYYMMDD-HHMMSS.odbk exactly and deletes the older ones.  Other
 * files, directories and symlinks are never touched.  OD_E_INVALID for
 * keep < 1, OD_E_IO if dir cannot be read or a file cannot be removed,
 * OD_E_TOO_LARGE past 100000 matching files. */
OD_NODISCARD od_err od_backup_rotate(const char *dir, int keep, od_error *e);

#endif
