/* audit.c — the append-only, hash-chained audit trail (R-SEC-SYS-3).
 * Each entry's hash = SHA-256 over the previous hash and the entry's own
 * content (id included, so moving a row breaks the chain).  Appends happen
 * inside the writer transaction of the change they record, so writers are
 * serialized and the chain is linear.  The head (last id and hash) is also
 * kept in meta so that deleting the newest rows is caught too. */
#include "app/app.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static char *dump(json_t *j)
{
    return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

od_err od_audit_append(od_tx *tx, int64_t now, const od_principal *actor, const char *action,
                       const char *entity, int64_t entity_id, json_t *before, json_t *after, od_error *e)
{
    od_rows *r = NULL;
    int64_t last_id = 0;
    char prev[65] = GENESIS;
    od_err rc = od_tx_query(tx, OD_Q_AUDIT_LAST, &r, e, "");
    if (rc)
        return rc;
    int s = od_rows_next(r, e);
    if (s == 1) {
        last_id = od_rows_int(r, 0);
        snprintf(prev, sizeof prev, "%s", od_rows_text(r, 1));
    }
    od_rows_close(r);
    if (s < 0)
        return OD_E_STORE;
    char *b = dump(before), *a = dump(after);
    char h[65];
    int64_t id = last_id + 1;
    int64_t actor_id = actor ? actor->id : 0;
    const char *actor_name = actor ? actor->username : "system";
    hash_entry(prev, id, now, actor_id, actor_name, action, entity, entity_id, b, a, h);
    rc = od_tx_exec(tx, OD_Q_AUDIT_INSERT, e, "iiIsssIssss", id, now, actor_id, actor_name, action, entity,
                    entity_id, b, a, prev, h);
    if (!rc) {
        char head[96];
        snprintf(head, sizeof head, "%lld:%s", (long long)id, h);
        rc = od_tx_exec(tx, OD_Q_META_PUT, e, "ss", "audit_head", head);
    }
    free(b);
    free(a);
    return rc;
}

od_err od_audit_verify(od_store *s, od_audit_report *rep, od_error *e)
{
    memset(rep, 0, sizeof *rep);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(s, false, &tx, e);
    if (rc)
        return rc;
    char prev[65] = GENESIS;
    int64_t after = 0, expect_id = 1;
    for (;;) {
        od_rows *r = NULL;
        rc = od_tx_query(tx, OD_Q_AUDIT_WALK, &r, e, "ii", after, (int64_t)1000);
        if (rc)
            goto out;
        int n = 0, st;
        while ((st = od_rows_next(r, e)) == 1) {
            n++;
            int64_t id = od_rows_int(r, 0);
            char h[65];
            hash_entry(prev, id, od_rows_int(r, 1), od_rows_int(r, 2), od_rows_text(r, 3), od_rows_text(r, 4),
                       od_rows_text(r, 5), od_rows_int(r, 6), od_rows_null(r, 7) ? NULL : od_rows_text(r, 7),
                       od_rows_null(r, 8) ? NULL : od_rows_text(r, 8), h);
            if (id != expect_id && !rep->first_bad_id) {
                rep->first_bad_id = id;
                snprintf(rep->reason, sizeof rep->reason,
                         "条目 %lld 之前缺少条目 %lld (entry %lld missing before %lld: deleted or out of order)",
                         (long long)id, (long long)expect_id, (long long)expect_id, (long long)id);
            } else if (strcmp(od_rows_text(r, 9), prev) != 0 && !rep->first_bad_id) {
                rep->first_bad_id = id;
                snprintf(rep->reason, sizeof rep->reason,
                         "条目 %lld 的前一哈希不连续 (entry %lld does not chain to the entry before it)",
                         (long long)id, (long long)id);
            } else if (strcmp(od_rows_text(r, 10), h) != 0 && !rep->first_bad_id) {
                rep->first_bad_id = id;
                snprintf(rep->reason, sizeof rep->reason,
                         "条目 %lld 的内容与哈希不符 (entry %lld was edited: content does not match its hash)",
                         (long long)id, (long long)id);
            }
            snprintf(prev, sizeof prev, "%s", od_rows_text(r, 10));
            expect_id = id + 1;
            after = id;
            rep->rows++;
        }
        od_rows_close(r);
        if (st < 0) {
            rc = OD_E_STORE;
            goto out;
        }
        if (n < 1000 || rep->first_bad_id)
            break;
    }
    if (!rep->first_bad_id) {
        od_rows *r = NULL;
        rc = od_tx_query(tx, OD_Q_META_GET, &r, e, "s", "audit_head");
        if (rc)
            goto out;
        if (od_rows_next(r, e) == 1) {
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
out:
    od_tx_rollback(tx);
    return rc;
}

od_err od_audit_list(od_app *a, const char *entity, int64_t entity_id, const char *actor, int64_t limit,
                     int64_t offset, json_t **out, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    const char *en = entity ? entity : "", *ac = actor ? actor : "";
    rc = od_tx_query(tx, OD_Q_AUDIT_LIST, &r, e, "ssiissii", en, en, entity_id, entity_id, ac, ac, limit,
                     offset);
    json_t *items = json_array();
    int st = 0;
    while (!rc && (st = od_rows_next(r, e)) == 1) {
        char t[OD_TIME_STR_MAX];
        json_t *before = od_rows_null(r, 7) ? json_null() : json_loads(od_rows_text(r, 7), JSON_DECODE_ANY, NULL);
        json_t *after = od_rows_null(r, 8) ? json_null() : json_loads(od_rows_text(r, 8), JSON_DECODE_ANY, NULL);
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
    if (rc || st < 0) {
        json_decref(items);
        return rc ? rc : OD_E_STORE;
    }
    *out = json_pack("{so sI sI}", "items", items, "limit", (json_int_t)limit, "offset", (json_int_t)offset);
    return OD_OK;
}
