/* histogram.c - log-linear latency histogram.
 *
 * Bucket layout (SUB = 2^SUB_BITS):
 *   v < SUB:           bucket v, exact;
 *   v >= SUB, with e = floor(log2 v) >= SUB_BITS:
 *                      bucket (e - SUB_BITS + 1) * SUB + s, where
 *                      s = (v >> (e - SUB_BITS)) - SUB in [0, SUB).
 * So "row" k = i / SUB >= 1 covers [2^(k+SUB_BITS-1), 2^(k+SUB_BITS)) in SUB
 * sub-buckets of width 2^(k-1); a bucket's width over its low edge is
 * 1 / (SUB + s) <= 2^-SUB_BITS, and the midpoint is within half of that of
 * any value in the bucket.  Row 57 (e = 63) ends at 2^64 - 1, so every
 * uint64 has a bucket and HIST_BUCKETS = (64 - SUB_BITS + 1) * SUB.
 */
#include "child/histogram.h"

#include <math.h>
#include <string.h>

void hist_init(histogram *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

unsigned hist_bucket(uint64_t v)
{
    if (v < HIST_SUB)
        return (unsigned)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = e - HIST_SUB_BITS;
    return (shift + 1) * HIST_SUB + (unsigned)(v >> shift) - HIST_SUB;
}

void hist_bucket_range(unsigned i, uint64_t *lo, uint64_t *hi)
{
    if (i < HIST_SUB) {
        *lo = *hi = i;
        return;
    }
    unsigned k = i / HIST_SUB, s = i % HIST_SUB;
    uint64_t width = (uint64_t)1 << (k - 1);
    *lo = (uint64_t)(HIST_SUB + s) << (k - 1);
    *hi = *lo + (width - 1);
}

void hist_record(histogram *h, uint64_t v)
{
    hist_record_n(h, v, 1);
}

void hist_record_n(histogram *h, uint64_t v, uint64_t n)
{
    h->counts[hist_bucket(v)] += n;
    h->count += n;
    h->recorded++;
    if (v > h->max)
        h->max = v;
    if (v < h->min)
        h->min = v;
}

void hist_merge(histogram *into, const histogram *from)
{
    if (from->count == 0)
        return;
    for (unsigned i = 0; i < HIST_BUCKETS; i++)
        into->counts[i] += from->counts[i];
    into->count += from->count;
    into->recorded += from->recorded;
    if (from->max > into->max)
        into->max = from->max;
    if (from->min < into->min)
        into->min = from->min;
}

uint64_t hist_quantile(const histogram *h, double q)
{
    if (h->count == 0)
        return 0;
    if (!(q > 0))           /* q <= 0 or NaN: the smallest value */
        return h->min;
    if (q >= 1)
        return h->max;
    /* Nearest rank, as quantile_rank: the ceil(q*n)-th smallest. */
    double r = ceil(q * (double)h->count);
    uint64_t rank = r < 1 ? 1 : r > (double)h->count ? h->count : (uint64_t)r;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t lo, hi;
            hist_bucket_range(i, &lo, &hi);
            uint64_t mid = lo + (hi - lo) / 2;
            if (mid < h->min)
                mid = h->min;
            if (mid > h->max)
                mid = h->max;
            return mid;
        }
    }
    return h->max;          /* unreachable while counts sum to count */
}
