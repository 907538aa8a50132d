/* mannwhitney.c - median CI, Mann-Whitney U (see mannwhitney.h). */
#include "analysis/mannwhitney.h"
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double *sorted(const double *v, size_t n)
{
    double *s = malloc((n ? n : 1) * sizeof *s);
    if (!s) harness_oom("a rank table");
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmpd);
    return s;
}

/* P(Binomial(n, 1/2) <= k). */
static double binomcdf(size_t n, size_t k)
{
    double term = pow(0.5, (double)n), sum = 0;   /* C(n,0) / 2^n */
    for (size_t i = 0; i <= k && i <= n; i++) {
        sum += term;
        term = term * (double)(n - i) / (double)(i + 1);
    }
    return sum;
}

void mw_median_ci(const double *v, size_t n, double *lo, double *hi,
                  double *coverage, int *binomial)
{
    if (n == 0) {
        *lo = *hi = NAN;
        *coverage = 0;
        *binomial = 0;
        return;
    }
    double *s = sorted(v, n);
    size_t k = 0;      /* 1-based rank; 0 = none */
    for (size_t r = 1; r <= n / 2; r++)
        if (2 * binomcdf(n, r - 1) <= 0.05) k = r;
    if (k == 0) {
        *lo = s[0];
        *hi = s[n - 1];
        *coverage = 1 - 2 * binomcdf(n, 0);
        *binomial = 0;
    } else {
        *lo = s[k - 1];
        *hi = s[n - k];
        *coverage = 1 - 2 * binomcdf(n, k - 1);
        *binomial = 1;
    }
    free(s);
}

/* Number of arrangements of m x's and n y's with U = u (pairs x > y), for
 * all u in 0..m*n: f(m,n,u) = f(m-1,n,u-n) + f(m,n-1,u), computed bottom-up
 * as doubles (C(40,20) ~ 1.4e11 is exact in a double).  Returns a malloc'd
 * array of m*n+1 counts. */
static double *ucounts(size_t m, size_t n)
{
    size_t U = m * n + 1;
    /* f[i][j][u] for i <= m, j <= n */
    double *f = calloc((m + 1) * (n + 1) * U, sizeof *f);
    if (!f) harness_oom("the Mann-Whitney U distribution");
#define F(i, j, u) f[((i) * (n + 1) + (j)) * U + (u)]
    for (size_t i = 0; i <= m; i++)
        for (size_t j = 0; j <= n; j++) {
            if (i == 0 || j == 0) { F(i, j, 0) = 1; continue; }
            for (size_t u = 0; u <= i * j; u++) {
                double a = u >= j ? F(i - 1, j, u - j) : 0;
                double b = u <= i * (j - 1) ? F(i, j - 1, u) : 0;
                F(i, j, u) = a + b;
            }
        }
    double *out = malloc(U * sizeof *out);
    if (!out) harness_oom("the Mann-Whitney U distribution");
    memcpy(out, &F(m, n, 0), U * sizeof *out);
#undef F
    free(f);
    return out;
}

double mw_utest(const double *x, size_t n1, const double *y, size_t n2,
                double *u, int *exact)
{
    double U = 0;
    int ties = 0;
    for (size_t i = 0; i < n1; i++)
        for (size_t j = 0; j < n2; j++) {
            if (x[i] > y[j]) U += 1;
            else if (x[i] == y[j]) { U += 0.5; ties = 1; }
        }
    if (u) *u = U;
    if (exact) *exact = 0;
    if (n1 == 0 || n2 == 0) return 1;
    size_t N = n1 + n2;
    /* ties within a sample also change the distribution */
    double *all = malloc(N * sizeof *all);
    if (!all) harness_oom("a rank table");
    memcpy(all, x, n1 * sizeof *all);
    memcpy(all + n1, y, n2 * sizeof *all);
    qsort(all, N, sizeof *all, cmpd);
    double tsum = 0;   /* sum over tie groups of t^3 - t */
    for (size_t i = 0; i < N;) {
        size_t j = i;
        while (j < N && all[j] == all[i]) j++;
        double t = (double)(j - i);
        if (t > 1) { tsum += t * t * t - t; ties = 1; }
        i = j;
    }
    free(all);

    if (!ties && n1 <= 20 && n2 <= 20) {
        double *c = ucounts(n1, n2);
        size_t M = n1 * n2, k = (size_t)U;   /* U is integral without ties */
        double total = 0, le = 0, ge = 0;
        for (size_t i = 0; i <= M; i++) {
            total += c[i];
            if (i <= k) le += c[i];
            if (i >= k) ge += c[i];
        }
        free(c);
        if (exact) *exact = 1;
        double p = 2 * fmin(le, ge) / total;
        return p > 1 ? 1 : p;
    }
    double dn = (double)N, mu = (double)n1 * (double)n2 / 2;
    double var = (double)n1 * (double)n2 / 12 * ((dn + 1) - tsum / (dn * (dn - 1)));
    if (var <= 0) return 1;
    double d = fabs(U - mu) - 0.5;
    if (d < 0) d = 0;
    double p = erfc(d / sqrt(var) / sqrt(2.0));
    return p > 1 ? 1 : p;
}
