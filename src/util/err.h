/* err.h — the one error enum of opsdesk and the error record that carries a
 * message for a person.  Codes are never renumbered; add new ones at the end.
 * od_err_http() maps a code to an HTTP status in exactly one place.
 * Thread-safe: no state. */
#ifndef OD_ERR_H
#define OD_ERR_H

#include <stdarg.h>

#if defined(__GNUC__)
#define OD_NODISCARD __attribute__((warn_unused_result))
#define OD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OD_NODISCARD
#define OD_PRINTF(a, b)
#endif

typedef enum od_err {
    OD_OK = 0,
    OD_E_INVALID,       /* malformed input (400) */
    OD_E_UNPROCESSABLE, /* well-formed but breaks a rule (422) */
    OD_E_UNAUTH,        /* no or bad credentials (401) */
    OD_E_FORBIDDEN,     /* authenticated, not allowed (403) */
    OD_E_NOT_FOUND,     /* (404) */
    OD_E_CONFLICT,      /* state does not allow it (409) */
    OD_E_TOO_LARGE,     /* over a hard cap (413) */
    OD_E_RATE_LIMIT,    /* slow down (429) */
    OD_E_NOMEM,         /* allocation failed (500) */
    OD_E_STORE,         /* database failure (500) */
    OD_E_IO,            /* file or network failure (500) */
    OD_E_INTERNAL,      /* a bug (500) */
    OD_E_UNAVAILABLE,   /* overloaded or shutting down (503) */
    OD_E_METHOD,        /* method not allowed (405) */
    OD_E_MEDIA_TYPE,    /* a body that is not declared application/json (415) */
    OD_E_RETRY,         /* the database gave up the transaction (PostgreSQL deadlock 40P01 or
                           serialization failure 40001): nothing was written, running the whole
                           transaction again may succeed (503 with Retry-After) */
    OD_E_PW_CHANGE,     /* the session's account must change its initial password first (403) */
    OD_E__COUNT
} od_err;

#define OD_ERR_MSG_MAX 1536 /* a refusal names every role of a permission in both languages */
#define OD_ERR_FIELD_MAX 64

/* The error record a request (or a command) owns.  Filled where the failure
 * is understood; the first error set wins (later od_error_set calls are
 * ignored) so the most specific message survives. */
typedef struct od_error {
    od_err code;
    char message[OD_ERR_MSG_MAX];
    char field[OD_ERR_FIELD_MAX];
    int retry_after; /* seconds, for OD_E_RATE_LIMIT / OD_E_UNAVAILABLE; 0 = none */
} od_error;

/* Stable machine name of a code ("invalid", "not_found", ...). */
const char *od_err_str(od_err code);
/* HTTP status for a code. */
int od_err_http(od_err code);

void od_error_clear(od_error *e);
/* Sets code, field (may be NULL) and a printf-style message; returns code so
 * callers can write `return od_error_set(e, OD_E_INVALID, "x", "...")`.
 * e may be NULL (then only the code is returned). */
od_err od_error_set(od_error *e, od_err code, const char *field, const char *fmt, ...) OD_PRINTF(4, 5);
od_err od_error_vset(od_error *e, od_err code, const char *field, const char *fmt, va_list ap)
    OD_PRINTF(4, 0);

#endif
