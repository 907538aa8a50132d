/* accounting.c - how arena chunks count to the pacer, as Go's arena.go
 * does it, step by step against the arena plugin (one thread, GOGC off,
 * cycles only by gcb_collect, verify on).  Each row is one step and the
 * change it must make to heap_live and the arena's heap in use, in
 * chunks; heap_marked is checked after the cycles.  Worked by hand from
 * Go 1.26 runtime/arena.go:
 * - a chunk counts as one large object of elemsize = chunk - (chunk/64 +
 *   sizeof(abi.Type) = 48) bytes (allocUserArenaChunk,
 *   userArenaChunkReserveBytes): E = 65536 - 1024 - 48 = 64464 here;
 * - a fresh or ready-list chunk adds E to heap_live (allocUserArenaChunk:
 *   gcController.update(elemsize)); one from the reuse list of partly used
 *   chunks adds nothing (refill);
 * - freeing an arena with no mark running takes E off heap_live per full
 *   chunk (setUserArenaChunkToFault) and keeps the last chunk for reuse
 *   (free: userArenaState.reuse); during a mark the full chunks stay
 *   counted (userArenaState.fault) until the end of mark termination
 *   faults them (gcMarkTermination), or an earlier free with no mark
 *   running (freeUserArenaChunk);
 * - at a mark every held chunk (an arena's, or on the reuse list) and
 *   every quarantined chunk a reachable pointer reaches counts E in
 *   heap_marked.
 * The old model (fresh chunks only, whole chunk bytes, nothing at a free,
 * a freed arena's last chunk quarantined) fails rows 1, 3, 4 and 6. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "gcb/mutator.h"
#include "../common/testhost.h"
#include "arena_heap.h"

#define CHUNK 65536
#define E ((uint64_t)(CHUNK - CHUNK / 64 - 48)) /* Go's elemsize of a chunk */
#define FILL (CHUNK / 4)                        /* the largest arena object */

typedef struct obj {
    void *ptr; /* pointer slot */
    uint64_t pad;
} obj;
static const gcb_type obj_t = {"obj", sizeof(obj), 1};

static gc_heap *H;
static gcb_mutator *M;
static gc_space *S; /* the arena space */

static uintptr_t chunk_of(const void *p) { return (uintptr_t)p / CHUNK; }

static uint64_t live(void) { return atomic_load(&H->heap_live); }
static uint64_t held(void) { return S->ops->live_bytes(S) / CHUNK; }

/* Allocate into a until it holds n chunks; the first object's address. */
static void *fill(gcb_arena *a, int n, int *nchunks)
{
    void *first = gcb_arena_alloc(M, a, &obj_t, sizeof(obj));
    uintptr_t last = chunk_of(first);
    for (*nchunks = 1; *nchunks < n;) {
        void *p = gcb_arena_alloc(M, a, NULL, FILL);
        if (p == NULL)
            return NULL;
        if (chunk_of(p) != last)
            (*nchunks)++, last = chunk_of(p);
    }
    return first;
}

/* Steps: each sets *why and returns; the table checks the deltas. */
static gcb_arena *a, *b, *c, *d;
static void *a_first, *b_first, *d_first;
static uintptr_t a_last;
static obj *holder;

static void fresh(void)
{
    a = gcb_arena_new(M);
    int n;
    a_first = fill(a, 1, &n);
}

static void three(void)
{
    int n;
    fill(a, 3, &n);
    void *p = gcb_arena_alloc(M, a, NULL, 64);
    a_last = chunk_of(p);
}

static void free_idle(void) { gcb_arena_free(M, a); }

static void reuse_partial(void)
{
    b = gcb_arena_new(M);
    b_first = gcb_arena_alloc(M, b, NULL, 64);
    CHECK(chunk_of(b_first) == a_last, "a new arena did not take the freed arena's last chunk");
}

static void collect(void) { gcb_collect(M); }

static void reuse_ready(void)
{
    c = gcb_arena_new(M);
    void *p = gcb_arena_alloc(M, c, NULL, 64);
    CHECK(chunk_of(p) != a_last && chunk_of(p) != chunk_of(b_first),
          "a ready chunk was expected, got a held one");
}

static void grow_c(void)
{
    int n;
    fill(c, 2, &n);
}

static void free_marking(void)
{
    atomic_store(&H->phase, GCPH_MARK);
    gcb_arena_free(M, c);
    atomic_store(&H->phase, GCPH_OFF);
}

static void terminated(void) { S->ops->mark_terminated(S, H); }

/* Another two-chunk arena, freed during a mark: it takes c's kept chunk
 * (nothing), a fresh one (+1), and its free lists the first. */
static void free_marking_e(void)
{
    gcb_arena *e = gcb_arena_new(M);
    int n;
    fill(e, 2, &n);
    atomic_store(&H->phase, GCPH_MARK);
    gcb_arena_free(M, e);
    atomic_store(&H->phase, GCPH_OFF);
}

/* An arena that takes the kept chunk and frees it, no mark running. */
static void free_next(void)
{
    gcb_arena *x = gcb_arena_new(M);
    gcb_arena_alloc(M, x, NULL, 64);
    gcb_arena_free(M, x);
}

static void dangling(void)
{
    d = gcb_arena_new(M);
    int n;
    d_first = fill(d, 2, &n);
    gcb_store(M, holder, &holder->ptr, d_first); /* dangling once d is freed: legal, unused */
    gcb_arena_free(M, d);
}

static const struct row {
    const char *what;
    void (*step)(void);
    int64_t dlive; /* heap_live change, in E */
    int64_t dheld; /* chunks held (LIVE or PARTIAL) change */
} rows[] = {
    {"a fresh chunk is a large object of elemsize", fresh, 1, 1},
    {"two more fresh chunks", three, 2, 2},
    {"a free with no mark running frees the full chunks, keeps the last", free_idle, -2, -2},
    {"taking the kept chunk costs nothing", reuse_partial, 0, 0},
    {"a mark (heap_live = heap_marked: the held chunk)", collect, 0, 0},
    {"a ready chunk is a new large object again", reuse_ready, 1, 1},
    {"a second chunk for c", grow_c, 1, 1},
    {"a free during a mark leaves heap_live alone", free_marking, 0, -1},
    {"... until the mark's termination ends", terminated, -1, 0},
    {"another two-chunk arena freed during a mark", free_marking_e, 1, 0},
    {"... or a free with no mark running before that", free_next, -1, 0},
    /* d takes c's kept chunk (free), then a fresh one (+1); its free
     * quarantines the first (-1) and keeps the second. */
    {"a two-chunk arena freed with a pointer into its first chunk", dangling, 0, 0},
};

int main(void)
{
    const char *path = getenv("ARENA_SO") ? getenv("ARENA_SO") : ARENA_SO;
    const gcb_collector *gc = load(path);
    if (gc == NULL)
        return 1;
    for (uint32_t i = 0; i < gc->noptions; i++)
        if (strcmp(gc->options[i].name, "chunk") == 0)
            CHECK(strcmp(gc->options[i].def, "8MiB") == 0,
                  "chunk default %s, Go's userArenaChunkBytes on 64-bit Linux is 8MiB",
                  gc->options[i].def);
    gcb_heap *heap = arena_heap(gc, CHUNK, (int64_t)1 << 28);
    if (heap == NULL)
        return 1;
    char err[256]; /* verify's message */
    H = (gc_heap *)(void *)heap;
    for (unsigned i = 0; i < H->nspaces; i++)
        if (strcmp(H->spaces[i]->ops->name, "arena") == 0)
            S = H->spaces[i];
    CHECK(S != NULL && S->ops->mark_terminated != NULL, "no arena space with mark_terminated");
    if (S == NULL || S->ops->mark_terminated == NULL)
        return 1;
    CHECK(gc->mutator_attach(heap, &M) == 0, "attach");
    void *roots[1] = {0};
    gcb_frame f;
    gcb_frame_push(M, &f, roots, 1);
    holder = roots[0] = gcb_alloc(M, &obj_t, sizeof(obj));

    gcb_collect(M); /* the heap's own marked bytes, before any arena */
    uint64_t base = atomic_load(&H->heap_marked);

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        uint64_t l0 = live(), h0 = held();
        r->step();
        int64_t dl = (int64_t)(live() - l0), dh = (int64_t)(held() - h0);
        CHECK(dl == r->dlive * (int64_t)E, "row %zu (%s): heap_live moved %lld bytes, want %lld",
              i + 1, r->what, (long long)dl, (long long)(r->dlive * (int64_t)E));
        CHECK(dh == r->dheld, "row %zu (%s): chunks held moved %lld, want %lld", i + 1, r->what,
              (long long)dh, (long long)r->dheld);
    }
    /* Held now: b's chunk and d's kept one. */
    CHECK(held() == 2, "%llu chunks held, want 2", (unsigned long long)held());

    /* A mark: the held chunks, plus d's first chunk, quarantined but reached. */
    gcb_collect(M);
    uint64_t marked = atomic_load(&H->heap_marked) - base;
    CHECK(marked == 3 * E, "heap_marked over the heap's own %llu bytes, want 3 E (%llu)",
          (unsigned long long)marked, (unsigned long long)(3 * E));
    CHECK(live() == atomic_load(&H->heap_marked), "heap_live is not heap_marked after a cycle");
    /* The pointer gone, the chunk leaves heap_marked (and quarantine). */
    gcb_store(M, holder, &holder->ptr, NULL);
    gcb_collect(M);
    marked = atomic_load(&H->heap_marked) - base;
    CHECK(marked == 2 * E, "after the pointer went: heap_marked over the heap's own %llu, want "
          "2 E (%llu)", (unsigned long long)marked, (unsigned long long)(2 * E));
    gcb_arena *e = gcb_arena_new(M);
    gcb_arena_alloc(M, e, NULL, FILL);
    CHECK(gc->verify(M, err, sizeof err) == 0, "verify: %s", err);

    gcb_arena_free(M, b);
    gcb_arena_free(M, e);
    gcb_frame_pop(M, &f);
    gc->mutator_detach(M);
    gc->heap_free(heap);
    printf("arena accounting: %d failures\n", failures);
    return failures ? 1 : 0;
}
