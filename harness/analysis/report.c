/* report.c - `gcbench report RECORDS.jsonl...`: per group, the run count,
 * status counts and, for each metric of reportmetric.h marked in_report,
 * the median and a ~95 % confidence interval of the median across the ok
 * repetitions (order statistics / binomial when n >= 6, else min..max; the
 * table says which).  Writes DIR/report.md, DIR/report.csv and the gnuplot
 * figures (reportplot.h); --trace and the exporters are other modes of the
 * same command.
 */
#define _GNU_SOURCE
#include "analysis/report.h"
#include "analysis/export.h"
#include "analysis/mannwhitney.h"
#include "common/quantile.h"
#include "analysis/record_file.h"
#include "analysis/report_metric.h"
#include "analysis/report_plot.h"
#include "analysis/label.h"
#include "analysis/report_html.h"
#include "analysis/report_provenance.h"
#include "analysis/trace.h"
#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: gcbench report RECORDS.jsonl... [--out DIR] [--format FMT] [--no-plots]\n"
        "       gcbench report RECORDS.jsonl... --trace RUN_ID [--out DIR]\n"
        "  --out DIR      output folder (default report/), created if missing\n"
        "  --format FMT   md (default): DIR/report.md, DIR/report.csv and gnuplot figures\n"
        "                 html: the same plus DIR/report.html (one self-contained page)\n"
        "                 csv: DIR/report.csv only\n"
        "                 benchstat: DIR/bench.txt (Go benchstat text format)\n"
        "                 gab: DIR/gab-smaller.json, DIR/gab-bigger.json\n"
        "                      (github-action-benchmark customSmallerIsBetter/customBiggerIsBetter)\n"
        "                 gbench: DIR/gbench.json (Google Benchmark JSON)\n"
        "  --no-plots     skip the figures\n"
        "  --trace ID     DIR/trace-ID.json: run ID as Chrome trace events (Perfetto)\n");
}

static int check_format(const report_opts *o)
{
    static const char *const fmts[] = { "md", "html", "csv", "benchstat", "gab", "gbench" };
    int known = 0;
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) known |= strcmp(o->format, fmts[i]) == 0;
    if (!known) {
        fprintf(stderr, "gcbench report: --format '%s': expected md, html, csv, benchstat, gab or gbench\n",
                o->format);
        return 2;
    }
    return 0;
}

static int parse(int argc, char **argv, report_opts *o)
{
    report_opts_init(o);
    o->files = calloc((size_t)argc + 1, sizeof *o->files);
    if (!o->files) harness_oom("the list of records files");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--out") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "--trace") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "gcbench report: %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (a[2] == 'o') o->out = v;
            else if (a[2] == 'f') o->format = v;
            else o->trace = v;
        } else if (strcmp(a, "--no-plots") == 0) {
            o->noplots = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return -1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "gcbench report: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        } else {
            o->files[o->nfiles++] = a;
        }
    }
    if (check_format(o))
        return 2;
    if (o->nfiles == 0) {
        usage(stderr);
        return 2;
    }
    return 0;
}




static const char *const statuses[] = { "ok", "failed", "crashed", "timeout" };
#define NSTATUS 4

static void countstatus(const rec_set *s, const rec_group *g, size_t c[NSTATUS + 1])
{
    memset(c, 0, (NSTATUS + 1) * sizeof *c);
    for (size_t i = 0; i < g->n; i++) {
        const char *st = rec_str(s->runs[g->idx[i]].j, "status", NULL);
        size_t k = 0;
        while (k < NSTATUS && strcmp(st, statuses[k]) != 0) k++;
        c[k]++;   /* c[NSTATUS]: any other status */
    }
}

typedef struct cell {
    size_t n;
    double med, lo, hi, cov;
    int bin;
} cell;

static cell summarize(const rec_set *s, const rec_group *g, const char *path)
{
    cell c = {0};
    double *v;
    c.n = rec_values(s, g, path, &v);
    if (c.n) {
        c.med = quantile_median(v, c.n);
        mw_median_ci(v, c.n, &c.lo, &c.hi, &c.cov, &c.bin);
    }
    free(v);
    return c;
}

static void writemd(FILE *f, const rec_set *s, const report_opts *o)
{
    fprintf(f, "# gcbench report\n\nInputs:");
    for (int i = 0; i < o->nfiles; i++) fprintf(f, " `%s`", o->files[i]);
    fprintf(f, " (%zu runs, %zu groups)\n\n", s->n, s->ngroups);
    fprintf(f, "Medians over the ok repetitions of each group; the interval is a "
            "distribution-free confidence interval for the median: from order statistics "
            "(binomial, coverage shown) when n >= 6, otherwise min..max of the runs.\n\n");
    label_set L;
    label_build(s, &L);
    fprintf(f, "Groups are named by collector and workload plus only the options and params "
            "that differ between the groups of this report; the full configuration of each "
            "is in the last table and in report.csv.\n\n");
    provenance_md(f, s);
    fprintf(f, "## Runs\n\n| group | n | ok | failed | crashed | timeout | interval |\n"
            "|---|---:|---:|---:|---:|---:|---|\n");
    for (size_t i = 0; i < s->ngroups; i++) {
        size_t c[NSTATUS + 1];
        countstatus(s, &s->groups[i], c);
        cell t = summarize(s, &s->groups[i], "ops_per_s");
        char iv[64];
        if (t.n == 0) snprintf(iv, sizeof iv, "-");
        else if (t.bin) snprintf(iv, sizeof iv, "binomial %.1f %%", t.cov * 100);
        else snprintf(iv, sizeof iv, "min..max (n=%zu < 6)", t.n);
        fprintf(f, "| %s | %zu | %zu | %zu | %zu | %zu | %s |\n", L.full[i],
                s->groups[i].n, c[0], c[1], c[2], c[3] + c[4], iv);
    }
    for (size_t m = 0; m < rmetric_count; m++) {
        const rmetric *mt = &rmetric_table[m];
        if (!mt->in_report) continue;
        fprintf(f, "\n## %s (`%s`, %s, %s is better)\n\n| group | median | interval | n |\n"
                "|---|---:|---|---:|\n", mt->name, mt->path, mt->unit,
                mt->bigger ? "bigger" : "smaller");
        for (size_t i = 0; i < s->ngroups; i++) {
            cell c = summarize(s, &s->groups[i], mt->path);
            if (c.n == 0) {
                fprintf(f, "| %s | - | - | 0 |\n", L.full[i]);
                continue;
            }
            fprintf(f, "| %s | %.4g | %.4g .. %.4g (%s) | %zu |\n", L.full[i], c.med,
                    c.lo, c.hi, c.bin ? "binomial" : "min..max", c.n);
        }
    }
    fprintf(f, "\n## Groups: full configuration\n\n| group | key |\n|---|---|\n");
    for (size_t i = 0; i < s->ngroups; i++)
        fprintf(f, "| %s | `%s` |\n", L.full[i], s->groups[i].key);
    label_free(&L);
}

/* One CSV field (RFC 4180): always quoted, inner quotes doubled, so
 * commas, quotes and newlines in a group key stay inside the field. */
static void csvfield(FILE *f, const char *text)
{
    fputc('"', f);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

static void writecsv(FILE *f, const rec_set *s)
{
    fprintf(f, "group,metric,unit,n,median,ci_lo,ci_hi,ci_method,ci_coverage,runs,ok,failed,crashed,timeout\n");
    for (size_t i = 0; i < s->ngroups; i++) {
        size_t st[NSTATUS + 1];
        countstatus(s, &s->groups[i], st);
        for (size_t m = 0; m < rmetric_count; m++) {
            const rmetric *mt = &rmetric_table[m];
            cell c = summarize(s, &s->groups[i], mt->path);
            csvfield(f, s->groups[i].key);
            fprintf(f, ",%s,%s,%zu,", mt->path, mt->unit, c.n);
            if (c.n) fprintf(f, "%.9g,%.9g,%.9g,%s,%.4f", c.med, c.lo, c.hi,
                             c.bin ? "binomial" : "minmax", c.cov);
            else fprintf(f, ",,,,");
            fprintf(f, ",%zu,%zu,%zu,%zu,%zu\n", s->groups[i].n, st[0], st[1], st[2], st[3] + st[4]);
        }
    }
}

static int dotrace(const rec_set *s, const report_opts *o)
{
    /* Ids are unique per run since config_hash exists; older files repeat
     * them, and then the choice must be the user's, not the first match. */
    size_t first = s->n, matches = 0;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(rec_str(s->runs[i].j, "id", NULL), o->trace) == 0 && matches++ == 0)
            first = i;
    if (matches > 1) {
        fprintf(stderr, "gcbench report: --trace '%s': %zu runs have this id (first at %s:%zu); "
                "give a file holding only one of them\n", o->trace, matches, s->runs[first].file,
                s->runs[first].line);
        return 2;
    }
    for (size_t i = first; i < s->n; i++) {
        const char *id = rec_str(s->runs[i].j, "id", NULL);
        if (strcmp(id, o->trace) != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/trace-%s.json", o->out, id);
        for (char *c = path + strlen(o->out) + 1; *c; c++)
            if (*c == '/') *c = '_';
        int rc = trace_write(s->runs[i].j, path);
        if (rc == 0) printf("wrote %s (open in https://ui.perfetto.dev)\n", path);
        return rc;
    }
    fprintf(stderr, "gcbench report: no run with id '%s' in the inputs\n", o->trace);
    return 2;
}

static int doexport(const rec_set *s, const report_opts *o)
{
    return export_files(s, o->format, o->out, "");
}

void report_opts_init(report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->out = "report";
    o->format = "md";
}

int report_run(const report_opts *opts)
{
    const report_opts o = *opts;
    int rc = check_format(&o);
    if (rc == 0 && o.nfiles == 0) {
        fprintf(stderr, "gcbench report: no records files given\n");
        rc = 2;
    }
    rec_set s = {0};
    for (int i = 0; i < o.nfiles && rc == 0; i++) rc = rec_load(&s, o.files[i]);
    if (rc == 0 && s.n == 0) {
        fprintf(stderr, "gcbench report: no run records in %s%s\n", o.files[0],
                o.nfiles > 1 ? " (nor in the other inputs)" : "");
        rc = 2;
    }
    if (rc == 0) rc = export_mkdir(o.out);
    if (rc == 0 && o.trace) {
        rc = dotrace(&s, &o);
    } else if (rc == 0 && (strcmp(o.format, "md") == 0 || strcmp(o.format, "csv") == 0 ||
                           strcmp(o.format, "html") == 0)) {
        char path[4096];
        FILE *f;
        int html = strcmp(o.format, "html") == 0;
        if (strcmp(o.format, "md") == 0 || html) {
            if ((f = export_open(o.out, "report.md", path, sizeof path)) == NULL) rc = 2;
            else {
                writemd(f, &s, &o);
                if (fclose(f)) rc = 2;
                else printf("wrote %s\n", path);
            }
        }
        if (rc == 0) {
            if ((f = export_open(o.out, "report.csv", path, sizeof path)) == NULL) rc = 2;
            else {
                writecsv(f, &s);
                if (fclose(f)) rc = 2;
                else printf("wrote %s\n", path);
            }
        }
        if (rc == 0 && (strcmp(o.format, "md") == 0 || html) && !o.noplots) rc = rplot_write(&s, o.out);
        if (rc == 0 && html) rc = report_html_write(&s, o.out, o.files, o.nfiles, !o.noplots);
    } else if (rc == 0) {
        rc = doexport(&s, &o);
    }
    rec_free(&s);
    return rc;
}

int report_main(int argc, char **argv)
{
    report_opts o;
    int rc = parse(argc, argv, &o);
    if (rc == 0)
        rc = report_run(&o);
    free(o.files);
    return rc < 0 ? 0 : rc;
}
