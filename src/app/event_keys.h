/* event_keys.h — the ingestion writer's de-duplication table, for
 * speed: the 32-bit tag of every stored event's 64-bit key hash (src/app/
 * events.c key_hash) → its id, in memory, in place of an index on
 * events(key_hash).  A distinct event then costs no look-up and no random
 * index write; a repeat is found by id.  Loaded from the events table when
 * ingestion starts; kept exact by the writer (an insert is added, an insert
 * rolled back is removed).  Several ids may share a tag (events with one
 * hash, or two hashes with one tag: a look-up meets another event's tag
 * with a chance of n / 2^32 among n events, 1 in 430 at ten million — one
 * more row read): the caller compares the rows.  Ids up to
 * OD_EVENT_KEYS_ID_MAX.
 * Not thread-safe: the single ingestion writer uses it under the store's
 * write lock. */
#ifndef OD_APP_EVENT_KEYS_H
#define OD_APP_EVENT_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct od_event_keys od_event_keys;

/* The largest event id the table holds (4 294 967 295 events stored). */
#define OD_EVENT_KEYS_ID_MAX UINT32_MAX

od_event_keys *od_event_keys_new(void); /* NULL on OOM */
void od_event_keys_free(od_event_keys *k);
/* 0 < id <= OD_EVENT_KEYS_ID_MAX.  false on OOM or an id out of that
 * range (nothing changed). */
bool od_event_keys_add(od_event_keys *k, uint64_t hash, int64_t id);
/* Removes that (hash, id) pair if present. */
void od_event_keys_remove(od_event_keys *k, uint64_t hash, int64_t id);
/* The ids stored under hash's tag, at most max of them into ids; returns
 * how many there are in all. */
size_t od_event_keys_find(const od_event_keys *k, uint64_t hash, int64_t *ids, size_t max);
size_t od_event_keys_count(const od_event_keys *k);
/* The tag the table keeps of a key hash (every bit of the hash counts). */
uint32_t od_event_keys_tag(uint64_t hash);

#endif
