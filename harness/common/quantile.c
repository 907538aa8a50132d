/* quantile.c - median and nearest-rank quantile (see quantile.h). */
#include "common/quantile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double quantile_median(const double *v, size_t n)
{
    if (n == 0)
        return NAN;
    double *s = malloc(n * sizeof *s);
    if (s == NULL)
        return NAN;
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, compare_doubles);
    double m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    free(s);
    return m;
}

double quantile_rank(const double *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    double *s = malloc(n * sizeof *s);
    if (s == NULL)
        return NAN;
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, compare_doubles);
    double r = q > 0 ? ceil(q * (double)n) : 1;
    size_t rank = r < 1 ? 1 : r > (double)n ? n : (size_t)r;
    double x = s[rank - 1];
    free(s);
    return x;
}
