/* span.c - span bitmaps, sweeping and free-slot poison. */
#include "span.h"

#include <stdio.h>
#include <string.h>

void span_init(span *s, unsigned sizeclass, int noscan)
{
    s->sizeclass = (uint8_t)sizeclass;
    s->noscan = (uint8_t)(noscan != 0);
    s->incache = 0;
    s->allocblack = 0;
    memset(s->freshbits, 0, sizeof s->freshbits);
    s->heapbits = NULL;
    s->largetype = NULL;
    if (sizeclass == 0) {
        s->elemsize = (uint32_t)(s->npages * SC_PAGE_SIZE);
        s->nelems = 1;
    } else {
        size_t bytes = s->npages * SC_PAGE_SIZE;
        s->elemsize = sc_class_size[sizeclass];
        s->divmul = UINT32_MAX / s->elemsize + 1;
        if (!noscan && s->elemsize <= SPAN_HEAPBITS_MAX) {
            bytes -= span_heapbits_bytes(s->npages);
            s->heapbits = (uint64_t *)(s->base + bytes);
        }
        s->nelems = (uint32_t)(bytes / s->elemsize);
    }
    s->nalloc = 0;
    s->large_bytes = 0;
    memset(s->bits, 0, sizeof s->bits);
    s->allocbits = s->bits[0];
    s->markbits = s->bits[1];
    s->verifybits = s->bits[2];
}

uint32_t span_count(const span *s, const uint64_t *bits)
{
    uint32_t n = 0;
    for (size_t w = 0; w < (s->nelems + 63) / 64; w++)
        n += (uint32_t)__builtin_popcountll(__atomic_load_n(&bits[w], __ATOMIC_RELAXED));
    return n;
}

static void fill(char *slot, size_t bytes, int poison)
{
    if (!poison) {
        memset(slot, 0, bytes);
        return;
    }
    uint64_t *w = (uint64_t *)slot;
    for (size_t i = 0; i < bytes / 8; i++)
        w[i] = SPAN_POISON;
}

void span_clear_slots(span *s, int poison)
{
    size_t used = (size_t)s->nelems * s->elemsize;
    if (poison)
        fill(s->base, used, 1);
    else
        memset(s->base, 0, used);
}

uint32_t span_sweep(span *s, int poison)
{
    uint32_t freed = 0;
    if (span_count(s, s->markbits) == 0) {
        /* Nothing survived: the caller returns the pages to the page heap,
         * which marks them needzero, so the slots need no clearing. */
        freed = s->nalloc;
        uint64_t *old = s->allocbits;
        s->allocbits = s->markbits;
        s->markbits = old;
        memset(s->markbits, 0, SPAN_BITWORDS * sizeof(uint64_t));
        s->nalloc = 0;
        return freed;
    }
    for (size_t w = 0; w < (s->nelems + 63) / 64; w++) {
        uint64_t dead = s->allocbits[w] & ~s->markbits[w];
        while (dead) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(dead);
            dead &= dead - 1;
            fill(span_slot(s, i), s->elemsize, poison);
            freed++;
        }
    }
    uint64_t *old = s->allocbits;
    s->allocbits = s->markbits;
    s->markbits = old;
    memset(s->markbits, 0, SPAN_BITWORDS * sizeof(uint64_t));
    s->nalloc = span_count(s, s->allocbits);
    return freed;
}

size_t span_check_poison(const span *s, const char *slot)
{
    const uint64_t *w = (const uint64_t *)slot;
    for (size_t i = 1; i < s->elemsize / 8; i++)
        if (w[i] != SPAN_POISON)
            return i;
    return 0;
}

int span_is_valid(const span *s, char *err, size_t errlen)
{
    if (s->state != SPAN_INUSE) {
        snprintf(err, errlen, "span %p: state %u, want in use", (void *)s, s->state);
        return -1;
    }
    if (((uintptr_t)s->base & (SC_PAGE_SIZE - 1)) != 0 || s->npages == 0) {
        snprintf(err, errlen, "span %p: base %p / %zu pages misaligned", (void *)s,
                 (void *)s->base, s->npages);
        return -1;
    }
    if (s->sizeclass >= SC_NCLASSES ||
        (s->sizeclass != 0 && (s->npages != sc_class_pages[s->sizeclass] ||
                               s->elemsize != sc_class_size[s->sizeclass]))) {
        snprintf(err, errlen, "span %p: class %u with %zu pages, elemsize %u disagrees with Go's table",
                 (void *)s, s->sizeclass, s->npages, s->elemsize);
        return -1;
    }
    size_t room = s->npages * SC_PAGE_SIZE - (s->heapbits ? span_heapbits_bytes(s->npages) : 0);
    if ((s->heapbits != NULL) !=
        (s->sizeclass != 0 && !s->noscan && s->elemsize <= SPAN_HEAPBITS_MAX)) {
        snprintf(err, errlen, "span %p: class %u noscan %u has%s heap bits", (void *)s,
                 s->sizeclass, s->noscan, s->heapbits ? "" : " no");
        return -1;
    }
    if ((size_t)s->nelems * s->elemsize > room || s->nelems > SPAN_MAX_ELEMS) {
        snprintf(err, errlen, "span %p: %u slots of %u B overflow %zu pages", (void *)s,
                 s->nelems, s->elemsize, s->npages);
        return -1;
    }
    for (size_t i = s->nelems; i < SPAN_BITWORDS * 64; i++)
        if (span_bit(s->allocbits, i) || span_bit(s->markbits, i)) {
            snprintf(err, errlen, "span %p: bit %zu set beyond %u slots", (void *)s, i, s->nelems);
            return -1;
        }
    if (!s->incache && s->nalloc != span_count(s, s->allocbits)) {
        snprintf(err, errlen, "span %p: nalloc %u but %u alloc bits", (void *)s, s->nalloc,
                 span_count(s, s->allocbits));
        return -1;
    }
    return 0;
}
