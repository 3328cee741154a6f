/* static_cache.c — the web UI's embedded files as served: the ETag of each
 * file's bytes and its gzip and brotli forms, computed once per file (at
 * its first request) and kept for the life of the process.  The embedded
 * tables are immutable, so an entry never goes stale. */
#include "http/static_cache.h"

#include <brotli/encode.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define OD_STATIC_MAX 512

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static od_static_entry entries[OD_STATIC_MAX];
static size_t n_entries;

/* Only text compresses; below this size the headers cost more than is saved. */
#define OD_STATIC_MIN_COMPRESS 512

static bool compressible(const char *content_type)
{
    return content_type && (strncmp(content_type, "text/", 5) == 0 || strstr(content_type, "svg") ||
                            strstr(content_type, "json"));
}

static unsigned char *gzip_bytes(const unsigned char *in, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16 /* gzip wrapper */, 9, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)len);
    unsigned char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

static unsigned char *brotli_bytes(const unsigned char *in, size_t len, size_t *out_len)
{
    size_t cap = BrotliEncoderMaxCompressedSize(len);
    unsigned char *out = cap ? malloc(cap) : NULL;
    if (!out)
        return NULL;
    *out_len = cap;
    if (!BrotliEncoderCompress(6 /* quick; about 2 % above the best */, BROTLI_DEFAULT_WINDOW,
                               BROTLI_MODE_TEXT, len, in, out_len, out)) {
        free(out);
        return NULL;
    }
    return out;
}

static void fill(od_static_entry *e, const struct od_embedded_file *f, const char *content_type)
{
    e->file = f;
    uint64_t h = 1469598103934665603ULL; /* FNV-1a 64 */
    for (size_t i = 0; i < f->len; i++)
        h = (h ^ f->data[i]) * 1099511628211ULL;
    snprintf(e->etag, sizeof e->etag, "%016llx", (unsigned long long)h);
    if (!compressible(content_type) || f->len < OD_STATIC_MIN_COMPRESS)
        return;
    e->gz = gzip_bytes(f->data, f->len, &e->gz_len);
    if (e->gz && e->gz_len >= f->len) { /* not worth it */
        free(e->gz);
        e->gz = NULL;
    }
    e->br = brotli_bytes(f->data, f->len, &e->br_len);
    if (e->br && e->br_len >= f->len) {
        free(e->br);
        e->br = NULL;
    }
}

static const od_static_entry *find(const struct od_embedded_file *f)
{
    for (size_t i = 0; i < n_entries; i++)
        if (entries[i].file == f)
            return &entries[i];
    return NULL;
}

/* The compression runs outside the lock (echarts takes a fraction of a
 * second), so other files are served meanwhile; two first requests of one
 * file may both compress it, and the first to finish is kept. */
const od_static_entry *od_static_entry_of(const struct od_embedded_file *f, const char *content_type)
{
    pthread_mutex_lock(&lock);
    const od_static_entry *found = find(f);
    pthread_mutex_unlock(&lock);
    if (found)
        return found;
    od_static_entry made;
    memset(&made, 0, sizeof made);
    fill(&made, f, content_type);
    pthread_mutex_lock(&lock);
    found = find(f);
    if (!found && n_entries < OD_STATIC_MAX) {
        entries[n_entries] = made;
        found = &entries[n_entries++];
        made.gz = made.br = NULL; /* kept */
    }
    pthread_mutex_unlock(&lock);
    free(made.gz);
    free(made.br);
    if (!found) { /* more files than OD_STATIC_MAX (never, with our tables): uncompressed, per thread */
        static __thread od_static_entry scratch;
        memset(&scratch, 0, sizeof scratch);
        fill(&scratch, f, NULL);
        return &scratch;
    }
    return found;
}

/* Whether an Accept-Encoding value accepts `coding` (a token with q > 0). */
bool od_accepts_encoding(const char *accept, const char *coding)
{
    if (!accept)
        return false;
    size_t clen = strlen(coding);
    const char *p = accept;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t tlen = (size_t)(p - tok);
        bool zero = false;
        while (*p && *p != ',') { /* parameters: only q matters */
            if (*p == ';') {
                p++;
                while (*p == ' ')
                    p++;
                if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
                    double q = strtod(p + 2, NULL);
                    zero = q <= 0.0;
                }
                continue;
            }
            p++;
        }
        if (tlen == clen && strncasecmp(tok, coding, clen) == 0)
            return !zero;
    }
    return false;
}
