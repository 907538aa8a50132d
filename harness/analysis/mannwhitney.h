/* mannwhitney.h - two-sample statistics across repetitions: median, a
 * distribution-free confidence interval for it, and the Mann-Whitney U test.
 * Nothing here assumes a distribution: run times are skewed and few.  The
 * median itself is quantile_median (common/quantile.h). */
#ifndef GCB_HARNESS_MANNWHITNEY_H
#define GCB_HARNESS_MANNWHITNEY_H

#include <stddef.h>

/* Confidence interval for the median at about 95 %: for n >= 6 the order
 * statistics [x_(k), x_(n+1-k)] with k the largest rank such that
 * 2 * P(Binomial(n, 1/2) <= k-1) <= 0.05 (*coverage = 1 - that, *exact = 1);
 * for n < 6 no such k exists and the interval is min..max (*exact = 0,
 * *coverage = 1 - 2^(1-n)). */
void mw_median_ci(const double *v, size_t n, double *lo, double *hi,
                  double *coverage, int *binomial);

/* Two-sided Mann-Whitney U test of x (n1) against y (n2).  *u is the count
 * of pairs with x > y (ties count 1/2).  Exact null distribution when
 * n1, n2 <= 20 and there are no ties (recurrence on the number of
 * arrangements); otherwise the normal approximation with tie and continuity
 * correction.  Returns the p-value in [0, 1]; 1 when either sample is empty
 * or all values are tied. *exact (may be NULL) says which was used. */
double mw_utest(const double *x, size_t n1, const double *y, size_t n2,
                double *u, int *exact);

#endif
