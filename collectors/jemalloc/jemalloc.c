/* jemalloc.c - manual-memory baseline on jemalloc (Debian libjemalloc).
 *
 * Like the `malloc` baseline, nothing is collected: an object is freed only
 * when the workload says it is dead (free_sized, dead).  Every object comes
 * from one jemalloc arena created for this heap (arenas.create), through the
 * non-standard API: mallocx(MALLOCX_ZERO | MALLOCX_ARENA), and sdallocx for
 * both hints (sized deallocation is exactly free_sized; `bytes` is the size
 * the object was requested with, which sdallocx accepts).  heap_free
 * destroys the arena, returning every object at once.
 *
 * libjemalloc is not linked but dlopen()ed by heap_new (RTLD_NOW |
 * RTLD_LOCAL | RTLD_NODELETE) and called through the pointers in the heap:
 * Debian's libjemalloc.so.2 uses initial-exec TLS (2.6 KB, DT_FLAGS
 * STATIC_TLS), more than glibc's default surplus for libraries loaded after
 * start, so loading it fails with "cannot allocate memory in static TLS
 * block" unless the process was started with GLIBC_TUNABLES=
 * glibc.rtld.optional_static_tls=16384 (or more).  Loading it late keeps
 * the plugin itself loadable (gcbench list shows it) and turns the failure
 * into a heap_new error that says what to set.  It is never unloaded: its
 * thread-specific-data destructors must outlive every thread.
 *
 * Debian's libjemalloc.so.2 is built to replace malloc: it exports malloc,
 * free, calloc ... under their standard names.  The harness dlopen()s this
 * plugin RTLD_NOW | RTLD_LOCAL into a child that is already running, so
 * those definitions stay out of the global symbol scope: the harness (and
 * this file's own calloc/free for its bookkeeping, which are looked up in
 * the global scope first) keep glibc's malloc; only the explicit *allocx
 * calls reach jemalloc.  tests/peers checks this.  jemalloc's state (arenas,
 * thread caches, background threads) is global to the library.
 *
 * Accounting: the manual_bytes invariant and concurrency rule of
 * collectors/manual.h; the usable size is jemalloc's size class of the
 * requested size, at allocation and at free, computed inline from its
 * class rule below SMALL_MAX (manual_size_class: what nallocx returns,
 * without its call; heap_new checks the two agree on every class) and by
 * nallocx at and above it.  It equals sallocx of the object: tests/peers
 * checks that at every class boundary, debug builds at every free.  The
 * free is sdallocx with the requested size, so jemalloc skips its own
 * lookup too.  Release builds make no jemalloc call per pair beyond
 * mallocx and sdallocx.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dlfcn.h>
#include <jemalloc/jemalloc.h> /* MALLOCX_* flags only: calls go through je_api */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcb/collector.h"
#include "../manual.h"

/* The entry points used, resolved from the library at heap_new. */
typedef struct je_api {
    void *(*mallocx)(size_t size, int flags);
    void (*sdallocx)(void *ptr, size_t size, int flags);
    size_t (*sallocx)(const void *ptr, int flags);
    size_t (*nallocx)(size_t size, int flags);
    int (*mallctl)(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);
} je_api;

#define JE_LIBRARY "libjemalloc.so.2"
#define JE_TUNABLE "GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384"

struct gcb_heap {
    const gcb_host *host;
    je_api je;                      /* jemalloc's entry points */
    unsigned arena;                 /* this heap's jemalloc arena index */
    int flags;                      /* mallocx flags: zeroed, from `arena` */
    manual_bytes bytes;             /* sums of the mutators' counts (manual.h) */
    _Atomic uint32_t barrier_off;   /* always 0: no barrier */
};

typedef struct je_mutator {
    gcb_mutator base;     /* must be first */
    manual_counts counts; /* this thread's byte counts (manual.h) */
} je_mutator;

static const gcb_collector table;

static int link_library(je_api *je, char *err, size_t errlen)
{
    void *dl = dlopen(JE_LIBRARY, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (dl == NULL) {
        const char *why = dlerror();
        snprintf(err, errlen, "jemalloc: cannot load %s: %s%s", JE_LIBRARY, why ? why : "?",
                 why != NULL && strstr(why, "static TLS") != NULL
                     ? " (start the process with " JE_TUNABLE ")" : "");
        return ELIBACC;
    }
    *(void **)&je->mallocx = dlsym(dl, "mallocx");
    *(void **)&je->sdallocx = dlsym(dl, "sdallocx");
    *(void **)&je->sallocx = dlsym(dl, "sallocx");
    *(void **)&je->nallocx = dlsym(dl, "nallocx");
    *(void **)&je->mallctl = dlsym(dl, "mallctl");
    if (!je->mallocx || !je->sdallocx || !je->sallocx || !je->nallocx || !je->mallctl) {
        snprintf(err, errlen, "jemalloc: %s lacks mallocx/sdallocx/sallocx/nallocx/mallctl",
                 JE_LIBRARY);
        return ELIBBAD;
    }
    return 0;
}

/* Requests of SMALL_MAX bytes or more are sized by nallocx (a rare path,
 * beside an allocation that costs far more). */
#define SMALL_MAX ((size_t)64 << 10)

/* jemalloc's own lookup of the class, for manual_classes_differ. */
static uint64_t nalloc_size(size_t bytes, void *ctx)
{
    return ((const je_api *)ctx)->nallocx(bytes, 0);
}

/* The class of a request of SMALL_MAX bytes or more: out of line, so the
 * common paths of alloc and release make no call but the allocator's. */
static __attribute__((noinline, cold)) uint64_t large_size(const gcb_heap *h, size_t bytes)
{
    return h->je.nallocx(bytes, h->flags);
}

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out,
                    char *err, size_t errlen)
{
    gcb_heap *h = calloc(1, sizeof *h);
    if (h == NULL) {
        snprintf(err, errlen, "jemalloc: out of memory for the heap");
        return ENOMEM;
    }
    int rc = link_library(&h->je, err, errlen);
    if (rc != 0) {
        free(h);
        return rc;
    }
    size_t bad = manual_classes_differ(nalloc_size, &h->je, SMALL_MAX);
    if (bad != 0) {
        snprintf(err, errlen,
                 "jemalloc: %s's size class for %zu bytes is %zu bytes, the size-class rule "
                 "(collectors/manual.h manual_size_class) gives %llu: this jemalloc was built "
                 "with other size classes",
                 JE_LIBRARY, bad, h->je.nallocx(bad, 0), (unsigned long long)manual_size_class(bad));
        free(h);
        return ENOTSUP;
    }
    size_t len = sizeof h->arena;
    rc = h->je.mallctl("arenas.create", &h->arena, &len, NULL, 0);
    if (rc != 0) {
        snprintf(err, errlen, "jemalloc: mallctl(\"arenas.create\") failed: %s", strerror(rc));
        free(h);
        return rc;
    }
    rc = manual_init(&h->bytes);
    if (rc != 0) {
        snprintf(err, errlen, "jemalloc: cannot create the heap lock: %s", strerror(rc));
        free(h);
        return rc;
    }
    h->host = host;
    h->flags = MALLOCX_ZERO | MALLOCX_ARENA(h->arena);
    *out = h;
    return 0;
}

/* Destroy the arena: every object not freed goes at once.  Each mutator
 * flushed its thread cache at detach, as arena.<i>.destroy requires. */
static void heap_free(gcb_heap *h)
{
    char name[64];
    snprintf(name, sizeof name, "arena.%u.destroy", h->arena);
    int rc = h->je.mallctl(name, NULL, NULL, NULL, 0);
    if (rc != 0)
        h->host->log(h->host->ctx, "mallctl(\"%s\") failed: %s", name, strerror(rc));
    manual_destroy(&h->bytes);
    free(h);
}

static int mutator_attach(gcb_heap *h, gcb_mutator **out)
{
    je_mutator *jm = calloc(1, sizeof *jm);
    if (jm == NULL)
        return ENOMEM;
    gcb_mutator *m = &jm->base;
    m->gc = &table;
    m->heap = h;
    m->alloc_kind = GCB_ALLOC_SLOW;
    m->inline_max = 0;
    m->write_barrier = &h->barrier_off;
    m->frames = NULL;
    manual_attach(&h->bytes, &jm->counts);
    *out = m;
    return 0;
}

static void mutator_detach(gcb_mutator *m)
{
    /* Cached slots of the heap's arena must not outlive it (heap_free). */
    m->heap->je.mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
    manual_detach(&m->heap->bytes, &((je_mutator *)m)->counts);
    free((je_mutator *)m);
}

/* Allocations of SMALL_MAX bytes or more: out of line, so the common path
 * needs no stack frame. */
static __attribute__((noinline, cold)) void *alloc_large(gcb_mutator *m, size_t bytes)
{
    gcb_heap *h = m->heap;
    void *p = h->je.mallocx(bytes, h->flags);
    if (p != NULL)
        manual_allocated(&((je_mutator *)m)->counts, large_size(h, bytes));
    return p;
}

static void *alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    gcb_heap *h = m->heap;
    if (__builtin_expect(bytes >= SMALL_MAX, 0))
        return alloc_large(m, bytes);
    /* The size class mallocx uses, computed without a pointer lookup, and
     * counted before the call so the call is the last thing done (a jump,
     * no frame).  NULL (out of memory) fails the run, whose figures then
     * count this one object too many. */
    manual_allocated(&((je_mutator *)m)->counts, manual_size_class(bytes));
    return h->je.mallocx(bytes, h->flags);
}

/* Count the n bytes of p (allocated with `bytes`) freed and free it. */
static inline __attribute__((always_inline)) void count_free(gcb_mutator *m, void *p, size_t bytes,
                                                             uint64_t n)
{
    gcb_heap *h = m->heap;
    /* A size outside [requested, usable] would be undefined behaviour in
     * sdallocx: the mutator API's contract (the allocation's size) rules it
     * out, and debug builds check it here before freeing. */
    if (manual_check_sizes)
        manual_check_size("jemalloc", p, bytes, n, h->je.sallocx(p, 0), 0);
    manual_freed(&((je_mutator *)m)->counts, n);
    h->je.sdallocx(p, bytes, 0);
}

static __attribute__((noinline, cold)) void release_large(gcb_mutator *m, void *p, size_t bytes)
{
    count_free(m, p, bytes, large_size(m->heap, bytes));
}

/* p (allocated with `bytes`, by any mutator) is freed on m's thread; the
 * common path needs no stack frame (release_large has the call). */
static inline __attribute__((always_inline)) void release(gcb_mutator *m, void *p, size_t bytes)
{
    if (p == NULL)
        return;
    if (__builtin_expect(bytes >= SMALL_MAX, 0))
        release_large(m, p, bytes);
    else
        count_free(m, p, bytes, manual_size_class(bytes));
}

/* free_sized and dead: both free p (the table holds this one function for
 * both, so a dead hint is not a jump to a jump). */
static void free_sized(gcb_mutator *m, void *p, size_t bytes) { release(m, p, bytes); }

static void stats(gcb_heap *h, gcb_heap_stats *out)
{
    gcb_heap_stats s = {0};
    manual_stats_bytes(&h->bytes, &s);
    /* Pages jemalloc has mapped for the whole process ("stats.mapped"; the
     * figures refresh when the epoch is bumped).  In a run's child only this
     * plugin allocates from jemalloc. */
    uint64_t epoch = 1;
    size_t mapped = 0, len = sizeof mapped;
    if (h->je.mallctl("epoch", NULL, NULL, &epoch, sizeof epoch) == 0 &&
        h->je.mallctl("stats.mapped", &mapped, &len, NULL, 0) == 0)
        s.mapped_bytes = mapped;
    manual_stats_out(out, &s);
}

static const gcb_collector table = {
    .abi = GCB_ABI_VERSION,
    .size = sizeof(gcb_collector),
    .name = "jemalloc",
    .description = "manual memory: jemalloc mallocx/sdallocx in an arena of its own, frees "
                   "only objects hinted dead (free_sized, dead)",
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
