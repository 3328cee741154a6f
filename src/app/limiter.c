/* limiter.c — one bounded hash table of od_lockout states per purpose.
 *
 * Open addressing with linear probing over 2 × capacity slots, keyed by
 * SipHash (libsodium crypto_shorthash) under a random key, so nobody can
 * aim keys at one chain.  A slot keeps its key until it is reused, so
 * chains stay intact; a slot is reusable once its state is idle
 * (od_lockout_idle_at), never before.  When `capacity` slots hold keys, a
 * rebuild drops the idle ones; if every held key is still live, a new key
 * is refused until the first of them goes idle (next_idle).  Each table has
 * its own mutex. */
#include "app/limiter.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 128

typedef struct slot {
    char key[KEY_MAX]; /* "" = empty since the last rebuild (ends a probe chain) */
    od_lockout st;
    int64_t idle_at; /* the state may be forgotten from this instant on */
} slot;

typedef struct table {
    pthread_mutex_t mu;
    slot *slots;
    slot *scratch; /* capacity entries, for rebuilds */
    size_t nslots, cap, used;
    int64_t next_idle; /* when full: the first instant a held key goes idle */
    unsigned char hkey[crypto_shorthash_KEYBYTES];
} table;

struct od_limiter {
    table t[OD_LIMIT__COUNT];
};

static bool table_init(table *t, size_t cap)
{
    size_t n = 8;
    while (n < 2 * cap)
        n *= 2;
    t->slots = calloc(n, sizeof *t->slots);
    t->scratch = calloc(cap, sizeof *t->scratch);
    t->nslots = n;
    t->cap = cap;
    randombytes_buf(t->hkey, sizeof t->hkey);
    pthread_mutex_init(&t->mu, NULL);
    return t->slots && t->scratch;
}

od_limiter *od_limiter_new_sized(size_t capacity)
{
    if (capacity == 0 || sodium_init() < 0)
        return NULL;
    od_limiter *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    bool ok = true;
    for (int k = 0; k < OD_LIMIT__COUNT; k++)
        ok = table_init(&l->t[k], capacity) && ok;
    if (!ok) {
        od_limiter_free(l);
        return NULL;
    }
    return l;
}

od_limiter *od_limiter_new(void)
{
    return od_limiter_new_sized(OD_LIMITER_CAPACITY);
}

void od_limiter_free(od_limiter *l)
{
    if (!l)
        return;
    for (int k = 0; k < OD_LIMIT__COUNT; k++) {
        if (l->t[k].nslots)
            pthread_mutex_destroy(&l->t[k].mu);
        free(l->t[k].slots);
        free(l->t[k].scratch);
    }
    free(l);
}

static size_t home(const table *t, const char *key)
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)key, strlen(key), t->hkey);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return (size_t)(v & (t->nslots - 1));
}

/* The slot holding key, or NULL; *reuse = the first idle slot on the way,
 * *empty = the empty slot that ends the chain. */
static slot *lookup(table *t, const char *key, int64_t now, slot **reuse, slot **empty)
{
    size_t i = home(t, key);
    if (reuse)
        *reuse = NULL;
    if (empty)
        *empty = NULL;
    for (size_t n = 0; n < t->nslots; n++, i = (i + 1) & (t->nslots - 1)) {
        slot *s = &t->slots[i];
        if (!s->key[0]) {
            if (empty)
                *empty = s;
            return NULL;
        }
        if (strcmp(s->key, key) == 0)
            return s;
        if (reuse && !*reuse && now >= s->idle_at)
            *reuse = s;
    }
    return NULL;
}

/* Drops every idle key and re-places the live ones. */
static void rebuild(table *t, int64_t now)
{
    size_t live = 0;
    t->next_idle = INT64_MAX;
    for (size_t i = 0; i < t->nslots; i++) {
        slot *s = &t->slots[i];
        if (s->key[0] && now < s->idle_at && live < t->cap) {
            t->scratch[live++] = *s;
            if (s->idle_at < t->next_idle)
                t->next_idle = s->idle_at;
        }
    }
    memset(t->slots, 0, t->nslots * sizeof *t->slots);
    t->used = 0;
    for (size_t j = 0; j < live; j++) {
        slot *empty = NULL;
        (void)lookup(t, t->scratch[j].key, now, NULL, &empty);
        *empty = t->scratch[j];
        t->used++;
    }
    sodium_memzero(t->scratch, live * sizeof *t->scratch);
}

/* True when no new key fits: every held key is live. */
static bool full(table *t, int64_t now)
{
    if (t->used < t->cap)
        return false;
    if (now >= t->next_idle)
        rebuild(t, now);
    return t->used >= t->cap;
}

/* The slot of key, a new one (fresh state) if absent, NULL when full. */
static slot *insert(table *t, const char *key, int64_t now)
{
    slot *reuse, *empty;
    slot *s = lookup(t, key, now, &reuse, &empty);
    if (s)
        return s;
    if (!reuse) {
        if (t->used >= t->cap) {
            if (full(t, now))
                return NULL;
            (void)lookup(t, key, now, &reuse, &empty); /* rebuilt: find the chain's end again */
        }
        if (!reuse && !empty)
            return NULL;
    }
    if (reuse) {
        s = reuse;
    } else {
        s = empty;
        t->used++;
    }
    memset(s, 0, sizeof *s);
    snprintf(s->key, sizeof s->key, "%s", key);
    return s;
}

/* The table key: an address kind is bucketed per network. */
static void table_key(od_limit_kind k, const char *key, char out[KEY_MAX])
{
    if (k == OD_LIMIT_LOGIN_ADDR || k == OD_LIMIT_ACK_ADDR)
        od_lockout_addr_bucket(key, out, KEY_MAX);
    else
        snprintf(out, KEY_MAX, "%s", key ? key : "");
}

int64_t od_limiter_check(od_limiter *l, od_limit_kind k, const char *key, int64_t now)
{
    if ((unsigned)k >= OD_LIMIT__COUNT)
        return 0;
    char tk[KEY_MAX];
    table_key(k, key, tk);
    table *t = &l->t[k];
    pthread_mutex_lock(&t->mu);
    slot *reuse;
    slot *s = lookup(t, tk, now, &reuse, NULL);
    int64_t wait = 0;
    if (s)
        wait = od_lockout_wait(&s->st, now);
    else if (!reuse && full(t, now))
        wait = t->next_idle > now ? t->next_idle - now : 1;
    pthread_mutex_unlock(&t->mu);
    return wait;
}

bool od_limiter_record(od_limiter *l, od_limit_kind k, const od_login_policy *lp, int allowance,
                       const char *key, int64_t now)
{
    if ((unsigned)k >= OD_LIMIT__COUNT)
        return false;
    char tk[KEY_MAX];
    table_key(k, key, tk);
    table *t = &l->t[k];
    bool locked = false;
    pthread_mutex_lock(&t->mu);
    slot *s = insert(t, tk, now);
    if (s) {
        locked = od_lockout_fail(&s->st, allowance, lp, now);
        s->idle_at = od_lockout_idle_at(&s->st, lp);
        if (t->used >= t->cap && s->idle_at < t->next_idle)
            t->next_idle = s->idle_at;
    }
    pthread_mutex_unlock(&t->mu);
    return locked;
}

void od_limiter_forget(od_limiter *l, od_limit_kind k, const char *key)
{
    if ((unsigned)k >= OD_LIMIT__COUNT)
        return;
    char tk[KEY_MAX];
    table_key(k, key, tk);
    table *t = &l->t[k];
    pthread_mutex_lock(&t->mu);
    slot *s = lookup(t, tk, INT64_MIN, NULL, NULL);
    if (s && s->st.locked_until == 0) {
        memset(&s->st, 0, sizeof s->st);
        s->idle_at = 0;
    } else if (s) {
        s->st.failures = 0; /* a past lockout's record stays until it is idle */
    }
    t->next_idle = 0; /* room may have come free: the next full table rebuilds */
    pthread_mutex_unlock(&t->mu);
}

bool od_limiter_lift(od_limiter *l, od_limit_kind k, const char *key, int64_t unlocked_at, int64_t now)
{
    if ((unsigned)k >= OD_LIMIT__COUNT)
        return false;
    char tk[KEY_MAX];
    table_key(k, key, tk);
    table *t = &l->t[k];
    bool lifted = false;
    pthread_mutex_lock(&t->mu);
    slot *s = lookup(t, tk, now, NULL, NULL);
    if (s && od_lockout_lifted(&s->st, unlocked_at, now)) {
        memset(&s->st, 0, sizeof s->st);
        s->idle_at = 0;
        lifted = true;
        t->next_idle = 0;
    }
    pthread_mutex_unlock(&t->mu);
    return lifted;
}

/* ---- the string-keyed form ---- */

static od_limit_kind kind_of(const char *key, const char **rest)
{
    static const struct {
        const char *prefix;
        od_limit_kind k;
    } map[] = {{"u:", OD_LIMIT_LOGIN_ACCOUNT}, {"a:", OD_LIMIT_LOGIN_ADDR}, {"ack:", OD_LIMIT_ACK_ADDR}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncmp(key, map[i].prefix, strlen(map[i].prefix)) == 0) {
            *rest = key + strlen(map[i].prefix);
            return map[i].k;
        }
    *rest = key;
    return OD_LIMIT_LOGIN_ACCOUNT;
}

int64_t od_limiter_wait(od_limiter *l, const od_login_policy *lp, const char *key, int64_t now)
{
    (void)lp;
    const char *rest;
    od_limit_kind k = kind_of(key, &rest);
    return od_limiter_check(l, k, rest, now);
}

bool od_limiter_fail(od_limiter *l, const od_login_policy *lp, const char *key, int64_t now)
{
    const char *rest;
    od_limit_kind k = kind_of(key, &rest);
    return od_limiter_record(l, k, lp, lp->max_failures, rest, now);
}

void od_limiter_reset(od_limiter *l, const char *key)
{
    const char *rest;
    od_limit_kind k = kind_of(key, &rest);
    od_limiter_forget(l, k, rest);
}
