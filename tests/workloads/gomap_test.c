/* gomap_test.c - the Go map of workloads/lib/gomap.c, directly: int and string
 * keys inserted through several doublings (validated mid-growth), looked
 * up, deleted; same-size growth under insert/delete churn; old bucket
 * arrays reaching free_sized (seen as freed bytes on the malloc plugin). */
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

static void through_growth(int str)
{
    env e;
    open_env(&e, nogc);
    assert_non_null(e.slot[0] = gomap_new(e.m, str ? GOMAP_SKEYS : 0, 42));
    const uint64_t n = 5000;
    int saw_growing = 0;
    for (uint64_t j = 0; j < n; j++) {
        insert(&e, str, j, (int64_t)j * 3);
        gomap *h = e.slot[0];
        assert_int_equal(h->count, j + 1);
        if (h->oldbuckets != NULL) {
            saw_growing = 1;
            if (j % 97 == 0) /* mid-growth: entries split between arrays */
                valid(&e);
        }
        if ((j & (j + 1)) == 0) /* every lookup so far, at powers of two */
            for (uint64_t k = 0; k <= j; k++)
                assert_true(find(&e, str, k) != NULL && *find(&e, str, k) == (int64_t)k * 3);
    }
    gomap *h = e.slot[0];
    assert_true(saw_growing);
    assert_true(h->B >= 10); /* 5000 / 6.5 > 512 buckets */
    assert_true((double)n / (1u << h->B) <= 6.5);
    valid(&e);
    /* Overwrite keeps the count. */
    insert(&e, str, 7, -1);
    assert_int_equal(h->count, n);
    assert_int_equal(*find(&e, str, 7), -1);
    assert_null(find(&e, str, n + 1));
    /* Delete the odd keys (evacuating the rest of any growth). */
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
    /* Deleted slots are reused. */
    for (uint64_t j = 1; j < n; j += 2)
        insert(&e, str, j, 1);
    assert_int_equal(h->count, n);
    valid(&e);
    close_env(&e);
}

static void int_keys(void **st) { through_growth(0); }
static void string_keys(void **st) { through_growth(1); }

/* Churn at a constant size: inserts and deletes leave overflow buckets,
 * which trigger same-size growth; the map stays valid and small. */
static void churn(void **st)
{
    env e;
    open_env(&e, nogc);
    assert_non_null(e.slot[0] = gomap_new(e.m, 0, 7));
    char err[256];
    for (uint64_t j = 0; j < 200000; j++) {
        insert(&e, 0, j, (int64_t)j);
        if (j >= 1000)
            assert_int_equal(gomap_delete(e.m, &e.slot[0], ikey(j - 1000), NULL, 0), 1);
    }
    gomap *h = e.slot[0];
    assert_int_equal(h->count, 1000);
    assert_true(h->B <= 9);
    if (gomap_is_valid(h, err, sizeof err) != 0)
        fail_msg("%s", err);
    for (uint64_t j = 199000; j < 200000; j++)
        assert_true(find(&e, 0, j) != NULL && *find(&e, 0, j) == (int64_t)j);
    close_env(&e);
}

/* Old bucket arrays and overflow buckets go to free_sized: the malloc
 * baseline counts them as explicitly freed bytes. */
static void frees_old_buckets(void **st)
{
    env e;
    open_env(&e, mallocgc);
    assert_non_null(e.slot[0] = gomap_new(e.m, 0, 1));
    for (uint64_t j = 0; j < 2000; j++)
        insert(&e, 0, j, 1);
    gomap *h = e.slot[0];
    /* Finish any growth in progress: deletes evacuate. */
    for (uint64_t j = 0; j < 2000 && h->oldbuckets != NULL; j++)
        gomap_delete(e.m, &e.slot[0], ikey(j), NULL, 0);
    assert_null(h->oldbuckets);
    gcb_heap_stats s = {.size = sizeof s};
    e.gc->stats(e.h, &s);
    /* Arrays of 1, 2, ..., 2^(B-1) buckets were freed: (2^B - 1) buckets. */
    assert_true(s.freed_explicit_bytes >= (((uint64_t)1 << h->B) - 1) * GOMAP_BUCKET_SIZE);
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
        cmocka_unit_test(churn),
        cmocka_unit_test(frees_old_buckets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) || failures;
}
