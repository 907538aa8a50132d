/* report_metric.c - the metric table (see report_metric.h). */
#include "analysis/report_metric.h"

const rmetric rmetric_table[] = {
    { "ops_per_s",         "throughput",   "ops/s", 1, RMETRIC_TIMING,   1 },
    { "wall_s",            "wall",         "s",     0, RMETRIC_TIMING,   0 },
    { "gc.cycles",         "gc_cycles",    "1",     0, RMETRIC_EXACT_IF, 1 },
    { "cpu.gc_s",          "gc_cpu",       "s",     0, RMETRIC_TIMING,   0 },
    { "cpu.gc_fraction",   "gc_fraction",  "1",     0, RMETRIC_TIMING,   1 },
    { "pauses.p50_s",      "pause_p50",    "s",     0, RMETRIC_TIMING,   1 },
    { "pauses.p99_s",      "pause_p99",    "s",     0, RMETRIC_TIMING,   1 },
    { "pauses.max_s",      "pause_max",    "s",     0, RMETRIC_TIMING,   1 },
    { "latency.p99_s",     "latency_p99",  "s",     0, RMETRIC_TIMING,   1 },
    { "latency.p999_s",    "latency_p999", "s",     0, RMETRIC_TIMING,   1 },
    { "mmu.0.01",          "mmu_10ms",     "1",     1, RMETRIC_TIMING,   1 },
    { "rss.peak_bytes",    "rss_peak",     "B",     0, RMETRIC_TIMING,   1 },
    { "rss.mean_bytes",    "rss_mean",     "B",     0, RMETRIC_TIMING,   1 },
    { "bytes_allocated",   "bytes_alloc",  "B",     0, RMETRIC_EXACT,    0 },
    { "objects_allocated", "objects_alloc","1",     0, RMETRIC_EXACT,    0 },
};
const size_t rmetric_count = sizeof rmetric_table / sizeof rmetric_table[0];
