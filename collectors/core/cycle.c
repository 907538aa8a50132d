/* cycle.c - the GC cycle and the background mark workers.
 *
 * Concurrent cycle (Go's): the thread that finds heap_live >= trigger owns
 * the cycle (CAS phase OFF -> SWEEPTERM), sweeps what is left, stops the
 * world (sweep termination: finish sweeping, span caches emptied so that
 * new ones allocate black, barrier on, roots shaded), restarts it and
 * wakes the workers.  Whoever finds marking out of work, worker 0 or an
 * assisting mutator (as Go's gcBgMarkWorker and gcAssistAlloc both call
 * gcMarkDone), completes the mark (gc_mark_complete: ragged barriers
 * until one brings no grey object back, mark_done_flush) and runs mark
 * termination on its own thread: stop the world, take every mutator's grey
 * buffer, release every span cache (marking what it allocated), rescan
 * roots, drain, verify, flip sweepgen (all spans become unswept), pacer,
 * barrier off, restart, wake the background sweeper.  STW mode does the whole mark in
 * one pause on the owning thread.  Phase stays non-OFF until CYCLE_END is
 * emitted, so cycles never overlap.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gc.h"

typedef struct worker_arg {
    gc_heap *h;
    int idx;
} worker_arg;

static uint64_t now(gc_heap *h) { return h->host->now_ns(h->host->ctx); }

/* One line in the format of Go's GODEBUG=gctrace=1:
 *   gc # @#s #%: #+#+# ms clock, #+#/#/#+# ms cpu, #->#-># MB, # MB goal,
 *   # MB stacks, # MB globals, # P
 * clock: sweep termination, concurrent mark, mark termination (STW mode:
 * 0 + the pause + 0); cpu: pause x procs, assist / background / idle,
 * pause x procs; heap: at the trigger, at mark end, marked.  The % is GC
 * CPU (pauses x procs, workers, assists) over procs x wall time so far. */
static void gctrace(gc_heap *h, uint64_t live_end)
{
    double t = (double)(h->t_sweepterm - h->start_ns) / 1e9;
    double st = (double)(h->t_mark - h->t_sweepterm) / 1e6;
    double mk = (double)(h->t_markterm - h->t_mark) / 1e6;
    double mt = (double)(h->t_end - h->t_markterm) / 1e6;
    if (h->cfg.mode == MODE_STW) {
        mt = (double)(h->t_end - h->t_sweepterm) / 1e6;
        st = mk = 0;
    }
    unsigned procs = h->host->procs ? h->host->procs : 1;
    double wall = (double)(h->t_end - h->start_ns);
    int pct = wall > 0 ? (int)(100.0 * (double)atomic_load(&h->total_gc_ns) / (wall * procs)) : 0;
    double assist = (double)atomic_load(&h->cycle_assist_ns) / 1e6;
    double bg = (double)atomic_load(&h->cycle_bg_ns) / 1e6;
    double idle = (double)atomic_load(&h->cycle_idle_ns) / 1e6;
    const uint64_t MB = 1 << 20;
    uint64_t stacks = 0;
    for (gc_mutator *m = h->mutators; m; m = m->next)
        for (gcb_frame *f = m->base.frames; f; f = f->prev)
            stacks += f->count * sizeof(void *);
    h->host->log(h->host->ctx,
                 "gc %llu @%.3fs %d%%: %.3f+%.3f+%.3f ms clock, %.3f+%.3f/%.3f/%.3f+%.3f ms cpu, "
                 "%llu->%llu->%llu MB, %llu MB goal, %llu MB stacks, %llu MB globals, %u P",
                 (unsigned long long)atomic_load(&h->cycles) + 1, t, pct, st, mk, mt, st * procs,
                 assist, bg, idle, mt * procs,
                 (unsigned long long)(atomic_load(&h->cycle_trigger) / MB),
                 (unsigned long long)(live_end / MB),
                 (unsigned long long)(atomic_load(&h->heap_marked) / MB),
                 (unsigned long long)(h->last_goal / MB), /* Go prints lastHeapGoal */
                 (unsigned long long)(stacks / MB),
                 (unsigned long long)((h->nroots * sizeof(void *) + h->cfg.globals) / MB), procs);
}

/* Everything after marking, with the world stopped. */
static void terminate(gc_heap *h)
{
    if (h->cfg.verify) {
        char err[512];
        if (mark_verify(h) == 0 && gc_heap_is_valid(h, err, sizeof err) != 0)
            gc_fail(h, "verify after mark: %s", err);
    }
    for (gc_mutator *m = h->mutators; m; m = m->next)
        mcache_release_all(m);
    space_mark_done(h);
    uint64_t live_end = atomic_load(&h->heap_live);
    atomic_fetch_add(&h->sweepgen, 2);
    atomic_store(&h->barrier, 0);
    atomic_store(&h->phase, GCPH_MARKTERM);
    pacer_mark_done(h);
    atomic_store(&h->heap_live, atomic_load(&h->heap_marked));
    for (gc_mutator *m = h->mutators; m; m = m->next) {
        mcache_set_inline(m);
        m->assist_bytes = 0;
    }
    h->t_end = now(h);
    if (h->cfg.gctrace)
        gctrace(h, live_end);
}

/* After the last pause: close the cycle, open the way to the next. */
static void finish(gc_heap *h)
{
    gc_event(h, GCB_EV_CYCLE_END, NULL);
    h->last_gc_ns = now(h);
    pthread_mutex_lock(&h->lock);
    atomic_fetch_add(&h->cycles, 1);
    atomic_store(&h->phase, GCPH_OFF);
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
    pthread_mutex_lock(&h->bglock);
    h->sweep_wanted = 1;
    pthread_cond_broadcast(&h->bgcond);
    pthread_mutex_unlock(&h->bglock);
}

static void pause_charge(gc_heap *h, uint64_t t0)
{
    pacer_limiter_charge(h, (now(h) - t0) * h->host->procs);
}

/* Drain everything, world stopped: every mutator's grey buffer first (the
 * world is stopped, so the stopper may empty them), then the shared list,
 * through a gc_work of the stopper's own. */
static void drain_all(gc_heap *h)
{
    gc_work gcw = {0};
    for (gc_mutator *m = h->mutators; m; m = m->next)
        gc_work_dispose(h, &m->gcw);
    mark_drain(h, &gcw, -1, 0, NULL);
    /* (not mark_done: a worker that saw GCPH_MARK just before the stop
     * may still count itself busy; it takes nothing once it sees the
     * phase) */
    pthread_mutex_lock(&h->work.lock);
    size_t left = h->work.n;
    pthread_mutex_unlock(&h->work.lock);
    if (!gc_work_empty(&gcw) || left != 0)
        gc_fail(h, "mark termination left %zu grey objects", left);
}

static void stw_cycle(gc_heap *h, gc_mutator *self)
{
    gc_event(h, GCB_EV_PAUSE_BEGIN, "stw-mark");
    uint64_t t0 = now(h);
    h->t_sweepterm = t0;
    world_stop(h, self);
    sweep_finish(h);
    atomic_store(&h->heap_marked, 0);
    atomic_store(&h->scan_work, 0);
    h->mark_start_live = atomic_load(&h->heap_live);
    atomic_store(&h->phase, GCPH_MARK);
    h->t_mark = now(h);
    gc_event(h, GCB_EV_MARK_BEGIN, "mark");
    mark_roots(h);
    mark_globals_job(h);
    mark_space_jobs(h, space_mark_start(h));
    drain_all(h);
    gc_event(h, GCB_EV_MARK_END, "mark");
    h->t_markterm = now(h);
    pacer_mark_end(h);
    terminate(h);
    /* PAUSE_END is stamped just before the restart, as Go takes the pause's
     * end time before waking the Ps: a restarting thread preempted by the
     * mutators it wakes would otherwise stretch the recorded pause. */
    gc_event(h, GCB_EV_PAUSE_END, "stw-mark");
    world_start(h);
    pause_charge(h, t0);
    space_mark_terminated(h); /* Go: the end of gcMarkTermination, world running */
    finish(h);
}

/* World stopped, at sweep termination: wait until no background worker
 * holds a proc (h->working), as Go's stop-the-world waits for every P,
 * the workers' too.  mark_open is 0 here (the last mark termination
 * cleared it, or no cycle ran), and a worker re-checks it after taking a
 * proc, so none drains from now until this cycle's mark opens: no marker
 * can pop this cycle's roots before the spaces' mark_start has run. */
static void workers_stop(gc_heap *h)
{
    while (atomic_load(&h->working) != 0)
        sched_yield();
}

static void concurrent_start(gc_heap *h, gc_mutator *self)
{
    gc_event(h, GCB_EV_PAUSE_BEGIN, "sweep-termination");
    uint64_t t0 = now(h);
    h->t_sweepterm = t0;
    world_stop(h, self);
    workers_stop(h);
    sweep_finish(h);
    atomic_store(&h->heap_marked, 0);
    atomic_store(&h->scan_work, 0);
    h->mark_start_live = atomic_load(&h->heap_live);
    for (gc_mutator *m = h->mutators; m; m = m->next) {
        mcache_release_all(m); /* spans cached from now on allocate black */
        m->assist_bytes = 0;
        m->refill_bytes = 0;
    }
    pacer_mark_start(h);
    atomic_store(&h->barrier, 1);
    atomic_store(&h->phase, GCPH_MARK);
    gc_event(h, GCB_EV_MARK_BEGIN, "mark");
    mark_roots(h);
    mark_globals_job(h); /* scanned concurrently, as Go's data/bss root jobs */
    mark_space_jobs(h, space_mark_start(h));
    gc_event(h, GCB_EV_PAUSE_END, "sweep-termination"); /* see stw_cycle */
    atomic_store(&h->mark_begin_ns, now(h));
    atomic_store(&h->mark_open, 1);
    world_start(h);
    h->t_mark = now(h);
    pause_charge(h, t0);
    pthread_mutex_lock(&h->bglock);
    atomic_fetch_add(&h->cycle_request, 1);
    pthread_cond_broadcast(&h->workcond);
    pthread_mutex_unlock(&h->bglock);
}

/* Go's gcMarkDone up to the stop, run by the thread completing the mark
 * (self: the mutator it is, or NULL) when mark_done: a ragged barrier has
 * every other mutator hand over its grey buffer (self has disposed its
 * own); if that, or anything since the last round, put work on the
 * shared list (Go's flushedWork), marking goes on (0); a round after
 * which mark_done still holds and nothing was flushed means no grey
 * object is left, except those the barrier shades from now on, which mark
 * termination drains (1). */
static int mark_done_flush(gc_heap *h, gc_mutator *self)
{
    while (mark_done(h)) {
        world_flush(h, self);
        h->flush_rounds++;
        if (!gc_work_take_flushed(h))
            return 1;
        h->flush_found++;
    }
    return 0;
}

/* Run by the thread completing the mark (self: the mutator it is, or NULL)
 * once mark_done_flush found marking complete. */
static void mark_termination(gc_heap *h, gc_mutator *self)
{
    gc_event(h, GCB_EV_PAUSE_BEGIN, "mark-termination");
    uint64_t t0 = now(h);
    h->t_markterm = t0;
    atomic_store(&h->mark_open, 0);
    world_stop(h, self);
    /* Go's endCycle reads the goal (lastHeapGoal) here, with the world
     * stopped and every span cache as the mark left it: the slots cached
     * spans handed out are not yet flushed (mcache_release_all below) */
    pacer_mark_end(h);
    atomic_store(&h->phase, GCPH_MARKTERM);
    mark_wake_assists(h); /* they run when the world restarts, and find mark over */
    pthread_mutex_lock(&h->work.lock);
    while (h->work.busy > 0)
        pthread_cond_wait(&h->work.cond, &h->work.lock);
    pthread_mutex_unlock(&h->work.lock);
    for (gc_mutator *m = h->mutators; m; m = m->next)
        mcache_release_all(m); /* marks what the caches allocated during mark */
    mark_roots(h);
    drain_all(h); /* with what the barrier shaded after the last ragged barrier */
    gc_event(h, GCB_EV_MARK_END, "mark");
    terminate(h);
    /* PAUSE_END is stamped just before the restart, as Go takes the pause's
     * end time before waking the Ps: a restarting thread preempted by the
     * mutators it wakes would otherwise stretch the recorded pause. */
    gc_event(h, GCB_EV_PAUSE_END, "mark-termination");
    world_start(h);
    pause_charge(h, t0);
    space_mark_terminated(h); /* Go: the end of gcMarkTermination, world running */
    finish(h);
}

int gc_mark_complete(gc_heap *h, gc_mutator *self)
{
    /* trylock: a mutator blocked on the lock could not answer the ragged
     * barrier of the thread holding it; a worker that finds it taken just
     * waits for work, as Go's gcMarkDone returns when the phase moved on */
    if (pthread_mutex_trylock(&h->markdone_lock) != 0)
        return -1;
    int r = -1;
    if (atomic_load(&h->mark_open) && atomic_load(&h->phase) == GCPH_MARK && mark_done(h)) {
        if (self != NULL && !gc_work_empty(&self->gcw))
            gc_work_dispose(h, &self->gcw); /* no ragged barrier asks the caller */
        r = 0;
        if (mark_done_flush(h, self)) {
            mark_termination(h, self);
            r = 1;
        }
    }
    pthread_mutex_unlock(&h->markdone_lock);
    return r;
}

/* Start a cycle if none runs; self is the calling mutator or NULL. 1 if
 * this call ran/started one. */
static int start(gc_heap *h, gc_mutator *self)
{
    uint32_t off = GCPH_OFF;
    if (!atomic_compare_exchange_strong(&h->phase, &off, GCPH_SWEEPTERM))
        return 0;
    atomic_store(&h->cycle_trigger, atomic_load(&h->heap_live));
    /* most leftover sweeping happens here, before the pause */
    unsigned cursor = 0;
    while (sweep_one(h, &cursor))
        ;
    gc_event(h, GCB_EV_CYCLE_BEGIN, NULL);
    if (h->cfg.mode == MODE_STW)
        stw_cycle(h, self);
    else
        concurrent_start(h, self);
    return 1;
}

void gc_maybe_start(gc_heap *h, gc_mutator *self)
{
    if (atomic_load_explicit(&h->phase, memory_order_relaxed) == GCPH_OFF &&
        pacer_should_trigger(h))
        start(h, self);
}

void gc_force(gc_heap *h) { start(h, NULL); }

void gc_collect(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    uint64_t target = atomic_load(&h->cycles) + 1;
    if (atomic_load(&h->phase) != GCPH_OFF)
        target++;
    while (atomic_load(&h->cycles) < target && !atomic_load(&h->failed)) {
        if (atomic_load(&h->phase) == GCPH_OFF && start(h, gm))
            continue;
        world_blocking_enter(gm);
        pthread_mutex_lock(&h->lock);
        while (atomic_load(&h->cycles) < target && atomic_load(&h->phase) != GCPH_OFF)
            pthread_cond_wait(&h->cond, &h->lock);
        pthread_mutex_unlock(&h->lock);
        world_blocking_exit(gm);
    }
    unsigned cursor = 0;
    while (sweep_one(h, &cursor))
        ;
}

/* The role of a worker's next chunk (pacer_worker_role) and the proc it
 * runs on: h->working + 1 (+ WORKING_IDLE for an idle worker), taken with
 * a compare-and-swap on the word the role was decided from, so two
 * workers that see the same free proc do not both take it (the caller
 * gives it back after the chunk).  Returns the counter to charge the
 * chunk to, or NULL to wait (no proc taken). */
static _Atomic uint64_t *role(gc_heap *h, int idx, uint64_t busy, uint64_t start_ns,
                              const gc_work *gcw)
{
    gc_worker_view v = {.idx = idx, .procs = (int)h->host->procs, .busy_ns = busy,
                        .elapsed_ns = now(h) - start_ns,
                        .work_visible = gc_work_available(h, gcw)};
    for (;;) {
        uint32_t w = atomic_load(&h->working);
        v.nworking = (int)(w % WORKING_IDLE);
        v.nidle = (int)(w / WORKING_IDLE);
        v.nrunning = atomic_load(&h->nrunning);
        int r = pacer_worker_role(h->dedicated, h->fractional, &v);
        if (r == GC_ROLE_WAIT)
            return NULL;
        if (atomic_compare_exchange_weak(&h->working, &w, w + 1 + (r == GC_ROLE_IDLE ? WORKING_IDLE : 0)))
            return r == GC_ROLE_BG ? &h->cycle_bg_ns : &h->cycle_idle_ns;
    }
}

/* Sleep until work is pushed or `ns` pass. */
static void wait_work(gc_heap *h, long ns)
{
    pthread_mutex_lock(&h->work.lock);
    if (h->work.n == 0 || ns < 1000000) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += ns;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        h->work.waiting++;
        pthread_cond_timedwait(&h->work.cond, &h->work.lock, &ts);
        h->work.waiting--;
    }
    pthread_mutex_unlock(&h->work.lock);
}

#define GC_CREDIT_SLACK 2000 /* scan bytes per chunk; Go's gcCreditSlack */

static void *worker_main(void *arg)
{
    worker_arg *wa = arg;
    gc_heap *h = wa->h;
    int idx = wa->idx;
    free(wa);
    gc_work local = {.worker = 1}; /* Go's p.gcw, one per worker here */
    gc_work *gcw = &local;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&h->bglock);
        while (!atomic_load(&h->quit_workers) && atomic_load(&h->cycle_request) == seen)
            pthread_cond_wait(&h->workcond, &h->bglock);
        if (atomic_load(&h->cycle_request) == seen) { /* quit, no cycle pending */
            pthread_mutex_unlock(&h->bglock);
            return NULL;
        }
        seen = atomic_load(&h->cycle_request);
        pthread_mutex_unlock(&h->bglock);
        /* a started cycle is finished even when quitting, so its events pair */
        uint64_t start_ns = now(h), busy = 0;
        /* this cycle's mark only: one an assist ended may be followed by
         * the next before this worker looks (cycle_request moves on) */
        while (atomic_load(&h->phase) == GCPH_MARK && atomic_load(&h->cycle_request) == seen) {
            _Atomic uint64_t *charge = role(h, idx, busy, start_ns, gcw);
            if (charge != NULL && !atomic_load(&h->mark_open)) {
                /* the mark ended, or the next cycle's start pause runs
                 * (phase MARK again, cycle_request not yet moved on): give
                 * the proc back undrained (workers_stop) */
                atomic_fetch_sub(&h->working,
                                 1 + (charge == &h->cycle_idle_ns ? WORKING_IDLE : 0));
                break;
            }
            if (charge == NULL) {
                gc_work_dispose(h, gcw); /* what it holds, others may take */
                if (idx == 0 && mark_done(h)) {
                    int r = gc_mark_complete(h, NULL);
                    if (r == 1)
                        break;
                    if (r == 0)
                        continue;
                }
                wait_work(h, 100000); /* a proc may free up, or the quota grow */
                continue;
            }
            /* Drain in chunks of GC_CREDIT_SLACK, flushing each as credit
             * for assists (Go's gcFlushBgCredit), re-checking the role;
             * gcw keeps what the chunk left (counted in work.busy). */
            uint64_t t0 = now(h); /* role() took the proc (h->working) */
            int64_t did = mark_drain(h, gcw, GC_CREDIT_SLACK, 1, NULL);
            mark_flush_bg_credit(h, did);
            uint64_t d = now(h) - t0;
            atomic_fetch_sub(&h->working, 1 + (charge == &h->cycle_idle_ns ? WORKING_IDLE : 0));
            busy += d;
            if (charge == &h->cycle_idle_ns)
                pacer_limiter_idle(h, d);
            else
                pacer_worker_time(h, d);
            atomic_fetch_add_explicit(charge, d, memory_order_relaxed);
            if (did >= GC_CREDIT_SLACK)
                continue;
            gc_work_dispose(h, gcw); /* empty unless the phase changed */
            if (idx == 0 && mark_done(h)) {
                int r = gc_mark_complete(h, NULL);
                if (r == 1)
                    break;
                if (r == 0)
                    continue;
                /* -1: an assist is completing it; wait as for work */
            }
            wait_work(h, 1000000); /* nothing to pop: until work arrives or 1 ms */
        }
        /* mark is over: what a stopped drain left goes to mark termination,
         * which waits for work.busy to drop */
        gc_work_dispose(h, gcw);
    }
}

/* Spawn the background mark workers of a concurrent heap: one per proc,
 * as Go has one per P (at most 64).  Each cycle, the first h->dedicated
 * are dedicated, the next (with a fractional goal) is fractional, and any
 * of them marks as an idle worker while a proc is idle (role()).  0, or
 * an errno value with a message (the workers already spawned are in
 * h->workers[0 .. nworkers)). */
int cycle_workers_start(gc_heap *h, char *err, size_t errlen)
{
    int rc = 0;
    pacer_workers(h->host->procs, &h->dedicated, &h->fractional);
    int n = (int)(h->host->procs ? h->host->procs : 1);
    if (n > 64)
        n = 64;
    for (int i = 0; i < n; i++) {
        worker_arg *wa = malloc(sizeof *wa);
        if (wa == NULL) {
            rc = ENOMEM;
        } else {
            wa->h = h;
            wa->idx = i;
            rc = h->host->spawn(h->host->ctx, "gc-mark", worker_main, wa, &h->workers[i]);
            if (rc != 0)
                free(wa);
        }
        if (rc != 0) {
            snprintf(err, errlen, "%s: cannot spawn mark worker %d: %s", h->cfg.name, i, strerror(rc));
            return rc;
        }
        h->nworkers++;
    }
    return 0;
}
