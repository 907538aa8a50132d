/* workloads.c - every registered workload on one real peer plugin.
 *
 *   test_peers_workloads PLUGIN.so [option=value ...]
 *
 * One heap for the whole process (libgc allows one per process); for each
 * workload, two mutator threads (plain pthread_create, as the harness's
 * child) attach, run thread_init / OPS ops / thread_fini and detach, while
 * collecting plugins are forced to collect between ops.  Every call must
 * return 0 (the workloads validate their own results), and the plugin's
 * events must pair up.
 */
#define _GNU_SOURCE
#include "host.h"

#include "gcb/mutator.h"
#include "gcb/workload.h"
#include "registry.h"

#define THREADS 2
#define OPS 4

/* Small sizes for the known workloads; others run with their defaults. */
static const struct { const char *workload, *param; int64_t value; } small[] = {
    {"binarytrees", "depth", 12},
    {"binarytrees", "long_lived_depth", 10},
    {"builder", "writes", 1000},
    {"builder", "piece", 36},
};

typedef struct worker {
    const gcb_collector *gc;
    gcb_heap *h;
    const gcb_workload *w;
    void *state;
    int tid;
    char err[512];
    int rc;
} worker;

static void *work(void *arg)
{
    worker *k = arg;
    gcb_mutator *m = NULL;
    k->rc = k->gc->mutator_attach(k->h, &m);
    if (k->rc != 0) {
        snprintf(k->err, sizeof k->err, "attach failed (%d)", k->rc);
        return NULL;
    }
    k->rc = k->w->thread_init(k->state, m, k->tid, k->err, sizeof k->err);
    for (uint64_t i = 0; k->rc == 0 && i < OPS; i++) {
        k->rc = k->w->op(k->state, m, k->tid, i, k->err, sizeof k->err);
        if (k->gc->caps & GCB_CAP_COLLECTS)
            gcb_collect(m);
    }
    if (k->rc == 0)
        k->rc = k->w->thread_fini(k->state, m, k->tid, k->err, sizeof k->err);
    k->gc->mutator_detach(m);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PLUGIN.so [option=value ...]\n", argv[0]);
        return 2;
    }
    const gcb_collector *gc = load(argv[1]);
    if (gc == NULL)
        return 1;
    gcb_value opts[32];
    options(gc, opts, argc - 2, argv + 2);
    host.mutators = THREADS;
    char err[512] = "";
    gcb_heap *h = NULL;
    int rc = gc->heap_new(&host, opts, &h, err, sizeof err);
    CHECK(rc == 0, "%s heap_new: %s", gc->name, err);
    if (rc != 0)
        return 1;

    size_t nw = 0;
    const gcb_workload *const *all = workload_all(&nw);
    CHECK(nw >= 2, "only %zu workloads registered", nw);
    for (size_t i = 0; i < nw; i++) {
        const gcb_workload *w = all[i];
        gcb_value pv[32];
        CHECK(w->nparams <= 32, "%s: too many params", w->name);
        for (uint32_t p = 0; p < w->nparams && p < 32; p++) {
            pv[p] = value_of(&w->params[p], w->params[p].def);
            for (size_t s = 0; s < sizeof small / sizeof small[0]; s++)
                if (strcmp(small[s].workload, w->name) == 0 &&
                    strcmp(small[s].param, w->params[p].name) == 0) {
                    pv[p].i = small[s].value;
                    pv[p].d = (double)small[s].value;
                }
        }
        void *state = NULL;
        rc = w->setup(pv, THREADS, &state, err, sizeof err);
        CHECK(rc == 0, "%s/%s setup: %s", gc->name, w->name, err);
        if (rc != 0)
            continue;
        worker k[THREADS];
        pthread_t tid[THREADS];
        for (int t = 0; t < THREADS; t++) {
            k[t] = (worker){.gc = gc, .h = h, .w = w, .state = state, .tid = t};
            CHECK(pthread_create(&tid[t], NULL, work, &k[t]) == 0, "pthread_create");
        }
        for (int t = 0; t < THREADS; t++) {
            pthread_join(tid[t], NULL);
            CHECK(k[t].rc == 0, "%s/%s thread %d: %s", gc->name, w->name, t, k[t].err);
        }
        w->teardown(state);
        fprintf(stderr, "%s/%s: %s\n", gc->name, w->name,
                k[0].rc == 0 && k[1].rc == 0 ? "ok" : "FAILED");
    }

    gcb_heap_stats s = {.size = sizeof s};
    gc->stats(h, &s);
    pthread_mutex_lock(&events.lock);
    CHECK(events.errors == 0 && !events.pause_open && !events.cycle_open,
          "event pairing broken (%ld errors)", events.errors);
    if (gc->caps & GCB_CAP_COLLECTS)
        CHECK(events.cycles > 0 && s.cycles > 0, "no cycles reported");
    pthread_mutex_unlock(&events.lock);
    fprintf(stderr, "%s: %ld cycles, %ld pauses; heap %llu, peak %llu, freed %llu\n", gc->name,
            events.cycles, events.pauses, (unsigned long long)s.heap_bytes,
            (unsigned long long)s.peak_live_bytes, (unsigned long long)s.freed_explicit_bytes);
    gc->heap_free(h);
    return failures == 0 ? 0 : 1;
}
