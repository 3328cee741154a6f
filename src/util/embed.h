/* embed.h — files compiled into the binary by cmake/embed.cmake: schema
 * migrations, the default policy and the web UI.  Each table ends with a
 * {NULL, NULL, 0} row.  Read-only, thread-safe. */
#ifndef OD_EMBED_H
#define OD_EMBED_H

#include <stddef.h>

struct od_embedded_file {
    const char *name;          /* path relative to the embedded directory */
    const unsigned char *data; /* NUL-terminated for convenience; len excludes it */
    size_t len;
};

extern const struct od_embedded_file od_embedded_migrations[];
extern const struct od_embedded_file od_embedded_web[];
extern const struct od_embedded_file od_embedded_policy[];
/* Third-party files of the web UI built from npm (vendor/echarts.min.js). */
extern const struct od_embedded_file od_embedded_vendor[];

/* Lookup by name in a table; NULL if absent. */
const struct od_embedded_file *od_embed_find(const struct od_embedded_file *table, const char *name);

#endif
