/* free.c - runtime.freegc and freegcTracked (Go proposal #74299) over the
 * Go-like heap, after Go 1.26's GOEXPERIMENT=runtimefreegc: an explicitly
 * freed slot goes onto this mutator's reusable list for its size class
 * and scan kind, from whatever span it lies in, and the next allocation
 * of that class takes it before any free slot of the cached span.
 *
 * The reusable list is the head of the inline free list itself
 * (gm->base.freelist[class][scan]): freed slots are pushed in front of the
 * cached span's own slots, so gcb_alloc pops them first with no extra
 * branch (Go keeps a separate mcache.reusableNoscan[spc] and checks it
 * before nextFreeFast; same order).  Slots of other spans ("foreign") may
 * sit on the chain; when the cached span leaves the cache, span_release
 * unlinks them (dropped: they stay allocated, dead, for the next cycle)
 * before the core returns the rest to that span.  A refill happens only
 * once the whole chain is empty, so foreign slots are dropped only by
 * mcache_release_all (mark start, detach), as Go's releaseAll clears its
 * reusable lists.
 *
 * Invariant: a slot on a reusable list is allocated in its span's
 * allocbits (its alloc bit stays set from the object's allocation, and
 * heap_live already counts it, so reuse adds nothing to the pacer's view)
 * and is never on a list while a mark runs or across one: frees are
 * ignored during mark, and every list is dropped when mark starts (the
 * caches are released at mark start).  Why this is enough:
 * - The sweeper (running concurrently, phase OFF) keeps the slot: the
 *   freed object was live at the last mark (marked, or allocated black),
 *   or was allocated after it from a span already swept this cycle, so
 *   sweep leaves its alloc bit set and never frees its span.  Nobody
 *   else can hand it out: it is on no span free list.
 * - A dropped slot is unreachable (the workload freed it), so the next
 *   mark leaves it unmarked and its sweep frees it normally.
 * - Go allows freegc during mark because it reuses noscan objects only: a
 *   marked noscan slot reused is just a new black object; and it clears
 *   the lists in prepareForSweep, before sweep could free a listed slot.
 *   Here scannable objects are freed too, so during mark the object may
 *   already be grey on a work list: handing its slot to a new object
 *   would let a marker scan the new object through the old grey entry,
 *   with the old type header or heap bits, or half-written fields.  Hence no free
 *   during mark (the phase cannot change under us: a cycle starts only at
 *   a stop-the-world, and this mutator is not at a safepoint here).
 *
 * free_sized(p, bytes) acts only when all of these hold, and otherwise
 * ignores the hint (counted in frees_skipped):
 * - 16 <= bytes and the object is small (<= 32 KiB): as the proposal.
 * - The GC is not marking (phase GCPH_OFF): above.
 * - This mutator caches a span of the object's class and scan kind: the
 *   core releases (and so drops) a class's chain only through its cached
 *   span; a chain without one would outlive mark start.
 * - For an object with pointers of at most 512 bytes (its span keeps heap
 *   bits, gc.h), that cached span is the object's own: the next
 *   allocation writes the slot's pointer bits, and only the mutator
 *   caching a span may write its bits (another mutator caching the
 *   foreign span could be writing neighbouring bits of the same word).
 *   Go's runtimefreegc reuses pointer-free objects only; pointer-free and
 *   header (> 512 B) slots are still reused from any span here.
 * The freed object's own span is not touched (its bits are its owner's):
 * only the dead slot's memory is written.  Slots of objects with pointers
 * are zeroed past word 0 first, because the marker scans a whole slot and
 * the inline path clears only the bytes it hands out; with verify they are
 * poisoned instead and checked on reuse.
 *
 * Counters: a freed slot of the cached span is remembered in freedbits
 * until the span leaves the cache (a slot freed, reused and freed again
 * counts twice in nfreed and once in freedbits); at release, the freed
 * slots still on the chain (foreign ones, or cached-span ones in
 * freedbits) were not reused, and the rest were.
 *
 * Tracked scopes (freegcTracked): alloc_tracked records each object with
 * the sweep generation and phase of its allocation; scope_exit frees the
 * scope's records through free_sized only if no cycle began since (the
 * same sweepgen and no mark running), so tracking never frees an object
 * a cycle may have seen, and never keeps one alive (records are not
 * roots).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "free.h"
#include "gcb/mutator.h"

#define FREE_MIN 16 /* bytes: smaller objects are left to the GC (proposal) */

typedef struct tracked {
    void *p;            /* the workload's pointer */
    size_t bytes;       /* as requested */
    uint32_t sweepgen;  /* heap sweepgen at allocation; 0: allocated during a cycle */
} tracked;

/* The heap's space: the counters every mutator flushes at detach. */
typedef struct free_space {
    gc_space base;
    _Atomic uint64_t frees;        /* slots freed, flushed */
    _Atomic uint64_t skipped;      /* hints not acted on, flushed */
    _Atomic uint64_t freed_bytes;  /* bytes of slots freed, flushed */
    _Atomic uint64_t reused_bytes; /* bytes of freed slots handed out again, flushed */
} free_space;

/* A mutator's state (gm->local[space index]); its thread only. */
typedef struct free_local {
    tracked *recs;      /* records of every open scope, oldest first */
    size_t nrecs, caprecs;
    size_t *scopes;     /* nrecs at each open scope's entry */
    size_t nscopes, capscopes;
    uint64_t frees, skipped, freed_bytes, reused_bytes; /* not yet flushed to the space */
    uint64_t freedbits[GCB_NCLASSES][2][SPAN_BITWORDS]; /* slots of gm->cache[c][k] that
                                                           free_sized put back this cache period */
    uint32_t nfreed[GCB_NCLASSES][2];  /* slots free_sized put back this cache period */
} free_local;

static const gc_space_ops ops;

static free_space *space(gc_heap *h) { return (free_space *)gc_space_find(h, &ops); }

/* gm's state, created at its first hint; NULL when out of memory (the
 * hint is then ignored). */
static free_local *state(gc_mutator *gm)
{
    free_space *fs = space(gm->h);
    void **slot = &gm->local[fs->base.index];
    if (*slot == NULL)
        *slot = calloc(1, sizeof(free_local));
    return *slot;
}

/* gm's state, or NULL before its first hint. */
static free_local *existing(gc_mutator *gm)
{
    return gm->local[space(gm->h)->base.index];
}

static void flush(free_space *fs, free_local *f)
{
    atomic_fetch_add_explicit(&fs->frees, f->frees, memory_order_relaxed);
    atomic_fetch_add_explicit(&fs->skipped, f->skipped, memory_order_relaxed);
    atomic_fetch_add_explicit(&fs->freed_bytes, f->freed_bytes, memory_order_relaxed);
    atomic_fetch_add_explicit(&fs->reused_bytes, f->reused_bytes, memory_order_relaxed);
    f->frees = f->skipped = f->freed_bytes = f->reused_bytes = 0;
}

/* The scan size of the object in `slot` of s (cached by the caller when
 * it has heap bits, so its bits are the caller's): to its last pointer
 * word with heap bits (what the last mark counted for it, if it scanned
 * it; a []*T allocated since added only its first word, Go's scanAlloc
 * rule, so more comes off than went in, and heap_scan stops at 0), the
 * whole slot for a header object (Go's scanAlloc for those). */
static uint64_t slot_scan_size(const span *s, const char *slot)
{
    if (s->heapbits == NULL)
        return s->elemsize;
    uint64_t bits = gcb_heapbits_read(s->heapbits, (size_t)(slot - s->base) >> 3, s->elemsize / 8);
    return bits ? (uint64_t)(64 - __builtin_clzll(bits)) * sizeof(void *) : 0;
}

void free_sized(gc_mutator *gm, void *p, size_t bytes)
{
    gc_heap *h = gm->h;
    free_local *f = state(gm);
    if (f == NULL || p == NULL)
        return;
    span *s = ph_lookup(&h->ph, p);
    if (s == NULL) {
        gc_fail(h, "free_sized: %p (%zu bytes) is not in the heap", p, bytes);
        return;
    }
    size_t hdr = s->noscan || s->heapbits ? 0 : sizeof(void *); /* gc.h's layout */
    if (bytes < FREE_MIN || s->sizeclass == 0 ||
        atomic_load_explicit(&h->phase, memory_order_relaxed) != GCPH_OFF) {
        f->skipped++;
        return;
    }
    size_t i = span_index(s, p);
    char *slot = span_slot(s, i);
    if ((char *)p != slot + hdr || bytes + hdr > s->elemsize) {
        gc_fail(h, "free_sized: %p (%zu bytes) is not an object of span %p (base %p, class %u, "
                "%u-byte slots, noscan %u)", p, bytes, (void *)s, (void *)s->base, s->sizeclass,
                s->elemsize, s->noscan);
        return;
    }
    unsigned cls = s->sizeclass;
    int scan = !s->noscan;
    span *cached = gm->cache[cls][scan];
    if (cached == NULL || (s->heapbits != NULL && cached != s)) {
        f->skipped++; /* heap bits of a span we do not cache are not ours to write (gc.h) */
        return;
    }
    /* Only the cached span's alloc bits are ours to read: a span we do
     * not own may be mid-sweep, which swaps its allocbits and markbits
     * arrays and clears the old one (the slot stays allocated, but a read
     * racing with the swap could see it clear). */
    if (cached == s && !span_bit(s->allocbits, i)) {
        gc_fail(h, "free_sized: %p (slot %zu of span %p, class %u) was never allocated",
                p, i, (void *)s, cls);
        return;
    }
    if (scan)
        mcache_scan_free(gm, slot_scan_size(s, slot));
    if (h->cfg.verify) {
        /* A slot already poisoned is on a free list: freed twice. */
        if (s->elemsize > 8 && span_check_poison(s, slot) == 0) {
            gc_fail(h, "verify: free_sized: %p (slot %zu of span %p, class %u) freed twice",
                    p, i, (void *)s, cls);
            return;
        }
        uint64_t *w = (uint64_t *)slot;
        for (size_t k = 1; k < s->elemsize / 8; k++)
            w[k] = SPAN_POISON;
    } else if (scan) {
        memset(slot + 8, 0, s->elemsize - 8);
    }
    gcb_freeobj *o = (gcb_freeobj *)slot;
    o->next = gm->base.freelist[cls][scan];
    gm->base.freelist[cls][scan] = o;
    if (cached == s)
        span_set_bit(f->freedbits[cls][scan], i);
    f->nfreed[cls][scan]++;
    f->frees++;
    f->freed_bytes += s->elemsize;
}

static int inspan(const span *s, const void *p)
{
    return (const char *)p >= s->base && (const char *)p < s->base + s->npages * SC_PAGE_SIZE;
}

/* span_release hook: s leaves gm's cache with *freelist still on the
 * chain: unlink the foreign slots (they stay allocated in their spans,
 * dead, for the next cycle to sweep); the freed slots not on the chain
 * were reused. */
static void span_release(gc_space *sp, gc_mutator *gm, span *s, gcb_freeobj **freelist)
{
    free_local *f = gm->local[sp->index];
    unsigned cls = s->sizeclass;
    int scan = !s->noscan;
    if (f == NULL || f->nfreed[cls][scan] == 0)
        return;
    uint32_t unreused = 0;
    for (gcb_freeobj **link = freelist; *link;) {
        gcb_freeobj *o = *link;
        if (!inspan(s, o)) {
            unreused++;
            *link = o->next;
            continue;
        }
        unreused += (uint32_t)span_bit(f->freedbits[cls][scan], span_index(s, o));
        link = &o->next;
    }
    f->reused_bytes += (uint64_t)(f->nfreed[cls][scan] - unreused) * s->elemsize;
    memset(f->freedbits[cls][scan], 0, sizeof f->freedbits[cls][scan]);
    f->nfreed[cls][scan] = 0;
}

void free_scope_enter(gc_mutator *gm)
{
    free_local *f = state(gm);
    if (f == NULL)
        return;
    if (f->nscopes == f->capscopes) {
        size_t cap = f->capscopes ? f->capscopes * 2 : 16;
        size_t *n = realloc(f->scopes, cap * sizeof *n);
        if (n == NULL) {
            gc_fail(gm->h, "scope_enter: out of memory for %zu nested scopes", cap);
            return;
        }
        f->scopes = n;
        f->capscopes = cap;
    }
    f->scopes[f->nscopes++] = f->nrecs;
}

void *free_alloc_tracked(gc_mutator *gm, const gcb_type *t, size_t bytes)
{
    /* The inline path (gcb_alloc_tracked already counted the allocation). */
    void *p = gcb_alloc(&gm->base, t, bytes);
    gm->base.bytes_allocated -= bytes;
    gm->base.objects_allocated--;
    free_local *f = state(gm);
    if (p == NULL || f == NULL || f->nscopes == 0)
        return p; /* outside any scope: an ordinary allocation */
    if (f->nrecs == f->caprecs) {
        size_t cap = f->caprecs ? f->caprecs * 2 : 64;
        tracked *r = realloc(f->recs, cap * sizeof *r);
        if (r == NULL)
            return p; /* untracked: the GC reclaims it */
        f->recs = r;
        f->caprecs = cap;
    }
    gc_heap *h = gm->h;
    uint32_t sg = atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_OFF
                      ? atomic_load_explicit(&h->sweepgen, memory_order_relaxed)
                      : 0;
    f->recs[f->nrecs++] = (tracked){p, bytes, sg};
    return p;
}

void free_scope_exit(gc_mutator *gm)
{
    free_local *f = existing(gm);
    if (f == NULL || f->nscopes == 0) {
        gc_fail(gm->h, "scope_exit without a matching scope_enter");
        return;
    }
    gc_heap *h = gm->h;
    size_t from = f->scopes[--f->nscopes];
    uint32_t sg = atomic_load_explicit(&h->sweepgen, memory_order_relaxed);
    int off = atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_OFF;
    /* Newest first: the most recent objects sit in the cached spans. */
    for (size_t k = f->nrecs; k-- > from;) {
        tracked *r = &f->recs[k];
        if (off && r->sweepgen == sg)
            free_sized(gm, r->p, r->bytes);
        else
            f->skipped++;
    }
    f->nrecs = from;
}

/* mutator_detach hook: flush gm's counters and drop its scope records. */
static void mutator_detach(gc_space *sp, gc_mutator *gm)
{
    free_local *f = gm->local[sp->index];
    if (f == NULL)
        return;
    flush((free_space *)sp, f);
    free(f->recs);
    free(f->scopes);
    free(f);
    gm->local[sp->index] = NULL;
}

static void stats(gc_space *sp, gcb_heap_stats *out)
{
    free_space *fs = (free_space *)sp;
    out->frees = atomic_load_explicit(&fs->frees, memory_order_relaxed);
    out->frees_skipped = atomic_load_explicit(&fs->skipped, memory_order_relaxed);
    out->freed_explicit_bytes = atomic_load_explicit(&fs->freed_bytes, memory_order_relaxed);
    out->reused_bytes = atomic_load_explicit(&fs->reused_bytes, memory_order_relaxed);
}

static void destroy(gc_space *sp, gc_heap *h) { free(sp); }

static const gc_space_ops ops = {
    .name = "freetracked",
    .stats = stats,
    .span_release = span_release,
    .mutator_detach = mutator_detach,
    .destroy = destroy,
};

int free_space_init(gc_heap *h, char *err, size_t errlen)
{
    free_space *fs = calloc(1, sizeof *fs);
    if (fs == NULL) {
        snprintf(err, errlen, "%s: out of memory for the freetracked space", h->cfg.name);
        return ENOMEM;
    }
    fs->base.ops = &ops;
    int rc = gc_space_register(h, &fs->base, err, errlen);
    if (rc != 0)
        free(fs);
    return rc;
}
