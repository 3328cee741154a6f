/* list.c — the envelope of a page of a list (list.h). */
#include "app/list.h"

json_t *od_list_envelope(json_t *items, int64_t total, int64_t limit, int64_t offset)
{
    return json_pack("{so sI sI sI}", "items", items, "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)offset);
}
