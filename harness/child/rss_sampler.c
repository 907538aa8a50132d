/* rss_sampler.c - RSS sampler thread (see rss_sampler.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "child/event_sink.h"
#include "common/clock.h"
#include "child/rss_sampler.h"

static uint64_t statm_rss(int fd)
{
    /* statm: "size resident shared ..." in pages. */
    char buf[128];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    unsigned long size = 0, res = 0;
    if (sscanf(buf, "%lu %lu", &size, &res) != 2)
        return 0;
    return (uint64_t)res * (uint64_t)sysconf(_SC_PAGESIZE);
}

uint64_t sampler_rss(void)
{
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    uint64_t r = statm_rss(fd);
    close(fd);
    return r;
}

uint64_t sampler_hwm(void)
{
    char line[256];
    uint64_t kb = 0;
    FILE *f = fopen("/proc/self/status", "re");
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) {
            unsigned long long v;
            if (sscanf(line + 6, "%llu", &v) == 1)
                kb = v;
            break;
        }
    fclose(f);
    return kb * 1024;
}

static void take(sampler *s)
{
    uint64_t now = clock_now_ns();
    uint64_t rss = s->statm >= 0 ? statm_rss(s->statm) : 0;
    gcb_heap_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    s->gc->stats(s->heap, &st);
    if (rss > s->max_rss)
        s->max_rss = rss;
    if (s->n == s->cap) {
        /* Decimate: keep samples 0, 2, 4, ... and sample half as often. */
        size_t j = 0;
        for (size_t i = 0; i < s->n; i += 2)
            s->v[j++] = s->v[i];
        s->n = j;
        s->interval_ns *= 2;
    }
    s->v[s->n++] = (sampler_sample){
        .t_ns = now, .rss = rss, .heap = st.heap_bytes, .unused = st.unused_bytes};
}

/* The first sample is taken by sampler_start, the last by sampler_stop;
 * the thread takes the ones in between. */
static void *run(void *arg)
{
    sampler *s = arg;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    pthread_mutex_lock(&s->lock);
    for (;;) {
        uint64_t ns = (uint64_t)next.tv_nsec + s->interval_ns;
        next.tv_sec += (time_t)(ns / 1000000000u);
        next.tv_nsec = (long)(ns % 1000000000u);
        while (!s->stop && pthread_cond_timedwait(&s->cond, &s->lock, &next) != ETIMEDOUT)
            ;
        if (s->stop)
            break;
        pthread_mutex_unlock(&s->lock);
        take(s);
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int sampler_start(sampler *s, const gcb_collector *gc, gcb_heap *heap, double hz,
                  double expected_s)
{
    memset(s, 0, sizeof *s);
    s->gc = gc;
    s->heap = heap;
    /* Opened once: a sample is one pread, no FILE and no malloc. */
    s->statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    s->interval_ns = (uint64_t)(1e9 / hz);
    if (s->interval_ns == 0)
        s->interval_ns = 1;
    double want = expected_s * hz + 16;
    s->cap = want > SAMPLER_MAX ? SAMPLER_MAX : (size_t)want;
    if (s->cap < 16)
        s->cap = 16;
    s->v = calloc(s->cap, sizeof *s->v);
    if (s->v == NULL)
        return ENOMEM;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&s->lock, NULL);
    take(s);
    int rc = pthread_create(&s->th, NULL, run, s);
    if (rc != 0)
        return rc;
    pthread_setname_np(s->th, "gcb-sampler");
    s->running = 1;
    return 0;
}

void sampler_stop(sampler *s)
{
    if (!s->running)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->th, NULL);
    s->running = 0;
    take(s);
}

void sampler_free(sampler *s)
{
    free(s->v);
    if (s->statm >= 0 && s->cap)
        close(s->statm);
    if (s->cap) {
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->lock);
    }
    memset(s, 0, sizeof *s);
}
