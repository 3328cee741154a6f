/* backup.c — encrypted online backups, key shares and rotation (backup.h).
 *
 * Invariants:
 *  1. Nothing partial is ever visible under a final name: a backup is
 *     written to out.tmp and renamed after fsync; a restore is written to a
 *     mkstemp file next to the destination and moved into place only after
 *     every chunk authenticated, the final tag was seen at end of file, the
 *     size matched the header and PRAGMA integrity_check said "ok".
 *  2. Every failure path removes what this call created (temporary copy,
 *     out.tmp, restore temp and its -wal/-shm) and wipes key material.
 *  3. Reads are bounded: a fixed 80-byte header and chunks of at most
 *     64 KiB + 17 bytes; text inputs are capped.
 *  4. Messages never contain key or share text.
 *
 * Format (big-endian; docs/backup.md has the operator's version):
 *    0 16  magic "OPSDESK-BACKUP-1"
 *   16  4  format version (1)
 *   20  4  plaintext chunk size (65536)
 *   24  8  created-at, ms since the epoch (int64)
 *   32  8  plaintext size in bytes
 *   40 16  key check: BLAKE2b-128 of bytes 0..39, keyed with subkey 1
 *   56 24  crypto_secretstream header
 *   80 ..  chunks: ciphertext of 65536 plaintext bytes + 17 each, tagged
 *          MESSAGE; the last one holds 1..65536 bytes (0 only for an empty
 *          file) and is tagged TAG_FINAL.  Bytes 0..79 are the additional
 *          data of every chunk.
 * Subkeys come from the master key with crypto_kdf (context "odbackup"):
 * id 1 = key check, id 2 = stream key. */
#include "store/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#define MAGIC "OPSDESK-BACKUP-1"
#define MAGIC_LEN 16
#define FORMAT_VERSION 1u
#define CHUNK 65536u
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define KEYCHECK_OFF 40
#define KEYCHECK_LEN 16
#define SSHDR_OFF 56
#define HEADER_LEN (SSHDR_OFF + SS_HEADER)
#define KDF_CONTEXT "odbackup"
#define SUBKEY_CHECK 1
#define SUBKEY_STREAM 2

#define KEYTEXT_PREFIX "ODK1-"
#define KEYTEXT_CKSUM 4
#define KEYTEXT_HEX ((32 + KEYTEXT_CKSUM) * 2)
#define KEYFILE_MAX 4096

#define BUSY_RETRIES 200 /* x 50 ms: a backup waits up to ~10 s for a lock */
#define ROTATE_MAX 100000

_Static_assert(HEADER_LEN == 80, "header layout");
_Static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == sizeof(((od_backup_key *)0)->key),
               "key size");
_Static_assert(crypto_kdf_KEYBYTES == 32, "kdf key size");

/* ---- small helpers --------------------------------------------------- */

static od_err sodium_ready(od_error *e)
{
    if (sodium_init() < 0)
        return od_error_set(e, OD_E_INTERNAL, NULL, "加密库初始化失败 (libsodium failed to initialise)");
    return OD_OK;
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Writes "<a><b>" into out; OD_E_INVALID if it does not fit. */
static od_err path_join(char *out, size_t cap, const char *a, const char *b, od_error *e)
{
    int n = snprintf(out, cap, "%s%s", a, b);
    if (n < 0 || (size_t)n >= cap)
        return od_error_set(e, OD_E_INVALID, "path", "路径过长 (path too long: %.64s...)", a);
    return OD_OK;
}

/* Directory part of path into out ("." when there is none). */
static od_err dir_of(const char *path, char *out, size_t cap, od_error *e)
{
    const char *slash = strrchr(path, '/');
    int n;
    if (!slash)
        n = snprintf(out, cap, ".");
    else if (slash == path)
        n = snprintf(out, cap, "/");
    else
        n = snprintf(out, cap, "%.*s", (int)(slash - path), path);
    if (n < 0 || (size_t)n >= cap)
        return od_error_set(e, OD_E_INVALID, "path", "路径过长 (path too long: %.64s...)", path);
    return OD_OK;
}

/* fsync a directory so a rename in it is durable.  Best effort is not
 * enough for backups, so a failure is reported. */
static od_err fsync_dir(const char *dir, od_error *e)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return od_error_set(e, OD_E_IO, NULL, "无法打开目录 %s (cannot open directory %s: %s)", dir, dir,
                            strerror(errno));
    int rc = fsync(fd);
    int err = errno;
    close(fd);
    if (rc != 0 && err != EINVAL)
        return od_error_set(e, OD_E_IO, NULL, "目录同步失败 %s (fsync of directory %s failed: %s)", dir, dir,
                            strerror(err));
    return OD_OK;
}

/* Removes path and its SQLite side files; ENOENT is not an error. */
static void unlink_db_files(const char *path)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char buf[PATH_MAX];
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        int n = snprintf(buf, sizeof buf, "%s%s", path, sfx[i]);
        if (n > 0 && (size_t)n < sizeof buf)
            (void)unlink(buf);
    }
}

static bool file_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 || errno != ENOENT;
}

/* ---- key text forms --------------------------------------------------- */

enum key_role { ROLE_KEY = 'K', ROLE_SHARE1 = '1', ROLE_SHARE2 = '2' };

static const char *role_tag(enum key_role r)
{
    return r == ROLE_KEY ? "K" : r == ROLE_SHARE1 ? "S1" : "S2";
}

static void key_checksum(enum key_role r, const unsigned char bytes[32], unsigned char out[KEYTEXT_CKSUM])
{
    unsigned char msg[5 + 32];
    memcpy(msg, "ODK1", 4);
    msg[4] = (unsigned char)r;
    memcpy(msg + 5, bytes, 32);
    crypto_generichash(out, KEYTEXT_CKSUM, msg, sizeof msg, NULL, 0);
    sodium_memzero(msg, sizeof msg);
}

/* "ODK1-<tag>-" + 9 groups of 8 hex digits joined by '-'. */
static void key_encode(enum key_role r, const unsigned char bytes[32], char out[OD_BACKUP_KEY_TEXT_MAX])
{
    static const char hexd[] = "0123456789abcdef";
    unsigned char raw[32 + KEYTEXT_CKSUM];
    memcpy(raw, bytes, 32);
    key_checksum(r, bytes, raw + 32);
    int pos = snprintf(out, OD_BACKUP_KEY_TEXT_MAX, "%s%s", KEYTEXT_PREFIX, role_tag(r));
    for (size_t i = 0; i < sizeof raw; i++) {
        if (i % 4 == 0)
            out[pos++] = '-';
        out[pos++] = hexd[raw[i] >> 4];
        out[pos++] = hexd[raw[i] & 15];
    }
    out[pos] = '\0';
    sodium_memzero(raw, sizeof raw);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* How an input is named in messages. */
struct key_label {
    const char *zh, *en, *field;
};
static const struct key_label LABEL_KEY = {"密钥", "key", "key"};
static const struct key_label LABEL_SHARE1 = {"份额1", "share 1", "share1"};
static const struct key_label LABEL_SHARE2 = {"份额2", "share 2", "share2"};

/* Trims whitespace, checks the "ODK1-<kind>-" prefix and sets *role; on
 * success *s / *len describe the rest (the digits). */
static od_err parse_prefix(const char **s, size_t *len, const struct key_label *l, enum key_role *role,
                           od_error *e)
{
    static const struct {
        const char *tag;
        enum key_role role;
    } kinds[] = {{"K-", ROLE_KEY}, {"S1-", ROLE_SHARE1}, {"S2-", ROLE_SHARE2}};
    const char *p = *s;
    size_t n = strnlen(p, OD_BACKUP_KEY_TEXT_INPUT_MAX + 1);
    if (n > OD_BACKUP_KEY_TEXT_INPUT_MAX)
        return od_error_set(e, OD_E_INVALID, l->field, "%s过长 (%s is too long)", l->zh, l->en);
    while (n > 0 && is_space(p[n - 1]))
        n--;
    while (n > 0 && is_space(*p)) {
        p++;
        n--;
    }
    size_t plen = strlen(KEYTEXT_PREFIX);
    if (n < plen || strncasecmp(p, KEYTEXT_PREFIX, plen) != 0)
        return od_error_set(e, OD_E_INVALID, l->field,
                            "%s格式不对，应以 ODK1- 开头 (%s is not an opsdesk key: expected text starting "
                            "with ODK1-)",
                            l->zh, l->en);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t tlen = strlen(kinds[i].tag);
        if (n >= plen + tlen && strncasecmp(p + plen, kinds[i].tag, tlen) == 0) {
            *role = kinds[i].role;
            *s = p + plen + tlen;
            *len = n - plen - tlen;
            return OD_OK;
        }
    }
    return od_error_set(e, OD_E_INVALID, l->field,
                        "%s类型标记无法识别，应为 ODK1-K-、ODK1-S1- 或 ODK1-S2- (%s has an unknown kind: "
                        "expected ODK1-K-, ODK1-S1- or ODK1-S2-)",
                        l->zh, l->en);
}

/* Decodes exactly KEYTEXT_HEX hex digits (separators '-' and ' ' skipped)
 * from s[0..len) into raw. */
static od_err parse_digits(const char *s, size_t len, const struct key_label *l,
                           unsigned char raw[32 + KEYTEXT_CKSUM], od_error *e)
{
    size_t nd = 0;
    int hi = -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '-' || s[i] == ' ')
            continue;
        int v = hexval(s[i]);
        if (v < 0)
            return od_error_set(
                e, OD_E_INVALID, l->field,
                "%s中有非十六进制字符（数字部分第 %zu 个字符） (%s has an invalid character at "
                "position %zu of its digits)",
                l->zh, i + 1, l->en, i + 1);
        if (nd < KEYTEXT_HEX) {
            if (hi < 0) {
                hi = v;
            } else {
                raw[nd / 2] = (unsigned char)(hi << 4 | v);
                hi = -1;
            }
        }
        nd++;
    }
    if (nd != KEYTEXT_HEX)
        return od_error_set(e, OD_E_INVALID, l->field,
                            "%s长度不对：应有 %d 个十六进制数字，实际 %zu 个，可能漏抄或多抄 (%s has %zu hex "
                            "digits, expected %d: probably mistyped)",
                            l->zh, KEYTEXT_HEX, nd, l->en, nd, KEYTEXT_HEX);
    return OD_OK;
}

/* Parses any text form into bytes and reports which role it carries. */
static od_err key_decode(const char *s, const struct key_label *l, enum key_role *role,
                         unsigned char bytes[32], od_error *e)
{
    unsigned char raw[32 + KEYTEXT_CKSUM];
    unsigned char sum[KEYTEXT_CKSUM];
    size_t len = 0;
    od_err rc;
    if (!s)
        return od_error_set(e, OD_E_INVALID, l->field, "缺少%s (%s is missing)", l->zh, l->en);
    if ((rc = parse_prefix(&s, &len, l, role, e)) || (rc = parse_digits(s, len, l, raw, e)))
        goto out;
    key_checksum(*role, raw, sum);
    if (sodium_memcmp(sum, raw + 32, KEYTEXT_CKSUM) != 0) {
        rc = od_error_set(e, OD_E_INVALID, l->field,
                          "%s校验和不符，可能抄写有误，请逐字核对 (%s checksum mismatch: probably mistyped, "
                          "check it character by character)",
                          l->zh, l->en);
        goto out;
    }
    memcpy(bytes, raw, 32);
out:
    sodium_memzero(raw, sizeof raw);
    return rc;
}

od_err od_backup_key_generate(od_backup_key *k)
{
    if (sodium_ready(NULL))
        return OD_E_INTERNAL;
    crypto_secretstream_xchacha20poly1305_keygen(k->key);
    return OD_OK;
}

void od_backup_key_wipe(od_backup_key *k)
{
    if (k)
        sodium_memzero(k->key, sizeof k->key);
}

od_err od_backup_key_split(const od_backup_key *k, char share1[OD_BACKUP_KEY_TEXT_MAX],
                           char share2[OD_BACKUP_KEY_TEXT_MAX])
{
    unsigned char a[32], b[32];
    if (sodium_ready(NULL))
        return OD_E_INTERNAL;
    randombytes_buf(a, sizeof a);
    for (size_t i = 0; i < sizeof b; i++)
        b[i] = (unsigned char)(k->key[i] ^ a[i]);
    key_encode(ROLE_SHARE1, a, share1);
    key_encode(ROLE_SHARE2, b, share2);
    sodium_memzero(a, sizeof a);
    sodium_memzero(b, sizeof b);
    return OD_OK;
}

od_err od_backup_key_join(const char *share1, const char *share2, od_backup_key *k, od_error *e)
{
    unsigned char a[32], b[32];
    enum key_role ra, rb;
    od_err rc = sodium_ready(e);
    if (rc)
        return rc;
    rc = key_decode(share1, &LABEL_SHARE1, &ra, a, e);
    if (rc)
        goto out;
    rc = key_decode(share2, &LABEL_SHARE2, &rb, b, e);
    if (rc)
        goto out;
    if (ra == ROLE_KEY || rb == ROLE_KEY) {
        rc =
            od_error_set(e, OD_E_INVALID, ra == ROLE_KEY ? "share1" : "share2",
                         "给出的是完整密钥而不是份额，请使用密钥文件 (a whole key was given where a share is "
                         "expected; use --key-file instead)");
        goto out;
    }
    if (ra == rb) {
        rc = od_error_set(
            e, OD_E_INVALID, "share2",
            "两个份额都是份额%s，需要份额1和份额2各一份 (both shares are share %s: one share 1 and "
            "one share 2 are needed)",
            ra == ROLE_SHARE1 ? "1" : "2", ra == ROLE_SHARE1 ? "1" : "2");
        goto out;
    }
    for (size_t i = 0; i < sizeof k->key; i++)
        k->key[i] = (unsigned char)(a[i] ^ b[i]);
    if (sodium_is_zero(k->key, sizeof k->key)) {
        /* Only possible for hand-made shares; never a real key. */
        od_backup_key_wipe(k);
        rc = od_error_set(e, OD_E_INVALID, "share2", "两个份额相同 (the two shares are identical)");
        goto out;
    }
out:
    sodium_memzero(a, sizeof a);
    sodium_memzero(b, sizeof b);
    return rc;
}

od_err od_backup_key_to_text(const od_backup_key *k, char out[OD_BACKUP_KEY_TEXT_MAX])
{
    if (sodium_ready(NULL))
        return OD_E_INTERNAL;
    key_encode(ROLE_KEY, k->key, out);
    return OD_OK;
}

od_err od_backup_key_from_text(const char *s, od_backup_key *k, od_error *e)
{
    enum key_role r;
    unsigned char b[32];
    od_err rc = sodium_ready(e);
    if (rc)
        return rc;
    rc = key_decode(s, &LABEL_KEY, &r, b, e);
    if (rc)
        goto out;
    if (r != ROLE_KEY) {
        rc = od_error_set(
            e, OD_E_INVALID, "key",
            "这是密钥份额%s，不是完整密钥；请用 --share1 和 --share2 同时给出两个份额 (this is key "
            "share %s, not a whole key: give both shares with --share1 and --share2)",
            r == ROLE_SHARE1 ? "1" : "2", r == ROLE_SHARE1 ? "1" : "2");
        goto out;
    }
    memcpy(k->key, b, sizeof k->key);
out:
    sodium_memzero(b, sizeof b);
    return rc;
}

od_err od_backup_key_load_file(const char *path, od_backup_key *k, od_error *e)
{
    char buf[KEYFILE_MAX + 1];
    od_err rc = OD_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return od_error_set(e, OD_E_NOT_FOUND, "key_file", "密钥文件不存在 %s (key file not found: %s)",
                                path, path);
        return od_error_set(e, OD_E_IO, "key_file", "无法打开密钥文件 %s (cannot open key file %s: %s)", path,
                            path, strerror(errno));
    }
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = od_error_set(e, OD_E_IO, "key_file", "读取密钥文件失败 %s (cannot read key file %s: %s)",
                              path, path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n == sizeof buf - 1) {
            rc = od_error_set(e, OD_E_INVALID, "key_file",
                              "密钥文件过大，不像密钥文件 %s (key file %s is too large to be a key file)",
                              path, path);
            goto out;
        }
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        rc = od_error_set(e, OD_E_INVALID, "key_file", "密钥文件含有二进制内容 %s (key file %s is not text)",
                          path, path);
        goto out;
    }
    rc = od_backup_key_from_text(buf, k, e);
out:
    sodium_memzero(buf, sizeof buf);
    close(fd);
    return rc;
}

od_err od_backup_key_save_file(const od_backup_key *k, const char *path, od_error *e)
{
    char text[OD_BACKUP_KEY_TEXT_MAX + 1];
    od_err rc = sodium_ready(e);
    if (rc)
        return rc;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return od_error_set(e, OD_E_CONFLICT, "key_file",
                                "密钥文件已存在，不会覆盖 %s (key file %s already exists; not overwriting)",
                                path, path);
        return od_error_set(e, OD_E_IO, "key_file", "无法创建密钥文件 %s (cannot create key file %s: %s)",
                            path, path, strerror(errno));
    }
    key_encode(ROLE_KEY, k->key, text);
    size_t len = strlen(text);
    text[len++] = '\n';
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (off != len || fsync(fd) != 0)
        rc = od_error_set(e, OD_E_IO, "key_file", "写入密钥文件失败 %s (cannot write key file %s: %s)", path,
                          path, strerror(errno));
    if (close(fd) != 0 && !rc)
        rc = od_error_set(e, OD_E_IO, "key_file", "写入密钥文件失败 %s (cannot write key file %s: %s)", path,
                          path, strerror(errno));
    if (rc)
        (void)unlink(path);
    sodium_memzero(text, sizeof text);
    return rc;
}

/* ---- header ----------------------------------------------------------- */

struct subkeys {
    unsigned char check[32];
    unsigned char stream[32];
};

static void derive_subkeys(const od_backup_key *k, struct subkeys *sk)
{
    crypto_kdf_derive_from_key(sk->check, sizeof sk->check, SUBKEY_CHECK, KDF_CONTEXT, k->key);
    crypto_kdf_derive_from_key(sk->stream, sizeof sk->stream, SUBKEY_STREAM, KDF_CONTEXT, k->key);
}

static void header_keycheck(const struct subkeys *sk, const unsigned char hdr[HEADER_LEN],
                            unsigned char out[KEYCHECK_LEN])
{
    crypto_generichash(out, KEYCHECK_LEN, hdr, KEYCHECK_OFF, sk->check, sizeof sk->check);
}

/* ---- create ----------------------------------------------------------- */

/* Copies db_path into memory with the online backup API in one step, so
 * the copy is one read transaction's snapshot.  The copy lives in a private
 * in-memory database (the "memdb" VFS): a plaintext copy never touches the
 * disk, and a backup killed half-way leaves nothing behind.  *data points
 * into *mem (valid until it is closed); the cost is memory about the size
 * of the database. */
static od_err snapshot_db(const char *db_path, sqlite3 **mem, const unsigned char **data, uint64_t *size,
                          od_error *e)
{
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *b = NULL;
    od_err rc = OD_OK;
    *mem = NULL;
    *data = NULL;
    *size = 0;
    int src_rc = sqlite3_open_v2(db_path, &src, SQLITE_OPEN_READWRITE, NULL);
    if (src_rc != SQLITE_OK) {
        rc = od_error_set(e, OD_E_STORE, "db", "无法打开数据库 %s (cannot open database %s: %s)", db_path,
                          db_path, src ? sqlite3_errmsg(src) : sqlite3_errstr(src_rc));
        goto out;
    }
    /* a name without a leading '/': private to this connection */
    if (sqlite3_open_v2("odbk-snapshot", &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "memdb") !=
        SQLITE_OK) {
        rc = od_error_set(e, OD_E_STORE, NULL, "无法创建内存副本 (cannot create the in-memory copy: %s)",
                          dst ? sqlite3_errmsg(dst) : "out of memory");
        goto out;
    }
    b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        rc = od_error_set(e, OD_E_STORE, "db", "无法开始在线备份 (cannot start online backup: %s)",
                          sqlite3_errmsg(dst));
        goto out;
    }
    int step_rc;
    int tries = 0;
    for (;;) {
        step_rc = sqlite3_backup_step(b, -1);
        if ((step_rc == SQLITE_BUSY || step_rc == SQLITE_LOCKED) && ++tries < BUSY_RETRIES) {
            sqlite3_sleep(50);
            continue;
        }
        break;
    }
    int fin_rc = sqlite3_backup_finish(b);
    b = NULL;
    if (step_rc != SQLITE_DONE || fin_rc != SQLITE_OK) {
        int code = step_rc != SQLITE_DONE ? step_rc : fin_rc;
        rc = od_error_set(e, OD_E_STORE, "db", "在线备份失败 %s (online backup of %s failed: %s)", db_path,
                          db_path, sqlite3_errstr(code));
        goto out;
    }
    sqlite3_int64 n = 0;
    /* NOCOPY: the memdb's own buffer, no second copy */
    *data = sqlite3_serialize(dst, "main", &n, SQLITE_SERIALIZE_NOCOPY);
    if (!*data && n > 0) {
        rc = od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory for the in-memory copy)");
        goto out;
    }
    *size = n > 0 ? (uint64_t)n : 0;
out:
    if (rc) {
        sqlite3_close(dst);
        dst = NULL;
    }
    *mem = dst;
    sqlite3_close(src);
    return rc;
}

/* An open file and its name (for messages). */
typedef struct named_file {
    FILE *f;
    const char *path;
} named_file;

/* Reads up to cap bytes; sets *n.  OD_E_IO on a read error. */
static od_err read_full(const named_file *nf, unsigned char *buf, size_t cap, size_t *n, od_error *e)
{
    *n = fread(buf, 1, cap, nf->f);
    if (*n < cap && ferror(nf->f))
        return od_error_set(e, OD_E_IO, NULL, "读取失败 %s (read error on %s)", nf->path, nf->path);
    return OD_OK;
}

/* True at end of file; false (with the byte pushed back) otherwise. */
static od_err at_eof(const named_file *nf, bool *eof, od_error *e)
{
    int c = fgetc(nf->f);
    if (c == EOF && ferror(nf->f))
        return od_error_set(e, OD_E_IO, NULL, "读取失败 %s (read error on %s)", nf->path, nf->path);
    *eof = c == EOF;
    if (!*eof)
        ungetc(c, nf->f);
    return OD_OK;
}

/* What encrypt_stream works on. */
struct enc_job {
    const unsigned char *data; /* the plaintext snapshot (in memory) */
    uint64_t size;             /* its size in bytes */
    named_file out;            /* the backup being written */
    int64_t now_ms;            /* recorded as created-at */
};

/* Writes the header and the encrypted chunks of j->in to j->out. */
static od_err encrypt_stream(const struct enc_job *j, const od_backup_key *k, od_error *e)
{
    crypto_secretstream_xchacha20poly1305_state st;
    struct subkeys sk;
    unsigned char hdr[HEADER_LEN];
    unsigned char *ct = malloc(CHUNK + ABYTES);
    uint64_t off = 0;
    bool final = false;
    od_err rc = OD_OK;
    if (!ct) {
        rc = od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
        goto out;
    }
    derive_subkeys(k, &sk);
    memcpy(hdr, MAGIC, MAGIC_LEN);
    put_be(hdr + 16, FORMAT_VERSION, 4);
    put_be(hdr + 20, CHUNK, 4);
    put_be(hdr + 24, (uint64_t)j->now_ms, 8);
    put_be(hdr + 32, j->size, 8);
    header_keycheck(&sk, hdr, hdr + KEYCHECK_OFF);
    crypto_secretstream_xchacha20poly1305_init_push(&st, hdr + SSHDR_OFF, sk.stream);
    if (fwrite(hdr, 1, sizeof hdr, j->out.f) != sizeof hdr)
        goto write_err;
    /* the last chunk (TAG_FINAL) holds 1..CHUNK bytes, 0 only for an empty file */
    while (!final) {
        size_t n = j->size - off > CHUNK ? CHUNK : (size_t)(j->size - off);
        unsigned long long clen;
        final = off + n == j->size;
        crypto_secretstream_xchacha20poly1305_push(&st, ct, &clen, j->data + off, n, hdr, sizeof hdr,
                                                   final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                         : 0);
        off += n;
        if (fwrite(ct, 1, (size_t)clen, j->out.f) != (size_t)clen)
            goto write_err;
    }
    goto out;
write_err:
    rc = od_error_set(e, OD_E_IO, "out", "写入备份文件失败 %s (cannot write backup file %s: %s)", j->out.path,
                      j->out.path, strerror(errno));
out:
    sodium_memzero(&st, sizeof st);
    sodium_memzero(&sk, sizeof sk);
    free(ct);
    return rc;
}

/* Opens path for writing as a private file, truncating it, never following
 * a symlink. */
static od_err open_private(const char *path, FILE **f, od_error *e)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return od_error_set(e, OD_E_IO, "out", "无法创建文件 %s (cannot create %s: %s)", path, path,
                            strerror(errno));
    *f = fdopen(fd, "wb");
    if (!*f) {
        close(fd);
        return od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    }
    return OD_OK;
}

/* fflush + fsync + fclose; the FILE is closed whatever happens. */
static od_err close_synced(FILE *f, const char *path, od_error *e)
{
    int err = 0;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        err = errno;
    if (fclose(f) != 0 && !err)
        err = errno;
    if (err)
        return od_error_set(e, OD_E_IO, NULL, "写入失败 %s (cannot write %s: %s)", path, path, strerror(err));
    return OD_OK;
}

/* Checks db_path names an existing regular file. */
static od_err check_source(const char *db_path, od_error *e)
{
    struct stat st;
    if (stat(db_path, &st) != 0) {
        if (errno == ENOENT)
            return od_error_set(e, OD_E_NOT_FOUND, "db", "数据库不存在 %s (database not found: %s)", db_path,
                                db_path);
        return od_error_set(e, OD_E_IO, "db", "无法访问数据库 %s (cannot access database %s: %s)", db_path,
                            db_path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return od_error_set(e, OD_E_INVALID, "db", "不是普通文件 %s (not a regular file: %s)", db_path,
                            db_path);
    return OD_OK;
}

/* Encrypts the snapshot (data, size) into out_tmp (created here, fsynced). */
static od_err encrypt_to(const unsigned char *data, uint64_t size, const char *out_tmp,
                         const od_backup_key *k, int64_t now_ms, od_error *e)
{
    struct enc_job j = {.data = data, .size = size, .out = {NULL, out_tmp}, .now_ms = now_ms};
    od_err rc = OD_OK;
    if ((rc = open_private(out_tmp, &j.out.f, e)) || (rc = encrypt_stream(&j, k, e)))
        goto out;
    rc = close_synced(j.out.f, out_tmp, e);
    j.out.f = NULL;
out:
    if (j.out.f)
        fclose(j.out.f);
    return rc;
}

od_err od_backup_create(const char *db_path, const char *out_path, const od_backup_key *k, int64_t now_ms,
                        od_error *e)
{
    char out_tmp[PATH_MAX] = "", out_dir[PATH_MAX];
    sqlite3 *mem = NULL;
    const unsigned char *data = NULL;
    uint64_t size = 0;
    od_err rc = sodium_ready(e);
    if (rc || (rc = check_source(db_path, e)))
        return rc;
    if ((rc = path_join(out_tmp, sizeof out_tmp, out_path, ".tmp", e)) ||
        (rc = dir_of(out_path, out_dir, sizeof out_dir, e)))
        return rc;
    if ((rc = snapshot_db(db_path, &mem, &data, &size, e)) ||
        (rc = encrypt_to(data, size, out_tmp, k, now_ms, e)))
        goto out;
    if (rename(out_tmp, out_path) != 0) {
        rc = od_error_set(e, OD_E_IO, "out", "无法把备份移到 %s (cannot rename backup to %s: %s)", out_path,
                          out_path, strerror(errno));
        goto out;
    }
    rc = fsync_dir(out_dir, e);
out:
    if (rc)
        (void)unlink(out_tmp);
    sqlite3_close(mem); /* frees the in-memory copy */
    return rc;
}

/* True for "<base><tag>XXXXXX" (a mkstemp name) and its -wal, -shm and
 * -journal files. */
static bool is_leftover(const char *name, const char *base, const char *tag)
{
    size_t bl = strlen(base), tl = strlen(tag);
    if (strncmp(name, base, bl) != 0 || strncmp(name + bl, tag, tl) != 0)
        return false;
    const char *x = name + bl + tl;
    for (int i = 0; i < 6; i++)
        if (!((x[i] >= 'a' && x[i] <= 'z') || (x[i] >= 'A' && x[i] <= 'Z') || (x[i] >= '0' && x[i] <= '9')))
            return false;
    x += 6;
    return !*x || !strcmp(x, "-wal") || !strcmp(x, "-shm") || !strcmp(x, "-journal");
}

int od_backup_remove_leftovers(const char *db_path, bool restore_temps)
{
    char dir[PATH_MAX], p[PATH_MAX];
    if (dir_of(db_path, dir, sizeof dir, NULL))
        return 0;
    const char *slash = strrchr(db_path, '/');
    const char *base = slash ? slash + 1 : db_path;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int removed = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!is_leftover(de->d_name, base, ".backup-") &&
            !(restore_temps && is_leftover(de->d_name, base, ".restore-")))
            continue;
        struct stat st;
        int n = snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (n > 0 && (size_t)n < sizeof p && lstat(p, &st) == 0 && S_ISREG(st.st_mode) && unlink(p) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

/* ---- restore ---------------------------------------------------------- */

static od_err bad_file(od_error *e, const char *path, const char *zh, const char *en)
{
    return od_error_set(e, OD_E_INVALID, "in", "备份文件 %s %s (backup file %s %s)", path, zh, path, en);
}

/* Reads and checks the header; leaves the stream state ready to pull. */
static od_err read_header(const named_file *in, const struct subkeys *sk, unsigned char hdr[HEADER_LEN],
                          crypto_secretstream_xchacha20poly1305_state *st, od_error *e)
{
    size_t n;
    unsigned char check[KEYCHECK_LEN];
    const char *path = in->path;
    od_err rc = read_full(in, hdr, HEADER_LEN, &n, e);
    if (rc)
        return rc;
    if (n >= MAGIC_LEN && memcmp(hdr, MAGIC, MAGIC_LEN) != 0)
        return bad_file(e, path, "不是 opsdesk 备份文件", "is not an opsdesk backup (wrong magic)");
    if (n < HEADER_LEN)
        return bad_file(e, path, "被截断（文件头不完整）", "is truncated (incomplete header)");
    uint64_t version = get_be(hdr + 16, 4);
    if (version != FORMAT_VERSION)
        return od_error_set(
            e, OD_E_INVALID, "in",
            "备份文件 %s 的格式版本 %llu 不受支持 (backup file %s has unsupported format version "
            "%llu; this program reads version %u)",
            path, (unsigned long long)version, path, (unsigned long long)version, FORMAT_VERSION);
    if (get_be(hdr + 20, 4) != CHUNK)
        return bad_file(e, path, "的文件头已损坏（块大小不对）", "has a damaged header (bad chunk size)");
    header_keycheck(sk, hdr, check);
    if (sodium_memcmp(check, hdr + KEYCHECK_OFF, KEYCHECK_LEN) != 0)
        return od_error_set(
            e, OD_E_INVALID, "key",
            "密钥与备份文件 %s 不匹配（或文件头已损坏）；若用份额恢复，请确认两个份额属于同一把密钥 "
            "(the key does not match backup file %s, or its header is damaged; when using "
            "shares, check both belong to the same key)",
            path, path);
    if (crypto_secretstream_xchacha20poly1305_init_pull(st, hdr + SSHDR_OFF, sk->stream) != 0)
        return bad_file(e, path, "的文件头已损坏", "has a damaged header");
    return OD_OK;
}

/* Decrypts every chunk of in (positioned after the header) into out and
 * checks the final tag comes exactly at end of file. */
static od_err decrypt_stream(const named_file *in, FILE *out, const unsigned char hdr[HEADER_LEN],
                             crypto_secretstream_xchacha20poly1305_state *st, od_error *e)
{
    unsigned char *pt = malloc(CHUNK), *ct = malloc(CHUNK + ABYTES);
    uint64_t want = get_be(hdr + 32, 8), total = 0, chunk_no = 0;
    unsigned char tag = 0;
    const char *path = in->path;
    od_err rc = OD_OK;
    if (!pt || !ct) {
        rc = od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
        goto out;
    }
    while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
        size_t n;
        unsigned long long plen;
        chunk_no++;
        if ((rc = read_full(in, ct, CHUNK + ABYTES, &n, e)))
            goto out;
        if (n < ABYTES) {
            rc = bad_file(e, path, "被截断（缺少结束标记）",
                          "is truncated (the end-of-backup marker is missing)");
            goto out;
        }
        if (crypto_secretstream_xchacha20poly1305_pull(st, pt, &plen, &tag, ct, n, hdr, HEADER_LEN) != 0) {
            rc = od_error_set(
                e, OD_E_INVALID, "in",
                "备份文件 %s 已损坏、被篡改或被截断（第 %llu 块校验失败） (backup file %s is damaged, "
                "tampered with or truncated: chunk %llu fails authentication)",
                path, (unsigned long long)chunk_no, path, (unsigned long long)chunk_no);
            goto out;
        }
        total += plen;
        if (total > want) {
            rc = bad_file(e, path, "的内容比文件头声明的长", "holds more data than its header declares");
            goto out;
        }
        if (plen && fwrite(pt, 1, (size_t)plen, out) != (size_t)plen) {
            rc = od_error_set(e, OD_E_IO, "db", "写入恢复文件失败 (cannot write the restored file: %s)",
                              strerror(errno));
            goto out;
        }
        if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL && (tag != 0 || n != CHUNK + ABYTES)) {
            rc = bad_file(e, path, "的块结构不对", "has a malformed chunk sequence");
            goto out;
        }
    }
    bool eof = false;
    if ((rc = at_eof(in, &eof, e)))
        goto out;
    if (!eof)
        rc = bad_file(e, path, "在结束标记之后还有多余数据", "has extra data after the end-of-backup marker");
    else if (total != want)
        rc = bad_file(e, path, "的内容比文件头声明的短", "holds less data than its header declares");
out:
    if (pt)
        sodium_memzero(pt, CHUNK);
    free(pt);
    free(ct);
    return rc;
}

/* PRAGMA integrity_check on path; OD_E_INVALID with the first problem. */
static od_err check_integrity(const char *path, od_error *e)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    od_err rc = OD_OK;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "PRAGMA integrity_check(10)", -1, &stmt, NULL) != SQLITE_OK) {
        rc = od_error_set(
            e, OD_E_INVALID, "in",
            "恢复出的文件不是有效的 SQLite 数据库 (the restored file is not a valid SQLite database: %s)",
            db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    int step = sqlite3_step(stmt);
    const unsigned char *first = step == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
    if (step != SQLITE_ROW || !first || strcmp((const char *)first, "ok") != 0)
        rc = od_error_set(
            e, OD_E_INVALID, "in",
            "恢复出的数据库未通过完整性检查 (the restored database fails PRAGMA integrity_check: %.200s)",
            first ? (const char *)first : sqlite3_errmsg(db));
out:
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    /* Opening may have created -wal/-shm next to the checked file. */
    char side[PATH_MAX];
    if (!path_join(side, sizeof side, path, "-wal", NULL))
        (void)unlink(side);
    if (!path_join(side, sizeof side, path, "-shm", NULL))
        (void)unlink(side);
    return rc;
}

/* Moves tmp to dest; without force never replaces an existing dest. */
static od_err install_restored(const char *tmp, const char *dest, bool force, od_error *e)
{
    if (force) {
        char side[PATH_MAX];
        static const char *const sfx[] = {"-wal", "-shm", "-journal"};
        for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
            od_err rc = path_join(side, sizeof side, dest, sfx[i], e);
            if (rc)
                return rc;
            if (unlink(side) != 0 && errno != ENOENT)
                return od_error_set(e, OD_E_IO, "db", "无法删除旧文件 %s (cannot remove old %s: %s)", side,
                                    side, strerror(errno));
        }
        if (rename(tmp, dest) != 0)
            return od_error_set(e, OD_E_IO, "db", "无法替换 %s (cannot replace %s: %s)", dest, dest,
                                strerror(errno));
        return OD_OK;
    }
    if (link(tmp, dest) == 0) {
        (void)unlink(tmp);
        return OD_OK;
    }
    /* EEXIST, or a file system without hard links: check, then rename. */
    if (errno == EEXIST || file_exists(dest))
        return od_error_set(e, OD_E_CONFLICT, "db",
                            "目标数据库已存在 %s，未覆盖 (destination %s already exists; not overwritten)",
                            dest, dest);
    if (rename(tmp, dest) != 0)
        return od_error_set(e, OD_E_IO, "db", "无法创建 %s (cannot create %s: %s)", dest, dest,
                            strerror(errno));
    return OD_OK;
}

static od_err check_dest_free(const char *dest, od_error *e)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char p[PATH_MAX];
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        od_err rc = path_join(p, sizeof p, dest, sfx[i], e);
        if (rc)
            return rc;
        if (file_exists(p))
            return od_error_set(
                e, OD_E_CONFLICT, "db",
                "目标 %s 已存在；确认要覆盖请加 --force (%s already exists; use --force to replace it)", p,
                p);
    }
    return OD_OK;
}

/* Decrypts in into tmp (a mkstemp template, filled in here) and fsyncs it.
 * On failure tmp is removed. */
static od_err decrypt_to_temp(const named_file *in, const od_backup_key *k, char *tmp, od_error *e)
{
    unsigned char hdr[HEADER_LEN];
    crypto_secretstream_xchacha20poly1305_state st;
    struct subkeys sk;
    FILE *out = NULL;
    bool made = false;
    derive_subkeys(k, &sk);
    od_err rc = read_header(in, &sk, hdr, &st, e);
    if (rc)
        goto out;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc =
            od_error_set(e, OD_E_IO, "db", "无法在目标目录创建临时文件 (cannot create temporary file %s: %s)",
                         tmp, strerror(errno));
        goto out;
    }
    made = true;
    if (!(out = fdopen(fd, "wb"))) {
        close(fd);
        rc = od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
        goto out;
    }
    if ((rc = decrypt_stream(in, out, hdr, &st, e)))
        goto out;
    rc = close_synced(out, tmp, e);
    out = NULL;
out:
    if (out)
        fclose(out);
    if (rc && made)
        (void)unlink(tmp);
    sodium_memzero(&st, sizeof st);
    sodium_memzero(&sk, sizeof sk);
    return rc;
}

od_err od_backup_restore(const char *backup_path, const od_backup_key *k, const char *dest_db_path,
                         bool force, od_error *e)
{
    char tmp[PATH_MAX] = "", dir[PATH_MAX];
    named_file in = {NULL, backup_path};
    od_err rc = sodium_ready(e);
    if (rc || (!force && (rc = check_dest_free(dest_db_path, e))))
        return rc;
    if ((rc = path_join(tmp, sizeof tmp, dest_db_path, ".restore-XXXXXX", e)) ||
        (rc = dir_of(dest_db_path, dir, sizeof dir, e)))
        return rc;
    if (!(in.f = fopen(backup_path, "rb"))) {
        if (errno == ENOENT)
            return od_error_set(e, OD_E_NOT_FOUND, "in", "备份文件不存在 %s (backup file not found: %s)",
                                backup_path, backup_path);
        return od_error_set(e, OD_E_IO, "in", "无法打开备份文件 %s (cannot open backup file %s: %s)",
                            backup_path, backup_path, strerror(errno));
    }
    rc = decrypt_to_temp(&in, k, tmp, e);
    fclose(in.f);
    if (rc)
        return rc;
    if ((rc = check_integrity(tmp, e)) || (rc = install_restored(tmp, dest_db_path, force, e))) {
        unlink_db_files(tmp);
        return rc;
    }
    return fsync_dir(dir, e);
}

/* ---- rotation --------------------------------------------------------- */

char *od_backup_file_name(int64_t now_ms, char out[OD_BACKUP_FILE_NAME_MAX])
{
    int64_t secs = now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000;
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
    /* The modulos only bound the fields for the compiler; gmtime_r's are in range. */
    snprintf(out, OD_BACKUP_FILE_NAME_MAX, "opsdesk-%04u%02u%02u-%02u%02u%02u.odbk",
             (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
             (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
             (unsigned)tm.tm_sec % 100u);
    return out;
}

/* opsdesk-YYYYMMDD-HHMMSS.odbk, digits where the pattern says so. */
static const char BACKUP_PATTERN[] = "opsdesk-########-######.odbk";
_Static_assert(sizeof BACKUP_PATTERN == OD_BACKUP_FILE_NAME_MAX - 3, "name length");

static bool is_backup_name(const char *s)
{
    const char *pat = BACKUP_PATTERN;
    size_t i = 0;
    for (; pat[i]; i++) {
        if (pat[i] == '#') {
            if (s[i] < '0' || s[i] > '9')
                return false;
        } else if (s[i] != pat[i]) {
            return false;
        }
    }
    return s[i] == '\0';
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The matching names of a backup directory; names are fixed-length. */
struct name_list {
    char (*v)[OD_BACKUP_FILE_NAME_MAX];
    size_t n, cap;
};

/* Adds every regular file in d whose name matches the pattern. */
static od_err collect_backups(DIR *d, const char *dir, struct name_list *l, od_error *e)
{
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                return od_error_set(e, OD_E_IO, "backup_dir", "读取备份目录失败 %s (error reading %s: %s)",
                                    dir, dir, strerror(errno));
            return OD_OK;
        }
        struct stat st;
        if (!is_backup_name(de->d_name) || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        if (l->n == ROTATE_MAX)
            return od_error_set(e, OD_E_TOO_LARGE, "backup_dir",
                                "备份目录中的备份文件过多 %s (more than %d backup files in %s)", dir,
                                ROTATE_MAX, dir);
        if (l->n == l->cap) {
            size_t ncap = l->cap ? l->cap * 2 : 32;
            void *nv = realloc(l->v, ncap * sizeof *l->v);
            if (!nv)
                return od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
            l->v = nv;
            l->cap = ncap;
        }
        memcpy(l->v[l->n++], de->d_name, sizeof BACKUP_PATTERN); /* matched: exactly this long */
    }
}

od_err od_backup_rotate(const char *dir, int keep, od_error *e)
{
    struct name_list l = {NULL, 0, 0};
    if (keep < 1)
        return od_error_set(e, OD_E_INVALID, "backup_keep",
                            "保留份数至少为 1 (the number of backups to keep must be at least 1, got %d)",
                            keep);
    DIR *d = opendir(dir);
    if (!d)
        return od_error_set(e, errno == ENOENT ? OD_E_NOT_FOUND : OD_E_IO, "backup_dir",
                            "无法读取备份目录 %s (cannot read backup directory %s: %s)", dir, dir,
                            strerror(errno));
    od_err rc = collect_backups(d, dir, &l, e);
    if (!rc && l.n > (size_t)keep) {
        /* The names sort by time; the oldest come first. */
        qsort(l.v, l.n, sizeof *l.v, cmp_names);
        for (size_t i = 0; i < l.n - (size_t)keep; i++)
            if (unlinkat(dirfd(d), l.v[i], 0) != 0 && errno != ENOENT && !rc)
                rc = od_error_set(e, OD_E_IO, "backup_dir",
                                  "无法删除旧备份 %s (cannot delete old backup %s: %s)", l.v[i], l.v[i],
                                  strerror(errno));
    }
    free(l.v);
    closedir(d);
    return rc;
}
