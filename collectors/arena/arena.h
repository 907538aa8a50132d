/* arena.h - Go's arenas over the Go-like heap (the arena plugin): the
 * arena space and the hints the plugin's table calls.  space.c explains
 * the mechanics; every function but arena_space_init and arena_describe
 * runs on the calling mutator's thread.
 */
#ifndef GCB_ARENA_ARENA_H
#define GCB_ARENA_ARENA_H

#include "gc.h"

/* Reserve `reserve` bytes for chunks of `chunk` bytes and register the
 * arena space with h (in heap_new, before any mutator attaches).  0, or
 * an errno value with a message in err. */
int arena_space_init(gc_heap *h, size_t chunk, size_t reserve, char *err, size_t errlen);

gcb_arena *arena_new(gc_mutator *gm);
void *arena_alloc(gc_mutator *gm, gcb_arena *x, const gcb_type *t, size_t bytes);
void arena_free(gc_mutator *gm, gcb_arena *x);
void *arena_clone(gc_mutator *gm, const gcb_type *t, const void *p, size_t bytes);

/* Async-signal-safe (the child's fault handler calls it): 1 and a message
 * in buf when addr is in the arena reservation, else 0. */
int arena_describe(gc_heap *h, const void *addr, char *buf, size_t len);

#endif
