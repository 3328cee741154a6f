/* cluster.h — the rules of a node among several on one database
 * (docs/deploy/cluster.md): when a node is ready, when it may claim
 * deadlines and messages, when another node counts as dead, and whether a
 * claimed message may still be sent.  Pure: the caller measures the clock
 * offset, the time since the last heartbeat and the lease; app/cluster.c
 * holds the state.  Thread-safe (no state). */
#ifndef OD_CLUSTER_H
#define OD_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A node upserts its heartbeat row this often. */
#define OD_NODE_HEARTBEAT_MS 2000
/* A node whose heartbeat (by the database clock) is older than this is dead. */
#define OD_NODE_DEAD_MS 10000
/* A node that could not renew its heartbeat for this long (its own
 * monotonic clock) has lost its lease: it stops claiming and starting sends
 * before the others can count it dead. */
#define OD_NODE_SELF_FENCE_MS 6000
/* The claims of a node dead this long go back to the queue: it stopped
 * starting sends at OD_NODE_SELF_FENCE_MS at the latest, and a send it had
 * started ends within the send time-out (at most OD_CLAIM_SEND_MAX_MS). */
#define OD_NODE_REQUEUE_AFTER_MS 30000
/* A node's clock may be this far off the database's (either way) and still
 * claim; more, and it is not ready. */
#define OD_CLOCK_OFFSET_MAX_MS 1000
/* An outbox claim's lease, by the database clock. */
#define OD_CLAIM_LEASE_MS 60000
/* A send is started only while this much lease is left beyond its time-out. */
#define OD_CLAIM_SEND_MARGIN_MS 5000
/* Send time-outs longer than this are cut to it, so the lease stays well above. */
#define OD_CLAIM_SEND_MAX_MS 20000

/* What a node knows of itself. */
typedef struct od_node_view {
    bool beat_ok;          /* the last heartbeat reached the store */
    bool ever_beat;        /* a heartbeat has succeeded since start */
    int64_t offset_ms;     /* node clock − database clock at the last heartbeat */
    int64_t since_beat_ms; /* monotonic ms since the last successful heartbeat */
    bool policy_differs;   /* the cluster runs another policy file (od_node_config_differs) */
    bool channels_differs; /* the cluster runs another channels file (od_node_config_differs) */
} od_node_view;

/* Why a node is not ready (bits; 0 = ready). */
enum {
    OD_NODE_STORE_DOWN = 1u,       /* the last heartbeat failed, or none succeeded yet */
    OD_NODE_SKEWED = 2u,           /* |offset| > OD_CLOCK_OFFSET_MAX_MS */
    OD_NODE_LEASE_LOST = 4u,       /* no heartbeat for OD_NODE_SELF_FENCE_MS or more */
    OD_NODE_POLICY_DIFFERS = 8u,   /* its policy file's hash is not the cluster's */
    OD_NODE_CHANNELS_DIFFER = 16u, /* its channels file's hash is not the cluster's */
};

/* |offset| <= OD_CLOCK_OFFSET_MAX_MS. */
bool od_node_offset_ok(int64_t offset_ms);
/* The reasons the node is not ready (OD_NODE_* bits), 0 when ready. */
unsigned od_node_unready(const od_node_view *v);
/* A node claims deadlines and messages only when ready. */
bool od_node_may_claim(const od_node_view *v);
/* Whether a node whose heartbeat is heartbeat_at is dead at db_now. */
bool od_node_dead(int64_t heartbeat_at, int64_t db_now);
/* The offset of the node's clock from the database's, from the node clock
 * read before and after the database answered db_now (the midpoint). */
int64_t od_node_offset(int64_t before, int64_t db_now, int64_t after);
/* Whether a worker may start a send of timeout_ms on a claim made
 * elapsed_ms ago (monotonic) with a lease of lease_ms: the remaining lease
 * must be at least the time-out plus OD_CLAIM_SEND_MARGIN_MS. */
bool od_claim_may_send(int64_t lease_ms, int64_t elapsed_ms, int64_t timeout_ms);
/* Since when (monotonic ms) the node has held its lease without a break, after
 * a successful heartbeat at now: the previous value, unless this is the first
 * heartbeat (ever_beat false) or the one before it (last_beat) is more than
 * OD_NODE_SELF_FENCE_MS ago — then the lease was lost in between (a partition,
 * a pause) and is held again from now. */
int64_t od_node_held_since(bool ever_beat, int64_t held_since, int64_t last_beat, int64_t now);
/* Another live node as a configuration vote: the hash of its file (policy
 * or channels), when it started (database clock) and its id. */
typedef struct od_node_peer {
    const char *sha;
    int64_t started_at;
    const char *node_id;
} od_node_peer;
/* Whether the node `own` (its file's hash, start time and id) runs another
 * file than the cluster's, given the other live nodes (peers, n of them).
 * The cluster's file is the hash held by the most live nodes (this one
 * counted); among hashes held by equally many, the one of the node that
 * started first (then the smallest node id): a node that joins with a file
 * of its own is the odd one even among two, and the nodes already serving
 * stay ready.  Exact ties of time and id cannot happen (ids are unique). */
bool od_node_config_differs(const od_node_peer *own, const od_node_peer *peers, size_t n);
/* The cluster's hash by that rule (own's or one of the peers'). */
const char *od_node_config_cluster(const od_node_peer *own, const od_node_peer *peers, size_t n);

/* A claim taken at claim_mono is still this node's to act on only if the
 * node has held its lease without a break since before it (held_since <=
 * claim_mono): a node that lost its lease meanwhile may have been counted
 * dead, its claims sent by another node. */
bool od_claim_still_held(int64_t held_since, int64_t claim_mono);

#endif
