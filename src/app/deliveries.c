/* deliveries.c — the delivery log of an incident (R-NOT-7 "shown on the
 * incident"): every send attempt for its messages, person by person and
 * group bot by group bot, for GET /api/v1/incidents/{id}/deliveries.  The
 * caller must be allowed to see the incident (same rule as the incident
 * view).  Read-only. */
#include "app/incidents.h"
#include "app/list.h"
#include "app/notification.h"
#include "notify/message.h"

/* One attempt as JSON (NULL when memory runs out). */
static json_t *attempt_json(const od_policy *p, od_rows *r)
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
    json_t *inc = NULL;
    od_err vis = od_incident_get(a, who, incident_id, &inc, e);
    json_decref(inc);
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
        json_t *it = attempt_json(a->policy, r);
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
