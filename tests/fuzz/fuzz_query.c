/* fuzz_query.c — the HTTP query string as opsdesk sees it: the input is a
 * request target "PATH?QUERY".  The path goes to od_route_match (as in
 * fuzz_route); the query is split at '&' and '=' and each name and value is
 * percent-decoded with libmicrohttpd's own MHD_http_unescape (what MHD does
 * before od_req_query returns a value), then every value goes through the
 * validators handlers apply to query parameters: od_query_int_parse with the
 * bounds of limit/offset/entity_id, od_query_id_parse, and od_time_parse.  Invariants: an
 * accepted integer is within its bounds and is what strtoll reads; a refused
 * one names the parameter and leaves the default; decoding never grows a
 * value; an accepted time formats and reparses to itself. */
#include "fuzz.h"

#include "http/http.h"
#include "util/clock.h"

#include <microhttpd.h>

static void check_value(const char *name, const char *v)
{
    static const struct {
        const char *name;
        int64_t dflt, min, max;
    } ints[] = {{"limit", 50, 1, 500}, {"offset", 0, 0, INT64_C(1) << 40}, {"entity_id", 0, 0, INT64_MAX}};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        od_error e = {0};
        int64_t out = -12345;
        od_err rc = od_query_int_parse(ints[i].name, v, ints[i].dflt, ints[i].min, ints[i].max, &out, &e);
        if (rc == OD_OK) {
            FUZZ_CHECK(out >= ints[i].min && out <= ints[i].max);
            if (*v)
                FUZZ_CHECK(out == strtoll(v, NULL, 10));
        } else {
            FUZZ_CHECK(rc == OD_E_INVALID);
            FUZZ_CHECK(strcmp(e.field, ints[i].name) == 0);
            FUZZ_CHECK(out == ints[i].dflt);
            FUZZ_CHECK(e.message[0]);
        }
    }
    /* a positive id (ci_id=, plan_id=): accepted means at least 1 and what strtoll reads */
    od_error ie = {0};
    int64_t id = -1;
    if (od_query_id_parse("ci_id", v, &id, &ie) == OD_OK)
        FUZZ_CHECK(id >= 1 && id == strtoll(v, NULL, 10));
    else
        FUZZ_CHECK(id == 0 && strcmp(ie.field, "ci_id") == 0 && ie.message[0]);
    int64_t t;
    if (od_time_parse(v, &t)) {
        char buf[OD_TIME_STR_MAX];
        int64_t t2;
        FUZZ_CHECK(od_time_parse(od_time_format(t, buf), &t2) && t2 == t);
    }
    (void)name;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *s = fuzz_strndup(data, size);
    char *q = strchr(s, '?');
    if (q)
        *q++ = 0;
    int64_t ids[OD_PATH_PARAMS_MAX];
    int n_ids = 0;
    bool pm = false;
    const od_route *r = od_route_match("GET", s, ids, &n_ids, &pm);
    FUZZ_CHECK(!r || strcmp(r->method, "GET") == 0);
    for (char *p = q; p && *p;) {
        char *amp = strchr(p, '&');
        if (amp)
            *amp = 0;
        char *eq = strchr(p, '=');
        char *value = p + strlen(p); /* writable "": MHD decodes in place */
        if (eq) {
            *eq = 0;
            value = eq + 1;
        }
        size_t nl = strlen(p), vl = strlen(value);
        /* MHD decodes in place; '+' is a space in a query */
        for (char *c = value; *c; c++)
            if (*c == '+')
                *c = ' ';
        size_t dn = MHD_http_unescape(p), dv = MHD_http_unescape(value);
        FUZZ_CHECK(dn <= nl && dv <= vl);
        /* a decoded NUL ends the C string the handlers see */
        check_value(p, value);
        p = amp ? amp + 1 : NULL;
    }
    free(s);
    return 0;
}
