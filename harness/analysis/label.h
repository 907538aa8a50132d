/* label.h - names a reader can read for the groups of a report.
 *
 * A group's full key spells every option and param
 * ("arena{arena_reserve=68719476736,...}/builder{...}/t1").  Its labels keep
 * only what tells it apart from the other groups of the same report:
 *   series   - the collector's name plus each option whose value differs
 *              between the groups of that collector ("marksweep gogc=50");
 *              figures draw one line / bar per series, in one colour per
 *              series across every figure of the report;
 *   workload - the workload's name plus each param whose value differs
 *              between the groups of that workload, and " t<N>" when the
 *              report's groups differ in thread count ("builder writes=10");
 *              figures draw one panel per workload label.
 * An option absent from some groups of a collector counts as a value of its
 * own.  Invariant: two groups with distinct keys never have both labels
 * equal, because a group key is (collector, options, workload, params,
 * threads) and each of these appears in a label once it varies.
 */
#ifndef GCB_HARNESS_LABEL_H
#define GCB_HARNESS_LABEL_H

#include <jansson.h>
#include <stddef.h>

#include "analysis/record_file.h"

typedef struct label_set {
    size_t n;             /* groups */
    char **series;        /* per group (owned) */
    char **workload;      /* per group (owned) */
    char **full;          /* per group: "series / workload" (owned) */
    size_t *colour;       /* per group: index of its series among the distinct series, first-seen order */
    size_t nseries;       /* distinct series */
    size_t *panel;        /* per group: index of its workload label, first-seen order */
    size_t npanels;       /* distinct workload labels */
} label_set;

/* Labels of n groups, each represented by one of its records (recs[i]). */
void label_build_runs(json_t *const *recs, size_t n, label_set *out);

/* Labels of the groups of s (each by its first record). */
void label_build(const rec_set *s, label_set *out);

void label_free(label_set *l);

/* The colour of series index i as "#rrggbb": a fixed palette of 20
 * distinguishable colours, cycling beyond. */
const char *label_colour(size_t i);

#endif
