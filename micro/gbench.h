/* gbench.h - Google Benchmark (libbenchmark 1.7.1) reached from C.
 *
 * A thin wrapper over the public C++ API: gbench.cc is its only C++ file.
 * A benchmark is a C callback run with an opaque state handle; it loops
 * while gbench_keep_running() (one iteration per call) or
 * gbench_keep_running_batch() (n iterations per call) says so, exactly as a
 * C++ benchmark loops on State::KeepRunning / KeepRunningBatch.
 *
 * Every gbench_* call crosses into C++ (no inlining), so a loop that calls
 * gbench_keep_running() per iteration pays a function call per iteration.
 * Fast paths of a few nanoseconds use the batch form with the whole
 * iteration budget at once, which costs two calls per run:
 *
 *     uint64_t n = gbench_max_iterations(st);
 *     while (gbench_keep_running_batch(st, n))
 *         for (uint64_t i = 0; i < n; i++) { ...one iteration... }
 *
 * Rules inherited from Google Benchmark: gbench_skip_with_error() stops the
 * run (the next keep_running call returns false; a loop of N must break by
 * itself); gbench_pause()/gbench_resume() bracket untimed work inside the
 * loop and cost a clock read each; counters and items/bytes processed are
 * set after the loop.  Registration happens before gbench_run(); names
 * and labels are copied.
 */
#ifndef GCB_MICRO_GBENCH_H
#define GCB_MICRO_GBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gbench_state gbench_state; /* opaque: a benchmark::State */

typedef void (*gbench_fn)(gbench_state *st, void *user);

typedef enum gbench_unit {
    GBENCH_DEFAULT = 0, /* the library's default (ns), or --benchmark_time_unit */
    GBENCH_NS = 1,
    GBENCH_US = 2,
    GBENCH_MS = 3,
    GBENCH_S = 4
} gbench_unit;

#define GBENCH_MAX_ARGS 4

/* What gbench_register() needs.  Zero fields mean "the library's default";
 * the name gets "/<arg>" appended per argument, as with Args(). */
typedef struct gbench_def {
    const char *name;       /* "alloc/marksweep" */
    gbench_fn run;          /* called once per run (several runs per benchmark) */
    void *user;             /* handed to run; outlives gbench_run() */
    size_t nargs;           /* entries of args used, <= GBENCH_MAX_ARGS */
    int64_t args[GBENCH_MAX_ARGS]; /* read back with gbench_arg() */
    gbench_unit unit;       /* time unit of the report */
    int repetitions;        /* 0: --benchmark_repetitions (default 1) */
    double min_time;        /* seconds; 0: --benchmark_min_time */
    bool manual_time;       /* time is what gbench_set_iteration_time() reports */
} gbench_def;

/* Counter flags: the values of benchmark::Counter::Flags. */
enum {
    GBENCH_COUNTER_DEFAULT = 0,
    GBENCH_COUNTER_RATE = 1 << 0,       /* divided by the run's time */
    GBENCH_COUNTER_AVG_THREADS = 1 << 1,
    GBENCH_COUNTER_ITER_INVARIANT = 1 << 2, /* multiplied by iterations */
    GBENCH_COUNTER_AVG_ITERS = 1 << 3   /* divided by iterations */
};

/* Register a benchmark.  Returns 0, or EINVAL (name/run missing, too many
 * args) with nothing registered. */
int gbench_register(const gbench_def *def);

/* ---- Inside a run --------------------------------------------------------- */
bool gbench_keep_running(gbench_state *st);
bool gbench_keep_running_batch(gbench_state *st, uint64_t n);
uint64_t gbench_max_iterations(const gbench_state *st); /* budget of this run */
uint64_t gbench_iterations(const gbench_state *st);     /* iterations done so far */
int64_t gbench_arg(const gbench_state *st, size_t i);

void gbench_pause(gbench_state *st);
void gbench_resume(gbench_state *st);
void gbench_set_iteration_time(gbench_state *st, double seconds); /* manual_time runs */

void gbench_set_items_processed(gbench_state *st, int64_t items); /* shown as items/s */
void gbench_set_bytes_processed(gbench_state *st, int64_t bytes); /* shown as bytes/s */
void gbench_counter(gbench_state *st, const char *name, double value, int flags);
void gbench_set_label(gbench_state *st, const char *label);
void gbench_skip_with_error(gbench_state *st, const char *msg);

/* Keep the compiler from dropping the computation of a value. */
#define gbench_do_not_optimize(v) __asm__ volatile("" : : "r,m"(v) : "memory")
#define gbench_clobber() __asm__ volatile("" : : : "memory")

/* ---- Main ----------------------------------------------------------------
 * gbench_init() removes the --benchmark_* flags it knows from argv and
 * returns 0, or 2 after printing the leftover arguments it does not know.
 * gbench_run() runs the benchmarks --benchmark_filter selects and returns
 * how many ran; gbench_shutdown() releases the library.  gbench_main() is
 * the three in a row: 0, or 2 on unrecognised arguments. */
int gbench_init(int *argc, char **argv);
size_t gbench_run(void);
void gbench_shutdown(void);
int gbench_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
