/* cluster.c — this node's identity, heartbeat, clock offset and readiness
 * (cluster.h).  The state is small and behind one mutex; the heartbeat is
 * one short write transaction every OD_NODE_HEARTBEAT_MS. */
#include "app/cluster.h"
#include "app/leases.h"
#include "util/log.h"
#include "util/sbuf.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The version a node reports in its row (schema version comes from the store). */
#define NODE_VERSION "opsdesk"

typedef struct od_node od_node;
struct od_node {
    char id[OD_NODE_ID_MAX];
    char boot_id[33];
    char policy_sha[65];
    int64_t started_at;
    bool multi;
    pthread_mutex_t mu;
    od_node_view v;         /* since_beat_ms computed when read */
    int64_t last_beat_mono; /* monotonic ms of the last successful heartbeat */
    int64_t last_beat_db;   /* its database time */
    int64_t held_since;     /* monotonic ms since the lease has been held without a break */
    char error[200];        /* why the last heartbeat failed */
    char peer_sha[65];      /* when the policy differs: the cluster's hash */
    char channels_sha[65];  /* the channels file in force (hex; "" without one) */
    char peer_ch[65];       /* when the channels file differs: the cluster's hash */
};

/* The policy and channels hashes of the other live nodes (PostgreSQL:
 * several nodes): whether this node's files are the cluster's (core/
 * cluster.h od_node_config_differs), and when not, the cluster's hashes. */
#define PEERS_MAX 64
typedef struct peer_cfg {
    bool policy_differs, channels_differs;
    char policy[65], channels[65]; /* the cluster's, when differing */
} peer_cfg;

static od_err peer_configs(od_tx *tx, const od_node *n, const char *policy, const char *channels,
                           int64_t db_now, peer_cfg *out, od_error *e)
{
    char ids[PEERS_MAX][OD_NODE_ID_MAX], pol[PEERS_MAX][65], chs[PEERS_MAX][65];
    int64_t at[PEERS_MAX];
    size_t k = 0;
    od_rows *r = NULL;
    bool row = false;
    memset(out, 0, sizeof *out);
    od_err rc = od_tx_query(tx, OD_Q_NODE_PEER_POLICIES, &r, e,
                            OD_BINDS(OD_TEXT(n->id), OD_INT(db_now - OD_NODE_DEAD_MS)));
    while (!rc && k < PEERS_MAX && !(rc = od_rows_step(r, &row)) && row) {
        snprintf(ids[k], sizeof ids[k], "%s", od_rows_text(r, 0));
        at[k] = od_rows_int(r, 1);
        snprintf(pol[k], sizeof pol[k], "%s", od_rows_null(r, 2) ? "" : od_rows_text(r, 2));
        snprintf(chs[k], sizeof chs[k], "%s", od_rows_null(r, 3) ? "" : od_rows_text(r, 3));
        k++;
    }
    od_rows_close(r);
    if (rc)
        return rc;
    od_node_peer pp[PEERS_MAX], cp[PEERS_MAX];
    for (size_t i = 0; i < k; i++) {
        pp[i] = (od_node_peer){pol[i], at[i], ids[i]};
        cp[i] = (od_node_peer){chs[i], at[i], ids[i]};
    }
    od_node_peer own_p = {policy, n->started_at, n->id}, own_c = {channels, n->started_at, n->id};
    out->policy_differs = od_node_config_differs(&own_p, pp, k);
    out->channels_differs = od_node_config_differs(&own_c, cp, k);
    snprintf(out->policy, sizeof out->policy, "%s", od_node_config_cluster(&own_p, pp, k));
    snprintf(out->channels, sizeof out->channels, "%s", od_node_config_cluster(&own_c, cp, k));
    return OD_OK;
}

bool od_app_multi_node(const od_app *a)
{
    return od_store_multi_node(a->store);
}

const char *od_app_node_id(const od_app *a)
{
    return a->node ? a->node->id : "";
}

static void view_now(od_node *n, od_node_view *v)
{
    pthread_mutex_lock(&n->mu);
    *v = n->v;
    v->since_beat_ms = n->v.ever_beat ? od_clock_mono_ms() - n->last_beat_mono : 0;
    pthread_mutex_unlock(&n->mu);
}

bool od_app_may_claim(od_app *a)
{
    if (!a->node || !a->node->multi)
        return true;
    od_node_view v;
    view_now(a->node, &v);
    return od_node_may_claim(&v);
}

void od_app_node_set_policy(od_app *a, const char *sha_hex)
{
    od_node *n = a->node;
    if (!n || !sha_hex)
        return;
    pthread_mutex_lock(&n->mu);
    snprintf(n->policy_sha, sizeof n->policy_sha, "%s", sha_hex);
    pthread_mutex_unlock(&n->mu);
}

void od_app_node_set_channels(od_app *a, const char *sha_hex)
{
    od_node *n = a->node;
    if (!n || !sha_hex)
        return;
    pthread_mutex_lock(&n->mu);
    snprintf(n->channels_sha, sizeof n->channels_sha, "%s", sha_hex);
    pthread_mutex_unlock(&n->mu);
}

bool od_app_may_send(od_app *a, int64_t claim_mono)
{
    if (!a->node || !a->node->multi)
        return true;
    od_node *n = a->node;
    od_node_view v;
    view_now(n, &v);
    pthread_mutex_lock(&n->mu);
    int64_t held = n->held_since;
    pthread_mutex_unlock(&n->mu);
    return od_node_may_claim(&v) && od_claim_still_held(held, claim_mono);
}

void od_app_node_beat(od_app *a)
{
    od_node *n = a->node;
    if (!n)
        return;
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t before = od_clock_now(NULL), db_now = 0, after = 0, offset = 0;
    char sha[65], ch[65];
    pthread_mutex_lock(&n->mu); /* a policy reload may set it meanwhile */
    snprintf(sha, sizeof sha, "%s", n->policy_sha);
    snprintf(ch, sizeof ch, "%s", n->channels_sha);
    pthread_mutex_unlock(&n->mu);
    od_err rc = od_tx_begin(a->store, true, &tx, &e);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_DB_NOW, &db_now, &e, OD_BINDS(OD_INT(before)));
    if (!rc) {
        after = od_clock_now(NULL);
        offset = od_node_offset(before, db_now, after);
        rc = od_tx_exec(tx, OD_Q_NODE_BEAT, &e,
                        OD_BINDS(OD_TEXT(n->id), OD_TEXT(n->boot_id), OD_INT(n->started_at), OD_INT(db_now),
                                 OD_TEXT(NODE_VERSION), OD_TEXT(sha), OD_INT(offset), OD_TEXT(ch)));
    }
    peer_cfg pc = {0};
    if (!rc && n->multi)
        rc = peer_configs(tx, n, sha, ch, db_now, &pc, &e);
    bool differs = pc.policy_differs;
    const char *peer = pc.policy;
    if (!rc)
        rc = od_tx_commit(tx, &e);
    else
        od_tx_rollback(tx);
    pthread_mutex_lock(&n->mu);
    bool was_differing = n->v.policy_differs, was_ch = n->v.channels_differs;
    if (!rc) {
        n->v.policy_differs = differs;
        n->v.channels_differs = pc.channels_differs;
        snprintf(n->peer_sha, sizeof n->peer_sha, "%s", peer);
        snprintf(n->peer_ch, sizeof n->peer_ch, "%s", pc.channels);
    }
    bool was_ok = n->v.beat_ok, was_skewed = n->v.ever_beat && !od_node_offset_ok(n->v.offset_ms);
    n->v.beat_ok = rc == OD_OK;
    if (!rc) {
        int64_t mono = od_clock_mono_ms();
        n->held_since = od_node_held_since(n->v.ever_beat, n->held_since, n->last_beat_mono, mono);
        n->v.ever_beat = true;
        n->v.offset_ms = offset;
        n->last_beat_mono = mono;
        n->last_beat_db = db_now;
        n->error[0] = '\0';
    } else
        snprintf(n->error, sizeof n->error, "%.190s", e.message[0] ? e.message : od_err_str(rc));
    bool skewed = n->v.ever_beat && !od_node_offset_ok(n->v.offset_ms);
    pthread_mutex_unlock(&n->mu);
    if (rc && was_ok)
        od_errorlog("节点心跳失败 (node heartbeat failed): %s", e.message);
    if (!rc && differs && !was_differing)
        od_errorlog(
            "本节点的策略文件 (sha256 %.12s…) 与集群多数节点 (sha256 %.12s…) 不同：停止认领 (this node's "
            "policy differs from the one most other nodes run: it stops claiming)",
            sha, peer);
    if (!rc && pc.channels_differs && !was_ch)
        od_errorlog("本节点的渠道文件 (sha256 %.12s…) 与集群 (sha256 %.12s…) 不同：停止认领 (this node's "
                    "channels file differs from the cluster's: it stops claiming)",
                    ch, pc.channels);
    if (skewed && !was_skewed)
        od_errorlog("本节点时钟与数据库时钟相差 %" PRId64
                    " 毫秒，超过 %d 毫秒：停止认领 (this node's clock is %" PRId64
                    " ms off the database clock, more than %d ms: it stops claiming)",
                    offset, OD_CLOCK_OFFSET_MAX_MS, offset, OD_CLOCK_OFFSET_MAX_MS);
}

od_err od_app_node_start(od_app *a, const char *node_id, const char *policy_sha, const char *channels_sha,
                         od_error *e)
{
    if (!node_id || !*node_id || strlen(node_id) >= OD_NODE_ID_MAX)
        return od_error_set(e, OD_E_INVALID, "node-id",
                            "节点标识须为 1 到 %d 个字符 (the node id must be 1 to %d "
                            "characters)",
                            OD_NODE_ID_MAX - 1, OD_NODE_ID_MAX - 1);
    od_node *n = calloc(1, sizeof *n);
    if (!n)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    snprintf(n->id, sizeof n->id, "%s", node_id);
    snprintf(n->policy_sha, sizeof n->policy_sha, "%s", policy_sha ? policy_sha : "");
    snprintf(n->channels_sha, sizeof n->channels_sha, "%s", channels_sha ? channels_sha : "");
    unsigned char rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(n->boot_id, sizeof n->boot_id, rnd, sizeof rnd);
    n->started_at = od_clock_now(NULL);
    n->multi = od_store_multi_node(a->store);
    pthread_mutex_init(&n->mu, NULL);
    a->node = n;
    od_app_node_beat(a);
    if (!n->v.beat_ok) {
        od_err rc = od_error_set(e, OD_E_STORE, NULL, "节点心跳失败 (node heartbeat failed): %s", n->error);
        od_app_node_free(a);
        return rc;
    }
    return OD_OK;
}

void od_app_node_forget(od_app *a)
{
    od_node *n = a->node;
    if (!n)
        return;
    od_tx *tx = NULL;
    od_error e = {0};
    if (od_tx_begin(a->store, true, &tx, &e) != OD_OK)
        return;
    if (od_tx_exec(tx, OD_Q_NODE_FORGET, &e, OD_BINDS(OD_TEXT(n->id), OD_TEXT(n->boot_id))) == OD_OK) {
        if (od_tx_commit(tx, &e) != OD_OK)
            od_warn("%s", e.message);
    } else
        od_tx_rollback(tx);
}

void od_app_node_free(od_app *a)
{
    if (!a->node)
        return;
    pthread_mutex_destroy(&a->node->mu);
    free(a->node);
    a->node = NULL;
}

void od_app_ready(od_app *a, od_app_readiness *out)
{
    memset(out, 0, sizeof *out);
    od_node *n = a->node;
    if (!n) {
        out->ready = true;
        return;
    }
    od_node_view v;
    view_now(n, &v);
    snprintf(out->node_id, sizeof out->node_id, "%s", n->id);
    out->offset_ms = v.offset_ms;
    out->why = od_node_unready(&v);
    out->ready = out->why == 0;
    od_sbuf b = {0};
    if (out->why & OD_NODE_STORE_DOWN) {
        pthread_mutex_lock(&n->mu);
        od_sbuf_printf(&b, "数据库不可达 (the database cannot be reached): %s", n->error);
        pthread_mutex_unlock(&n->mu);
    }
    if (out->why & OD_NODE_SKEWED)
        od_sbuf_printf(
            &b,
            "%s本节点时钟与数据库时钟相差 %" PRId64 " 毫秒，超过 %d 毫秒 (this node's clock is %" PRId64
            " ms off the database clock, more than %d ms)",
            b.n ? "; " : "", v.offset_ms, OD_CLOCK_OFFSET_MAX_MS, v.offset_ms, OD_CLOCK_OFFSET_MAX_MS);
    if (out->why & OD_NODE_POLICY_DIFFERS) {
        pthread_mutex_lock(&n->mu);
        od_sbuf_printf(
            &b,
            "%s本节点策略文件的 sha256 为 %s，集群多数节点为 %s (this node's policy file has sha256 "
            "%s, most other nodes run %s)",
            b.n ? "; " : "", n->policy_sha, n->peer_sha, n->policy_sha, n->peer_sha);
        pthread_mutex_unlock(&n->mu);
    }
    if (out->why & OD_NODE_CHANNELS_DIFFER) {
        pthread_mutex_lock(&n->mu);
        od_sbuf_printf(&b,
                       "%s本节点渠道文件的 sha256 为 %s，集群为 %s (this node's channels file has sha256 %s, "
                       "the cluster runs %s)",
                       b.n ? "; " : "", n->channels_sha[0] ? n->channels_sha : "（无 none）",
                       n->peer_ch[0] ? n->peer_ch : "（无 none）",
                       n->channels_sha[0] ? n->channels_sha : "none", n->peer_ch[0] ? n->peer_ch : "none");
        pthread_mutex_unlock(&n->mu);
    }
    if (out->why & OD_NODE_LEASE_LOST)
        od_sbuf_printf(&b,
                       "%s节点租约已失：%" PRId64
                       " 秒未能续约心跳 (the node lost its lease: no heartbeat for %" PRId64 " s)",
                       b.n ? "; " : "", v.since_beat_ms / 1000, v.since_beat_ms / 1000);
    if (b.p)
        snprintf(out->reason, sizeof out->reason, "%s", b.p);
    free(b.p);
}

char *od_app_node_metrics(od_app *a)
{
    if (!a->node)
        return NULL;
    od_app_readiness r;
    od_app_ready(a, &r);
    od_node_view v;
    view_now(a->node, &v);
    od_sbuf b = {0};
    od_sbuf_printf(
        &b,
        "# HELP opsdesk_node_clock_offset_seconds This node's clock minus the database clock at the "
        "last heartbeat.\n"
        "# TYPE opsdesk_node_clock_offset_seconds gauge\n"
        "opsdesk_node_clock_offset_seconds %.3f\n"
        "# HELP opsdesk_node_ready 1 when this node is ready and may claim work (/readyz).\n"
        "# TYPE opsdesk_node_ready gauge\nopsdesk_node_ready %d\n"
        "# HELP opsdesk_node_heartbeat_age_seconds Time since this node's last successful heartbeat.\n"
        "# TYPE opsdesk_node_heartbeat_age_seconds gauge\nopsdesk_node_heartbeat_age_seconds %.3f\n"
        "# HELP opsdesk_node_policy_differs 1 when this node's policy file differs from the cluster's "
        "(it is then not ready).\n"
        "# TYPE opsdesk_node_policy_differs gauge\nopsdesk_node_policy_differs %d\n"
        "# HELP opsdesk_node_channels_differ 1 when this node's channels file differs from the cluster's "
        "(it is then not ready).\n"
        "# TYPE opsdesk_node_channels_differ gauge\nopsdesk_node_channels_differ %d\n",
        (double)v.offset_ms / 1000.0, r.ready ? 1 : 0, (double)v.since_beat_ms / 1000.0,
        v.policy_differs ? 1 : 0, v.channels_differs ? 1 : 0);
    char *lm = od_app_lease_metrics(a); /* the housekeeping leases it holds or not */
    if (lm)
        od_sbuf_printf(&b, "%s", lm);
    free(lm);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
