/* backups.c — the backup and restore use cases over store/backup.h (see
 * backups.h).  No state; every key is wiped before it is freed. */
#include "app/backups.h"
#include "store/backup.h"

#include <stdio.h>
#include <stdlib.h>

_Static_assert(OD_APP_BACKUP_SHARE_MAX == OD_BACKUP_KEY_TEXT_MAX, "a share is a key text");

struct od_backup_keyring {
    od_backup_key key;
};

od_err od_backup_keyring_load(const char *key_file, od_backup_keyring **out, od_error *e)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = od_backup_key_load_file(key_file, &(*out)->key, e);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

void od_backup_keyring_free(od_backup_keyring *k)
{
    if (!k)
        return;
    od_backup_key_wipe(&k->key);
    free(k);
}

od_err od_app_backup_write(const char *db, const char *out, const char *key_file, bool split,
                           char s1[OD_APP_BACKUP_SHARE_MAX], char s2[OD_APP_BACKUP_SHARE_MAX], od_error *e)
{
    od_backup_key k;
    od_err rc = key_file ? od_backup_key_load_file(key_file, &k, e) : od_backup_key_generate(&k);
    od_backup_remove_leftovers(db, false);
    if (!rc)
        rc = od_backup_create(db, out, &k, od_clock_now(NULL), e);
    if (!rc && split)
        rc = od_backup_key_split(&k, s1, s2);
    od_backup_key_wipe(&k);
    return rc;
}

od_err od_app_backup_key_new(const char *key_file, char s1[OD_APP_BACKUP_SHARE_MAX],
                             char s2[OD_APP_BACKUP_SHARE_MAX], od_error *e)
{
    od_backup_key k;
    od_err rc = od_backup_key_generate(&k);
    if (!rc)
        rc = od_backup_key_save_file(&k, key_file, e);
    if (!rc)
        rc = od_backup_key_split(&k, s1, s2);
    od_backup_key_wipe(&k);
    return rc;
}

od_err od_app_restore(const char *in, const char *db, const char *key_file, const char *s1, const char *s2,
                      bool force, od_error *e)
{
    od_db_lock *lock = NULL;
    /* a running server holds the lock: its database is never replaced under it */
    od_err rc = od_app_db_lock(db, &lock, e);
    if (!rc) {
        od_backup_key k;
        od_backup_remove_leftovers(db, true);
        rc = key_file ? od_backup_key_load_file(key_file, &k, e) : od_backup_key_join(s1, s2, &k, e);
        if (!rc)
            rc = od_backup_restore(in, &k, db, force, e);
        od_backup_key_wipe(&k);
    }
    od_app_db_unlock(lock);
    return rc;
}

int od_app_backup_leftovers_remove(const char *db)
{
    return od_backup_remove_leftovers(db, true);
}

od_err od_app_backup_scheduled(od_app *a, const od_backup_keyring *k, const char *dir, int keep, int64_t at,
                               char *path, size_t n, od_error *e)
{
    char name[OD_BACKUP_FILE_NAME_MAX];
    od_backup_file_name(at, name);
    if ((size_t)snprintf(path, n, "%s/%s", dir, name) >= n)
        return od_error_set(e, OD_E_INVALID, "backup-dir", "备份路径过长 (backup path too long)");
    od_err rc = od_backup_create(od_app_store_path(a), path, &k->key, at, e);
    if (!rc)
        rc = od_backup_rotate(dir, keep, e);
    return rc;
}
