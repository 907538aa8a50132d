/* space.c - Go's memory regions (discussion #70257, design doc
 * design/70257-memory-regions.md) over the Go-like heap: region_do, the
 * region allocator, the region write barrier and fading, and the region
 * space, which takes part in the core's marking through the space
 * contract (collectors/core/space.h).
 *
 * Blocks.  Region memory is a reservation of its own (region_space.base),
 * cut into blocks of `block` bytes (8 KiB, option `block`), so "is p
 * region memory, and in which block" is a range check and a shift.  A
 * block is FREE (on a free list), REGION (owned by an open region of one
 * thread, at one nesting depth), PINNED (its region ended while it held a
 * faded object: the GC owns it now) or PENDING (released while a cycle
 * ran; recycled at mark done).  Metadata (state, owner, depth, mark bits)
 * lives beside the reservation, indexed by block, never in the block.
 * The block's 128-byte lines only matter to the design's line-level
 * sweeping, which this model does not do (below).
 *
 * Objects.  Inside a region, allocations of at most `cutoff` bytes (2 KiB,
 * option) are bump-allocated in the region's newest block, each after a
 * one-word header: bits 48..63 the object's size in words, bits 3..47 its
 * gcb_type * (types are 8-aligned static data in the low 2^48 bytes),
 * bit 0 the fade bit.  Why a header and not a side table: region objects
 * are bump-allocated back to back with mixed types, the barrier and the
 * tracer go from an object pointer to its type in one load, and the
 * design itself gives every region object an 8-byte header (its mark
 * bits are in the header too; here they are a side bitmap, below, so
 * clearing them costs no walk).  The header is the region space's own
 * representation: nothing here depends on heap objects having a header
 * (heap pointers are handed to the core's mark_shade, never decoded).
 * Larger allocations, and all allocations outside a region, go to the
 * heap (mallocgc).  A region allocation takes the plugin's slow path (an
 * indirect call): inside a region the mutator's alloc_kind is SLOW, since
 * the ABI's inline bump path writes no header.  Go would inline it.
 *
 * Nesting.  Each thread has a stack of regions (region_mutator.r[1..]),
 * each with its own blocks; a region's objects may point to its own
 * objects and to those of older (outer) regions, which outlive it.
 *
 * Barrier.  While a thread is inside a region its gcb_mutator.write_barrier
 * points at a per-thread flag that is always 1 (outside, at the heap's
 * flag, as the core sets it), so every gcb_store of that thread, and only
 * of that thread, calls region_write_barrier.  A store of a blue (region,
 * not faded) object v into memory outside v's region fades v first:
 * "outside" is a heap object, an object of another space (arena), a
 * faded object, an object of an older region, or a root (obj == NULL:
 * global roots and sync.Pool slots are written with gcb_store(m, NULL,
 * slot, v), as Go's globals have write barriers).  The store then goes
 * through the GC's hybrid barrier when it is on.  Frame slots are written
 * without a barrier (Go's stack writes have none either): region exit
 * scans the thread's remaining frames (those older than the region) and
 * fades every object of the region they hold, which is the design's
 * "stack above the latest region.Do" check, done once at exit.
 *
 * Fading (strategy: transitive, in place).  fade(v) sets the fade bit of
 * v and of every blue object reachable from it, at once (the design: a
 * deferred fade could be hidden on another thread's stack).  Objects are
 * pinned, not copied: a copy would leave the region's other references
 * (frames, other region objects) on the old copy, which would need a
 * forwarding read barrier or a heap walk to fix; Go's collector does not
 * move objects and the design fades in place.  A block holding a faded
 * object is pinned whole when its region ends: the design frees the
 * lines that hold no faded word and reuses them (Immix holes); here the
 * whole block stays until a mark finds none of its objects reachable.
 * That over-retains at high escape rates (documented in README/paper).
 *
 * Region exit.  After the frame scan, every block of the region without a
 * faded object is released at once (no GC cycle): to the thread's small
 * cache or the global free list, or, while a cycle runs (phase not OFF),
 * to the PENDING list that mark done recycles (the design's option 1:
 * "delay eager sweeping until after the mark phase completes").  A block
 * with a faded object becomes PINNED and counts in heap_live (it is heap
 * memory now; the pacer sees it).  RSS: free blocks are reused first
 * (LIFO, hot); those that stayed at the bottom of the global free list
 * for a whole GC cycle are returned to the OS (madvise(MADV_DONTNEED))
 * by the next region exit, as Go's scavenger returns free spans.
 *
 * Marking.  A region object is reached by the GC only through visit (a
 * pointer in no heap span): from a frame or global at a pause (mark_roots),
 * from the GC barrier shading an old or new value (on the storing thread),
 * or from a heap or faded object being scanned by a marker.  visit marks
 * the object in the block's mark bitmap and traces it at once: region
 * children through a local stack, heap children with mark_shade.  Marked
 * pinned blocks count in heap_marked; mark done frees the PINNED blocks
 * none of whose objects was marked, provided they were pinned before the
 * mark began (a block pinned during the mark waits one more cycle), then
 * clears every mark bitmap for the next cycle.
 *
 * Invariant (no dangling pointer, no dead object scanned):
 *   (I1) A blue object is referenced only from frames of its own thread,
 *        from blue objects of its own or of a newer region of that thread,
 *        and from nothing else: the barrier fades it before any other
 *        store, and exit fades what older frames hold.  Faded objects
 *        point only to faded objects and heap objects (fading is
 *        transitive, and a store into a faded object fades the value).
 *   (I2) Hence a marker thread that finds a region pointer in a heap or
 *        faded object finds a faded object; a blue object is traced only
 *        on its own thread (GC barrier) or with the world stopped (root
 *        scan), i.e. while its region is open.  Region exit frees only
 *        blocks without a faded object, and PINNED blocks are freed only
 *        at mark done (no marker running), so the GC never scans a dead
 *        region object; blocks released during a cycle are recycled only
 *        at mark done besides (belt and braces, as the design asks).
 *   (I3) Every region object marked in a cycle has its heap children
 *        marked and its region children marked by the end of the mark
 *        (traced at marking; later stores go through the GC barrier).
 * visit checks (I2) on every object it reaches (the block must be REGION,
 * or PINNED with the object faded; the header must be sane) and fails the
 * run naming the address otherwise; with `verify`, the core's verify walk
 * calls `roots`, which checks (I3) for every marked region object and
 * feeds its heap pointers to the walk, and released blocks are poisoned.
 *
 * Threads: region_do, region_alloc, the barrier and exit run on the
 * owning mutator's thread; visit on any marking thread; mark_done, roots
 * and contains with the world stopped.  region_space.lock guards the free
 * and pending lists and nused; block states are atomics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gcb/mutator.h"
#include "region.h"

enum { BLOCK_FREE = 0, BLOCK_REGION = 1, BLOCK_PINNED = 2, BLOCK_PENDING = 3 };

#define NONE UINT32_MAX
#define HDR_FADED ((uint64_t)1)
#define HDR_TYPE ((uint64_t)0x0000fffffffffff8)
#define HDR_WORDS_SHIFT 48
#define DEPTH_MAX 32     /* nesting deeper than this runs fn in the enclosing region */
#define LOCAL_CACHE 8    /* free blocks a thread keeps for itself */
#define FLUSH_EVERY 256  /* outermost exits between flushes of a thread's counters */
#define POISON 0xdb      /* verify: released block bytes */

typedef struct rblock {
    _Atomic uint8_t state;        /* BLOCK_* */
    _Atomic uint8_t marked;       /* some object marked this cycle (cleared at mark done) */
    _Atomic uint8_t faded;        /* holds a faded object (REGION, PINNED) */
    uint8_t clean;                /* FREE: memory is zero (fresh or madvised) */
    uint32_t depth;               /* REGION: nesting depth of its region, 1 = outermost */
    uint32_t next;                /* REGION: the region's previous block; PENDING: list */
    uint32_t used;                /* bytes bump-allocated from the block's start */
    _Atomic uint32_t faded_bytes; /* bytes of faded objects, headers included */
    uint64_t pinned_mark;         /* PINNED: region_space.marks when pinned */
    gc_mutator *owner;            /* REGION: the owning thread */
} rblock;

typedef struct rstats {
    uint64_t entries, bytes, objects, faded_bytes, faded_objects, fade_pointers, reclaimed, slow,
        fade_ns;
} rstats;

typedef struct region {
    uint32_t last;                /* newest block (bump block), NONE before the first */
    char *bump, *limit;           /* free part of the newest block */
} region;

typedef struct region_mutator {
    _Atomic uint32_t always;      /* 1: write_barrier points here inside a region */
    uint32_t saved_kind;          /* alloc_kind outside regions */
    unsigned depth;               /* open regions; r[1..depth] */
    region r[DEPTH_MAX + 1];
    uint32_t cache[LOCAL_CACHE];  /* FREE blocks kept by this thread */
    unsigned ncache;
    void **stack;                 /* fade work list */
    size_t nstack, capstack;
    unsigned exits;               /* outermost exits since the last flush */
    rstats st;                    /* this thread's counters, flushed to the space */
} region_mutator;

typedef struct region_space {
    gc_space base_space;          /* the contract's part; first */
    char *base;                   /* reservation of nmax blocks */
    size_t block;                 /* bytes per block; a power of two */
    unsigned shift;               /* log2(block) */
    size_t cutoff;                /* bytes: larger allocations go to the heap */
    size_t nmax;                  /* blocks the reservation holds */
    size_t bitwords;              /* mark bitmap words per block (a bit per 8 bytes) */
    rblock *blocks;               /* nmax entries (mmap, touched as used) */
    _Atomic uint64_t *markbits;   /* nmax * bitwords */
    pthread_mutex_t lock;
    size_t nused;                 /* blocks ever handed out: [0, nused); under lock,
                                     read without it with the world stopped */
    uint32_t *freeq;              /* free blocks, a ring: bottom = oldest; under lock */
    size_t fhead, fcount;
    size_t lowwater;              /* least fcount since the last mark done */
    _Atomic size_t scav_goal;     /* blocks at the bottom to return to the OS */
    uint32_t pending;             /* PENDING list head; under lock */
    _Atomic uint64_t marks;       /* marks begun (mark_start) */
    _Atomic uint64_t inuse;       /* blocks not FREE, for live_bytes */
    _Atomic uint64_t pinned;      /* PINNED blocks */
    _Atomic uint64_t c[9];        /* flushed rstats, in rstats order */
} region_space;

static const gc_space_ops ops;

static region_space *space(gc_heap *h) { return (region_space *)gc_space_find(h, &ops); }

static region_mutator *local(region_space *rs, gc_mutator *gm)
{
    return gm->local[rs->base_space.index];
}

static inline int in_space(const region_space *rs, const void *p)
{
    return (uintptr_t)p - (uintptr_t)rs->base < rs->nmax << rs->shift;
}

static inline uint32_t block_of(const region_space *rs, const void *p)
{
    return (uint32_t)(((uintptr_t)p - (uintptr_t)rs->base) >> rs->shift);
}

static inline char *block_base(const region_space *rs, uint32_t b)
{
    return rs->base + ((size_t)b << rs->shift);
}

static inline _Atomic uint64_t *hdr(const void *obj) { return (_Atomic uint64_t *)obj - 1; }

static inline uint64_t load_hdr(const void *obj)
{
    return atomic_load_explicit(hdr(obj), memory_order_relaxed);
}

static inline const gcb_type *hdr_type(uint64_t h) { return (const gcb_type *)(uintptr_t)(h & HDR_TYPE); }
static inline size_t hdr_bytes(uint64_t h) { return (size_t)(h >> HDR_WORDS_SHIFT) * 8; }

/* The bit of obj (its header's word) in its block's mark bitmap. */
static inline void markbit(const region_space *rs, const void *obj, _Atomic uint64_t **w,
                           uint64_t *bit)
{
    uint32_t b = block_of(rs, obj);
    size_t i = ((uintptr_t)obj - 8 - (uintptr_t)block_base(rs, b)) >> 3;
    *w = &rs->markbits[(size_t)b * rs->bitwords + i / 64];
    *bit = (uint64_t)1 << (i % 64);
}

static int is_marked(const region_space *rs, const void *obj)
{
    _Atomic uint64_t *w;
    uint64_t bit;
    markbit(rs, obj, &w, &bit);
    return (atomic_load_explicit(w, memory_order_relaxed) & bit) != 0;
}

static void destroy(gc_space *sp, gc_heap *h);

static void *map(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int region_space_init(gc_heap *h, size_t block, size_t cutoff, size_t reserve, char *err,
                      size_t errlen)
{
    if (block < 4096 || (block & (block - 1)) != 0 || block > ((size_t)1 << 20)) {
        snprintf(err, errlen, "%s: option block = %zu: must be a power of two from 4096 to 1MiB",
                 h->cfg.name, block);
        return EINVAL;
    }
    if (cutoff < 8 || cutoff > block / 4) {
        snprintf(err, errlen, "%s: option cutoff = %zu: must be from 8 to block / 4 (%zu)",
                 h->cfg.name, cutoff, block / 4);
        return EINVAL;
    }
    region_space *rs = calloc(1, sizeof *rs);
    if (rs == NULL) {
        snprintf(err, errlen, "%s: out of memory for the region space", h->cfg.name);
        return ENOMEM;
    }
    rs->block = block;
    rs->shift = (unsigned)__builtin_ctzll(block);
    rs->cutoff = cutoff;
    rs->nmax = reserve / block;
    if (rs->nmax >= NONE)
        rs->nmax = NONE - 1;
    rs->bitwords = block / 512;
    rs->pending = NONE;
    rs->base = map(rs->nmax * block);
    rs->blocks = map(rs->nmax * sizeof *rs->blocks);
    rs->markbits = map(rs->nmax * rs->bitwords * sizeof *rs->markbits);
    rs->freeq = map(rs->nmax * sizeof *rs->freeq);
    pthread_mutex_init(&rs->lock, NULL);
    rs->base_space.ops = &ops;
    if (!rs->base || !rs->blocks || !rs->markbits || !rs->freeq) {
        snprintf(err, errlen, "%s: cannot reserve %zu bytes for region blocks (option "
                 "region_reserve): %s", h->cfg.name, rs->nmax * block, strerror(errno));
        destroy(&rs->base_space, h);
        return ENOMEM;
    }
    int rc = gc_space_register(h, &rs->base_space, err, errlen);
    if (rc != 0)
        destroy(&rs->base_space, h);
    return rc;
}

static void destroy(gc_space *sp, gc_heap *h)
{
    region_space *rs = (region_space *)sp;
    if (rs->base)
        munmap(rs->base, rs->nmax * rs->block);
    if (rs->blocks)
        munmap(rs->blocks, rs->nmax * sizeof *rs->blocks);
    if (rs->markbits)
        munmap((void *)rs->markbits, rs->nmax * rs->bitwords * sizeof *rs->markbits);
    if (rs->freeq)
        munmap(rs->freeq, rs->nmax * sizeof *rs->freeq);
    pthread_mutex_destroy(&rs->lock);
    free(rs);
}

/* ---- free blocks ---- */

/* Push b on the global free list; lock held. */
static void free_push_locked(region_space *rs, uint32_t b)
{
    rs->freeq[(rs->fhead + rs->fcount) % rs->nmax] = b;
    rs->fcount++;
}

/* Release b (no longer part of any region or pinned).  While a cycle runs
 * it waits on the pending list for mark done (see I2); else it goes to
 * gm's cache or the global list.  gm may be NULL (mark done). */
static void release(region_space *rs, gc_heap *h, region_mutator *rm, uint32_t b)
{
    rblock *k = &rs->blocks[b];
    if (h->cfg.verify) {
        memset(block_base(rs, b), POISON, k->used);
        k->clean = 0;
    } else {
        k->clean = k->used == 0;
    }
    atomic_store_explicit(&k->faded, 0, memory_order_relaxed);
    atomic_store_explicit(&k->faded_bytes, 0, memory_order_relaxed);
    if (rm != NULL && atomic_load_explicit(&h->phase, memory_order_relaxed) != GCPH_OFF) {
        atomic_store_explicit(&k->state, BLOCK_PENDING, memory_order_relaxed);
        pthread_mutex_lock(&rs->lock);
        k->next = rs->pending;
        rs->pending = b;
        pthread_mutex_unlock(&rs->lock);
        return;
    }
    atomic_store_explicit(&k->state, BLOCK_FREE, memory_order_relaxed);
    atomic_fetch_sub_explicit(&rs->inuse, 1, memory_order_relaxed);
    if (rm != NULL && rm->ncache < LOCAL_CACHE) {
        rm->cache[rm->ncache++] = b;
        return;
    }
    if (rm != NULL)
        pthread_mutex_lock(&rs->lock);
    free_push_locked(rs, b);
    if (rm != NULL)
        pthread_mutex_unlock(&rs->lock);
}

/* Return to the OS the free blocks that sat at the bottom of the global
 * list for a whole cycle (scav_goal, set at mark done).  gm's thread. */
static void scavenge(region_space *rs)
{
    pthread_mutex_lock(&rs->lock);
    size_t k = atomic_exchange_explicit(&rs->scav_goal, 0, memory_order_relaxed);
    if (k > rs->fcount)
        k = rs->fcount;
    for (size_t i = 0; i < k; i++) {
        uint32_t b = rs->freeq[(rs->fhead + i) % rs->nmax];
        if (!rs->blocks[b].clean) {
            madvise(block_base(rs, b), rs->block, MADV_DONTNEED);
            rs->blocks[b].clean = 1;
        }
    }
    pthread_mutex_unlock(&rs->lock);
}

/* A block for the region at depth d of gm: from gm's cache, the global
 * free list, or fresh; zeroed.  NONE when the reservation is used up
 * even after a full cycle. */
static uint32_t take(region_space *rs, gc_mutator *gm, region_mutator *rm, unsigned d, int retried)
{
    uint32_t b = NONE;
    if (rm->ncache > 0) {
        b = rm->cache[--rm->ncache];
    } else {
        pthread_mutex_lock(&rs->lock);
        if (rs->fcount > 0) {
            rs->fcount--;
            b = rs->freeq[(rs->fhead + rs->fcount) % rs->nmax];
            if (rs->fcount < rs->lowwater)
                rs->lowwater = rs->fcount;
        } else if (rs->nused < rs->nmax) {
            b = (uint32_t)rs->nused++;
            rs->blocks[b].clean = 1;
        }
        pthread_mutex_unlock(&rs->lock);
    }
    if (b == NONE) {
        if (retried) {
            gm->h->host->log(gm->h->host->ctx, "%s: region reservation exhausted (%zu blocks of "
                             "%zu bytes, option region_reserve)", gm->h->cfg.name, rs->nmax,
                             rs->block);
            return NONE;
        }
        gc_collect(gm); /* frees unreachable pinned blocks and the pending list */
        return take(rs, gm, rm, d, 1);
    }
    rblock *k = &rs->blocks[b];
    if (!k->clean)
        memset(block_base(rs, b), 0, gm->h->cfg.verify ? rs->block : k->used);
    k->clean = 0;
    k->used = 0;
    k->depth = d;
    k->owner = gm;
    atomic_store_explicit(&k->faded, 0, memory_order_relaxed);
    atomic_store_explicit(&k->faded_bytes, 0, memory_order_relaxed);
    atomic_store_explicit(&k->state, BLOCK_REGION, memory_order_relaxed);
    atomic_fetch_add_explicit(&rs->inuse, 1, memory_order_relaxed);
    return b;
}

/* ---- allocation ---- */

void *region_alloc(gc_mutator *gm, const gcb_type *t, size_t bytes)
{
    gc_heap *h = gm->h;
    region_space *rs = space(h);
    region_mutator *rm = local(rs, gm);
    if (rm->depth == 0 || bytes > rs->cutoff || bytes == 0)
        return mallocgc(gm, t, bytes);
    if (atomic_load_explicit(&gm->base.poll_requested, memory_order_relaxed))
        world_safepoint(gm);
    if (atomic_load_explicit(&h->failed, memory_order_relaxed))
        return NULL;
    if (gcb_unlikely((uintptr_t)t & ~HDR_TYPE)) {
        gc_fail(h, "type %s at %p does not fit a region header (8-aligned, below 2^48)",
                t->name, (const void *)t);
        return NULL;
    }
    region *r = &rm->r[rm->depth];
    size_t n = 8 + ((bytes + 7) & ~(size_t)7);
    if ((size_t)(r->limit - r->bump) < n) {
        uint32_t b = take(rs, gm, rm, rm->depth, 0);
        if (b == NONE)
            return NULL;
        rs->blocks[b].next = r->last;
        r->last = b;
        r->bump = block_base(rs, b);
        r->limit = r->bump + rs->block;
    }
    char *p = r->bump;
    r->bump = p + n;
    rs->blocks[r->last].used = (uint32_t)(r->bump - block_base(rs, r->last));
    uint64_t word = (uint64_t)(uintptr_t)t | ((uint64_t)((n - 8) / 8) << HDR_WORDS_SHIFT);
    atomic_store_explicit((_Atomic uint64_t *)p, word, memory_order_relaxed);
    rm->st.bytes += bytes;
    rm->st.objects++;
    return p + 8;
}

/* ---- fading ---- */

static int fpush(region_mutator *rm, void *p)
{
    if (rm->nstack == rm->capstack) {
        size_t cap = rm->capstack ? rm->capstack * 2 : 256;
        void **s = realloc(rm->stack, cap * sizeof *s);
        if (s == NULL)
            return -1;
        rm->stack = s;
        rm->capstack = cap;
    }
    rm->stack[rm->nstack++] = p;
    return 0;
}

/* Fade v and every blue object reachable from it (gm's thread). */
static void fade(region_space *rs, gc_mutator *gm, region_mutator *rm, void *v)
{
    gc_heap *h = gm->h;
    uint64_t t0 = h->host->now_ns(h->host->ctx);
    rm->nstack = 0;
    if (fpush(rm, v) != 0)
        goto oom;
    while (rm->nstack > 0) {
        char *x = rm->stack[--rm->nstack];
        uint64_t w = atomic_fetch_or_explicit(hdr(x), HDR_FADED, memory_order_relaxed);
        if (w & HDR_FADED)
            continue;
        size_t bytes = hdr_bytes(w);
        rblock *k = &rs->blocks[block_of(rs, x)];
        atomic_store_explicit(&k->faded, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&k->faded_bytes, (uint32_t)(bytes + 8), memory_order_relaxed);
        rm->st.faded_objects++;
        rm->st.faded_bytes += bytes + 8;
        const gcb_type *t = hdr_type(w);
        if (t == NULL)
            continue;
        for (size_t e = 0; e < bytes / t->size; e++) {
            void **ps = (void **)(x + e * t->size);
            for (uint32_t i = 0; i < t->nptrs; i++) {
                void *c = ps[i];
                rm->st.fade_pointers++;
                if (c != NULL && in_space(rs, c) && !(load_hdr(c) & HDR_FADED) &&
                    fpush(rm, c) != 0)
                    goto oom;
            }
        }
    }
    rm->st.fade_ns += h->host->now_ns(h->host->ctx) - t0;
    return;
oom:
    gc_fail(h, "out of memory for the fade work list (%zu entries)", rm->capstack);
}

/* Is obj (the destination of a store of blue v) outside v's region? */
static int outside(region_space *rs, const void *obj, const void *v)
{
    if (obj == NULL || !in_space(rs, obj) || (load_hdr(obj) & HDR_FADED))
        return 1;
    return rs->blocks[block_of(rs, obj)].depth < rs->blocks[block_of(rs, v)].depth;
}

void region_write_barrier(gcb_mutator *m, void *obj, void **slot, void *val)
{
    gc_mutator *gm = (gc_mutator *)m;
    gc_heap *h = gm->h;
    region_space *rs = space(h);
    region_mutator *rm = local(rs, gm);
    if (rm->depth > 0 && val != NULL && in_space(rs, val) && !(load_hdr(val) & HDR_FADED) &&
        outside(rs, obj, val)) {
        rm->st.slow++;
        fade(rs, gm, rm, val);
    }
    if (atomic_load_explicit(&h->barrier, memory_order_relaxed))
        mark_write_barrier(m, obj, slot, val);
    else
        __atomic_store_n(slot, val, __ATOMIC_RELEASE);
}

/* ---- region_do ---- */

static void flush(region_space *rs, region_mutator *rm)
{
    uint64_t *v = (uint64_t *)&rm->st;
    for (int i = 0; i < 9; i++)
        if (v[i])
            atomic_fetch_add_explicit(&rs->c[i], v[i], memory_order_relaxed);
    memset(&rm->st, 0, sizeof rm->st);
}

/* Is v a blue object of gm's region at depth d? */
static int blue_of(region_space *rs, gc_mutator *gm, unsigned d, const void *v)
{
    if (v == NULL || !in_space(rs, v))
        return 0;
    rblock *k = &rs->blocks[block_of(rs, v)];
    return atomic_load_explicit(&k->state, memory_order_relaxed) == BLOCK_REGION &&
           k->owner == gm && k->depth == d && !(load_hdr(v) & HDR_FADED);
}

/* Close gm's innermost region: fade what older frames hold of it, pin the
 * blocks with faded objects, release the others. */
static void leave(region_space *rs, gc_mutator *gm, region_mutator *rm)
{
    gc_heap *h = gm->h;
    unsigned d = rm->depth;
    region *r = &rm->r[d];
    for (gcb_frame *f = gm->base.frames; f; f = f->prev)
        for (size_t i = 0; i < f->count; i++)
            if (blue_of(rs, gm, d, f->slots[i]))
                fade(rs, gm, rm, f->slots[i]);
    int pinned = 0;
    for (uint32_t b = r->last, next; b != NONE; b = next) {
        rblock *k = &rs->blocks[b];
        next = k->next;
        uint32_t fb = atomic_load_explicit(&k->faded_bytes, memory_order_relaxed);
        rm->st.reclaimed += k->used - fb;
        if (atomic_load_explicit(&k->faded, memory_order_relaxed)) {
            k->pinned_mark = atomic_load_explicit(&rs->marks, memory_order_relaxed);
            atomic_store_explicit(&k->state, BLOCK_PINNED, memory_order_release);
            atomic_fetch_add_explicit(&rs->pinned, 1, memory_order_relaxed);
            atomic_fetch_add_explicit(&h->heap_live, rs->block, memory_order_relaxed);
            pinned = 1;
        } else {
            release(rs, h, rm, b);
        }
    }
    r->last = NONE;
    r->bump = r->limit = NULL;
    rm->depth--;
    if (rm->depth == 0) {
        gm->base.alloc_kind = rm->saved_kind;
        gm->base.write_barrier = &h->barrier;
        if (++rm->exits >= FLUSH_EVERY) {
            rm->exits = 0;
            flush(rs, rm);
        }
        if (atomic_load_explicit(&rs->scav_goal, memory_order_relaxed) &&
            atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_OFF)
            scavenge(rs);
    }
    if (pinned)
        gc_maybe_start(h, gm); /* pinned blocks are heap growth */
}

void region_do(gc_mutator *gm, void (*fn)(gcb_mutator *, void *), void *arg)
{
    region_space *rs = space(gm->h);
    region_mutator *rm = local(rs, gm);
    if (rm->depth == DEPTH_MAX) {
        fn(&gm->base, arg); /* too deep: fn's objects join the enclosing region */
        return;
    }
    if (rm->depth == 0) {
        rm->saved_kind = gm->base.alloc_kind;
        gm->base.alloc_kind = GCB_ALLOC_SLOW; /* region objects need a header */
        gm->base.write_barrier = &rm->always;
    }
    region *r = &rm->r[++rm->depth];
    r->last = NONE;
    r->bump = r->limit = NULL;
    rm->st.entries++;
    fn(&gm->base, arg);
    leave(rs, gm, rm);
}

/* ---- the space contract ---- */

static void mutator_attach(gc_space *sp, gc_mutator *gm)
{
    region_mutator *rm = calloc(1, sizeof *rm);
    if (rm == NULL) {
        gc_fail(gm->h, "out of memory for a mutator's region state");
        return;
    }
    atomic_store(&rm->always, 1);
    gm->local[sp->index] = rm;
}

static void mutator_detach(gc_space *sp, gc_mutator *gm)
{
    region_space *rs = (region_space *)sp;
    region_mutator *rm = gm->local[sp->index];
    if (rm == NULL)
        return;
    flush(rs, rm);
    pthread_mutex_lock(&rs->lock);
    while (rm->ncache > 0)
        free_push_locked(rs, rm->cache[--rm->ncache]);
    pthread_mutex_unlock(&rs->lock);
    free(rm->stack);
    free(rm);
    gm->local[sp->index] = NULL;
}

static int contains(gc_space *sp, const void *p) { return in_space((region_space *)sp, p); }

/* Report a region pointer the GC must never see (I2 broken). */
static void dead(region_space *rs, gc_heap *h, const void *p, const char *why)
{
    uint32_t b = block_of(rs, p);
    static const char *const names[] = {"free", "in a region", "pinned", "pending"};
    gc_fail(h, "the GC reached %p, a dead region object (%s; block %u is %s): a pointer "
            "to region memory outlived its region (stored without gcb_store?)",
            p, why, b, names[atomic_load_explicit(&rs->blocks[b].state, memory_order_relaxed) & 3]);
}

/* Mark x and trace what it reaches (I3); any marking thread. */
static void trace(region_space *rs, gc_heap *h, const void *p)
{
    void *local_stack[64], **stk = local_stack;
    size_t n = 0, cap = 64;
    stk[n++] = (void *)p;
    while (n > 0) {
        char *x = stk[--n];
        uint32_t b = block_of(rs, x);
        rblock *k = &rs->blocks[b];
        int st = atomic_load_explicit(&k->state, memory_order_acquire);
        uint64_t w = load_hdr(x);
        size_t bytes = hdr_bytes(w);
        if (st != BLOCK_REGION && st != BLOCK_PINNED) {
            dead(rs, h, x, "its block holds no live region");
            break;
        }
        if (st == BLOCK_PINNED && !(w & HDR_FADED)) {
            dead(rs, h, x, "blue object in a pinned block");
            break;
        }
        if (bytes == 0 || (uintptr_t)x - (uintptr_t)block_base(rs, b) + bytes > rs->block) {
            dead(rs, h, x, "no object header");
            break;
        }
        _Atomic uint64_t *mw;
        uint64_t bit;
        markbit(rs, x, &mw, &bit);
        if (atomic_fetch_or_explicit(mw, bit, memory_order_relaxed) & bit)
            continue;
        if (!atomic_load_explicit(&k->marked, memory_order_relaxed))
            atomic_store_explicit(&k->marked, 1, memory_order_relaxed);
        const gcb_type *t = hdr_type(w);
        if (t == NULL)
            continue;
        for (size_t e = 0; e < bytes / t->size; e++) {
            void **ps = (void **)(x + e * t->size);
            for (uint32_t i = 0; i < t->nptrs; i++) {
                /* acquire: pairs with the barriers' release stores */
                void *c = __atomic_load_n(&ps[i], __ATOMIC_ACQUIRE);
                if (c == NULL)
                    continue;
                if (!in_space(rs, c)) {
                    mark_shade(h, c);
                    continue;
                }
                if (n == cap) {
                    void **s = malloc(cap * 2 * sizeof *s);
                    if (s == NULL) {
                        gc_fail(h, "out of memory tracing region objects");
                        goto out;
                    }
                    memcpy(s, stk, n * sizeof *s);
                    if (stk != local_stack)
                        free(stk);
                    stk = s;
                    cap *= 2;
                }
                stk[n++] = c;
            }
        }
    }
out:
    if (stk != local_stack)
        free(stk);
}

static int visit(gc_space *sp, gc_heap *h, const void *p)
{
    region_space *rs = (region_space *)sp;
    if (!in_space(rs, p))
        return 0;
    uint32_t ph = atomic_load_explicit(&h->phase, memory_order_relaxed);
    if (ph == GCPH_MARK || ph == GCPH_MARKTERM) /* marks outside a mark would go stale */
        trace(rs, h, p);
    return 1;
}

static void begin_mark(gc_space *sp, gc_heap *h)
{
    atomic_fetch_add_explicit(&((region_space *)sp)->marks, 1, memory_order_relaxed);
}

/* World stopped, no marker running: free the pinned blocks the mark did
 * not reach, recycle the pending ones, clear the mark bits, set the
 * scavenger's goal. */
static void end_mark(gc_space *sp, gc_heap *h)
{
    region_space *rs = (region_space *)sp;
    uint64_t marks = atomic_load_explicit(&rs->marks, memory_order_relaxed);
    uint64_t kept = 0;
    pthread_mutex_lock(&rs->lock);
    for (size_t b = 0; b < rs->nused; b++) {
        rblock *k = &rs->blocks[b];
        int marked = atomic_load_explicit(&k->marked, memory_order_relaxed);
        if (marked) {
            memset((void *)&rs->markbits[b * rs->bitwords], 0, rs->bitwords * sizeof(uint64_t));
            atomic_store_explicit(&k->marked, 0, memory_order_relaxed);
        }
        if (atomic_load_explicit(&k->state, memory_order_relaxed) != BLOCK_PINNED)
            continue;
        if (marked || k->pinned_mark >= marks) {
            kept++;
            continue;
        }
        atomic_fetch_sub_explicit(&rs->pinned, 1, memory_order_relaxed);
        k->used = rs->block; /* poisoned or zeroed whole on reuse */
        release(rs, h, NULL, (uint32_t)b);
    }
    while (rs->pending != NONE) {
        uint32_t b = rs->pending;
        rs->pending = rs->blocks[b].next;
        atomic_store_explicit(&rs->blocks[b].state, BLOCK_FREE, memory_order_relaxed);
        atomic_fetch_sub_explicit(&rs->inuse, 1, memory_order_relaxed);
        free_push_locked(rs, b);
    }
    atomic_store_explicit(&rs->scav_goal, rs->lowwater, memory_order_relaxed);
    rs->lowwater = rs->fcount;
    pthread_mutex_unlock(&rs->lock);
    /* pinned blocks are heap memory: they count in the next goal */
    atomic_fetch_add_explicit(&h->heap_marked, kept * rs->block, memory_order_relaxed);
}

/* verify walk, world stopped: (I3) for every marked region object, and
 * its heap pointers to fn. */
static void roots(gc_space *sp, gc_heap *h, void (*fn)(gc_heap *, void *, void *), void *arg)
{
    region_space *rs = (region_space *)sp;
    for (size_t b = 0; b < rs->nused; b++) {
        rblock *k = &rs->blocks[b];
        int st = atomic_load_explicit(&k->state, memory_order_relaxed);
        if ((st != BLOCK_REGION && st != BLOCK_PINNED) || !atomic_load(&k->marked))
            continue;
        char *p = block_base(rs, (uint32_t)b), *end = p + k->used;
        while (p + 8 <= end) {
            uint64_t w = atomic_load_explicit((_Atomic uint64_t *)p, memory_order_relaxed);
            if (w == 0)
                break;
            char *x = p + 8;
            size_t bytes = hdr_bytes(w);
            const gcb_type *t = hdr_type(w);
            p = x + bytes;
            if (t == NULL || !is_marked(rs, x))
                continue;
            for (size_t e = 0; e < bytes / t->size; e++)
                for (uint32_t i = 0; i < t->nptrs; i++) {
                    void *c = ((void **)(x + e * t->size))[i];
                    if (c == NULL)
                        continue;
                    if (!in_space(rs, c))
                        fn(h, c, arg);
                    else if (!is_marked(rs, c))
                        gc_fail(h, "verify: region object %p (type %s) is marked but its child "
                                "%p (slot %u of element %zu) is not", (void *)x, t->name, c, i, e);
                }
        }
    }
}

/* Blocks in regions and pending; pinned blocks are heap memory and are
 * already in heap_live (so stats' mapped_bytes leaves them out). */
static uint64_t live_bytes(gc_space *sp)
{
    region_space *rs = (region_space *)sp;
    uint64_t inuse = atomic_load_explicit(&rs->inuse, memory_order_relaxed);
    uint64_t pinned = atomic_load_explicit(&rs->pinned, memory_order_relaxed);
    return (inuse > pinned ? inuse - pinned : 0) * rs->block;
}

static void stats(gc_space *sp, gcb_heap_stats *out)
{
    region_space *rs = (region_space *)sp;
    uint64_t v[9];
    for (int i = 0; i < 9; i++)
        v[i] = atomic_load_explicit(&rs->c[i], memory_order_relaxed);
    out->region_entries = v[0];
    out->region_bytes = v[1];
    out->region_objects = v[2];
    out->faded_bytes = v[3];
    out->faded_objects = v[4];
    out->fade_pointers = v[5];
    out->region_reclaimed_bytes = v[6];
    out->barrier_slow = v[7];
    out->fade_ns = v[8];
}

static const gc_space_ops ops = {
    .name = "regions",
    .mark_start = begin_mark,
    .visit = visit,
    .mark_done = end_mark,
    .contains = contains,
    .roots = roots,
    .live_bytes = live_bytes,
    .stats = stats,
    .mutator_attach = mutator_attach,
    .mutator_detach = mutator_detach,
    .destroy = destroy,
};
