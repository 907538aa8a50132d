/* report_metric.h - the metrics that report, compare and the exporters show,
 * with the direction that counts as better and whether they are exact.
 * One table, so a report and a CI verdict never disagree on a metric. */
#ifndef GCB_HARNESS_REPORT_METRIC_H
#define GCB_HARNESS_REPORT_METRIC_H

#include <stddef.h>

enum rmetric_kind {
    RMETRIC_TIMING,     /* noisy: compared with the U test */
    RMETRIC_EXACT,      /* deterministic for a fixed seed: any change counts */
    RMETRIC_EXACT_IF,   /* exact only when every run has threads == 1 and the
                           values agree within each group (gc.cycles of an
                           allocation-paced collector); else timing */
};

typedef struct rmetric {
    const char *path;   /* rec_path() path into a run record */
    const char *name;   /* short column name */
    const char *unit;   /* SI unit as recorded ("s", "B", "ops/s", "1") */
    int bigger;         /* 1 bigger is better, 0 smaller is better */
    enum rmetric_kind kind;
    int in_report;      /* shown in report.md */
} rmetric;

extern const rmetric rmetric_table[];
extern const size_t rmetric_count;

#endif
