/* marksweep.c - Go's collector: concurrent tri-colour mark-sweep over a
 * Go-like heap (size classes, span caches, central lists, page heap with
 * scavenger), paced like Go 1.18+ with GOGC and GOMEMLIMIT.
 *
 * The plugin is thin: options and the ABI table; everything else is in
 * collectors/core (gc.h explains the layers and invariants) and
 * allocators/.  Options (in this order, see `options`): mode, gogc,
 * memlimit, gctrace, verify, scavenge, reserve.
 *
 * verify = 1: inline allocation is off; after every mark the heap is
 * walked from the roots and every reachable object must be marked; freed
 * slots are poisoned and checked when handed out again.  A failure logs a
 * message naming the object and its span, and every later allocation
 * returns NULL, which fails the run.
 *
 * Where this differs from Go (documented simplifications):
 * - Objects with pointers carry a one-word header with their gcb_type *
 *   (scan_header = 1); Go keeps small objects' pointer bits in the span
 *   (heap bitmap / span inline bits) and pays no per-object word.
 * - Spans are allocated from per-mutator caches through free lists
 *   threaded through free slots (the ABI's inline FREELIST path), not
 *   Go's allocCache/freeindex bit scan; allocate-black is applied when a
 *   span leaves the cache (mcache.c), not per object.
 * - Stacks are shadow stacks scanned at the two pauses (mark start and a
 *   rescan at mark termination), not per goroutine at safepoints.
 * - The pacer's runway is the bytes allocated during the last mark phase
 *   (the product of Go's measured scan and allocation rates), clamped to
 *   Go's [0.7, 0.95] trigger bounds; no cons/mark smoothing.
 * - The GC CPU limiter's bucket holds 0.2 CPU-s per proc (Go: 1 s) and
 *   only switches assists off; with a memory limit below the live heap,
 *   cycles still run back to back.
 * - Fractional worker: one thread that sleeps to hold its share of procs
 *   (Go schedules fractional work on Ps).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "gc.h"

struct gcb_heap {
    gc_heap gc; /* must be first */
};

static const gcb_collector table;

enum { OPT_MODE, OPT_GOGC, OPT_MEMLIMIT, OPT_GCTRACE, OPT_VERIFY, OPT_SCAVENGE, OPT_RESERVE };

static const gcb_option_desc options[] = {
    [OPT_MODE] = {"mode", GCB_OPT_ENUM, "concurrent",
                  "concurrent: Go's phases (STW sweep termination, concurrent mark, STW mark "
                  "termination); stw: the whole mark in one pause",
                  0, 0, "concurrent|stw", NULL},
    [OPT_GOGC] = {"gogc", GCB_OPT_INT, "100",
                  "GOGC: heap growth percent over the live heap before the next cycle; off = no "
                  "cycles unless memlimit",
                  0, 100000, NULL, "off"},
    [OPT_MEMLIMIT] = {"memlimit", GCB_OPT_BYTES, "off",
                      "GOMEMLIMIT: soft limit on heap memory; GC CPU is capped near 50 % when it binds",
                      1 << 20, 1e15, NULL, "off"},
    [OPT_GCTRACE] = {"gctrace", GCB_OPT_BOOL, "false",
                     "print a GODEBUG=gctrace=1 style line per cycle to the log", 0, 0, NULL, NULL},
    [OPT_VERIFY] = {"verify", GCB_OPT_BOOL, "false",
                    "check after each mark that every reachable object is marked, poison freed "
                    "slots and check the poison on reuse (slow)",
                    0, 0, NULL, NULL},
    [OPT_SCAVENGE] = {"scavenge", GCB_OPT_ENUM, "goal",
                      "return free pages to the OS: goal = keep heap goal + 10 % resident (Go), "
                      "eager = release every free page after each sweep, off = never",
                      0, 0, "goal|eager|off", NULL},
    [OPT_RESERVE] = {"reserve", GCB_OPT_BYTES, "64GiB",
                     "address space reserved for the heap (its maximum size)", 1 << 26, 1ULL << 46,
                     NULL, NULL},
};

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out, char *err,
                    size_t errlen)
{
    gcb_heap *h = calloc(1, sizeof *h);
    if (h == NULL) {
        snprintf(err, errlen, "marksweep: out of memory for the heap");
        return ENOMEM;
    }
    gc_config cfg = {
        .mode = opts[OPT_MODE].i == 1 ? MODE_STW : MODE_CONCURRENT,
        .gogc = opts[OPT_GOGC].special ? -1 : opts[OPT_GOGC].i,
        .memlimit = opts[OPT_MEMLIMIT].special ? -1 : opts[OPT_MEMLIMIT].i,
        .gctrace = opts[OPT_GCTRACE].i != 0,
        .verify = opts[OPT_VERIFY].i != 0,
        .scavenge = (int)opts[OPT_SCAVENGE].i,
        .reserve = (size_t)opts[OPT_RESERVE].i,
        .name = "marksweep",
    };
    int rc = gc_heap_init(&h->gc, host, &cfg, err, errlen);
    if (rc != 0) {
        free(h);
        return rc;
    }
    *out = h;
    return 0;
}

static void heap_free(gcb_heap *h)
{
    gc_heap_destroy(&h->gc);
    free(h);
}

static int mutator_attach(gcb_heap *h, gcb_mutator **out)
{
    gc_mutator *gm = malloc(sizeof *gm);
    if (gm == NULL)
        return ENOMEM;
    gc_mutator_init(&h->gc, gm, &table);
    gm->base.heap = h;
    *out = &gm->base;
    return 0;
}

static void mutator_detach(gcb_mutator *m)
{
    gc_mutator_fini((gc_mutator *)m);
    free(m);
}

static void *alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    return mcache_alloc((gc_mutator *)m, t, bytes);
}

static void safepoint(gcb_mutator *m) { world_safepoint((gc_mutator *)m); }
static void blocking_enter(gcb_mutator *m) { world_blocking_enter((gc_mutator *)m); }
static void blocking_exit(gcb_mutator *m) { world_blocking_exit((gc_mutator *)m); }
static void add_root(gcb_mutator *m, void **slot) { world_add_root(((gc_mutator *)m)->h, slot); }
static void collect(gcb_mutator *m) { gc_collect((gc_mutator *)m); }
static void stats(gcb_heap *h, gcb_heap_stats *out) { gc_stats(&h->gc, out); }

static int verify(gcb_mutator *m, char *err, size_t errlen)
{
    gc_heap *h = ((gc_mutator *)m)->h;
    if (atomic_load(&h->failed)) {
        snprintf(err, errlen, "marksweep: verification failed (see the log)");
        return -1;
    }
    return 0;
}

static const gcb_collector table = {
    .abi = GCB_ABI_VERSION,
    .size = sizeof(gcb_collector),
    .name = "marksweep",
    .description = "Go's GC: concurrent tri-colour mark-sweep, size-class spans, GOGC/GOMEMLIMIT pacer, scavenger",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
    .noptions = sizeof options / sizeof options[0],
    .options = options,
    .heap_new = heap_new,
    .heap_free = heap_free,
    .mutator_attach = mutator_attach,
    .mutator_detach = mutator_detach,
    .alloc = alloc,
    .write_barrier = mark_write_barrier,
    .safepoint = safepoint,
    .blocking_enter = blocking_enter,
    .blocking_exit = blocking_exit,
    .add_root = add_root,
    .collect = collect,
    .stats = stats,
    .verify = verify,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
