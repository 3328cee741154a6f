/* committees.c — committees that approve and decide (research/modules-spec.md
 * §1.7: CAB, ECAB, IT executive committee, emergency leadership group …):
 * chair, deputies, members and quorum; create, edit, delete, read.  Each
 * write is one transaction with its audit entry.  Who votes how is the
 * approval engine's (core/approval.h), not here. */
#include "app/list.h"
#include "app/records_int.h"

#include <stdio.h>
#include <string.h>

#define MEMBERS_MAX 100

static bool key_ok(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    if (n == 0 || n > 48)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
            return false;
    return true;
}

/* The committee's members from body: chair, deputies, members (distinct
 * active accounts), written after the old ones are cleared.  *n = how many. */
static od_err members_write(od_tx *tx, int64_t cid, int64_t chair, json_t *deputies, json_t *members,
                            int64_t *n, od_error *e)
{
    int64_t seen[MEMBERS_MAX + 1];
    size_t k = 0;
    od_err rc = od_tx_exec(tx, OD_Q_CMT_MEMBERS_CLEAR, e, OD_BINDS(OD_INT(cid)));
    json_t *lists[3] = {NULL, deputies, members};
    const char *roles[3] = {"chair", "deputy", "member"}, *fields[3] = {"chair_id", "deputies", "members"};
    for (int l = 0; !rc && l < 3; l++) {
        size_t cnt = l == 0 ? (chair ? 1 : 0) : json_array_size(lists[l]);
        for (size_t i = 0; !rc && i < cnt; i++) {
            json_t *v = l == 0 ? NULL : json_array_get(lists[l], i);
            if (l > 0 && (!json_is_integer(v) || json_integer_value(v) <= 0)) {
                rc = od_error_set(e, OD_E_INVALID, fields[l], "%s 须为用户 id 数组 (%s must be user ids)",
                                  fields[l], fields[l]);
                break;
            }
            int64_t uid = l == 0 ? chair : (int64_t)json_integer_value(v);
            for (size_t j = 0; j < k; j++)
                if (seen[j] == uid)
                    rc = od_error_set(e, OD_E_UNPROCESSABLE, fields[l],
                                      "用户 %lld 在委员会中出现了两次 (user %lld is in the committee twice)",
                                      (long long)uid, (long long)uid);
            if (!rc && k >= MEMBERS_MAX)
                rc = od_error_set(e, OD_E_TOO_LARGE, fields[l], "委员会最多100人 (at most 100 members)");
            int64_t active = 0;
            if (!rc)
                rc = od_tx_scalar(tx, OD_Q_REC_USER_ACTIVE, &active, e, OD_BINDS(OD_INT(uid)));
            if (!rc && !active)
                rc = od_error_set(e, OD_E_UNPROCESSABLE, fields[l],
                                  "用户 %lld 不存在或已停用 (user %lld not found or disabled)",
                                  (long long)uid, (long long)uid);
            if (!rc)
                rc = od_tx_exec(tx, OD_Q_CMT_MEMBER_INSERT, e,
                                OD_BINDS(OD_INT(cid), OD_INT(uid), OD_TEXT(roles[l])));
            if (!rc)
                seen[k++] = uid;
        }
    }
    *n = (int64_t)k;
    return rc;
}

static od_err committee_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_rows *r = NULL;
    bool row = false;
    json_t *o = NULL;
    od_err rc = od_tx_query(tx, OD_Q_CMT_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "委员会 %lld 不存在 (committee %lld not found)",
                          (long long)id, (long long)id);
    if (!rc) {
        o = json_pack("{sI ss ss ss sI s[]}", "id", (json_int_t)od_rows_int(r, 0), "key", od_rows_text(r, 1),
                      "name_zh", od_rows_text(r, 2), "name_en", od_rows_text(r, 3), "quorum",
                      (json_int_t)od_rows_int(r, 5), "members");
        json_object_set_new(o, "chair_id", od_rec_int_col(r, 4));
        json_object_set_new(o, "created_at", od_rec_time(od_rows_int(r, 6)));
        json_object_set_new(o, "updated_at", od_rec_time(od_rows_int(r, 7)));
    }
    od_rows_close(r);
    r = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_CMT_MEMBERS, &r, e, OD_BINDS(OD_INT(id)));
    json_t *deps = json_array();
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_array_append_new(json_object_get(o, "members"),
                              json_pack("{sI ss ss ss}", "user_id", (json_int_t)od_rows_int(r, 0), "username",
                                        od_rows_text(r, 1), "display_name", od_rows_text(r, 2), "role",
                                        od_rows_text(r, 3)));
        if (strcmp(od_rows_text(r, 3), "deputy") == 0)
            json_array_append_new(deps, json_integer(od_rows_int(r, 0)));
    }
    od_rows_close(r);
    json_object_set_new(o, "deputies", deps);
    if (rc)
        json_decref(o);
    else
        *out = o;
    return rc;
}

/* Writes body's fields over committee id (new when creating). */
static od_err committee_write(od_tx *tx, int64_t id, json_t *body, json_t *cur, int64_t now, od_error *e)
{
    json_t *v;
    const char *zh = (v = json_object_get(body, "name_zh"))
                         ? json_string_value(v)
                         : json_string_value(json_object_get(cur, "name_zh"));
    const char *en = (v = json_object_get(body, "name_en"))
                         ? json_string_value(v)
                         : json_string_value(json_object_get(cur, "name_en"));
    if (!zh || !*zh || !en || !*en)
        return od_error_set(e, OD_E_UNPROCESSABLE, !zh || !*zh ? "name_zh" : "name_en",
                            "须有中文名和英文名 (name_zh and name_en are required)");
    v = json_object_get(body, "chair_id");
    int64_t chair = (int64_t)json_integer_value(v ? v : json_object_get(cur, "chair_id"));
    /* the deputies and members kept unless given */
    json_t *old_dep = json_array(), *old_mem = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(cur, "members"), i, m)
    {
        const char *role = json_string_value(json_object_get(m, "role"));
        json_t *uid = json_object_get(m, "user_id");
        if (strcmp(role, "deputy") == 0)
            json_array_append(old_dep, uid);
        else if (strcmp(role, "member") == 0)
            json_array_append(old_mem, uid);
    }
    json_t *deps = json_object_get(body, "deputies"), *mems = json_object_get(body, "members");
    int64_t n = 0;
    od_err rc = members_write(tx, id, chair, deps ? deps : old_dep, mems ? mems : old_mem, &n, e);
    json_decref(old_dep);
    json_decref(old_mem);
    v = json_object_get(body, "quorum");
    int64_t quorum =
        v ? (int64_t)json_integer_value(v) : (int64_t)json_integer_value(json_object_get(cur, "quorum"));
    if (!rc && (quorum < 1 || quorum > n))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "quorum",
                          "法定人数须在 1 到成员数 %lld 之间 (quorum must be between 1 and the %lld members)",
                          (long long)n, (long long)n);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CMT_UPDATE, e,
                        OD_BINDS(OD_TEXT(zh), OD_TEXT(en), OD_INT_NONZERO(chair), OD_INT(quorum), OD_INT(now),
                                 OD_INT(id)));
    return rc;
}

/* Begins a write transaction and loads committee id as it is (*before). */
static od_err committee_begin(od_app *a, int64_t id, od_tx **tx, json_t **before, od_error *e)
{
    od_err rc = od_tx_begin(a->store, true, tx, e);
    if (!rc)
        rc = committee_load(*tx, id, before, e);
    if (rc) {
        od_tx_rollback(*tx);
        *tx = NULL;
    }
    return rc;
}

od_err od_committee_create(od_app *a, const od_principal *who, json_t *body, json_t **out, od_error *e)
{
    *out = NULL;
    const char *key = json_string_value(json_object_get(body, "key"));
    if (!key_ok(key))
        return od_error_set(e, OD_E_UNPROCESSABLE, "key",
                            "key 须为1–48个小写字母、数字或下划线 (key must be 1–48 of a-z, 0-9, _)");
    od_tx *tx = NULL;
    int64_t now = od_app_now(a), id = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_insert(
        tx, OD_Q_CMT_INSERT, &id, e,
        OD_BINDS(OD_TEXT(key), OD_TEXT("-"), OD_TEXT("-"), OD_NULL(), OD_INT(1), OD_INT(now), OD_INT(now)));
    if (rc == OD_E_CONFLICT) {
        od_error_clear(e);
        rc =
            od_error_set(e, OD_E_CONFLICT, "key", "委员会 %s 已存在 (committee %s exists already)", key, key);
    }
    json_t *empty = json_pack("{s[] si}", "members", "quorum", 1);
    if (!rc)
        rc = committee_write(tx, id, body, empty, now, e);
    json_decref(empty);
    if (!rc)
        rc = committee_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "committee.create", "committee", id, NULL, *out, e);
    return od_rec_commit(tx, rc, out, e);
}

od_err od_committee_update(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                           od_error *e)
{
    *out = NULL;
    if (json_object_get(body, "key"))
        return od_error_set(e, OD_E_UNPROCESSABLE, "key",
                            "委员会的 key 不能修改 (a committee's key cannot be changed: policies name it)");
    od_tx *tx = NULL;
    json_t *before = NULL;
    int64_t now = od_app_now(a);
    od_err rc = committee_begin(a, id, &tx, &before, e);
    if (rc)
        return rc;
    rc = committee_write(tx, id, body, before, now, e);
    if (!rc)
        rc = committee_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "committee.update", "committee", id, before, *out, e);
    json_decref(before);
    return od_rec_commit(tx, rc, out, e);
}

od_err od_committee_delete(od_app *a, const od_principal *who, int64_t id, od_error *e)
{
    od_tx *tx = NULL;
    json_t *before = NULL;
    int64_t now = od_app_now(a);
    od_err rc = committee_begin(a, id, &tx, &before, e);
    if (rc)
        return rc;
    rc = od_tx_exec(tx, OD_Q_CMT_MEMBERS_CLEAR, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CMT_DELETE, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_audit_append(tx, now, who, "committee.delete", "committee", id, before, NULL, e);
    json_decref(before);
    return od_rec_commit(tx, rc, NULL, e);
}

od_err od_committee_get(od_app *a, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = committee_load(tx, id, out, e);
    od_tx_rollback(tx);
    return rc;
}

od_err od_committee_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t total = 0, ids[500];
    int n = 0;
    json_t *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc) {
        json_decref(items);
        return rc;
    }
    rc = od_tx_scalar(tx, OD_Q_CMT_COUNT, &total, e, OD_NOBINDS);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_CMT_LIST, &r, e, OD_BINDS(OD_INT(limit), OD_INT(offset)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (n < 500)
            ids[n++] = od_rows_int(r, 0);
    od_rows_close(r);
    for (int i = 0; !rc && i < n; i++) {
        json_t *o = NULL;
        rc = committee_load(tx, ids[i], &o, e);
        if (!rc)
            json_array_append_new(items, o);
    }
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}
