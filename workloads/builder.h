/* builder.h - pieces of the builder workload that tests check directly. */
#ifndef GCB_WORKLOADS_BUILDER_H
#define GCB_WORKLOADS_BUILDER_H

#include <stddef.h>
#include <stdint.h>

/* Capacity in bytes of a []byte of capacity `oldcap` after append() needs
 * `needed` bytes (> oldcap): Go 1.20+ growslice (nextslicecap) followed by
 * size-class rounding (roundupsize), for 1-byte elements. */
size_t builder_grow(size_t oldcap, size_t needed);

/* Checksum of n bytes; what a builder op's result is validated with.  A
 * change of any single byte changes it. */
uint64_t builder_checksum(const void *p, size_t n);

#endif
