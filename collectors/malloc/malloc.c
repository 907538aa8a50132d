/* malloc.c - the manual-memory baseline: glibc malloc and free.
 *
 * Every allocation is calloc(); nothing is collected.  An object is freed
 * only when the workload says it is dead, through free_sized (runtime.freegc)
 * or dead (the oracle hint).  With a workload that reports every death this
 * is the lower bound on memory and the cost of explicit management.
 *
 * Accounting invariant: heap_bytes is the sum of malloc_usable_size() over
 * the objects not yet freed; freed_explicit_bytes the sum over those freed;
 * peak_live_bytes the largest heap_bytes seen after an allocation.  All are
 * relaxed atomics: any mutator updates them, stats() reads them anywhere.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h> /* malloc_usable_size */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcb/collector.h"

struct gcb_heap {
    const gcb_host *host;
    _Atomic uint64_t heap_bytes;    /* bytes; usable size of live objects */
    _Atomic uint64_t peak_bytes;    /* bytes; max heap_bytes */
    _Atomic uint64_t freed_bytes;   /* bytes; usable size of freed objects */
    _Atomic uint32_t barrier_off;   /* always 0: no barrier */
};

typedef struct malloc_mutator {
    gcb_mutator base; /* must be first */
} malloc_mutator;

static const gcb_collector table;

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out,
                    char *err, size_t errlen)
{
    gcb_heap *h = calloc(1, sizeof *h);
    if (h == NULL) {
        snprintf(err, errlen, "malloc: out of memory for the heap");
        return ENOMEM;
    }
    h->host = host;
    *out = h;
    return 0;
}

/* Objects the workload never declared dead are leaked, like any C program
 * that exits without freeing; the run's process ends right after. */
static void heap_free(gcb_heap *h)
{
    free(h);
}

static int mutator_attach(gcb_heap *h, gcb_mutator **out)
{
    malloc_mutator *mm = calloc(1, sizeof *mm);
    if (mm == NULL)
        return ENOMEM;
    gcb_mutator *m = &mm->base;
    m->gc = &table;
    m->heap = h;
    m->alloc_kind = GCB_ALLOC_SLOW;
    m->inline_max = 0;
    m->write_barrier = &h->barrier_off;
    *out = m;
    return 0;
}

static void mutator_detach(gcb_mutator *m)
{
    free((malloc_mutator *)m);
}

static void *alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    gcb_heap *h = m->heap;
    void *p = calloc(1, bytes);
    if (p == NULL)
        return NULL;
    uint64_t n = malloc_usable_size(p);
    uint64_t live = atomic_fetch_add_explicit(&h->heap_bytes, n, memory_order_relaxed) + n;
    uint64_t peak = atomic_load_explicit(&h->peak_bytes, memory_order_relaxed);
    while (live > peak &&
           !atomic_compare_exchange_weak_explicit(&h->peak_bytes, &peak, live,
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
    return p;
}

static void release(gcb_mutator *m, void *p)
{
    if (p == NULL)
        return;
    gcb_heap *h = m->heap;
    uint64_t n = malloc_usable_size(p);
    atomic_fetch_sub_explicit(&h->heap_bytes, n, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->freed_bytes, n, memory_order_relaxed);
    free(p);
}

static void free_sized(gcb_mutator *m, void *p, size_t bytes) { release(m, p); }
static void dead(gcb_mutator *m, void *p, size_t bytes) { release(m, p); }

static void write_barrier(gcb_mutator *m, void *obj, void **slot, void *val)
{
    *slot = val; /* never called: barrier_off stays 0 */
}

static void safepoint(gcb_mutator *m) {}
static void blocking_enter(gcb_mutator *m) {}
static void blocking_exit(gcb_mutator *m) {}
static void add_root(gcb_mutator *m, void **slot) {} /* nothing is ever scanned */
static void collect(gcb_mutator *m) {}                /* nothing to collect */

static void stats(gcb_heap *h, gcb_heap_stats *out)
{
    gcb_heap_stats s = {0};
    s.heap_bytes = atomic_load_explicit(&h->heap_bytes, memory_order_relaxed);
    /* glibc's own footprint is not asked for: mallinfo2() takes the arena
     * locks and consolidates the fastbins, which at the RSS sampler's rate
     * slowed binarytrees threefold.  RSS shows the real footprint. */
    s.mapped_bytes = s.heap_bytes;
    s.peak_live_bytes = atomic_load_explicit(&h->peak_bytes, memory_order_relaxed);
    s.freed_explicit_bytes = atomic_load_explicit(&h->freed_bytes, memory_order_relaxed);
    size_t n = out->size < sizeof s ? out->size : sizeof s;
    s.size = out->size;
    memcpy(out, &s, n);
}

static const gcb_collector table = {
    .abi = GCB_ABI_VERSION,
    .size = sizeof(gcb_collector),
    .name = "malloc",
    .description = "manual memory: glibc calloc/free, frees only objects hinted dead (free_sized, dead)",
    .caps = GCB_CAP_FREE | GCB_CAP_DEAD | GCB_CAP_MANUAL,
    .noptions = 0,
    .options = NULL,
    .heap_new = heap_new,
    .heap_free = heap_free,
    .mutator_attach = mutator_attach,
    .mutator_detach = mutator_detach,
    .alloc = alloc,
    .write_barrier = write_barrier,
    .safepoint = safepoint,
    .blocking_enter = blocking_enter,
    .blocking_exit = blocking_exit,
    .add_root = add_root,
    .collect = collect,
    .stats = stats,
    .free_sized = free_sized,
    .dead = dead,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
