/* pacer.c - table-driven test of the Go-like core's pacer
 * (collectors/core/pacer.c): each row is the state at the end of a mark
 * (or at mark start, or at heap creation) and the heap goal, trigger,
 * assist ratio or limiter state the pacer must derive from it.
 *
 * The expected values follow the definitions at the top of pacer.c, which
 * model Go's mgcpacer.go:
 * - goal = heap_marked + heap_marked * GOGC/100 + roots (Go's
 *   gcPercentHeapGoal; Go also scales the root bytes by GOGC/100, the
 *   model adds them once: equal at GOGC = 100, see row "gogc 200 roots"),
 *   at least heapMinimum = 4 MiB * GOGC/100;
 * - with a memory limit, goal <= 95 % of it, but never below heap_marked
 *   (then heap_marked + 1/64 + one page);
 * - trigger = goal - runway (the bytes allocated during the last mark),
 *   clamped to [0.7, 0.95] of the way from heap_marked to goal (Go's
 *   minTriggerRatioNum/maxTriggerRatioNum over triggerRatioDen); STW mode
 *   triggers at the goal;
 * - assist ratio = expected scan work / (goal - heap_live at mark start)
 *   (Go's assistWorkPerByte), the distance at least 1 MiB;
 * - limiter: GC CPU fills a bucket of 1 CPU-second per proc that 50 % of
 *   the CPU capacity drains; assists are off while it is full and a memory
 *   limit is set.
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

static gcb_host host = {.now_ns = stub_now, .procs = 2};

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
    {"default", 100, -1, 4 * MiB, 4 * MiB / 8 * 7},
    {"gogc 50", 50, -1, 2 * MiB, 2 * MiB / 8 * 7},
    {"gogc 0 keeps a 1% minimum", 0, -1, 41943, 41943 / 8 * 7},
    {"gogc off", -1, -1, OFF, OFF},
    {"memlimit under heapMinimum", 100, 2 * MiB, 1992245, 1992245 / 8 * 7},
    {"gogc off with memlimit", -1, 64 * MiB, 63753360, 55784190},
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
    uint64_t start, end;      /* heap_live at mark start and at mark end */
    size_t nroots;            /* global roots (8 bytes each) */
    uint64_t goal, trigger;   /* expected */
} done_row;

static const done_row done_rows[] = {
    /* goal 2 x 10 MiB (10 MiB / 100 * 100 truncates 60 bytes); runway 1 MiB */
    {"gogc 100", 100, -1, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 13 * MiB, 0, 20971460, 19922884},
    {"long runway: trigger at 0.7", 100, -1, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 20 * MiB, 0,
     20971460, 17825750},
    {"no runway: trigger at 0.95", 100, -1, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 11 * MiB, 0,
     20971460, 20447175},
    {"stw triggers at the goal", 100, -1, MODE_STW, 10 * MiB, 12 * MiB, 13 * MiB, 0, 20971460,
     20971460},
    {"heapMinimum", 100, -1, MODE_CONCURRENT, 1 * MiB, 2 * MiB, 2 * MiB, 0, 4 * MiB, 4037010},
    {"roots raise the goal", 100, -1, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 13 * MiB, 1000,
     20979460, 19930884},
    {"gogc 200, 6 bytes under 0.95", 200, -1, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 13 * MiB, 0,
     31457160, 30408584},
    {"gogc 200 roots, clamped at 0.95", 200, -1, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 13 * MiB, 1000, 31465160,
     30416190},
    {"gogc off", -1, -1, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 13 * MiB, 0, OFF, OFF},
    {"gogc off, memlimit 100 MiB", -1, 100 * MiB, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 13 * MiB,
     0, 99614720, 95158272},
    {"memlimit binds above marked", 100, 16 * MiB, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 13 * MiB,
     0, 15938340, 14889764},
    {"memlimit below marked", 100, 8 * MiB, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 13 * MiB, 0,
     10657792, 10606181},
    {"gogc 0", 0, -1, MODE_CONCURRENT, 10 * MiB, 12 * MiB, 13 * MiB, 0, 10 * MiB, 10 * MiB},
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
        h.mark_start_live = r->start;
        h.peak_live = 5 * MiB;
        atomic_store(&h.heap_marked, r->marked);
        atomic_store(&h.heap_live, r->end);
        pacer_mark_done(&h);
        expect_u64(r->name, "goal", atomic_load(&h.heap_goal), r->goal);
        expect_u64(r->name, "trigger", atomic_load(&h.trigger), r->trigger);
        expect_u64(r->name, "last_runway", h.last_runway, r->end > r->start ? r->end - r->start : 0);
        expect_u64(r->name, "last_marked", h.last_marked, r->marked);
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

/* ---- pacer_mark_start: the assist ratio ---- */

typedef struct assist_row {
    const char *name;
    uint64_t last_marked, live, goal;
    double ratio; /* scan bytes owed per byte allocated */
} assist_row;

static const assist_row assist_rows[] = {
    {"last cycle's marked over the distance", 10 * MiB, 15 * MiB, 20 * MiB, 2.0},
    {"small debt", 1 * MiB, 2 * MiB, 10 * MiB, 0.125},
    {"first cycle expects heap_live", 0, 3 * MiB, 9 * MiB, 0.5},
    {"at the goal: 1 MiB distance", 0, 4 * MiB, 4 * MiB, 4.0},
    {"past the goal: 1 MiB distance", 6 * MiB, 9 * MiB, 8 * MiB, 6.0},
    {"live under last marked", 3 * MiB, 1 * MiB, 3 * MiB, 1.5},
};

static void test_assist(void)
{
    gc_heap h;
    for (size_t i = 0; i < sizeof assist_rows / sizeof assist_rows[0]; i++) {
        const assist_row *r = &assist_rows[i];
        heap_reset(&h, 100, -1, MODE_CONCURRENT);
        h.last_marked = r->last_marked;
        h.mark_start_live = r->live;
        atomic_store(&h.heap_goal, r->goal);
        pacer_mark_start(&h);
        if (h.assist_ratio != r->ratio) {
            fprintf(stderr, "FAIL %s: assist ratio %g, want %g\n", r->name, h.assist_ratio, r->ratio);
            failures++;
        }
    }
}

/* ---- the GC CPU limiter, evaluated at mark done ---- */

typedef struct limiter_row {
    const char *name;
    int64_t memlimit;
    uint64_t elapsed_ns, gc_ns; /* wall time since the last update; GC CPU charged */
    int64_t bucket_ns;          /* expected fill; capacity 1 s x 2 procs */
    int on;
} limiter_row;

static const limiter_row limiter_rows[] = {
    {"GC at half the CPU drains as it fills", 1 << 30, 1000000000, 1000000000, 0, 0},
    /* Go's accumulate: fill += gc - (total - gc) = 1.5 - 0.5 CPU-seconds. */
    {"over half fills", 1 << 30, 1000000000, 1500000000, 1000000000, 0},
    {"a quarter drains", 1 << 30, 1000000000, 500000000, 0, 0},
    {"full: assists off", 1 << 30, 1000000000, 3000000000, 2000000000, 1},
    {"overflow clamps to capacity", 1 << 30, 1000000000, 9000000000, 2000000000, 1},
    {"full without a memory limit: assists stay on", -1, 1000000000, 3000000000, 2000000000, 0},
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
        expect_u64(r->name, "total_gc_ns", atomic_load(&h.total_gc_ns), r->gc_ns);
        clock_ns += r->elapsed_ns;
        atomic_store(&h.heap_marked, 10 * MiB);
        pacer_mark_done(&h);
        expect_u64(r->name, "bucket", (uint64_t)h.limiter_bucket_ns, (uint64_t)r->bucket_ns);
        expect_u64(r->name, "limiter_on", (uint64_t)atomic_load(&h.limiter_on), (uint64_t)r->on);
        expect_u64(r->name, "gc_cpu_ns drained", atomic_load(&h.gc_cpu_ns), 0);
    }
}

int main(void)
{
    test_init();
    test_mark_done();
    test_assist();
    test_limiter();
    if (failures) {
        fprintf(stderr, "pacer: %d checks failed\n", failures);
        return 1;
    }
    printf("pacer: every row holds\n");
    return 0;
}
