/* event.c - what the core tells its host: phase events (the host's event
 * listener measures them; the collector never measures itself) and
 * failures (gc_fail logs, and from then on allocation returns NULL, which
 * fails the run).  Any thread may call these; they call nothing else in
 * the core, so every other file may depend on them.
 */
#include <stdarg.h>
#include <stdio.h>

#include "gc.h"

void gc_event_cycle(gc_heap *h, uint32_t kind, const char *phase, uint64_t cycle)
{
    gcb_event ev = {
        .size = sizeof ev,
        .kind = kind,
        .phase = phase,
        .cycle = cycle,
        .trigger_bytes = atomic_load_explicit(&h->cycle_trigger, memory_order_relaxed),
        .marked_bytes = atomic_load_explicit(&h->heap_marked, memory_order_relaxed),
        /* the goal this cycle ran against: once mark is done heap_goal is the next one's */
        .goal_bytes = kind == GCB_EV_CYCLE_END ? h->last_goal
                                               : atomic_load_explicit(&h->heap_goal, memory_order_relaxed),
        .heap_bytes = atomic_load_explicit(&h->heap_live, memory_order_relaxed),
    };
    if (kind == GCB_EV_MARK_END) { /* the cycle owner, world stopped: the pacer is stable */
        ev.cons_mark = h->cons_mark;
        ev.scan_bytes = atomic_load_explicit(&h->scan_work, memory_order_relaxed) + h->stack_scan +
                        h->globals_scan;
    }
    h->host->event(h->host->ctx, &ev);
}

void gc_event(gc_heap *h, uint32_t kind, const char *phase)
{
    gc_event_cycle(h, kind, phase, atomic_load(&h->cycles) + 1);
}

void gc_fail(gc_heap *h, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    atomic_store(&h->failed, 1);
    h->host->log(h->host->ctx, "%s: %s", h->cfg.name, msg);
}
