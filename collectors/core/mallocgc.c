/* mallocgc.c - the allocation slow path (Go's mallocgc): what every
 * allocation that the inline path (include/gcb/mutator.h) cannot serve
 * goes through.  In order: a requested safepoint, a failed heap (NULL),
 * the trigger check that may start a cycle, a slot from the span cache or
 * a large span (mcache.c), and, during mark, the assist charged for it.
 * On the mutator's own thread only.
 */
#include "gc.h"

void *mallocgc(gc_mutator *gm, const gcb_type *t, size_t bytes)
{
    gc_heap *h = gm->h;
    if (atomic_load_explicit(&gm->base.poll_requested, memory_order_relaxed))
        world_safepoint(gm);
    if (atomic_load_explicit(&h->failed, memory_order_relaxed))
        return NULL;
    size_t hdr = gc_header_bytes(t, bytes);
    size_t n = bytes + hdr;
    if (n < bytes || bytes == 0)
        return NULL;
    gc_maybe_start(h, gm);
    int large = bytes > (t != NULL ? SC_MAX_SMALL - sizeof(void *) : SC_MAX_SMALL);
    char *p = large ? mcache_large(h, n, t) : mcache_small(gm, n, t, bytes);
    if (p == NULL)
        return NULL;
    /* assists are charged by span refill (small) or object (large) */
    if (atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_MARK) {
        size_t charge = large ? n : gm->refill_bytes;
        gm->refill_bytes = 0;
        if (charge)
            mark_assist(gm, charge);
    }
    if (hdr) {
        *(const gcb_type **)p = t;
        return p + hdr;
    }
    return p;
}
