/* gcbench report on the committed record files: tables, figures, trace
 * export and exporters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <jansson.h>

#include "capture.h"
#include "analysis/report.h"
#include "analysis/trace.h"

#define D REPORT_DATA "/"
#define OUT REPORT_OUT

static long filesize(const char *name)
{
    char p[4096];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", OUT, name);
    return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

static char *readall(const char *name)
{
    static char buf[1 << 18];
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", OUT, name);
    FILE *f = fopen(p, "r");
    if (!f) return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void tables_and_figures(void **st)
{
    (void)st;
    assert_int_equal(run(report_main, "report", D "base.jsonl", "--out", OUT, NULL), 0);
    assert_non_null(strstr(cap_out, "report.md"));
    char *md = readall("report.md");
    assert_non_null(md);
    /* group A throughput: median 1.02e6, n = 5 -> min..max */
    assert_non_null(strstr(md, "| marksweep gogc=100 / builder | "
                               "1.02e+06 | 1e+06 .. 1.04e+06 (min..max) | 5 |"));
    assert_non_null(strstr(md, "| malloc / builder | 5 | 5 | 0 | 0 | 0 |"));
    /* the full configuration stays, in the last table */
    assert_non_null(strstr(md, "| malloc / builder | `malloc/builder{piece=36,writes=100}/t1` |"));
    assert_null(strstr(md, "| g0 "));
    char *csv = readall("report.csv");
    assert_non_null(csv);
    assert_non_null(strstr(csv, "\"marksweep{gogc=200}/builder{piece=36,writes=100}/t1\",ops_per_s,ops/s,5,104000,100000,108000,minmax,0.9375"));
    /* data and script are always written */
    assert_true(filesize("plots.gp") > 0);
    assert_true(filesize("pause_cdf_0.dat") > 0);
    assert_true(filesize("mmu_0.dat") > 0);
    assert_true(filesize("throughput_0.dat") > 0);
    assert_true(filesize("timespace_0.dat") > 0);   /* gogc 100 vs 200 */
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        assert_non_null(strstr(cap_out, "gnuplot not found"));
        return;
    }
    static const char *const figs[] = { "pause_cdf", "mmu", "rss_0", "throughput", "timespace_0" };
    for (size_t i = 0; i < sizeof figs / sizeof *figs; i++) {
        char n[64];
        snprintf(n, sizeof n, "%s.png", figs[i]);
        assert_true(filesize(n) > 0);
        snprintf(n, sizeof n, "%s.svg", figs[i]);
        assert_true(filesize(n) > 0);
    }
}

/* n >= 6: the binomial interval.  base + same = 10 runs per group: the
 * 2nd and 9th smallest of {1.00,1.00,1.01,1.01,...,1.04,1.04}e6. */
static void binomial_ci(void **st)
{
    (void)st;
    assert_int_equal(run(report_main, "report", D "base.jsonl", D "same.jsonl", "--out", OUT,
                         "--format", "csv", NULL), 0);
    char *csv = readall("report.csv");
    assert_non_null(strstr(csv, "/t1\",ops_per_s,ops/s,10,1020000,1000000,1040000,binomial,0.9785"));
}

static size_t countph(json_t *t, const char *ph)
{
    size_t k, n = 0;
    json_t *e;
    json_array_foreach(json_object_get(t, "traceEvents"), k, e)
        n += strcmp(json_string_value(json_object_get(e, "ph")), ph) == 0;
    return n;
}

static void trace(void **st)
{
    (void)st;
    assert_int_equal(run(report_main, "report", D "base.jsonl", "--out", OUT, "--trace", "a-0", NULL), 0);
    char p[4096];
    snprintf(p, sizeof p, "%s/trace-a-0.json", OUT);
    json_error_t err;
    json_t *t = json_load_file(p, 0, &err);
    assert_non_null(t);
    /* run a-0: 4 cycles x 2 pauses + timeline 4 x (mark + assist) */
    assert_int_equal(countph(t, "X"), 16);
    assert_int_equal(countph(t, "i"), 4);      /* one per GC cycle */
    /* the first pause: sweep_term at wall*(0.5/4) = 0.0125 s, 100 us */
    json_t *e;
    size_t k;
    int found = 0;
    json_array_foreach(json_object_get(t, "traceEvents"), k, e) {
        if (strcmp(json_string_value(json_object_get(e, "ph")), "X") != 0) continue;
        if (strcmp(json_string_value(json_object_get(e, "name")), "sweep_term") != 0) continue;
        assert_float_equal(json_number_value(json_object_get(e, "ts")), 12500, 1e-6);
        assert_float_equal(json_number_value(json_object_get(e, "dur")), 100, 1e-6);
        assert_int_equal(json_integer_value(json_object_get(e, "pid")), 1);
        found = 1;
        break;
    }
    assert_true(found);
    json_decref(t);
    /* a run without pauses or timeline: no X events */
    assert_int_equal(run(report_main, "report", D "base.jsonl", "--out", OUT, "--trace", "c-0", NULL), 0);
    snprintf(p, sizeof p, "%s/trace-c-0.json", OUT);
    t = json_load_file(p, 0, &err);
    assert_non_null(t);
    assert_int_equal(countph(t, "X"), 0);
    json_decref(t);
    assert_int_equal(run(report_main, "report", D "base.jsonl", "--out", OUT, "--trace", "zz", NULL), 2);
    assert_non_null(strstr(cap_err, "no run with id 'zz'"));
}

/* Timeline entries that repeat a pause of pauses.log are shown once. */
static void trace_dedup(void **st)
{
    (void)st;
    json_t *r = json_loads(
        "{\"id\":\"x\",\"collector\":{\"name\":\"c\"},\"workload\":{\"name\":\"w\"},"
        "\"pauses\":{\"log\":[[0.001,0.0002,\"stw-mark\"],[0.01,0.0001,\"stw-sweep\"]]},"
        "\"timeline\":[[0.001,0.0002,\"stw-mark\",0],[0.002,0.003,\"mark\",1],"
        "[0.01,0.0001,\"stw-sweep\",0],[0.011,0.001,\"sweep\",2]],"
        "\"gc\":{\"log\":[]},\"rss\":{\"samples\":[[0.0,100,50]]}}", 0, NULL);
    assert_non_null(r);
    json_t *t = trace_build(r);
    assert_int_equal(countph(t, "X"), 4);    /* 2 pauses + mark + sweep */
    assert_int_equal(countph(t, "C"), 1);    /* one rss sample */
    size_t k;
    json_t *e;
    int mark = 0;
    json_array_foreach(json_object_get(t, "traceEvents"), k, e)
        if (strcmp(json_string_value(json_object_get(e, "name")), "mark") == 0) {
            assert_int_equal(json_integer_value(json_object_get(e, "tid")), 1);
            assert_float_equal(json_number_value(json_object_get(e, "dur")), 3000, 1e-6);
            mark++;
        }
    assert_int_equal(mark, 1);
    json_decref(t);
    json_decref(r);
}

static void exporters(void **st)
{
    (void)st;
    char p[4096];
    json_error_t err;
    assert_int_equal(run(report_main, "report", D "base.jsonl", "--out", OUT, "--format", "gab", NULL), 0);
    snprintf(p, sizeof p, "%s/gab-bigger.json", OUT);
    json_t *b = json_load_file(p, 0, &err);
    snprintf(p, sizeof p, "%s/gab-smaller.json", OUT);
    json_t *s = json_load_file(p, 0, &err);
    assert_non_null(b);
    assert_non_null(s);
    /* bigger is better: throughput and mmu, for 3 groups */
    assert_int_equal(json_array_size(b), 6);
    assert_string_equal(json_string_value(json_object_get(json_array_get(b, 0), "name")),
                        "marksweep{gogc=100}/builder{piece=36,writes=100}/t1 - ops_per_s");
    assert_float_equal(json_number_value(json_object_get(json_array_get(b, 0), "value")), 1020000, 0);
    assert_int_equal(json_array_size(s), 3 * 13);
    json_decref(b);
    json_decref(s);

    assert_int_equal(run(report_main, "report", D "base.jsonl", "--out", OUT, "--format", "gbench", NULL), 0);
    snprintf(p, sizeof p, "%s/gbench.json", OUT);
    json_t *g = json_load_file(p, 0, &err);
    assert_non_null(g);
    json_t *bm = json_object_get(g, "benchmarks");
    assert_int_equal(json_array_size(bm), 15 + 3);    /* runs + median aggregates */
    json_t *b0 = json_array_get(bm, 0);
    assert_string_equal(json_string_value(json_object_get(b0, "name")),
                        "Marksweep/gogc=100/builder/piece=36/writes=100/threads:1");
    assert_int_equal(json_integer_value(json_object_get(b0, "iterations")), 100000);
    assert_float_equal(json_number_value(json_object_get(b0, "real_time")), 1000, 1e-6);
    assert_string_equal(json_string_value(json_object_get(b0, "time_unit")), "ns");
    json_decref(g);

    assert_int_equal(run(report_main, "report", D "base.jsonl", "--out", OUT, "--format", "benchstat", NULL), 0);
    char *txt = readall("bench.txt");
    assert_non_null(strstr(txt, "goos: linux\ngoarch: "));
    assert_non_null(strstr(txt, "\npkg: gcbench\n"));
    assert_non_null(strstr(txt, "\nBenchmarkMarksweep/gogc=100/builder/piece=36/writes=100-1 100000 1000 ns/op "));
    size_t lines = 0;
    for (char *c = txt; (c = strstr(c, "\nBenchmark")) != NULL; c++) lines++;
    assert_int_equal(lines, 15);
}

/* Without gnuplot the data and script are still written, and that is no
 * error. */
static void no_gnuplot(void **st)
{
    (void)st;
    const char *path = getenv("PATH");
    char *saved = path ? strdup(path) : NULL;
    setenv("PATH", "/nonexistent", 1);
    int rc = run(report_main, "report", D "base.jsonl", "--out", OUT "/nognuplot", NULL);
    if (saved) setenv("PATH", saved, 1);
    free(saved);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(cap_out, "gnuplot not found"));
    assert_true(filesize("nognuplot/plots.gp") > 0);
    assert_int_equal(filesize("nognuplot/mmu.png"), -1);
}

static void bad_usage(void **st)
{
    (void)st;
    assert_int_equal(run(report_main, "report", "--out", OUT, NULL), 2);
    assert_int_equal(run(report_main, "report", D "base.jsonl", "--format", "xml", NULL), 2);
    assert_non_null(strstr(cap_err, "--format 'xml'"));
    assert_int_equal(run(report_main, "report", D "malformed.jsonl", "--out", OUT, NULL), 2);
    assert_non_null(strstr(cap_err, "malformed.jsonl:3:"));
}

/* Records of two machines: report.md prints every hostname with its run
 * count and warns; one machine, one value per field and no warning. */
static void provenance_mixed(void **st)
{
    (void)st;
    char in[4096], out[4096];
    snprintf(in, sizeof in, "%s", D "base.jsonl");
    snprintf(out, sizeof out, "%s/mixed.jsonl", OUT);
    mkdir(OUT, 0777);
    FILE *f = fopen(in, "r"), *g = fopen(out, "w");
    assert_non_null(f);
    assert_non_null(g);
    char line[1 << 16];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t e;
        json_t *r = json_loads(line, 0, &e);
        if (!r) continue;
        json_object_set_new(r, "provenance", json_pack("{s:s, s:s, s:b}", "hostname",
                            n++ % 2 ? "alpha" : "beta", "commit", "abc123", "dirty", 0));
        char *t = json_dumps(r, JSON_COMPACT);
        fprintf(g, "%s\n", t);
        free(t);
        json_decref(r);
    }
    fclose(f);
    fclose(g);
    assert_int_equal(run(report_main, "report", out, "--out", OUT, "--no-plots", NULL), 0);
    char *md = readall("report.md");
    assert_non_null(md);
    assert_non_null(strstr(md, "more than one machine"));
    assert_null(strstr(md, "more than one build"));
    assert_non_null(strstr(md, "| hostname | `beta` ("));
    assert_non_null(strstr(md, "| commit | `abc123` |"));
    assert_non_null(strstr(md, "| kernel | `(absent)` |"));
    /* the committed records predate provenance: every field absent, no warning */
    assert_int_equal(run(report_main, "report", D "base.jsonl", "--out", OUT, "--no-plots", NULL), 0);
    md = readall("report.md");
    assert_null(strstr(md, "more than one machine"));
    assert_non_null(strstr(md, "| hostname | `(absent)` |"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tables_and_figures),
        cmocka_unit_test(binomial_ci),
        cmocka_unit_test(trace),
        cmocka_unit_test(trace_dedup),
        cmocka_unit_test(exporters),
        cmocka_unit_test(no_gnuplot),
        cmocka_unit_test(bad_usage),
        cmocka_unit_test(provenance_mixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
