/* gbench_test.c - checks of the C wrapper over Google Benchmark (gbench.h).
 *
 *   gbench_test <out.json>      register, run with a tiny min time, check
 *                               what the callbacks saw and the JSON record
 *   gbench_test --bogus-flag    gbench_init must return 2 (unrecognised)
 *
 * Exit 0 when every check holds, 1 otherwise (each failure printed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gbench.h"

static int failures;

#define CHECK(cond, ...)                                          \
    do {                                                          \
        if (!(cond)) {                                            \
            fprintf(stderr, "gbench_test: FAIL %s: ", #cond);     \
            fprintf(stderr, __VA_ARGS__);                         \
            fputc('\n', stderr);                                  \
            failures++;                                           \
        }                                                         \
    } while (0)

typedef struct seen {
    int runs;             /* callback invocations */
    int bad_args;         /* runs whose gbench_arg values were wrong */
    int mismatches;       /* runs whose own count differed from gbench_iterations */
    int after_skip;       /* iterations run after skip_with_error */
} seen;

static seen batch_seen, single_seen, skip_seen;

/* Batch form with the whole budget: exactly one batch per run. */
static void bm_batch(gbench_state *st, void *user)
{
    seen *s = user;
    s->runs++;
    if (gbench_arg(st, 0) != 3 || gbench_arg(st, 1) != 5)
        s->bad_args++;
    uint64_t n = gbench_max_iterations(st), count = 0, sum = 0;
    while (gbench_keep_running_batch(st, n))
        for (uint64_t i = 0; i < n; i++) {
            sum += i;
            count++;
        }
    gbench_do_not_optimize(sum);
    if (count != gbench_iterations(st) || count != gbench_max_iterations(st))
        s->mismatches++;
    gbench_set_items_processed(st, (int64_t)count);
    gbench_set_bytes_processed(st, (int64_t)count * 8);
    gbench_counter(st, "probe", 42.0, GBENCH_COUNTER_DEFAULT);
    gbench_set_label(st, "label-probe");
}

/* One iteration per call, with untimed work bracketed on some of them. */
static void bm_single(gbench_state *st, void *user)
{
    seen *s = user;
    s->runs++;
    uint64_t count = 0;
    while (gbench_keep_running(st)) {
        if ((count & 1023) == 0) {
            gbench_pause(st);
            gbench_clobber();
            gbench_resume(st);
        }
        count++;
    }
    if (count != gbench_iterations(st))
        s->mismatches++;
}

static void bm_skip(gbench_state *st, void *user)
{
    seen *s = user;
    s->runs++;
    int first = 1;
    while (gbench_keep_running(st)) {
        if (!first)
            s->after_skip++;
        first = 0;
        gbench_skip_with_error(st, "deliberate skip");
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--bogus-flag") == 0) {
        int rc = gbench_init(&argc, argv);
        CHECK(rc == 2, "gbench_init returned %d for an unknown flag", rc);
        return failures ? 1 : 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: gbench_test <out.json> | --bogus-flag\n");
        return 2;
    }
    const char *out = argv[1];

    CHECK(gbench_register(NULL) == EINVAL, "NULL definition accepted");
    gbench_def nameless = {.run = bm_batch};
    CHECK(gbench_register(&nameless) == EINVAL, "definition without a name accepted");
    gbench_def too_many = {.name = "t/too-many", .run = bm_batch, .nargs = GBENCH_MAX_ARGS + 1};
    CHECK(gbench_register(&too_many) == EINVAL, "nargs > GBENCH_MAX_ARGS accepted");

    gbench_def batch = {.name = "t/batch", .run = bm_batch, .user = &batch_seen, .nargs = 2,
                        .args = {3, 5}, .unit = GBENCH_NS, .repetitions = 2};
    gbench_def single = {.name = "t/single", .run = bm_single, .user = &single_seen,
                         .unit = GBENCH_US};
    gbench_def skip = {.name = "t/skip", .run = bm_skip, .user = &skip_seen};
    CHECK(gbench_register(&batch) == 0, "t/batch refused");
    CHECK(gbench_register(&single) == 0, "t/single refused");
    CHECK(gbench_register(&skip) == 0, "t/skip refused");

    char outflag[4096];
    snprintf(outflag, sizeof outflag, "--benchmark_out=%s", out);
    char *args[] = {argv[0], "--benchmark_min_time=0.001", outflag,
                    "--benchmark_out_format=json", NULL};
    int nargs = 4;
    CHECK(gbench_init(&nargs, args) == 0, "gbench_init refused the --benchmark flags");
    CHECK(nargs == 1, "gbench_init left %d arguments", nargs);
    size_t ran = gbench_run();
    gbench_shutdown();

    CHECK(ran == 3, "gbench_run reported %zu benchmarks, want 3", ran);
    CHECK(batch_seen.runs >= 2, "t/batch ran %d times (2 repetitions)", batch_seen.runs);
    CHECK(batch_seen.bad_args == 0, "t/batch saw wrong args %d times", batch_seen.bad_args);
    CHECK(batch_seen.mismatches == 0, "t/batch iteration count mismatched %d times",
          batch_seen.mismatches);
    CHECK(single_seen.runs >= 1 && single_seen.mismatches == 0,
          "t/single: %d runs, %d mismatches", single_seen.runs, single_seen.mismatches);
    CHECK(skip_seen.runs == 1 && skip_seen.after_skip == 0,
          "t/skip: %d runs, %d iterations after the skip", skip_seen.runs, skip_seen.after_skip);

    const char *json = slurp(out);
    CHECK(json != NULL, "no JSON written to %s", out);
    if (json != NULL) {
        CHECK(strstr(json, "\"t/batch/3/5/repeats:2\"") != NULL, "t/batch/3/5/repeats:2 missing");
        CHECK(strstr(json, "\"items_per_second\"") != NULL, "items_per_second missing");
        CHECK(strstr(json, "\"bytes_per_second\"") != NULL, "bytes_per_second missing");
        CHECK(strstr(json, "\"probe\": 4.2") != NULL, "counter probe (42) missing");
        CHECK(strstr(json, "label-probe") != NULL, "label missing");
        CHECK(strstr(json, "\"time_unit\": \"us\"") != NULL, "t/single not in us");
        CHECK(strstr(json, "deliberate skip") != NULL, "t/skip error message missing");
    }
    if (failures == 0)
        printf("gbench_test: all checks passed\n");
    return failures ? 1 : 0;
}
