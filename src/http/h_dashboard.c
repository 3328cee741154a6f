/* h_dashboard.c — GET /api/v1/dashboard: the wall-screen
 * summary of src/app/dashboard.c.  Query: tz (minutes east of UTC, for the
 * day boundaries of the per-day chart; default 480, China Standard Time),
 * days (1..90, default 30). */
#include "app/dashboard.h"
#include "http/handlers.h"

#include <stdlib.h>

static od_err query_int(od_req *r, const char *name, long lo, long hi, int *out)
{
    const char *s = od_req_query(r, name);
    if (!s)
        return OD_OK;
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return od_error_set(&r->err, OD_E_INVALID, name,
                            "%s 须为 %ld 到 %ld 的整数 (%s must be an integer %ld to %ld)", name, lo, hi,
                            name, lo, hi);
    *out = (int)v;
    return OD_OK;
}

od_err od_h_dashboard(od_req *r)
{
    od_dashboard_opts o = {480, 30};
    od_err rc = query_int(r, "tz", -840, 840, &o.tz_minutes);
    if (!rc)
        rc = query_int(r, "days", 1, OD_DASH_DAYS_MAX, &o.days);
    json_t *out = NULL;
    if (!rc)
        rc = od_dashboard(r->app, &r->who, &o, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
