/* rss_sampler.h - the RSS sampler thread.
 *
 * Samples [t_s, rss_bytes, heap_bytes] at `hz` into a buffer allocated up
 * front, so the thread never mallocs while the workload is measured.  When
 * the buffer fills, every other sample is dropped and the interval doubled
 * (the series stays evenly spaced and covers the whole run).  The thread is
 * left unbound (no pinning); a sample is one pread of /proc/self/statm
 * and one collector->stats() call.
 */
#ifndef GCB_HARNESS_RSS_SAMPLER_H
#define GCB_HARNESS_RSS_SAMPLER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "gcb/collector.h"

#define SAMPLER_MAX 100000  /* samples kept at most */

typedef struct sampler_sample {
    uint64_t t_ns;          /* CLOCK_MONOTONIC */
    uint64_t rss;           /* bytes */
    uint64_t heap;          /* bytes; collector->stats().heap_bytes */
    uint64_t unused;        /* bytes; collector->stats().unused_bytes (0: not kept) */
} sampler_sample;

typedef struct sampler {
    const gcb_collector *gc;
    gcb_heap *heap;
    uint64_t interval_ns;   /* doubles at every decimation */
    int statm;              /* fd of /proc/self/statm, or -1 */
    sampler_sample *v; size_t n, cap;
    uint64_t max_rss;       /* bytes; largest sample */
    pthread_t th;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stop, running;
} sampler;

/* Start sampling.  expected_s sizes the buffer (run length estimate). */
int sampler_start(sampler *s, const gcb_collector *gc, gcb_heap *heap, double hz,
                  double expected_s);
/* Stop, join, take a last sample. */
void sampler_stop(sampler *s);
void sampler_free(sampler *s);

/* Bytes: VmHWM of this process (0 if unreadable) and current RSS. */
uint64_t sampler_hwm(void);
uint64_t sampler_rss(void);

#endif
