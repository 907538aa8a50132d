/* gcb/events.h - what a collector tells the host while it works.
 *
 * Collectors never time themselves.  They call host->event() at the edges
 * of what they do, on the thread that does it; the host stamps each event
 * with the monotonic clock and that thread's CPU clock and derives every
 * duration (pauses, mark phase, assists) from the stamps.  The event sink
 * is thread-safe and may be called from any thread, but it is a slow path:
 * never emit from an allocation or barrier fast path.
 *
 * Pairing rules (the host checks them and fails the run if broken):
 * - PAUSE_BEGIN/PAUSE_END bracket one stop-the-world pause, emitted by the
 *   thread that stops and restarts the world; pauses do not nest.
 * - CYCLE_BEGIN/CYCLE_END bracket one GC cycle; CYCLE_END carries the
 *   cycle's trigger, marked and goal figures.  Cycles do not overlap.
 * - MARK_BEGIN/MARK_END bracket the (concurrent) mark phase of a cycle.
 * - ASSIST_BEGIN/ASSIST_END bracket mark assist work done by a mutator
 *   thread, on that thread; they do not nest.
 * - SWEEP_BEGIN/SWEEP_END bracket background sweeping (optional).
 */
#ifndef GCB_EVENTS_H
#define GCB_EVENTS_H

#include <stdint.h>

typedef enum gcb_event_kind {
    GCB_EV_PAUSE_BEGIN = 1, /* phase: "sweep-termination", "mark-termination", "stw-mark", ... */
    GCB_EV_PAUSE_END = 2,
    GCB_EV_CYCLE_BEGIN = 3, /* trigger_bytes: heap size that started the cycle */
    GCB_EV_CYCLE_END = 4,   /* trigger_bytes, marked_bytes, goal_bytes, heap_bytes */
    GCB_EV_MARK_BEGIN = 5,
    GCB_EV_MARK_END = 6,    /* heap_bytes: heap at the end of mark; cons_mark, scan_bytes */
    GCB_EV_ASSIST_BEGIN = 7,
    GCB_EV_ASSIST_END = 8,
    GCB_EV_SWEEP_BEGIN = 9,
    GCB_EV_SWEEP_END = 10
} gcb_event_kind;

typedef struct gcb_event {
    uint32_t size;          /* sizeof(gcb_event) as the plugin was built; fields
                               beyond it read as zero */
    uint32_t kind;          /* gcb_event_kind */
    const char *phase;      /* static string naming the phase or pause; may be NULL */
    uint64_t cycle;         /* 1-based GC cycle number this event belongs to; 0 if none */
    uint64_t trigger_bytes; /* bytes; heap size when the cycle was triggered */
    uint64_t marked_bytes;  /* bytes; marked (live) at the end of mark */
    uint64_t goal_bytes;    /* bytes; the pacer's heap goal for this cycle */
    uint64_t heap_bytes;    /* bytes; heap in use at the time of the event */
    double cons_mark;       /* MARK_END: the pacer's cons/mark estimate that set this
                               cycle's runway (Go's consMark: heap bytes allocated per
                               byte of scan work while marking); 0 without a pacer */
    uint64_t scan_bytes;    /* MARK_END: this cycle's scan work, heap + stacks +
                               globals, bytes (Go's heapScanWork + stackScanWork +
                               globalsScanWork); 0 if not counted */
} gcb_event;

#endif
