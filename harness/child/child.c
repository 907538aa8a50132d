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
#include "child/histogram.h"
#include "child/opclock.h"
#include "child/opsample.h"
#include "pin.h"
#include "common/record_build.h"
#include "child/child.h"
#include "child/event_sink.h"
#include "child/metrics.h"
#include "common/clock.h"
#include "runner.h"
#include "runspec.h"
#include "child/rss_sampler.h"
#include "common/stats.h"

/* ---- gcb_host ----------------------------------------------------------- */

typedef struct spawn_arg {
    child *c;
    void *(*fn)(void *);
    void *arg;
    int index;
    int sweeper; /* named GCB_SWEEPER_THREAD: its CPU is sweep time */
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
    recorder_add_gc_thread(&c->rec, clock_thread_cpu_ns(), a.sweeper);
    return ret;
}

static int host_spawn(void *ctx, const char *name, void *(*fn)(void *), void *arg, pthread_t *out)
{
    child *c = ctx;
    spawn_arg *a = malloc(sizeof *a);
    if (a == NULL)
        return ENOMEM;
    *a = (spawn_arg){.c = c, .fn = fn, .arg = arg,
                     .sweeper = name != NULL && strncmp(name, GCB_SWEEPER_THREAD,
                                                        sizeof GCB_SWEEPER_THREAD - 1) == 0,
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
    return clock_now_ns();
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

    /* Ops are timed in opclock ticks, a random sample of them (opsample.h:
     * every op when ops are long, ~1 in 14 at 0.5 us); the loop's bounds
     * in ns.  A duration run checks its end at timed ops only (so it ends
     * within a few ops of `end`), and samples even with latency off. */
    const run_spec *s = &c->sp.s;
    const opclock *ck = &c->clock;
    /* Calibrating the sampler (~40 us) stays out of the timed window. */
    opsample smp;
    opsample_init(&smp, ck, ms->hist, opclock_ticks(ck) ^ ((uint64_t)ms->tid << 32));
    uint64_t t0 = clock_now_ns();
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
            int rc;
            if ((lat || end) && opsample_due(&smp)) {
                uint64_t a = opclock_ticks(ck);
                rc = w->op(c->wstate, m, ms->tid, i, ms->err, sizeof ms->err);
                now = opclock_ticks(ck);
                opsample_timed(&smp, lat ? ms->hist : NULL, now - a); /* ticks; converted in metrics_fill() */
                opsample_paid(&smp, opclock_ticks_after(ck) - now);
            } else {
                rc = w->op(c->wstate, m, ms->tid, i, ms->err, sizeof ms->err);
            }
            if (rc != 0) {
                ms->failed = 1;
                atomic_store(&c->stop, 1);
                break;
            }
            ms->ops++;
        }
    }
    ms->end_ns = clock_now_ns();
    ms->timed = smp.timed;
    ms->timer_ticks = smp.paid;

    /* The first failure's message is the one reported. */
    char fini_err[512] = "";
    if (inited && w->thread_fini(c->wstate, m, ms->tid, fini_err, sizeof fini_err) != 0 &&
        !ms->failed) {
        ms->failed = 1;
        snprintf(ms->err, sizeof ms->err, "%s", fini_err);
    }
    /* The whole thread, init and fini included: the recorder counts every
     * assist and pause this thread ran, and the two must cover the same span. */
    ms->cpu_ns = clock_thread_cpu_ns();
    if (attached) {
        ms->bytes = m->bytes_allocated;
        ms->objects = m->objects_allocated;
        gc->mutator_detach(m);
    }
    return NULL;
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
    if (GCB_HAS(gc, describe)) {
        char desc[512] = "";
        gc->describe(c.heap, desc, sizeof desc);
        desc[sizeof desc - 1] = '\0';
        json_object_set_new(json_object_get(rec, "collector"), "description", json_string(desc));
    }
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
    recorder_set_origin(&c.rec, clock_now_ns());
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
        origin = end = clock_now_ns();
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

    metrics_fill(&c, rec, ms, started, &smp, &hs, origin, end - origin, pin_procs(c.plan));

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
