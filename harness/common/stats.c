/* stats.c - minimum mutator utilisation (quantiles: quantile.c).
 *
 * MMU algorithm.  Let P(x) be the paused time in [0, x), and for a window
 * of width w let f(t) = P(t + w) - P(t), the paused time in [t, t + w),
 * for t in [0, T - w].  P is piecewise linear with slope 0 or 1 and kinks
 * only at pause edges, so f is piecewise linear with kinks only where t or
 * t + w is a pause edge, i.e. t in {s_i, e_i, s_i - w, e_i - w}.  A
 * piecewise-linear function on a closed interval attains its maximum at a
 * kink or an end of the interval, so
 *     MMU(w) = 1 - max f(t) / w
 * over t in those candidates (clamped to [0, T - w]) plus 0 and T - w.
 * P(x) is a prefix sum of durations plus the overlap with the pause that
 * contains x, found by binary search on the starts: O(log n) per candidate
 * and O(n log n) overall.  Pauses are clipped to [0, T] first.
 */
#include "common/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Pauses clipped to [0, T], with prefix sums of their durations. */
typedef struct pauses {
    size_t n;
    double *start, *end; /* seconds; sorted, non-overlapping */
    double *before;      /* seconds; before[i] = sum of durations of pauses < i */
} pauses;

/* Paused time in [0, x). */
static double paused_until(const pauses *p, double x)
{
    /* j = number of pauses with start < x. */
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->start[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    size_t j = lo - 1;
    double in = fmin(x, p->end[j]) - p->start[j];
    return p->before[j] + (in > 0 ? in : 0);
}

static double utilisation(const pauses *p, double t, double w)
{
    double paused = paused_until(p, t + w) - paused_until(p, t);
    double u = 1 - paused / w;
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

double stats_mmu(const pause_iv *iv, size_t n, double T, double w)
{
    if (n == 0 || !(T > 0))
        return 1;
    pauses p = {0, NULL, NULL, NULL};
    p.start = malloc(n * sizeof(double));
    p.end = malloc(n * sizeof(double));
    p.before = malloc(n * sizeof(double));
    if (!p.start || !p.end || !p.before) {
        free(p.start);
        free(p.end);
        free(p.before);
        return NAN;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double s = fmax(iv[i].start, 0), e = fmin(iv[i].start + iv[i].dur, T);
        if (!(e > s))
            continue;
        p.start[p.n] = s;
        p.end[p.n] = e;
        p.before[p.n] = sum;
        sum += e - s;
        p.n++;
    }
    double best = 1;
    if (p.n == 0) {
        best = 1;
    } else if (w >= T) {
        best = 1 - sum / T;
    } else if (w > 0) {
        double hi = T - w;
        best = fmin(utilisation(&p, 0, w), utilisation(&p, hi, w));
        for (size_t i = 0; i < p.n; i++) {
            const double cand[4] = {p.start[i], p.end[i], p.start[i] - w, p.end[i] - w};
            for (int k = 0; k < 4; k++) {
                double t = cand[k] < 0 ? 0 : cand[k] > hi ? hi : cand[k];
                double u = utilisation(&p, t, w);
                if (u < best)
                    best = u;
            }
        }
    } else {
        best = 0;   /* w -> 0: a window inside a pause is fully paused */
    }
    free(p.start);
    free(p.end);
    free(p.before);
    return best < 0 ? 0 : best;
}
