/* h_notify.c — the directory and `opsdesk notify test` over HTTP:
 *   GET|PUT /api/v1/users/{id}/notify, GET|PUT /api/v1/auth/me/notify
 *   POST /api/v1/notify/test, GET /api/v1/notify/test/{id}
 * Shape checks here; the rules and the transactions are the use cases of
 * app/notify_directory.c.  Called by the HTTP thread pool. */
#include "app/notification.h"
#include "http/handlers.h"

static const od_field notify_fields[] = {
    {"bot_kind", OD_JT_STRING, false, 16},    {"bot_url", OD_JT_STRING, false, 1024},
    {"bot_secret", OD_JT_STRING, false, 256}, {"channels", OD_JT_OBJECT, false, 0},
    {"lang", OD_JT_STRING, false, 8},         {0}};

static od_err notify_get(od_req *r, int64_t id)
{
    json_t *out = NULL;
    od_err rc = od_user_notify_get(r->app, id, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static od_err notify_put(od_req *r, int64_t id)
{
    od_err rc = od_req_fields(r, notify_fields);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_user_notify_put(r->app, &r->who, id, r->json, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_user_notify_get(od_req *r)
{
    return notify_get(r, r->ids[0]);
}
od_err od_h_user_notify_put(od_req *r)
{
    return notify_put(r, r->ids[0]);
}
od_err od_h_me_notify_get(od_req *r)
{
    return notify_get(r, r->who.id);
}
od_err od_h_me_notify_put(od_req *r)
{
    return notify_put(r, r->who.id);
}

od_err od_h_notify_test(od_req *r)
{
    static const od_field f[] = {{"channel", OD_JT_STRING, true, 48}, {"to", OD_JT_STRING, false, 254}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_notify_test_send(r->app, &r->who, od_req_str(r, "channel"), od_req_str(r, "to"), &out, &r->err);
    return od_h_result(r, rc, 202, out);
}

od_err od_h_notify_test_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_notify_test_get(r->app, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
