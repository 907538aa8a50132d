/* sizeclass.h - Go's small-object size classes.
 *
 * The same table as Go's runtime (runtime/sizeclasses.go, Go 1.21+):
 * class 0 means "large object" (> 32 KiB, allocated as whole pages); classes
 * 1..67 hold objects of class_size[c] bytes in spans of class_pages[c]
 * 8 KiB pages.  Requests round up to the smallest class that fits.
 */
#ifndef GCB_SIZECLASS_H
#define GCB_SIZECLASS_H

#include <stddef.h>
#include <stdint.h>

#define SC_PAGE_SHIFT 13
#define SC_PAGE_SIZE ((size_t)1 << SC_PAGE_SHIFT) /* bytes: Go's _PageSize */
#define SC_NCLASSES 68                            /* classes 0..67; 0 = large */
#define SC_MAX_SMALL 32768                        /* bytes: largest small object */
#define SC_SMALL_SIZE_MAX 1024                    /* bytes: table step 8 up to here */
#define SC_SMALL_SIZE_DIV 8
#define SC_LARGE_SIZE_DIV 128

extern const uint32_t sc_class_size[SC_NCLASSES];   /* bytes per object */
extern const uint8_t sc_class_pages[SC_NCLASSES];   /* pages per span */
/* class of n bytes, n <= 1024: sc_size_to_class8[(n + 7) / 8] */
extern const uint8_t sc_size_to_class8[SC_SMALL_SIZE_MAX / SC_SMALL_SIZE_DIV + 1];
/* class of 1024 < n <= 32768: sc_size_to_class128[(n - 1024 + 127) / 128] */
extern const uint8_t sc_size_to_class128[(SC_MAX_SMALL - SC_SMALL_SIZE_MAX) / SC_LARGE_SIZE_DIV + 1];

/* Size class of a request of n bytes (1 <= n <= 32768); 0 for larger. */
static inline unsigned sc_class_of(size_t n)
{
    if (n <= SC_SMALL_SIZE_MAX)
        return sc_size_to_class8[(n + SC_SMALL_SIZE_DIV - 1) / SC_SMALL_SIZE_DIV];
    if (n <= SC_MAX_SMALL)
        return sc_size_to_class128[(n - SC_SMALL_SIZE_MAX + SC_LARGE_SIZE_DIV - 1) /
                                   SC_LARGE_SIZE_DIV];
    return 0;
}

/* Go's roundupsize: the bytes the runtime actually hands out for n. */
static inline size_t sc_roundupsize(size_t n)
{
    if (n <= SC_MAX_SMALL) {
        unsigned c = sc_class_of(n);
        return c ? sc_class_size[c] : n;
    }
    return (n + SC_PAGE_SIZE - 1) & ~(SC_PAGE_SIZE - 1);
}

/* Check the table's invariants (monotone, lookups consistent); 0 if valid. */
int sc_is_valid(void);

#endif
