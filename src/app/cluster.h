/* cluster.h — this node among several on one database (docs/deploy/
 * cluster.md): its identity, its heartbeat row, its clock offset against
 * the database clock, readiness (/readyz) and whether it may claim
 * deadlines and messages (core/cluster.h decides).  On SQLite there is one
 * node and the database clock is the node's clock. */
#ifndef OD_APP_CLUSTER_H
#define OD_APP_CLUSTER_H

#include "app/app.h"
#include "core/cluster.h"

#define OD_NODE_ID_MAX 128

/* Creates the node state (node_id: --node-id, or host:port) and writes its
 * first heartbeat; the app owns it afterwards.  policy_sha, channels_sha:
 * the SHA-256 (hex) of the policy and of the channels file in force ("" or
 * NULL without one), stored in the node's row and compared with the other
 * live nodes' at each heartbeat. */
OD_NODISCARD od_err od_app_node_start(od_app *a, const char *node_id, const char *policy_sha,
                                      const char *channels_sha, od_error *e);
/* Removes this node's heartbeat row (a node that refuses to start). */
void od_app_node_forget(od_app *a);
/* One heartbeat: upserts the node's row stamped with the database clock and
 * measures the offset.  Called every OD_NODE_HEARTBEAT_MS (sched/node.c). */
void od_app_node_beat(od_app *a);
/* This node's id ("" when not serving). */
const char *od_app_node_id(const od_app *a);
/* Whether the store may be shared by several nodes (PostgreSQL). */
bool od_app_multi_node(const od_app *a);
/* Whether this node may claim deadlines and messages now: always on a
 * single-node store; on a shared one only while ready (core/cluster.h). */
bool od_app_may_claim(od_app *a);
/* Whether a claim taken at claim_mono (monotonic ms) may still be acted on
 * (a send started): the node may claim and has held its lease without a
 * break since before the claim (core/cluster.h od_claim_still_held). */
bool od_app_may_send(od_app *a, int64_t claim_mono);
/* A reloaded policy's hash: reported from the next heartbeat on. */
void od_app_node_set_policy(od_app *a, const char *sha_hex);
/* A reloaded channels file's hash: compared from the next heartbeat on. */
void od_app_node_set_channels(od_app *a, const char *sha_hex);

typedef struct od_app_readiness {
    bool ready;
    unsigned why;      /* OD_NODE_* bits */
    int64_t offset_ms; /* node clock − database clock at the last heartbeat */
    char node_id[OD_NODE_ID_MAX];
    char reason[600]; /* the reasons, each "中文 (English)", "; " between */
} od_app_readiness;
void od_app_ready(od_app *a, od_app_readiness *out);
/* Prometheus lines of this node (offset, readiness, heartbeat age); a new
 * string the caller frees, NULL when not serving or out of memory. */
char *od_app_node_metrics(od_app *a);
/* Frees the node state (od_app_free calls it). */
void od_app_node_free(od_app *a);

#endif
