/* fuzz_route.c — the router od_route_match() over the real route table.
 * The input is "METHOD PATH" (split at the first space; no space: the whole
 * input is the method and the path is empty).  Invariants: a matched route
 * has the method asked for and as many ids as its pattern has numeric "{...}"
 * parameters ("{token}" is opaque), every id positive; no match leaves n_ids at 0. */
#include "fuzz.h"

#include "http/http.h"

/* numeric "{...}" parameters: an opaque "{token}" segment gives no id */
static int params_in(const char *pattern)
{
    int n = 0;
    for (const char *p = pattern; *p; p++)
        n += *p == '{' && strncmp(p, "{token}", 7) != 0;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = fuzz_strndup(data, size);
    char *sp = strchr(s, ' ');
    const char *method = s, *path = "";
    if (sp) {
        *sp = 0;
        path = sp + 1;
    }
    int64_t ids[OD_PATH_PARAMS_MAX] = {0};
    int n_ids = -1;
    bool path_matched = true;
    const od_route *r = od_route_match(method, path, ids, &n_ids, &path_matched);
    FUZZ_CHECK(n_ids >= 0 && n_ids <= OD_PATH_PARAMS_MAX);
    if (r) {
        FUZZ_CHECK(strcmp(r->method, method) == 0);
        FUZZ_CHECK(n_ids == params_in(r->pattern));
        for (int i = 0; i < n_ids; i++)
            FUZZ_CHECK(ids[i] > 0);
        FUZZ_CHECK(r >= od_routes && (size_t)(r - od_routes) < od_routes_count());
    } else {
        FUZZ_CHECK(n_ids == 0);
    }
    free(s);
    return 0;
}
