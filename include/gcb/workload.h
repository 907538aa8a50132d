/* gcb/workload.h - how a workload plugs into the harness.
 *
 * Workloads are compiled into gcbench (workloads/registry.c lists them).
 * The harness calls, in order:
 *   setup()        once, on the main thread, before any heap exists;
 *   thread_init()  on each mutator thread, after attach (not timed);
 *   op()           repeatedly on each mutator thread; each call is one
 *                  operation, timed for the latency histogram;
 *   thread_fini()  on each mutator thread before detach: validate what this
 *                  thread built while its objects are still reachable;
 *   teardown()     once, on the main thread, after every thread detached.
 * A workload's state from setup() holds only non-heap data (parameters,
 * expected checksums); heap pointers live in per-thread roots.
 *
 * op(), thread_init() and thread_fini() return 0, or -1 after writing a
 * message into err[errlen]: the run then fails with status "failed" and
 * that message as its `validation`.
 */
#ifndef GCB_WORKLOAD_H
#define GCB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "gcb/mutator.h"
#include "gcb/options.h"

typedef struct gcb_workload {
    const char *name;
    const char *description;
    uint32_t nparams;
    const gcb_option_desc *params;
    uint64_t default_ops;  /* operations per run when the request names neither
                              ops nor duration; sized for about a second */

    /* `params` has nparams validated values, in the order of `params`. */
    int (*setup)(const gcb_value *params, int nthreads, void **state,
                 char *err, size_t errlen);
    int (*thread_init)(void *state, gcb_mutator *m, int tid, char *err, size_t errlen);
    int (*op)(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen);
    int (*thread_fini)(void *state, gcb_mutator *m, int tid, char *err, size_t errlen);
    void (*teardown)(void *state);

    /* Optional (NULL: the record has no checksum).  Called on the main
     * thread after every mutator finished and every op passed, before
     * teardown(): writes the run's checksum as text into out[outlen], a
     * digest of the work done (workloads/digest.h), defined in the
     * workload's header comment so that its Go twin (workloads/go/)
     * computes the same for the same params, seed, threads and ops. */
    void (*checksum)(void *state, char *out, size_t outlen);
} gcb_workload;

#endif
