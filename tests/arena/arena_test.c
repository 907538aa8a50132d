/* arena_test.c - the arena plugin through its ABI, deterministically (one
 * thread, GOGC off, cycles by gcb_collect, verify on):
 * - heap objects whose only references are in arena objects survive
 *   cycles (arena objects are roots) with their contents intact, and the
 *   verify walk agrees;
 * - arena_clone copies into the heap, and the copy outlives the arena;
 * - a freed arena's full chunk is not handed out again before a mark, is
 *   after one, and stays quarantined while a reachable heap object still
 *   points into it; its last chunk goes to the next arena at once (Go's
 *   reuse list);
 * - objects larger than a quarter chunk come from the heap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gcb/mutator.h"
#include "../common/testhost.h"
#include "arena_heap.h"

#define CHUNK (256 * 1024)
#define NODES 2000

typedef struct obj {
    struct obj *ptr; /* pointer slot */
    uint64_t id, check;
} obj;
static const gcb_type obj_t = {"obj", sizeof(obj), 1};
static const gcb_type ptrs_t = {"[]*obj", 8, 1};

static uint64_t mix(uint64_t x) { return x * 0x9E3779B97F4A7C15ull ^ 0xabc; }

static uintptr_t chunk_of(const void *p) { return (uintptr_t)p / CHUNK; }

/* Fill x until it moves to another chunk than p's, so p's chunk is full. */
static void fill_past(gcb_mutator *m, gcb_arena *x, const void *p)
{
    while (chunk_of(gcb_arena_alloc(m, x, NULL, CHUNK / 4)) == chunk_of(p))
        ;
}

/* Garbage, so the collections have something to reclaim and reuse. */
static void churn(gcb_mutator *m)
{
    for (int i = 0; i < 20000; i++)
        gcb_alloc(m, &obj_t, sizeof(obj));
}

int main(void)
{
    const char *path = getenv("ARENA_SO") ? getenv("ARENA_SO") : ARENA_SO;
    const gcb_collector *gc = load(path);
    if (gc == NULL)
        return 1;
    gcb_heap *heap = arena_heap(gc, CHUNK, (int64_t)1 << 30);
    if (heap == NULL)
        return 1;
    char err[256]; /* verify's message */
    gcb_mutator *m;
    CHECK(gc->mutator_attach(heap, &m) == 0, "attach");
    void *roots[3] = {0};
    gcb_frame f;
    gcb_frame_push(m, &f, roots, 3);

    /* 1. Heap objects held only by an arena object survive cycles. */
    gcb_arena *a = gcb_arena_new(m);
    CHECK(a != NULL && a != GCB_NO_ARENA, "arena_new gave the fallback handle");
    obj **arr = gcb_arena_alloc(m, a, &ptrs_t, NODES * 8);
    CHECK(arr != NULL, "arena array");
    for (int i = 0; i < NODES; i++) {
        obj *o = gcb_alloc(m, &obj_t, sizeof(obj));
        o->id = (uint64_t)i;
        o->check = mix((uint64_t)i);
        gcb_store(m, arr, (void **)&arr[i], o);
    }
    for (int c = 0; c < 3; c++) {
        churn(m);
        gcb_collect(m);
    }
    for (int i = 0; i < NODES; i++)
        CHECK(arr[i]->id == (uint64_t)i && arr[i]->check == mix((uint64_t)i),
              "heap object %d held only by the arena was freed or reused", i);
    CHECK(gc->verify(m, err, sizeof err) == 0, "verify: %s", err);

    /* 2. clone: the copy lives in the heap, past the arena. */
    obj *ao = gcb_arena_alloc(m, a, &obj_t, sizeof(obj));
    ao->id = 4242;
    ao->check = mix(4242);
    gcb_store(m, ao, (void **)&ao->ptr, arr[7]);
    obj *copy = roots[0] = gcb_arena_clone(m, &obj_t, ao, sizeof(obj));
    CHECK(copy != NULL && chunk_of(copy) != chunk_of(ao), "clone stayed in the arena");
    uintptr_t freed_chunk = chunk_of(arr);
    fill_past(m, a, arr);
    uintptr_t kept_chunk = chunk_of(gcb_arena_alloc(m, a, NULL, 64));

    /* 3. Quarantine: a full chunk is not reused before a mark, is after
     * one; the last chunk is reused at once. */
    gcb_arena_free(m, a);
    gcb_arena *b = gcb_arena_new(m);
    void *bp = gcb_arena_alloc(m, b, NULL, 64);
    CHECK(chunk_of(bp) == kept_chunk, "the freed arena's last chunk was not reused at once");
    CHECK(chunk_of(bp) != freed_chunk, "a freed full chunk was reused before any mark");
    churn(m);
    gcb_collect(m);
    copy = roots[0];
    CHECK(copy->id == 4242 && copy->check == mix(4242) && copy->ptr->id == 7,
          "the clone (or what it points to) did not survive its arena");
    gcb_arena *c = gcb_arena_new(m);
    void *cp = gcb_arena_alloc(m, c, NULL, 64);
    CHECK(chunk_of(cp) == freed_chunk, "a freed, unreferenced chunk was not reused after a mark "
          "(got chunk %#lx, freed %#lx)", (unsigned long)chunk_of(cp), (unsigned long)freed_chunk);

    /* 4. A reachable heap pointer into a freed arena keeps its chunk out of reuse. */
    gcb_arena *d = gcb_arena_new(m);
    obj *dobj = gcb_arena_alloc(m, d, &obj_t, sizeof(obj));
    uintptr_t dchunk = chunk_of(dobj);
    obj *holder = roots[1] = gcb_alloc(m, &obj_t, sizeof(obj));
    gcb_store(m, holder, (void **)&holder->ptr, dobj); /* dangling once d is freed: legal, unused */
    fill_past(m, d, dobj);
    gcb_arena_free(m, d);
    gcb_collect(m);
    gcb_collect(m);
    gcb_arena *e = gcb_arena_new(m);
    void *ep = gcb_arena_alloc(m, e, NULL, 64);
    CHECK(chunk_of(ep) != dchunk, "a freed chunk still referenced from the heap was reused");

    /* 5. Large objects come from the heap. */
    void *big = gcb_arena_alloc(m, e, NULL, CHUNK / 2);
    CHECK(big != NULL && chunk_of(big) != chunk_of(ep), "a half-chunk object went into the arena");

    gcb_arena_free(m, b);
    gcb_arena_free(m, c);
    gcb_arena_free(m, e);
    gcb_frame_pop(m, &f);
    CHECK(gc->verify(m, err, sizeof err) == 0, "verify: %s", err);
    gc->mutator_detach(m);
    gc->heap_free(heap);
    printf("arena: %d failures\n", failures);
    return failures ? 1 : 0;
}
