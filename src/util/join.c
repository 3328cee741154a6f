/* join.c — bounded "a, b, c" lists (join.h). */
#include "util/join.h"

#include "util/utf8.h"

#include <string.h>

od_join od_join_start(char *buf, size_t cap, const char *sep)
{
    if (cap)
        buf[0] = 0;
    return (od_join){.buf = buf, .cap = cap, .len = 0, .sep = sep ? sep : ""};
}

void od_join_add(od_join *j, const char *item)
{
    if (!j->cap || j->cut)
        return;
    const char *it = item ? item : "";
    size_t sl = j->n++ ? strlen(j->sep) : 0, il = strlen(it);
    if (sl + il < j->cap - j->len) { /* fits with its NUL */
        memcpy(j->buf + j->len, j->sep, sl);
        memcpy(j->buf + j->len + sl, it, il);
        j->len += sl + il;
        j->buf[j->len] = 0;
        return;
    }
    /* cut: keep room for the ellipsis (when the buffer can hold one) */
    j->cut = true;
    size_t el = sizeof OD_UTF8_ELLIPSIS - 1;
    size_t room = j->cap - 1 >= el ? j->cap - 1 - el : j->cap - 1;
    if (j->len > room) {
        j->len = od_utf8_prefix_bytes(j->buf, j->len, room);
    } else if (sl <= room - j->len) { /* the whole separator, then what of the item fits */
        memcpy(j->buf + j->len, j->sep, sl);
        j->len += sl;
        size_t k = od_utf8_prefix_bytes(it, il, room - j->len);
        memcpy(j->buf + j->len, it, k);
        j->len += k;
    }
    if (j->cap - 1 - j->len >= el) {
        memcpy(j->buf + j->len, OD_UTF8_ELLIPSIS, el);
        j->len += el;
    }
    j->buf[j->len] = 0;
}
