/* gcwork_test.c - the grey work buffers (collectors/core/gcwork.c, Go's
 * gcWork) and what the core builds on them:
 * - put keeps objects private until both buffers are full, then spills one
 *   full buffer to the shared list; try_get takes its own objects first
 *   (newest first), then a buffer's worth from the shared list; balance
 *   and dispose give work to the shared list and raise work.flushed;
 * - on a concurrent heap with 2 procs and 1 mutator (an idle proc): an
 *   object the mutator's write barrier shades stays in its buffer, and no
 *   idle worker scans it, until the mutator answers the ragged barrier;
 *   then marking goes on (it is scanned before mark termination begins);
 * - grey objects shaded after the last ragged barrier, while the world is
 *   being stopped, are drained by mark termination (verify would find
 *   their children unmarked otherwise);
 * - a mutator that blocks or detaches hands its buffer over first, so
 *   mark completes without it and its objects are scanned concurrently;
 * - with every mark worker held before it can run, the mutator's assists
 *   drain the mark and, out of work, complete it on the mutator's thread
 *   (Go's gcAssistAlloc calls gcMarkDone), ragged barrier and mark
 *   termination included.
 * Heaps are built from gcb_gccore directly (as core.space_contract),
 * verify on, GOGC 100: each test's cycle is started by the test thread's
 * own allocation, so it is running when mark begins.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define TESTHOST_NO_CHECK
#include "gcb/mutator.h"
#include "plugin.h"
#include "../common/testhost.h"

/* ---- gc_work alone, on a heap that has only its work list ---- */

static gc_heap *list_heap(void)
{
    gc_heap *h = calloc(1, sizeof *h);
    assert_non_null(h);
    mark_init(&h->work);
    return h;
}

static void list_heap_free(gc_heap *h)
{
    mark_destroy(&h->work);
    free(h);
}

static void *fake(size_t i) { return (void *)(uintptr_t)(0x10000 + 8 * i); }

static size_t held(const gc_work *w) { return w->buf[0].nobj + w->buf[1].nobj; }

static void test_put_spills_only_when_both_full(void **state)
{
    (void)state;
    gc_heap *h = list_heap();
    gc_work *w = calloc(1, sizeof *w);
    assert_non_null(w);
    for (size_t i = 0; i < 2 * GC_WORKBUF_OBJS; i++)
        gc_work_put(h, w, fake(i));
    assert_int_equal(h->work.n, 0); /* two buffers' worth: all private */
    assert_int_equal(h->work.flushed, 0);
    assert_int_equal(held(w), 2 * GC_WORKBUF_OBJS);
    gc_work_put(h, w, fake(2 * GC_WORKBUF_OBJS));
    assert_int_equal(h->work.n, GC_WORKBUF_OBJS); /* one full buffer spilled */
    assert_int_equal(atomic_load(&h->work.avail), GC_WORKBUF_OBJS);
    assert_int_equal(h->work.flushed, 1);
    assert_int_equal(held(w), GC_WORKBUF_OBJS + 1);
    assert_true(gc_work_take_flushed(h));
    assert_false(gc_work_take_flushed(h));
    free(w);
    list_heap_free(h);
}

static void test_try_get_own_first(void **state)
{
    (void)state;
    gc_heap *h = list_heap();
    gc_work *w = calloc(1, sizeof *w);
    assert_non_null(w);
    void *shared[3] = {fake(100), fake(101), fake(102)};
    gc_work_putfull(h, shared, 3);
    gc_work_put(h, w, fake(1));
    gc_work_put(h, w, fake(2));
    assert_ptr_equal(gc_work_try_get(h, w), fake(2)); /* own, newest first */
    assert_ptr_equal(gc_work_try_get(h, w), fake(1));
    assert_int_equal(h->work.n, 3); /* the shared list untouched so far */
    assert_ptr_equal(gc_work_try_get(h, w), fake(102)); /* then all 3 taken at once */
    assert_int_equal(h->work.n, 0);
    assert_int_equal(held(w), 2);
    assert_ptr_equal(gc_work_try_get(h, w), fake(101));
    assert_ptr_equal(gc_work_try_get(h, w), fake(100));
    assert_null(gc_work_try_get(h, w));
    free(w);
    list_heap_free(h);
}

static void test_balance_and_dispose(void **state)
{
    (void)state;
    gc_heap *h = list_heap();
    gc_work *w = calloc(1, sizeof *w);
    assert_non_null(w);
    for (size_t i = 0; i < 4; i++)
        gc_work_put(h, w, fake(i));
    gc_work_balance(h, w); /* 4 in one buffer: Go keeps them */
    assert_int_equal(h->work.n, 0);
    for (size_t i = 4; i < 10; i++)
        gc_work_put(h, w, fake(i));
    gc_work_balance(h, w); /* 10: the older 5 go */
    assert_int_equal(h->work.n, 5);
    assert_int_equal(held(w), 5);
    assert_ptr_equal(h->work.items[0], fake(0));
    assert_ptr_equal(gc_work_try_get(h, w), fake(9)); /* the newest stayed */
    assert_true(gc_work_take_flushed(h));
    assert_int_equal(gc_work_dispose(h, w), 1);
    assert_int_equal(h->work.n, 9);
    assert_true(gc_work_empty(w));
    assert_true(gc_work_take_flushed(h));
    assert_int_equal(gc_work_dispose(h, w), 0);
    assert_false(gc_work_take_flushed(h));
    free(w);
    list_heap_free(h);
}

/* ---- a concurrent heap: 2 procs, the test thread its mutator ---- */

typedef struct node {
    struct node *p[4]; /* pointer slots */
    uint64_t id, check;
} node;
static const gcb_type node_t = {"node", sizeof(node), 4};

static uint64_t mix(uint64_t x) { return x * 0x9E3779B97F4A7C15ull ^ 0x5ace; }

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "gcworktest",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
};

/* The objects whose mark bit the event sink reads when mark termination's
 * pause begins (before the world stops: what concurrent marking did). */
static gc_heap *watch_heap;
static node *watch[4];
static _Atomic int watch_marked[4];
static _Atomic int term_pauses;

static int marked(gc_heap *h, const void *p)
{
    span *s = ph_lookup(&h->ph, p);
    return s != NULL && span_bit(s->markbits, span_index(s, p));
}

static void sink(void *ctx, const gcb_event *ev)
{
    (void)ctx;
    if (ev->kind != GCB_EV_PAUSE_BEGIN || ev->phase == NULL ||
        strcmp(ev->phase, "mark-termination") != 0 || watch_heap == NULL)
        return;
    if (atomic_fetch_add(&term_pauses, 1) != 0)
        return; /* the first cycle's only */
    for (int i = 0; i < 4; i++)
        atomic_store(&watch_marked[i], watch[i] != NULL && marked(watch_heap, watch[i]));
}

/* Mark workers spawned while `gate_closed` wait at their start until it
 * opens: they stand for workers whose threads never get to run. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_closed;
typedef struct gated {
    void *(*fn)(void *);
    void *arg;
} gated;

static void *gated_main(void *p)
{
    gated g = *(gated *)p;
    free(p);
    pthread_mutex_lock(&gate_lock);
    while (gate_closed)
        pthread_cond_wait(&gate_cond, &gate_lock);
    pthread_mutex_unlock(&gate_lock);
    return g.fn(g.arg);
}

static int gated_spawn(void *ctx, const char *name, void *(*fn)(void *), void *arg, pthread_t *out)
{
    if (strcmp(name, "gc-mark") != 0)
        return testhost_spawn(ctx, name, fn, arg, out);
    gated *g = malloc(sizeof *g);
    if (g == NULL)
        return ENOMEM;
    *g = (gated){fn, arg};
    int rc = pthread_create(out, NULL, gated_main, g);
    if (rc != 0)
        free(g);
    return rc;
}

static void gate(int closed)
{
    pthread_mutex_lock(&gate_lock);
    gate_closed = closed;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
}

static gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = sink,
                        .spawn = gated_spawn, .log = testhost_log, .now_ns = testhost_now_ns,
                        .procs = 2, .mutators = 1};

static gcb_heap *new_heap(void)
{
    gcb_value v[GC_NOPTIONS] = {0};
    v[GC_OPT_MODE].i = 0;
    v[GC_OPT_GOGC].i = 100;
    v[GC_OPT_MEMLIMIT].special = 1;
    v[GC_OPT_VERIFY].i = 1;
    v[GC_OPT_RESERVE].i = (int64_t)1 << 30;
    v[GC_OPT_FORCEGC].special = 1;
    char err[256] = "";
    gcb_heap *heap = NULL;
    int rc = gc_plugin_heap_new(&table, &host, v, &heap, err, sizeof err);
    if (rc != 0)
        fail_msg("heap_new: %s", err);
    watch_heap = gc_heap_of(heap);
    memset(watch, 0, sizeof watch);
    atomic_store(&term_pauses, 0);
    return heap;
}

static node *new_node(gcb_mutator *m, uint64_t id)
{
    node *n = gcb_alloc(m, &node_t, sizeof(node));
    assert_non_null(n);
    n->id = id;
    n->check = mix(id);
    return n;
}

static void intact(const node *n, uint64_t id)
{
    assert_int_equal(n->id, id);
    assert_int_equal(n->check, mix(id));
}

/* Allocate garbage until m's own allocation starts a cycle (GOGC 100,
 * 4 MiB minimum goal): m, which stops the world itself, never parks, so
 * it is running, unasked, when mark begins, and every ragged barrier of
 * this mark waits for it.  (A cycle forced while m is blocked may end
 * before m runs again: a blocked mutator need not answer.) */
static void start_cycle(gcb_mutator *m, gc_heap *h)
{
    for (long i = 0; i < 10000000 && atomic_load(&h->phase) != GCPH_MARK; i++)
        assert_non_null(gcb_alloc(m, &node_t, sizeof(node)));
    assert_int_equal(atomic_load(&h->phase), GCPH_MARK);
}

/* Until the roots are scanned (shared list empty, nobody draining): then
 * a pointer the barrier stores can be found only through the barrier. */
static void wait_mark_done(gc_heap *h)
{
    uint64_t deadline = testhost_now_ns(NULL) + 20000000000ull;
    while (!mark_done(h)) {
        usleep(100);
        if (testhost_now_ns(NULL) > deadline)
            fail_msg("the roots were not scanned in 20 s");
    }
}

static int in_gcw(const gc_work *w, const void *p)
{
    for (int b = 0; b < 2; b++)
        for (uint32_t i = 0; i < w->buf[b].nobj; i++)
            if (w->buf[b].obj[i] == p)
                return 1;
    return 0;
}

static int in_shared(gc_heap *h, const void *p)
{
    pthread_mutex_lock(&h->work.lock);
    int found = 0;
    for (size_t i = 0; i < h->work.n; i++)
        found |= h->work.items[i] == p;
    pthread_mutex_unlock(&h->work.lock);
    return found;
}

/* Poll (answering ragged barriers, parking for the stop) until the cycle
 * in progress ends; `late`, if set, runs once when the stop is requested. */
static void finish_cycle(gcb_mutator *m, gc_heap *h, uint64_t cycles0,
                         void (*late)(gcb_mutator *, void *), void *arg)
{
    uint64_t deadline = testhost_now_ns(NULL) + 20000000000ull;
    while (atomic_load(&h->cycles) == cycles0) {
        if (atomic_load(&m->poll_requested) && late != NULL) {
            pthread_mutex_lock(&h->lock);
            int stw = h->stw;
            pthread_mutex_unlock(&h->lock);
            if (stw) {
                late(m, arg);
                late = NULL;
            }
        }
        gcb_poll(m);
        usleep(100);
        if (testhost_now_ns(NULL) > deadline)
            fail_msg("the cycle did not end in 20 s (phase %u)", atomic_load(&h->phase));
    }
}

static void test_barrier_shading_stays_private(void **state)
{
    (void)state;
    gcb_heap *heap = new_heap();
    gc_heap *h = gc_heap_of(heap);
    gcb_mutator *m = NULL;
    assert_int_equal(table.mutator_attach(heap, &m), 0);
    gc_mutator *gm = gc_mutator_of(m);
    node *a = new_node(m, 1), *x = new_node(m, 2), *y = new_node(m, 3);
    void *slots[1] = {a};
    gcb_frame f;
    gcb_frame_push(m, &f, slots, 1);
    x->p[0] = y; /* barrier off: x -> y, both unreachable */
    watch[0] = y;
    uint64_t c0 = atomic_load(&h->cycles);
    start_cycle(m, h);
    wait_mark_done(h);

    gcb_store(m, a, (void **)&a->p[0], x); /* shades x into m's buffer */
    assert_true(marked(h, x));
    assert_true(in_gcw(&gm->gcw, x));
    /* The other proc is idle, but no idle worker may take m's objects: y
     * stays white however long m runs without answering.  (The old shared
     * list had x scanned, and y marked, at once.) */
    usleep(50000);
    assert_true(in_gcw(&gm->gcw, x));
    assert_false(in_shared(h, x));
    assert_false(marked(h, y));
    assert_int_equal(atomic_load(&h->phase), GCPH_MARK);

    finish_cycle(m, h, c0, NULL, NULL);
    /* the ragged barrier brought x back and marking went on: y was
     * scanned before mark termination began, not by its drain */
    assert_true(atomic_load(&watch_marked[0]));
    assert_true(h->flush_found >= 1);
    assert_true(gc_work_empty(&gm->gcw));
    char err[256];
    assert_int_equal(table.verify(m, err, sizeof err), 0);
    intact(a, 1), intact(x, 2), intact(y, 3);
    assert_ptr_equal(a->p[0], x);
    assert_ptr_equal(x->p[0], y);
    gcb_frame_pop(m, &f);
    table.mutator_detach(m);
    table.heap_free(heap);
}

typedef struct late_arg {
    node *a, *z;
} late_arg;

static void late_store(gcb_mutator *m, void *arg)
{
    late_arg *la = arg;
    gcb_store(m, la->a, (void **)&la->a->p[1], la->z); /* z grey in m's buffer, w white */
}

static void test_termination_drains_buffers(void **state)
{
    (void)state;
    gcb_heap *heap = new_heap();
    gc_heap *h = gc_heap_of(heap);
    gcb_mutator *m = NULL;
    assert_int_equal(table.mutator_attach(heap, &m), 0);
    node *a = new_node(m, 1), *z = new_node(m, 4), *w = new_node(m, 5);
    void *slots[1] = {a};
    gcb_frame f;
    gcb_frame_push(m, &f, slots, 1);
    z->p[2] = w;
    watch[0] = w;
    uint64_t c0 = atomic_load(&h->cycles);
    start_cycle(m, h);
    late_arg la = {a, z};
    finish_cycle(m, h, c0, late_store, &la);
    /* z was shaded after the last ragged barrier, w was still white when
     * the pause began: only the termination's drain of m's buffer marked
     * it (verify checks that everything reachable is marked) */
    assert_ptr_equal(a->p[1], z);
    assert_false(atomic_load(&watch_marked[0]));
    assert_false(atomic_load(&h->failed));
    char err[256];
    assert_int_equal(table.verify(m, err, sizeof err), 0);
    /* w survives this cycle's sweep and the next cycle's */
    for (int i = 0; i < 20000; i++)
        gcb_alloc(m, &node_t, sizeof(node)); /* garbage: sweeping reuses (poisons) slots */
    gcb_collect(m);
    assert_int_equal(table.verify(m, err, sizeof err), 0);
    intact(z, 4), intact(w, 5);
    assert_ptr_equal(z->p[2], w);
    gcb_frame_pop(m, &f);
    table.mutator_detach(m);
    table.heap_free(heap);
}

/* A second mutator that shades x -> y into its buffer, then blocks
 * (detach = 0) or detaches (detach = 1) while the cycle goes on. */
typedef struct other {
    gcb_heap *heap;
    node *a, *x;
    int slot, detach;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int shaded, go;
    int held; /* x was in its buffer after the store */
} other;

static void *other_main(void *arg)
{
    other *o = arg;
    gcb_mutator *m = NULL;
    if (table.mutator_attach(o->heap, &m) != 0)
        return NULL;
    gcb_store(m, o->a, (void **)&o->a->p[o->slot], o->x);
    o->held = in_gcw(&gc_mutator_of(m)->gcw, o->x);
    if (!o->detach)
        gcb_blocking_enter(m);
    else
        table.mutator_detach(m);
    pthread_mutex_lock(&o->lock);
    o->shaded = 1;
    pthread_cond_broadcast(&o->cond);
    while (!o->go)
        pthread_cond_wait(&o->cond, &o->lock);
    pthread_mutex_unlock(&o->lock);
    if (!o->detach) {
        gcb_blocking_exit(m);
        table.mutator_detach(m);
    }
    return NULL;
}

static void test_blocked_and_detached_mutators_hand_over(void **state)
{
    (void)state;
    gcb_heap *heap = new_heap();
    gc_heap *h = gc_heap_of(heap);
    gcb_mutator *m = NULL;
    assert_int_equal(table.mutator_attach(heap, &m), 0);
    node *a = new_node(m, 1);
    node *x[2], *y[2];
    for (int i = 0; i < 2; i++) {
        x[i] = new_node(m, 10 + i);
        y[i] = new_node(m, 20 + i);
        x[i]->p[3] = y[i];
        watch[i] = y[i];
    }
    void *slots[1] = {a};
    gcb_frame f;
    gcb_frame_push(m, &f, slots, 1);
    uint64_t c0 = atomic_load(&h->cycles);
    start_cycle(m, h);
    wait_mark_done(h);

    other o[2];
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        o[i] = (other){.heap = heap, .a = a, .x = x[i], .slot = i, .detach = i};
        pthread_mutex_init(&o[i].lock, NULL);
        pthread_cond_init(&o[i].cond, NULL);
        assert_int_equal(pthread_create(&t[i], NULL, other_main, &o[i]), 0);
        /* m does not poll meanwhile: the ragged barrier waits for it, so
         * mark cannot end (nor a stop begin) before both have shaded */
        pthread_mutex_lock(&o[i].lock);
        while (!o[i].shaded)
            pthread_cond_wait(&o[i].cond, &o[i].lock);
        pthread_mutex_unlock(&o[i].lock);
        assert_true(o[i].held);
    }
    /* the cycle ends while one is blocked (it cannot answer a ragged
     * barrier) and the other gone; both buffers were scanned concurrently */
    finish_cycle(m, h, c0, NULL, NULL);
    assert_true(atomic_load(&watch_marked[0]));
    assert_true(atomic_load(&watch_marked[1]));
    char err[256];
    assert_int_equal(table.verify(m, err, sizeof err), 0);
    for (int i = 0; i < 2; i++) {
        pthread_mutex_lock(&o[i].lock);
        o[i].go = 1;
        pthread_cond_broadcast(&o[i].cond);
        pthread_mutex_unlock(&o[i].lock);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        pthread_mutex_destroy(&o[i].lock);
        pthread_cond_destroy(&o[i].cond);
        intact(x[i], 10 + i);
        intact(y[i], 20 + i);
        assert_ptr_equal(a->p[i], x[i]);
    }
    gcb_collect(m);
    assert_int_equal(table.verify(m, err, sizeof err), 0);
    gcb_frame_pop(m, &f);
    table.mutator_detach(m);
    table.heap_free(heap);
}

/* No mark worker runs (all held at their start): the mutator's own
 * allocations start the cycle, their assists scan the roots and the heap,
 * and the assist that runs out of work completes the mark: the ragged
 * barrier, mark termination and the cycle's end all happen on the test
 * thread, the workers still held.  Before assists were completion points
 * only worker 0 ended a mark: this cycle never ended, and the mutator
 * parked in its assist for good (the test timed out). */
static pthread_t term_thread;
static _Atomic int term_seen;

static void term_sink(void *ctx, const gcb_event *ev)
{
    sink(ctx, ev);
    if (ev->kind == GCB_EV_PAUSE_BEGIN && ev->phase != NULL &&
        strcmp(ev->phase, "mark-termination") == 0 && !atomic_exchange(&term_seen, 1))
        term_thread = pthread_self();
}

static void test_assist_completes_mark(void **state)
{
    (void)state;
    gate(1);
    host.event = term_sink;
    atomic_store(&term_seen, 0);
    gcb_heap *heap = new_heap();
    gc_heap *h = gc_heap_of(heap);
    gcb_mutator *m = NULL;
    assert_int_equal(table.mutator_attach(heap, &m), 0);
    node *keep = new_node(m, 7), *kid = new_node(m, 8);
    keep->p[0] = kid;
    void *slots[1] = {keep};
    gcb_frame f;
    gcb_frame_push(m, &f, slots, 1);
    uint64_t c0 = atomic_load(&h->cycles);
    start_cycle(m, h);
    uint64_t deadline = testhost_now_ns(NULL) + 20000000000ull;
    while (atomic_load(&h->cycles) == c0) {
        assert_non_null(gcb_alloc(m, &node_t, sizeof(node))); /* garbage: assists pay for it */
        if (testhost_now_ns(NULL) > deadline)
            fail_msg("the mark did not end in 20 s with the workers held (phase %u)",
                     atomic_load(&h->phase));
    }
    assert_true(atomic_load(&term_seen));
    assert_true(pthread_equal(term_thread, pthread_self())); /* the assist ended it */
    assert_false(atomic_load(&h->failed));
    char err[256];
    assert_int_equal(table.verify(m, err, sizeof err), 0);
    intact(keep, 7), intact(kid, 8);
    assert_ptr_equal(keep->p[0], kid);
    gcb_frame_pop(m, &f);
    table.mutator_detach(m);
    gate(0); /* the workers start, find no cycle and quit with the heap */
    table.heap_free(heap);
    host.event = sink;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_spills_only_when_both_full),
        cmocka_unit_test(test_try_get_own_first),
        cmocka_unit_test(test_balance_and_dispose),
        cmocka_unit_test(test_barrier_shading_stays_private),
        cmocka_unit_test(test_termination_drains_buffers),
        cmocka_unit_test(test_blocked_and_detached_mutators_hand_over),
        cmocka_unit_test(test_assist_completes_mark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
