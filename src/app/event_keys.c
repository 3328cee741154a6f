/* event_keys.c — open addressing with linear probing over 8-byte slots:
 * the key hash's 32-bit tag (od_event_keys_tag) and the event id (0 =
 * free), at most 3/4 full, deletion by backward shift (no tombstones, so
 * probes stay short however many events come and go).  A slot's home is
 * its tag's low bits, so growing and shifting need nothing else.  8–16
 * bytes per event: 128 MiB at ten million (16-byte slots holding the whole
 * hash took 256 MiB there, most of the server's memory at that scale). */
#include "app/event_keys.h"

#include <stdlib.h>

typedef struct slot {
    uint32_t tag;
    uint32_t id; /* 0: free */
} slot;

struct od_event_keys {
    slot *v;
    size_t cap, n; /* cap: a power of two */
};

#define KEYS_MIN_CAP 1024

uint32_t od_event_keys_tag(uint64_t h)
{
    /* MurmurHash3's 64-bit finalizer: every bit of h moves the tag */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t)(h >> 32);
}

static size_t home(const od_event_keys *k, uint32_t tag)
{
    return (size_t)tag & (k->cap - 1);
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

static void put(od_event_keys *k, slot s)
{
    size_t i = home(k, s.tag);
    while (k->v[i].id)
        i = (i + 1) & (k->cap - 1);
    k->v[i] = s;
    k->n++;
}

bool od_event_keys_add(od_event_keys *k, uint64_t hash, int64_t id)
{
    if (id <= 0 || id > (int64_t)OD_EVENT_KEYS_ID_MAX)
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
                put(k, old[i]);
        free(old);
    }
    put(k, (slot){od_event_keys_tag(hash), (uint32_t)id});
    return true;
}

void od_event_keys_remove(od_event_keys *k, uint64_t hash, int64_t id)
{
    if (id <= 0 || id > (int64_t)OD_EVENT_KEYS_ID_MAX)
        return;
    uint32_t tag = od_event_keys_tag(hash);
    size_t mask = k->cap - 1, i = home(k, tag);
    while (k->v[i].id && !(k->v[i].tag == tag && k->v[i].id == (uint32_t)id))
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
            size_t h = home(k, k->v[j].tag);
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
    uint32_t tag = od_event_keys_tag(hash);
    size_t n = 0;
    for (size_t i = home(k, tag); k->v[i].id; i = (i + 1) & (k->cap - 1)) {
        if (k->v[i].tag == tag) {
            if (n < max)
                ids[n] = (int64_t)k->v[i].id;
            n++;
        }
    }
    return n;
}

size_t od_event_keys_count(const od_event_keys *k)
{
    return k->n;
}
