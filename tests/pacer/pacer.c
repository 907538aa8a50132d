/* pacer.c - table-driven test of the Go-like core's pacer
 * (collectors/core/pacer.c) and of its assists' credit (mark.c): each row
 * is the state at the end of a mark (or at mark start, or at heap
 * creation) and the heap goal, trigger, runway, assist ratio, cons/mark
 * estimate or limiter state the pacer must derive from it; then the
 * assist's credit protocol step by step.
 *
 * The expected values are worked by hand from Go's formulas
 * (runtime/mgcpacer.go, Go 1.21+):
 * - goal = heap_marked + (heap_marked + stack + globals) * GOGC/100
 *   (gcPercentHeapGoal), at least heapMinimum = 4 MiB * GOGC/100 and,
 *   in concurrent mode, heap_marked + 1 MiB (sweepDistMinTrigger);
 * - with a memory limit, the lower of that and memoryLimitHeapGoal: the
 *   limit less non-heap memory (in-use pages not allocated to objects +
 *   option nonheap) and less mapped memory's overage over the limit, less
 *   max(3 %, 1 MiB) headroom (a room under twice the headroom gives the
 *   headroom itself), never below heap_marked; recomputed by the
 *   trigger check as the heap moves; the scavenger keeps mapped memory
 *   (nonheap included) under 95 % of the limit;
 * - runway = consMark * 0.75 / 0.25 * (last heap scan + stack + globals);
 * - trigger = goal - runway, clamped to [45/64, 61/64] of the way from
 *   heap_marked to goal (minTriggerRatioNum/maxTriggerRatioNum over
 *   triggerRatioDen), the upper bound at least goal - 4 MiB, the lower at
 *   least the sweep distance; STW mode triggers at the goal;
 * - consMark = (heap_live at mark end - at mark start) * (u + idle) /
 *   (scan work * (1 - u)), u = 0.25 + assist share, the max of the
 *   current and the last 4 estimates (endCycle);
 * - assist ratio = (expected - done scan work) / (goal - heap_live), with
 *   the worst case and an extended goal once past the estimate (revise);
 * - worker split: 25 % of procs dedicated, rounded, else fractional;
 * - limiter: GC CPU (charged, plus 25 % of procs over a concurrent mark,
 *   idle workers' time left out of the total) fills a bucket of 1
 *   CPU-second per proc that 50 % of the CPU capacity drains; assists are
 *   off while it is full and a memory limit is set.
 * Rows sit on the clamps' edges, so an off-by-one ratio or a swapped
 * bound fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gc.h"

#define MiB ((uint64_t)1 << 20)
#define OFF UINT64_MAX

static uint64_t clock_ns; /* the stub clock */

static uint64_t stub_now(void *ctx) { return clock_ns; }

static int nevents[64]; /* events seen, by kind */

static void stub_event(void *ctx, const gcb_event *ev)
{
    if (ev->kind < 64)
        nevents[ev->kind]++;
}

static gcb_host host = {.now_ns = stub_now, .event = stub_event, .procs = 2};

static int failures;

static void expect_u64(const char *row, const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        fprintf(stderr, "FAIL %s: %s = %llu, want %llu\n", row, what, (unsigned long long)got,
                (unsigned long long)want);
        failures++;
    }
}

static void heap_reset(gc_heap *h, int64_t gogc, int64_t memlimit, int mode)
{
    memset(h, 0, sizeof *h);
    h->host = &host;
    h->cfg = (gc_config){.mode = mode, .gogc = gogc, .memlimit = memlimit, .name = "test"};
}

/* ---- pacer_init: the goal and trigger before the first cycle ---- */

typedef struct init_row {
    const char *name;
    int64_t gogc, memlimit; /* percent, bytes; -1 = off */
    uint64_t goal, trigger;
} init_row;

static const init_row init_rows[] = {
    /* nothing marked, no runway: the trigger at 61/64 of the goal */
    {"default", 100, -1, 4 * MiB, 3997696},
    {"gogc 50", 50, -1, 2 * MiB, 1998848},
    {"gogc 0 keeps a 1% minimum", 0, -1, 41943, 39955},
    {"gogc off", -1, -1, OFF, OFF},
    /* memoryLimitHeapGoal: 2 MiB less the 1 MiB minimum headroom (3 % is
     * less); 61/64 of it */
    {"memlimit under heapMinimum", 100, 2 * MiB, 1048576, 999424},
    /* 64 MiB less 3 % (67108864 / 100 * 3 = 2013264) */
    {"gogc off with memlimit", -1, 64 * MiB, 65095600, 62044198},
};

static void test_init(void)
{
    gc_heap h;
    for (size_t i = 0; i < sizeof init_rows / sizeof init_rows[0]; i++) {
        const init_row *r = &init_rows[i];
        heap_reset(&h, r->gogc, r->memlimit, MODE_CONCURRENT);
        pacer_init(&h);
        expect_u64(r->name, "init goal", atomic_load(&h.heap_goal), r->goal);
        expect_u64(r->name, "init trigger", atomic_load(&h.trigger), r->trigger);
    }
}

/* ---- pacer_mark_done: the next cycle's goal and trigger ---- */

typedef struct done_row {
    const char *name;
    int64_t gogc, memlimit;
    int mode;                 /* MODE_* */
    uint64_t marked;          /* heap_marked at mark termination */
    uint64_t scan;            /* heap scan work this cycle */
    size_t nroots;            /* global roots (8 bytes each) */
    double cons_mark;         /* the cons/mark estimate carried in */
    uint64_t goal, trigger;   /* expected */
} done_row;

static const done_row done_rows[] = {
    /* goal 2 x 10 MiB; runway 1.0 x 3 x 512 KiB = 1.5 MiB; bounds
     * [17858560, 20480000] */
    {"runway inside the bounds", 100, -1, MODE_CONCURRENT, 10 * MiB, 512 * 1024, 0, 1.0,
     20971520, 19398656},
    {"long runway: trigger at 45/64", 100, -1, MODE_CONCURRENT, 10 * MiB, 512 * 1024, 0, 2.0,
     20971520, 17858560},
    {"no runway: trigger at 61/64", 100, -1, MODE_CONCURRENT, 10 * MiB, 512 * 1024, 0, 0,
     20971520, 20480000},
    {"stw triggers at the goal", 100, -1, MODE_STW, 10 * MiB, 512 * 1024, 0, 2.0, 20971520,
     20971520},
    {"heapMinimum", 100, -1, MODE_CONCURRENT, 1 * MiB, 0, 0, 0, 4 * MiB, 4046848},
    /* goal 3.5 MiB x 1.25 < marked + 1 MiB: the sweep distance is the goal */
    {"sweep distance raises the goal", 25, -1, MODE_CONCURRENT, 3670016, 0, 0, 0, 4718592,
     4718592},
    /* 10 MiB + (10 MiB + 8000) x 2 */
    {"gogc 200: globals scaled by GOGC", 200, -1, MODE_CONCURRENT, 10 * MiB, 0, 1000, 0,
     31473280, 30489490},
    /* 61/64 of the way is 204800000, goal - 4 MiB is higher */
    {"big heap: max trigger goal - 4 MiB", 100, -1, MODE_CONCURRENT, 100 * MiB, 0, 0, 0,
     209715200, 205520896},
    {"gogc off", -1, -1, MODE_CONCURRENT, 10 * MiB, 0, 0, 0, OFF, OFF},
    /* 100 MiB less 3 %; goal - 4 MiB is above 61/64 of the way */
    {"gogc off, memlimit 100 MiB", -1, 100 * MiB, MODE_CONCURRENT, 10 * MiB, 0, 0, 0,
     101711872, 97517568},
    /* 16 MiB less 1 MiB headroom, under the gcpercent goal of 20 MiB: no
     * sweep distance in the memory-limit regime; 61/64 of the way */
    {"memlimit binds above marked", 100, 16 * MiB, MODE_CONCURRENT, 10 * MiB, 0, 0, 0,
     15728640, 15482880},
    /* 7 MiB < marked: the goal is marked and the GC runs back to back */
    {"memlimit below marked", 100, 8 * MiB, MODE_CONCURRENT, 10 * MiB, 0, 0, 0, 10485760,
     10485760},
    /* 1.5 MiB of room is under twice the 1 MiB headroom: Go's goal is
     * the headroom, 1 MiB, not 0.5 MiB, above the 0.5 MiB marked; 61/64
     * of the way from marked */
    {"memlimit room under 2x headroom: goal 1 MiB", 100, 1536 * 1024, MODE_CONCURRENT,
     512 * 1024, 0, 0, 0, 1048576, 1024000},
    /* 0.75 MiB of room, under the headroom itself: the same 1 MiB */
    {"memlimit room under the headroom: goal 1 MiB", 100, 768 * 1024, MODE_CONCURRENT,
     512 * 1024, 0, 0, 0, 1048576, 1024000},
    /* goal = marked, raised to the sweep distance */
    {"gogc 0", 0, -1, MODE_CONCURRENT, 10 * MiB, 0, 0, 0, 11534336, 11534336},
};

static void test_mark_done(void)
{
    static gc_heap h;
    static void **roots[1000];
    for (size_t i = 0; i < sizeof done_rows / sizeof done_rows[0]; i++) {
        const done_row *r = &done_rows[i];
        heap_reset(&h, r->gogc, r->memlimit, r->mode);
        pacer_init(&h);
        h.roots = roots;
        h.nroots = r->nroots;
        h.mark_start_live = 12 * MiB;
        h.triggered = 13 * MiB; /* no growth during mark: the estimate is kept */
        h.cons_mark = r->cons_mark;
        h.peak_live = 5 * MiB;
        atomic_store(&h.heap_marked, r->marked);
        atomic_store(&h.scan_work, r->scan);
        atomic_store(&h.heap_live, 13 * MiB);
        pacer_mark_done(&h);
        expect_u64(r->name, "goal", atomic_load(&h.heap_goal), r->goal);
        expect_u64(r->name, "trigger", atomic_load(&h.trigger), r->trigger);
        expect_u64(r->name, "last_runway", h.last_runway, 1 * MiB);
        expect_u64(r->name, "last_marked", h.last_marked, r->marked);
        expect_u64(r->name, "last_heap_scan", h.last_heap_scan, r->scan);
        expect_u64(r->name, "globals_scan", h.globals_scan, r->nroots * 8);
        expect_u64(r->name, "peak_live", h.peak_live, r->marked > 5 * MiB ? r->marked : 5 * MiB);
        /* the trigger decision: heap_live at the trigger starts a cycle, a byte less does not */
        if (r->trigger != OFF) {
            atomic_store(&h.heap_live, r->trigger - 1);
            expect_u64(r->name, "should_trigger below", (uint64_t)pacer_should_trigger(&h), 0);
            atomic_store(&h.heap_live, r->trigger);
            expect_u64(r->name, "should_trigger at", (uint64_t)pacer_should_trigger(&h), 1);
        }
    }
}

/* The modelled runtime's globals (option `globals`) count as Go's
 * globalsScan, like registered roots: 8000 bytes of them give the goal and
 * trigger of the "gogc 200" row's 1000 roots; both add up. */
static void test_runtime_globals(void)
{
    static gc_heap h;
    static void **roots[1000];
    for (int both = 0; both < 2; both++) {
        const char *name = both ? "globals 8000 + 1000 roots" : "globals 8000 bytes";
        heap_reset(&h, 200, -1, MODE_CONCURRENT);
        pacer_init(&h);
        h.cfg.globals = 8000;
        h.roots = roots;
        h.nroots = both ? 1000 : 0;
        h.mark_start_live = 12 * MiB;
        h.triggered = 13 * MiB;
        h.peak_live = 5 * MiB;
        atomic_store(&h.heap_marked, 10 * MiB);
        atomic_store(&h.scan_work, 0);
        atomic_store(&h.heap_live, 13 * MiB);
        pacer_mark_done(&h);
        expect_u64(name, "globals_scan", h.globals_scan, both ? 16000 : 8000);
        /* 10 MiB + (10 MiB + globals) x 2 */
        expect_u64(name, "goal", atomic_load(&h.heap_goal), both ? 31489280 : 31473280);
        if (!both)
            expect_u64(name, "trigger", atomic_load(&h.trigger), 30489490);
    }
}

/* ---- heapScan (gc.h heap_scan) and the goal's source ---- */

/* Mark termination sets heap_scan to the cycle's scan work (Go's
 * resetLive) and records whether the memory limit set the next goal
 * (goal_limited: 8 MiB less 1 MiB headroom is under the 10 MiB marked, so
 * the goal is the marked heap, under GOGC's 20 MiB); the allocation's
 * scan bytes join heap_scan outside mark only; an explicit free takes
 * the pending bytes in and the object's out, never below 0. */
static void test_heap_scan(void)
{
    static gc_heap h;
    for (int lim = 0; lim < 2; lim++) {
        const char *name = lim ? "heap_scan, memory limit" : "heap_scan, GOGC";
        heap_reset(&h, 100, lim ? (int64_t)(8 * MiB) : -1, MODE_CONCURRENT);
        pacer_init(&h);
        h.mark_start_live = 12 * MiB;
        h.triggered = 13 * MiB;
        h.peak_live = 5 * MiB;
        atomic_store(&h.heap_marked, 10 * MiB);
        atomic_store(&h.scan_work, 3 * MiB);
        atomic_store(&h.heap_scan, 7 * MiB);
        atomic_store(&h.heap_live, 13 * MiB);
        pacer_mark_done(&h);
        expect_u64(name, "heap_scan", atomic_load(&h.heap_scan), 3 * MiB);
        expect_u64(name, "goal_limited", (uint64_t)h.goal_limited, (uint64_t)lim);
        expect_u64(name, "goal", atomic_load(&h.heap_goal), lim ? 10 * MiB : 20 * MiB);
    }
    static gc_mutator gm;
    memset(&gm, 0, sizeof gm);
    gm.h = &h;
    atomic_store(&h.heap_scan, 1000);
    atomic_store(&h.phase, GCPH_MARK);
    gm.base.scan_alloc = 300;
    mcache_scan_alloc(&gm, 200);
    expect_u64("scan bytes during mark", "heap_scan", atomic_load(&h.heap_scan), 1000);
    expect_u64("scan bytes during mark", "scan_alloc", gm.base.scan_alloc, 0);
    atomic_store(&h.phase, GCPH_OFF);
    gm.base.scan_alloc = 300;
    mcache_scan_alloc(&gm, 200);
    expect_u64("scan bytes outside mark", "heap_scan", atomic_load(&h.heap_scan), 1500);
    gm.base.scan_alloc = 100;
    mcache_scan_free(&gm, 400);
    expect_u64("explicit free", "heap_scan", atomic_load(&h.heap_scan), 1200);
    expect_u64("explicit free", "scan_alloc", gm.base.scan_alloc, 0);
    mcache_scan_free(&gm, 5000);
    expect_u64("explicit free past 0", "heap_scan", atomic_load(&h.heap_scan), 0);
}

/* ---- endCycle: the cons/mark estimate and the runway ---- */

static void expect_f(const char *row, const char *what, double got, double want)
{
    double d = got - want;
    if (d < 0)
        d = -d;
    if (d > 1e-12 * (want < 0 ? -want : want) + 1e-15) {
        fprintf(stderr, "FAIL %s: %s = %.17g, want %.17g\n", row, what, got, want);
        failures++;
    }
}

/* One mark of 1 ms on 2 procs from heap_live 2 MiB to 2 MiB + grown, with
 * 512 KiB of heap scan work, the given assist and idle worker time. */
static void end_mark(gc_heap *h, uint64_t grown, uint64_t assist_ns, uint64_t idle_ns)
{
    h->t_mark = 1000;
    h->t_markterm = 1000 + 1000000;
    h->triggered = 2 * MiB;
    h->mark_start_live = 2 * MiB;
    atomic_store(&h->heap_live, 2 * MiB + grown);
    atomic_store(&h->heap_marked, 1 * MiB);
    atomic_store(&h->scan_work, 512 * 1024);
    atomic_store(&h->cycle_assist_ns, assist_ns);
    atomic_store(&h->cycle_idle_ns, idle_ns);
    pacer_mark_done(h);
}

static void test_cons_mark(void)
{
    static gc_heap h;
    heap_reset(&h, 100, -1, MODE_CONCURRENT);
    pacer_init(&h);
    /* u = 0.25 + 0.5 ms / (1 ms x 2) = 0.5, idle = 0.5:
     * 1 MiB x 1.0 / (512 KiB x 0.5) = 4 */
    end_mark(&h, 1 * MiB, 500000, 1000000);
    expect_f("cons/mark", "cons_mark", h.cons_mark, 4.0);
    expect_u64("cons/mark", "runway", h.runway, 4 * 3 * 512 * 1024);
    /* u = 0.25, idle = 0.25: 768 KiB x 0.5 / (512 KiB x 0.75) = 1; the 4
     * stays the estimate while it is one of the last 4 */
    for (int i = 2; i <= 5; i++) {
        end_mark(&h, 768 * 1024, 0, 500000);
        expect_f("cons/mark: the max of the last 4", "cons_mark", h.cons_mark, 4.0);
    }
    end_mark(&h, 768 * 1024, 0, 500000);
    expect_f("cons/mark: the 4 has aged out", "cons_mark", h.cons_mark, 1.0);
    expect_u64("cons/mark: the 4 has aged out", "runway", h.runway, 3 * 512 * 1024);
    end_mark(&h, 0, 0, 500000);
    expect_f("cons/mark: no growth, no estimate", "cons_mark", h.cons_mark, 1.0);
}

/* ---- revise: the assist ratio during mark ---- */

typedef struct revise_row {
    const char *name;
    uint64_t last_scan, scan, live, goal, triggered;
    double work_per_byte, bytes_per_work;
    uint64_t heap_scan; /* Go's heapScan, the worst case; 0: live (all of it scannable) */
    int limited;        /* the goal is the memory limit's */
} revise_row;

static const revise_row revise_rows[] = {
    /* (4 - 1) MiB of work left over (20 - 12) MiB of heap */
    {"estimate holds", 4 * MiB, 1 * MiB, 12 * MiB, 20 * MiB, 10 * MiB, 0.375, 8.0 / 3.0, 0, 0},
    /* past the estimate: worst case 12 MiB, goal extended to
     * 10/1 x 12 + 10 MiB, cut to 2 x 20 MiB: 10 MiB over 28 MiB */
    {"past the estimate", 1 * MiB, 2 * MiB, 12 * MiB, 20 * MiB, 10 * MiB, 10.0 / 28.0, 2.8, 0, 0},
    /* past the goal: goal x 1.1 = 11e6, worst case 10.5e6 - 1 MiB done */
    {"past the goal", 4 * MiB, 1 * MiB, 10500000, 10000000, 5000000, 9451424.0 / 500000.0,
     500000.0 / 9451424.0, 0, 0},
    /* goal under triggered + 64 KiB: 4 MiB over 64 KiB */
    {"least runway 64 KiB", 4 * MiB, 0, 10 * MiB, 10 * MiB, 10 * MiB, 64.0, 1.0 / 64.0, 0, 0},
    /* the last 1000 bytes of work are always expected */
    {"work done: 1000 bytes left", 1 * MiB, 1 * MiB, 12 * MiB, 12 * MiB + 1000, 10 * MiB, 1.0, 1.0,
     0, 0},
    /* the worst case is the scannable heap, not heap_live: past the goal
     * of a heap that is mostly pointer-free, 2 MiB - 1 MiB of work left
     * over 11e6 - 10.5e6 bytes (with heap_live as the worst case it was
     * 9451424 bytes: 19x the assists) */
    {"past the goal, scannable heap 2 MiB", 4 * MiB, 1 * MiB, 10500000, 10000000, 5000000,
     1048576.0 / 500000.0, 500000.0 / 1048576.0, 2 * MiB, 0},
    /* all of the scannable heap scanned: the 1000 bytes' floor */
    {"past the goal, scannable heap scanned", 4 * MiB, 1 * MiB, 10500000, 10000000, 5000000,
     1000.0 / 500000.0, 500.0, 1 * MiB, 0},
    /* past the estimate: the goal extends by the scannable heap's
     * growth: 10/1 x 3 MiB + 10 MiB = 40 MiB, cut to 2 x 20: 1 MiB over 28 MiB */
    {"past the estimate, scannable heap 3 MiB", 1 * MiB, 2 * MiB, 12 * MiB, 20 * MiB, 10 * MiB,
     1.0 / 28.0, 28.0, 3 * MiB, 0},
    /* the memory limit's goal at the marked heap, the heap past it: no
     * 64 KiB runway (Go's heapGoalInternal), so the 1.1 overshoot gives
     * 11e6 - 10.5e6 for 1 MiB of work ... */
    {"memory limit: no minimum runway", 4 * MiB, 1 * MiB, 10500000, 10000000, 10400000,
     1048576.0 / 500000.0, 500000.0 / 1048576.0, 2 * MiB, 1},
    /* ... where the gcpercent goal is raised to triggered + 64 KiB, then
     * overshot: 1.1 x 10465536 - 10.5e6 */
    {"gcpercent goal: minimum runway", 4 * MiB, 1 * MiB, 10500000, 10000000, 10400000,
     1048576.0 / 1012089.0, 1012089.0 / 1048576.0, 2 * MiB, 0},
};

static void test_revise(void)
{
    gc_heap h;
    for (size_t i = 0; i < sizeof revise_rows / sizeof revise_rows[0]; i++) {
        const revise_row *r = &revise_rows[i];
        heap_reset(&h, 100, -1, MODE_CONCURRENT);
        h.last_heap_scan = r->last_scan;
        h.triggered = r->triggered;
        atomic_store(&h.scan_work, r->scan);
        atomic_store(&h.heap_live, r->live);
        atomic_store(&h.heap_scan, r->heap_scan ? r->heap_scan : r->live);
        h.goal_limited = r->limited;
        atomic_store(&h.heap_goal, r->goal);
        pacer_revise(&h);
        expect_f(r->name, "assist_work_per_byte", atomic_load(&h.assist_work_per_byte),
                 r->work_per_byte);
        expect_f(r->name, "assist_bytes_per_work", atomic_load(&h.assist_bytes_per_work),
                 r->bytes_per_work);
    }
}

/* ---- the worker split (Go's startCycle) ---- */

static void test_workers(void)
{
    static const struct { unsigned procs; int dedicated; double fractional; } rows[] = {
        {1, 0, 0.25}, {2, 0, 0.25}, {3, 0, 0.25}, {4, 1, 0}, {6, 1, 0.5 / 6}, {8, 2, 0},
        {10, 3, 0}, {64, 16, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int d;
        double f;
        char name[32];
        snprintf(name, sizeof name, "%u procs", rows[i].procs);
        pacer_workers(rows[i].procs, &d, &f);
        expect_u64(name, "dedicated", (uint64_t)d, (uint64_t)rows[i].dedicated);
        expect_f(name, "fractional", f, rows[i].fractional);
    }
}

/* ---- which worker marks: dedicated, fractional, idle (Go's
 * findRunnableGCWorker and idle workers) ---- */

static void test_worker_roles(void)
{
    /* GOMAXPROCS 2: no dedicated worker, fractional 0.25 (worker 0); 4: one
     * dedicated (worker 0), no fractional.  busy/elapsed in ns. */
    static const struct {
        const char *name;
        int dedicated;
        double fractional;
        gc_worker_view v;
        int want;
    } rows[] = {
        {"lone mutator, free proc: fractional under its share", 0, 0.25,
         {.idx = 0, .procs = 2, .nrunning = 1, .nworking = 0, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 0}, GC_ROLE_BG},
        {"fractional over its share, work seen: idle", 0, 0.25,
         {.idx = 0, .procs = 2, .nrunning = 1, .nworking = 0, .busy_ns = 600, .elapsed_ns = 1000,
          .work_visible = 1}, GC_ROLE_IDLE},
        {"fractional over its share, no work seen: wait", 0, 0.25,
         {.idx = 0, .procs = 2, .nrunning = 1, .nworking = 0, .busy_ns = 600, .elapsed_ns = 1000,
          .work_visible = 0}, GC_ROLE_WAIT},
        /* the idle worker holds the one free proc: a P runs one worker */
        {"fractional while an idle worker holds the free proc: wait", 0, 0.25,
         {.idx = 0, .procs = 2, .nrunning = 1, .nworking = 1, .nidle = 1, .busy_ns = 0,
          .elapsed_ns = 1000, .work_visible = 1}, GC_ROLE_WAIT},
        {"3 procs, an idle worker on one free proc: fractional on the other", 0, 0.25,
         {.idx = 0, .procs = 3, .nrunning = 1, .nworking = 1, .nidle = 1, .busy_ns = 0,
          .elapsed_ns = 1000, .work_visible = 0}, GC_ROLE_BG},
        {"idle while the fractional holds the free proc: wait", 0, 0.25,
         {.idx = 1, .procs = 2, .nrunning = 1, .nworking = 1, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 1}, GC_ROLE_WAIT},
        {"idle on the free proc", 0, 0.25,
         {.idx = 1, .procs = 2, .nrunning = 1, .nworking = 0, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 1}, GC_ROLE_IDLE},
        {"idle without visible work: wait", 0, 0.25,
         {.idx = 1, .procs = 2, .nrunning = 1, .nworking = 0, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 0}, GC_ROLE_WAIT},
        /* every proc runs a mutator: the fractional takes a P's turn */
        {"mutators on every proc: fractional displaces one", 0, 0.25,
         {.idx = 0, .procs = 2, .nrunning = 2, .nworking = 0, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 0}, GC_ROLE_BG},
        {"mutators on every proc: no idle worker", 0, 0.25,
         {.idx = 1, .procs = 2, .nrunning = 2, .nworking = 0, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 1}, GC_ROLE_WAIT},
        /* a parked assist frees its proc: both procs free */
        {"mutator parked: idle beside the fractional", 0, 0.25,
         {.idx = 1, .procs = 2, .nrunning = 0, .nworking = 1, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 1}, GC_ROLE_IDLE},
        {"dedicated, every proc busy", 1, 0,
         {.idx = 0, .procs = 4, .nrunning = 4, .nworking = 3, .busy_ns = 5000, .elapsed_ns = 1000,
          .work_visible = 0}, GC_ROLE_BG},
        {"4 procs, 2 mutators, dedicated working: idle on the last free proc", 1, 0,
         {.idx = 2, .procs = 4, .nrunning = 2, .nworking = 1, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 1}, GC_ROLE_IDLE},
        /* GOMAXPROCS 6: one dedicated, fractional 0.5 / 6 (worker 1) */
        {"6 procs, 5 mutators and the dedicated worker: fractional displaces", 1, 0.5 / 6,
         {.idx = 1, .procs = 6, .nrunning = 5, .nworking = 1, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 0}, GC_ROLE_BG},
        {"4 procs, no fractional: worker 1 is only ever idle", 1, 0,
         {.idx = 1, .procs = 4, .nrunning = 3, .nworking = 1, .busy_ns = 0, .elapsed_ns = 1000,
          .work_visible = 1}, GC_ROLE_WAIT},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        expect_u64(rows[i].name, "role",
                   (uint64_t)pacer_worker_role(rows[i].dedicated, rows[i].fractional, &rows[i].v),
                   (uint64_t)rows[i].want);
}

/* ---- assists: background credit before scanning, parking ---- */

static void test_credit(void)
{
    static gc_heap h;
    static gc_mutator gm;
    heap_reset(&h, 100, -1, MODE_CONCURRENT);
    mark_init(&h.work);
    pthread_mutex_init(&h.assist_lock, NULL);
    pthread_cond_init(&h.assist_cond, NULL);
    clock_ns = 1000;
    pacer_init(&h);
    memset(&gm, 0, sizeof gm);
    gm.h = &h;
    atomic_store(&h.phase, GCPH_MARK);
    atomic_store(&h.assist_work_per_byte, 1.0);
    atomic_store(&h.assist_bytes_per_work, 1.0);

    /* the credit covers the debt: stolen, nothing scanned */
    atomic_store(&h.bg_scan_credit, (int64_t)MiB);
    gm.assist_bytes = -100000;
    memset(nevents, 0, sizeof nevents);
    expect_u64("credit covers", "mark_assist", (uint64_t)mark_assist(&gm), 0);
    expect_u64("credit covers", "assist_bytes", (uint64_t)gm.assist_bytes, 0);
    expect_u64("credit covers", "credit left", (uint64_t)atomic_load(&h.bg_scan_credit),
               MiB - 100000);
    expect_u64("credit covers", "assists begun", (uint64_t)nevents[GCB_EV_ASSIST_BEGIN], 0);

    /* a small debt steals at least gcOverAssistWork, the surplus kept */
    gm.assist_bytes = -100;
    expect_u64("over-assist", "mark_assist", (uint64_t)mark_assist(&gm), 0);
    expect_u64("over-assist", "assist_bytes", (uint64_t)gm.assist_bytes, 65536 - 100);
    expect_u64("over-assist", "credit left", (uint64_t)atomic_load(&h.bg_scan_credit),
               MiB - 100000 - 65536);

    /* the credit falls short and the work list is empty: all the credit
     * is taken (+1 per step, Go's rounding), then the caller parks */
    atomic_store(&h.bg_scan_credit, 10000);
    gm.assist_bytes = -100000;
    expect_u64("credit short", "mark_assist", (uint64_t)mark_assist(&gm), 1);
    expect_u64("credit short", "assist_bytes", (uint64_t)-gm.assist_bytes, 100000 - 10001 - 1);
    expect_u64("credit short", "credit left", (uint64_t)atomic_load(&h.bg_scan_credit), 0);
    expect_u64("credit short", "assists begun", (uint64_t)nevents[GCB_EV_ASSIST_BEGIN], 1);

    /* parked: worker credit pays the queue first */
    expect_u64("park", "enqueue", (uint64_t)mark_assist_enqueue(&gm), 1);
    expect_u64("park", "parked", (uint64_t)atomic_load(&h.nassist_parked), 1);
    mark_flush_bg_credit(&h, 50000);
    expect_u64("partly paid", "assist_bytes", (uint64_t)-gm.assist_bytes, 89998 - 50000);
    expect_u64("partly paid", "still parked", (uint64_t)gm.assist_parked, 1);
    expect_u64("partly paid", "credit", (uint64_t)atomic_load(&h.bg_scan_credit), 0);
    mark_flush_bg_credit(&h, 60000);
    expect_u64("paid", "assist_bytes", (uint64_t)gm.assist_bytes, 0);
    expect_u64("paid", "parked", (uint64_t)gm.assist_parked, 0);
    expect_u64("paid", "queue", (uint64_t)atomic_load(&h.nassist_parked), 0);
    expect_u64("paid", "surplus to credit", (uint64_t)atomic_load(&h.bg_scan_credit),
               60000 - 39998);
    mark_assist_wait(&gm); /* returns at once */

    /* credit present: no need to park */
    expect_u64("credit at park", "enqueue", (uint64_t)mark_assist_enqueue(&gm), 0);
    expect_u64("credit at park", "queue", (uint64_t)atomic_load(&h.nassist_parked), 0);
    /* mark over: every parked assist is let go */
    atomic_store(&h.bg_scan_credit, 0);
    gm.assist_bytes = -5;
    expect_u64("wake all", "enqueue", (uint64_t)mark_assist_enqueue(&gm), 1);
    mark_wake_assists(&h);
    expect_u64("wake all", "parked", (uint64_t)gm.assist_parked, 0);
    expect_u64("wake all", "queue", (uint64_t)atomic_load(&h.nassist_parked), 0);
    atomic_store(&h.phase, GCPH_MARKTERM);
    expect_u64("mark over", "enqueue", (uint64_t)mark_assist_enqueue(&gm), 0);
    expect_u64("mark over", "mark_assist", (uint64_t)mark_assist(&gm), 0);
    mark_destroy(&h.work);
    pthread_mutex_destroy(&h.assist_lock);
    pthread_cond_destroy(&h.assist_cond);
}

/* ---- the GC CPU limiter, evaluated at mark done ---- */

typedef struct limiter_row {
    const char *name;
    int64_t memlimit;
    uint64_t elapsed_ns, gc_ns; /* wall time since the last update; GC CPU charged */
    uint64_t idle_ns;           /* idle mark workers' time: neither GC nor mutator */
    int64_t bucket_ns;          /* expected fill; capacity 1 s x 2 procs */
    int on;
    int mark;                   /* a concurrent mark spans the window */
} limiter_row;

static const limiter_row limiter_rows[] = {
    {"GC at half the CPU drains as it fills", 1 << 30, 1000000000, 1000000000, 0, 0, 0, 0},
    /* 0.75 s charged + 25 % x 2 procs x 1 s of mark: 1.25 - 0.75 (without
     * the mark's share, 0.75 - 1.25 would drain); 1.0 s: 1.5 - 0.5 */
    {"mark counts 25 % of procs as GC", 1 << 30, 1000000000, 750000000, 0, 500000000, 0, 1},
    {"mark: over half fills", 1 << 30, 1000000000, 1000000000, 0, 1000000000, 0, 1},
    /* Go's accumulate: fill += gc - (total - gc) = 1.5 - 0.5 CPU-seconds. */
    {"over half fills", 1 << 30, 1000000000, 1500000000, 0, 1000000000, 0, 0},
    /* the idle 0.5 s leaves a total of 1.5: fill += 1.5 - 0 */
    {"idle mark time is not mutator time", 1 << 30, 1000000000, 1500000000, 500000000,
     1500000000, 0, 0},
    {"a quarter drains", 1 << 30, 1000000000, 500000000, 0, 0, 0, 0},
    {"full: assists off", 1 << 30, 1000000000, 3000000000, 0, 2000000000, 1, 0},
    {"overflow clamps to capacity", 1 << 30, 1000000000, 9000000000, 0, 2000000000, 1, 0},
    {"full without a memory limit: assists stay on", -1, 1000000000, 3000000000, 0, 2000000000,
     0, 0},
};

static void test_limiter(void)
{
    static gc_heap h;
    for (size_t i = 0; i < sizeof limiter_rows / sizeof limiter_rows[0]; i++) {
        const limiter_row *r = &limiter_rows[i];
        heap_reset(&h, 100, r->memlimit, MODE_CONCURRENT);
        clock_ns = 1000;
        pacer_init(&h);
        pacer_limiter_charge(&h, r->gc_ns);
        if (r->idle_ns)
            pacer_limiter_idle(&h, r->idle_ns);
        expect_u64(r->name, "total_gc_ns", atomic_load(&h.total_gc_ns), r->gc_ns + r->idle_ns);
        if (r->mark)
            atomic_store(&h.mark_begin_ns, clock_ns);
        clock_ns += r->elapsed_ns;
        h.t_markterm = r->mark ? clock_ns : 0;
        atomic_store(&h.heap_marked, 10 * MiB);
        pacer_mark_done(&h);
        expect_u64(r->name, "bucket", (uint64_t)h.limiter_bucket_ns, (uint64_t)r->bucket_ns);
        expect_u64(r->name, "limiter_on", (uint64_t)atomic_load(&h.limiter_on), (uint64_t)r->on);
        expect_u64(r->name, "gc_cpu_ns drained", atomic_load(&h.gc_cpu_ns), 0);
        expect_u64(r->name, "mark over", atomic_load(&h.mark_begin_ns), 0);
    }
}

/* ---- memoryLimitHeapGoal with non-heap memory, and the scavenger ---- */

typedef struct limit_row {
    const char *name;
    int64_t memlimit;
    uint64_t nonheap, inuse, alloc, free, scavenged; /* option, page heap, heap_alloc */
    uint64_t goal, trigger, retain;                  /* expected */
    uint64_t cached; /* of alloc, bytes in cached spans that heap_alloc_flushed
                        has yet to count (Go's mcache slots) */
    uint64_t runtime_unused; /* option: free slots of the runtime objects' spans */
} limit_row;

/* marked 4 MiB, GOGC 200 (gcpercent goal 12 MiB), no runway.  Go's
 * mappedReady = inuse + free - scavenged + nonheap; nonHeapMemory =
 * mappedReady - heapFree - heapAlloc, where heapAlloc is alloc less the
 * slots cached spans have yet to count.  The scavenger retains the lower of
 * goal + 10 % and 95 % of the limit less nonheap. */
static const limit_row limit_rows[] = {
    /* mappedReady 12 MiB, nonHeap 5 MiB: 16 - 5 = 11 MiB less 1 MiB */
    {"nonheap and unused slots", 16 * MiB, 3 * MiB, 8 * MiB, 6 * MiB, 2 * MiB, 1 * MiB,
     10 * MiB, 4 * MiB + 6 * MiB / 64 * 61, 10 * MiB / 10 * 11, 0, 0},
    /* the same heap, limit 10 MiB: overage 2 MiB, 10 - 7 = 3 MiB less 1 MiB
     * is under marked: back to back */
    {"overage", 10 * MiB, 3 * MiB, 8 * MiB, 6 * MiB, 2 * MiB, 1 * MiB, 4 * MiB, 4 * MiB,
     4 * MiB / 10 * 11, 0, 0},
    /* the runtime alone fills the limit; the scavenger keeps nothing (95 %
     * of the limit less nonheap is below zero), not the goal + 10 % */
    {"nonheap over the limit", 4 * MiB, 5 * MiB, 8 * MiB, 6 * MiB, 0, 0, 4 * MiB, 4 * MiB, 0, 0, 0},
    /* the first row with 1 MiB of alloc in cached spans: Go counts it as
     * non-heap until the spans leave their caches; 16 - 6 = 10 MiB less 1 */
    {"cached slots are non-heap", 16 * MiB, 3 * MiB, 8 * MiB, 6 * MiB, 2 * MiB, 1 * MiB,
     9 * MiB, 4 * MiB + 5 * MiB / 64 * 61, 9 * MiB / 10 * 11, 1 * MiB, 0},
    /* the first row with 1 MiB of free slots in the runtime's own spans
     * (option runtime_unused): in-use pages to Go, so mapped and not heap,
     * as the cached slots above; 95 % of 16 MiB less 4 MiB is no bound */
    {"runtime objects' spans", 16 * MiB, 3 * MiB, 8 * MiB, 6 * MiB, 2 * MiB, 1 * MiB,
     9 * MiB, 4 * MiB + 5 * MiB / 64 * 61, 9 * MiB / 10 * 11, 0, 1 * MiB},
    /* limit 8 MiB: mapped 8 + 1 + 3 + 1 = 13 MiB, overage 5 MiB: back to
     * back; the scavenger keeps 95 % of 8 MiB less 4 MiB, under goal + 10 % */
    {"runtime objects' spans, overage", 8 * MiB, 3 * MiB, 8 * MiB, 6 * MiB, 2 * MiB, 1 * MiB,
     4 * MiB, 4 * MiB, 8 * MiB / 100 * 95 - 4 * MiB, 0, 1 * MiB},
    /* a limit far above: the gcpercent goal, with the sweep distance */
    {"limit not binding", 64 * MiB, 3 * MiB, 8 * MiB, 6 * MiB, 2 * MiB, 1 * MiB, 12 * MiB,
     4 * MiB + 8 * MiB / 64 * 61, 12 * MiB / 10 * 11, 0, 0},
};

static void test_memlimit_nonheap(void)
{
    static gc_heap h;
    for (size_t i = 0; i < sizeof limit_rows / sizeof limit_rows[0]; i++) {
        const limit_row *r = &limit_rows[i];
        heap_reset(&h, 200, r->memlimit, MODE_CONCURRENT);
        h.cfg.nonheap = r->nonheap;
        h.cfg.runtime_unused = r->runtime_unused;
        h.cfg.scavenge = SCAV_GOAL;
        pacer_init(&h);
        atomic_store(&h.ph.inuse_bytes, r->inuse);
        atomic_store(&h.ph.free_bytes, r->free);
        atomic_store(&h.ph.scavenged_bytes, r->scavenged);
        atomic_store(&h.heap_alloc, r->alloc);
        atomic_store(&h.heap_alloc_flushed, r->alloc - r->cached);
        h.mark_start_live = 4 * MiB;
        h.triggered = 4 * MiB;
        atomic_store(&h.heap_marked, 4 * MiB);
        atomic_store(&h.heap_live, 4 * MiB);
        pacer_mark_done(&h);
        expect_u64(r->name, "goal", atomic_load(&h.heap_goal), r->goal);
        expect_u64(r->name, "trigger", atomic_load(&h.trigger), r->trigger);
        expect_u64(r->name, "scavenge retain", pacer_scavenge_retain(&h), r->retain);
    }
    /* Between cycles the goal follows the heap, as Go's trigger() does:
     * 2 MiB more unused slot bytes lower the trigger of the first row */
    const limit_row *r = &limit_rows[0];
    heap_reset(&h, 200, r->memlimit, MODE_CONCURRENT);
    h.cfg.nonheap = r->nonheap;
    pacer_init(&h);
    atomic_store(&h.ph.inuse_bytes, r->inuse);
    atomic_store(&h.heap_alloc, r->alloc);
    atomic_store(&h.heap_alloc_flushed, r->alloc);
    h.mark_start_live = h.triggered = 4 * MiB;
    atomic_store(&h.heap_marked, 4 * MiB);
    atomic_store(&h.heap_live, 4 * MiB);
    pacer_mark_done(&h);
    uint64_t t = atomic_load(&h.trigger);
    atomic_store(&h.heap_live, t);
    expect_u64("moving goal", "should_trigger at the committed trigger", (uint64_t)pacer_should_trigger(&h), 1);
    atomic_store(&h.heap_alloc, r->alloc - 2 * MiB);
    atomic_store(&h.heap_alloc_flushed, r->alloc - 2 * MiB);
    uint64_t lower = 4 * MiB + ((9 * MiB - MiB) - 4 * MiB) / 64 * 61;
    atomic_store(&h.heap_live, lower - 1);
    expect_u64("moving goal", "should_trigger below the moved trigger", (uint64_t)pacer_should_trigger(&h), 0);
    atomic_store(&h.heap_live, lower);
    expect_u64("moving goal", "should_trigger at the moved trigger", (uint64_t)pacer_should_trigger(&h), 1);
    /* mark start fixes the cycle's goal from the moved heap */
    pacer_mark_start(&h);
    expect_u64("moving goal", "goal at mark start", atomic_load(&h.heap_goal), 8 * MiB);
}

/* Under a memory limit the goal moves during mark as Go's heapGoal() does:
 * a span cached during mark adds in-use pages its slots are not yet
 * counted in (non-heap to Go until the span leaves its cache), so revise
 * paces the assists to the lower goal and mark end records it as the
 * cycle's (lastHeapGoal).  The limit row "nonheap and unused slots":
 * 16 - (8 + 3 - 6) - 1 = 10 MiB at mark start; one more MiB of in-use
 * pages gives 9 MiB.  Without a limit the goal stays the cycle's. */
static void test_memlimit_goal_moves(void)
{
    static gc_heap h;
    for (int limited = 1; limited >= 0; limited--) {
        const char *name = limited ? "goal moves under the limit" : "goal fixed without a limit";
        heap_reset(&h, 200, limited ? 16 * (int64_t)MiB : -1, MODE_CONCURRENT);
        h.cfg.nonheap = 3 * MiB;
        pacer_init(&h);
        atomic_store(&h.ph.inuse_bytes, 8 * MiB);
        atomic_store(&h.ph.free_bytes, 2 * MiB);
        atomic_store(&h.ph.scavenged_bytes, 1 * MiB);
        atomic_store(&h.heap_alloc, 6 * MiB);
        atomic_store(&h.heap_alloc_flushed, 6 * MiB);
        h.mark_start_live = h.triggered = 4 * MiB;
        atomic_store(&h.heap_marked, 4 * MiB);
        atomic_store(&h.heap_live, 4 * MiB);
        pacer_mark_done(&h);
        uint64_t goal0 = atomic_load(&h.heap_goal);
        expect_u64(name, "goal at mark done", goal0, limited ? 10 * MiB : 12 * MiB);
        atomic_store(&h.heap_live, 5 * MiB);
        pacer_mark_start(&h);
        atomic_store(&h.ph.inuse_bytes, 9 * MiB);
        pacer_revise(&h);
        uint64_t goal = limited ? 9 * MiB : goal0;
        double remaining = (double)(h.last_heap_scan + h.stack_scan + h.globals_scan);
        if (remaining < 1000)
            remaining = 1000;
        expect_f(name, "assist_work_per_byte", atomic_load(&h.assist_work_per_byte),
                 remaining / (double)(goal - 5 * MiB));
        pacer_mark_end(&h);
        expect_u64(name, "last_goal (lastHeapGoal)", h.last_goal, goal);
        expect_u64(name, "heap_goal: the cycle's, from mark start", atomic_load(&h.heap_goal), goal0);
    }
}

int main(void)
{
    test_init();
    test_mark_done();
    test_runtime_globals();
    test_memlimit_nonheap();
    test_memlimit_goal_moves();
    test_cons_mark();
    test_revise();
    test_heap_scan();
    test_workers();
    test_worker_roles();
    test_credit();
    test_limiter();
    if (failures) {
        fprintf(stderr, "pacer: %d checks failed\n", failures);
        return 1;
    }
    printf("pacer: every row holds\n");
    return 0;
}
