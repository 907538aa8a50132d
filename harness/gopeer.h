/* gopeer.h - the real Go runtime as a peer collector, `go`.
 *
 * `go` is not a plugin: a run on it is the Go twin of the workload
 * (workloads/go/, one file per workload) built with the machine's Go
 * toolchain and started as the run's process in place of `gcbench
 * __child`, measuring itself (`gcbench-go run`, workloads/go/driver.go)
 * and writing the same gcbench.run/1 record on fd 3.  The runner treats it
 * like any child: same fork, same timeout, same crash handling.
 *
 * Toolchain: the `go` on PATH, version >= 1.26 (`go env GOVERSION`);
 * without it the collector is listed as unavailable with the reason and a
 * run on it is a request error (exit 2).
 *
 * Binaries: one per distinct `experiment` set, built with GOEXPERIMENT into
 * <dir of gcbench>/go-twins/gcbench-go-<key>, where key hashes the Go
 * sources, the experiments and the Go version, so a changed source means a
 * new build.  A build goes to a temporary name and is renamed into place,
 * so concurrent runners never see a partial binary.
 *
 * Options are the runtime's knobs, passed in the environment so they hold
 * from runtime init on: gogc (GOGC), memlimit (GOMEMLIMIT), gomaxprocs
 * (GOMAXPROCS), experiment (GOEXPERIMENT at build time), ballast (a live,
 * never touched make([]byte, N)).  GODEBUG=gctrace=1 gives the driver its
 * per-cycle log.
 *
 * Pinning: the process's affinity is the run's GC set (every PU of the
 * policy, pin.h) before exec, so every runtime thread stays inside it; each
 * mutator goroutine locks its OS thread and binds it to its PU.
 *
 * Called from the runner's (single) thread, except gopeer_exec, which runs
 * in the forked child before exec and only makes system calls.
 */
#ifndef GCB_HARNESS_GOPEER_H
#define GCB_HARNESS_GOPEER_H

#include <jansson.h>
#include <sched.h>
#include <stddef.h>

#include "gcb/collector.h"
#include "gcb/workload.h"
#include "runner.h"

#define GOPEER_NAME "go"

/* True when `collector` names the Go peer. */
int gopeer_is(const char *collector);

/* The option table (and name, description, capabilities) of `go`; its
 * heap methods are NULL: nothing in this process runs a Go heap. */
const gcb_collector *gopeer_collector(void);

/* 0 when a Go >= 1.26 toolchain is on PATH; else -1 with the reason in
 * why.  Asked once per process. */
int gopeer_available(char *why, size_t len);

/* True when the workload has a Go twin (workloads/go/<name>.go). */
int gopeer_has_twin(const char *workload);

/* `gcbench list` entry of `go`: like a plugin's, plus "available" and,
 * when unavailable, the reason in "unavailable", and "workloads": those
 * with a twin. */
json_t *gopeer_catalog_entry(void);

/* What it takes to start one run of a request. */
typedef struct gopeer_launch {
    char binary[4096];      /* the twin binary for the request's experiments */
    char **env;             /* environ, minus the Go knobs, plus ours (malloc'd) */
    size_t nenv;
    cpu_set_t mask;         /* process affinity; used when pinned */
    int pinned;             /* policy other than "none" */
    json_t *mutator_pus;    /* PU of mutator tid, [] when not pinned */
} gopeer_launch;

/* Build (or find) the binary and prepare env and pinning for request s
 * with options opts.  Returns 0 (then call gopeer_launch_free), or 2 with
 * a message (toolchain missing, build failed) and nothing to free. */
int gopeer_prepare(const run_spec *s, const gcb_value *opts, gopeer_launch *l,
                   char *err, size_t errlen);
void gopeer_launch_free(gopeer_launch *l);

/* The spec `gcbench-go run` reads on stdin (workloads/go/runspec.go): the
 * base record (record_new) with the resolved params and the run's shape.
 * Returns malloc'd text. */
char *gopeer_spec_text(const gopeer_launch *l, const run_spec *s, const gcb_workload *w,
                       const gcb_value *params, const gcb_value *opts, uint64_t ops,
                       json_t *base);

/* In the forked child: set the affinity and exec the binary with fd 0 and
 * fd 3 already in place.  Returns only on failure. */
void gopeer_exec(const gopeer_launch *l);

/* The pause statistics and MMU of a record the driver wrote, from its
 * pauses.log and wall_s, with the code C runs use (stats.h); a crash's
 * error names Go's exit status for what it is. */
void gopeer_finish(json_t *rec);

#endif
