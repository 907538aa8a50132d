/* pool.c - sync.Pool for workloads (include/gcb/pool.h).
 *
 * Per thread: a private slot (owner only) and a shared stack of up to
 * POOL_SHARED objects (under the thread's lock; other threads steal from
 * it), each with a victim copy.  `seen` / `shared_seen` record the cycle
 * epoch the slots were last aged to; aging by one epoch moves primary to
 * victim and drops the old victim, by two or more drops both.
 *
 * Concurrency: the epoch is bumped by the harness from any thread
 * (relaxed: an aging decision one cycle late is still sync.Pool's
 * contract, which promises nothing about when objects go).  Root slots
 * are plain pointer variables written by mutator threads, the same as a
 * frame's slots: the collector reads them at its pauses.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gcb/pool.h"

#define POOL_SHARED 1024 /* objects per thread's shared list (Go's is unbounded) */

typedef struct entry_list {
    void *obj[POOL_SHARED];        /* root slots; [0, n) in use */
    size_t bytes[POOL_SHARED];
    size_t n;
} entry_list;

typedef struct pool_local {
    void *priv, *vpriv;            /* root slots; owner only */
    size_t priv_bytes, vpriv_bytes;
    uint64_t seen;                 /* owner only */
    pthread_mutex_t lock;          /* shared, vshared, shared_seen */
    entry_list shared, vshared;
    uint64_t shared_seen;
} pool_local;

struct gcb_pool {
    int nthreads;
    pool_local *local;             /* nthreads entries */
};

static _Atomic uint64_t epoch;     /* GC cycles begun in this process */
static _Atomic uint64_t n_pools, n_gets, n_hits, n_victims, n_puts, n_drops;

void gcb_pool_gc_cycle(void) { atomic_fetch_add_explicit(&epoch, 1, memory_order_relaxed); }

static void count(_Atomic uint64_t *c, uint64_t n) { atomic_fetch_add_explicit(c, n, memory_order_relaxed); }

void gcb_pool_stats_read(gcb_pool_stats *out)
{
    out->pools = atomic_load(&n_pools);
    out->gets = atomic_load(&n_gets);
    out->hits = atomic_load(&n_hits);
    out->victims = atomic_load(&n_victims);
    out->puts = atomic_load(&n_puts);
    out->drops = atomic_load(&n_drops);
}

int gcb_pool_new(int nthreads, gcb_pool **out)
{
    gcb_pool *p = calloc(1, sizeof *p);
    if (p == NULL || nthreads < 1 || (p->local = calloc((size_t)nthreads, sizeof *p->local)) == NULL) {
        free(p);
        return ENOMEM;
    }
    p->nthreads = nthreads;
    uint64_t e = atomic_load(&epoch);
    for (int i = 0; i < nthreads; i++) {
        pthread_mutex_init(&p->local[i].lock, NULL);
        p->local[i].seen = p->local[i].shared_seen = e;
    }
    count(&n_pools, 1);
    *out = p;
    return 0;
}

void gcb_pool_free(gcb_pool *p)
{
    if (p == NULL)
        return;
    for (int i = 0; i < p->nthreads; i++)
        pthread_mutex_destroy(&p->local[i].lock);
    free(p->local);
    free(p);
}

void gcb_pool_thread_init(gcb_pool *p, gcb_mutator *m, int tid)
{
    pool_local *l = &p->local[tid];
    gcb_add_root(m, &l->priv);
    gcb_add_root(m, &l->vpriv);
    for (int i = 0; i < POOL_SHARED; i++) {
        gcb_add_root(m, &l->shared.obj[i]);
        gcb_add_root(m, &l->vshared.obj[i]);
    }
}

static void drop(gcb_mutator *m, void **slot, size_t bytes)
{
    void *x = *slot;
    if (x == NULL)
        return;
    *slot = NULL;
    gcb_dead(m, x, bytes);
    count(&n_drops, 1);
}

static void drop_list(gcb_mutator *m, entry_list *e)
{
    for (size_t i = 0; i < e->n; i++)
        drop(m, &e->obj[i], e->bytes[i]);
    e->n = 0;
}

/* Age the owner's private slots to the current epoch. */
static void age_private(gcb_mutator *m, pool_local *l)
{
    uint64_t e = atomic_load_explicit(&epoch, memory_order_relaxed);
    if (l->seen == e)
        return;
    drop(m, &l->vpriv, l->vpriv_bytes);
    if (e - l->seen == 1) {
        l->vpriv = l->priv;
        l->vpriv_bytes = l->priv_bytes;
        l->priv = NULL;
    } else {
        drop(m, &l->priv, l->priv_bytes);
    }
    l->seen = e;
}

/* Age a shared list to the current epoch; lock held. */
static void age_shared(gcb_mutator *m, pool_local *l)
{
    uint64_t e = atomic_load_explicit(&epoch, memory_order_relaxed);
    if (l->shared_seen == e)
        return;
    drop_list(m, &l->vshared);
    if (e - l->shared_seen == 1) {
        memcpy(&l->vshared, &l->shared, sizeof l->shared);
        memset(l->shared.obj, 0, sizeof l->shared.obj);
        l->shared.n = 0;
    } else {
        drop_list(m, &l->shared);
    }
    l->shared_seen = e;
}

static void *pop(entry_list *e, size_t *bytes)
{
    if (e->n == 0)
        return NULL;
    e->n--;
    void *x = e->obj[e->n];
    e->obj[e->n] = NULL;
    *bytes = e->bytes[e->n];
    return x;
}

/* From thread t's shared list, or its victim list when `victim`. */
static void *take_shared(gcb_mutator *m, pool_local *l, int victim, size_t *bytes)
{
    pthread_mutex_lock(&l->lock);
    age_shared(m, l);
    void *x = pop(victim ? &l->vshared : &l->shared, bytes);
    pthread_mutex_unlock(&l->lock);
    return x;
}

void *gcb_pool_get(gcb_pool *p, gcb_mutator *m, int tid, size_t *bytes)
{
    count(&n_gets, 1);
    pool_local *l = &p->local[tid];
    age_private(m, l);
    void *x = l->priv;
    if (x != NULL) {
        l->priv = NULL;
        *bytes = l->priv_bytes;
        count(&n_hits, 1);
        return x;
    }
    /* Go: own shared head, then steal from the others, then the victims. */
    for (int k = 0; k < p->nthreads; k++)
        if ((x = take_shared(m, &p->local[(tid + k) % p->nthreads], 0, bytes)) != NULL) {
            count(&n_hits, 1);
            return x;
        }
    if ((x = l->vpriv) != NULL) {
        l->vpriv = NULL;
        *bytes = l->vpriv_bytes;
    } else {
        for (int k = 0; k < p->nthreads && x == NULL; k++)
            x = take_shared(m, &p->local[(tid + k) % p->nthreads], 1, bytes);
    }
    if (x != NULL) {
        count(&n_hits, 1);
        count(&n_victims, 1);
    }
    return x;
}

void gcb_pool_put(gcb_pool *p, gcb_mutator *m, int tid, void *x, size_t bytes)
{
    if (x == NULL)
        return;
    count(&n_puts, 1);
    pool_local *l = &p->local[tid];
    age_private(m, l);
    /* Slots are roots: written through gcb_store (obj NULL), as Go's
     * poolLocal is written with a barrier (a region object put here
     * fades to the heap: regions, space.c). */
    if (l->priv == NULL) {
        gcb_store(m, NULL, &l->priv, x);
        l->priv_bytes = bytes;
        return;
    }
    pthread_mutex_lock(&l->lock);
    age_shared(m, l);
    if (l->shared.n < POOL_SHARED) {
        gcb_store(m, NULL, &l->shared.obj[l->shared.n], x);
        l->shared.bytes[l->shared.n++] = bytes;
        x = NULL;
    }
    pthread_mutex_unlock(&l->lock);
    if (x != NULL)
        drop(m, &x, bytes);
}

void gcb_pool_thread_fini(gcb_pool *p, gcb_mutator *m, int tid)
{
    pool_local *l = &p->local[tid];
    drop(m, &l->priv, l->priv_bytes);
    drop(m, &l->vpriv, l->vpriv_bytes);
    pthread_mutex_lock(&l->lock);
    drop_list(m, &l->shared);
    drop_list(m, &l->vshared);
    pthread_mutex_unlock(&l->lock);
}
