/* pin.h - thread placement with hwloc.
 *
 * Policies: "none" (no binding), "core" (one thread per physical core,
 * in topology order), "pu" (one thread per processing unit), or an explicit
 * list of PU OS indexes.  Mutator threads take PUs in order; GC threads
 * (spawned through gcb_host) are bound to the whole GC set, which is every
 * PU of the policy's set (Go's GC workers share the Ps with mutators).
 * What the record shows is read back from the OS after binding.
 */
#ifndef GCB_HARNESS_PIN_H
#define GCB_HARNESS_PIN_H

#include <stddef.h>

typedef struct pin_plan pin_plan;

/* policy: "none" | "core" | "pu" | "list"; pus/npus for "list".
 * nthreads: mutator threads to place.  Returns 0 or EINVAL with a message
 * naming the bad policy or PU. */
int pin_plan_new(const char *policy, const int *pus, size_t npus, int nthreads,
                 pin_plan **out, char *err, size_t errlen);
void pin_plan_free(pin_plan *p);

/* Bind the calling thread as mutator number tid / as a GC thread.
 * Returns 0 or an errno value (policy "none": always 0, no binding). */
int pin_bind_mutator(pin_plan *p, int tid);
int pin_bind_gc(pin_plan *p);

/* The PU OS index the calling thread is bound to (single PU), else -1;
 * pin_read_cpuset writes the calling thread's binding as a list "0,1". */
int pin_read_pu(pin_plan *p);
void pin_read_cpuset(pin_plan *p, char *buf, size_t len);

/* Without binding anything (for a process that binds itself, the go peer):
 * the PU OS index mutator tid would be bound to (-1 for "none"), and the
 * GC set's PUs into pus[0..max) (returns the count; 0 for "none"). */
int pin_mutator_pu(const pin_plan *p, int tid);
size_t pin_gc_pus(const pin_plan *p, int *pus, size_t max);

/* Number of PUs available under the plan (GOMAXPROCS for the run). */
int pin_procs(pin_plan *p);

/* Split the cores this process may use (hwloc topology, allowed PUs
 * only) into n disjoint sets of equal size, one per concurrent run
 * (`--jobs n`): sets[j] gets every PU of cores [j*c, (j+1)*c), c =
 * cores / n; leftover cores stay unused.  Returns 0, or EINVAL with a
 * message when n exceeds the number of cores (runs would share a core). */
#define PIN_SET_MAX 1024
typedef struct pin_set {
    int npus;
    int pus[PIN_SET_MAX];   /* PU OS indexes */
} pin_set;
int pin_partition_cores(int n, pin_set *sets, char *err, size_t errlen);

/* "1 package, 2 cores, 2 PUs, L3 32MiB: Intel(R) Xeon(R) ..." */
void pin_topology_summary(pin_plan *p, char *buf, size_t len);

#endif
