/* strict.c - the suite workloads under a hostile, precise collector.
 *
 * "strict" is an in-process test collector: a precise stop-the-world
 * mark-sweep that collects every `every` allocations, marking only from
 * pushed frames, global roots, live arena objects and the declared
 * pointer slots of reachable objects (gcb_type), and that honours every
 * hint at once: free_sized frees, a tracked scope's objects die at its
 * exit, an arena's objects die at arena_free.  Freed memory is poisoned
 * (0xdb) and kept, never reused, so
 *   - a pointer held only in a C local across an allocation (a rooting
 *     bug) reads poison and fails the workload's validation;
 *   - a reachable pointer to a freed or unknown address (a hint given
 *     for a live object, a slot left pointing into a freed arena) is
 *     reported by the marker as an error.
 * Every suite workload must pass under it, with and without arenas and
 * tracked scopes (the heap fallbacks), and leave no marker errors. */
#include "host.h"

#include <errno.h>
#include <stdint.h>

extern const gcb_workload workload_bytesbuffer, workload_mapgrow, workload_collect,
    workload_lrucache, workload_api, workload_rpc, workload_jsontree;

static long strict_errors; /* reachable freed or unknown pointers, bad hints */

enum { LIVE = 0, FREED = 1 };
enum { K_HEAP, K_TRACKED, K_ARENA };

typedef struct obj {
    struct obj *next;   /* every object ever allocated (freed ones too) */
    const gcb_type *t;  /* NULL: pointer-free */
    size_t bytes;
    uint32_t state, mark;
    uint32_t kind, scope; /* K_*; tracked: scope depth at allocation */
    gcb_arena *arena;     /* K_ARENA */
    uint64_t pad;
} obj;

struct gcb_arena {
    struct gcb_arena *next; /* every arena of the heap, freed with it */
    int freed;
};

struct gcb_heap {
    obj *all;
    void ***roots;       /* global root slots */
    size_t nroots;
    void **set;          /* open addressing: data addresses of live + freed objects */
    size_t setcap, setn;
    uint64_t every, since, cycles;
    uint32_t depth;      /* tracked scope depth of the (single) mutator */
    const gcb_collector *table; /* strict_hints or strict_plain */
    _Atomic uint32_t zero;
    gcb_arena *arenas;   /* handles, kept until heap_free */
    obj **stack;         /* grey objects */
    size_t sp, stackcap;
    gcb_mutator *m;
};

static obj *hdr(void *p) { return (obj *)p - 1; }

static size_t slot_of(gcb_heap *h, void *p)
{
    size_t i = ((uintptr_t)p >> 3) * 0x9e3779b97f4a7c15ull % h->setcap;
    while (h->set[i] != NULL && h->set[i] != p)
        i = (i + 1) % h->setcap;
    return i;
}

static void set_add(gcb_heap *h, void *p)
{
    if (2 * (h->setn + 1) > h->setcap) {
        void **old = h->set;
        size_t oc = h->setcap;
        h->setcap = oc ? 2 * oc : 1024;
        h->set = calloc(h->setcap, sizeof *h->set);
        for (size_t i = 0; i < oc; i++)
            if (old[i] != NULL)
                h->set[slot_of(h, old[i])] = old[i];
        free(old);
    }
    h->set[slot_of(h, p)] = p;
    h->setn++;
}

static int known(gcb_heap *h, void *p) { return h->setcap && h->set[slot_of(h, p)] == p; }

static void kill(gcb_heap *h, obj *o)
{
    if (o->state == FREED)
        return;
    o->state = FREED;
    memset(o + 1, 0xdb, o->bytes);
}

/* Mark p (a value found in a root or a pointer slot): it must be NULL or
 * the start of a live object. */
static void mark(gcb_heap *h, void *p, const char *where)
{
    if (p == NULL)
        return;
    if (!known(h, p)) {
        fprintf(stderr, "strict: %s holds %p, not an object start\n", where, p);
        strict_errors++;
        return;
    }
    obj *o = hdr(p);
    if (o->state == FREED) {
        fprintf(stderr, "strict: %s reaches a freed %s of %zu bytes (%s)\n", where,
                o->t ? o->t->name : "noscan object", o->bytes,
                o->kind == K_ARENA ? "arena" : o->kind == K_TRACKED ? "tracked" : "heap");
        strict_errors++;
        return;
    }
    if (o->mark)
        return;
    o->mark = 1;
    if (o->t == NULL)
        return;
    if (h->sp == h->stackcap) {
        h->stackcap = h->stackcap ? 2 * h->stackcap : 1024;
        h->stack = realloc(h->stack, h->stackcap * sizeof *h->stack);
    }
    h->stack[h->sp++] = o;
}

/* Scan grey objects' declared pointer slots until none is left. */
static void drain(gcb_heap *h)
{
    while (h->sp > 0) {
        obj *o = h->stack[--h->sp];
        void **w = (void **)(o + 1);
        size_t nel = o->bytes / o->t->size, words = o->t->size / 8;
        for (size_t e = 0; e < nel; e++)
            for (uint32_t k = 0; k < o->t->nptrs; k++)
                mark(h, w[e * words + k], o->t->name);
    }
}

static void gc(gcb_heap *h)
{
    for (obj *o = h->all; o != NULL; o = o->next)
        o->mark = 0;
    if (h->m != NULL)
        for (gcb_frame *f = h->m->frames; f != NULL; f = f->prev)
            for (size_t i = 0; i < f->count; i++)
                mark(h, f->slots[i], "a frame slot");
    for (size_t i = 0; i < h->nroots; i++)
        mark(h, *h->roots[i], "a global root");
    for (obj *o = h->all; o != NULL; o = o->next)
        if (o->kind == K_ARENA && o->state == LIVE)
            mark(h, o + 1, "an arena object");
    drain(h);
    for (obj *o = h->all; o != NULL; o = o->next)
        if (o->state == LIVE && !o->mark)
            kill(h, o);
    h->cycles++;
}

static void *new(gcb_heap *h, const gcb_type *t, size_t bytes, uint32_t kind, gcb_arena *a)
{
    if (++h->since >= h->every) {
        h->since = 0;
        gc(h);
    }
    obj *o = calloc(1, sizeof *o + bytes);
    if (o == NULL)
        return NULL;
    o->t = t;
    o->bytes = bytes;
    o->kind = kind;
    o->scope = h->depth;
    o->arena = a;
    o->next = h->all;
    h->all = o;
    set_add(h, o + 1);
    return o + 1;
}

static const gcb_option_desc s_opts[] = {
    {"every", GCB_OPT_INT, "50", "collect every n allocations", 1, 1e9, NULL, NULL},
};

static const gcb_collector strict_hints, strict_plain;

static int heap_with(const gcb_collector *table, const gcb_value *o, gcb_heap **out)
{
    gcb_heap *h = calloc(1, sizeof *h);
    if (h == NULL)
        return ENOMEM;
    h->every = (uint64_t)o[0].i;
    h->table = table;
    *out = h;
    return 0;
}
static int s_heap_new_hints(const gcb_host *hs, const gcb_value *o, gcb_heap **out, char *e, size_t n)
{
    return heap_with(&strict_hints, o, out);
}
static int s_heap_new_plain(const gcb_host *hs, const gcb_value *o, gcb_heap **out, char *e, size_t n)
{
    return heap_with(&strict_plain, o, out);
}
static void s_heap_free(gcb_heap *h)
{
    while (h->all) {
        obj *n = h->all->next;
        free(h->all);
        h->all = n;
    }
    while (h->arenas) {
        gcb_arena *n = h->arenas->next;
        free(h->arenas);
        h->arenas = n;
    }
    free(h->set);
    free(h->roots);
    free(h->stack);
    free(h);
}
static int s_attach(gcb_heap *h, gcb_mutator **out)
{
    gcb_mutator *m = calloc(1, sizeof *m);
    m->gc = h->table;
    m->heap = h;
    m->alloc_kind = GCB_ALLOC_SLOW;
    m->write_barrier = &h->zero;
    h->m = m;
    *out = m;
    return 0;
}
static void s_detach(gcb_mutator *m)
{
    m->heap->m = NULL;
    free(m);
}
static void *s_alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    return new(m->heap, t, bytes, K_HEAP, NULL);
}
static void s_barrier(gcb_mutator *m, void *obj, void **slot, void *val) { *slot = val; }
static void s_safepoint(gcb_mutator *m) { atomic_store(&m->poll_requested, 0); }
static void s_nop(gcb_mutator *m) {}
static void s_root(gcb_mutator *m, void **slot)
{
    gcb_heap *h = m->heap;
    h->roots = realloc(h->roots, (h->nroots + 1) * sizeof *h->roots);
    h->roots[h->nroots++] = slot;
}
static void s_collect(gcb_mutator *m) { gc(m->heap); }
static void s_stats(gcb_heap *h, gcb_heap_stats *s) { s->cycles = h->cycles; }
static void s_free_sized(gcb_mutator *m, void *p, size_t bytes)
{
    gcb_heap *h = m->heap;
    if (!known(h, p) || hdr(p)->state == FREED) {
        fprintf(stderr, "strict: free_sized of %s %p\n", known(h, p) ? "a freed" : "an unknown", p);
        strict_errors++;
        return;
    }
    if (hdr(p)->bytes != bytes) {
        fprintf(stderr, "strict: free_sized(%zu bytes) of an object of %zu bytes\n", bytes, hdr(p)->bytes);
        strict_errors++;
    }
    if (hdr(p)->kind == K_ARENA) {
        fprintf(stderr, "strict: free_sized of an arena object\n");
        strict_errors++;
    }
    kill(h, hdr(p));
}
static void s_scope_enter(gcb_mutator *m) { m->heap->depth++; }
static void s_scope_exit(gcb_mutator *m)
{
    gcb_heap *h = m->heap;
    /* Objects tracked at this depth die now (stricter than "unless the
     * cycle moved on": the compiler proved them dead). */
    for (obj *o = h->all; o != NULL; o = o->next)
        if (o->kind == K_TRACKED && o->state == LIVE && o->scope == h->depth)
            kill(h, o);
    h->depth--;
}
static void *s_alloc_tracked(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    return new(m->heap, t, bytes, m->heap->depth > 0 ? K_TRACKED : K_HEAP, NULL);
}
static gcb_arena *s_arena_new(gcb_mutator *m)
{
    gcb_arena *a = calloc(1, sizeof *a);
    if (a != NULL) {
        a->next = m->heap->arenas;
        m->heap->arenas = a;
    }
    return a;
}
static void *s_arena_alloc(gcb_mutator *m, gcb_arena *a, const gcb_type *t, size_t bytes)
{
    return new(m->heap, t, bytes, K_ARENA, a);
}
static void s_arena_free(gcb_mutator *m, gcb_arena *a)
{
    for (obj *o = m->heap->all; o != NULL; o = o->next)
        if (o->kind == K_ARENA && o->arena == a)
            kill(m->heap, o);
    /* The handle stays allocated (never reused) so stale objects keep a
     * distinct owner; freed with the heap. */
    a->freed = 1;
}

#define STRICT_TABLE(NAME, ARENAS)                                                            \
    static const gcb_collector NAME = {                                                       \
        .abi = GCB_ABI_VERSION, .size = sizeof(gcb_collector), .name = "strict",              \
        .description = "test: precise STW mark-sweep every n allocations, hints honoured",    \
        .caps = GCB_CAP_COLLECTS | GCB_CAP_PRECISE | GCB_CAP_FREE | GCB_CAP_TRACKED,          \
        .noptions = 1, .options = s_opts, .heap_new = ARENAS ? s_heap_new_hints : s_heap_new_plain, .heap_free = s_heap_free,   \
        .mutator_attach = s_attach, .mutator_detach = s_detach, .alloc = s_alloc,             \
        .write_barrier = s_barrier, .safepoint = s_safepoint, .blocking_enter = s_nop,        \
        .blocking_exit = s_nop, .add_root = s_root, .collect = s_collect, .stats = s_stats,   \
        .free_sized = s_free_sized, .scope_enter = ARENAS ? s_scope_enter : NULL,             \
        .scope_exit = ARENAS ? s_scope_exit : NULL,                                           \
        .alloc_tracked = ARENAS ? s_alloc_tracked : NULL,                                     \
        .arena_new = ARENAS ? s_arena_new : NULL, .arena_alloc = ARENAS ? s_arena_alloc : NULL, \
        .arena_free = ARENAS ? s_arena_free : NULL,                                           \
    }
STRICT_TABLE(strict_hints, 1);
STRICT_TABLE(strict_plain, 0);

typedef struct wl_case {
    const gcb_workload *w;
    const char *const over[6];
    uint64_t ops;
} wl_case;

static const wl_case cases[] = {
    {&workload_bytesbuffer, {"writes=100", "chunk=300", "cycles=2", NULL}, 3},
    {&workload_mapgrow, {"n=1500", "keys=int", NULL}, 2},
    {&workload_mapgrow, {"n=1500", "keys=string", "delete=0.5", NULL}, 2},
    {&workload_collect, {"n=2000", "elem=int", NULL}, 3},
    {&workload_collect, {"n=2000", "elem=ptr", NULL}, 3},
    {&workload_lrucache, {"live=65536", "value=256", NULL}, 3000},
    {&workload_api, {"live=16384", "objects=150", NULL}, 20},
    {&workload_rpc, {"requests=3", "items=6", "depth=2", "payload=64", NULL}, 6},
    {&workload_jsontree, {"docs=2", "size=4096", "depth=5", NULL}, 3},
};

static const gcb_type pair_type = {"pair", 16, 2};

/* strict itself: an object held only in a C local across collections is
 * poisoned, and free_sized of a reachable object is a marker error. */
static void self_test(void)
{
    gcb_heap *h = heap(&strict_hints);
    gcb_mutator *m = NULL;
    CHECK(h != NULL && strict_hints.mutator_attach(h, &m) == 0, "strict attach");
    if (m == NULL)
        return;
    void *slot[1] = {NULL};
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    void **pair = slot[0] = gcb_alloc(m, &pair_type, 16);
    uint64_t *lost = gcb_alloc(m, NULL, 16); /* rooted nowhere */
    *lost = 42;
    void *kept = gcb_alloc(m, NULL, 16);
    gcb_store(m, pair, &pair[0], kept);
    gcb_collect(m);
    CHECK(*lost == 0xdbdbdbdbdbdbdbdbull, "an unrooted object survived a collection: %llx",
          (unsigned long long)*lost);
    CHECK(((uint64_t *)kept)[0] == 0 && strict_errors == 0, "a reachable object was freed");
    gcb_free_sized(m, kept, 16); /* still reachable from pair[0] */
    gcb_collect(m);
    CHECK(strict_errors == 1, "free_sized of a reachable object: %ld marker errors, expected 1",
          strict_errors);
    strict_errors = 0;
    gcb_frame_pop(m, &f);
    strict_hints.mutator_detach(m);
    strict_hints.heap_free(h);
}

int main(int argc, char **argv)
{
    self_test();
    for (int variant = 0; variant < 2; variant++) {
        const gcb_collector *gc = variant == 0 ? &strict_hints : &strict_plain;
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            const wl_case *wc = &cases[k];
            if (argc > 1 && strcmp(argv[1], wc->w->name) != 0)
                continue;
            /* Collect every 50 allocations (the default); variant 0 honours
             * arenas and tracked scopes, variant 1 takes their fallbacks. */
            char err[512] = "";
            int rc = run(gc, wc->w, wc->over, 1, wc->ops, err, sizeof err);
            CHECK(rc == 0, "strict%s/%s (%s %s): rc %d: %s", variant ? "-plain" : "", wc->w->name,
                  wc->over[0], wc->over[1] ? wc->over[1] : "", rc, err);
            if (rc == 0)
                printf("  strict%s/%s (%s %s): ok\n", variant ? "-plain" : "", wc->w->name,
                       wc->over[0], wc->over[1] ? wc->over[1] : "");
        }
    }
    CHECK(strict_errors == 0, "%ld marker errors (see above)", strict_errors);
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
