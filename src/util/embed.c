/* embed.c — lookup in the embedded file tables. */
#include "embed.h"

#include <string.h>

const struct od_embedded_file *od_embed_find(const struct od_embedded_file *table, const char *name)
{
    for (const struct od_embedded_file *f = table; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}
