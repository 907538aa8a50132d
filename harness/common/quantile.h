/* quantile.h - the one median and the one quantile of gcbench.
 *
 * Median (across repetitions: `gcbench report`, `compare`, the exporters
 * and Lua's gcb.median): the middle value for odd n, the mean of the two
 * middle values for even n, NaN for n = 0.  So {1, 2, 3, 4} -> 2.5.
 *
 * Quantile (within one run: pause and latency percentiles of a record):
 * nearest rank, the ceil(q*n)-th smallest value, always an observed value;
 * q = 0 gives the smallest, q = 1 the largest; 0 for n = 0.
 *
 * Neither modifies v (they sort a copy).  Any thread may call them.
 */
#ifndef GCB_HARNESS_QUANTILE_H
#define GCB_HARNESS_QUANTILE_H

#include <stddef.h>

double quantile_median(const double *v, size_t n);
double quantile_rank(const double *v, size_t n, double q);

#endif
