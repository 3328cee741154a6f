/* list.c — the envelope of a page of a list (list.h). */
#include "app/list.h"

json_t *od_list_envelope(json_t *items, int64_t total, int64_t limit, int64_t offset)
{
    return json_pack("{so sI sI sI}", "items", items, "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)offset);
}

od_err od_list_done(od_err rc, json_t *items, int64_t total, int64_t limit, int64_t offset, json_t **out,
                    od_error *e)
{
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = od_list_envelope(items, total, limit, offset);
    return *out ? OD_OK : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
}

od_err od_list_mark(json_t *env, bool estimated, const char *name, json_t *next, od_error *e)
{
    if (json_object_set_new(env, "total_estimated", json_boolean(estimated))) {
        json_decref(next);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    if (json_object_set_new(env, name, next ? next : json_null())) /* next is freed by jansson */
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    return OD_OK;
}
