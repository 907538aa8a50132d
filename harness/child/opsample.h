/* opsample.h - which operations the child times for the latency histogram.
 *
 * Reading the clock costs ~25-30 ns on this project's VMs (rdtsc under a
 * hypervisor; CLOCK_MONOTONIC ~70 ns), so timing every operation costs a
 * 0.5 us op 8 % or more, far above the 2 % a harness may take.  Instead a
 * mutator times a random subset: each operation is timed with probability
 * 1/every, independently of everything else (Bernoulli sampling, drawn as
 * geometric gaps between timed ops, so the test per op is one decrement),
 * and a timed op is recorded with weight `every` (hist_record_n).  The
 * sampling decision for an op is made before it runs, so it cannot depend
 * on the op's latency: the weighted histogram is an unbiased (Horvitz-
 * Thompson) estimate of the histogram of all ops, and its quantiles are
 * consistent estimates of theirs.
 *
 * `every` adapts so the harness's share stays near 1 / OPSAMPLE_SHARE =
 * 0.5 % (a quarter of the 2 % budget): after each timed op,
 * every = ceil(OPSAMPLE_SHARE x cost / mean op), where
 * cost is what one timed op costs the mutator and the mean comes from the
 * ops timed so far; 1 <= every <= OPSAMPLE_MAX.  The cost is measured
 * where it is paid: the loop reads the clock once more after the record
 * and the gap draw, behind an lfence (opclock_ticks_after: a plain read
 * would overtake them), so cold caches after a workload's op (the
 * histogram's bucket, the draw's libm code) count (opsample_paid); plus the two
 * reads around the op, measured warm by opsample_init; a running mean
 * over the timed ops, starting from opsample_init's warm estimate.  So
 * every op is timed when ops are long (>= 200 x cost, ~25 us) and the
 * first op always is.  Why a quarter of the budget, not a half: what a
 * timed op costs the ops after it (lines the record and the draw evict,
 * the fence's drain) is not in `paid`; aiming at 1 %, marksweep builder's
 * estimate (latency.timer_share) was 1.27 % and its cost measured by
 * scripts/bench/overhead.lua 2.09 % [1.28, 3.03] (3000 pairs), 1.65x.
 *
 * Error (besides the histogram's < 0.8 % per value): with n timed ops the
 * estimate of quantile q sits at a true rank within about
 * +-sqrt(q (1 - q) / n) of q (one standard deviation); e.g. n = 25,000
 * puts the p99.9 estimate between the true p99.88 and p99.92.  The record
 * gives n (latency.count) and ops / n (latency.sample_period) so readers
 * can judge.  max is the largest TIMED op: exact when sample_period is 1,
 * otherwise a lower bound on the true maximum.
 *
 * Owned by one mutator thread.
 */
#ifndef GCB_HARNESS_OPSAMPLE_H
#define GCB_HARNESS_OPSAMPLE_H

#include <stdint.h>

#include "histogram.h"
#include "opclock.h"

#define OPSAMPLE_MAX 1024  /* most ops one timed op may stand for */
#define OPSAMPLE_SHARE 200 /* the timed ops' estimated cost: 1 / this of the ops' time */

typedef struct opsample {
    uint64_t left;      /* ops until the next timed one; 1: the next op is timed */
    uint64_t every;     /* weight of the next timed op: 1 / its sampling probability */
    uint64_t cost;      /* ticks one timed op costs the mutator: paid / timed, or
                           opsample_init's warm estimate before the first */
    uint64_t reads;     /* ticks of the two clock reads around an op (warm) */
    uint64_t paid;      /* ticks the timed ops so far cost the mutator */
    uint64_t timed;     /* ops timed so far */
    uint64_t ticks;     /* ticks of the ops timed so far */
    uint64_t rng;       /* xorshift64* state, never 0 */
} opsample;

/* Measure the cost of a timed op with clock c into the scratch histogram
 * h (left empty again), seed the generator; the first op will be timed. */
void opsample_init(opsample *s, const opclock *c, histogram *h, uint64_t seed);

/* Count one op down: nonzero when it is to be timed. */
static inline int opsample_due(opsample *s)
{
    return --s->left == 0;
}

/* A timed op took `ticks`: record it with its weight, adapt `every`, draw
 * the gap to the next timed op. */
void opsample_timed(opsample *s, histogram *h, uint64_t ticks);

/* The bookkeeping of the op just timed (opsample_timed) took `ticks`, from
 * the op's end to a clock read after it: the timed op's cost is that plus
 * the two reads, and the next `every` follows it. */
static inline void opsample_paid(opsample *s, uint64_t ticks)
{
    s->paid += ticks + s->reads;
    s->cost = s->paid / s->timed;
    if (s->cost == 0)
        s->cost = 1;
}

#endif
