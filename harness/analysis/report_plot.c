/* report_plot.c - gnuplot figures (see report_plot.h).
 *
 * All data files are whitespace-separated columns in SI units except where
 * the plot script scales them (bytes shown as MiB).  Group labels go into
 * the script as titles, never into data files, so no quoting reaches gnuplot
 * except through esc().
 */
#define _GNU_SOURCE
#include "analysis/report_plot.h"
#include "analysis/label.h"
#include "analysis/mannwhitney.h"
#include "common/quantile.h"
#include "common/stats.h"
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

double rplot_mmu_window(int i)
{
    return pow(10.0, -4.0 + i / 5.0);
}

static FILE *openin(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) fprintf(stderr, "gcbench report: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

/* Title string for a single-quoted gnuplot string ('' is a quote). */
static void esc(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Every figure in PNG (pngcairo when this gnuplot has it) and SVG, w x h
 * pixels; the body is written once per terminal because a multiplot
 * cannot be replotted. */
static void figure(FILE *gp, const char *name, const char *body, int w, int h)
{
    fprintf(gp, "\n# --- %s\nreset\nset terminal @pngterm size %d,%d noenhanced font ',10'\n"
            "set output '%s.png'\n%sunset output\n", name, w, h, name, body);
    fprintf(gp, "reset\nset terminal svg size %d,%d noenhanced font 'sans,11' background '#ffffff'\n"
            "set output '%s.svg'\n%sunset output\n", w, h, name, body);
}

typedef struct sbuf { char *p; size_t n; FILE *f; } sbuf;

static FILE *sopen(sbuf *b)
{
    b->p = NULL;
    b->n = 0;
    b->f = open_memstream(&b->p, &b->n);
    if (!b->f) harness_oom("a plot script");
    return b->f;
}

static char *sclose(sbuf *b)
{
    fclose(b->f);
    return b->p;
}

/* pause_cdf_<g>.dat: duration_s cumulative_fraction over all pauses of the
 * ok runs of the group.  Returns the number of pauses. */
static size_t pausecdf(const rec_set *s, const rec_group *g, FILE *f)
{
    size_t n = 0, cap = 64;
    double *d = malloc(cap * sizeof *d);
    if (!d) harness_oom("a plot series");
    for (size_t i = 0; i < g->n; i++) {
        json_t *r = s->runs[g->idx[i]].j, *e;
        size_t k;
        if (!rec_is_ok(r)) continue;
        json_array_foreach(json_object_get(json_object_get(r, "pauses"), "log"), k, e) {
            double x = json_number_value(json_array_get(e, 1));
            if (!(x > 0)) continue;
            if (n == cap) {
                cap *= 2;
                d = realloc(d, cap * sizeof *d);
                if (!d) harness_oom("a plot series");
            }
            d[n++] = x;
        }
    }
    qsort(d, n, sizeof *d, cmpd);
    for (size_t i = 0; i < n; i++) fprintf(f, "%.9g %.9g\n", d[i], (double)(i + 1) / (double)n);
    free(d);
    return n;
}

/* mmu_<g>.dat: window_s median-over-runs MMU. */
static size_t mmucurve(const rec_set *s, const rec_group *g, FILE *f)
{
    size_t nrun = 0;
    double *u = malloc((g->n + 1) * RPLOT_MMU_POINTS * sizeof *u);
    if (!u) harness_oom("an MMU curve");
    for (size_t i = 0; i < g->n; i++) {
        json_t *r = s->runs[g->idx[i]].j, *log, *e;
        size_t k;
        if (!rec_is_ok(r)) continue;
        log = json_object_get(json_object_get(r, "pauses"), "log");
        size_t np = json_array_size(log);
        pause_iv *p = malloc((np + 1) * sizeof *p);
        if (!p) harness_oom("a pause list");
        json_array_foreach(log, k, e) {
            p[k].start = json_number_value(json_array_get(e, 0));
            p[k].dur = json_number_value(json_array_get(e, 1));
        }
        double T = rec_num(r, NULL, "wall_s", NULL);
        if (!(T > 0)) { free(p); continue; }
        for (int w = 0; w < RPLOT_MMU_POINTS; w++)
            u[w * g->n + nrun] = stats_mmu(p, np, T, rplot_mmu_window(w));
        nrun++;
        free(p);
    }
    for (int w = 0; nrun && w < RPLOT_MMU_POINTS; w++)
        fprintf(f, "%.9g %.9g\n", rplot_mmu_window(w), quantile_median(&u[w * g->n], nrun));
    free(u);
    return nrun;
}

/* rss_<g>.dat: t_s rss_bytes heap_bytes of the group's first ok run;
 * gcstart_<g>.dat: start_s peak_rss_bytes (impulse height) per cycle. */
static size_t rsscurve(const rec_set *s, const rec_group *g, FILE *f, FILE *gc,
                       size_t *ncycles)
{
    *ncycles = 0;
    for (size_t i = 0; i < g->n; i++) {
        json_t *r = s->runs[g->idx[i]].j, *e;
        size_t k, n = 0;
        if (!rec_is_ok(r)) continue;
        double peak = rec_num(r, NULL, "rss", "peak_bytes", NULL);
        json_array_foreach(json_object_get(json_object_get(r, "rss"), "samples"), k, e) {
            fprintf(f, "%.9g %.9g %.9g\n", json_number_value(json_array_get(e, 0)),
                    json_number_value(json_array_get(e, 1)),
                    json_number_value(json_array_get(e, 2)));
            n++;
        }
        json_array_foreach(json_object_get(json_object_get(r, "gc"), "log"), k, e)
        {
            fprintf(gc, "%.9g %.9g\n", json_number_value(json_object_get(e, "start_s")),
                    isnan(peak) ? 0 : peak);
            (*ncycles)++;
        }
        return n;
    }
    return 0;
}

static const char *const sweepopts[] = { "gogc", "memlimit", "ballast" };

/* Key of a group without its collector options: workload, params, threads. */
static char *wkey(json_t *r)
{
    json_t *copy = json_deep_copy(r);
    json_object_set_new(json_object_get(copy, "collector"), "options", json_object());
    json_object_set_new(json_object_get(copy, "collector"), "name", json_string(""));
    char *k = rec_key(copy);
    json_decref(copy);
    return k;
}

static char *optval(json_t *r, const char *opt)
{
    json_t *v = json_object_get(json_object_get(json_object_get(r, "collector"), "options"), opt);
    if (!v) return strdup("-");
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static int hasopt(json_t *r, const char *opt)
{
    return json_object_get(json_object_get(json_object_get(r, "collector"), "options"), opt) != NULL;
}

/* Does one collector, among the groups with workload key `wk`, run with
 * two values of some sweep option?  Returns that option or NULL.  Values of
 * different collectors (their defaults) are no sweep. */
static const char *swept(const rec_set *s, const char *wk)
{
    char **v = calloc(s->ngroups + 1, sizeof *v);
    if (!v) harness_oom("the figure's option labels");
    const char *found = NULL;
    for (size_t o = 0; o < sizeof sweepopts / sizeof *sweepopts && !found; o++) {
        size_t n = 0;
        for (size_t i = 0; i < s->ngroups; i++) {
            json_t *r = s->runs[s->groups[i].idx[0]].j;
            char *k = wkey(r);
            if (strcmp(k, wk) == 0 && hasopt(r, sweepopts[o])) {
                char *ov = optval(r, sweepopts[o]);
                if (asprintf(&v[n++], "%s=%s", rec_str(r, "collector", "name"), ov) < 0) harness_oom("a figure label");
                free(ov);
            }
            free(k);
        }
        for (size_t i = 0; i < n && !found; i++)
            for (size_t j = i + 1; j < n && !found; j++) {
                size_t c = strcspn(v[i], "=");
                if (strncmp(v[i], v[j], c + 1) == 0 && strcmp(v[i], v[j]) != 0) found = sweepopts[o];
            }
        for (size_t i = 0; i < n; i++) free(v[i]);
    }
    free(v);
    return found;
}

static double gmedian(const rec_set *s, const rec_group *g, const char *path)
{
    double *v;
    size_t n = rec_values(s, g, path, &v);
    double m = quantile_median(v, n);
    free(v);
    return m;
}

typedef struct tspoint {
    const char *coll;       /* collector name, borrowed from the record */
    double rss, wall, gc;   /* medians: bytes, seconds, seconds */
    char label[128];        /* "coll:opt=value" */
} tspoint;

static int cmptspoint(const void *a, const void *b)
{
    const tspoint *x = a, *y = b;
    int c = strcmp(x->coll, y->coll);
    return c ? c : (x->rss > y->rss) - (x->rss < y->rss);
}

/* timespace_<n>.dat per swept workload; returns figures written or -1. */
static int timespace(const rec_set *s, const char *dir, FILE *gp)
{
    char **done = calloc(s->ngroups + 1, sizeof *done);
    size_t ndone = 0;
    int nfig = 0;
    if (!done) harness_oom("the list of figures");
    for (size_t i = 0; i < s->ngroups; i++) {
        char *wk = wkey(s->runs[s->groups[i].idx[0]].j);
        int seen = 0;
        for (size_t d = 0; d < ndone; d++) seen |= strcmp(done[d], wk) == 0;
        const char *opt = seen ? NULL : swept(s, wk);
        if (!opt) { free(wk); continue; }
        done[ndone++] = wk;
        char name[64];
        snprintf(name, sizeof name, "timespace_%d.dat", nfig);
        FILE *f = openin(dir, name);
        if (!f) { nfig = -1; break; }
        /* one line per collector, its points in order of RSS; a blank
         * line between collectors breaks the line */
        tspoint *pt = calloc(s->ngroups, sizeof *pt);
        size_t npt = 0;
        if (!pt) harness_oom("a time series");
        for (size_t j = 0; j < s->ngroups; j++) {
            const rec_group *g = &s->groups[j];
            json_t *r = s->runs[g->idx[0]].j;
            char *k = wkey(r);
            if (strcmp(k, wk) == 0 && hasopt(r, opt)) {
                char *v = optval(r, opt);
                pt[npt].coll = rec_str(r, "collector", "name");
                pt[npt].rss = gmedian(s, g, "rss.peak_bytes");
                pt[npt].wall = gmedian(s, g, "wall_s");
                pt[npt].gc = gmedian(s, g, "cpu.gc_s");
                snprintf(pt[npt].label, sizeof pt[npt].label, "%s:%s=%s", pt[npt].coll, opt, v);
                for (char *c = pt[npt].label; *c; c++)
                    if (*c == ' ' || *c == '"') *c = '_';
                npt++;
                free(v);
            }
            free(k);
        }
        qsort(pt, npt, sizeof *pt, cmptspoint);
        for (size_t j = 0; j < npt; j++) {
            if (j && strcmp(pt[j].coll, pt[j - 1].coll) != 0) fprintf(f, "\n");
            fprintf(f, "%.9g %.9g %.9g %s\n", pt[j].rss, pt[j].wall, pt[j].gc, pt[j].label);
        }
        free(pt);
        fclose(f);
        sbuf b;
        FILE *m = sopen(&b);
        fprintf(m, "set title ");
        esc(m, *wk == '/' ? wk + 1 : wk);
        fprintf(m, "\nset xlabel 'RSS peak (MiB), median'\nset ylabel 'seconds, median'\n"
                "set key outside bottom center horizontal\nset grid\n"
                "set offsets graph 0.1, graph 0.1, graph 0.15, graph 0.1\n"
                "plot '%s' using ($1/1048576):2 with linespoints pt 7 title 'wall time', \\\n"
                "     '' using ($1/1048576):2:4 with labels offset 0,1 font ',9' notitle, \\\n"
                "     '' using ($1/1048576):3 with linespoints dt 2 pt 5 title 'GC CPU time'\n", name);
        char *body = sclose(&b);
        char fig[64];
        snprintf(fig, sizeof fig, "timespace_%d", nfig);
        figure(gp, fig, body, 1000, 600);
        free(body);
        nfig++;
    }
    for (size_t d = 0; d < ndone; d++) free(done[d]);
    free(done);
    return nfig;
}

/* Runs gnuplot on DIR/plots.gp with DIR as working directory.  Returns the
 * exit status, 127 when gnuplot is not installed. */
static int rungnuplot(const char *dir)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) return 126;
    if (pid == 0) {
        if (chdir(dir) != 0) _exit(126);
        execlp("gnuplot", "gnuplot", "plots.gp", (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return 126;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Rows and columns of a grid of `cells` panels and the canvas size, pixels:
 * about 480 x 360 per panel, one panel alone 900 x 560. */
static void grid(size_t cells, size_t *rows, size_t *cols, int *w, int *h)
{
    size_t c = 1;
    while (c * c < cells) c++;
    if (cells <= 3) c = cells;   /* one row: no cell left empty */
    *cols = c;
    *rows = (cells + c - 1) / c;
    if (cells <= 1) {
        *w = 900;
        *h = 560;
    } else {
        *w = (int)(*cols * 480);
        *h = (int)(*rows * 360);
    }
}

/* A panel with nothing to draw: its title and why, never a gnuplot error. */
static void emptypanel(FILE *m, const char *title, const char *why)
{
    fprintf(m, "unset logscale\nunset key\nset xrange [0:1]\nset yrange [0:1]\nunset xtics\nunset ytics\n"
            "set title ");
    esc(m, title);
    fprintf(m, "\nset label 1 ");
    esc(m, why);
    fprintf(m, " at graph 0.5,0.5 center\nplot NaN notitle\nunset label 1\nset xtics\nset ytics\n"
            "set autoscale\n");
}

/* The shared legend cell of a multi-panel figure: one entry per series. */
static void legendpanel(FILE *m, const label_set *L, const char *style)
{
    fprintf(m, "unset logscale\nunset border\nunset xtics\nunset ytics\nunset xlabel\nunset ylabel\n"
            "unset title\nunset grid\nset xrange [0:1]\nset yrange [0:1]\n"
            "set key center center vertical Left reverse samplen 3 spacing 1.2 maxrows %zu\nplot ",
            L->nseries > 14 ? (L->nseries + 1) / 2 : L->nseries);
    for (size_t c = 0; c < L->nseries; c++) {
        size_t i = 0;
        while (L->colour[i] != c) i++;
        fprintf(m, "%sNaN with %s lw 3 lc rgb '%s' title ", c ? ", " : "", style, label_colour(c));
        esc(m, L->series[i]);
    }
    fprintf(m, "\nset border\nset xtics\nset ytics\nset autoscale\nunset key\n");
}

typedef struct groupdata {
    size_t npause, nmmu, nrss, ncyc;   /* points in each data file (0: none) */
    size_t ntp;                        /* ok runs with ops_per_s */
    double med, lo, hi;                /* ops/s */
} groupdata;

/* The per-group data files; fills d[i].  Returns 0 or 2. */
static int groupfiles(const rec_set *s, const char *dir, groupdata *d)
{
    for (size_t i = 0; i < s->ngroups; i++) {
        const rec_group *g = &s->groups[i];
        char n1[64], n2[64];
        FILE *f, *f2;
        snprintf(n1, sizeof n1, "pause_cdf_%zu.dat", i);
        if (!(f = openin(dir, n1))) return 2;
        d[i].npause = pausecdf(s, g, f);
        fclose(f);
        snprintf(n1, sizeof n1, "mmu_%zu.dat", i);
        if (!(f = openin(dir, n1))) return 2;
        d[i].nmmu = mmucurve(s, g, f);
        fclose(f);
        snprintf(n1, sizeof n1, "rss_%zu.dat", i);
        snprintf(n2, sizeof n2, "gcstart_%zu.dat", i);
        if (!(f = openin(dir, n1))) return 2;
        if (!(f2 = openin(dir, n2))) { fclose(f); return 2; }
        d[i].nrss = rsscurve(s, g, f, f2, &d[i].ncyc);
        fclose(f);
        fclose(f2);
        double *v, cov;
        int bin;
        d[i].ntp = rec_values(s, g, "ops_per_s", &v);
        if (d[i].ntp) {
            mw_median_ci(v, d[i].ntp, &d[i].lo, &d[i].hi, &cov, &bin);
            d[i].med = quantile_median(v, d[i].ntp);
        }
        free(v);
    }
    return 0;
}

static const char *paneltitle(const label_set *L, size_t p)
{
    size_t i = 0;
    while (L->panel[i] != p) i++;
    return L->workload[i];
}

/* throughput: one panel per workload, one bar per series (median, whiskers
 * the interval of the median), log y when the panel spans two decades. */
static int throughput(const rec_set *s, const label_set *L, const groupdata *d, const char *dir,
                      FILE *gp)
{
    size_t rows, cols;
    int w, h, any = 0;
    grid(L->npanels, &rows, &cols, &w, &h);
    if (L->npanels == 1 && 60 * (int)L->nseries + 200 > w)   /* one panel of many bars */
        w = 60 * (int)L->nseries + 200;
    size_t maxlen = 0;
    for (size_t i = 0; i < L->n; i++)
        if (strlen(L->series[i]) > maxlen) maxlen = strlen(L->series[i]);
    if (maxlen > 16)   /* upright tick labels: room below each row */
        h += (int)(rows * 7 * maxlen);
    sbuf b;
    FILE *m = sopen(&b);
    fprintf(m, "set multiplot layout %zu,%zu title 'Throughput (ops/s): median of the ok runs, "
            "whiskers: 95%% interval of the median'\n", rows, cols);
    for (size_t p = 0; p < L->npanels; p++) {
        char name[64];
        snprintf(name, sizeof name, "throughput_%zu.dat", p);
        FILE *f = openin(dir, name);
        if (!f) { fclose(m); free(b.p); return 2; }
        double lo = INFINITY, hi = 0;
        size_t x = 0, longest = 0;
        for (size_t i = 0; i < s->ngroups; i++)
            if (L->panel[i] == p && strlen(L->series[i]) > longest) longest = strlen(L->series[i]);
        fprintf(m, "unset label 1\nset title ");
        esc(m, paneltitle(L, p));
        fprintf(m, "\nset xtics (");
        for (size_t i = 0; i < s->ngroups; i++) {
            if (L->panel[i] != p || d[i].ntp == 0) continue;
            fprintf(f, "%zu %.9g %.9g %.9g %ld\n", x, d[i].med, d[i].lo, d[i].hi,
                    strtol(label_colour(L->colour[i]) + 1, NULL, 16));
            fprintf(m, "%s", x ? ", " : "");
            esc(m, L->series[i]);
            fprintf(m, " %zu", x++);
            if (d[i].lo > 0 && d[i].lo < lo) lo = d[i].lo;
            if (d[i].hi > hi) hi = d[i].hi;
        }
        fclose(f);
        /* long labels stand upright: slanted ones run off the left edge */
        fprintf(m, ") %s\n", longest > 16 ? "rotate by 90 right" : "rotate by 30 right");
        if (x == 0) {
            emptypanel(m, paneltitle(L, p), "no ok runs");
            continue;
        }
        any = 1;
        if (hi / lo > 100)
            fprintf(m, "set logscale y\nset yrange [*:*]\n");
        else
            fprintf(m, "unset logscale y\nset yrange [0:*]\n");
        fprintf(m, "set xrange [-0.6:%zu.6]\nset grid ytics\nunset key\nset ylabel 'ops/s'\nset format y '%%.1s%%c'\n"
                "set style fill solid 0.8 border -1\nset boxwidth 0.7\n"
                "plot '%s' using 1:2:5 with boxes lc rgb variable notitle, \\\n"
                "     '' using 1:2:3:4 with yerrorbars lc 'black' lw 1.5 pt 7 ps 0.5 notitle\n", x - 1, name);
    }
    fprintf(m, "unset multiplot\n");
    char *body = sclose(&b);
    if (any) figure(gp, "throughput", body, w, h);
    free(body);
    return any;
}

/* pause_cdf and mmu: one panel per workload, one line per series, and a
 * legend cell when there are several panels. */
static int perworkload(const rec_set *s, const label_set *L, const groupdata *d, FILE *gp, int mmu)
{
    size_t rows, cols, cells = L->npanels + (L->npanels > 1);
    int w, h, any = 0;
    grid(cells, &rows, &cols, &w, &h);
    sbuf b;
    FILE *m = sopen(&b);
    if (mmu)
        fprintf(m, "set multiplot layout %zu,%zu title 'Minimum mutator utilisation "
                "(median over the ok runs)'\n", rows, cols);
    else
        fprintf(m, "set multiplot layout %zu,%zu title 'Pause time CDF (all pauses of the ok runs)'\n",
                rows, cols);
    for (size_t p = 0; p < L->npanels; p++) {
        size_t n = 0;
        for (size_t i = 0; i < s->ngroups; i++)
            n += L->panel[i] == p && (mmu ? d[i].nmmu : d[i].npause) > 0;
        if (n == 0) {
            emptypanel(m, paneltitle(L, p), mmu ? "no MMU data" : "no pauses recorded");
            continue;
        }
        any = 1;
        fprintf(m, "set title ");
        esc(m, paneltitle(L, p));
        fprintf(m, "\nset logscale x\nset grid\nset format x '%%.0e'\n");
        if (mmu)
            fprintf(m, "set xrange [1e-4:10]\nset yrange [0:1.02]\nset xlabel 'window (s)'\n"
                    "set ylabel 'MMU'\n");
        else
            fprintf(m, "set xrange [*:*]\nset yrange [0:1.02]\nset xlabel 'pause (s)'\n"
                    "set ylabel 'fraction <= x'\n");
        if (L->npanels == 1) fprintf(m, "set key outside right top vertical Left reverse\n");
        else fprintf(m, "unset key\n");
        fprintf(m, "plot ");
        size_t k = 0;
        for (size_t i = 0; i < s->ngroups; i++) {
            if (L->panel[i] != p || (mmu ? d[i].nmmu : d[i].npause) == 0) continue;
            fprintf(m, "%s'%s_%zu.dat' using 1:2 with %s lw 2 lc rgb '%s' title ", k++ ? ", \\\n     " : "",
                    mmu ? "mmu" : "pause_cdf", i, mmu ? "linespoints pt 7 ps 0.5" : "steps",
                    label_colour(L->colour[i]));
            esc(m, L->series[i]);
        }
        fprintf(m, "\nunset xlabel\nunset ylabel\nset format x\n");
    }
    if (L->npanels > 1) legendpanel(m, L, mmu ? "linespoints pt 7" : "lines");
    fprintf(m, "unset multiplot\n");
    char *body = sclose(&b);
    if (any) figure(gp, mmu ? "mmu" : "pause_cdf", body, w, h);
    free(body);
    return any;
}

/* rss_<p>: per workload p, one panel per group: RSS of its first ok run
 * and, as dotted impulses, its GC cycle starts. */
static int rssfigs(const rec_set *s, const label_set *L, const groupdata *d, FILE *gp)
{
    int nfig = 0;
    for (size_t p = 0; p < L->npanels; p++) {
        size_t n = 0, any = 0;
        for (size_t i = 0; i < s->ngroups; i++) {
            n += L->panel[i] == p;
            any += L->panel[i] == p && d[i].nrss > 0;
        }
        if (!any) continue;
        size_t rows, cols;
        int w, h;
        grid(n, &rows, &cols, &w, &h);
        sbuf b;
        FILE *m = sopen(&b);
        fprintf(m, "set multiplot layout %zu,%zu title ", rows, cols);
        char t[512];
        snprintf(t, sizeof t, "RSS over time, %s (first ok run; dotted: GC cycle starts)",
                 paneltitle(L, p));
        esc(m, t);
        fprintf(m, "\n");
        for (size_t i = 0; i < s->ngroups; i++) {
            if (L->panel[i] != p) continue;
            if (d[i].nrss == 0) {
                emptypanel(m, L->series[i], "no RSS samples");
                continue;
            }
            fprintf(m, "set title ");
            esc(m, L->series[i]);
            fprintf(m, "\nunset key\nset grid\nset xlabel 'time (s)'\nset ylabel 'RSS (MiB)'\n"
                    "set yrange [0:*]\nplot 'rss_%zu.dat' using 1:($2/1048576) with lines lw 2 lc rgb '%s' notitle",
                    i, label_colour(L->colour[i]));
            if (d[i].ncyc)
                fprintf(m, ", \\\n     'gcstart_%zu.dat' using 1:($2/1048576) with impulses lc rgb '#aaaaaa' dt 3 notitle",
                        i);
            fprintf(m, "\n");
        }
        fprintf(m, "unset multiplot\n");
        char *body = sclose(&b);
        char name[64];
        snprintf(name, sizeof name, "rss_%d", nfig);
        figure(gp, name, body, w, h);
        free(body);
        nfig++;
    }
    return nfig;
}

int rplot_write(const rec_set *s, const char *dir)
{
    FILE *gp = openin(dir, "plots.gp");
    if (!gp) return 2;
    fprintf(gp, "# gcbench report figures; run in this folder: gnuplot plots.gp\n"
            "pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') > 0 ? 'pngcairo' : 'png'\n");
    label_set L;
    label_build(s, &L);
    groupdata *d = calloc(s->ngroups + 1, sizeof *d);
    if (!d) harness_oom("a figure's data");
    int rc = groupfiles(s, dir, d);
    int ntp = 0, ncdf = 0, nmmu = 0, nrss = 0, nts = 0;
    if (rc == 0) {
        ntp = throughput(s, &L, d, dir, gp);
        if (ntp > 1) rc = ntp;
    }
    if (rc == 0) {
        ncdf = perworkload(s, &L, d, gp, 0);
        nmmu = perworkload(s, &L, d, gp, 1);
        nrss = rssfigs(s, &L, d, gp);
        nts = timespace(s, dir, gp);
        if (nts < 0) rc = 2;
    }
    free(d);
    fclose(gp);
    if (rc) {
        label_free(&L);
        return rc;
    }
    int st = rungnuplot(dir);
    if (st == 127) {
        printf("gnuplot not found: wrote %s/plots.gp and its data; run `cd %s && gnuplot plots.gp`\n",
               dir, dir);
    } else if (st != 0) {
        fprintf(stderr, "gcbench report: gnuplot exited with status %d on %s/plots.gp\n", st, dir);
    } else {
        printf("wrote %s/{%s%s%s}.{png,svg}", dir, ntp ? "throughput," : "", ncdf ? "pause_cdf," : "",
               nmmu ? "mmu" : "");
        if (nrss) printf(" %s/rss_{0..%d}.{png,svg}", dir, nrss - 1);
        for (int i = 0; i < nts; i++) printf(" %s/timespace_%d.{png,svg}", dir, i);
        printf("\n");
    }
    label_free(&L);
    return 0;
}
