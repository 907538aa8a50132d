/* child.h - the state of `gcbench __child` that child.c and metrics.c
 * share: the run and its mutator threads.  Internal to harness/child/. */
#ifndef GCB_HARNESS_CHILD_H
#define GCB_HARNESS_CHILD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "child/event_sink.h"
#include "child/histogram.h"
#include "child/opclock.h"
#include "gcb/collector.h"
#include "pin.h"
#include "runspec.h"

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
    uint64_t timed;         /* ops timed (opsample.h) */
    uint64_t timer_ticks;   /* opclock ticks the timed ops cost the mutator */
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

#endif
