/* channel.h — send ONE message over ONE configured channel and classify the
 * outcome (R-NOT-7).  Channels: SMS over an HTTP gateway, e-mail over SMTP,
 * a generic signed webhook, and the DingTalk, WeCom and Feishu/Lark group
 * robots.  This layer keeps no queue and never retries: the outbox
 * dispatcher (built on top) persists messages, retries the results marked
 * `retryable` with back-off, and asks od_channel_throttle() before sending.
 * Channels are immutable after loading and may be shared by all threads;
 * only the rate-limit bucket is mutable, under a mutex.  The config format is
 * documented in docs/notify.md. */
#ifndef OD_NOTIFY_CHANNEL_H
#define OD_NOTIFY_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef enum od_channel_kind {
    OD_CH_SMS,
    OD_CH_EMAIL,
    OD_CH_WEBHOOK,
    OD_CH_DINGTALK,
    OD_CH_WECOM,
    OD_CH_FEISHU,
    OD_CH__COUNT
} od_channel_kind;

/* Opaque: one configured channel (name, kind, url, secret, headers,
 * templates, SMTP settings, timeouts, rate limit). */
typedef struct od_channel od_channel;

/* Loads the `channels:` sequence of a YAML file (other top-level keys are
 * ignored, so this may be a section of a larger config).  Secrets come only
 * from `secret_file:` / `secret_env:` (and `password_file:` /
 * `password_env:` for SMTP); they are never logged or put in error text.
 * On success *out is a new array of *n channels (free with
 * od_channels_free).  Errors: OD_E_IO (file unreadable), OD_E_INVALID (bad
 * YAML or config, e->field names the channel and key), OD_E_NOMEM.  Also
 * performs the one-time libcurl and libsodium global initialisation. */
OD_NODISCARD od_err od_channels_load_file(const char *path, od_channel ***out, size_t *n, od_error *e);
/* Frees the array and every channel; NULL-safe. */
void od_channels_free(od_channel **chs, size_t n);

const char *od_channel_name(const od_channel *c);
od_channel_kind od_channel_kind_of(const od_channel *c);
/* The longest one send may take (ms): the channel's timeout_ms, at most
 * OD_CLAIM_SEND_MAX_MS (core/cluster.h). */
long od_channel_timeout_ms(const od_channel *c);
/* "sms", "email", "webhook", "dingtalk", "wecom", "feishu" (config names). */
const char *od_channel_kind_name(od_channel_kind k);

typedef struct od_message {
    /* phone number, e-mail address, or NULL for group bots (the bot URL is
     * the destination) */
    const char *to;
    const char *subject;  /* e-mail subject / bot title */
    const char *text;     /* plain-text body (UTF-8) */
    const char *markdown; /* markdown body for bots; NULL → text */
    const char *link;     /* incident or ack link, appended when the body is truncated */
    /* sent as Idempotency-Key / X-Opsdesk-Message-Id header where the
     * channel allows, and as the e-mail Message-ID */
    const char *idempotency_key;
} od_message;

typedef struct od_send_result {
    int http_status; /* 0 if no HTTP answer */
    /* errcode / code from DingTalk/WeCom/Feishu JSON, the SMTP reply code
     * for e-mail; "" if none */
    char vendor_code[32];
    char error[256]; /* person-readable, never contains secrets */
    /* timeouts, connection errors, 5xx, 408, 429, vendor rate-limit codes,
     * SMTP 4xx */
    bool retryable;
    int64_t retry_after_ms; /* from Retry-After when present, else 0 */
} od_send_result;

/* Sends synchronously, bounded by the channel's timeout_ms.  Returns OD_OK
 * on accepted delivery (r says http_status, the rest cleared); OD_E_IO with
 * r filled otherwise; OD_E_INVALID (r filled, not retryable) when the message
 * cannot be sent on this channel at all (no `to` for SMS or e-mail, a
 * header-injection attempt, a template that does not render).  Bodies over
 * the channel's limit are truncated on a UTF-8 boundary with "…\n" + link.
 * now_ms dates the signatures (DingTalk ms, Feishu s) and the e-mail Date.
 * Thread-safe for concurrent calls on the same channel. */
OD_NODISCARD od_err od_channel_send(od_channel *c, const od_message *m, int64_t now_ms, od_send_result *r);

/* Rate limit of the channel's destination (for bots: the robot; for SMS and
 * e-mail: the gateway/relay).  Returns 0 when a send may go now (a token was
 * taken) or the milliseconds to wait before asking again; never drops.
 * Always 0 for a channel without a rate limit.  Thread-safe. */
int64_t od_channel_throttle(od_channel *c, int64_t now_ms);

/* A group bot of one person (the directory's personal bot webhook): kind
 * dingtalk, wecom, feishu or webhook, with the defaults of a configured
 * channel of that kind and no rate limit (one person's messages are few).
 * secret may be NULL/"" (unsigned).  Free with od_channel_free.  Errors:
 * OD_E_INVALID (field "bot_kind" / "bot_url"), OD_E_NOMEM. */
OD_NODISCARD od_err od_channel_new_bot(od_channel_kind kind, const char *url, const char *secret,
                                       od_channel **out, od_error *e);
void od_channel_free(od_channel *c);
/* Confines a channel (a personal bot) to the destinations netguard.h
 * allows: public addresses and the ranges of allow (borrowed, must outlive
 * the channel; NULL = none).  Checked on every address the host resolves
 * to, when connecting; a refused one fails the send (not retryable) without
 * any connection.  Proxies from the environment are not used for it. */
struct od_net_allow;
void od_channel_guard(od_channel *c, const struct od_net_allow *allow);

#endif
