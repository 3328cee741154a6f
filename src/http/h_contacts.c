/* h_contacts.c — handlers of the reporting desks' owners (/api/v1/desks,
 * /api/v1/desk-owners; seed 000 ch. 7 §2.1 item 3) and of the vendor and
 * key-customer contacts (/api/v1/contacts; ch. 9 §4).  Shape checks here;
 * rules in app/contacts.h. */
#include "app/contacts.h"
#include "http/handlers.h"

#include <stdint.h>
#include <stdlib.h>

od_err od_h_desk_list(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_desk_list(r->app, &r->who, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_desk_owner(od_req *r)
{
    static const od_field f[] = {{"desk", OD_JT_STRING, true, 47}, {"user_id", OD_JT_INT, true, 0}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc =
        od_desk_owner_set(r->app, &r->who, od_req_str(r, "desk"), od_req_int(r, "user_id", 0), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_contact_list(od_req *r)
{
    int64_t limit, offset, ci_id = 0;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    if ((rc = od_req_query_id(r, "ci_id", &ci_id)))
        return rc;
    json_t *out = NULL;
    rc = od_contact_list(r->app, &r->who, ci_id, od_req_query(r, "kind"), limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static const od_field contact_fields[] = {
    {"kind", OD_JT_STRING, false, 16},        {"name", OD_JT_TEXT, false, 100},
    {"organisation", OD_JT_TEXT, false, 200}, {"phone", OD_JT_STRING, false, 31},
    {"email", OD_JT_STRING, false, 254},      {"ci_id", OD_JT_SCALAR, false, 0},
    {"service", OD_JT_TEXT, false, 200},      {"levels", OD_JT_ARRAY, false, 4},
    {"note", OD_JT_TEXT, false, 2000},        {0}};

od_err od_h_contact_create(od_req *r)
{
    od_err rc = od_req_fields(r, contact_fields);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_contact_create(r->app, &r->who, r->json, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_contact_patch(od_req *r)
{
    od_err rc = od_req_fields(r, contact_fields);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_contact_patch(r->app, &r->who, r->ids[0], r->json, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_contact_delete(od_req *r)
{
    od_err rc = od_contact_delete(r->app, &r->who, r->ids[0], &r->err);
    return od_h_result(r, rc, 200,
                       rc ? NULL : json_pack("{sI sb}", "id", (json_int_t)r->ids[0], "deleted", 1));
}
