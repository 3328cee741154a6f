/* dispatcher.h — the outbox dispatcher (R-NOT-7): delivers the rows
 * the incident use cases put into `outbox`, plus one copy of each incident
 * message per configured group bot (`bot_outbox`), over the channels of
 * channel.h, and logs every attempt in `deliveries`.
 *
 * A row moves  pending --claim--> sending --record--> sent | pending (retry,
 * later next_attempt_at) | failed.  Claiming and recording are separate
 * write transactions; the send runs between them, outside any transaction.
 * A row found 'sending' at start was interrupted by a crash: it goes back to
 * 'pending' (logged as 'interrupted') and is sent again with the same
 * idempotency key ("opsdesk-<outbox id>", "opsdesk-bot-<bot id>").
 *
 * Time: scheduling (next_attempt_at, back-off, the channel rate limit) uses
 * the app clock, so a test clock drives it; signatures and the e-mail Date
 * use the wall clock, because vendors check them against real time.
 * Threading: one worker thread, which starts short-lived sender threads for
 * the sends of a wave (OD_DISPATCH_SENDERS); od_dispatcher_run_once /
 * _advance may be called from other threads and are serialized with it.  Details:
 * docs/notify.md, "Dispatcher". */
#ifndef OD_NOTIFY_DISPATCHER_H
#define OD_NOTIFY_DISPATCHER_H

#include "core/policy.h"
#include "notify/channel.h"
#include "store/store.h"
#include "util/clock.h"

#include <jansson.h>
#include <stdint.h>

/* Attempts after which a retryable failure becomes 'failed': the policy's
 * notify.max_attempts (od_notify_max_attempts); this is the default.yaml value. */
#define OD_DISPATCH_MAX_ATTEMPTS 8
/* Rows claimed per table per batch. */
#define OD_DISPATCH_BATCH 32
/* Messages sent at once (a wave), each on its own thread; the wave's
 * results are recorded in one write transaction.  A kill -9 during a wave
 * can repeat at most this many messages (with their idempotency keys). */
#define OD_DISPATCH_SENDERS 16
/* Of which at most this many on one channel (one gateway, one bot). */
#define OD_DISPATCH_SENDERS_PER_CHANNEL 8
/* Back-off: 5 s * 2^(attempts-1), at most 10 min, then +-20 % jitter. */
#define OD_DISPATCH_BACKOFF_BASE_MS 5000
#define OD_DISPATCH_BACKOFF_CAP_MS (10 * 60 * 1000)
/* The worker looks for new rows at least this often (the incident code does
 * not wake it yet). */
#define OD_DISPATCH_POLL_MS 1000
/* Outbox rows older than this when first seen are not copied to the bots
 * (so configuring a bot on an old database does not replay history). */
#define OD_DISPATCH_FANOUT_MAX_AGE_MS (60 * 60 * 1000)

/* Acknowledgement links (R-NOT-4): 128 random bits each. */
#define OD_ACK_TOKEN_BYTES 16
#define OD_DISPATCH_URL_MAX 512
#define OD_DISPATCH_NODE_MAX 128

typedef struct od_dispatcher od_dispatcher;

/* What the dispatcher works on, all borrowed (they must outlive it): the
 * store holding outbox, bot_outbox and deliveries; the clock that schedules
 * (a manual clock in tests); the policy (attempt limit, link lifetime). */
typedef struct od_dispatcher_env {
    od_store *store;
    const od_clock *clock;
    const od_policy *policy;
} od_dispatcher_env;

typedef struct od_dispatcher_opts {
    /* base of the acknowledgement links "<public_url>/ack/<token>": the
     * address people reach the server at (NULL → http://127.0.0.1:8080) */
    const char *public_url;
    /* destinations personal bots may reach although they are not public
     * (netguard.h): "CIDR,CIDR…" from opsdesk serve --bot-allow; NULL or ""
     * = public addresses only */
    const char *bot_allow;
    /* this node (docs/deploy/cluster.md): the claimed_by of its claims
     * (NULL → "local"), and whether it may claim now (NULL → always) */
    const char *node_id;
    bool (*may_claim)(void *arg);
    void *may_claim_arg;
    /* whether a claim taken at claim_mono (monotonic ms) may still be sent
     * (NULL → may_claim); same arg */
    bool (*may_send)(void *arg, int64_t claim_mono);
} od_dispatcher_opts;

/* Recovers rows left 'sending', then starts the worker thread.  chs (n
 * channels) is borrowed: it must outlive the dispatcher; n may be 0 (then
 * only 'inbox' rows are delivered and the others fail visibly).  env is
 * copied; what it points at is borrowed.  Errors: OD_E_STORE, OD_E_NOMEM,
 * OD_E_INTERNAL (thread). */
OD_NODISCARD od_err od_dispatcher_start(const od_dispatcher_env *env, od_channel **chs, size_t n,
                                        od_dispatcher **out, od_error *e);
/* As od_dispatcher_start, with options (o may be NULL).  OD_E_INVALID
 * (field "public-url") for a public URL that is not http(s)://…, (field
 * "bot-allow") for a bad range. */
OD_NODISCARD od_err od_dispatcher_start_opts(const od_dispatcher_env *env, od_channel **chs, size_t n,
                                             const od_dispatcher_opts *o, od_dispatcher **out, od_error *e);
/* Stops the worker after its current send (claimed rows not yet sent go
 * back to 'pending'), joins it and frees.  NULL-safe. */
void od_dispatcher_stop(od_dispatcher *d);
/* Makes the worker look for due rows now.  NULL-safe. */
void od_dispatcher_wake(od_dispatcher *d);

/* Processes every row due at `now` (next_attempt_at <= now), batch after
 * batch, until none is left; rows it retries or throttles get a later
 * next_attempt_at, so this returns.  *sent (may be NULL) counts the rows
 * that reached 'sent' (inbox included).  A `now` earlier than a previous
 * pass is raised to it (the dispatcher's time never goes back).  Errors:
 * store failures (the batch's claimed rows stay 'sending' and are recovered
 * at the next start). */
OD_NODISCARD od_err od_dispatcher_run_once(od_dispatcher *d, int64_t now, int *sent, od_error *e);
/* Test clock: runs od_dispatcher_run_once at each due time up to `to`, in
 * order, so back-off and rate limits play out as in real time.  Does not
 * move the app clock.  d NULL → OD_OK (nothing to do). */
OD_NODISCARD od_err od_dispatcher_advance(od_dispatcher *d, int64_t to, od_error *e);

/* Prometheus text: opsdesk_notify_messages_total{channel,status}
 * (status sent | retried | failed | throttled, since start),
 * opsdesk_notify_queued{channel} and opsdesk_notify_oldest_pending_seconds
 * (from the store).  Returns a malloc'd string the caller frees; NULL when d
 * is NULL or on allocation failure. */
char *od_dispatcher_metrics(od_dispatcher *d);

/* The retry delay after `attempts` attempts (>= 1), before jitter is
 * applied by rnd: jitter = ((rnd % 4001) - 2000) / 10000 of the delay.
 * Pure; exposed for the unit tests. */
int64_t od_dispatch_backoff_ms(int attempts, uint64_t rnd);

/* Whether a personal bot may be set to url: its host, when it is an address
 * or this machine, must be public or allowed (od_net_check_url; d NULL:
 * public only).  OD_E_UNPROCESSABLE (field "bot_url"). */
OD_NODISCARD od_err od_dispatcher_check_bot_url(const od_dispatcher *d, const char *url, od_error *e);

/* The kind (od_channel_kind) of the configured channel of that name, or -1
 * (also when d is NULL).  For opsdesk notify test. */
int od_dispatcher_channel_kind(od_dispatcher *d, const char *name);
/* [{"name","kind"}] of the configured channels (a new array). */
json_t *od_dispatcher_channels_json(od_dispatcher *d);

/* SIGHUP: puts a new channel set in force (the dispatcher does not own
 * either set).  Waits for the pass in progress, so no send uses the old set
 * afterwards; *old / *old_n receive it for the caller to free.  Messages
 * queued for a channel name the new set lacks fail as with no channel;
 * send counters carry over by channel name.  OD_E_NOMEM. */
OD_NODISCARD od_err od_dispatcher_replace_channels(od_dispatcher *d, od_channel **chs, size_t n,
                                                   od_channel ***old, size_t *old_n, od_error *e);

#endif
