/* sign.h — request signatures of the bot vendors and of our own webhook
 * (anchors §5.1, §5.3).  HMAC-SHA256 from libsodium (any key length), base64
 * "original" alphabet with padding.  Pure; thread-safe. */
#ifndef OD_NOTIFY_SIGN_H
#define OD_NOTIFY_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Base64 of 32 bytes is 44 chars; URL-encoded at most 3x; plus NUL. */
#define OD_SIGN_MAX 136
#define OD_SIGN_HEX_MAX 65

/* DingTalk: urlencode(base64(HMAC-SHA256(key=secret, msg=ts_ms + "\n" +
 * secret))).  The result goes in the query: &timestamp=<ts_ms>&sign=<out>. */
OD_NODISCARD od_err od_sign_dingtalk(const char *secret, int64_t ts_ms, char out[OD_SIGN_MAX]);

/* Feishu/Lark: base64(HMAC-SHA256(key=ts_s + "\n" + secret, msg="")), the
 * key and message inverted compared with DingTalk.  Goes in the JSON body as
 * "sign", with "timestamp" = ts_s as a decimal string. */
OD_NODISCARD od_err od_sign_feishu(const char *secret, int64_t ts_s, char out[OD_SIGN_MAX]);

/* Our webhook: lowercase hex HMAC-SHA256(key=secret, msg=body).  The header
 * is "X-Opsdesk-Signature: sha256=<out>". */
OD_NODISCARD od_err od_sign_hex(const char *secret, const void *body, size_t len, char out[OD_SIGN_HEX_MAX]);

/* Percent-encodes everything but RFC 3986 unreserved characters into out
 * (cap bytes incl. NUL).  Returns OD_E_TOO_LARGE if it does not fit. */
OD_NODISCARD od_err od_url_encode(const char *s, char *out, size_t cap);

#endif
