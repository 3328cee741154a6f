/* backups.c — the backup and restore use cases over store/backup.h (see
 * backups.h).  No state; every key is wiped before it is freed. */
#include "app/backups.h"
#include "store/backup.h"
#include "store/store.h"

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

/* These backups copy a SQLite file; a PostgreSQL database is backed up by
 * PostgreSQL's tools (docs/deploy/postgresql.md). */
static od_err not_a_file(const char *db, od_error *e)
{
    if (od_store_is_file(db))
        return OD_OK;
    return od_error_set(e, OD_E_INVALID, "db",
                        "opsdesk 的备份只适用于 SQLite 数据库文件，PostgreSQL 请用 pg_dump 或 pgBackRest "
                        "(opsdesk backups are of a SQLite database file: back up PostgreSQL with pg_dump or "
                        "pgBackRest, docs/deploy/postgresql.md)");
}

od_err od_app_backup_write(const char *db, const char *out, const char *key_file, bool split,
                           char s1[OD_APP_BACKUP_SHARE_MAX], char s2[OD_APP_BACKUP_SHARE_MAX], od_error *e)
{
    if (not_a_file(db, e))
        return OD_E_INVALID;
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
    if (not_a_file(db, e))
        return OD_E_INVALID;
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
    if (!od_store_is_file(db))
        return 0;
    return od_backup_remove_leftovers(db, true);
}

od_err od_app_backup_scheduled(od_app *a, const od_backup_keyring *k, const char *dir, int keep, int64_t at,
                               char *path, size_t n, od_error *e)
{
    if (not_a_file(od_app_store_path(a), e))
        return OD_E_INVALID;
    char name[OD_BACKUP_FILE_NAME_MAX];
    od_backup_file_name(at, name);
    if ((size_t)snprintf(path, n, "%s/%s", dir, name) >= n)
        return od_error_set(e, OD_E_INVALID, "backup-dir", "备份路径过长 (backup path too long)");
    od_err rc = od_backup_create(od_app_store_path(a), path, &k->key, at, e);
    if (!rc)
        rc = od_backup_rotate(dir, keep, e);
    return rc;
}
