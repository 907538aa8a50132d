/* host.h - the minimal host the suite tests run workloads with: CHECK,
 * host services (events ignored) and plugin loading as the harness does it
 * from tests/common/testhost.h; option values from defaults plus overrides,
 * and one-mutator / two-thread runs of a workload.  Header-only: each test
 * is one file. */
#ifndef GCB_TESTS_SUITE_HOST_H
#define GCB_TESTS_SUITE_HOST_H

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gcb/collector.h"
#include "gcb/mutator.h"
#include "gcb/workload.h"
#include "../common/testhost.h"

static unsigned long long last_heap_bytes; /* heap_bytes after the last run()'s teardown */

static const gcb_host host = {
    .abi = GCB_ABI_VERSION, .size = sizeof(gcb_host), .ctx = NULL,
    .event = testhost_event, .spawn = testhost_spawn, .log = testhost_log,
    .now_ns = testhost_now_ns,
    .procs = 2, .mutators = 2,
};

/* Descriptor defaults as values (numbers, byte units, bools, enum words),
 * then "name=value" overrides (integers, or enum words). */
static void values(const gcb_option_desc *desc, uint32_t n, gcb_value *out, const char *const *over)
{
    for (uint32_t i = 0; i < n; i++) {
        const gcb_option_desc *d = &desc[i];
        const char *text = d->def;
        size_t nl = strlen(d->name);
        for (const char *const *o = over; o != NULL && *o != NULL; o++)
            if (strncmp(*o, d->name, nl) == 0 && (*o)[nl] == '=')
                text = *o + nl + 1;
        gcb_value v = {0};
        if (d->type == GCB_OPT_BOOL) {
            v.i = strcmp(text, "true") == 0 || strcmp(text, "1") == 0 || strcmp(text, "on") == 0;
        } else if (d->type == GCB_OPT_ENUM) {
            size_t tl = strlen(text);
            int64_t k = 0;
            for (const char *c = d->choices; c != NULL; k++) {
                const char *bar = strchr(c, '|');
                size_t cl = bar ? (size_t)(bar - c) : strlen(c);
                if (cl == tl && strncmp(c, text, tl) == 0) {
                    v.i = k;
                    break;
                }
                c = bar ? bar + 1 : NULL;
            }
        } else {
            char *end;
            double x = strtod(text, &end);
            if (strcmp(end, "KiB") == 0)
                x *= 1024.0;
            else if (strcmp(end, "MiB") == 0)
                x *= 1048576.0;
            else if (strcmp(end, "GiB") == 0)
                x *= 1073741824.0;
            v.d = x;
            v.i = (int64_t)x;
            if (d->type == GCB_OPT_DOUBLE)
                v.i = (int64_t)x;
        }
        if (d->type != GCB_OPT_DOUBLE)
            v.d = (double)v.i;
        out[i] = v;
    }
}

/* A heap of gc with its default options; NULL on failure (checked). */
__attribute__((unused)) static gcb_heap *heap(const gcb_collector *gc)
{
    gcb_value opts[16];
    char err[512] = "";
    CHECK(gc->noptions <= 16, "%s: too many options", gc->name);
    values(gc->options, gc->noptions, opts, NULL);
    gcb_heap *h = NULL;
    int rc = gc->heap_new(&host, opts, &h, err, sizeof err);
    CHECK(rc == 0, "%s heap_new: %s", gc->name, err);
    return rc == 0 ? h : NULL;
}

typedef struct job {
    const gcb_collector *gc;
    gcb_heap *h;
    const gcb_workload *w;
    void *state;
    int tid;
    uint64_t ops;
    int rc;
    char err[512];
} job;

/* One mutator thread's life: attach, thread_init, ops, thread_fini, detach.
 * rc is the first non-zero return; err its message. */
static void *thread_main(void *arg)
{
    job *j = arg;
    gcb_mutator *m = NULL;
    j->rc = j->gc->mutator_attach(j->h, &m);
    if (j->rc != 0) {
        snprintf(j->err, sizeof j->err, "attach failed");
        return NULL;
    }
    if ((j->rc = j->w->thread_init(j->state, m, j->tid, j->err, sizeof j->err)) == 0) {
        for (uint64_t i = 0; i < j->ops && j->rc == 0; i++)
            j->rc = j->w->op(j->state, m, j->tid, i, j->err, sizeof j->err);
        char e2[512];
        int fin = j->w->thread_fini(j->state, m, j->tid, e2, sizeof e2);
        if (j->rc == 0 && fin != 0) {
            j->rc = fin;
            memcpy(j->err, e2, sizeof e2);
        }
        if (m->frames != NULL && j->rc == 0) {
            j->rc = -2;
            snprintf(j->err, sizeof j->err, "frames left pushed after thread_fini");
        }
    }
    j->gc->mutator_detach(m);
    return NULL;
}

/* Run w with overrides `over` on gc with nthreads threads x ops ops.
 * Returns 0 when every call returned 0, else the first failure's code,
 * its message in err. */
__attribute__((unused)) static int run(const gcb_collector *gc, const gcb_workload *w, const char *const *over,
               int nthreads, uint64_t ops, char *err, size_t errlen)
{
    gcb_value pv[16];
    CHECK(w->nparams <= 16, "%s: too many params", w->name);
    values(w->params, w->nparams, pv, over);
    gcb_heap *h = heap(gc);
    if (h == NULL)
        return -3;
    void *state = NULL;
    int rc = w->setup(pv, nthreads, &state, err, errlen);
    if (rc != 0) {
        gc->heap_free(h);
        return rc;
    }
    job jobs[4];
    pthread_t th[4];
    for (int t = 0; t < nthreads && t < 4; t++) {
        jobs[t] = (job){.gc = gc, .h = h, .w = w, .state = state, .tid = t, .ops = ops};
        if (nthreads == 1)
            thread_main(&jobs[t]);
        else
            CHECK(pthread_create(&th[t], NULL, thread_main, &jobs[t]) == 0, "pthread_create");
    }
    rc = 0;
    for (int t = 0; t < nthreads && t < 4; t++) {
        if (nthreads > 1)
            pthread_join(th[t], NULL);
        if (rc == 0 && jobs[t].rc != 0) {
            rc = jobs[t].rc;
            snprintf(err, errlen, "%s", jobs[t].err);
        }
    }
    w->teardown(state);
    gcb_heap_stats st = {.size = sizeof st};
    gc->stats(h, &st);
    last_heap_bytes = (unsigned long long)st.heap_bytes;
    gc->heap_free(h);
    return rc;
}

#endif
