/* world.c - the safepoint handshake.
 *
 * Stopping the world sets h->stw and every other mutator's poll_requested,
 * then waits until each of them is parked (in world_safepoint) or blocked
 * (between blocking_enter and blocking_exit).  A parked or blocked mutator
 * touches nothing of the heap until world_start, so the stopper may read
 * its frames and empty its caches.  Only the owner of the current GC phase
 * stops the world, so stops never overlap.  Lock order: h->lock before any
 * central or page-heap lock; nobody waits for the world while holding a
 * lock a running mutator could need.
 *
 * Preemption: besides poll_requested, the stopper zeroes each mutator's
 * inline_max, so the very next allocation takes the slow path, which
 * polls (Go poisons the stack guard the same way); a mutator only has to
 * allocate, not to reach an explicit gcb_poll or a span refill.  The
 * mutator restores inline_max after its safepoint, then re-checks
 * poll_requested: the stopper stores poll_requested before inline_max
 * (both seq_cst), so a request the re-check misses zeroes inline_max
 * after the restore.
 *
 * Ragged barrier (world_flush, Go's forEachP in gcMarkDone): the same
 * request, without stopping anybody: each mutator running at the request
 * disposes its gc_work at its next safepoint (world_safepoint), and one
 * that blocks or detaches first disposes on the way (a blocked mutator
 * cannot answer, and holds nothing: it disposed when it blocked).  The
 * barrier returns once every mutator asked has answered; each disposes
 * before it answers under h->lock, so what it held is on the shared list
 * by then.  A mutator that runs the barrier itself (an assist completing
 * the mark) is not asked: it disposed its own first.
 */
#include <stdlib.h>

#include "gc.h"

static int running_others(gc_heap *h, gc_mutator *self)
{
    for (gc_mutator *m = h->mutators; m; m = m->next)
        if (m != self && m->state == MST_RUNNING)
            return 1;
    return 0;
}

void world_stop(gc_heap *h, gc_mutator *self)
{
    pthread_mutex_lock(&h->lock);
    h->stw = 1;
    for (gc_mutator *m = h->mutators; m; m = m->next)
        if (m != self) {
            atomic_store(&m->base.poll_requested, 1);
            __atomic_store_n(&m->base.inline_max, 0, __ATOMIC_SEQ_CST);
        }
    while (running_others(h, self))
        pthread_cond_wait(&h->cond, &h->lock);
    pthread_mutex_unlock(&h->lock);
}

void world_flush(gc_heap *h, gc_mutator *self)
{
    pthread_mutex_lock(&h->lock);
    for (gc_mutator *m = h->mutators; m; m = m->next)
        if (m != self && m->state == MST_RUNNING && !m->flush_pending) {
            m->flush_pending = 1;
            h->flush_waiting++;
            atomic_store(&m->base.poll_requested, 1);
            __atomic_store_n(&m->base.inline_max, 0, __ATOMIC_SEQ_CST);
        }
    while (h->flush_waiting > 0)
        pthread_cond_wait(&h->cond, &h->lock);
    pthread_mutex_unlock(&h->lock);
}

void world_flush_answer(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    if (gm->flush_pending) {
        gm->flush_pending = 0;
        if (--h->flush_waiting == 0)
            pthread_cond_broadcast(&h->cond);
    }
}

void world_start(gc_heap *h)
{
    pthread_mutex_lock(&h->lock);
    h->stw = 0;
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

/* Re-enable inline allocation after a safepoint, unless a new request
 * came in meanwhile (see the header comment for the ordering). */
static void restore_inline(gc_mutator *gm)
{
    mcache_set_inline(gm);
    if (atomic_load(&gm->base.poll_requested))
        __atomic_store_n(&gm->base.inline_max, 0, __ATOMIC_SEQ_CST);
}

void world_safepoint(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    atomic_store_explicit(&gm->base.poll_requested, 0, memory_order_relaxed);
    pthread_mutex_lock(&h->lock);
    if (gm->flush_pending) {
        gc_work_dispose(h, &gm->gcw); /* h->lock before work.lock: allowed */
        world_flush_answer(gm);
    }
    if (h->stw) {
        gm->state = MST_PARKED;
        pthread_cond_broadcast(&h->cond);
        while (h->stw)
            pthread_cond_wait(&h->cond, &h->lock);
        gm->state = MST_RUNNING;
    }
    pthread_mutex_unlock(&h->lock);
    restore_inline(gm);
}

void world_blocking_enter(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    if (!gc_work_empty(&gm->gcw))
        gc_work_dispose(h, &gm->gcw); /* no ragged barrier asks a blocked mutator */
    pthread_mutex_lock(&h->lock);
    world_flush_answer(gm);
    gm->state = MST_BLOCKED;
    atomic_fetch_sub(&h->nrunning, 1); /* its proc is idle (cycle.c's idle workers) */
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

void world_blocking_exit(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    pthread_mutex_lock(&h->lock);
    while (h->stw)
        pthread_cond_wait(&h->cond, &h->lock);
    gm->state = MST_RUNNING;
    atomic_fetch_add(&h->nrunning, 1);
    pthread_mutex_unlock(&h->lock);
    restore_inline(gm);
}

void world_add_root(gc_heap *h, void **slot)
{
    pthread_mutex_lock(&h->lock);
    if (h->nroots == h->caproots) {
        size_t cap = h->caproots ? h->caproots * 2 : 16;
        void ***r = realloc(h->roots, cap * sizeof *r);
        if (r == NULL) {
            pthread_mutex_unlock(&h->lock);
            gc_fail(h, "out of memory registering global root %p", (void *)slot);
            return;
        }
        h->roots = r;
        h->caproots = cap;
    }
    h->roots[h->nroots++] = slot;
    pthread_mutex_unlock(&h->lock);
}
