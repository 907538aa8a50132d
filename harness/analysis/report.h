/* report.h - `gcbench report`: run records to tables and gnuplot figures. */
#ifndef GCB_HARNESS_REPORT_H
#define GCB_HARNESS_REPORT_H

/* argv[0] is "report".  Returns the process exit status (0, 1, 2). */
int report_main(int argc, char **argv);

#endif
