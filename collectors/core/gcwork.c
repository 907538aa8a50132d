/* gcwork.c - grey work buffers (Go's gcWork, runtime/mgcwork.go, the
 * nogreenteagc variant) and the shared work list (Go's work.full).
 *
 * Each marking thread owns a gc_work of two buffers of GC_WORKBUF_OBJS
 * grey objects: a mutator (its write barrier's shading and its assists'
 * scanning) and each background mark worker.  Its owner puts and gets
 * without a lock; only these reach the shared list, under work.lock:
 * - put, when both buffers are full, spills one full buffer (putObj);
 * - try_get, when both are empty, takes up to a buffer's worth (tryGetObj
 *   taking a full workbuf);
 * - balance, called by drainers while the shared list is empty, gives the
 *   second buffer, or half of the first above 4 objects (balance/handoff);
 * - dispose gives everything (at a ragged barrier, when a mutator blocks
 *   or detaches, when a worker stops, at mark termination).
 * Every one of them that moves objects sets work.flushed (Go's
 * flushedWork), which the ragged barrier takes (cycle.c): marking ends
 * only after a barrier round in which nothing was flushed.
 *
 * Hence a mutator's grey objects stay private until it has shaded two
 * buffers' worth, its assist balances, or the barrier asks; an idle
 * worker, which may only start when shared work exists
 * (gc_work_available, Go's gcShouldScheduleWorker), cannot see them.
 *
 * Accounting (work.busy, under work.lock): a worker's gc_work holding
 * objects stays counted between its drains and is uncounted by the drain
 * that empties it or by dispose; see mark_drain.
 */
#include <stdlib.h>
#include <string.h>

#include "gc.h"

/* Push n items; work.lock held. */
static void putfull_locked(gc_heap *h, void *const *items, size_t n)
{
    mark_work *w = &h->work;
    if (n == 0)
        return;
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->n + n)
            cap *= 2;
        void **p = realloc(w->items, cap * sizeof *p);
        if (p == NULL) {
            gc_fail(h, "out of memory growing the mark work list to %zu entries", cap);
            return;
        }
        w->items = p;
        w->cap = cap;
    }
    memcpy(w->items + w->n, items, n * sizeof *items);
    w->n += n;
    if (w->n > w->peak)
        w->peak = w->n;
    atomic_store_explicit(&w->avail, w->n, memory_order_relaxed);
    w->flushed = 1;
    if (w->waiting)
        pthread_cond_broadcast(&w->cond);
}

void gc_work_putfull(gc_heap *h, void **items, size_t n)
{
    pthread_mutex_lock(&h->work.lock);
    putfull_locked(h, items, n);
    pthread_mutex_unlock(&h->work.lock);
}

void gc_work_put_slow(gc_heap *h, gc_work *w, void *obj)
{
    w->cur ^= 1;
    gc_workbuf *b = &w->buf[w->cur];
    if (b->nobj == GC_WORKBUF_OBJS) {
        gc_work_putfull(h, b->obj, b->nobj);
        b->nobj = 0;
    }
    b->obj[b->nobj++] = obj;
}

void *gc_work_try_get(gc_heap *h, gc_work *w)
{
    gc_workbuf *b = &w->buf[w->cur];
    if (b->nobj == 0) {
        w->cur ^= 1;
        b = &w->buf[w->cur];
        if (b->nobj == 0) {
            mark_work *mw = &h->work;
            pthread_mutex_lock(&mw->lock);
            size_t n = mw->n < GC_WORKBUF_OBJS ? mw->n : GC_WORKBUF_OBJS;
            mw->n -= n;
            memcpy(b->obj, mw->items + mw->n, n * sizeof *b->obj);
            atomic_store_explicit(&mw->avail, mw->n, memory_order_relaxed);
            pthread_mutex_unlock(&mw->lock);
            b->nobj = (uint32_t)n;
            if (n == 0)
                return NULL;
        }
    }
    return b->obj[--b->nobj];
}

void gc_work_balance(gc_heap *h, gc_work *w)
{
    gc_workbuf *b1 = &w->buf[w->cur], *b2 = &w->buf[w->cur ^ 1];
    if (b2->nobj != 0) {
        gc_work_putfull(h, b2->obj, b2->nobj);
        b2->nobj = 0;
    } else if (b1->nobj > 4) {
        /* Go's handoff: the older half goes, the newer half stays */
        uint32_t give = b1->nobj - b1->nobj / 2;
        gc_work_putfull(h, b1->obj, give);
        memmove(b1->obj, b1->obj + give, (b1->nobj - give) * sizeof *b1->obj);
        b1->nobj -= give;
    }
}

int gc_work_dispose(gc_heap *h, gc_work *w)
{
    int had = !gc_work_empty(w);
    if (!had && !w->counted)
        return 0;
    mark_work *mw = &h->work;
    pthread_mutex_lock(&mw->lock);
    for (int i = 0; i < 2; i++) {
        putfull_locked(h, w->buf[i].obj, w->buf[i].nobj);
        w->buf[i].nobj = 0;
    }
    if (w->counted) {
        w->counted = 0;
        mw->busy--;
    }
    if (mw->busy == 0)
        pthread_cond_broadcast(&mw->cond); /* mark termination may wait for busy == 0 */
    pthread_mutex_unlock(&mw->lock);
    return had;
}

int gc_work_available(gc_heap *h, const gc_work *w)
{
    return !gc_work_empty(w) || atomic_load_explicit(&h->work.avail, memory_order_relaxed) > 0 ||
           atomic_load_explicit(&h->work.globals_job, memory_order_relaxed) ||
           atomic_load_explicit(&h->work.space_jobs, memory_order_relaxed);
}

int gc_work_take_flushed(gc_heap *h)
{
    pthread_mutex_lock(&h->work.lock);
    int f = h->work.flushed;
    h->work.flushed = 0;
    pthread_mutex_unlock(&h->work.lock);
    return f;
}
