/* testgc.c - a collector for testing the runner, never installed.
 *
 * Allocates like a no-GC collector (bump from calloc'd chunks, nothing
 * freed before heap_free) but every allocation takes the slow path, so it
 * can count them: every `every` allocations it emits a fake GC cycle on the
 * allocating thread (two pauses, a mark phase with an assist inside), so
 * the recorder, the pause statistics and MMU have data.  `crash_after`,
 * `hang_after` and `exit_after` make the run die by SIGSEGV, hang or exit
 * without a record, for the runner's crash and timeout handling.  One
 * background thread, started through host->spawn, sweeps after each cycle
 * (SWEEP events and a little CPU), so GC thread CPU and pinning show up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gcb/collector.h"

#define CHUNK_BYTES ((size_t)1 << 20)

typedef struct chunk {
    struct chunk *next;
} chunk;

struct gcb_heap {
    const gcb_host *host;
    int64_t every, crash_after, hang_after, exit_after, bad_pairing;
    pthread_mutex_t lock;       /* guards chunks, stop */
    pthread_cond_t wake;
    chunk *chunks;
    int stop;
    uint64_t sweeps;            /* sweeps asked of the background thread */
    pthread_t bg;
    int bg_started;
    _Atomic uint64_t allocs;    /* allocations so far, all threads */
    _Atomic uint64_t heap_bytes;
    _Atomic uint64_t cycles;
    _Atomic uint32_t barrier_off;
};

typedef struct test_mutator {
    gcb_mutator base;           /* must be first */
    char *cur, *limit;          /* bump range of this mutator's chunk */
} test_mutator;

static const gcb_collector table;

static const gcb_option_desc options[] = {
    {"every", GCB_OPT_INT, "1000", "allocations between fake GC cycles; 0 = none",
     0, 1e12, NULL, NULL},
    {"crash_after", GCB_OPT_INT, "0", "raise SIGSEGV after this many allocations; 0 = never",
     0, 1e12, NULL, NULL},
    {"hang_after", GCB_OPT_INT, "0", "sleep forever after this many allocations; 0 = never",
     0, 1e12, NULL, NULL},
    {"exit_after", GCB_OPT_INT, "0", "_exit(3) after this many allocations; 0 = never",
     0, 1e12, NULL, NULL},
    {"bad_pairing", GCB_OPT_BOOL, "false", "emit a PAUSE_END without PAUSE_BEGIN in the first cycle",
     0, 0, NULL, NULL},
};

static void emit(gcb_heap *h, uint32_t kind, const char *phase, uint64_t cycle)
{
    gcb_event e = {.size = sizeof e, .kind = kind, .phase = phase, .cycle = cycle,
                   .trigger_bytes = 1000, .marked_bytes = 500, .goal_bytes = 2000,
                   .heap_bytes = atomic_load(&h->heap_bytes)};
    h->host->event(h->host->ctx, &e);
}

static void spin(unsigned n)
{
    volatile unsigned x = 0;
    for (unsigned i = 0; i < n; i++)
        x += i;
}

/* One fake cycle; cycles on several threads are serialized by h->lock. */
static void cycle(gcb_heap *h)
{
    pthread_mutex_lock(&h->lock);
    uint64_t n = atomic_fetch_add(&h->cycles, 1) + 1;
    emit(h, GCB_EV_CYCLE_BEGIN, NULL, n);
    emit(h, GCB_EV_PAUSE_BEGIN, "sweep-termination", n);
    spin(2000);
    emit(h, GCB_EV_PAUSE_END, "sweep-termination", n);
    emit(h, GCB_EV_MARK_BEGIN, NULL, n);
    emit(h, GCB_EV_ASSIST_BEGIN, NULL, n);
    spin(5000);
    emit(h, GCB_EV_ASSIST_END, NULL, n);
    emit(h, GCB_EV_MARK_END, NULL, n);
    emit(h, GCB_EV_PAUSE_BEGIN, "mark-termination", n);
    spin(2000);
    emit(h, GCB_EV_PAUSE_END, "mark-termination", n);
    if (h->bad_pairing && n == 1)
        emit(h, GCB_EV_PAUSE_END, "stray", n);
    emit(h, GCB_EV_CYCLE_END, NULL, n);
    h->sweeps++;
    pthread_cond_broadcast(&h->wake);
    pthread_mutex_unlock(&h->lock);
}

/* Sweeps after each cycle, so GC thread CPU and sweep spans show up. */
static void *background(void *arg)
{
    gcb_heap *h = arg;
    uint64_t done = 0;
    pthread_mutex_lock(&h->lock);
    for (;;) {
        while (!h->stop && done == h->sweeps)
            pthread_cond_wait(&h->wake, &h->lock);
        if (done == h->sweeps)
            break;
        done++;
        pthread_mutex_unlock(&h->lock);
        emit(h, GCB_EV_SWEEP_BEGIN, NULL, 0);
        spin(3000);
        emit(h, GCB_EV_SWEEP_END, NULL, 0);
        pthread_mutex_lock(&h->lock);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out,
                    char *err, size_t errlen)
{
    gcb_heap *h = calloc(1, sizeof *h);
    if (h == NULL)
        return ENOMEM;
    h->host = host;
    h->every = opts[0].i;
    h->crash_after = opts[1].i;
    h->hang_after = opts[2].i;
    h->exit_after = opts[3].i;
    h->bad_pairing = opts[4].i;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    if (host->spawn(host->ctx, "testgc-bg", background, h, &h->bg) == 0)
        h->bg_started = 1;
    host->log(host->ctx, "heap_new every=%lld", (long long)h->every);
    *out = h;
    return 0;
}

static void heap_free(gcb_heap *h)
{
    pthread_mutex_lock(&h->lock);
    h->stop = 1;
    pthread_cond_broadcast(&h->wake);
    pthread_mutex_unlock(&h->lock);
    if (h->bg_started)
        pthread_join(h->bg, NULL);
    for (chunk *c = h->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(h);
}

static int mutator_attach(gcb_heap *h, gcb_mutator **out)
{
    test_mutator *m = calloc(1, sizeof *m);
    if (m == NULL)
        return ENOMEM;
    m->base.gc = &table;
    m->base.heap = h;
    m->base.alloc_kind = GCB_ALLOC_SLOW;
    m->base.write_barrier = &h->barrier_off;
    *out = &m->base;
    return 0;
}

static void mutator_detach(gcb_mutator *m)
{
    free(m);
}

static void *alloc(gcb_mutator *mm, const gcb_type *t, size_t bytes)
{
    test_mutator *m = (test_mutator *)mm;
    gcb_heap *h = mm->heap;
    uint64_t n = atomic_fetch_add(&h->allocs, 1) + 1;
    if (h->crash_after && n == (uint64_t)h->crash_after) {
        signal(SIGSEGV, SIG_DFL);   /* a sanitizer's handler would exit(1) instead */
        raise(SIGSEGV);
    }
    if (h->hang_after && n == (uint64_t)h->hang_after)
        for (;;)
            pause();
    if (h->exit_after && n == (uint64_t)h->exit_after)
        _exit(3);
    if (h->every && n % (uint64_t)h->every == 0)
        cycle(h);
    size_t need = (bytes + 7) & ~(size_t)7;
    if (need > (size_t)(m->limit - m->cur)) {
        size_t sz = need + sizeof(chunk) > CHUNK_BYTES ? need + sizeof(chunk) : CHUNK_BYTES;
        chunk *c = calloc(1, sz);
        if (c == NULL)
            return NULL;
        pthread_mutex_lock(&h->lock);
        c->next = h->chunks;
        h->chunks = c;
        pthread_mutex_unlock(&h->lock);
        m->cur = (char *)(c + 1);
        m->limit = (char *)c + sz;
    }
    void *p = m->cur;
    m->cur += need;
    atomic_fetch_add_explicit(&h->heap_bytes, need, memory_order_relaxed);
    return p;
}

static void write_barrier(gcb_mutator *m, void *obj, void **slot, void *val) { *slot = val; }
static void safepoint(gcb_mutator *m) { atomic_store(&m->poll_requested, 0); }
static void blocking_enter(gcb_mutator *m) {}
static void blocking_exit(gcb_mutator *m) {}
static void add_root(gcb_mutator *m, void **slot) {}
static void collect(gcb_mutator *m) { cycle(m->heap); }

static void stats(gcb_heap *h, gcb_heap_stats *out)
{
    gcb_heap_stats s = {.size = out->size};
    s.heap_bytes = atomic_load_explicit(&h->heap_bytes, memory_order_relaxed);
    s.mapped_bytes = s.heap_bytes;
    s.peak_live_bytes = s.heap_bytes;
    s.cycles = atomic_load_explicit(&h->cycles, memory_order_relaxed);
    memcpy(out, &s, out->size < sizeof s ? out->size : sizeof s);
    out->size = s.size;
}

static const gcb_collector table = {
    .abi = GCB_ABI_VERSION,
    .size = sizeof(gcb_collector),
    .name = "testgc",
    .description = "runner test collector: bump allocation, fake cycles, crash/hang on demand",
    .caps = 0,
    .noptions = sizeof options / sizeof options[0],
    .options = options,
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
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
