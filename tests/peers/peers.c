/* peers.c - the real peer collectors (boehm, mimalloc, jemalloc) loaded
 * the way the harness loads them, dlopen(RTLD_NOW | RTLD_LOCAL).
 *
 *   test_peers PLUGIN.so [name=value ...] [--heap-new-on-main]
 *
 * One plugin per process (libgc allows one heap per process).  With a
 * minimal host (host.h) whose event sink checks PAUSE/CYCLE pairing, it:
 * - checks the table and the mutator prefix;
 * - builds a list of NODES nodes ({"node", 24, 2}) held only by a frame,
 *   forces collections, allocates garbage, and checks every payload;
 * - does the same on a second thread (plain pthread_create) while the main
 *   thread forces collections, with the frame and its slot array in
 *   calloc'd memory that no collector scans unless it walks the frames;
 * - boehm: lists held only by a local variable of each thread survive
 *   another thread's collections (registered stacks are scanned); the heap
 *   is made on a thread that then exits (unless --heap-new-on-main); a
 *   second heap is refused; free_sized frees only with honor_free=true;
 * - collectors (COLLECTS): garbage is reclaimed (mapped bytes stay bounded),
 *   cycles and pauses are reported, paired and counted as in stats, and
 *   peak_live_bytes covers the live list;
 * - manual ones (MANUAL): free_sized and dead move exactly the usable bytes
 *   from heap_bytes to freed_explicit_bytes, and `malloc` still resolves
 *   where it did before the plugin (and its allocator) was loaded.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gcb/collector.h"
#include "gcb/mutator.h"

#define NODES 300000L
#define GARBAGE_ROUNDS 40   /* x 1 MiB of garbage between checks */

#include "host.h"

/* ---- the linked structure ---- */
typedef struct node {
    struct node *next;  /* pointer slot */
    struct node *other; /* pointer slot: NULL or a node further down */
    long payload;       /* scalar: the node's index */
} node;

static const gcb_type node_type = {"node", sizeof(node), 2};

/* A list of n nodes, head payload n-1 ... tail 0, into *slot (a frame slot).
 * Every 7th node's `other` points 3 nodes further down. */
static void build(gcb_mutator *m, void **slot, long n)
{
    *slot = NULL;
    for (long i = 0; i < n; i++) {
        node *x = gcb_alloc(m, &node_type, sizeof(node));
        CHECK(x != NULL, "alloc of node %ld failed", i);
        if (x == NULL)
            return;
        CHECK(x->next == NULL && x->other == NULL && x->payload == 0, "node %ld not zeroed", i);
        x->payload = i;
        node *head = *slot;
        gcb_store(m, x, (void **)&x->next, head);
        if (i % 7 == 0 && head != NULL && head->next != NULL && head->next->next != NULL)
            gcb_store(m, x, (void **)&x->other, head->next->next);
        *slot = x;
    }
}

/* Every node holds its index, in order; returns the nodes seen. */
static long verify(void *head, long n, const char *who)
{
    long seen = 0, bad = 0;
    for (node *x = head; x != NULL; x = x->next, seen++) {
        long want = n - 1 - seen;
        if (x->payload != want || (x->other != NULL && x->other->payload != want - 3))
            bad++;
        if (seen > n)
            break;
    }
    CHECK(seen == n && bad == 0, "%s: %ld nodes seen (want %ld), %ld corrupted", who, seen, n, bad);
    return seen;
}

/* 1 MiB of garbage per round: pointer-free buffers and unreachable nodes. */
static void garbage(gcb_mutator *m, int rounds, int free_it)
{
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < 256; k++) {
            size_t bytes = k % 2 ? 3000 : 1000;
            char *b = gcb_alloc(m, NULL, bytes);
            CHECK(b != NULL, "garbage alloc failed");
            if (b == NULL)
                return;
            CHECK(b[0] == 0 && b[bytes - 1] == 0, "pointer-free memory not zeroed");
            memset(b, 0xab, bytes);
            node *x = gcb_alloc(m, &node_type, sizeof(node));
            if (free_it) {
                gcb_free_sized(m, b, bytes);
                gcb_dead(m, x, sizeof(node));
            }
        }
}

static void release(gcb_mutator *m, void *head)
{
    for (node *x = head, *next; x != NULL; x = next) {
        next = x->next;
        gcb_dead(m, x, sizeof(node));
    }
}

static uint64_t heap_bytes(const gcb_collector *gc, gcb_heap *h, gcb_heap_stats *s)
{
    memset(s, 0, sizeof *s);
    s->size = sizeof *s;
    gc->stats(h, s);
    return s->heap_bytes;
}

/* Overwrite the dead part of the stack below the caller, so that no stale
 * copy of a list pointer (from build's locals) is left for a conservative
 * scan to find. */
static __attribute__((noinline)) void scrub(void)
{
    volatile char buf[1 << 16];
    memset((char *)buf, 0, sizeof buf);
}

/* Push `depth` frames of one slot each, each holding a fresh node whose
 * payload is its depth; at the bottom collect, then check every node. */
static long deep(gcb_mutator *m, int depth)
{
    void *slot[1] = {NULL};
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    node *x = gcb_alloc(m, &node_type, sizeof(node));
    long bad = 0;
    if (x != NULL) {
        x->payload = depth;
        slot[0] = x;
        if (depth > 0)
            bad = deep(m, depth - 1);
        else
            gcb_collect(m);
        node *y = slot[0];
        if (y->payload != depth)
            bad++;
    }
    gcb_frame_pop(m, &f);
    return bad;
}

/* Many registered global roots, in malloc'd memory, each holding a node. */
static void many_roots(gcb_mutator *m, long n)
{
    /* Roots stay registered until heap_free, so the slots outlive the heap:
     * kept in a static (reachable, not a leak) and never freed. */
    static void **keep __attribute__((used));
    void **slots = calloc((size_t)n * 2, sizeof *slots); /* every other word: no merging */
    keep = slots;
    for (long i = 0; i < n; i++) {
        gcb_add_root(m, &slots[2 * i]);
        node *x = gcb_alloc(m, &node_type, sizeof(node));
        CHECK(x != NULL, "alloc failed");
        if (x == NULL)
            break;
        x->payload = i;
        slots[2 * i] = x;
    }
    scrub();
    gcb_collect(m);
    garbage(m, 8, 0);
    gcb_collect(m);
    long bad = 0;
    for (long i = 0; i < n; i++)
        bad += slots[2 * i] == NULL || ((node *)slots[2 * i])->payload != i;
    CHECK(bad == 0, "%ld of %ld global roots lost their node", bad, n);
    /* Roots stay registered until heap_free: the slots must outlive it. */
}

/* ---- a second mutator thread ---- */


typedef struct second {
    const gcb_collector *gc;
    gcb_heap *h;
    pthread_barrier_t *built, *collected;
    long seen;
} second;

static void *second_main(void *arg)
{
    second *t = arg;
    gcb_mutator *m = NULL;
    int rc = t->gc->mutator_attach(t->h, &m);
    CHECK(rc == 0 && m != NULL, "second thread: attach failed (%d)", rc);
    if (m == NULL) {
        pthread_barrier_wait(t->built);
        pthread_barrier_wait(t->collected);
        return NULL;
    }
    /* The frame and its slots live in calloc'd memory, as binarytrees
     * keeps its long-lived frame: only a frame walk finds them. */
    gcb_frame *f = calloc(1, sizeof *f);
    void **slots = calloc(2, sizeof *slots);
    gcb_frame_push(m, f, slots, 2);
    build(m, &slots[0], NODES / 2);
    /* A second list held only by a local of this thread: the mutator API
     * does not root it, but a conservative collector that scans registered
     * threads' stacks (boehm) must keep it. */
    build(m, &slots[1], NODES / 4);
    void *volatile on_stack = slots[1];
    slots[1] = NULL;
    /* Only the calloc'd slot and on_stack hold the lists now. */
    scrub();
    gcb_blocking_enter(m);
    pthread_barrier_wait(t->built);      /* main thread collects now */
    pthread_barrier_wait(t->collected);
    gcb_blocking_exit(m);
    garbage(m, 4, 0);
    gcb_collect(m);
    t->seen = verify(slots[0], NODES / 2, "second thread");
    if (m->gc->caps & GCB_CAP_COLLECTS && strcmp(m->gc->name, "boehm") == 0)
        verify(on_stack, NODES / 4, "second thread, list on its stack");
    if (m->gc->caps & GCB_CAP_MANUAL)
        release(m, on_stack);
    if (m->gc->caps & GCB_CAP_MANUAL)
        release(m, slots[0]);
    gcb_frame_pop(m, f);
    free(slots);
    free(f);
    t->gc->mutator_detach(m);
    return NULL;
}

/* The plugin (and the allocator library it pulls in) must not have taken
 * over the process's malloc: `malloc` resolves into the same object as
 * before the plugin was loaded (glibc, or a sanitizer's runtime), and when
 * that is glibc, glibc's own accounting sees a block the test mallocs. */
static char malloc_owner[4096];

static const char *owner_of_malloc(void)
{
    void *fn = dlsym(RTLD_DEFAULT, "malloc");
    Dl_info info = {0};
    if (fn == NULL || dladdr(fn, &info) == 0 || info.dli_fname == NULL)
        return "?";
    return info.dli_fname;
}

static void check_malloc_unchanged(const char *who)
{
    const char *now = owner_of_malloc();
    CHECK(strcmp(now, malloc_owner) == 0, "%s: malloc resolves to %s, before loading it to %s",
          who, now, malloc_owner);
    if (strstr(malloc_owner, "libc.so") == NULL)
        return;
    size_t before = mallinfo2().uordblks;
    void *volatile p = malloc(100000);
    struct mallinfo2 mi = mallinfo2();
    CHECK(p != NULL && (mi.uordblks >= before + 100000 || mi.hblkhd >= 100000),
          "%s: a malloc() of the test was not served by glibc", who);
    free(p);
}

/* boehm: unless --heap-new-on-main, the heap is created on a thread other
 * than the initial one, which then exits
 * (GC_INIT there works with Debian's libgc 8.2); the main thread, which
 * libgc has not seen yet, then attaches as a mutator and must have its
 * stack scanned. */
typedef struct off_main {
    const gcb_collector *gc;
    const gcb_value *opts;
    int rc;
    gcb_heap *h;
    char err[512];
} off_main;

static void *heap_new_off_main(void *arg)
{
    off_main *o = arg;
    o->rc = o->gc->heap_new(&host, o->opts, &o->h, o->err, sizeof o->err);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PLUGIN.so [option=value ...]\n", argv[0]);
        return 2;
    }
    snprintf(malloc_owner, sizeof malloc_owner, "%s", owner_of_malloc());
    const gcb_collector *gc = load(argv[1]);
    if (gc == NULL)
        return 1;
    int manual = (gc->caps & GCB_CAP_MANUAL) != 0;
    int collects = (gc->caps & GCB_CAP_COLLECTS) != 0;
    check_malloc_unchanged(gc->name);

    gcb_value opts[32];
    CHECK(gc->noptions <= 32, "too many options");
    options(gc, opts, argc - 2, argv + 2);
    char err[512] = "";
    gcb_heap *h = NULL;
    int rc;
    int off = 1;
    for (int k = 2; k < argc; k++)
        off &= strcmp(argv[k], "--heap-new-on-main") != 0;
    if (strcmp(gc->name, "boehm") == 0 && off) {
        off_main o = {.gc = gc, .opts = opts};
        pthread_t tid;
        pthread_create(&tid, NULL, heap_new_off_main, &o);
        pthread_join(tid, NULL);
        CHECK(o.rc == 0 && o.h != NULL, "boehm heap_new off the initial thread: %s", o.err);
        h = o.h;
        rc = o.rc;
        snprintf(err, sizeof err, "%s", o.err);
    } else
        rc = gc->heap_new(&host, opts, &h, err, sizeof err);
    CHECK(rc == 0 && h != NULL, "%s heap_new: %s", gc->name, err);
    if (rc != 0)
        return 1;
    if (strcmp(gc->name, "boehm") == 0) {
        gcb_heap *h2 = NULL;
        err[0] = '\0';
        rc = gc->heap_new(&host, opts, &h2, err, sizeof err);
        CHECK(rc != 0 && h2 == NULL && err[0] != '\0', "a second boehm heap was not refused");
        fprintf(stderr, "second heap refused: %s\n", err);
    }

    gcb_mutator *m = NULL;
    rc = gc->mutator_attach(h, &m);
    CHECK(rc == 0 && m != NULL, "attach failed (%d)", rc);
    if (m == NULL)
        return 1;
    CHECK(m->gc == gc && m->heap == h && m->alloc_kind == GCB_ALLOC_SLOW &&
              m->write_barrier != NULL && *m->write_barrier == 0 && m->frames == NULL &&
              m->poll_requested == 0,
          "mutator prefix not filled in");

    gcb_heap_stats s;
    uint64_t base = heap_bytes(gc, h, &s);
    void *slots[1] = {NULL};
    gcb_frame f;
    gcb_frame_push(m, &f, slots, 1);
    build(m, &slots[0], NODES);
    uint64_t live = heap_bytes(gc, h, &s);
    CHECK(live >= base + NODES * sizeof(node), "heap_bytes %llu after %ld nodes (base %llu)",
          (unsigned long long)live, NODES, (unsigned long long)base);
    gcb_collect(m);
    garbage(m, GARBAGE_ROUNDS, 0);
    gcb_collect(m);
    garbage(m, GARBAGE_ROUNDS, 0);
    verify(slots[0], NODES, "main thread");

    if (collects) {
        /* 400 MiB of garbage may not grow the heap past a small multiple
         * of the live list. */
        for (int i = 0; i < 10; i++)
            garbage(m, GARBAGE_ROUNDS, 0);
        heap_bytes(gc, h, &s);
        CHECK(s.mapped_bytes < 200u << 20, "heap grew to %llu bytes: garbage not reclaimed",
              (unsigned long long)s.mapped_bytes);
        CHECK(s.cycles >= 2, "stats: %llu cycles after two collect()",
              (unsigned long long)s.cycles);
        verify(slots[0], NODES, "main thread after 400 MiB of garbage");
        CHECK(s.peak_live_bytes >= NODES * sizeof(node),
              "peak_live_bytes %llu below the live list's %zu bytes",
              (unsigned long long)s.peak_live_bytes, NODES * sizeof(node));
    }

    if (!manual && GCB_HAS(gc, free_sized)) {
        /* A collector's free_sized acts only when its options say so
         * (boehm: honor_free); either way the live list survives. */
        int honor = 0;
        for (int k = 2; k < argc; k++)
            honor |= strcmp(argv[k], "honor_free=true") == 0;
        uint64_t fr0 = (heap_bytes(gc, h, &s), s.freed_explicit_bytes);
        garbage(m, 4, 1);
        uint64_t fr1 = (heap_bytes(gc, h, &s), s.freed_explicit_bytes);
        if (honor)
            CHECK(fr1 - fr0 >= 4 * 256 * 2000, "free_sized freed %llu bytes only",
                  (unsigned long long)(fr1 - fr0));
        else
            CHECK(fr1 == fr0, "free_sized acted without honor_free");
        verify(slots[0], NODES, "main thread after free_sized");
    }

    if (manual) {
        /* free_sized and dead: exactly the usable bytes move. */
        uint64_t hb0 = heap_bytes(gc, h, &s), fr0 = s.freed_explicit_bytes;
        garbage(m, 4, 1);
        uint64_t hb1 = heap_bytes(gc, h, &s), fr1 = s.freed_explicit_bytes;
        CHECK(hb1 == hb0, "heap_bytes %llu -> %llu across alloc+free",
              (unsigned long long)hb0, (unsigned long long)hb1);
        CHECK(fr1 - fr0 >= 4 * 256 * (2000 + sizeof(node)),
              "freed_explicit_bytes grew by %llu only", (unsigned long long)(fr1 - fr0));
        CHECK(s.peak_live_bytes >= live, "peak_live_bytes %llu < %llu",
              (unsigned long long)s.peak_live_bytes, (unsigned long long)live);
        /* Garbage allocated without hints stays counted (manual memory). */
        CHECK(hb1 >= live, "unhinted garbage vanished from heap_bytes");
        /* The allocations above came from the plugin's allocator, not glibc. */
        check_malloc_unchanged(gc->name);
    }

    /* Deep shadow stacks and many global roots: a collector that pushes
     * each frame or root as a mark-stack entry, or registers each root
     * with a bounded table, fails here. */
    CHECK(deep(m, 20000) == 0, "a node held by one of 20000 frames changed");
    many_roots(m, 20000);

    /* Second thread: builds its own list while this one collects. */
    pthread_barrier_t built, collected;
    pthread_barrier_init(&built, NULL, 2);
    pthread_barrier_init(&collected, NULL, 2);
    second t = {.gc = gc, .h = h, .built = &built, .collected = &collected};
    /* A list only this thread's stack holds while the second thread
     * collects (boehm scans registered stacks; the others keep it anyway). */
    void *tmp[1] = {NULL};
    gcb_frame tf;
    gcb_frame_push(m, &tf, tmp, 1);
    build(m, &tmp[0], NODES / 4);
    void *volatile main_on_stack = tmp[0];
    tmp[0] = NULL;
    gcb_frame_pop(m, &tf);
    scrub();
    pthread_t tid;
    rc = pthread_create(&tid, NULL, second_main, &t);
    CHECK(rc == 0, "pthread_create: %d", rc);
    gcb_blocking_enter(m);
    pthread_barrier_wait(&built);
    gcb_blocking_exit(m);
    gcb_collect(m);
    garbage(m, GARBAGE_ROUNDS, 0);
    gcb_collect(m);
    gcb_blocking_enter(m);
    pthread_barrier_wait(&collected);
    pthread_join(tid, NULL);
    gcb_blocking_exit(m);
    CHECK(t.seen == NODES / 2, "second thread saw %ld nodes", t.seen);
    verify(main_on_stack, NODES / 4, "main thread, list on its stack");
    if (manual)
        release(m, main_on_stack);
    verify(slots[0], NODES, "main thread after the second thread");

    if (manual) {
        release(m, slots[0]);
        slots[0] = NULL;
    }
    gcb_frame_pop(m, &f);
    if (collects) {
        pthread_mutex_lock(&events.lock);
        CHECK(events.errors == 0 && !events.pause_open && !events.cycle_open,
              "event pairing broken (%ld errors)", events.errors);
        CHECK(events.cycles >= 4 && events.pauses >= 4, "%ld cycles, %ld pauses reported",
              events.cycles, events.pauses);
        heap_bytes(gc, h, &s);
        /* Every cycle libgc counts is reported (one may be under way). */
        CHECK(events.cycles + 1 >= (long)s.cycles && events.cycles <= (long)s.cycles,
              "%ld cycles reported, stats say %llu", events.cycles,
              (unsigned long long)s.cycles);
        fprintf(stderr, "%s: %ld cycles, %ld pauses reported; stats: cycles %llu, heap %llu, "
                "peak live %llu, mapped %llu, freed %llu\n", gc->name, events.cycles,
                events.pauses, (unsigned long long)s.cycles, (unsigned long long)s.heap_bytes,
                (unsigned long long)s.peak_live_bytes, (unsigned long long)s.mapped_bytes,
                (unsigned long long)s.freed_explicit_bytes);
        pthread_mutex_unlock(&events.lock);
    }
    gc->mutator_detach(m);
    if (manual) {
        heap_bytes(gc, h, &s);
        CHECK(s.heap_bytes >= base, "heap_bytes below its start");
        fprintf(stderr, "%s: heap_bytes %llu, freed_explicit %llu, peak %llu, mapped %llu\n",
                gc->name, (unsigned long long)s.heap_bytes,
                (unsigned long long)s.freed_explicit_bytes,
                (unsigned long long)s.peak_live_bytes, (unsigned long long)s.mapped_bytes);
    }
    gc->heap_free(h);
    if (failures == 0)
        fprintf(stderr, "%s: all checks passed\n", gc->name);
    return failures == 0 ? 0 : 1;
}
