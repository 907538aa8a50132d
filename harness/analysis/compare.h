/* compare.h - `gcbench compare`: Mann-Whitney U per metric against a baseline. */
#ifndef GCB_HARNESS_COMPARE_H
#define GCB_HARNESS_COMPARE_H

/* argv[0] is "compare".  Exit status: 0 no significant regression, 1 a
 * metric significantly worse beyond the threshold, 2 bad input. */
int compare_main(int argc, char **argv);

#endif
