/* runspec.h - a run_spec checked and resolved, and its JSON form (what the
 * parent sends a `gcbench __child` on stdin). */
#ifndef GCB_HARNESS_RUNSPEC_H
#define GCB_HARNESS_RUNSPEC_H

#include <jansson.h>

#include "gcb/workload.h"
#include "loader.h"
#include "probe.h"
#include "runner.h"

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
