/* gc.h - the shared machinery of the Go-like collectors (gcb_gccore).
 *
 * Layers (Go's names in C style):
 * - allocators/: page_heap (mheap), span_central (mcentral), span.
 * - event.c: events and failures reported to the host (calls nothing).
 * - space.h/space.c: the contract for spaces the core does not own
 *   (variants: arena, freetracked, ballast); the core calls spaces only
 *   through it and never names a variant.
 * - pacer.c: heap goal, trigger, assist ratio, memory limit and GC CPU
 *   limiter.
 * - gcwork.c: the grey work buffers (Go's gcWork): each mutator's and each
 *   mark worker's two private buffers, and the shared work list they
 *   spill to and take from.
 * - mark.c: object scanning, roots, write barrier, assists, the verify
 *   walk.
 * - sweep.c: lazy sweeping, sweeping to completion; the scavenger.
 * - mcache.c: each mutator's span cache; its free slots are threaded onto
 *   the gcb_mutator free lists that gcb_alloc() pops inline.
 * - world.c: safepoint handshake (stop/start the world, the ragged barrier
 *   that has every mutator flush its grey buffers).
 * - cycle.c: the cycle (sweep termination, mark, mark termination) and
 *   the background mark workers.
 * - mallocgc.c: the allocation slow path (trigger check, assists).
 * - bgsweep.c: the background sweeper (and forced cycles).
 * - heap.c: heap and mutator life cycle, stats.
 * - plugin.c/plugin.h: the ABI methods every Go-like plugin shares.
 * Each file calls only files listed before it, so the core's call graph
 * has no cycles (variants call into the core, and the core calls them
 * back only through space.h's function pointers).
 *
 * Invariants:
 * - Tri-colour: during GCPH_MARK a black object (marked and scanned) never
 *   points to a white one unless that white object is grey-protected by
 *   the deletion barrier (snapshot at the beginning); objects allocated
 *   during mark are marked at once (allocate black).
 * - Object layout (Go 1.22+, m->heap_bits = 1): an object with pointers
 *   of at most SPAN_HEAPBITS_MAX (512) bytes has no header; its span keeps
 *   one pointer bit per word at its tail (span.h), and the bits of a slot
 *   are written for its whole elemsize (stale bits of a reused slot
 *   overwritten) when it is handed out, before the workload can publish
 *   the pointer.  Larger objects with pointers in small spans start with a
 *   one-word malloc header holding their gcb_type * (the workload's
 *   pointer is slot + 8); a large object (> SC_MAX_SMALL - 8 bytes with
 *   the header) has none, its type is the span's largetype.  Pointer-free
 *   objects have neither.  gc_header_bytes() decides.
 * - One writer per span's heap bits: the mutator caching the span (inline
 *   path or mcache_small), with relaxed atomic load/store of whole words;
 *   markers and the verify walk read them with relaxed loads.  Hence a
 *   slot of a span with heap bits is never on the free list of a mutator
 *   that does not cache its span (freetracked keeps such foreign slots
 *   off: only its own span's or pointer-free or header slots are reused).
 *   Markers read only the bits of objects allocated before mark start
 *   (published to them by the stop) or published by the barrier's release
 *   store; objects allocated during mark are black and never scanned.
 * - Free slots are zero past word 0 (or poisoned with verify), so a slot
 *   is zero when handed out except the bytes the inline path clears; an
 *   object's scanned range (its heap bits, or elemsize - 8 after the
 *   header) is therefore zero past its end.
 * - heap_live (Go's heapLive): bytes of slots handed out, whole free lists
 *   counted when a span enters a cache and uncounted when it leaves; set to
 *   heap_marked at mark termination; sweeping does not lower it.
 * - heap_alloc (Go's totalAlloc - totalFree, /memory/classes/heap/objects):
 *   bytes of slots allocated in the page heap's in-use spans, counted like
 *   heap_live when a span enters or leaves a cache or a large span is
 *   allocated, and lowered by the slots each sweep frees.  The in-use
 *   pages' other bytes are Go's heap/unused, which the memory-limit goal
 *   counts as non-heap memory (pacer.c).
 * - heap_alloc_flushed (Go's totalAlloc - totalFree as memoryLimitHeapGoal
 *   reads it): like heap_alloc, except that a cached span adds only the
 *   slots used while it was cached, when it leaves the cache (Go's
 *   mcache refill and releaseAll add slotsUsed then): its free slots, and
 *   what the mutator has taken from them so far, are not yet counted, so
 *   Go's non-heap memory holds them.  So heap_alloc less it is what the
 *   cached spans took since they were cached: zero with no span cached
 *   (verify checks it at mark termination, mark.c heap_alloc_is_valid).
 */
#ifndef GCB_GC_H
#define GCB_GC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "gcb/collector.h"
#include "central.h"
#include "pageheap.h"
#include "space.h"

enum { GCPH_OFF = 0, GCPH_SWEEPTERM = 1, GCPH_MARK = 2, GCPH_MARKTERM = 3 };
enum { MODE_CONCURRENT = 0, MODE_STW = 1 };
enum { SCAV_GOAL = 0, SCAV_EAGER = 1, SCAV_OFF = 2 };
enum { MST_RUNNING = 0, MST_PARKED = 1, MST_BLOCKED = 2 };

#define GC_MIN_HEAP ((uint64_t)4 << 20)         /* bytes: Go's heapMinimum */
#define GC_OBLET_BYTES ((size_t)128 << 10)      /* bytes: Go's maxObletBytes, the piece of a
                                                   large object one scan takes */

typedef struct gc_config {
    int mode;              /* MODE_* */
    int64_t gogc;          /* percent; -1 = off */
    int64_t memlimit;      /* bytes; -1 = off */
    int gctrace;           /* print Go's gctrace line per cycle */
    int verify;            /* mark/poison verification */
    int scavenge;          /* SCAV_* */
    size_t reserve;        /* bytes of address space for the heap */
    uint64_t force_ns;     /* ns without a cycle before one is forced; 0 = never */
    size_t globals;        /* bytes of the modelled program's runtime globals (a
                              multiple of 8): scanned each cycle, counted by the pacer */
    size_t nonheap;        /* bytes of the modelled Go runtime's memory outside the
                              heap (stacks, metadata, profiling buckets, other):
                              counted by the memory-limit goal and scavenger */
    size_t runtime_heap;   /* bytes of the modelled Go runtime's own scannable heap
                              objects, built at heap creation (rtheap.c) */
    size_t runtime_unused; /* bytes of in-use heap spans the modelled Go runtime's own
                              objects leave free (Go's heap/unused with no workload):
                              not modelled as pages; mapped and not heap to the
                              memory-limit goal and scavenger, as nonheap */
    const char *name;      /* collector name for messages */
} gc_config;

typedef struct gc_mutator gc_mutator;
typedef struct gc_heap gc_heap;

/* Go's workbuf: _WorkbufSize 2048 bytes less its header, in pointers. */
#define GC_WORKBUF_OBJS 253

typedef struct gc_workbuf {
    uint32_t nobj;                     /* grey objects in obj[0 .. nobj) */
    void *obj[GC_WORKBUF_OBJS];        /* slot addresses of grey objects */
} gc_workbuf;

/* Go's gcWork: a marking thread's private grey objects, two buffers
 * (wbuf1 = buf[cur], wbuf2 = buf[cur ^ 1]), touched without locks by its
 * owner only: a mutator (its barrier shading and its assists' scanning)
 * or a background mark worker; anyone else only while the owner is
 * stopped (mark termination).  Objects here are grey but invisible to
 * other threads: only a full buffer spilled by put (both full), balance,
 * or dispose puts them on the shared list.  A worker's gc_work that holds
 * objects is counted in mark_work.busy (`counted`), so mark_done never
 * passes it by; a mutator's is counted only while its assist drains, and
 * its leftovers are found by the ragged barrier (world_flush) or by mark
 * termination, which disposes every mutator's with the world stopped. */
typedef struct gc_work {
    gc_workbuf buf[2];
    unsigned cur;                      /* buf[cur] is wbuf1: put and get use it first */
    int worker;                        /* a background worker's: stays counted while it
                                          holds objects between drains */
    int counted;                       /* counted in work.busy (work.lock) */
} gc_work;

static inline int gc_work_empty(const gc_work *w)
{
    return w->buf[0].nobj == 0 && w->buf[1].nobj == 0;
}

struct gc_mutator {
    gcb_mutator base;                  /* must be first */
    gc_heap *h;
    span *cache[GCB_NCLASSES][2];      /* [class][scan]: the span whose free slots
                                          are on base.freelist[class][scan] */
    gc_mutator *next;                  /* heap's mutator list (h->lock) */
    int state;                         /* MST_*; h->lock */
    int64_t assist_bytes;              /* Go's gcAssistBytes: allocation credit in bytes,
                                          negative = debt; this thread, or the credit
                                          flusher under assist_lock while parked */
    size_t refill_bytes;               /* bytes cached during mark, not yet charged */
    gc_mutator *assist_next;           /* assist queue link (h->assist_lock) */
    int assist_parked;                 /* on the assist queue (h->assist_lock) */
    int assist_dry;                    /* the last assist's drain ran out of work
                                          (mark_assist); this thread */
    int flush_pending;                 /* the ragged barrier (world_flush) waits for this
                                          mutator to dispose its gcw; h->lock */
    gc_work gcw;                       /* its grey objects (Go's p.gcw); this thread, or
                                          the stopper while it is parked or blocked */
    void *local[GC_SPACES_MAX];        /* per-space state, by gc_space.index (space.h) */
};

/* The shared work list (Go's work.full): a stack of grey objects (slot
 * addresses) every marking thread may take, under `lock`; gc_work buffers
 * spill to it (gcwork.c). */
typedef struct mark_work {
    pthread_mutex_t lock;
    pthread_cond_t cond;      /* work arrived, or mark is over */
    void **items;
    size_t n, cap;
    size_t peak;              /* the largest n so far (the grey set's high water on
                                 the shared list; tests read it) */
    _Atomic size_t avail;     /* n, stored under lock, for peeks without it (Go's
                                 work.full != 0 checks) */
    int busy;                 /* drainers, and workers' gc_works holding objects */
    int waiting;              /* workers sleeping on cond */
    int flushed;              /* Go's flushedWork, heap-wide: work was put on the
                                 list since the last ragged barrier took the flag */
    _Atomic int globals_job;  /* the runtime globals' root job (gc_heap.globals) is
                                 still to be scanned this cycle: set at mark start,
                                 world stopped; taken (exchange) by one drainer
                                 counted in busy */
    _Atomic int space_jobs;   /* a space may have root jobs left this cycle
                                 (gc_space_ops.mark_job): set at mark start, world
                                 stopped; cleared by a drainer counted in busy that
                                 found none left */
} mark_work;

struct gc_heap {
    gc_config cfg;
    const gcb_host *host;
    const gcb_collector *table;           /* the plugin's table (mutator_attach) */
    page_heap ph;
    span_central central[SC_NCLASSES][2]; /* [class][scan]; class 0 = large */
    _Atomic uint32_t sweepgen;            /* += 2 at each mark termination */
    _Atomic uint32_t phase;               /* GCPH_* */
    _Atomic uint32_t barrier;             /* the write barrier flag mutators read */
    _Atomic int failed;                   /* verification failed: alloc returns NULL */

    /* world */
    pthread_mutex_t lock;                 /* mutator list, states, stw, roots */
    pthread_cond_t cond;                  /* state changes, world restart, cycle end */
    gc_mutator *mutators;
    int nmutators;
    int stw;                              /* the world is (being) stopped */
    int flush_waiting;                    /* mutators the ragged barrier (world_flush)
                                             still waits for */
    uint64_t flush_rounds;                /* ragged barriers run (all cycles) */
    uint64_t flush_found;                 /* of them, rounds after which marking went
                                             on (Go's gcMarkDoneFlushed != 0) */
    void ***roots;                        /* global root slots */
    size_t nroots, caproots;

    /* marking */
    mark_work work;
    void **globals;                       /* cfg.globals / 8 words standing for the
                                             modelled program's runtime globals (Go's
                                             data and bss), scanned as a root job each
                                             cycle (mark_drain) and by mark_verify: NULL
                                             words, but for the heads of the runtime
                                             heap's chains (rtheap.c); NULL if 0 */
    _Atomic uint64_t heap_marked;         /* bytes marked this cycle */
    _Atomic uint64_t scan_work;           /* Go's heapScanWork: bytes scanned this cycle, as
                                             Go counts them (mark.c scan: to an object's
                                             last pointer word) */
    _Atomic uint64_t heap_scan;           /* Go's heapScan: the scannable heap, the worst
                                             case of a mark's scan work (pacer_revise):
                                             the last cycle's scan_work, set at mark
                                             termination, plus the scan size of what was
                                             allocated since (gcb_mutator.scan_alloc, taken
                                             at each slow path; large objects at their
                                             allocation), fixed during mark */
    _Atomic double assist_work_per_byte;  /* Go's assistWorkPerByte: scan bytes owed per
                                             byte allocated; pacer_revise, any thread */
    _Atomic double assist_bytes_per_work; /* its inverse (Go's assistBytesPerWork) */
    _Atomic int64_t bg_scan_credit;       /* Go's bgScanCredit: scan bytes the workers did
                                             that assists may steal; 0 at mark start */
    pthread_mutex_t assist_lock;          /* the assist queue (Go's work.assistQueue) */
    pthread_cond_t assist_cond;           /* a parked assist was credited, or mark ended */
    gc_mutator *assist_queue;             /* parked assists, oldest first */
    _Atomic int nassist_parked;           /* length of assist_queue; read without the lock */

    /* pacer; written by the cycle owner, read anywhere */
    _Atomic uint64_t heap_live;           /* see the invariant above */
    _Atomic uint64_t heap_goal;
    _Atomic uint64_t trigger;
    _Atomic uint64_t heap_alloc;          /* see the invariant above */
    _Atomic uint64_t heap_alloc_flushed;  /* see the invariant above */
    uint64_t last_goal;                   /* Go's lastHeapGoal: the goal the last mark ran
                                             against (what CYCLE_END and gctrace report);
                                             cycle owner, world stopped */
    uint64_t gcpercent_goal;              /* Go's gcPercentHeapGoal, UINT64_MAX = GOGC off;
                                             cycle owner, world stopped */
    int cycles_committed;                 /* a mark has ended (Go's sweepDistMinTrigger is set) */
    uint64_t last_marked;                 /* heap_marked of the last cycle */
    uint64_t mark_start_live;             /* heap_live at mark start */
    _Atomic uint64_t cycle_trigger;       /* heap_live that started this cycle */
    uint64_t triggered;                   /* Go's triggered: heap_live at mark start after the
                                             span caches were emptied; cycle owner, world
                                             stopped */
    uint64_t last_runway;                 /* bytes allocated during the last mark */
    uint64_t last_heap_scan;              /* Go's lastHeapScan: scan_work of the last cycle */
    uint64_t stack_scan;                  /* Go's lastStackScan: bytes of frame slots at the
                                             last mark start; cycle owner, world stopped */
    uint64_t globals_scan;                /* Go's globalsScan: bytes of global roots */
    double cons_mark;                     /* Go's consMark: allocation per scan work (the
                                             max of the last 4 cycles'); cycle owner */
    double last_cons_mark[4];             /* the last 4 cycles' own estimates */
    int goal_limited;                     /* heap_goal is the memory limit's (Go's
                                             heapGoalInternal took memoryLimitHeapGoal) as
                                             set at mark start; revise recomputes it under
                                             a limit (goal_in_mark) and without one it is 0;
                                             cycle owner, world stopped */
    uint64_t runway;                      /* Go's runway: bytes the next mark is expected to
                                             let the mutators allocate; cycle owner */
    uint64_t peak_live;
    _Atomic uint64_t cycles;              /* completed */
    _Atomic uint64_t last_gc_ns;          /* end of the last cycle; ns */
    uint64_t start_ns;                    /* heap_new */
    int64_t limiter_bucket_ns;            /* GC CPU leaky bucket fill */
    uint64_t limiter_last_ns;
    _Atomic uint64_t mark_begin_ns;       /* concurrent mark's start while it runs, for the
                                             limiter's background share; else 0 */
    _Atomic int limiter_lock;             /* 1 while one thread updates the bucket (Go's tryLock) */
    _Atomic int limiter_on;               /* bucket full: assists off */
    _Atomic uint64_t gc_cpu_ns;           /* pauses + workers + assists, for the limiter */
    _Atomic uint64_t idle_cpu_ns;         /* idle workers and parked assists' procs, for the
                                             limiter (neither GC nor mutator time, as Go's) */
    _Atomic uint64_t cycle_assist_ns;     /* this cycle's assist time, for gctrace */
    _Atomic uint64_t cycle_bg_ns;         /* this cycle's dedicated + fractional worker time */
    _Atomic uint64_t cycle_idle_ns;       /* this cycle's idle worker time (Go's idleMarkTime) */
    _Atomic uint64_t total_gc_ns;         /* since heap_new, for gctrace's percentage */
    uint64_t t_sweepterm, t_mark, t_markterm, t_end; /* gctrace clock stamps */

    /* threads */
    pthread_t workers[64];
    int nworkers;
    int dedicated;                        /* Go's dedicatedMarkWorkersNeeded */
    double fractional;                    /* Go's fractionalUtilizationGoal, per proc */
    _Atomic int nrunning;                 /* mutators running (not blocked): with the busy
                                             workers, the procs an idle worker may not take */
    _Atomic uint32_t working;             /* workers holding a proc for a drain: their
                                             number + WORKING_IDLE x the idle ones among
                                             them (one word, so a worker takes a proc and
                                             says it is idle in one compare-and-swap) */
    pthread_t sweeper;
    int have_sweeper;
    _Atomic int quit;                     /* heap_free: the sweeper stops */
    _Atomic int quit_workers;             /* heap_free, after the last cycle: workers stop */
    pthread_mutex_t bglock;               /* background threads' sleep */
    pthread_cond_t bgcond;                /* the sweeper's: sweep_wanted, quit */
    pthread_cond_t workcond;              /* the mark workers': cycle_request, quit_workers
                                             (apart, so neither wakes the other's threads:
                                             Go readies its sweeper at mark termination's
                                             end and its workers at mark start) */
    int sweep_wanted;
    _Atomic int sweep_inflight;           /* non-mutator sweepers between pop and push */
    _Atomic uint64_t cycle_request;       /* cycles asked of the workers */
    pthread_mutex_t markdone_lock;        /* one thread at a time ends a mark (Go's
                                             work.markDoneSema): gc_mark_complete */
    _Atomic int mark_open;                /* 1 from the world's restart after sweep
                                             termination to mark termination's stop:
                                             the mark may be completed */

    /* spaces (space.h); written only before any mutator attaches */
    gc_space *spaces[GC_SPACES_MAX];
    unsigned nspaces;
};

_Static_assert(GCB_HEAPBITS_MAX == SPAN_HEAPBITS_MAX, "the ABI and the spans agree");

/* Bytes of malloc header an object of `bytes` of type t (NULL:
 * pointer-free) gets: 8 with pointers, above SPAN_HEAPBITS_MAX, in a small
 * span (Go's mallocHeaderSize); else 0 (heap bits, largetype, noscan). */
static inline size_t gc_header_bytes(const gcb_type *t, size_t bytes)
{
    return t != NULL && bytes > SPAN_HEAPBITS_MAX && bytes <= SC_MAX_SMALL - 8 ? sizeof(void *) : 0;
}

/* event.c */
void gc_fail(gc_heap *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gc_event(gc_heap *h, uint32_t kind, const char *phase);
void gc_event_cycle(gc_heap *h, uint32_t kind, const char *phase, uint64_t cycle);

/* pacer.c */
void pacer_init(gc_heap *h);
void pacer_mark_start(gc_heap *h);
void pacer_revise(gc_heap *h);
/* Mark end, world stopped, before the span caches are flushed (cycle.c
 * mark_termination; stw_cycle, whose goal is heap_goal): the cycle's goal
 * as Go's endCycle records it (lastHeapGoal). */
void pacer_mark_end(gc_heap *h);
void pacer_mark_done(gc_heap *h);
int pacer_should_trigger(gc_heap *h);
void pacer_limiter_charge(gc_heap *h, uint64_t ns);
void pacer_limiter_idle(gc_heap *h, uint64_t ns);
void pacer_worker_time(gc_heap *h, uint64_t ns);
void pacer_limiter_proc_idle(gc_heap *h, uint64_t ns);
void pacer_workers(unsigned procs, int *dedicated, double *fractional);

#define WORKING_IDLE (1u << 16) /* h->working: one idle worker */

/* What a background mark worker sees when it picks its next chunk. */
typedef struct gc_worker_view {
    int idx;              /* the worker's index: the first `dedicated` are
                             dedicated, the next is fractional */
    int procs;            /* GOMAXPROCS */
    int nrunning;         /* mutators running (h->nrunning) */
    int nworking;         /* workers holding a proc for a chunk */
    int nidle;            /* of them, idle workers */
    uint64_t busy_ns;     /* this worker's chunks so far this cycle */
    uint64_t elapsed_ns;  /* since it saw the cycle's mark start */
    int work_visible;     /* grey objects it can see: its own buffer, the
                             shared list or a root job (gc_work_available) */
} gc_worker_view;

enum { GC_ROLE_WAIT = 0, GC_ROLE_BG = 1, GC_ROLE_IDLE = 2 };

/* The role a worker's next chunk may take (Go's findRunnableGCWorker,
 * then findRunnable's idle workers): BG for a dedicated worker, always (a
 * P of its own); BG for the fractional worker while its busy time is
 * under its share of the elapsed time (fractional x procs of one thread),
 * on a free proc, or, when no proc is free and no idle worker marks,
 * displacing a mutator (Go's scheduler gives it a P's turn); IDLE for any
 * worker while a proc is free (fewer running mutators and working workers
 * than procs) and it sees work (Go's gcShouldScheduleWorker: grey objects
 * in a mutator's buffer start none); else WAIT.  In Go a P runs one
 * worker at a time, and a P with no goroutine picks the fractional worker
 * before an idle one, so the two never share the one free proc that a
 * lone mutator leaves; here they are two threads, and while an idle
 * worker holds that proc the fractional waits for the idle worker's chunk
 * to end (cycle.c).  Pure; any thread. */
int pacer_worker_role(int dedicated, double fractional, const gc_worker_view *v);

/* Bytes of in-use and unreleased free pages the scavenger keeps (Go's
 * gcPaceScavenger: heap goal + 10 %, and under a memory limit mapped
 * memory, nonheap included, at most 95 % of it); UINT64_MAX = all. */
uint64_t pacer_scavenge_retain(gc_heap *h);

/* gcwork.c */
/* Put obj (a grey object's slot) in w (owner's thread); spills a full
 * buffer to the shared list when both are full (Go's putObj). */
static inline void gc_work_put(gc_heap *h, gc_work *w, void *obj);
void gc_work_put_slow(gc_heap *h, gc_work *w, void *obj);
/* A grey object from w, else a buffer's worth from the shared list (Go's
 * tryGetObj); NULL when both are empty. */
void *gc_work_try_get(gc_heap *h, gc_work *w);
/* Give some of w's objects to the shared list (Go's balance); called when
 * the shared list looks empty. */
void gc_work_balance(gc_heap *h, gc_work *w);
/* Everything in w to the shared list, w uncounted in work.busy (Go's
 * dispose); 1 if w held objects.  Owner's thread or world stopped. */
int gc_work_dispose(gc_heap *h, gc_work *w);
/* Put n grey objects on the shared list directly (roots, spaces). */
void gc_work_putfull(gc_heap *h, void **items, size_t n);
/* Go's gcShouldScheduleWorker: w holds objects, the shared list is not
 * empty, or a root job is left.  A peek (no lock). */
int gc_work_available(gc_heap *h, const gc_work *w);
/* Take work.flushed (Go's gcMarkDoneFlushed), clearing it. */
int gc_work_take_flushed(gc_heap *h);

static inline void gc_work_put(gc_heap *h, gc_work *w, void *obj)
{
    gc_workbuf *b = &w->buf[w->cur];
    if (__builtin_expect(b->nobj == GC_WORKBUF_OBJS, 0)) {
        gc_work_put_slow(h, w, obj);
        return;
    }
    b->obj[b->nobj++] = obj;
}

/* mark.c */
void mark_init(mark_work *w);
void mark_destroy(mark_work *w);
void mark_shade(gc_heap *h, void *p);
/* Mark start (world stopped): the runtime globals' root job is pending
 * (mark_drain takes it; mark_done waits for it). */
void mark_globals_job(gc_heap *h);
void mark_space_jobs(gc_heap *h, int any);
void mark_roots(gc_heap *h);
/* Drain grey objects through gcw (its own first, then the shared list,
 * as Go's gcDrain/gcDrainN); see mark.c. */
int64_t mark_drain(gc_heap *h, gc_work *gcw, int64_t budget, int stop_on_phase,
                   const _Atomic uint32_t *stop);
/* The shared list is empty, no drainer is busy, no worker holds objects
 * and no root job is left; mutators' gc_works may still hold grey
 * objects (world_flush finds them). */
int mark_done(gc_heap *h);
void mark_write_barrier(gcb_mutator *m, void *obj, void **slot, void *val);
/* Pay gm's assist debt (gm->assist_bytes < 0) during mark, on gm's thread:
 * 0 when paid (or limited, or mark is over), 1 when debt is left and the
 * work list ran dry (the caller parks: mark_assist_enqueue, then with the
 * mutator blocked mark_assist_wait), 2 when debt is left and the assist
 * should simply try again (preempted, or rounding).  gm->assist_dry says
 * whether its drain ran out of work. */
int mark_assist(gc_mutator *gm);
/* Queue gm as a parked assist; 0 when it need not wait after all (credit
 * arrived, or mark is over). */
int mark_assist_enqueue(gc_mutator *gm);
/* Wait until the background credit paid gm's debt or mark ended. */
void mark_assist_wait(gc_mutator *gm);
/* A worker's scan work: pays parked assists first, the rest becomes credit. */
void mark_flush_bg_credit(gc_heap *h, int64_t work);
/* Mark is ending: every parked assist is released (world stopped). */
void mark_wake_assists(gc_heap *h);
int mark_verify(gc_heap *h);
int gc_heap_is_valid(gc_heap *h, char *err, size_t errlen);

/* sweep.c */
span *sweep_get_span(gc_heap *h, unsigned cls, int scan);
void sweep_finish(gc_heap *h);
int sweep_one(gc_heap *h, unsigned *cursor);
void sweep_scavenge(gc_heap *h);

/* mcache.c */
void mcache_release_all(gc_mutator *gm);
void mcache_scan_alloc(gc_mutator *gm, uint64_t bytes);
void mcache_scan_free(gc_mutator *gm, uint64_t bytes);
void mcache_set_inline(gc_mutator *gm);
/* A slot of n bytes (header included) from gm's cache, refilled as needed,
 * for an object of `bytes` of type t (NULL: pointer-free); zeroed, its heap
 * bits written when its span has them (the header is the caller's); NULL
 * when the heap is exhausted or verify found a bad slot. */
void *mcache_small(gc_mutator *gm, size_t n, const gcb_type *t, size_t bytes);
/* A large object of n (> SC_MAX_SMALL - 8) bytes of type t (NULL:
 * pointer-free; kept in the span, no header) straight from the page heap:
 * fresh pages are not touched.  No assist, no trigger check. */
void *mcache_large(gc_heap *h, size_t n, const gcb_type *t);

/* world.c */
void world_stop(gc_heap *h, gc_mutator *self);
void world_start(gc_heap *h);
void world_safepoint(gc_mutator *gm);
void world_blocking_enter(gc_mutator *gm);
void world_blocking_exit(gc_mutator *gm);
void world_add_root(gc_heap *h, void **slot);
/* Go's forEachP in gcMarkDone: ask every running mutator but self (the
 * calling mutator, which has disposed its own; NULL from a worker) to
 * dispose its gc_work at its next safepoint and wait until all have
 * (blocked ones disposed on blocking); the thread completing the mark
 * (gc_mark_complete), world running. */
void world_flush(gc_heap *h, gc_mutator *self);
/* gm has disposed its gc_work (and runs no barrier until it next polls,
 * blocks or leaves): answer a pending ragged barrier.  h->lock held. */
void world_flush_answer(gc_mutator *gm);

/* pacer.c (continued) */
/* Bring the GC CPU limiter up to date if LIMITER_PERIOD_NS passed (any
 * mutator, during mark; cheap otherwise: one clock read). */
void pacer_limiter_poll(gc_heap *h);

/* cycle.c */
void gc_maybe_start(gc_heap *h, gc_mutator *self);
void gc_collect(gc_mutator *gm);
void gc_force(gc_heap *h);
int cycle_workers_start(gc_heap *h, char *err, size_t errlen);
/* Go's gcMarkDone, from a worker (self NULL) or an assisting mutator
 * (self) that found no work left (mark_done): ragged barriers until one
 * brings no grey object back, then mark termination, on the calling
 * thread.  1 when it terminated the mark, 0 when work turned up (marking
 * goes on), -1 when another thread is completing it or the mark is not
 * open (before the world restarts after sweep termination, or already
 * terminating). */
int gc_mark_complete(gc_heap *h, gc_mutator *self);

/* mallocgc.c: an object of `bytes` (t == NULL: pointer-free), zeroed, or
 * NULL; the workload's pointer (past the header when it has one). */
void *mallocgc(gc_mutator *gm, const gcb_type *t, size_t bytes);
/* Charge `bytes` allocated during mark to gm and pay the debt (may park
 * gm on the assist queue); nothing outside mark.  gm's thread, holding no
 * object the collector cannot see. */
void mallocgc_assist(gc_mutator *gm, size_t bytes);

/* rtheap.c: the modelled runtime's own heap objects (option runtime_heap),
 * allocated through a temporary mutator and hung from h->globals; heap
 * creation, before any mutator attaches.  0, or an errno value with a
 * message naming the option. */
int rtheap_build(gc_heap *h, const gcb_collector *table, char *err, size_t errlen);

/* bgsweep.c: the background sweeper's thread body (arg: the gc_heap). */
void *bgsweep_main(void *arg);

/* heap.c */
int gc_heap_init(gc_heap *h, const gcb_host *host, const gc_config *cfg, char *err, size_t errlen);
void gc_heap_destroy(gc_heap *h);
void gc_mutator_init(gc_heap *h, gc_mutator *gm, const gcb_collector *table);
void gc_mutator_fini(gc_mutator *gm);
void gc_stats(gc_heap *h, gcb_heap_stats *out);

#endif
