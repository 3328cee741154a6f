/* desks.c — the owners of the reporting desks (seed 000 ch. 7 §2.1 item 3:
 * "立刻告知部门上报接口负责人，接口负责人登记后，通过专用手机，以群发的方式
 * 进行上报和报警").  A desk of the policy has at most one owner; when an
 * incident is registered by someone else, the owner of the registrant's
 * desk is told at once (message registered), and a desk with no owner is
 * said so on the timeline: nothing waits silently. */
#include "app/contacts.h"
#include "app/incidents_int.h"
#include "app/list.h"
#include "core/authz.h"
#include "core/duties.h"

#include <stdio.h>
#include <string.h>

/* {key, name_zh, name_en, phone, owner, owner_missing, owner_unreachable} */
static json_t *desk_json(const od_desk *d, json_t *owner)
{
    const char *phone = owner ? json_string_value(json_object_get(owner, "phone")) : NULL;
    json_t *o = json_pack("{ss ss ss ss}", "key", d->key, "name_zh", d->name_zh, "name_en", d->name_en,
                          "phone", d->phone);
    json_object_set_new(o, "owner", owner ? json_incref(owner) : json_null());
    json_object_set_new(o, "owner_missing", json_boolean(!owner));
    json_object_set_new(o, "owner_unreachable", json_boolean(owner && (!phone || !*phone)));
    return o;
}

/* The owners by desk key: {key: {id, username, display_name, phone}}. */
static od_err owners_of(od_tx *tx, json_t **out, od_error *e)
{
    json_t *m = json_object();
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_DESK_OWNER_LIST, &r, e, OD_NOBINDS);
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (!od_rows_int(r, 5)) /* a disabled owner owns nothing */
            json_object_set_new(m, od_rows_text(r, 0),
                                json_pack("{sI ss ss ss}", "id", (json_int_t)od_rows_int(r, 1), "username",
                                          od_rows_text(r, 2), "display_name", od_rows_text(r, 3), "phone",
                                          od_rows_text(r, 4)));
    od_rows_close(r);
    if (rc) {
        json_decref(m);
        return rc;
    }
    *out = m;
    return OD_OK;
}

od_err od_desk_list(od_app *a, const od_principal *who, int64_t limit, int64_t offset, json_t **out,
                    od_error *e)
{
    (void)who;
    *out = NULL;
    od_tx *tx = NULL;
    json_t *owners = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = owners_of(tx, &owners, e);
    od_tx_rollback(tx);
    if (rc)
        return rc;
    json_t *items = json_array();
    size_t n = od_notify_n_desks(a->policy);
    for (size_t i = (size_t)offset; i < n && (int64_t)(i - (size_t)offset) < limit; i++) {
        const od_desk *d = od_notify_desk_at(a->policy, i);
        json_array_append_new(items, desk_json(d, json_object_get(owners, d->key)));
    }
    json_decref(owners);
    return od_list_done(OD_OK, items, (int64_t)n, limit, offset, out, e);
}

od_err od_desk_owner_set(od_app *a, const od_principal *who, const char *key, int64_t user_id, json_t **out,
                         od_error *e)
{
    *out = NULL;
    const od_desk *d = od_notify_desk(a->policy, key);
    if (!d)
        return od_error_set(e, OD_E_NOT_FOUND, NULL, "没有上报接口 %s (no reporting desk %s)", key ? key : "",
                            key ? key : "");
    if (user_id < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "user_id",
                            "user_id 须为正整数，0 表示取消 (user_id must be positive; 0 clears)");
    od_tx *tx = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    json_t *before = NULL, *after = NULL, *owners = NULL;
    rc = owners_of(tx, &owners, e);
    if (!rc)
        before = json_incref(json_object_get(owners, d->key));
    if (!rc && user_id) { /* an enabled account that may register and report */
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(user_id)));
        if (!rc)
            rc = od_rows_step(r, &row);
        bool ok = !rc && row && !od_rows_int(r, 8) &&
                  od_roles_allow((od_roleset)od_rows_int(r, 6), OD_PERM_INCIDENT_REPORT);
        od_rows_close(r);
        if (!rc && !ok)
            rc = od_error_set(
                e, OD_E_UNPROCESSABLE, "user_id",
                "用户 %lld 不存在、已停用或无权上报事件 (user %lld does not exist, is disabled or "
                "may not report incidents)",
                (long long)user_id, (long long)user_id);
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_DESK_OWNER_PUT, e,
                            OD_BINDS(OD_TEXT(d->key), OD_INT(user_id), OD_TEXT(who->username), OD_INT(now)));
    } else if (!rc)
        rc = od_tx_exec(tx, OD_Q_DESK_OWNER_DELETE, e, OD_BINDS(OD_TEXT(d->key)));
    json_decref(owners);
    owners = NULL;
    if (!rc)
        rc = owners_of(tx, &owners, e);
    if (!rc)
        after = json_incref(json_object_get(owners, d->key));
    json_t *ab = json_pack("{ss sO*}", "desk", d->key, "owner", before),
           *aa = json_pack("{ss sO*}", "desk", d->key, "owner", after);
    if (!rc)
        rc = od_audit_append(tx, now, who, "desk.owner", "desk", 0, ab, aa, e);
    json_decref(ab);
    json_decref(aa);
    json_decref(before);
    json_decref(after);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc)
        *out = desk_json(d, json_object_get(owners, d->key));
    json_decref(owners);
    return rc;
}

od_err od_desk_owner_told(od_tx *tx, const od_policy *p, const inc *x, const od_principal *registrant,
                          int64_t now, od_error *e)
{
    const char *key = NULL;
    od_error ignore = {0};
    if (od_report_desk(OD_IA_FIRST_REPORT, registrant->roles, NULL, &key, &ignore) || !key)
        return OD_OK;
    const od_desk *d = od_notify_desk(p, key);
    if (!d)
        return OD_OK;
    json_t *owners = NULL;
    od_err rc = owners_of(tx, &owners, e);
    if (rc)
        return rc;
    json_t *o = json_object_get(owners, d->key);
    od_principal sys;
    od_principal_system(&sys);
    if (!o)
        rc = od_inc_timeline(
            tx, x->id, now, &sys, "desk_owner_missing", NULL, e,
            "上报接口%s未指定负责人，请指定（上报接口负责人登记并群发报警） (the reporting desk %s has "
            "no owner: name one; the desk owner registers and group-sends the alarm)",
            d->name_zh, d->name_en);
    else if ((int64_t)json_integer_value(json_object_get(o, "id")) != registrant->id) {
        const char *dn = json_string_value(json_object_get(o, "display_name"));
        const char *who = dn && *dn ? dn : json_string_value(json_object_get(o, "username"));
        char cause[64], due[OD_MSG_TIME_MAX];
        snprintf(cause, sizeof cause, "inc:%lld:registered", (long long)x->id);
        msgspec m = {.kind = OD_MSG_REGISTERED, .due_at = od_msg_time(x->first_due, due), .desk = d->key};
        json_t *users = json_pack("[{sI}]", "id", json_integer_value(json_object_get(o, "id")));
        rc = od_incident_notify_all(tx, p, x, users, cause, "registered", &m, now, e);
        json_decref(users);
        if (!rc)
            rc = od_inc_timeline(tx, x->id, now, &sys, "desk_owner_told", NULL, e,
                                 "已告知上报接口负责人%s（%s） (the owner of %s, %s, was told)", who,
                                 d->name_zh, d->name_en, who);
    }
    json_decref(owners);
    return rc;
}
