/* gcb/mutator.h - the API workloads program against.
 *
 * Every call takes the calling thread's gcb_mutator.  Fast paths are inline
 * and read only the gcb_mutator prefix; everything else is one call into the
 * plugin's table.  Rules a workload keeps (a collector may free anything
 * that breaks them):
 * - A heap pointer is only kept where the collector can see it: in a pushed
 *   frame's slot, in a registered global root, or in a pointer slot of a
 *   reachable object.  Any call below except gcb_store may collect, so
 *   store a fresh pointer into a frame slot before the next call.
 * - Pointer slots of heap objects are written with gcb_store, never by
 *   assignment (scalar words may be written freely).
 * - Long loops without allocation call gcb_poll.
 * Memory from gcb_alloc is zeroed and 8-byte aligned.
 */
#ifndef GCB_MUTATOR_H
#define GCB_MUTATOR_H

#include <stdatomic.h>
#include <string.h>

#include "gcb/collector.h"

#define gcb_likely(x) __builtin_expect(!!(x), 1)
#define gcb_unlikely(x) __builtin_expect(!!(x), 0)

/* The inline allocation path alone: `bytes` (> 0) of type t (NULL:
 * pointer-free), zeroed, from the mutator's bump run or span cache, or
 * NULL when that needs the slow path (nothing counted, nothing changed).
 * gcb_alloc is this plus the slow path; gcbench-micro's alloc-inline case
 * times it alone. */
static inline void *gcb_alloc_inline(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    /* inline_max may be zeroed by another thread to preempt (collector.h) */
    size_t max = __atomic_load_n(&m->inline_max, __ATOMIC_RELAXED);
    if (m->alloc_kind == GCB_ALLOC_BUMP) {
        size_t n = (bytes + 7) & ~(size_t)7;
        char *p = m->bump;
        if (gcb_likely(n <= max && n <= (size_t)(m->bump_limit - p))) {
            m->bump = p + n;
            m->bytes_allocated += bytes;
            m->objects_allocated++;
            return p;
        }
    } else if (m->alloc_kind == GCB_ALLOC_FREELIST) {
        /* Go 1.22+ (heap_bits): objects with pointers up to
         * GCB_HEAPBITS_MAX bytes have their pointer bits written into the
         * cached span's bitmap, larger ones a header word holding t. */
        int scan = t != NULL;
        size_t hdr = (scan && m->heap_bits && bytes > GCB_HEAPBITS_MAX) ? sizeof(void *) : 0;
        size_t n = bytes + hdr;
        if (gcb_likely(n <= max)) {
            unsigned cls = m->size_to_class[(n + 7) >> 3];
            gcb_freeobj *o = m->freelist[cls][scan];
            if (gcb_likely(o != NULL)) {
                m->freelist[cls][scan] = o->next;
                memset(o, 0, n);
                m->bytes_allocated += bytes;
                m->objects_allocated++;
                if (scan && m->heap_bits) {
                    if (hdr) {
                        *(const gcb_type **)o = t;
                        m->scan_alloc += m->class_size[cls]; /* Go: the whole slot */
                        return (char *)o + hdr;
                    }
                    m->scan_alloc += gcb_scan_size(t, bytes);
                    /* o lies in spanbits[cls]'s span (collector.h); its
                     * bits are complete before the caller can publish o */
                    const gcb_spanbits *sb = &m->spanbits[cls];
                    gcb_heapbits_write(sb->bits, (size_t)((char *)o - sb->base) >> 3,
                                       sb->elemwords, gcb_heapbits_mask(t, bytes));
                }
                return o;
            }
        }
    }
    return NULL;
}

/* Allocate `bytes` (> 0) of type t (NULL: pointer-free).  Zeroed.  The
 * counters are updated before the slow path runs (it may read them).
 * A mutator without an inline path (GCB_ALLOC_SLOW: the manual
 * baselines, boehm, a regions mutator inside a region) goes straight to
 * the collector: gcb_alloc_inline is large enough (heap bits) that GCC
 * emits it out of line in a file with several call sites, and entering
 * it (six registers saved and restored) cost a manual baseline about 30
 * instructions per allocation, more than its whole accounting.  The
 * inline paths pay one more compare. */
static inline void *gcb_alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    if (m->alloc_kind != GCB_ALLOC_SLOW) {
        void *p = gcb_alloc_inline(m, t, bytes);
        if (gcb_likely(p != NULL))
            return p;
    }
    m->bytes_allocated += bytes;
    m->objects_allocated++;
    return m->gc->alloc(m, t, bytes);
}

/* *slot = val, where slot is a pointer slot of obj (a heap object), or,
 * with obj NULL, a registered global root (regions fade what is stored
 * there; other collectors just store). */
static inline void gcb_store(gcb_mutator *m, void *obj, void **slot, void *val)
{
    if (gcb_unlikely(atomic_load_explicit(m->write_barrier, memory_order_relaxed)))
        m->gc->write_barrier(m, obj, slot, val);
    else
        *slot = val;
}

/* Safepoint: let a pending stop-the-world or stack scan proceed. */
static inline void gcb_poll(gcb_mutator *m)
{
    if (gcb_unlikely(atomic_load_explicit(&m->poll_requested, memory_order_relaxed)))
        m->gc->safepoint(m);
}

/* Push a frame of `count` root variables (zero them first), pop it LIFO. */
static inline void gcb_frame_push(gcb_mutator *m, gcb_frame *f, void **slots, size_t count)
{
    f->slots = slots;
    f->count = count;
    f->prev = m->frames;
    /* The frame must be complete before a collector can see it. */
    atomic_signal_fence(memory_order_release);
    m->frames = f;
}

static inline void gcb_frame_pop(gcb_mutator *m, gcb_frame *f)
{
    m->frames = f->prev;
}

static inline void gcb_add_root(gcb_mutator *m, void **slot) { m->gc->add_root(m, slot); }
static inline void gcb_collect(gcb_mutator *m) { m->gc->collect(m); }
static inline void gcb_blocking_enter(gcb_mutator *m) { m->gc->blocking_enter(m); }
static inline void gcb_blocking_exit(gcb_mutator *m) { m->gc->blocking_exit(m); }

/* Does the plugin table hold optional method `f`? */
#define GCB_MUT_HAS(m, f) GCB_HAS((m)->gc, f)

/* runtime.freegc: p (allocated with `bytes`) is dead. */
static inline void gcb_free_sized(gcb_mutator *m, void *p, size_t bytes)
{
    if (GCB_MUT_HAS(m, free_sized))
        m->gc->free_sized(m, p, bytes);
}

/* Oracle free: p (allocated with `bytes`: the same count, which the manual
 * baselines' accounting relies on) is dead.  Only manual-memory baselines
 * act on it. */
static inline void gcb_dead(gcb_mutator *m, void *p, size_t bytes)
{
    if (GCB_MUT_HAS(m, dead))
        m->gc->dead(m, p, bytes);
}

/* freegcTracked scopes. */
static inline void gcb_scope_enter(gcb_mutator *m)
{
    if (GCB_MUT_HAS(m, scope_enter))
        m->gc->scope_enter(m);
}

static inline void gcb_scope_exit(gcb_mutator *m)
{
    if (GCB_MUT_HAS(m, scope_exit))
        m->gc->scope_exit(m);
}

static inline void *gcb_alloc_tracked(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    if (GCB_MUT_HAS(m, alloc_tracked)) {
        m->bytes_allocated += bytes;
        m->objects_allocated++;
        return m->gc->alloc_tracked(m, t, bytes);
    }
    return gcb_alloc(m, t, bytes);
}

/* Arenas.  Without arena support, an arena is this placeholder and its
 * objects come from the normal heap (the GC reclaims them). */
#define GCB_NO_ARENA ((gcb_arena *)(uintptr_t)1)

static inline gcb_arena *gcb_arena_new(gcb_mutator *m)
{
    return GCB_MUT_HAS(m, arena_new) ? m->gc->arena_new(m) : GCB_NO_ARENA;
}

static inline void *gcb_arena_alloc(gcb_mutator *m, gcb_arena *a, const gcb_type *t, size_t bytes)
{
    if (a != GCB_NO_ARENA && GCB_MUT_HAS(m, arena_alloc)) {
        m->bytes_allocated += bytes;
        m->objects_allocated++;
        return m->gc->arena_alloc(m, a, t, bytes);
    }
    return gcb_alloc(m, t, bytes);
}

static inline void gcb_arena_free(gcb_mutator *m, gcb_arena *a)
{
    if (a != GCB_NO_ARENA && GCB_MUT_HAS(m, arena_free))
        m->gc->arena_free(m, a);
}

/* Copy an object (possibly in an arena) into the GC heap. */
static inline void *gcb_arena_clone(gcb_mutator *m, const gcb_type *t, const void *p, size_t bytes)
{
    if (GCB_MUT_HAS(m, arena_clone)) {
        m->bytes_allocated += bytes;
        m->objects_allocated++;
        return m->gc->arena_clone(m, t, p, bytes);
    }
    void *q = gcb_alloc(m, t, bytes);
    if (q != NULL)
        memcpy(q, p, bytes);
    return q;
}

/* region.Do(fn): fn's allocations are region-local where supported. */
static inline void gcb_region_do(gcb_mutator *m, void (*fn)(gcb_mutator *, void *), void *arg)
{
    if (GCB_MUT_HAS(m, region_do))
        m->gc->region_do(m, fn, arg);
    else
        fn(m, arg);
}

#endif
