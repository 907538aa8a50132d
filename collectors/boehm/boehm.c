/* boehm.c - the Boehm-Demers-Weiser conservative collector (Debian libgc).
 *
 * Objects with pointer slots come from GC_MALLOC (scanned conservatively,
 * whole object), pointer-free ones from GC_MALLOC_ATOMIC (never scanned;
 * zeroed here, since libgc does not clear atomic memory).  libgc decides
 * when to collect (free_space_divisor); collect() is GC_gcollect().
 *
 * Process-global state, forced by libgc's API:
 * - libgc has exactly one heap per process and its collection-event and
 *   push-other-roots callbacks take no user-data argument, so the heap they
 *   report to is kept in the static `current` below.  Hence at most one
 *   boehm heap exists per process: a second heap_new() is refused, and so
 *   is any heap_new() after the first (libgc cannot be re-initialised, and
 *   its options - markers above all - take effect only before GC_INIT).
 *   The runner forks a fresh child per run, so a run always gets one.
 * - libgc's marker threads (option `markers`) are created by libgc with
 *   pthread_create (in heap_new, from GC_allow_register_threads), not
 *   through host->spawn: they inherit the CPU affinity of heap_new's thread,
 *   the host does not pin them to the GC processing units nor count their
 *   CPU as GC time (their work happens inside the stop-the-world pauses,
 *   which are recorded).
 * - libgc stops the world with signals (SIGPWR to suspend, SIGXCPU to
 *   restart): mutator threads must not block them.  In incremental mode it
 *   write-protects heap pages (mprotect; this kernel's soft-dirty bits are
 *   probed and not used) and installs SIGSEGV/SIGBUS handlers: the host must
 *   not replace those handlers after heap_new, or chain to them.
 * - The plugin is linked with -z nodelete: libgc must never be unmapped
 *   once initialised (its marker threads and signal handlers live on).
 *
 * Roots.  libgc scans the stacks of registered threads (mutator_attach
 * registers the calling thread) and the data segments of loaded objects.
 * In a threaded libgc the stacks are scanned by its default push-other-
 * roots procedure, so ours chains to it (replacing it loses every stack).
 * Shadow-stack frames need not live on a stack (binarytrees keeps its
 * long-lived frame in calloc'd memory), so the push-other-roots callback
 * walks every attached mutator's frame chain and pushes its slot arrays.
 * It only does so while the world is stopped (between POST_STOP_WORLD and
 * PRE_START_WORLD), when no frame chain can change: a full collection marks
 * entirely with the world stopped, and an incremental one pushes its roots
 * again in the final stopped phase (in tests/peers every push, incremental
 * mode included, came with the world stopped).  Global roots are kept in
 * the heap and pushed by the same callback (GC_add_roots aborts after a few
 * thousand ranges).  Every range is scanned eagerly.  Being conservative, libgc also keeps objects that only a
 * local variable of a registered thread points to, which the mutator API
 * does not require.
 *
 * Threads.  GC_INIT registers the thread that calls heap_new; heap_new
 * unregisters it again (libgc permits that once), because libgc aborts
 * ("Signals delivery fails constantly") at the next collection after a
 * registered thread has exited, and the heap's creator need not be a
 * mutator nor outlive the heap.  Each mutator thread registers at attach
 * (GC_register_my_thread) and unregisters at detach.
 *
 * Events.  The callback runs with libgc's lock held, some of it with the
 * world stopped; the host's event sink is only called while the world runs
 * (a stopped mutator might hold a lock the sink needs):
 *   GC_EVENT_START            -> CYCLE_BEGIN (trigger = heap in use)
 *   GC_EVENT_END              -> CYCLE_END (marked ~ heap in use once the
 *                                sweep has freed the empty blocks;
 *                                goal = libgc's heap size, which it fills
 *                                before it grows the heap)
 *   GC_EVENT_PRE_STOP_WORLD   -> PAUSE_BEGIN "stw-mark" ("mark-termination"
 *                                when incremental: only the last step stops)
 *   GC_EVENT_POST_START_WORLD -> PAUSE_END
 * libgc 8.2 sends START/END only for full collections (GC_gcollect and
 * every collection when not incremental).  An incremental cycle shows as
 * PRE_STOP_WORLD ... POST_START_WORLD, RECLAIM_START, RECLAIM_END, so a stop
 * with no cycle open opens one, closed at RECLAIM_END.  The marking
 * increments before that stop run inside allocations and send nothing.
 * A pause or cycle end without its begin is dropped, so pairing holds.
 */
#define _GNU_SOURCE
#define GC_THREADS
#define GC_NO_THREAD_REDIRECTS /* this file creates no threads */
#include <gc/gc.h>
#include <gc/gc_mark.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcb/collector.h"
#include "../manual.h" /* manual_stats_out */

enum { OPT_INCREMENTAL, OPT_FREE_SPACE_DIVISOR, OPT_MARKERS, OPT_HONOR_FREE, NOPTS };

static const gcb_option_desc options[NOPTS] = {
    [OPT_INCREMENTAL] = {"incremental", GCB_OPT_BOOL, "false",
                         "GC_enable_incremental: mark in small steps (mprotect dirty bits), "
                         "stop the world only to finish", 0, 0, NULL, NULL},
    [OPT_FREE_SPACE_DIVISOR] = {"free_space_divisor", GCB_OPT_INT, "3",
                                "GC_set_free_space_divisor: collect after allocating about "
                                "heap/N bytes; larger N = more cycles, smaller heap",
                                1, 1000, NULL, NULL},
    [OPT_MARKERS] = {"markers", GCB_OPT_INT, "1",
                     "marker threads including the collecting one (GC_set_markers_count); "
                     "libgc starts them itself, outside the host's pinning", 1, 64, NULL, NULL},
    [OPT_HONOR_FREE] = {"honor_free", GCB_OPT_BOOL, "false",
                        "map free_sized hints to GC_FREE (otherwise ignored)", 0, 0, NULL, NULL},
};

typedef struct boehm_mutator boehm_mutator;

/* Global roots, kept here rather than with GC_add_roots: libgc aborts
 * ("Too many root sets") after a few thousand separate ranges.  Chunks are
 * linked newest first; a chunk is complete before it is published, and an
 * entry before `count` covers it, so the collector reads without a lock. */
#define ROOT_CHUNK 510
typedef struct root_chunk {
    struct root_chunk *next;      /* older chunk; immutable once published */
    _Atomic size_t count;         /* entries of slot[] in use */
    void **slot[ROOT_CHUNK];      /* registered root variables */
} root_chunk;

struct gcb_heap {
    const gcb_host *host;
    int incremental;              /* option: GC_enable_incremental called */
    int honor_free;               /* option: free_sized -> GC_FREE */
    _Atomic(boehm_mutator *) mutators; /* every mutator ever attached, newest
                                          first; pushed with CAS, freed only by
                                          heap_free (no lock a stopped thread
                                          could hold) */
    _Atomic(root_chunk *) roots;  /* registered global roots, newest chunk first */
    pthread_mutex_t roots_lock;   /* serialises add_root (never taken by the
                                     collector: a stopped thread may hold it) */
    _Atomic uint32_t barrier_off; /* always 0: libgc needs no barrier */
    GC_word gc_no_base;           /* GC_get_gc_no() at heap_new (startup GCs) */
    char banner[256];             /* libgc version and what it started (describe) */

    /* Written only inside the event callback, i.e. under libgc's lock. */
    int world_stopped;            /* between POST_STOP_WORLD and PRE_START_WORLD */
    int in_pause;                 /* PAUSE_BEGIN sent, PAUSE_END not yet */
    int in_cycle;                 /* CYCLE_BEGIN sent, CYCLE_END not yet */
    int cycle_synthesized;        /* the open cycle began at a stop, not at
                                     GC_EVENT_START: ends at RECLAIM_END */
    uint64_t trigger_bytes;       /* bytes in use when the open cycle began */
    _Atomic uint64_t cycles;      /* CYCLE_BEGINs sent; read by stats() */
    _Atomic uint64_t peak_marked; /* bytes; max marked_bytes of any cycle */
    _Atomic uint64_t freed_bytes; /* bytes; GC_size of objects freed by GC_FREE */
};

struct boehm_mutator {
    gcb_mutator base;             /* must be first */
    boehm_mutator *next;          /* in heap->mutators; immutable once pushed */
    _Atomic int attached;         /* 0 after detach: frames no longer walked */
    int registered;               /* this thread was registered by attach */
};

/* The one heap of this process; see the header comment for why it exists. */
static _Atomic(gcb_heap *) current;
/* libgc's own push-other-roots procedure, which push_roots chains to: in
 * a threaded libgc it is what scans the thread stacks. */
static GC_push_other_roots_proc push_stacks;
/* Set by the first heap_new: libgc has been initialised in this process. */
static atomic_flag initialised = ATOMIC_FLAG_INIT;

static const gcb_collector table;

static uint64_t in_use(void)
{
    size_t heap = GC_get_heap_size(), free_bytes = GC_get_free_bytes();
    return heap > free_bytes ? heap - free_bytes : 0;
}

static void emit(gcb_heap *h, uint32_t kind, const char *phase, uint64_t cycle)
{
    gcb_event ev = {.size = sizeof ev, .kind = kind, .phase = phase, .cycle = cycle,
                    .heap_bytes = in_use()};
    h->host->event(h->host->ctx, &ev);
}

static void begin_cycle(gcb_heap *h, int synthesized)
{
    h->in_cycle = 1;
    h->cycle_synthesized = synthesized;
    h->trigger_bytes = in_use();
    uint64_t cycle = atomic_load_explicit(&h->cycles, memory_order_relaxed) + 1;
    atomic_store_explicit(&h->cycles, cycle, memory_order_relaxed);
    gcb_event ev = {.size = sizeof ev, .kind = GCB_EV_CYCLE_BEGIN, .cycle = cycle,
                    .trigger_bytes = h->trigger_bytes, .heap_bytes = h->trigger_bytes};
    h->host->event(h->host->ctx, &ev);
}

static void end_cycle(gcb_heap *h)
{
    h->in_cycle = 0;
    /* Blocks with no marked object went back to libgc's free blocks when
     * the sweep started; the others count whole (their dead objects are
     * swept lazily).  So this is the marked bytes plus the dead ones that
     * share a block with a live object: close to and never below the live
     * heap.  (GC_prof_stats' bytes_reclaimed_since_gc counts the freed
     * blocks again: subtracting it undercounts.) */
    uint64_t used = in_use(), marked = used;
    uint64_t peak = atomic_load_explicit(&h->peak_marked, memory_order_relaxed);
    if (marked > peak)
        atomic_store_explicit(&h->peak_marked, marked, memory_order_relaxed);
    gcb_event ev = {.size = sizeof ev, .kind = GCB_EV_CYCLE_END,
                    .cycle = atomic_load_explicit(&h->cycles, memory_order_relaxed),
                    .trigger_bytes = h->trigger_bytes, .marked_bytes = marked,
                    .goal_bytes = GC_get_heap_size(), .heap_bytes = used};
    h->host->event(h->host->ctx, &ev);
}

/* libgc's collection-event callback: libgc's lock is held. */
static void on_event(GC_EventType type)
{
    gcb_heap *h = atomic_load_explicit(&current, memory_order_acquire);
    if (h == NULL)
        return;
    uint64_t cycle = atomic_load_explicit(&h->cycles, memory_order_relaxed);
    switch (type) {
    case GC_EVENT_START:
        if (!h->in_cycle)
            begin_cycle(h, 0);
        break;
    case GC_EVENT_END:
        if (h->in_cycle)
            end_cycle(h);
        break;
    case GC_EVENT_RECLAIM_END:
        if (h->in_cycle && h->cycle_synthesized)
            end_cycle(h);
        break;
    case GC_EVENT_PRE_STOP_WORLD:
        if (!h->in_cycle)
            begin_cycle(h, 1);
        cycle = atomic_load_explicit(&h->cycles, memory_order_relaxed);
        if (!h->in_pause) {
            h->in_pause = 1;
            emit(h, GCB_EV_PAUSE_BEGIN, h->incremental ? "mark-termination" : "stw-mark",
                 h->in_cycle ? cycle : 0);
        }
        break;
    case GC_EVENT_POST_STOP_WORLD:
        h->world_stopped = 1;
        break;
    case GC_EVENT_PRE_START_WORLD:
        h->world_stopped = 0;
        break;
    case GC_EVENT_POST_START_WORLD:
        if (h->in_pause) {
            h->in_pause = 0;
            emit(h, GCB_EV_PAUSE_END, NULL, h->in_cycle ? cycle : 0);
        }
        break;
    default:
        break;
    }
}

/* libgc's push-other-roots callback: thread stacks (libgc's own procedure),
 * global roots, and every frame's slots.  Runs on the collecting thread
 * while libgc pushes its roots.  Ranges are scanned at once
 * (GC_push_all_eager), not queued, so no number of frames or roots can
 * overflow libgc's mark stack. */
static void push_roots(void)
{
    if (push_stacks != 0)
        push_stacks();
    gcb_heap *h = atomic_load_explicit(&current, memory_order_acquire);
    if (h == NULL)
        return;
    /* Root slots stay valid until heap_free: safe with the world running. */
    for (root_chunk *c = atomic_load_explicit(&h->roots, memory_order_acquire); c != NULL;
         c = c->next) {
        size_t n = atomic_load_explicit(&c->count, memory_order_acquire);
        for (size_t i = 0; i < n; i++)
            GC_push_all_eager(c->slot[i], c->slot[i] + 1);
    }
    if (!h->world_stopped)
        return; /* frames may be popped under us; pushed at the final stop */
    for (boehm_mutator *bm = atomic_load_explicit(&h->mutators, memory_order_acquire);
         bm != NULL; bm = bm->next) {
        if (!atomic_load_explicit(&bm->attached, memory_order_acquire))
            continue;
        for (gcb_frame *f = bm->base.frames; f != NULL; f = f->prev)
            if (f->count > 0)
                GC_push_all_eager(f->slots, f->slots + f->count);
    }
}

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out,
                    char *err, size_t errlen)
{
    if (atomic_flag_test_and_set(&initialised)) {
        snprintf(err, errlen,
                 "boehm: libgc has one heap per process and it was already created; "
                 "run each boehm heap in its own process");
        return EBUSY;
    }
    gcb_heap *h = calloc(1, sizeof *h);
    if (h == NULL) {
        snprintf(err, errlen, "boehm: out of memory for the heap");
        return ENOMEM;
    }
    h->host = host;
    pthread_mutex_init(&h->roots_lock, NULL);
    h->incremental = opts[OPT_INCREMENTAL].i != 0;
    h->honor_free = opts[OPT_HONOR_FREE].i != 0;

    GC_set_markers_count((unsigned)opts[OPT_MARKERS].i);
    GC_set_free_space_divisor((GC_word)opts[OPT_FREE_SPACE_DIVISOR].i);
    GC_INIT();
    /* Main thread (or the first registered one): enables registration of
     * the mutator threads and starts the marker threads. */
    GC_allow_register_threads();
    if (h->incremental)
        GC_enable_incremental();
    /* GC_INIT registered this thread, which need not be a mutator nor
     * outlive the heap: libgc aborts ("Signals delivery fails constantly")
     * when a registered thread has exited.  libgc allows unregistering the
     * initialising thread once; mutator_attach registers it again if it
     * becomes a mutator. */
    GC_unregister_my_thread();
    h->gc_no_base = GC_get_gc_no();
    /* What libgc actually started, for the record (describe), not stderr. */
    unsigned v = GC_get_version();
    snprintf(h->banner, sizeof h->banner,
             "libgc %u.%u.%u: %d marker thread(s) (asked %lld), %s, "
             "free_space_divisor %lld, honor_free %d", v >> 16, (v >> 8) & 0xff, v & 0xff,
             GC_get_parallel() + 1, (long long)opts[OPT_MARKERS].i,
             h->incremental ? "incremental" : "stop-the-world",
             (long long)opts[OPT_FREE_SPACE_DIVISOR].i, h->honor_free);
    atomic_store_explicit(&current, h, memory_order_release);
    push_stacks = GC_get_push_other_roots();
    GC_set_push_other_roots(push_roots);
    GC_set_on_collection_event(on_event);
    *out = h;
    return 0;
}

/* libgc cannot be shut down: its heap and marker threads live until the
 * process exits (right after, in the runner's child).  Stop reporting. */
static void heap_free(gcb_heap *h)
{
    GC_set_on_collection_event(0);
    GC_set_push_other_roots(push_stacks);
    atomic_store_explicit(&current, NULL, memory_order_release);
    boehm_mutator *bm = atomic_load_explicit(&h->mutators, memory_order_acquire);
    while (bm != NULL) {
        boehm_mutator *next = bm->next;
        free(bm);
        bm = next;
    }
    root_chunk *c = atomic_load_explicit(&h->roots, memory_order_acquire);
    while (c != NULL) {
        root_chunk *next = c->next;
        free(c);
        c = next;
    }
    pthread_mutex_destroy(&h->roots_lock);
    free(h);
}

static int mutator_attach(gcb_heap *h, gcb_mutator **out)
{
    boehm_mutator *bm = calloc(1, sizeof *bm);
    if (bm == NULL)
        return ENOMEM;
    if (!GC_thread_is_registered()) {
        struct GC_stack_base sb;
        if (GC_get_stack_base(&sb) != GC_SUCCESS) {
            h->host->log(h->host->ctx, "cannot find the stack base of a mutator thread");
            free(bm);
            return EINVAL;
        }
        int rc = GC_register_my_thread(&sb);
        if (rc != GC_SUCCESS && rc != GC_DUPLICATE) {
            h->host->log(h->host->ctx, "GC_register_my_thread failed (%d)", rc);
            free(bm);
            return EINVAL;
        }
        bm->registered = rc == GC_SUCCESS;
    }
    gcb_mutator *m = &bm->base;
    m->gc = &table;
    m->heap = h;
    m->alloc_kind = GCB_ALLOC_SLOW;
    m->inline_max = 0;
    m->write_barrier = &h->barrier_off;
    m->frames = NULL;
    atomic_store_explicit(&bm->attached, 1, memory_order_relaxed);
    bm->next = atomic_load_explicit(&h->mutators, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&h->mutators, &bm->next, bm,
                                                  memory_order_release, memory_order_relaxed))
        ;
    *out = m;
    return 0;
}

/* The record stays in heap->mutators (the collector may be walking the
 * list); it is freed by heap_free. */
static void mutator_detach(gcb_mutator *m)
{
    boehm_mutator *bm = (boehm_mutator *)m;
    atomic_store_explicit(&bm->attached, 0, memory_order_release);
    if (bm->registered)
        GC_unregister_my_thread();
    bm->registered = 0;
}

static void *alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    if (t != NULL)
        return GC_MALLOC(bytes); /* cleared by libgc */
    void *p = GC_MALLOC_ATOMIC(bytes);
    if (p != NULL)
        memset(p, 0, bytes);
    return p;
}

static void free_sized(gcb_mutator *m, void *p, size_t bytes)
{
    gcb_heap *h = m->heap;
    if (!h->honor_free || p == NULL)
        return;
    atomic_fetch_add_explicit(&h->freed_bytes, GC_size(p), memory_order_relaxed);
    GC_FREE(p);
}

static void write_barrier(gcb_mutator *m, void *obj, void **slot, void *val)
{
    *slot = val; /* never called: barrier_off stays 0 */
}

/* libgc stops threads with signals, so no cooperative safepoint is needed,
 * and a blocked thread is simply stopped where it blocks. */
static void safepoint(gcb_mutator *m) {}
static void blocking_enter(gcb_mutator *m) {}
static void blocking_exit(gcb_mutator *m) {}

static void add_root(gcb_mutator *m, void **slot)
{
    gcb_heap *h = m->heap;
    pthread_mutex_lock(&h->roots_lock);
    root_chunk *c = atomic_load_explicit(&h->roots, memory_order_relaxed);
    size_t n = c != NULL ? atomic_load_explicit(&c->count, memory_order_relaxed) : ROOT_CHUNK;
    if (n == ROOT_CHUNK) {
        root_chunk *fresh = calloc(1, sizeof *fresh);
        if (fresh == NULL) {
            pthread_mutex_unlock(&h->roots_lock);
            h->host->log(h->host->ctx, "out of memory registering a global root: aborting");
            abort(); /* the ABI gives add_root no way to fail */
        }
        fresh->next = c;
        atomic_store_explicit(&h->roots, fresh, memory_order_release);
        c = fresh;
        n = 0;
    }
    c->slot[n] = slot;
    atomic_store_explicit(&c->count, n + 1, memory_order_release);
    pthread_mutex_unlock(&h->roots_lock);
}

static void collect(gcb_mutator *m)
{
    GC_gcollect();
}

/* Unsynchronized libgc getters (no lock: the RSS sampler is not a
 * registered thread and must never wait for a collection). */
static void stats(gcb_heap *h, gcb_heap_stats *out)
{
    gcb_heap_stats s = {0};
    s.heap_bytes = in_use();
    s.mapped_bytes = GC_get_heap_size() + GC_get_unmapped_bytes();
    s.peak_live_bytes = atomic_load_explicit(&h->peak_marked, memory_order_relaxed);
    s.freed_explicit_bytes = atomic_load_explicit(&h->freed_bytes, memory_order_relaxed);
    GC_word n = GC_get_gc_no();
    s.cycles = n > h->gc_no_base ? n - h->gc_no_base : 0;
    manual_stats_out(out, &s);
}

static void describe(gcb_heap *h, char *buf, size_t len)
{
    snprintf(buf, len, "%s", h->banner);
}

static const gcb_collector table = {
    .abi = GCB_ABI_VERSION,
    .size = sizeof(gcb_collector),
    .name = "boehm",
    .description = "Boehm-Demers-Weiser conservative mark-sweep (Debian libgc), "
                   "stop-the-world or incremental, optional parallel markers",
    /* Caps are static: FREE is left out because free_sized is ignored
     * unless honor_free is set. */
    .caps = GCB_CAP_COLLECTS,
    .noptions = NOPTS,
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
    .free_sized = free_sized,
    .describe = describe,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
