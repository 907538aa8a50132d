/* lgcb.h - the Lua side of gcbench: run an experiment script.
 *
 * The script sees a global table `gcb` (also `require "gcb"`):
 *   gcb.run{...}       run one configuration `repeat` times (RESULTS.md)
 *   gcb.sweep{r, ...}  the records of each request, as gcb.run would give
 *                      them; the runs execute in any order (--jobs)
 *   gcb.collectors()   gcb.workloads()   what `gcbench list` shows
 *   gcb.out            the results file records are appended to
 * and the global `arg` with the words after `--` (arg[0] is the script).
 * Lua lives only in the parent process: every run is a separate
 * `gcbench __child` process with no Lua state in it.
 */
#ifndef GCB_HARNESS_LGCB_H
#define GCB_HARNESS_LGCB_H

#include "runner.h"

/* Run `script` with args[0..nargs).  Records go to out_path.
 * Returns the exit status: 0 all runs ok, 1 a run failed, 2 the script or
 * a request in it is wrong (message on stderr naming file:line). */
int lgcb_run_script(const char *script, char **args, int nargs, const char *out_path,
                    runner_exec *exec);

#endif
