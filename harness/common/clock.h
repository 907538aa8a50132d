/* clock.h - the harness's two clocks, in nanoseconds.
 *
 * clock_now_ns: CLOCK_MONOTONIC, for every wall time the harness stores
 * (run origin, pauses, cycles, samples, the parent's timeouts).
 * clock_thread_cpu_ns: CLOCK_THREAD_CPUTIME_ID of the calling thread, for
 * GC CPU accounting.  Any thread may call either.  The per-operation clock
 * of the latency histogram is another matter: child/opclock.h.
 */
#ifndef GCB_HARNESS_CLOCK_H
#define GCB_HARNESS_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t clock_thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
