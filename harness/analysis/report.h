/* report.h - `gcbench report`: run records to tables and gnuplot figures. */
#ifndef GCB_HARNESS_REPORT_H
#define GCB_HARNESS_REPORT_H

/* What to report: the CLI's flags (`gcbench report --help`) as fields. */
typedef struct report_opts {
    const char *out;        /* folder, default "report" */
    const char *format;     /* md (md+csv+plots), html (md + report.html), csv, benchstat, gab, gbench */
    const char *trace;      /* run id, or NULL */
    int noplots;
    const char **files;     /* records files, nfiles >= 1 */
    int nfiles;
} report_opts;

/* Defaults: out "report", format "md", plots on, no trace, no files. */
void report_opts_init(report_opts *o);

/* Write the report; messages on stderr.  Returns 0, 1 or 2 as the CLI's
 * exit status (2: bad options or unreadable input). */
int report_run(const report_opts *o);

/* argv[0] is "report".  Returns the process exit status (0, 1, 2). */
int report_main(int argc, char **argv);

#endif
