/* space.c - Go's arena experiment (#51317, GOEXPERIMENT=arenas) over the
 * Go-like heap: the `arena` plugin's arena_new / alloc / free / clone, and
 * the arena space, which takes part in the core's marking through the
 * space contract (collectors/core/space.h).  Go's side: runtime/arena.go.
 *
 * Space.  Arenas allocate from chunks of `chunk` bytes (default 8 MiB, Go's
 * userArenaChunkBytes = min(8 MiB, heapArenaBytes) on 64-bit Linux) carved
 * from one reservation of its own (arena_space.base, PROT_NONE until a
 * chunk is handed out), so "is p an arena address, and in which chunk" is
 * a range check and a division.  Objects use the first `elem` bytes of a
 * chunk: Go keeps the last chunk/64 + 48 bytes for the chunk's pointer
 * bitmap and dummy type (userArenaChunkReserveBytes), and elem is what Go's
 * span counts (its elemsize).  A chunk is UNUSED (never handed out), LIVE
 * (owned by an arena), PARTIAL (the last chunk of a freed arena, kept
 * mapped for the next arena: Go's userArenaState.reuse), QUARANTINED (a
 * full chunk of a freed arena) or READY (out of quarantine: Go's
 * userArena.readyList).
 *
 * Objects.  Laid out as Go's userArenaNextFree lays them out, with no
 * header: a chunk's free part is [front, back); an object with pointers
 * is bump-allocated at the front (takeFromFront) and its pointer words
 * are set in the chunk's pointer bitmap, one bit per word, in the last
 * chunk/64 bytes of the chunk (Go's heapBits for arena chunks, cleared
 * when a chunk is handed out); a pointer-free object (type NULL) is taken
 * from the back (takeFromBack) and sets no bits.  Both are rounded up to 8
 * bytes (Go aligns to the type: byte slices take their exact length).  An
 * object that does not fit in [front, back) moves the arena to another
 * chunk, and the one it leaves is full (Go's refill).  Objects larger than
 * a quarter chunk come from the GC heap instead, as Go's
 * (userArenaChunkMaxAllocBytes).  An arena takes its chunks from the
 * PARTIAL stack, then the READY stack, then fresh address space (Go's
 * refill and allocUserArenaChunk); a chunk taken from READY or fresh is
 * cleared, objects and bitmap (Go's memclrNoHeapPointers over elemsize and
 * initHeapBits, which also commit their pages: RSS grows by a chunk), a
 * PARTIAL one continues between the objects its last arena left at either
 * end, its bitmap kept.
 *
 * Marking.  Pointers from arena objects keep heap objects alive while the
 * arena lives: every LIVE and PARTIAL chunk is scanned precisely (the
 * words its bitmap marks, up to its front), a PARTIAL chunk's stale
 * objects too, as Go scans a chunk as one large object up to its dummy
 * type's PtrBytes.  The pause that starts marking (mark_start) only
 * queues the jobs: each chunk's [0, front) in 128 KiB oblets (Go's
 * maxObletBytes), fronts as they are then; the core's drainers scan them
 * concurrently (mark_job), as Go's workers scan a chunk's oblets, and
 * count their scan work as heap scan work (arena_alloc adds an object's
 * scannable bytes to heap_scan, Go's scanAlloc).  Objects allocated
 * after mark_start lie past the queued fronts and are not scanned
 * (allocated black); stores into arena objects go through gcb_store like
 * any pointer store, so the hybrid barrier shades what stores install or
 * remove during the mark (snapshot at the beginning), and bitmap words
 * are read and written atomically (the owner sets bits for new objects in
 * a word a drainer may be reading).  Pointers into arenas found while
 * marking are not heap objects and are not followed; each one sets its
 * chunk's `referenced` flag (visit).
 *
 * Freeing.  arena_free puts the arena's last chunk on the PARTIAL stack,
 * still mapped, and makes every other chunk PROT_NONE and releases its
 * pages (RSS drops at once); any later access to those faults, and the
 * child's fault handler asks arena_describe to name the freed arena, so
 * the run fails with that message instead of corrupting anything.  An
 * access to a freed object in a PARTIAL chunk does not fault (Go: "a
 * crash is not always guaranteed").  A quarantined chunk becomes READY
 * only when a whole mark that started after the free found no reachable
 * pointer into it (Go's rule: address space is reused only once the GC
 * proves nothing points there; Go's sweeper moves it); until then a
 * dangling pointer keeps faulting (mark_done).  A free during a mark
 * only puts the full chunks on the fault list (Go's userArenaState.fault:
 * a drainer may be scanning them): they stay mapped and in heap_live
 * until the end of that mark's termination, once the world runs again
 * (mark_terminated: Go's gcMarkTermination faults the list there), or an
 * earlier free with no mark running (Go's freeUserArenaChunk outside
 * _GCmark), which faults them all on its own thread.  So the list is empty
 * whenever a mark begins (a cycle starts only from phase off, which comes
 * after mark_terminated); begin_mark still treats listed chunks as Go
 * would, as roots (marked, scanned, never made READY), since recycling a
 * listed chunk would let a later fault unmap a live one.
 *
 * Pacing, as Go's (arena chunks are heap spans there, each one large
 * object of elem bytes):
 * - handing out a READY or fresh chunk is a large allocation: heap_live
 *   += elem, the mutator assists for elem during a mark, and the trigger
 *   is tested (Go's newUserArenaChunk: deductAssistCredit,
 *   gcController.update, gcTrigger); during a mark the chunk counts in
 *   heap_marked at once (allocated black, gcmarknewobject);
 * - taking a PARTIAL chunk costs nothing: it never stopped being live;
 * - freeing with no mark running is a free of each full chunk, and of each
 *   chunk on the fault list: heap_live -= elem per chunk
 *   (setUserArenaChunkToFault); during a mark the full chunks stay in
 *   heap_live (on the fault list) until they are faulted;
 * - at each mark_start every LIVE and PARTIAL chunk and every chunk on
 *   the fault list counts elem in heap_marked (reachable from its arena,
 *   the reuse stack or the fault list), and a QUARANTINED chunk that a
 *   reachable pointer reaches counts elem too (Go marks it; visit);
 * - live_bytes (stats: heap in use) is `chunk` per LIVE or PARTIAL chunk,
 *   as Go's heapInUse;
 * - an object with pointers adds its scannable bytes to heap_scan (Go's
 *   scanAlloc, gcb_scan_size; taken at the arena's next chunk or free) and
 *   the chunk jobs' scan work counts as heap scan work, as Go's.
 * So an arena per request that fits one chunk reuses the same chunk
 * forever and costs the pacer nothing; a bigger arena costs its full
 * chunks' allocation, given back at its free.  tests/arena/accounting.c
 * checks each rule.
 *
 * Where it still differs from Go: objects are 8-byte aligned whatever
 * their type (the ABI gives a pointer-free object no alignment); an
 * arena takes its first chunk at its first allocation (Go: at NewArena).
 *
 * Locking: arena_space.lock guards the chunk states, the live arena list
 * and the stacks; the marker's range check and `referenced` flags are
 * lock-free; the jobs are written with the world stopped and claimed with
 * an atomic counter.  arena_free and
 * grow read the GC phase without a lock: a mutator outside a safepoint
 * holds the phase where it is (it can change only with the world stopped).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "gcb/mutator.h"

enum {
    CHUNK_UNUSED = 0,
    CHUNK_LIVE = 1,
    CHUNK_QUARANTINED = 2,
    CHUNK_READY = 3,
    CHUNK_PARTIAL = 4,
};

#define GO_TYPE_BYTES 48 /* sizeof(abi.Type) on 64-bit: Go's dummy type at a chunk's end */

typedef struct arena_space arena_space;

struct gcb_arena {
    arena_space *space;            /* the space it lives in */
    struct gcb_arena *next, *prev; /* space->live; under lock */
    uint32_t *chunks;              /* indices of this arena's chunks, in order; the last is active */
    size_t nchunks, capchunks;
    char *front, *back;            /* free part [front, back) of the newest chunk; owner only */
    uint64_t scan_alloc;           /* scannable bytes allocated, not yet in heap_scan; owner */
};

typedef struct mark_job {
    uint32_t chunk;                /* index */
    uint32_t lo, hi;               /* byte offsets in it: one oblet of [0, front) */
} mark_job;

typedef struct partial_chunk {
    uint32_t chunk;                /* index */
    uint32_t front, back;          /* its free part [front, back), offsets from its base;
                                      zero there, objects of freed arenas either side */
} partial_chunk;

struct arena_space {
    gc_space base_space;           /* the contract's part; first */
    char *base;                    /* reservation of nmax * chunk bytes */
    size_t chunk;                  /* bytes per chunk; a multiple of the page size */
    size_t elem;                   /* bytes of a chunk objects use and the pacer counts */
    size_t nmax;                   /* chunks the reservation holds */
    pthread_mutex_t lock;
    size_t nused;                  /* chunks ever handed out: [0, nused) */
    _Atomic uint8_t *state;        /* CHUNK_*, per chunk; written under lock */
    _Atomic uint8_t *referenced;   /* a reachable pointer into it seen this mark */
    _Atomic uint64_t *freed_mark;  /* QUARANTINED: `marks` when it was freed; written under
                                      lock before its state */
    uint32_t *ready;               /* stack of READY chunks (Go's readyList) */
    size_t nready;
    partial_chunk *partial;        /* stack of PARTIAL chunks (Go's userArenaState.reuse) */
    size_t npartial;
    uint32_t *fault;               /* full chunks freed during a mark, still mapped and in
                                      heap_live (Go's userArenaState.fault); each QUARANTINED
                                      and `referenced`, so never READY while listed */
    size_t nfault;
    mark_job *jobs;                /* this mark's chunk oblets: written at mark_start, world
                                      stopped; read by drainers until the mark is done */
    size_t njobs, capjobs;
    _Atomic size_t next_job;       /* jobs[next_job] is the next to claim (past njobs: none) */
    struct gcb_arena *live;        /* live arenas */
    uint64_t marks;                /* marks begun (mark_start); under lock */
    _Atomic uint64_t mark_begun;   /* `marks` of the mark in progress */
    _Atomic uint64_t live_bytes;   /* `chunk` per LIVE or PARTIAL chunk (Go's heapInUse) */
};

static const gc_space_ops ops;

static arena_space *space(gc_heap *h) { return (arena_space *)gc_space_find(h, &ops); }

static void destroy(gc_space *sp, gc_heap *h);

static void free_tables(arena_space *a)
{
    free(a->state), free(a->referenced), free(a->freed_mark), free(a->ready), free(a->partial);
    free(a->fault), free(a->jobs);
}

int arena_space_init(gc_heap *h, size_t chunk, size_t reserve, char *err, size_t errlen)
{
    arena_space *a = calloc(1, sizeof *a);
    if (a == NULL) {
        snprintf(err, errlen, "%s: out of memory for the arena space", h->cfg.name);
        return ENOMEM;
    }
    a->chunk = (chunk + SC_PAGE_SIZE - 1) & ~(size_t)(SC_PAGE_SIZE - 1);
    a->elem = a->chunk - (a->chunk / 64 + GO_TYPE_BYTES);
    a->nmax = reserve / a->chunk;
    a->base = mmap(NULL, a->nmax * a->chunk, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    a->state = calloc(a->nmax, sizeof *a->state);
    a->referenced = calloc(a->nmax, sizeof *a->referenced);
    a->freed_mark = calloc(a->nmax, sizeof *a->freed_mark);
    a->ready = calloc(a->nmax, sizeof *a->ready);
    a->partial = calloc(a->nmax, sizeof *a->partial);
    a->fault = calloc(a->nmax, sizeof *a->fault);
    if (a->base == MAP_FAILED || !a->state || !a->referenced || !a->freed_mark || !a->ready ||
        !a->partial || !a->fault) {
        int e = a->base == MAP_FAILED ? errno : ENOMEM;
        snprintf(err, errlen, "%s: cannot reserve %zu bytes for arenas: %s", h->cfg.name,
                 a->nmax * a->chunk, strerror(e));
        if (a->base != MAP_FAILED)
            munmap(a->base, a->nmax * a->chunk);
        free_tables(a);
        free(a);
        return e;
    }
    pthread_mutex_init(&a->lock, NULL);
    a->base_space.ops = &ops;
    int rc = gc_space_register(h, &a->base_space, err, errlen);
    if (rc != 0)
        destroy(&a->base_space, h);
    return rc;
}

/* destroy hook (and a failed init): the space's memory and every arena
 * left live. */
static void destroy(gc_space *sp, gc_heap *h)
{
    arena_space *a = (arena_space *)sp;
    while (a->live) {
        struct gcb_arena *x = a->live;
        a->live = x->next;
        free(x->chunks);
        free(x);
    }
    munmap(a->base, a->nmax * a->chunk);
    pthread_mutex_destroy(&a->lock);
    free_tables(a);
    free(a);
}

/* Chunk index of p, or -1 when p is not in the arena reservation. */
static inline long chunk_of(const arena_space *a, const void *p)
{
    uintptr_t off = (uintptr_t)p - (uintptr_t)a->base;
    return off < a->nmax * a->chunk ? (long)(off / a->chunk) : -1;
}

static int contains(gc_space *sp, const void *p) { return chunk_of((arena_space *)sp, p) >= 0; }

/* The pointer bitmap of the chunk at cb: bit w of it says word w of the
 * chunk holds a pointer; the chunk's last chunk/64 bytes (Go's heapBits
 * of an arena chunk).  Written by the arena's owner, read by drainers
 * during a mark and by the verify walk; words accessed atomically. */
static inline uint64_t *bitmap(const arena_space *a, char *cb)
{
    return (uint64_t *)(cb + a->chunk - a->chunk / 64);
}

/* Set the bits of the pointer words of the n elements of t at obj. */
static void set_pointer_bits(const arena_space *a, char *cb, char *obj, const gcb_type *t, size_t n)
{
    uint64_t *bm = bitmap(a, cb);
    size_t w = (size_t)(obj - cb) / 8, stride = t->size / 8;
    for (size_t e = 0; e < n; e++, w += stride)
        for (uint32_t k = 0; k < t->nptrs; k++) {
            uint64_t *b = &bm[(w + k) / 64]; /* only the owner writes: no lost update */
            uint64_t bit = (uint64_t)1 << ((w + k) % 64);
            __atomic_store_n(b, __atomic_load_n(b, __ATOMIC_RELAXED) | bit, __ATOMIC_RELAXED);
        }
}

/* The arena's pending scannable bytes into heap_scan (owner). */
static void flush_scan_alloc(gc_mutator *gm, gcb_arena *x)
{
    if (x->scan_alloc) {
        mcache_scan_alloc(gm, x->scan_alloc);
        x->scan_alloc = 0;
    }
}

/* visit hook: a marker found p, a pointer into no heap span.  A chunk
 * quarantined before this mark began and reached for the first time this
 * mark counts in heap_marked, as Go marks its span; one freed during this
 * mark was counted at mark_start already. */
static int visit(gc_space *sp, gc_heap *h, const void *p)
{
    arena_space *a = (arena_space *)sp;
    long c = chunk_of(a, p);
    if (c < 0)
        return 0;
    if (atomic_load_explicit(&a->referenced[c], memory_order_relaxed) != 0 ||
        atomic_exchange_explicit(&a->referenced[c], 1, memory_order_relaxed) != 0)
        return 1;
    if (atomic_load_explicit(&a->state[c], memory_order_acquire) == CHUNK_QUARANTINED &&
        atomic_load_explicit(&a->freed_mark[c], memory_order_relaxed) <
            atomic_load_explicit(&a->mark_begun, memory_order_relaxed))
        atomic_fetch_add_explicit(&h->heap_marked, a->elem, memory_order_relaxed);
    return 1;
}

/* heap_live -= bytes, never below zero. */
static void unlive(gc_heap *h, uint64_t bytes)
{
    uint64_t v = atomic_load_explicit(&h->heap_live, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&h->heap_live, &v, v > bytes ? v - bytes : 0,
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

gcb_arena *arena_new(gc_mutator *gm)
{
    arena_space *a = space(gm->h);
    gcb_arena *x = calloc(1, sizeof *x);
    if (x == NULL)
        return GCB_NO_ARENA; /* the fallback: its objects come from the heap */
    x->space = a;
    pthread_mutex_lock(&a->lock);
    x->next = a->live;
    if (a->live)
        a->live->prev = x;
    a->live = x;
    pthread_mutex_unlock(&a->lock);
    return x;
}

/* Give x a chunk: a PARTIAL one (continuing after its objects), else a
 * READY one, else a fresh one; when the reservation is used up, a full
 * cycle recycles what the quarantine holds and the caller tries once
 * more.  0, or -1 when nothing is left. */
static int grow(gc_mutator *gm, gcb_arena *x, int retried)
{
    gc_heap *h = gm->h;
    arena_space *a = x->space;
    flush_scan_alloc(gm, x);
    if (x->nchunks == x->capchunks) {
        size_t cap = x->capchunks ? x->capchunks * 2 : 4;
        uint32_t *c = realloc(x->chunks, cap * sizeof *c);
        if (c == NULL)
            return -1;
        x->chunks = c;
        x->capchunks = cap;
    }
    pthread_mutex_lock(&a->lock);
    long c = -1;
    size_t front = 0, back = a->elem;
    int taken = 0; /* a READY or fresh chunk: a new large allocation to the pacer */
    if (a->npartial > 0) {
        partial_chunk pc = a->partial[--a->npartial];
        c = pc.chunk, front = pc.front, back = pc.back;
    } else if (a->nready > 0) {
        c = a->ready[--a->nready], taken = 1;
    } else if (a->nused < a->nmax) {
        c = (long)a->nused++, taken = 1;
    }
    if (c >= 0)
        atomic_store(&a->state[c], CHUNK_LIVE);
    pthread_mutex_unlock(&a->lock);
    if (c < 0 && !retried) {
        gc_collect(gm);
        return grow(gm, x, 1);
    }
    if (c < 0) {
        h->host->log(h->host->ctx, "%s: arena reservation exhausted (%zu chunks of %zu bytes, "
                     "option arena_reserve)", h->cfg.name, a->nmax, a->chunk);
        return -1;
    }
    char *p = a->base + (size_t)c * a->chunk;
    if (taken) {
        if (mprotect(p, a->chunk, PROT_READ | PROT_WRITE) != 0) {
            h->host->log(h->host->ctx, "%s: mprotect of arena chunk %ld: %s", h->cfg.name, c,
                         strerror(errno));
            return -1;
        }
        /* Zero already (fresh, or remapped at its free); cleared anyway, as
         * Go clears a new chunk's objects and bitmap, which commits their
         * pages. */
        memset(p, 0, a->elem);
        memset(bitmap(a, p), 0, a->chunk / 64);
        atomic_fetch_add_explicit(&a->live_bytes, a->chunk, memory_order_relaxed);
        /* Go's newUserArenaChunk: one large object of elem bytes in
         * heap_live, black during a mark; assist for it, then the caller
         * tests the trigger. */
        atomic_fetch_add_explicit(&h->heap_live, a->elem, memory_order_relaxed);
        if (atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_MARK)
            atomic_fetch_add_explicit(&h->heap_marked, a->elem, memory_order_relaxed);
    }
    x->chunks[x->nchunks++] = (uint32_t)c;
    x->front = p + front;
    x->back = p + back;
    if (taken)
        mallocgc_assist(gm, a->elem);
    return 0;
}

void *arena_alloc(gc_mutator *gm, gcb_arena *x, const gcb_type *t, size_t bytes)
{
    gc_heap *h = gm->h;
    if (bytes == 0 || bytes > x->space->chunk / 4)
        return mallocgc(gm, t, bytes); /* Go: too large for a chunk, from the heap */
    size_t n = (bytes + 7) & ~(size_t)7;
    while ((size_t)(x->back - x->front) < n) {
        /* A safepoint first, as any slow path: the chunk list changes only
         * while this mutator runs, never under a scan.  A PARTIAL chunk may
         * be too full for n: it stays in the arena as a full one (Go's
         * refill). */
        if (atomic_load_explicit(&gm->base.poll_requested, memory_order_relaxed))
            world_safepoint(gm);
        if (grow(gm, x, 0) != 0)
            return NULL;
        gc_maybe_start(h, gm);
    }
    char *p;
    if (t == NULL) { /* pointer-free: from the back */
        x->back -= n;
        p = x->back;
    } else {
        p = x->front;
        x->front += n;
        arena_space *a = x->space;
        set_pointer_bits(a, a->base + (size_t)x->chunks[x->nchunks - 1] * a->chunk, p, t,
                         bytes / t->size);
        x->scan_alloc += gcb_scan_size(t, bytes);
    }
    return p;
}

/* Fresh PROT_NONE pages replace chunk c's in one call, so RSS drops now,
 * every later access faults, and a reused chunk reads zero. */
static void fault_chunk(arena_space *a, uint32_t c)
{
    char *p = a->base + (size_t)c * a->chunk;
    if (mmap(p, a->chunk, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
             0) == MAP_FAILED) {
        madvise(p, a->chunk, MADV_DONTNEED);
        mprotect(p, a->chunk, PROT_NONE);
    }
}

/* No mark running: fault every chunk on the fault list and empty it;
 * returns how many (their heap_live is the caller's to give up). */
static size_t fault_listed(arena_space *a)
{
    pthread_mutex_lock(&a->lock);
    size_t n = a->nfault;
    uint32_t *list = n ? malloc(n * sizeof *list) : NULL;
    if (list != NULL) { /* faulted outside the lock, as Go does */
        memcpy(list, a->fault, n * sizeof *list);
        a->nfault = 0;
        pthread_mutex_unlock(&a->lock);
        for (size_t i = 0; i < n; i++)
            fault_chunk(a, list[i]);
        free(list);
        return n;
    }
    for (size_t i = 0; i < n; i++)
        fault_chunk(a, a->fault[i]);
    a->nfault = 0;
    pthread_mutex_unlock(&a->lock);
    return n;
}

void arena_free(gc_mutator *gm, gcb_arena *x)
{
    gc_heap *h = gm->h;
    arena_space *a = x->space;
    size_t nfull = x->nchunks ? x->nchunks - 1 : 0; /* the last one goes to PARTIAL */
    flush_scan_alloc(gm, x);
    /* No stop can come between here and the end (no safepoint): the phase
     * read here holds until the accounting is done, and with no mark
     * running no drainer reads a chunk. */
    int marking = atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_MARK;
    size_t nlisted = 0;
    if (!marking) {
        for (size_t i = 0; i < nfull; i++)
            fault_chunk(a, x->chunks[i]);
        nlisted = fault_listed(a);
    }
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < nfull; i++) {
        atomic_store_explicit(&a->freed_mark[x->chunks[i]], a->marks, memory_order_relaxed);
        atomic_store_explicit(&a->state[x->chunks[i]], CHUNK_QUARANTINED, memory_order_release);
        if (marking)
            a->fault[a->nfault++] = x->chunks[i];
    }
    if (x->nchunks > 0) {
        uint32_t c = x->chunks[x->nchunks - 1];
        char *cb = a->base + (size_t)c * a->chunk;
        atomic_store(&a->state[c], CHUNK_PARTIAL);
        a->partial[a->npartial++] = (partial_chunk){c, (uint32_t)(x->front - cb),
                                                    (uint32_t)(x->back - cb)};
    }
    if (x->prev)
        x->prev->next = x->next;
    else
        a->live = x->next;
    if (x->next)
        x->next->prev = x->prev;
    pthread_mutex_unlock(&a->lock);
    if (!marking)
        unlive(h, (nfull + nlisted) * a->elem); /* Go's setUserArenaChunkToFault: a free of each */
    atomic_fetch_sub_explicit(&a->live_bytes, nfull * a->chunk, memory_order_relaxed);
    free(x->chunks);
    free(x);
}

void *arena_clone(gc_mutator *gm, const gcb_type *t, const void *p, size_t bytes)
{
    void *q = mallocgc(gm, t, bytes);
    if (q == NULL)
        return NULL;
    if (t == NULL) {
        memcpy(q, p, bytes);
        return q;
    }
    /* Pointer words through the barrier rules: q is new (allocated black
     * during mark) and every value copied was reachable from p, which the
     * caller holds, so plain stores keep the tri-colour invariant only if
     * they are shaded: shade them while the barrier is on. */
    memcpy(q, p, bytes);
    if (atomic_load_explicit(&gm->h->barrier, memory_order_relaxed)) {
        for (size_t e = 0; e < bytes / t->size; e++)
            for (uint32_t k = 0; k < t->nptrs; k++)
                mark_shade(gm->h, ((void *const *)((const char *)p + e * t->size))[k]);
    }
    return q;
}

/* fn on every non-NULL pointer word of the chunk at cb in [lo, hi) (its
 * bitmap's set bits: the pointer words of the objects allocated at its
 * front, stale ones of freed arenas included); returns Go's scanSize for
 * the range: from lo to the end of its last pointer word, 0 when none. */
static uint64_t scan_chunk(const arena_space *a, gc_heap *h, char *cb, size_t lo, size_t hi,
                           void (*fn)(gc_heap *, void *, void *), void *arg)
{
    uint64_t *bm = bitmap(a, cb);
    size_t w0 = lo / 8, w1 = hi / 8, last = 0;
    for (size_t i = w0 / 64; i * 64 < w1; i++) {
        uint64_t m = __atomic_load_n(&bm[i], __ATOMIC_RELAXED);
        if (i * 64 < w0)
            m &= ~(uint64_t)0 << (w0 - i * 64);
        if (w1 - i * 64 < 64)
            m &= ((uint64_t)1 << (w1 - i * 64)) - 1;
        for (; m != 0; m &= m - 1) {
            size_t w = i * 64 + (size_t)__builtin_ctzll(m);
            void *v = __atomic_load_n(&((void **)cb)[w], __ATOMIC_ACQUIRE);
            last = w + 1;
            if (v != NULL)
                fn(h, v, arg);
        }
    }
    return last ? last * 8 - lo : 0;
}

/* roots hook: call fn on every pointer word of every object in LIVE and
 * PARTIAL chunks and in chunks on the fault list.  World stopped (or the
 * arena owners otherwise quiescent). */
static void each_pointer(gc_space *sp, gc_heap *h, void (*fn)(gc_heap *, void *, void *),
                         void *arg)
{
    arena_space *a = (arena_space *)sp;
    for (gcb_arena *x = a->live; x; x = x->next)
        for (size_t i = 0; i < x->nchunks; i++) {
            char *p = a->base + (size_t)x->chunks[i] * a->chunk;
            scan_chunk(a, h, p, 0, i + 1 == x->nchunks ? (size_t)(x->front - p) : a->elem, fn, arg);
        }
    for (size_t i = 0; i < a->npartial; i++) {
        char *p = a->base + (size_t)a->partial[i].chunk * a->chunk;
        scan_chunk(a, h, p, 0, a->partial[i].front, fn, arg);
    }
    for (size_t i = 0; i < a->nfault; i++)
        scan_chunk(a, h, a->base + (size_t)a->fault[i] * a->chunk, 0, a->elem, fn, arg);
}

/* Queue [0, front) of chunk c as oblets (world stopped).  0, or -1 when
 * out of memory. */
static int queue_chunk(arena_space *a, uint32_t c, size_t front)
{
    for (size_t lo = 0; lo < front; lo += GC_OBLET_BYTES) {
        if (a->njobs == a->capjobs) {
            size_t cap = a->capjobs ? a->capjobs * 2 : 256;
            mark_job *j = realloc(a->jobs, cap * sizeof *j);
            if (j == NULL)
                return -1;
            a->jobs = j, a->capjobs = cap;
        }
        size_t hi = front - lo < GC_OBLET_BYTES ? front : lo + GC_OBLET_BYTES;
        a->jobs[a->njobs++] = (mark_job){c, (uint32_t)lo, (uint32_t)hi};
    }
    return 0;
}

/* mark_job hook: claim and scan the next queued oblet. */
static int mark_job_run(gc_space *sp, gc_heap *h, void (*fn)(gc_heap *, void *, void *), void *arg,
                        uint64_t *work)
{
    arena_space *a = (arena_space *)sp;
    if (atomic_load_explicit(&a->next_job, memory_order_relaxed) >= a->njobs)
        return 0;
    size_t j = atomic_fetch_add_explicit(&a->next_job, 1, memory_order_relaxed);
    if (j >= a->njobs)
        return 0;
    mark_job jb = a->jobs[j];
    *work = scan_chunk(a, h, a->base + (size_t)jb.chunk * a->chunk, jb.lo, jb.hi, fn, arg);
    return 1;
}

static void shade(gc_heap *h, void *v, void *arg)
{
    (void)arg;
    mark_shade(h, v);
}

static void begin_mark(gc_space *sp, gc_heap *h)
{
    arena_space *a = (arena_space *)sp;
    pthread_mutex_lock(&a->lock);
    for (size_t c = 0; c < a->nused; c++)
        atomic_store_explicit(&a->referenced[c], 0, memory_order_relaxed);
    atomic_store(&a->mark_begun, ++a->marks);
    pthread_mutex_unlock(&a->lock);
    /* Every LIVE or PARTIAL chunk is reachable (from its arena, or from
     * the reuse stack): a marked large object of elem bytes, its objects
     * queued for the drainers (fronts as they are now). */
    uint64_t held = atomic_load(&a->live_bytes) / a->chunk + a->nfault;
    atomic_fetch_add_explicit(&h->heap_marked, held * a->elem, memory_order_relaxed);
    a->njobs = 0;
    int oom = 0;
    for (size_t i = 0; i < a->nfault; i++) { /* reached from the fault list: marked, scanned */
        atomic_store_explicit(&a->referenced[a->fault[i]], 1, memory_order_relaxed);
        oom |= queue_chunk(a, a->fault[i], a->elem);
    }
    for (gcb_arena *x = a->live; x; x = x->next)
        for (size_t i = 0; i < x->nchunks; i++) {
            char *p = a->base + (size_t)x->chunks[i] * a->chunk;
            oom |= queue_chunk(a, x->chunks[i],
                               i + 1 == x->nchunks ? (size_t)(x->front - p) : a->elem);
        }
    for (size_t i = 0; i < a->npartial; i++)
        oom |= queue_chunk(a, a->partial[i].chunk, a->partial[i].front);
    atomic_store(&a->next_job, 0);
    if (oom) { /* no room to queue: scan them all now, in the pause */
        a->njobs = 0;
        each_pointer(sp, h, shade, NULL);
    }
}

static void end_mark(gc_space *sp, gc_heap *h)
{
    arena_space *a = (arena_space *)sp;
    uint64_t begun = atomic_load(&a->mark_begun);
    pthread_mutex_lock(&a->lock);
    for (size_t c = 0; c < a->nused; c++)
        if (atomic_load(&a->state[c]) == CHUNK_QUARANTINED &&
            atomic_load_explicit(&a->freed_mark[c], memory_order_relaxed) < begun &&
            !atomic_load(&a->referenced[c])) {
            atomic_store(&a->state[c], CHUNK_READY);
            a->ready[a->nready++] = (uint32_t)c;
        }
    pthread_mutex_unlock(&a->lock);
}

/* mark_terminated hook (world running, no drainer): fault the chunks
 * freed during the mark, as gcMarkTermination does. */
static void terminated(gc_space *sp, gc_heap *h)
{
    arena_space *a = (arena_space *)sp;
    unlive(h, fault_listed(a) * a->elem);
}

static uint64_t live_bytes(gc_space *sp)
{
    return atomic_load_explicit(&((arena_space *)sp)->live_bytes, memory_order_relaxed);
}

static const gc_space_ops ops = {
    .name = "arena",
    .mark_start = begin_mark,
    .visit = visit,
    .mark_job = mark_job_run,
    .mark_terminated = terminated,
    .mark_done = end_mark,
    .contains = contains,
    .roots = each_pointer,
    .live_bytes = live_bytes,
    .destroy = destroy,
};

/* Async-signal-safe (a fault handler calls it): lock-free reads only. */
int arena_describe(gc_heap *h, const void *addr, char *buf, size_t len)
{
    arena_space *a = space(h);
    long c = a ? chunk_of(a, addr) : -1;
    if (c < 0)
        return 0;
    int st = atomic_load_explicit(&a->state[c], memory_order_relaxed);
    if (st == CHUNK_QUARANTINED || st == CHUNK_READY)
        snprintf(buf, len, "touched a freed arena: address %p is in arena chunk %ld, whose arena "
                 "was freed", addr, c);
    else
        snprintf(buf, len, "fault at %p in arena chunk %ld (%s)", addr, c,
                 st == CHUNK_LIVE ? "live" : st == CHUNK_PARTIAL ? "kept for reuse"
                                                                  : "never handed out");
    return 1;
}
