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
    if (v->ever_beat && v->channels_differs)
        why |= OD_NODE_CHANNELS_DIFFER;
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

/* Whether node a comes before node b: started first, then the smaller id. */
static bool earlier(const od_node_peer *a, const od_node_peer *b)
{
    if (a->started_at != b->started_at)
        return a->started_at < b->started_at;
    return strcmp(a->node_id, b->node_id) < 0;
}

/* How many of own and peers hold hash sha. */
static size_t holders(const char *sha, const od_node_peer *own, const od_node_peer *peers, size_t n)
{
    size_t c = strcmp(own->sha, sha) == 0;
    for (size_t i = 0; i < n; i++)
        c += strcmp(peers[i].sha, sha) == 0;
    return c;
}

const char *od_node_config_cluster(const od_node_peer *own, const od_node_peer *peers, size_t n)
{
    /* most holders, then the earliest holder */
    const od_node_peer *best = own;
    size_t best_n = holders(own->sha, own, peers, n);
    for (size_t i = 0; i < n; i++) {
        size_t c = holders(peers[i].sha, own, peers, n);
        if (c > best_n || (c == best_n && earlier(&peers[i], best))) {
            best = &peers[i];
            best_n = c;
        }
    }
    return best->sha;
}

bool od_node_config_differs(const od_node_peer *own, const od_node_peer *peers, size_t n)
{
    return strcmp(od_node_config_cluster(own, peers, n), own->sha) != 0;
}
