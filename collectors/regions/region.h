/* region.h - Go's memory regions (#70257) over the Go-like heap (the
 * regions plugin): the region space and the methods the plugin's table
 * calls.  space.c explains the mechanics and the invariants; every
 * function but region_space_init runs on the calling mutator's thread.
 */
#ifndef GCB_REGIONS_REGION_H
#define GCB_REGIONS_REGION_H

#include "gc.h"

/* Reserve `reserve` bytes for region blocks of `block` bytes (a power of
 * two, at least 4 KiB); allocations of at most `cutoff` bytes inside a
 * region are region objects.  Registers the region space with h (in
 * heap_new, before any mutator attaches).  0, or an errno value with a
 * message in err. */
int region_space_init(gc_heap *h, size_t block, size_t cutoff, size_t reserve, char *err,
                      size_t errlen);

/* region.Do(fn): fn(m, arg) runs inside a new region of gm's thread. */
void region_do(gc_mutator *gm, void (*fn)(gcb_mutator *, void *), void *arg);

/* The allocation slow path: from the innermost region when gm is inside
 * one and bytes <= cutoff, else mallocgc. */
void *region_alloc(gc_mutator *gm, const gcb_type *t, size_t bytes);

/* gcb_store's slow path: the region barrier (fade), then the GC's hybrid
 * barrier when it is on, then the store. */
void region_write_barrier(gcb_mutator *m, void *obj, void **slot, void *val);

#endif
