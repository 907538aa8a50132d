/* export.c - benchstat, github-action-benchmark and Google Benchmark
 * formats (see export.h). */
#define _GNU_SOURCE
#include "analysis/export.h"
#include "analysis/mannwhitney.h"
#include "common/quantile.h"
#include "analysis/report_metric.h"
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

/* host is {"name", "cpu", "topology"} in current records, a string in
 * older ones. */
static const char *hostfield(const rec_set *s, const char *k)
{
    if (!s->n) return NULL;
    json_t *h = json_object_get(s->runs[0].j, "host");
    if (json_is_string(h)) return json_string_value(h);
    return json_string_value(json_object_get(h, k));
}

static void putkv(FILE *f, json_t *obj)
{
    /* keys sorted, as in the group key */
    size_t n = json_object_size(obj), i = 0;
    if (!n) return;
    const char **keys = malloc(n * sizeof *keys), *k;
    json_t *v;
    if (!keys) harness_oom("a benchmark name");
    json_object_foreach(obj, k, v) keys[i++] = k;
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
            const char *t = keys[b];
            keys[b] = keys[b - 1];
            keys[b - 1] = t;
        }
    for (i = 0; i < n; i++) {
        v = json_object_get(obj, keys[i]);
        char *d = json_is_string(v) ? strdup(json_string_value(v))
                                    : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        /* benchstat splits names on '/' and fields on spaces */
        for (char *c = d; c && *c; c++)
            if (*c == ' ' || *c == '/' || *c == '-') *c = '_';
        fprintf(f, "/%s=%s", keys[i], d ? d : "?");
        free(d);
    }
    free(keys);
}

char *export_benchname(json_t *r)
{
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    if (!f) harness_oom("a benchmark name");
    json_t *c = json_object_get(r, "collector"), *w = json_object_get(r, "workload");
    const char *cn = json_string_value(json_object_get(c, "name"));
    fprintf(f, "Benchmark%s", cn ? cn : "");
    putkv(f, json_object_get(c, "options"));
    fprintf(f, "/%s", json_string_value(json_object_get(w, "name")));
    putkv(f, json_object_get(w, "params"));
    fclose(f);
    for (char *q = p; *q; q++)
        if (*q == ' ' || *q == '-') *q = '_';
    /* Go's testing names start upper-case after "Benchmark" */
    if (p[9] >= 'a' && p[9] <= 'z') p[9] = (char)(p[9] - 'a' + 'A');
    return p;
}

/* benchstat units: a unit ending in "/op" is per operation; others are
 * printed as recorded.  Names avoid spaces. */
static const char *benchunit(const rmetric *m, char *buf, size_t len)
{
    snprintf(buf, len, "%s-%s", m->name, strcmp(m->unit, "1") == 0 ? "count" :
             strcmp(m->unit, "ops/s") == 0 ? "ops/s" : strcmp(m->unit, "s") == 0 ? "sec" : m->unit);
    return buf;
}

void export_benchstat(FILE *f, const rec_set *s)
{
    const char *host = hostfield(s, "cpu");
    fprintf(f, "goos: linux\ngoarch: %s\npkg: gcbench\n",
#if defined(__x86_64__)
            "amd64"
#elif defined(__aarch64__)
            "arm64"
#else
            "unknown"
#endif
    );
    if (host) fprintf(f, "cpu: %s\n", host);
    for (size_t gi = 0; gi < s->ngroups; gi++) {
        const rec_group *g = &s->groups[gi];
        for (size_t i = 0; i < g->n; i++) {
            json_t *r = s->runs[g->idx[i]].j;
            if (!rec_is_ok(r)) continue;
            char *name = export_benchname(r), ub[64];
            double ops = rec_num(r, NULL, "ops", NULL), wall = rec_num(r, NULL, "wall_s", NULL);
            fprintf(f, "%s-%lld %.0f %.6g ns/op", name,
                    (long long)json_integer_value(json_object_get(r, "threads")),
                    ops > 0 ? ops : 1, ops > 0 ? wall * 1e9 / ops : wall * 1e9);
            for (size_t m = 0; m < rmetric_count; m++) {
                int ok;
                double v = rec_path(r, rmetric_table[m].path, &ok);
                if (ok) fprintf(f, " %.9g %s", v, benchunit(&rmetric_table[m], ub, sizeof ub));
            }
            fprintf(f, "\n");
            free(name);
        }
    }
}

int export_gab(FILE *smaller, FILE *bigger, const rec_set *s)
{
    json_t *out[2] = { json_array(), json_array() };   /* [0] smaller, [1] bigger */
    for (size_t gi = 0; gi < s->ngroups; gi++) {
        const rec_group *g = &s->groups[gi];
        for (size_t m = 0; m < rmetric_count; m++) {
            const rmetric *mt = &rmetric_table[m];
            double *v, lo, hi, cov;
            int bin;
            size_t n = rec_values(s, g, mt->path, &v);
            if (!n) continue;
            mw_median_ci(v, n, &lo, &hi, &cov, &bin);
            char name[1024], range[64], extra[128];
            snprintf(name, sizeof name, "%s - %s", g->key, mt->path);
            snprintf(range, sizeof range, "± %.6g", (hi - lo) / 2);
            snprintf(extra, sizeof extra, "n=%zu; %s %.1f%% interval [%.6g, %.6g]", n,
                     bin ? "binomial" : "min..max", cov * 100, lo, hi);
            json_array_append_new(out[mt->bigger ? 1 : 0],
                json_pack("{s:s, s:s, s:f, s:s, s:s}", "name", name, "unit", mt->unit,
                          "value", quantile_median(v, n), "range", range, "extra", extra));
            free(v);
        }
    }
    int rc = 0;
    if (json_dumpf(out[0], smaller, JSON_INDENT(2)) || json_dumpf(out[1], bigger, JSON_INDENT(2)))
        rc = 2;
    fputc('\n', smaller);
    fputc('\n', bigger);
    json_decref(out[0]);
    json_decref(out[1]);
    return rc;
}

int export_gbench(FILE *f, const rec_set *s)
{
    json_t *bm = json_array();
    const char *host = hostfield(s, "name");
    const char *time = s->n ? json_string_value(json_object_get(s->runs[0].j, "time")) : NULL;
    for (size_t gi = 0; gi < s->ngroups; gi++) {
        const rec_group *g = &s->groups[gi];
        char *name = export_benchname(s->runs[g->idx[0]].j);
        char full[1200];
        snprintf(full, sizeof full, "%s/threads:%lld", name + 9,
                 (long long)json_integer_value(json_object_get(s->runs[g->idx[0]].j, "threads")));
        free(name);
        size_t nok = 0;
        for (size_t i = 0; i < g->n; i++) nok += rec_is_ok(s->runs[g->idx[i]].j);
        size_t rep = 0;
        for (size_t i = 0; i < g->n; i++) {
            json_t *r = s->runs[g->idx[i]].j;
            if (!rec_is_ok(r)) continue;
            double ops = rec_num(r, NULL, "ops", NULL), wall = rec_num(r, NULL, "wall_s", NULL);
            double cpu = rec_num(r, NULL, "cpu", "mutator_s", NULL) + rec_num(r, NULL, "cpu", "gc_s", NULL);
            if (!(ops > 0)) ops = 1;
            json_t *b = json_pack("{s:s, s:s, s:s, s:I, s:I, s:i, s:I, s:f, s:f, s:s}",
                "name", full, "run_name", full, "run_type", "iteration",
                "repetitions", (json_int_t)nok, "repetition_index", (json_int_t)rep++,
                "threads", (int)json_integer_value(json_object_get(r, "threads")),
                "iterations", (json_int_t)ops, "real_time", wall * 1e9 / ops,
                "cpu_time", isnan(cpu) ? 0 : cpu * 1e9 / ops, "time_unit", "ns");
            for (size_t m = 0; m < rmetric_count; m++) {
                int ok;
                double v = rec_path(r, rmetric_table[m].path, &ok);
                if (ok) json_object_set_new(b, rmetric_table[m].name, json_real(v));
            }
            json_array_append_new(bm, b);
        }
        double *v;
        size_t n = rec_values(s, g, "wall_s", &v);
        if (n) {
            double *o;
            size_t no = rec_values(s, g, "ops", &o);
            double ops = no ? quantile_median(o, no) : 1;
            char agg[1300];
            snprintf(agg, sizeof agg, "%s_median", full);
            json_array_append_new(bm, json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:f, s:f, s:s}",
                "name", agg, "run_name", full, "run_type", "aggregate",
                "aggregate_name", "median", "repetitions", (json_int_t)n,
                "iterations", (json_int_t)n, "real_time", quantile_median(v, n) * 1e9 / (ops > 0 ? ops : 1),
                "cpu_time", quantile_median(v, n) * 1e9 / (ops > 0 ? ops : 1), "time_unit", "ns"));
            free(o);
        }
        free(v);
    }
    json_t *doc = json_pack("{s:{s:s, s:s, s:s, s:s}, s:o}",
        "context", "date", time ? time : "", "host_name", host ? host : "",
        "executable", "gcbench", "library_build_type", "release",
        "benchmarks", bm);
    int rc = json_dumpf(doc, f, JSON_INDENT(2)) ? 2 : 0;
    fputc('\n', f);
    json_decref(doc);
    return rc;
}

int export_mkdir(const char *dir)
{
    char *p = strdup(dir);
    if (!p) harness_oom("an output path");
    for (char *c = p + 1; *c; c++) {
        if (*c != '/') continue;
        *c = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) break;
        *c = '/';
    }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? errno : 0;
    free(p);
    if (rc) fprintf(stderr, "gcbench: cannot create folder %s: %s\n", dir, strerror(rc));
    return rc ? 2 : 0;
}

FILE *export_open(const char *dir, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) fprintf(stderr, "gcbench: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

int export_files(const rec_set *s, const char *fmt, const char *dir, const char *prefix)
{
    char p1[4096], p2[4096], n1[256], n2[256];
    int rc = 0;
    if (strcmp(fmt, "benchstat") == 0) {
        snprintf(n1, sizeof n1, "%sbench.txt", prefix);
        FILE *f = export_open(dir, n1, p1, sizeof p1);
        if (!f) return 2;
        export_benchstat(f, s);
        rc = fclose(f) ? 2 : 0;
        if (!rc) printf("wrote %s\n", p1);
    } else if (strcmp(fmt, "gab") == 0) {
        snprintf(n1, sizeof n1, "%sgab-smaller.json", prefix);
        snprintf(n2, sizeof n2, "%sgab-bigger.json", prefix);
        FILE *a = export_open(dir, n1, p1, sizeof p1);
        FILE *b = a ? export_open(dir, n2, p2, sizeof p2) : NULL;
        if (!b) {
            if (a) fclose(a);
            return 2;
        }
        rc = export_gab(a, b, s);
        rc |= fclose(a) ? 2 : 0;
        rc |= fclose(b) ? 2 : 0;
        if (!rc) printf("wrote %s (customSmallerIsBetter)\nwrote %s (customBiggerIsBetter)\n", p1, p2);
    } else if (strcmp(fmt, "gbench") == 0) {
        snprintf(n1, sizeof n1, "%sgbench.json", prefix);
        FILE *f = export_open(dir, n1, p1, sizeof p1);
        if (!f) return 2;
        rc = export_gbench(f, s);
        rc |= fclose(f) ? 2 : 0;
        if (!rc) printf("wrote %s\n", p1);
    } else {
        fprintf(stderr, "gcbench: unknown export format '%s' (benchstat, gab, gbench)\n", fmt);
        return 2;
    }
    if (rc) fprintf(stderr, "gcbench: writing %s failed\n", p1);
    return rc ? 2 : 0;
}
