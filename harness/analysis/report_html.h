/* report_html.h - `gcbench report --format html`: DIR/report.html, one
 * self-contained page (inline CSS, the figures inline as SVG, no script,
 * nothing fetched) with the provenance, the figures and the tables of
 * report.md.  Written after the figures (report_plot.h): the SVG files named
 * by DIR/plots.gp are inlined, each in <figure id="fig-NAME">; a figure
 * whose SVG is missing (no gnuplot) is named in a note instead. */
#ifndef GCB_HARNESS_REPORT_HTML_H
#define GCB_HARNESS_REPORT_HTML_H

#include "analysis/record_file.h"

/* files/nfiles: the input paths, shown in the heading; plots 0: no figures
 * (--no-plots).  Returns 0, or 2 when report.html cannot be written
 * (message on stderr). */
int report_html_write(const rec_set *s, const char *dir, const char *const *files, int nfiles,
                      int plots);

#endif
