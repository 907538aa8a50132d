/* test_pool.c - gcb/pool.h's sync.Pool semantics against a stub
 * collector that records roots and dead objects: private slot first,
 * then the shared list (own, then stolen), victims after one cycle,
 * everything dropped after two, full shared lists and thread_fini drop
 * through gcb_dead, and every slot is a registered root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcb/pool.h"

static size_t nroots, ndead;
static void **roots[8192];

static void stub_add_root(gcb_mutator *m, void **slot)
{
    (void)m;
    assert_true(nroots < 8192);
    roots[nroots++] = slot;
}

static void stub_dead(gcb_mutator *m, void *p, size_t bytes)
{
    (void)m;
    (void)p;
    assert_int_equal(bytes, 64);
    ndead++;
}

static gcb_collector stub = {
    .abi = GCB_ABI_VERSION, .size = sizeof(gcb_collector), .name = "stub",
    .add_root = stub_add_root, .dead = stub_dead,
};

/* The object at i (never dereferenced). */
static char objs[4096][8];
static void *obj(int i) { return objs[i]; }

static int rooted(void *x)
{
    for (size_t i = 0; i < nroots; i++)
        if (*roots[i] == x)
            return 1;
    return 0;
}

static void test_semantics(void **state)
{
    (void)state;
    /* puts write slots through gcb_store, which reads the barrier flag */
    static _Atomic uint32_t barrier_off;
    gcb_mutator m0 = {.gc = &stub, .write_barrier = &barrier_off},
                m1 = {.gc = &stub, .write_barrier = &barrier_off};
    gcb_pool *p;
    nroots = ndead = 0;
    assert_int_equal(gcb_pool_new(2, &p), 0);
    gcb_pool_thread_init(p, &m0, 0);
    gcb_pool_thread_init(p, &m1, 1);
    assert_true(nroots >= 4);
    size_t b = 0;
    assert_null(gcb_pool_get(p, &m0, 0, &b));

    /* private first, then the shared list, LIFO */
    gcb_pool_put(p, &m0, 0, obj(1), 64);
    gcb_pool_put(p, &m0, 0, obj(2), 64);
    gcb_pool_put(p, &m0, 0, obj(3), 64);
    assert_true(rooted(obj(1)) && rooted(obj(2)) && rooted(obj(3)));
    assert_ptr_equal(gcb_pool_get(p, &m0, 0, &b), obj(1));
    assert_int_equal(b, 64);
    assert_false(rooted(obj(1)));
    assert_ptr_equal(gcb_pool_get(p, &m0, 0, &b), obj(3));
    /* thread 1 steals from thread 0's shared list */
    assert_ptr_equal(gcb_pool_get(p, &m1, 1, &b), obj(2));
    assert_null(gcb_pool_get(p, &m1, 1, &b));

    /* one cycle: into the victim cache, still there */
    gcb_pool_put(p, &m0, 0, obj(4), 64);
    gcb_pool_put(p, &m0, 0, obj(5), 64);
    gcb_pool_gc_cycle();
    assert_true(rooted(obj(4)) && rooted(obj(5)));
    gcb_pool_stats st0;
    gcb_pool_stats_read(&st0);
    assert_ptr_equal(gcb_pool_get(p, &m0, 0, &b), obj(4)); /* the victim private slot first, as Go */
    gcb_pool_stats st1;
    gcb_pool_stats_read(&st1);
    assert_int_equal(st1.victims - st0.victims, 1);
    assert_int_equal(ndead, 0);

    /* two cycles without use: dropped through gcb_dead */
    gcb_pool_gc_cycle();
    gcb_pool_gc_cycle();
    assert_null(gcb_pool_get(p, &m0, 0, &b));
    assert_int_equal(ndead, 1);
    assert_false(rooted(obj(4)) || rooted(obj(5)));

    /* a full shared list drops the overflow; thread_fini drops the rest */
    int put = 0;
    for (int i = 0; i < 4000; i++, put++)
        gcb_pool_put(p, &m1, 1, obj(100 + i % 3000), 64);
    size_t kept = 0;
    for (size_t i = 0; i < nroots; i++)
        kept += *roots[i] != NULL;
    assert_true(kept > 0 && kept < (size_t)put);
    assert_int_equal(ndead, 1 + (size_t)put - kept);
    gcb_pool_thread_fini(p, &m1, 1);
    gcb_pool_thread_fini(p, &m0, 0);
    assert_int_equal(ndead, 1 + (size_t)put);
    for (size_t i = 0; i < nroots; i++)
        assert_null(*roots[i]);
    gcb_pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_semantics)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
