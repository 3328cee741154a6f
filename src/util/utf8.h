/* utf8.h — byte- and character-bounded truncation of UTF-8 text for the
 * notification channels (DingTalk 20000 B, WeCom 4096 B, SMS N characters).
 * Never cuts inside a multi-byte sequence.  Pure: no I/O, no state; safe from
 * any thread.  Invalid bytes count as one character each and are kept as-is
 * (validation is the caller's business; see od_utf8_valid). */
#ifndef OD_UTIL_UTF8_H
#define OD_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* The suffix put after a truncated body, before the link: "…\n". */
#define OD_UTF8_ELLIPSIS "\xE2\x80\xA6"

typedef enum od_utf8_unit { OD_UTF8_BYTES, OD_UTF8_CHARS } od_utf8_unit;

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF). */
bool od_utf8_valid(const char *s, size_t len);

/* Copies s into *out (new string the caller frees) with every ill-formed
 * byte replaced by U+FFFD, so JSON encoders accept it.  NULL s gives "".
 * Returns OD_OK or OD_E_NOMEM. */
OD_NODISCARD od_err od_utf8_sanitize(const char *s, char **out, od_error *e);

/* Number of characters (code points; a stray byte counts as one). */
size_t od_utf8_count(const char *s, size_t len);

/* Largest n <= max (and <= len) such that s[0..n) ends on a character
 * boundary, i.e. s[n] is not a continuation byte of a sequence started
 * before n. */
size_t od_utf8_prefix_bytes(const char *s, size_t len, size_t max);

/* Byte length of the first max_chars characters of s[0..len). */
size_t od_utf8_prefix_chars(const char *s, size_t len, size_t max_chars);

/* Fits s into `limit` units (bytes or characters).  If s fits it is copied
 * unchanged.  Otherwise the result is a boundary-respecting prefix of s
 * followed by "…" and, when link is non-empty, "\n" + link, and the whole
 * result is within limit.  If even the suffix does not fit, the link is
 * dropped, then the ellipsis.  *out is a new NUL-terminated string the caller
 * frees.  Returns OD_OK or OD_E_NOMEM. */
OD_NODISCARD od_err od_utf8_truncate(const char *s, size_t limit, od_utf8_unit unit, const char *link,
                                     char **out, od_error *e);

#endif
