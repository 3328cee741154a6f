/* cluster.c — the node rules of cluster.h. */
#include "core/cluster.h"

#include <string.h>

bool od_node_offset_ok(int64_t offset_ms)
{
    return offset_ms >= -OD_CLOCK_OFFSET_MAX_MS && offset_ms <= OD_CLOCK_OFFSET_MAX_MS;
}

unsigned od_node_unready(const od_node_view *v)
{
    unsigned why = 0;
    if (!v->beat_ok || !v->ever_beat)
        why |= OD_NODE_STORE_DOWN;
    if (v->ever_beat && !od_node_offset_ok(v->offset_ms))
        why |= OD_NODE_SKEWED;
    if (v->ever_beat && v->since_beat_ms >= OD_NODE_SELF_FENCE_MS)
        why |= OD_NODE_LEASE_LOST;
    if (v->ever_beat && v->policy_differs)
        why |= OD_NODE_POLICY_DIFFERS;
    return why;
}

bool od_node_may_claim(const od_node_view *v)
{
    return od_node_unready(v) == 0;
}

bool od_node_dead(int64_t heartbeat_at, int64_t db_now)
{
    return db_now - heartbeat_at > OD_NODE_DEAD_MS;
}

int64_t od_node_offset(int64_t before, int64_t db_now, int64_t after)
{
    return before + (after - before) / 2 - db_now;
}

bool od_claim_may_send(int64_t lease_ms, int64_t elapsed_ms, int64_t timeout_ms)
{
    if (elapsed_ms < 0) /* the monotonic clock does not go back: be safe */
        return false;
    return lease_ms - elapsed_ms >= timeout_ms + OD_CLAIM_SEND_MARGIN_MS;
}

int64_t od_node_held_since(bool ever_beat, int64_t held_since, int64_t last_beat, int64_t now)
{
    if (!ever_beat || now - last_beat > OD_NODE_SELF_FENCE_MS)
        return now;
    return held_since;
}

bool od_claim_still_held(int64_t held_since, int64_t claim_mono)
{
    return held_since <= claim_mono;
}

bool od_node_policy_differs(const char *own, const char *const *peers, size_t n)
{
    size_t mine = 1;
    for (size_t i = 0; i < n; i++)
        mine += strcmp(peers[i], own) == 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(peers[i], own) == 0)
            continue;
        size_t theirs = 0;
        for (size_t k = 0; k < n; k++)
            theirs += strcmp(peers[k], peers[i]) == 0;
        if (theirs > mine)
            return true;
    }
    return false;
}
