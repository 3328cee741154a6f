/* list.h — the one envelope of every list endpoint: {items, total, limit,
 * offset} (docs/api/openapi.yaml, ListPage).  total counts every row the
 * filters and the caller's scope let through, not only this page. */
#ifndef OD_APP_LIST_H
#define OD_APP_LIST_H

#include "app/app.h"
#include "util/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Wraps items (the reference is taken) into a new envelope; NULL when
 * memory runs out (items is freed then). */
json_t *od_list_envelope(json_t *items, int64_t total, int64_t limit, int64_t offset);

/* The end of a list use case: on rc, frees items and returns rc; else
 * *out = the envelope (OD_E_NOMEM when memory runs out). */
OD_NODISCARD od_err od_list_done(od_err rc, json_t *items, int64_t total, int64_t limit, int64_t offset,
                                 json_t **out, od_error *e);

/* Keyset lists (incidents, events, audit, records, CIs; docs/api/openapi.yaml
 * ListPage): the total is counted to at most od_list_count_cap rows, so that
 * a total never reads millions of rows; one that reaches the cap is flagged
 * total_estimated (at least that many match).  a->list_count_more (tests)
 * replaces OD_LIST_COUNT_MORE when set. */
#define OD_LIST_COUNT_MORE INT64_C(100000)
static inline int64_t od_list_count_cap(const od_app *a, int64_t limit, int64_t offset)
{
    return offset + limit + (a->list_count_more > 0 ? a->list_count_more : OD_LIST_COUNT_MORE);
}

/* The cap of a total that reads each row it counts (a residual filter
 * beside the index that leads, e.g. a text search with a state): 1 000
 * beyond the page, so that it stays a few thousand row reads.
 * a->list_count_more_rows (tests), else a->list_count_more, replaces it. */
#define OD_LIST_COUNT_MORE_ROWS INT64_C(1000)
static inline int64_t od_list_count_cap_rows(const od_app *a, int64_t limit, int64_t offset)
{
    int64_t more = a->list_count_more_rows > 0 ? a->list_count_more_rows
                   : a->list_count_more > 0    ? a->list_count_more
                                               : OD_LIST_COUNT_MORE_ROWS;
    return offset + limit + more;
}

/* Adds to the envelope env "total_estimated": estimated and the cursor of
 * the next page, name: next (stolen; NULL = null, the last page). */
OD_NODISCARD od_err od_list_mark(json_t *env, bool estimated, const char *name, json_t *next, od_error *e);

#endif
