/* stress.c - regions.so under random region work, verify on.
 *
 * usage: test_regions_stress MODE THREADS OPS
 *
 * Every operation of every mutator thread is one gcb_region_do.  Inside,
 * the thread builds a random graph of region objects (nodes, multi-element
 * objects, pointer-free buffers; some larger than the cut-off, so heap
 * objects too), links them to each other, to heap and faded objects held
 * outside, and to objects of enclosing regions (nested regions, up to
 * depth 3), and lets random objects escape on purpose:
 *   - into a slot of a long-lived heap table (gcb_store into a heap object),
 *   - into a global root (gcb_store with obj NULL),
 *   - into the thread's sync.Pool (gcb_pool_put),
 *   - into a slot of an arena object (the plugin's built-in arenas),
 *   - into a frame slot older than the region (plain assignment: region
 *     exit's frame scan must fade it),
 *   - into an object of the enclosing region (from a nested region).
 * Each escape is recorded (where, and the object's id) and checked once
 * the region has ended: the slot must still hold that object, intact,
 * with every object reachable from it intact (every object carries its id
 * and a checksum in each element; freed region blocks are poisoned under
 * verify, so a dangling escape shows as a bad checksum).  The whole
 * long-lived set (table, globals, arena, old frame) is checked every
 * CHECK_EVERY operations and at the end; explicit collections happen
 * inside and outside regions.  The plugin's verify option checks marks
 * (including the region invariant I3, space.c) after every mark, and
 * visit refuses any dead region object it reaches (I2); either failure
 * fails the test, as do broken event pairing and counters that say
 * nothing faded or nothing was reclaimed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcb/collector.h"
#include "gcb/mutator.h"
#include "gcb/pool.h"

#define TESTHOST_NO_CHECK
#include "../common/testhost.h"

#define TABLE 512      /* heap table slots per thread */
#define GLOBALS 64     /* global roots per thread */
#define ARENA_SLOTS 64 /* arena object slots per thread */
#define OLD 16         /* frame slots older than every region */
#define LOC 24         /* frame slots of a region body */
#define CHECK_EVERY 2000
#define MAXT 8

static const gcb_collector *gc;
static gcb_heap *heap;
static gcb_pool *pool;
static _Atomic int failures;
static _Atomic int pause_open, cycle_open;
static _Atomic long ncycles;
static void *globals[MAXT][GLOBALS];

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
        break;
    case GCB_EV_PAUSE_END:
        if (!atomic_exchange(&pause_open, 0))
            fail("pause end without begin");
        break;
    case GCB_EV_CYCLE_BEGIN:
        if (atomic_exchange(&cycle_open, 1))
            fail("overlapping cycles");
        gcb_pool_gc_cycle();
        break;
    case GCB_EV_CYCLE_END:
        if (!atomic_exchange(&cycle_open, 0))
            fail("cycle end without begin");
        atomic_fetch_add(&ncycles, 1);
        break;
    }
}

/* Every scanned object is an array of elements {a, b, tag, check}: a and b
 * pointer slots, tag = (elements << 44) | id, check = mix(tag) + index.
 * One element (32 B) is a node; more than 64 elements exceed the 2 KiB
 * cut-off and come from the heap even inside a region. */
static const gcb_type obj_t = {"robj", 32, 2};
/* The arena object and the heap table: arrays of one pointer slot. */
static const gcb_type slot_t = {"slot", 8, 1};

static uint64_t mix(uint64_t x) { return x * 0x9E3779B97F4A7C15ull ^ 0x5555; }

typedef struct thr {
    int idx;
    long ops;
    uint64_t rng;
    uint64_t next_id;
    gcb_mutator *m;
    void **table;      /* heap table (its pointer lives in old[0]) */
    void **arenaobj;   /* arena object (arena memory: a root of its own) */
    void **old;        /* the thread's frame older than every region */
    long escapes, checked, pool_checked;
} thr;

static uint64_t rnd(thr *t)
{
    t->rng ^= t->rng << 13;
    t->rng ^= t->rng >> 7;
    t->rng ^= t->rng << 17;
    return t->rng;
}

static uint64_t *new_obj(thr *t, size_t nel)
{
    uint64_t *o = gcb_alloc(t->m, &obj_t, nel * 32);
    if (o == NULL)
        return NULL;
    uint64_t tag = ((uint64_t)nel << 44) | ((uint64_t)t->idx << 36) | ++t->next_id;
    for (size_t e = 0; e < nel; e++) {
        o[e * 4 + 2] = tag;
        o[e * 4 + 3] = mix(tag) + e;
    }
    return o;
}

static uint64_t *new_buf(thr *t, size_t words)
{
    uint64_t *b = gcb_alloc(t->m, NULL, words * 8);
    if (b == NULL)
        return NULL;
    for (size_t i = 0; i < words; i++)
        b[i] = mix(words + i);
    return b;
}

/* 0 when the object at p and what it reaches (up to `budget` objects) is
 * intact; want: its expected tag, or 0 for any. */
static int valid(thr *t, const uint64_t *p, uint64_t want, const char *where)
{
    const uint64_t *stack[256];
    int n = 0, budget = 512;
    stack[n++] = p;
    while (n > 0 && budget-- > 0) {
        const uint64_t *o = stack[--n];
        uint64_t tag = o[2];
        size_t nel = tag >> 44;
        if (o == p && want != 0 && tag != want) {
            fail("thread %d: %s holds tag %#llx, want %#llx", t->idx, where,
                 (unsigned long long)tag, (unsigned long long)want);
            return -1;
        }
        if (nel == 0 || nel > 4096) {
            fail("thread %d: %s: object %p has a bad tag %#llx (freed or overwritten)", t->idx,
                 where, (const void *)o, (unsigned long long)tag);
            return -1;
        }
        for (size_t e = 0; e < nel; e++)
            if (o[e * 4 + 2] != tag || o[e * 4 + 3] != mix(tag) + e) {
                fail("thread %d: %s: object %p (tag %#llx) element %zu corrupted: %#llx %#llx",
                     t->idx, where, (const void *)o, (unsigned long long)tag, e,
                     (unsigned long long)o[e * 4 + 2], (unsigned long long)o[e * 4 + 3]);
                return -1;
            }
        t->checked++;
        /* Pointer slots of a shared object (reached from the table or the
         * pool) may be re-linked by another thread's gcb_store meanwhile:
         * read them atomically (relaxed; the store is a release). */
        for (size_t e = 0; e < nel && n < 254; e++)
            for (int k = 0; k < 2 && n < 254; k++) {
                uint64_t c = __atomic_load_n(&o[e * 4 + k], __ATOMIC_ACQUIRE);
                if (c)
                    stack[n++] = (const uint64_t *)c;
            }
    }
    return 0;
}

enum { TO_TABLE, TO_GLOBAL, TO_POOL, TO_ARENA, TO_OLDFRAME, TO_OUTER, NTO };
static const char *const to_name[NTO] = {"heap table", "global root", "pool", "arena object",
                                         "old frame slot", "enclosing region object"};

typedef struct esc {
    int to, idx;
    uint64_t tag;
    const uint64_t *dst; /* TO_OUTER: the enclosing region's object */
} esc;

typedef struct body_ctx {
    thr *t;
    int depth;
    void **outer;       /* the enclosing body's frame slots (LOC), or NULL */
    esc *escs;          /* this operation's escapes (for the outermost body) */
    int nesc, capesc;
} body_ctx;

static void escape(body_ctx *c, void **loc, uint64_t *o)
{
    thr *t = c->t;
    gcb_mutator *m = t->m;
    int to = (int)(rnd(t) % NTO);
    if (to == TO_OUTER && c->outer == NULL)
        to = TO_TABLE;
    esc e = {to, 0, o[2], NULL};
    switch (to) {
    case TO_TABLE:
        e.idx = (int)(rnd(t) % TABLE);
        gcb_store(m, t->table, &t->table[e.idx], o);
        break;
    case TO_GLOBAL:
        e.idx = (int)(rnd(t) % GLOBALS);
        gcb_store(m, NULL, &globals[t->idx][e.idx], o);
        break;
    case TO_POOL:
        gcb_pool_put(pool, m, t->idx, o, (o[2] >> 44) * 32);
        break;
    case TO_ARENA:
        e.idx = (int)(rnd(t) % ARENA_SLOTS);
        gcb_store(m, t->arenaobj, &t->arenaobj[e.idx], o);
        break;
    case TO_OLDFRAME:
        e.idx = 1 + (int)(rnd(t) % (OLD - 1));
        t->old[e.idx] = o; /* no barrier: region exit must find it */
        break;
    case TO_OUTER: {
        /* an object of the enclosing region: store into its slot a */
        uint64_t *d = NULL;
        for (int k = 0; k < LOC && d == NULL; k++) {
            uint64_t *x = c->outer[(k + rnd(t)) % LOC];
            if (x != NULL && (x[2] >> 44) < 64)
                d = x;
        }
        if (d == NULL)
            return;
        gcb_store(m, d, (void **)&d[0], o);
        e.dst = d; /* checked by the enclosing body once this region ended */
        break;
    }
    }
    t->escapes++;
    if (c->nesc == c->capesc) {
        c->capesc = c->capesc ? c->capesc * 2 : 16;
        c->escs = realloc(c->escs, (size_t)c->capesc * sizeof *c->escs);
    }
    c->escs[c->nesc++] = e;
    (void)loc;
}

static void body(gcb_mutator *m, void *arg);

/* Check this body's recorded escapes whose slot no later escape reused. */
static void check_escapes(thr *t, esc *escs, int n, int outer_only)
{
    for (int i = 0; i < n; i++) {
        esc *e = &escs[i];
        if ((e->to == TO_OUTER) != outer_only || e->to == TO_POOL)
            continue;
        int later = 0;
        for (int j = i + 1; j < n && !later; j++)
            later = escs[j].to == e->to && escs[j].idx == e->idx && escs[j].dst == e->dst;
        if (later)
            continue;
        const uint64_t *p = NULL;
        switch (e->to) {
        case TO_TABLE: p = t->table[e->idx]; break;
        case TO_GLOBAL: p = globals[t->idx][e->idx]; break;
        case TO_ARENA: p = t->arenaobj[e->idx]; break;
        case TO_OLDFRAME: p = t->old[e->idx]; break;
        case TO_OUTER: p = (const uint64_t *)e->dst[0]; break;
        }
        if (p == NULL) {
            fail("thread %d: escape into %s[%d] lost (NULL)", t->idx, to_name[e->to], e->idx);
            continue;
        }
        valid(t, p, e->tag, to_name[e->to]);
    }
}

static void body(gcb_mutator *m, void *arg)
{
    body_ctx *c = arg;
    thr *t = c->t;
    void *loc[LOC] = {0};
    gcb_frame f;
    gcb_frame_push(m, &f, loc, LOC);
    int n = 4 + (int)(rnd(t) % 40);
    for (int i = 0; i < n && !atomic_load(&failures); i++) {
        uint64_t r = rnd(t) % 100;
        int a = (int)(rnd(t) % LOC), b = (int)(rnd(t) % LOC);
        if (r < 45) {
            loc[a] = new_obj(t, 1);
        } else if (r < 55) {
            loc[a] = new_obj(t, 2 + rnd(t) % 40);
        } else if (r < 58) {
            loc[a] = new_obj(t, 65 + rnd(t) % 40); /* over the cut-off: heap */
        } else if (r < 65) {
            new_buf(t, 1 + rnd(t) % 200); /* pointer-free garbage */
            continue;
        } else if (r < 80) {
            /* link: loc[a].a or .b = loc[b], a table entry, or an outer object */
            uint64_t *d = loc[a];
            if (d == NULL)
                continue;
            void *v = loc[b];
            uint64_t w = rnd(t) % 4;
            if (w == 1)
                v = t->table[rnd(t) % TABLE];
            else if (w == 2 && c->outer)
                v = c->outer[rnd(t) % LOC];
            gcb_store(m, d, (void **)&d[(rnd(t) & 1) * 1], v);
            continue;
        } else if (r < 88) {
            uint64_t *o = loc[a];
            if (o != NULL)
                escape(c, loc, o);
            continue;
        } else if (r < 92 && c->depth < 3) {
            body_ctx in = {t, c->depth + 1, loc, NULL, 0, 0};
            gcb_region_do(m, body, &in);
            /* what the inner region stored into ours must be intact now */
            check_escapes(t, in.escs, in.nesc, 1);
            for (int k = 0; k < in.nesc; k++)
                if (in.escs[k].to != TO_OUTER) {
                    if (c->nesc == c->capesc) {
                        c->capesc = c->capesc ? c->capesc * 2 : 16;
                        c->escs = realloc(c->escs, (size_t)c->capesc * sizeof *c->escs);
                    }
                    c->escs[c->nesc++] = in.escs[k];
                }
            free(in.escs);
            continue;
        } else if (r < 93 && rnd(t) % 40 == 0) {
            gcb_collect(m); /* a cycle while regions are open */
            continue;
        } else {
            gcb_poll(m);
            continue;
        }
        if (loc[a] == NULL) {
            fail("thread %d: allocation returned NULL", t->idx);
            break;
        }
    }
    /* region objects reaching heap ones: intact after any cycle so far */
    for (int k = 0; k < LOC; k++)
        if (loc[k])
            valid(t, loc[k], 0, "a region frame slot");
    gcb_frame_pop(m, &f);
}

static void check_all(thr *t)
{
    for (int i = 0; i < TABLE; i++)
        if (t->table[i])
            valid(t, t->table[i], 0, "heap table");
    for (int i = 0; i < GLOBALS; i++)
        if (globals[t->idx][i])
            valid(t, globals[t->idx][i], 0, "global root");
    for (int i = 0; i < ARENA_SLOTS; i++)
        if (t->arenaobj[i])
            valid(t, t->arenaobj[i], 0, "arena object");
    for (int i = 1; i < OLD; i++)
        if (t->old[i])
            valid(t, t->old[i], 0, "old frame slot");
}

static void *mutate(void *arg)
{
    thr *t = arg;
    gcb_mutator *m;
    if (gc->mutator_attach(heap, &m) != 0) {
        fail("attach");
        return NULL;
    }
    t->m = m;
    void *old[OLD] = {0};
    gcb_frame of;
    gcb_frame_push(m, &of, old, OLD);
    t->old = old;
    old[0] = gcb_alloc(m, &slot_t, TABLE * sizeof(void *));
    t->table = old[0];
    for (int i = 0; i < GLOBALS; i++)
        gcb_add_root(m, &globals[t->idx][i]);
    gcb_pool_thread_init(pool, m, t->idx);
    gcb_arena *a = gcb_arena_new(m);
    t->arenaobj = gcb_arena_alloc(m, a, &slot_t, ARENA_SLOTS * sizeof(void *));
    /* a few heap objects for region objects to point at */
    for (int i = 0; i < TABLE; i += 4) {
        void *o = new_obj(t, 1);
        gcb_store(m, t->table, &t->table[i], o);
    }
    for (long op = 0; op < t->ops && !atomic_load(&failures); op++) {
        body_ctx c = {t, 1, NULL, NULL, 0, 0};
        gcb_region_do(m, body, &c);
        check_escapes(t, c.escs, c.nesc, 0);
        free(c.escs);
        /* pooled objects: whatever the pool gives back is intact */
        size_t bytes;
        void *x = gcb_pool_get(pool, m, t->idx, &bytes);
        if (x != NULL) {
            valid(t, x, 0, "pool");
            t->pool_checked++;
        }
        if (rnd(t) % 200 == 0)
            gcb_collect(m);
        if (rnd(t) % 50 == 0)
            old[1 + rnd(t) % (OLD - 1)] = NULL;
        if (op % CHECK_EVERY == CHECK_EVERY - 1)
            check_all(t);
    }
    check_all(t);
    char err[256];
    if (GCB_HAS(gc, verify) && gc->verify(m, err, sizeof err) != 0)
        fail("thread %d: verify: %s", t->idx, err);
    gcb_pool_thread_fini(pool, m, t->idx);
    gcb_arena_free(m, a);
    gcb_frame_pop(m, &of);
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
        fprintf(stderr, "usage: %s concurrent|stw THREADS OPS\n", argv[0]);
        return 2;
    }
    const char *path = getenv("REGIONS_SO") ? getenv("REGIONS_SO") : REGIONS_SO;
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return 2;
    }
    gc = ((gcb_collector_entry_fn)dlsym(dl, GCB_ENTRY_SYMBOL))();
    int nthreads = atoi(argv[2]);
    long ops = atol(argv[3]);
    if (nthreads < 1 || nthreads > MAXT) {
        fprintf(stderr, "THREADS must be 1..%d\n", MAXT);
        return 2;
    }
    gcb_host host = {
        .abi = GCB_ABI_VERSION, .size = sizeof host, .event = on_event, .spawn = testhost_spawn,
        .log = testhost_log, .now_ns = testhost_now_ns, .procs = 2, .mutators = (uint32_t)nthreads,
    };
    gcb_value v[32] = {0};
    for (uint32_t k = 0; k < gc->noptions && k < 32; k++) /* defaults for the rest */
        if (gc->options[k].type == GCB_OPT_BYTES || gc->options[k].type == GCB_OPT_INT)
            v[k].i = (int64_t)strtoull(gc->options[k].def, NULL, 10);
    set_opt(v, "mode", strcmp(argv[1], "stw") == 0, 0);
    set_opt(v, "gogc", 50, 0);
    set_opt(v, "memlimit", -1, 1);
    set_opt(v, "verify", getenv("NOVERIFY") == NULL, 0);
    set_opt(v, "scavenge", 0, 0);
    set_opt(v, "reserve", (int64_t)4 << 30, 0);
    set_opt(v, "forcegc", 0, 1);
    set_opt(v, "block", 8192, 0);
    set_opt(v, "cutoff", 2048, 0);
    set_opt(v, "region_reserve", (int64_t)1 << 30, 0);
    set_opt(v, "chunk", (int64_t)1 << 20, 0);
    set_opt(v, "arena_reserve", (int64_t)1 << 30, 0);
    if (gcb_pool_new(nthreads, &pool) != 0)
        return 2;
    char err[256];
    if (gc->heap_new(&host, v, &heap, err, sizeof err) != 0) {
        fprintf(stderr, "heap_new: %s\n", err);
        return 1;
    }
    pthread_t th[MAXT];
    thr ts[MAXT];
    for (int i = 0; i < nthreads; i++) {
        ts[i] = (thr){.idx = i, .ops = ops, .rng = 0x9876543ull * (i + 1) + 7};
        pthread_create(&th[i], NULL, mutate, &ts[i]);
    }
    long escapes = 0, checked = 0, pooled = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        escapes += ts[i].escapes;
        checked += ts[i].checked;
        pooled += ts[i].pool_checked;
    }
    gcb_heap_stats st = {.size = sizeof st};
    gc->stats(heap, &st);
    gc->heap_free(heap);
    gcb_pool_free(pool);
    if (atomic_load(&pause_open) || atomic_load(&cycle_open))
        fail("pause or cycle left open at the end");
    printf("%s threads=%d ops=%ld: cycles %ld, regions %llu, region objects %llu (%llu B), "
           "escapes %ld, faded %llu objects (%llu B, %llu pointers, %llu barrier slow paths, "
           "%.3f ms), reclaimed at exit %llu B, objects checked %ld (%ld from the pool), "
           "failures %d\n",
           argv[1], nthreads, ops, atomic_load(&ncycles), (unsigned long long)st.region_entries,
           (unsigned long long)st.region_objects, (unsigned long long)st.region_bytes, escapes,
           (unsigned long long)st.faded_objects, (unsigned long long)st.faded_bytes,
           (unsigned long long)st.fade_pointers, (unsigned long long)st.barrier_slow,
           (double)st.fade_ns / 1e6, (unsigned long long)st.region_reclaimed_bytes, checked,
           pooled, atomic_load(&failures));
    if (st.region_entries < (uint64_t)(ops * nthreads))
        fail("region entries %llu < operations %ld", (unsigned long long)st.region_entries,
             ops * nthreads);
    if (st.faded_objects == 0 || st.barrier_slow == 0 || st.region_reclaimed_bytes == 0)
        fail("nothing faded (%llu), no barrier slow path (%llu) or nothing reclaimed (%llu B)",
             (unsigned long long)st.faded_objects, (unsigned long long)st.barrier_slow,
             (unsigned long long)st.region_reclaimed_bytes);
    if (escapes == 0 || checked == 0)
        fail("no escape (%ld) or nothing checked (%ld)", escapes, checked);
    if (atomic_load(&ncycles) == 0)
        fail("no GC cycle ran");
    return atomic_load(&failures) ? 1 : 0;
}
