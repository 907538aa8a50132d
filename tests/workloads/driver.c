/* driver.c - every workload through the real nogc and malloc plugins.
 *
 * Each (collector, workload) pair runs setup / thread_init / op x3 /
 * thread_fini / teardown on one attached mutator, the way the harness's
 * child does, and every call must return 0.  Then a deliberately broken
 * in-process collector ("corrupter") damages a live object at a safepoint,
 * and the workload's op must fail with a message: the validation can fail.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gcb/collector.h"
#include "gcb/mutator.h"
#include "gcb/workload.h"
#include "registry.h"
#include "../common/testhost.h"

/* ---- host services: tests/common/testhost.h ---- */
static const gcb_host host = {
    .abi = GCB_ABI_VERSION, .size = sizeof(gcb_host), .ctx = NULL,
    .event = testhost_event, .spawn = testhost_spawn, .log = testhost_log,
    .now_ns = testhost_now_ns,
    .procs = 1, .mutators = 1,
};

/* A descriptor's default as a value: the numeric forms this test needs. */
static gcb_value parse_default(const gcb_option_desc *d)
{
    gcb_value v = {0};
    char *end;
    double x = strtod(d->def, &end);
    static const struct { const char *s; double mul; } units[] = {
        {"", 1}, {"B", 1}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}};
    if (d->type == GCB_OPT_BYTES)
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strcmp(end, units[i].s) == 0)
                x *= units[i].mul;
    v.d = x;
    v.i = (int64_t)x;
    return v;
}

/* Values for n descriptors: defaults, then `names`=`vals` overrides. */
static void values(const gcb_option_desc *desc, uint32_t n, gcb_value *out,
                   const char *const *names, const int64_t *vals, size_t nover)
{
    for (uint32_t i = 0; i < n; i++) {
        out[i] = parse_default(&desc[i]);
        for (size_t k = 0; k < nover; k++)
            if (strcmp(desc[i].name, names[k]) == 0) {
                out[i].i = vals[k];
                out[i].d = (double)vals[k];
            }
    }
}

typedef struct wl_params {
    const char *workload;
    const char *names[3];
    int64_t vals[3];
    size_t n;
} wl_params;

static const wl_params small[] = {
    {"binarytrees", {"depth", "long_lived_depth"}, {8, 6}, 2},
    {"builder", {"writes", "piece"}, {1000, 36}, 2},
};

/* Run one workload on gc with `gcopts`.  If `arm` is set it is called
 * before the ops and the first op is expected to fail with a message. */
static void run(const gcb_collector *gc, const gcb_value *gcopts, const wl_params *p,
                void (*arm)(gcb_mutator *))
{
    char err[512] = "";
    const gcb_workload *w = workload_find(p->workload);
    CHECK(w != NULL, "workload %s not in the registry", p->workload);
    if (w == NULL)
        return;
    gcb_value pv[16];
    CHECK(w->nparams <= 16, "too many params");
    values(w->params, w->nparams, pv, p->names, p->vals, p->n);

    gcb_heap *h = NULL;
    int rc = gc->heap_new(&host, gcopts, &h, err, sizeof err);
    CHECK(rc == 0, "%s heap_new: %s", gc->name, err);
    if (rc != 0)
        return;
    gcb_mutator *m = NULL;
    rc = gc->mutator_attach(h, &m);
    CHECK(rc == 0 && m != NULL && m->gc == gc && m->heap == h, "%s attach", gc->name);
    void *state = NULL;
    rc = w->setup(pv, 1, &state, err, sizeof err);
    CHECK(rc == 0, "%s/%s setup: %s", gc->name, w->name, err);
    rc = w->thread_init(state, m, 0, err, sizeof err);
    CHECK(rc == 0, "%s/%s thread_init: %s", gc->name, w->name, err);
    gcb_frame *bottom = m->frames;
    if (arm != NULL) {
        arm(m);
        err[0] = '\0';
        rc = w->op(state, m, 0, 0, err, sizeof err);
        CHECK(rc == -1, "%s/%s: op on a corrupted heap returned %d", gc->name, w->name, rc);
        CHECK(strstr(err, w->name) != NULL && strstr(err, "expected") != NULL,
              "%s/%s: failure message '%s'", gc->name, w->name, err);
        printf("  %s/%s corrupted: op failed as it should: %s\n", gc->name, w->name, err);
    } else {
        for (uint64_t i = 0; i < 3; i++) {
            rc = w->op(state, m, 0, i, err, sizeof err);
            CHECK(rc == 0, "%s/%s op %llu: %s", gc->name, w->name, (unsigned long long)i, err);
        }
    }
    CHECK(m->frames == bottom, "%s/%s: op left frames pushed", gc->name, w->name);
    rc = w->thread_fini(state, m, 0, err, sizeof err);
    CHECK(rc == 0, "%s/%s thread_fini: %s", gc->name, w->name, err);
    CHECK(m->frames == NULL, "%s/%s: thread_fini left frames pushed", gc->name, w->name);
    w->teardown(state);
    CHECK(m->bytes_allocated > 0 && m->objects_allocated > 0, "%s/%s: nothing counted",
          gc->name, w->name);

    gcb_heap_stats st = {.size = sizeof st};
    gc->stats(h, &st);
    if (arm == NULL) {
        printf("  %s/%s: %llu objects, %llu bytes requested; heap %llu, mapped %llu, peak %llu, freed %llu\n",
               gc->name, w->name, (unsigned long long)m->objects_allocated,
               (unsigned long long)m->bytes_allocated, (unsigned long long)st.heap_bytes,
               (unsigned long long)st.mapped_bytes, (unsigned long long)st.peak_live_bytes,
               (unsigned long long)st.freed_explicit_bytes);
        if (strcmp(gc->name, "nogc") == 0) {
            CHECK(st.heap_bytes >= m->bytes_allocated, "nogc heap_bytes %llu < requested %llu",
                  (unsigned long long)st.heap_bytes, (unsigned long long)m->bytes_allocated);
            CHECK(st.mapped_bytes >= st.heap_bytes, "nogc mapped < heap");
            CHECK(st.peak_live_bytes == st.heap_bytes, "nogc peak != heap");
            CHECK(st.freed_explicit_bytes == 0, "nogc freed something");
        }
        if (strcmp(gc->name, "malloc") == 0) {
            /* Every object of both workloads is declared dead by the end. */
            CHECK(st.heap_bytes == 0, "malloc: %llu bytes still live after thread_fini",
                  (unsigned long long)st.heap_bytes);
            CHECK(st.freed_explicit_bytes >= m->bytes_allocated, "malloc freed %llu < %llu",
                  (unsigned long long)st.freed_explicit_bytes,
                  (unsigned long long)m->bytes_allocated);
            CHECK(st.peak_live_bytes > 0, "malloc peak 0");
        }
    }
    gc->mutator_detach(m);
    gc->heap_free(h);
}

/* Two mutator threads on one heap and one workload state, as the harness
 * runs threads = 2: per-thread roots and the heap's shared paths. */
typedef struct tjob {
    const gcb_collector *gc;
    gcb_heap *h;
    const gcb_workload *w;
    void *state;
    int tid;
    int rc;
    char err[512];
} tjob;

static void *thread_main(void *arg)
{
    tjob *j = arg;
    gcb_mutator *m = NULL;
    j->rc = j->gc->mutator_attach(j->h, &m);
    if (j->rc != 0) {
        snprintf(j->err, sizeof j->err, "attach failed");
        return NULL;
    }
    if ((j->rc = j->w->thread_init(j->state, m, j->tid, j->err, sizeof j->err)) == 0) {
        for (uint64_t i = 0; i < 3 && j->rc == 0; i++)
            j->rc = j->w->op(j->state, m, j->tid, i, j->err, sizeof j->err);
        int fin = j->w->thread_fini(j->state, m, j->tid, j->err, sizeof j->err);
        if (j->rc == 0)
            j->rc = fin;
    }
    j->gc->mutator_detach(m);
    return NULL;
}

static void run_threads(const gcb_collector *gc, const gcb_value *gcopts, const wl_params *p)
{
    char err[512] = "";
    const gcb_workload *w = workload_find(p->workload);
    if (w == NULL)
        return;
    gcb_value pv[16];
    values(w->params, w->nparams, pv, p->names, p->vals, p->n);
    gcb_heap *h = NULL;
    int rc = gc->heap_new(&host, gcopts, &h, err, sizeof err);
    CHECK(rc == 0, "%s heap_new: %s", gc->name, err);
    if (rc != 0)
        return;
    void *state = NULL;
    rc = w->setup(pv, 2, &state, err, sizeof err);
    CHECK(rc == 0, "%s/%s setup for 2 threads: %s", gc->name, w->name, err);
    tjob jobs[2];
    pthread_t th[2];
    for (int t = 0; t < 2; t++) {
        jobs[t] = (tjob){.gc = gc, .h = h, .w = w, .state = state, .tid = t};
        CHECK(pthread_create(&th[t], NULL, thread_main, &jobs[t]) == 0, "pthread_create");
    }
    for (int t = 0; t < 2; t++) {
        pthread_join(th[t], NULL);
        CHECK(jobs[t].rc == 0, "%s/%s thread %d of 2: %s", gc->name, w->name, t, jobs[t].err);
    }
    w->teardown(state);
    gcb_heap_stats st = {.size = sizeof st};
    gc->stats(h, &st);
    if (strcmp(gc->name, "malloc") == 0)
        CHECK(st.heap_bytes == 0, "malloc, 2 threads: %llu bytes still live",
              (unsigned long long)st.heap_bytes);
    printf("  %s/%s x2 threads: ok, heap %llu bytes\n", gc->name, w->name,
           (unsigned long long)st.heap_bytes);
    gc->heap_free(h);
}

/* ---- corrupter: a broken collector for proving validation can fail ----
 * calloc'd objects (kept on a list, freed with the heap).  Once armed
 * (poll_requested set), its safepoint damages the object in slot 0 of the
 * top frame, as a collector that freed and reused a live object would:
 * mode 0 flips a byte of it, mode 1 clears its second word (a node's
 * right child). */
typedef struct cobj { struct cobj *next; uint64_t pad; } cobj;
struct gcb_heap {
    cobj *objs;
    int mode;
    _Atomic uint32_t zero;
    int hits; /* safepoints that damaged something */
};
static const gcb_collector corrupter;
static int c_heap_new(const gcb_host *hs, const gcb_value *o, gcb_heap **out, char *e, size_t n)
{
    *out = calloc(1, sizeof **out);
    (*out)->mode = (int)o[0].i;
    return 0;
}
static void c_heap_free(gcb_heap *h)
{
    while (h->objs) {
        cobj *n = h->objs->next;
        free(h->objs);
        h->objs = n;
    }
    free(h);
}
static int c_attach(gcb_heap *h, gcb_mutator **out)
{
    gcb_mutator *m = calloc(1, sizeof *m);
    m->gc = &corrupter;
    m->heap = h;
    m->alloc_kind = GCB_ALLOC_SLOW;
    m->write_barrier = &h->zero;
    *out = m;
    return 0;
}
static void c_detach(gcb_mutator *m) { free(m); }
static void *c_alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    cobj *o = calloc(1, sizeof *o + bytes);
    o->next = m->heap->objs;
    m->heap->objs = o;
    return o + 1;
}
static void c_barrier(gcb_mutator *m, void *obj, void **slot, void *val) { *slot = val; }
static void c_safepoint(gcb_mutator *m)
{
    atomic_store(&m->poll_requested, 0);
    if (m->frames == NULL || m->frames->count == 0 || m->frames->slots[0] == NULL)
        return;
    char *p = m->frames->slots[0];
    if (m->heap->mode == 0)
        p[0] ^= 1;
    else
        ((void **)p)[1] = NULL;
    m->heap->hits++;
}
static void c_nop(gcb_mutator *m) {}
static void c_root(gcb_mutator *m, void **s) {}
static void c_stats(gcb_heap *h, gcb_heap_stats *s) {}
static const gcb_option_desc c_opts[] = {{"mode", GCB_OPT_INT, "0", "damage", 0, 1, NULL, NULL}};
static const gcb_collector corrupter = {
    .abi = GCB_ABI_VERSION, .size = sizeof(gcb_collector), .name = "corrupter",
    .description = "test: damages a live object", .noptions = 1, .options = c_opts,
    .heap_new = c_heap_new, .heap_free = c_heap_free, .mutator_attach = c_attach,
    .mutator_detach = c_detach, .alloc = c_alloc, .write_barrier = c_barrier,
    .safepoint = c_safepoint, .blocking_enter = c_nop, .blocking_exit = c_nop,
    .add_root = c_root, .collect = c_nop, .stats = c_stats,
};
static void arm(gcb_mutator *m) { atomic_store(&m->poll_requested, 1); }

int main(void)
{
    size_t nw;
    const gcb_workload *const *all = workload_all(&nw);
    /* binarytrees and builder at least (other workloads may be listed too). */
    size_t mine = 0;
    for (size_t i = 0; i < nw; i++)
        mine += strcmp(all[i]->name, "binarytrees") == 0 || strcmp(all[i]->name, "builder") == 0;
    CHECK(nw >= 2 && mine == 2, "registry lists %zu workloads, %zu of binarytrees/builder", nw, mine);
    for (size_t i = 0; i + 1 < nw; i++)
        CHECK(strcmp(all[i]->name, all[i + 1]->name) < 0, "registry not sorted at %s", all[i]->name);

    const char *plugins[] = {NOGC_SO, MALLOC_SO};
    for (size_t c = 0; c < 2; c++) {
        const gcb_collector *gc = load(plugins[c]);
        if (gc == NULL)
            continue;
        gcb_value opts[8];
        CHECK(gc->noptions <= 8, "too many options");
        values(gc->options, gc->noptions, opts, NULL, NULL, 0);
        for (size_t k = 0; k < sizeof small / sizeof small[0]; k++) {
            run(gc, opts, &small[k], NULL);
            run_threads(gc, opts, &small[k]);
        }
    }

    /* nogc at its smallest chunk: runs fill chunks exactly and the 4 MB
     * array of binarytrees takes the huge path (a mapping of its own). */
    const gcb_collector *nogc = load(NOGC_SO);
    if (nogc != NULL) {
        static const char *const names[] = {"chunk"};
        static const int64_t vals[] = {1 << 20};
        gcb_value opts[8];
        values(nogc->options, nogc->noptions, opts, names, vals, 1);
        for (size_t k = 0; k < sizeof small / sizeof small[0]; k++)
            run_threads(nogc, opts, &small[k]);
    }

    /* The validation can fail: builder (mode 0, a flipped byte) and
     * binarytrees (mode 1, a lost subtree). */
    gcb_value mode0 = {.i = 0}, mode1 = {.i = 1, .d = 1};
    run(&corrupter, &mode0, &small[1], arm);
    run(&corrupter, &mode1, &small[0], arm);

    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
