/* metrics.h - turn what one run measured into its record's metrics.
 *
 * CPU split: a mutator thread's CPU is read over its whole life; the
 * assists and pauses the event sink charged to mutator threads move from
 * cpu.mutator_s to cpu.gc_s; GC threads count whole as GC.  Times in the
 * record count from `origin` (the mutators leave the start barrier); MMU
 * sees pauses clipped to [0, wall_s].  Called once, by the child's main
 * thread, after every mutator joined.
 */
#ifndef GCB_HARNESS_METRICS_H
#define GCB_HARNESS_METRICS_H

#include <jansson.h>
#include <stdint.h>

#include "child/child.h"
#include "child/rss_sampler.h"
#include "gcb/collector.h"

/* Overwrites rec's measured fields from the n mutator slots, the event
 * sink c->rec, the RSS samples and the heap stats; wall_ns is the measured
 * interval, procs the PUs the run may use. */
void metrics_fill(child *c, json_t *rec, mutator_slot *ms, int n, sampler *smp,
                  const gcb_heap_stats *hs, uint64_t origin, uint64_t wall_ns, int procs);

#endif
