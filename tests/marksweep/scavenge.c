/* scavenge.c - RSS follows the heap down: 64 MiB of large pointer-free
 * buffers are touched, dropped and collected; the scavenger (background,
 * option scavenge = goal) must return their pages, so the resident set
 * from /proc/self/statm drops by at least half of them.  The wait for the
 * background sweeper is bounded (up to 10 s of polling), never timed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gcb/collector.h"
#include "gcb/mutator.h"

#define TESTHOST_NO_CHECK /* no CHECK: this test reports failures its own way */
#include "../common/testhost.h"

#define NBUF 256
#define BUF ((size_t)256 << 10)

static size_t rss(void)
{
    long pages = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &pages, &res) != 2)
        exit(2);
    fclose(f);
    return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

int main(int argc, char **argv)
{
    void *dl = dlopen(MARKSWEEP_SO, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    const gcb_collector *gc = ((gcb_collector_entry_fn)dlsym(dl, GCB_ENTRY_SYMBOL))();
    gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = testhost_event,
                     .spawn = testhost_spawn, .log = testhost_log,
                     .now_ns = testhost_now_ns, .procs = 2, .mutators = 1};
    gcb_value v[16] = {0};
    for (uint32_t k = 0; k < gc->noptions; k++) {
        const char *n = gc->options[k].name;
        if (!strcmp(n, "gogc"))
            v[k].i = 100;
        else if (!strcmp(n, "memlimit"))
            v[k].i = -1, v[k].special = 1;
        else if (!strcmp(n, "reserve"))
            v[k].i = (int64_t)1 << 30;
        else
            v[k].i = 0; /* mode concurrent, gctrace/verify off, scavenge goal */
    }
    gcb_heap *heap;
    char err[256];
    if (gc->heap_new(&host, v, &heap, err, sizeof err) != 0) {
        fprintf(stderr, "heap_new: %s\n", err);
        return 1;
    }
    gcb_mutator *m;
    gc->mutator_attach(heap, &m);
    void *slots[NBUF] = {0};
    gcb_frame f;
    gcb_frame_push(m, &f, slots, NBUF);
    for (int i = 0; i < NBUF; i++) {
        slots[i] = gcb_alloc(m, NULL, BUF);
        if (!slots[i]) {
            fprintf(stderr, "allocation failed\n");
            return 1;
        }
        memset(slots[i], 0x5a, BUF);
    }
    size_t full = rss();
    for (int i = 0; i < NBUF; i++)
        slots[i] = NULL;
    gcb_collect(m);
    gcb_collect(m);
    size_t after = full;
    for (int tries = 0; tries < 1000; tries++) {
        after = rss();
        if (after + NBUF * BUF / 2 < full)
            break;
        struct timespec ts = {0, 10000000};
        gcb_blocking_enter(m);
        nanosleep(&ts, NULL);
        gcb_blocking_exit(m);
    }
    gcb_heap_stats st = {.size = sizeof st};
    gc->stats(heap, &st);
    gcb_frame_pop(m, &f);
    gc->mutator_detach(m);
    gc->heap_free(heap);
    printf("rss with %zu MiB live: %zu MiB; after drop + collect + scavenge: %zu MiB; heap %llu B\n",
           NBUF * BUF >> 20, full >> 20, after >> 20, (unsigned long long)st.heap_bytes);
    if (after + NBUF * BUF / 2 >= full) {
        fprintf(stderr, "FAIL: RSS did not drop by half the dropped buffers\n");
        return 1;
    }
    return 0;
}
