/* gcb/pool.h - sync.Pool for workloads.
 *
 * Go's sync.Pool: a per-P private slot plus a shared list, emptied into a
 * victim cache at every GC cycle and dropped at the next, so pooled
 * objects survive one cycle unused and are freed by the second.  Here the
 * Ps are the workload's mutator threads (tid) and the cycles are the
 * collector's GCB_EV_CYCLE_BEGIN events, counted by the harness
 * (gcb_pool_gc_cycle).  Collectors that never cycle (nogc, the manual
 * baselines) never empty a pool, as with GOGC=off.
 *
 * Difference from Go: Go empties every pool at the cycle's first pause;
 * here a thread's private slot and shared list age lazily, at the next
 * get/put that touches them after the cycle (a thread's shared list also
 * when another thread steals from it).  A pool left untouched across
 * cycles therefore keeps its objects until it is used again (then drops
 * what two cycles made stale); a busy pool behaves as Go's.
 *
 * Objects in a pool stay reachable: every slot is a global root
 * (gcb_add_root, registered by gcb_pool_thread_init).  An object dropped
 * by the pool (aged out, shared list full, thread_fini) is handed to
 * gcb_dead, so the manual baselines free it and collectors reclaim it.
 *
 * Lifecycle, following workload.h: gcb_pool_new in setup(),
 * gcb_pool_thread_init in thread_init(), get/put in op() (only with the
 * calling thread's own tid and mutator), gcb_pool_thread_fini in
 * thread_fini(), gcb_pool_free in teardown().
 */
#ifndef GCB_POOL_H
#define GCB_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "gcb/mutator.h"

typedef struct gcb_pool gcb_pool;

/* A pool for `nthreads` mutator threads; 0 or ENOMEM. */
int gcb_pool_new(int nthreads, gcb_pool **out);
void gcb_pool_free(gcb_pool *p);

/* Register thread tid's slots as roots of m's heap. */
void gcb_pool_thread_init(gcb_pool *p, gcb_mutator *m, int tid);
/* Drop what thread tid's slots hold (gcb_dead). */
void gcb_pool_thread_fini(gcb_pool *p, gcb_mutator *m, int tid);

/* Take an object (and its size in *bytes, as put); NULL when the pool has
 * none (the caller allocates, as Pool.New would).  Store the result in a
 * frame slot before the next allocation, as any fresh pointer. */
void *gcb_pool_get(gcb_pool *p, gcb_mutator *m, int tid, size_t *bytes);
/* Give x (of `bytes`, as allocated) back; the caller drops its pointer. */
void gcb_pool_put(gcb_pool *p, gcb_mutator *m, int tid, void *x, size_t bytes);

/* A GC cycle began (the harness calls this for every GCB_EV_CYCLE_BEGIN). */
void gcb_pool_gc_cycle(void);

/* Process-wide counters since start, for the run record. */
typedef struct gcb_pool_stats {
    uint64_t pools;    /* pools created */
    uint64_t gets;     /* gcb_pool_get calls */
    uint64_t hits;     /* ... that returned an object */
    uint64_t victims;  /* ... of which from a victim cache */
    uint64_t puts;     /* gcb_pool_put calls */
    uint64_t drops;    /* objects dropped: aged out, shared list full, thread_fini */
} gcb_pool_stats;
void gcb_pool_stats_read(gcb_pool_stats *out);

#endif
