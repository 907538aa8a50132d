/* histogram.h - log-linear latency histogram (HdrHistogram-like).
 *
 * Values are nanoseconds (uint64).  Buckets: values below 2^SUB_BITS are
 * exact; above, each power of two is split into 2^SUB_BITS linear
 * sub-buckets, so a recorded value is reported with relative error below
 * 2^-SUB_BITS (SUB_BITS = 7: < 0.8 %).  Recording is a few instructions and
 * never allocates; a histogram belongs to one thread, and per-thread
 * histograms are merged after the run.  A value may be recorded with a
 * weight n (it stands for n values: sampled recording, opsample.h); count
 * and the quantiles are then over the weights, `recorded` counts calls.
 */
#ifndef GCB_HARNESS_HISTOGRAM_H
#define GCB_HARNESS_HISTOGRAM_H

#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

typedef struct histogram {
    uint64_t count;            /* values recorded, weights included */
    uint64_t recorded;         /* hist_record/hist_record_n calls (samples) */
    uint64_t max;              /* largest value recorded, exact */
    uint64_t min;              /* smallest value recorded, exact (UINT64_MAX if none) */
    uint64_t counts[HIST_BUCKETS];
} histogram;

void hist_init(histogram *h);
void hist_record(histogram *h, uint64_t v);
void hist_record_n(histogram *h, uint64_t v, uint64_t n); /* v stands for n values */
void hist_merge(histogram *into, const histogram *from);

/* Value at quantile q in [0, 1]: the representative (midpoint) value of
 * the bucket holding the ceil(q*count)-th smallest value, clamped to
 * [min, max]; q = 1 gives max exactly.  0 when empty. */
uint64_t hist_quantile(const histogram *h, double q);

/* Bucket index of v and the value range [lo, hi] of bucket i (for tests). */
unsigned hist_bucket(uint64_t v);
void hist_bucket_range(unsigned i, uint64_t *lo, uint64_t *hi);

#endif
