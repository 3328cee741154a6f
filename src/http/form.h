/* form.h — application/x-www-form-urlencoded fields (the approval page's
 * form).  Pure: no I/O, no allocation. */
#ifndef OD_HTTP_FORM_H
#define OD_HTTP_FORM_H

#include <stdbool.h>
#include <stddef.h>

/* The first field `name` of body[0..len), decoded ('+' is a space, %XX a
 * byte; a '%' not followed by two hex digits is kept as it is) into out, n
 * bytes with the NUL (n >= 1).  A value longer than n - 1 bytes is cut at
 * the last whole UTF-8 character that fits, never inside one.  False (and
 * out "") when the field is absent. */
bool od_form_field(const char *body, size_t len, const char *name, char *out, size_t n);

#endif
