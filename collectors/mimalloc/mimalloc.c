/* mimalloc.c - manual-memory baseline on mimalloc (Debian libmimalloc).
 *
 * Like the `malloc` baseline, nothing is collected: an object is freed only
 * when the workload says it is dead (free_sized, dead).  Each mutator
 * allocates from its own first-class mimalloc heap (mi_heap_new on its
 * thread; mimalloc heaps serve only their owning thread), frees go through
 * mi_free from any thread.  At detach the mutator's heap is deleted with
 * mi_heap_delete, which hands its still-live blocks to the thread's default
 * heap, so objects other mutators still hold stay valid.
 *
 * Only mimalloc's own entry points are called (mi_*), never malloc.
 * Debian's libmimalloc.so.2 does export malloc/free/calloc/realloc (it is
 * built to override); the plugin is dlopen()ed RTLD_LOCAL, so those
 * definitions never enter the global symbol scope and the harness keeps
 * glibc's malloc (tests/peers checks this).  This file's own bookkeeping
 * structs come from calloc, which resolves to glibc for the same reason.
 * mimalloc's process-wide state (its segment cache, options, statistics)
 * is global to the library and shared by every heap in the process.
 *
 * Accounting: the manual_bytes invariant and concurrency rule of
 * collectors/manual.h.  The usable size is mimalloc's bin size for the
 * requested size, computed inline from its bin rule (manual_size_class in
 * manual.h: what mi_good_size returns, without its call; heap_new checks
 * the two agree on every bin) below SMALL_MAX, and
 * mi_usable_size() of the object at and above it (huge blocks are rounded
 * to what their segment gives); tests/peers checks the rule against
 * mi_usable_size at every bin boundary, and debug builds check it at every
 * free.  Release builds make no mimalloc call per pair beyond
 * mi_heap_zalloc and mi_free.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <mimalloc.h>
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

typedef struct mi_mutator {
    gcb_mutator base;   /* must be first */
    mi_heap_t *mheap;   /* this thread's mimalloc heap */
    manual_counts counts; /* this thread's byte counts (manual.h) */
} mi_mutator;

static const gcb_collector table;

/* Requests of SMALL_MAX bytes or more are looked up (see the head). */
#define SMALL_MAX ((size_t)64 << 10)

/* mimalloc's own lookup of the bin size, for manual_classes_differ. */
static uint64_t good_size(size_t bytes, void *ctx) { return mi_good_size(bytes); }

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out,
                    char *err, size_t errlen)
{
    gcb_heap *h = calloc(1, sizeof *h);
    if (h == NULL) {
        snprintf(err, errlen, "mimalloc: out of memory for the heap");
        return ENOMEM;
    }
    int rc = manual_init(&h->bytes);
    if (rc != 0) {
        free(h);
        snprintf(err, errlen, "mimalloc: cannot create the heap lock: %s", strerror(rc));
        return rc;
    }
    size_t bad = manual_classes_differ(good_size, NULL, SMALL_MAX);
    if (bad != 0) {
        snprintf(err, errlen,
                 "mimalloc: libmimalloc's bin for %zu bytes is %zu bytes, the size-class rule "
                 "(collectors/manual.h manual_size_class) gives %llu: this libmimalloc was built "
                 "with other bins",
                 bad, mi_good_size(bad), (unsigned long long)manual_size_class(bad));
        manual_destroy(&h->bytes);
        free(h);
        return ENOTSUP;
    }
    h->host = host;
    *out = h;
    return 0;
}

/* Objects never declared dead are leaked, like a C program that exits
 * without freeing; the run's process ends right after. */
static void heap_free(gcb_heap *h)
{
    manual_destroy(&h->bytes);
    free(h);
}

static int mutator_attach(gcb_heap *h, gcb_mutator **out)
{
    mi_mutator *mm = calloc(1, sizeof *mm);
    if (mm == NULL)
        return ENOMEM;
    mm->mheap = mi_heap_new();
    if (mm->mheap == NULL) {
        free(mm);
        return ENOMEM;
    }
    gcb_mutator *m = &mm->base;
    m->gc = &table;
    m->heap = h;
    m->alloc_kind = GCB_ALLOC_SLOW;
    m->inline_max = 0;
    m->write_barrier = &h->barrier_off;
    m->frames = NULL;
    manual_attach(&h->bytes, &mm->counts);
    *out = m;
    return 0;
}

static void mutator_detach(gcb_mutator *m)
{
    mi_mutator *mm = (mi_mutator *)m;
    mi_heap_delete(mm->mheap); /* live blocks move to the default heap */
    manual_detach(&m->heap->bytes, &mm->counts);
    free(mm);
}

/* alloc and release keep requests of SMALL_MAX bytes or more (looked up)
 * in functions of their own, so the common path makes no call but the
 * allocator's and needs no stack frame around it. */
static __attribute__((noinline, cold)) void *alloc_large(mi_mutator *mm, size_t bytes)
{
    void *p = mi_heap_zalloc(mm->mheap, bytes);
    if (p != NULL)
        manual_allocated(&mm->counts, mi_usable_size(p));
    return p;
}

static void *alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    mi_mutator *mm = (mi_mutator *)m;
    if (__builtin_expect(bytes >= SMALL_MAX, 0))
        return alloc_large(mm, bytes);
    /* Counted before the call, so the call is the last thing done (a
     * jump, no frame).  NULL (out of memory) fails the run, whose figures
     * then count this one object too many. */
    manual_allocated(&mm->counts, manual_size_class(bytes));
    return mi_heap_zalloc(mm->mheap, bytes);
}

static __attribute__((noinline, cold)) void release_large(mi_mutator *mm, void *p)
{
    manual_freed(&mm->counts, mi_usable_size(p));
    mi_free(p);
}

/* p (allocated with `bytes`, by any mutator) is freed on m's thread. */
static inline __attribute__((always_inline)) void release(gcb_mutator *m, void *p, size_t bytes)
{
    mi_mutator *mm = (mi_mutator *)m;
    if (p == NULL)
        return;
    if (__builtin_expect(bytes >= SMALL_MAX, 0)) {
        release_large(mm, p);
        return;
    }
    uint64_t n = manual_size_class(bytes);
    if (manual_check_sizes)
        manual_check_size("mimalloc", p, bytes, n, mi_usable_size(p), 0);
    manual_freed(&mm->counts, n);
    mi_free(p);
}

/* free_sized and dead: both free p (the table holds this one function for
 * both, so a dead hint is not a jump to a jump). */
static void free_sized(gcb_mutator *m, void *p, size_t bytes) { release(m, p, bytes); }

static void stats(gcb_heap *h, gcb_heap_stats *out)
{
    gcb_heap_stats s = {0};
    manual_stats_bytes(&h->bytes, &s);
    /* Memory mimalloc has committed, process-wide (every mimalloc user in
     * the process; in a run's child that is this plugin alone). */
    size_t commit = 0;
    mi_process_info(NULL, NULL, NULL, NULL, NULL, &commit, NULL, NULL);
    s.mapped_bytes = commit;
    manual_stats_out(out, &s);
}

static const gcb_collector table = {
    .abi = GCB_ABI_VERSION,
    .size = sizeof(gcb_collector),
    .name = "mimalloc",
    .description = "manual memory: mimalloc (per-mutator mi_heap, mi_free), frees only "
                   "objects hinted dead (free_sized, dead)",
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
