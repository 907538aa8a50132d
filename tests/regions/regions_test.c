/* regions_test.c - regions.so through its ABI, verify on, both marking modes:
 * - the cut-off: 2 KiB is a region allocation, 2 KiB + 1 a heap one;
 * - nesting: an outer object stored into an inner one fades nothing, an
 *   inner object stored into an outer one fades it and what it reaches,
 *   the outer object it points to included;
 * - a region object graph stored into a long-lived heap structure and a
 *   global survives 40 GC cycles with other regions' garbage in between,
 *   and its heap children survive with it;
 * - memory: region exit reclaims the garbage (counter), and a pinned block
 *   is given back by the GC once nothing reaches its objects;
 * - a dangling region pointer (written into a global root without
 *   gcb_store, breaking the API's rule) is caught by the GC's next mark,
 *   which fails the heap with a message naming a dead region object.
 */
#include <stdlib.h>
#include <string.h>

#include "gcb/collector.h"
#include "gcb/mutator.h"
#include "../common/testhost.h"

static const gcb_type node_t = {"node", 32, 2}; /* a, b, id, check */
static const gcb_collector *gc;
static void *global_slot;

static uint64_t mix(uint64_t x) { return x * 0x9E3779B97F4A7C15ull + 17; }

static uint64_t *node(gcb_mutator *m, uint64_t id)
{
    uint64_t *n = gcb_alloc(m, &node_t, 32);
    if (n) {
        n[2] = id;
        n[3] = mix(id);
    }
    return n;
}

static gcb_heap_stats stats(gcb_heap *h)
{
    gcb_heap_stats st = {.size = sizeof st};
    gc->stats(h, &st);
    return st;
}

/* Flushes the thread's counters: they reach the space every 256 exits and
 * at detach; the tests read them after a detach. */

typedef struct ctx {
    void **keep;      /* the long-lived heap table (2 slots) */
    uint64_t *outer;  /* nesting: the outer region's object */
    int chain;
    uint64_t *heapchild;
} ctx;

static void cutoff_body(gcb_mutator *m, void *arg)
{
    void *f[2] = {0};
    gcb_frame fr;
    gcb_frame_push(m, &fr, f, 2);
    f[0] = gcb_alloc(m, NULL, 2048);
    f[1] = gcb_alloc(m, NULL, 2049);
    gcb_frame_pop(m, &fr);
}

static void inner_body(gcb_mutator *m, void *arg)
{
    ctx *c = arg;
    void *f[2] = {0};
    gcb_frame fr;
    gcb_frame_push(m, &fr, f, 2);
    f[0] = node(m, 7);
    gcb_store(m, f[0], (void **)f[0], c->outer); /* inner -> outer: no fade */
    f[1] = node(m, 8);
    gcb_store(m, f[1], (void **)f[1], f[0]);
    gcb_store(m, c->outer, (void **)c->outer, f[1]); /* outer -> inner: fades 8 and 7 */
    gcb_frame_pop(m, &fr);
}

static void outer_body(gcb_mutator *m, void *arg)
{
    ctx *c = arg;
    void *f[1] = {0};
    gcb_frame fr;
    gcb_frame_push(m, &fr, f, 1);
    f[0] = c->outer = node(m, 6);
    gcb_region_do(m, inner_body, c);
    uint64_t *x = ((uint64_t **)f[0])[0];
    CHECK(x != NULL && x[2] == 8 && x[3] == mix(8), "inner object stored into the outer one lost");
    if (x) {
        uint64_t *y = (uint64_t *)x[0];
        CHECK(y != NULL && y[2] == 7 && y[3] == mix(7), "what the faded object reaches lost");
        CHECK(y == NULL || (uint64_t *)y[0] == f[0], "inner -> outer edge lost");
    }
    gcb_frame_pop(m, &fr);
}

static void chain_body(gcb_mutator *m, void *arg)
{
    ctx *c = arg;
    void *f[2] = {0};
    gcb_frame fr;
    gcb_frame_push(m, &fr, f, 2);
    for (int i = 0; i < c->chain; i++) {
        f[1] = node(m, 1000 + (uint64_t)i);
        gcb_store(m, f[1], (void **)f[1], f[0]);
        gcb_store(m, f[1], (void **)f[1] + 1, c->heapchild);
        f[0] = f[1];
    }
    gcb_store(m, c->keep, &c->keep[0], f[0]);      /* into a heap object */
    gcb_store(m, NULL, &global_slot, f[0]);        /* into a global root */
    gcb_frame_pop(m, &fr);
}

static void garbage_body(gcb_mutator *m, void *arg)
{
    void *f[1] = {0};
    gcb_frame fr;
    gcb_frame_push(m, &fr, f, 1);
    for (int i = 0; i < 2000; i++) {
        void *n = node(m, (uint64_t)i);
        gcb_store(m, n, (void **)n, f[0]);
        f[0] = n;
    }
    gcb_frame_pop(m, &fr);
}

static int chain_ok(const uint64_t *p, int n, const uint64_t *heapchild)
{
    for (int i = n - 1; i >= 0; i--) {
        if (p == NULL || p[2] != 1000 + (uint64_t)i || p[3] != mix(p[2]) ||
            (const uint64_t *)p[1] != heapchild)
            return 0;
        p = (const uint64_t *)p[0];
    }
    return p == NULL && heapchild[2] == 99 && heapchild[3] == mix(99);
}

static void dangling_body(gcb_mutator *m, void *arg)
{
    global_slot = node(m, 5); /* the planted bug: no gcb_store */
}

static gcb_heap *new_heap(int stw)
{
    static gcb_host host = {
        .abi = GCB_ABI_VERSION, .size = sizeof host, .event = testhost_event,
        .spawn = testhost_spawn, .log = testhost_log, .now_ns = testhost_now_ns, .procs = 2,
        .mutators = 1,
    };
    gcb_value v[32] = {0};
    testhost_set_option(gc, v, "mode", stw, 0);
    testhost_set_option(gc, v, "gogc", 100, 0);
    testhost_set_option(gc, v, "memlimit", -1, 1);
    testhost_set_option(gc, v, "verify", 1, 0);
    testhost_set_option(gc, v, "scavenge", 0, 0);
    testhost_set_option(gc, v, "reserve", (int64_t)1 << 30, 0);
    testhost_set_option(gc, v, "forcegc", 0, 1);
    testhost_set_option(gc, v, "block", 8192, 0);
    testhost_set_option(gc, v, "cutoff", 2048, 0);
    testhost_set_option(gc, v, "region_reserve", (int64_t)1 << 28, 0);
    testhost_set_option(gc, v, "chunk", (int64_t)1 << 20, 0);
    testhost_set_option(gc, v, "arena_reserve", (int64_t)1 << 28, 0);
    gcb_heap *h = NULL;
    char err[256];
    int rc = gc->heap_new(&host, v, &h, err, sizeof err);
    CHECK(rc == 0, "heap_new: %s", err);
    return rc == 0 ? h : NULL;
}

static void run(int stw)
{
    gcb_heap *h = new_heap(stw);
    if (h == NULL)
        return;
    gcb_mutator *m;
    CHECK(gc->mutator_attach(h, &m) == 0, "attach");
    gcb_add_root(m, &global_slot);
    global_slot = NULL;

    /* cut-off */
    gcb_region_do(m, cutoff_body, NULL);
    gc->mutator_detach(m);
    gcb_heap_stats st = stats(h);
    CHECK(st.region_entries == 1 && st.region_objects == 1 && st.region_bytes == 2048,
          "cut-off: %llu entries, %llu region objects of %llu B; want 1, 1, 2048",
          (unsigned long long)st.region_entries, (unsigned long long)st.region_objects,
          (unsigned long long)st.region_bytes);
    CHECK(st.region_reclaimed_bytes >= 2048, "cut-off: %llu B reclaimed at exit",
          (unsigned long long)st.region_reclaimed_bytes);
    CHECK(st.faded_objects == 0, "cut-off: %llu objects faded", (unsigned long long)st.faded_objects);

    /* nesting */
    CHECK(gc->mutator_attach(h, &m) == 0, "attach");
    ctx c = {0};
    gcb_region_do(m, outer_body, &c);
    gc->mutator_detach(m);
    st = stats(h);
    /* 8, 7, and 6 (outer) which 7 points to: a faded object never
     * points to a blue one, whatever region it is in */
    CHECK(st.faded_objects == 3 && st.barrier_slow == 1,
          "nesting: %llu objects faded by %llu slow paths, want 3 by 1",
          (unsigned long long)st.faded_objects, (unsigned long long)st.barrier_slow);

    /* long-lived: survives many cycles */
    CHECK(gc->mutator_attach(h, &m) == 0, "attach");
    void *fr[2] = {0};
    gcb_frame f;
    gcb_frame_push(m, &f, fr, 2);
    fr[0] = gcb_alloc(m, &node_t, 32);  /* the heap table: slots 0, 1 */
    fr[1] = node(m, 99);                /* a heap object only region objects reach */
    c = (ctx){.keep = fr[0], .chain = 300, .heapchild = fr[1]};
    gcb_region_do(m, chain_body, &c);
    fr[1] = NULL;
    gcb_heap_stats before = stats(h);
    for (int i = 0; i < 40; i++) {
        gcb_region_do(m, garbage_body, NULL);
        gcb_collect(m);
        const uint64_t *head = ((void **)fr[0])[0];
        if (!chain_ok(head, 300, c.heapchild) || global_slot != head) {
            CHECK(0, "cycle %d: the faded chain (or its heap child) did not survive", i);
            break;
        }
    }
    char err[256];
    CHECK(gc->verify(m, err, sizeof err) == 0, "verify: %s", err);
    /* drop it: the GC gives its pinned blocks back */
    gcb_store(m, fr[0], (void **)fr[0], NULL);
    gcb_store(m, NULL, &global_slot, NULL);
    gcb_collect(m);
    gcb_collect(m);
    gcb_heap_stats after = stats(h);
    CHECK(after.heap_bytes + 8192 <= before.heap_bytes,
          "pinned blocks not given back: heap %llu B with the chain, %llu B after dropping it",
          (unsigned long long)before.heap_bytes, (unsigned long long)after.heap_bytes);
    gcb_frame_pop(m, &f);
    gc->mutator_detach(m);
    st = stats(h);
    CHECK(st.faded_objects >= 3 + 300, "long-lived: %llu objects faded, want >= 303",
          (unsigned long long)st.faded_objects);
    CHECK(st.region_reclaimed_bytes >= 40ull * 2000 * 32, "garbage: %llu B reclaimed at exit",
          (unsigned long long)st.region_reclaimed_bytes);

    /* a dangling region pointer is caught */
    CHECK(gc->mutator_attach(h, &m) == 0, "attach");
    fprintf(stderr, "(the next failure message is expected)\n");
    gcb_region_do(m, dangling_body, NULL);
    gcb_collect(m);
    CHECK(gc->verify(m, err, sizeof err) != 0, "a dangling region pointer went unnoticed");
    global_slot = NULL;
    gc->mutator_detach(m);
    gc->heap_free(h);
}

int main(void)
{
    gc = load(REGIONS_SO);
    if (gc == NULL)
        return 1;
    CHECK(GCB_HAS(gc, region_do) && (gc->caps & GCB_CAP_REGIONS), "no regions in the table");
    run(0);
    run(1);
    if (failures == 0)
        printf("regions.abi: ok\n");
    return failures ? 1 : 0;
}
