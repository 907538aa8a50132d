/* report_plot.h - gnuplot figures of `gcbench report` (data files + one
 * script in the output folder, then gnuplot run on it). */
#ifndef GCB_HARNESS_REPORT_PLOT_H
#define GCB_HARNESS_REPORT_PLOT_H

#include "analysis/record_file.h"

/* Writes DIR/plots.gp and its data files (DIR/NAME.dat), runs gnuplot in DIR when it is
 * installed.  Figures (each .png and .svg), labelled as label.h says, one
 * colour per series across all of them: throughput (one panel per
 * workload, a bar per series), pause_cdf and mmu (one panel per workload, a
 * line per series, a legend cell), rss_<n> (per workload, a panel per
 * group), and timespace_<n> per workload whose runs differ in gogc,
 * memlimit or ballast.  Null or missing measurements (e.g. fields the `go`
 * collector marks unavailable) leave a panel saying so, never a gnuplot
 * error.  Prints what it wrote.  Returns 0, or 2 when a file cannot be
 * written (message names it); a missing gnuplot is reported but is not an
 * error, nor is a gnuplot failure (its message is shown). */
int rplot_write(const rec_set *s, const char *dir);

/* MMU windows of the curve, seconds: 1e-4 .. 10, five per decade. */
#define RPLOT_MMU_POINTS 26
double rplot_mmu_window(int i);

#endif
