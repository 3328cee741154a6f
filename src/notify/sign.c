/* sign.c — DingTalk, Feishu and webhook HMAC signatures; see sign.h. */
#include "notify/sign.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static od_err hmac(const void *key, size_t keylen, const void *msg, size_t len,
                   unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state st;
    if (crypto_auth_hmacsha256_init(&st, key, keylen) != 0 ||
        crypto_auth_hmacsha256_update(&st, msg, len) != 0 || crypto_auth_hmacsha256_final(&st, mac) != 0)
        return OD_E_INTERNAL;
    sodium_memzero(&st, sizeof st);
    return OD_OK;
}

/* "<ts>\n<secret>" into buf; OD_E_TOO_LARGE if the secret is absurdly long. */
static od_err string_to_sign(int64_t ts, const char *secret, char *buf, size_t cap, size_t *len)
{
    int n = snprintf(buf, cap, "%lld\n%s", (long long)ts, secret);
    if (n < 0 || (size_t)n >= cap)
        return OD_E_TOO_LARGE;
    *len = (size_t)n;
    return OD_OK;
}

od_err od_url_encode(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                    *p == '-' || *p == '_' || *p == '.' || *p == '~';
        if (o + (plain ? 1 : 3) >= cap)
            return OD_E_TOO_LARGE;
        if (plain) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    if (o >= cap)
        return OD_E_TOO_LARGE;
    out[o] = '\0';
    return OD_OK;
}

od_err od_sign_dingtalk(const char *secret, int64_t ts_ms, char out[OD_SIGN_MAX])
{
    char sts[1024];
    size_t len;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char b64[64];
    od_err rc = string_to_sign(ts_ms, secret, sts, sizeof sts, &len);
    if (!rc)
        rc = hmac(secret, strlen(secret), sts, len, mac);
    if (!rc) {
        sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
        rc = od_url_encode(b64, out, OD_SIGN_MAX);
    }
    sodium_memzero(sts, sizeof sts);
    return rc;
}

od_err od_sign_feishu(const char *secret, int64_t ts_s, char out[OD_SIGN_MAX])
{
    char sts[1024];
    size_t len;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    od_err rc = string_to_sign(ts_s, secret, sts, sizeof sts, &len);
    if (!rc)
        rc = hmac(sts, len, "", 0, mac);
    if (!rc)
        sodium_bin2base64(out, OD_SIGN_MAX, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(sts, sizeof sts);
    return rc;
}

od_err od_sign_hex(const char *secret, const void *body, size_t len, char out[OD_SIGN_HEX_MAX])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    od_err rc = hmac(secret, strlen(secret), body, len, mac);
    if (!rc)
        sodium_bin2hex(out, OD_SIGN_HEX_MAX, mac, sizeof mac);
    return rc;
}
