/* dispatcher.c — the outbox dispatcher; the contract is in dispatcher.h.
 *
 *   pending --claim (tx 1)--> sending --send (no tx, a wave of up to
 *   OD_DISPATCH_SENDERS at once)--> record (tx 2, the whole wave):
 *       OD_OK                                 → sent      (delivery 'sent')
 *       retryable, attempts < MAX_ATTEMPTS    → pending   (delivery 'retry', next = now + back-off)
 *       otherwise                             → failed    (delivery 'failed')
 *   pending --claim, throttled--> pending (next = now + wait; no attempt counted)
 *   pending --claim, 'inbox'--> sent;  --claim, no channel--> failed
 *   sending --start (crash recovery)--> pending (delivery 'interrupted')
 *   sending --stop before its send--> pending (attempt given back)
 *
 * Invariants: a row is 'sending' only between tx 1 and its tx 2, or after
 * a crash; a row that got OD_OK is never sent again by us (only the crash
 * window between its send and its wave's tx 2 can repeat it — one wave,
 * OD_DISPATCH_SENDERS messages, at most — and the idempotency key covers
 * that where the channel supports one).  One pass at a time
 * (run_mu); the worker thread and od_dispatcher_run_once/_advance share it. */
#include "notify/dispatcher.h"
#include "core/cluster.h"
#include "notify/message.h"
#include "notify/netguard.h"
#include "util/sbuf.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/worker.h"

#include <errno.h>
#include <sodium.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NAME_MAX_LEN 64
#define FANOUT_SCAN 256
#define FANOUT_META_KEY "dispatch_fanout_outbox_id"

enum { ST_SENT, ST_RETRIED, ST_FAILED, ST_THROTTLED, ST__COUNT };
static const char *const st_names[ST__COUNT] = {"sent", "retried", "failed", "throttled"};

/* Counters per label: one per configured channel, then "inbox", then "none"
 * (rows that had no channel). */
typedef struct counter {
    char label[NAME_MAX_LEN];
    uint64_t n[ST__COUNT];
} counter;

struct od_dispatcher {
    od_store *store;
    const od_clock *clock;
    const od_policy *policy;
    od_channel **chs;
    size_t n_chs;
    od_worker w;            /* the thread (util/worker.h) */
    pthread_mutex_t mu;     /* counters, rnd */
    pthread_mutex_t run_mu; /* one pass at a time */
    int64_t last_now;       /* under run_mu */
    uint64_t rnd;
    counter *ctr;                         /* n_chs + 3: the channels, "inbox", "none", "personal_bot" */
    char public_url[OD_DISPATCH_URL_MAX]; /* base of acknowledgement links, no trailing '/' */
    od_net_allow *allow;                  /* non-public destinations personal bots may reach */
    char node[OD_DISPATCH_NODE_MAX];      /* claimed_by of this node's claims */
    bool (*may_claim)(void *arg);         /* NULL: always */
    void *may_claim_arg;
    bool (*may_send)(void *arg, int64_t claim_mono); /* NULL: may_claim */
    int64_t swept_mono; /* monotonic ms of the last sweep of other nodes' stale claims */
};

/* The two queues: outbox (bot = false) and bot_outbox (bot = true).  The
 * statements are named at each call (scripts/check-sql-binds.py reads them). */
typedef struct table {
    bool bot;
} table;
static const table TABLES[2] = {{false}, {true}};

/* A claimed row, from tx 1 to tx 2. */
typedef struct job {
    const table *t;
    int64_t id, incident_id, record_id;
    int attempts; /* after the claim */
    od_channel *ch;
    od_channel *own; /* a personal bot built for this row (freed with the job) */
    int64_t recipient_id;
    char *link; /* the acknowledgement link minted for this send, or NULL */
    char *to, *subject, *body;
    bool sent_tried;     /* the send ran */
    int64_t claim_mono;  /* monotonic ms just before the claim's lease was taken */
    int64_t lease_until; /* database time the claim's lease ends */
    od_err rc;
    od_send_result r;
    int outcome; /* ST_* to count once the wave's record commits; -1: none */
    size_t slot; /* its counter */
} job;

/* ---- helpers ---------------------------------------------------------- */

static uint64_t next_rnd(od_dispatcher *d)
{
    pthread_mutex_lock(&d->mu);
    /* xorshift64*: jitter only, not security */
    uint64_t x = d->rnd;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    d->rnd = x;
    pthread_mutex_unlock(&d->mu);
    return x * 2685821657736338717ULL;
}

int64_t od_dispatch_backoff_ms(int attempts, uint64_t rnd)
{
    int64_t delay = OD_DISPATCH_BACKOFF_BASE_MS;
    for (int i = 1; i < attempts && delay < OD_DISPATCH_BACKOFF_CAP_MS; i++)
        delay *= 2;
    if (delay > OD_DISPATCH_BACKOFF_CAP_MS)
        delay = OD_DISPATCH_BACKOFF_CAP_MS;
    int64_t jitter_permyriad = (int64_t)(rnd % 4001) - 2000; /* -20.00 % .. +20.00 % */
    return delay + delay * jitter_permyriad / 10000;
}

static void count(od_dispatcher *d, size_t slot, int st)
{
    pthread_mutex_lock(&d->mu);
    d->ctr[slot].n[st]++;
    pthread_mutex_unlock(&d->mu);
}

static size_t slot_of(od_dispatcher *d, const od_channel *ch)
{
    for (size_t i = 0; i < d->n_chs; i++)
        if (d->chs[i] == ch)
            return i;
    return d->n_chs + 1; /* "none" */
}

static bool is_bot_kind(od_channel_kind k)
{
    return k == OD_CH_DINGTALK || k == OD_CH_WECOM || k == OD_CH_FEISHU || k == OD_CH_WEBHOOK;
}

/* outbox.channel → a configured channel: 'sms' / 'email' → the first channel
 * of that kind; otherwise a channel of that name (bot rows); NULL if none. */
static od_channel *resolve(od_dispatcher *d, const char *name)
{
    od_channel_kind want = OD_CH__COUNT;
    if (strcmp(name, "sms") == 0)
        want = OD_CH_SMS;
    else if (strcmp(name, "email") == 0)
        want = OD_CH_EMAIL;
    for (size_t i = 0; i < d->n_chs; i++) {
        if (want != OD_CH__COUNT ? od_channel_kind_of(d->chs[i]) == want
                                 : strcmp(od_channel_name(d->chs[i]), name) == 0)
            return d->chs[i];
    }
    return NULL;
}

static void job_free(job *j)
{
    od_channel_free(j->own);
    if (j->link)
        sodium_memzero(j->link, strlen(j->link));
    free(j->link);
    free(j->to);
    free(j->subject);
    free(j->body);
}

static od_err log_delivery(od_tx *tx, const job *j, int64_t now, const char *channel, const char *status,
                           int http_status, const char *vendor_code, const char *error, od_error *e)
{
    return od_tx_exec(tx, OD_Q_DSP_DELIVERY_INSERT, e,
                      OD_BINDS(OD_INT_NONZERO(j->t->bot ? 0 : j->id), OD_INT_NONZERO(j->t->bot ? j->id : 0),
                               OD_INT_OR_NULL(j->incident_id, j->incident_id != 0), OD_INT(now),
                               OD_TEXT(channel), OD_TEXT(status), OD_INT((int64_t)http_status),
                               OD_TEXT(vendor_code), OD_TEXT(error)));
}

/* A changed-row count of 0 where our claim should have changed one: another
 * node took the row over (its lease ran out, or we were counted dead).
 * Nothing is recorded; OD_E_CONFLICT tells the caller. */
static od_err ours(od_tx *tx, const job *j, const char *what, od_error *e)
{
    if (od_tx_changes(tx) == 1)
        return OD_OK;
    od_warn("dispatcher: stale claim of %s %" PRId64 " (%s): another node took it over; nothing recorded",
            j->t->bot ? "bot" : "outbox", j->id, what);
    return od_error_set(e, OD_E_CONFLICT, NULL, "stale claim");
}

/* Sets a row's final or retry state: status, next_attempt_at, sent_at (0 →
 * NULL); only while our claim holds. */
static od_err finish(od_dispatcher *d, od_tx *tx, const job *j, const char *status, int64_t next,
                     int64_t sent_at, od_error *e)
{
    od_err rc;
    if (j->t->bot)
        rc = od_tx_exec(tx, OD_Q_DSP_BOT_FINISH, e,
                        OD_BINDS(OD_TEXT(status), OD_INT(next), OD_INT_OR_NULL(sent_at, sent_at != 0),
                                 OD_INT(j->id), OD_TEXT(d->node), OD_INT(j->lease_until)));
    else
        rc = od_tx_exec(tx, OD_Q_DSP_FINISH, e,
                        OD_BINDS(OD_TEXT(status), OD_INT(next), OD_INT_OR_NULL(sent_at, sent_at != 0),
                                 OD_INT(j->id), OD_TEXT(d->node), OD_INT(j->lease_until)));
    return rc ? rc : ours(tx, j, status, e);
}

/* pending → sending, attempts + 1, claimed by this node until lease_until
 * (database clock).  OD_E_CONFLICT when the row was no longer pending. */
static od_err row_claim(od_dispatcher *d, od_tx *tx, const job *j, od_error *e)
{
    int64_t lease_until = j->lease_until;
    od_err rc;
    if (j->t->bot)
        rc = od_tx_exec(tx, OD_Q_DSP_BOT_CLAIM, e,
                        OD_BINDS(OD_TEXT(d->node), OD_INT(lease_until), OD_INT(j->id)));
    else
        rc =
            od_tx_exec(tx, OD_Q_DSP_CLAIM, e, OD_BINDS(OD_TEXT(d->node), OD_INT(lease_until), OD_INT(j->id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "claimed elsewhere");
    return rc;
}

/* sending → pending, attempts - 1 (claimed but never sent); only while our
 * claim holds. */
static od_err row_unclaim(od_dispatcher *d, od_tx *tx, const job *j, od_error *e)
{
    od_err rc;
    if (j->t->bot)
        rc = od_tx_exec(tx, OD_Q_DSP_BOT_UNCLAIM, e,
                        OD_BINDS(OD_INT(j->id), OD_TEXT(d->node), OD_INT(j->lease_until)));
    else
        rc = od_tx_exec(tx, OD_Q_DSP_UNCLAIM, e,
                        OD_BINDS(OD_INT(j->id), OD_TEXT(d->node), OD_INT(j->lease_until)));
    return rc ? rc : ours(tx, j, "unclaim", e);
}

/* Stays pending until `at` (rate limit). */
static od_err row_defer(od_tx *tx, const job *j, int64_t at, od_error *e)
{
    if (j->t->bot)
        return od_tx_exec(tx, OD_Q_DSP_BOT_DEFER, e, OD_BINDS(OD_INT(at), OD_INT(j->id)));
    return od_tx_exec(tx, OD_Q_DSP_DEFER, e, OD_BINDS(OD_INT(at), OD_INT(j->id)));
}

/* ---- fan-out to the group bots ----------------------------------------- */

/* Copies every outbox row not yet seen (id above the watermark in meta) to
 * each configured bot, once per cause.  Inside the claim's transaction (tx
 * 1), so a pass waits for the write lock once before its sends. */
static od_err fanout(od_dispatcher *d, od_tx *tx, int64_t now, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = OD_OK;
    int64_t mark = 0;
    if (od_tx_scalar(tx, OD_Q_META_GET_INT, &mark, NULL, OD_BINDS(OD_TEXT(FANOUT_META_KEY))) != OD_OK)
        mark = 0;
    int64_t last = mark;
    for (;;) {
        /* Read the batch first (a statement cannot stay open across inserts
         * on another), then insert. */
        struct src {
            int64_t id, inc, created;
            char *cause, *kind, *desk, *subject, *body;
        } *v = calloc(FANOUT_SCAN, sizeof *v);
        size_t nv = 0;
        if (!v) {
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
            break;
        }
        rc = od_tx_query(tx, OD_Q_DSP_FANOUT_SCAN, &r, e,
                         OD_BINDS(OD_INT(last), OD_INT((int64_t)FANOUT_SCAN)));
        bool row = false;
        while (!rc && nv < FANOUT_SCAN && !(rc = od_rows_step(r, &row)) && row) {
            struct src *x = &v[nv++];
            x->id = od_rows_int(r, 0);
            x->inc = od_rows_int(r, 2);
            x->created = od_rows_int(r, 7);
            x->cause = strdup(od_rows_text(r, 1));
            x->kind = strdup(od_rows_text(r, 3));
            x->desk = strdup(od_rows_text(r, 4));
            x->subject = strdup(od_rows_text(r, 5));
            x->body = strdup(od_rows_text(r, 6));
            if (!x->cause || !x->kind || !x->desk || !x->subject || !x->body)
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        }
        od_rows_close(r);
        r = NULL;
        for (size_t k = 0; !rc && k < nv; k++) {
            struct src *x = &v[k];
            last = x->id;
            if (!x->inc || x->created < now - OD_DISPATCH_FANOUT_MAX_AGE_MS)
                continue;
            for (size_t i = 0; !rc && i < d->n_chs; i++) {
                if (!is_bot_kind(od_channel_kind_of(d->chs[i])))
                    continue;
                rc = od_tx_exec(tx, OD_Q_DSP_BOT_INSERT, e,
                                OD_BINDS(OD_TEXT(x->cause), OD_INT(x->inc),
                                         OD_TEXT(od_channel_name(d->chs[i])), OD_TEXT(x->kind),
                                         OD_TEXT(x->desk), OD_TEXT(x->subject), OD_TEXT(x->body), OD_INT(now),
                                         OD_INT(now)));
            }
        }
        for (size_t k = 0; k < nv; k++) {
            free(v[k].cause);
            free(v[k].kind);
            free(v[k].desk);
            free(v[k].subject);
            free(v[k].body);
        }
        free(v);
        if (rc || nv < FANOUT_SCAN)
            break;
    }
    /* with no bot the watermark still moves: a bot added later gets new messages only */
    if (!rc && last != mark) {
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRId64, last);
        rc = od_tx_exec(tx, OD_Q_META_PUT, e, OD_BINDS(OD_TEXT(FANOUT_META_KEY), OD_TEXT(buf)));
    }
    return rc;
}

/* ---- claim (tx 1) ------------------------------------------------------ */

/* R-NOT-4: when the row is an alarm to a recipient with something to
 * acknowledge (and its body has the template's link line), a new link for
 * this send: 128 random bits (libsodium), base64url; only the SHA-256 of the
 * token is stored, with the incident, the user and the expiry.  The same for
 * a record's message while the record has an approval step waiting
 * (modules-spec §1.5, decide from a message): /approve/<token>, and the
 * approvals use case checks, when used, that the recipient may decide.
 * Inside tx 1. */
/* The step a record message's link decides: the newest waiting step of the
 * record with the recipient among its approvers; *step_id 0 when there is
 * none (an escalation told to someone who may not decide gets no link). */
static od_err approval_step_of(od_tx *tx, const job *j, int64_t *step_id, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    *step_id = 0;
    od_err rc = od_tx_query(tx, OD_Q_APL_NEEDED, &r, e, OD_BINDS(OD_INT(j->record_id)));
    while (!rc && !*step_id && !(rc = od_rows_step(r, &row)) && row) {
        json_t *a = json_loads(od_rows_text(r, 1), 0, NULL);
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v)
        {
            if ((int64_t)json_integer_value(v) == j->recipient_id)
                *step_id = od_rows_int(r, 0);
        }
        json_decref(a);
    }
    od_rows_close(r);
    return rc;
}

static od_err mint_link(od_dispatcher *d, od_tx *tx, job *j, int64_t now, od_error *e)
{
    bool inc = j->incident_id != 0;
    if (j->t->bot || !j->recipient_id || (!inc && !j->record_id) || !strstr(j->body, OD_ACK_MARK))
        return OD_OK;
    int64_t need = 0, step_id = 0;
    od_err rc = inc ? od_tx_scalar(tx, OD_Q_NTF_ACK_NEEDED, &need, NULL,
                                   OD_BINDS(OD_INT(j->incident_id), OD_INT(j->recipient_id)))
                    : approval_step_of(tx, j, &step_id, e);
    if (!inc)
        need = step_id != 0;
    if (rc == OD_E_NOT_FOUND || !need)
        return OD_OK;
    if (rc)
        return rc;
    char token[OD_SECRET_LEN(0, OD_ACK_TOKEN_BYTES)], hex[OD_SECRET_HASH_HEX];
    if (!od_secret_new(token, sizeof token, "", OD_ACK_TOKEN_BYTES))
        return od_error_set(e, OD_E_INTERNAL, NULL, "libsodium");
    od_secret_hash(token, hex);
    int64_t until = now + od_notify_ack_ttl_ms(d->policy);
    if (inc)
        rc = od_tx_exec(tx, OD_Q_NTF_ACK_INSERT, e,
                        OD_BINDS(OD_TEXT(hex), OD_INT(j->incident_id), OD_INT(j->recipient_id),
                                 OD_INT_OR_NULL(j->id, j->id != 0), OD_INT(now), OD_INT(until)));
    else
        rc = od_tx_exec(tx, OD_Q_APL_INSERT, e,
                        OD_BINDS(OD_TEXT(hex), OD_INT(j->record_id), OD_INT(j->recipient_id),
                                 OD_INT_OR_NULL(j->id, j->id != 0), OD_INT(now), OD_INT(until),
                                 OD_INT(step_id)));
    if (!rc && asprintf(&j->link, "%s/%s/%s", d->public_url, inc ? "ack" : "approve", token) < 0) {
        j->link = NULL;
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    sodium_memzero(token, sizeof token);
    return rc;
}

/* A row for the recipient's personal bot (directory): the bot is read now,
 * so a changed webhook applies to messages still queued. */
static od_err claim_personal(od_dispatcher *d, od_tx *tx, job *j, int64_t now, job *jobs, size_t *nj,
                             od_error *e)
{
    od_rows *r = NULL;
    od_error be = {0};
    od_err rc = od_tx_query(tx, OD_Q_NTF_USER_CONTACT, &r, e, OD_BINDS(OD_INT(j->recipient_id)));
    od_err brc = OD_E_NOT_FOUND;
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row && !od_rows_null(r, 3) && od_rows_text(r, 3)[0]) {
        const char *kind = od_rows_text(r, 5);
        od_channel_kind k = OD_CH__COUNT;
        for (int i = 0; i < OD_CH__COUNT; i++)
            if (strcmp(kind, od_channel_kind_name((od_channel_kind)i)) == 0)
                k = (od_channel_kind)i;
        brc = od_channel_new_bot(k, od_rows_text(r, 3), od_rows_text(r, 6), &j->own, &be);
        if (!brc) /* a person's URL: only destinations the administrator allows (netguard.h) */
            od_channel_guard(j->own, d->allow);
    }
    od_rows_close(r);
    if (rc)
        return rc;
    rc = row_claim(d, tx, j, e);
    if (!rc && brc) { /* no usable personal bot any more: a visible failure */
        rc = finish(d, tx, j, "failed", now, 0, e);
        if (!rc)
            rc = log_delivery(tx, j, now, "personal_bot", "failed", 0, "",
                              brc == OD_E_NOT_FOUND ? "no personal bot configured" : be.message, e);
        if (!rc)
            count(d, d->n_chs + 2, ST_FAILED);
        return rc;
    }
    j->ch = j->own;
    if (!rc)
        rc = mint_link(d, tx, j, now, e);
    if (!rc) {
        j->attempts++;
        jobs[(*nj)++] = *j;
        memset(j, 0, sizeof *j); /* ownership moved */
    }
    return rc;
}

/* Handles one due row inside tx 1: inbox and unconfigured rows end here;
 * throttled rows are deferred; the rest are claimed into jobs[*nj]. */
static od_err claim_row(od_dispatcher *d, od_tx *tx, job *j, const char *chan, int64_t now, job *jobs,
                        size_t *nj, int *sent, od_error *e)
{
    od_err rc;
    if (!j->t->bot && strcmp(chan, "inbox") == 0) {
        /* in-app only: the incident view is the delivery */
        rc = row_claim(d, tx, j, e);
        if (!rc)
            rc = finish(d, tx, j, "sent", now, now, e);
        if (!rc)
            rc = log_delivery(tx, j, now, "inbox", "sent", 0, "", "", e);
        if (!rc) {
            count(d, d->n_chs, ST_SENT);
            (*sent)++;
        }
        return rc;
    }
    if (!j->t->bot && strcmp(chan, "personal_bot") == 0)
        return claim_personal(d, tx, j, now, jobs, nj, e);
    j->ch = resolve(d, chan);
    if (!j->ch) {
        rc = row_claim(d, tx, j, e);
        if (!rc)
            rc = finish(d, tx, j, "failed", now, 0, e);
        if (!rc)
            rc = log_delivery(tx, j, now, chan, "failed", 0, "", "no channel configured", e);
        if (!rc)
            count(d, d->n_chs + 1, ST_FAILED);
        return rc;
    }
    int64_t wait = od_channel_throttle(j->ch, now);
    if (wait > 0) {
        count(d, slot_of(d, j->ch), ST_THROTTLED);
        return row_defer(tx, j, now + wait, e);
    }
    rc = row_claim(d, tx, j, e);
    if (!rc)
        rc = mint_link(d, tx, j, now, e);
    if (!rc) {
        j->attempts++;
        jobs[(*nj)++] = *j;
        memset(j, 0, sizeof *j); /* ownership of the strings moved */
    }
    return rc;
}

/* Tx 1: the bot fan-out (first batch of a pass), then up to
 * OD_DISPATCH_BATCH due rows of each table.  *seen is how many rows it
 * looked at (0 = nothing due). */
static od_err claim(od_dispatcher *d, int64_t now, bool first, job *jobs, size_t *nj, size_t *seen, int *sent,
                    od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    *nj = 0;
    *seen = 0;
    int64_t mono = od_clock_mono_ms(), db_now = 0;
    od_err rc = od_tx_begin(d->store, true, &tx, e);
    if (rc)
        return rc;
    /* the lease runs on the database clock (SQLite: this node's) */
    rc = od_tx_scalar(tx, OD_Q_DB_NOW, &db_now, e, OD_BINDS(OD_INT(od_clock_now(NULL))));
    if (!rc && first)
        rc = fanout(d, tx, now, e);
    for (size_t t = 0; !rc && t < 2; t++) {
        job rows[OD_DISPATCH_BATCH];
        char chans[OD_DISPATCH_BATCH][NAME_MAX_LEN];
        size_t n = 0;
        if (TABLES[t].bot)
            rc = od_tx_query(tx, OD_Q_DSP_BOT_DUE, &r, e,
                             OD_BINDS(OD_INT(now), OD_INT((int64_t)OD_DISPATCH_BATCH)));
        else
            rc = od_tx_query(tx, OD_Q_DSP_DUE, &r, e,
                             OD_BINDS(OD_INT(now), OD_INT((int64_t)OD_DISPATCH_BATCH)));
        bool row = false;
        while (!rc && n < OD_DISPATCH_BATCH && !(rc = od_rows_step(r, &row)) && row) {
            job *j = &rows[n];
            memset(j, 0, sizeof *j);
            j->t = &TABLES[t];
            j->id = od_rows_int(r, 0);
            snprintf(chans[n], sizeof chans[n], "%s", od_rows_text(r, 1));
            j->to = strdup(od_rows_text(r, 2));
            j->subject = strdup(od_rows_text(r, 3));
            j->body = strdup(od_rows_text(r, 4));
            j->attempts = (int)od_rows_int(r, 5);
            j->incident_id = od_rows_null(r, 6) ? 0 : od_rows_int(r, 6);
            j->recipient_id = od_rows_null(r, 7) ? 0 : od_rows_int(r, 7);
            j->record_id = od_rows_null(r, 8) ? 0 : od_rows_int(r, 8);
            j->claim_mono = mono;
            j->lease_until = db_now + OD_CLAIM_LEASE_MS;
            n++;
            if (!j->to || !j->subject || !j->body)
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        }
        od_rows_close(r);
        r = NULL;
        for (size_t k = 0; k < n; k++) {
            if (!rc) {
                rc = claim_row(d, tx, &rows[k], chans[k], now, jobs, nj, sent, e);
                if (rc == OD_E_CONFLICT) { /* no longer pending: someone else's now */
                    od_error_clear(e);
                    rc = OD_OK;
                }
            }
            job_free(&rows[k]);
        }
        *seen += n;
    }
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc) {
        for (size_t k = 0; k < *nj; k++)
            job_free(&jobs[k]);
        *nj = 0;
    }
    return rc;
}

/* ---- send and record (tx 2) -------------------------------------------- */

static bool stopping(od_dispatcher *d)
{
    return od_worker_stopping(&d->w);
}

static void send_job(od_dispatcher *d, job *j)
{
    char key[48];
    snprintf(key, sizeof key, j->t->bot ? "opsdesk-bot-%" PRId64 : "opsdesk-%" PRId64, j->id);
    /* the ack-link line of the template (notify/message.h): this send's link, or dropped */
    char *text = od_msg_put_link(j->body, j->link);
    od_message m = {.to = j->t->bot || !j->to[0] ? NULL : j->to,
                    .subject = j->subject,
                    .text = text ? text : j->body,
                    .markdown = NULL,
                    .link = j->link,
                    .idempotency_key = key};
    (void)d;
    /* wall clock: vendors check signature timestamps against real time */
    j->rc = od_channel_send(j->ch, &m, od_clock_now(NULL), &j->r);
    j->sent_tried = true;
    free(text);
}

/* Writes one job's result inside the wave's transaction; j->outcome says
 * what to count once it commits (-1: nothing, the row was given back). */
static od_err record_job(od_dispatcher *d, od_tx *tx, job *j, int64_t now, od_error *e)
{
    const char *name = od_channel_name(j->ch);
    j->outcome = -1;
    j->slot = j->own ? d->n_chs + 2 : slot_of(d, j->ch);
    if (!j->sent_tried)
        return row_unclaim(d, tx, j, e);
    if (j->rc == OD_OK) {
        od_err rc = finish(d, tx, j, "sent", now, now, e);
        if (!rc)
            rc = log_delivery(tx, j, now, name, "sent", j->r.http_status, j->r.vendor_code, "", e);
        if (!rc)
            j->outcome = ST_SENT;
        return rc;
    }
    const char *err = j->r.error[0] ? j->r.error : od_err_str(j->rc);
    /* R-NOT-7: the policy's attempt limit (notify.max_attempts) */
    bool retry = j->rc == OD_E_IO && j->r.retryable && j->attempts < od_notify_max_attempts(d->policy);
    if (retry) {
        int64_t delay = od_dispatch_backoff_ms(j->attempts, next_rnd(d));
        if (j->r.retry_after_ms > delay)
            delay = j->r.retry_after_ms < OD_DISPATCH_BACKOFF_CAP_MS * 6 ? j->r.retry_after_ms
                                                                         : OD_DISPATCH_BACKOFF_CAP_MS * 6;
        od_err rc = finish(d, tx, j, "pending", now + delay, 0, e);
        if (!rc)
            rc = log_delivery(tx, j, now, name, "retry", j->r.http_status, j->r.vendor_code, err, e);
        if (!rc)
            j->outcome = ST_RETRIED;
        return rc;
    }
    od_err rc = finish(d, tx, j, "failed", now, 0, e);
    if (!rc)
        rc = log_delivery(tx, j, now, name, "failed", j->r.http_status, j->r.vendor_code, err, e);
    if (!rc)
        j->outcome = ST_FAILED;
    return rc;
}

/* Tx 2 of one wave: every job's result in one write transaction (one wait
 * for the write lock, one fsync).  Each row is written only while our claim
 * holds (finish/row_unclaim are the row's first write and change nothing
 * otherwise): a stale claim — another node re-queued the row after our
 * lease — records nothing for that row and the others still commit.
 * PostgreSQL's OD_E_RETRY runs the transaction again (the sends are not
 * repeated).  Counts and *sent move only after the commit. */
#define RECORD_ATTEMPTS 3
static od_err record_wave(od_dispatcher *d, job **w, size_t n, int64_t now, int *sent, od_error *e)
{
    od_err rc = OD_OK;
    for (int attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
        od_tx *tx = NULL;
        od_error_clear(e);
        rc = od_tx_begin(d->store, true, &tx, e);
        for (size_t k = 0; !rc && k < n; k++) {
            rc = record_job(d, tx, w[k], now, e);
            if (rc == OD_E_CONFLICT) { /* stale claim: nothing of this row was written */
                w[k]->outcome = -1;
                od_error_clear(e);
                rc = OD_OK;
            }
        }
        if (!rc)
            rc = od_tx_commit(tx, e);
        else if (tx)
            od_tx_rollback(tx);
        if (rc != OD_E_RETRY)
            break;
    }
    if (rc)
        return rc;
    for (size_t k = 0; k < n; k++) {
        job *j = w[k];
        if (j->outcome < 0)
            continue;
        count(d, j->slot, j->outcome);
        if (j->outcome == ST_SENT)
            (*sent)++;
        else if (j->outcome == ST_FAILED)
            od_warn("notification %s %" PRId64 " failed on %s after %d attempt(s): %s",
                    j->t->bot ? "bot" : "outbox", j->id, od_channel_name(j->ch), j->attempts,
                    j->r.error[0] ? j->r.error : od_err_str(j->rc));
    }
    return OD_OK;
}

/* ---- passes ------------------------------------------------------------ */

static bool may_claim(od_dispatcher *d)
{
    return !d->may_claim || d->may_claim(d->may_claim_arg);
}

/* A claimed job may be sent: the node may claim and has held its lease
 * since the claim (else it may have been counted dead meanwhile and the row
 * sent by another node: a pause or a partition longer than the self-fence). */
static bool may_send(od_dispatcher *d, const job *j)
{
    return d->may_send ? d->may_send(d->may_claim_arg, j->claim_mono) : may_claim(d);
}

typedef struct sender {
    od_dispatcher *d;
    job *j;
    pthread_t th;
    bool started;
} sender;

static void *sender_main(void *arg)
{
    sender *s = arg;
    pthread_setname_np(pthread_self(), "od-send");
    send_job(s->d, s->j);
    return NULL;
}

/* The next wave: up to OD_DISPATCH_SENDERS jobs not yet taken, at most
 * OD_DISPATCH_SENDERS_PER_CHANNEL of them on one channel (a personal bot is
 * a channel of its own).  Returns how many went into w. */
static size_t next_wave(job *jobs, size_t nj, bool *taken, job **w)
{
    size_t n = 0;
    for (size_t k = 0; k < nj && n < OD_DISPATCH_SENDERS; k++) {
        if (taken[k])
            continue;
        size_t same = 0;
        for (size_t i = 0; i < n; i++)
            same += w[i]->ch == jobs[k].ch;
        if (same >= OD_DISPATCH_SENDERS_PER_CHANNEL)
            continue;
        taken[k] = true;
        w[n++] = &jobs[k];
    }
    return n;
}

/* Sends a wave's jobs at once: each on a thread of its own, the last on the
 * calling thread (also the fallback when a thread cannot start).  A send
 * starts only while the claim's lease outlasts it with margin (by this
 * machine's monotonic clock) and this node may still claim; otherwise the
 * job is left unsent and its row given back when the wave is recorded. */
/* Sends the wave's rows that may still go out; returns how many went. */
static size_t send_wave(od_dispatcher *d, job **w, size_t n)
{
    sender s[OD_DISPATCH_SENDERS];
    size_t go = 0;
    for (size_t k = 0; k < n; k++) {
        job *j = w[k];
        if (stopping(d) || !may_send(d, j) ||
            !od_claim_may_send(OD_CLAIM_LEASE_MS, od_clock_mono_ms() - j->claim_mono,
                               od_channel_timeout_ms(j->ch)))
            continue;
        s[go++] = (sender){.d = d, .j = j};
    }
    for (size_t k = 0; k + 1 < go; k++)
        s[k].started = pthread_create(&s[k].th, NULL, sender_main, &s[k]) == 0;
    for (size_t k = 0; k < go; k++)
        if (k + 1 == go || !s[k].started)
            send_job(d, s[k].j);
    for (size_t k = 0; k + 1 < go; k++)
        if (s[k].started)
            pthread_join(s[k].th, NULL);
    return go;
}

/* One pass at `now`; run_mu held.  Claimed rows go out in waves of at most
 * OD_DISPATCH_SENDERS concurrent sends, each wave's results recorded in one
 * transaction right after it: a crash (kill -9) can then repeat at most the
 * one wave in flight (with the idempotency keys), not the whole batch
 * (tests/crash bounds the resends per kill).  After a failed record the
 * rest of the batch is not sent but given back (unclaimed); what cannot be
 * given back stays 'sending' until the next start. */
static od_err pass(od_dispatcher *d, int64_t now, int *sent, od_error *e)
{
    if (!may_claim(d)) /* not ready (clock off the database's, lease lost): claim nothing */
        return OD_OK;
    od_err rc = OD_OK;
    job *jobs = calloc(2 * OD_DISPATCH_BATCH, sizeof *jobs);
    bool *taken = calloc(2 * OD_DISPATCH_BATCH, sizeof *taken);
    if (!jobs || !taken)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    /* where a long pass spent its time (logged when it took a second or more) */
    int64_t t0 = od_clock_mono_ms(), t_claim = 0, t_send = 0, t_record = 0, waves = 0, msgs = 0;
    for (bool first = true; !rc; first = false) {
        /* asked again before every later round: a node that stopped being
         * ready during the pass (lease lost, clock skew) claims nothing more */
        if (!first && !may_claim(d))
            break;
        size_t nj = 0, seen = 0, went = 0;
        int64_t t = od_clock_mono_ms();
        rc = claim(d, now, first, jobs, &nj, &seen, sent, e);
        t_claim += od_clock_mono_ms() - t;
        if (rc || seen == 0)
            break;
        memset(taken, 0, 2 * OD_DISPATCH_BATCH * sizeof *taken);
        job *w[OD_DISPATCH_SENDERS];
        for (size_t n; (n = next_wave(jobs, nj, taken, w)) > 0;) {
            t = od_clock_mono_ms();
            if (!rc)
                went += send_wave(d, w, n);
            int64_t t1 = od_clock_mono_ms();
            od_err rk = record_wave(d, w, n, now, sent, e);
            t_send += t1 - t;
            t_record += od_clock_mono_ms() - t1;
            waves++;
            msgs += (int64_t)n;
            if (!rc)
                rc = rk;
        }
        for (size_t k = 0; k < nj; k++)
            job_free(&jobs[k]);
        /* every claim of the round given back unsent: claiming them again at
         * once would only give them back again (a spin); the next pass retries */
        if (stopping(d) || (nj > 0 && went == 0))
            break;
    }
    free(taken);
    free(jobs);
    int64_t took = od_clock_mono_ms() - t0;
    if (msgs)
        od_log(took >= 1000 ? OD_LOG_INFO : OD_LOG_DEBUG,
               "dispatcher: a pass of %" PRId64 " ms: %" PRId64 " message(s) in %" PRId64
               " wave(s); claims %" PRId64 " ms, sends %" PRId64 " ms, records %" PRId64 " ms",
               took, msgs, waves, t_claim, t_send, t_record);
    return rc;
}

/* One pass at `now` (raised to the last pass's); run_mu held. */
static od_err run_locked(od_dispatcher *d, int64_t now, int *sent, od_error *e)
{
    int n = 0;
    if (now < d->last_now)
        now = d->last_now;
    d->last_now = now;
    od_err rc = pass(d, now, &n, e);
    if (sent)
        *sent = n;
    return rc;
}

od_err od_dispatcher_run_once(od_dispatcher *d, int64_t now, int *sent, od_error *e)
{
    pthread_mutex_lock(&d->run_mu);
    od_err rc = run_locked(d, now, sent, e);
    pthread_mutex_unlock(&d->run_mu);
    return rc;
}

/* Earliest next_attempt_at of a pending row; INT64_MAX when none. */
static od_err next_due(od_dispatcher *d, int64_t *out, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    *out = INT64_MAX;
    od_err rc = od_tx_begin(d->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_DSP_MIN_DUE, &r, e, OD_NOBINDS);
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row && !od_rows_null(r, 0))
        *out = od_rows_int(r, 0);
    od_rows_close(r);
    od_tx_rollback(tx);
    return rc;
}

od_err od_dispatcher_advance(od_dispatcher *d, int64_t to, od_error *e)
{
    if (!d)
        return OD_OK;
    /* under run_mu for the whole walk: a pass of the worker thread that has
     * rows 'sending' ends first, so nothing due is missed */
    pthread_mutex_lock(&d->run_mu);
    od_err rc = OD_OK;
    for (;;) {
        int64_t next;
        rc = next_due(d, &next, e);
        if (rc || next > to || !may_claim(d)) /* a node that may not claim leaves the rows to others */
            break;
        rc = run_locked(d, next, NULL, e);
        if (rc)
            break;
    }
    pthread_mutex_unlock(&d->run_mu);
    return rc;
}

/* ---- thread ------------------------------------------------------------ */

static void sweep(od_dispatcher *d);

/* The longest sleep: OD_DISPATCH_POLL_MS, or OPSDESK_POLL_MS (100 ms to 1 h;
 * with several nodes their wake-ups make polling the fallback). */
static int64_t poll_ms(void)
{
    const char *v = getenv("OPSDESK_POLL_MS");
    long long n = v ? atoll(v) : 0;
    return n >= 100 && n <= 3600000 ? (int64_t)n : OD_DISPATCH_POLL_MS;
}

static void *loop(void *arg)
{
    od_dispatcher *d = arg;
    const int64_t poll = poll_ms();
    while (od_worker_round(&d->w)) {
        od_error e = {0};
        int64_t now = od_clock_now(d->clock), next = INT64_MAX;
        sweep(d);
        if (od_dispatcher_run_once(d, now, NULL, &e) != OD_OK)
            od_errorlog("dispatcher: %s", e.message);
        od_error_clear(&e);
        if (next_due(d, &next, &e) != OD_OK)
            od_errorlog("dispatcher: %s", e.message);
        /* sleep until the next due row, at most OD_DISPATCH_POLL_MS; with a
         * test clock, time moves only through od_dispatcher_advance */
        int64_t wait = next == INT64_MAX ? poll : next - od_clock_now(d->clock);
        if (wait > poll || d->clock->manual)
            wait = poll;
        od_worker_wait(&d->w, wait);
    }
    return NULL;
}

/* Claims left 'sending' go back to 'pending', each with an 'interrupted'
 * delivery row: own = this node's claims from before its start (and claims
 * of no node, from older versions); otherwise other nodes' claims whose
 * lease ran out by the database clock or whose node is dead long enough
 * (OD_NODE_REQUEUE_AFTER_MS: it has stopped starting sends, and a send it
 * began has ended).  Each row is re-queued only if it is still claimed by
 * the claimer read (changed-row count), so a result recorded meanwhile
 * stands.  *n counts the rows re-queued. */
#define REQUEUE_SCAN 512
static od_err requeue(od_dispatcher *d, bool own, int64_t *n, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t now = od_clock_now(d->clock), db_now = 0;
    const char *why = own ? "server stopped during the send; will be sent again"
                          : "the claiming node stopped or lost its lease during the send; will be sent again";
    *n = 0;
    od_err rc = od_tx_begin(d->store, true, &tx, e);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_DB_NOW, &db_now, e, OD_BINDS(OD_INT(od_clock_now(NULL))));
    for (size_t t = 0; !rc && t < 2; t++) {
        const table *tb = &TABLES[t];
        int64_t live = db_now - OD_NODE_REQUEUE_AFTER_MS;
        if (own && tb->bot)
            rc = od_tx_query(tx, OD_Q_DSP_BOT_STALE_OWN, &r, e,
                             OD_BINDS(OD_TEXT(d->node), OD_INT((int64_t)REQUEUE_SCAN)));
        else if (own)
            rc = od_tx_query(tx, OD_Q_DSP_STALE_OWN, &r, e,
                             OD_BINDS(OD_TEXT(d->node), OD_INT((int64_t)REQUEUE_SCAN)));
        else if (tb->bot)
            rc = od_tx_query(
                tx, OD_Q_DSP_BOT_STALE, &r, e,
                OD_BINDS(OD_TEXT(d->node), OD_INT(db_now), OD_INT(live), OD_INT((int64_t)REQUEUE_SCAN)));
        else
            rc = od_tx_query(
                tx, OD_Q_DSP_STALE, &r, e,
                OD_BINDS(OD_TEXT(d->node), OD_INT(db_now), OD_INT(live), OD_INT((int64_t)REQUEUE_SCAN)));
        struct stale {
            int64_t id, inc;
            char channel[NAME_MAX_LEN], by[OD_DISPATCH_NODE_MAX];
        } *v = rc ? NULL : calloc(REQUEUE_SCAN, sizeof *v);
        size_t nv = 0;
        if (!rc && !v)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        bool row = false;
        while (!rc && nv < REQUEUE_SCAN && !(rc = od_rows_step(r, &row)) && row) {
            v[nv].id = od_rows_int(r, 0);
            v[nv].inc = od_rows_null(r, 1) ? 0 : od_rows_int(r, 1);
            snprintf(v[nv].channel, sizeof v[nv].channel, "%s", od_rows_text(r, 2));
            snprintf(v[nv].by, sizeof v[nv].by, "%s", od_rows_text(r, 3));
            nv++;
        }
        od_rows_close(r);
        r = NULL;
        for (size_t k = 0; !rc && k < nv; k++) {
            if (tb->bot)
                rc = od_tx_exec(tx, OD_Q_DSP_BOT_REQUEUE, e, OD_BINDS(OD_INT(v[k].id), OD_TEXT(v[k].by)));
            else
                rc = od_tx_exec(tx, OD_Q_DSP_REQUEUE, e, OD_BINDS(OD_INT(v[k].id), OD_TEXT(v[k].by)));
            if (rc || od_tx_changes(tx) != 1)
                continue;
            (*n)++;
            rc = od_tx_exec(tx, OD_Q_DSP_INTERRUPTED_LOG, e,
                            OD_BINDS(OD_INT_NONZERO(tb->bot ? 0 : v[k].id),
                                     OD_INT_NONZERO(tb->bot ? v[k].id : 0), OD_INT_NONZERO(v[k].inc),
                                     OD_INT(now), OD_TEXT(v[k].channel), OD_TEXT(why)));
        }
        free(v);
    }
    if (rc) {
        od_tx_rollback(tx);
        *n = 0;
        return rc;
    }
    rc = od_tx_commit(tx, e);
    if (rc)
        *n = 0;
    return rc;
}

/* At start: this node's own claims from before (it was killed or stopped
 * mid-send), then other nodes' stale ones. */
static od_err recover(od_dispatcher *d, od_error *e)
{
    int64_t n = 0, m = 0;
    od_err rc = requeue(d, true, &n, e);
    if (!rc && n)
        od_warn("dispatcher: %" PRId64 " message(s) were in flight at the last stop; sending them again", n);
    if (!rc)
        rc = requeue(d, false, &m, e);
    if (!rc && m)
        od_warn("dispatcher: %" PRId64 " message(s) claimed by stopped nodes; sending them again", m);
    d->swept_mono = od_clock_mono_ms();
    return rc;
}

/* Every SWEEP_MS: other nodes' claims whose lease ran out or whose node died. */
#define SWEEP_MS 5000
static void sweep(od_dispatcher *d)
{
    if (od_clock_mono_ms() - d->swept_mono < SWEEP_MS || !may_claim(d))
        return;
    d->swept_mono = od_clock_mono_ms();
    od_error e = {0};
    int64_t n = 0;
    if (requeue(d, false, &n, &e) != OD_OK)
        od_errorlog("dispatcher: %s", e.message);
    else if (n)
        od_warn("dispatcher: %" PRId64
                " message(s) claimed by a stopped node or past their lease; sending them "
                "again",
                n);
}

static void destroy(od_dispatcher *d)
{
    pthread_mutex_destroy(&d->mu);
    pthread_mutex_destroy(&d->run_mu);
    od_net_allow_free(d->allow);
    free(d->ctr);
    free(d);
}

od_err od_dispatcher_start(const od_dispatcher_env *env, od_channel **chs, size_t n, od_dispatcher **out,
                           od_error *e)
{
    return od_dispatcher_start_opts(env, chs, n, NULL, out, e);
}

od_err od_dispatcher_start_opts(const od_dispatcher_env *env, od_channel **chs, size_t n,
                                const od_dispatcher_opts *o, od_dispatcher **out, od_error *e)
{
    *out = NULL;
    const char *url = o && o->public_url && *o->public_url ? o->public_url : "http://127.0.0.1:8080";
    if (strlen(url) >= OD_DISPATCH_URL_MAX ||
        (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) || strpbrk(url, " \r\n\"<>"))
        return od_error_set(e, OD_E_INVALID, "public-url",
                            "公开地址须为 http(s)://主机[:端口][/路径] (the public URL must be "
                            "http(s)://host[:port][/path])");
    od_dispatcher *d = calloc(1, sizeof *d);
    if (!d)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    d->ctr = calloc(n + 3, sizeof *d->ctr);
    if (!d->ctr) {
        free(d);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    od_err arc = od_net_allow_parse(o ? o->bot_allow : NULL, &d->allow, e);
    if (arc) {
        free(d->ctr);
        free(d);
        return arc;
    }
    d->store = env->store;
    d->clock = env->clock;
    d->policy = env->policy;
    d->chs = chs;
    d->n_chs = n;
    d->rnd = (uint64_t)od_clock_now(NULL) ^ (uint64_t)(uintptr_t)d ^ 0x9E3779B97F4A7C15ULL;
    if (!d->rnd)
        d->rnd = 1;
    snprintf(d->public_url, sizeof d->public_url, "%s", url);
    snprintf(d->node, sizeof d->node, "%s", o && o->node_id && *o->node_id ? o->node_id : "local");
    d->may_claim = o ? o->may_claim : NULL;
    d->may_claim_arg = o ? o->may_claim_arg : NULL;
    d->may_send = o ? o->may_send : NULL;
    for (size_t len = strlen(d->public_url); len && d->public_url[len - 1] == '/';)
        d->public_url[--len] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(d->ctr[i].label, sizeof d->ctr[i].label, "%s", od_channel_name(chs[i]));
    snprintf(d->ctr[n].label, sizeof d->ctr[n].label, "inbox");
    snprintf(d->ctr[n + 1].label, sizeof d->ctr[n + 1].label, "none");
    snprintf(d->ctr[n + 2].label, sizeof d->ctr[n + 2].label, "personal_bot");
    pthread_mutex_init(&d->mu, NULL);
    pthread_mutex_init(&d->run_mu, NULL);
    od_err rc = recover(d, e);
    if (!rc)
        rc = od_worker_start(&d->w, loop, d, "dispatcher", e);
    if (rc) {
        destroy(d);
        return rc;
    }
    *out = d;
    return OD_OK;
}

void od_dispatcher_wake(od_dispatcher *d)
{
    if (d)
        od_worker_wake(&d->w);
}

void od_dispatcher_stop(od_dispatcher *d)
{
    if (!d)
        return;
    od_worker_stop(&d->w);
    destroy(d);
}

/* ---- metrics ----------------------------------------------------------- */

/* A Prometheus label value: \ " and newline escaped. */
static void label(char *out, size_t cap, const char *v)
{
    size_t k = 0;
    for (; *v && k + 3 < cap; v++) {
        if (*v == '\\' || *v == '"' || *v == '\n') {
            out[k++] = '\\';
            out[k++] = *v == '\n' ? 'n' : *v;
        } else
            out[k++] = *v;
    }
    out[k] = '\0';
}

char *od_dispatcher_metrics(od_dispatcher *d)
{
    if (!d)
        return NULL;
    od_sbuf b = {0};
    char l[2 * NAME_MAX_LEN + 1];
    od_sbuf_printf(&b,
                   "# HELP opsdesk_notify_messages_total Notification send outcomes by channel since start.\n"
                   "# TYPE opsdesk_notify_messages_total counter\n");
    pthread_mutex_lock(&d->mu);
    for (size_t i = 0; i < d->n_chs + 3; i++) {
        label(l, sizeof l, d->ctr[i].label);
        for (int s = 0; s < ST__COUNT; s++)
            od_sbuf_printf(&b, "opsdesk_notify_messages_total{channel=\"%s\",status=\"%s\"} %" PRIu64 "\n", l,
                           st_names[s], d->ctr[i].n[s]);
    }
    pthread_mutex_unlock(&d->mu);
    od_error e = {0};
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t now = od_clock_now(d->clock), oldest = 0;
    bool row = false; /* metrics are best effort: a read error ends a list early */
    if (od_tx_begin(d->store, false, &tx, &e) == OD_OK) {
        od_sbuf_printf(&b, "# HELP opsdesk_notify_queued Messages waiting to be sent (pending or sending) by "
                           "outbox channel.\n"
                           "# TYPE opsdesk_notify_queued gauge\n");
        if (od_tx_query(tx, OD_Q_DSP_QUEUED, &r, &e, OD_NOBINDS) == OD_OK)
            while (od_rows_step(r, &row) == OD_OK && row) {
                label(l, sizeof l, od_rows_text(r, 0));
                od_sbuf_printf(&b, "opsdesk_notify_queued{channel=\"%s\"} %" PRId64 "\n", l,
                               od_rows_int(r, 1));
            }
        od_rows_close(r);
        r = NULL;
        if (od_tx_query(tx, OD_Q_DSP_OLDEST, &r, &e, OD_NOBINDS) == OD_OK && od_rows_step(r, &row) == OD_OK &&
            row && !od_rows_null(r, 0))
            oldest = now - od_rows_int(r, 0);
        od_rows_close(r);
        od_tx_rollback(tx);
    }
    od_sbuf_printf(
        &b,
        "# HELP opsdesk_notify_oldest_pending_seconds Age of the oldest message not yet sent (0 when none).\n"
        "# TYPE opsdesk_notify_oldest_pending_seconds gauge\nopsdesk_notify_oldest_pending_seconds %.3f\n",
        oldest > 0 ? (double)oldest / 1000.0 : 0.0);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* ---- opsdesk notify test ------------------------------------------------- */

od_err od_dispatcher_check_bot_url(const od_dispatcher *d, const char *url, od_error *e)
{
    return od_net_check_url(d ? d->allow : NULL, url, e);
}

int od_dispatcher_channel_kind(od_dispatcher *d, const char *name)
{
    if (!d || !name)
        return -1;
    int kind = -1;
    pthread_mutex_lock(&d->mu);
    for (size_t i = 0; kind < 0 && i < d->n_chs; i++)
        if (strcmp(od_channel_name(d->chs[i]), name) == 0)
            kind = (int)od_channel_kind_of(d->chs[i]);
    pthread_mutex_unlock(&d->mu);
    return kind;
}

json_t *od_dispatcher_channels_json(od_dispatcher *d)
{
    json_t *a = json_array();
    if (!d)
        return a;
    pthread_mutex_lock(&d->mu);
    for (size_t i = 0; i < d->n_chs; i++)
        json_array_append_new(a, json_pack("{ss ss}", "name", od_channel_name(d->chs[i]), "kind",
                                           od_channel_kind_name(od_channel_kind_of(d->chs[i]))));
    pthread_mutex_unlock(&d->mu);
    return a;
}

/* ---- reload ---------------------------------------------------------------- */

od_err od_dispatcher_replace_channels(od_dispatcher *d, od_channel **chs, size_t n, od_channel ***old,
                                      size_t *old_n, od_error *e)
{
    counter *ctr = calloc(n + 3, sizeof *ctr);
    if (!ctr)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        snprintf(ctr[i].label, sizeof ctr[i].label, "%s", od_channel_name(chs[i]));
    snprintf(ctr[n].label, sizeof ctr[n].label, "inbox");
    snprintf(ctr[n + 1].label, sizeof ctr[n + 1].label, "none");
    snprintf(ctr[n + 2].label, sizeof ctr[n + 2].label, "personal_bot");
    /* no pass runs while the set changes: a pass resolves channels, sends
     * and counts with the set it started with */
    pthread_mutex_lock(&d->run_mu);
    pthread_mutex_lock(&d->mu);
    /* counts carry over by label: a channel kept by name keeps its totals */
    for (size_t i = 0; i < n + 3; i++)
        for (size_t j = 0; j < d->n_chs + 3; j++)
            if (strcmp(ctr[i].label, d->ctr[j].label) == 0) {
                memcpy(ctr[i].n, d->ctr[j].n, sizeof ctr[i].n);
                break;
            }
    *old = d->chs;
    *old_n = d->n_chs;
    free(d->ctr);
    d->ctr = ctr;
    d->chs = chs;
    d->n_chs = n;
    pthread_mutex_unlock(&d->mu);
    pthread_mutex_unlock(&d->run_mu);
    od_dispatcher_wake(d);
    return OD_OK;
}
