/* deliveries.c — the delivery log of an incident (R-NOT-7 "shown on the
 * incident"): every send attempt for its messages, person by person and
 * group bot by group bot, for GET /api/v1/incidents/{id}/deliveries; and
 * the retry of a failed message (POST /api/v1/messages/{id}/retry).  The caller
 * must be allowed to see the incident (same rule as the incident view). */
#include "app/incidents.h"
#include "app/incidents_int.h"
#include "app/list.h"
#include "app/notification.h"
#include "app/delivery_log.h"
#include "notify/message.h"

/* One attempt as JSON (NULL when memory runs out). */
json_t *od_delivery_attempt_json(const od_policy *p, od_rows *r)
{
    char t[OD_TIME_STR_MAX];
    json_t *it = json_pack("{sI ss ss sI ss ss ss ss sI}", "id", (json_int_t)od_rows_int(r, 0), "at",
                           od_time_format(od_rows_int(r, 3), t), "channel", od_rows_text(r, 4), "http_status",
                           (json_int_t)od_rows_int(r, 6), "vendor_code", od_rows_text(r, 7), "error",
                           od_rows_text(r, 8), "kind", od_rows_text(r, 10), "cause", od_rows_text(r, 11),
                           "message_attempts", (json_int_t)od_rows_int(r, 13));
    if (!it)
        return NULL;
    json_object_set_new(it, "status", json_string(od_rows_text(r, 5)));
    json_object_set_new(it, "message_status", json_string(od_rows_text(r, 12)));
    /* R-NOT-3: the desk that sent the message */
    char dn[2 * OD_NAME_MAX + 8];
    json_object_set_new(it, "desk", json_string(od_rows_text(r, 14)));
    json_object_set_new(it, "desk_name",
                        json_string(od_notify_desk_label(p, od_rows_text(r, 14), dn, sizeof dn)));
    if (od_rows_null(r, 1)) {
        json_object_set_new(it, "bot_message_id", json_integer(od_rows_int(r, 2)));
        json_object_set_new(it, "recipient_id", json_null());
    } else {
        json_object_set_new(it, "outbox_id", json_integer(od_rows_int(r, 1)));
        json_object_set_new(it, "recipient_id",
                            od_rows_null(r, 9) ? json_null() : json_integer(od_rows_int(r, 9)));
    }
    return it;
}

od_err od_deliveries_list(od_app *a, const od_principal *who, int64_t incident_id, int64_t limit,
                          int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    /* visibility (department scopes, existence): the rule of the incident view */
    json_t *seen = NULL;
    od_err vis = od_incident_get(a, who, incident_id, &seen, e);
    json_decref(seen);
    if (vis)
        return vis;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    json_t *items = json_array();
    if (!items)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    int64_t total = 0;
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_DSP_OF_INCIDENT_COUNT, &total, e, OD_BINDS(OD_INT(incident_id)));
    if (!rc)
        rc = od_tx_query(tx, OD_Q_DSP_OF_INCIDENT, &r, e,
                         OD_BINDS(OD_INT(incident_id), OD_INT(limit), OD_INT(offset)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *it = od_delivery_attempt_json(a->policy, r);
        if (!it) {
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
            break;
        }
        json_array_append_new(items, it);
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}

od_err od_delivery_retry(od_app *a, const od_principal *who, int64_t message_id, json_t **out, od_error *e)
{
    *out = NULL;
    /* whose message: an incident the caller may see (else it does not exist for them) */
    int64_t incident_id = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_NTF_MSG_INCIDENT, &incident_id, e, OD_BINDS(OD_INT(message_id)));
    if (tx)
        od_tx_rollback(tx);
    if (rc == OD_E_NOT_FOUND || (!rc && incident_id == 0))
        return od_error_set(e, OD_E_NOT_FOUND, NULL, "没有这条通知 (no such message)");
    json_t *seen = NULL;
    if (!rc)
        rc = od_incident_get(a, who, incident_id, &seen, e);
    json_decref(seen);
    if (rc)
        return rc;
    int64_t now = od_app_now(a);
    tx = NULL;
    rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_exec(tx, OD_Q_NTF_RETRY, e, OD_BINDS(OD_INT(now), OD_INT(message_id), OD_INT(incident_id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, NULL,
                          "只能重发发送失败的通知 (only a failed message can be sent again)");
    json_t *aud = json_pack("{sI}", "message_id", (json_int_t)message_id);
    if (!rc)
        rc = od_inc_timeline(tx, incident_id, now, who, "message_retry", aud, e,
                             "重新发送失败的通知 #%lld (failed message #%lld sent again)",
                             (long long)message_id, (long long)message_id);
    if (!rc)
        rc = od_audit_append(tx, now, who, "message.retry", "incident", incident_id, NULL, aud, e);
    json_decref(aud);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    rc = od_tx_commit(tx, e);
    if (rc)
        return rc;
    /* read before waking the dispatcher: the answer shows the message as this
     * commit left it ('pending'), not already claimed by a pass */
    rc = od_incident_get(a, who, incident_id, out, e);
    od_app_committed(a, OD_COMMIT_OUTBOX);
    return rc;
}
