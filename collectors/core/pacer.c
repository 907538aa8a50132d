/* pacer.c - heap goal, trigger, assist ratio and worker split (Go 1.21+'s
 * gcControllerState, runtime/mgcpacer.go), GOMEMLIMIT and the GC CPU
 * limiter.
 *
 * Scan work is counted in bytes: heap = scan_work (objects scanned), stack
 * = frame slots x 8 (shaded at the mark start pause), globals = global
 * roots x 8 (shaded at that pause too) + the modelled runtime's globals
 * (option `globals`: scanned concurrently as one root job, mark.c, and
 * counted in scan_work when scanned, as Go's data/bss jobs).
 * goal    = heap_marked + (heap_marked + stack + globals) * gogc/100 (Go's
 *           gcPercentHeapGoal), at least heapMinimum = 4 MiB * gogc/100
 *           and (concurrent mode) heap_marked + 1 MiB (Go's
 *           sweepDistMinTrigger: Go commits before sweeping is done).
 * memlimit = Go's memoryLimitHeapGoal, taken instead when lower (then
 *           without the sweep distance): the limit less non-heap memory
 *           (the in-use pages' bytes not allocated to objects, Go's
 *           heap/unused, plus options nonheap, the modelled runtime's
 *           stacks and metadata, and runtime_unused, the free slots of
 *           the spans Go's own objects hold, in no page of the model's)
 *           and less how far mapped memory (in-use pages + free pages
 *           not released + nonheap + runtime_unused) is over the
 *           limit, less 3 % headroom (at least 1 MiB; a room under
 *           twice the headroom gives the headroom itself); never below
 *           heap_marked, so a limit the live heap and the runtime fill
 *           runs GC back to back (the limiter then bounds the cost).  As
 *           in Go it moves with the heap: the trigger check recomputes
 *           it between cycles, revise and mark end during mark (below);
 *           heap_goal holds the one mark start computed.
 * runway  = consMark * (1 - 0.25) / 0.25 * expected scan work: the bytes
 *           the mutators allocate while the workers, at the 25 % goal, do
 *           the next cycle's work.  consMark (allocation per scan byte) is
 *           measured at each mark end as Go's endCycle: (heap_live at mark
 *           end - heap_live at mark start) * (u + idle) / (scan work *
 *           (1 - u)), u = 0.25 + the assists' share of procs x mark time,
 *           idle = the idle workers' share; the max of the last 4.
 * trigger = goal - runway, clamped to [45/64, 61/64] of the way from
 *           heap_marked to goal (Go's minTrigger/maxTrigger), the upper
 *           bound raised to goal - 4 MiB on big heaps, the lower at least
 *           heap_marked + 1 MiB.  STW mode triggers at the goal.
 * assist  = Go's revise(), at mark start and at every charged span refill
 *           during mark: assist_work_per_byte = (expected scan work - work
 *           done) / (goal - heap_live), the expected work the last cycle's
 *           heap scan + stack + globals, or, once the work exceeds that,
 *           the worst case (heap_scan + stack + globals: Go's heapScan,
 *           the scannable heap, gc.h) against a goal extended in
 *           proportion, at most the goal x (1 + gogc/100); past the
 *           goal, the goal x 1.1.  The goal is at least the trigger +
 *           64 KiB, but not when the memory limit set it (Go's
 *           heapGoalInternal).  Under a memory limit the goal is
 *           recomputed at each revise and at mark end, as Go's heapGoal()
 *           is: the non-heap memory it subtracts moves during mark (slots
 *           allocated black into cached spans count as non-heap until the
 *           span leaves its cache), and the goal gc.log reports for a
 *           cycle is Go's lastHeapGoal, the one at mark end.
 * workers = Go's startCycle split: 25 % of procs as dedicated workers,
 *           rounded, or, when rounding is off by more than 30 %, fractional
 *           work at (0.25 x procs - dedicated) / procs per proc
 *           (pacer_workers); which worker marks when, idle workers on
 *           free procs included (pacer_worker_role; cycle.c takes the
 *           procs).
 * limiter = Go's gcCPULimiter (runtime/mgclimit.go): a leaky bucket that
 *           GC CPU (pauses x procs, assists, and 25 % of procs x the wall
 *           time of concurrent mark, as Go counts the background workers)
 *           fills and mutator CPU (the rest of procs x wall time, less
 *           idle workers' time, which is neither) drains, one for one, so
 *           it fills only while GC CPU is above 50 %; capacity
 *           LIMITER_CAP_NS x procs (Go's 1 CPU-second per P: at 75 % GC
 *           CPU it is full after 2 s).  It is brought up to date at the
 *           end of every mark and, as Go's, at most every
 *           LIMITER_PERIOD_NS by an assist.  While full, assists are
 *           skipped, so a limit below the live heap degrades to the
 *           background workers' share plus pauses instead of spiralling.
 * The pacer's fields are written by the cycle owner with the world
 * stopped (or before any mutator exists); read with relaxed atomics
 * elsewhere, except the assist ratio, which pacer_revise stores
 * atomically from any mutator during mark (racing revisions store values
 * of one moment or the next, as in Go).  The limiter's bucket is written
 * only under limiter_lock (Go's gcCPULimiter.tryLock): an assist that
 * finds it taken skips its update, the end of a mark waits for it; so one
 * updater at a time.
 */
#include "gc.h"

#define LIMITER_CAP_NS 1000000000 /* ns of GC CPU per proc the bucket holds (Go) */
#define LIMITER_PERIOD_NS 10000000  /* Go's gcCPULimiterUpdatePeriod: 10 ms */
#define GOAL_UTILIZATION 0.25       /* Go's gcGoalUtilization = gcBackgroundUtilization */
#define TRIGGER_DEN 64              /* Go's triggerRatioDen */
#define MIN_TRIGGER_NUM 45          /* Go's minTriggerRatioNum: ~0.7 */
#define MAX_TRIGGER_NUM 61          /* Go's maxTriggerRatioNum: ~0.95 */
#define SWEEP_MIN_HEAP_DISTANCE ((uint64_t)1 << 20) /* bytes; Go's sweepMinHeapDistance */
#define MIN_RUNWAY ((uint64_t)64 << 10)  /* bytes; Go's heapGoalInternal minRunway */
#define MAX_OVERSHOOT 1.1           /* Go's revise: goal stretch once heap_live passes it */
#define LIMIT_HEADROOM_PERCENT 3    /* Go's memoryLimitHeapGoalHeadroomPercent */
#define LIMIT_MIN_HEADROOM ((uint64_t)1 << 20) /* bytes; Go's memoryLimitMinHeapGoalHeadroom */
#define SCAV_LIMIT_PERCENT 95       /* Go's scavenger keeps mapped memory under 95 % of the
                                       limit (1 - reduceExtraPercent/100) */

static uint64_t heap_minimum(const gc_heap *h)
{
    return GC_MIN_HEAP * (uint64_t)(h->cfg.gogc > 0 ? h->cfg.gogc : 1) / 100;
}

/* Go's trigger(): the heap_live that starts the next cycle for a goal,
 * the last heap_marked, a lower bound min_trigger and the runway. */
static uint64_t trigger_of(uint64_t goal, uint64_t marked, uint64_t min_trigger, uint64_t runway)
{
    if (marked >= goal)
        return goal;
    if (min_trigger < marked)
        min_trigger = marked;
    uint64_t lo = (goal - marked) / TRIGGER_DEN * MIN_TRIGGER_NUM + marked;
    if (min_trigger < lo)
        min_trigger = lo;
    uint64_t hi = (goal - marked) / TRIGGER_DEN * MAX_TRIGGER_NUM + marked;
    if (goal > GC_MIN_HEAP && goal - GC_MIN_HEAP > hi)
        hi = goal - GC_MIN_HEAP;
    if (hi < min_trigger)
        hi = min_trigger;
    uint64_t t = runway > goal ? min_trigger : goal - runway;
    if (t < min_trigger)
        t = min_trigger;
    if (t > hi)
        t = hi;
    return t;
}

/* Bytes of frame slots (stack) and globals (the registered global roots
 * and the modelled runtime's globals, option `globals`); world stopped. */
static void root_bytes(const gc_heap *h, uint64_t *stack, uint64_t *globals)
{
    uint64_t st = 0;
    for (gc_mutator *m = h->mutators; m; m = m->next)
        for (gcb_frame *f = m->base.frames; f; f = f->prev)
            st += f->count * sizeof(void *);
    *stack = st;
    *globals = h->nroots * sizeof(void *) + h->cfg.globals;
}

void pacer_workers(unsigned procs, int *dedicated, double *fractional)
{
    double total = GOAL_UTILIZATION * (procs ? procs : 1);
    int d = (int)(total + 0.5);
    double err = (double)d / total - 1;
    *fractional = 0;
    if (err < -0.3 || err > 0.3) {
        if ((double)d > total)
            d--;
        *fractional = (total - (double)d) / (double)(procs ? procs : 1);
    }
    *dedicated = d;
}

int pacer_worker_role(int dedicated, double fractional, const gc_worker_view *v)
{
    int procs = v->procs > 0 ? v->procs : 1;
    int free_proc = v->nrunning + v->nworking < procs;
    if (v->idx < dedicated)
        return GC_ROLE_BG; /* a P of its own */
    if (v->idx == dedicated && fractional > 0 &&
        (double)v->busy_ns <= fractional * (double)procs * (double)v->elapsed_ns &&
        (free_proc || v->nidle == 0))
        return GC_ROLE_BG;
    if (free_proc && v->work_visible)
        return GC_ROLE_IDLE;
    return GC_ROLE_WAIT;
}

/* Go's mappedReady less heapFree: in-use pages plus the modelled
 * runtime's non-heap memory and the free slots of its own objects' spans,
 * which in Go are in-use pages too (bytes).  Any thread; relaxed reads. */
static uint64_t mapped_ready_unfree(gc_heap *h)
{
    return atomic_load_explicit(&h->ph.inuse_bytes, memory_order_relaxed) + h->cfg.nonheap +
           h->cfg.runtime_unused;
}

/* Go's memoryLimitHeapGoal (mgcpacer.go) for the last heap_marked.  Go's
 * mappedReady is the page heap's in-use pages and free pages not
 * released, plus nonheap and runtime_unused; its heapFree the free pages
 * not released; its heapAlloc (totalAlloc - totalFree) heap_alloc_flushed.  So its
 * nonHeapMemory is the in-use pages' bytes not allocated plus nonheap, and
 * as in Go a cached span's free slots and the slots taken from them since
 * it was cached count as non-heap until it leaves the cache (gc.h): one
 * span per size class, noscan and scan, per mutator.  Any thread: the
 * counters are read relaxed, one moment's or the next's. */
static uint64_t memlimit_goal(gc_heap *h, uint64_t marked)
{
    uint64_t limit = (uint64_t)h->cfg.memlimit;
    uint64_t unfree = mapped_ready_unfree(h);
    uint64_t free_ready = atomic_load_explicit(&h->ph.free_bytes, memory_order_relaxed);
    uint64_t scav = atomic_load_explicit(&h->ph.scavenged_bytes, memory_order_relaxed);
    free_ready = free_ready > scav ? free_ready - scav : 0;
    uint64_t alloc = atomic_load_explicit(&h->heap_alloc_flushed, memory_order_relaxed);
    uint64_t nonheap = unfree > alloc ? unfree - alloc : 0;
    uint64_t mapped = unfree + free_ready;
    uint64_t overage = mapped > limit ? mapped - limit : 0;
    if (nonheap + overage >= limit)
        return marked;
    uint64_t goal = limit - (nonheap + overage);
    uint64_t headroom = goal / 100 * LIMIT_HEADROOM_PERCENT;
    if (headroom < LIMIT_MIN_HEADROOM)
        headroom = LIMIT_MIN_HEADROOM;
    /* Go's small-limit rule: a room under twice the headroom gives the
     * headroom itself as the goal (1 MiB on a small heap), not the room
     * less it; so a heap marked below 1 MiB is not collected back to back
     * however low the limit. */
    if (goal < headroom || goal - headroom < headroom)
        goal = headroom;
    else
        goal -= headroom;
    return goal < marked ? marked : goal;
}

/* Go's heapGoalInternal: the goal now, the trigger's lower bound, and
 * whether the memory limit set the goal (*limited).  The gcpercent goal
 * (with the sweep distance in concurrent mode), or the memory limit's
 * when lower.  Any thread (the fields the cycle owner writes change only
 * with the world stopped). */
static uint64_t goal_now(gc_heap *h, uint64_t *min_trigger, int *limited)
{
    uint64_t goal = h->gcpercent_goal;
    *min_trigger = 0;
    *limited = 0;
    if (h->cfg.memlimit >= 0) {
        uint64_t lim = memlimit_goal(h, h->last_marked);
        if (lim < goal) {
            *limited = 1;
            return lim;
        }
    }
    if (h->cfg.mode == MODE_CONCURRENT && goal != UINT64_MAX && h->cycles_committed) {
        /* Go commits before sweeping is done: sweepDistMinTrigger */
        *min_trigger = h->last_marked + SWEEP_MIN_HEAP_DISTANCE;
        if (goal < *min_trigger)
            goal = *min_trigger;
    }
    return goal;
}

/* Go's trigger(): the heap_live that starts the next cycle now.  With
 * goal_out (the cycle owner, world stopped, about to store heap_goal) it
 * also records whether that goal is the memory limit's (goal_limited). */
static uint64_t trigger_now(gc_heap *h, uint64_t *goal_out)
{
    uint64_t min_trigger;
    int limited;
    uint64_t goal = goal_now(h, &min_trigger, &limited);
    if (goal_out) {
        *goal_out = goal;
        h->goal_limited = limited;
    }
    if (goal == UINT64_MAX || h->cfg.mode == MODE_STW)
        return goal;
    return trigger_of(goal, h->last_marked, min_trigger, h->runway);
}

void pacer_init(gc_heap *h)
{
    h->gcpercent_goal = UINT64_MAX;
    if (h->cfg.gogc >= 0)
        h->gcpercent_goal = heap_minimum(h);
    /* Go's init: nothing marked, no runway measured yet */
    uint64_t goal;
    atomic_store(&h->trigger, trigger_now(h, &goal));
    atomic_store(&h->heap_goal, goal);
    h->limiter_last_ns = h->host->now_ns(h->host->ctx);
}

uint64_t pacer_scavenge_retain(gc_heap *h)
{
    uint64_t retain = UINT64_MAX;
    if (h->cfg.scavenge == SCAV_GOAL) {
        uint64_t goal = atomic_load(&h->heap_goal);
        retain = goal / 10 * 11; /* Go's retainExtraPercent = 10 */
        if (retain < goal)
            retain = UINT64_MAX;
    }
    if (h->cfg.memlimit >= 0) {
        /* Go's memoryLimitGoal: mapped memory (nonheap and the runtime
         * objects' spans included) at most 95 % of the limit */
        uint64_t lim = (uint64_t)h->cfg.memlimit / 100 * SCAV_LIMIT_PERCENT;
        uint64_t rt = (uint64_t)h->cfg.nonheap + h->cfg.runtime_unused;
        lim = lim > rt ? lim - rt : 0;
        if (lim < retain)
            retain = lim;
    }
    return retain;
}

void pacer_limiter_charge(gc_heap *h, uint64_t ns)
{
    atomic_fetch_add_explicit(&h->gc_cpu_ns, ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->total_gc_ns, ns, memory_order_relaxed);
}

/* Idle mark workers' time: Go's limiter counts it as neither GC nor
 * mutator time (it soaks up procs the program leaves idle), so it is taken
 * out of the total; gctrace's percentage counts it as GC. */
void pacer_limiter_idle(gc_heap *h, uint64_t ns)
{
    atomic_fetch_add_explicit(&h->idle_cpu_ns, ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->total_gc_ns, ns, memory_order_relaxed);
}

/* A proc left idle (a mutator parked on the assist queue): Go's limiter
 * counts time Ps spend on the idle list as neither GC nor mutator. */
void pacer_limiter_proc_idle(gc_heap *h, uint64_t ns)
{
    atomic_fetch_add_explicit(&h->idle_cpu_ns, ns, memory_order_relaxed);
}

/* Workers' time (dedicated, fractional): gctrace's percentage only; the
 * limiter counts the background share as Go's does (limiter_account). */
void pacer_worker_time(gc_heap *h, uint64_t ns)
{
    atomic_fetch_add_explicit(&h->total_gc_ns, ns, memory_order_relaxed);
}

/* Account the wall time from `last` to `now` (ns): GC CPU fills the
 * bucket, mutator CPU (total minus GC) drains it (Go's update and
 * accumulate).  GC CPU is the assists and pauses charged, plus, for the
 * part of the window inside a concurrent mark (from mark_begin_ns to
 * `mark_end`, 0 while mark runs), Go's gcBackgroundUtilization of it,
 * whatever the workers actually used.  Only under limiter_lock. */
static void limiter_account(gc_heap *h, uint64_t last, uint64_t now, uint64_t mark_end)
{
    uint64_t elapsed = now > last ? now - last : 0;
    uint64_t mb = atomic_load_explicit(&h->mark_begin_ns, memory_order_relaxed);
    uint64_t me = mark_end ? mark_end : now;
    uint64_t from = mb > last ? mb : last;
    int64_t bg = 0;
    if (mb && me > from)
        bg = (int64_t)(GOAL_UTILIZATION * (double)(me - from) * (double)h->host->procs);
    int64_t gc = (int64_t)atomic_exchange(&h->gc_cpu_ns, 0) + bg;
    int64_t idle = (int64_t)atomic_exchange(&h->idle_cpu_ns, 0);
    int64_t total = (int64_t)(elapsed * h->host->procs) - idle; /* Go: idle time is neither */
    if (total < 0)
        total = 0;
    int64_t mutator = total > gc ? total - gc : 0;
    int64_t cap = (int64_t)LIMITER_CAP_NS * (int64_t)h->host->procs;
    h->limiter_bucket_ns += gc - mutator;
    if (h->limiter_bucket_ns < 0)
        h->limiter_bucket_ns = 0;
    if (h->limiter_bucket_ns > cap)
        h->limiter_bucket_ns = cap;
    atomic_store(&h->limiter_on, h->cfg.memlimit >= 0 && h->limiter_bucket_ns >= cap);
}

/* Go's heapGoal() during mark: the cycle's goal (heap_goal, fixed at mark
 * start) or, under a memory limit, the goal now (goal_now: the limit's
 * goal moves with the non-heap memory), kept at least 64 KiB past the
 * trigger but not in the memory limit's regime ("that already has a
 * minimum goal that's a small constant"): there a goal at the marked
 * heap leaves the heap past it, and revise's 1.1 overshoot sets the
 * distance.  Any thread during mark, or the cycle owner at mark start
 * and mark end (bytes). */
static uint64_t goal_in_mark(gc_heap *h)
{
    uint64_t goal;
    int limited = h->goal_limited;
    if (h->cfg.mode == MODE_STW) /* no trigger, no runway: the goal is the trigger */
        return atomic_load_explicit(&h->heap_goal, memory_order_relaxed);
    if (h->cfg.memlimit >= 0) {
        uint64_t min_trigger;
        goal = goal_now(h, &min_trigger, &limited);
    } else {
        goal = atomic_load_explicit(&h->heap_goal, memory_order_relaxed);
    }
    if (!limited && goal < h->triggered + MIN_RUNWAY)
        goal = h->triggered + MIN_RUNWAY;
    return goal;
}

/* Go's revise(): the assist ratio from the work left and the heap left.
 * Any mutator during mark, or the cycle owner at mark start. */
void pacer_revise(gc_heap *h)
{
    int64_t gogc = h->cfg.gogc >= 0 ? h->cfg.gogc : 100000;
    int64_t live = (int64_t)atomic_load_explicit(&h->heap_live, memory_order_relaxed);
    int64_t roots = (int64_t)(h->stack_scan + h->globals_scan);
    int64_t work = (int64_t)atomic_load_explicit(&h->scan_work, memory_order_relaxed) + roots;
    int64_t goal = (int64_t)goal_in_mark(h);
    int64_t triggered = (int64_t)h->triggered;
    int64_t expected = (int64_t)h->last_heap_scan + roots;
    int64_t max_work = (int64_t)atomic_load_explicit(&h->heap_scan, memory_order_relaxed) + roots;
    if (work > expected) {
        /* past the estimate: assume the worst, over a goal extended in
         * proportion (Go's extHeapGoal), at most goal x (1 + gogc/100) */
        int64_t ext = expected > 0
            ? (int64_t)((double)(goal - triggered) / (double)expected * (double)max_work) + triggered
            : goal;
        int64_t hard = (int64_t)((1.0 + (double)gogc / 100.0) * (double)goal);
        goal = ext < hard ? ext : hard;
        expected = max_work;
    }
    if (live > goal) {
        goal = (int64_t)((double)goal * MAX_OVERSHOOT);
        expected = max_work;
    }
    int64_t remaining = expected - work;
    if (remaining < 1000)
        remaining = 1000;
    int64_t heap_left = goal - live;
    if (heap_left <= 0)
        heap_left = 1;
    atomic_store_explicit(&h->assist_work_per_byte, (double)remaining / (double)heap_left,
                          memory_order_relaxed);
    atomic_store_explicit(&h->assist_bytes_per_work, (double)heap_left / (double)remaining,
                          memory_order_relaxed);
}

/* Concurrent mark begins (world stopped, span caches emptied, roots not
 * yet shaded): Go's startCycle.  Go keeps its span caches across mark
 * start; the model empties them (allocate black, mcache.c), which takes
 * their free slots out of heap_live, so heap_live after that is the base
 * from which allocation during mark is measured. */
void pacer_mark_start(gc_heap *h)
{
    h->triggered = atomic_load(&h->heap_live);
    if (h->cfg.memlimit >= 0) { /* the memory limit's goal moved since mark done */
        uint64_t goal;
        atomic_store(&h->trigger, trigger_now(h, &goal));
        atomic_store(&h->heap_goal, goal);
    }
    root_bytes(h, &h->stack_scan, &h->globals_scan);
    atomic_store(&h->bg_scan_credit, 0);
    atomic_store(&h->cycle_assist_ns, 0);
    atomic_store(&h->cycle_bg_ns, 0);
    atomic_store(&h->cycle_idle_ns, 0);
    pacer_revise(h);
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
    limiter_account(h, last, now, h->t_markterm);
    atomic_store_explicit(&h->mark_begin_ns, 0, memory_order_relaxed); /* mark is over */
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
        limiter_account(h, last, now, 0);
    }
    limiter_unlock(h);
}

int pacer_should_trigger(gc_heap *h)
{
    uint64_t trigger = h->cfg.memlimit >= 0 ? trigger_now(h, NULL)
                                            : atomic_load_explicit(&h->trigger, memory_order_relaxed);
    return atomic_load_explicit(&h->heap_live, memory_order_relaxed) >= trigger;
}

/* Go's endCycle: this cycle's cons/mark estimate, kept as the max of the
 * last 4 in h->cons_mark.  live_end: heap_live at mark end. */
static void end_cycle(gc_heap *h, uint64_t live_end)
{
    uint64_t triggered = h->triggered;
    if (live_end <= triggered)
        return;
    double procs = (double)(h->host->procs ? h->host->procs : 1);
    double dur = h->t_markterm > h->t_mark ? (double)(h->t_markterm - h->t_mark) : 0;
    double u = GOAL_UTILIZATION, idle = 0;
    if (dur > 0) {
        u += (double)atomic_load(&h->cycle_assist_ns) / (dur * procs);
        idle = (double)atomic_load(&h->cycle_idle_ns) / (dur * procs);
    }
    double work = (double)(atomic_load(&h->scan_work) + h->stack_scan + h->globals_scan);
    if (work <= 0 || u >= 1)
        return;
    double cur = (double)(live_end - triggered) * (u + idle) / (work * (1 - u));
    h->cons_mark = cur;
    for (int i = 0; i < 4; i++)
        if (h->last_cons_mark[i] > h->cons_mark)
            h->cons_mark = h->last_cons_mark[i];
    for (int i = 0; i < 3; i++)
        h->last_cons_mark[i] = h->last_cons_mark[i + 1];
    h->last_cons_mark[3] = cur;
}

void pacer_mark_end(gc_heap *h)
{
    h->last_goal = goal_in_mark(h); /* Go's endCycle: lastHeapGoal = heapGoal() */
}

/* Mark termination, world stopped, heap_live not yet reset: Go's endCycle,
 * resetLive and commit. */
void pacer_mark_done(gc_heap *h)
{
    uint64_t marked = atomic_load(&h->heap_marked);
    uint64_t live_end = atomic_load(&h->heap_live);
    if (h->cfg.mode == MODE_CONCURRENT)
        end_cycle(h, live_end);
    h->last_runway = live_end > h->mark_start_live ? live_end - h->mark_start_live : 0;
    h->last_marked = marked;
    h->last_heap_scan = atomic_load(&h->scan_work);
    atomic_store(&h->heap_scan, h->last_heap_scan); /* Go's resetLive */
    if (marked > h->peak_live)
        __atomic_store_n(&h->peak_live, marked, __ATOMIC_RELAXED); /* stats() reads it */
    root_bytes(h, &h->stack_scan, &h->globals_scan);
    uint64_t roots = h->stack_scan + h->globals_scan;
    /* Go's commit */
    h->gcpercent_goal = UINT64_MAX;
    if (h->cfg.gogc >= 0) {
        h->gcpercent_goal = marked + (marked + roots) * (uint64_t)h->cfg.gogc / 100;
        if (h->gcpercent_goal < heap_minimum(h))
            h->gcpercent_goal = heap_minimum(h);
    }
    h->cycles_committed = 1;
    limiter_update(h);
    h->runway = (uint64_t)(h->cons_mark * (1 - GOAL_UTILIZATION) / GOAL_UTILIZATION *
                           (double)(h->last_heap_scan + roots));
    uint64_t goal;
    atomic_store(&h->trigger, trigger_now(h, &goal));
    atomic_store(&h->heap_goal, goal);
}
