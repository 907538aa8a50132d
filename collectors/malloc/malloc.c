/* malloc.c - the manual-memory baseline: glibc malloc and free.
 *
 * Every allocation is calloc(); nothing is collected.  An object is freed
 * only when the workload says it is dead, through free_sized (runtime.freegc)
 * or dead (the oracle hint).  With a workload that reports every death this
 * is the lower bound on memory and the cost of explicit management.
 *
 * Accounting: the manual_bytes invariant and concurrency rule of
 * collectors/manual.h.  The usable size is glibc's chunk rule applied to
 * the requested size (chunk_usable below), checked against
 * malloc_usable_size() by tests/peers and, in debug builds, at every free.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h> /* malloc_usable_size */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcb/collector.h"
#include "../manual.h"

struct gcb_heap {
    const gcb_host *host;
    manual_bytes bytes;             /* sums of the mutators' counts (manual.h) */
    _Atomic uint32_t barrier_off;   /* always 0: no barrier */
};

typedef struct malloc_mutator {
    gcb_mutator base;     /* must be first */
    manual_counts counts; /* this thread's byte counts (manual.h) */
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
    int rc = manual_init(&h->bytes);
    if (rc != 0) {
        free(h);
        snprintf(err, errlen, "malloc: cannot create the heap lock: %s", strerror(rc));
        return rc;
    }
    h->host = host;
    *out = h;
    return 0;
}

/* Objects the workload never declared dead are leaked, like any C program
 * that exits without freeing; the run's process ends right after. */
static void heap_free(gcb_heap *h)
{
    manual_destroy(&h->bytes);
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
    manual_attach(&h->bytes, &mm->counts);
    *out = m;
    return 0;
}

static void mutator_detach(gcb_mutator *m)
{
    malloc_mutator *mm = (malloc_mutator *)m;
    manual_detach(&m->heap->bytes, &mm->counts);
    free(mm);
}

/* glibc's chunks (x86-64, 2.26+): a chunk is the request plus one 8-byte
 * size word, rounded up to 16, at least 32 bytes; the usable size is the
 * chunk less that word.  That is the size class counted: glibc may hand
 * out a chunk 16 bytes larger when the remainder of the free chunk it
 * splits would be under its 32-byte minimum, and those 16 bytes are not
 * counted (SLACK).  Requests of SMALL_MAX bytes or more may be mmapped
 * (the mmap threshold moves between 128 KiB and 32 MiB), so they are
 * looked up; below it glibc never maps a chunk of its own. */
#define SLACK 31
#define SMALL_MAX ((size_t)64 << 10)

/* Under a sanitizer, malloc is the sanitizer's allocator, whose usable
 * size is the request: there the object is looked up. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED_MALLOC 1
#else
#define SANITIZED_MALLOC 0
#endif

/* Is the usable size of a `bytes` request looked up in the object? */
static inline int looked_up(size_t bytes)
{
    return SANITIZED_MALLOC || __builtin_expect(bytes >= SMALL_MAX, 0);
}

/* glibc's usable size for a request of `bytes` (not looked_up). */
static inline uint64_t chunk_usable(size_t bytes)
{
    size_t chunk = (bytes + 8 + 15) & ~(size_t)15;
    return (chunk < 32 ? 32 : chunk) - 8;
}

/* Allocations of looked-up sizes: out of line, like release_large. */
static __attribute__((noinline, cold)) void *alloc_large(gcb_mutator *m, size_t bytes)
{
    void *p = calloc(1, bytes);
    if (p != NULL)
        manual_allocated(&((malloc_mutator *)m)->counts, malloc_usable_size(p));
    return p;
}

static void *alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    if (looked_up(bytes))
        return alloc_large(m, bytes);
    /* Counted before the call, so the call is the last thing done (a
     * jump, no frame).  NULL (out of memory) fails the run, whose figures
     * then count this one object too many. */
    manual_allocated(&((malloc_mutator *)m)->counts, chunk_usable(bytes));
    return calloc(1, bytes);
}

/* Frees of looked-up objects: out of line, so the common path of release
 * makes no call but free() and needs no stack frame. */
static __attribute__((noinline, cold)) void release_large(gcb_mutator *m, void *p)
{
    manual_freed(&((malloc_mutator *)m)->counts, malloc_usable_size(p));
    free(p);
}

/* p (allocated with `bytes`, by any mutator) is freed on m's thread. */
static inline __attribute__((always_inline)) void release(gcb_mutator *m, void *p, size_t bytes)
{
    if (p == NULL)
        return;
    if (looked_up(bytes)) {
        release_large(m, p);
        return;
    }
    uint64_t n = chunk_usable(bytes);
    if (manual_check_sizes)
        manual_check_size("malloc", p, bytes, n, malloc_usable_size(p), SLACK);
    manual_freed(&((malloc_mutator *)m)->counts, n);
    free(p);
}

/* free_sized and dead: both free p (the table holds this one function for
 * both, so a dead hint is not a jump to a jump). */
static void free_sized(gcb_mutator *m, void *p, size_t bytes) { release(m, p, bytes); }

static void stats(gcb_heap *h, gcb_heap_stats *out)
{
    gcb_heap_stats s = {0};
    manual_stats_bytes(&h->bytes, &s);
    /* glibc's own footprint is not asked for: mallinfo2() takes the arena
     * locks and consolidates the fastbins, which at the RSS sampler's rate
     * slowed binarytrees threefold.  RSS shows the real footprint. */
    s.mapped_bytes = s.heap_bytes;
    manual_stats_out(out, &s);
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
    .write_barrier = manual_write_barrier, /* never called: barrier_off stays 0 */
    .safepoint = manual_safepoint,
    .blocking_enter = manual_blocking_enter,
    .blocking_exit = manual_blocking_exit,
    .add_root = manual_add_root, /* nothing is ever scanned */
    .collect = manual_collect,
    .stats = stats,
    .free_sized = free_sized,
    .dead = free_sized,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
