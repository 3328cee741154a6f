/* fuzz_json_fields.c — the request-body checker od_req_fields() as the
 * server runs it: the body parsed with json_loadb(JSON_REJECT_DUPLICATES)
 * into an od_req, then checked against the field tables of real handlers
 * (CI create, incident create, role assignment, test clock).  Invariants:
 * the result is OK / invalid / unprocessable / too large, an error names a
 * message, and after OK every listed field has its declared type; the
 * accessors do not crash.  The parsed body is freed (no leak). */
#include "fuzz.h"

#include "http/http.h"

static const od_field ci_fields[] = {
    {"name", OD_JT_STRING, true, 200},        {"category", OD_JT_STRING, true, 47},
    {"grade", OD_JT_STRING, true, 4},         {"department", OD_JT_STRING, false, 127},
    {"environment", OD_JT_STRING, false, 32}, {"location", OD_JT_STRING, false, 200},
    {"attributes", OD_JT_OBJECT, false, 0},   {0}};

static const od_field incident_fields[] = {{"title", OD_JT_TEXT, true, 300},
                                           {"ci_ids", OD_JT_ARRAY, true, 100},
                                           {"severity", OD_JT_STRING, false, 16},
                                           {"detected_at", OD_JT_TIME, false, 0},
                                           {"location", OD_JT_STRING, false, 500},
                                           {"symptoms", OD_JT_STRING, false, 4000},
                                           {"impact_scope", OD_JT_STRING, false, 2000},
                                           {"drill", OD_JT_BOOL, false, 0},
                                           {0}};

static const od_field roles_fields[] = {
    {"roles", OD_JT_ARRAY, true, 32}, {"scopes", OD_JT_ARRAY, false, 16}, {0}};

static const od_field clock_fields[] = {{"advance_seconds", OD_JT_INT, false, 0},
                                        {"set", OD_JT_TIME, false, 0},
                                        {"ratio", OD_JT_NUMBER, false, 0},
                                        {0}};

static const od_field *const tables[] = {ci_fields, incident_fields, roles_fields, clock_fields};

static bool has_type(json_t *v, od_jtype t)
{
    switch (t) {
    case OD_JT_STRING:
    case OD_JT_TEXT:
    case OD_JT_TIME:
        return json_is_string(v);
    case OD_JT_INT:
        return json_is_integer(v);
    case OD_JT_NUMBER:
        return json_is_number(v);
    case OD_JT_BOOL:
        return json_is_boolean(v);
    case OD_JT_OBJECT:
        return json_is_object(v);
    case OD_JT_ARRAY:
        return json_is_array(v);
    case OD_JT_SCALAR:
        return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > OD_BODY_MAX_DEFAULT)
        return 0;
    json_error_t je;
    json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        od_req r;
        memset(&r, 0, sizeof r);
        r.method = "POST";
        r.path = "/fuzz";
        r.json = root;
        r.body = (char *)(uintptr_t)data;
        r.body_len = size;
        od_err rc = od_req_fields(&r, tables[t]);
        FUZZ_CHECK(rc == OD_OK || rc == OD_E_INVALID || rc == OD_E_UNPROCESSABLE || rc == OD_E_TOO_LARGE);
        FUZZ_CHECK(rc == r.err.code);
        if (rc) {
            FUZZ_CHECK(r.err.message[0] && memchr(r.err.message, 0, sizeof r.err.message));
            continue;
        }
        for (const od_field *f = tables[t]; f->name; f++) {
            json_t *v = od_req_get(&r, f->name);
            FUZZ_CHECK(!f->required || v);
            if (!v)
                continue;
            FUZZ_CHECK(has_type(v, f->type));
            if (f->type == OD_JT_STRING || f->type == OD_JT_TEXT)
                FUZZ_CHECK(od_req_str(&r, f->name) != NULL);
            if (f->type == OD_JT_TEXT) /* characters, never more than 4 bytes each */
                FUZZ_CHECK(json_string_length(v) <= 4 * f->max_len);
            (void)od_req_int(&r, f->name, 0);
            (void)od_req_bool(&r, f->name, false);
        }
    }
    json_decref(root);
    return 0;
}
