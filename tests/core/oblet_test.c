/* oblet_test.c - large objects are scanned in 128 KiB oblets, as Go's
 * scanobject scans them (collectors/core/mark.c scan_large):
 * - every child of a large object with pointers is marked, whatever the
 *   element size: pointer arrays ([]*T) and 24-byte {ptr, a, b} elements,
 *   which straddle the oblets' boundaries (131072 is no multiple of 24),
 *   and an object whose last oblet is short; with verify on, a child
 *   missed by every oblet is freed and poisoned, so its tag breaks, and
 *   verify's own walk fails the heap;
 * - the grey set holds one oblet's children at a time: the shared work
 *   list's high water (mark_work.peak) stays under two oblets' pointers
 *   (2 x 16384) for an object of five oblets (81920 pointers), where a
 *   scan of the whole object at once queues every child together;
 * - the scan work is Go's, per oblet (core.scanwork checks the figures);
 * - stop-the-world and concurrent marking alike.
 * Heaps are built from gcb_gccore directly (as core.gcwork).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TESTHOST_NO_CHECK
#include "gcb/mutator.h"
#include "plugin.h"
#include "../common/testhost.h"

#define OBLET_PTRS (GC_OBLET_BYTES / sizeof(void *)) /* 16384 */

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "oblettest",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
};

static const gcb_type ptr_t = {"*T", 8, 1};         /* []*T */
static const gcb_type triple_t = {"triple", 24, 1}; /* {ptr, a, b} */
static const gcb_type node_t = {"node", 16, 1};     /* {next, tag} */

static void sink(void *ctx, const gcb_event *ev) { (void)ctx, (void)ev; }

static gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = sink,
                        .spawn = testhost_spawn, .log = testhost_log, .now_ns = testhost_now_ns,
                        .procs = 1, .mutators = 1};

static gcb_heap *new_heap(int stw)
{
    gcb_value v[GC_NOPTIONS] = {0};
    v[GC_OPT_MODE].i = stw;
    v[GC_OPT_GOGC].special = 1; /* off: only the test's collections run */
    v[GC_OPT_MEMLIMIT].special = 1;
    v[GC_OPT_VERIFY].i = 1;
    v[GC_OPT_RESERVE].i = (int64_t)1 << 30;
    v[GC_OPT_FORCEGC].special = 1;
    char err[256] = "";
    gcb_heap *heap = NULL;
    if (gc_plugin_heap_new(&table, &host, v, &heap, err, sizeof err) != 0)
        fail_msg("heap_new: %s", err);
    return heap;
}

/* A large object of n elements of type t (t->size bytes, its pointer
 * first), element i pointing to a node tagged 2i + 1; then garbage, two
 * collections, and every node checked.  Returns the work list's high
 * water over the collections. */
static size_t check_large(int stw, const gcb_type *t, size_t n)
{
    gcb_heap *heap = new_heap(stw);
    gc_heap *h = gc_heap_of(heap);
    gcb_mutator *m = NULL;
    assert_int_equal(table.mutator_attach(heap, &m), 0);
    void *slots[2] = {0};
    gcb_frame f;
    gcb_frame_push(m, &f, slots, 2);
    char *big = gcb_alloc(m, t, n * t->size);
    assert_non_null(big);
    slots[0] = big;
    span *s = ph_lookup(&h->ph, big);
    assert_non_null(s);
    assert_int_equal(s->sizeclass, 0); /* large: scanned in oblets */
    for (size_t i = 0; i < n; i++) {
        void **node = gcb_alloc(m, &node_t, 16);
        assert_non_null(node);
        node[1] = (void *)(uintptr_t)(i * 2 + 1);
        gcb_store(m, big, (void **)(big + i * t->size), node);
    }
    for (int i = 0; i < 20000; i++) /* garbage, so a lost node's slot is reused */
        slots[1] = gcb_alloc(m, &node_t, 16);
    slots[1] = NULL;
    h->work.peak = 0;
    gcb_collect(m);
    for (int i = 0; i < 20000; i++)
        slots[1] = gcb_alloc(m, &node_t, 16);
    gcb_collect(m);
    size_t peak = h->work.peak;
    for (size_t i = 0; i < n; i++) {
        void **node = *(void ***)(big + i * t->size);
        if (node[1] != (void *)(uintptr_t)(i * 2 + 1))
            fail_msg("%s: element %zu's node lost (tag %p)", t->name, i, node[1]);
    }
    char err[512] = "";
    if (table.verify(m, err, sizeof err) != 0)
        fail_msg("%s: verify: %s", t->name, err);
    gcb_frame_pop(m, &f);
    table.mutator_detach(m);
    table.heap_free(heap);
    return peak;
}

static void pointer_array(int stw)
{
    size_t peak = check_large(stw, &ptr_t, 5 * OBLET_PTRS); /* 640 KiB: five oblets */
    if (peak >= 2 * OBLET_PTRS)
        fail_msg("work list high water %zu for a five-oblet []*T (want < %zu: one oblet's "
                 "children at a time)", peak, (size_t)(2 * OBLET_PTRS));
}

static void test_pointer_array_stw(void **state) { (void)state, pointer_array(1); }
static void test_pointer_array_concurrent(void **state) { (void)state, pointer_array(0); }

/* 24-byte elements straddle the oblet boundaries; 30000 of them (703 KiB:
 * six oblets, the last short) */
static void test_straddling_elements_stw(void **state)
{
    (void)state;
    check_large(1, &triple_t, 30000);
}

static void test_straddling_elements_concurrent(void **state)
{
    (void)state;
    check_large(0, &triple_t, 30000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pointer_array_stw),
        cmocka_unit_test(test_pointer_array_concurrent),
        cmocka_unit_test(test_straddling_elements_stw),
        cmocka_unit_test(test_straddling_elements_concurrent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
