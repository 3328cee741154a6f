/* limiter.c — a small open table of keys with failure counts in a window.
 * Bounded: at most SLOTS keys; the stalest entry is reused when full. */
#include "app/limiter.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096
#define KEY_MAX 160

typedef struct slot {
    char key[KEY_MAX];
    int failures;
    int64_t window_start;
    int64_t locked_until;
    int64_t last;
} slot;

struct od_limiter {
    pthread_mutex_t mu;
    slot slots[SLOTS];
};

od_limiter *od_limiter_new(void)
{
    od_limiter *l = calloc(1, sizeof *l);
    if (l)
        pthread_mutex_init(&l->mu, NULL);
    return l;
}

void od_limiter_free(od_limiter *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->mu);
    free(l);
}

static slot *find(od_limiter *l, const char *key, bool create)
{
    slot *free_slot = NULL, *oldest = &l->slots[0];
    for (int i = 0; i < SLOTS; i++) {
        slot *s = &l->slots[i];
        if (s->key[0] == 0) {
            if (!free_slot)
                free_slot = s;
            continue;
        }
        if (strncmp(s->key, key, KEY_MAX - 1) == 0)
            return s;
        if (s->last < oldest->last)
            oldest = s;
    }
    if (!create)
        return NULL;
    slot *s = free_slot ? free_slot : oldest;
    memset(s, 0, sizeof *s);
    snprintf(s->key, sizeof s->key, "%s", key);
    return s;
}

int64_t od_limiter_wait(od_limiter *l, const od_login_policy *lp, const char *key, int64_t now)
{
    (void)lp;
    pthread_mutex_lock(&l->mu);
    slot *s = find(l, key, false);
    int64_t wait = (s && s->locked_until > now) ? s->locked_until - now : 0;
    pthread_mutex_unlock(&l->mu);
    return wait;
}

bool od_limiter_fail(od_limiter *l, const od_login_policy *lp, const char *key, int64_t now)
{
    bool locked = false;
    pthread_mutex_lock(&l->mu);
    slot *s = find(l, key, true);
    if (now - s->window_start > lp->window_ms) {
        s->window_start = now;
        s->failures = 0;
    }
    s->failures++;
    s->last = now;
    if (s->failures >= lp->max_failures) {
        s->locked_until = now + lp->lockout_ms;
        s->failures = 0;
        s->window_start = now;
        locked = true;
    }
    pthread_mutex_unlock(&l->mu);
    return locked;
}

void od_limiter_reset(od_limiter *l, const char *key)
{
    pthread_mutex_lock(&l->mu);
    slot *s = find(l, key, false);
    if (s && s->locked_until == 0)
        memset(s, 0, sizeof *s);
    else if (s)
        s->failures = 0;
    pthread_mutex_unlock(&l->mu);
}
