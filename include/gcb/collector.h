/* gcb/collector.h - the collector plugin ABI.
 *
 * A collector is a shared object exporting one symbol,
 *
 *     const gcb_collector *gcb_collector_entry(void);
 *
 * that returns a const table of function pointers.  The table starts with
 * `abi` (GCB_ABI_VERSION the plugin was built with) and `size`
 * (sizeof(gcb_collector) the plugin was built with).  The host refuses a
 * plugin whose `abi` differs from its own, or whose `size` is smaller than
 * GCB_COLLECTOR_MIN_SIZE; it never reads a field at or beyond `size`.  New
 * fields are appended only; an optional method may be NULL (or lie beyond
 * `size`) and then has the fallback written next to it.
 *
 * Lifecycle (the host keeps these rules; plugins may rely on them):
 * 1. heap_new() once per run, on the run's main thread, with the validated
 *    options.  If it fails, nothing else is called.
 * 2. mutator_attach() on each mutator thread before that thread allocates;
 *    mutator_detach() on the same thread when it is done.  Between the two
 *    the thread only touches the heap through the mutator API (mutator.h).
 * 3. heap_free() once, after every mutator has detached.  If heap_new()
 *    succeeded the host MUST call heap_free(), even when the run failed.
 *
 * Plugins keep no global state: everything hangs off their heap object or
 * their mutators, and they reach the host only through gcb_host (never by
 * symbol), so several heaps could live in one process.
 */
#ifndef GCB_COLLECTOR_H
#define GCB_COLLECTOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "gcb/events.h"
#include "gcb/options.h"
#include "gcb/version.h"

typedef struct gcb_heap gcb_heap;       /* opaque: the plugin's heap */
typedef struct gcb_arena gcb_arena;     /* opaque: the plugin's arena */
typedef struct gcb_mutator gcb_mutator; /* see below; the plugin extends it */
typedef struct gcb_collector gcb_collector;

/* ---- Types ---------------------------------------------------------------
 * An object is an array of one or more elements of a type.  Pointer slots
 * are the first `nptrs` words of each element; every other word is scalar
 * and never scanned.  An allocation of `bytes` holds bytes / size elements
 * (bytes is a multiple of size).  A NULL type means pointer-free ("noscan"):
 * the collector never looks inside the object.  Types are static data owned
 * by the workload and outlive every heap.
 */
typedef struct gcb_type {
    const char *name;  /* for messages: "node", "[]byte" ... */
    uint32_t size;     /* bytes per element; a multiple of 8 */
    uint32_t nptrs;    /* leading pointer words per element; 0 < nptrs <= size/8 */
} gcb_type;

/* ---- Shadow-stack roots --------------------------------------------------
 * A frame names `count` pointer variables of the mutator's (the array
 * `slots`).  Frames are pushed and popped LIFO with gcb_frame_push/pop
 * (mutator.h).  While a frame is pushed, every non-NULL value in slots[] is
 * a root; the collector scans the array when it scans this mutator's roots
 * (at a safepoint of this mutator, or while it is stopped).  Slots hold NULL
 * or a pointer returned by the mutator API.
 */
typedef struct gcb_frame {
    struct gcb_frame *prev; /* next older frame, NULL at the bottom */
    void **slots;           /* `count` root variables */
    size_t count;
} gcb_frame;

/* ---- Host services -------------------------------------------------------
 * Passed to heap_new(); valid until heap_free() returns.  Every function is
 * thread-safe.
 */
/* The name prefix of a background sweeper thread (gcb_host.spawn). */
#define GCB_SWEEPER_THREAD "gc-sweep"

typedef struct gcb_host {
    uint32_t abi;       /* GCB_ABI_VERSION of the host */
    uint32_t size;      /* sizeof(gcb_host) of the host */
    void *ctx;          /* first argument of every call below */

    /* Report an event (events.h).  Slow path; any thread. */
    void (*event)(void *ctx, const gcb_event *ev);

    /* Start a GC thread.  The host binds it to the run's GC processing
     * units, accounts its CPU time as GC time and names it `name` (at most
     * 15 characters are kept).  A thread named GCB_SWEEPER_THREAD (or
     * starting with it) is a background sweeper: its CPU is reported as
     * sweep time (cpu.sweep_s), not GC time, as Go's /cpu/classes/gc
     * counts marking and pauses but not its background sweeper or
     * scavenger.  Returns 0 or an errno value.  The plugin joins the
     * thread with pthread_join() before heap_free() returns. */
    int (*spawn)(void *ctx, const char *name, void *(*fn)(void *), void *arg,
                 pthread_t *out);

    /* Print a line to the run's log (stderr of the child), prefixed with
     * the collector's name.  No trailing newline needed. */
    void (*log)(void *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

    /* Monotonic clock, nanoseconds.  For pacing decisions only: durations
     * that reach the record are measured by the host from events. */
    uint64_t (*now_ns)(void *ctx);

    uint32_t procs;     /* processing units this run may use (GOMAXPROCS) */
    uint32_t mutators;  /* mutator threads that will attach */
} gcb_host;

/* ---- Heap statistics ------------------------------------------------------
 * Filled by collector->stats().  The caller sets `size` to sizeof(its
 * struct); the plugin writes only fields that fit.  Safe to call from any
 * thread at any time (the RSS sampler calls it): plugins read their
 * counters with relaxed atomics and the figures may be slightly stale.
 */
typedef struct gcb_heap_stats {
    uint32_t size;                 /* set by the caller */
    uint64_t heap_bytes;           /* bytes; in objects not yet known dead (Go's heapLive) */
    uint64_t mapped_bytes;         /* bytes; address space the heap holds */
    uint64_t peak_live_bytes;      /* bytes; largest marked_bytes of any cycle
                                      (collectors that never mark: peak heap_bytes) */
    uint64_t freed_explicit_bytes; /* bytes; freed through free_sized/dead/tracked scopes */
    uint64_t reused_bytes;         /* bytes; explicitly freed slots handed out again */
    uint64_t cycles;               /* completed GC cycles */
    uint64_t frees;                /* free_sized / tracked-scope frees acted on */
    uint64_t frees_skipped;        /* free hints received but not acted on (object too
                                      small or large, GC marking, slot not reusable) */
    /* Memory regions (region_do; collectors without regions leave them 0). */
    uint64_t region_entries;       /* region_do calls that opened a region */
    uint64_t region_bytes;         /* bytes; requested by allocations served from regions */
    uint64_t region_objects;       /* allocations served from regions */
    uint64_t faded_bytes;          /* bytes; region objects (header included) faded to the GC */
    uint64_t faded_objects;        /* region objects faded to the GC */
    uint64_t fade_pointers;        /* pointer slots examined while fading */
    uint64_t region_reclaimed_bytes; /* bytes; region memory reclaimed at region exit */
    uint64_t barrier_slow;         /* region barrier slow paths (stores that faded) */
    uint64_t fade_ns;              /* ns; time spent fading (barrier and exit) */
    uint64_t unused_bytes;         /* bytes; in-use heap spans in no object the pacer has
                                      counted (Go's /memory/classes/heap/unused: free slots,
                                      slots of cached spans not yet flushed); 0 = not kept
                                      (a heap that keeps it and reads 0 in every sample
                                      is reported as not keeping it) */
} gcb_heap_stats;

/* ---- Capabilities ---------------------------------------------------------
 * A missing capability has a defined fallback, so every workload runs on
 * every collector. */
enum {
    GCB_CAP_COLLECTS   = 1u << 0, /* reclaims unreachable memory */
    GCB_CAP_CONCURRENT = 1u << 1, /* marks while mutators run */
    GCB_CAP_PRECISE    = 1u << 2, /* scans only declared pointer slots */
    GCB_CAP_FREE       = 1u << 3, /* honours free_sized */
    GCB_CAP_TRACKED    = 1u << 4, /* honours tracked scopes */
    GCB_CAP_ARENAS     = 1u << 5, /* real arenas */
    GCB_CAP_REGIONS    = 1u << 6, /* real regions */
    GCB_CAP_DEAD       = 1u << 7, /* honours dead (oracle free) */
    GCB_CAP_MANUAL     = 1u << 8  /* manual memory: nothing is freed unless hinted */
};

/* ---- The plugin table ---------------------------------------------------- */
struct gcb_collector {
    uint32_t abi;               /* GCB_ABI_VERSION the plugin was built with */
    uint32_t size;              /* sizeof(gcb_collector) the plugin was built with */
    const char *name;           /* short name: "marksweep" */
    const char *description;    /* one line */
    uint32_t caps;              /* GCB_CAP_* */
    uint32_t noptions;
    const gcb_option_desc *options; /* noptions entries */

    /* Create a heap.  `opts` has noptions validated values, in the order of
     * `options`.  On failure return an errno-style code and write a message
     * (naming the option at fault, if any) into err[errlen]. */
    int (*heap_new)(const gcb_host *host, const gcb_value *opts, gcb_heap **out,
                    char *err, size_t errlen);
    void (*heap_free)(gcb_heap *h);

    /* Called on the mutator's own thread.  The returned mutator starts with
     * the gcb_mutator prefix (below), filled in by the plugin. */
    int (*mutator_attach)(gcb_heap *h, gcb_mutator **out);
    void (*mutator_detach)(gcb_mutator *m);

    /* Allocation slow path: everything gcb_alloc()'s inline path did not
     * do.  Returns zeroed memory, or NULL when the heap is exhausted (the
     * host fails the run).  A safepoint. */
    void *(*alloc)(gcb_mutator *m, const gcb_type *t, size_t bytes);

    /* Pointer store with the barrier, called by gcb_store() while
     * *m->write_barrier is nonzero.  Must perform the store. */
    void (*write_barrier)(gcb_mutator *m, void *obj, void **slot, void *val);

    /* Called by gcb_poll() when m->poll_requested is set. */
    void (*safepoint)(gcb_mutator *m);

    /* The mutator is about to block (or leave the heap alone for a while)
     * and resumes.  Between the two the collector may stop the world without
     * waiting for it, and scans its roots itself. */
    void (*blocking_enter)(gcb_mutator *m);
    void (*blocking_exit)(gcb_mutator *m);

    /* Register a global root: *slot is scanned at every cycle until the
     * heap is freed.  Any thread with an attached mutator. */
    void (*add_root)(gcb_mutator *m, void **slot);

    /* runtime.GC(): run a full cycle now and return when it is done. */
    void (*collect)(gcb_mutator *m);

    /* Heap statistics; see gcb_heap_stats. */
    void (*stats)(gcb_heap *h, gcb_heap_stats *out);

    /* ---- Hints: optional (NULL), with the fallback mutator.h applies ---- */

    /* runtime.freegc: p (from alloc, `bytes` as requested) is dead.
     * Fallback: ignored. */
    void (*free_sized)(gcb_mutator *m, void *p, size_t bytes);

    /* freegcTracked: objects from alloc_tracked between scope_enter and the
     * matching scope_exit die at scope_exit unless the GC cycle moved on.
     * Fallback: scopes ignored, alloc_tracked is alloc. */
    void (*scope_enter)(gcb_mutator *m);
    void (*scope_exit)(gcb_mutator *m);
    void *(*alloc_tracked)(gcb_mutator *m, const gcb_type *t, size_t bytes);

    /* Arenas (Go's arena experiment).  Fallback: arena_new returns a dummy
     * non-NULL handle, arena_alloc is alloc, arena_free does nothing,
     * arena_clone is alloc + memcpy. */
    gcb_arena *(*arena_new)(gcb_mutator *m);
    void *(*arena_alloc)(gcb_mutator *m, gcb_arena *a, const gcb_type *t, size_t bytes);
    void (*arena_free)(gcb_mutator *m, gcb_arena *a);
    void *(*arena_clone)(gcb_mutator *m, const gcb_type *t, const void *p, size_t bytes);

    /* Memory regions (region.Do).  Fallback: fn(m, arg) called directly. */
    void (*region_do)(gcb_mutator *m, void (*fn)(gcb_mutator *, void *), void *arg);

    /* Oracle free: p is dead.  Only manual-memory baselines honour it.
     * Fallback: ignored. */
    void (*dead)(gcb_mutator *m, void *p, size_t bytes);

    /* Check the heap's invariants; 0 when they hold, else write what is
     * wrong into err.  NULL: nothing to verify.  Any attached thread. */
    int (*verify)(gcb_mutator *m, char *err, size_t errlen);

    /* A memory fault at addr: if addr is the plugin's (e.g. a freed
     * arena), write what it is into buf and return 1, else 0.  Called from
     * the host's SIGSEGV/SIGBUS handler, on the faulting thread, with
     * anything possibly half-done: lock-free reads only, no allocation.
     * NULL: the host installs no handler (the fault kills the run as is). */
    int (*describe_fault)(gcb_heap *h, const void *addr, char *buf, size_t len);

    /* One line on this heap as it actually runs (library version, threads
     * started, effective settings), written into buf[len] NUL-terminated,
     * for the run record's collector.description.  Called by the host on
     * its main thread after heap_new succeeded, before heap_free.  Plugins
     * put such banners here instead of logging them.  NULL: the host uses
     * the table's `description`. */
    void (*describe)(gcb_heap *h, char *buf, size_t len);
};

/* The host requires at least the fields up to and including `stats`. */
#define GCB_COLLECTOR_MIN_SIZE \
    (offsetof(gcb_collector, stats) + sizeof(void (*)(void)))

/* True when the plugin's table holds `field` (appended fields). */
#define GCB_HAS(c, field) \
    ((c)->size >= offsetof(gcb_collector, field) + sizeof((c)->field) && (c)->field != NULL)

#define GCB_ENTRY_SYMBOL "gcb_collector_entry"
typedef const gcb_collector *(*gcb_collector_entry_fn)(void);

/* ---- The mutator prefix --------------------------------------------------
 * Every plugin mutator starts with this struct.  The inline fast paths in
 * mutator.h read it directly (no indirect call); the plugin decides which
 * of them apply by how it fills the fields.  Owned by the mutator's thread
 * unless a comment says otherwise.
 */
#define GCB_NCLASSES 72        /* room for Go's 68 size classes */
#define GCB_INLINE_MAX 1024    /* largest request the inline paths may serve */

typedef struct gcb_freeobj { struct gcb_freeobj *next; } gcb_freeobj;

#define GCB_HEAPBITS_MAX 512   /* bytes: largest object with pointers kept headerless */

/* The pointer bits of the span a FREELIST mutator caches for one size
 * class of objects with pointers (heap_bits = 1): bit k of the bitmap
 * (bits[k / 64] >> k % 64) says whether word k from `base` holds a
 * pointer.  Only the mutator caching the span writes its bits (relaxed
 * atomic loads and stores: markers read neighbouring bits meanwhile). */
typedef struct gcb_spanbits {
    char *base;               /* the span's first byte; NULL: no span cached */
    uint64_t *bits;           /* its bitmap */
    uint64_t elemwords;       /* words per slot (<= 64) */
} gcb_spanbits;

/* Go's scan size of a new object of `bytes` (<= GCB_HEAPBITS_MAX) of
 * type t with its pointer bits in the span (what Go's writeHeapBitsSmall
 * returns to mallocgc's scanAlloc): the elements before the last and the
 * last one's pointer words; for a pointer-sized element type ([]*T) only
 * its first word, as Go's (it counts typ.PtrBytes and skips the loop);
 * never more than `bytes` (a short object, which the rules above do not
 * allow but the bits tolerate). */
static inline uint32_t gcb_scan_size(const gcb_type *t, size_t bytes)
{
    size_t p = (size_t)t->nptrs * sizeof(void *);
    if (t->size == sizeof(void *) || bytes < t->size)
        return (uint32_t)(p < bytes ? p : bytes);
    return (uint32_t)(bytes - t->size + p);
}

/* Pointer bits of an object of `bytes` (<= GCB_HEAPBITS_MAX) of type t
 * from its first word: each element's nptrs leading words, elements
 * every t->size bytes, a partial last element included, nothing past
 * the object's last word. */
static inline uint64_t gcb_heapbits_mask(const gcb_type *t, size_t bytes)
{
    uint64_t one = t->nptrs >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << t->nptrs) - 1;
    if (bytes == t->size)
        return one;
    size_t nwords = (bytes + 7) / 8, stride = t->size / 8;
    uint64_t m = 0;
    for (size_t w = 0; w < nwords && w < 64; w += stride)
        m |= one << w;
    return nwords >= 64 ? m : m & (((uint64_t)1 << nwords) - 1);
}

/* Set the nwords (<= 64) bits from bit `word` of bits to mask.  The
 * owner's relaxed load-modify-store: only one thread writes a span's bits
 * (see gcb_spanbits), while markers may read them. */
static inline void gcb_heapbits_write(uint64_t *bits, size_t word, size_t nwords, uint64_t mask)
{
    size_t i = word >> 6, sh = word & 63;
    uint64_t clear = nwords >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << nwords) - 1;
    uint64_t w0 = __atomic_load_n(&bits[i], __ATOMIC_RELAXED);
    __atomic_store_n(&bits[i], (w0 & ~(clear << sh)) | (mask << sh), __ATOMIC_RELAXED);
    if (sh + nwords > 64) {
        uint64_t w1 = __atomic_load_n(&bits[i + 1], __ATOMIC_RELAXED);
        __atomic_store_n(&bits[i + 1], (w1 & ~(clear >> (64 - sh))) | (mask >> (64 - sh)),
                         __ATOMIC_RELAXED);
    }
}

/* The nwords (<= 64) bits from bit `word` of bits; any thread. */
static inline uint64_t gcb_heapbits_read(const uint64_t *bits, size_t word, size_t nwords)
{
    size_t i = word >> 6, sh = word & 63;
    uint64_t m = __atomic_load_n(&bits[i], __ATOMIC_RELAXED) >> sh;
    if (sh + nwords > 64)
        m |= __atomic_load_n(&bits[i + 1], __ATOMIC_RELAXED) << (64 - sh);
    return nwords >= 64 ? m : m & (((uint64_t)1 << nwords) - 1);
}

enum {
    GCB_ALLOC_SLOW = 0,     /* every allocation calls collector->alloc */
    GCB_ALLOC_BUMP = 1,     /* bump [bump, bump_limit); memory already zero */
    GCB_ALLOC_FREELIST = 2  /* per size class lists in freelist[][] */
};

struct gcb_mutator {
    const gcb_collector *gc;  /* the plugin's table */
    gcb_heap *heap;           /* the heap this mutator is attached to */

    /* Inline allocation.  alloc_kind selects the path; the plugin may
     * switch it (or set inline_max to 0) at any safepoint of this mutator
     * or while it is stopped, e.g. to allocate black during marking.  Any
     * thread may also set inline_max to 0 with an atomic store, to send
     * the mutator's next allocation down the slow path (a preemption
     * request, like Go's stack-guard poisoning); the inline paths read it
     * with a relaxed atomic load. */
    uint32_t alloc_kind;      /* GCB_ALLOC_* */
    uint32_t inline_max;      /* bytes (header included); requests above it take the slow path */
    char *bump;               /* BUMP: next free byte, 8-byte aligned */
    char *bump_limit;         /* BUMP: end of the current run */
    uint32_t heap_bits;       /* FREELIST: 1 = Go 1.22+'s layout for objects with
                                 pointers: up to GCB_HEAPBITS_MAX bytes, no header, their
                                 pointer bits written into spanbits[class]; larger ones a
                                 one-word header holding their gcb_type *, the pointer
                                 returned to the workload just past it.  0 = no header,
                                 no bits */
    uint32_t scan_alloc;      /* FREELIST with heap_bits: Go's mcache.scanAlloc, the scannable
                                 bytes of the objects with pointers allocated (gcb_scan_size;
                                 a header object's whole slot) since the plugin last took
                                 them; the inline path adds, the plugin reads and zeroes it
                                 at each span refill and release and each explicit free
                                 (between two, the free lists hold at most the cached spans'
                                 slots and one freed slot, so 32 bits hold it).  Was
                                 reserved0: a plugin that ignores it loses nothing */
    const uint8_t *size_to_class; /* FREELIST: class of a slot for n bytes,
                                     indexed by (n + 7) / 8, n <= inline_max */
    const uint32_t *class_size;   /* FREELIST: slot bytes of each class */
    gcb_freeobj *freelist[GCB_NCLASSES][2]; /* FREELIST: [class][0 noscan, 1 scan];
                                               slots hold garbage beyond `next`:
                                               the inline path zeroes them */

    /* Barrier and safepoints.  `write_barrier` points into the heap: nonzero
     * while the collector needs gcb_store() to call collector->write_barrier
     * (Go's writeBarrier.enabled).  `poll_requested` is set by the collector
     * from any thread to ask this mutator to call collector->safepoint. */
    const _Atomic uint32_t *write_barrier;
    _Atomic uint32_t poll_requested;
    uint32_t reserved1;

    gcb_frame *frames;        /* top of the shadow stack; read by the collector
                                 while this mutator is stopped */

    /* Counters, written only by this mutator (inline paths included);
     * the host reads them after the mutator's last operation. */
    uint64_t bytes_allocated;   /* bytes requested through the mutator API */
    uint64_t objects_allocated; /* allocations through the mutator API */

    void *host_data;          /* the host's per-thread data; plugins leave it alone */

    /* FREELIST with heap_bits: the bits of every slot on freelist[c][1]
     * for classes of at most GCB_HEAPBITS_MAX bytes lie in spanbits[c]
     * (the plugin keeps slots of other spans off those lists). */
    gcb_spanbits spanbits[GCB_NCLASSES];
};

#endif
