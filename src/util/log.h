/* log.h — one-line log records to stderr, with a timestamp and a level, in
 * one of three formats (docs/logging.md): text (the default, for people:
 * "2026-12-06T05:21:42.017Z info  message key=value"), logfmt
 * ("ts=… level=info msg=\"message\" key=value") or JSON (one object a
 * line).  The level and format are process-wide settings, set once by main
 * before any thread starts.  Never pass secrets (passwords, tokens, keys)
 * to these functions.  Thread-safe (one write(2) per line). */
#ifndef OD_LOG_H
#define OD_LOG_H

#include "util/err.h"

#include <stdbool.h>

typedef enum od_log_level { OD_LOG_DEBUG = 0, OD_LOG_INFO, OD_LOG_WARN, OD_LOG_ERROR } od_log_level;
typedef enum od_log_format { OD_LOG_TEXT = 0, OD_LOG_LOGFMT, OD_LOG_JSON } od_log_format;

void od_log(od_log_level l, const char *fmt, ...) OD_PRINTF(2, 3);
#define od_info(...) od_log(OD_LOG_INFO, __VA_ARGS__)
#define od_warn(...) od_log(OD_LOG_WARN, __VA_ARGS__)
#define od_errorlog(...) od_log(OD_LOG_ERROR, __VA_ARGS__)
#define od_debug(...) od_log(OD_LOG_DEBUG, __VA_ARGS__)

/* A record with fields: kv holds key, value pairs and ends with NULL
 * ({"method", "GET", "status", "200", NULL}); a NULL value is left out. */
void od_log_kv(od_log_level l, const char *msg, const char *const *kv);

/* Whether a record of level l would be written. */
bool od_log_enabled(od_log_level l);
/* "debug" | "info" | "warn" | "error"; false for anything else. */
bool od_log_parse_level(const char *s, od_log_level *out);
/* "text" | "logfmt" | "json"; false for anything else. */
bool od_log_parse_format(const char *s, od_log_format *out);
void od_log_set_level(od_log_level l);
void od_log_set_format(od_log_format f);

#endif
