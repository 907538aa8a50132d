/* runner.h - expand a request into runs, one child process per run.
 *
 * The parent validates the whole request first (the plugin loads in a
 * probe child, probe.h; options and params resolve, pinning is possible):
 * a bad request runs nothing and is exit status 2.  The parent never
 * executes plugin code.  Then each repetition is a fresh process: the parent
 * fork()s and exec()s gcbench itself as `gcbench __child` (so the child's
 * heap and RSS hold no Lua or parent state), sends the run's spec as JSON
 * on the child's stdin and reads its record from fd 3.  A child that
 * crashes, is killed or exceeds `timeout` seconds (SIGKILL) still yields a
 * record, with status "crashed" or "timeout", an `error` in words (for a
 * SIGKILL: its last sampled RSS and any OOM evidence, oomwatch.h), and
 * every metric present with zero values.  The child dies with its parent
 * (PR_SET_PDEATHSIG) and ends itself a second after `timeout`.  Each record is appended to the
 * results file as one line with a single write() on an O_APPEND descriptor
 * and fsync()ed, so a crash of anything never truncates earlier records.
 */
#ifndef GCB_HARNESS_RUNNER_H
#define GCB_HARNESS_RUNNER_H

#include <jansson.h>
#include <stddef.h>

#include "pin.h"
#include "runspec.h"

/* Check a request without running it.  Returns 0, or 2 with a message
 * naming the bad field / option / param and the allowed values. */
int runner_validate(const run_spec *s, char *err, size_t errlen);

/* Run every repetition.  *records receives a JSON array of the records
 * (also appended to s->out_path).  Returns 0 when every run's status is
 * "ok", 1 when any run failed, crashed or timed out, 2 when the request is
 * wrong (nothing run; message in err). */
int runner_run(const run_spec *s, json_t **records, char *err, size_t errlen);

/* How a plan's runs are executed (`gcbench run --jobs --resume`).  Zero
 * is the default: one run at a time, unpinned, nothing reused. */
typedef struct runner_exec {
    int slurm;               /* 1: --executor slurm (one sbatch --array per plan) */
    const char *partition;   /* --partition, or NULL */
    const char *time_limit;  /* --time, or NULL */
    const char *const *slurm_opts; /* --slurm-opt words, nslurm_opts of them */
    int nslurm_opts;
    int jobs;                /* runs at once; 0 or 1: one at a time */
    const pin_set *slots;    /* jobs disjoint core sets (pin_partition_cores),
                                or NULL: runs inherit gcbench's affinity */
    json_t *resume;          /* resume_load map, or NULL */
    long reused;             /* out: runs taken from resume instead of run */
} runner_exec;

/* A plan: the runs of several requests (gcb.sweep), validated together
 * before any runs, then executed in any order and on up to ex->jobs
 * runs at once; records are appended to each request's out_path as runs
 * finish (completion order) and handed back per request in repetition
 * order.  Single-threaded API: call from the Lua thread only. */
typedef struct runner_plan runner_plan;
runner_plan *runner_plan_new(runner_exec *ex);
/* Validate and add request s (kept by pointer until the plan is freed).
 * Returns 0, or 2 with a message (nothing added). */
int runner_plan_add(runner_plan *p, const run_spec *s, char *err, size_t errlen);
/* Run every run not reused.  Returns 0 every record ok, 1 some not ok,
 * 2 the results file could not be written (message in err). */
int runner_plan_execute(runner_plan *p, char *err, size_t errlen);
/* Request i's records in repetition order: a new reference. */
json_t *runner_plan_records(runner_plan *p, size_t i);
/* Runs of this plan taken from ex->resume (not run, not appended). */
long runner_plan_reused(const runner_plan *p);
void runner_plan_free(runner_plan *p);

/* Entry point of `gcbench __slurm-task DIR` (one array task of the slurm
 * executor): run task $SLURM_ARRAY_TASK_ID of DIR/tasks.json and write
 * its record, with slurm.{job_id, array_task_id, node}, to
 * DIR/task-N.json (written whole, then renamed).  Returns the exit status. */
int runner_slurm_task_main(const char *dir);

/* The environment of a child process (runs and plugin probes): ours plus
 * GLIBC_TUNABLES room for plugins' static TLS.  Free the array and
 * *tunables. */
char **runner_child_env(char **tunables);

/* Entry point of `gcbench __child`: spec JSON on stdin, record on fd 3.
 * Returns the process exit status. */
int runner_child_main(void);

#endif
