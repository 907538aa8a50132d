/* export.h - run records in other tools' formats.
 *
 *  benchstat:  Go's benchmark text format, one line per ok run, read by
 *              golang.org/x/perf/cmd/benchstat;
 *  gab:        github-action-benchmark "customSmallerIsBetter" and
 *              "customBiggerIsBetter" JSON ([{name, unit, value, range,
 *              extra}], medians across repetitions, range = CI half-width);
 *  gbench:     Google Benchmark JSON (context + benchmarks, one entry per
 *              ok run plus median aggregates).
 * Names come from the group key (records.h); metrics from reportmetric.h.
 */
#ifndef GCB_HARNESS_EXPORT_H
#define GCB_HARNESS_EXPORT_H

#include <stdio.h>
#include "analysis/record_file.h"

/* benchstat name of a group: "BenchmarkCOLL/k=v/WORKLOAD/k=v" (no -threads
 * suffix, that is per line).  Caller frees. */
char *export_benchname(json_t *run);

void export_benchstat(FILE *f, const rec_set *s);
/* Returns 0, or 2 when writing fails. */
int export_gab(FILE *smaller, FILE *bigger, const rec_set *s);
int export_gbench(FILE *f, const rec_set *s);

/* Writes s in format fmt ("benchstat", "gab", "gbench") into dir as
 * PREFIXbench.txt, PREFIXgab-smaller.json + PREFIXgab-bigger.json, or
 * PREFIXgbench.json; prints what it wrote.  0, or 2 with a message. */
int export_files(const rec_set *s, const char *fmt, const char *dir, const char *prefix);

/* mkdir -p; 0 or 2 with a message naming dir. */
int export_mkdir(const char *dir);
/* fopen(dir/name, "w") with path filled in; NULL with a message. */
FILE *export_open(const char *dir, const char *name, char *path, size_t len);

#endif
