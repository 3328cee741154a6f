/* test_event_keys.c — the ingestion's in-memory de-duplication table
 * (src/app/event_keys.c / R-EVT-3): every pair added is found,
 * several ids under one hash and two hashes under one tag, the id range,
 * removal with backward shift keeps every other pair findable (also across
 * the end of the table and over growth), checked against a plain list
 * after each of thousands of random operations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "app/event_keys.h"

static void empty_add_find_remove(void **state)
{
    (void)state;
    od_event_keys *k = od_event_keys_new();
    assert_non_null(k);
    int64_t ids[4];
    assert_int_equal(od_event_keys_find(k, 42, ids, 4), 0);
    assert_false(od_event_keys_add(k, 42, 0));                                 /* ids start at 1 */
    assert_false(od_event_keys_add(k, 42, (int64_t)OD_EVENT_KEYS_ID_MAX + 1)); /* and end here */
    assert_true(od_event_keys_add(k, 41, (int64_t)OD_EVENT_KEYS_ID_MAX));
    assert_int_equal(od_event_keys_find(k, 41, ids, 4), 1);
    assert_int_equal(ids[0], (int64_t)OD_EVENT_KEYS_ID_MAX);
    od_event_keys_remove(k, 41, (int64_t)OD_EVENT_KEYS_ID_MAX + 1); /* out of range: nothing */
    assert_int_equal(od_event_keys_find(k, 41, ids, 4), 1);
    od_event_keys_remove(k, 41, (int64_t)OD_EVENT_KEYS_ID_MAX);
    assert_int_equal(od_event_keys_find(k, 41, ids, 4), 0);
    assert_true(od_event_keys_add(k, 42, 7));
    assert_true(od_event_keys_add(k, 42, 9)); /* a second event, same hash */
    assert_true(od_event_keys_add(k, 43, 8));
    assert_int_equal(od_event_keys_find(k, 42, ids, 4), 2);
    assert_true((ids[0] == 7 && ids[1] == 9) || (ids[0] == 9 && ids[1] == 7));
    assert_int_equal(od_event_keys_find(k, 42, ids, 1), 2); /* counts beyond max */
    od_event_keys_remove(k, 42, 7);
    od_event_keys_remove(k, 42, 7); /* absent: nothing */
    od_event_keys_remove(k, 44, 1);
    assert_int_equal(od_event_keys_find(k, 42, ids, 4), 1);
    assert_int_equal(ids[0], 9);
    assert_int_equal(od_event_keys_find(k, 43, ids, 4), 1);
    assert_int_equal(od_event_keys_count(k), 2);
    od_event_keys_free(k);
    od_event_keys_free(NULL);
}

/* Two different hashes with one 32-bit tag (found by sorting 300 000
 * hashes by tag: a pair is all but certain, and the same every run): both
 * ids are found under either hash, each removed alone; a third hash of
 * another tag finds neither. */
static int by_tag(const void *a, const void *b)
{
    uint32_t x = od_event_keys_tag(*(const uint64_t *)a), y = od_event_keys_tag(*(const uint64_t *)b);
    return x < y ? -1 : x > y;
}

static void two_hashes_one_tag(void **state)
{
    (void)state;
    enum { N = 300000 };
    uint64_t *h = malloc(N * sizeof *h);
    assert_non_null(h);
    for (size_t i = 0; i < N; i++)
        h[i] = 0x9e3779b97f4a7c15ULL * (i + 1);
    qsort(h, N, sizeof *h, by_tag);
    size_t at = N;
    for (size_t i = 0; i + 1 < N && at == N; i++)
        if (od_event_keys_tag(h[i]) == od_event_keys_tag(h[i + 1]) && h[i] != h[i + 1])
            at = i;
    assert_true(at < N);
    uint64_t a = h[at], b = h[at + 1], other = h[(at + 2) % N];
    free(h);
    assert_int_not_equal(od_event_keys_tag(other), od_event_keys_tag(a));
    od_event_keys *k = od_event_keys_new();
    assert_true(od_event_keys_add(k, a, 5));
    assert_true(od_event_keys_add(k, b, 6));
    int64_t ids[4];
    assert_int_equal(od_event_keys_find(k, a, ids, 4), 2);
    assert_int_equal(ids[0] + ids[1], 11);
    assert_int_equal(od_event_keys_find(k, b, ids, 4), 2);
    assert_int_equal(od_event_keys_find(k, other, ids, 4), 0);
    od_event_keys_remove(k, a, 6); /* 6 is b's: a's tag, but the pair is (tag, 6): removed */
    assert_int_equal(od_event_keys_find(k, b, ids, 4), 1);
    assert_int_equal(ids[0], 5);
    od_event_keys_remove(k, b, 5);
    assert_int_equal(od_event_keys_find(k, a, ids, 4), 0);
    assert_int_equal(od_event_keys_count(k), 0);
    od_event_keys_free(k);
}

/* xorshift: the same sequence every run */
static uint64_t rnd_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

typedef struct pair {
    uint64_t hash;
    int64_t id;
} pair;

/* The pairs the table answers for hash: those under its tag. */
static size_t count_in(const pair *v, size_t n, uint64_t hash)
{
    size_t c = 0;
    uint32_t tag = od_event_keys_tag(hash);
    for (size_t i = 0; i < n; i++)
        c += od_event_keys_tag(v[i].hash) == tag;
    return c;
}

/* A random hash whose home crowds the first or the last slots of every
 * table size (its tag's low bits), or any hash. */
static uint64_t crowding_hash(uint64_t r)
{
    if ((r >> 8) % 4 != 0)
        return r >> 16;
    bool first = (r >> 10) % 2;
    for (uint64_t x = r;; x = x * 6364136223846793005ULL + 1442695040888963407ULL) {
        uint32_t low = od_event_keys_tag(x) & 1023u;
        if (first ? low < 64 : low >= 1020)
            return x;
    }
}

/* Few distinct hashes (so runs collide and wrap) and many operations. */
static void random_against_a_list(void **state)
{
    (void)state;
    od_event_keys *k = od_event_keys_new();
    enum { OPS = 20000, MAX = 6000 };
    pair *v = calloc(MAX, sizeof *v);
    size_t n = 0;
    int64_t next_id = 1;
    for (int op = 0; op < OPS; op++) {
        uint64_t r = rnd();
        if (n < MAX && (n == 0 || r % 3 != 0)) {
            /* hashes that crowd a few home slots, including the last ones */
            uint64_t h = crowding_hash(r);
            assert_true(od_event_keys_add(k, h, next_id));
            v[n++] = (pair){h, next_id++};
        } else {
            size_t i = (size_t)((r >> 8) % n);
            od_event_keys_remove(k, v[i].hash, v[i].id);
            v[i] = v[--n];
        }
        assert_int_equal(od_event_keys_count(k), n);
        if (op % 97 == 0 || op == OPS - 1) {
            for (size_t i = 0; i < n; i++) {
                int64_t ids[64];
                size_t c = od_event_keys_find(k, v[i].hash, ids, 64);
                assert_int_equal(c, count_in(v, n, v[i].hash));
                bool seen = false;
                for (size_t j = 0; j < c && j < 64; j++)
                    seen |= ids[j] == v[i].id;
                assert_true(seen || c > 64);
            }
        }
    }
    free(v);
    od_event_keys_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_add_find_remove),
        cmocka_unit_test(random_against_a_list),
        cmocka_unit_test(two_hashes_one_tag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
