/* search.c — the shared full-text search (search.h): index a document,
 * run a query, look a hit up.  The plan is core's (od_search_plan). */
#include "app/search.h"
#include "core/known_error.h"

#include <stdlib.h>
#include <string.h>

#define SNIPPET_CTX 40
#define SNIPPET_MAX 512

od_err od_search_index(od_tx *tx, const char *source, int64_t ref_id, const char *body, od_error *e)
{
    od_err rc = od_tx_exec(tx, OD_Q_SD_DELETE, e, OD_BINDS(OD_TEXT(source), OD_INT(ref_id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_SD_INSERT, e,
                        OD_BINDS(OD_TEXT(source), OD_INT(ref_id), OD_TEXT(body ? body : "")));
    return rc;
}

static int cmp_hit(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

od_err od_search_run(od_tx *tx, const char *source, const char *q, od_search_hits *out, od_error *e)
{
    memset(out, 0, sizeof *out);
    od_search_mode mode;
    char expr[OD_SEARCH_EXPR_MAX];
    od_err rc = od_search_plan(q, &mode, expr, e);
    if (rc)
        return rc;
    if (mode == OD_SEARCH_ALL) {
        out->all = true;
        return OD_OK;
    }
    char *like = mode == OD_SEARCH_LIKE ? od_store_like_pattern(expr) : NULL;
    if (mode == OD_SEARCH_LIKE && !like)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_rows *r = NULL;
    rc = mode == OD_SEARCH_FTS
             ? od_tx_query(tx, OD_Q_SD_MATCH_FTS, &r, e, OD_BINDS(OD_TEXT(expr), OD_TEXT(source)))
             : od_tx_query(tx, OD_Q_SD_MATCH_LIKE, &r, e, OD_BINDS(OD_TEXT(like), OD_TEXT(source)));
    free(like);
    /* rows as (id, snippet) pairs, sorted by id afterwards */
    struct pair {
        int64_t id;
        char *snippet;
    } *v = NULL;
    size_t n = 0, cap = 0;
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct pair *nv = realloc(v, nc * sizeof *v);
            if (!nv) {
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                break;
            }
            v = nv;
            cap = nc;
        }
        char snip[SNIPPET_MAX];
        od_search_snippet(od_rows_text(r, 1), q, SNIPPET_CTX, snip, sizeof snip);
        for (char *c = snip; *c; c++) /* one line */
            if (*c == '\n' || *c == '\r' || *c == '\t')
                *c = ' ';
        v[n].id = od_rows_int(r, 0);
        v[n].snippet = strdup(snip);
        if (!v[n].snippet) {
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
            break;
        }
        n++;
    }
    od_rows_close(r);
    if (!rc && n > 0) {
        qsort(v, n, sizeof *v, cmp_hit);
        out->ids = malloc(n * sizeof *out->ids);
        out->snippets = malloc(n * sizeof *out->snippets);
        if (!out->ids || !out->snippets)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (!rc) {
            out->ids[i] = v[i].id;
            out->snippets[i] = v[i].snippet;
        } else
            free(v[i].snippet);
    }
    free(v);
    if (!rc)
        out->n = n;
    else
        od_search_hits_free(out);
    return rc;
}

bool od_search_hit(const od_search_hits *h, int64_t id, const char **snippet)
{
    if (snippet)
        *snippet = "";
    if (h->all)
        return true;
    const int64_t *p = h->n ? bsearch(&id, h->ids, h->n, sizeof *h->ids, cmp_hit) : NULL;
    if (p && snippet)
        *snippet = h->snippets[p - h->ids];
    return p != NULL;
}

void od_search_hits_free(od_search_hits *h)
{
    if (!h)
        return;
    for (size_t i = 0; h->snippets && i < h->n; i++)
        free(h->snippets[i]);
    free(h->snippets);
    free(h->ids);
    memset(h, 0, sizeof *h);
}
