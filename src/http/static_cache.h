/* static_cache.h — the embedded web files' ETags and precompressed forms
 * (gzip, brotli), computed once per file and shared by all threads. */
#ifndef OD_STATIC_CACHE_H
#define OD_STATIC_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/embed.h"

typedef struct od_static_entry {
    const struct od_embedded_file *file;
    char etag[20];          /* 16 hex digits of FNV-1a 64 over the bytes */
    unsigned char *gz, *br; /* NULL: not compressible or not smaller */
    size_t gz_len, br_len;
} od_static_entry;

/* The entry of an embedded file (thread-safe; never freed). */
const od_static_entry *od_static_entry_of(const struct od_embedded_file *f, const char *content_type);

/* True when the Accept-Encoding value names `coding` with q > 0. */
bool od_accepts_encoding(const char *accept, const char *coding);

#endif
