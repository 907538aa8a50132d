/* rtheap_test.c - the modelled runtime's own heap (collectors/core/rtheap.c,
 * option runtime_heap):
 * - heap creation hangs runtime_heap / 64 objects of 64 bytes from the
 *   modelled globals, each chain's objects linked through word 0, the
 *   other words NULL, and counts them in the live heap;
 * - every cycle marks them (they are in the marked heap and the pacer's
 *   heap scan work) and none is ever freed: with verify on, a freed slot
 *   is poisoned, so a lost object shows as a broken chain or a non-NULL
 *   word, and verify's own walk from the globals fails the heap;
 * - concurrent and stop-the-world marking alike;
 * - built while cycles run back to back (a memory limit below the
 *   modelled runtime's non-heap memory), the build's own stores racing
 *   the markers: none is lost (verify), and under TSan no data race;
 * - runtime_heap without globals is refused, naming the option.
 * Heaps are built from gcb_gccore directly (as core.gcwork).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define TESTHOST_NO_CHECK
#include "gcb/mutator.h"
#include "plugin.h"
#include "../common/testhost.h"

#define RT_BYTES ((size_t)64 << 10) /* 1024 objects of 64 bytes */
#define GLOBALS_BYTES ((size_t)4096) /* 512 words: 512 chains of 2 */

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "rtheaptest",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
};

/* The Go-like collectors' options, for their defaults. */
static const gcb_option_desc std_options[] = {GC_OPTIONS_STD};

static void sink(void *ctx, const gcb_event *ev) { (void)ctx, (void)ev; }

static gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = sink,
                        .spawn = testhost_spawn, .log = testhost_log, .now_ns = testhost_now_ns,
                        .procs = 2, .mutators = 1};

static int new_heap_limit(int stw, size_t globals, size_t rt, int64_t memlimit, gcb_heap **out,
                          char *err, size_t errlen)
{
    gcb_value v[GC_NOPTIONS] = {0};
    v[GC_OPT_MODE].i = stw;
    v[GC_OPT_GOGC].i = 100;
    if (memlimit < 0)
        v[GC_OPT_MEMLIMIT].special = 1;
    else
        v[GC_OPT_MEMLIMIT].i = memlimit;
    v[GC_OPT_VERIFY].i = 1;
    v[GC_OPT_RESERVE].i = (int64_t)1 << 30;
    v[GC_OPT_FORCEGC].special = 1;
    v[GC_OPT_GLOBALS].i = (int64_t)globals;
    v[GC_OPT_RUNTIME_HEAP].i = (int64_t)rt;
    v[GC_OPT_NONHEAP].i = strtoll(std_options[GC_OPT_NONHEAP].def, NULL, 10); /* its default */
    return gc_plugin_heap_new(&table, &host, v, out, err, errlen);
}

static int new_heap(int stw, size_t globals, size_t rt, gcb_heap **out, char *err, size_t errlen)
{
    return new_heap_limit(stw, globals, rt, -1, out, err, errlen);
}

/* The objects hanging from h's globals: their number; fails the test on a
 * word other than the link that is not NULL (a freed, poisoned slot). */
static size_t walk(gc_heap *h)
{
    size_t n = 0;
    for (size_t g = 0; g < h->cfg.globals / sizeof(void *); g++)
        for (void **o = h->globals[g]; o != NULL; o = o[0]) {
            for (int k = 1; k < 8; k++)
                if (o[k] != NULL)
                    fail_msg("runtime object %p word %d is %p, not NULL", (void *)o, k, o[k]);
            assert_non_null(ph_lookup(&h->ph, o));
            if (++n > RT_BYTES / 64)
                fail_msg("more runtime objects than built: a cycle in a chain");
        }
    return n;
}

static void check_cycles(int stw)
{
    char err[256] = "";
    gcb_heap *heap = NULL;
    if (new_heap(stw, GLOBALS_BYTES, RT_BYTES, &heap, err, sizeof err) != 0)
        fail_msg("heap_new: %s", err);
    gc_heap *h = gc_heap_of(heap);
    assert_int_equal(walk(h), RT_BYTES / 64);
    gcb_heap_stats st = {.size = sizeof st};
    table.stats(heap, &st);
    assert_true(st.heap_bytes >= RT_BYTES);
    gcb_mutator *m = NULL;
    assert_int_equal(table.mutator_attach(heap, &m), 0);
    /* garbage until 4 cycles have run (4 MiB minimum goal each) */
    uint64_t c0 = atomic_load(&h->cycles);
    for (long i = 0; i < 100000000 && atomic_load(&h->cycles) < c0 + 4; i++) {
        assert_non_null(gcb_alloc(m, NULL, 256));
        if ((i & 1023) == 0)
            gcb_poll(m);
    }
    assert_true(atomic_load(&h->cycles) >= c0 + 4);
    gcb_collect(m); /* one more, whole, with this thread waiting */
    assert_false(atomic_load(&h->failed)); /* verify found everything reachable marked */
    assert_true(atomic_load(&h->heap_marked) >= RT_BYTES); /* marked each cycle */
    if (!stw)
        assert_true(h->last_heap_scan >= RT_BYTES); /* in the pacer's heap scan work */
    assert_int_equal(walk(h), RT_BYTES / 64);
    table.mutator_detach(m);
    table.heap_free(heap);
}

static void test_concurrent(void **state)
{
    (void)state;
    check_cycles(0);
}

static void test_stw(void **state)
{
    (void)state;
    check_cycles(1);
}

static void test_built_during_cycles(void **state)
{
    (void)state;
    char err[256] = "";
    gcb_heap *heap = NULL;
    /* 1 MiB: below the non-heap memory alone, so the goal is the floor
     * and every allocation slow path may start a cycle */
    if (new_heap_limit(0, GLOBALS_BYTES, RT_BYTES, (int64_t)1 << 20, &heap, err, sizeof err) != 0)
        fail_msg("heap_new: %s", err);
    gc_heap *h = gc_heap_of(heap);
    assert_true(atomic_load(&h->cycles) + (atomic_load(&h->phase) != GCPH_OFF) >= 1);
    gcb_mutator *m = NULL;
    assert_int_equal(table.mutator_attach(heap, &m), 0);
    gcb_collect(m);
    assert_false(atomic_load(&h->failed));
    assert_int_equal(walk(h), RT_BYTES / 64);
    table.mutator_detach(m);
    table.heap_free(heap);
}

static void test_needs_globals(void **state)
{
    (void)state;
    char err[256] = "";
    gcb_heap *heap = NULL;
    assert_int_not_equal(new_heap(0, 0, RT_BYTES, &heap, err, sizeof err), 0);
    assert_null(heap);
    assert_non_null(strstr(err, "runtime_heap"));
    assert_non_null(strstr(err, "globals"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_stw),
        cmocka_unit_test(test_built_during_cycles),
        cmocka_unit_test(test_needs_globals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
