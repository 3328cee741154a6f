/* template.h — the tiny "{{name}}" renderer used for SMS and webhook bodies
 * and header values.  No loops, no conditionals, no filters: text outside
 * "{{ }}" is copied, "{{ name }}" (spaces optional) is replaced by
 * lookup(ctx, name).  Pure and re-entrant; it is a fuzz target, so every
 * input either renders or returns an error, within OD_TEMPLATE_MAX bytes. */
#ifndef OD_UTIL_TEMPLATE_H
#define OD_UTIL_TEMPLATE_H

#include <stdbool.h>

#include "util/err.h"

#define OD_TEMPLATE_MAX (64 * 1024) /* output cap, NUL excluded */
#define OD_TEMPLATE_NAME_MAX 64     /* longest placeholder name */

/* Returns the value of a placeholder, or NULL when the name is unknown.  The
 * string is borrowed; it must stay valid until the render returns. */
typedef const char *(*od_template_lookup)(void *ctx, const char *name);

/* Renders tpl into *out (a new NUL-terminated string the caller frees; NULL
 * on error).  Names are [A-Za-z0-9_.-]{1,64}.  With json_escape, values (not
 * the template text) are escaped for the inside of a JSON string: quote,
 * backslash and control characters are escaped and ill-formed UTF-8 becomes
 * U+FFFD, so a well-formed JSON template stays well-formed.
 * Errors: OD_E_INVALID (unterminated "{{", bad or unknown name, NULL tpl),
 * OD_E_TOO_LARGE (output over OD_TEMPLATE_MAX), OD_E_NOMEM. */
OD_NODISCARD od_err od_template_render(const char *tpl, od_template_lookup lookup, void *ctx,
                                       bool json_escape, char **out, od_error *e);

#endif
