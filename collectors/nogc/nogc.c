/* nogc.c - the no-collection baseline (GOGC=off).
 *
 * Bump allocation from large mmap'd chunks; nothing is ever freed.  This is
 * the upper bound on allocation speed and the lower bound on memory
 * efficiency that every collector is compared against.
 *
 * Layers:
 * - chunk: `chunk_bytes` of fresh anonymous memory (zero, so the inline
 *   BUMP path in mutator.h needs no memset).  The heap carves runs and
 *   medium objects from the current chunk under `lock`.
 * - run: RUN_BYTES owned by one mutator, bumped inline by gcb_alloc()
 *   through [m->bump, m->bump_limit).  The slow path takes a fresh run.
 * - huge objects (> chunk_bytes / 4) get a mapping of their own.
 *
 * Accounting invariant: heap_bytes counts every byte handed to a mutator,
 * whole runs included when they are handed out (so it may exceed what the
 * workload asked for by at most one run per mutator plus rounding);
 * mapped_bytes counts every byte mapped.  Both only grow.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gcb/collector.h"
#include "../manual.h"

#define RUN_BYTES ((size_t)256 << 10) /* bytes per mutator run */

typedef struct mapping {
    struct mapping *next; /* next older mapping */
    void *base;           /* start of the mmap'd range */
    size_t bytes;         /* length of the range */
} mapping;

struct gcb_heap {
    const gcb_host *host;
    size_t chunk_bytes;        /* bytes per chunk (option `chunk`) */
    size_t huge_bytes;         /* requests above this get their own mapping */
    pthread_mutex_t lock;      /* guards cur, cur_limit, maps */
    char *cur;                 /* next free byte of the current chunk */
    char *cur_limit;           /* end of the current chunk */
    mapping *maps;             /* every mapping, to unmap at heap_free */
    _Atomic uint64_t heap_bytes;   /* bytes handed out; see the invariant above */
    _Atomic uint64_t mapped_bytes; /* bytes mapped */
    _Atomic uint32_t barrier_off;  /* always 0: the barrier is never needed */
};

typedef struct nogc_mutator {
    gcb_mutator base; /* must be first */
} nogc_mutator;

static const gcb_collector table;

static const gcb_option_desc options[] = {
    {"chunk", GCB_OPT_BYTES, "64MiB",
     "bytes mapped at a time; mutators carve 256 KiB runs from it",
     1 << 20, 1 << 30, NULL, NULL},
};

/* Map `bytes` of fresh zero memory and remember it.  Called with h->lock held. */
static void *map(gcb_heap *h, size_t bytes)
{
    mapping *rec = malloc(sizeof *rec);
    if (rec == NULL)
        return NULL;
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        free(rec);
        return NULL;
    }
    rec->base = p;
    rec->bytes = bytes;
    rec->next = h->maps;
    h->maps = rec;
    atomic_fetch_add_explicit(&h->mapped_bytes, bytes, memory_order_relaxed);
    return p;
}

/* `n` bytes (a multiple of 8, n <= huge_bytes) from the current chunk,
 * starting a new chunk when the current one is too short (its tail is
 * wasted).  NULL when the system is out of memory. */
static void *carve(gcb_heap *h, size_t n)
{
    pthread_mutex_lock(&h->lock);
    if ((size_t)(h->cur_limit - h->cur) < n) {
        char *c = map(h, h->chunk_bytes);
        if (c == NULL) {
            pthread_mutex_unlock(&h->lock);
            return NULL;
        }
        h->cur = c;
        h->cur_limit = c + h->chunk_bytes;
    }
    char *p = h->cur;
    h->cur += n;
    pthread_mutex_unlock(&h->lock);
    atomic_fetch_add_explicit(&h->heap_bytes, n, memory_order_relaxed);
    return p;
}

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out,
                    char *err, size_t errlen)
{
    gcb_heap *h = calloc(1, sizeof *h);
    if (h == NULL) {
        snprintf(err, errlen, "nogc: out of memory for the heap");
        return ENOMEM;
    }
    h->host = host;
    h->chunk_bytes = ((size_t)opts[0].i + 4095) & ~(size_t)4095;
    h->huge_bytes = h->chunk_bytes / 4;
    pthread_mutex_init(&h->lock, NULL);
    *out = h;
    return 0;
}

static void heap_free(gcb_heap *h)
{
    mapping *rec = h->maps;
    while (rec != NULL) {
        mapping *next = rec->next;
        munmap(rec->base, rec->bytes);
        free(rec);
        rec = next;
    }
    pthread_mutex_destroy(&h->lock);
    free(h);
}

static int mutator_attach(gcb_heap *h, gcb_mutator **out)
{
    nogc_mutator *nm = calloc(1, sizeof *nm);
    if (nm == NULL)
        return ENOMEM;
    gcb_mutator *m = &nm->base;
    m->gc = &table;
    m->heap = h;
    m->alloc_kind = GCB_ALLOC_BUMP;
    m->inline_max = GCB_INLINE_MAX;
    m->bump = NULL;       /* empty run: the first allocation takes the slow path */
    m->bump_limit = NULL;
    m->write_barrier = &h->barrier_off;
    *out = m;
    return 0;
}

static void mutator_detach(gcb_mutator *m)
{
    free((nogc_mutator *)m);
}

/* Slow path: a fresh run for small requests, the chunk (or a mapping of
 * its own) for larger ones.  The counters were updated by gcb_alloc. */
static void *alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    gcb_heap *h = m->heap;
    size_t n = (bytes + 7) & ~(size_t)7;
    if (n < bytes)
        return NULL; /* overflow */
    if (n <= m->inline_max) {
        char *run = carve(h, RUN_BYTES);
        if (run == NULL)
            return NULL;
        m->bump = run + n;
        m->bump_limit = run + RUN_BYTES;
        return run;
    }
    if (n <= h->huge_bytes)
        return carve(h, n);
    size_t len = (n + 4095) & ~(size_t)4095;
    pthread_mutex_lock(&h->lock);
    void *p = map(h, len);
    pthread_mutex_unlock(&h->lock);
    if (p != NULL)
        atomic_fetch_add_explicit(&h->heap_bytes, len, memory_order_relaxed);
    return p;
}

static void stats(gcb_heap *h, gcb_heap_stats *out)
{
    gcb_heap_stats s = {0};
    s.heap_bytes = atomic_load_explicit(&h->heap_bytes, memory_order_relaxed);
    s.mapped_bytes = atomic_load_explicit(&h->mapped_bytes, memory_order_relaxed);
    s.peak_live_bytes = s.heap_bytes; /* never marks; heap_bytes only grows */
    manual_stats_out(out, &s);
}

static const gcb_collector table = {
    .abi = GCB_ABI_VERSION,
    .size = sizeof(gcb_collector),
    .name = "nogc",
    .description = "no collection (GOGC=off): bump allocation from mmap'd chunks, never frees",
    .caps = 0,
    .noptions = sizeof options / sizeof options[0],
    .options = options,
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
    .collect = manual_collect,   /* GOGC=off: no cycle */
    .stats = stats,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
