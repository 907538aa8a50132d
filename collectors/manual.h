/* manual.h - pieces shared by the collectors that never collect.
 *
 * The manual-memory baselines (malloc, mimalloc, jemalloc) free an object
 * only when the workload says it is dead; nogc never frees.  They share the
 * byte accounting below, the methods that have nothing to do, and the
 * stats() copy-out (which every plugin needs, collecting or not).
 * Header-only: each plugin gets its own copy of these static functions, so
 * the no-op methods can be put straight into a gcb_collector table.
 *
 * Accounting invariant (manual_bytes, manual_counts): every mutator owns a
 * manual_counts, written only by its own thread: `allocated`, the sum of
 * the usable sizes it handed out; `freed`, the sum over the objects it
 * freed (whoever allocated them); `high`, the largest allocated - freed it
 * has seen after one of its allocations.  The heap's live bytes are
 * sum(allocated) - sum(freed) over every mutator that ever attached
 * (detached ones are folded into manual_bytes.retired_*).  The usable size
 * is the allocator's size class for the requested size, computed by each
 * plugin from the byte count alone (no lookup of the object: a pointer
 * lookup per allocation and per free cost as much as mimalloc's whole
 * pair), and so must be the same at allocation and at free.  That holds
 * because the mutator API's contract (mutator.h) is that gcb_free_sized
 * and gcb_dead are passed the size the object was allocated with; debug
 * builds (the debug, asan and tsan presets) check it against the
 * allocator's own lookup at every free (manual_check_size) and abort,
 * naming the object, when a workload breaks it.
 *
 * Fast path: manual_allocated/manual_freed are a relaxed load and a relaxed
 * store of the mutator's own counters (plain moves on x86-64; relaxed
 * atomics only so the readers below are not data races): no lock prefix,
 * no shared cache line, no compare-and-swap.  Three atomic read-modify-writes
 * on one heap-wide line per allocate/free pair made the manual baselines
 * several times slower than the allocators they stand for.
 *
 * Peak: the largest heap_bytes over time is a maximum of a sum over
 * threads, which no thread can see without ordering every update.  We
 * report the sum of the per-mutator high-water marks (sum of max(0, high)):
 * since each mutator's allocated - freed never exceeds its `high`, the sum
 * at any instant is at most this figure, so it is an UPPER bound on the
 * true peak, exact with one mutator (every single-threaded run), and close
 * when mutators free what they allocate and grow and shrink together (the
 * workloads here).  It drifts high when one thread allocates what another
 * frees (a producer's high grows, the consumer's counts go negative).  We
 * prefer an upper bound to a sampled sum (a lower bound that misses every
 * peak between two stats() reads) because this figure is "the memory of
 * the manual-free bound": an upper bound can only flatter the manual
 * baseline's rivals, never hide its cost.
 *
 * Concurrency: manual_attach/manual_detach take the heap's lock (once per
 * thread); stats() takes it to walk the attached mutators and reads their
 * counters with relaxed loads from any thread (the RSS sampler included),
 * so its figures may trail the mutators by a few updates, and the sum can
 * read freed before the matching allocation on another thread: heap_bytes
 * is clamped at 0 and peak at heap_bytes.
 */
#ifndef GCB_COLLECTORS_MANUAL_H
#define GCB_COLLECTORS_MANUAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcb/collector.h"

/* One mutator's byte counts; lives in the plugin's mutator. */
typedef struct manual_counts {
    _Atomic uint64_t allocated;  /* bytes; usable size this mutator handed out */
    _Atomic uint64_t freed;      /* bytes; usable size this mutator freed */
    _Atomic int64_t high;        /* bytes; max of allocated - freed after an allocation */
    struct manual_counts *next;  /* attached mutators of the heap; under manual_bytes.lock */
    struct manual_counts *prev;
} manual_counts;

/* The heap's side; lives in the plugin's heap. */
typedef struct manual_bytes {
    pthread_mutex_t lock;        /* guards the list and retired_* */
    manual_counts *attached;     /* mutators between attach and detach */
    uint64_t retired_allocated;  /* bytes; `allocated` of detached mutators */
    uint64_t retired_freed;      /* bytes; `freed` of detached mutators */
    uint64_t retired_high;       /* bytes; sum of max(0, high) of detached mutators */
} manual_bytes;

/* heap_new / heap_free.  manual_init returns 0 or an errno value. */
static inline int manual_init(manual_bytes *b)
{
    memset(b, 0, sizeof *b);
    return pthread_mutex_init(&b->lock, NULL);
}

static inline void manual_destroy(manual_bytes *b) { pthread_mutex_destroy(&b->lock); }

/* mutator_attach / mutator_detach, on the mutator's thread. */
static inline void manual_attach(manual_bytes *b, manual_counts *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_lock(&b->lock);
    c->next = b->attached;
    if (b->attached != NULL)
        b->attached->prev = c;
    b->attached = c;
    pthread_mutex_unlock(&b->lock);
}

static inline void manual_detach(manual_bytes *b, manual_counts *c)
{
    pthread_mutex_lock(&b->lock);
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        b->attached = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    b->retired_allocated += atomic_load_explicit(&c->allocated, memory_order_relaxed);
    b->retired_freed += atomic_load_explicit(&c->freed, memory_order_relaxed);
    int64_t high = atomic_load_explicit(&c->high, memory_order_relaxed);
    b->retired_high += high > 0 ? (uint64_t)high : 0;
    pthread_mutex_unlock(&b->lock);
}

/* An object of usable size n was handed out.  Only c's own thread. */
static inline void manual_allocated(manual_counts *c, uint64_t n)
{
    uint64_t a = atomic_load_explicit(&c->allocated, memory_order_relaxed) + n;
    atomic_store_explicit(&c->allocated, a, memory_order_relaxed);
    int64_t net = (int64_t)(a - atomic_load_explicit(&c->freed, memory_order_relaxed));
    if (net > atomic_load_explicit(&c->high, memory_order_relaxed))
        atomic_store_explicit(&c->high, net, memory_order_relaxed);
}

/* An object of usable size n was freed on the workload's word.  Only c's
 * own thread (the object may come from any mutator). */
static inline void manual_freed(manual_counts *c, uint64_t n)
{
    uint64_t f = atomic_load_explicit(&c->freed, memory_order_relaxed) + n;
    atomic_store_explicit(&c->freed, f, memory_order_relaxed);
}

/* The size class of a request of n bytes (n >= 1) in the classes jemalloc
 * 5 (16-byte quanta: every 64-bit Debian architecture) and Debian's
 * mimalloc 2.0 (bins rounded to double words) share: 8; then every
 * multiple of 16 up to 128; then four classes per power of two, n rounded
 * up to a multiple of 2^(k-2) where 2^k < n <= 2^(k+1) (160, 192, 224,
 * 256, 320, ...; at most 25 % internal fragmentation).  What nallocx and
 * mi_good_size return, without their call: a compare, a bit scan, a shift
 * and a mask.  Written for those builds of the libraries: each plugin's
 * heap_new checks it against the library it loaded (manual_classes_differ),
 * tests/peers against the allocator's lookup of real objects. */
static inline uint64_t manual_size_class(size_t n)
{
    if (n <= 128)
        return n <= 8 ? 8 : (n + 15) & ~(size_t)15;
    unsigned k = 63 - (unsigned)__builtin_clzll((unsigned long long)(n - 1));
    size_t step = (size_t)1 << (k - 2);
    return (n + step - 1) & ~(step - 1);
}

/* heap_new: the first request size n in [1, max) where manual_size_class
 * and the allocator's own class lookup (mi_good_size, nallocx; ctx is
 * passed through) disagree, 0 when they agree on all of them.  Both are
 * non-decreasing in n, so agreeing at both ends of every class of the rule
 * means agreeing everywhere: two lookups per class (about a hundred below
 * 64 KiB), not one per size. */
static inline size_t manual_classes_differ(uint64_t (*lookup)(size_t, void *), void *ctx, size_t max)
{
    for (size_t n = 1; n < max;) {
        uint64_t c = manual_size_class(n);
        size_t end = c < max ? (size_t)c : max - 1; /* last size of this class below max */
        if (lookup(n, ctx) != c)
            return n;
        if (lookup(end, ctx) != c)
            return end;
        n = end + 1;
    }
    return 0;
}

/* Debug builds (GCB_MANUAL_CHECK_SIZES: the debug, asan and tsan presets)
 * check every free: call manual_check_size only under `if
 * (manual_check_sizes)`, so other builds drop the call and the allocator
 * lookup passed to it (an external call the compiler cannot drop by
 * itself: it cost a usable-size lookup per free in release builds). */
#ifdef GCB_MANUAL_CHECK_SIZES
enum { manual_check_sizes = 1 };
#else
enum { manual_check_sizes = 0 };
#endif

/* The size counted for p, computed from the byte count the workload
 * passed, must be the allocator's usable size for p, or at most `slack`
 * bytes below it (glibc hands out a chunk up to 16 bytes larger than the
 * request needs when the rest would be too small to split off), else the
 * workload passed a wrong size and the accounting would drift: abort
 * naming it. */
static inline void manual_check_size(const char *who, const void *p, size_t bytes, uint64_t counted,
                                     uint64_t usable, uint64_t slack)
{
    if (counted > usable || usable - counted > slack) {
        fprintf(stderr,
                "%s: object %p freed with a size of %zu bytes, which counts %llu bytes, but the "
                "allocator's usable size is %llu: gcb_free_sized/gcb_dead must be passed the size "
                "the object was allocated with\n",
                who, p, bytes, (unsigned long long)counted, (unsigned long long)usable);
        abort();
    }
}

/* Fills heap_bytes, peak_live_bytes and freed_explicit_bytes of s.  Any
 * thread. */
static inline void manual_stats_bytes(manual_bytes *b, gcb_heap_stats *s)
{
    pthread_mutex_lock(&b->lock);
    uint64_t allocated = b->retired_allocated, freed = b->retired_freed, peak = b->retired_high;
    for (manual_counts *c = b->attached; c != NULL; c = c->next) {
        allocated += atomic_load_explicit(&c->allocated, memory_order_relaxed);
        freed += atomic_load_explicit(&c->freed, memory_order_relaxed);
        int64_t high = atomic_load_explicit(&c->high, memory_order_relaxed);
        peak += high > 0 ? (uint64_t)high : 0;
    }
    pthread_mutex_unlock(&b->lock);
    s->heap_bytes = allocated > freed ? allocated - freed : 0;
    s->peak_live_bytes = peak > s->heap_bytes ? peak : s->heap_bytes;
    s->freed_explicit_bytes = freed;
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
