/* space.c - the core's side of the space contract (space.h): registration
 * and one loop per method over the heap's spaces.  h->spaces is written
 * only before any mutator attaches, so every loop reads it without a lock.
 */
#include <errno.h>
#include <stdio.h>

#include "gc.h"

int gc_space_register(gc_heap *h, gc_space *s, char *err, size_t errlen)
{
    if (h->nspaces == GC_SPACES_MAX) {
        snprintf(err, errlen, "%s: cannot register space %s: a heap holds at most %d spaces",
                 h->cfg.name, s->ops->name, GC_SPACES_MAX);
        return EINVAL;
    }
    s->index = h->nspaces;
    h->spaces[h->nspaces++] = s;
    return 0;
}

gc_space *gc_space_find(gc_heap *h, const gc_space_ops *ops)
{
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops == ops)
            return h->spaces[i];
    return NULL;
}

int space_mark_start(gc_heap *h)
{
    int jobs = 0;
    for (unsigned i = 0; i < h->nspaces; i++) {
        if (h->spaces[i]->ops->mark_start)
            h->spaces[i]->ops->mark_start(h->spaces[i], h);
        jobs |= h->spaces[i]->ops->mark_job != NULL;
    }
    return jobs;
}

int space_mark_job(gc_heap *h, void (*fn)(gc_heap *, void *, void *), void *arg, uint64_t *work)
{
    for (unsigned i = 0; i < h->nspaces; i++) {
        const gc_space_ops *o = h->spaces[i]->ops;
        if (o->mark_job && o->mark_job(h->spaces[i], h, fn, arg, work))
            return 1;
    }
    return 0;
}

int space_visit(gc_heap *h, const void *p)
{
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->visit && h->spaces[i]->ops->visit(h->spaces[i], h, p))
            return 1;
    return 0;
}

void space_mark_done(gc_heap *h)
{
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->mark_done)
            h->spaces[i]->ops->mark_done(h->spaces[i], h);
}

void space_mark_terminated(gc_heap *h)
{
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->mark_terminated)
            h->spaces[i]->ops->mark_terminated(h->spaces[i], h);
}

int space_contains(gc_heap *h, const void *p)
{
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->contains && h->spaces[i]->ops->contains(h->spaces[i], p))
            return 1;
    return 0;
}

void space_roots(gc_heap *h, void (*fn)(gc_heap *, void *, void *), void *arg)
{
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->roots)
            h->spaces[i]->ops->roots(h->spaces[i], h, fn, arg);
}

uint64_t space_live_bytes(gc_heap *h)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->live_bytes)
            n += h->spaces[i]->ops->live_bytes(h->spaces[i]);
    return n;
}

void space_stats(gc_heap *h, gcb_heap_stats *out)
{
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->stats)
            h->spaces[i]->ops->stats(h->spaces[i], out);
}

void space_span_release(gc_mutator *gm, span *sp, gcb_freeobj **freelist)
{
    gc_heap *h = gm->h;
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->span_release)
            h->spaces[i]->ops->span_release(h->spaces[i], gm, sp, freelist);
}

void space_mutator_attach(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->mutator_attach)
            h->spaces[i]->ops->mutator_attach(h->spaces[i], gm);
}

void space_mutator_detach(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    for (unsigned i = 0; i < h->nspaces; i++)
        if (h->spaces[i]->ops->mutator_detach)
            h->spaces[i]->ops->mutator_detach(h->spaces[i], gm);
}

void space_destroy_all(gc_heap *h)
{
    while (h->nspaces > 0) {
        gc_space *s = h->spaces[--h->nspaces];
        h->spaces[h->nspaces] = NULL;
        if (s->ops->destroy)
            s->ops->destroy(s, h);
    }
}
