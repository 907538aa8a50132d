/* record_file.h - run records (schema "gcbench.run/1") read from JSON Lines and
 * grouped by what was asked for.
 *
 * A group is the set of runs with equal (collector.name, collector.options,
 * workload.name, workload.params, threads); its key is a stable label such as
 * "marksweep{gogc=100}/builder{writes=100}/t1" (option and param keys sorted,
 * so the key does not depend on the order fields were written).
 * Invariant: every run in a rec_set belongs to exactly one group, and groups
 * and the runs inside them keep the order of first appearance in the input.
 */
#ifndef GCB_HARNESS_RECORD_FILE_H
#define GCB_HARNESS_RECORD_FILE_H

#include <stddef.h>
#include <jansson.h>

typedef struct rec_run {
    json_t *j;          /* the record (owned) */
    const char *file;   /* input path, borrowed from argv */
    size_t line;        /* 1-based line in file */
} rec_run;

typedef struct rec_group {
    char *key;          /* label, see above (owned) */
    size_t *idx;        /* indices into rec_set.runs, input order */
    size_t n;           /* runs in the group (any status) */
    size_t cap;
} rec_group;

typedef struct rec_set {
    rec_run *runs;
    size_t n, cap;
    rec_group *groups;
    size_t ngroups, gcap;
} rec_set;

/* Appends every record of the JSON Lines file `path` to s and regroups.
 * Blank lines are skipped.  Returns 0, or 2 after printing "FILE:LINE: why"
 * (or "FILE: why" when the file cannot be read) to stderr; s then holds the
 * records read before the bad line. */
int rec_load(rec_set *s, const char *path);
void rec_free(rec_set *s);

/* Label of one record: the key of the group it belongs to.  Caller frees. */
char *rec_key(json_t *run);

/* Number at j.k1.k2... (NULL-terminated list of object keys); *ok = 0 and
 * NaN when absent or not a number.  ok may be NULL. */
double rec_num(json_t *j, int *ok, ...);
/* Same for one dotted path, "." separating keys except inside mmu where the
 * window key itself holds dots: "mmu.0.01" is mmu["0.01"]. */
double rec_path(json_t *j, const char *path, int *ok);

int rec_is_ok(json_t *run);             /* status == "ok" */
const char *rec_str(json_t *j, const char *k1, const char *k2); /* or "" */

/* Values of `path` over the ok runs of g (NaN-free), in input order.
 * Returns the count; *out is malloc'd (caller frees), NULL when 0. */
size_t rec_values(const rec_set *s, const rec_group *g, const char *path, double **out);
/* Group with key `key`, or NULL. */
const rec_group *rec_find(const rec_set *s, const char *key);

#endif
