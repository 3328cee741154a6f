/* delegations.c — approval delegations (records.h; modules-spec §1.5): an
 * approver lets another account vote on their behalf for a date range;
 * od_record_vote reads them (od_appr_check_vote decides). */
#include "app/list.h"
#include "app/records_int.h"

#include <string.h>

static json_t *row_json(od_rows *r)
{
    json_t *o = json_pack("{sI sI sI ss ss}", "id", (json_int_t)od_rows_int(r, 0), "user_id",
                          (json_int_t)od_rows_int(r, 1), "delegate_id", (json_int_t)od_rows_int(r, 2), "user",
                          od_rows_text(r, 6), "delegate", od_rows_text(r, 7));
    json_object_set_new(o, "from", od_rec_time(od_rows_int(r, 3)));
    json_object_set_new(o, "until", od_rec_time(od_rows_int(r, 4)));
    json_object_set_new(o, "created_at", od_rec_time(od_rows_int(r, 5)));
    return o;
}

od_err od_delegation_create(od_app *a, const od_principal *who, int64_t delegate_id, int64_t from_ms,
                            int64_t until_ms, json_t **out, od_error *e)
{
    *out = NULL;
    if (!who || who->id <= 0)
        return od_error_set(e, OD_E_FORBIDDEN, NULL, "须以用户身份委托 (a delegation is given by a user)");
    if (delegate_id == who->id)
        return od_error_set(e, OD_E_UNPROCESSABLE, "delegate_id",
                            "不能委托给自己 (one cannot delegate to oneself)");
    if (from_ms >= until_ms)
        return od_error_set(e, OD_E_UNPROCESSABLE, "until", "until 须晚于 from (until must be after from)");
    od_tx *tx = NULL;
    int64_t n = 0, id = 0, now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_scalar(tx, OD_Q_REC_USER_ACTIVE, &n, e, OD_BINDS(OD_INT(delegate_id)));
    if (!rc && n == 0)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "delegate_id",
                          "用户 %lld 不存在或已停用 (user %lld not found or disabled)",
                          (long long)delegate_id, (long long)delegate_id);
    if (!rc)
        rc = od_tx_insert(
            tx, OD_Q_KDLG_INSERT, &id, e,
            OD_BINDS(OD_INT(who->id), OD_INT(delegate_id), OD_INT(from_ms), OD_INT(until_ms), OD_INT(now)));
    od_rows *r = NULL;
    bool row = false;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_KDLG_LIST, &r, e, OD_BINDS(OD_INT(who->id), OD_INT(who->id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (od_rows_int(r, 0) == id)
            *out = row_json(r);
    od_rows_close(r);
    if (!rc && !*out)
        rc = od_error_set(e, OD_E_INTERNAL, NULL, "delegation %lld not read back", (long long)id);
    if (!rc)
        rc = od_audit_append(tx, now, who, "approval.delegate", "user", who->id, NULL, *out, e);
    return od_rec_commit(tx, rc, out, e);
}

od_err od_delegation_list(od_app *a, const od_principal *who, int64_t limit, int64_t offset, json_t **out,
                          od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    json_t *items = json_array();
    int64_t total = 0, uid = who ? who->id : 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc) {
        json_decref(items);
        return rc;
    }
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_KDLG_LIST, &r, e, OD_BINDS(OD_INT(uid), OD_INT(uid)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (total >= offset && total < offset + limit)
            json_array_append_new(items, row_json(r));
        total++;
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}
