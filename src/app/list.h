/* list.h — the one envelope of every list endpoint: {items, total, limit,
 * offset} (docs/api/openapi.yaml, ListPage).  total counts every row the
 * filters and the caller's scope let through, not only this page. */
#ifndef OD_APP_LIST_H
#define OD_APP_LIST_H

#include <jansson.h>
#include <stdint.h>

/* Wraps items (the reference is taken) into a new envelope; NULL when
 * memory runs out (items is freed then). */
json_t *od_list_envelope(json_t *items, int64_t total, int64_t limit, int64_t offset);

#endif
