/* event_keys.c — open addressing with linear probing over 16-byte slots
 * (id 0 = free), at most 3/4 full, deletion by backward shift (no
 * tombstones, so probes stay short however many events come and go).
 * About 16–32 bytes per event: 32 MiB at a million. */
#include "app/event_keys.h"

#include <stdlib.h>

typedef struct slot {
    uint64_t hash;
    int64_t id; /* 0: free */
} slot;

struct od_event_keys {
    slot *v;
    size_t cap, n; /* cap: a power of two */
};

#define KEYS_MIN_CAP 1024

/* The hash is FNV-1a already; fold its high bits in so that the low bits
 * used for the slot see all of it. */
static size_t home(const od_event_keys *k, uint64_t h)
{
    return (size_t)(h ^ (h >> 29) ^ (h >> 47)) & (k->cap - 1);
}

od_event_keys *od_event_keys_new(void)
{
    od_event_keys *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->v = calloc(KEYS_MIN_CAP, sizeof *k->v);
    if (!k->v) {
        free(k);
        return NULL;
    }
    k->cap = KEYS_MIN_CAP;
    return k;
}

void od_event_keys_free(od_event_keys *k)
{
    if (!k)
        return;
    free(k->v);
    free(k);
}

static void put(od_event_keys *k, uint64_t hash, int64_t id)
{
    size_t i = home(k, hash);
    while (k->v[i].id)
        i = (i + 1) & (k->cap - 1);
    k->v[i] = (slot){hash, id};
    k->n++;
}

bool od_event_keys_add(od_event_keys *k, uint64_t hash, int64_t id)
{
    if (id <= 0)
        return false;
    if ((k->n + 1) * 4 > k->cap * 3) {
        slot *old = k->v;
        size_t ocap = k->cap;
        slot *nv = calloc(ocap * 2, sizeof *nv);
        if (!nv)
            return false;
        k->v = nv;
        k->cap = ocap * 2;
        k->n = 0;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].id)
                put(k, old[i].hash, old[i].id);
        free(old);
    }
    put(k, hash, id);
    return true;
}

void od_event_keys_remove(od_event_keys *k, uint64_t hash, int64_t id)
{
    size_t mask = k->cap - 1, i = home(k, hash);
    while (k->v[i].id && !(k->v[i].hash == hash && k->v[i].id == id))
        i = (i + 1) & mask;
    if (!k->v[i].id)
        return;
    /* backward shift: move up every later slot of the run that may live at i */
    size_t j = i;
    for (;;) {
        k->v[i].id = 0;
        for (;;) {
            j = (j + 1) & mask;
            if (!k->v[j].id) {
                k->n--;
                return;
            }
            size_t h = home(k, k->v[j].hash);
            /* j's entry may move to i when its home is not in (i, j] */
            if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
                break;
        }
        k->v[i] = k->v[j];
        i = j;
    }
}

size_t od_event_keys_find(const od_event_keys *k, uint64_t hash, int64_t *ids, size_t max)
{
    size_t n = 0;
    for (size_t i = home(k, hash); k->v[i].id; i = (i + 1) & (k->cap - 1)) {
        if (k->v[i].hash == hash) {
            if (n < max)
                ids[n] = k->v[i].id;
            n++;
        }
    }
    return n;
}

size_t od_event_keys_count(const od_event_keys *k)
{
    return k->n;
}
