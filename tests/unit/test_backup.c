/* test_backup.c — encrypted backups, key shares and rotation (store/backup.h).
 *
 * Each test works in its own mkdtemp directory under /tmp, removed at the
 * end.  The source database is a WAL-mode SQLite file a little over two
 * 64 KiB chunks, so chunk boundaries and the final chunk are exercised.
 * "Refused" always means: OD_E_INVALID, a message, and no file left in the
 * directory besides the ones the test put there. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/backup.h"

#define T0_MS 1795250580000LL /* 2026-11-21T08:43:00Z */

typedef struct fixture {
    char dir[64];
    char db[128];
    char bak[128];
    char dest[128];
    od_backup_key key;
    long bak_size;
} fixture;

/* ---- helpers ---------------------------------------------------------- */

static void path_in(const fixture *f, char *out, size_t cap, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", f->dir, name);
    assert_true(n > 0 && (size_t)n < cap);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("sql failed: %s: %s", sql, err ? err : "?");
}

static void make_db(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db,
            "PRAGMA journal_mode=WAL;"
            "CREATE TABLE incident(id INTEGER PRIMARY KEY, number TEXT UNIQUE, title TEXT, grade INTEGER, "
            "  score REAL, note TEXT, attachment BLOB);"
            "CREATE TABLE timeline(id INTEGER PRIMARY KEY, incident_id INTEGER, at_ms INTEGER, text TEXT);"
            "CREATE TABLE empty_table(x);"
            "CREATE INDEX timeline_incident ON timeline(incident_id);");
    exec_ok(db, "BEGIN");
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO incident(number,title,grade,score,note,attachment) "
                                        "VALUES(?,?,?,?,?,?)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    char num[32], title[600];
    unsigned char blob[64];
    for (int i = 0; i < 250; i++) {
        snprintf(num, sizeof num, "INC-2026-%06d", i);
        int n = snprintf(title, sizeof title, "机房 %d 号机柜断电 (rack %d power loss) ", i, i);
        for (; n < 500; n++)
            title[n] = (char)('a' + (i + n) % 26);
        title[n] = '\0';
        for (size_t j = 0; j < sizeof blob; j++)
            blob[j] = (unsigned char)(i * 7 + j);
        sqlite3_bind_text(st, 1, num, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, i % 4);
        sqlite3_bind_double(st, 4, i / 3.0);
        if (i % 5)
            sqlite3_bind_text(st, 5, "note", -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 5);
        sqlite3_bind_blob(st, 6, blob, (int)sizeof blob, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec_ok(db, "INSERT INTO timeline(incident_id, at_ms, text) SELECT id, 1795250580000 + id, "
                "'登记 registered ' || number FROM incident");
    exec_ok(db, "COMMIT");
    sqlite3_close(db);
}

/* Appends text to a growing heap string. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 4096);
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        assert_non_null(b->p);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_fmt(sbuf *b, const char *fmt, ...) OD_PRINTF(2, 3);
static void sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof tmp);
    sb_add(b, tmp, (size_t)n);
}

/* Every table's schema and rows, in rowid order, as text (blobs in hex). */
static char *dump_db(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *tables = NULL;
    sbuf b = {0};
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name, sql FROM sqlite_schema WHERE type IN ('table','index') "
                                        "ORDER BY name",
                                        -1, &tables, NULL),
                     SQLITE_OK);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        const char *sql = (const char *)sqlite3_column_text(tables, 1);
        sb_fmt(&b, "== %s\n", name);
        if (sql)
            sb_add(&b, sql, strlen(sql));
        sb_add(&b, "\n", 1);
        if (strncmp(sql ? sql : "", "CREATE TABLE", 12) != 0)
            continue;
        char q[128];
        snprintf(q, sizeof q, "SELECT * FROM \"%s\" ORDER BY rowid", name);
        sqlite3_stmt *rows = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, q, -1, &rows, NULL), SQLITE_OK);
        while (sqlite3_step(rows) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(rows); c++) {
                switch (sqlite3_column_type(rows, c)) {
                case SQLITE_NULL:
                    sb_add(&b, "NULL", 4);
                    break;
                case SQLITE_INTEGER:
                    sb_fmt(&b, "i%lld", (long long)sqlite3_column_int64(rows, c));
                    break;
                case SQLITE_FLOAT:
                    sb_fmt(&b, "f%.17g", sqlite3_column_double(rows, c));
                    break;
                case SQLITE_TEXT:
                    sb_add(&b, "t", 1);
                    sb_add(&b, (const char *)sqlite3_column_text(rows, c),
                           (size_t)sqlite3_column_bytes(rows, c));
                    break;
                default: {
                    const unsigned char *p = sqlite3_column_blob(rows, c);
                    sb_add(&b, "x", 1);
                    for (int i = 0; i < sqlite3_column_bytes(rows, c); i++)
                        sb_fmt(&b, "%02x", p[i]);
                }
                }
                sb_add(&b, "|", 1);
            }
            sb_add(&b, "\n", 1);
        }
        sqlite3_finalize(rows);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    return b.p;
}

static long file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (long)st.st_size;
}

static unsigned char *read_all(const char *path, long *n)
{
    *n = file_size(path);
    unsigned char *p = malloc((size_t)*n + 1);
    assert_non_null(p);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(p, 1, (size_t)*n, f), (size_t)*n);
    fclose(f);
    return p;
}

static void write_all(const char *path, const unsigned char *p, long n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, (size_t)n, f), (size_t)n);
    assert_int_equal(fclose(f), 0);
}

static void touch(const char *path)
{
    write_all(path, (const unsigned char *)"x", 1);
}

/* Number of directory entries besides those named in `allowed`. */
static int stray_files(const char *dir, const char *const *allowed)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok = ok || !strcmp(*a, de->d_name);
        if (!ok) {
            print_message("stray file: %s\n", de->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

static void rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    char p[1024];
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (snprintf(p, sizeof p, "%.500s/%.255s", dir, de->d_name) <= 0)
            continue;
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rm_rf(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Restore that must be refused as invalid, leaving nothing behind. */
static void expect_refused(fixture *f, const od_backup_key *k, const char *what)
{
    od_error e;
    od_error_clear(&e);
    od_err rc = od_backup_restore(f->bak, k, f->dest, false, &e);
    if (rc != OD_E_INVALID)
        fail_msg("%s: expected OD_E_INVALID, got %s (%s)", what, od_err_str(rc), e.message);
    assert_true(strlen(e.message) > 0);
    assert_true(strstr(e.message, "(") != NULL); /* Chinese, then English in parentheses */
    static const char *const allowed[] = {"src.db", "src.db-wal", "src.db-shm", "b.odbk", NULL};
    assert_int_equal(stray_files(f->dir, allowed), 0);
}

/* ---- fixture ---------------------------------------------------------- */

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/od-backup-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    path_in(f, f->db, sizeof f->db, "src.db");
    path_in(f, f->bak, sizeof f->bak, "b.odbk");
    path_in(f, f->dest, sizeof f->dest, "restored.db");
    make_db(f->db);
    if (od_backup_key_generate(&f->key) != OD_OK)
        return -1;
    od_error e;
    od_error_clear(&e);
    if (od_backup_create(f->db, f->bak, &f->key, T0_MS, &e) != OD_OK) {
        print_error("backup failed: %s\n", e.message);
        return -1;
    }
    f->bak_size = file_size(f->bak);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    rm_rf(f->dir);
    od_backup_key_wipe(&f->key);
    free(f);
    return 0;
}

static void assert_same_db(const char *a, const char *b)
{
    char *da = dump_db(a), *db = dump_db(b);
    assert_true(strlen(da) > 100000); /* the dump really holds the rows */
    assert_string_equal(da, db);
    free(da);
    free(db);
}

static void restore_ok(fixture *f, const od_backup_key *k)
{
    od_error e;
    od_error_clear(&e);
    od_err rc = od_backup_restore(f->bak, k, f->dest, false, &e);
    if (rc != OD_OK)
        fail_msg("restore failed: %s", e.message);
    assert_same_db(f->db, f->dest);
}

/* ---- tests: round trips ------------------------------------------------- */

/* The copy is taken in memory: during and after a backup nothing but the
 * database's own files and the backup exist (the setup already took one;
 * a second one, into a new name, must not leave anything either), and the
 * backup is 0600. */
static void test_no_plaintext_copy_on_disk(void **state)
{
    fixture *f = *state;
    char out[160];
    path_in(f, out, sizeof out, "second.odbk");
    od_error e;
    od_error_clear(&e);
    assert_int_equal(od_backup_create(f->db, out, &f->key, T0_MS, &e), OD_OK);
    static const char *const allowed[] = {"src.db", "src.db-wal",  "src.db-shm",
                                          "b.odbk", "second.odbk", NULL};
    assert_int_equal(stray_files(f->dir, allowed), 0);
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(od_backup_restore(out, &f->key, f->dest, false, &e), OD_OK);
    assert_same_db(f->db, f->dest);
    /* an empty database (an empty file): the copy is one empty page */
    char empty[160], eout[160], edest[160];
    path_in(f, empty, sizeof empty, "empty.db");
    path_in(f, eout, sizeof eout, "empty.odbk");
    path_in(f, edest, sizeof edest, "empty-restored.db");
    write_all(empty, (const unsigned char *)"", 0);
    assert_int_equal(od_backup_create(empty, eout, &f->key, T0_MS, &e), OD_OK);
    assert_int_equal(od_backup_restore(eout, &f->key, edest, false, &e), OD_OK);
    assert_int_equal(file_size(eout), 80 + file_size(edest) + 17);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_open(edest, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* Leftovers of interrupted runs next to the database are removed; nothing
 * else is, whatever it looks like. */
static void test_remove_leftovers(void **state)
{
    fixture *f = *state;
    static const char *const gone[] = {"src.db.backup-Ab12Xy", "src.db.backup-Ab12Xy-wal",
                                       "src.db.backup-000000-shm", "src.db.restore-9zQ3kP",
                                       "src.db.restore-9zQ3kP-journal"};
    static const char *const kept[] = {"src.db.backup-Ab12X",      /* 5 characters */
                                       "src.db.backup-Ab12Xy.txt", /* not a side file */
                                       "src.db.backup-Ab_2Xy",     /* not mkstemp's alphabet */
                                       "other.db.backup-Ab12Xy",   /* another database */
                                       "xsrc.db.backup-Ab12Xy"};
    char p[200];
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        path_in(f, p, sizeof p, gone[i]);
        touch(p);
    }
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        path_in(f, p, sizeof p, kept[i]);
        touch(p);
    }
    path_in(f, p, sizeof p, "src.db.backup-DIRxyz"); /* a directory is never removed */
    assert_int_equal(mkdir(p, 0700), 0);
    /* without restore_temps only the backup copies go */
    assert_int_equal(od_backup_remove_leftovers(f->db, false), 3);
    path_in(f, p, sizeof p, gone[3]);
    assert_int_equal(access(p, F_OK), 0);
    assert_int_equal(od_backup_remove_leftovers(f->db, true), 2);
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        path_in(f, p, sizeof p, gone[i]);
        assert_int_not_equal(access(p, F_OK), 0);
    }
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        path_in(f, p, sizeof p, kept[i]);
        assert_int_equal(access(p, F_OK), 0);
    }
    path_in(f, p, sizeof p, "src.db.backup-DIRxyz");
    assert_int_equal(access(p, F_OK), 0);
    assert_int_equal(od_backup_remove_leftovers(f->db, true), 0);
}

static void test_file_layout(void **state)
{
    fixture *f = *state;
    long n;
    unsigned char *p = read_all(f->bak, &n);
    assert_memory_equal(p, "OPSDESK-BACKUP-1", 16);
    assert_int_equal(p[19], 1); /* version */
    assert_int_equal(p[21], 1); /* chunk size 0x00010000 */
    uint64_t created = 0;
    for (int i = 24; i < 32; i++)
        created = created << 8 | p[i];
    assert_int_equal((int64_t)created, T0_MS);
    uint64_t size = 0;
    for (int i = 32; i < 40; i++)
        size = size << 8 | p[i];
    assert_true(size > 2 * 65536);            /* several chunks */
    uint64_t chunks = (size + 65535) / 65536; /* a full last chunk carries the final tag itself */
    assert_int_equal((uint64_t)n, 80 + size + chunks * 17);
    free(p);
}

static void test_restore_with_key(void **state)
{
    fixture *f = *state;
    restore_ok(f, &f->key);

    /* An existing destination is refused without force and replaced with it. */
    od_error e;
    od_error_clear(&e);
    assert_int_equal(od_backup_restore(f->bak, &f->key, f->dest, false, &e), OD_E_CONFLICT);
    assert_non_null(strstr(e.message, "--force"));
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", f->dest);
    touch(wal); /* a stale WAL of the old file must not survive a forced restore */
    od_error_clear(&e);
    assert_int_equal(od_backup_restore(f->bak, &f->key, f->dest, true, &e), OD_OK);
    assert_int_equal(access(wal, F_OK), -1);
    assert_same_db(f->db, f->dest);

    /* A stale -wal with no database would be replayed into the restored
     * file, so it is refused too without force. */
    char other[160], other_wal[170];
    path_in(f, other, sizeof other, "other.db");
    snprintf(other_wal, sizeof other_wal, "%s-wal", other);
    touch(other_wal);
    od_error_clear(&e);
    assert_int_equal(od_backup_restore(f->bak, &f->key, other, false, &e), OD_E_CONFLICT);
    assert_int_equal(access(other, F_OK), -1);
}

static void test_restore_with_shares(void **state)
{
    fixture *f = *state;
    char s1[OD_BACKUP_KEY_TEXT_MAX], s2[OD_BACKUP_KEY_TEXT_MAX];
    od_backup_key k;
    od_error e;
    assert_int_equal(od_backup_key_split(&f->key, s1, s2), OD_OK);
    assert_true(strncmp(s1, "ODK1-S1-", 8) == 0);
    assert_true(strncmp(s2, "ODK1-S2-", 8) == 0);
    assert_true(strlen(s1) < OD_BACKUP_KEY_TEXT_MAX);

    od_error_clear(&e);
    assert_int_equal(od_backup_key_join(s1, s2, &k, &e), OD_OK);
    assert_memory_equal(k.key, f->key.key, 32);
    restore_ok(f, &k);

    /* Order does not matter; typing case and spacing do not either. */
    for (char *c = s1; *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 'a' + 'A');
    char spaced[OD_BACKUP_KEY_TEXT_MAX + 8];
    snprintf(spaced, sizeof spaced, "  %s\n", s1);
    od_error_clear(&e);
    assert_int_equal(od_backup_key_join(s2, spaced, &k, &e), OD_OK);
    assert_memory_equal(k.key, f->key.key, 32);

    /* Splitting twice gives different shares of the same key. */
    char t1[OD_BACKUP_KEY_TEXT_MAX], t2[OD_BACKUP_KEY_TEXT_MAX];
    assert_int_equal(od_backup_key_split(&f->key, t1, t2), OD_OK);
    assert_true(strcasecmp(t1, s1) != 0);
    od_backup_key_wipe(&k);
}

static void test_single_share_cannot_decrypt(void **state)
{
    fixture *f = *state;
    char s1[OD_BACKUP_KEY_TEXT_MAX], s2[OD_BACKUP_KEY_TEXT_MAX];
    char o1[OD_BACKUP_KEY_TEXT_MAX], o2[OD_BACKUP_KEY_TEXT_MAX];
    od_backup_key other, k;
    od_error e;
    assert_int_equal(od_backup_key_split(&f->key, s1, s2), OD_OK);
    assert_int_equal(od_backup_key_generate(&other), OD_OK);
    assert_int_equal(od_backup_key_split(&other, o1, o2), OD_OK);

    /* The right share 1 with some other share 2 (and vice versa). */
    od_error_clear(&e);
    assert_int_equal(od_backup_key_join(s1, o2, &k, &e), OD_OK);
    expect_refused(f, &k, "share 1 + foreign share 2");
    od_error_clear(&e);
    assert_int_equal(od_backup_key_join(o1, s2, &k, &e), OD_OK);
    expect_refused(f, &k, "foreign share 1 + share 2");
    expect_refused(f, &other, "another whole key");

    od_error_clear(&e);
    assert_int_equal(od_backup_restore(f->bak, &other, f->dest, false, &e), OD_E_INVALID);
    assert_non_null(strstr(e.message, "key does not match"));
    assert_string_equal(e.field, "key");
    od_backup_key_wipe(&k);
    od_backup_key_wipe(&other);
}

/* ---- tests: damaged files --------------------------------------------- */

static void test_flip_any_byte_refused(void **state)
{
    fixture *f = *state;
    long n;
    unsigned char *orig = read_all(f->bak, &n);
    unsigned char *p = malloc((size_t)n);
    assert_non_null(p);
    /* Every header byte, both sides of each chunk boundary, the tail, and
     * a stride through everything else. */
    for (long off = 0; off < n; off++) {
        long in_chunks = off - 80;
        long pos = in_chunks % (65536 + 17);
        bool pick = off < 80 || off >= n - 40 || (in_chunks >= 0 && (pos < 24 || pos >= 65536 + 17 - 24)) ||
                    off % 997 == 0;
        if (!pick)
            continue;
        memcpy(p, orig, (size_t)n);
        p[off] ^= (unsigned char)(1u << (off % 8));
        write_all(f->bak, p, n);
        char what[64];
        snprintf(what, sizeof what, "flipped byte %ld", off);
        expect_refused(f, &f->key, what);
    }
    write_all(f->bak, orig, n);
    restore_ok(f, &f->key);
    free(p);
    free(orig);
}

static void test_truncated_refused(void **state)
{
    fixture *f = *state;
    long n;
    unsigned char *orig = read_all(f->bak, &n);
    const long cut[] = {0,
                        1,
                        15,
                        16,
                        40,
                        79,
                        80,
                        81,
                        96,
                        97,
                        80 + 65553 - 1,
                        80 + 65553,
                        80 + 65553 + 1,
                        80 + 2 * 65553,
                        n - 17,
                        n - 2,
                        n - 1};
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        write_all(f->bak, orig, cut[i]);
        char what[64];
        snprintf(what, sizeof what, "truncated to %ld", cut[i]);
        expect_refused(f, &f->key, what);
    }
    /* A cut exactly at a chunk boundary authenticates every chunk read, so
     * only the missing final marker gives it away. */
    write_all(f->bak, orig, 80 + 65553);
    od_error e;
    od_error_clear(&e);
    assert_int_equal(od_backup_restore(f->bak, &f->key, f->dest, false, &e), OD_E_INVALID);
    assert_non_null(strstr(e.message, "truncated"));
    write_all(f->bak, orig, n);
    free(orig);
}

static void test_appended_refused(void **state)
{
    fixture *f = *state;
    long n;
    unsigned char *orig = read_all(f->bak, &n);
    unsigned char *p = malloc((size_t)n + 65553);
    assert_non_null(p);
    memcpy(p, orig, (size_t)n);
    memset(p + n, 0, 65553);
    const long extra[] = {1, 16, 17, 4096, 65553};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        write_all(f->bak, p, n + extra[i]);
        char what[64];
        snprintf(what, sizeof what, "%ld bytes appended", extra[i]);
        expect_refused(f, &f->key, what);
    }
    od_error e;
    od_error_clear(&e);
    write_all(f->bak, p, n + 1);
    assert_int_equal(od_backup_restore(f->bak, &f->key, f->dest, false, &e), OD_E_INVALID);
    /* The extra byte joins the short last chunk, so it fails authentication. */
    assert_true(strstr(e.message, "extra data") || strstr(e.message, "tampered"));
    write_all(f->bak, orig, n);
    free(p);
    free(orig);
}

static void test_not_a_backup(void **state)
{
    fixture *f = *state;
    od_error e;
    unsigned char junk[96];
    memset(junk, '.', sizeof junk);
    memcpy(junk, "SQLite format 3", 16);
    write_all(f->bak, junk, (long)sizeof junk);
    expect_refused(f, &f->key, "not a backup");
    od_error_clear(&e);
    assert_int_equal(od_backup_restore(f->bak, &f->key, f->dest, false, &e), OD_E_INVALID);
    assert_non_null(strstr(e.message, "not an opsdesk backup"));

    char missing[160];
    path_in(f, missing, sizeof missing, "nope.odbk");
    od_error_clear(&e);
    assert_int_equal(od_backup_restore(missing, &f->key, f->dest, false, &e), OD_E_NOT_FOUND);
}

/* The backup carries the database's pages verbatim, so a corrupt source
 * yields a backup that decrypts but fails the integrity check. */
static void test_integrity_check_on_restore(void **state)
{
    fixture *f = *state;
    char corrupt[160];
    path_in(f, corrupt, sizeof corrupt, "corrupt.db");
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(corrupt, &db), SQLITE_OK);
    exec_ok(db, "PRAGMA page_size=4096; CREATE TABLE t(x TEXT); CREATE INDEX tx ON t(x);"
                "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<2000) "
                "INSERT INTO t SELECT printf('row-%08d', i) FROM c;");
    sqlite3_close(db);
    long n;
    unsigned char *p = read_all(corrupt, &n);
    assert_true(n > 8 * 4096);
    /* Scramble an index page's cells but keep its page type byte. */
    for (long i = 6 * 4096 + 200; i < 6 * 4096 + 3000; i++)
        p[i] = (unsigned char)(p[i] ^ 0x5a);
    write_all(corrupt, p, n);
    free(p);

    od_error e;
    od_error_clear(&e);
    od_err rc = od_backup_create(corrupt, f->bak, &f->key, T0_MS, &e);
    if (rc != OD_OK)
        fail_msg("backup of corrupt db: %s", e.message);
    od_error_clear(&e);
    assert_int_equal(od_backup_restore(f->bak, &f->key, f->dest, false, &e), OD_E_INVALID);
    assert_non_null(strstr(e.message, "integrity"));
    static const char *const allowed[] = {"src.db", "src.db-wal", "src.db-shm", "b.odbk", "corrupt.db", NULL};
    assert_int_equal(stray_files(f->dir, allowed), 0);
}

/* ---- tests: online backup under a concurrent writer --------------------- */

static void test_backup_while_writer_holds_transaction(void **state)
{
    fixture *f = *state;
    char *before = dump_db(f->db);
    sqlite3 *w = NULL;
    assert_int_equal(sqlite3_open(f->db, &w), SQLITE_OK);
    exec_ok(w, "BEGIN IMMEDIATE;"
               "INSERT INTO incident(number, title) VALUES('INC-2026-999999', 'uncommitted');"
               "UPDATE incident SET title = 'changed' WHERE id < 100;"
               "DELETE FROM timeline WHERE id > 10;");

    od_error e;
    od_error_clear(&e);
    od_err rc = od_backup_create(f->db, f->bak, &f->key, T0_MS + 1000, &e);
    if (rc != OD_OK)
        fail_msg("backup during write transaction: %s", e.message);
    exec_ok(w, "COMMIT");
    sqlite3_close(w);

    od_error_clear(&e);
    assert_int_equal(od_backup_restore(f->bak, &f->key, f->dest, false, &e), OD_OK);
    char *after = dump_db(f->dest);
    assert_string_equal(before, after); /* the committed state, none of the open transaction */
    assert_null(strstr(after, "uncommitted"));
    free(before);
    free(after);
    static const char *const allowed[] = {"src.db",      "src.db-wal",      "src.db-shm",      "b.odbk",
                                          "restored.db", "restored.db-wal", "restored.db-shm", NULL};
    assert_int_equal(stray_files(f->dir, allowed), 0);
}

static void test_backup_errors_leave_nothing(void **state)
{
    fixture *f = *state;
    od_error e;
    char missing[160], junk[160], out[160];
    path_in(f, missing, sizeof missing, "missing.db");
    path_in(f, junk, sizeof junk, "junk.db");
    path_in(f, out, sizeof out, "new.odbk");

    od_error_clear(&e);
    assert_int_equal(od_backup_create(missing, out, &f->key, T0_MS, &e), OD_E_NOT_FOUND);
    assert_int_equal(access(missing, F_OK), -1); /* not created by the attempt */

    unsigned char text[128];
    memset(text, 'x', sizeof text);
    write_all(junk, text, (long)sizeof text);
    od_error_clear(&e);
    assert_int_equal(od_backup_create(junk, out, &f->key, T0_MS, &e), OD_E_STORE);
    assert_true(strlen(e.message) > 0);

    char bad_out[200];
    path_in(f, bad_out, sizeof bad_out, "no-such-dir/x.odbk");
    od_error_clear(&e);
    assert_int_equal(od_backup_create(f->db, bad_out, &f->key, T0_MS, &e), OD_E_IO);

    static const char *const allowed[] = {"src.db", "src.db-wal", "src.db-shm", "b.odbk", "junk.db", NULL};
    assert_int_equal(stray_files(f->dir, allowed), 0);
}

/* ---- tests: key text forms ---------------------------------------------- */

static void test_key_text_roundtrip(void **state)
{
    fixture *f = *state;
    char text[OD_BACKUP_KEY_TEXT_MAX];
    od_backup_key k;
    od_error e;
    assert_int_equal(od_backup_key_to_text(&f->key, text), OD_OK);
    assert_true(strncmp(text, "ODK1-K-", 7) == 0);
    od_error_clear(&e);
    assert_int_equal(od_backup_key_from_text(text, &k, &e), OD_OK);
    assert_memory_equal(k.key, f->key.key, 32);

    /* Key files: written 0600, read back, never overwritten. */
    char kf[160];
    path_in(f, kf, sizeof kf, "backup.key");
    od_error_clear(&e);
    assert_int_equal(od_backup_key_save_file(&f->key, kf, &e), OD_OK);
    struct stat st;
    assert_int_equal(stat(kf, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    od_error_clear(&e);
    assert_int_equal(od_backup_key_save_file(&f->key, kf, &e), OD_E_CONFLICT);
    memset(&k, 0, sizeof k);
    od_error_clear(&e);
    assert_int_equal(od_backup_key_load_file(kf, &k, &e), OD_OK);
    assert_memory_equal(k.key, f->key.key, 32);
    char nokf[160];
    path_in(f, nokf, sizeof nokf, "none.key");
    od_error_clear(&e);
    assert_int_equal(od_backup_key_load_file(nokf, &k, &e), OD_E_NOT_FOUND);
    od_backup_key_wipe(&k);
}

typedef struct bad_text_case {
    const char *name;
    int mutate;         /* how to damage a good text */
    const char *expect; /* substring of the message */
} bad_text_case;

enum {
    M_CHANGE_DIGIT,
    M_SWAP_DIGITS,
    M_DROP_DIGIT,
    M_ADD_DIGIT,
    M_BAD_CHAR,
    M_BAD_PREFIX,
    M_BAD_KIND,
    M_EMPTY
};

static void mutate(char *s, int how)
{
    size_t len = strlen(s);
    char *body = s + 8; /* after "ODK1-S1-" */
    switch (how) {
    case M_CHANGE_DIGIT:
        body[5] = body[5] == '0' ? '1' : '0';
        break;
    case M_SWAP_DIGITS: {
        /* find two adjacent different digits and swap them */
        for (char *c = body; c[1]; c++)
            if (c[0] != '-' && c[1] != '-' && c[0] != c[1]) {
                char t = c[0];
                c[0] = c[1];
                c[1] = t;
                break;
            }
        break;
    }
    case M_DROP_DIGIT:
        memmove(body + 3, body + 4, len - (size_t)(body + 4 - s) + 1);
        break;
    case M_ADD_DIGIT:
        memmove(body + 4, body + 3, len - (size_t)(body + 3 - s) + 1);
        break;
    case M_BAD_CHAR:
        body[2] = 'g';
        break;
    case M_BAD_PREFIX:
        s[0] = 'X';
        break;
    case M_BAD_KIND:
        s[6] = '7';
        break;
    case M_EMPTY:
        s[0] = '\0';
        break;
    }
}

static void test_mistyped_share_refused(void **state)
{
    fixture *f = *state;
    static const bad_text_case cases[] = {
        {"one digit changed", M_CHANGE_DIGIT, "checksum mismatch"},
        {"two digits swapped", M_SWAP_DIGITS, "checksum mismatch"},
        {"digit dropped", M_DROP_DIGIT, "hex digits"},
        {"digit doubled", M_ADD_DIGIT, "hex digits"},
        {"not hex", M_BAD_CHAR, "invalid character"},
        {"wrong prefix", M_BAD_PREFIX, "ODK1-"},
        {"wrong kind", M_BAD_KIND, "unknown kind"},
        {"empty", M_EMPTY, "ODK1-"},
    };
    char s1[OD_BACKUP_KEY_TEXT_MAX + 2], s2[OD_BACKUP_KEY_TEXT_MAX];
    char orig1[OD_BACKUP_KEY_TEXT_MAX], orig2[OD_BACKUP_KEY_TEXT_MAX];
    assert_int_equal(od_backup_key_split(&f->key, orig1, orig2), OD_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int which = 1; which <= 2; which++) {
            od_backup_key k;
            od_error e;
            snprintf(s1, sizeof s1, "%s", orig1);
            snprintf(s2, sizeof s2, "%s", orig2);
            mutate(which == 1 ? s1 : s2, cases[i].mutate);
            od_error_clear(&e);
            od_err rc = od_backup_key_join(s1, s2, &k, &e);
            if (rc != OD_E_INVALID || !strstr(e.message, cases[i].expect))
                fail_msg("%s (share %d): got %s: %s", cases[i].name, which, od_err_str(rc), e.message);
            assert_string_equal(e.field, which == 1 ? "share1" : "share2");
            /* The message names the share but never echoes it. */
            assert_null(strstr(e.message, orig1 + 8));
            assert_null(strstr(e.message, orig2 + 8));
        }
    }
}

static void test_wrong_kinds_refused(void **state)
{
    fixture *f = *state;
    char s1[OD_BACKUP_KEY_TEXT_MAX], s2[OD_BACKUP_KEY_TEXT_MAX], whole[OD_BACKUP_KEY_TEXT_MAX];
    od_backup_key k;
    od_error e;
    assert_int_equal(od_backup_key_split(&f->key, s1, s2), OD_OK);
    assert_int_equal(od_backup_key_to_text(&f->key, whole), OD_OK);

    od_error_clear(&e);
    assert_int_equal(od_backup_key_join(s1, s1, &k, &e), OD_E_INVALID); /* same share twice */
    assert_non_null(strstr(e.message, "one share 1 and one share 2"));
    od_error_clear(&e);
    assert_int_equal(od_backup_key_join(s2, s2, &k, &e), OD_E_INVALID);
    od_error_clear(&e);
    assert_int_equal(od_backup_key_join(whole, s2, &k, &e), OD_E_INVALID);
    assert_non_null(strstr(e.message, "whole key"));
    od_error_clear(&e);
    assert_int_equal(od_backup_key_join(s1, NULL, &k, &e), OD_E_INVALID);
    od_error_clear(&e);
    assert_int_equal(od_backup_key_from_text(s1, &k, &e), OD_E_INVALID);
    assert_non_null(strstr(e.message, "--share1"));

    /* A share's checksum covers its kind: relabelling S1 as S2 is caught. */
    char relabel[OD_BACKUP_KEY_TEXT_MAX];
    snprintf(relabel, sizeof relabel, "%s", s1);
    relabel[6] = '2';
    od_error_clear(&e);
    assert_int_equal(od_backup_key_join(s2, relabel, &k, &e), OD_E_INVALID);
    assert_non_null(strstr(e.message, "checksum"));

    /* Oversized input is refused, not scanned without end. */
    char *big = malloc(4096);
    assert_non_null(big);
    memset(big, 'a', 4095);
    big[4095] = '\0';
    od_error_clear(&e);
    assert_int_equal(od_backup_key_from_text(big, &k, &e), OD_E_INVALID);
    assert_non_null(strstr(e.message, "too long"));
    free(big);
}

/* ---- tests: rotation -------------------------------------------------- */

static void test_file_name(void **state)
{
    (void)state;
    char name[OD_BACKUP_FILE_NAME_MAX];
    assert_string_equal(od_backup_file_name(T0_MS, name), "opsdesk-20261121-084300.odbk");
    assert_string_equal(od_backup_file_name(0, name), "opsdesk-19700101-000000.odbk");
    assert_string_equal(od_backup_file_name(T0_MS + 86399999, name), "opsdesk-20261122-084259.odbk");
}

static void test_rotate(void **state)
{
    fixture *f = *state;
    char sub[160], p[256];
    path_in(f, sub, sizeof sub, "backups");
    assert_int_equal(mkdir(sub, 0700), 0);
    const char *backups[] = {"opsdesk-20261118-020000.odbk", "opsdesk-20261121-020000.odbk",
                             "opsdesk-20261119-020000.odbk", "opsdesk-20261120-020000.odbk",
                             "opsdesk-20251231-235959.odbk"};
    const char *unrelated[] = {"notes.txt",
                               "opsdesk-2026.odbk",
                               "opsdesk-20261101-020000.odbk.tmp",
                               "opsdesk-2026110a-020000.odbk",
                               "xopsdesk-20261101-020000.odbk",
                               "opsdesk-20261101-020000.ODBK",
                               "opsdesk-20261101-020000.odbkx"};
    for (size_t i = 0; i < sizeof backups / sizeof backups[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", sub, backups[i]);
        touch(p);
    }
    for (size_t i = 0; i < sizeof unrelated / sizeof unrelated[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", sub, unrelated[i]);
        touch(p);
    }
    /* A directory and a symlink with matching names are not ours to delete. */
    snprintf(p, sizeof p, "%s/opsdesk-20200101-000000.odbk", sub);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/opsdesk-20200101-000001.odbk", sub);
    assert_int_equal(symlink("/tmp", p), 0);

    od_error e;
    od_error_clear(&e);
    assert_int_equal(od_backup_rotate(sub, 0, &e), OD_E_INVALID);
    od_error_clear(&e);
    assert_int_equal(od_backup_rotate(sub, 10, &e), OD_OK); /* fewer than keep: nothing goes */
    od_error_clear(&e);
    assert_int_equal(od_backup_rotate(sub, 2, &e), OD_OK);

    static const char *const left[] = {"opsdesk-20261121-020000.odbk",
                                       "opsdesk-20261120-020000.odbk",
                                       "notes.txt",
                                       "opsdesk-2026.odbk",
                                       "opsdesk-20261101-020000.odbk.tmp",
                                       "opsdesk-2026110a-020000.odbk",
                                       "xopsdesk-20261101-020000.odbk",
                                       "opsdesk-20261101-020000.ODBK",
                                       "opsdesk-20261101-020000.odbkx",
                                       "opsdesk-20200101-000000.odbk",
                                       "opsdesk-20200101-000001.odbk",
                                       NULL};
    assert_int_equal(stray_files(sub, left), 0);
    for (const char *const *l = left; *l; l++) {
        snprintf(p, sizeof p, "%s/%s", sub, *l);
        struct stat st;
        if (lstat(p, &st) != 0)
            fail_msg("%s was deleted", *l);
    }

    /* A scheduled run: back up under the generated name, then rotate to 1. */
    char name[OD_BACKUP_FILE_NAME_MAX];
    snprintf(p, sizeof p, "%s/%s", sub, od_backup_file_name(T0_MS + 86400000LL, name));
    od_error_clear(&e);
    assert_int_equal(od_backup_create(f->db, p, &f->key, T0_MS + 86400000LL, &e), OD_OK);
    od_error_clear(&e);
    assert_int_equal(od_backup_rotate(sub, 1, &e), OD_OK);
    assert_int_equal(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s/opsdesk-20261121-020000.odbk", sub);
    assert_int_equal(access(p, F_OK), -1);

    char missing[160];
    path_in(f, missing, sizeof missing, "no-dir");
    od_error_clear(&e);
    assert_int_equal(od_backup_rotate(missing, 3, &e), OD_E_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_plaintext_copy_on_disk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_leftovers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_with_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_with_shares, setup, teardown),
        cmocka_unit_test_setup_teardown(test_single_share_cannot_decrypt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flip_any_byte_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_appended_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_backup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integrity_check_on_restore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_while_writer_holds_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_errors_leave_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_text_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mistyped_share_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_kinds_refused, setup, teardown),
        cmocka_unit_test(test_file_name),
        cmocka_unit_test_setup_teardown(test_rotate, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
