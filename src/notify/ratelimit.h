/* ratelimit.h — a token bucket per destination (one bot, one SMS gateway).
 * The dispatcher asks before each send; a full bucket means "wait this long",
 * never "drop".  Integer arithmetic only: one token is refill_ms units and
 * each millisecond adds refill_tokens units, so "20 per 60000 ms" is exact.
 * Pure: the caller passes now_ms and owns the locking (the bucket is a plain
 * struct; od_channel_throttle() wraps one in a mutex). */
#ifndef OD_NOTIFY_RATELIMIT_H
#define OD_NOTIFY_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct od_bucket {
    int64_t capacity;      /* tokens held when full (burst) */
    int64_t refill_tokens; /* tokens added every refill_ms */
    int64_t refill_ms;
    int64_t level;   /* private: current fill in units (token = refill_ms units) */
    int64_t last_ms; /* private: time of the last refill */
} od_bucket;

/* Vendor defaults (anchors §5.1–5.4): DingTalk and WeCom robots 20/min,
 * Feishu bots 5/s (their 100/min cap is looser than 5/s bursts only). */
#define OD_BUCKET_DINGTALK_CAPACITY 20
#define OD_BUCKET_DINGTALK_PER_MS 60000
#define OD_BUCKET_WECOM_CAPACITY 20
#define OD_BUCKET_WECOM_PER_MS 60000
#define OD_BUCKET_FEISHU_CAPACITY 5
#define OD_BUCKET_FEISHU_PER_MS 1000

#define OD_BUCKET_MAX_CAPACITY 1000000
#define OD_BUCKET_MAX_PERIOD_MS (7LL * 24 * 3600 * 1000)

/* Starts full: capacity tokens, refilling `tokens` per `per_ms`.  Returns
 * false (and leaves *b unusable) unless 1 <= capacity, tokens <=
 * OD_BUCKET_MAX_CAPACITY and 1 <= per_ms <= OD_BUCKET_MAX_PERIOD_MS. */
bool od_bucket_init(od_bucket *b, int64_t capacity, int64_t tokens, int64_t per_ms, int64_t now_ms);

/* Takes one token: returns 0 when taken, otherwise the milliseconds until one
 * will be available (nothing taken; ask again then).  A clock that goes
 * backwards refills nothing. */
int64_t od_bucket_take(od_bucket *b, int64_t now_ms);

#endif
