/* pacer.c - heap goal and trigger (Go 1.18+), GOMEMLIMIT and the GC CPU
 * limiter.
 *
 * goal    = heap_marked * (1 + gogc/100) + roots, at least 4 MiB * gogc/100
 *           (Go's heapMinimum); with a memory limit, at most 95 % of it
 *           but never below heap_marked (the limiter then bounds the cost).
 * assist  = expected scan work / (goal - heap_live at mark start): scan
 *           bytes owed per byte allocated during mark (pacer_mark_start).
 * trigger = goal - runway, where runway is what the mutators allocated
 *           during the last mark phase (measured scan rate x allocation
 *           rate, as Go's runway), clamped to [0.7, 0.95] of the way from
 *           heap_marked to goal.  STW mode triggers at the goal.
 * limiter = Go's gcCPULimiter (runtime/mgclimit.go): a leaky bucket that
 *           GC CPU (pauses x procs, workers, assists) fills and mutator
 *           CPU (the rest of procs x wall time) drains, one for one, so
 *           it fills only while GC CPU is above 50 %; capacity
 *           LIMITER_CAP_NS x procs (Go's 1 CPU-second per P: at 75 % GC
 *           CPU it is full after 2 s).  It is brought up to date at the
 *           end of every mark and, as Go's, at most every
 *           LIMITER_PERIOD_NS by an assist.  While full, assists are
 *           skipped, so a limit below the live heap degrades to the
 *           background workers' share plus pauses instead of spiralling.
 * The pacer's fields are written by the cycle owner with the world
 * stopped (or before any mutator exists); read with relaxed atomics
 * elsewhere.  The limiter's bucket is written only under limiter_lock
 * (Go's gcCPULimiter.tryLock): an assist that finds it taken skips its
 * update, the end of a mark waits for it; so one updater at a time.
 */
#include "gc.h"

#define LIMITER_CAP_NS 1000000000 /* ns of GC CPU per proc the bucket holds (Go) */
#define ASSIST_MIN_RUNWAY ((uint64_t)1 << 20) /* bytes: least heap distance for assists */
#define LIMITER_PERIOD_NS 10000000  /* Go's gcCPULimiterUpdatePeriod: 10 ms */

void pacer_init(gc_heap *h)
{
    uint64_t goal = UINT64_MAX;
    if (h->cfg.gogc >= 0)
        goal = GC_MIN_HEAP * (uint64_t)(h->cfg.gogc > 0 ? h->cfg.gogc : 1) / 100;
    if (h->cfg.memlimit >= 0 && (uint64_t)h->cfg.memlimit / 100 * 95 < goal)
        goal = (uint64_t)h->cfg.memlimit / 100 * 95;
    atomic_store(&h->heap_goal, goal);
    atomic_store(&h->trigger, goal == UINT64_MAX ? UINT64_MAX : goal / 8 * 7);
    h->limiter_last_ns = h->host->now_ns(h->host->ctx);
}

void pacer_limiter_charge(gc_heap *h, uint64_t ns)
{
    atomic_fetch_add_explicit(&h->gc_cpu_ns, ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->total_gc_ns, ns, memory_order_relaxed);
}

/* Account the `elapsed` ns of wall time since the last update: GC CPU
 * fills the bucket, mutator CPU (total minus GC) drains it (Go's
 * accumulate).  Only under limiter_lock. */
static void limiter_account(gc_heap *h, uint64_t elapsed)
{
    int64_t gc = (int64_t)atomic_exchange(&h->gc_cpu_ns, 0);
    int64_t total = (int64_t)(elapsed * h->host->procs);
    int64_t mutator = total > gc ? total - gc : 0;
    int64_t cap = (int64_t)LIMITER_CAP_NS * (int64_t)h->host->procs;
    h->limiter_bucket_ns += gc - mutator;
    if (h->limiter_bucket_ns < 0)
        h->limiter_bucket_ns = 0;
    if (h->limiter_bucket_ns > cap)
        h->limiter_bucket_ns = cap;
    atomic_store(&h->limiter_on, h->cfg.memlimit >= 0 && h->limiter_bucket_ns >= cap);
}

/* Concurrent mark begins (world stopped, mark_start_live set): the assist
 * ratio, Go's assistWorkPerByte = expected scan work / heap distance left,
 * with the last cycle's marked bytes as the expected work (heap_live before
 * the first cycle) and the distance from heap_live to the goal, at least
 * ASSIST_MIN_RUNWAY so that a cycle that starts at (or past) its goal
 * does not demand all the work at once. */
void pacer_mark_start(gc_heap *h)
{
    uint64_t live = h->mark_start_live;
    uint64_t goal = atomic_load(&h->heap_goal);
    uint64_t expect = h->last_marked ? h->last_marked : live;
    uint64_t runway = goal > live ? goal - live : 0;
    if (runway < ASSIST_MIN_RUNWAY)
        runway = ASSIST_MIN_RUNWAY;
    h->assist_ratio = (double)expect / (double)runway;
}

static int limiter_trylock(gc_heap *h)
{
    int free = 0;
    return atomic_compare_exchange_strong_explicit(&h->limiter_lock, &free, 1, memory_order_acquire,
                                                   memory_order_relaxed);
}

static void limiter_unlock(gc_heap *h)
{
    atomic_store_explicit(&h->limiter_lock, 0, memory_order_release);
}

/* End of a mark: always brought up to date (waits out an assist's update,
 * which is a few loads and stores). */
static void limiter_update(gc_heap *h)
{
    while (!limiter_trylock(h))
        ;
    uint64_t now = h->host->now_ns(h->host->ctx);
    uint64_t last = h->limiter_last_ns;
    __atomic_store_n(&h->limiter_last_ns, now, __ATOMIC_RELAXED);
    limiter_account(h, now > last ? now - last : 0);
    limiter_unlock(h);
}

/* An assist: at most every LIMITER_PERIOD_NS, and never waiting. */
void pacer_limiter_poll(gc_heap *h)
{
    uint64_t now = h->host->now_ns(h->host->ctx);
    if (now < __atomic_load_n(&h->limiter_last_ns, __ATOMIC_RELAXED) + LIMITER_PERIOD_NS)
        return;
    if (!limiter_trylock(h))
        return;
    uint64_t last = h->limiter_last_ns;
    if (now >= last + LIMITER_PERIOD_NS) {
        __atomic_store_n(&h->limiter_last_ns, now, __ATOMIC_RELAXED);
        limiter_account(h, now - last);
    }
    limiter_unlock(h);
}

int pacer_should_trigger(gc_heap *h)
{
    return atomic_load_explicit(&h->heap_live, memory_order_relaxed) >=
           atomic_load_explicit(&h->trigger, memory_order_relaxed);
}

void pacer_mark_done(gc_heap *h)
{
    uint64_t marked = atomic_load(&h->heap_marked);
    uint64_t live_end = atomic_load(&h->heap_live);
    h->last_runway = live_end > h->mark_start_live ? live_end - h->mark_start_live : 0;
    h->last_marked = marked;
    if (marked > h->peak_live)
        __atomic_store_n(&h->peak_live, marked, __ATOMIC_RELAXED); /* stats() reads it */
    uint64_t roots = h->nroots * sizeof(void *);
    for (gc_mutator *m = h->mutators; m; m = m->next)
        for (gcb_frame *f = m->base.frames; f; f = f->prev)
            roots += f->count * sizeof(void *);
    uint64_t goal = UINT64_MAX;
    if (h->cfg.gogc >= 0) {
        goal = marked + marked / 100 * (uint64_t)h->cfg.gogc + roots;
        uint64_t min = GC_MIN_HEAP * (uint64_t)(h->cfg.gogc > 0 ? h->cfg.gogc : 1) / 100;
        if (goal < min)
            goal = min;
    }
    limiter_update(h);
    if (h->cfg.memlimit >= 0) {
        uint64_t lim = (uint64_t)h->cfg.memlimit / 100 * 95;
        if (lim < goal)
            goal = lim > marked ? lim : marked + (marked >> 6) + SC_PAGE_SIZE;
    }
    uint64_t trigger = goal;
    if (goal != UINT64_MAX && h->cfg.mode == MODE_CONCURRENT) {
        uint64_t span = goal > marked ? goal - marked : 0;
        uint64_t lo = marked + span / 10 * 7, hi = marked + span / 20 * 19;
        trigger = goal > h->last_runway ? goal - h->last_runway : lo;
        if (trigger < lo)
            trigger = lo;
        if (trigger > hi)
            trigger = hi;
    }
    atomic_store(&h->heap_goal, goal);
    atomic_store(&h->trigger, trigger);
}
