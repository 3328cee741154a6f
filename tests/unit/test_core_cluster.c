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

/* A node's policy differs when another hash is held by strictly more live
 * nodes than its own (itself counted); ties differ from nobody. */
static void test_policy_differs(void **state)
{
    (void)state;
    static const struct {
        const char *own;
        const char *peers[4];
        size_t n;
        bool want;
    } rows[] = {
        {"a", {0}, 0, false},                 /* alone */
        {"a", {"a", "a"}, 2, false},          /* all alike */
        {"a", {"b"}, 1, false},               /* 1 against 1: a tie */
        {"a", {"b", "b"}, 2, true},           /* 1 against 2 */
        {"b", {"a", "b"}, 2, false},          /* the majority */
        {"a", {"b", "c"}, 2, false},          /* 1, 1, 1 */
        {"a", {"a", "b", "b"}, 3, false},     /* 2 against 2 */
        {"a", {"b", "b", "b", "a"}, 4, true}, /* 2 against 3 */
        {"", {"b", "b"}, 2, true},            /* no hash recorded: outvoted like any */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(od_node_policy_differs(rows[i].own, rows[i].peers, rows[i].n), rows[i].want);
    /* and a node whose policy differs is not ready, for that reason alone */
    od_node_view v = {.beat_ok = true, .ever_beat = true, .policy_differs = true};
    assert_int_equal(od_node_unready(&v), OD_NODE_POLICY_DIFFERS);
    assert_false(od_node_may_claim(&v));
    v.policy_differs = false;
    assert_int_equal(od_node_unready(&v), 0);
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
        cmocka_unit_test(test_policy_differs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
