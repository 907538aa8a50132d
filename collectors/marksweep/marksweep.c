/* marksweep.c - Go's collector: concurrent tri-colour mark-sweep over a
 * Go-like heap (size classes, span caches, central lists, page heap with
 * scavenger), paced like Go 1.18+ with GOGC and GOMEMLIMIT.
 *
 * The plugin is thin: its options are the standard ones (plugin.h:
 * mode, gogc, memlimit, gctrace, verify, scavenge, reserve) and its table
 * the shared methods; everything else is in collectors/core (gc.h explains
 * the layers and invariants) and allocators/.
 *
 * verify = 1: inline allocation is off; after every mark the heap is
 * walked from the roots and every reachable object must be marked; freed
 * slots are poisoned and checked when handed out again.  A failure logs a
 * message naming the object and its span, and every later allocation
 * returns NULL, which fails the run.
 *
 * Object layout as Go 1.22+ (gc.h): objects with pointers up to 512 B
 * have no header, their pointer bits are in their span (written at
 * allocation, inline); larger ones in small spans a one-word malloc
 * header with their gcb_type *; large objects keep the type in the span.
 * So a 24-byte node takes a 24-byte slot, as in Go.
 *
 * Where this differs from Go (documented simplifications):
 * - Pointer bits come from a gcb_type of leading pointer words per
 *   element (Go: the type's GC program / ptrdata mask); a span's bitmap
 *   is not cleared when the span is made (bits are written per slot).
 * - Spans are allocated from per-mutator caches through free lists
 *   threaded through free slots (the ABI's inline FREELIST path), not
 *   Go's allocCache/freeindex bit scan; allocate-black is applied when a
 *   span leaves the cache (mcache.c), not per object.
 * - Stacks are shadow stacks scanned at the two pauses (mark start and a
 *   rescan at mark termination), not per goroutine at safepoints.
 * - The pacer (pacer.c) is Go 1.21+'s: cons/mark runway, trigger bounds,
 *   goal with stacks and globals, revise()d assist ratio, background
 *   credit and parked assists.  Its scan work counts the workload's heap,
 *   frames and registered globals, the modelled runtime's globals
 *   (option `globals`, default a minimal Go 1.26 program's 145,994 bytes,
 *   the twins' 161,610: one root job each cycle, NULL words but for the
 *   runtime heap's chain heads) and the modelled runtime's own heap
 *   objects (option `runtime_heap`, rtheap.c: default a minimal
 *   program's 51,808 bytes, the twins' ~83 KB).  Go's marking costs more
 *   CPU per cycle than the model's, which raises its cons/mark estimate,
 *   so on a tiny live heap Go's runway is still longer and it runs more
 *   cycles (README, "How close to Go").  Scan work is counted as Go's
 *   (to an object's last pointer word) and revise()'s worst case is
 *   Go's heapScan (heap_scan: the last scan work plus the scan bytes
 *   allocated since).  A type's pointers are its leading words, so a
 *   type whose pointers follow scalars in Go (struct {n int; p *T}: Go's
 *   last pointer word ends at 16 bytes, the model's description's at 8)
 *   gives a headerless object less scan work than Go's; header and large
 *   objects count the type tiled to the slot's or span's end, as Go's,
 *   and agree.
 * - Allocation is charged to assists per span refill (the whole free
 *   list, at the next slow path), not per object as Go's mallocgc.
 * - The GC CPU limiter (Go's bucket of 1 CPU-second per proc) only
 *   switches assists off; with a memory limit below the live heap, cycles
 *   still run back to back on the background workers' share.
 * - Mark workers are threads, one per proc, that the OS schedules: a
 *   dedicated worker runs always, the fractional one sleeps to hold its
 *   share of procs, and any runs as an idle worker while fewer mutators
 *   run (not blocked) and workers mark than there are procs (Go schedules
 *   its workers on Ps; an idle P runs an idle worker).
 */
#include "plugin.h"

static const gcb_collector table;

static const gcb_option_desc options[] = {GC_OPTIONS_STD};

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out, char *err,
                    size_t errlen)
{
    return gc_plugin_heap_new(&table, host, opts, out, err, errlen);
}

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "marksweep",
    .description = "Go's GC: concurrent tri-colour mark-sweep, size-class spans, GOGC/GOMEMLIMIT pacer, scavenger",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
    .noptions = sizeof options / sizeof options[0],
    .options = options,
    .heap_new = heap_new,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
