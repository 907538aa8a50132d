/* mallocgc.c - the allocation slow path (Go's mallocgc): what every
 * allocation that the inline path (include/gcb/mutator.h) cannot serve
 * goes through.  In order, as Go's: a requested safepoint, a failed heap
 * (NULL), during mark the assist, a slot from the span cache or a large
 * span (mcache.c), then the trigger check that may start a cycle, with
 * heap_live already counting this allocation's refill or large span (Go
 * tests after allocating, when it refilled or allocated large), the new
 * object held in a frame of its own meanwhile so the cycle's roots hold it
 * (Go: mallocgc's own frame).  On the mutator's own thread only.
 *
 * Assists are charged before allocating, as Go's deductAssistCredit: a
 * large object by its size, small ones by the spans cached during mark
 * (whole free lists, refill_bytes) since the last charge, so a span's
 * bytes are owed at the first slow path after its refill.  Charging first
 * also means a parked assist holds no object that only its caller knows
 * of (one a whole cycle could otherwise free while it sleeps).
 */
#include "gc.h"
#include "gcb/mutator.h"

/* Go's gcAssistAlloc loop: pay, and park when there is nothing to scan.
 * An assist whose drain ran out of work with nothing left anywhere is a
 * completion point, as in Go's gcAssistAlloc (gcMarkDone when its drain
 * was the last and found no work): the mark ends on this thread, without
 * waiting for worker 0 to wake (a sleeping thread's wake-up took
 * 3.5-3.8 ms now and then on this project's VM, while the mutator ran
 * allocating black or sat parked). */
static void assist(gc_mutator *gm)
{
    for (;;) {
        int r = mark_assist(gm);
        if (gm->assist_dry && mark_done(gm->h)) {
            gm->assist_dry = 0;
            gc_mark_complete(gm->h, gm);
            if (atomic_load(&gm->h->phase) != GCPH_MARK)
                return;
        }
        if (r == 0)
            return;
        if (atomic_load_explicit(&gm->base.poll_requested, memory_order_relaxed)) {
            world_safepoint(gm); /* Go: Gosched, then retry */
            continue;
        }
        if (r == 1 && mark_assist_enqueue(gm)) {
            world_blocking_enter(gm); /* a parked assist frees its proc (Go's gopark) */
            uint64_t t0 = gm->h->host->now_ns(gm->h->host->ctx);
            mark_assist_wait(gm);
            pacer_limiter_proc_idle(gm->h, gm->h->host->now_ns(gm->h->host->ctx) - t0);
            world_blocking_exit(gm);
        }
    }
}

void mallocgc_assist(gc_mutator *gm, size_t bytes)
{
    if (atomic_load_explicit(&gm->h->phase, memory_order_relaxed) != GCPH_MARK || bytes == 0)
        return;
    gm->assist_bytes -= (int64_t)bytes;
    pacer_revise(gm->h); /* Go revises as heap_live moves (span refills) */
    if (gm->assist_bytes < 0)
        assist(gm);
}

void *mallocgc(gc_mutator *gm, const gcb_type *t, size_t bytes)
{
    gc_heap *h = gm->h;
    if (atomic_load_explicit(&gm->base.poll_requested, memory_order_relaxed))
        world_safepoint(gm);
    if (atomic_load_explicit(&h->failed, memory_order_relaxed))
        return NULL;
    if (h->cfg.verify && t != NULL && (t->nptrs == 0 || t->size % 8 != 0 || t->nptrs > t->size / 8)) {
        /* collector.h: 0 < nptrs <= size / 8; a pointer-free object is NULL */
        gc_fail(h, "type %s: %u pointer words in %u bytes (want 0 < nptrs <= size / 8, size a "
                "multiple of 8; a pointer-free object has type NULL)",
                t->name ? t->name : "?", t->nptrs, t->size);
        return NULL;
    }
    size_t hdr = gc_header_bytes(t, bytes);
    size_t n = bytes + hdr;
    if (n < bytes || bytes == 0)
        return NULL;
    int large = bytes > (t != NULL ? SC_MAX_SMALL - sizeof(void *) : SC_MAX_SMALL);
    if (atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_MARK) {
        size_t charge = gm->refill_bytes + (large ? n : 0);
        gm->refill_bytes = 0;
        mallocgc_assist(gm, charge);
    }
    char *p = large ? mcache_large(h, n, t) : mcache_small(gm, n, t, bytes);
    if (p == NULL)
        return NULL;
    if (large && t != NULL) /* Go's heapSetTypeLarge: the span's bytes */
        mcache_scan_alloc(gm, (n + SC_PAGE_SIZE - 1) / SC_PAGE_SIZE * SC_PAGE_SIZE);
    if (hdr) {
        *(const gcb_type **)p = t;
        p += hdr;
    }
    void *slot[1] = {p};
    gcb_frame f;
    gcb_frame_push(&gm->base, &f, slot, 1);
    gc_maybe_start(h, gm);
    gcb_frame_pop(&gm->base, &f);
    return p;
}
