/* incident_handling.c — changing an incident's handling department after
 * registration (seed 000 ch. 8 §1: the handling department leads the
 * post-incident review; R-PIR-1).  The leader over the response decides
 * (core/duties.h od_handling_change_check), with a reason; the change is on
 * the timeline and in the audit trail, and the heads of both departments
 * are told (message handling_changed), the new department's then being owed
 * the progress and final reports.  One transaction. */
#include "app/incidents_int.h"
#include "app/incident_group.h"
#include "app/notify_out.h"
#include "core/duties.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX_CHARS 1000
#define DEPT_MAX_BYTES 127

/* The heads (department_head) of the two departments, told of the change. */
static od_err tell_heads(od_tx *tx, const od_policy *p, const inc *x, const char *from, const char *to,
                         const od_principal *who, const char *reason, int64_t now, od_error *e)
{
    od_audience a = {0};
    a.own_department = OD_ROLEBIT(OD_ROLE_DEPARTMENT_HEAD);
    json_t *deps = json_pack("[ss]", from, to), *users = NULL;
    char *ds = deps ? json_dumps(deps, JSON_COMPACT) : NULL;
    json_decref(deps);
    if (!ds)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = od_out_audience(tx, &a, ds, &users, e);
    free(ds);
    char cause[96];
    snprintf(cause, sizeof cause, "inc:%lld:handling:%lld", (long long)x->id, (long long)now);
    msgspec m = {.kind = OD_MSG_HANDLING_CHANGED,
                 .reporter = who->username,
                 .reason = reason,
                 .department = to,
                 .from_department = from};
    if (!rc && json_array_size(users))
        rc = od_incident_notify_all(tx, p, x, users, cause, "handling_changed", &m, now, e);
    json_decref(users);
    return rc;
}

od_err od_incident_set_handling(od_app *a, const od_principal *who, int64_t id, const char *department,
                                const char *reason, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_incident_handling_in(a, tx, who, id, department, reason, e);
    return od_inc_commit_and_get(a, tx, rc, who, id, out, e);
}

od_err od_incident_handling_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                               const char *department, const char *reason, od_error *e)
{
    if (!reason || !*reason)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "reason",
            "变更处理部门须说明原因 (a reason is required to change the handling department)");
    if (od_utf8_count(reason, strlen(reason)) > REASON_MAX_CHARS)
        return od_error_set(e, OD_E_TOO_LARGE, "reason",
                            "原因超过 %d 个字符 (the reason is over %d characters)", REASON_MAX_CHARS,
                            REASON_MAX_CHARS);
    if (department && strlen(department) > DEPT_MAX_BYTES)
        return od_error_set(e, OD_E_TOO_LARGE, "department",
                            "部门名称超过 %d 字节 (the department name is over %d bytes)", DEPT_MAX_BYTES,
                            DEPT_MAX_BYTES);
    const od_policy *p = a->policy;
    inc x;
    int64_t now = od_app_now(a);
    od_err rc = od_inc_load(tx, who, id, &x, e);
    if (rc)
        return rc;
    char from[DEPT_MAX_BYTES + 1] = "";
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_INC_HANDLING_GET, &r, e, OD_BINDS(OD_INT(x.id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        snprintf(from, sizeof from, "%s", od_rows_text(r, 0));
    od_rows_close(r);
    if (!rc)
        rc = od_handling_change_check(p, x.state, x.highest, who->roles, from, department, e);
    const char *was = od_handling_department(p, from);
    char was_copy[DEPT_MAX_BYTES + 1];
    snprintf(was_copy, sizeof was_copy, "%s", was);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_INC_HANDLING_SET, e, OD_BINDS(OD_TEXT(department), OD_INT(x.id)));
    if (!rc)
        rc = od_inc_timeline(tx, x.id, now, who, "handling_changed", NULL, e,
                             "处理部门由%s改为%s，原因：%s (handling department changed from %s to %s: %s)",
                             was_copy, department, reason, was_copy, department, reason);
    json_t *before = json_pack("{ss}", "handling_department", was_copy),
           *after = json_pack("{ss ss}", "handling_department", department, "reason", reason);
    if (!rc)
        rc = od_audit_append(tx, now, who, "incident.handling", "incident", x.id, before, after, e);
    json_decref(before);
    json_decref(after);
    if (!rc)
        rc = tell_heads(tx, p, &x, was_copy, department, who, reason, now, e);
    od_inc_free(&x);
    return rc;
}
