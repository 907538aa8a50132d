/* manual.h - pieces shared by the collectors that never collect.
 *
 * The manual-memory baselines (malloc, mimalloc, jemalloc) free an object
 * only when the workload says it is dead; nogc never frees.  They share the
 * byte accounting below, the methods that have nothing to do, and the
 * stats() copy-out (which every plugin needs, collecting or not).
 * Header-only: each plugin gets its own copy of these static functions, so
 * the no-op methods can be put straight into a gcb_collector table.
 *
 * Accounting invariant (manual_bytes): heap_bytes is the sum of the usable
 * sizes of the objects not yet freed; freed_bytes the sum over those freed;
 * peak_bytes the largest heap_bytes seen after an allocation.  The usable
 * size is whatever the allocator reports for the object (the caller passes
 * it), and must be the same at allocation and at free.
 *
 * Concurrency: all three are relaxed atomics.  Any mutator updates them
 * through manual_allocated/manual_freed without a lock; stats() reads them
 * from any thread (the RSS sampler included), so its figures may be slightly
 * stale and peak_bytes may trail a concurrent allocation by one update.
 */
#ifndef GCB_COLLECTORS_MANUAL_H
#define GCB_COLLECTORS_MANUAL_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "gcb/collector.h"

typedef struct manual_bytes {
    _Atomic uint64_t heap_bytes;  /* bytes; usable size of live objects */
    _Atomic uint64_t peak_bytes;  /* bytes; max heap_bytes */
    _Atomic uint64_t freed_bytes; /* bytes; usable size of freed objects */
} manual_bytes;

/* An object of usable size n was handed out. */
static inline void manual_allocated(manual_bytes *b, uint64_t n)
{
    uint64_t live = atomic_fetch_add_explicit(&b->heap_bytes, n, memory_order_relaxed) + n;
    uint64_t peak = atomic_load_explicit(&b->peak_bytes, memory_order_relaxed);
    while (live > peak &&
           !atomic_compare_exchange_weak_explicit(&b->peak_bytes, &peak, live,
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

/* An object of usable size n was freed on the workload's word. */
static inline void manual_freed(manual_bytes *b, uint64_t n)
{
    atomic_fetch_sub_explicit(&b->heap_bytes, n, memory_order_relaxed);
    atomic_fetch_add_explicit(&b->freed_bytes, n, memory_order_relaxed);
}

/* Fills heap_bytes, peak_live_bytes and freed_explicit_bytes of s. */
static inline void manual_stats_bytes(manual_bytes *b, gcb_heap_stats *s)
{
    s->heap_bytes = atomic_load_explicit(&b->heap_bytes, memory_order_relaxed);
    s->peak_live_bytes = atomic_load_explicit(&b->peak_bytes, memory_order_relaxed);
    s->freed_explicit_bytes = atomic_load_explicit(&b->freed_bytes, memory_order_relaxed);
}

/* Copies the figures in s to the caller's out, writing only the fields that
 * fit in out->size bytes (the caller's struct may be older and shorter than
 * ours); out->size is left as the caller set it. */
static inline void manual_stats_out(gcb_heap_stats *out, gcb_heap_stats *s)
{
    size_t n = out->size < sizeof *s ? out->size : sizeof *s;
    s->size = out->size;
    memcpy(out, s, n);
}

/* Methods with nothing to do: no barrier (the mutator's write_barrier flag
 * stays 0, so the host never calls it), nothing to stop for, nothing ever
 * scanned, nothing to collect. */
static inline void manual_write_barrier(gcb_mutator *m, void *obj, void **slot, void *val)
{
    *slot = val;
}

static inline void manual_safepoint(gcb_mutator *m) {}
static inline void manual_blocking_enter(gcb_mutator *m) {}
static inline void manual_blocking_exit(gcb_mutator *m) {}
static inline void manual_add_root(gcb_mutator *m, void **slot) {}
static inline void manual_collect(gcb_mutator *m) {}

#endif
