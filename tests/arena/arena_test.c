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
 * - objects larger than a quarter chunk come from the heap;
 * - chunk layout as Go's: pointer-free objects at the back, others at the
 *   front, no header; a kept chunk's stale objects are scanned. */
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

    /* 6. Go's chunk layout: pointer-free objects from the chunk's back,
     * objects with pointers from its front, with no header between them;
     * the pointer words of every element are found (bitmap), also in a
     * freed arena's objects left in the chunk the next arena takes (Go
     * scans the chunk up to its last pointer word, stale objects too). */
    gcb_arena *g = gcb_arena_new(m);
    obj *o1 = gcb_arena_alloc(m, g, &obj_t, sizeof(obj));
    char *raw = gcb_arena_alloc(m, g, NULL, 24);
    obj *o2 = gcb_arena_alloc(m, g, &obj_t, 5 * sizeof(obj));
    CHECK(o1 && raw && o2 && chunk_of(o1) == chunk_of(o2) && chunk_of(raw) == chunk_of(o1),
          "three small objects did not share a chunk");
    CHECK((char *)o2 == (char *)o1 + sizeof(obj),
          "objects with pointers are not adjacent at the front (%p then %p)", (void *)o1,
          (void *)o2);
    CHECK(raw > (char *)(o2 + 5), "a pointer-free object is not above the front (%p, front %p)",
          (void *)raw, (void *)(o2 + 5));
    for (int i = 0; i < 6; i++) {
        obj *t = i == 0 ? o1 : &o2[i - 1];
        obj *hobj = gcb_alloc(m, &obj_t, sizeof(obj));
        hobj->id = 100 + (uint64_t)i;
        hobj->check = mix(100 + (uint64_t)i);
        gcb_store(m, t, (void **)&t->ptr, hobj);
        t->id = mix(7); /* scalars that look like nothing */
    }
    uintptr_t gchunk = chunk_of(o1);
    gcb_arena_free(m, g); /* its only chunk is kept for the next arena */
    for (int c2 = 0; c2 < 2; c2++) {
        churn(m);
        gcb_collect(m);
    }
    gcb_arena *k = gcb_arena_new(m);
    obj *ko = gcb_arena_alloc(m, k, &obj_t, sizeof(obj));
    CHECK(chunk_of(ko) == gchunk && (char *)ko == (char *)(o2 + 5),
          "the next arena did not continue at the kept chunk's front");
    for (int i = 0; i < 6; i++) {
        obj *t = i == 0 ? o1 : &o2[i - 1];
        CHECK(t->ptr->id == 100 + (uint64_t)i && t->ptr->check == mix(100 + (uint64_t)i),
              "heap object %d held by a stale arena object was freed or reused", i);
    }
    CHECK(gc->verify(m, err, sizeof err) == 0, "verify: %s", err);
    gcb_arena_free(m, k);

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
