/* channel_int.h — private to src/notify/channel*.c and their unit tests:
 * the channel record and the pure pieces (body building, classification)
 * that the tests check without a network. */
#ifndef OD_NOTIFY_CHANNEL_INT_H
#define OD_NOTIFY_CHANNEL_INT_H

#include <pthread.h>

#include "notify/channel.h"
#include "notify/ratelimit.h"
#include "util/utf8.h"

typedef enum od_tls_mode { OD_TLS_TRY, OD_TLS_REQUIRE, OD_TLS_NONE } od_tls_mode;
typedef enum od_body_escape { OD_ESC_NONE, OD_ESC_JSON, OD_ESC_FORM } od_body_escape;

typedef struct od_header_tpl {
    char *name;
    char *value_tpl; /* template; may use {{secret}} */
} od_header_tpl;

struct od_channel {
    char *name;
    od_channel_kind kind;
    char *url;    /* for SMS/webhook a template (values URL-encoded) */
    char *secret; /* NULL when none; never printed */
    /* SMS / webhook */
    char *method;
    od_header_tpl *headers;
    size_t n_headers;
    char *body_tpl; /* NULL: webhook default JSON body */
    od_body_escape body_escape;
    bool has_content_type; /* a Content-Type header was configured */
    /* Feishu */
    char *feishu_msg_type; /* "text", "post" or "interactive" */
    /* Size limit: 0 = none.  DingTalk and Feishu: whole request body bytes;
     * WeCom: markdown content bytes; SMS: characters of the text. */
    size_t max_len;
    od_utf8_unit max_unit;
    long timeout_ms;
    long connect_timeout_ms;
    /* e-mail */
    char *from;
    char *username;
    char *password;
    od_tls_mode use_tls;
    bool body_8bit;
    /* rate limit (0 capacity = none); the bucket is initialised lazily */
    int64_t rl_capacity, rl_tokens, rl_per_ms;
    pthread_mutex_t mu;
    bool bucket_ready;
    od_bucket bucket;
    /* personal bots: every address connected to must pass od_net_allowed
     * with these ranges (borrowed; NULL = public addresses only) */
    bool guarded;
    const struct od_net_allow *guard;
};

/* Fills r for an HTTP answer and returns true when it is an accepted
 * delivery: 2xx and, for the bots, a JSON vendor code of 0.  Pure. */
bool od_channel_classify(od_channel_kind kind, long status, const char *body, size_t len, od_send_result *r);

/* Builds the JSON request body of a bot channel (DingTalk, WeCom, Feishu),
 * truncated to the channel's limit, signed for Feishu.  *out is a new
 * string.  Pure but for allocation; exposed for the unit tests. */
OD_NODISCARD od_err od_channel_bot_body(const od_channel *c, const od_message *m, int64_t now_ms, char **out,
                                        od_error *e);

/* Builds the complete RFC 5322 message for an e-mail channel (CRLF lines).
 * *out is a new string.  Exposed for the unit tests. */
OD_NODISCARD od_err od_channel_mail_text(const od_channel *c, const od_message *m, int64_t now_ms, char **out,
                                         od_error *e);

/* The transports, called by od_channel_send (channel.c). */
OD_NODISCARD od_err od_channel_send_http(od_channel *c, const od_message *m, int64_t now_ms,
                                         od_send_result *r);
OD_NODISCARD od_err od_channel_send_mail(od_channel *c, const od_message *m, int64_t now_ms,
                                         od_send_result *r);

/* Copies s into the result's error text (truncated). */
void od_send_result_error(od_send_result *r, const char *fmt, ...) OD_PRINTF(2, 3);

#endif
