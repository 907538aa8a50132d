/* stats.h - minimum mutator utilisation of a pause log.
 *
 * Times are seconds (double).  A pause log is an array of [start, end)
 * intervals, sorted by start, non-overlapping (for several mutator threads
 * the world is stopped as a whole, so one log serves all).
 */
#ifndef GCB_HARNESS_STATS_H
#define GCB_HARNESS_STATS_H

#include <stddef.h>

typedef struct pause_iv {
    double start;   /* seconds since the run started */
    double dur;     /* seconds */
} pause_iv;

/* Minimum mutator utilisation for window w over a run of length T: the
 * smallest fraction of any window [t, t+w) within [0, T] not covered by
 * pauses.  Exact: the minimum is attained with a window edge on a pause
 * edge, so only those windows are examined.  If w >= T, the utilisation
 * of the whole run.  1 when there are no pauses. */
double stats_mmu(const pause_iv *p, size_t n, double T, double w);

#endif
