/* h_events.c — the event read API, maintenance windows and ingestion API
 * keys (contract in docs/events.md and docs/api).  Each passes the caller
 * (r->who) for department scope; the use cases are in app/event_read.c,
 * app/maintenance_windows.c and app/api_keys.c. */
#include "http/handlers.h"
#include "ingest/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

od_err od_h_event_list(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_events_list(r->app, &r->who, od_req_query(r, "status"), od_req_query(r, "class"),
                            od_req_query(r, "ci"), od_req_query(r, "source"), od_req_query(r, "q"),
                            od_req_query(r, "after"), limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_event_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_event_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_event_stats(od_req *r)
{
    const char *h = od_req_query(r, "hours");
    long hours = 24;
    if (h && *h) {
        char *end;
        hours = strtol(h, &end, 10);
        if (*end || hours < 1 || hours > 744)
            return od_error_set(&r->err, OD_E_INVALID, "hours",
                                "hours 须为 1 到 744 的整数 (hours must be an integer "
                                "from 1 to 744)");
    }
    json_t *out = NULL;
    od_err rc = od_events_stats(r->app, &r->who, (int)hours, &out, &r->err);
    struct od_ingest *g = od_server_ingest(r->srv);
    if (!rc && g) /* the group-commit queue: events accepted, not yet committed */
        json_object_set_new(out, "ingest",
                            json_pack("{sI sI}", "pending", (json_int_t)od_ingest_pending(g), "capacity",
                                      (json_int_t)od_ingest_capacity(g)));
    return od_h_result(r, rc, 200, out);
}

od_err od_h_event_review(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_events_review(r->app, &r->who, od_req_query(r, "week"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static const od_field window_fields[] = {{"name", OD_JT_TEXT, false, 200},
                                         {"starts_at", OD_JT_TIME, true, 0},
                                         {"ends_at", OD_JT_TIME, true, 0},
                                         {"matchers", OD_JT_ARRAY, false, 16},
                                         {"ci_id", OD_JT_INT, false, 0},
                                         {"comment", OD_JT_TEXT, false, 2000},
                                         {0}};
static const od_field window_patch_fields[] = {{"name", OD_JT_TEXT, false, 200},
                                               {"starts_at", OD_JT_TIME, false, 0},
                                               {"ends_at", OD_JT_TIME, false, 0},
                                               {"matchers", OD_JT_ARRAY, false, 16},
                                               {"ci_id", OD_JT_INT, false, 0},
                                               {"comment", OD_JT_TEXT, false, 2000},
                                               {0}};

od_err od_h_window_create(od_req *r)
{
    od_err rc = od_req_fields(r, window_fields);
    if (rc)
        return rc;
    if (!od_req_str(r, "name") || !*od_req_str(r, "name")) {
        const char *c = od_req_str(r, "comment");
        json_object_set_new(r->json, "name", json_string(c && *c ? c : "维护窗口 maintenance"));
    }
    json_t *out = NULL;
    rc = od_window_create(r->app, &r->who, r->json, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_window_list(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &limit, &offset);
    const char *act = od_req_query(r, "active");
    if (!rc)
        rc = od_window_list(r->app, &r->who, act && (strcmp(act, "true") == 0 || strcmp(act, "1") == 0),
                            limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_window_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_window_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_window_patch(od_req *r)
{
    od_err rc = od_req_fields(r, window_patch_fields);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_window_update(r->app, &r->who, r->ids[0], r->json, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_window_delete(od_req *r)
{
    od_err rc = od_window_delete(r->app, &r->who, r->ids[0], &r->err);
    return od_h_result(r, rc, 200,
                       rc ? NULL : json_pack("{sI sb}", "id", (json_int_t)r->ids[0], "deleted", 1));
}

od_err od_h_apikey_create(od_req *r)
{
    static const od_field f[] = {
        {"name", OD_JT_STRING, true, 63}, {"integration", OD_JT_STRING, true, 16}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_api_key_create(r->app, &r->who, od_req_str(r, "name"), od_req_str(r, "integration"), &out,
                           &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_apikey_list(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_api_key_list(r->app, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_apikey_revoke(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_req_no_fields(r); /* a body-less action: a field is a client error, not ignored */
    if (!rc)
        rc = od_api_key_revoke(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
