/* secret.c — random URL-safe secrets and their stored hash (secret.h). */
#include "util/secret.h"

#include <sodium.h>
#include <string.h>

bool od_secret_new(char *out, size_t cap, const char *prefix, size_t nbytes)
{
    size_t pl = strlen(prefix);
    if (cap)
        out[0] = '\0';
    if (nbytes == 0 || nbytes > 64 || cap < OD_SECRET_LEN(pl, nbytes) || sodium_init() < 0)
        return false;
    unsigned char raw[64];
    randombytes_buf(raw, nbytes);
    memcpy(out, prefix, pl);
    sodium_bin2base64(out + pl, cap - pl, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return true;
}

void od_secret_hash(const char *s, char out[OD_SECRET_HASH_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, OD_SECRET_HASH_HEX, h, sizeof h);
}
