/* delivery_log.c — GET /api/v1/deliveries: the desk's view of every
 * message sent, across incidents (R-NOT-7), so that failed messages are
 * found without opening each incident.  Read-only; statements in
 * store/queries_delivery_log.h. */
#include "app/delivery_log.h"
#include "app/list.h"

#include <string.h>

static const char *const STATUSES[] = {"sent", "retry", "failed", "interrupted"};

static od_err dlog_rows(od_tx *tx, const od_delivery_filter *f, const char *st, const char *ch,
                        int64_t before, int64_t limit, int64_t offset, od_rows **r, od_error *e)
{
    if (*st)
        return od_tx_query(tx, OD_Q_DLOG_LIST_STATUS, r, e,
                           OD_BINDS(OD_TEXT(st), OD_INT(before), OD_TEXT(ch), OD_TEXT(ch), OD_TEXT(ch),
                                    OD_INT(f->recipient_id), OD_INT(f->recipient_id), OD_INT(f->from),
                                    OD_INT(f->from), OD_INT(f->to), OD_INT(f->to), OD_INT(limit),
                                    OD_INT(offset)));
    return od_tx_query(tx, OD_Q_DLOG_LIST, r, e,
                       OD_BINDS(OD_INT(before), OD_TEXT(ch), OD_TEXT(ch), OD_TEXT(ch),
                                OD_INT(f->recipient_id), OD_INT(f->recipient_id), OD_INT(f->from),
                                OD_INT(f->from), OD_INT(f->to), OD_INT(f->to), OD_INT(limit),
                                OD_INT(offset)));
}

static od_err dlog_count(od_tx *tx, const od_delivery_filter *f, const char *st, const char *ch, int64_t cap,
                         int64_t *total, od_error *e)
{
    if (*st)
        return od_tx_scalar(tx, OD_Q_DLOG_COUNT_STATUS, total, e,
                            OD_BINDS(OD_TEXT(st), OD_INT(INT64_MAX), OD_TEXT(ch), OD_TEXT(ch), OD_TEXT(ch),
                                     OD_INT(f->recipient_id), OD_INT(f->recipient_id), OD_INT(f->from),
                                     OD_INT(f->from), OD_INT(f->to), OD_INT(f->to), OD_INT(cap)));
    return od_tx_scalar(tx, OD_Q_DLOG_COUNT, total, e,
                        OD_BINDS(OD_INT(INT64_MAX), OD_TEXT(ch), OD_TEXT(ch), OD_TEXT(ch),
                                 OD_INT(f->recipient_id), OD_INT(f->recipient_id), OD_INT(f->from),
                                 OD_INT(f->from), OD_INT(f->to), OD_INT(f->to), OD_INT(cap)));
}

od_err od_delivery_log(od_app *a, const od_principal *who, const od_delivery_filter *f, int64_t limit,
                       int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    const char *st = f->status ? f->status : "", *ch = f->channel ? f->channel : "";
    if (*st) {
        bool known = false;
        for (size_t i = 0; i < sizeof STATUSES / sizeof *STATUSES; i++)
            known = known || strcmp(st, STATUSES[i]) == 0;
        if (!known)
            return od_error_set(e, OD_E_INVALID, "status",
                                "status 须为 sent、retry、failed 或 interrupted (status must be sent, retry, "
                                "failed or interrupted)");
    }
    if (f->from && f->to && f->to <= f->from)
        return od_error_set(e, OD_E_INVALID, "to", "to 须晚于 from (to must be after from)");
    json_t *items = json_array();
    if (!items)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    /* a scoped principal: every matching row is read and only those of an
     * incident in scope count (as the incident list) */
    bool scoped = who && who->id != 0 && who->n_scopes > 0;
    int64_t cap = od_list_count_cap(a, limit, offset), total = 0, last = 0, n = 0;
    int64_t before = f->before_id > 0 ? f->before_id : INT64_MAX;
    if (!rc && !scoped)
        rc = dlog_count(tx, f, st, ch, cap, &total, e);
    od_page pg = od_page_start(limit, offset);
    if (!rc)
        rc = dlog_rows(tx, f, st, ch, before, scoped ? -1 : limit, scoped ? 0 : offset, &r, e);
    bool row = false;
    while (!rc && !(scoped && pg.seen >= cap) && !(rc = od_rows_step(r, &row)) && row) {
        if (scoped &&
            !od_page_take(&pg, !od_rows_null(r, 15) && od_principal_in_any_scope(who, od_rows_text(r, 17))))
            continue;
        json_t *it = od_delivery_attempt_json(a->policy, r);
        if (!it) {
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
            break;
        }
        json_object_set_new(it, "incident_id",
                            od_rows_null(r, 15) ? json_null() : json_integer(od_rows_int(r, 15)));
        json_object_set_new(it, "incident_number",
                            od_rows_null(r, 16) ? json_null() : json_string(od_rows_text(r, 16)));
        json_object_set_new(it, "channel_kind", json_string(od_rows_text(r, 19)));
        json_object_set_new(it, "recipient_name",
                            od_rows_null(r, 18) ? json_null() : json_string(od_rows_text(r, 18)));
        json_array_append_new(items, it);
        last = od_rows_int(r, 0);
        n++;
    }
    if (scoped)
        total = pg.seen;
    od_rows_close(r);
    if (tx)
        od_tx_rollback(tx);
    rc = od_list_done(rc, items, total, limit, offset, out, e);
    if (rc)
        return rc;
    if ((rc =
             od_list_mark(*out, total >= cap, "next_before_id", n >= limit ? json_integer(last) : NULL, e))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
