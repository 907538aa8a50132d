/* fuzz.c - a differential fuzzer for the collectors.
 *
 * Each mutator thread runs a seeded random mutator (splitmix64 from seed
 * and tid) over a graph of objects of its own: pointer-free objects,
 * objects with pointers (types[] below: 1 to 31 pointer slots per element,
 * arrays of elements), sizes from 8 B to `max_size` (about 1 % above
 * 32 KiB, Go's large-object bound).  Every op is one of
 *   alloc  a new object into a root, often also linked from a reachable one;
 *   store  gcb_store of a reachable object (or NULL) into a reachable
 *          object's pointer slot; a third of stores are moves (the value
 *          comes out of another object's slot, which is then cleared);
 *   drop   clear a root or a slot; what dies is handed to gcb_dead;
 *   free   the same, and what dies is handed to gcb_free_sized;
 *   write  scalar words of a reachable object rewritten;
 *   scope  gcb_scope_enter, 1-6 objects from gcb_alloc_tracked linked to
 *          each other and to the heap (sometimes a nested scope), checked,
 *          dropped, gcb_scope_exit;
 *   arena  gcb_arena_new / gcb_arena_alloc (objects linked to their arena's
 *          objects and to the heap, never from the heap) / gcb_arena_free
 *          (after every root naming the arena's objects is cleared);
 *   pool   gcb_pool_get (validated, then refilled) / gcb_pool_put of a
 *          pointer-free POOL_BYTES object only a root names,
 * drawn with the weights of params alloc..pool (-1: the preset's).
 *
 * The shadow: every object's identity, size, type, slot targets and a copy
 * of its scalar words live in malloc'd memory (struct obj), with the
 * count of roots and slots naming it (refs).  An object whose refs fall to
 * 0 dies at once (with everything that dies with it); unreachable cycles
 * die at the next full walk.  Arena objects die only when their arena is
 * freed (a live arena keeps them, as the arena collector does).
 *
 * Validation compares the heap with the shadow, walking only what the
 * shadow says is reachable, and fails the run with the first difference:
 * the object (t<tid>#<serial>, size, type), the word or pointer slot, what
 * was expected and what was found.  After every op a partial check reads
 * the objects the op touched since its last allocation and a random path
 * of up to 4 objects from a root (sampled words of large objects); every
 * `check_every` ops, when the shadow is full and in thread_fini, a full
 * walk checks every reachable object entirely, sweeps the shadow and asks
 * the collector's verify() (the Go-like collectors with verify = true).
 * Identity word: word 0 of a pointer-free object, the first scalar word
 * (word nptrs) of an object with pointers; it holds the object's id, so a
 * slot freed and reused shows as a wrong identity, a freed slot poisoned
 * by verify as a wrong word.  Fresh objects must be zeroed (checked).
 *
 * Test-only params: `corrupt` damages one object's identity at op 0;
 * `inject` plants a mutator bug the fuzzer must catch:
 *   barrier  while the collector's write barrier is on, every op starts
 *            with 8 moves and every store is a raw write, so a moved
 *            object can hide from a concurrent mark in an object already
 *            scanned (Go's deletion barrier is what shades it);
 *   root     every 97 ops a root's object (named by nothing else) is kept
 *            only in malloc'd memory for 300 ops, then put back and its
 *            subtree checked;
 *   free     every 61 ops the newest object still in a root is passed to
 *            gcb_free_sized while reachable, an object of its size is
 *            allocated, and the freed one is checked.
 *
 * Determinism: the op stream depends only on seed, tid and params (GC
 * timing never draws from it; pool hits and misses draw the same), so the
 * shadow, and the checksum, are the same on every collector.
 * Checksum (workloads/digest.h): per op, its kind and the shadow's live
 * count; every allocated id; per full walk, each reached object's id and
 * word sum in walk order.  No Go twin.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "lib/rand.h"
#include "gcb/pool.h"
#include "gcb/workload.h"

#define NROOT 32         /* general root slots of a thread's frame */
#define NTEMP 12         /* temporaries (tracked objects) after them */
#define NARENA 2         /* live arenas per thread, at most */
#define NTOUCH 16        /* objects a partial check reads besides its path */
#define POOL_BYTES 256   /* size of every pooled object */
#define POOL_TAG 0x706f6f6c00000000ull /* "pool": word 0 of a pooled object | bytes */
#define LARGE 32768      /* bytes: above is a large object (Go's bound) */
#define HIDE_EVERY 97    /* inject=root: ops between hidings */
#define HIDE_OPS 300     /* inject=root: ops a root stays hidden */
#define FREE_EVERY 61    /* inject=free: ops between premature frees */

enum { K_ALLOC, K_STORE, K_DROP, K_FREE, K_WRITE, K_SCOPE, K_ARENA, K_POOL, NKINDS };
static const char *const after[NKINDS] = {
    "partial check after alloc", "partial check after store", "partial check after drop",
    "partial check after free", "partial check after write", "partial check after scope",
    "partial check after arena", "partial check after pool"};

enum { PRE_MIXED, PRE_GRAPH, PRE_CHURN };
/* Weights per preset, in K_* order. */
static const int preset_weights[][NKINDS] = {
    [PRE_MIXED] = {30, 25, 12, 8, 10, 6, 4, 5},
    [PRE_GRAPH] = {25, 50, 15, 5, 5, 0, 0, 0},
    [PRE_CHURN] = {45, 10, 15, 20, 0, 4, 2, 4},
};

enum { INJ_NONE, INJ_BARRIER, INJ_ROOT, INJ_FREE };

enum { P_SEED, P_PRESET, P_W0, P_MAX_LIVE = P_W0 + NKINDS, P_MAX_SIZE, P_CHECK_EVERY,
       P_CORRUPT, P_INJECT };

#define WEIGHT(k, what) \
    {k, GCB_OPT_INT, "-1", "relative weight of " what " ops; -1: the preset's", -1, 1000, NULL, NULL}

static const gcb_option_desc params[] = {
    {"seed", GCB_OPT_INT, "1", "seed of the op stream (each thread: seed and its tid)", 0, 1e18,
     NULL, NULL},
    {"preset", GCB_OPT_ENUM, "mixed",
     "op weights: mixed (every kind), graph (stores and drops), churn (alloc and free)", 0, 0,
     "mixed|graph|churn", NULL},
    WEIGHT("alloc", "alloc"),
    WEIGHT("store", "store (and move)"),
    WEIGHT("drop", "drop (gcb_dead)"),
    WEIGHT("free", "free hint (gcb_free_sized)"),
    WEIGHT("write", "scalar write"),
    WEIGHT("scope", "tracked scope"),
    WEIGHT("arena", "arena"),
    WEIGHT("pool", "sync.Pool get/put"),
    {"max_live", GCB_OPT_INT, "2000", "objects each thread's shadow holds at most", 64, 1e6, NULL,
     NULL},
    {"max_size", GCB_OPT_INT, "65536", "bytes of the largest object (above 32768: large objects)",
     256, 1 << 24, NULL, NULL},
    {"check_every", GCB_OPT_INT, "1000", "ops between full walks of everything reachable", 1, 1e9,
     NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: damage one object at op 0 to show validation fails",
     0, 0, NULL, NULL},
    {"inject", GCB_OPT_ENUM, "none",
     "tests only: plant a mutator bug the fuzzer must catch: a store bypassing the barrier, a "
     "live object hidden from the roots, a premature gcb_free_sized", 0, 0,
     "none|barrier|root|free", NULL},
};

/* Pointerful element types: nptrs leading pointer words of size/8 words. */
static const gcb_type types[] = {
    {"fuzz.p1w2", 16, 1},   {"fuzz.p1w4", 32, 1},    {"fuzz.p2w3", 24, 2},
    {"fuzz.p2w8", 64, 2},   {"fuzz.p3w4", 32, 3},    {"fuzz.p4w6", 48, 4},
    {"fuzz.p6w8", 64, 6},   {"fuzz.p8w9", 72, 8},    {"fuzz.p12w16", 128, 12},
    {"fuzz.p16w17", 136, 16}, {"fuzz.p31w32", 256, 31},
};
#define NTYPES ((int)(sizeof types / sizeof types[0]))

enum { O_HEAP, O_TRACKED, O_ARENA };
static const char *const okind_name[] = {"heap", "tracked", "arena"};

/* One object of the shadow.  id 0: the entry is free. */
typedef struct obj {
    uint64_t id;       /* (tid + 1) << 40 | serial; also in the object's identity word */
    void *addr;        /* where the collector put it */
    uint64_t *image;   /* nwords: expected scalar words; pointer words hold 0 */
    int32_t *slot;     /* nslots: entry each pointer slot names, -1 NULL */
    uint32_t nwords;   /* bytes / 8 */
    uint32_t nslots;
    uint32_t refs;     /* roots and slots (of entries) naming this entry */
    uint32_t mark;     /* epoch of the last full walk that reached it */
    int8_t type;       /* index in types[], -1 pointer-free */
    uint8_t kind;      /* O_* */
    uint8_t arena;     /* O_ARENA: index in fthread.arena */
} obj;

/* One mutator thread's state; touched only by that thread. */
typedef struct fthread {
    void *root[NROOT + NTEMP];    /* the frame's slots (roots) */
    int32_t sroot[NROOT + NTEMP]; /* shadow: the entry each root holds, -1 NULL */
    gcb_frame frame;
    obj *o;                       /* max_live entries */
    int32_t *freeidx;             /* free entries (stack) */
    uint32_t nfree;
    int32_t *stack, *stack2;      /* walks and deaths: max_live each */
    uint64_t rng;                 /* the op stream */
    uint64_t crng;                /* partial checks' choices (not the op stream) */
    uint64_t serial;              /* objects allocated */
    uint64_t op;                  /* ops done */
    uint32_t epoch;               /* full walks done */
    gcb_arena *arena[NARENA];
    int arena_live[NARENA];
    int hidden;                   /* inject=root: the hidden root, -1 none */
    void *hidden_p;               /* ... its object, out of the collector's sight */
    uint64_t hidden_until;        /* ... op at which it is put back */
    int32_t last_alloc;           /* newest entry allocated into a root, -1 none */
    int32_t touch[NTOUCH];        /* entries the op touched since its last allocation */
    uint64_t touch_id[NTOUCH];
    int ntouch;
    uint64_t digest;
    int inited;
    int failed;                   /* an op failed: the heap is suspect, touch nothing */
} fthread;

typedef struct fuzz_state {
    uint64_t seed;
    int weight[NKINDS];
    int wsum;
    uint32_t max_live;
    uint32_t max_size;
    uint64_t check_every;
    int corrupt;
    int inject;
    int nthreads;
    gcb_pool *pool;
    fthread *t;                   /* nthreads */
} fuzz_state;

/* What an op is working on, for messages. */
typedef struct ctx {
    fuzz_state *s;
    fthread *t;
    gcb_mutator *m;
    int tid;
    const char *phase;            /* "partial check after store", "full walk" ... */
    char *err;
    size_t errlen;
} ctx;

enum { DIE_DEAD, DIE_FREE, DIE_SILENT }; /* how a dying heap object is handed back */

static uint32_t below(uint64_t *r, uint32_t n) { return (uint32_t)(rand_next(r) % n); }

static int fail(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(ctx *c, const char *fmt, ...)
{
    int n = snprintf(c->err, c->errlen, "fuzz: thread %d op %llu, %s: ", c->tid,
                     (unsigned long long)c->t->op, c->phase);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < c->errlen)
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* "t0#17 (48 B, fuzz.p4w6, heap)" */
static const char *describe(const fthread *t, int32_t x, char *buf, size_t len)
{
    if (x < 0) {
        snprintf(buf, len, "NULL");
        return buf;
    }
    const obj *o = &t->o[x];
    snprintf(buf, len, "t%llu#%llu (%u B, %s, %s)", (unsigned long long)(o->id >> 40) - 1,
             (unsigned long long)(o->id & ((1ull << 40) - 1)), o->nwords * 8,
             o->type < 0 ? "noscan" : types[o->type].name, okind_name[o->kind]);
    return buf;
}

/* ---- layout ---------------------------------------------------------------- */

static uint32_t words_per_elem(const obj *o) { return o->type < 0 ? o->nwords : types[o->type].size / 8; }
static uint32_t ptrs_per_elem(const obj *o) { return o->type < 0 ? 0 : types[o->type].nptrs; }

/* Word index of pointer slot k. */
static uint32_t slot_word(const obj *o, uint32_t k)
{
    uint32_t p = ptrs_per_elem(o);
    return (k / p) * words_per_elem(o) + k % p;
}

static int is_ptr_word(const obj *o, uint32_t w)
{
    return o->type >= 0 && w % words_per_elem(o) < ptrs_per_elem(o);
}

static uint32_t id_word(const obj *o) { return ptrs_per_elem(o); }

static void **slot_addr(const obj *o, uint32_t k) { return (void **)o->addr + slot_word(o, k); }

static void touch(fthread *t, int32_t x)
{
    if (x < 0 || t->ntouch == NTOUCH)
        return;
    t->touch[t->ntouch] = x;
    t->touch_id[t->ntouch++] = t->o[x].id;
}

/* ---- comparing the heap with the shadow ------------------------------------- */

/* Word w of object x against the shadow; -1 with the difference named. */
static int check_word(ctx *c, int32_t x, uint32_t w)
{
    fthread *t = c->t;
    const obj *o = &t->o[x];
    char a[96], b[96];
    if (is_ptr_word(o, w)) {
        uint32_t p = ptrs_per_elem(o), k = (w / words_per_elem(o)) * p + w % words_per_elem(o);
        int32_t want = o->slot[k];
        void *found = ((void **)o->addr)[w];
        void *exp = want < 0 ? NULL : t->o[want].addr;
        if (found != exp)
            return fail(c, "object %s at %p, pointer slot %u (word %u): expected %s at %p, found %p",
                        describe(t, x, a, sizeof a), o->addr, k, w, describe(t, want, b, sizeof b),
                        exp, found);
        return 0;
    }
    uint64_t found = ((uint64_t *)o->addr)[w];
    if (found != o->image[w]) {
        if (w == id_word(o))
            return fail(c, "object %s at %p, identity word %u: expected id %016llx, found %016llx "
                           "(freed and reused, or poisoned?)",
                        describe(t, x, a, sizeof a), o->addr, w, (unsigned long long)o->image[w],
                        (unsigned long long)found);
        return fail(c, "object %s at %p, word %u (payload bytes %u..%u): expected %016llx, found %016llx",
                    describe(t, x, a, sizeof a), o->addr, w, w * 8, w * 8 + 7,
                    (unsigned long long)o->image[w], (unsigned long long)found);
    }
    return 0;
}

/* Every word of x (full), or its identity, up to 64 slots and 32 sampled
 * scalar words (partial).  *sum: a fold of the words, for the checksum. */
static int check_obj(ctx *c, int32_t x, int full, uint64_t *sum)
{
    fthread *t = c->t;
    const obj *o = &t->o[x];
    if (check_word(c, x, id_word(o)) != 0)
        return -1;
    if (full || o->nwords <= 64) {
        /* element by element; check_word only to name a difference */
        const uint64_t *hw = o->addr;
        uint32_t S = words_per_elem(o), P = ptrs_per_elem(o);
        uint64_t h = o->id;
        for (uint32_t w = 0, k = 0; w < o->nwords; w += S) {
            for (uint32_t j = 0; j < P; j++, k++) {
                int32_t want = o->slot[k];
                if ((void *)hw[w + j] != (want < 0 ? NULL : t->o[want].addr))
                    return check_word(c, x, w + j);
            }
            for (uint32_t j = P; j < S; j++) {
                if (hw[w + j] != o->image[w + j])
                    return check_word(c, x, w + j);
                h = h * 31 + o->image[w + j];
            }
        }
        if (sum)
            *sum = h;
        return 0;
    }
    for (uint32_t k = 0; k < o->nslots && k < 64; k++)
        if (check_word(c, x, slot_word(o, k)) != 0)
            return -1;
    for (int k = 0; k < 32; k++)
        if (check_word(c, x, below(&t->crng, o->nwords)) != 0)
            return -1;
    return 0;
}

/* Root r against the shadow. */
static int check_root(ctx *c, int r)
{
    fthread *t = c->t;
    int32_t want = t->sroot[r];
    void *exp = want < 0 ? NULL : t->o[want].addr;
    if (t->root[r] != exp) {
        char b[96];
        return fail(c, "root %d: expected %s at %p, found %p", r, describe(t, want, b, sizeof b), exp,
                    t->root[r]);
    }
    return 0;
}

/* ---- the shadow's graph ------------------------------------------------------- */

static void release(ctx *c, int32_t x, int how);

/* One reference to x is gone: x dies when none is left (not arena objects:
 * their arena keeps them), and so does everything only it kept. */
static void unref(ctx *c, int32_t x, int how)
{
    fthread *t = c->t;
    if (x < 0)
        return;
    int n = 0;
    if (--t->o[x].refs != 0 || t->o[x].kind == O_ARENA)
        return;
    t->stack2[n++] = x;
    while (n > 0) {
        int32_t y = t->stack2[--n];
        obj *o = &t->o[y];
        for (uint32_t k = 0; k < o->nslots; k++) {
            int32_t z = o->slot[k];
            if (z >= 0 && --t->o[z].refs == 0 && t->o[z].kind != O_ARENA)
                t->stack2[n++] = z; /* each entry reaches 0 once: n <= max_live */
        }
        release(c, y, how);
    }
}

/* Hand x back and free its entry (its slots' references are already gone). */
static void release(ctx *c, int32_t x, int how)
{
    fthread *t = c->t;
    obj *o = &t->o[x];
    size_t bytes = (size_t)o->nwords * 8;
    if (how != DIE_SILENT) {
        if (o->kind == O_HEAP && how == DIE_FREE)
            gcb_free_sized(c->m, o->addr, bytes);
        else if (o->kind == O_HEAP ||
                 (o->kind == O_TRACKED && !GCB_MUT_HAS(c->m, alloc_tracked)) ||
                 (o->kind == O_ARENA && t->arena[o->arena] == GCB_NO_ARENA))
            gcb_dead(c->m, o->addr, bytes);
    }
    free(o->image);
    free(o->slot);
    memset(o, 0, sizeof *o);
    t->freeidx[t->nfree++] = x;
}

/* Root r := entry x (or NULL); what the old value kept may die (`how`). */
static void set_root(ctx *c, int r, int32_t x, int how)
{
    fthread *t = c->t;
    int32_t old = t->sroot[r];
    if (x >= 0)
        t->o[x].refs++;
    t->root[r] = x < 0 ? NULL : t->o[x].addr;
    t->sroot[r] = x;
    unref(c, old, how);
}

/* Slot k of a := entry x, through the barrier (inject=barrier: raw while
 * it is on). */
static void set_slot(ctx *c, int32_t a, uint32_t k, int32_t x, int how)
{
    fthread *t = c->t;
    obj *o = &t->o[a];
    int32_t old = o->slot[k];
    void *val = x < 0 ? NULL : t->o[x].addr;
    void **sl = slot_addr(o, k);
    if (x >= 0)
        t->o[x].refs++;
    if (c->s->inject == INJ_BARRIER &&
        atomic_load_explicit(c->m->write_barrier, memory_order_relaxed))
        *sl = val; /* the planted bug: no barrier */
    else
        gcb_store(c->m, o->addr, sl, val);
    o->slot[k] = x;
    unref(c, old, how);
}

/* May slot owner a name x?  The heap never names arena objects (they die
 * with their arena); arena objects name their own arena's and the heap's;
 * tracked objects are named by tracked objects only (they die at
 * scope_exit). */
static int allowed(const fthread *t, int32_t a, int32_t x)
{
    if (x < 0)
        return 1;
    const obj *oa = &t->o[a], *ox = &t->o[x];
    switch (ox->kind) {
    case O_HEAP:
        return 1;
    case O_ARENA:
        return oa->kind == O_ARENA && oa->arena == ox->arena;
    default:
        return oa->kind == O_TRACKED;
    }
}

/* A reachable entry: a random general root's object, then up to 3 random
 * slots down.  -1 when the root is empty. */
static int32_t pick(fthread *t, uint64_t *r)
{
    int k = (int)below(r, NROOT);
    int32_t x = k == t->hidden ? -1 : t->sroot[k];
    int steps = (int)below(r, 4);
    for (int d = 0; d < steps && x >= 0 && t->o[x].nslots > 0; d++) {
        int32_t y = t->o[x].slot[below(r, t->o[x].nslots)];
        if (y < 0)
            break;
        x = y;
    }
    return x;
}

/* A general root other than the hidden one. */
static int pick_root(fthread *t)
{
    int r = (int)below(&t->rng, NROOT);
    return r == t->hidden ? (r + 1) % NROOT : r;
}

/* ---- allocation ----------------------------------------------------------------- */

typedef struct shape {
    int type;      /* -1 pointer-free */
    size_t bytes;
} shape;

static shape draw_shape(fuzz_state *s, fthread *t, int small_only)
{
    shape sh;
    sh.type = below(&t->rng, 100) < 35 ? -1 : (int)below(&t->rng, NTYPES);
    uint32_t u = below(&t->rng, 1000);
    size_t lo = 8, hi = 256;
    if (u < 10 && !small_only && s->max_size > LARGE) {
        lo = LARGE + 8;
        hi = s->max_size;
    } else if (u < 200 && s->max_size > 256) {
        lo = 257;
        hi = s->max_size < 4096 ? s->max_size : 4096;
    }
    size_t b = lo + below(&t->rng, (uint32_t)(hi - lo + 1));
    if (sh.type < 0) {
        sh.bytes = (b + 7) & ~(size_t)7;
    } else {
        size_t el = types[sh.type].size, n = b / el ? b / el : 1;
        if (lo > LARGE && n * el <= LARGE)
            n = LARGE / el + 1;
        sh.bytes = n * el;
    }
    return sh;
}

/* A new object of shape sh into root r (kind O_HEAP or O_TRACKED) or arena
 * ai's object into root r; initialised from the op stream.  Returns its
 * entry, -2 when the shadow is full, -1 after a failure (message in c). */
static int32_t new_obj(ctx *c, shape sh, int kind, int ai, int r)
{
    fthread *t = c->t;
    if (t->nfree == 0)
        return -2;
    const gcb_type *ty = sh.type < 0 ? NULL : &types[sh.type];
    void *p;
    if (kind == O_TRACKED)
        p = gcb_alloc_tracked(c->m, ty, sh.bytes);
    else if (kind == O_ARENA)
        p = gcb_arena_alloc(c->m, t->arena[ai], ty, sh.bytes);
    else
        p = gcb_alloc(c->m, ty, sh.bytes);
    if (p == NULL) {
        char e[400] = "";
        if (GCB_MUT_HAS(c->m, verify) && c->m->gc->verify(c->m, e, sizeof e) != 0)
            return fail(c, "allocating %zu B (%s) failed, and the collector's verify failed: %s",
                        sh.bytes, okind_name[kind], e);
        return fail(c, "heap exhausted allocating %zu B (%s)", sh.bytes, okind_name[kind]);
    }
    t->root[r] = p; /* a root before anything else may collect */
    t->ntouch = 0;  /* objects touched before this allocation may be gone */
    int32_t x = t->freeidx[--t->nfree];
    obj *o = &t->o[x];
    o->id = ((uint64_t)(c->tid + 1) << 40) | ++t->serial;
    o->addr = p;
    o->nwords = (uint32_t)(sh.bytes / 8);
    o->type = (int8_t)sh.type;
    o->kind = (uint8_t)kind;
    o->arena = (uint8_t)(ai < 0 ? 0 : ai);
    o->nslots = sh.type < 0 ? 0 : (o->nwords / words_per_elem(o)) * ptrs_per_elem(o);
    o->image = calloc(o->nwords, 8);
    o->slot = o->nslots ? malloc(o->nslots * sizeof *o->slot) : NULL;
    if (o->image == NULL || (o->nslots && o->slot == NULL)) {
        t->root[r] = NULL;
        return fail(c, "out of memory for the shadow of a %zu-byte object", sh.bytes);
    }
    for (uint32_t k = 0; k < o->nslots; k++)
        o->slot[k] = -1;
    uint64_t *w = p;
    for (uint32_t k = 0; k < o->nwords; k++)
        if (w[k] != 0) {
            char a[96];
            t->root[r] = NULL;
            return fail(c, "fresh object %s at %p, word %u: expected 0 (memory from the collector "
                           "is zeroed), found %016llx",
                        describe(t, x, a, sizeof a), p, k, (unsigned long long)w[k]);
        }
    for (uint32_t k = 0; k < o->nwords; k++)
        if (!is_ptr_word(o, k))
            w[k] = o->image[k] = rand_next(&t->rng);
    w[id_word(o)] = o->image[id_word(o)] = o->id;
    /* Now the shadow's root too: the old value may die. */
    set_root(c, r, x, DIE_DEAD);
    t->digest = digest_fold(t->digest, o->id);
    touch(t, x);
    return x;
}

/* Point up to 4 random slots of fresh object x at reachable objects. */
static void link_out(ctx *c, int32_t x)
{
    fthread *t = c->t;
    uint32_t n = t->o[x].nslots < 4 ? t->o[x].nslots : 4;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = below(&t->rng, t->o[x].nslots);
        int32_t y = pick(t, &t->rng);
        if (allowed(t, x, y))
            set_slot(c, x, k, y, DIE_DEAD);
    }
}

/* ---- full walk ------------------------------------------------------------------ */

/* Mark from x in the shadow only (no heap reads): what a hidden root or a
 * live arena keeps. */
static void mark_shadow(fthread *t, int32_t x)
{
    if (x < 0 || t->o[x].mark == t->epoch)
        return;
    int n = 0;
    t->o[x].mark = t->epoch;
    t->stack[n++] = x;
    while (n > 0) {
        const obj *o = &t->o[t->stack[--n]];
        for (uint32_t k = 0; k < o->nslots; k++) {
            int32_t y = o->slot[k];
            if (y >= 0 && t->o[y].mark != t->epoch) {
                t->o[y].mark = t->epoch;
                t->stack[n++] = y;
            }
        }
    }
}

/* Check every reachable object entirely, then let the shadow forget what
 * is unreachable (gcb_dead), then the collector's own verify. */
static int walk(ctx *c)
{
    fthread *t = c->t;
    t->epoch++;
    int n = 0;
    uint64_t reached = 0;
    for (int r = 0; r < NROOT + NTEMP; r++) {
        if (r == t->hidden)
            continue;
        if (check_root(c, r) != 0)
            return -1;
        int32_t x = t->sroot[r];
        if (x >= 0 && t->o[x].mark != t->epoch) {
            t->o[x].mark = t->epoch;
            t->stack[n++] = x;
        }
    }
    while (n > 0) {
        int32_t x = t->stack[--n];
        uint64_t sum = 0;
        if (check_obj(c, x, 1, &sum) != 0)
            return -1;
        t->digest = digest_fold(digest_fold(t->digest, t->o[x].id), sum);
        const obj *o = &t->o[x];
        for (uint32_t k = 0; k < o->nslots; k++) {
            int32_t y = o->slot[k];
            if (y >= 0 && t->o[y].mark != t->epoch) {
                t->o[y].mark = t->epoch;
                t->stack[n++] = y;
            }
        }
        if ((++reached & 255) == 0)
            gcb_poll(c->m); /* everything checked is rooted: safe */
    }
    if (t->hidden >= 0)
        mark_shadow(t, t->sroot[t->hidden]);
    for (uint32_t x = 0; x < c->s->max_live; x++)
        if (t->o[x].id && t->o[x].kind == O_ARENA)
            mark_shadow(t, (int32_t)x);
    /* Unreachable: cycles whose refs never fell to 0.  Drop their
     * references to survivors first, then hand them back. */
    for (uint32_t x = 0; x < c->s->max_live; x++) {
        obj *o = &t->o[x];
        if (o->id == 0 || o->mark == t->epoch)
            continue;
        for (uint32_t k = 0; k < o->nslots; k++)
            if (o->slot[k] >= 0 && t->o[o->slot[k]].mark == t->epoch)
                t->o[o->slot[k]].refs--;
    }
    for (uint32_t x = 0; x < c->s->max_live; x++)
        if (t->o[x].id && t->o[x].mark != t->epoch)
            release(c, (int32_t)x, DIE_DEAD);
    t->digest = digest_fold(t->digest, reached);
    if (GCB_MUT_HAS(c->m, verify)) {
        char e[400] = "";
        if (c->m->gc->verify(c->m, e, sizeof e) != 0)
            return fail(c, "the collector's verify failed: %s", e);
    }
    return 0;
}

/* ---- partial check -------------------------------------------------------------- */

static int partial(ctx *c)
{
    fthread *t = c->t;
    for (int i = 0; i < t->ntouch; i++) {
        int32_t x = t->touch[i];
        if (t->o[x].id == t->touch_id[i] && check_obj(c, x, 0, NULL) != 0)
            return -1;
    }
    t->ntouch = 0;
    int r = (int)below(&t->crng, NROOT);
    if (r == t->hidden)
        return 0;
    if (check_root(c, r) != 0)
        return -1;
    int32_t x = t->sroot[r];
    for (int d = 0; d < 4 && x >= 0; d++) {
        if (check_obj(c, x, 0, NULL) != 0)
            return -1;
        if (t->o[x].nslots == 0)
            break;
        x = t->o[x].slot[below(&t->crng, t->o[x].nslots)];
    }
    return 0;
}

/* ---- ops -------------------------------------------------------------------------- */

static int op_alloc(ctx *c)
{
    fthread *t = c->t;
    int r = pick_root(t);
    shape sh = draw_shape(c->s, t, 0);
    int link = below(&t->rng, 2);
    int32_t x = new_obj(c, sh, O_HEAP, -1, r);
    if (x == -2) { /* shadow full: forget the unreachable, retry once */
        if (walk(c) != 0)
            return -1;
        x = new_obj(c, sh, O_HEAP, -1, r);
        if (x == -2) {
            set_root(c, r, -1, DIE_DEAD);
            return 0;
        }
    }
    if (x < 0)
        return -1;
    t->last_alloc = x;
    link_out(c, x);
    if (link) {
        int32_t a = pick(t, &t->rng);
        if (a >= 0 && t->o[a].nslots > 0) {
            set_slot(c, a, below(&t->rng, t->o[a].nslots), x, DIE_DEAD);
            touch(t, a);
        }
    }
    return 0;
}

static int op_store(ctx *c, int force_move)
{
    fthread *t = c->t;
    int32_t a = pick(t, &t->rng);
    int move = below(&t->rng, 3) == 0 || force_move;
    if (a < 0 || t->o[a].nslots == 0)
        return 0;
    uint32_t k = below(&t->rng, t->o[a].nslots);
    int32_t x = -1, from = -1;
    uint32_t j = 0;
    if (move) {
        from = pick(t, &t->rng);
        if (from >= 0 && t->o[from].nslots > 0) {
            j = below(&t->rng, t->o[from].nslots);
            x = t->o[from].slot[j];
        } else {
            from = -1;
        }
    } else if (below(&t->rng, 8) != 0) {
        x = pick(t, &t->rng);
    }
    if (!allowed(t, a, x))
        x = -1, from = -1;
    /* x and from are held while x moves: the first store may drop the
     * last reference to either (from may hang below a's old target). */
    if (x >= 0)
        t->o[x].refs++;
    if (from >= 0)
        t->o[from].refs++;
    set_slot(c, a, k, x, DIE_DEAD);
    if (from >= 0 && (from != a || j != k))
        set_slot(c, from, j, -1, DIE_DEAD);
    touch(t, a);
    touch(t, from);
    touch(t, x);
    unref(c, from, DIE_DEAD);
    unref(c, x, DIE_DEAD);
    return 0;
}

/* drop (gcb_dead) or free (gcb_free_sized): clear a root or a slot. */
static int op_drop(ctx *c, int how)
{
    fthread *t = c->t;
    if (below(&t->rng, 2) == 0) {
        set_root(c, pick_root(t), -1, how);
        return 0;
    }
    int32_t a = pick(t, &t->rng);
    if (a >= 0 && t->o[a].nslots > 0) {
        set_slot(c, a, below(&t->rng, t->o[a].nslots), -1, how);
        touch(t, a);
    }
    return 0;
}

static int op_write(ctx *c)
{
    fthread *t = c->t;
    int32_t a = pick(t, &t->rng);
    int n = 1 + (int)below(&t->rng, 4);
    for (int i = 0; a >= 0 && i < n; i++) {
        obj *o = &t->o[a];
        uint32_t w = below(&t->rng, o->nwords);
        uint64_t v = rand_next(&t->rng);
        if (is_ptr_word(o, w) || w == id_word(o))
            continue;
        ((uint64_t *)o->addr)[w] = o->image[w] = v;
    }
    touch(t, a);
    return 0;
}

/* Tracked objects in temporaries [base, base + n): linked among themselves
 * (those below `base` too when `older`) and to the heap, checked. */
static int fill_scope(ctx *c, int base, int n)
{
    fthread *t = c->t;
    int got = 0;
    for (int i = 0; i < n; i++) {
        int32_t x = new_obj(c, draw_shape(c->s, t, 1), O_TRACKED, -1, NROOT + base + i);
        if (x == -1)
            return -1;
        if (x == -2)
            break;
        got++;
    }
    /* links: from this scope's objects to any earlier temporary or the heap */
    for (int i = 0; i < got; i++) {
        int32_t a = t->sroot[NROOT + base + i];
        uint32_t ns = t->o[a].nslots < 3 ? t->o[a].nslots : 3;
        for (uint32_t q = 0; q < ns; q++) {
            uint32_t k = below(&t->rng, t->o[a].nslots);
            int32_t x = below(&t->rng, 2) ? t->sroot[NROOT + below(&t->rng, (uint32_t)(base + got))]
                                          : pick(t, &t->rng);
            if (allowed(t, a, x))
                set_slot(c, a, k, x, DIE_DEAD);
        }
    }
    for (int i = 0; i < got; i++)
        if (check_obj(c, t->sroot[NROOT + base + i], 1, NULL) != 0)
            return -1;
    return got;
}

/* The tracked objects in temporaries [base, NTEMP) die (scope_exit frees
 * them).  Each sits in a temporary of its own and is named only by
 * temporaries and tracked objects: clear those, drop their references to
 * the heap (and to an outer scope's objects), release them. */
static void end_scope(ctx *c, int base)
{
    fthread *t = c->t;
    int32_t dying[NTEMP];
    int n = 0;
    for (int r = NROOT + base; r < NROOT + NTEMP; r++) {
        int32_t x = t->sroot[r];
        if (x < 0)
            continue;
        t->o[x].refs--;
        t->sroot[r] = -1;
        t->root[r] = NULL;
        dying[n++] = x;
    }
    for (int i = 0; i < n; i++) {
        obj *o = &t->o[dying[i]];
        for (uint32_t k = 0; k < o->nslots; k++) {
            int32_t y = o->slot[k];
            o->slot[k] = -1;
            if (y >= 0 && t->o[y].kind == O_TRACKED)
                t->o[y].refs--;
            else
                unref(c, y, DIE_DEAD);
        }
    }
    for (int i = 0; i < n; i++)
        release(c, dying[i], DIE_DEAD);
}

static int op_scope(ctx *c)
{
    fthread *t = c->t;
    int n = 1 + (int)below(&t->rng, 6);
    int nested = below(&t->rng, 4) == 0;
    int side = below(&t->rng, 4) == 0; /* an ordinary allocation inside the scope */
    gcb_scope_enter(c->m);
    int got = fill_scope(c, 0, n);
    if (got >= 0 && side && op_alloc(c) != 0)
        got = -1;
    if (got >= 0 && nested) {
        /* The inner scope's objects may name the outer's; nothing names
         * them, so they die at the inner exit. */
        gcb_scope_enter(c->m);
        int inner = fill_scope(c, n, 1 + (int)below(&t->rng, 2));
        end_scope(c, n);
        gcb_scope_exit(c->m);
        got = inner < 0 ? -1 : got;
    }
    if (got >= 0)
        for (int r = NROOT; r < NROOT + n; r++)
            if (t->sroot[r] >= 0 && check_obj(c, t->sroot[r], 1, NULL) != 0) {
                got = -1;
                break;
            }
    /* Everything tracked dies before the (outer) scope_exit. */
    end_scope(c, 0);
    gcb_scope_exit(c->m);
    return got < 0 ? -1 : 0;
}

static int arena_free(ctx *c, int ai)
{
    fthread *t = c->t;
    for (int r = 0; r < NROOT + NTEMP; r++) {
        int32_t x = t->sroot[r];
        if (x >= 0 && t->o[x].kind == O_ARENA && t->o[x].arena == ai)
            set_root(c, r, -1, DIE_DEAD);
    }
    /* Only the arena's own objects name them now. */
    for (uint32_t x = 0; x < c->s->max_live; x++) {
        obj *o = &t->o[x];
        if (o->id == 0 || o->kind != O_ARENA || o->arena != ai)
            continue;
        for (uint32_t k = 0; k < o->nslots; k++) {
            int32_t y = o->slot[k];
            o->slot[k] = -1;
            if (y >= 0 && t->o[y].kind == O_ARENA)
                t->o[y].refs--;
            else
                unref(c, y, DIE_DEAD);
        }
    }
    for (uint32_t x = 0; x < c->s->max_live; x++)
        if (t->o[x].id && t->o[x].kind == O_ARENA && t->o[x].arena == ai)
            release(c, (int32_t)x, DIE_DEAD);
    gcb_arena_free(c->m, t->arena[ai]);
    t->arena[ai] = NULL;
    t->arena_live[ai] = 0;
    return 0;
}

static int op_arena(ctx *c)
{
    fthread *t = c->t;
    uint32_t what = below(&t->rng, 8);
    int ai = (int)below(&t->rng, NARENA);
    if (what == 0) {
        if (t->arena_live[ai])
            return arena_free(c, ai);
        return 0;
    }
    if (!t->arena_live[ai]) {
        t->arena[ai] = gcb_arena_new(c->m);
        if (t->arena[ai] == NULL)
            return fail(c, "arena_new failed");
        t->arena_live[ai] = 1;
    }
    int n = 1 + (int)below(&t->rng, 4);
    for (int i = 0; i < n; i++) {
        int r = pick_root(t);
        int32_t x = new_obj(c, draw_shape(c->s, t, 0), O_ARENA, ai, r);
        if (x == -1)
            return -1;
        if (x == -2)
            return 0;
        link_out(c, x);
        int32_t a = pick(t, &t->rng);
        if (a >= 0 && t->o[a].nslots > 0 && allowed(t, a, x)) {
            set_slot(c, a, below(&t->rng, t->o[a].nslots), x, DIE_DEAD);
            touch(t, a);
        }
    }
    return 0;
}

static int op_pool(ctx *c)
{
    fthread *t = c->t;
    int r = pick_root(t);
    uint64_t seed = rand_next(&t->rng);
    if (below(&t->rng, 2) == 0) { /* put */
        int32_t x = t->sroot[r];
        if (x < 0 || t->o[x].kind != O_HEAP || t->o[x].type >= 0 ||
            t->o[x].nwords * 8 != POOL_BYTES || t->o[x].refs != 1)
            return 0;
        uint64_t *w = t->o[x].addr;
        w[0] = POOL_TAG | POOL_BYTES;
        w[1] = seed;
        for (uint32_t k = 2; k < POOL_BYTES / 8; k++)
            w[k] = seed ^ (k * 0x9e3779b97f4a7c15ull);
        t->root[r] = NULL;
        t->sroot[r] = -1;
        t->o[x].refs = 0;
        gcb_pool_put(c->s->pool, c->m, c->tid, w, POOL_BYTES);
        release(c, x, DIE_SILENT); /* the pool owns it now */
        return 0;
    }
    if (t->nfree == 0)
        return 0;
    size_t bytes = 0;
    int tmp = NROOT;
    uint64_t *w = t->root[tmp] = gcb_pool_get(c->s->pool, c->m, c->tid, &bytes);
    if (w != NULL) {
        if (bytes != POOL_BYTES || w[0] != (POOL_TAG | POOL_BYTES)) {
            t->root[tmp] = NULL;
            return fail(c, "pooled object at %p: expected %d B tagged %016llx, found %zu B tagged "
                           "%016llx (freed while pooled?)",
                        (void *)w, POOL_BYTES, (unsigned long long)(POOL_TAG | POOL_BYTES), bytes,
                        (unsigned long long)w[0]);
        }
        for (uint32_t k = 2; k < POOL_BYTES / 8; k++)
            if (w[k] != (w[1] ^ (k * 0x9e3779b97f4a7c15ull))) {
                t->root[tmp] = NULL;
                return fail(c, "pooled object at %p, word %u: expected %016llx, found %016llx "
                               "(freed or reused while pooled?)",
                            (void *)w, k, (unsigned long long)(w[1] ^ (k * 0x9e3779b97f4a7c15ull)),
                            (unsigned long long)w[k]);
            }
        memset(w, 0, POOL_BYTES); /* Reset, as a pooled buffer is */
    } else {
        w = t->root[tmp] = gcb_alloc(c->m, NULL, POOL_BYTES);
        if (w == NULL)
            return fail(c, "heap exhausted allocating a %d-byte pool object", POOL_BYTES);
        t->ntouch = 0;
    }
    /* Adopt it as a fresh object: new_obj's steps without the allocation. */
    int32_t x = t->freeidx[--t->nfree];
    obj *o = &t->o[x];
    o->id = ((uint64_t)(c->tid + 1) << 40) | ++t->serial;
    o->addr = w;
    o->nwords = POOL_BYTES / 8;
    o->type = -1;
    o->kind = O_HEAP;
    o->image = malloc(POOL_BYTES);
    if (o->image == NULL)
        return fail(c, "out of memory for the shadow");
    uint64_t fill = seed;
    for (uint32_t k = 0; k < o->nwords; k++)
        w[k] = o->image[k] = rand_next(&fill);
    w[0] = o->image[0] = o->id;
    set_root(c, r, x, DIE_DEAD);
    t->root[tmp] = NULL;
    t->digest = digest_fold(t->digest, o->id);
    touch(t, x);
    return 0;
}

/* ---- injected bugs (tests only) --------------------------------------------------- */

static int inject_root(ctx *c, uint64_t i)
{
    fthread *t = c->t;
    if (t->hidden >= 0 && t->op >= t->hidden_until) {
        int r = t->hidden;
        t->root[r] = t->hidden_p; /* back in the collector's sight */
        t->hidden = -1;
        t->hidden_p = NULL;
        const char *phase = c->phase;
        c->phase = "check of a root's subtree after 300 ops hidden from the collector";
        /* everything it reaches, entirely */
        int n = 0;
        t->epoch++;
        int32_t x = t->sroot[r];
        if (x >= 0) {
            t->o[x].mark = t->epoch;
            t->stack[n++] = x;
        }
        while (n > 0) {
            int32_t y = t->stack[--n];
            if (check_obj(c, y, 1, NULL) != 0)
                return -1;
            for (uint32_t k = 0; k < t->o[y].nslots; k++) {
                int32_t z = t->o[y].slot[k];
                if (z >= 0 && t->o[z].mark != t->epoch) {
                    t->o[z].mark = t->epoch;
                    t->stack[n++] = z;
                }
            }
        }
        c->phase = phase;
    }
    if (t->hidden < 0 && i % HIDE_EVERY == HIDE_EVERY - 1) {
        int r = (int)(i / HIDE_EVERY % NROOT);
        int32_t x = t->sroot[r];
        if (x >= 0 && t->o[x].kind == O_HEAP && t->o[x].refs == 1) {
            t->hidden = r;
            t->hidden_p = t->root[r];
            t->hidden_until = t->op + HIDE_OPS;
            t->root[r] = NULL; /* the planted bug: live, but in no root */
        }
    }
    return 0;
}

static int inject_free(ctx *c, uint64_t i)
{
    fthread *t = c->t;
    int32_t x = t->last_alloc;
    if (i % FREE_EVERY != FREE_EVERY - 1 || x < 0 || t->o[x].id == 0 || t->o[x].kind != O_HEAP)
        return 0;
    size_t bytes = (size_t)t->o[x].nwords * 8;
    int r = -1;
    for (int k = 0; k < NROOT; k++)
        if (t->sroot[k] == x)
            r = k;
    if (r < 0 || bytes < 16 || bytes > LARGE)
        return 0;
    gcb_free_sized(c->m, t->o[x].addr, bytes); /* the planted bug: it is reachable */
    shape sh = {t->o[x].type, bytes};
    int q = (r + 1) % NROOT;
    if (q == t->hidden)
        q = (q + 1) % NROOT;
    uint64_t id = t->o[x].id;
    if (new_obj(c, sh, O_HEAP, -1, q) == -1)
        return -1;
    const char *phase = c->phase;
    c->phase = "check of an object just passed to gcb_free_sized while reachable";
    if (t->o[x].id == id && check_obj(c, x, 1, NULL) != 0)
        return -1;
    c->phase = phase;
    return 0;
}

/* ---- the workload -------------------------------------------------------------------- */

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    fuzz_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        goto oom;
    s->seed = (uint64_t)pv[P_SEED].i;
    for (int k = 0; k < NKINDS; k++) {
        int64_t w = pv[P_W0 + k].i;
        s->weight[k] = w < 0 ? preset_weights[pv[P_PRESET].i][k] : (int)w;
        s->wsum += s->weight[k];
    }
    if (s->wsum == 0) {
        free(s);
        snprintf(err, errlen, "fuzz: every op weight (alloc, store, drop, free, write, scope, arena, "
                              "pool) is 0; give at least one a positive weight");
        return EINVAL;
    }
    s->max_live = (uint32_t)pv[P_MAX_LIVE].i;
    s->max_size = (uint32_t)pv[P_MAX_SIZE].i;
    s->check_every = (uint64_t)pv[P_CHECK_EVERY].i;
    s->corrupt = (int)pv[P_CORRUPT].i;
    s->inject = (int)pv[P_INJECT].i;
    s->nthreads = nthreads;
    s->t = calloc((size_t)nthreads, sizeof *s->t);
    if (s->t == NULL || gcb_pool_new(nthreads, &s->pool) != 0)
        goto oom;
    *state = s;
    return 0;
oom:
    if (s)
        free(s->t);
    free(s);
    snprintf(err, errlen, "fuzz: out of memory in setup");
    return ENOMEM;
}

static void teardown(void *state)
{
    fuzz_state *s = state;
    if (s == NULL)
        return;
    for (int i = 0; i < s->nthreads; i++) {
        fthread *t = &s->t[i];
        if (t->o)
            for (uint32_t x = 0; x < s->max_live; x++) {
                free(t->o[x].image);
                free(t->o[x].slot);
            }
        free(t->o);
        free(t->freeidx);
        free(t->stack);
        free(t->stack2);
    }
    gcb_pool_free(s->pool);
    free(s->t);
    free(s);
}

static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    fuzz_state *s = state;
    if (tid < 0 || tid >= s->nthreads) {
        snprintf(err, errlen, "fuzz: thread id %d, expected 0..%d", tid, s->nthreads - 1);
        return -1;
    }
    fthread *t = &s->t[tid];
    memset(t, 0, sizeof *t);
    t->o = calloc(s->max_live, sizeof *t->o);
    t->freeidx = malloc(s->max_live * sizeof *t->freeidx);
    t->stack = malloc(s->max_live * sizeof *t->stack);
    t->stack2 = malloc(s->max_live * sizeof *t->stack2);
    if (!t->o || !t->freeidx || !t->stack || !t->stack2) {
        snprintf(err, errlen, "fuzz: out of memory for a shadow of %u objects", s->max_live);
        return -1;
    }
    for (uint32_t x = 0; x < s->max_live; x++)
        t->freeidx[x] = (int32_t)(s->max_live - 1 - x);
    t->nfree = s->max_live;
    for (int r = 0; r < NROOT + NTEMP; r++)
        t->sroot[r] = -1;
    t->rng = s->seed ^ ((uint64_t)tid * 0xd1b54a32d192ed03ull);
    t->crng = ~t->rng;
    t->hidden = -1;
    t->last_alloc = -1;
    t->digest = DIGEST_INIT;
    gcb_frame_push(m, &t->frame, t->root, NROOT + NTEMP);
    t->inited = 1;
    gcb_pool_thread_init(s->pool, m, tid);
    /* A first graph: half the roots hold an object. */
    ctx c = {s, t, m, tid, "thread_init", err, errlen};
    for (int r = 0; r < NROOT; r += 2) {
        int32_t x = new_obj(&c, draw_shape(s, t, 1), O_HEAP, -1, r);
        if (x < 0)
            return -1;
        link_out(&c, x);
    }
    return 0;
}

static int step(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    fuzz_state *s = state;
    fthread *t = &s->t[tid];
    ctx c = {s, t, m, tid, "op", err, errlen};
    t->ntouch = 0;
    if (s->inject == INJ_ROOT && inject_root(&c, i) != 0)
        return -1;
    if (s->inject == INJ_FREE && inject_free(&c, i) != 0)
        return -1;
    /* inject=barrier: while the barrier is on, a burst of raw moves. */
    if (s->inject == INJ_BARRIER &&
        atomic_load_explicit(m->write_barrier, memory_order_relaxed))
        for (int j = 0; j < 8; j++)
            op_store(&c, 1);
    int pickw = (int)below(&t->rng, (uint32_t)s->wsum), k = 0;
    while (pickw >= s->weight[k])
        pickw -= s->weight[k++];
    int rc;
    switch (k) {
    case K_ALLOC: rc = op_alloc(&c); break;
    case K_STORE: rc = op_store(&c, 0); break;
    case K_DROP: rc = op_drop(&c, DIE_DEAD); break;
    case K_FREE: rc = op_drop(&c, DIE_FREE); break;
    case K_WRITE: rc = op_write(&c); break;
    case K_SCOPE: rc = op_scope(&c); break;
    case K_ARENA: rc = op_arena(&c); break;
    default: rc = op_pool(&c); break;
    }
    if (rc != 0)
        return -1;
    t->digest = digest_fold(t->digest, (uint64_t)k << 32 | (s->max_live - t->nfree));
    c.phase = after[k];
    if (s->corrupt && i == 0) {
        /* Damage the first rooted object's identity, and look at it. */
        for (int r = 0; r < NROOT; r++)
            if (t->sroot[r] >= 0) {
                obj *o = &t->o[t->sroot[r]];
                ((uint64_t *)o->addr)[id_word(o)] ^= 1;
                t->ntouch = 0;
                touch(t, t->sroot[r]);
                break;
            }
    }
    if (partial(&c) != 0)
        return -1;
    if ((t->op + 1) % s->check_every == 0) {
        c.phase = "full walk";
        if (walk(&c) != 0)
            return -1;
    }
    t->op++;
    return 0;
}

static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    fuzz_state *s = state;
    int rc = step(state, m, tid, i, err, errlen);
    if (rc != 0)
        s->t[tid].failed = 1;
    return rc;
}

static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    fuzz_state *s = state;
    fthread *t = &s->t[tid];
    if (!t->inited)
        return 0;
    ctx c = {s, t, m, tid, "full walk in thread_fini", err, errlen};
    if (t->failed) {
        /* After a difference nothing is handed back: a prematurely freed
         * object may share its address with a live one (double free). */
        gcb_pool_thread_fini(s->pool, m, tid);
        gcb_frame_pop(m, &t->frame);
        t->inited = 0;
        return 0;
    }
    if (t->hidden >= 0) { /* inject=root: put it back before the last walk */
        t->root[t->hidden] = t->hidden_p;
        t->hidden = -1;
    }
    int rc = walk(&c);
    /* Everything dies: roots cleared, arenas freed, the rest handed back. */
    for (int ai = 0; ai < NARENA; ai++)
        if (t->arena_live[ai])
            arena_free(&c, ai);
    for (int r = 0; r < NROOT + NTEMP; r++)
        set_root(&c, r, -1, DIE_DEAD);
    for (uint32_t x = 0; x < s->max_live; x++)
        if (t->o[x].id)
            release(&c, (int32_t)x, DIE_DEAD); /* unreachable cycles left by a failed walk */
    gcb_pool_thread_fini(s->pool, m, tid);
    gcb_frame_pop(m, &t->frame);
    t->inited = 0;
    return rc;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const fuzz_state *s = state;
    uint64_t d[256];
    int n = s->nthreads < 256 ? s->nthreads : 256;
    for (int i = 0; i < n; i++)
        d[i] = s->t[i].digest;
    digest_format(d, n, out, outlen);
}

const gcb_workload workload_fuzz = {
    .name = "fuzz",
    .description = "differential fuzzer: seeded random alloc/store/drop/free/scope/arena/pool ops "
                   "over a graph of many shapes, compared with a shadow model; first difference named",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 200000,
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
