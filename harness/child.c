/* child.c - `gcbench __child`: one run in a fresh process.
 *
 * Reads the spec (runspec.h JSON) on stdin, runs the workload on the
 * collector and writes one record to fd 3 (stdout when fd 3 is not open).
 * Exit status 0 whenever a record was written, also for a run that failed:
 * status "failed" is data, not a crash.
 *
 * Time origin: every *_s time in the record counts from the moment the
 * mutators leave the start barrier (`origin`); wall_s runs from there to
 * the end of the last mutator's last op.  Events and RSS samples from
 * setup, heap_new and thread_init come earlier and have negative times;
 * MMU only sees pauses clipped to [0, wall_s].
 *
 * CPU split: a mutator thread's CPU is read over its whole life (attach to
 * after thread_fini), the same span in which the recorder charges the
 * assists and pauses it ran; those move from cpu.mutator_s to cpu.gc_s.
 * GC threads (host->spawn) count whole as GC; a pause they run is already
 * inside their CPU and is not added twice.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "gcb/mutator.h"
#include "gcb/pool.h"
#include "histogram.h"
#include "opclock.h"
#include "pin.h"
#include "record.h"
#include "recorder.h"
#include "runner.h"
#include "runspec.h"
#include "sampler.h"
#include "stats.h"

typedef struct child child;

/* One mutator thread; written by that thread, read after join. */
typedef struct mutator_slot {
    child *c;
    int tid;
    pthread_t th;
    int started;
    uint64_t quota;         /* ops to run; 0 with duration */
    histogram *hist;        /* per-op latency, ns */
    uint64_t ops;           /* ops done */
    uint64_t bytes, objects;
    uint64_t cpu_ns;        /* thread CPU from thread start to after thread_fini */
    uint64_t start_ns, end_ns; /* CLOCK_MONOTONIC around the op loop */
    int pu;                 /* PU bound to, read back; -1 unbound */
    int failed;
    char err[512];
} mutator_slot;

struct child {
    runspec_parsed sp;
    runspec_resolved r;
    pin_plan *plan;
    recorder rec;
    gcb_host host;
    gcb_heap *heap;
    void *wstate;
    pthread_barrier_t start;
    _Atomic int stop;       /* a mutator failed: the others stop early */
    _Atomic int gc_threads; /* GC threads spawned so far */
    pthread_mutex_t gc_lock;
    char gc_pus[1024];      /* cpuset read back on the first GC thread */
    int gc_pus_set;
    opclock clock;          /* times each op (opclock.h); read-only while mutators run */
};

/* ---- gcb_host ----------------------------------------------------------- */

typedef struct spawn_arg {
    child *c;
    void *(*fn)(void *);
    void *arg;
    int index;
} spawn_arg;

static void *gc_thread(void *p)
{
    spawn_arg a = *(spawn_arg *)p;
    free(p);
    child *c = a.c;
    pin_bind_gc(c->plan);
    recorder_thread_index(a.index);
    pthread_mutex_lock(&c->gc_lock);
    if (!c->gc_pus_set) {
        pin_read_cpuset(c->plan, c->gc_pus, sizeof c->gc_pus);
        c->gc_pus_set = 1;
    }
    pthread_mutex_unlock(&c->gc_lock);
    void *ret = a.fn(a.arg);
    recorder_add_gc_thread(&c->rec, recorder_thread_cpu_ns());
    return ret;
}

static int host_spawn(void *ctx, const char *name, void *(*fn)(void *), void *arg, pthread_t *out)
{
    child *c = ctx;
    spawn_arg *a = malloc(sizeof *a);
    if (a == NULL)
        return ENOMEM;
    *a = (spawn_arg){.c = c, .fn = fn, .arg = arg,
                     .index = c->sp.s.threads + atomic_fetch_add(&c->gc_threads, 1)};
    int rc = pthread_create(out, NULL, gc_thread, a);
    if (rc != 0) {
        free(a);
        return rc;
    }
    char nm[16];
    snprintf(nm, sizeof nm, "%s", name ? name : "gc");
    pthread_setname_np(*out, nm);
    return 0;
}

static void host_event(void *ctx, const gcb_event *ev)
{
    child *c = ctx;
    recorder_event(&c->rec, ev);
}

static void host_log(void *ctx, const char *fmt, ...)
{
    child *c = ctx;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", c->r.gc ? c->r.gc->name : "collector", line);
}

static uint64_t host_now_ns(void *ctx)
{
    return recorder_now_ns();
}

/* ---- mutators ------------------------------------------------------------ */

static void *mutator_main(void *p)
{
    mutator_slot *ms = p;
    child *c = ms->c;
    const gcb_workload *w = c->r.w;
    const gcb_collector *gc = c->r.gc;
    gcb_mutator *m = NULL;
    int attached = 0, inited = 0;

    recorder_thread_index(ms->tid);
    pin_bind_mutator(c->plan, ms->tid);
    ms->pu = pin_read_pu(c->plan);
    if (gc->mutator_attach(c->heap, &m) != 0 || m == NULL) {
        snprintf(ms->err, sizeof ms->err, "collector '%s': mutator_attach failed on thread %d",
                 gc->name, ms->tid);
        ms->failed = 1;
        atomic_store(&c->stop, 1);
    } else {
        attached = 1;
        if (w->thread_init(c->wstate, m, ms->tid, ms->err, sizeof ms->err) != 0) {
            ms->failed = 1;
            atomic_store(&c->stop, 1);
        } else {
            inited = 1;
        }
    }

    /* Every thread reaches the barrier, failed or not, so none waits forever. */
    if (attached)
        gcb_blocking_enter(m);
    pthread_barrier_wait(&c->start);
    if (attached)
        gcb_blocking_exit(m);

    /* Ops are timed in opclock ticks (cheap); the loop's bounds in ns. */
    const run_spec *s = &c->sp.s;
    const opclock *ck = &c->clock;
    uint64_t t0 = recorder_now_ns();
    ms->start_ns = t0;
    if (inited && !atomic_load(&c->stop)) {
        uint64_t now = opclock_ticks(ck);
        uint64_t end = s->duration > 0 ? now + opclock_ticks_of(ck, (uint64_t)(s->duration * 1e9)) : 0;
        int lat = s->record_latency;
        for (uint64_t i = 0;; i++) {
            if (end ? now >= end : i >= ms->quota)
                break;
            if (atomic_load_explicit(&c->stop, memory_order_relaxed))
                break;
            if (w->op(c->wstate, m, ms->tid, i, ms->err, sizeof ms->err) != 0) {
                ms->failed = 1;
                atomic_store(&c->stop, 1);
                break;
            }
            ms->ops++;
            if (lat || end) {
                uint64_t t = opclock_ticks(ck);
                if (lat)
                    hist_record(ms->hist, t - now); /* ticks; converted in fill() */
                now = t;
            }
        }
    }
    ms->end_ns = recorder_now_ns();

    /* The first failure's message is the one reported. */
    char fini_err[512] = "";
    if (inited && w->thread_fini(c->wstate, m, ms->tid, fini_err, sizeof fini_err) != 0 &&
        !ms->failed) {
        ms->failed = 1;
        snprintf(ms->err, sizeof ms->err, "%s", fini_err);
    }
    /* The whole thread, init and fini included: the recorder counts every
     * assist and pause this thread ran, and the two must cover the same span. */
    ms->cpu_ns = recorder_thread_cpu_ns();
    if (attached) {
        ms->bytes = m->bytes_allocated;
        ms->objects = m->objects_allocated;
        gc->mutator_detach(m);
    }
    return NULL;
}

/* ---- the record ------------------------------------------------------------ */

static double ns_s(uint64_t ns) { return (double)ns / 1e9; }

static void fill(child *c, json_t *rec, mutator_slot *ms, int n, sampler *smp,
                 const gcb_heap_stats *hs, uint64_t origin, uint64_t wall_ns, int procs)
{
    recorder *r = &c->rec;
    uint64_t ops = 0, bytes = 0, objects = 0, mcpu = 0;
    json_t *mpus = json_array();
    histogram *h = calloc(1, sizeof *h);
    if (h)
        hist_init(h);
    for (int i = 0; i < n; i++) {
        ops += ms[i].ops;
        bytes += ms[i].bytes;
        objects += ms[i].objects;
        mcpu += ms[i].cpu_ns;
        json_array_append_new(mpus, json_integer(ms[i].pu));
        if (h && ms[i].hist)
            hist_merge(h, ms[i].hist);
    }
    double wall = ns_s(wall_ns);
    json_object_set_new(json_object_get(rec, "pinning"), "mutator_pus", mpus);
    json_t *gpus = json_array();
    if (c->gc_pus_set && strcmp(c->sp.s.pin, "none") != 0) {
        /* "0,1" or "0-3,6": expand ranges. */
        char *save = NULL, buf[sizeof c->gc_pus];
        snprintf(buf, sizeof buf, "%s", c->gc_pus);
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int a, b;
            if (sscanf(t, "%d-%d", &a, &b) == 2) {
                for (int k = a; k <= b; k++)
                    json_array_append_new(gpus, json_integer(k));
            } else if (sscanf(t, "%d", &a) == 1) {
                json_array_append_new(gpus, json_integer(a));
            }
        }
    }
    json_object_set_new(json_object_get(rec, "pinning"), "gc_pus", gpus);

    record_set(rec, "ops", json_integer((json_int_t)ops));
    record_set(rec, "wall_s", json_real(wall));
    record_set(rec, "ops_per_s", json_real(wall > 0 ? (double)ops / wall : 0));
    record_set(rec, "bytes_allocated", json_integer((json_int_t)bytes));
    record_set(rec, "objects_allocated", json_integer((json_int_t)objects));
    record_set(rec, "procs", json_integer(procs));

    /* CPU: assists and pauses run on mutator threads move from mutator to GC;
     * pauses on GC threads are already inside the GC threads' CPU. */
    uint64_t moved = r->mutator_assist_cpu_ns + r->mutator_pause_cpu_ns;
    uint64_t gc_ns = r->gc_thread_cpu_ns + moved;
    uint64_t mut_ns = mcpu > moved ? mcpu - moved : 0;
    double gcf = (gc_ns + mut_ns) ? (double)gc_ns / (double)(gc_ns + mut_ns) : 0;
    record_set(rec, "cpu.mutator_s", json_real(ns_s(mut_ns)));
    record_set(rec, "cpu.gc_s", json_real(ns_s(gc_ns)));
    record_set(rec, "cpu.gc_fraction", json_real(gcf));
    record_set(rec, "cpu.mutator_threads_s", json_real(ns_s(mcpu)));
    record_set(rec, "cpu.gc_threads_s", json_real(ns_s(r->gc_thread_cpu_ns)));
    record_set(rec, "cpu.assist_s", json_real(ns_s(r->assist_cpu_ns)));
    record_set(rec, "cpu.pause_s", json_real(ns_s(r->pause_cpu_ns)));

    /* GC cycles. */
    json_t *log = json_array();
    for (size_t i = 0; i < r->ncycles; i++) {
        recorder_cycle *cy = &r->cycles[i];
        json_array_append_new(log, json_pack("{s:I, s:f, s:I, s:I, s:I, s:f, s:f}",
            "cycle", (json_int_t)cy->number,
            "start_s", ((double)cy->start_ns - (double)origin) / 1e9,
            "trigger_bytes", (json_int_t)cy->trigger_bytes,
            "marked_bytes", (json_int_t)cy->marked_bytes,
            "goal_bytes", (json_int_t)cy->goal_bytes,
            "mark_s", ns_s(cy->mark_ns), "assist_s", ns_s(cy->assist_cpu_ns)));
    }
    record_set(rec, "gc.cycles", json_integer((json_int_t)r->ncycles));
    record_set(rec, "gc.log", log);

    /* Pauses. */
    size_t np = r->npauses;
    double *d = calloc(np + 1, sizeof *d);
    pause_iv *iv = calloc(np + 1, sizeof *iv);
    json_t *plog = json_array();
    double total = 0;
    size_t niv = 0;
    for (size_t i = 0; i < np; i++) {
        double st = ((double)r->pauses[i].start_ns - (double)origin) / 1e9;
        double du = ns_s(r->pauses[i].dur_ns);
        d[i] = du;
        total += du;
        json_array_append_new(plog, json_pack("[f, f, s]", st, du, r->pauses[i].phase));
        /* MMU over [0, wall]: clip pauses to the measured region. */
        double a = st < 0 ? 0 : st, b = st + du > wall ? wall : st + du;
        if (b > a && iv)
            iv[niv++] = (pause_iv){.start = a, .dur = b - a};
    }
    record_set(rec, "pauses.count", json_integer((json_int_t)np));
    record_set(rec, "pauses.total_s", json_real(total));
    static const struct { const char *k; double q; } pq[] = {
        {"p50_s", 0.5}, {"p90_s", 0.9}, {"p99_s", 0.99}, {"p999_s", 0.999}, {"max_s", 1.0}};
    for (size_t i = 0; i < sizeof pq / sizeof pq[0]; i++) {
        char path[32];
        snprintf(path, sizeof path, "pauses.%s", pq[i].k);
        record_set(rec, path, json_real(np ? stats_quantile(d, np, pq[i].q) : 0));
    }
    record_set(rec, "pauses.log", plog);
    json_t *mmu = json_object_get(rec, "mmu");
    for (int i = 0; i < RECORD_MMU_WINDOWS; i++)
        json_object_set_new(mmu, record_mmu_keys[i],
                            json_real(wall > 0 ? stats_mmu(iv, niv, wall, record_mmu_widths[i]) : 1));
    free(d);
    free(iv);

    /* Latency. */
    if (h) {
        const opclock *ck = &c->clock; /* the histogram holds ticks */
        record_set(rec, "latency.p50_s", json_real(ns_s(opclock_ns(ck, hist_quantile(h, 0.5)))));
        record_set(rec, "latency.p90_s", json_real(ns_s(opclock_ns(ck, hist_quantile(h, 0.9)))));
        record_set(rec, "latency.p99_s", json_real(ns_s(opclock_ns(ck, hist_quantile(h, 0.99)))));
        record_set(rec, "latency.p999_s", json_real(ns_s(opclock_ns(ck, hist_quantile(h, 0.999)))));
        record_set(rec, "latency.max_s", json_real(ns_s(opclock_ns(ck, h->count ? h->max : 0))));
        record_set(rec, "latency.clock", json_string(opclock_name(ck)));
        record_set(rec, "latency.count", json_integer((json_int_t)h->count));
        free(h);
    }

    /* RSS. */
    json_t *samples = json_array();
    double sum = 0;
    for (size_t i = 0; i < smp->n; i++) {
        sampler_sample *x = &smp->v[i];
        sum += (double)x->rss;
        json_array_append_new(samples, json_pack("[f, I, I]",
            ((double)x->t_ns - (double)origin) / 1e9, (json_int_t)x->rss, (json_int_t)x->heap));
    }
    uint64_t peak = sampler_hwm();
    if (smp->max_rss > peak)
        peak = smp->max_rss;
    record_set(rec, "rss.peak_bytes", json_integer((json_int_t)peak));
    record_set(rec, "rss.mean_bytes", json_real(smp->n ? sum / (double)smp->n : 0));
    record_set(rec, "rss.samples", samples);
    record_set(rec, "sample_hz", json_real((double)1e9 / (double)(smp->interval_ns ? smp->interval_ns : 1)));

    /* Heap. */
    record_set(rec, "heap.peak_live_bytes", json_integer((json_int_t)hs->peak_live_bytes));
    record_set(rec, "heap.freed_explicit_bytes", json_integer((json_int_t)hs->freed_explicit_bytes));
    record_set(rec, "heap.reused_bytes", json_integer((json_int_t)hs->reused_bytes));
    record_set(rec, "heap.heap_bytes", json_integer((json_int_t)hs->heap_bytes));
    record_set(rec, "heap.mapped_bytes", json_integer((json_int_t)hs->mapped_bytes));
    record_set(rec, "heap.cycles", json_integer((json_int_t)hs->cycles));
    record_set(rec, "heap.frees", json_integer((json_int_t)hs->frees));
    record_set(rec, "heap.frees_skipped", json_integer((json_int_t)hs->frees_skipped));
    gcb_pool_stats ps;
    gcb_pool_stats_read(&ps);
    if (ps.pools > 0) {
        json_object_set_new(rec, "pool", json_object());
        record_set(rec, "pool.gets", json_integer((json_int_t)ps.gets));
        record_set(rec, "pool.hits", json_integer((json_int_t)ps.hits));
        record_set(rec, "pool.victim_hits", json_integer((json_int_t)ps.victims));
        record_set(rec, "pool.puts", json_integer((json_int_t)ps.puts));
        record_set(rec, "pool.drops", json_integer((json_int_t)ps.drops));
    }

    record_set(rec, "timeline", json_incref(r->timeline));
    record_set(rec, "timeline_truncated", json_boolean(r->timeline_dropped > 0));
    record_set(rec, "timeline_dropped", json_integer((json_int_t)r->timeline_dropped));
}

/* ---- faults ------------------------------------------------------------------ */

/* The collector asked to explain its faults (describe_fault): one per
 * process, set before the mutators start.  The handler writes the
 * explanation as a "gcbench-fault: " line to the record channel, where the
 * runner finds it, and to stderr, then lets the fault kill the process. */
static const gcb_collector *fault_gc;
static gcb_heap *fault_heap;

static void put_str(int fd, const char *s) { (void)!write(fd, s, strlen(s)); }

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    char msg[512];
    if (fault_gc && fault_gc->describe_fault(fault_heap, si->si_addr, msg, sizeof msg)) {
        int fd = fcntl(3, F_GETFD) >= 0 ? 3 : 1;
        put_str(fd, "\ngcbench-fault: ");
        put_str(fd, msg);
        put_str(fd, "\n");
        put_str(2, "gcbench: ");
        put_str(2, msg);
        put_str(2, "\n");
    }
    /* SA_RESETHAND: returning re-runs the access, which now kills us. */
}

static void faults_explained_by(const gcb_collector *gc, gcb_heap *heap)
{
    if (!GCB_HAS(gc, describe_fault))
        return;
    fault_gc = gc;
    fault_heap = heap;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* ---- main ------------------------------------------------------------------- */

static void emit(json_t *rec)
{
    char *text = json_dumps(rec, JSON_COMPACT);
    if (text == NULL)
        return;
    int fd = fcntl(3, F_GETFD) >= 0 ? 3 : 1;
    size_t n = strlen(text), off = 0;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(text);
    if (fd == 1 && write(1, "\n", 1) != 1)
        return;
}

static json_t *read_stdin(char *err, size_t errlen)
{
    json_error_t e;
    json_t *j = json_loadf(stdin, 0, &e);
    if (j == NULL)
        snprintf(err, errlen, "run spec on stdin: line %d: %s", e.line, e.text);
    return j;
}

int runner_child_main(void)
{
    /* Keep glibc from returning or mmapping memory on its own schedule, so
     * the RSS we sample is the collector's doing.  M_ARENA_MAX is left
     * alone: the malloc baseline would lose its per-thread arenas. */
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);

    static child c;   /* one per process: the child process is the run */
    char err[2048] = "";
    struct timespec start_rt;
    clock_gettime(CLOCK_REALTIME, &start_rt);

    json_t *sj = read_stdin(err, sizeof err);
    if (sj == NULL || runspec_from_json(sj, &c.sp, err, sizeof err) != 0) {
        fprintf(stderr, "gcbench __child: %s\n", err);
        json_decref(sj);
        return 2;
    }
    json_decref(sj);
    const run_spec *s = &c.sp.s;
    /* Our own deadline, a second after the parent's: a hung run ends even
     * when nobody is left to kill it (SIGALRM's default action). */
    struct itimerval deadline = {.it_value = {.tv_sec = (time_t)s->timeout + 1,
                                              .tv_usec = (suseconds_t)((s->timeout - floor(s->timeout)) * 1e6)}};
    setitimer(ITIMER_REAL, &deadline, NULL);
    if (runspec_resolve(s, &c.r, err, sizeof err) != 0) {
        fprintf(stderr, "gcbench __child: %s\n", err);
        return 2;
    }
    const gcb_collector *gc = c.r.gc;
    const gcb_workload *w = c.r.w;
    int n = s->threads;

    char topo[512] = "";
    json_t *rec = NULL;
    record_req q = {.spec = s, .gc = gc, .opts = c.r.opts, .w = w, .params = c.r.params,
                    .ops = c.r.ops, .repetition = c.sp.repetition, .topology = topo,
                    .start = start_rt};
    if (pin_plan_new(s->pin, s->pus, s->npus, n, &c.plan, err, sizeof err) != 0) {
        rec = record_new(&q);
        record_fail(rec, "failed", err);
        emit(rec);
        return 0;
    }
    pin_topology_summary(c.plan, topo, sizeof topo);
    rec = record_new(&q);

    mutator_slot *ms = calloc((size_t)n, sizeof *ms);
    if (ms == NULL) {
        record_fail(rec, "failed", "out of memory for mutator slots");
        emit(rec);
        return 0;
    }
    if (w->setup(c.r.params, n, &c.wstate, err, sizeof err) != 0) {
        record_fail(rec, "failed", err);
        record_set(rec, "validation", json_string(err));
        emit(rec);
        return 0;
    }

    recorder_init(&c.rec, n);
    pthread_mutex_init(&c.gc_lock, NULL);
    c.host = (gcb_host){.abi = GCB_ABI_VERSION, .size = sizeof(gcb_host), .ctx = &c,
                        .event = host_event, .spawn = host_spawn, .log = host_log,
                        .now_ns = host_now_ns, .procs = (uint32_t)pin_procs(c.plan),
                        .mutators = (uint32_t)n};
    /* The main thread is not a mutator; its events (e.g. from heap_new or
     * heap_free) count as GC work. */
    recorder_thread_index(-1);
    if (gc->heap_new(&c.host, c.r.opts, &c.heap, err, sizeof err) != 0) {
        char msg[2300];
        snprintf(msg, sizeof msg, "collector '%s': heap_new: %s", gc->name, err);
        record_fail(rec, "failed", msg);
        if (w->teardown)
            w->teardown(c.wstate);
        emit(rec);
        return 0;
    }

    faults_explained_by(gc, c.heap);
    double expected = s->duration > 0 ? s->duration : s->timeout;
    sampler smp;
    int smp_rc = sampler_start(&smp, gc, c.heap, s->sample_hz, expected + 1);

    pthread_barrier_init(&c.start, NULL, (unsigned)n + 1);
    uint64_t per = c.r.ops / (uint64_t)n, rem = c.r.ops % (uint64_t)n;
    int started = 0;
    char spawn_err[256] = "";
    for (int i = 0; i < n; i++) {
        ms[i].c = &c;
        ms[i].tid = i;
        ms[i].pu = -1;
        ms[i].quota = per + ((uint64_t)i < rem ? 1 : 0);
        ms[i].hist = s->record_latency ? malloc(sizeof(histogram)) : NULL;
        if (ms[i].hist)
            hist_init(ms[i].hist);
    }
    for (int i = 0; i < n; i++) {
        int rc = pthread_create(&ms[i].th, NULL, mutator_main, &ms[i]);
        if (rc != 0) {
            snprintf(spawn_err, sizeof spawn_err, "cannot start mutator thread %d: %s", i,
                     strerror(rc));
            break;
        }
        ms[i].started = 1;
        started++;
    }
    if (started < n) {
        /* Threads already waiting need n + 1 arrivals: stand in for the rest. */
        atomic_store(&c.stop, 1);
        for (int i = started; i < n; i++)
            pthread_barrier_wait(&c.start);
    }
    recorder_set_origin(&c.rec, recorder_now_ns());
    opclock_start(&c.clock);
    pthread_barrier_wait(&c.start);
    for (int i = 0; i < n; i++)
        if (ms[i].started)
            pthread_join(ms[i].th, NULL);
    opclock_stop(&c.clock);

    uint64_t origin = UINT64_MAX, end = 0;
    for (int i = 0; i < started; i++) {
        if (ms[i].start_ns < origin)
            origin = ms[i].start_ns;
        if (ms[i].end_ns > end)
            end = ms[i].end_ns;
    }
    if (origin == UINT64_MAX)
        origin = end = recorder_now_ns();
    recorder_set_origin(&c.rec, origin);

    if (smp_rc == 0)
        sampler_stop(&smp);
    gcb_heap_stats hs;
    memset(&hs, 0, sizeof hs);
    hs.size = sizeof hs;
    gc->stats(c.heap, &hs);
    gc->heap_free(c.heap);
    int any_failed = spawn_err[0] != 0;
    for (int i = 0; i < n; i++)
        any_failed |= ms[i].failed;
    if (w->checksum && !any_failed) {
        char sum[128] = "";
        w->checksum(c.wstate, sum, sizeof sum);
        record_set(rec, "checksum", json_string(sum));
    }
    if (w->teardown)
        w->teardown(c.wstate);
    int pairing = recorder_finish(&c.rec);

    fill(&c, rec, ms, started, &smp, &hs, origin, end - origin, pin_procs(c.plan));

    const char *why = NULL;
    for (int i = 0; i < n && why == NULL; i++)
        if (ms[i].failed)
            why = ms[i].err[0] ? ms[i].err : "a mutator thread failed without a message";
    if (spawn_err[0])
        record_fail(rec, "failed", spawn_err);
    else if (why) {
        record_set(rec, "validation", json_string(why));
        record_fail(rec, "failed", why);
    } else {
        record_set(rec, "validation", json_string("passed"));
        if (pairing != 0)
            record_fail(rec, "failed", c.rec.error);
        else if (smp_rc != 0)
            record_fail(rec, "failed", "cannot start the RSS sampler");
    }
    emit(rec);
    json_decref(rec);
    for (int i = 0; i < n; i++)
        free(ms[i].hist);
    free(ms);
    sampler_free(&smp);
    recorder_destroy(&c.rec);
    pin_plan_free(c.plan);
    runspec_release(&c.r);
    runspec_parsed_free(&c.sp);
    return 0;
}
