/* record_build.h - the run record (schema "gcbench.run/1", shared/RESULTS.md).
 *
 * record_new() builds a record with EVERY field of the schema present and
 * zero (status "ok"), so the parent can turn a crash into a complete record
 * and the child only overwrites what it measured.  Both processes build it
 * from the same run_spec, so the id, options and params always agree.
 */
#ifndef GCB_HARNESS_RECORD_BUILD_H
#define GCB_HARNESS_RECORD_BUILD_H

#include <jansson.h>
#include <stdint.h>
#include <time.h>

#include "gcb/collector.h"
#include "gcb/workload.h"
#include "runspec.h"

typedef struct record_req {
    const run_spec *spec;
    const gcb_collector *gc;     /* loaded plugin */
    const gcb_value *opts;       /* gc->noptions resolved values */
    const gcb_workload *w;
    const gcb_value *params;     /* w->nparams resolved values */
    uint64_t ops;                /* operations asked for (0: duration) */
    int repetition;              /* 0-based */
    const char *topology;        /* pin_topology_summary, or "" */
    struct timespec start;       /* CLOCK_REALTIME at the start of the run */
} record_req;

json_t *record_new(const record_req *q);

/* status "failed" | "crashed" | "timeout" and the `error` text. */
void record_fail(json_t *rec, const char *status, const char *error);

/* Set the field at a dotted path ("cpu.gc_s"); steals val.  Intermediate
 * objects must exist (they do in a record_new() record). */
void record_set(json_t *rec, const char *path, json_t *val);

/* Set the field at path to null and say why in the record's `unavailable`
 * object (created on first use), as the go peer's records do. */
void record_unavailable(json_t *rec, const char *path, const char *why);

/* Stable run id without the repetition suffix: FNV-1a 64 of the request,
 * 16 hex digits.  buf holds at least 17 bytes. */
void record_run_key(const record_req *q, char *buf, size_t len);

/* An option value as JSON: number, boolean, or string (enum words and the
 * special word). */
json_t *record_value(const gcb_option_desc *d, const gcb_value *v);

/* The mmu window keys, smallest first, and their widths in seconds. */
#define RECORD_MMU_WINDOWS 4
extern const char *const record_mmu_keys[RECORD_MMU_WINDOWS];
extern const double record_mmu_widths[RECORD_MMU_WINDOWS];

#endif
