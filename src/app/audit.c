/* audit.c — the append-only, hash-chained audit trail (R-SEC-SYS-3).
 * Each entry's hash = SHA-256 over the previous hash and the entry's own
 * content (id included, so moving a row breaks the chain).  Appends happen
 * inside the writer transaction of the change they record, so writers are
 * serialized and the chain is linear.  The head (last id and hash) is also
 * kept in meta so that deleting the newest rows is caught too, and, with a
 * MAC under a key kept outside the database, as the anchor (audit.h), so
 * that a chain rewritten and re-hashed inside the database is caught. */
#include "app/app.h"
#include "app/audit.h"
#include "app/list.h"

#include "util/log.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static void hash_entry(const char *prev, int64_t id, int64_t at, int64_t actor_id, const char *actor,
                       const char *action, const char *entity, int64_t entity_id, const char *before,
                       const char *after, char out[65])
{
    crypto_hash_sha256_state st;
    char num[96];
    crypto_hash_sha256_init(&st);
    const char *parts[] = {prev, actor, action, entity, before, after};
    snprintf(num, sizeof num, "%lld|%lld|%lld|%lld", (long long)id, (long long)at, (long long)actor_id,
             (long long)entity_id);
    crypto_hash_sha256_update(&st, (const unsigned char *)num, strlen(num));
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        /* length-prefixed so that field boundaries cannot be shifted */
        const char *p = parts[i] ? parts[i] : "";
        size_t n = strlen(p);
        snprintf(num, sizeof num, "|%zu:", n);
        crypto_hash_sha256_update(&st, (const unsigned char *)num, strlen(num));
        crypto_hash_sha256_update(&st, (const unsigned char *)p, n);
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---- the anchor ---- */

#define ANCHOR_KEY "audit_anchor"
#define ANCHOR_MAX 256
#define KEY_FILE_MAX 256

static unsigned char audit_key[crypto_auth_KEYBYTES];
static bool audit_key_set;
/* where committed anchors are also sent (od_audit_anchor_sink_open) */
static int sink_fd = -1;
static bool sink_syslog;

const char *od_audit_key_default_path(const char *db_path, char *buf, size_t cap)
{
    if (!od_store_is_file(db_path))
        return NULL; /* a server's address: no directory to put it in */
    const char *slash = strrchr(db_path, '/');
    int n = slash ? snprintf(buf, cap, "%.*s/opsdesk-audit.key", (int)(slash - db_path), db_path)
                  : snprintf(buf, cap, "opsdesk-audit.key");
    return n < 0 || (size_t)n >= cap ? NULL : buf;
}

static od_err key_create(const char *path, od_error *e)
{
    unsigned char k[crypto_auth_KEYBYTES];
    char hex[2 * sizeof k + 2];
    crypto_auth_keygen(k);
    sodium_bin2hex(hex, sizeof hex, k, sizeof k);
    size_t n = strlen(hex);
    hex[n++] = '\n';
    od_err rc = OD_OK;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        rc = od_error_set(e, OD_E_IO, "audit_key",
                          "无法创建审计密钥文件 %s (cannot create audit key file %s: %s)", path, path,
                          strerror(errno));
    else if (write(fd, hex, n) != (ssize_t)n || fsync(fd) != 0) {
        rc = od_error_set(e, OD_E_IO, "audit_key",
                          "无法写入审计密钥文件 %s (cannot write audit key file %s: %s)", path, path,
                          strerror(errno));
        (void)unlink(path);
    }
    if (fd >= 0)
        close(fd);
    sodium_memzero(k, sizeof k);
    sodium_memzero(hex, sizeof hex);
    return rc;
}

od_err od_audit_key_load(const char *path, bool create, bool *created, od_error *e)
{
    if (created)
        *created = false;
    if (sodium_init() < 0)
        return od_error_set(e, OD_E_INTERNAL, NULL, "加密库初始化失败 (libsodium failed to initialise)");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        od_err rc = key_create(path, e);
        if (rc)
            return rc;
        if (created)
            *created = true;
        fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        if (errno == ENOENT)
            return od_error_set(e, OD_E_NOT_FOUND, "audit_key",
                                "审计密钥文件不存在 %s，无法核对审计链锚点 (audit key file %s not found; the "
                                "chain cannot be checked against its anchor; give it with --audit-key-file)",
                                path, path);
        return od_error_set(e, OD_E_IO, "audit_key",
                            "无法读取审计密钥文件 %s (cannot read audit key file %s: %s)", path, path,
                            strerror(errno));
    }
    char text[KEY_FILE_MAX];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    unsigned char k[crypto_auth_KEYBYTES];
    size_t klen = 0;
    const char *end = NULL;
    od_err rc = OD_OK;
    if (n < 0)
        n = 0;
    text[n] = 0;
    if (sodium_hex2bin(k, sizeof k, text, (size_t)n, " \r\n", &klen, &end) != 0 || klen != sizeof k ||
        end[strspn(end, " \r\n")] != 0)
        rc = od_error_set(e, OD_E_INVALID, "audit_key",
                          "审计密钥文件格式不对 %s (audit key file %s is malformed: 64 hex digits expected)",
                          path, path);
    else {
        memcpy(audit_key, k, sizeof k);
        audit_key_set = true;
    }
    sodium_memzero(k, sizeof k);
    sodium_memzero(text, sizeof text);
    return rc;
}

static void alog_free(void);

void od_audit_key_forget(void)
{
    sodium_memzero(audit_key, sizeof audit_key);
    audit_key_set = false;
    alog_free();
}

/* "v1 <id> <hash> <mac hex>": the MAC covers the version, id and hash. */
static void anchor_text(int64_t id, const char *hash, char out[ANCHOR_MAX])
{
    char msg[128];
    unsigned char mac[crypto_auth_BYTES];
    char machex[2 * crypto_auth_BYTES + 1];
    int n = snprintf(msg, sizeof msg, "opsdesk-audit-anchor-v1|%lld|%s", (long long)id, hash);
    crypto_auth(mac, (const unsigned char *)msg, (unsigned long long)n, audit_key);
    sodium_bin2hex(machex, sizeof machex, mac, sizeof mac);
    snprintf(out, ANCHOR_MAX, "v1 %lld %s %s", (long long)id, hash, machex);
}

/* Checks a stored anchor: 1 = authentic (id and hash filled), 0 = not. */
static int anchor_parse(const char *text, int64_t *id, char hash[65])
{
    long long v = 0;
    char h[65], m[2 * crypto_auth_BYTES + 1];
    if (sscanf(text, "v1 %lld %64s %64s", &v, h, m) != 3 || strlen(h) != 64)
        return 0;
    char expect[ANCHOR_MAX];
    anchor_text(v, h, expect);
    size_t n = strlen(expect);
    if (strlen(text) != n || sodium_memcmp(expect, text, n) != 0)
        return 0;
    *id = v;
    memcpy(hash, h, 65);
    return 1;
}

od_err od_audit_anchor_sink_open(const char *path, bool use_syslog, od_error *e)
{
    if (path) {
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return od_error_set(e, OD_E_IO, "audit_anchor_log",
                                "无法打开审计锚点日志 %s (cannot open audit anchor log %s: %s)", path, path,
                                strerror(errno));
        if (sink_fd >= 0)
            close(sink_fd);
        sink_fd = fd;
    }
    if (use_syslog && !sink_syslog)
        openlog("opsdesk", LOG_PID, LOG_AUTHPRIV);
    sink_syslog = sink_syslog || use_syslog;
    return OD_OK;
}

void od_audit_anchor_sink_close(void)
{
    if (sink_fd >= 0)
        close(sink_fd);
    sink_fd = -1;
    if (sink_syslog)
        closelog();
    sink_syslog = false;
}

/* The anchor log verify checks against (od_audit_anchor_log_check). */
typedef struct logged {
    int64_t id;
    char hash[65];
} logged;
static logged *alog;
static size_t alog_n, alog_bad_line;
static bool alog_set;

static int logged_cmp(const void *a, const void *b)
{
    int64_t x = ((const logged *)a)->id, y = ((const logged *)b)->id;
    return x < y ? -1 : x > y;
}

static void alog_free(void)
{
    free(alog);
    alog = NULL;
    alog_n = alog_bad_line = 0;
    alog_set = false;
}

od_err od_audit_anchor_log_check(const char *path, od_error *e)
{
    alog_free();
    if (!path)
        return OD_OK;
    FILE *f = fopen(path, "re");
    if (!f)
        return od_error_set(e, OD_E_NOT_FOUND, "anchor_log",
                            "无法读取审计锚点日志 %s (cannot read audit anchor log %s: %s)", path, path,
                            strerror(errno));
    char line[ANCHOR_MAX + 8];
    size_t cap = 0, no = 0;
    od_err rc = OD_OK;
    while (fgets(line, sizeof line, f)) {
        no++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0])
            continue;
        logged l;
        if (!anchor_parse(line, &l.id, l.hash)) {
            if (!alog_bad_line)
                alog_bad_line = no;
            continue;
        }
        if (alog_n == cap) {
            size_t ncap = cap ? 2 * cap : 256;
            logged *n = realloc(alog, ncap * sizeof *n);
            if (!n) {
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                break;
            }
            alog = n;
            cap = ncap;
        }
        alog[alog_n++] = l;
    }
    fclose(f);
    if (rc)
        return rc;
    qsort(alog, alog_n, sizeof *alog, logged_cmp);
    alog_set = true;
    return OD_OK;
}

/* After the transaction: a committed anchor goes to the sinks (one
 * write(2) per line, so concurrent appends never interleave). */
static void anchor_emit(void *arg, bool committed)
{
    char *text = arg;
    if (committed) {
        char line[ANCHOR_MAX + 1];
        int n = snprintf(line, sizeof line, "%s\n", text);
        if (sink_fd >= 0 && (write(sink_fd, line, (size_t)n) != n || fdatasync(sink_fd) != 0))
            od_warn("审计锚点日志写入失败 (cannot write the audit anchor log: %s)", strerror(errno));
        if (sink_syslog)
            syslog(LOG_NOTICE, "audit anchor %s", text);
    }
    free(text);
}

/* The tx's anchor, sent to the sinks once it commits (the last one of the tx). */
static od_err anchor_pending(od_tx *tx, const char *anchor, od_error *e)
{
    if (sink_fd < 0 && !sink_syslog)
        return OD_OK;
    char *p = od_tx_hook_arg(tx, anchor_emit);
    if (!p) {
        if (!(p = malloc(ANCHOR_MAX)))
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        od_err rc = od_tx_on_end(tx, anchor_emit, p, e);
        if (rc) {
            free(p);
            return rc;
        }
    }
    snprintf(p, ANCHOR_MAX, "%s", anchor);
    return OD_OK;
}

od_err od_audit_anchor_adopt(od_store *s, bool *adopted, od_error *e)
{
    *adopted = false;
    if (!audit_key_set)
        return OD_OK;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(s, true, &tx, e);
    if (rc)
        return rc;
    int64_t id = 0;
    char hash[65] = "";
    rc = od_tx_query(tx, OD_Q_META_GET, &r, e, OD_BINDS(OD_TEXT(ANCHOR_KEY)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    od_rows_close(r);
    r = NULL;
    if (rc || row) { /* an anchor exists: never replaced */
        od_tx_rollback(tx);
        return rc;
    }
    if ((rc = od_tx_query(tx, OD_Q_AUDIT_LAST, &r, e, OD_NOBINDS)))
        goto out;
    row = false;
    rc = od_rows_step(r, &row);
    if (row) {
        id = od_rows_int(r, 0);
        snprintf(hash, sizeof hash, "%s", od_rows_text(r, 1));
    }
    od_rows_close(r);
    if (rc) {
        goto out;
    }
    if (row) {
        char anchor[ANCHOR_MAX];
        anchor_text(id, hash, anchor);
        if ((rc = od_tx_exec(tx, OD_Q_META_PUT, e, OD_BINDS(OD_TEXT(ANCHOR_KEY), OD_TEXT(anchor)))))
            goto out;
        *adopted = true;
    }
    rc = od_tx_commit(tx, e);
    tx = NULL;
out:
    od_tx_rollback(tx);
    return rc;
}

/* Whether the stored anchor covers the chain as it is now (head last_id,
 * prev), so that a new entry may move it on.  A chain rewritten in the
 * database would otherwise be re-anchored, forgery included, by the next
 * entry; instead the anchor stays behind and verify keeps reporting it. */
static od_err anchor_extends(od_tx *tx, int64_t last_id, const char *prev, bool *ok, od_error *e)
{
    static atomic_bool warned;
    od_rows *r = NULL;
    int64_t id = 0;
    char hash[65] = "";
    od_err rc = od_tx_query(tx, OD_Q_META_GET, &r, e, OD_BINDS(OD_TEXT(ANCHOR_KEY)));
    if (rc)
        return rc;
    bool row = false;
    rc = od_rows_step(r, &row);
    bool authentic = row && anchor_parse(od_rows_text(r, 0), &id, hash);
    od_rows_close(r);
    if (rc)
        return rc;
    *ok = (!rc && !row) ? last_id == 0 : authentic && id == last_id && strcmp(hash, prev) == 0;
    if (!*ok && !atomic_exchange(&warned, true))
        od_warn("审计链与其锚点不符，锚点不再前移，请运行 opsdesk audit verify (the audit chain does not "
                "match its "
                "anchor; the anchor is not moved on: run opsdesk audit verify)");
    return OD_OK;
}

static char *dump(json_t *j)
{
    return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

/* One entry waiting for its transaction's commit. */
typedef struct pending {
    int64_t now, actor_id, entity_id;
    char *actor, *action, *entity, *before, *after; /* before/after may be NULL */
} pending;
typedef struct pending_list {
    size_t n, cap;
    pending *v;
} pending_list;

static void pending_free(void *arg, bool committed)
{
    (void)committed;
    pending_list *l = arg;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].actor);
        free(l->v[i].action);
        free(l->v[i].entity);
        free(l->v[i].before);
        free(l->v[i].after);
    }
    free(l->v);
    free(l);
}

static od_err flush(void *arg, od_tx *tx, od_error *e);

size_t od_audit_mark(od_tx *tx)
{
    pending_list *l = od_tx_last_arg(tx, flush);
    return l ? l->n : 0;
}

void od_audit_rewind(od_tx *tx, size_t mark)
{
    pending_list *l = od_tx_last_arg(tx, flush);
    while (l && l->n > mark) {
        pending *p = &l->v[--l->n];
        free(p->actor);
        free(p->action);
        free(p->entity);
        free(p->before);
        free(p->after);
    }
}

/* Appends one entry to the chain now, inside tx (the lock is held). */
static od_err append_now(od_tx *tx, const pending *p, od_error *e)
{
    int64_t now = p->now, actor_id = p->actor_id, entity_id = p->entity_id;
    const char *actor_name = p->actor, *action = p->action, *entity = p->entity;
    char *b = p->before, *a = p->after;
    od_rows *r = NULL;
    int64_t last_id = 0;
    char prev[65] = GENESIS;
    od_err rc = od_tx_query(tx, OD_Q_AUDIT_LAST, &r, e, OD_NOBINDS);
    if (rc)
        return rc;
    bool row = false;
    rc = od_rows_step(r, &row);
    if (row) {
        last_id = od_rows_int(r, 0);
        snprintf(prev, sizeof prev, "%s", od_rows_text(r, 1));
    }
    od_rows_close(r);
    if (rc)
        return rc;
    char h[65];
    int64_t id = last_id + 1;
    hash_entry(prev, id, now, actor_id, actor_name, action, entity, entity_id, b, a, h);
    rc = od_tx_exec(tx, OD_Q_AUDIT_INSERT, e,
                    OD_BINDS(OD_INT(id), OD_INT(now), OD_INT_OR_NULL(actor_id, actor_id != 0),
                             OD_TEXT(actor_name), OD_TEXT(action), OD_TEXT(entity),
                             OD_INT_OR_NULL(entity_id, entity_id != 0), OD_TEXT(b), OD_TEXT(a), OD_TEXT(prev),
                             OD_TEXT(h)));
    if (!rc) {
        char head[96];
        snprintf(head, sizeof head, "%lld:%s", (long long)id, h);
        rc = od_tx_exec(tx, OD_Q_META_PUT, e, OD_BINDS(OD_TEXT("audit_head"), OD_TEXT(head)));
    }
    bool extend = false;
    if (!rc && audit_key_set && !(rc = anchor_extends(tx, last_id, prev, &extend, e)) && extend) {
        char anchor[ANCHOR_MAX];
        anchor_text(id, h, anchor);
        rc = od_tx_exec(tx, OD_Q_META_PUT, e, OD_BINDS(OD_TEXT(ANCHOR_KEY), OD_TEXT(anchor)));
        if (!rc)
            rc = anchor_pending(tx, anchor, e);
    }
    return rc;
}

/* Before the commit of a tx that appended: lock the chain (the one
 * audit_lock row; on PostgreSQL every other appender waits here until this
 * tx ends), then chain the entries on the head as it is now.  Locked last,
 * so it is the end of every lock order and held only for the commit;
 * seq (id) stays gapless across nodes. */
static od_err flush(void *arg, od_tx *tx, od_error *e)
{
    pending_list *l = arg;
    if (!l->n)
        return OD_OK;
    od_err rc = od_tx_exec(tx, OD_Q_AUDIT_LOCK, e, OD_NOBINDS);
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_INTERNAL, NULL, "审计锁行缺失 (the audit lock row is missing)");
    for (size_t i = 0; !rc && i < l->n; i++)
        rc = append_now(tx, &l->v[i], e);
    return rc;
}

static char *dup_or_null(const char *s, bool *oom)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *oom = true;
    return d;
}

od_err od_audit_append(od_tx *tx, int64_t now, const od_principal *actor, const char *action,
                       const char *entity, int64_t entity_id, json_t *before, json_t *after, od_error *e)
{
    pending_list *l = od_tx_last_arg(tx, flush);
    if (!l) {
        if (!(l = calloc(1, sizeof *l)))
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        od_err rc = od_tx_on_end(tx, pending_free, l, e);
        if (rc) {
            free(l);
            return rc;
        }
        if ((rc = od_tx_before_commit(tx, flush, l, e)))
            return rc;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4;
        pending *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        l->v = v;
        l->cap = cap;
    }
    bool oom = false;
    pending p = {.now = now,
                 .actor_id = actor ? actor->id : 0,
                 .entity_id = entity_id,
                 .actor = dup_or_null(actor ? actor->username : "system", &oom),
                 .action = dup_or_null(action, &oom),
                 .entity = dup_or_null(entity, &oom),
                 .before = dump(before),
                 .after = dump(after)};
    if ((before && !p.before) || (after && !p.after))
        oom = true;
    l->v[l->n++] = p; /* freed with the list, also when incomplete */
    if (oom)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    return OD_OK;
}

/* The chain (intact by itself, head last_id/head) against the anchor. */
static od_err check_anchor(od_tx *tx, int64_t last_id, const char *head, od_audit_report *rep, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_META_GET, &r, e, OD_BINDS(OD_TEXT(ANCHOR_KEY)));
    if (rc)
        return rc;
    bool row = false;
    rc = od_rows_step(r, &row);
    int64_t id = 0;
    char hash[65] = "";
    bool present = row, authentic = present && anchor_parse(od_rows_text(r, 0), &id, hash);
    od_rows_close(r);
    if (rc)
        return rc;
    if (!present) {
        if (last_id > 0) {
            rep->first_bad_id = 1;
            snprintf(rep->reason, sizeof rep->reason,
                     "审计链锚点缺失 (audit anchor missing: the chain of %lld entries is not signed with the "
                     "audit "
                     "key)",
                     (long long)last_id);
        }
    } else if (!authentic) {
        rep->first_bad_id = 1;
        snprintf(
            rep->reason, sizeof rep->reason,
            "审计链锚点与审计密钥不符：链在数据库中被改写，或密钥不属于此数据库 (the audit anchor does not "
            "authenticate with the audit key: the chain was rewritten in the database, or the key is not "
            "this "
            "database's)");
    } else if (id != last_id) {
        rep->first_bad_id = (id < last_id ? id : last_id) + 1;
        snprintf(
            rep->reason, sizeof rep->reason,
            "锚点记录到条目 %lld，链到条目 %lld 为止 (the anchor covers entries up to %lld, the chain ends "
            "at %lld: entries removed or added without the audit key)",
            (long long)id, (long long)last_id, (long long)id, (long long)last_id);
    } else if (strcmp(hash, head) != 0) {
        rep->first_bad_id = 1;
        snprintf(
            rep->reason, sizeof rep->reason,
            "链头哈希与锚点不符：链被改写并重新计算了哈希 (the head hash differs from the anchored one: the "
            "chain was rewritten and re-hashed)");
    }
    return OD_OK;
}

od_err od_audit_verify(od_store *s, od_audit_report *rep, od_error *e)
{
    memset(rep, 0, sizeof *rep);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(s, false, &tx, e);
    if (rc)
        return rc;
    char prev[65] = GENESIS;
    int64_t after = 0, expect_id = 1, prev_at = INT64_MIN;
    size_t li = 0; /* next line of the anchor log */
    if (alog_set && alog_bad_line) {
        rep->first_bad_id = 1;
        snprintf(
            rep->reason, sizeof rep->reason,
            "审计锚点日志第 %zu 行与审计密钥不符 (line %zu of the anchor log does not authenticate with the "
            "audit key)",
            alog_bad_line, alog_bad_line);
    }
    for (;;) {
        od_rows *r = NULL;
        rc = od_tx_query(tx, OD_Q_AUDIT_WALK, &r, e, OD_BINDS(OD_INT(after), OD_INT((int64_t)1000)));
        if (rc)
            goto out;
        int n = 0;
        bool row = false;
        while (!rc && !(rc = od_rows_step(r, &row)) && row) {
            n++;
            int64_t id = od_rows_int(r, 0);
            char h[65];
            hash_entry(prev, id, od_rows_int(r, 1), od_rows_int(r, 2), od_rows_text(r, 3), od_rows_text(r, 4),
                       od_rows_text(r, 5), od_rows_int(r, 6), od_rows_null(r, 7) ? NULL : od_rows_text(r, 7),
                       od_rows_null(r, 8) ? NULL : od_rows_text(r, 8), h);
            if (id != expect_id && !rep->first_bad_id) {
                rep->first_bad_id = id;
                snprintf(
                    rep->reason, sizeof rep->reason,
                    "条目 %lld 之前缺少条目 %lld (entry %lld missing before %lld: deleted or out of order)",
                    (long long)id, (long long)expect_id, (long long)expect_id, (long long)id);
            } else if (strcmp(od_rows_text(r, 9), prev) != 0 && !rep->first_bad_id) {
                rep->first_bad_id = id;
                snprintf(rep->reason, sizeof rep->reason,
                         "条目 %lld 的前一哈希不连续 (entry %lld does not chain to the entry before it)",
                         (long long)id, (long long)id);
            } else if (strcmp(od_rows_text(r, 10), h) != 0 && !rep->first_bad_id) {
                rep->first_bad_id = id;
                snprintf(
                    rep->reason, sizeof rep->reason,
                    "条目 %lld 的内容与哈希不符 (entry %lld was edited: content does not match its hash)",
                    (long long)id, (long long)id);
            }
            for (; alog_set && li < alog_n && alog[li].id <= id; li++)
                if (alog[li].id == id && strcmp(alog[li].hash, h) != 0 && !rep->first_bad_id) {
                    rep->first_bad_id = id;
                    snprintf(
                        rep->reason, sizeof rep->reason,
                        "条目 %lld 与审计锚点日志不符 (entry %lld differs from the anchor log: the chain "
                        "was rewritten)",
                        (long long)id, (long long)id);
                }
            int64_t at = od_rows_int(r, 1);
            if (at < prev_at) {
                if (!rep->time_back_n++)
                    rep->time_back_first_id = id;
                if (prev_at - at > rep->time_back_max_ms)
                    rep->time_back_max_ms = prev_at - at;
            }
            prev_at = at;
            snprintf(prev, sizeof prev, "%s", od_rows_text(r, 10));
            expect_id = id + 1;
            after = id;
            rep->rows++;
        }
        od_rows_close(r);
        if (rc) {
            goto out;
        }
        if (n < 1000 || rep->first_bad_id)
            break;
    }
    if (!rep->first_bad_id) {
        od_rows *r = NULL;
        rc = od_tx_query(tx, OD_Q_META_GET, &r, e, OD_BINDS(OD_TEXT("audit_head")));
        if (rc)
            goto out;
        bool row2 = false;
        if (!rc && !(rc = od_rows_step(r, &row2)) && row2) {
            char expect[96];
            snprintf(expect, sizeof expect, "%lld:%s", (long long)after, prev);
            if (strcmp(od_rows_text(r, 0), expect) != 0) {
                rep->first_bad_id = after + 1;
                snprintf(rep->reason, sizeof rep->reason,
                         "审计链末尾的条目被删除 (the newest entries after %lld were deleted: head is %s)",
                         (long long)after, od_rows_text(r, 0));
            }
        } else if (rep->rows > 0) {
            rep->first_bad_id = 1;
            snprintf(rep->reason, sizeof rep->reason, "审计链头记录缺失 (audit head record missing)");
        }
        od_rows_close(r);
    }
    if (!rep->first_bad_id && alog_set && alog_n && alog[alog_n - 1].id > after) {
        rep->first_bad_id = after + 1;
        snprintf(rep->reason, sizeof rep->reason,
                 "审计锚点日志记录到条目 %lld，链到条目 %lld 为止：链被截断或回退 (the anchor log records "
                 "entries up "
                 "to %lld, the chain ends at %lld: cut or rolled back)",
                 (long long)alog[alog_n - 1].id, (long long)after, (long long)alog[alog_n - 1].id,
                 (long long)after);
    }
    if (!rep->first_bad_id && audit_key_set)
        rc = check_anchor(tx, after, prev, rep, e);
out:
    od_tx_rollback(tx);
    return rc;
}

/* The audit log's page, led by the entity, else the actor, else the id
 * order (queries_lists.h), from below before (INT64_MAX: the newest). */
static od_err audit_rows(od_tx *tx, const char *en, int64_t eid, const char *ac, int64_t before,
                         int64_t limit, int64_t offset, od_rows **r, od_error *e)
{
    if (*en)
        return od_tx_query(tx, OD_Q_AUDIT_LIST_ENTITY, r, e,
                           OD_BINDS(OD_TEXT(en), OD_INT(before), OD_TEXT(en), OD_TEXT(en), OD_INT(eid),
                                    OD_INT(eid), OD_TEXT(ac), OD_TEXT(ac), OD_INT(limit), OD_INT(offset)));
    if (*ac)
        return od_tx_query(tx, OD_Q_AUDIT_LIST_ACTOR, r, e,
                           OD_BINDS(OD_TEXT(ac), OD_INT(before), OD_TEXT(en), OD_TEXT(en), OD_INT(eid),
                                    OD_INT(eid), OD_TEXT(ac), OD_TEXT(ac), OD_INT(limit), OD_INT(offset)));
    return od_tx_query(tx, OD_Q_AUDIT_LIST, r, e,
                       OD_BINDS(OD_INT(before), OD_TEXT(en), OD_TEXT(en), OD_INT(eid), OD_INT(eid),
                                OD_TEXT(ac), OD_TEXT(ac), OD_INT(limit), OD_INT(offset)));
}

/* Its total over every page, counted to cap rows. */
static od_err audit_count(od_tx *tx, const char *en, int64_t eid, const char *ac, int64_t cap, int64_t *total,
                          od_error *e)
{
    if (*en)
        return od_tx_scalar(tx, OD_Q_AUDIT_COUNT_ENTITY, total, e,
                            OD_BINDS(OD_TEXT(en), OD_INT(INT64_MAX), OD_TEXT(en), OD_TEXT(en), OD_INT(eid),
                                     OD_INT(eid), OD_TEXT(ac), OD_TEXT(ac), OD_INT(cap)));
    if (*ac)
        return od_tx_scalar(tx, OD_Q_AUDIT_COUNT_ACTOR, total, e,
                            OD_BINDS(OD_TEXT(ac), OD_INT(INT64_MAX), OD_TEXT(en), OD_TEXT(en), OD_INT(eid),
                                     OD_INT(eid), OD_TEXT(ac), OD_TEXT(ac), OD_INT(cap)));
    return od_tx_scalar(tx, OD_Q_AUDIT_COUNT, total, e,
                        OD_BINDS(OD_INT(INT64_MAX), OD_TEXT(en), OD_TEXT(en), OD_INT(eid), OD_INT(eid),
                                 OD_TEXT(ac), OD_TEXT(ac), OD_INT(cap)));
}

od_err od_audit_list(od_app *a, const char *entity, int64_t entity_id, const char *actor, int64_t before_id,
                     int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    const char *en = entity ? entity : "", *ac = actor ? actor : "";
    int64_t total = 0, cap = od_list_count_cap(a, limit, offset), last = 0, n = 0;
    rc = audit_count(tx, en, entity_id, ac, cap, &total, e);
    if (!rc)
        rc = audit_rows(tx, en, entity_id, ac, before_id > 0 ? before_id : INT64_MAX, limit, offset, &r, e);
    json_t *items = json_array();
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        char t[OD_TIME_STR_MAX];
        json_t *before =
            od_rows_null(r, 7) ? json_null() : json_loads(od_rows_text(r, 7), JSON_DECODE_ANY, NULL);
        json_t *after =
            od_rows_null(r, 8) ? json_null() : json_loads(od_rows_text(r, 8), JSON_DECODE_ANY, NULL);
        last = od_rows_int(r, 0);
        n++;
        json_array_append_new(
            items, json_pack("{sI ss sI ss ss ss sI so so ss ss}", "id", (json_int_t)od_rows_int(r, 0), "at",
                             od_time_format(od_rows_int(r, 1), t), "actor_id", (json_int_t)od_rows_int(r, 2),
                             "actor", od_rows_text(r, 3), "action", od_rows_text(r, 4), "entity",
                             od_rows_text(r, 5), "entity_id", (json_int_t)od_rows_int(r, 6), "before",
                             before ? before : json_null(), "after", after ? after : json_null(), "prev_hash",
                             od_rows_text(r, 9), "hash", od_rows_text(r, 10)));
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    rc = od_list_done(rc, items, total, limit, offset, out, e);
    if (rc)
        return rc;
    /* a full page may have a next one: it starts below its last id */
    if ((rc =
             od_list_mark(*out, total >= cap, "next_before_id", n >= limit ? json_integer(last) : NULL, e))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
