/* gopeer.c - the real Go runtime as the peer collector `go` (see gopeer.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog.h"
#include "gopeer.h"
#include "options.h"
#include "pin.h"
#include "common/quantile.h"
#include "common/record_build.h"
#include "common/stats.h"
#include "workloads/registry.h"

#ifndef GCB_SOURCE_DIR
#error "GCB_SOURCE_DIR must be defined (the source tree, for workloads/go)"
#endif

#define GO_MIN_MINOR 26   /* Go 1.26: Green Tea by default, runtimefreegc */

/* Option indexes, in the order of `options` below. */
enum { OPT_GOGC, OPT_MEMLIMIT, OPT_GOMAXPROCS, OPT_EXPERIMENT, OPT_BALLAST, OPT_PACERTRACE,
       OPT_RUNTIME_PROBE, NOPTS };

static const gcb_option_desc options[NOPTS] = {
    {"gogc", GCB_OPT_INT, "100", "GOGC: heap growth in percent of the live heap before a cycle",
     0, 100000, NULL, "off"},
    {"memlimit", GCB_OPT_BYTES, "off", "GOMEMLIMIT: soft memory limit of the Go runtime",
     0, 4611686018427387904.0, NULL, "off"},
    {"gomaxprocs", GCB_OPT_INT, "auto",
     "GOMAXPROCS; auto: the run's PUs (Go's default; the procs the Go-like models "
     "pace with)", 1, 4096, NULL, "auto"},
    {"experiment", GCB_OPT_SET, "none", "GOEXPERIMENT the twin is built with",
     0, 0, "nogreenteagc|runtimefreegc|arenas|nosizespecializedmalloc", NULL},
    {"ballast", GCB_OPT_BYTES, "0",
     "bytes of a live make([]byte, N) never touched (raises the heap goal, not the RSS)",
     0, 1099511627776.0, NULL, NULL},
    {"pacertrace", GCB_OPT_BOOL, "false",
     "GODEBUG gcpacertrace=1 as well: gc.log gets Go's exact trigger, heap at mark end and "
     "goal (bytes, where gctrace gives whole MiB), its cons/mark estimate and scan work; "
     "costs each cycle two short writes inside its stop-the-world pauses",
     0, 0, NULL, NULL},
    {"runtime_probe", GCB_OPT_BOOL, "false",
     "for calibration: two forced cycles (runtime.GC) before the workload's set-up, then "
     "heap.runtime_unused_bytes and heap.runtime_objects_bytes: the runtime's own objects and "
     "the free slots of their spans (the Go-like models' option runtime_unused); the two "
     "cycles are in gc.log as forced and change the pacer's start, so not for a run measured "
     "against a model",
     0, 0, NULL, NULL},
};

static const gcb_collector peer = {
    .abi = GCB_ABI_VERSION,
    .size = sizeof(gcb_collector),
    .name = GOPEER_NAME,
    .description = "the real Go runtime: the workload's Go twin (workloads/go/) built with the "
                   "Go >= 1.26 toolchain on PATH",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
    .noptions = NOPTS,
    .options = options,
};

int gopeer_is(const char *collector)
{
    return collector != NULL && strcmp(collector, GOPEER_NAME) == 0;
}

const gcb_collector *gopeer_collector(void)
{
    return &peer;
}

/* ---- the toolchain --------------------------------------------------------- */

static struct {
    int asked, ok;
    char version[64];       /* "go1.26.8" */
    char why[512];
} tool;

/* Run a shell command, its output (stdout and stderr) into out.  Returns
 * the exit status, or -1 when it could not run. */
static int capture(const char *cmd, char *out, size_t len)
{
    out[0] = '\0';
    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return -1;
    size_t n = 0;
    int ch;
    while ((ch = fgetc(f)) != EOF)
        if (n + 1 < len)
            out[n++] = (char)ch;
    out[n] = '\0';
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int gopeer_available(char *why, size_t len)
{
    if (!tool.asked) {
        char out[512];
        tool.asked = 1;
        int rc = capture("go env GOVERSION 2>&1", out, sizeof out);
        out[strcspn(out, "\n")] = '\0';
        int major = 0, minor = 0;
        if (rc == 127 || rc < 0) {
            snprintf(tool.why, sizeof tool.why,
                     "no `go` command on PATH: the go collector needs a Go >= 1.%d toolchain "
                     "(the machine's, e.g. /usr/local/go/bin; Debian's golang-go is too old)",
                     GO_MIN_MINOR);
        } else if (rc != 0 || sscanf(out, "go%d.%d", &major, &minor) != 2) {
            snprintf(tool.why, sizeof tool.why, "`go env GOVERSION` failed (status %d): %.300s",
                     rc, out);
        } else if (major < 1 || (major == 1 && minor < GO_MIN_MINOR)) {
            snprintf(tool.why, sizeof tool.why,
                     "the `go` on PATH is %.60s; the go collector needs Go >= 1.%d", out,
                     GO_MIN_MINOR);
        } else {
            tool.ok = 1;
            snprintf(tool.version, sizeof tool.version, "%.60s", out);
        }
    }
    if (!tool.ok && why && len)
        snprintf(why, len, "%s", tool.why);
    return tool.ok ? 0 : -1;
}

static const char *source_dir(void);

int gopeer_has_twin(const char *workload)
{
    char path[4096];
    if (workload == NULL || strchr(workload, '/'))
        return 0;
    snprintf(path, sizeof path, "%.3800s/%s.go", source_dir(), workload);
    return access(path, R_OK) == 0;
}

json_t *gopeer_catalog_entry(void)
{
    json_t *c = json_object();
    char why[512];
    json_object_set_new(c, "name", json_string(GOPEER_NAME));
    json_object_set_new(c, "description", json_string(peer.description));
    json_object_set_new(c, "path", json_string("(built in: Go twins, workloads/go)"));
    json_object_set_new(c, "capabilities", catalog_caps(peer.caps));
    json_t *o = json_array();
    for (size_t i = 0; i < NOPTS; i++)
        json_array_append_new(o, catalog_option(&options[i]));
    json_object_set_new(c, "options", o);
    size_t nw;
    const gcb_workload *const *w = workload_all(&nw);
    json_t *tw = json_array();
    for (size_t i = 0; i < nw; i++)
        if (gopeer_has_twin(w[i]->name))
            json_array_append_new(tw, json_string(w[i]->name));
    json_object_set_new(c, "workloads", tw);
    int ok = gopeer_available(why, sizeof why) == 0;
    json_object_set_new(c, "available", json_boolean(ok));
    if (ok)
        json_object_set_new(c, "version", json_string(tool.version));
    else
        json_object_set_new(c, "unavailable", json_string(why));
    return c;
}

/* ---- the binary ---------------------------------------------------------- */

static const char *source_dir(void)
{
    const char *e = getenv("GCBENCH_GO_SRC");
    return e && e[0] ? e : GCB_SOURCE_DIR "/workloads/go";
}

static void fnv(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 0x100000001b3ull;
    }
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int go_source(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    if (d->d_name[0] == '.' || (n > 8 && strcmp(d->d_name + n - 8, "_test.go") == 0))
        return 0;   /* tests are not in the binary */
    return (n > 3 && strcmp(d->d_name + n - 3, ".go") == 0) || strcmp(d->d_name, "go.mod") == 0;
}

/* FNV-1a over every source's name and bytes (sorted), the experiments and
 * the Go version.  Returns 0 or an errno with a message. */
static int source_key(const char *exps, uint64_t *key, char *err, size_t errlen)
{
    const char *dir = source_dir();
    struct dirent **ents;
    int n = scandir(dir, &ents, go_source, by_name);
    if (n <= 0) {
        snprintf(err, errlen, "go collector: no Go sources in %s (%s)", dir,
                 n < 0 ? strerror(errno) : "empty");
        return ENOENT;
    }
    uint64_t h = 0xcbf29ce484222325ull;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
        fnv(&h, ents[i]->d_name, strlen(ents[i]->d_name) + 1);
        FILE *f = fopen(path, "rb");
        if (f == NULL) {
            if (rc == 0)
                snprintf(err, errlen, "go collector: %s: %s", path, strerror(errno));
            rc = rc ? rc : errno;
        } else {
            char buf[8192];
            size_t r;
            while ((r = fread(buf, 1, sizeof buf, f)) > 0)
                fnv(&h, buf, r);
            fclose(f);
        }
        free(ents[i]);
    }
    free(ents);
    fnv(&h, exps, strlen(exps) + 1);
    fnv(&h, tool.version, strlen(tool.version) + 1);
    *key = h;
    return rc;
}

/* <dir of the gcbench binary>/go-twins */
static int cache_dir(char *buf, size_t len, char *err, size_t errlen)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(err, errlen, "go collector: cannot read /proc/self/exe: %s", strerror(errno));
        return errno;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(buf, len, "%.3900s/go-twins", exe);
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "go collector: cannot create %s: %s", buf, strerror(errno));
        return errno;
    }
    return 0;
}

/* The binary for experiment set `exps` ("" for none), built if missing. */
static int binary(const char *exps, char *path, size_t len, char *err, size_t errlen)
{
    char dir[4096];
    uint64_t key;
    int rc = cache_dir(dir, sizeof dir, err, errlen);
    if (rc == 0)
        rc = source_key(exps, &key, err, errlen);
    if (rc != 0)
        return rc;
    snprintf(path, len, "%.3900s/gcbench-go-%016" PRIx64, dir, key);
    if (access(path, X_OK) == 0)
        return 0;

    /* Build to a name of our own, then rename: a concurrent runner either
     * sees no file or a whole one. */
    char tmp[4200], cache[4200] = "", cmd[16384], out[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (!getenv("GOCACHE") && !getenv("HOME") && !getenv("XDG_CACHE_HOME"))
        snprintf(cache, sizeof cache, "GOCACHE='%s/gocache' ", dir);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && %sGOEXPERIMENT='%s' GOTOOLCHAIN=local GOFLAGS= GOWORK=off GOPROXY=off "
             "go build -trimpath -o '%s' . 2>&1",
             source_dir(), cache, exps, tmp);
    int st = capture(cmd, out, sizeof out);
    if (st != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        if (st != 0)
            snprintf(err, errlen, "go collector: building the twins (GOEXPERIMENT=%s) in %s "
                     "failed (status %d): %.3000s", exps, source_dir(), st, out);
        else
            snprintf(err, errlen, "go collector: cannot rename %s to %s: %s", tmp, path,
                     strerror(e));
        return EIO;
    }
    return 0;
}

/* ---- a request ---------------------------------------------------------- */

/* An environment entry the run sets itself (a user's GOGC must not leak
 * into a run that asked for another). */
static int knob(const char *e)
{
    static const char *const ours[] = {"GOGC=", "GOMEMLIMIT=", "GOMAXPROCS=", "GODEBUG=",
                                       "GOEXPERIMENT=", "GCBENCH_RECORD_FD=", NULL};
    for (int i = 0; ours[i]; i++)
        if (strncmp(e, ours[i], strlen(ours[i])) == 0)
            return 1;
    return 0;
}

extern char **environ;

static int add_env(gopeer_launch *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add_env(gopeer_launch *l, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        return ENOMEM;
    l->env[l->nenv++] = s;
    l->env[l->nenv] = NULL;
    return 0;
}

int gopeer_prepare(const run_spec *s, const gcb_value *opts, gopeer_launch *l,
                   char *err, size_t errlen)
{
    char why[512], exps[256];
    memset(l, 0, sizeof *l);
    CPU_ZERO(&l->mask);
    if (gopeer_available(why, sizeof why) != 0) {
        snprintf(err, errlen, "collector 'go': %s", why);
        return 2;
    }
    opt_format(&options[OPT_EXPERIMENT], &opts[OPT_EXPERIMENT], exps, sizeof exps);
    if (strcmp(exps, "none") == 0)
        exps[0] = '\0';
    if (binary(exps, l->binary, sizeof l->binary, err, errlen) != 0)
        return 2;

    pin_plan *plan = NULL;
    char msg[256];
    if (pin_plan_new(s->pin ? s->pin : "none", s->pus, s->npus, s->threads, &plan, msg,
                     sizeof msg) != 0) {
        snprintf(err, errlen, "pin: %s", msg);
        return 2;
    }
    l->mutator_pus = json_array();
    int pus[CPU_SETSIZE];
    size_t npus = pin_gc_pus(plan, pus, CPU_SETSIZE);
    l->pinned = npus > 0;
    for (size_t i = 0; i < npus; i++)
        CPU_SET(pus[i], &l->mask);
    for (int t = 0; l->pinned && t < s->threads; t++)
        json_array_append_new(l->mutator_pus, json_integer(pin_mutator_pu(plan, t)));
    int procs = pin_procs(plan);
    pin_plan_free(plan);

    size_t n = 0;
    while (environ[n])
        n++;
    l->env = calloc(n + 8, sizeof *l->env);
    if (l->env == NULL) {
        gopeer_launch_free(l);
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    for (size_t i = 0; i < n; i++)
        if (!knob(environ[i]) && (l->env[l->nenv] = strdup(environ[i])) != NULL)
            l->nenv++;
    const gcb_value *g = &opts[OPT_GOGC], *m = &opts[OPT_MEMLIMIT], *p = &opts[OPT_GOMAXPROCS];
    int rc = 0;
    rc |= g->special ? add_env(l, "GOGC=off") : add_env(l, "GOGC=%" PRId64, g->i);
    rc |= m->special ? add_env(l, "GOMEMLIMIT=off") : add_env(l, "GOMEMLIMIT=%" PRId64, m->i);
    /* auto: the run's PUs, Go's own default and the procs (Ps) the
     * Go-like models pace with (gcb_host.procs) */
    rc |= add_env(l, "GOMAXPROCS=%d", p->special ? procs : (int)p->i);
    rc |= add_env(l, opts[OPT_PACERTRACE].i ? "GODEBUG=gctrace=1,gcpacertrace=1" : "GODEBUG=gctrace=1");
    rc |= add_env(l, "GCBENCH_RECORD_FD=3");
    if (rc != 0) {
        gopeer_launch_free(l);
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    return 0;
}

void gopeer_launch_free(gopeer_launch *l)
{
    for (size_t i = 0; l->env && i < l->nenv; i++)
        free(l->env[i]);
    free(l->env);
    json_decref(l->mutator_pus);
    memset(l, 0, sizeof *l);
}

char *gopeer_spec_text(const gopeer_launch *l, const run_spec *s, const gcb_workload *w,
                       const gcb_value *params, const gcb_value *opts, uint64_t ops,
                       json_t *base)
{
    json_t *pj = json_object();
    char buf[256];
    for (uint32_t i = 0; i < w->nparams; i++) {
        opt_format(&w->params[i], &params[i], buf, sizeof buf);
        json_object_set_new(pj, w->params[i].name, json_string(buf));
    }
    json_t *spec = json_pack("{s:O, s:s, s:o, s:i, s:I, s:f, s:O, s:f, s:b, s:I, s:b}",
                             "record", base, "workload", w->name, "params", pj,
                             "threads", s->threads,
                             "ops", (json_int_t)(s->duration > 0 ? 0 : ops),
                             "duration", s->duration, "mutator_pus", l->mutator_pus,
                             "sample_hz", s->sample_hz, "record_latency", s->record_latency,
                             "ballast", (json_int_t)opts[OPT_BALLAST].i,
                             "runtime_probe", (int)opts[OPT_RUNTIME_PROBE].i);
    char *text = spec ? json_dumps(spec, JSON_COMPACT) : NULL;
    json_decref(spec);
    return text;
}

void gopeer_exec(const gopeer_launch *l)
{
    if (l->pinned && sched_setaffinity(0, sizeof l->mask, &l->mask) != 0) {
        static const char m[] = "gcbench: go collector: cannot set the process affinity\n";
        (void)!write(2, m, sizeof m - 1);
        return;
    }
    char *argv[] = {"gcbench-go", "run", NULL};
    execve(l->binary, argv, l->env);
    static const char m[] = "gcbench: go collector: cannot exec the twin binary\n";
    (void)!write(2, m, sizeof m - 1);
}

void gopeer_finish(json_t *rec)
{
    /* Go exits 2 after a fatal error or an unrecovered panic, whose text
     * went to stderr: say so where the runner only saw the status. */
    const char *st = json_string_value(json_object_get(rec, "status"));
    const char *er = json_string_value(json_object_get(rec, "error"));
    if (st && er && strcmp(st, "crashed") == 0 && strstr(er, "status 2 without a record")) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%.700s (the Go runtime's exit status after a fatal error or "
                 "an unrecovered panic; its message is on the run's stderr)", er);
        json_object_set_new(rec, "error", json_string(msg));
    }

    json_t *pauses = json_object_get(rec, "pauses");
    json_t *log = json_object_get(pauses, "log");
    double wall = json_number_value(json_object_get(rec, "wall_s"));
    size_t np = json_array_size(log);
    if (!json_is_object(pauses) || (np == 0 && !(wall > 0)))
        return;
    double *d = calloc(np + 1, sizeof *d);
    pause_iv *iv = calloc(np + 1, sizeof *iv);
    if (d == NULL || iv == NULL) {
        free(d);
        free(iv);
        return;
    }
    double total = 0;
    size_t niv = 0;
    for (size_t i = 0; i < np; i++) {
        json_t *e = json_array_get(log, i);
        double st = json_number_value(json_array_get(e, 0));
        double du = json_number_value(json_array_get(e, 1));
        d[i] = du;
        total += du;
        /* MMU over [0, wall], as harness/child.c: clip to the measured region. */
        double a = st < 0 ? 0 : st, b = st + du > wall ? wall : st + du;
        if (b > a)
            iv[niv++] = (pause_iv){.start = a, .dur = b - a};
    }
    json_object_set_new(pauses, "count", json_integer((json_int_t)np));
    json_object_set_new(pauses, "total_s", json_real(total));
    static const struct { const char *k; double q; } pq[] = {
        {"p50_s", 0.5}, {"p90_s", 0.9}, {"p99_s", 0.99}, {"p999_s", 0.999}, {"max_s", 1.0}};
    for (size_t i = 0; i < sizeof pq / sizeof pq[0]; i++)
        json_object_set_new(pauses, pq[i].k, json_real(np ? quantile_rank(d, np, pq[i].q) : 0));
    json_t *mmu = json_object_get(rec, "mmu");
    for (int i = 0; json_is_object(mmu) && i < RECORD_MMU_WINDOWS; i++)
        json_object_set_new(mmu, record_mmu_keys[i],
                            json_real(wall > 0 ? stats_mmu(iv, niv, wall, record_mmu_widths[i]) : 1));
    free(d);
    free(iv);
}
