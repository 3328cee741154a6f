/* backups.h — the backup and restore use cases (docs/backup.md) for the
 * layers above app: the administration commands of main.c and the backup
 * scheduler (sched/backup_sched.c).  The file format, encryption and key
 * shares are store/backup.h's; this header keeps them out of those layers. */
#ifndef OD_APP_BACKUPS_H
#define OD_APP_BACKUPS_H

#include "app/app.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A key share as text for a custodian (store/backup.h's key text). */
#define OD_APP_BACKUP_SHARE_MAX 128

/* A backup key held in memory for a scheduler; opaque, wiped when freed. */
typedef struct od_backup_keyring od_backup_keyring;
OD_NODISCARD od_err od_backup_keyring_load(const char *key_file, od_backup_keyring **out, od_error *e);
void od_backup_keyring_free(od_backup_keyring *k);

/* opsdesk backup: removes leftovers of interrupted backups of db, then
 * writes an encrypted backup of db to out under the key in key_file, or
 * under a new key when key_file is NULL; with split, the key's two shares
 * are returned in s1 and s2 (the caller prints them once and wipes them). */
OD_NODISCARD od_err od_app_backup_write(const char *db, const char *out, const char *key_file, bool split,
                                        char s1[OD_APP_BACKUP_SHARE_MAX], char s2[OD_APP_BACKUP_SHARE_MAX],
                                        od_error *e);
/* opsdesk backup-key new: a new key written to key_file (0600, never over an
 * existing file) and its two shares. */
OD_NODISCARD od_err od_app_backup_key_new(const char *key_file, char s1[OD_APP_BACKUP_SHARE_MAX],
                                          char s2[OD_APP_BACKUP_SHARE_MAX], od_error *e);
/* opsdesk restore: under db's lock (refused while a server holds it),
 * leftovers removed, the backup in restored over db with the key in key_file
 * or the two shares s1, s2; force replaces an existing database. */
OD_NODISCARD od_err od_app_restore(const char *in, const char *db, const char *key_file, const char *s1,
                                   const char *s2, bool force, od_error *e);
/* Removes leftovers of interrupted backups and restores of db; returns how many. */
int od_app_backup_leftovers_remove(const char *db);

/* One scheduled backup of the app's database named at `at` into dir, then
 * rotation to the newest keep; *path (size n) receives the file written. */
OD_NODISCARD od_err od_app_backup_scheduled(od_app *a, const od_backup_keyring *k, const char *dir, int keep,
                                            int64_t at, char *path, size_t n, od_error *e);

#endif
