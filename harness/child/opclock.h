/* opclock.h - the clock that times each operation for the latency
 * histogram.
 *
 * Reading CLOCK_MONOTONIC costs ~30 ns on a VM, which is several per cent
 * of a sub-microsecond operation.  Where the CPU's time-stamp counter runs
 * at a constant rate through sleep states (constant_tsc and nonstop_tsc,
 * x86-64) and the kernel itself trusts it (clocksource tsc), operations
 * are timed in TSC ticks (~10 ns to read) and converted to nanoseconds
 * with the tick rate measured against CLOCK_MONOTONIC over the whole run;
 * elsewhere the ticks are CLOCK_MONOTONIC nanoseconds.  Wall time, pauses
 * and everything else in the record still use CLOCK_MONOTONIC.
 *
 * GCBENCH_OPCLOCK=monotonic forces the fallback (for comparisons).
 */
#ifndef GCB_HARNESS_OPCLOCK_H
#define GCB_HARNESS_OPCLOCK_H

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

typedef struct opclock {
    int tsc;              /* 1: ticks are TSC ticks; 0: CLOCK_MONOTONIC ns */
    uint64_t tick0, ns0;  /* a simultaneous reading at opclock_start */
    double ns_per_tick;   /* ns per tick; provisional until opclock_stop */
} opclock;

static inline uint64_t opclock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Current time in ticks.  Not ordered against surrounding loads and
 * stores (plain rdtsc): fine for operations of tens of ns and more. */
static inline uint64_t opclock_ticks(const opclock *c)
{
#if defined(__x86_64__)
    if (c->tsc)
        return __rdtsc();
#endif
    (void)c;
    return opclock_mono_ns();
}

/* The same, once everything before it has completed (lfence; rdtsc): for
 * measuring the harness's own bookkeeping, which a plain read would
 * overtake. */
static inline uint64_t opclock_ticks_after(const opclock *c)
{
#if defined(__x86_64__)
    if (c->tsc) {
        _mm_lfence();
        return __rdtsc();
    }
#endif
    (void)c;
    return opclock_mono_ns();
}

/* Choose the clock and take the first reading; calibrates the tick rate
 * provisionally (a few ms) so durations can be turned into ticks. */
void opclock_start(opclock *c);

/* Take the last reading and fix ns_per_tick over the whole interval. */
void opclock_stop(opclock *c);

/* Ticks to nanoseconds and back. */
static inline uint64_t opclock_ns(const opclock *c, uint64_t ticks)
{
    return c->tsc ? (uint64_t)((double)ticks * c->ns_per_tick + 0.5) : ticks;
}

static inline uint64_t opclock_ticks_of(const opclock *c, uint64_t ns)
{
    return c->tsc ? (uint64_t)((double)ns / c->ns_per_tick) : ns;
}

/* "tsc" or "monotonic", for the record. */
static inline const char *opclock_name(const opclock *c) { return c->tsc ? "tsc" : "monotonic"; }

#endif
