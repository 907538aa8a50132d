/* event_sink.h - the host's event sink: turns collector events into the pause
 * log, the cycle log, the timeline and the GC CPU accounting.
 *
 * Times are stored as absolute CLOCK_MONOTONIC nanoseconds and converted to
 * seconds since `origin_ns` (the run's start) when the record is built.
 * Every entry point is thread-safe (one mutex: events are a slow path).
 * Invariant: pauses[] is sorted by start and non-overlapping, because a
 * second PAUSE_BEGIN before PAUSE_END is a pairing error, not a pause.
 */
#ifndef GCB_HARNESS_EVENT_SINK_H
#define GCB_HARNESS_EVENT_SINK_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "common/clock.h"
#include "gcb/events.h"

#define RECORDER_TIMELINE_MAX 100000  /* timeline entries kept */
#define RECORDER_THREADS 1024         /* threads with open assists tracked */

typedef struct recorder_pause {
    uint64_t start_ns;      /* CLOCK_MONOTONIC */
    uint64_t dur_ns;
    const char *phase;      /* static string from the plugin, or "pause" */
} recorder_pause;

typedef struct recorder_cycle {
    uint64_t number;        /* the collector's cycle number (event.cycle) */
    uint64_t start_ns;
    uint64_t trigger_bytes, marked_bytes, goal_bytes;
    uint64_t heap_end_bytes; /* heap at MARK_END; 0 if not reported */
    double cons_mark;       /* MARK_END's cons/mark estimate; 0 if not reported */
    uint64_t scan_bytes;    /* MARK_END's scan work; 0 if not reported */
    uint64_t mark_ns;       /* wall time MARK_BEGIN..MARK_END */
    uint64_t assist_cpu_ns; /* thread CPU inside ASSIST intervals */
} recorder_cycle;

typedef struct recorder_thread {
    pthread_t id;
    int index;              /* mutator tid, or threads + k for GC thread k */
    int in_assist;
    uint64_t assist_wall_ns, assist_cpu_ns;
} recorder_thread;

typedef struct recorder {
    pthread_mutex_t lock;
    uint64_t origin_ns;     /* run start; set by recorder_set_origin */

    recorder_pause *pauses; size_t npauses, pcap;
    recorder_cycle *cycles; size_t ncycles, ccap;  /* completed cycles */

    /* Open intervals. */
    int in_pause; pthread_t pause_thread; int pause_index;
    uint64_t pause_wall_ns, pause_begin_cpu_ns; const char *pause_phase;
    int in_cycle; recorder_cycle cur;
    int in_mark; uint64_t mark_wall_ns;
    int in_sweep; uint64_t sweep_wall_ns; int sweep_index;
    recorder_thread threads[RECORDER_THREADS]; size_t nthreads;

    /* CPU accounting, nanoseconds of thread CPU. */
    uint64_t assist_cpu_ns;         /* all ASSIST intervals */
    uint64_t pause_cpu_ns;          /* all pauses, on whatever thread */
    uint64_t mutator_assist_cpu_ns; /* assists run by mutator threads */
    uint64_t mutator_pause_cpu_ns;  /* pauses run by mutator threads */
    uint64_t gc_thread_cpu_ns;      /* background GC threads, whole lifetime */
    uint64_t sweep_thread_cpu_ns;   /* of which background sweepers' */
    int mutators;                   /* thread indexes below this are mutators */

    json_t *timeline;               /* [start_s, dur_s, name, thread_index]... */
    size_t timeline_dropped;

    char error[512];                /* first pairing violation; "" if none */
} recorder;

int recorder_init(recorder *r, int mutators);
void recorder_destroy(recorder *r);
void recorder_set_origin(recorder *r, uint64_t origin_ns);

/* The calling thread's index for the timeline and the CPU split
 * (thread-local; a thread that never calls it is index -1, counted as GC). */
void recorder_thread_index(int index);

/* gcb_host.event: ctx is the recorder. */
void recorder_event(void *ctx, const gcb_event *ev);

/* A background GC thread ended after `cpu_ns` of thread CPU. */
void recorder_add_gc_thread(recorder *r, uint64_t cpu_ns, int sweeper);

/* After the run (once): converts the timeline to seconds since the origin;
 * an open pause or assist is a pairing error.  Returns 0, or -1 with the
 * message in r->error. */
int recorder_finish(recorder *r);

#endif
