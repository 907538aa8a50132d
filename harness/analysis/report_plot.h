/* report_plot.h - gnuplot figures of `gcbench report` (data files + one
 * script in the output folder, then gnuplot run on it). */
#ifndef GCB_HARNESS_REPORT_PLOT_H
#define GCB_HARNESS_REPORT_PLOT_H

#include "analysis/record_file.h"

/* Writes DIR/plots.gp and its data files (DIR/NAME.dat), runs gnuplot in DIR when it is
 * installed.  Figures (each .png and .svg): pause_cdf, mmu, rss, throughput,
 * and timespace_<n> per workload whose runs differ in gogc, memlimit or
 * ballast.  Prints what it wrote.  Returns 0, or 2 when a file cannot be
 * written (message names it); a missing gnuplot is reported but is not an
 * error, nor is a gnuplot failure (its message is shown). */
int rplot_write(const rec_set *s, const char *dir);

/* Above this many groups the figures label groups "g<i>" (report.md's #
 * column) instead of by their keys. */
#define RPLOT_MAX_KEYS 6

/* MMU windows of the curve, seconds: 1e-4 .. 10, five per decade. */
#define RPLOT_MMU_POINTS 26
double rplot_mmu_window(int i);

#endif
