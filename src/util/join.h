/* join.h — "a, b, c" lists built into a caller's fixed buffer (error
 * messages naming missing fields, allowed values, required roles).  Never
 * overflows; when the list does not fit it is cut on a UTF-8 character
 * boundary and ends with "…", and later items are dropped.  No allocation,
 * so core/ may use it too. */
#ifndef OD_UTIL_JOIN_H
#define OD_UTIL_JOIN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct od_join {
    char *buf;       /* always NUL-terminated (when cap > 0) */
    size_t cap, len; /* len = strlen(buf) */
    size_t n;        /* items added */
    const char *sep; /* put between items, e.g. ", " or "、" */
    bool cut;        /* an item did not fit: the list ends with "…" */
} od_join;

/* An empty list in buf[0..cap). */
od_join od_join_start(char *buf, size_t cap, const char *sep);

/* Appends sep (not before the first item) and item (NULL = ""). */
void od_join_add(od_join *j, const char *item);

#endif
