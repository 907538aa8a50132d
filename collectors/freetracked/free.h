/* free.h - runtime.freegc and freegcTracked over the Go-like heap (the
 * freetracked plugin).  free.c says when a hint is acted on and why that
 * is safe; all of these run on the mutator's own thread.
 */
#ifndef GCB_FREETRACKED_FREE_H
#define GCB_FREETRACKED_FREE_H

#include "gc.h"

/* Register the freetracked space with h (in heap_new, before any mutator
 * attaches).  0, or an errno value with a message in err. */
int free_space_init(gc_heap *h, char *err, size_t errlen);

void free_sized(gc_mutator *gm, void *p, size_t bytes);
void free_scope_enter(gc_mutator *gm);
void free_scope_exit(gc_mutator *gm);
void *free_alloc_tracked(gc_mutator *gm, const gcb_type *t, size_t bytes);

#endif
