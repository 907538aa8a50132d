/* event_sink.c - the event sink (see event_sink.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "child/event_sink.h"

#include "gcb/pool.h"
#include "harness.h"

static _Thread_local int thread_index = -1;

void recorder_thread_index(int index)
{
    thread_index = index;
}

int recorder_init(recorder *r, int mutators)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    r->mutators = mutators;
    r->origin_ns = clock_now_ns();
    r->timeline = json_array();
    return r->timeline ? 0 : ENOMEM;
}

void recorder_destroy(recorder *r)
{
    free(r->pauses);
    free(r->cycles);
    json_decref(r->timeline);
    pthread_mutex_destroy(&r->lock);
    memset(r, 0, sizeof *r);
}

void recorder_set_origin(recorder *r, uint64_t origin_ns)
{
    pthread_mutex_lock(&r->lock);
    r->origin_ns = origin_ns;
    pthread_mutex_unlock(&r->lock);
}

static void fail(recorder *r, const char *fmt, const char *what)
{
    if (r->error[0] == '\0')
        snprintf(r->error, sizeof r->error, fmt, what);
}

/* Timeline entries hold absolute seconds of CLOCK_MONOTONIC until
 * recorder_finish() subtracts the origin (events may precede it). */
static void span(recorder *r, uint64_t start_ns, uint64_t dur_ns, const char *name, int index)
{
    if (json_array_size(r->timeline) >= RECORDER_TIMELINE_MAX) {
        r->timeline_dropped++;
        return;
    }
    json_array_append_new(r->timeline,
                          json_pack("[f, f, s, i]", (double)start_ns / 1e9, (double)dur_ns / 1e9,
                                    name, index));
}

static recorder_thread *self(recorder *r)
{
    pthread_t me = pthread_self();
    for (size_t i = 0; i < r->nthreads; i++)
        if (pthread_equal(r->threads[i].id, me))
            return &r->threads[i];
    if (r->nthreads == RECORDER_THREADS)
        return NULL;
    recorder_thread *t = &r->threads[r->nthreads++];
    memset(t, 0, sizeof *t);
    t->id = me;
    return t;
}

static int is_mutator(const recorder *r, int index)
{
    return index >= 0 && index < r->mutators;
}

static void grow(void **p, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return;
    size_t c = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, c * elem);
    if (q == NULL)
        harness_child_oom("the event log");
    *p = q;
    *cap = c;
}

void recorder_event(void *ctx, const gcb_event *ev)
{
    recorder *r = ctx;
    /* Fields beyond the plugin's ev->size read as zero. */
    gcb_event e;
    memset(&e, 0, sizeof e);
    memcpy(&e, ev, ev->size < sizeof e ? ev->size : sizeof e);
    uint64_t wall = clock_now_ns();
    uint64_t cpu = clock_thread_cpu_ns();
    int index = thread_index;
    const char *phase = e.phase ? e.phase : "pause";
    recorder_thread *t;

    pthread_mutex_lock(&r->lock);
    switch (e.kind) {
    case GCB_EV_PAUSE_BEGIN:
        if (r->in_pause) {
            fail(r, "event pairing: PAUSE_BEGIN (%s) inside a pause (pauses do not nest)", phase);
            break;
        }
        r->in_pause = 1;
        r->pause_thread = pthread_self();
        r->pause_index = index;
        r->pause_wall_ns = wall;
        r->pause_begin_cpu_ns = cpu;
        r->pause_phase = phase;
        break;
    case GCB_EV_PAUSE_END:
        if (!r->in_pause) {
            fail(r, "event pairing: PAUSE_END (%s) without PAUSE_BEGIN", phase);
            break;
        }
        r->in_pause = 0;
        if (!pthread_equal(r->pause_thread, pthread_self())) {
            fail(r, "event pairing: PAUSE_END (%s) on another thread than its PAUSE_BEGIN",
                 r->pause_phase);
            break;
        }
        grow((void **)&r->pauses, &r->pcap, r->npauses, sizeof *r->pauses);
        r->pauses[r->npauses++] = (recorder_pause){
            .start_ns = r->pause_wall_ns, .dur_ns = wall - r->pause_wall_ns, .phase = r->pause_phase};
        r->pause_cpu_ns += cpu - r->pause_begin_cpu_ns;
        if (is_mutator(r, index))
            r->mutator_pause_cpu_ns += cpu - r->pause_begin_cpu_ns;
        span(r, r->pause_wall_ns, wall - r->pause_wall_ns, r->pause_phase, index);
        break;
    case GCB_EV_CYCLE_BEGIN:
        if (r->in_cycle) {
            fail(r, "event pairing: CYCLE_BEGIN (cycle %s) while a cycle is running (cycles do not overlap)",
                 "");
            break;
        }
        r->in_cycle = 1;
        gcb_pool_gc_cycle(); /* sync.Pool: objects age at each cycle (gcb/pool.h) */
        memset(&r->cur, 0, sizeof r->cur);
        r->cur.number = e.cycle;
        r->cur.start_ns = wall;
        r->cur.trigger_bytes = e.trigger_bytes;
        break;
    case GCB_EV_CYCLE_END:
        if (!r->in_cycle) {
            fail(r, "event pairing: CYCLE_END without CYCLE_BEGIN%s", "");
            break;
        }
        if (r->in_mark) {
            fail(r, "event pairing: CYCLE_END while the mark phase is open (MARK_END missing)%s", "");
            r->in_mark = 0;
        }
        r->in_cycle = 0;
        if (e.trigger_bytes)
            r->cur.trigger_bytes = e.trigger_bytes;
        r->cur.marked_bytes = e.marked_bytes;
        r->cur.goal_bytes = e.goal_bytes;
        grow((void **)&r->cycles, &r->ccap, r->ncycles, sizeof *r->cycles);
        r->cycles[r->ncycles++] = r->cur;
        break;
    case GCB_EV_MARK_BEGIN:
        if (r->in_mark) {
            fail(r, "event pairing: MARK_BEGIN while the mark phase is open%s", "");
            break;
        }
        r->in_mark = 1;
        r->mark_wall_ns = wall;
        break;
    case GCB_EV_MARK_END:
        if (!r->in_mark) {
            fail(r, "event pairing: MARK_END without MARK_BEGIN%s", "");
            break;
        }
        r->in_mark = 0;
        if (r->in_cycle) {
            r->cur.mark_ns += wall - r->mark_wall_ns;
            r->cur.heap_end_bytes = e.heap_bytes;
            r->cur.cons_mark = e.cons_mark;
            r->cur.scan_bytes = e.scan_bytes;
        }
        span(r, r->mark_wall_ns, wall - r->mark_wall_ns, "mark", index);
        break;
    case GCB_EV_ASSIST_BEGIN:
    case GCB_EV_ASSIST_END:
        t = self(r);
        if (t == NULL) {
            fail(r, "event pairing: more than %s threads emitted assists", "1024");
            break;
        }
        t->index = index;
        if (e.kind == GCB_EV_ASSIST_BEGIN) {
            if (t->in_assist) {
                fail(r, "event pairing: ASSIST_BEGIN inside an assist on the same thread%s", "");
                break;
            }
            t->in_assist = 1;
            t->assist_wall_ns = wall;
            t->assist_cpu_ns = cpu;
            break;
        }
        if (!t->in_assist) {
            fail(r, "event pairing: ASSIST_END without ASSIST_BEGIN on this thread%s", "");
            break;
        }
        t->in_assist = 0;
        r->assist_cpu_ns += cpu - t->assist_cpu_ns;
        if (is_mutator(r, index))
            r->mutator_assist_cpu_ns += cpu - t->assist_cpu_ns;
        if (r->in_cycle)
            r->cur.assist_cpu_ns += cpu - t->assist_cpu_ns;
        else if (r->ncycles > 0)
            r->cycles[r->ncycles - 1].assist_cpu_ns += cpu - t->assist_cpu_ns;
        span(r, t->assist_wall_ns, wall - t->assist_wall_ns, "assist", index);
        break;
    case GCB_EV_SWEEP_BEGIN:
        if (r->in_sweep) {
            fail(r, "event pairing: SWEEP_BEGIN while sweeping%s", "");
            break;
        }
        r->in_sweep = 1;
        r->sweep_wall_ns = wall;
        r->sweep_index = index;
        break;
    case GCB_EV_SWEEP_END:
        if (!r->in_sweep) {
            fail(r, "event pairing: SWEEP_END without SWEEP_BEGIN%s", "");
            break;
        }
        r->in_sweep = 0;
        span(r, r->sweep_wall_ns, wall - r->sweep_wall_ns, "sweep", r->sweep_index);
        break;
    default:
        fail(r, "event: unknown kind %s", "(not in gcb/events.h)");
        break;
    }
    pthread_mutex_unlock(&r->lock);
}

void recorder_add_gc_thread(recorder *r, uint64_t cpu_ns, int sweeper)
{
    pthread_mutex_lock(&r->lock);
    r->gc_thread_cpu_ns += cpu_ns;
    if (sweeper)
        r->sweep_thread_cpu_ns += cpu_ns;
    pthread_mutex_unlock(&r->lock);
}

int recorder_finish(recorder *r)
{
    pthread_mutex_lock(&r->lock);
    if (r->in_pause)
        fail(r, "event pairing: pause '%s' still open when the heap was freed (PAUSE_END missing)",
             r->pause_phase);
    for (size_t i = 0; i < r->nthreads; i++)
        if (r->threads[i].in_assist)
            fail(r, "event pairing: an assist still open when the heap was freed%s", "");
    double o = (double)r->origin_ns / 1e9;
    size_t i;
    json_t *e;
    json_array_foreach(r->timeline, i, e)
        json_array_set_new(e, 0, json_real(json_real_value(json_array_get(e, 0)) - o));
    int rc = r->error[0] ? -1 : 0;
    pthread_mutex_unlock(&r->lock);
    return rc;
}
