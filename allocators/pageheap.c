/* pageheap.c - page runs: reservation, arenas, free lists, coalescing,
 * scavenging. */
#define _GNU_SOURCE
#include "pageheap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE SC_PAGE_SIZE

int ph_init(page_heap *ph, size_t reserve, size_t arena_bytes)
{
    memset(ph, 0, sizeof *ph);
    reserve = (reserve + PAGE - 1) & ~(PAGE - 1);
    arena_bytes = (arena_bytes + PAGE - 1) & ~(PAGE - 1);
    if (reserve == 0 || arena_bytes == 0)
        return EINVAL;
    void *b = mmap(NULL, reserve + PAGE, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (b == MAP_FAILED)
        return errno;
    uintptr_t a = ((uintptr_t)b + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    size_t maplen = reserve / PAGE * sizeof(span *);
    void *pm = mmap(NULL, maplen, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (pm == MAP_FAILED) {
        int e = errno;
        munmap(b, reserve + PAGE);
        return e;
    }
    void *ps = mmap(NULL, reserve / PAGE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ps == MAP_FAILED) {
        int e = errno;
        munmap(pm, maplen);
        munmap(b, reserve + PAGE);
        return e;
    }
    ph->base = (char *)a;
    ph->reserve = reserve;
    ph->arena_bytes = arena_bytes;
    ph->page_map = pm;
    ph->pstate = ps;
    pthread_mutex_init(&ph->lock, NULL);
    return 0;
}

void ph_destroy(page_heap *ph)
{
    /* Span structs live in the page map's spans and the pool; collect the
     * distinct ones by walking the committed pages. */
    size_t npages = ph->committed / PAGE;
    for (size_t i = 0; i < npages;) {
        span *s = ph->page_map[i];
        if (s != NULL && s->base == ph->base + i * PAGE) {
            i += s->npages;
            free(s);
        } else {
            i++;
        }
    }
    span *s = ph->pool;
    while (s != NULL) {
        span *n = s->next;
        free(s);
        s = n;
    }
    /* the reservation was rounded up by at most one page */
    munmap(ph->base, ph->reserve);
    munmap(ph->page_map, ph->reserve / PAGE * sizeof(span *));
    munmap(ph->pstate, ph->reserve / PAGE);
    pthread_mutex_destroy(&ph->lock);
}

static span *newspan(page_heap *ph)
{
    span *s = ph->pool;
    if (s != NULL) {
        ph->pool = s->next;
        memset(s, 0, sizeof *s);
        return s;
    }
    return calloc(1, sizeof *s);
}

static size_t pageof(page_heap *ph, const char *p) { return (size_t)(p - ph->base) / PAGE; }

static void setmap(page_heap *ph, span *s, int all)
{
    size_t first = pageof(ph, s->base);
    if (all) {
        for (size_t i = 0; i < s->npages; i++)
            __atomic_store_n(&ph->page_map[first + i], s, __ATOMIC_RELEASE);
    } else {
        __atomic_store_n(&ph->page_map[first], s, __ATOMIC_RELEASE);
        __atomic_store_n(&ph->page_map[first + s->npages - 1], s, __ATOMIC_RELEASE);
    }
}

static unsigned listof(size_t npages) { return npages < PH_NLISTS ? (unsigned)npages : 0; }

static void link(page_heap *ph, span *s)
{
    unsigned l = listof(s->npages);
    s->prev = NULL;
    s->next = ph->free[l];
    if (s->next)
        s->next->prev = s;
    ph->free[l] = s;
}

static void unlink(page_heap *ph, span *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        ph->free[listof(s->npages)] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

/* Put a run on the free lists, merging free neighbours.  Lock held. */
static void insertfree(page_heap *ph, span *s)
{
    size_t first = pageof(ph, s->base);
    s->state = SPAN_FREE;
    if (first > 0) {
        span *l = ph->page_map[first - 1];
        if (l != NULL && l->state == SPAN_FREE) {
            unlink(ph, l);
            l->npages += s->npages;
            s->state = SPAN_DEAD;
            s->next = ph->pool;
            ph->pool = s;
            s = l;
        }
    }
    size_t end = pageof(ph, s->base) + s->npages;
    if (end < ph->committed / PAGE) {
        span *r = ph->page_map[end];
        if (r != NULL && r->state == SPAN_FREE) {
            unlink(ph, r);
            s->npages += r->npages;
            r->state = SPAN_DEAD;
            r->next = ph->pool;
            ph->pool = r;
        }
    }
    setmap(ph, s, 0);
    link(ph, s);
}

/* Commit one more arena (at least npages) as a free run.  Lock held. */
static int grow(page_heap *ph, size_t npages)
{
    size_t bytes = ph->arena_bytes;
    if (bytes < npages * PAGE)
        bytes = (npages * PAGE + ph->arena_bytes - 1) / ph->arena_bytes * ph->arena_bytes;
    if (ph->committed + bytes > ph->reserve)
        bytes = ph->reserve - ph->committed;
    if (bytes < npages * PAGE)
        return ENOMEM;
    char *p = ph->base + ph->committed;
    if (mprotect(p, bytes, PROT_READ | PROT_WRITE) != 0)
        return errno;
    span *s = newspan(ph);
    if (s == NULL)
        return ENOMEM;
    s->base = p;
    s->npages = bytes / PAGE;
    /* fresh: costs no RSS yet and reads as zero */
    memset(ph->pstate + pageof(ph, p), PH_RELEASED, bytes / PAGE);
    /* lock-free readers (ph_lookup) see the new pages only once mapped */
    __atomic_store_n(&ph->committed, ph->committed + bytes, __ATOMIC_RELEASE);
    atomic_fetch_add(&ph->mapped_bytes, bytes);
    atomic_fetch_add(&ph->free_bytes, bytes);
    atomic_fetch_add(&ph->scavenged_bytes, bytes);
    insertfree(ph, s);
    return 0;
}

static span *find(page_heap *ph, size_t npages)
{
    for (size_t l = npages; l < PH_NLISTS; l++)
        if (ph->free[l] != NULL)
            return ph->free[l];
    span *best = NULL;
    for (span *s = ph->free[0]; s != NULL; s = s->next)
        if (s->npages >= npages && (best == NULL || s->base < best->base))
            best = s;
    return best;
}

span *ph_alloc(page_heap *ph, size_t npages)
{
    pthread_mutex_lock(&ph->lock);
    span *s = find(ph, npages);
    if (s == NULL) {
        if (grow(ph, npages) != 0) {
            pthread_mutex_unlock(&ph->lock);
            return NULL;
        }
        s = find(ph, npages);
    }
    unlink(ph, s);
    if (s->npages > npages) {
        span *rest = newspan(ph);
        if (rest == NULL) {
            link(ph, s);
            pthread_mutex_unlock(&ph->lock);
            return NULL;
        }
        rest->base = s->base + npages * PAGE;
        rest->npages = s->npages - npages;
        rest->state = SPAN_FREE;
        s->npages = npages;
        setmap(ph, rest, 0);
        link(ph, rest);
    }
    size_t bytes = npages * PAGE;
    /* the pages' states: released ones leave scavenged_bytes, and the span
     * needs zeroing when any page may hold old data */
    uint8_t *st = ph->pstate + pageof(ph, s->base);
    size_t released = 0;
    s->needzero = 0;
    for (size_t i = 0; i < npages; i++) {
        released += st[i] & PH_RELEASED;
        s->needzero |= (st[i] & PH_DIRTY) != 0;
        st[i] = 0;
    }
    atomic_fetch_sub(&ph->free_bytes, bytes);
    atomic_fetch_sub(&ph->scavenged_bytes, released * PAGE);
    atomic_fetch_add(&ph->inuse_bytes, bytes);
    s->state = SPAN_INUSE;
    setmap(ph, s, 1);
    pthread_mutex_unlock(&ph->lock);
    return s;
}

void ph_free(page_heap *ph, span *s)
{
    pthread_mutex_lock(&ph->lock);
    size_t bytes = s->npages * PAGE;
    atomic_fetch_sub(&ph->inuse_bytes, bytes);
    atomic_fetch_add(&ph->free_bytes, bytes);
    size_t first = pageof(ph, s->base);
    memset(ph->pstate + first, PH_DIRTY, s->npages); /* resident, old data */
    /* interior pages stop mapping to s before it can be recycled */
    for (size_t i = 1; i + 1 < s->npages; i++)
        __atomic_store_n(&ph->page_map[first + i], NULL, __ATOMIC_RELEASE);
    insertfree(ph, s);
    pthread_mutex_unlock(&ph->lock);
}

size_t ph_scavenge(page_heap *ph, size_t retain)
{
    size_t released = 0;
    pthread_mutex_lock(&ph->lock);
    for (unsigned l = 0; l < PH_NLISTS; l++) {
        for (span *s = ph->free[l]; s != NULL; s = s->next) {
            uint64_t resident = atomic_load(&ph->inuse_bytes) + atomic_load(&ph->free_bytes) -
                                atomic_load(&ph->scavenged_bytes);
            if (resident <= retain)
                goto done;
            /* each stretch of the run's pages not yet released */
            uint8_t *st = ph->pstate + pageof(ph, s->base);
            for (size_t i = 0; i < s->npages;) {
                if (st[i] & PH_RELEASED) {
                    i++;
                    continue;
                }
                size_t j = i;
                while (j < s->npages && !(st[j] & PH_RELEASED))
                    j++;
                size_t bytes = (j - i) * PAGE;
                if (madvise(s->base + i * PAGE, bytes, MADV_DONTNEED) == 0) {
                    memset(st + i, PH_RELEASED, j - i);
                    atomic_fetch_add(&ph->scavenged_bytes, bytes);
                    atomic_fetch_add(&ph->released_total, bytes);
                    released += bytes;
                }
                i = j;
            }
        }
    }
done:
    pthread_mutex_unlock(&ph->lock);
    return released;
}

int ph_is_valid(page_heap *ph, char *err, size_t errlen)
{
    pthread_mutex_lock(&ph->lock);
    size_t npages = ph->committed / PAGE, inuse = 0, freeb = 0, scav = 0;
    int rc = 0;
    int prevfree = 0;
    for (size_t i = 0; i < npages;) {
        span *s = ph->page_map[i];
        if (s == NULL || s->base != ph->base + i * PAGE || s->npages == 0 ||
            i + s->npages > npages) {
            snprintf(err, errlen, "page heap: page %zu does not start a run", i);
            rc = -1;
            break;
        }
        if (s->state == SPAN_FREE) {
            if (prevfree) {
                snprintf(err, errlen, "page heap: free run at page %zu not coalesced with its left neighbour", i);
                rc = -1;
                break;
            }
            if (ph->page_map[i + s->npages - 1] != s) {
                snprintf(err, errlen, "page heap: free run at page %zu: last page unmapped", i);
                rc = -1;
                break;
            }
            freeb += s->npages * PAGE;
            for (size_t k = 0; k < s->npages; k++)
                if (ph->pstate[i + k] & PH_RELEASED)
                    scav += PAGE;
            prevfree = 1;
        } else if (s->state == SPAN_INUSE) {
            for (size_t k = 0; k < s->npages; k++) {
                if (ph->page_map[i + k] != s) {
                    snprintf(err, errlen, "page heap: span at page %zu: page %zu maps elsewhere", i, i + k);
                    rc = -1;
                    goto out;
                }
                if (ph->pstate[i + k] != 0) {
                    snprintf(err, errlen, "page heap: span at page %zu: in-use page %zu has free state %u",
                             i, i + k, ph->pstate[i + k]);
                    rc = -1;
                    goto out;
                }
            }
            inuse += s->npages * PAGE;
            prevfree = 0;
        } else {
            snprintf(err, errlen, "page heap: dead span at page %zu", i);
            rc = -1;
            break;
        }
        i += s->npages;
    }
    if (rc == 0 && (inuse != atomic_load(&ph->inuse_bytes) || freeb != atomic_load(&ph->free_bytes) ||
                    scav != atomic_load(&ph->scavenged_bytes))) {
        snprintf(err, errlen, "page heap: counters in use %llu free %llu scavenged %llu, pages say %zu %zu %zu",
                 (unsigned long long)atomic_load(&ph->inuse_bytes),
                 (unsigned long long)atomic_load(&ph->free_bytes),
                 (unsigned long long)atomic_load(&ph->scavenged_bytes), inuse, freeb, scav);
        rc = -1;
    }
out:
    pthread_mutex_unlock(&ph->lock);
    return rc;
}
