/* stress.c - random object-graph mutation on marksweep.so with verify on.
 *
 * usage: test_marksweep_stress MODE THREADS OPS [GOGC]
 *
 * Each mutator thread owns a frame of ROOTS slots and mutates a private
 * random graph: allocations of nodes, pointer arrays (some large) and
 * pointer-free buffers, pointer stores between reachable objects (through
 * gcb_store), dropped roots, explicit collections.  Every object carries
 * an id and a checksum derived from it; at the end (and every CHECK_EVERY
 * operations) every object reachable from the roots is checked, so a
 * collector that freed or reused a live object shows as a corrupted value.
 * The host checks event pairing; the plugin's verify option checks marks
 * and poison; any failure makes the test exit non-zero.
 *
 * With a plugin that honours free_sized (freetracked), some operations
 * also make temporaries and free them once they are dead: objects held
 * only in a frame of their own (roots while they live, so a concurrent
 * mark can find and mark them), stored into a live object and cut again
 * (the deletion barrier greys them during mark), then dropped and handed
 * to gcb_free_sized, or allocated with gcb_alloc_tracked in a scope that
 * frees them at gcb_scope_exit.  Frees happen in every phase, so a free
 * that reused a slot still reachable (or still queued for marking) shows
 * as a corrupted live object, a verify failure or a poison mismatch.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gcb/collector.h"
#include "gcb/mutator.h"

#define TESTHOST_NO_CHECK /* no CHECK: this test reports failures its own way */
#include "../common/testhost.h"

#define ROOTS 256
#define CHECK_EVERY 20000
#define KEEP 30000

static const gcb_collector *gc;
static gcb_heap *heap;
static _Atomic int failures;
static _Atomic int pause_open, cycle_open;
static _Atomic long npauses, ncycles, nassists, nmarks;
static _Thread_local int assist_open;

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    atomic_fetch_add(&failures, 1);
}

static void on_event(void *ctx, const gcb_event *ev)
{
    switch (ev->kind) {
    case GCB_EV_PAUSE_BEGIN:
        if (atomic_exchange(&pause_open, 1))
            fail("nested pause (%s)", ev->phase);
        atomic_fetch_add(&npauses, 1);
        break;
    case GCB_EV_PAUSE_END:
        if (!atomic_exchange(&pause_open, 0))
            fail("pause end without begin");
        break;
    case GCB_EV_CYCLE_BEGIN:
        if (atomic_exchange(&cycle_open, 1))
            fail("overlapping cycles (cycle %llu)", (unsigned long long)ev->cycle);
        break;
    case GCB_EV_CYCLE_END:
        if (!atomic_exchange(&cycle_open, 0))
            fail("cycle end without begin");
        if (ev->goal_bytes == 0)
            fail("cycle %llu with zero goal", (unsigned long long)ev->cycle);
        atomic_fetch_add(&ncycles, 1);
        break;
    case GCB_EV_MARK_BEGIN:
        atomic_fetch_add(&nmarks, 1);
        break;
    case GCB_EV_ASSIST_BEGIN:
        if (assist_open++)
            fail("nested assist");
        atomic_fetch_add(&nassists, 1);
        break;
    case GCB_EV_ASSIST_END:
        if (--assist_open != 0)
            fail("assist end without begin");
        break;
    }
}

/* node: left, right, id, check */
static const gcb_type node_t = {"node", 32, 2};
/* array element: ptr, id + index */
static const gcb_type elem_t = {"elem", 16, 1};

enum { K_NODE = 1, K_ARRAY = 2, K_BUF = 3 };

static uint64_t mix(uint64_t id) { return id * 0x9E3779B97F4A7C15ull ^ 0x5555; }

/* Kinds are told apart by a tag in the id's top bits. */
#define TAG(k, id) (((uint64_t)(k) << 56) | (id))

typedef struct thr {
    int idx;
    long ops;
    uint64_t rng;
    uint64_t next_id;
    long checked;
} thr;

static uint64_t rnd(thr *t)
{
    t->rng ^= t->rng << 13;
    t->rng ^= t->rng >> 7;
    t->rng ^= t->rng << 17;
    return t->rng;
}

/* Buffers are tagged with their word count so the checker knows their length. */
static void *new_obj(gcb_mutator *m, thr *t, int kind, size_t *out_n)
{
    uint64_t id = ++t->next_id | ((uint64_t)t->idx << 40);
    if (kind == K_NODE) {
        uint64_t *o = gcb_alloc(m, &node_t, 32);
        if (!o)
            return NULL;
        o[2] = TAG(K_NODE, id);
        o[3] = mix(o[2]);
        return o;
    }
    if (kind == K_ARRAY) {
        /* o[1] = tag | n, o[3] = id, o[2i+1] = mix(id) + i for i >= 2 */
        size_t n = rnd(t) % 100 == 0 ? 2100 + rnd(t) % 3000 : 2 + rnd(t) % 40;
        uint64_t *o = gcb_alloc(m, &elem_t, n * 16);
        if (!o)
            return NULL;
        o[1] = TAG(K_ARRAY, n);
        o[3] = id;
        for (size_t i = 2; i < n; i++)
            o[2 * i + 1] = mix(id) + i;
        *out_n = n;
        return o;
    }
    /* o[0] = tag | words, o[1] = id, o[i] = mix(id) ^ i for i >= 2 */
    size_t words = rnd(t) % 200 == 0 ? 5000 + rnd(t) % 20000 : 2 + rnd(t) % 128;
    uint64_t *o = gcb_alloc(m, NULL, words * 8);
    if (!o)
        return NULL;
    o[0] = TAG(K_BUF, words);
    o[1] = id;
    for (size_t i = 2; i < words; i++)
        o[i] = mix(id) ^ i;
    return o;
}

/* A small open-addressing set of visited objects. */
typedef struct vset {
    void **tab;
    size_t cap, n;
} vset;

static int vset_add(vset *s, void *p)
{
    if (s->n * 2 >= s->cap) {
        vset o = *s;
        s->cap = o.cap ? o.cap * 2 : 1024;
        s->tab = calloc(s->cap, sizeof *s->tab);
        s->n = 0;
        for (size_t i = 0; i < o.cap; i++)
            if (o.tab[i])
                vset_add(s, o.tab[i]);
        free(o.tab);
    }
    size_t i = ((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ull & (s->cap - 1);
    while (s->tab[i]) {
        if (s->tab[i] == p)
            return 0;
        i = (i + 1) & (s->cap - 1);
    }
    s->tab[i] = p;
    s->n++;
    return 1;
}

static int kind_of(uint64_t *o)
{
    /* node: o[2] tag; array: o[1] tag; buf: o[0] tag */
    if ((o[0] >> 56) == K_BUF)
        return K_BUF;
    if ((o[1] >> 56) == K_ARRAY)
        return K_ARRAY;
    if ((o[2] >> 56) == K_NODE)
        return K_NODE;
    return 0;
}

/* Check every object reachable from p; returns objects checked. */
static long check(thr *t, void *root, vset *vs)
{
    long n = 0;
    void **stack = malloc(sizeof(void *) * 1024);
    size_t sp = 0, cap = 1024;
    stack[sp++] = root;
    while (sp) {
        uint64_t *o = stack[--sp];
        if (!o || !vset_add(vs, o))
            continue;
        n++;
        void *kids[2];
        size_t nk = 0, arrn = 0;
        switch (kind_of(o)) {
        case K_NODE:
            if (o[3] != mix(o[2]))
                fail("thread %d: node %p corrupted: id %#llx check %#llx", t->idx, (void *)o,
                     (unsigned long long)o[2], (unsigned long long)o[3]);
            kids[nk++] = (void *)o[0];
            kids[nk++] = (void *)o[1];
            break;
        case K_ARRAY:
            arrn = o[1] & 0xffffff;
            for (size_t i = 2; i < arrn; i++)
                if (o[2 * i + 1] != mix(o[3]) + i) {
                    fail("thread %d: array %p (id %#llx) element %zu of %zu corrupted", t->idx,
                         (void *)o, (unsigned long long)o[3], i, arrn);
                    break;
                }
            break;
        case K_BUF: {
            size_t words = o[0] & 0xffffff;
            for (size_t i = 2; i < words; i++)
                if (o[i] != (mix(o[1]) ^ i)) {
                    fail("thread %d: buffer %p word %zu of %zu corrupted", t->idx, (void *)o, i, words);
                    break;
                }
            break;
        }
        default:
            fail("thread %d: object %p has no valid tag (%#llx %#llx %#llx)", t->idx, (void *)o,
                 (unsigned long long)o[0], (unsigned long long)o[1], (unsigned long long)o[2]);
        }
        for (size_t i = 0; i < nk; i++) {
            if (sp == cap)
                stack = realloc(stack, sizeof(void *) * (cap *= 2));
            stack[sp++] = kids[i];
        }
        for (size_t i = 0; i < arrn; i++) {
            if (sp == cap)
                stack = realloc(stack, sizeof(void *) * (cap *= 2));
            stack[sp++] = (void *)o[2 * i];
        }
    }
    free(stack);
    return n;
}

static long check_all(thr *t, void **roots)
{
    vset vs = {0};
    long n = 0;
    for (int i = 0; i < ROOTS; i++)
        n += check(t, roots[i], &vs);
    free(vs.tab);
    return n;
}

/* A random pointer slot of a scannable object, or NULL. */
static void **slot_of(thr *t, uint64_t *o)
{
    switch (kind_of(o)) {
    case K_NODE:
        return (void **)&o[rnd(t) % 2];
    case K_ARRAY: {
        size_t n = o[1] & 0xffffff;
        return (void **)&o[2 * (rnd(t) % n)];
    }
    default:
        return NULL;
    }
}

/* Make a few temporaries, let the GC see them, drop them and free them
 * (free_sized, or a tracked scope).  tmp is a frame of TMP + 1 slots. */
#define TMP 4
static int temporaries(gcb_mutator *m, thr *t, void **roots, void **tmp)
{
    int tracked = rnd(t) & 1;
    size_t sizes[TMP];
    if (tracked)
        gcb_scope_enter(m);
    for (int k = 0; k < TMP; k++) {
        int kind = rnd(t) & 1;
        size_t words = 2 + rnd(t) % 60;
        sizes[k] = kind ? 32 : words * 8;
        void *o = tracked ? gcb_alloc_tracked(m, kind ? &node_t : NULL, sizes[k])
                          : gcb_alloc(m, kind ? &node_t : NULL, sizes[k]);
        if (o == NULL) {
            fail("thread %d: allocation of a temporary returned NULL", t->idx);
            return -1;
        }
        uint64_t *w = o;
        uint64_t id = ++t->next_id | ((uint64_t)t->idx << 40);
        if (kind) {
            w[2] = TAG(K_NODE, id);
            w[3] = mix(w[2]);
            if (k > 0 && tmp[k - 1] && kind_of(tmp[k - 1]) == K_NODE)
                gcb_store(m, o, (void **)&w[0], tmp[k - 1]);
        } else {
            w[0] = TAG(K_BUF, words);
            w[1] = id;
            for (size_t i = 2; i < words; i++)
                w[i] = mix(id) ^ i;
        }
        tmp[k] = o;
    }
    /* Briefly reachable from the live graph: a mark running now greys it. */
    int r = (int)(rnd(t) % ROOTS);
    void **s = roots[r] ? slot_of(t, roots[r]) : NULL;
    tmp[TMP] = s ? *s : NULL; /* the displaced value: rooted while the GC may run */
    if (s)
        gcb_store(m, roots[r], s, tmp[rnd(t) % TMP]);
    gcb_poll(m);
    if (s)
        gcb_store(m, roots[r], s, tmp[TMP]);
    tmp[TMP] = NULL;
    /* Every temporary must still be intact before it dies. */
    vset vs = {0};
    for (int k = 0; k < TMP; k++)
        check(t, tmp[k], &vs);
    free(vs.tab);
    if (tracked) {
        for (int k = 0; k < TMP; k++)
            tmp[k] = NULL;
        gcb_scope_exit(m);
    } else {
        for (int k = TMP; k-- > 0;) {
            void *o = tmp[k];
            tmp[k] = NULL;
            gcb_free_sized(m, o, sizes[k]);
        }
    }
    return 0;
}

static void *mutate(void *arg)
{
    thr *t = arg;
    gcb_mutator *m;
    if (gc->mutator_attach(heap, &m) != 0) {
        fail("attach");
        return NULL;
    }
    void *roots[ROOTS] = {0};
    gcb_frame f;
    gcb_frame_push(m, &f, roots, ROOTS);
    /* A long-lived chain in a frame of its own makes every mark phase
     * last long enough for the mutator to move pointers under it; roots
     * also link into it, so it is part of the graph being shuffled. */
    void *keep[2] = {0};
    gcb_frame kf;
    gcb_frame_push(m, &kf, keep, 2);
    for (int k = 0; k < KEEP; k++) {
        size_t n;
        keep[1] = new_obj(m, t, K_NODE, &n);
        if (keep[1] == NULL) {
            fail("thread %d: allocation returned NULL building the chain", t->idx);
            break;
        }
        gcb_store(m, keep[1], (void **)keep[1], keep[0]);
        keep[0] = keep[1];
    }
    keep[1] = NULL;
    void *tmp[TMP + 1] = {0};
    gcb_frame tf;
    gcb_frame_push(m, &tf, tmp, TMP + 1);
    int frees = GCB_HAS(gc, free_sized);
    for (long op = 0; op < t->ops && !atomic_load(&failures); op++) {
        if (frees && rnd(t) % 8 == 0) {
            if (temporaries(m, t, roots, tmp) != 0)
                break;
            continue;
        }
        uint64_t r = rnd(t) % 100;
        int i = (int)(rnd(t) % ROOTS), j = (int)(rnd(t) % ROOTS);
        if (r < 50) {
            size_t n = 0;
            int kind = r < 25 ? K_NODE : r < 38 ? K_ARRAY : K_BUF;
            void *o = new_obj(m, t, kind, &n);
            if (o == NULL) {
                fail("thread %d: allocation returned NULL at op %ld", t->idx, op);
                break;
            }
            /* keep it reachable: either a root or stored into a reachable object */
            if (roots[i] && (rnd(t) & 1)) {
                void **s = slot_of(t, roots[i]);
                if (s) {
                    gcb_store(m, roots[i], s, o);
                    continue;
                }
            }
            roots[i] = o;
        } else if (r < 70) {
            /* load a child of roots[j] into roots[i] (heap -> stack), and
             * sometimes cut the heap edge it came from */
            if (!roots[j])
                continue;
            void **s = slot_of(t, roots[j]);
            if (!s || !*s)
                continue;
            roots[i] = *s;
            if (rnd(t) & 1)
                gcb_store(m, roots[j], s, NULL);
        } else if (r < 92) {
            /* store roots[j] into roots[i] or an object below it */
            if (!roots[i] || !roots[j])
                continue;
            uint64_t *dst = roots[i];
            for (int d = rnd(t) % 4; d > 0; d--) {
                void **s = slot_of(t, dst);
                if (!s || !*s)
                    break;
                dst = *s;
            }
            void **s = slot_of(t, dst);
            if (s)
                gcb_store(m, dst, s, rnd(t) % 8 ? roots[j] : NULL);
        } else if (r < 95) {
            roots[i] = NULL;
        } else if (r < 98 && rnd(t) % 50 == 0) {
            gcb_collect(m);
        } else {
            gcb_poll(m);
        }
        if (op % CHECK_EVERY == CHECK_EVERY - 1)
            t->checked += check_all(t, roots);
    }
    t->checked += check_all(t, roots);
    {
        vset vs = {0};
        t->checked += check(t, keep[0], &vs);
        free(vs.tab);
    }
    char err[256];
    if (GCB_HAS(gc, verify) && gc->verify(m, err, sizeof err) != 0)
        fail("thread %d: verify: %s", t->idx, err);
    gcb_frame_pop(m, &tf);
    gcb_frame_pop(m, &kf);
    gcb_frame_pop(m, &f);
    gc->mutator_detach(m);
    return NULL;
}

static void set_opt(gcb_value *v, const char *name, int64_t i, int special)
{
    if (testhost_set_option(gc, v, name, i, special) != 0)
        exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s concurrent|stw THREADS OPS [GOGC]\n", argv[0]);
        return 2;
    }
    const char *path = getenv("MARKSWEEP_SO") ? getenv("MARKSWEEP_SO") : MARKSWEEP_SO;
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return 2;
    }
    gcb_collector_entry_fn entry = (gcb_collector_entry_fn)dlsym(dl, GCB_ENTRY_SYMBOL);
    gc = entry();
    int nthreads = atoi(argv[2]);
    long ops = atol(argv[3]);
    gcb_host host = {
        .abi = GCB_ABI_VERSION, .size = sizeof host, .event = on_event, .spawn = testhost_spawn,
        .log = testhost_log, .now_ns = testhost_now_ns, .procs = getenv("PROCS") ? (uint32_t)atoi(getenv("PROCS")) : 1, .mutators = (uint32_t)nthreads,
    };
    gcb_value v[16] = {0};
    set_opt(v, "mode", strcmp(argv[1], "stw") == 0, 0);
    set_opt(v, "gogc", argc > 4 ? atoi(argv[4]) : 50, 0);
    set_opt(v, "memlimit", -1, 1);
    set_opt(v, "gctrace", getenv("GCTRACE") != NULL, 0);
    set_opt(v, "verify", getenv("NOVERIFY") == NULL, 0);
    set_opt(v, "scavenge", 0, 0);
    set_opt(v, "reserve", (int64_t)4 << 30, 0);
    char err[256];
    if (gc->heap_new(&host, v, &heap, err, sizeof err) != 0) {
        fprintf(stderr, "heap_new: %s\n", err);
        return 1;
    }
    pthread_t th[16];
    thr ts[16];
    for (int i = 0; i < nthreads; i++) {
        ts[i] = (thr){.idx = i, .ops = ops, .rng = 0x1234567ull * (i + 1) + 99};
        pthread_create(&th[i], NULL, mutate, &ts[i]);
    }
    long checked = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        checked += ts[i].checked;
    }
    gcb_heap_stats st = {.size = sizeof st};
    gc->stats(heap, &st);
    gc->heap_free(heap);
    if (atomic_load(&pause_open) || atomic_load(&cycle_open))
        fail("pause or cycle left open at the end");
    /* stats were read before heap_free, which may finish one more cycle */
    if (st.cycles == 0 || atomic_load(&ncycles) < (long)st.cycles ||
        atomic_load(&ncycles) > (long)st.cycles + 1)
        fail("cycles: stats say %llu, events %ld", (unsigned long long)st.cycles, atomic_load(&ncycles));
    printf("%s threads=%d ops=%ld: cycles %ld pauses %ld assists %ld, objects checked %ld, "
           "peak live %llu B, frees %llu (skipped %llu, %llu B reused), failures %d\n",
           argv[1], nthreads, ops, atomic_load(&ncycles), atomic_load(&npauses),
           atomic_load(&nassists), checked, (unsigned long long)st.peak_live_bytes,
           (unsigned long long)st.frees, (unsigned long long)st.frees_skipped,
           (unsigned long long)st.reused_bytes, atomic_load(&failures));
    if (GCB_HAS(gc, free_sized) && (st.frees == 0 || st.reused_bytes == 0))
        fail("a free_sized plugin acted on no free (%llu) or reused nothing (%llu B)",
             (unsigned long long)st.frees, (unsigned long long)st.reused_bytes);
    return atomic_load(&failures) ? 1 : 0;
}
