/* runspec.h - a run request (run_spec), checked and resolved, and its JSON
 * form (what the parent sends a `gcbench __child` on stdin). */
#ifndef GCB_HARNESS_RUNSPEC_H
#define GCB_HARNESS_RUNSPEC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "gcb/workload.h"
#include "loader.h"
#include "options.h"
#include "probe.h"

typedef struct run_spec {
    const char *collector;   /* name from `gcbench list`, or path to a .so */
    const opt_kv *options;   /* collector options as text */
    size_t noptions;
    const char *workload;    /* workload name */
    const opt_kv *params;    /* workload params as text */
    size_t nparams;
    int threads;             /* mutator threads, >= 1 */
    const char *pin;         /* "none" | "core" | "pu" | "list" */
    const int *pus;          /* PU list for "list" */
    size_t npus;
    uint64_t ops;            /* total operations across threads; 0: use duration */
    double duration;         /* seconds of operations per thread; 0: use ops */
    int repeat;              /* independent runs, >= 1 */
    double timeout;          /* seconds per run, > 0 */
    double sample_hz;        /* RSS sampler rate, > 0 */
    int record_latency;      /* 1: per-op latency histogram (default); 0: off
                                (for measuring the recorder's own overhead) */
    const char *out_path;    /* results file (JSON Lines), appended to */
} run_spec;

/* Set the defaults: threads 1, pin "none", ops 0, duration 0 (the runner
 * then uses the workload's default op count), repeat 1, timeout 600,
 * sample_hz 100, record_latency 1. */
void runspec_init(run_spec *s);

typedef struct runspec_resolved {
    loader_plugin plugin;        /* open while resolved */
    const gcb_collector *gc;
    gcb_value *opts;             /* gc->noptions values (malloc'd) */
    const gcb_workload *w;
    gcb_value *params;           /* w->nparams values (malloc'd) */
    uint64_t ops;                /* total ops asked for; 0 with duration */
    int loaded;
    probe_collector probe;       /* runspec_check: the plugin's description */
    int probed;
} runspec_resolved;

/* Check every field, load the plugin, resolve options and params and try
 * the pin plan.  Returns 0, or 2 with a message naming the bad field.
 * Loads plugin code into this process: the child only. */
int runspec_resolve(const run_spec *s, runspec_resolved *r, char *err, size_t errlen);
/* The same checks in the parent, which never loads plugin code: the
 * plugin is described by a probe child (probe.h) and r->gc is that
 * description-only table. */
int runspec_check(const run_spec *s, runspec_resolved *r, char *err, size_t errlen);
void runspec_release(runspec_resolved *r);

/* JSON form; repetition rides along. */
json_t *runspec_to_json(const run_spec *s, int repetition);

/* A run_spec whose strings and arrays point into `j` (kept referenced). */
typedef struct runspec_parsed {
    run_spec s;
    opt_kv *opts, *params;
    int *pus;
    int repetition;
    json_t *j;
} runspec_parsed;

int runspec_from_json(json_t *j, runspec_parsed *p, char *err, size_t errlen);
void runspec_parsed_free(runspec_parsed *p);

#endif
