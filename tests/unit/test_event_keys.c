/* test_event_keys.c — the ingestion's in-memory de-duplication table
 * (src/app/event_keys.c / R-EVT-3): every pair added is found,
 * several ids under one hash, removal with backward shift keeps every other
 * pair findable (also across the end of the table and over growth), checked
 * against a plain list after each of thousands of random operations. */
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
    assert_false(od_event_keys_add(k, 42, 0)); /* ids start at 1 */
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

static size_t count_in(const pair *v, size_t n, uint64_t hash)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += v[i].hash == hash;
    return c;
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
            uint64_t h = r >> 16;
            if ((r >> 8) % 4 == 0) /* the first slots, or the last ones of each table size */
                h = (r >> 10) % 2 ? (r >> 20) % 64 : (1024u << ((r >> 24) % 4)) - 1 - (r >> 28) % 4;
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
