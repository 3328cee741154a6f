/* log.c — stderr logger.  The level and format are global on purpose: they
 * are set once by main before any thread starts and only read afterwards. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096

static od_log_level min_level = OD_LOG_INFO;
static od_log_format format = OD_LOG_TEXT;
static const char *const level_names[] = {"debug", "info", "warn", "error"};
static const char *const format_names[] = {"text", "logfmt", "json"};

bool od_log_enabled(od_log_level l)
{
    return l >= min_level;
}

bool od_log_parse_level(const char *s, od_log_level *out)
{
    for (int i = 0; s && i < 4; i++)
        if (strcmp(s, level_names[i]) == 0) {
            *out = (od_log_level)i;
            return true;
        }
    return false;
}

bool od_log_parse_format(const char *s, od_log_format *out)
{
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, format_names[i]) == 0) {
            *out = (od_log_format)i;
            return true;
        }
    return false;
}

void od_log_set_level(od_log_level l)
{
    min_level = l;
}

void od_log_set_format(od_log_format f)
{
    format = f;
}

/* A line being built; keeps room for the final newline. */
typedef struct line {
    char b[LINE_MAX_BYTES];
    size_t n;
} line;

static void put(line *ln, const char *s, size_t len)
{
    size_t room = sizeof ln->b - 1 - ln->n;
    if (len > room)
        len = room;
    memcpy(ln->b + ln->n, s, len);
    ln->n += len;
}

static void puts_(line *ln, const char *s)
{
    put(ln, s, strlen(s));
}

/* s quoted and escaped as JSON (json) or logfmt (quoted only when needed). */
static void put_value(line *ln, const char *s, bool json)
{
    bool quote = json || !*s || strpbrk(s, " =\"\\\t\r\n") != NULL;
    if (quote)
        put(ln, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            put(ln, esc, 2);
        } else if (*p == '\n') {
            put(ln, "\\n", 2);
        } else if (*p < 0x20 || *p == 0x7F) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            put(ln, esc, strlen(esc));
        } else {
            put(ln, (const char *)p, 1);
        }
    }
    if (quote)
        put(ln, "\"", 1);
}

static void field(line *ln, const char *k, const char *v, bool first)
{
    if (format == OD_LOG_JSON) {
        if (!first)
            put(ln, ",", 1);
        put_value(ln, k, true);
        put(ln, ":", 1);
        put_value(ln, v, true);
    } else {
        if (!first)
            put(ln, " ", 1);
        puts_(ln, k);
        put(ln, "=", 1);
        put_value(ln, v, false);
    }
}

static void emit(od_log_level l, const char *msg, const char *const *kv)
{
    line ln = {.n = 0};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char stamp[80];
    snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    if (format == OD_LOG_TEXT) {
        char head[112];
        snprintf(head, sizeof head, "%s %-5s ", stamp, level_names[l]);
        puts_(&ln, head);
        puts_(&ln, msg);
        for (size_t i = 0; kv && kv[i]; i += 2)
            if (kv[i + 1])
                field(&ln, kv[i], kv[i + 1], false);
    } else {
        if (format == OD_LOG_JSON)
            put(&ln, "{", 1);
        field(&ln, "ts", stamp, true);
        field(&ln, "level", level_names[l], false);
        field(&ln, "msg", msg, false);
        for (size_t i = 0; kv && kv[i]; i += 2)
            if (kv[i + 1])
                field(&ln, kv[i], kv[i + 1], false);
        if (format == OD_LOG_JSON && ln.n < sizeof ln.b - 1)
            put(&ln, "}", 1);
    }
    ln.b[ln.n++] = '\n';
    ssize_t w = write(STDERR_FILENO, ln.b, ln.n);
    (void)w;
}

void od_log_kv(od_log_level l, const char *msg, const char *const *kv)
{
    if (l < min_level)
        return;
    emit(l, msg, kv);
}

void od_log(od_log_level l, const char *fmt, ...)
{
    if (l < min_level)
        return;
    char msg[LINE_MAX_BYTES - 200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    emit(l, msg, NULL);
}
