/* report_plot.c - gnuplot figures (see report_plot.h).
 *
 * All data files are whitespace-separated columns in SI units except where
 * the plot script scales them (bytes shown as MiB).  Group labels go into
 * the script as titles, never into data files, so no quoting reaches gnuplot
 * except through esc().
 */
#define _GNU_SOURCE
#include "analysis/report_plot.h"
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

/* Every figure in PNG (pngcairo when this gnuplot has it) and SVG. */
static void figure(FILE *gp, const char *name, const char *body)
{
    fprintf(gp, "\n# --- %s\nreset\nset terminal @pngterm size 1000,600 noenhanced\n"
            "set output '%s.png'\n%s", name, name, body);
    fprintf(gp, "set terminal svg size 1000,600 noenhanced\nset output '%s.svg'\nreplot\n"
            "unset output\n", name);
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

/* Does the set of groups with workload key `wk` hold two values of some
 * sweep option?  Returns that option or NULL. */
static const char *swept(const rec_set *s, const char *wk)
{
    for (size_t o = 0; o < sizeof sweepopts / sizeof *sweepopts; o++) {
        char *first = NULL;
        int differs = 0;
        for (size_t i = 0; i < s->ngroups && !differs; i++) {
            json_t *r = s->runs[s->groups[i].idx[0]].j;
            char *k = wkey(r);
            if (strcmp(k, wk) == 0 && hasopt(r, sweepopts[o])) {
                char *v = optval(r, sweepopts[o]);
                if (!first) first = v;
                else {
                    differs = strcmp(first, v) != 0;
                    free(v);
                }
            }
            free(k);
        }
        free(first);
        if (differs) return sweepopts[o];
    }
    return NULL;
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
        figure(gp, fig, body);
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

/* Legend / tick label of group i: its key, or "g<i>" (the # column of
 * report.md) when there are too many groups for keys to fit. */
static const char *label(const rec_set *s, size_t i, char *buf, size_t len)
{
    if (s->ngroups <= RPLOT_MAX_KEYS) return s->groups[i].key;
    snprintf(buf, len, "g%zu", i);
    return buf;
}

int rplot_write(const rec_set *s, const char *dir)
{
    char lb[32];
    FILE *gp = openin(dir, "plots.gp");
    if (!gp) return 2;
    fprintf(gp, "# gcbench report figures; run in this folder: gnuplot plots.gp\n"
            "pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') > 0 ? 'pngcairo' : 'png'\n");
    sbuf cdf, mmu, rss, tp;
    FILE *fc = sopen(&cdf), *fm = sopen(&mmu), *fr = sopen(&rss), *ft = sopen(&tp);
    int ncdf = 0, nmmu = 0, nrss = 0;
    int rc = 0;
    FILE *tpd = openin(dir, "throughput.dat");
    if (!tpd) rc = 2;
    for (size_t i = 0; i < s->ngroups && rc == 0; i++) {
        const rec_group *g = &s->groups[i];
        char n1[64], n2[64];
        FILE *f, *f2;
        snprintf(n1, sizeof n1, "pause_cdf_%zu.dat", i);
        if (!(f = openin(dir, n1))) { rc = 2; break; }
        size_t np = pausecdf(s, g, f);
        fclose(f);
        if (np) {
            fprintf(fc, "%s'%s' using 1:2 with steps title ", ncdf++ ? ", \\\n     " : "plot ", n1);
            esc(fc, label(s, i, lb, sizeof lb));
        }
        snprintf(n1, sizeof n1, "mmu_%zu.dat", i);
        if (!(f = openin(dir, n1))) { rc = 2; break; }
        size_t nr = mmucurve(s, g, f);
        fclose(f);
        if (nr) {
            fprintf(fm, "%s'%s' using 1:2 with linespoints title ", nmmu++ ? ", \\\n     " : "plot ", n1);
            esc(fm, label(s, i, lb, sizeof lb));
        }
        snprintf(n1, sizeof n1, "rss_%zu.dat", i);
        snprintf(n2, sizeof n2, "gcstart_%zu.dat", i);
        if (!(f = openin(dir, n1))) { rc = 2; break; }
        if (!(f2 = openin(dir, n2))) { fclose(f); rc = 2; break; }
        size_t ncyc, ns = rsscurve(s, g, f, f2, &ncyc);
        fclose(f);
        fclose(f2);
        if (ns) {
            fprintf(fr, "%s'%s' using 1:($2/1048576) with lines lw 2 lc %d title ",
                    nrss ? ", \\\n     " : "plot ", n1, nrss + 1);
            esc(fr, label(s, i, lb, sizeof lb));
            if (ncyc)
                fprintf(fr, ", \\\n     '%s' using 1:($2/1048576) with impulses lc %d dt 3 notitle",
                        n2, nrss + 1);
            nrss++;
        }
        double *v, lo, hi, cov;
        int bin;
        size_t n = rec_values(s, g, "ops_per_s", &v);
        if (n) {
            mw_median_ci(v, n, &lo, &hi, &cov, &bin);
            fprintf(tpd, "%zu %.9g %.9g %.9g\n", i, quantile_median(v, n), lo, hi);
            fprintf(ft, "%s", i ? ", " : "");
            esc(ft, label(s, i, lb, sizeof lb));
            fprintf(ft, " %zu", i);
        }
        free(v);
    }
    if (tpd) fclose(tpd);
    char *bc = sclose(&cdf), *bmm = sclose(&mmu), *br = sclose(&rss), *bt = sclose(&tp);
    int nts = rc == 0 ? timespace(s, dir, gp) : 0;
    if (nts < 0) rc = 2;
    if (rc == 0) {
        sbuf b;
        FILE *m;
        if (ncdf) {
            m = sopen(&b);
            fprintf(m, "set title 'Pause time CDF (all pauses of ok runs)'\nset logscale x\n"
                    "set xlabel 'pause duration (s)'\nset ylabel 'fraction of pauses <= x'\n"
                    "set key bottom right\nset grid\nset yrange [0:1.02]\n%s\n", bc);
            char *body = sclose(&b);
            figure(gp, "pause_cdf", body);
            free(body);
        }
        if (nmmu) {
            m = sopen(&b);
            fprintf(m, "set title 'Minimum mutator utilisation (median over runs)'\nset logscale x\n"
                    "set xlabel 'window (s)'\nset ylabel 'MMU'\nset yrange [0:1.02]\n"
                    "set xrange [1e-4:10]\nset key bottom right\nset grid\n%s\n", bmm);
            char *body = sclose(&b);
            figure(gp, "mmu", body);
            free(body);
        }
        if (nrss) {
            m = sopen(&b);
            fprintf(m, "set title 'RSS over time (first ok run; dotted: GC cycle starts)'\n"
                    "set xlabel 'time (s)'\nset ylabel 'RSS (MiB)'\nset key top left\nset grid\n%s\n",
                    br);
            char *body = sclose(&b);
            figure(gp, "rss", body);
            free(body);
        }
        if (bt && *bt) {
            m = sopen(&b);
            if (s->ngroups <= RPLOT_MAX_KEYS)
                fprintf(m, "set title 'Throughput, median with 95%% CI of the median'\n"
                        "set ylabel 'ops/s'\nset style fill solid 0.5\nset boxwidth 0.6\n"
                        "set xtics (%s) rotate by -30\nset yrange [0:*]\nset grid ytics\n"
                        "plot 'throughput.dat' using 1:2 with boxes notitle, \\\n"
                        "     '' using 1:2:3:4 with yerrorbars lc 'black' pt 0 notitle\n", bt);
            else   /* many groups, often of different workloads: log scale */
                fprintf(m, "set title 'Throughput, median with 95%% CI of the median (groups: see report.md)'\n"
                        "set ylabel 'ops/s'\nset logscale y\nset xtics (%s) rotate by 90 font ',8'\n"
                        "set xrange [-1:%zu]\nset grid\n"
                        "plot 'throughput.dat' using 1:2:3:4 with yerrorbars pt 7 ps 0.8 notitle\n",
                        bt, s->ngroups);
            char *body = sclose(&b);
            figure(gp, "throughput", body);
            free(body);
        }
    }
    free(bc);
    free(bmm);
    free(br);
    free(bt);
    fclose(gp);
    if (rc) return rc;
    int st = rungnuplot(dir);
    if (st == 127) {
        printf("gnuplot not found: wrote %s/plots.gp and its data; run `cd %s && gnuplot plots.gp`\n",
               dir, dir);
    } else if (st != 0) {
        fprintf(stderr, "gcbench report: gnuplot exited with status %d on %s/plots.gp\n", st, dir);
    } else {
        printf("wrote %s/{%s%s%s%sthroughput}.{png,svg}", dir, ncdf ? "pause_cdf," : "",
               nmmu ? "mmu," : "", nrss ? "rss," : "", "");
        for (int i = 0; i < nts; i++) printf(" %s/timespace_%d.{png,svg}", dir, i);
        printf("\n");
    }
    return 0;
}
