/* record_schema.h - the one definition of the run record's fields
 * (schema "gcbench.run/1", shared/RESULTS.md).
 *
 * RECORD_FIELDS is an X-list X(path, type, unit, key): every field a
 * record always has, whatever its status, as a dotted path (parents come
 * before their children), its JSON type, its unit ("" for text and
 * containers, "1" for counts and fractions) and whether the analysis
 * reader needs it to group the record (key 1).  From it:
 *   - the writer (record_new) creates each field absent after filling in
 *     the run's identity, with a zero value (0, [], {}, false), so a
 *     crashed run still yields a complete record;
 *   - the reader (analysis/record_file.c) refuses a line whose key fields
 *     are missing or mistyped;
 *   - the test checker (tests/runner/check_records) requires every field.
 * The mmu windows ("mmu" -> "0.001" ...) have dots in their keys and are
 * listed apart, in record_build.h (RECORD_MMU_WINDOWS).
 * Adding a field: one line here and its line in shared/RESULTS.md.
 */
#ifndef GCB_HARNESS_RECORD_SCHEMA_H
#define GCB_HARNESS_RECORD_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

typedef enum record_type {
    RECORD_STRING,
    RECORD_INTEGER,  /* JSON integer */
    RECORD_NUMBER,   /* JSON integer or real */
    RECORD_BOOL,
    RECORD_ARRAY,
    RECORD_OBJECT,
} record_type;

#define RECORD_FIELDS(X) \
    X("schema",                    RECORD_STRING,  "",      1) \
    X("id",                        RECORD_STRING,  "",      0) \
    X("key",                       RECORD_STRING,  "",      0) \
    X("time",                      RECORD_STRING,  "",      0) \
    X("commit",                    RECORD_STRING,  "",      0) \
    X("host",                      RECORD_OBJECT,  "",      0) \
    X("host.name",                 RECORD_STRING,  "",      0) \
    X("host.cpu",                  RECORD_STRING,  "",      0) \
    X("collector",                 RECORD_OBJECT,  "",      0) \
    X("collector.name",            RECORD_STRING,  "",      1) \
    X("collector.options",         RECORD_OBJECT,  "",      0) \
    X("workload",                  RECORD_OBJECT,  "",      0) \
    X("workload.name",             RECORD_STRING,  "",      1) \
    X("workload.params",           RECORD_OBJECT,  "",      0) \
    X("threads",                   RECORD_INTEGER, "1",     1) \
    X("pinning",                   RECORD_OBJECT,  "",      0) \
    X("pinning.policy",            RECORD_STRING,  "",      0) \
    X("pinning.mutator_pus",       RECORD_ARRAY,   "",      0) \
    X("pinning.gc_pus",            RECORD_ARRAY,   "",      0) \
    X("status",                    RECORD_STRING,  "",      1) \
    X("ops",                       RECORD_NUMBER,  "ops",   0) \
    X("wall_s",                    RECORD_NUMBER,  "s",     0) \
    X("ops_per_s",                 RECORD_NUMBER,  "ops/s", 0) \
    X("bytes_allocated",           RECORD_NUMBER,  "B",     0) \
    X("objects_allocated",         RECORD_NUMBER,  "1",     0) \
    X("cpu",                       RECORD_OBJECT,  "",      0) \
    X("cpu.mutator_s",             RECORD_NUMBER,  "s",     0) \
    X("cpu.gc_s",                  RECORD_NUMBER,  "s",     0) \
    X("cpu.gc_fraction",           RECORD_NUMBER,  "1",     0) \
    X("gc",                        RECORD_OBJECT,  "",      0) \
    X("gc.cycles",                 RECORD_NUMBER,  "1",     0) \
    X("gc.log",                    RECORD_ARRAY,   "",      0) \
    X("pauses",                    RECORD_OBJECT,  "",      0) \
    X("pauses.count",              RECORD_NUMBER,  "1",     0) \
    X("pauses.total_s",            RECORD_NUMBER,  "s",     0) \
    X("pauses.p50_s",              RECORD_NUMBER,  "s",     0) \
    X("pauses.p90_s",              RECORD_NUMBER,  "s",     0) \
    X("pauses.p99_s",              RECORD_NUMBER,  "s",     0) \
    X("pauses.p999_s",             RECORD_NUMBER,  "s",     0) \
    X("pauses.max_s",              RECORD_NUMBER,  "s",     0) \
    X("pauses.log",                RECORD_ARRAY,   "",      0) \
    X("latency",                   RECORD_OBJECT,  "",      0) \
    X("latency.p50_s",             RECORD_NUMBER,  "s",     0) \
    X("latency.p90_s",             RECORD_NUMBER,  "s",     0) \
    X("latency.p99_s",             RECORD_NUMBER,  "s",     0) \
    X("latency.p999_s",            RECORD_NUMBER,  "s",     0) \
    X("latency.max_s",             RECORD_NUMBER,  "s",     0) \
    X("latency.count",             RECORD_NUMBER,  "1",     0) \
    X("latency.sample_period",     RECORD_NUMBER,  "1",     0) \
    X("mmu",                       RECORD_OBJECT,  "",      0) \
    X("rss",                       RECORD_OBJECT,  "",      0) \
    X("rss.peak_bytes",            RECORD_NUMBER,  "B",     0) \
    X("rss.mean_bytes",            RECORD_NUMBER,  "B",     0) \
    X("rss.samples",               RECORD_ARRAY,   "",      0) \
    X("heap",                      RECORD_OBJECT,  "",      0) \
    X("heap.peak_live_bytes",      RECORD_NUMBER,  "B",     0) \
    X("heap.freed_explicit_bytes", RECORD_NUMBER,  "B",     0) \
    X("heap.reused_bytes",         RECORD_NUMBER,  "B",     0) \
    X("region",                    RECORD_OBJECT,  "",      0) \
    X("region.entries",            RECORD_NUMBER,  "1",     0) \
    X("region.bytes",              RECORD_NUMBER,  "B",     0) \
    X("region.objects",            RECORD_NUMBER,  "1",     0) \
    X("region.faded_bytes",        RECORD_NUMBER,  "B",     0) \
    X("region.faded_objects",      RECORD_NUMBER,  "1",     0) \
    X("region.fade_pointers",      RECORD_NUMBER,  "1",     0) \
    X("region.reclaimed_bytes",    RECORD_NUMBER,  "B",     0) \
    X("region.barrier_slow",       RECORD_NUMBER,  "1",     0) \
    X("region.fade_s",             RECORD_NUMBER,  "s",     0) \
    X("validation",                RECORD_STRING,  "",      0) \
    X("provenance",                RECORD_OBJECT,  "",      0) \
    X("provenance.gcbench_version", RECORD_STRING, "",      0) \
    X("provenance.commit",         RECORD_STRING,  "",      0) \
    X("provenance.dirty",          RECORD_BOOL,    "",      0) \
    X("provenance.compiler",       RECORD_STRING,  "",      0) \
    X("provenance.cflags",         RECORD_STRING,  "",      0) \
    X("provenance.build_type",     RECORD_STRING,  "",      0) \
    X("provenance.hostname",       RECORD_STRING,  "",      0) \
    X("provenance.kernel",         RECORD_STRING,  "",      0) \
    X("provenance.cpu_model",      RECORD_STRING,  "",      0) \
    X("provenance.cores",          RECORD_INTEGER, "1",     0) \
    X("provenance.pus",            RECORD_INTEGER, "1",     0) \
    X("provenance.topology",       RECORD_STRING,  "",      0) \
    X("provenance.script",         RECORD_STRING,  "",      0) \
    X("provenance.script_hash",    RECORD_STRING,  "",      0)

typedef struct record_field {
    const char *path;
    record_type type;
    const char *unit;
    int key;
} record_field;

extern const record_field record_fields[];
extern const size_t record_nfields;

/* The value at a dotted path, or NULL. */
json_t *record_schema_get(json_t *rec, const char *path);

/* 1 when v is of type t. */
int record_schema_typed(const json_t *v, record_type t);

/* "a string", "an integer", ...: for messages. */
const char *record_schema_type_name(record_type t);

/* Create every field absent from rec with its zero value (0, false, "",
 * [], {}), in schema order.  rec is an object. */
void record_schema_zero_fill(json_t *rec);

/* The first field (only key fields when keys_only) that is missing or of
 * the wrong type, or NULL when none. */
const record_field *record_schema_violation(json_t *rec, int keys_only);

#endif
