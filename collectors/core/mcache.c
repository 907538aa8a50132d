/* mcache.c - the per-mutator span cache (Go's mcache): refill, release,
 * and the slot or large span behind each allocation's slow path
 * (mallocgc.c decides when, and charges assists).
 *
 * A cached span's free slots are threaded onto the mutator's free list
 * for its class (gcb_mutator.freelist[class][scan]), which gcb_alloc()
 * pops inline.  While cached, every slot counts as allocated (its alloc
 * bit is set and heap_live includes it); releasing the span clears the
 * alloc bits of the slots still on the list.  Owned by the mutator's
 * thread, or by the stopper while the world is stopped.
 *
 * Allocate black: the inline path cannot mark, so every cache is emptied
 * when mark starts, a span cached during mark remembers the slots it
 * handed to the free list (freshbits), and releasing it (at the latest at
 * mark termination, before roots are rescanned) marks those that were
 * allocated.  Until then a new object may be unmarked; that is safe
 * because anything it points to was stored through the barrier (shaded),
 * and the tracer reaching it early only costs a scan.
 */
#include <string.h>

#include "gc.h"

void mcache_set_inline(gc_mutator *gm)
{
    __atomic_store_n(&gm->base.inline_max, gm->h->cfg.verify ? 0 : GCB_INLINE_MAX, __ATOMIC_SEQ_CST);
}

static void release(gc_mutator *gm, unsigned cls, int scan)
{
    gc_heap *h = gm->h;
    span *s = gm->cache[cls][scan];
    if (s == NULL)
        return;
    if (h->nspaces)
        space_span_release(gm, s, &gm->base.freelist[cls][scan]);
    uint32_t n = 0;
    for (gcb_freeobj *o = gm->base.freelist[cls][scan]; o; o = o->next) {
        span_clear_bit(s->allocbits, span_index(s, o));
        n++;
    }
    s->nalloc -= n;
    atomic_fetch_sub_explicit(&h->heap_live, (uint64_t)n * s->elemsize, memory_order_relaxed);
    atomic_fetch_sub_explicit(&h->heap_alloc, (uint64_t)n * s->elemsize, memory_order_relaxed);
    /* Go's slotsUsed (signed: a span's count may end below where it began) */
    int64_t used = (int64_t)s->nalloc - (int64_t)s->nalloc_cached;
    atomic_fetch_add_explicit(&h->heap_alloc_flushed, (uint64_t)(used * (int64_t)s->elemsize),
                              memory_order_relaxed);
    if (s->allocblack) {
        /* allocate black, lazily: every slot the cache handed out during
         * mark (fresh, not back on the list) is marked now */
        for (gcb_freeobj *o = gm->base.freelist[cls][scan]; o; o = o->next)
            span_clear_bit(s->freshbits, span_index(s, o));
        uint64_t nb = 0;
        for (size_t w = 0; w < SPAN_BITWORDS; w++) {
            uint64_t f = __atomic_load_n(&s->freshbits[w], __ATOMIC_RELAXED);
            if (f) {
                uint64_t old = __atomic_fetch_or(&s->markbits[w], f, __ATOMIC_RELAXED);
                nb += (uint64_t)__builtin_popcountll(f & ~old);
            }
            __atomic_store_n(&s->freshbits[w], 0, __ATOMIC_RELAXED); /* markers read it */
        }
        s->allocblack = 0;
        atomic_fetch_add_explicit(&h->heap_marked, nb * s->elemsize, memory_order_relaxed);
    }
    s->incache = 0;
    gm->base.freelist[cls][scan] = NULL;
    gm->cache[cls][scan] = NULL;
    if (scan)
        gm->base.spanbits[cls] = (gcb_spanbits){0};
    central_push(&h->central[cls][scan], s, atomic_load(&h->sweepgen));
}

/* Go's gcController.update(_, scanAlloc) at an mcache refill or release:
 * the scan bytes this mutator allocated since the last call (`bytes`
 * more, plus what its inline path added to scan_alloc) join heap_scan,
 * except during mark, when Go's heapScan is fixed (they are dropped:
 * mark termination sets heap_scan to the scan work, which covers them).
 * Unlike Go, which does not flush its mcaches at a cycle's start (what
 * they hold then is flushed during mark, so dropped), sweep termination
 * releases every cache here, so those bytes count.  The mutator's
 * thread, or the stopper with the world stopped. */
void mcache_scan_alloc(gc_mutator *gm, uint64_t bytes)
{
    bytes += gm->base.scan_alloc;
    gm->base.scan_alloc = 0;
    if (bytes != 0 && atomic_load_explicit(&gm->h->phase, memory_order_relaxed) != GCPH_MARK)
        atomic_fetch_add_explicit(&gm->h->heap_scan, bytes, memory_order_relaxed);
}

/* An explicit free (freetracked), outside mark, of an object whose scan
 * size is `bytes`: takes the mutator's pending scan_alloc into heap_scan
 * and the object out of it (never below 0), so a slot freed and reused
 * from the free list counts once, and scan_alloc stays bounded by what is
 * allocated between two calls into the plugin even when every allocation
 * reuses a freed slot.  Go's runtimefreegc reuses pointer-free objects
 * only, so Go has no such step.  The mutator's thread. */
void mcache_scan_free(gc_mutator *gm, uint64_t bytes)
{
    mcache_scan_alloc(gm, 0);
    uint64_t cur = atomic_load_explicit(&gm->h->heap_scan, memory_order_relaxed), next;
    do
        next = cur > bytes ? cur - bytes : 0;
    while (!atomic_compare_exchange_weak_explicit(&gm->h->heap_scan, &cur, next,
                                                  memory_order_relaxed, memory_order_relaxed));
}

void mcache_release_all(gc_mutator *gm)
{
    mcache_scan_alloc(gm, 0);
    for (unsigned c = 1; c < SC_NCLASSES; c++)
        for (int k = 0; k < 2; k++)
            release(gm, c, k);
}

/* Replace the cached span of a class with one that has free slots. */
static int refill(gc_mutator *gm, unsigned cls, int scan)
{
    gc_heap *h = gm->h;
    release(gm, cls, scan);
    mcache_scan_alloc(gm, 0);
    span *s = sweep_get_span(h, cls, scan);
    if (s == NULL)
        return -1;
    gcb_freeobj *head = NULL;
    uint32_t n = 0;
    for (size_t i = s->nelems; i-- > 0;) {
        if (span_bit(s->allocbits, i))
            continue;
        span_set_bit(s->allocbits, i);
        gcb_freeobj *o = (gcb_freeobj *)span_slot(s, i);
        o->next = head;
        head = o;
        n++;
    }
    if (atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_MARK) {
        s->allocblack = 1;
        for (size_t w = 0; w < SPAN_BITWORDS; w++)
            __atomic_store_n(&s->freshbits[w], 0, __ATOMIC_RELAXED);
        for (gcb_freeobj *o = head; o; o = o->next)
            span_set_bit(s->freshbits, span_index(s, o));
        gm->refill_bytes += (size_t)n * s->elemsize;
    }
    s->nalloc_cached = s->nalloc;
    s->nalloc = s->nelems;
    s->incache = 1;
    atomic_fetch_add_explicit(&h->heap_live, (uint64_t)n * s->elemsize, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->heap_alloc, (uint64_t)n * s->elemsize, memory_order_relaxed);
    gm->base.freelist[cls][scan] = head;
    gm->cache[cls][scan] = s;
    if (s->heapbits != NULL) /* this thread is now the only writer of s's bits */
        gm->base.spanbits[cls] = (gcb_spanbits){s->base, s->heapbits, s->elemsize / 8};
    return 0;
}

static void markblack(gc_heap *h, span *s, size_t i)
{
    if (atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_MARK &&
        span_set_bit(s->markbits, i))
        atomic_fetch_add_explicit(&h->heap_marked, s->elemsize, memory_order_relaxed);
}

void *mcache_small(gc_mutator *gm, size_t n, const gcb_type *t, size_t bytes)
{
    gc_heap *h = gm->h;
    int scan = t != NULL;
    unsigned cls = sc_class_of(n);
    if (gm->base.freelist[cls][scan] == NULL && refill(gm, cls, scan) != 0)
        return NULL;
    gcb_freeobj *o = gm->base.freelist[cls][scan];
    gm->base.freelist[cls][scan] = o->next;
    span *s = gm->cache[cls][scan];
    if ((char *)o < s->base || (char *)o >= s->base + s->npages * SC_PAGE_SIZE)
        s = ph_lookup(&h->ph, o); /* a slot a space put on the list (space.h) */
    size_t i = span_index(s, o);
    if (s->heapbits != NULL && s != gm->cache[cls][scan]) {
        /* its bits belong to whoever caches s: writing them here could
         * lose that owner's concurrent writes (gc.h) */
        gc_fail(h, "slot %p of span %p (class %u) with heap bits is on the free list of a "
                "mutator that does not cache its span", (void *)o, (void *)s, cls);
        return NULL;
    }
    if (h->cfg.verify) {
        size_t bad = span_check_poison(s, (char *)o);
        if (bad) {
            gc_fail(h, "verify: free slot %p (slot %zu) of span %p (base %p, class %u, noscan %u) "
                    "was written after it was freed: word %zu is %#llx, not the poison",
                    (void *)o, i, (void *)s, (void *)s->base, s->sizeclass, s->noscan, bad,
                    (unsigned long long)((uint64_t *)o)[bad]);
            return NULL;
        }
        memset(o, 0, s->elemsize);
    } else {
        memset(o, 0, n);
    }
    if (s->heapbits != NULL) { /* whole slot: a reused slot's stale bits are overwritten */
        gcb_heapbits_write(s->heapbits, (size_t)((char *)o - s->base) >> 3, s->elemsize / 8,
                           gcb_heapbits_mask(t, bytes));
        gm->base.scan_alloc += gcb_scan_size(t, bytes);
    } else if (scan) {
        gm->base.scan_alloc += (uint32_t)s->elemsize; /* a header object: Go's whole slot */
    }
    (void)i; /* marked black when the span leaves the cache, as inline allocations */
    return o;
}

void *mcache_large(gc_heap *h, size_t n, const gcb_type *t)
{
    int scan = t != NULL;
    size_t npages = (n + SC_PAGE_SIZE - 1) / SC_PAGE_SIZE;
    span *s = ph_alloc(&h->ph, npages);
    if (s == NULL) {
        h->host->log(h->host->ctx, "%s: heap reservation exhausted allocating %zu bytes",
                     h->cfg.name, n);
        return NULL;
    }
    span_init(s, 0, !scan);
    s->large_bytes = n;
    s->largetype = t; /* before central_push's lock and the object's publication */
    if (s->needzero)
        memset(s->base, 0, n);
    s->nalloc = 1;
    span_set_bit(s->allocbits, 0);
    atomic_store(&s->sweepgen, atomic_load(&h->sweepgen));
    markblack(h, s, 0);
    atomic_fetch_add_explicit(&h->heap_live, npages * SC_PAGE_SIZE, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->heap_alloc, npages * SC_PAGE_SIZE, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->heap_alloc_flushed, npages * SC_PAGE_SIZE, memory_order_relaxed);
    central_push(&h->central[0][scan], s, atomic_load(&h->sweepgen));
    return s->base;
}
