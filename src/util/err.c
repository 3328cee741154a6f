/* err.c — names and HTTP statuses of od_err codes, and the od_error setter. */
#include "err.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int http;
} err_table[] = {
    [OD_OK] = {"ok", 200},
    [OD_E_INVALID] = {"invalid", 400},
    [OD_E_UNPROCESSABLE] = {"unprocessable", 422},
    [OD_E_UNAUTH] = {"unauthenticated", 401},
    [OD_E_FORBIDDEN] = {"forbidden", 403},
    [OD_E_NOT_FOUND] = {"not_found", 404},
    [OD_E_CONFLICT] = {"conflict", 409},
    [OD_E_TOO_LARGE] = {"too_large", 413},
    [OD_E_RATE_LIMIT] = {"rate_limited", 429},
    [OD_E_NOMEM] = {"out_of_memory", 500},
    [OD_E_STORE] = {"store_error", 500},
    [OD_E_IO] = {"io_error", 500},
    [OD_E_INTERNAL] = {"internal", 500},
    [OD_E_UNAVAILABLE] = {"unavailable", 503},
    [OD_E_METHOD] = {"method_not_allowed", 405},
};
_Static_assert(sizeof err_table / sizeof err_table[0] == OD_E__COUNT, "err_table out of sync with od_err");

const char *od_err_str(od_err code)
{
    if ((unsigned)code >= OD_E__COUNT)
        return "unknown";
    return err_table[code].name;
}

int od_err_http(od_err code)
{
    if ((unsigned)code >= OD_E__COUNT)
        return 500;
    return err_table[code].http;
}

void od_error_clear(od_error *e)
{
    if (e)
        memset(e, 0, sizeof *e);
}

od_err od_error_vset(od_error *e, od_err code, const char *field, const char *fmt, va_list ap)
{
    if (!e || e->code != OD_OK)
        return code;
    e->code = code;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    if (field)
        snprintf(e->field, sizeof e->field, "%s", field);
    return code;
}

od_err od_error_set(od_error *e, od_err code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    od_error_vset(e, code, field, fmt, ap);
    va_end(ap);
    return code;
}
