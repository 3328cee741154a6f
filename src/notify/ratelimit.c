/* ratelimit.c — integer token bucket; see ratelimit.h. */
#include "notify/ratelimit.h"

bool od_bucket_init(od_bucket *b, int64_t capacity, int64_t tokens, int64_t per_ms, int64_t now_ms)
{
    if (capacity < 1 || capacity > OD_BUCKET_MAX_CAPACITY || tokens < 1 || tokens > OD_BUCKET_MAX_CAPACITY ||
        per_ms < 1 || per_ms > OD_BUCKET_MAX_PERIOD_MS)
        return false;
    b->capacity = capacity;
    b->refill_tokens = tokens;
    b->refill_ms = per_ms;
    b->level = capacity * per_ms;
    b->last_ms = now_ms;
    return true;
}

int64_t od_bucket_take(od_bucket *b, int64_t now_ms)
{
    int64_t full = b->capacity * b->refill_ms;
    if (now_ms > b->last_ms) {
        int64_t elapsed = now_ms - b->last_ms;
        /* Never add more than what fills the bucket, so no overflow. */
        int64_t to_full = (full - b->level + b->refill_tokens - 1) / b->refill_tokens;
        if (elapsed > to_full)
            elapsed = to_full;
        b->level += elapsed * b->refill_tokens;
        if (b->level > full)
            b->level = full;
        b->last_ms = now_ms;
    }
    if (b->level >= b->refill_ms) {
        b->level -= b->refill_ms;
        return 0;
    }
    int64_t missing = b->refill_ms - b->level;
    return (missing + b->refill_tokens - 1) / b->refill_tokens;
}
