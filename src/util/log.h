/* log.h — one-line structured log records to stderr.  The log level is the
 * one process-wide setting (set once at start).  Never pass secrets
 * (passwords, tokens, keys) to these functions.  Thread-safe (one write(2)
 * per line). */
#ifndef OD_LOG_H
#define OD_LOG_H

#include "util/err.h"

typedef enum od_log_level { OD_LOG_DEBUG = 0, OD_LOG_INFO, OD_LOG_WARN, OD_LOG_ERROR } od_log_level;

void od_log(od_log_level l, const char *fmt, ...) OD_PRINTF(2, 3);
#define od_info(...) od_log(OD_LOG_INFO, __VA_ARGS__)
#define od_warn(...) od_log(OD_LOG_WARN, __VA_ARGS__)
#define od_errorlog(...) od_log(OD_LOG_ERROR, __VA_ARGS__)
#define od_debug(...) od_log(OD_LOG_DEBUG, __VA_ARGS__)

#endif
