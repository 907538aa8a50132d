/* span.h - a run of pages holding objects of one size class (Go's mspan).
 *
 * A small span (sizeclass 1..67) holds nelems slots of elemsize bytes; a
 * large span (sizeclass 0) holds one object of up to npages pages.  Each
 * span has two bitmaps, Go's allocBits and gcmarkBits: `allocbits` says
 * which slots were allocated (or owned by a mutator's free list) as of the
 * last sweep, `markbits` which slots the current cycle marked.  Sweeping
 * frees allocated-but-unmarked slots and swaps the two (the mark bits become
 * the alloc bits; the old alloc bits are cleared and reused as mark bits).
 *
 * Invariant of free slots (what the allocator's callers rely on): every
 * word of a free slot except word 0 is zero (or, with poisoning on, holds
 * SPAN_POISON); word 0 is free-list link space.  One exception: in a
 * noscan span, a slot freed explicitly (collectors/freetracked/free.c) keeps its
 * old bytes; nothing scans noscan slots and allocation clears the bytes
 * it hands out.
 *
 * Heap bits (Go 1.22+'s heapBitsInSpan): a small scan span of elemsize <=
 * SPAN_HEAPBITS_MAX keeps one bit per word of its slots (1: the word holds
 * a pointer) in the last npages * SC_PAGE_SIZE / 64 bytes of its own
 * pages, reserved before nelems is computed.  The bits of a slot are
 * written, for the whole elemsize, when the slot is handed out (never by
 * span_init or sweeping: a free slot's bits are garbage), by the one
 * thread that caches the span; markers read them with relaxed loads.
 * Larger small scan slots start with a header word holding their
 * gcb_type *; a large scan span holds its object's type in largetype.
 *
 * `sweepgen` follows Go: with the heap's sweep generation sg, a span is
 * unswept when sweepgen == sg - 2, being swept at sg - 1, swept at sg.
 * Mark bits are set with atomic OR from any marking thread; everything
 * else is owned by whoever holds the span (a list lock, a mutator cache, or
 * the sweeper that popped it).
 */
#ifndef GCB_SPAN_H
#define GCB_SPAN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sizeclass.h"

#define SPAN_MAX_ELEMS (SC_PAGE_SIZE / 8)   /* class 1: 1024 slots of 8 B */
#define SPAN_BITWORDS (SPAN_MAX_ELEMS / 64)
#define SPAN_POISON 0xdeadbeefdeadbeefULL
/* bytes: the largest slot whose pointer bits live in the span (Go's
 * minSizeForMallocHeader); scan slots above it carry a one-word header. */
#define SPAN_HEAPBITS_MAX 512

enum { SPAN_DEAD = 0, SPAN_FREE = 1, SPAN_INUSE = 2 };

typedef struct span span;
struct span {
    char *base;           /* first byte; page aligned */
    size_t npages;        /* 8 KiB pages */
    span *next;           /* link in a free-run list or a central list */
    span *prev;           /* free-run lists only */
    uint8_t state;        /* SPAN_* */
    uint8_t sizeclass;    /* 0 = large */
    uint8_t noscan;       /* 1: pointer-free objects, never scanned */
    uint8_t needzero;     /* INUSE, as ph_alloc returns it: pages may hold old data */
    uint8_t incache;      /* INUSE: owned by a mutator cache */
    uint8_t allocblack;   /* cached during mark: freshbits holds the slots
                             handed to the cache, marked when it is released */
    uint32_t elemsize;    /* bytes per slot (large: npages * page) */
    uint32_t divmul;      /* small: Go's divMul, 2^32 / elemsize rounded up, so that
                             offset / elemsize == offset * divmul >> 32 within a span */
    uint32_t nelems;      /* slots */
    uint32_t nalloc;      /* slots set in allocbits */
    uint32_t nalloc_cached; /* nalloc when the span last entered a cache (Go's
                               allocCountBeforeCache) */
    size_t large_bytes;   /* large: bytes in use; scanned range */
    const struct gcb_type *largetype; /* large scan span: its object's type (Go's largeType),
                                         set before the object is published */
    uint64_t *heapbits;   /* small scan span, elemsize <= SPAN_HEAPBITS_MAX: its pointer
                             bits, 1 per word from base, at the span's tail; else NULL */
    _Atomic uint32_t sweepgen; /* see above */
    uint64_t *allocbits;  /* nelems bits; points into bits[] */
    uint64_t *markbits;   /* nelems bits; points into bits[] */
    uint64_t *verifybits; /* verify walk's visited bits */
    uint64_t freshbits[SPAN_BITWORDS]; /* see allocblack; owner only */
    uint64_t bits[3][SPAN_BITWORDS];
};

/* Make s (INUSE, base/npages set) a span of `sizeclass` (0: one large object). */
void span_init(span *s, unsigned sizeclass, int noscan);

/* Slot index of an address inside s. */
static inline size_t span_index(const span *s, const void *p)
{
    if (s->sizeclass == 0)
        return 0;
    return (size_t)(((uint64_t)((const char *)p - s->base) * s->divmul) >> 32);
}

static inline char *span_slot(const span *s, size_t i) { return s->base + i * (size_t)s->elemsize; }

/* Bytes reserved at the tail of a small span for its heap bits. */
static inline size_t span_heapbits_bytes(size_t npages) { return npages * SC_PAGE_SIZE / 64; }

static inline int span_bit(const uint64_t *bits, size_t i)
{
    return (int)((__atomic_load_n(&bits[i >> 6], __ATOMIC_RELAXED) >> (i & 63)) & 1);
}

/* Set bit i atomically; 1 if this call set it. */
static inline int span_set_bit(uint64_t *bits, size_t i)
{
    uint64_t b = (uint64_t)1 << (i & 63);
    if (__atomic_load_n(&bits[i >> 6], __ATOMIC_RELAXED) & b)
        return 0;
    return !(__atomic_fetch_or(&bits[i >> 6], b, __ATOMIC_RELAXED) & b);
}

static inline void span_clear_bit(uint64_t *bits, size_t i)
{
    __atomic_fetch_and(&bits[i >> 6], ~((uint64_t)1 << (i & 63)), __ATOMIC_RELAXED);
}

/* Slots set in bits. */
uint32_t span_count(const span *s, const uint64_t *bits);

/* Fill every slot of a fresh small span with the free-slot pattern: zero,
 * or SPAN_POISON words when `poison`. */
void span_clear_slots(span *s, int poison);

/* Sweep a small span: every allocated, unmarked slot is freed (zeroed, or
 * poisoned), then the mark bits become the alloc bits and the mark bits are
 * cleared.  Returns the number of slots freed; s->nalloc is updated.  When
 * nothing is marked the slots are left as they are: the caller must then
 * return the span to the page heap (whose needzero covers them). */
uint32_t span_sweep(span *s, int poison);

/* Check that a free slot still holds the free pattern (word 0 excepted);
 * returns the index of the first bad word, or 0 when intact. */
size_t span_check_poison(const span *s, const char *slot);

/* Check the span's invariants; 0 when they hold, else a message in err. */
int span_is_valid(const span *s, char *err, size_t errlen);

#endif
