/* report_html.c - the self-contained HTML report (see report_html.h). */
#define _GNU_SOURCE
#include "analysis/report_html.h"
#include "analysis/label.h"
#include "analysis/mannwhitney.h"
#include "analysis/report_metric.h"
#include "analysis/report_provenance.h"
#include "common/quantile.h"
#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text with &, <, >, " escaped. */
static void put(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *p = NULL;
    size_t n = 0, cap = 0, k;
    char buf[65536];
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        if (n + k + 1 > cap) {
            cap = (n + k + 1) * 2;
            p = realloc(p, cap);
            if (!p) harness_oom("the HTML report");
        }
        memcpy(p + n, buf, k);
        n += k;
    }
    fclose(f);
    if (!p) p = calloc(1, 1);
    else p[n] = '\0';
    return p;
}

/* What each figure shows, by name prefix. */
static const char *caption(const char *name)
{
    if (strncmp(name, "throughput", 10) == 0)
        return "Throughput per workload: one bar per collector (median of the ok runs; whiskers: "
               "95 % interval of the median).";
    if (strncmp(name, "pause_cdf", 9) == 0)
        return "Pause time CDF per workload: one line per collector over all pauses of its ok runs.";
    if (strncmp(name, "mmu", 3) == 0)
        return "Minimum mutator utilisation per workload against the window width.";
    if (strncmp(name, "rss_", 4) == 0)
        return "RSS over time of the first ok run of each group; dotted: GC cycle starts.";
    if (strncmp(name, "timespace_", 10) == 0)
        return "Time against space across the swept option (gogc, memlimit or ballast).";
    return "";
}

/* Every "set output 'NAME.svg'" of plots.gp, inlined in order. */
static void figures(FILE *f, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/plots.gp", dir);
    char *gp = slurp(path);
    if (!gp) {
        fprintf(f, "<p class=note>No figures (plots were not written).</p>\n");
        return;
    }
    const char *key = "set output '";
    for (char *p = strstr(gp, key); p; p = strstr(p, key)) {
        p += strlen(key);
        char *q = strchr(p, '\'');
        if (!q) break;
        if (q - p < 5 || strncmp(q - 4, ".svg", 4) != 0) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(q - p - 4), p);
        snprintf(path, sizeof path, "%s/%s.svg", dir, name);
        char *svg = slurp(path);
        char *start = svg ? strstr(svg, "<svg") : NULL;
        fprintf(f, "<figure id=\"fig-");
        put(f, name);
        fprintf(f, "\">\n");
        if (start) fputs(start, f);
        else {
            fprintf(f, "<p class=note>Figure ");
            put(f, name);
            fprintf(f, " was not drawn (is gnuplot installed?); its script is plots.gp.</p>");
        }
        fprintf(f, "\n<figcaption>");
        put(f, caption(name));
        fprintf(f, " <a href=\"%s.png\">PNG</a></figcaption>\n</figure>\n", name);
        free(svg);
    }
    free(gp);
}

static void provenance(FILE *f, const rec_set *s)
{
    rprov p;
    rprov_collect(s, &p);
    fprintf(f, "<h2 id=provenance>Provenance</h2>\n");
    if (p.mixed_machine)
        fprintf(f, "<p class=warn>The inputs come from more than one machine (fields with "
                "several values below); compare their numbers with care.</p>\n");
    if (p.mixed_build)
        fprintf(f, "<p class=warn>The inputs come from more than one build of gcbench (fields "
                "with several values below).</p>\n");
    fprintf(f, "<table><tr><th>field</th><th>value</th></tr>\n");
    for (size_t k = 0; k < p.nf; k++) {
        fprintf(f, "<tr><td>%s</td><td>", p.f[k].name);
        for (size_t j = 0; j < p.f[k].nv; j++) {
            if (j) fprintf(f, "<br>");
            fprintf(f, "<code>");
            put(f, p.f[k].v[j].text);
            fprintf(f, "</code>");
            if (p.f[k].nv > 1) fprintf(f, " (%zu runs)", p.f[k].v[j].runs);
        }
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
    rprov_free(&p);
}

static void tables(FILE *f, const rec_set *s, const label_set *L)
{
    fprintf(f, "<h2 id=runs>Runs</h2>\n<table><tr><th>group</th><th>runs</th><th>ok</th>"
            "<th>not ok</th></tr>\n");
    for (size_t i = 0; i < s->ngroups; i++) {
        size_t ok = 0;
        for (size_t k = 0; k < s->groups[i].n; k++) ok += rec_is_ok(s->runs[s->groups[i].idx[k]].j);
        fprintf(f, "<tr><td>");
        put(f, L->full[i]);
        fprintf(f, "</td><td class=n>%zu</td><td class=n>%zu</td><td class=n>%zu</td></tr>\n",
                s->groups[i].n, ok, s->groups[i].n - ok);
    }
    fprintf(f, "</table>\n");
    for (size_t m = 0; m < rmetric_count; m++) {
        const rmetric *mt = &rmetric_table[m];
        if (!mt->in_report) continue;
        fprintf(f, "<h3>%s <small>(<code>%s</code>, %s, %s is better)</small></h3>\n<table><tr>"
                "<th>group</th><th>median</th><th>interval</th><th>n</th></tr>\n", mt->name,
                mt->path, mt->unit, mt->bigger ? "bigger" : "smaller");
        for (size_t i = 0; i < s->ngroups; i++) {
            double *v, lo, hi, cov;
            int bin;
            size_t n = rec_values(s, &s->groups[i], mt->path, &v);
            fprintf(f, "<tr><td>");
            put(f, L->full[i]);
            if (n == 0) fprintf(f, "</td><td class=n>-</td><td>-</td><td class=n>0</td></tr>\n");
            else {
                mw_median_ci(v, n, &lo, &hi, &cov, &bin);
                fprintf(f, "</td><td class=n>%.4g</td><td>%.4g .. %.4g (%s)</td><td class=n>%zu</td></tr>\n",
                        quantile_median(v, n), lo, hi, bin ? "binomial" : "min..max", n);
            }
            free(v);
        }
        fprintf(f, "</table>\n");
    }
    fprintf(f, "<h2 id=config>Groups: full configuration</h2>\n<table><tr><th>group</th>"
            "<th>key</th></tr>\n");
    for (size_t i = 0; i < s->ngroups; i++) {
        fprintf(f, "<tr><td>");
        put(f, L->full[i]);
        fprintf(f, "</td><td><code>");
        put(f, s->groups[i].key);
        fprintf(f, "</code></td></tr>\n");
    }
    fprintf(f, "</table>\n");
}

int report_html_write(const rec_set *s, const char *dir, const char *const *files, int nfiles,
                      int plots)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/report.html", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gcbench report: cannot write %s: %s\n", path, strerror(errno));
        return 2;
    }
    label_set L;
    label_build(s, &L);
    fprintf(f, "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
            "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
            "<title>gcbench report</title>\n<style>\n"
            "body{font-family:sans-serif;margin:1.5em auto;max-width:1500px;padding:0 1em;color:#222}\n"
            "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
            "td,th{border:1px solid #ccc;padding:0.2em 0.6em;text-align:left;vertical-align:top}\n"
            "th{background:#f0f0f0} td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
            "figure{margin:1em 0 2em} figure svg{max-width:100%%;height:auto;display:block}\n"
            "td code{word-break:break-all} figcaption{font-size:0.9em;color:#555} .warn{background:#fff3cd;padding:0.5em;"
            "border-left:4px solid #e0a800} .note{color:#777}\n</style>\n</head>\n<body>\n"
            "<h1>gcbench report</h1>\n<p>Inputs:");
    for (int i = 0; i < nfiles; i++) {
        fprintf(f, " <code>");
        put(f, files[i]);
        fprintf(f, "</code>");
    }
    fprintf(f, " (%zu runs, %zu groups). Medians over the ok repetitions of each group; the "
            "interval is a distribution-free confidence interval for the median (order "
            "statistics when n &ge; 6, otherwise min..max). Groups are named by collector and "
            "workload plus only the options and params that differ between the groups; the "
            "full configuration is in the <a href=\"#config\">last table</a>.</p>\n",
            s->n, s->ngroups);
    provenance(f, s);
    fprintf(f, "<h2 id=figures>Figures</h2>\n");
    if (plots) figures(f, dir);
    else fprintf(f, "<p class=note>Figures were not asked for (--no-plots).</p>\n");
    tables(f, s, &L);
    fprintf(f, "</body>\n</html>\n");
    label_free(&L);
    if (fclose(f) != 0) {
        fprintf(stderr, "gcbench report: cannot write %s: %s\n", path, strerror(errno));
        return 2;
    }
    printf("wrote %s\n", path);
    return 0;
}
