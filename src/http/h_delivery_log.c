/* h_delivery_log.c — GET /api/v1/deliveries: every send attempt, newest
 * first (R-NOT-7), filtered by status, channel, recipient_id and a time
 * range from/to (RFC 3339), paged by before_id (docs/internals/lists.md).
 * Thin: parses the query and calls app/delivery_log.c. */
#include "app/delivery_log.h"
#include "http/handlers.h"
#include "util/clock.h"

static od_err query_time(od_req *r, const char *name, int64_t *out)
{
    const char *s = od_req_query(r, name);
    *out = 0;
    if (!s || !*s)
        return OD_OK;
    if (!od_time_parse(s, out))
        return od_error_set(&r->err, OD_E_INVALID, name,
                            "%s 须为 RFC 3339 时间 (%s must be an RFC 3339 time)", name, name);
    return OD_OK;
}

od_err od_h_delivery_log(od_req *r)
{
    int64_t limit, offset;
    od_delivery_filter f = {.status = od_req_query(r, "status"), .channel = od_req_query(r, "channel")};
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_query_int_parse("recipient_id", od_req_query(r, "recipient_id"), 0, 1, INT64_MAX,
                                &f.recipient_id, &r->err);
    if (!rc)
        rc = od_query_int_parse("before_id", od_req_query(r, "before_id"), 0, 1, INT64_MAX, &f.before_id,
                                &r->err);
    if (!rc)
        rc = query_time(r, "from", &f.from);
    if (!rc)
        rc = query_time(r, "to", &f.to);
    json_t *out = NULL;
    if (!rc)
        rc = od_delivery_log(r->app, &r->who, &f, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
