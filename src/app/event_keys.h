/* event_keys.h — the ingestion writer's de-duplication table, for
 * speed: the 64-bit key hash of every stored event (src/app/events.c
 * key_hash) → its id, in memory, in place of an index on events(key_hash).
 * A distinct event then costs no look-up and no random index write; a
 * repeat is found by id.  Loaded from the events table when ingestion
 * starts; kept exact by the writer (an insert is added, an insert rolled
 * back is removed).  Several ids may share a hash: the caller compares the
 * rows.  Not thread-safe: the single ingestion writer uses it under the
 * store's write lock. */
#ifndef OD_APP_EVENT_KEYS_H
#define OD_APP_EVENT_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct od_event_keys od_event_keys;

od_event_keys *od_event_keys_new(void); /* NULL on OOM */
void od_event_keys_free(od_event_keys *k);
/* id > 0.  false on OOM (nothing changed). */
bool od_event_keys_add(od_event_keys *k, uint64_t hash, int64_t id);
/* Removes that (hash, id) pair if present. */
void od_event_keys_remove(od_event_keys *k, uint64_t hash, int64_t id);
/* The ids stored under hash, at most max of them into ids; returns how many
 * there are in all. */
size_t od_event_keys_find(const od_event_keys *k, uint64_t hash, int64_t *ids, size_t max);
size_t od_event_keys_count(const od_event_keys *k);

#endif
