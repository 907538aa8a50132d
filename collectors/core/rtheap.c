/* rtheap.c - the modelled Go runtime's own heap objects (option
 * runtime_heap).
 *
 * A Go program's heap holds, besides its own data, objects of the runtime,
 * of package initialisation and (in the twins) of the driver: the Ps (allp),
 * Ms and Gs, timers, package-level maps and slices.  Go marks and scans
 * them every cycle, counts them in heapMarked and heapScan, so in the goal
 * and in the runway (scan work), and finds them from its globals and
 * stacks.  A minimal Go 1.26 program holds ~52 KB of scannable heap at
 * main's start, the twins ~83 KB (/gc/scan/heap, reported by the go
 * collector as heap.runtime_scan_bytes); on a tiny live heap that is most
 * of Go's heap scan work, so without it the model's runway is shorter and
 * it triggers later than Go (README, "How close to Go").
 *
 * The model: runtime_heap / 64 objects of 64 bytes, each with 8 pointer
 * slots (heap bits, as Go's small objects), word 0 linking the next object
 * of its chain, the others NULL.  The chains' heads are stored in the
 * modelled globals (h->globals), evenly spread, one chain per global word
 * at most: the globals' root job then meets real pointers to look up, and
 * each object is marked and scanned as a workload's would be.  Nothing
 * ever changes them after heap creation; they live as long as the heap.
 * Their shape (size, pointer density) is this file's choice, not Go's
 * measured one: their byte count is what the pacer sees.
 *
 * Called once, from gc_plugin_heap_new, before any mutator attaches (the
 * mark workers and sweeper already run): the objects are allocated
 * through a temporary mutator on the calling thread, which polls and
 * stores as a workload does (gcb_store), so a cycle that the build itself
 * triggers (a large runtime_heap, or a memlimit below the runtime's
 * non-heap memory: at once) is as safe as any other.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "gc.h"
#include "gcb/mutator.h"

#define RT_OBJ_BYTES 64

static const gcb_type rt_type = {.name = "runtime object", .size = RT_OBJ_BYTES,
                                 .nptrs = RT_OBJ_BYTES / 8};

int rtheap_build(gc_heap *h, const gcb_collector *table, char *err, size_t errlen)
{
    size_t n = h->cfg.runtime_heap / RT_OBJ_BYTES;
    if (n == 0)
        return 0;
    size_t nglobals = h->cfg.globals / sizeof(void *);
    if (nglobals == 0) {
        snprintf(err, errlen,
                 "%s: option runtime_heap (%zu bytes) needs globals > 0 to hang its objects from "
                 "(set runtime_heap = 0 with globals = 0)",
                 h->cfg.name, h->cfg.runtime_heap);
        return EINVAL;
    }
    size_t heads = n < nglobals ? n : nglobals;
    gc_mutator *gm = malloc(sizeof *gm);
    if (gm == NULL) {
        snprintf(err, errlen, "%s: out of memory for the runtime heap's mutator", h->cfg.name);
        return ENOMEM;
    }
    gc_mutator_init(h, gm, table);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (atomic_load_explicit(&gm->base.poll_requested, memory_order_relaxed))
            world_safepoint(gm);
        void **obj = mallocgc(gm, &rt_type, RT_OBJ_BYTES);
        if (obj == NULL) {
            snprintf(err, errlen,
                     "%s: option runtime_heap: cannot allocate %zu bytes of runtime objects "
                     "(raise option reserve)",
                     h->cfg.name, h->cfg.runtime_heap);
            rc = ENOMEM;
            break;
        }
        void **head = &h->globals[(i % heads) * nglobals / heads];
        /* Both stores as a workload's (through the barrier while it is
         * on): a cycle that this very mallocgc started found obj in its
         * frame and may be scanning it already */
        gcb_store(&gm->base, obj, &obj[0], __atomic_load_n(head, __ATOMIC_ACQUIRE));
        gcb_store(&gm->base, NULL, head, obj);
    }
    gc_mutator_fini(gm);
    free(gm);
    return rc;
}
