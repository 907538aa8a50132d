/* sweep.c - sweeping (lazy on allocation, in the background, and to
 * completion at sweep termination) and the scavenger.
 *
 * A span is swept by whoever pops it from an unswept list; nobody else can
 * reach it meanwhile.  Mutators sweep only while running, so a stopped
 * world has no mutator mid-sweep; threads that are not mutators count
 * themselves in sweep_inflight around each pop-sweep-push, which sweep
 * termination waits out, and re-check the span's sweepgen after popping
 * (a flip at mark termination may come between reading sweepgen and the
 * pop).
 * Sweeping never runs during mark: sweep termination finishes it first.
 */
#include <sched.h>
#include <string.h>

#include "gc.h"

/* Sweep s (popped from an unswept list of generation sg).  Returns s when
 * it still holds objects (the caller lists or uses it), NULL when its pages
 * went back to the page heap. */
static span *sweep(gc_heap *h, span *s, uint32_t sg)
{
    atomic_store(&s->sweepgen, sg - 1);
    if (s->sizeclass == 0) {
        if (span_bit(s->markbits, 0)) {
            span_clear_bit(s->markbits, 0);
            atomic_store(&s->sweepgen, sg);
            return s;
        }
        atomic_fetch_sub_explicit(&h->heap_alloc, (uint64_t)s->npages * SC_PAGE_SIZE,
                                  memory_order_relaxed);
        atomic_fetch_sub_explicit(&h->heap_alloc_flushed, (uint64_t)s->npages * SC_PAGE_SIZE,
                                  memory_order_relaxed);
        ph_free(&h->ph, s);
        return NULL;
    }
    uint32_t freed = span_sweep(s, h->cfg.verify);
    atomic_fetch_sub_explicit(&h->heap_alloc, (uint64_t)freed * s->elemsize, memory_order_relaxed);
    atomic_fetch_sub_explicit(&h->heap_alloc_flushed, (uint64_t)freed * s->elemsize,
                              memory_order_relaxed);
    atomic_store(&s->sweepgen, sg);
    if (s->nalloc == 0) {
        ph_free(&h->ph, s);
        return NULL;
    }
    return s;
}

span *sweep_get_span(gc_heap *h, unsigned cls, int scan)
{
    uint32_t sg = atomic_load(&h->sweepgen);
    span_central *c = &h->central[cls][scan];
    span *s = central_pop_swept(c, sg);
    if (s != NULL)
        return s;
    for (int budget = 100; budget > 0; budget--) {
        s = central_pop_unswept(c, sg);
        if (s == NULL)
            break;
        s = sweep(h, s, sg);
        if (s == NULL)
            continue;
        if (s->nalloc < s->nelems)
            return s;
        central_push(c, s, sg);
    }
    s = ph_alloc(&h->ph, sc_class_pages[cls]);
    if (s == NULL) {
        h->host->log(h->host->ctx, "%s: heap reservation exhausted growing size class %u",
                     h->cfg.name, cls);
        return NULL;
    }
    span_init(s, cls, !scan);
    if (h->cfg.verify)
        span_clear_slots(s, 1);
    else if (s->needzero)
        span_clear_slots(s, 0);
    atomic_store(&s->sweepgen, sg);
    return s;
}

/* Sweep one unswept span of any class, background style; 0 when none is
 * left.  *cursor (the caller's, starting at 0) remembers the central list
 * that last had work, so a pass over the heap costs one probe per span. */
int sweep_one(gc_heap *h, unsigned *cursor)
{
    for (unsigned tries = 0; tries < SC_NCLASSES * 2; tries++) {
        unsigned at = (*cursor + tries) % (SC_NCLASSES * 2);
        span_central *c = &h->central[at / 2][at % 2];
        atomic_fetch_add(&h->sweep_inflight, 1);
        uint32_t sg = atomic_load(&h->sweepgen);
        span *s = central_pop_unswept(c, sg);
        if (s != NULL) {
            if (atomic_load(&s->sweepgen) == sg - 2) {
                s = sweep(h, s, sg);
                if (s != NULL)
                    central_push(c, s, sg);
            } else {
                /* sweepgen flipped since we read it: s was swept in the new
                 * generation and sits on its swept list; put it back */
                central_push(c, s, atomic_load(&s->sweepgen));
            }
            atomic_fetch_sub(&h->sweep_inflight, 1);
            *cursor = at;
            return 1;
        }
        atomic_fetch_sub(&h->sweep_inflight, 1);
    }
    return 0;
}

/* Sweep everything left; on return (with the world stopped) every span is
 * swept. */
void sweep_finish(gc_heap *h)
{
    uint32_t sg = atomic_load(&h->sweepgen);
    for (unsigned c = 0; c < SC_NCLASSES; c++)
        for (int k = 0; k < 2; k++) {
            span *s;
            while ((s = central_pop_unswept(&h->central[c][k], sg)) != NULL) {
                s = sweep(h, s, sg);
                if (s != NULL)
                    central_push(&h->central[c][k], s, sg);
            }
        }
    /* wait out a sweeper (not a stopped mutator) mid-span */
    while (atomic_load(&h->sweep_inflight) != 0)
        sched_yield();
}

void sweep_scavenge(gc_heap *h)
{
    if (h->cfg.scavenge == SCAV_OFF)
        return;
    ph_scavenge(&h->ph, h->cfg.scavenge == SCAV_EAGER ? 0 : pacer_scavenge_retain(h));
}
