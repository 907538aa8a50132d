/* micro.c - gcbench-micro: the fast paths of every collector plugin, timed
 * by Google Benchmark through the C wrapper (gbench.h).
 *
 * Every *.so in the plugin dir ($GCBENCH_PLUGIN_DIR, else the build's
 * GCB_PLUGIN_DIR) is opened and checked by the harness loader (loader.c,
 * compiled in; options.c fills the defaults) and gets one benchmark per
 * case below, named <case>/<collector>[/<bytes>] so a sorted listing
 * groups the collectors of one case.  A plugin's heap is created, with its
 * options at their defaults, the first time one of its benchmarks runs, on
 * the benchmark thread (Google Benchmark runs single-threaded benchmarks on
 * the main thread, which boehm requires); its one mutator stays attached
 * until exit.  The host is minimal: events are ignored, spawn is
 * pthread_create, log goes to stderr.
 *
 * Bounded memory: nothing is ever rooted unless the case needs it, so
 * - collecting collectors (GCB_CAP_COLLECTS) reclaim what the loop drops;
 * - manual baselines (GCB_CAP_MANUAL with GCB_CAP_DEAD) get every object
 *   back through gcb_dead in the timed loop; their cases are named
 *   "<case>+free" because the figure is an allocate/free pair;
 * - anything else (nogc) has its heap freed and created again, untimed
 *   (gbench_pause), once its mutator allocated RESET_BYTES; the label says
 *   so.  The page faults of fresh memory stay in the timed figure.
 *
 * Collecting collectors' figures are steady-state costs: the GC cycles the
 * loop triggers (reported in counter gc_cycles) run inside the timed loop,
 * on this thread or on the collector's own threads.
 *
 * alloc-inline/<collector>/<bytes> times gcb_alloc_inline (mutator.h), the
 * inline path alone, from a warm cache: each timed chunk allocates until
 * the bump run or the class's span cache is empty (at most the iterations
 * left), then one gcb_alloc refills it untimed.  The time is manual
 * (gbench_set_iteration_time): TSC ticks around each chunk (opclock.h),
 * less the clock's own cost per chunk (the fastest of 1000 empty pairs, so
 * the figure errs high, never low); a chunk is a whole span (32 objects of
 * 256 B, 128 of 64 B) or a 256 KiB bump run, so the correction is small.
 * Only collectors whose mutator has an inline path (alloc_kind not SLOW)
 * run it; the others skip with "n/a".  Refill allocations are counted
 * objects, not iterations; the loop drops every object (the collector
 * reclaims them during refills).
 *
 * bare/<allocator>/<bytes> is the reference for the manual baselines'
 * alloc+free cases: the allocator the plugin wraps, called in the same
 * loop with the same calls (calloc/free; mi_heap_zalloc on a heap of its
 * own/mi_free; mallocx zeroed from an arena of its own/sdallocx), no
 * plugin, no accounting.  mimalloc and jemalloc are dlopen()ed RTLD_LOCAL
 * and called through dlsym pointers (what a PLT call costs), so this
 * process keeps glibc's malloc.  alloc+free/X over bare/X is the plugin's
 * overhead.
 *
 * Environment: main restarts the process with the static TLS room the
 * jemalloc plugin needs when GLIBC_TUNABLES lacks it (statictls.h).
 *
 * Validation: every allocation is checked non-NULL and 8-byte aligned,
 * allocation cases check that the mutator's objects_allocated counter grew
 * by exactly the iterations run, the builder checks each finished string's
 * length and last piece, the map checks its count; a failure calls
 * gbench_skip_with_error, so a broken collector shows as an error, never as
 * a fast figure.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builder.h"
#include "gbench.h"
#include "gcb/mutator.h"
#include "lib/gomap.h"
#include "loader.h"
#include "child/opclock.h"
#include "options.h"
#include "common/statictls.h"

#define RESET_BYTES ((uint64_t)64 << 20) /* bytes a renewing heap's mutator allocates before renewal */
#define LARGE_BYTES ((size_t)1 << 20)    /* bytes of the large-allocation case */
#define STORE_SLOTS 64                   /* pointer slots the store case cycles through */
#define ARENA_OBJS 1024                  /* arena_alloc calls per arena before arena_free */
#define BUILDER_WRITES 100               /* writes per built string (builder workload default) */
#define BUILDER_PIECE 36                 /* bytes per write (the proposal's benchmark) */
#define MAP_KEYS 4096                    /* inserts per map before it is dropped */

/* Size classes of the small-allocation case: bytes. */
static const int64_t small_sizes[] = {8, 16, 32, 64, 128, 256, 512, 1024, 4096, 32768};
/* Sizes of the bare and alloc-inline cases: bytes. */
static const int64_t pair_sizes[] = {16, 64, 256};
/* Pointer-carrying sizes (type node: 16-byte elements, one pointer each). */
static const int64_t scan_sizes[] = {16, 64};

static const gcb_type node_type = {"node", 16, 1};
static const gcb_type slots_type = {"[]*T", 8, 1};

enum mode {
    M_COLLECT, /* the collector reclaims what the loop drops */
    M_MANUAL,  /* the loop hands each object to gcb_dead */
    M_RENEW    /* heap freed and created again every RESET_BYTES (untimed) */
};

typedef struct plugin {
    struct bench *benches;     /* registered cases (their user data), freed at exit */
    char name[64];             /* file name without .so */
    char path[4096];           /* file opened */
    void *dl;                  /* dlopen handle; never closed (mimalloc, jemalloc) */
    const gcb_collector *gc;   /* checked table */
    gcb_value *opts;           /* noptions defaults */
    gcb_host host;             /* ctx = this plugin */
    enum mode mode;
    gcb_heap *heap;            /* NULL until first use and after a failed renewal */
    gcb_mutator *m;            /* attached on the benchmark (main) thread */
    uint64_t objs_carry;       /* objects allocated by mutators detached at renewals */
    uint64_t renewals;         /* heaps renewed in M_RENEW */
    int broken;                /* heap_new or attach failed: msg says why */
    char msg[512];
} plugin;

enum kind {
    K_ALLOC_INLINE, K_ALLOC, K_ALLOC_SCAN, K_LARGE, K_STORE_OFF, K_STORE_ON, K_FREE_REALLOC,
    K_SCOPE, K_ARENA, K_BUILDER, K_MAP
};

typedef struct bench {
    plugin *p;
    enum kind kind;
    struct bench *next;        /* next case of the same plugin */
} bench;

/* ---- Host ----------------------------------------------------------------- */

static void host_event(void *ctx, const gcb_event *ev) {}

static int host_spawn(void *ctx, const char *name, void *(*fn)(void *), void *arg, pthread_t *out)
{
    int rc = pthread_create(out, NULL, fn, arg);
    if (rc == 0)
        pthread_setname_np(*out, name); /* truncation to 15 chars is the kernel's */
    return rc;
}

static void host_log(void *ctx, const char *fmt, ...)
{
    const plugin *p = ctx;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", p->name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static uint64_t host_now_ns(void *ctx)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Plugins -------------------------------------------------------------- */

/* Open and check one plugin with the harness loader (loader.c: entry
 * symbol, ABI, table size, required methods), options at their defaults
 * (options.c); 0 or an errno value with a message naming the file. */
static int plugin_open(plugin *p, const char *name, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    loader_plugin lp;
    int rc = loader_open(name, &lp, err, errlen);
    if (rc != 0)
        return rc;
    const gcb_collector *gc = lp.gc;
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->path, sizeof p->path, "%s", lp.path);
    p->dl = lp.dl;
    p->gc = gc;
    p->opts = calloc(gc->noptions ? gc->noptions : 1, sizeof *p->opts);
    if (p->opts == NULL) {
        snprintf(err, errlen, "%s: out of memory", p->path);
        return ENOMEM;
    }
    char owner[96];
    snprintf(owner, sizeof owner, "collector '%s'", gc->name);
    rc = opt_resolve(owner, gc->options, gc->noptions, NULL, 0, p->opts, err, errlen);
    if (rc != 0)
        return rc;
    if ((gc->caps & GCB_CAP_MANUAL) && GCB_HAS(gc, dead))
        p->mode = M_MANUAL;
    else if (gc->caps & GCB_CAP_COLLECTS)
        p->mode = M_COLLECT;
    else
        p->mode = M_RENEW;
    p->host = (gcb_host){
        .abi = GCB_ABI_VERSION, .size = sizeof(gcb_host), .ctx = p, .event = host_event,
        .spawn = host_spawn, .log = host_log, .now_ns = host_now_ns,
        .procs = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN), .mutators = 1};
    return 0;
}

static void heap_close(plugin *p)
{
    if (p->m != NULL) {
        p->objs_carry += p->m->objects_allocated;
        p->gc->mutator_detach(p->m);
        p->m = NULL;
    }
    if (p->heap != NULL) {
        p->gc->heap_free(p->heap);
        p->heap = NULL;
    }
}

/* Create the heap and attach the calling thread; 0, or -1 with p->msg set
 * (and p->broken: a heap that failed once is not retried). */
static int heap_open(plugin *p)
{
    char err[256] = "";
    int rc = p->gc->heap_new(&p->host, p->opts, &p->heap, err, sizeof err);
    if (rc != 0) {
        p->heap = NULL;
        snprintf(p->msg, sizeof p->msg, "%s: heap_new failed (%s): %s", p->name, strerror(rc), err);
        p->broken = 1;
        return -1;
    }
    rc = p->gc->mutator_attach(p->heap, &p->m);
    if (rc != 0) {
        p->m = NULL;
        snprintf(p->msg, sizeof p->msg, "%s: mutator_attach failed (%s)", p->name, strerror(rc));
        heap_close(p);
        p->broken = 1;
        return -1;
    }
    return 0;
}

/* The plugin's mutator, creating the heap on first use; NULL after
 * skipping the run with the reason. */
static gcb_mutator *ready(gbench_state *st, plugin *p)
{
    if (p->m == NULL && !p->broken)
        heap_open(p);
    if (p->m == NULL)
        gbench_skip_with_error(st, p->msg);
    return p->m;
}

static uint64_t objects(const plugin *p)
{
    return p->objs_carry + (p->m != NULL ? p->m->objects_allocated : 0);
}

/* M_RENEW: past RESET_BYTES, free the heap and make a new one, untimed.
 * The caller holds no heap pointer across the call.  Returns the new
 * mutator, or NULL after skipping the run. */
static gcb_mutator *renew(gbench_state *st, plugin *p)
{
    gbench_pause(st);
    heap_close(p);
    heap_open(p);
    p->renewals++;
    gbench_resume(st);
    if (p->m == NULL)
        gbench_skip_with_error(st, p->msg);
    return p->m;
}

static inline int renew_due(const plugin *p, const gcb_mutator *m)
{
    return p->mode == M_RENEW && m->bytes_allocated >= RESET_BYTES;
}

static void bad_pointer(gbench_state *st, const plugin *p, const char *what, const void *o,
                        size_t bytes)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s: %s of %zu bytes returned %p (want non-NULL, 8-byte aligned)",
             p->name, what, bytes, o);
    gbench_skip_with_error(st, msg);
}

static inline int bad(const void *o)
{
    return gcb_unlikely(o == NULL || ((uintptr_t)o & 7) != 0);
}

/* After an allocation case: did objects_allocated grow by one per iteration? */
static void check_count(gbench_state *st, const plugin *p, uint64_t before, uint64_t per_iter)
{
    uint64_t got = objects(p) - before, want = gbench_iterations(st) * per_iter;
    if (got != want) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s: objects_allocated grew by %llu over %llu iterations, want %llu",
                 p->name, (unsigned long long)got, (unsigned long long)gbench_iterations(st),
                 (unsigned long long)want);
        gbench_skip_with_error(st, msg);
    }
}

/* Completed GC cycles of the plugin's heap (its stats), read outside the
 * timed loop: the alloc cases of collecting collectors report how many
 * cycles their figure includes. */
static uint64_t gc_cycles(const plugin *p)
{
    gcb_heap_stats hs = {.size = sizeof hs};
    if (p->heap == NULL)
        return 0;
    p->gc->stats(p->heap, &hs);
    return hs.cycles;
}

static void rates(gbench_state *st, const plugin *p, uint64_t bytes_per_iter)
{
    uint64_t n = gbench_iterations(st);
    gbench_set_items_processed(st, (int64_t)n);
    gbench_set_bytes_processed(st, (int64_t)(n * bytes_per_iter));
    if (p->mode == M_RENEW)
        gbench_set_label(st, "heap renewed untimed every 64 MiB");
}

/* ---- Cases ------------------------------------------------------------------
 * Each loop is written once and instantiated per mode (always_inline with a
 * constant mode), so a collecting collector's loop carries no test of the
 * mode. */

#define INLINE static inline __attribute__((always_inline))

/* alloc: one allocation of `bytes` of type t, dropped at once. */
INLINE void alloc_loop(gbench_state *st, plugin *p, gcb_mutator *m, const gcb_type *t,
                       size_t bytes, const enum mode mode)
{
    uint64_t n = gbench_max_iterations(st);
    while (gbench_keep_running_batch(st, n)) {
        for (uint64_t i = 0; i < n; i++) {
            void *o = gcb_alloc(m, t, bytes);
            if (bad(o)) {
                bad_pointer(st, p, "gcb_alloc", o, bytes);
                return;
            }
            gbench_do_not_optimize(o);
            if (mode == M_MANUAL) {
                gcb_dead(m, o, bytes);
            } else if (mode == M_RENEW && gcb_unlikely(renew_due(p, m))) {
                if ((m = renew(st, p)) == NULL)
                    return;
            }
        }
    }
}

static void run_alloc(gbench_state *st, void *user, const gcb_type *t, size_t bytes)
{
    bench *b = user;
    plugin *p = b->p;
    gcb_mutator *m = ready(st, p);
    if (m == NULL)
        return;
    uint64_t before = objects(p), cycles = gc_cycles(p);
    switch (p->mode) {
    case M_COLLECT: alloc_loop(st, p, m, t, bytes, M_COLLECT); break;
    case M_MANUAL: alloc_loop(st, p, m, t, bytes, M_MANUAL); break;
    case M_RENEW: alloc_loop(st, p, m, t, bytes, M_RENEW); break;
    }
    check_count(st, p, before, 1);
    rates(st, p, bytes);
    if (p->mode == M_COLLECT)
        gbench_counter(st, "gc_cycles", (double)(gc_cycles(p) - cycles), GBENCH_COUNTER_DEFAULT);
}

static void bm_alloc(gbench_state *st, void *user)
{
    run_alloc(st, user, NULL, (size_t)gbench_arg(st, 0));
}

static void bm_alloc_scan(gbench_state *st, void *user)
{
    run_alloc(st, user, &node_type, (size_t)gbench_arg(st, 0));
}

static void bm_large(gbench_state *st, void *user)
{
    run_alloc(st, user, NULL, LARGE_BYTES);
}

/* alloc-inline: see the header.  clock_cost: ticks of an empty pair of
 * clock reads (the fastest of 1000), subtracted per chunk. */
static opclock clock_;
static uint64_t clock_cost;

static void clock_init(void)
{
    opclock_start(&clock_);
    clock_cost = UINT64_MAX;
    for (int i = 0; i < 1000; i++) {
        uint64_t a = opclock_ticks(&clock_), b = opclock_ticks(&clock_);
        if (b - a < clock_cost)
            clock_cost = b - a;
    }
}

/* One batch of `budget` inline allocations in timed chunks; returns the
 * ticks spent in them, or UINT64_MAX after skipping the run.  Instantiated
 * with a constant `bytes` (see bm_alloc_inline). */
INLINE uint64_t inline_batch(gbench_state *st, plugin *p, gcb_mutator **mp, const size_t bytes,
                             uint64_t budget, uint64_t *refills, uint64_t *chunks)
{
    gcb_mutator *m = *mp;
    uint64_t done = 0, ticks = 0;
    while (done < budget) {
        uint64_t k = 0, left = budget - done;
        uint64_t t0 = opclock_ticks(&clock_);
        for (; k < left; k++) {
            void *o = gcb_alloc_inline(m, NULL, bytes);
            if (o == NULL)
                break;
            if (gcb_unlikely(((uintptr_t)o & 7) != 0)) {
                bad_pointer(st, p, "gcb_alloc_inline", o, bytes);
                return UINT64_MAX;
            }
            gbench_do_not_optimize(o);
        }
        uint64_t t1 = opclock_ticks(&clock_);
        ticks += t1 - t0 > clock_cost ? t1 - t0 - clock_cost : 0;
        (*chunks)++;
        done += k;
        if (done == budget)
            break;
        /* Refill, untimed: the slow path caches a span (or a run). */
        void *o = gcb_alloc(m, NULL, bytes);
        (*refills)++;
        if (bad(o)) {
            bad_pointer(st, p, "gcb_alloc", o, bytes);
            return UINT64_MAX;
        }
        if (p->mode == M_RENEW && renew_due(p, m) && (*mp = m = renew(st, p)) == NULL)
            return UINT64_MAX;
    }
    return ticks;
}

static void bm_alloc_inline(gbench_state *st, void *user)
{
    bench *b = user;
    plugin *p = b->p;
    gcb_mutator *m = ready(st, p);
    if (m == NULL)
        return;
    size_t bytes = (size_t)gbench_arg(st, 0);
    if (m->alloc_kind == GCB_ALLOC_SLOW || p->mode == M_MANUAL) {
        char msg[160];
        snprintf(msg, sizeof msg, "n/a: %s has no inline allocation path (alloc_kind SLOW)", p->name);
        gbench_skip_with_error(st, msg);
        return;
    }
    uint64_t before = objects(p), refills = 0, budget = gbench_max_iterations(st);
    while (gbench_keep_running_batch(st, budget)) {
        uint64_t chunks = 0, ticks;
        /* Constant sizes, as at a workload's call site (gcb_alloc(m, t,
         * sizeof(node))): the zeroing is inlined.  A variable size would
         * add a call to memset. */
        switch (bytes) {
        case 16: ticks = inline_batch(st, p, &m, 16, budget, &refills, &chunks); break;
        case 64: ticks = inline_batch(st, p, &m, 64, budget, &refills, &chunks); break;
        case 256: ticks = inline_batch(st, p, &m, 256, budget, &refills, &chunks); break;
        default: ticks = inline_batch(st, p, &m, bytes, budget, &refills, &chunks); break;
        }
        if (ticks == UINT64_MAX)
            return;
        gbench_set_iteration_time(st, (double)opclock_ns(&clock_, ticks) / 1e9);
        gbench_counter(st, "chunk", chunks ? (double)budget / (double)chunks : 0.0,
                       GBENCH_COUNTER_DEFAULT);
    }
    uint64_t got = objects(p) - before, want = gbench_iterations(st) + refills;
    if (got != want) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s: objects_allocated grew by %llu, want %llu iterations + %llu refills",
                 p->name, (unsigned long long)got, (unsigned long long)gbench_iterations(st),
                 (unsigned long long)refills);
        gbench_skip_with_error(st, msg);
        return;
    }
    rates(st, p, bytes);
}

/* ---- bare: the allocators without a plugin ------------------------------- */

typedef struct bare {
    char name[16];
    int kind;                                   /* 0 glibc, 1 mimalloc, 2 jemalloc */
    void *mheap;                                /* mimalloc: a heap of its own */
    void *(*mi_heap_zalloc)(void *heap, size_t n);
    void (*mi_free)(void *p);
    int je_flags;                               /* jemalloc: zeroed, from its own arena */
    void *(*mallocx)(size_t n, int flags);
    void (*sdallocx)(void *p, size_t n, int flags);
} bare;

static bare bares[3];
static size_t nbares;

/* jemalloc's mallocx flags (jemalloc.h): zeroed, from arena a. */
#define BARE_MALLOCX_ZERO 0x40
#define BARE_MALLOCX_ARENA(a) ((int)(((unsigned)(a) + 1) << 20))

/* Load the allocators a bare case can call; those absent are left out. */
static void bare_open(void)
{
    bares[nbares++] = (bare){.name = "malloc", .kind = 0};
    void *mi = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (mi != NULL) {
        bare b = {.name = "mimalloc", .kind = 1};
        void *(*heap_new)(void) = (void *(*)(void))dlsym(mi, "mi_heap_new");
        *(void **)&b.mi_heap_zalloc = dlsym(mi, "mi_heap_zalloc");
        *(void **)&b.mi_free = dlsym(mi, "mi_free");
        if (heap_new && b.mi_heap_zalloc && b.mi_free && (b.mheap = heap_new()) != NULL)
            bares[nbares++] = b;
    }
    void *je = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (je != NULL) {
        bare b = {.name = "jemalloc", .kind = 2};
        int (*mallctl)(const char *, void *, size_t *, void *, size_t) =
            (int (*)(const char *, void *, size_t *, void *, size_t))dlsym(je, "mallctl");
        *(void **)&b.mallocx = dlsym(je, "mallocx");
        *(void **)&b.sdallocx = dlsym(je, "sdallocx");
        unsigned arena = 0;
        size_t len = sizeof arena;
        if (mallctl && b.mallocx && b.sdallocx &&
            mallctl("arenas.create", &arena, &len, NULL, 0) == 0) {
            b.je_flags = BARE_MALLOCX_ZERO | BARE_MALLOCX_ARENA(arena);
            bares[nbares++] = b;
        }
    }
}

/* One loop per allocator, so each iteration is its two calls and no test. */
#define BARE_LOOP(ALLOC, FREE)                                                   \
    while (gbench_keep_running_batch(st, n)) {                                   \
        for (uint64_t i = 0; i < n; i++) {                                       \
            void *o = ALLOC;                                                     \
            if (bad(o) || *(char *)o != 0) {                                     \
                fail = o;                                                        \
                break;                                                           \
            }                                                                    \
            gbench_do_not_optimize(o);                                           \
            FREE;                                                                \
        }                                                                        \
        if (fail != NULL)                                                        \
            break;                                                               \
    }

static void bm_bare(gbench_state *st, void *user)
{
    bare *b = user;
    size_t bytes = (size_t)gbench_arg(st, 0);
    uint64_t n = gbench_max_iterations(st);
    void *fail = NULL;
    switch (b->kind) {
    case 0: BARE_LOOP(calloc(1, bytes), free(o)); break;
    case 1: BARE_LOOP(b->mi_heap_zalloc(b->mheap, bytes), b->mi_free(o)); break;
    case 2: BARE_LOOP(b->mallocx(bytes, b->je_flags), b->sdallocx(o, bytes, 0)); break;
    }
    if (fail != NULL) {
        char msg[160];
        snprintf(msg, sizeof msg, "bare %s: %zu bytes gave %p (want non-NULL, aligned, zeroed)",
                 b->name, bytes, fail);
        gbench_skip_with_error(st, msg);
        return;
    }
    gbench_set_items_processed(st, (int64_t)gbench_iterations(st));
    gbench_set_bytes_processed(st, (int64_t)(gbench_iterations(st) * bytes));
}

/* free-realloc: allocate, free_sized, allocate the same class again.  One
 * allocation and one free per iteration; counter reuse = fraction of
 * allocations that got back the slot freed just before. */
INLINE uint64_t free_loop(gbench_state *st, plugin *p, gcb_mutator *m, size_t bytes,
                          const enum mode mode)
{
    uint64_t n = gbench_max_iterations(st), same = 0;
    void *last = NULL;
    while (gbench_keep_running_batch(st, n)) {
        for (uint64_t i = 0; i < n; i++) {
            void *o = gcb_alloc(m, NULL, bytes);
            if (bad(o)) {
                bad_pointer(st, p, "gcb_alloc", o, bytes);
                return same;
            }
            same += o == last;
            last = o;
            gcb_free_sized(m, o, bytes);
            if (mode == M_RENEW && gcb_unlikely(renew_due(p, m))) {
                last = NULL;
                if ((m = renew(st, p)) == NULL)
                    return same;
            }
        }
    }
    return same;
}

static void bm_free_realloc(gbench_state *st, void *user)
{
    bench *b = user;
    plugin *p = b->p;
    gcb_mutator *m = ready(st, p);
    if (m == NULL)
        return;
    size_t bytes = (size_t)gbench_arg(st, 0);
    uint64_t before = objects(p), same;
    /* free_sized is the free of a manual baseline: no gcb_dead here. */
    if (p->mode == M_RENEW)
        same = free_loop(st, p, m, bytes, M_RENEW);
    else
        same = free_loop(st, p, m, bytes, M_COLLECT);
    check_count(st, p, before, 1);
    rates(st, p, bytes);
    uint64_t n = gbench_iterations(st);
    gbench_counter(st, "reuse", n ? (double)same / (double)n : 0.0, GBENCH_COUNTER_DEFAULT);
}

/* Drive the collector until its write-barrier flag is `want_on`, for at
 * most WAIT_NS, before a store case's timed loop.  Off: poll (a cycle in
 * progress may need this mutator's safepoints to finish).  On: allocate
 * garbage (4 KiB, dropped) until a cycle starts marking; only a concurrent
 * collector (GCB_CAP_CONCURRENT) ever turns the flag on between calls.
 * Returns 1 when the flag is as wanted.  30 s: a ballast's goal of twice
 * the ballast takes seconds of allocation to reach under sanitizers. */
#define WAIT_NS 30000000000ull

static uint32_t barrier(const gcb_mutator *m)
{
    return atomic_load_explicit(m->write_barrier, memory_order_relaxed);
}

static int barrier_wait(plugin *p, gcb_mutator *m, int want_on)
{
    uint64_t deadline = host_now_ns(p) + WAIT_NS;
    while ((barrier(m) != 0) != want_on) {
        if (host_now_ns(p) > deadline || (want_on && !(p->gc->caps & GCB_CAP_CONCURRENT)))
            return 0;
        if (want_on) {
            void *o = gcb_alloc(m, NULL, 4096);
            if (o == NULL)
                return 0;
            if (p->mode == M_MANUAL)
                gcb_dead(m, o, 4096);
        } else {
            gcb_poll(m);
            sched_yield();
        }
        /* No poll after an allocation: the flag is read before this
         * mutator's next safepoint, which could end the cycle. */
    }
    return 1;
}

/* store: gcb_store of a heap pointer into one of STORE_SLOTS pointer slots
 * of a rooted object.  barrier-off waits until the flag is off (a cycle
 * left running by an earlier case finishes); barrier-on needs the
 * collector's own flag on, which no ABI call can force: on a concurrent
 * collector it allocates garbage (untimed) until a cycle is marking, then
 * stores without a safepoint, so the cycle cannot finish under the loop
 * (counter barrier_on_at_end says whether it stayed on); on any other
 * collector it is n/a. */
static void run_store(gbench_state *st, void *user, int want_on)
{
    bench *b = user;
    plugin *p = b->p;
    gcb_mutator *m = ready(st, p);
    if (m == NULL)
        return;
    void *roots[2] = {NULL, NULL}; /* [0] the object stored into, [1] the value */
    gcb_frame f;
    gcb_frame_push(m, &f, roots, 2);
    roots[0] = gcb_alloc(m, &slots_type, STORE_SLOTS * sizeof(void *));
    roots[1] = roots[0] != NULL ? gcb_alloc(m, &node_type, 16) : NULL;
    if (bad(roots[0]) || bad(roots[1])) {
        gcb_frame_pop(m, &f);
        bad_pointer(st, p, "gcb_alloc", roots[0] ? roots[1] : roots[0], 16);
        return;
    }
    void **slots = roots[0];
    void *val = roots[1];
    if (!barrier_wait(p, m, want_on)) {
        char msg[256];
        if (want_on && !(p->gc->caps & GCB_CAP_CONCURRENT))
            snprintf(msg, sizeof msg,
                     "n/a: %s never turns its write barrier on (not concurrent) and the ABI "
                     "gives no way to force it", p->name);
        else
            snprintf(msg, sizeof msg, "%s: write barrier still %s after 30 s of %s", p->name,
                     want_on ? "off" : "on", want_on ? "allocation" : "polling");
        if (p->mode == M_MANUAL) {
            gcb_dead(m, roots[1], 16);
            gcb_dead(m, roots[0], STORE_SLOTS * sizeof(void *));
        }
        gcb_frame_pop(m, &f);
        gbench_skip_with_error(st, msg);
        return;
    }
    uint64_t n = gbench_max_iterations(st);
    while (gbench_keep_running_batch(st, n)) {
        for (uint64_t i = 0; i < n; i++) {
            gcb_store(m, slots, &slots[i & (STORE_SLOTS - 1)], val);
            gbench_clobber();
        }
    }
    uint32_t on_at_end = barrier(m) != 0;
    int ok = 1;
    for (int i = 0; i < STORE_SLOTS && (uint64_t)i < n; i++)
        ok &= slots[i] == val;
    if (p->mode == M_MANUAL) {
        gcb_dead(m, roots[1], 16);
        gcb_dead(m, roots[0], STORE_SLOTS * sizeof(void *));
    }
    gcb_frame_pop(m, &f);
    if (!ok) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: a stored pointer did not read back", p->name);
        gbench_skip_with_error(st, msg);
        return;
    }
    gbench_set_items_processed(st, (int64_t)gbench_iterations(st));
    if (want_on)
        gbench_counter(st, "barrier_on_at_end", (double)on_at_end, GBENCH_COUNTER_DEFAULT);
    else if (on_at_end)
        gbench_skip_with_error(st, "write barrier turned on during the barrier-off run");
}

static void bm_store_off(gbench_state *st, void *user) { run_store(st, user, 0); }
static void bm_store_on(gbench_state *st, void *user) { run_store(st, user, 1); }

/* scope: scope_enter, one alloc_tracked, scope_exit.  Without tracked
 * scopes alloc_tracked is alloc, and a manual baseline frees the object. */
INLINE void scope_loop(gbench_state *st, plugin *p, gcb_mutator *m, size_t bytes,
                       const enum mode mode)
{
    uint64_t n = gbench_max_iterations(st);
    while (gbench_keep_running_batch(st, n)) {
        for (uint64_t i = 0; i < n; i++) {
            gcb_scope_enter(m);
            void *o = gcb_alloc_tracked(m, NULL, bytes);
            if (bad(o)) {
                gcb_scope_exit(m);
                bad_pointer(st, p, "gcb_alloc_tracked", o, bytes);
                return;
            }
            gbench_do_not_optimize(o);
            gcb_scope_exit(m);
            if (mode == M_MANUAL) {
                gcb_dead(m, o, bytes);
            } else if (mode == M_RENEW && gcb_unlikely(renew_due(p, m))) {
                if ((m = renew(st, p)) == NULL)
                    return;
            }
        }
    }
}

static void bm_scope(gbench_state *st, void *user)
{
    bench *b = user;
    plugin *p = b->p;
    gcb_mutator *m = ready(st, p);
    if (m == NULL)
        return;
    size_t bytes = (size_t)gbench_arg(st, 0);
    uint64_t before = objects(p);
    if (p->mode == M_MANUAL && !GCB_HAS(p->gc, alloc_tracked))
        scope_loop(st, p, m, bytes, M_MANUAL);
    else if (p->mode == M_RENEW)
        scope_loop(st, p, m, bytes, M_RENEW);
    else
        scope_loop(st, p, m, bytes, M_COLLECT);
    check_count(st, p, before, 1);
    rates(st, p, bytes);
}

/* arena: arena_alloc of `bytes`; every ARENA_OBJS objects the arena is
 * freed and a new one made, timed (amortised over the objects).  Without
 * real arenas the objects come from the heap and are bounded per mode. */
INLINE void arena_loop(gbench_state *st, plugin *p, gcb_mutator *m, size_t bytes,
                       const enum mode mode)
{
    uint64_t n = gbench_max_iterations(st);
    gcb_arena *a = gcb_arena_new(m);
    unsigned used = 0;
    while (gbench_keep_running_batch(st, n)) {
        for (uint64_t i = 0; i < n; i++) {
            void *o = gcb_arena_alloc(m, a, NULL, bytes);
            if (bad(o)) {
                gcb_arena_free(m, a);
                bad_pointer(st, p, "gcb_arena_alloc", o, bytes);
                return;
            }
            gbench_do_not_optimize(o);
            if (mode == M_MANUAL)
                gcb_dead(m, o, bytes);
            if (gcb_unlikely(++used == ARENA_OBJS)) {
                gcb_arena_free(m, a);
                used = 0;
                if (mode == M_RENEW && renew_due(p, m) && (m = renew(st, p)) == NULL)
                    return;
                a = gcb_arena_new(m);
            }
        }
    }
    gcb_arena_free(m, a);
}

static void bm_arena(gbench_state *st, void *user)
{
    bench *b = user;
    plugin *p = b->p;
    gcb_mutator *m = ready(st, p);
    if (m == NULL)
        return;
    size_t bytes = (size_t)gbench_arg(st, 0);
    int real = (p->gc->caps & GCB_CAP_ARENAS) && GCB_HAS(p->gc, arena_new);
    uint64_t before = objects(p);
    if (!real && p->mode == M_MANUAL)
        arena_loop(st, p, m, bytes, M_MANUAL);
    else if (p->mode == M_RENEW)
        arena_loop(st, p, m, bytes, M_RENEW);
    else
        arena_loop(st, p, m, bytes, M_COLLECT);
    check_count(st, p, before, 1);
    rates(st, p, bytes);
    if (!real && p->mode != M_RENEW)
        gbench_set_label(st, "no arenas: heap allocation");
}

/* builder: one 36-byte write into a strings.Builder buffer grown as Go's
 * append grows it (builder_grow), the old buffer to free_sized.  Every
 * BUILDER_WRITES writes the string is finished, checked (length, last
 * piece) and dies (gcb_dead).  Items = writes. */
static void bm_builder(gbench_state *st, void *user)
{
    bench *b = user;
    plugin *p = b->p;
    gcb_mutator *m = ready(st, p);
    if (m == NULL)
        return;
    char piece[BUILDER_PIECE];
    for (int i = 0; i < BUILDER_PIECE; i++)
        piece[i] = (char)('a' + i % 26);
    void *slot[1] = {NULL}; /* the buffer, live across allocation */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    size_t len = 0, cap = 0;
    unsigned writes = 0;
    const char *fail = NULL;
    uint64_t n = gbench_max_iterations(st);
    while (fail == NULL && gbench_keep_running_batch(st, n)) {
        for (uint64_t i = 0; i < n; i++) {
            if (len + BUILDER_PIECE > cap) {
                size_t newcap = builder_grow(cap, len + BUILDER_PIECE);
                char *nb = gcb_alloc(m, NULL, newcap);
                if (bad(nb)) {
                    fail = "gcb_alloc returned NULL or a misaligned buffer";
                    break;
                }
                char *old = slot[0];
                if (len > 0)
                    memcpy(nb, old, len);
                slot[0] = nb;
                if (old != NULL)
                    gcb_free_sized(m, old, cap);
                cap = newcap;
            }
            memcpy((char *)slot[0] + len, piece, BUILDER_PIECE);
            len += BUILDER_PIECE;
            if (++writes == BUILDER_WRITES) {
                const char *s = slot[0];
                if (len != BUILDER_WRITES * BUILDER_PIECE ||
                    memcmp(s + len - BUILDER_PIECE, piece, BUILDER_PIECE) != 0 || s[0] != 'a') {
                    fail = "finished string has the wrong length or bytes (buffer reused while live?)";
                    break;
                }
                gcb_dead(m, slot[0], cap);
                slot[0] = NULL;
                len = cap = 0;
                writes = 0;
                if (renew_due(p, m)) {
                    gcb_frame_pop(m, &f);
                    if ((m = renew(st, p)) == NULL)
                        return;
                    gcb_frame_push(m, &f, slot, 1);
                }
            }
        }
    }
    if (slot[0] != NULL)
        gcb_dead(m, slot[0], cap);
    gcb_frame_pop(m, &f);
    if (fail != NULL) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s: builder: %s", p->name, fail);
        gbench_skip_with_error(st, msg);
        return;
    }
    rates(st, p, BUILDER_PIECE);
}

/* map: one insert of a new int64 key into Go's Swiss-table map (gomap,
 * the mapgrow workload's map), growth included.  Every MAP_KEYS inserts the
 * map's count is checked and the map dies (gomap_release: gcb_dead on a
 * manual baseline); the next insert starts a new map (timed). */
static void bm_map(gbench_state *st, void *user)
{
    bench *b = user;
    plugin *p = b->p;
    gcb_mutator *m = ready(st, p);
    if (m == NULL)
        return;
    void *slot[1] = {NULL}; /* the map */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    int64_t key = 0;
    const char *fail = NULL;
    uint64_t n = gbench_max_iterations(st);
    while (fail == NULL && gbench_keep_running_batch(st, n)) {
        for (uint64_t i = 0; i < n; i++) {
            if (slot[0] == NULL && (slot[0] = gomap_new(m, 0, 0x9e3779b97f4a7c15ull)) == NULL) {
                fail = "gomap_new: heap exhausted";
                break;
            }
            if (gomap_assign(m, &slot[0], key, NULL, key, NULL) != 0) {
                fail = "gomap_assign: heap exhausted";
                break;
            }
            if (++key == MAP_KEYS) {
                gomap *h = slot[0];
                if (h->count != MAP_KEYS) {
                    fail = "map count differs from the keys inserted";
                    break;
                }
                gomap_release(m, h);
                slot[0] = NULL;
                key = 0;
                if (renew_due(p, m)) {
                    gcb_frame_pop(m, &f);
                    if ((m = renew(st, p)) == NULL)
                        return;
                    gcb_frame_push(m, &f, slot, 1);
                }
            }
        }
    }
    if (slot[0] != NULL)
        gomap_release(m, slot[0]);
    gcb_frame_pop(m, &f);
    if (fail != NULL) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s: map: %s", p->name, fail);
        gbench_skip_with_error(st, msg);
        return;
    }
    rates(st, p, 16); /* a key and a value word per insert */
}

/* ---- Registration ---------------------------------------------------------- */

static int add_timed(plugin *p, enum kind kind, const char *what, gbench_fn fn, size_t nargs,
                     int64_t arg, bool manual_time)
{
    bench *b = malloc(sizeof *b);
    if (b == NULL)
        return ENOMEM;
    *b = (bench){p, kind, p->benches};
    p->benches = b;
    char name[160];
    snprintf(name, sizeof name, "%s/%s", what, p->name);
    gbench_def d = {.name = name, .run = fn, .user = b, .nargs = nargs, .unit = GBENCH_NS,
                    .manual_time = manual_time};
    d.args[0] = arg;
    return gbench_register(&d);
}

static int add(plugin *p, enum kind kind, const char *what, gbench_fn fn, size_t nargs,
               int64_t arg)
{
    return add_timed(p, kind, what, fn, nargs, arg, false);
}

static int register_bare(void)
{
    int rc = 0;
    for (size_t i = 0; i < nbares; i++)
        for (size_t k = 0; k < sizeof pair_sizes / sizeof pair_sizes[0]; k++) {
            char name[64];
            snprintf(name, sizeof name, "bare/%s", bares[i].name);
            gbench_def d = {.name = name, .run = bm_bare, .user = &bares[i], .nargs = 1,
                            .unit = GBENCH_NS};
            d.args[0] = pair_sizes[k];
            rc |= gbench_register(&d);
        }
    return rc;
}

/* "+free" on cases whose loop frees each object on a manual baseline. */
static const char *freed(const plugin *p, const char *base, const char *with_free)
{
    return p->mode == M_MANUAL ? with_free : base;
}

static int register_plugin(plugin *p)
{
    /* Stores first: a fresh heap's pacer starts its cycles from the
     * garbage barrier-on allocates; after alloc-large it may not within
     * the wait. */
    int rc = add(p, K_STORE_OFF, "store-barrier-off", bm_store_off, 0, 0);
    rc |= add(p, K_STORE_ON, "store-barrier-on", bm_store_on, 0, 0);
    if (p->mode != M_MANUAL)
        for (size_t i = 0; i < sizeof pair_sizes / sizeof pair_sizes[0]; i++)
            rc |= add_timed(p, K_ALLOC_INLINE, "alloc-inline", bm_alloc_inline, 1, pair_sizes[i],
                            true);
    for (size_t i = 0; i < sizeof small_sizes / sizeof small_sizes[0]; i++)
        rc |= add(p, K_ALLOC, freed(p, "alloc", "alloc+free"), bm_alloc, 1, small_sizes[i]);
    for (size_t i = 0; i < sizeof scan_sizes / sizeof scan_sizes[0]; i++)
        rc |= add(p, K_ALLOC_SCAN, freed(p, "alloc-scan", "alloc-scan+free"), bm_alloc_scan, 1,
                  scan_sizes[i]);
    rc |= add(p, K_LARGE, freed(p, "alloc-large", "alloc-large+free"), bm_large, 1,
              (int64_t)LARGE_BYTES);
    rc |= add(p, K_FREE_REALLOC, "free-realloc", bm_free_realloc, 1, 64);
    int tracked = GCB_HAS(p->gc, alloc_tracked);
    rc |= add(p, K_SCOPE, p->mode == M_MANUAL && !tracked ? "scope+free" : "scope", bm_scope, 1, 64);
    int real = (p->gc->caps & GCB_CAP_ARENAS) && GCB_HAS(p->gc, arena_new);
    rc |= add(p, K_ARENA, p->mode == M_MANUAL && !real ? "arena+free" : "arena", bm_arena, 1, 64);
    rc |= add(p, K_BUILDER, "builder", bm_builder, 1, BUILDER_PIECE);
    rc |= add(p, K_MAP, "map-insert", bm_map, 1, MAP_KEYS);
    return rc;
}

int main(int argc, char **argv)
{
    statictls_reexec(argc, argv);
    int rc = gbench_init(&argc, argv);
    if (rc != 0)
        return rc;
    char **names;
    size_t nnames = loader_list(&names);
    plugin *ps = calloc(nnames > 0 ? nnames : 1, sizeof *ps);
    if (ps == NULL) {
        fprintf(stderr, "gcbench-micro: out of memory\n");
        return 1;
    }
    size_t np = 0;
    for (size_t i = 0; i < nnames; i++) {
        char err[sizeof ps->path + 512];
        if (plugin_open(&ps[np], names[i], err, sizeof err) != 0)
            fprintf(stderr, "gcbench-micro: skipping %s\n", err);
        else if (register_plugin(&ps[np]) != 0)
            fprintf(stderr, "gcbench-micro: %s: registration failed\n", ps[np].name);
        else
            np++;
        free(names[i]);
    }
    free(names);
    clock_init();
    bare_open();
    if (register_bare() != 0)
        fprintf(stderr, "gcbench-micro: bare: registration failed\n");
    if (np == 0) {
        fprintf(stderr, "gcbench-micro: no usable collector plugin in %s\n", loader_plugin_dir());
        return 1;
    }
    gbench_run();
    for (size_t i = 0; i < np; i++) {
        heap_close(&ps[i]);
        while (ps[i].benches != NULL) {
            bench *next = ps[i].benches->next;
            free(ps[i].benches);
            ps[i].benches = next;
        }
        free(ps[i].opts);
    }
    free(ps);
    gbench_shutdown();
    return 0;
}
