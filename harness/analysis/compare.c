/* compare.c - `gcbench compare BASE.jsonl NEW.jsonl`: per group present in
 * both files and per metric, the medians, the change, a two-sided
 * Mann-Whitney U test across repetitions and a verdict; a geometric-mean row
 * per metric.  Exact metrics (reportmetric.h) are compared for equality.
 *
 * Exact metrics are compared exactly only when every ok run of both groups
 * did the same number of operations (count-bound runs: `ops = N` in the
 * script); for duration-bound runs they are compared like timing metrics.
 *
 * Verdict of a timing metric: `better` / `worse` when p < alpha AND
 * |change| > threshold, in the metric's direction; `~` otherwise.
 * Exit status: 1 when any timing metric is `worse` (unless
 * --timing-advisory), any exact metric `changed`, or NEW has non-ok runs in a
 * group where BASE had none; 2 on bad input; 0 otherwise.
 */
#include "analysis/compare.h"
#include "analysis/export.h"
#include "analysis/mannwhitney.h"
#include "common/quantile.h"
#include "analysis/record_file.h"
#include "analysis/report_metric.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct copts {
    double threshold;   /* percent */
    double alpha;
    int advisory;       /* timing metrics never fail */
    const char *format; /* "text", or an exporter (export.h) */
    const char *out;    /* folder for exporter files */
    const char *base, *new;
} copts;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: gcbench compare BASE.jsonl NEW.jsonl [--threshold PCT] [--alpha A]\n"
        "                       [--timing-advisory] [--format text|benchstat|gab|gbench]\n"
        "                       [--out DIR]\n"
        "  --threshold PCT    smallest change of a median that counts (default 5)\n"
        "  --alpha A          significance level of the Mann-Whitney U test (default 0.05)\n"
        "  --timing-advisory  timing metrics are reported but never fail; only exact\n"
        "                     metrics (bytes/objects allocated, gc.cycles at 1 thread\n"
        "                     of a non-concurrent collector;\n"
        "                     only for runs with a fixed op count) and new failed runs do\n"
        "exit: 0 no regression, 1 regression or exact metric changed, 2 bad input\n"
        "  --format F         besides the text table, write both inputs in format F to\n"
        "                     DIR (default report/): base-bench.txt + new-bench.txt\n"
        "                     (benchstat), base-/new-gab-{smaller,bigger}.json\n"
        "                     (github-action-benchmark), base-/new-gbench.json\n"
        "                     (Google Benchmark)\n");
}

static int parsenum(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = s ? strtod(s, &end) : 0;
    if (!s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "gcbench compare: %s wants a number in [%g, %g], got '%s'\n",
                opt, lo, hi, s ? s : "(nothing)");
        return 2;
    }
    *out = v;
    return 0;
}

static int parse(int argc, char **argv, copts *o)
{
    o->threshold = 5;
    o->format = "text";
    o->out = "report";
    o->alpha = 0.05;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--threshold") == 0) {
            if (parsenum(a, i + 1 < argc ? argv[++i] : NULL, 0, 1e9, &o->threshold)) return 2;
        } else if (strcmp(a, "--alpha") == 0) {
            if (parsenum(a, i + 1 < argc ? argv[++i] : NULL, 0, 1, &o->alpha)) return 2;
        } else if (strcmp(a, "--timing-advisory") == 0) {
            o->advisory = 1;
        } else if (strcmp(a, "--format") == 0) {
            o->format = i + 1 < argc ? argv[++i] : "";
            if (strcmp(o->format, "text") != 0 && strcmp(o->format, "benchstat") != 0 &&
                strcmp(o->format, "gab") != 0 && strcmp(o->format, "gbench") != 0) {
                fprintf(stderr, "gcbench compare: --format '%s': expected text, benchstat, "
                        "gab or gbench\n", o->format);
                return 2;
            }
        } else if (strcmp(a, "--out") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "gcbench compare: --out needs a folder\n");
                return 2;
            }
            o->out = argv[++i];
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return -1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "gcbench compare: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (!o->base) {
            o->base = a;
        } else if (!o->new) {
            o->new = a;
        } else {
            fprintf(stderr, "gcbench compare: one BASE and one NEW file, got also '%s'\n", a);
            return 2;
        }
    }
    if (!o->new) {
        usage(stderr);
        return 2;
    }
    return 0;
}

/* Did every ok run of g do the same number of operations?  Exact metrics
 * are exact only for count-bound runs; a run bound by duration does as many
 * operations as the machine allows, so what it allocates is timing too. */
static int countbound(const rec_set *s, const rec_group *g)
{
    double *v;
    size_t n = rec_values(s, g, "ops", &v);
    int same = 1;
    for (size_t i = 1; i < n; i++) same &= v[i] == v[0];
    free(v);
    return same;
}

/* Did r's collector declare itself concurrent (collector.capabilities)?
 * A concurrent collector's pacer reads clocks (scan rate, mark time), so
 * its cycle count is timing, whatever the seed. */
static int concurrent(json_t *r)
{
    json_t *caps = json_object_get(json_object_get(r, "collector"), "capabilities");
    size_t i;
    json_t *c;
    json_array_foreach(caps, i, c)
        if (json_is_string(c) && strcmp(json_string_value(c), "concurrent") == 0) return 1;
    return 0;
}

/* gc.cycles counts as exact when all runs of both groups ran one thread of
 * a collector that is not concurrent and each group's values are all equal. */
static int exactif(const rec_set *bs, const rec_group *bg, const rec_set *ns,
                   const rec_group *ng, const double *b, size_t nb,
                   const double *n, size_t nn)
{
    for (size_t i = 0; i < bg->n; i++)
        if (rec_num(bs->runs[bg->idx[i]].j, NULL, "threads", NULL) != 1 ||
            concurrent(bs->runs[bg->idx[i]].j)) return 0;
    for (size_t i = 0; i < ng->n; i++)
        if (rec_num(ns->runs[ng->idx[i]].j, NULL, "threads", NULL) != 1 ||
            concurrent(ns->runs[ng->idx[i]].j)) return 0;
    for (size_t i = 1; i < nb; i++) if (b[i] != b[0]) return 0;
    for (size_t i = 1; i < nn; i++) if (n[i] != n[0]) return 0;
    return 1;
}

/* A run may say a metric that is exact elsewhere is not exact in it: its
 * `approximate` object names the path with the reason (the go peer's
 * allocation counters also count the runtime's and the driver's own). */
static int approximate(const rec_set *s, const rec_group *g, const char *path)
{
    for (size_t i = 0; i < g->n; i++)
        if (json_object_get(json_object_get(s->runs[g->idx[i]].j, "approximate"), path))
            return 1;
    return 0;
}

static void minmax(const double *v, size_t n, double *lo, double *hi)
{
    *lo = *hi = v[0];
    for (size_t i = 1; i < n; i++) {
        if (v[i] < *lo) *lo = v[i];
        if (v[i] > *hi) *hi = v[i];
    }
}

static size_t countok(const rec_set *s, const rec_group *g)
{
    size_t k = 0;
    for (size_t i = 0; i < g->n; i++) k += rec_is_ok(s->runs[g->idx[i]].j);
    return k;
}

int compare_main(int argc, char **argv)
{
    copts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;

    rec_set bs = {0}, ns = {0};
    if (rec_load(&bs, o.base) || rec_load(&ns, o.new)) {
        rec_free(&bs);
        rec_free(&ns);
        return 2;
    }
    size_t common = 0;
    for (size_t i = 0; i < bs.ngroups; i++)
        common += rec_find(&ns, bs.groups[i].key) != NULL;
    if (common == 0) {
        fprintf(stderr, "gcbench compare: %s (%zu groups) and %s (%zu groups) "
                "have no group in common\n", o.base, bs.ngroups, o.new, ns.ngroups);
        rec_free(&bs);
        rec_free(&ns);
        return 2;
    }

    if (strcmp(o.format, "text") != 0) {
        rc = export_mkdir(o.out);
        if (rc == 0) rc = export_files(&bs, o.format, o.out, "base-");
        if (rc == 0) rc = export_files(&ns, o.format, o.out, "new-");
        if (rc) {
            rec_free(&bs);
            rec_free(&ns);
            return rc;
        }
    }
    printf("base: %s (%zu runs)\nnew:  %s (%zu runs)\n", o.base, bs.n, o.new, ns.n);
    printf("threshold %g%%, alpha %g%s\n", o.threshold, o.alpha,
           o.advisory ? ", timing metrics advisory" : "");
    for (size_t i = 0; i < bs.ngroups; i++)
        if (!rec_find(&ns, bs.groups[i].key))
            printf("only in base: %s\n", bs.groups[i].key);
    for (size_t i = 0; i < ns.ngroups; i++)
        if (!rec_find(&bs, ns.groups[i].key))
            printf("only in new:  %s\n", ns.groups[i].key);

    size_t worse = 0, better = 0, changed = 0, failed = 0;
    size_t keyw = 8;
    for (size_t i = 0; i < bs.ngroups; i++)
        if (rec_find(&ns, bs.groups[i].key) && strlen(bs.groups[i].key) > keyw)
            keyw = strlen(bs.groups[i].key);

    printf("\nstatus (ok runs / runs)\n");
    for (size_t i = 0; i < bs.ngroups; i++) {
        const rec_group *bg = &bs.groups[i], *ng = rec_find(&ns, bg->key);
        if (!ng) continue;
        size_t bo = countok(&bs, bg), no = countok(&ns, ng);
        int bad = bo == bg->n && no < ng->n;
        printf("  %-*s  %zu/%zu  %zu/%zu%s\n", (int)keyw, bg->key, bo, bg->n, no, ng->n,
               bad ? "  FAILED RUNS" : "");
        failed += bad;
    }

    for (size_t m = 0; m < rmetric_count; m++) {
        const rmetric *mt = &rmetric_table[m];
        double logsum = 0;
        size_t logn = 0;
        printf("\n%s [%s] (%s is better)\n", mt->path, mt->unit,
               mt->bigger ? "bigger" : "smaller");
        printf("  %-*s  %12s  %12s  %8s  %7s  %s\n", (int)keyw, "group",
               "base", "new", "change", "p", "verdict");
        for (size_t i = 0; i < bs.ngroups; i++) {
            const rec_group *bg = &bs.groups[i], *ng = rec_find(&ns, bg->key);
            if (!ng) continue;
            double *b, *n;
            size_t nb = rec_values(&bs, bg, mt->path, &b);
            size_t nn = rec_values(&ns, ng, mt->path, &n);
            if (nb == 0 || nn == 0) {
                printf("  %-*s  %12s  %12s  (no ok runs with this field)\n",
                       (int)keyw, bg->key, nb ? "" : "-", nn ? "" : "-");
                free(b);
                free(n);
                continue;
            }
            double mb = quantile_median(b, nb), mn = quantile_median(n, nn);
            double change = mb != 0 ? (mn - mb) / fabs(mb) * 100
                          : mn == 0 ? 0 : (mn > mb ? INFINITY : -INFINITY);
            char chs[32];
            if (isinf(change)) snprintf(chs, sizeof chs, "%s", "n/a");
            else snprintf(chs, sizeof chs, "%+.2f%%", change);
            if (mb > 0 && mn > 0) {
                logsum += log(mn / mb);
                logn++;
            }
            int exact = mt->kind != RMETRIC_TIMING && countbound(&bs, bg) && countbound(&ns, ng) &&
                !approximate(&bs, bg, mt->path) && !approximate(&ns, ng, mt->path) &&
                (mt->kind == RMETRIC_EXACT || exactif(&bs, bg, &ns, ng, b, nb, n, nn));
            if (exact) {
                double bl, bh, nl, nh;
                minmax(b, nb, &bl, &bh);
                minmax(n, nn, &nl, &nh);
                int ch = bl != nl || bh != nh;
                changed += ch;
                printf("  %-*s  %12.10g  %12.10g  %8s  %7s  %s\n", (int)keyw, bg->key,
                       mb, mn, chs, "exact", ch ? "changed" : "=");
            } else {
                int ex;
                double p = mw_utest(b, nb, n, nn, NULL, &ex);
                const char *v = "~";
                if (p < o.alpha && fabs(change) > o.threshold) {
                    int up = mn > mb;
                    v = up == mt->bigger ? "better" : "worse";
                    if (up == mt->bigger) better++;
                    else if (!o.advisory) worse++;
                    else v = "worse (advisory)";
                }
                printf("  %-*s  %12.6g  %12.6g  %8s  %7.4f%s %s\n", (int)keyw, bg->key,
                       mb, mn, chs, p, ex ? "" : "*", v);
            }
            free(b);
            free(n);
        }
        if (logn)
            printf("  %-*s  %12s  %12s  %+7.2f%%\n", (int)keyw, "geomean", "", "",
                   (exp(logsum / (double)logn) - 1) * 100);
    }
    printf("\np: two-sided Mann-Whitney U, exact unless marked * (normal approximation)\n");
    printf("summary: %zu worse, %zu better, %zu exact changed, %zu groups with new failed runs\n",
           worse, better, changed, failed);
    rec_free(&bs);
    rec_free(&ns);
    return worse || changed || failed ? 1 : 0;
}
