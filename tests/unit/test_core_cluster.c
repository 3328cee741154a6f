/* test_core_cluster.c — the node rules of several nodes on one database
 * (core/cluster.h, docs/deploy/cluster.md): the clock offset limit 1 ms
 * inside and at it both ways, readiness over every cell of (heartbeat
 * reached the store, ever beat, offset inside / at / past the limit,
 * time since the last heartbeat before / at the self-fence), a claim
 * allowed iff ready, the dead-node boundary, the offset midpoint, and the
 * send-start rule at the remaining-lease boundary. */
#include "core/cluster.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_offset_limit(void **state)
{
    (void)state;
    assert_true(od_node_offset_ok(0));
    assert_true(od_node_offset_ok(OD_CLOCK_OFFSET_MAX_MS - 1));
    assert_true(od_node_offset_ok(OD_CLOCK_OFFSET_MAX_MS));
    assert_false(od_node_offset_ok(OD_CLOCK_OFFSET_MAX_MS + 1));
    assert_true(od_node_offset_ok(-OD_CLOCK_OFFSET_MAX_MS + 1));
    assert_true(od_node_offset_ok(-OD_CLOCK_OFFSET_MAX_MS));
    assert_false(od_node_offset_ok(-OD_CLOCK_OFFSET_MAX_MS - 1));
    assert_false(od_node_offset_ok(20000));
    assert_false(od_node_offset_ok(-20000));
    assert_int_equal(OD_CLOCK_OFFSET_MAX_MS, 1000);
}

/* Every cell: beat_ok × ever_beat × offset × since_beat. */
static void test_ready_matrix(void **state)
{
    (void)state;
    static const int64_t offsets[] = {0, 1000, -1000, 1001, -1001};
    static const bool offset_ok[] = {true, true, true, false, false};
    static const int64_t since[] = {0, OD_NODE_SELF_FENCE_MS - 1, OD_NODE_SELF_FENCE_MS, 20000};
    static const bool since_ok[] = {true, true, false, false};
    int cells = 0, ready = 0;
    for (int b = 0; b < 2; b++)
        for (int ev = 0; ev < 2; ev++)
            for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++)
                for (size_t s = 0; s < sizeof since / sizeof *since; s++) {
                    od_node_view v = {
                        .beat_ok = b, .ever_beat = ev, .offset_ms = offsets[o], .since_beat_ms = since[s]};
                    unsigned want = 0;
                    if (!b || !ev)
                        want |= OD_NODE_STORE_DOWN;
                    if (ev && !offset_ok[o])
                        want |= OD_NODE_SKEWED;
                    if (ev && !since_ok[s])
                        want |= OD_NODE_LEASE_LOST;
                    assert_int_equal(od_node_unready(&v), want);
                    assert_int_equal(od_node_may_claim(&v), want == 0);
                    cells++;
                    ready += want == 0;
                }
    assert_int_equal(cells, 80);
    /* ready only with a live heartbeat, the offset inside and no fence: 3 × 2 */
    assert_int_equal(ready, 6);
}

/* Named cells a reader checks by eye. */
static void test_ready_cases(void **state)
{
    (void)state;
    od_node_view fresh = {.beat_ok = true, .ever_beat = true, .offset_ms = 3, .since_beat_ms = 1500};
    assert_int_equal(od_node_unready(&fresh), 0);
    od_node_view never = {0};
    assert_int_equal(od_node_unready(&never), OD_NODE_STORE_DOWN);
    od_node_view skewed = fresh; /* faketime +20 s on one node */
    skewed.offset_ms = 20000;
    assert_int_equal(od_node_unready(&skewed), OD_NODE_SKEWED);
    assert_false(od_node_may_claim(&skewed));
    od_node_view cut = fresh; /* partitioned: the last heartbeat failed 8 s ago */
    cut.beat_ok = false;
    cut.since_beat_ms = 8000;
    assert_int_equal(od_node_unready(&cut), OD_NODE_STORE_DOWN | OD_NODE_LEASE_LOST);
}

static void test_dead(void **state)
{
    (void)state;
    int64_t now = 1800000000000;
    assert_false(od_node_dead(now, now));
    assert_false(od_node_dead(now - OD_NODE_DEAD_MS + 1, now));
    assert_false(od_node_dead(now - OD_NODE_DEAD_MS, now));
    assert_true(od_node_dead(now - OD_NODE_DEAD_MS - 1, now));
    assert_int_equal(OD_NODE_DEAD_MS, 10000);
    /* the bounds keep their order: heartbeat < self-fence < dead < re-queue */
    assert_true(OD_NODE_HEARTBEAT_MS * 2 < OD_NODE_SELF_FENCE_MS);
    assert_true(OD_NODE_SELF_FENCE_MS < OD_NODE_DEAD_MS);
    assert_true(OD_NODE_SELF_FENCE_MS + OD_CLAIM_SEND_MAX_MS + OD_CLOCK_OFFSET_MAX_MS <=
                OD_NODE_REQUEUE_AFTER_MS);
    assert_true(OD_CLAIM_SEND_MAX_MS + OD_CLAIM_SEND_MARGIN_MS < OD_CLAIM_LEASE_MS);
}

static void test_offset_midpoint(void **state)
{
    (void)state;
    assert_int_equal(od_node_offset(1000, 1000, 1000), 0);
    assert_int_equal(od_node_offset(1000, 995, 1010), 10);
    assert_int_equal(od_node_offset(21000, 1000, 21004), 20002);
    assert_int_equal(od_node_offset(1000, 21000, 1002), -19999);
}

static void test_may_send(void **state)
{
    (void)state;
    int64_t lease = OD_CLAIM_LEASE_MS, to = 10000;
    int64_t edge = lease - to - OD_CLAIM_SEND_MARGIN_MS; /* 45 000 ms */
    assert_true(od_claim_may_send(lease, 0, to));
    assert_true(od_claim_may_send(lease, edge - 1, to));
    assert_true(od_claim_may_send(lease, edge, to));
    assert_false(od_claim_may_send(lease, edge + 1, to));
    assert_false(od_claim_may_send(lease, lease, to));
    assert_false(od_claim_may_send(lease, -1, to));
    /* the longest time-out a channel keeps still leaves room */
    assert_true(od_claim_may_send(lease, 0, OD_CLAIM_SEND_MAX_MS));
}

/* The lease held without a break: a gap of more than OD_NODE_SELF_FENCE_MS
 * between two successful heartbeats starts it again (boundaries ±1 ms). */
static void test_held_since(void **state)
{
    (void)state;
    const int64_t t = 1000000, f = OD_NODE_SELF_FENCE_MS;
    static const struct {
        bool ever;
        int64_t held, last, now, want;
    } rows[] = {
        {false, 0, 0, t, t},                  /* the first heartbeat */
        {true, 500, t, t + 2000, 500},        /* on time */
        {true, 500, t, t + f - 1, 500},       /* 1 ms before the fence */
        {true, 500, t, t + f, 500},           /* at it: still held */
        {true, 500, t, t + f + 1, t + f + 1}, /* past it: held again from now */
        {true, 500, t, t + 40000, t + 40000}, /* a 40 s partition or pause */
        {true, t - 10, t - 10, t, t - 10},    /* right after the first */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(od_node_held_since(rows[i].ever, rows[i].held, rows[i].last, rows[i].now),
                         rows[i].want);
}

/* A node's configuration (policy or channels file) differs when another
 * hash is held by strictly more live nodes than its own (itself counted),
 * or by as many and the earliest-started of them (then the smallest id)
 * holds the other; start times 1 ms apart both ways. */
static void test_config_differs(void **state)
{
    (void)state;
    typedef struct {
        const char *sha;
        int64_t at;
        const char *id;
    } nd;
    static const struct {
        nd own;
        nd peers[4];
        size_t n;
        bool want;
    } rows[] = {
        {{"a", 5, "n5"}, {{0}}, 0, false},                            /* alone */
        {{"a", 5, "n5"}, {{"a", 1, "n1"}, {"a", 2, "n2"}}, 2, false}, /* all alike */
        {{"a", 5, "n5"}, {{"b", 4, "n4"}}, 1, true},                  /* joins 1 ms later: odd */
        {{"a", 5, "n5"}, {{"b", 6, "n6"}}, 1, false},                 /* was first: the cluster's */
        {{"a", 5, "n5"}, {{"b", 5, "n4"}}, 1, true},                  /* same time: smaller id */
        {{"a", 5, "n4"}, {{"b", 5, "n5"}}, 1, false},                 /* same time: own id smaller */
        {{"a", 1, "n1"}, {{"b", 2, "n2"}, {"b", 3, "n3"}}, 2, true},  /* 1 against 2, however early */
        {{"b", 9, "n9"}, {{"a", 1, "n1"}, {"b", 2, "n2"}}, 2, false}, /* the majority */
        {{"a", 2, "n2"}, {{"b", 1, "n1"}, {"c", 3, "n3"}}, 2, true},  /* 1, 1, 1: the earliest's */
        {{"a", 1, "n1"}, {{"b", 2, "n2"}, {"c", 3, "n3"}}, 2, false}, /* 1, 1, 1: own earliest */
        {{"a", 4, "n4"}, {{"a", 1, "n1"}, {"b", 2, "n2"}, {"b", 3, "n3"}}, 3, false}, /* 2 against 2 */
        {{"a", 1, "n1"}, {{"b", 2, "n2"}, {"b", 3, "n3"}, {"b", 4, "n4"}}, 3, true},  /* 1 against 3 */
        {{"", 1, "n1"}, {{"b", 2, "n2"}, {"b", 3, "n3"}}, 2, true}, /* no hash: outvoted like any */
        {{"", 5, "n5"}, {{"", 1, "n1"}}, 1, false},                 /* no file on either */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        od_node_peer own = {rows[i].own.sha, rows[i].own.at, rows[i].own.id}, peers[4];
        for (size_t k = 0; k < rows[i].n; k++)
            peers[k] = (od_node_peer){rows[i].peers[k].sha, rows[i].peers[k].at, rows[i].peers[k].id};
        if (od_node_config_differs(&own, peers, rows[i].n) != rows[i].want)
            fail_msg("row %zu: want %d", i, rows[i].want);
    }
    /* the cluster's hash is named right even when another one ties with own's
     * replacement: a (n2) against b (n1) and c, c → c */
    od_node_peer own = {"a", 2, "n2"}, peers[] = {{"b", 1, "n1"}, {"c", 3, "n3"}, {"c", 4, "n4"}};
    assert_string_equal(od_node_config_cluster(&own, peers, 3), "c");
    assert_string_equal(od_node_config_cluster(&own, peers, 1), "b");
    assert_string_equal(od_node_config_cluster(&own, peers, 0), "a");
    /* a node whose policy or channels file differs is not ready, for that reason alone */
    od_node_view v = {.beat_ok = true, .ever_beat = true, .policy_differs = true};
    assert_int_equal(od_node_unready(&v), OD_NODE_POLICY_DIFFERS);
    assert_false(od_node_may_claim(&v));
    v.policy_differs = false;
    v.channels_differs = true;
    assert_int_equal(od_node_unready(&v), OD_NODE_CHANNELS_DIFFER);
    assert_false(od_node_may_claim(&v));
    v.policy_differs = true;
    assert_int_equal(od_node_unready(&v), OD_NODE_POLICY_DIFFERS | OD_NODE_CHANNELS_DIFFER);
    v.policy_differs = v.channels_differs = false;
    assert_int_equal(od_node_unready(&v), 0);
    v.ever_beat = false; /* before the first heartbeat: only the store is named */
    v.channels_differs = true;
    assert_int_equal(od_node_unready(&v), OD_NODE_STORE_DOWN);
}

/* A claim is acted on only when the lease was held since before it. */
static void test_claim_still_held(void **state)
{
    (void)state;
    assert_true(od_claim_still_held(1000, 1001));
    assert_true(od_claim_still_held(1000, 1000));
    assert_false(od_claim_still_held(1000, 999));
    assert_false(od_claim_still_held(41000, 1000)); /* the lease came back after the claim */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offset_limit),    cmocka_unit_test(test_ready_matrix),
        cmocka_unit_test(test_ready_cases),     cmocka_unit_test(test_dead),
        cmocka_unit_test(test_offset_midpoint), cmocka_unit_test(test_may_send),
        cmocka_unit_test(test_held_since),      cmocka_unit_test(test_claim_still_held),
        cmocka_unit_test(test_config_differs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
