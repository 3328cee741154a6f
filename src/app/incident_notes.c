/* incident_notes.c — internal work notes on an incident: what the people
 * handling it write for each other ("已联系厂商，工程师 30 分钟到场").  A
 * note is a timeline entry (kind "note") and an audit entry; it notifies
 * nobody, unlike a progress report (R-NOT-5), which goes to everyone the
 * incident reached.  Anyone who may report on or lead incidents may write
 * one, in any state; the auditor reads them.  One transaction. */
#include "app/incidents_int.h"
#include "core/authz.h"
#include "util/utf8.h"

#include <string.h>

#define NOTE_MAX_CHARS 2000

od_err od_incident_note(od_app *a, const od_principal *who, int64_t id, const char *text, json_t **out,
                        od_error *e)
{
    *out = NULL;
    if (!od_roles_allow(who->roles, OD_PERM_INCIDENT_REPORT) &&
        !od_roles_allow(who->roles, OD_PERM_INCIDENT_LEAD))
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
    od_tx *tx = NULL;
    inc x;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_inc_load(tx, who, id, &x, e);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    rc = od_inc_timeline(tx, x.id, now, who, "note", NULL, e, "%.*s", (int)(len - n), text + n);
    json_t *after = json_pack("{ss#}", "note", text + n, (int)(len - n));
    if (!rc)
        rc = od_audit_append(tx, now, who, "incident.note", "incident", x.id, NULL, after, e);
    json_decref(after);
    od_inc_free(&x);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}
