/* heap.c - the life of a Go-like heap and of its mutators: set up (page
 * heap, central lists, background sweeper, mark workers), tear down, attach
 * and detach, and the stats copy-out.  Spaces (space.h) are registered by
 * the plugin after gc_heap_init and destroyed here, last.
 *
 * gc_heap_init runs before any mutator exists; gc_heap_destroy after every
 * mutator detached; gc_mutator_init/fini on the mutator's own thread;
 * gc_stats on any thread (relaxed reads).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"

static uint64_t now(gc_heap *h) { return h->host->now_ns(h->host->ctx); }

int gc_heap_init(gc_heap *h, const gcb_host *host, const gc_config *cfg, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    h->cfg = *cfg;
    h->host = host;
    int rc = ph_init(&h->ph, cfg->reserve, (size_t)64 << 20);
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot reserve %zu bytes of address space (option reserve): %s",
                 cfg->name, cfg->reserve, strerror(rc));
        return rc;
    }
    if (cfg->globals > 0 && (h->globals = calloc(cfg->globals / sizeof(void *), sizeof(void *))) == NULL) {
        ph_destroy(&h->ph);
        snprintf(err, errlen, "%s: out of memory for %zu bytes of globals (option globals)", cfg->name,
                 cfg->globals);
        return ENOMEM;
    }
    for (unsigned c = 0; c < SC_NCLASSES; c++)
        for (int k = 0; k < 2; k++)
            central_init(&h->central[c][k]);
    mark_init(&h->work);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    pthread_mutex_init(&h->bglock, NULL);
    pthread_mutex_init(&h->markdone_lock, NULL);
    pthread_cond_init(&h->bgcond, NULL);
    pthread_cond_init(&h->workcond, NULL);
    pthread_mutex_init(&h->assist_lock, NULL);
    pthread_cond_init(&h->assist_cond, NULL);
    atomic_store(&h->sweepgen, 2);
    h->start_ns = h->last_gc_ns = now(h);
    pacer_init(h);
    rc = host->spawn(host->ctx, GCB_SWEEPER_THREAD, bgsweep_main, h, &h->sweeper);
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot spawn the background sweeper: %s", cfg->name, strerror(rc));
        gc_heap_destroy(h);
        return rc;
    }
    h->have_sweeper = 1;
    if (cfg->mode == MODE_CONCURRENT) {
        rc = cycle_workers_start(h, err, errlen);
        if (rc != 0) {
            gc_heap_destroy(h);
            return rc;
        }
    }
    return 0;
}

void gc_heap_destroy(gc_heap *h)
{
    /* Every mutator has detached.  Stop the sweeper first (it may force a
     * cycle), then let a cycle in progress finish (the workers end it), and
     * only then stop the workers, so that every cycle's events pair. */
    pthread_mutex_lock(&h->bglock);
    atomic_store(&h->quit, 1);
    pthread_cond_broadcast(&h->bgcond);
    pthread_mutex_unlock(&h->bglock);
    if (h->have_sweeper)
        pthread_join(h->sweeper, NULL);
    pthread_mutex_lock(&h->lock);
    while (atomic_load(&h->phase) != GCPH_OFF && h->nworkers > 0)
        pthread_cond_wait(&h->cond, &h->lock);
    pthread_mutex_unlock(&h->lock);
    pthread_mutex_lock(&h->bglock);
    atomic_store(&h->quit_workers, 1);
    pthread_cond_broadcast(&h->workcond);
    pthread_mutex_unlock(&h->bglock);
    pthread_mutex_lock(&h->work.lock);
    pthread_cond_broadcast(&h->work.cond);
    pthread_mutex_unlock(&h->work.lock);
    for (int i = 0; i < h->nworkers; i++)
        pthread_join(h->workers[i], NULL);
    for (unsigned c = 0; c < SC_NCLASSES; c++)
        for (int k = 0; k < 2; k++)
            central_destroy(&h->central[c][k]);
    ph_destroy(&h->ph);
    space_destroy_all(h);
    mark_destroy(&h->work);
    free(h->roots);
    free(h->globals);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->bglock);
    pthread_mutex_destroy(&h->markdone_lock);
    pthread_cond_destroy(&h->bgcond);
    pthread_cond_destroy(&h->workcond);
    pthread_mutex_destroy(&h->assist_lock);
    pthread_cond_destroy(&h->assist_cond);
}

void gc_mutator_init(gc_heap *h, gc_mutator *gm, const gcb_collector *table)
{
    memset(gm, 0, sizeof *gm);
    gcb_mutator *m = &gm->base;
    gm->h = h;
    m->gc = table;
    m->alloc_kind = GCB_ALLOC_FREELIST;
    m->heap_bits = 1;
    m->size_to_class = sc_size_to_class8;
    m->class_size = sc_class_size;
    m->write_barrier = &h->barrier;
    space_mutator_attach(gm);
    pthread_mutex_lock(&h->lock);
    while (h->stw)
        pthread_cond_wait(&h->cond, &h->lock);
    mcache_set_inline(gm);
    gm->state = MST_RUNNING;
    atomic_fetch_add(&h->nrunning, 1);
    gm->next = h->mutators;
    h->mutators = gm;
    h->nmutators++;
    pthread_mutex_unlock(&h->lock);
}

void gc_mutator_fini(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    if (atomic_load(&gm->base.poll_requested))
        world_safepoint(gm);
    mcache_release_all(gm);
    space_mutator_detach(gm);
    pthread_mutex_lock(&h->lock);
    /* its grey objects to the shared list, a ragged barrier answered, and
     * off the list, in one step: no later barrier asks it (h->lock before
     * work.lock) */
    gc_work_dispose(h, &gm->gcw);
    world_flush_answer(gm);
    for (gc_mutator **p = &h->mutators; *p; p = &(*p)->next)
        if (*p == gm) {
            *p = gm->next;
            break;
        }
    h->nmutators--;
    atomic_fetch_sub(&h->nrunning, 1);
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

void gc_stats(gc_heap *h, gcb_heap_stats *out)
{
    gcb_heap_stats s = {0};
    uint64_t outside = space_live_bytes(h);
    s.heap_bytes = atomic_load_explicit(&h->heap_live, memory_order_relaxed) + outside;
    s.mapped_bytes = atomic_load_explicit(&h->ph.mapped_bytes, memory_order_relaxed) + outside;
    s.peak_live_bytes = __atomic_load_n(&h->peak_live, __ATOMIC_RELAXED);
    s.cycles = atomic_load_explicit(&h->cycles, memory_order_relaxed);
    /* Go's heap/unused: in-use pages less heap_alloc_flushed (its heapAlloc),
     * plus the free slots of the modelled runtime's own spans */
    uint64_t inuse = atomic_load_explicit(&h->ph.inuse_bytes, memory_order_relaxed);
    uint64_t flushed = atomic_load_explicit(&h->heap_alloc_flushed, memory_order_relaxed);
    s.unused_bytes = (inuse > flushed ? inuse - flushed : 0) + h->cfg.runtime_unused;
    space_stats(h, &s);
    size_t n = out->size < sizeof s ? out->size : sizeof s;
    s.size = out->size;
    memcpy(out, &s, n);
}
