/* gomap_test.c - the Swiss-table map of workloads/lib/gomap.c, directly:
 * int and string keys inserted from a small map through table doublings
 * and splits (validated on the way), looked up, deleted (tombstones) and
 * reinserted; a small map's deletes; insert/delete churn at a constant
 * size; replaced groups and tables reaching free_sized (seen as freed
 * bytes on the malloc plugin). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/gomap.h"
#include "host.h"

static const gcb_collector *nogc, *mallocgc;

typedef struct env {
    const gcb_collector *gc;
    gcb_heap *h;
    gcb_mutator *m;
    gcb_frame f;
    void *slot[2]; /* [0] map, [1] key string */
} env;

static void open_env(env *e, const gcb_collector *gc)
{
    e->gc = gc;
    assert_non_null(gc);
    e->h = heap(gc);
    assert_non_null(e->h);
    assert_int_equal(gc->mutator_attach(e->h, &e->m), 0);
    e->slot[0] = e->slot[1] = NULL;
    gcb_frame_push(e->m, &e->f, e->slot, 2);
}

static void close_env(env *e)
{
    gcb_frame_pop(e->m, &e->f);
    e->gc->mutator_detach(e->m);
    e->gc->heap_free(e->h);
}

static int64_t ikey(uint64_t j) { return (int64_t)(j * 0x9e3779b97f4a7c15ull); }
static size_t skey(uint64_t j, char *buf) { return (size_t)snprintf(buf, 32, "key-%llu", (unsigned long long)j); }

static void insert(env *e, int str, uint64_t j, int64_t v)
{
    char buf[32];
    size_t len = skey(j, buf);
    if (str)
        assert_non_null(e->slot[1] = gomap_str(e->m, buf, len));
    assert_int_equal(gomap_assign(e->m, &e->slot[0], ikey(j), &e->slot[1], v, NULL), 0);
    e->slot[1] = NULL;
}

static int64_t *find(env *e, int str, uint64_t j)
{
    char buf[32];
    size_t len = skey(j, buf);
    return gomap_find(e->slot[0], ikey(j), str ? buf : NULL, len);
}

static void valid(env *e)
{
    char err[256];
    int rc = gomap_is_valid(e->slot[0], err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
}

/* Tables of the map: each once (a table spans 2^(global - local)
 * directory entries); their slots in *capacity. */
static uint64_t tables(const gomap *h, uint64_t *capacity)
{
    uint64_t n = 0;
    *capacity = 0;
    for (uint64_t i = 0; i < h->dirlen; i++) {
        const gotable *t = ((void **)h->dir)[i];
        if ((uint64_t)t->index == i) {
            n++;
            *capacity += t->capacity;
        }
    }
    return n;
}

static void through_growth(int str)
{
    env e;
    open_env(&e, nogc);
    assert_non_null(e.slot[0] = gomap_new(e.m, str ? GOMAP_SKEYS : 0, 42));
    gomap *h = e.slot[0];
    assert_null(h->dir); /* make without a hint: the header alone */
    const uint64_t n = 5000;
    for (uint64_t j = 0; j < n; j++) {
        insert(&e, str, j, (int64_t)j * 3);
        assert_int_equal(h->count, j + 1);
        /* a small map (one group) up to 8 entries, then a table of 16 */
        assert_int_equal(h->dirlen == 0, j < 8);
        if (j == 8) {
            uint64_t cap;
            assert_int_equal(tables(h, &cap), 1);
            assert_int_equal(cap, 16);
        }
        if (j % 97 == 0 || j < 20)
            valid(&e);
        if ((j & (j + 1)) == 0) /* every lookup so far, at powers of two */
            for (uint64_t k = 0; k <= j; k++)
                assert_true(find(&e, str, k) != NULL && *find(&e, str, k) == (int64_t)k * 3);
    }
    /* 5000 entries at most 7/8 of 1024 per table: at least 6 tables of
     * 1024 slots after splits, a directory of at least 8 */
    uint64_t cap, nt = tables(h, &cap);
    assert_true(nt >= 6);
    assert_true(h->dirlen >= 8 && h->dirlen == (uint64_t)1 << h->global_depth);
    assert_true(cap * 7 / 8 >= n);
    valid(&e);
    /* Overwrite keeps the count. */
    insert(&e, str, 7, -1);
    assert_int_equal(h->count, n);
    assert_int_equal(*find(&e, str, 7), -1);
    assert_null(find(&e, str, n + 1));
    /* Delete the odd keys: tombstones in full groups. */
    char buf[32];
    for (uint64_t j = 1; j < n; j += 2) {
        size_t len = skey(j, buf);
        assert_int_equal(gomap_delete(e.m, &e.slot[0], ikey(j), str ? buf : NULL, len), 1);
        assert_int_equal(gomap_delete(e.m, &e.slot[0], ikey(j), str ? buf : NULL, len), 0);
    }
    assert_int_equal(h->count, n / 2);
    for (uint64_t j = 0; j < n; j++) {
        int64_t *v = find(&e, str, j);
        if (j & 1)
            assert_null(v);
        else
            assert_true(v != NULL && *v == (j == 7 ? -1 : (int64_t)j * 3));
    }
    valid(&e);
    /* Deleted slots are reused: the same keys back fit the same tables. */
    for (uint64_t j = 1; j < n; j += 2)
        insert(&e, str, j, 1);
    assert_int_equal(h->count, n);
    uint64_t cap2;
    assert_int_equal(tables(h, &cap2), nt);
    valid(&e);
    close_env(&e);
}

static void int_keys(void **st) { through_growth(0); }
static void string_keys(void **st) { through_growth(1); }

/* A small map: deletes empty their slot (no tombstones in one group),
 * and the 9th entry moves them all into a table. */
static void small_map(void **st)
{
    env e;
    open_env(&e, nogc);
    assert_non_null(e.slot[0] = gomap_new(e.m, 0, 3));
    gomap *h = e.slot[0];
    for (uint64_t round = 0; round < 100; round++) {
        for (uint64_t j = 0; j < 8; j++)
            insert(&e, 0, round * 8 + j, (int64_t)j);
        valid(&e);
        for (uint64_t j = 0; j < 8; j++)
            assert_int_equal(gomap_delete(e.m, &e.slot[0], ikey(round * 8 + j), NULL, 0), 1);
        assert_int_equal(h->count, 0);
        assert_int_equal(h->dirlen, 0);
    }
    for (uint64_t j = 0; j < 9; j++)
        insert(&e, 0, j, (int64_t)j);
    assert_int_equal(h->dirlen, 1);
    valid(&e);
    close_env(&e);
}

/* Churn at a constant size: inserts and deletes leave tombstones, which
 * pruning clears or a rehash drops; the map stays valid and its slots a
 * small multiple of its entries. */
static void churn(void **st)
{
    env e;
    open_env(&e, nogc);
    assert_non_null(e.slot[0] = gomap_new(e.m, 0, 7));
    for (uint64_t j = 0; j < 200000; j++) {
        insert(&e, 0, j, (int64_t)j);
        if (j >= 1000)
            assert_int_equal(gomap_delete(e.m, &e.slot[0], ikey(j - 1000), NULL, 0), 1);
        if (j % 9973 == 0)
            valid(&e);
    }
    gomap *h = e.slot[0];
    assert_int_equal(h->count, 1000);
    uint64_t cap;
    tables(h, &cap);
    assert_true(cap <= 4096); /* 1000 entries need 1143 slots: two tables of 1024 */
    valid(&e);
    for (uint64_t j = 199000; j < 200000; j++)
        assert_true(find(&e, 0, j) != NULL && *find(&e, 0, j) == (int64_t)j);
    close_env(&e);
}

/* Replaced groups, tables and directories go to free_sized: the malloc
 * baseline counts them as explicitly freed bytes. */
static void frees_replaced(void **st)
{
    env e;
    open_env(&e, mallocgc);
    assert_non_null(e.slot[0] = gomap_new(e.m, 0, 1));
    /* past 2000 entries, until some table spans several directory entries
     * (the first split of a table doubles the directory under the others;
     * release must free such a table once, and read nothing of it after) */
    gomap *h = e.slot[0];
    int shallow = 0;
    for (uint64_t j = 0; j < 2000 || (!shallow && j < 100000); j++) {
        insert(&e, 0, j, 1);
        shallow = 0;
        for (uint64_t i = 0; i < h->dirlen; i++)
            shallow |= ((gotable *)((void **)h->dir)[i])->local_depth < h->global_depth;
    }
    assert_true(shallow);
    gcb_heap_stats s = {.size = sizeof s};
    e.gc->stats(e.h, &s);
    /* the small group, then the groups of tables of 16, 32, ..., 1024
     * slots (2 + 4 + ... + 128 groups of 136 bytes) at least: the last
     * split one at 896 entries */
    assert_true(s.freed_explicit_bytes >= (1 + 254) * 136);
    /* gomap_release hands the rest to gcb_dead: nothing stays live. */
    gomap_release(e.m, h);
    e.slot[0] = NULL;
    e.gc->stats(e.h, &s);
    assert_int_equal(s.heap_bytes, 0);
    close_env(&e);
}

int main(void)
{
    nogc = load(NOGC_SO);
    mallocgc = load(MALLOC_SO);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(int_keys),
        cmocka_unit_test(string_keys),
        cmocka_unit_test(small_map),
        cmocka_unit_test(churn),
        cmocka_unit_test(frees_replaced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) || failures;
}
