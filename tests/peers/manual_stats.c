/* manual_stats.c - the manual baselines' byte accounting (collectors/core/
 * manual.h) stays exact across threads.
 *
 *   test_manual_stats PLUGIN.so      (malloc, mimalloc or jemalloc)
 *
 * u = the usable size of one OBJ-byte object, read as the heap_bytes step
 * of one allocation.  Then:
 * - one mutator: allocate N, free N/2, allocate N/4: heap_bytes is exactly
 *   (N - N/2 + N/4) u, freed_explicit_bytes N/2 u, peak_live_bytes exactly
 *   N u (one mutator: the peak is exact);
 * - THREADS mutators, each allocating N objects, then freeing the N objects
 *   of the NEXT thread (cross-thread frees), then detaching: at every
 *   barrier heap_bytes and freed_explicit_bytes are exact sums; the peak is
 *   at least the true peak (every thread's N objects live at once) and at
 *   most THREADS x N u (the documented upper bound: sum of per-mutator
 *   high-water marks);
 * - after every detach the figures stay (folded into the heap);
 * - usable sizes: for every request size from 1 B to 2 KiB, and from there
 *   to 1 MiB at each eighth of every power of two and one byte either side
 *   (so both sides of every mimalloc bin and jemalloc class boundary, four
 *   per power of two, and of the plugins' SMALL_MAX switch to a lookup),
 *   the bytes one allocation adds are exactly the allocator's own usable
 *   size of the object (malloc_usable_size, which may be up to 16 bytes
 *   more, mi_usable_size, sallocx), though the plugin computes them from
 *   the requested size without that lookup (manual.h manual_size_class
 *   for mimalloc and jemalloc, malloc.c usable_size), and gcb_dead with the
 *   same size takes exactly those bytes back;
 * - debug builds (GCB_MANUAL_CHECK_SIZES, as the plugins are built): a
 *   free passed another size than the allocation's aborts (in a child);
 * - manual.h's size-class rule: manual_size_class against its classes
 *   enumerated one by one up to 1 MiB, and manual_classes_differ finds a
 *   library whose classes differ at one boundary (what the mimalloc and
 *   jemalloc heap_new rely on to refuse a library built with other
 *   classes).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gcb/collector.h"
#include "gcb/mutator.h"
#include "../common/testhost.h"
#include "../../collectors/manual.h"

#define OBJ 48
#define N 20000
#define THREADS 4

static const gcb_collector *gc;
static gcb_heap *heap;
static void **objs[THREADS];       /* objs[i]: thread i's objects */
static pthread_barrier_t step;
static uint64_t u;

static gcb_heap_stats stats_now(void)
{
    gcb_heap_stats s = {.size = sizeof s};
    gc->stats(heap, &s);
    return s;
}

static void expect(const char *when, uint64_t heap_objs, uint64_t freed_objs)
{
    gcb_heap_stats s = stats_now();
    CHECK(s.heap_bytes == heap_objs * u, "%s: heap_bytes %llu, want %llu x %llu", when,
          (unsigned long long)s.heap_bytes, (unsigned long long)heap_objs, (unsigned long long)u);
    CHECK(s.freed_explicit_bytes == freed_objs * u, "%s: freed_explicit_bytes %llu, want %llu x %llu",
          when, (unsigned long long)s.freed_explicit_bytes, (unsigned long long)freed_objs,
          (unsigned long long)u);
}

static void *worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    gcb_mutator *m = NULL;
    int rc = gc->mutator_attach(heap, &m);
    CHECK(rc == 0 && m != NULL, "thread %d: attach failed (%d)", i, rc);
    for (int k = 0; k < N; k++) {
        objs[i][k] = m ? gcb_alloc(m, NULL, OBJ) : NULL;
        CHECK(objs[i][k] != NULL, "thread %d: alloc %d failed", i, k);
    }
    pthread_barrier_wait(&step); /* A: every thread's objects live */
    pthread_barrier_wait(&step); /* B: main checked */
    int next = (i + 1) % THREADS;
    for (int k = 0; k < N; k++)
        if (m)
            gcb_dead(m, objs[next][k], OBJ);
    pthread_barrier_wait(&step); /* C: all freed, still attached */
    pthread_barrier_wait(&step); /* D: main checked */
    if (m)
        gc->mutator_detach(m);
    return NULL;
}

/* The allocator's own usable size of an object, looked up in the object
 * (what the plugin avoids on its fast path). */
typedef size_t (*usable_fn)(const void *p);
static size_t je_sallocx_fn(const void *p);
static size_t (*je_sallocx)(const void *p, int flags);
static size_t je_sallocx_fn(const void *p) { return je_sallocx(p, 0); }
static size_t glibc_usable(const void *p) { return malloc_usable_size((void *)p); }

static usable_fn allocator_lookup(const char *name)
{
    if (strcmp(name, "malloc") == 0)
        return glibc_usable;
    const char *lib = strcmp(name, "mimalloc") == 0   ? "libmimalloc.so.2"
                      : strcmp(name, "jemalloc") == 0 ? "libjemalloc.so.2"
                                                      : NULL;
    void *dl = lib ? dlopen(lib, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD) : NULL;
    if (dl == NULL)
        return NULL;
    if (strcmp(name, "mimalloc") == 0)
        return (usable_fn)dlsym(dl, "mi_usable_size");
    *(void **)&je_sallocx = dlsym(dl, "sallocx");
    return je_sallocx ? je_sallocx_fn : NULL;
}

/* Each size's step equals the allocator's lookup; dead takes it back. */
static void check_usable_sizes(void)
{
    usable_fn lookup = allocator_lookup(gc->name);
    CHECK(lookup != NULL, "%s: cannot find the allocator's usable-size lookup", gc->name);
    if (lookup == NULL)
        return;
    gcb_mutator *m = NULL;
    int rc = gc->mutator_attach(heap, &m);
    CHECK(rc == 0 && m != NULL, "usable sizes: attach failed (%d)", rc);
    if (m == NULL)
        return;
    static size_t sizes[2048 + 9 * 8 * 3];
    size_t nsizes = 0;
    for (size_t n = 1; n <= 2048; n++)
        sizes[nsizes++] = n;
    for (size_t pow = 2048; pow < (1u << 20); pow *= 2)
        for (size_t e = 1; e <= 8; e++) {
            size_t b = pow + e * (pow / 8);
            sizes[nsizes++] = b - 1;
            sizes[nsizes++] = b;
            sizes[nsizes++] = b + 1;
        }
    int checked = 0;
    for (size_t i = 0; i < nsizes; i++) {
        size_t n = sizes[i];
        uint64_t before = stats_now().heap_bytes;
        void *p = gcb_alloc(m, NULL, n);
        CHECK(p != NULL, "usable sizes: alloc of %zu bytes failed", n);
        if (p == NULL)
            break;
        uint64_t step = stats_now().heap_bytes - before;
        /* glibc may hand out a chunk 16 bytes larger than the size class
         * (malloc.c: SLACK); the others give exactly their class. */
        size_t want = lookup(p), slack = strcmp(gc->name, "malloc") == 0 ? 31 : 0;
        CHECK(step <= want && want - step <= slack,
              "%s: a %zu-byte request counts %llu bytes, the allocator's usable size is %zu",
              gc->name, n, (unsigned long long)step, want);
        gcb_dead(m, p, n);
        CHECK(stats_now().heap_bytes == before, "%s: freeing a %zu-byte object left heap_bytes at %llu, want %llu",
              gc->name, n, (unsigned long long)stats_now().heap_bytes, (unsigned long long)before);
        checked++;
    }
    gc->mutator_detach(m);
    printf("%s: usable sizes of %d request sizes match the allocator's lookup\n", gc->name, checked);
}

/* manual_size_class against its classes enumerated one by one (8, each
 * multiple of 16 to 128, then each class the last plus a quarter of the
 * power of two at or below it), and manual_classes_differ against
 * lookups that move one class boundary either way. */
static uint64_t same(size_t n, void *ctx) { return manual_size_class(n); }
static uint64_t extra_class(size_t n, void *ctx) /* 4097..4608 is a class of its own */
{
    return n > 4096 && n <= 4608 ? 4608 : manual_size_class(n);
}
static uint64_t later_end(size_t n, void *ctx) /* 5120 goes in 6144's class */
{
    return n == 5120 ? 6144 : manual_size_class(n);
}

static void check_rules(void)
{
    size_t cls = 8;
    for (size_t n = 1; n <= (1u << 20); n++) {
        while (cls < n)
            cls += cls < 128 ? (cls == 8 ? 8 : 16) : (size_t)1 << (63 - __builtin_clzll(cls) - 2);
        if (manual_size_class(n) != cls) {
            CHECK(0, "manual_size_class(%zu) = %llu, want %zu", n,
                  (unsigned long long)manual_size_class(n), cls);
            break;
        }
    }
    size_t bad = manual_classes_differ(same, NULL, 1u << 20);
    CHECK(bad == 0, "manual_classes_differ: the rule differs from itself at %zu bytes", bad);
    bad = manual_classes_differ(extra_class, NULL, 1u << 20);
    CHECK(bad == 4097, "manual_classes_differ missed an extra class at 4097 bytes (said %zu)", bad);
    bad = manual_classes_differ(later_end, NULL, 1u << 20);
    CHECK(bad == 5120, "manual_classes_differ missed a class end moved at 5120 bytes (said %zu)", bad);
}

/* Debug builds: gcb_dead with the wrong size aborts (manual_check_size),
 * in a second run of this program (`PLUGIN.so wrong-size`, see main) so
 * the abort is observed, not suffered.  posix_spawn, not fork: fork runs
 * jemalloc's atfork handlers, which tsan reports.  100 bytes counted as
 * 300 is over every allocator's usable size of the object. */
static void check_wrong_size_aborts(const char *plugin)
{
#ifdef GCB_MANUAL_CHECK_SIZES
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    if (strcmp(gc->name, "malloc") == 0) {
        /* malloc.c: under a sanitizer every object is looked up, so the
         * size passed at free is not used and cannot make the counts drift */
        printf("malloc: sanitizer build, sizes are looked up: wrong size at free not tested\n");
        return;
    }
#endif
    fflush(stdout);
    fflush(stderr);
    char *args[] = {"test_manual_stats", (char *)plugin, "wrong-size", NULL};
    pid_t pid = 0;
    int rc = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ);
    int st = 0;
    CHECK(rc == 0 && waitpid(pid, &st, 0) == pid, "posix_spawn/waitpid failed (%d)", rc);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
          "%s: freeing a 100-byte object as 300 bytes did not abort (status %#x)", gc->name, st);
#else
    printf("%s: release build, the size check at free is compiled out: not tested\n", gc->name);
#endif
}

/* The second run of check_wrong_size_aborts: returns only if no abort. */
static int free_wrong_size(void)
{
    gcb_mutator *m = NULL;
    if (gc->mutator_attach(heap, &m) != 0)
        return 3;
    void *p = gcb_alloc(m, NULL, 100);
    gcb_dead(m, p, 300);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 && !(argc == 3 && strcmp(argv[2], "wrong-size") == 0)) {
        fprintf(stderr, "usage: %s PLUGIN.so\n", argv[0]);
        return 2;
    }
    gc = load(argv[1]);
    if (gc == NULL)
        return 1;
    if (!(gc->caps & GCB_CAP_MANUAL) || !GCB_HAS(gc, dead)) {
        printf("%s is not a manual baseline with dead(): nothing to check\n", gc->name);
        return 77;
    }
    gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = testhost_event,
                     .spawn = testhost_spawn, .log = testhost_log, .now_ns = testhost_now_ns,
                     .procs = 2, .mutators = THREADS};
    char err[256] = "";
    int rc = gc->heap_new(&host, NULL, &heap, err, sizeof err);
    CHECK(rc == 0, "heap_new: %s", err);
    if (rc != 0)
        return 1;
    if (argc == 3)
        return free_wrong_size();

    /* One mutator: exact figures, exact peak. */
    gcb_mutator *m = NULL;
    rc = gc->mutator_attach(heap, &m);
    CHECK(rc == 0 && m != NULL, "attach failed (%d)", rc);
    if (m == NULL)
        return 1;
    void **one = calloc(N, sizeof *one);
    one[0] = gcb_alloc(m, NULL, OBJ);
    u = stats_now().heap_bytes;
    CHECK(u >= OBJ && u < 2 * OBJ + 16, "usable size of a %d-byte object: %llu", OBJ,
          (unsigned long long)u);
    for (int k = 1; k < N; k++)
        one[k] = gcb_alloc(m, NULL, OBJ);
    expect("one mutator, N live", N, 0);
    for (int k = 0; k < N / 2; k++)
        gcb_dead(m, one[k], OBJ);
    for (int k = 0; k < N / 4; k++)
        one[k] = gcb_alloc(m, NULL, OBJ);
    expect("one mutator, N - N/2 + N/4 live", N - N / 2 + N / 4, N / 2);
    gcb_heap_stats s = stats_now();
    CHECK(s.peak_live_bytes == (uint64_t)N * u, "one mutator: peak_live_bytes %llu, want %llu",
          (unsigned long long)s.peak_live_bytes, (unsigned long long)N * u);
    for (int k = 0; k < N / 4; k++)
        gcb_dead(m, one[k], OBJ);
    for (int k = N / 2; k < N; k++)
        gcb_dead(m, one[k], OBJ);
    gc->mutator_detach(m);
    expect("one mutator, detached, all freed", 0, N + N / 4);
    uint64_t freed0 = N + N / 4, peak0 = stats_now().peak_live_bytes;

    /* THREADS mutators, cross-thread frees. */
    pthread_barrier_init(&step, NULL, THREADS + 1);
    pthread_t tid[THREADS];
    for (int i = 0; i < THREADS; i++) {
        objs[i] = calloc(N, sizeof(void *));
        pthread_create(&tid[i], NULL, worker, (void *)(intptr_t)i);
    }
    pthread_barrier_wait(&step); /* A */
    expect("threads, all allocated", (uint64_t)THREADS * N, freed0);
    s = stats_now();
    CHECK(s.peak_live_bytes >= (uint64_t)THREADS * N * u,
          "threads: peak_live_bytes %llu below the true peak %llu",
          (unsigned long long)s.peak_live_bytes, (unsigned long long)THREADS * N * u);
    pthread_barrier_wait(&step); /* B */
    pthread_barrier_wait(&step); /* C */
    expect("threads, cross-freed, attached", 0, freed0 + (uint64_t)THREADS * N);
    pthread_barrier_wait(&step); /* D */
    for (int i = 0; i < THREADS; i++)
        pthread_join(tid[i], NULL);
    expect("threads, detached", 0, freed0 + (uint64_t)THREADS * N);
    s = stats_now();
    /* Upper bound: the earlier single mutator's high plus each thread's. */
    CHECK(s.peak_live_bytes >= (uint64_t)THREADS * N * u &&
              s.peak_live_bytes <= peak0 + (uint64_t)THREADS * N * u,
          "threads: peak_live_bytes %llu outside [%llu, %llu]",
          (unsigned long long)s.peak_live_bytes, (unsigned long long)THREADS * N * u,
          (unsigned long long)(peak0 + (uint64_t)THREADS * N * u));
    check_usable_sizes();
    check_rules();
    check_wrong_size_aborts(argv[1]);
    gc->heap_free(heap);
    for (int i = 0; i < THREADS; i++)
        free(objs[i]);
    free(one);
    if (failures == 0)
        printf("%s: usable %llu B per %d-byte object, figures exact across %d threads\n", gc->name,
           (unsigned long long)u, OBJ, THREADS);
    return failures ? 1 : 0;
}
