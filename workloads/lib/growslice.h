/* growslice.h - Go's append growth for any element size.
 *
 * growslice_cap(oldcap, needed, elemsize) is the capacity, in elements, of
 * the backing array append() allocates when a slice of capacity `oldcap`
 * must hold `needed` (> oldcap) elements of `elemsize` bytes: Go 1.20+
 * nextslicecap (double below 256 elements, then grow by (cap + 768) / 4
 * until it fits) followed by roundupsize on the byte size, the extra bytes
 * of the size class becoming extra capacity.  builder_grow (builder.h) is
 * the elemsize = 1 case.
 */
#ifndef GCB_WORKLOADS_GROWSLICE_H
#define GCB_WORKLOADS_GROWSLICE_H

#include <stddef.h>

#include "sizeclass.h"

/* Go's nextslicecap: capacity in elements before size-class rounding. */
static inline size_t growslice_next(size_t oldcap, size_t needed)
{
    size_t newcap = oldcap;
    size_t doublecap = newcap + newcap;
    if (needed > doublecap)
        return needed;
    if (oldcap < 256)
        return doublecap;
    while (newcap < needed)
        newcap += (newcap + 3 * 256) / 4;
    return newcap;
}

/* Capacity in elements after growth; the allocation is that times elemsize. */
static inline size_t growslice_cap(size_t oldcap, size_t needed, size_t elemsize)
{
    size_t bytes = sc_roundupsize(growslice_next(oldcap, needed) * elemsize);
    return bytes / elemsize;
}

#endif
