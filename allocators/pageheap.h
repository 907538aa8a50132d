/* pageheap.h - Go's mheap: runs of 8 KiB pages for spans and large objects.
 *
 * One contiguous reservation of address space (PROT_NONE, `reserve` bytes)
 * is committed in arenas of `arena_bytes` as the heap grows, so an address
 * maps to its span through one flat page table (`page_map`, one span * per
 * page of the reservation, itself lazily backed by the kernel).  Free page
 * runs are spans in state SPAN_FREE, kept on lists by length (free[n] for
 * n < PH_NLISTS pages, free[0] for longer runs, first fit); a freed run
 * coalesces with free neighbours found through page_map (the first and
 * last page of every free run map to it).  The scavenger returns free runs
 * to the OS with madvise(MADV_DONTNEED); such pages read back as zero.
 * Whether a free page was returned, or may hold old data, is kept per page
 * (`pstate`), as Go's page allocator keeps its scavenged bitmap, so runs
 * merge whatever their pages' states: a freed span next to a released run
 * leaves the run released (Go's heapFree counts only the unreleased free
 * pages; a run-wide flag counted the whole merged run as resident).
 *
 * Locking: `lock` guards everything but page_map reads for in-use spans,
 * which are lock free (an in-use span's entries do not change while it is
 * in use).  Byte counters are atomics readable from any thread.
 */
#ifndef GCB_PAGEHEAP_H
#define GCB_PAGEHEAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "span.h"

#define PH_NLISTS 128
#define PH_RELEASED 1 /* free page returned to the OS (reads as zero) */
#define PH_DIRTY 2    /* free page that may hold old data */

typedef struct page_heap {
    pthread_mutex_t lock;
    char *base;              /* start of the reservation; page aligned */
    size_t reserve;          /* bytes reserved */
    size_t committed;        /* bytes of the reservation in arenas so far; grows
                                under lock, read lock free with __atomic loads */
    size_t arena_bytes;      /* bytes committed at a time */
    span **page_map;         /* reserve / page entries */
    uint8_t *pstate;         /* reserve / page entries: PH_RELEASED, PH_DIRTY (free
                                pages only; 0 for pages in use); under lock */
    span *free[PH_NLISTS];   /* free runs: free[n] of n pages, free[0] longer */
    span *pool;              /* recycled span structs (SPAN_DEAD) */
    _Atomic uint64_t mapped_bytes;    /* committed arenas */
    _Atomic uint64_t inuse_bytes;     /* pages in in-use spans */
    _Atomic uint64_t free_bytes;      /* pages in free runs, scavenged or not */
    _Atomic uint64_t scavenged_bytes; /* free pages returned to the OS */
    _Atomic uint64_t released_total;  /* bytes ever released by the scavenger */
} page_heap;

/* 0 or an errno value.  reserve and arena_bytes are rounded to pages. */
int ph_init(page_heap *ph, size_t reserve, size_t arena_bytes);
void ph_destroy(page_heap *ph);

/* An in-use span of npages, or NULL when the reservation is exhausted.
 * s->needzero says whether its pages may hold old data. */
span *ph_alloc(page_heap *ph, size_t npages);

/* Return an in-use span's pages; s is recycled. */
void ph_free(page_heap *ph, span *s);

/* The in-use span holding p, or NULL when p is outside every in-use span. */
static inline span *ph_lookup(page_heap *ph, const void *p)
{
    uintptr_t off = (uintptr_t)p - (uintptr_t)ph->base;
    if (off >= __atomic_load_n(&ph->committed, __ATOMIC_ACQUIRE))
        return NULL;
    span *s = __atomic_load_n(&ph->page_map[off >> SC_PAGE_SHIFT], __ATOMIC_ACQUIRE);
    if (s == NULL || __atomic_load_n(&s->state, __ATOMIC_RELAXED) != SPAN_INUSE)
        return NULL;
    return s;
}

/* Release free, unscavenged runs (largest addresses first is not needed:
 * any order) until inuse + free-unscavenged <= retain bytes.  Returns the
 * bytes released. */
size_t ph_scavenge(page_heap *ph, size_t retain);

/* Check lists, page map and counters; 0 when they hold, else a message. */
int ph_is_valid(page_heap *ph, char *err, size_t errlen);

#endif
