/* test_http_route.c — the route table's matcher (src/http/request.c
 * od_route_match): every route's own path, its parameters filled in, finds
 * that route (and its numeric ids in order); the same path with another
 * method says the path matched; paths that differ by one character, one
 * segment, a bad id or a bad token find nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/http.h"

/* The pattern with {token}, {action} and {item_key} as "Tok_9-z" and each
 * numeric parameter as 11, 12, ...; the ids written into ids. */
static void fill(const char *pat, char *out, size_t cap, int64_t *ids, int *n)
{
    size_t o = 0;
    *n = 0;
    while (*pat && o + 24 < cap) {
        if (*pat != '{') {
            out[o++] = *pat++;
            continue;
        }
        const char *end = strchr(pat, '}');
        assert_non_null(end);
        size_t len = (size_t)(end - pat + 1);
        if ((len == 7 && strncmp(pat, "{token}", 7) == 0) || (len == 8 && strncmp(pat, "{action}", 8) == 0) ||
            (len == 10 && strncmp(pat, "{item_key}", 10) == 0))
            o += (size_t)snprintf(out + o, cap - o, "Tok_9-z");
        else {
            ids[*n] = 11 + *n;
            o += (size_t)snprintf(out + o, cap - o, "%lld", (long long)ids[*n]);
            (*n)++;
        }
        pat = end + 1;
    }
    out[o] = 0;
}

static void every_route_finds_itself(void **state)
{
    (void)state;
    size_t n = od_routes_count();
    assert_true(n > 100);
    for (size_t i = 0; i < n; i++) {
        const od_route *r = &od_routes[i];
        char path[512];
        int64_t want[OD_PATH_PARAMS_MAX], got[OD_PATH_PARAMS_MAX];
        int nwant = 0, ngot = -1;
        bool path_matched = true;
        fill(r->pattern, path, sizeof path, want, &nwant);
        const od_route *m = od_route_match(r->method, path, got, &ngot, &path_matched);
        if (!m || strcmp(m->pattern, r->pattern) != 0 || strcmp(m->method, r->method) != 0)
            fail_msg("%s %s (as %s) found %s %s", r->method, r->pattern, path, m ? m->method : "-",
                     m ? m->pattern : "nothing");
        assert_int_equal(ngot, nwant);
        for (int k = 0; k < nwant; k++)
            assert_int_equal(got[k], want[k]);
        /* a method no route has: nothing, but the path is known */
        m = od_route_match("BREW", path, got, &ngot, &path_matched);
        assert_null(m);
        assert_true(path_matched);
        assert_int_equal(ngot, 0);
    }
}

static void near_misses_find_nothing(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "/api/v1/cis/",                    /* a trailing slash */
        "/api/v1/cis/12/",                 /* the same */
        "/api/v1/cisx",                    /* one character more */
        "/api/v1/ci",                      /* one less */
        "/api/v1/cis/0",                   /* ids start at 1 */
        "/api/v1/cis/-3",                  /* digits only */
        "/api/v1/cis/1a",                  /* the same */
        "/api/v1/cis/1234567890123456789", /* 19 digits: too long */
        "/api/v1/cis/12/impact/x",         /* a segment more */
        "/api/v1/cis//impact",             /* an empty id */
        "/ack/",                           /* an empty token */
        "/ack/a.b",                        /* a token of [A-Za-z0-9_-] only */
        "/ack/a/b",                        /* one segment */
        "",
        "/",
        "/API/V1/CIS", /* case counts */
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        int64_t ids[OD_PATH_PARAMS_MAX];
        int n = -1;
        bool path_matched = true;
        const od_route *m = od_route_match("GET", paths[i], ids, &n, &path_matched);
        if (m)
            fail_msg("%s found %s", paths[i], m->pattern);
        assert_false(path_matched);
        assert_int_equal(n, 0);
    }
    /* a token of 128 characters is one, of 129 is not */
    char tok[160] = "/ack/";
    memset(tok + 5, 'a', 128);
    tok[5 + 128] = 0;
    int64_t ids[OD_PATH_PARAMS_MAX];
    int n = 0;
    bool pm = false;
    assert_non_null(od_route_match("GET", tok, ids, &n, &pm));
    tok[5 + 128] = 'a';
    tok[5 + 129] = 0;
    assert_null(od_route_match("GET", tok, ids, &n, &pm));
    /* 18 digits are an id */
    assert_non_null(od_route_match("GET", "/api/v1/cis/123456789012345678", ids, &n, &pm));
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 123456789012345678LL);
    /* a literal route before the parameter of the same place wins */
    const od_route *m = od_route_match("GET", "/api/v1/cis/unverified", ids, &n, &pm);
    assert_non_null(m);
    assert_string_equal(m->pattern, "/api/v1/cis/unverified");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_route_finds_itself),
        cmocka_unit_test(near_misses_find_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
