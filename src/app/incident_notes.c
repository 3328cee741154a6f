/* incident_notes.c — what the people handling an incident keep among
 * themselves: internal work notes ("已联系厂商，工程师 30 分钟到场"), a
 * timeline entry (kind "note") and an audit entry that notify nobody,
 * unlike a progress report (R-NOT-5); and the incident's owner (负责人),
 * the person driving its handling.  Anyone who may report on or lead
 * incidents may write a note or set the owner, in any state; the auditor
 * reads them.  One transaction each. */
#include "app/incidents_int.h"
#include "app/incident_group.h"
#include "core/authz.h"
#include "util/utf8.h"

#include <string.h>

#define NOTE_MAX_CHARS 2000

static bool may_handle(od_roleset roles)
{
    return od_roles_allow(roles, OD_PERM_INCIDENT_REPORT) || od_roles_allow(roles, OD_PERM_INCIDENT_LEAD);
}

od_err od_inc_owner_json(od_tx *tx, int64_t inc_id, json_t *o, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_INC_OWNER_GET, &r, e, OD_BINDS(OD_INT(inc_id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    json_t *owner = json_null();
    if (!rc && row && !od_rows_null(r, 0))
        owner = json_pack("{sI ss ss}", "id", (json_int_t)od_rows_int(r, 0), "username", od_rows_text(r, 1),
                          "display_name", od_rows_text(r, 2));
    od_rows_close(r);
    json_object_set_new(o, "owner", owner ? owner : json_null());
    return rc;
}

od_err od_incident_set_owner(od_app *a, const od_principal *who, int64_t id, int64_t user_id, json_t **out,
                             od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_incident_owner_in(a, tx, who, id, user_id, e);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_owner_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, int64_t user_id,
                            od_error *e)
{
    if (!may_handle(who->roles))
        return od_error_set(
            e, OD_E_FORBIDDEN, NULL,
            "只有处置或领导事件的人员可以指定负责人 (only those who report on or lead incidents "
            "may set the owner)");
    inc x;
    int64_t now = od_app_now(a);
    od_err rc = od_inc_load(tx, who, id, &x, e);
    if (rc)
        return rc;
    /* the new owner: an enabled account that may handle incidents */
    char name[OD_NAME_MAX] = "";
    if (user_id) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(user_id)));
        if (!rc)
            rc = od_rows_step(r, &row);
        bool ok = !rc && row && !od_rows_int(r, 8) && may_handle((od_roleset)od_rows_int(r, 6));
        if (ok)
            snprintf(name, sizeof name, "%s", *od_rows_text(r, 2) ? od_rows_text(r, 2) : od_rows_text(r, 1));
        od_rows_close(r);
        if (!rc && !ok)
            rc =
                od_error_set(e, OD_E_UNPROCESSABLE, "user_id",
                             "用户 %lld 不存在、已停用或不处置事件 (user %lld does not exist, is disabled or "
                             "does not handle incidents)",
                             (long long)user_id, (long long)user_id);
    }
    json_t *before = json_object(), *after = json_object();
    if (!rc)
        rc = od_inc_owner_json(tx, x.id, before, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_INC_OWNER_SET, e,
                        OD_BINDS(OD_INT_NONZERO(user_id), OD_INT(now), OD_INT(x.id)));
    if (!rc)
        rc = user_id
                 ? od_inc_timeline(tx, x.id, now, who, "owner", NULL, e, "负责人：%s (owner: %s)", name, name)
                 : od_inc_timeline(tx, x.id, now, who, "owner", NULL, e, "不再指定负责人 (owner cleared)");
    if (!rc)
        rc = od_inc_owner_json(tx, x.id, after, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "incident.owner", "incident", x.id,
                             json_object_get(before, "owner"), json_object_get(after, "owner"), e);
    json_decref(before);
    json_decref(after);
    od_inc_free(&x);
    return rc;
}

od_err od_incident_note(od_app *a, const od_principal *who, int64_t id, const char *text, json_t **out,
                        od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_incident_note_in(a, tx, who, id, text, e);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_note_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, const char *text,
                           od_error *e)
{
    if (!may_handle(who->roles))
        return od_error_set(
            e, OD_E_FORBIDDEN, NULL,
            "只有处置或领导事件的人员可以写工作记录 (only those who report on or lead incidents "
            "may write work notes)");
    size_t len = text ? strlen(text) : 0, n = 0;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\n'))
        len--;
    while (n < len && (text[n] == ' ' || text[n] == '\n'))
        n++;
    if (n == len)
        return od_error_set(e, OD_E_UNPROCESSABLE, "text", "工作记录不能为空 (the note is empty)");
    if (od_utf8_count(text, strlen(text)) > NOTE_MAX_CHARS)
        return od_error_set(e, OD_E_TOO_LARGE, "text",
                            "工作记录超过 %d 个字符 (the note is over %d characters)", NOTE_MAX_CHARS,
                            NOTE_MAX_CHARS);
    inc x;
    int64_t now = od_app_now(a);
    od_err rc = od_inc_load(tx, who, id, &x, e);
    if (rc)
        return rc;
    rc = od_inc_timeline(tx, x.id, now, who, "note", NULL, e, "%.*s", (int)(len - n), text + n);
    json_t *after = json_pack("{ss#}", "note", text + n, (int)(len - n));
    if (!rc)
        rc = od_audit_append(tx, now, who, "incident.note", "incident", x.id, NULL, after, e);
    json_decref(after);
    od_inc_free(&x);
    return rc;
}
