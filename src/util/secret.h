/* secret.h — bearer secrets: session tokens, integration API keys and
 * acknowledgement links.  Each is random (libsodium), URL-safe (base64url
 * without padding) and stored only as the hex SHA-256 of its text, so a copy
 * of the database holds nothing that works as a credential.  Lookups go by
 * that hash (an index), never by comparing secrets. */
#ifndef OD_UTIL_SECRET_H
#define OD_UTIL_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define OD_SECRET_HASH_HEX 65 /* 64 hex digits + NUL */
/* Room for prefix + nbytes of randomness as base64url, with the NUL. */
#define OD_SECRET_LEN(prefix_len, nbytes) ((prefix_len) + ((nbytes)*4 + 2) / 3 + 1)

/* Writes prefix followed by nbytes (≤ 64) of randomness in base64url into
 * out (cap bytes, see OD_SECRET_LEN).  Returns false when it does not fit
 * or libsodium cannot start; out is then "". */
bool od_secret_new(char *out, size_t cap, const char *prefix, size_t nbytes);

/* out = hex SHA-256 of the NUL-terminated text s. */
void od_secret_hash(const char *s, char out[OD_SECRET_HASH_HEX]);

#endif
