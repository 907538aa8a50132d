/* reuse.c - freetracked's hints, deterministically (GOGC off, one thread):
 * a freed slot is what the next allocation of its size class returns,
 * zeroed, also from a span the mutator no longer caches (not for small
 * objects with pointers: their heap bits are the caching mutator's); hints below 16 B or above 32 KiB are ignored; a tracked scope
 * frees its objects at exit, but not when a GC cycle ran since they were
 * allocated; the counters say so. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gcb/mutator.h"
#include "../common/testhost.h"

static const gcb_type node_t = {"node", 32, 2};

int main(void)
{
    const char *path = getenv("FREETRACKED_SO") ? getenv("FREETRACKED_SO") : FREETRACKED_SO;
    const gcb_collector *gc = load(path);
    if (gc == NULL)
        return 1;
    gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = testhost_event,
                     .spawn = testhost_spawn, .log = testhost_log, .now_ns = testhost_now_ns,
                     .procs = 1, .mutators = 1};
    gcb_value v[16] = {0};
    testhost_set(gc, v, "mode", 0, 0);
    testhost_set(gc, v, "gogc", -1, 1); /* off: no cycle unless collect() */
    testhost_set(gc, v, "memlimit", -1, 1);
    testhost_set(gc, v, "reserve", (int64_t)1 << 30, 0);
    gcb_heap *heap;
    char err[256];
    CHECK(gc->heap_new(&host, v, &heap, err, sizeof err) == 0, "heap_new: %s", err);
    gcb_mutator *m;
    CHECK(gc->mutator_attach(heap, &m) == 0, "attach");
    void *roots[2] = {0};
    gcb_frame f;
    gcb_frame_push(m, &f, roots, 2);

    /* free_sized: pointer-free and scannable objects come straight back. */
    char *a = gcb_alloc(m, NULL, 48);
    memset(a, 0xab, 48);
    gcb_free_sized(m, a, 48);
    char *b = gcb_alloc(m, NULL, 48);
    CHECK(b == a, "48-byte buffer: freed %p, next allocation %p", (void *)a, (void *)b);
    for (int i = 0; i < 48; i++)
        CHECK(b[i] == 0, "reused buffer byte %d is %#x, not zero", i, b[i] & 0xff);
    void **n = gcb_alloc(m, &node_t, 32);
    roots[0] = n;
    void **kid = gcb_alloc(m, &node_t, 32);
    gcb_store(m, n, &n[0], kid);
    ((uint64_t *)n)[3] = 77;
    roots[0] = NULL;
    gcb_free_sized(m, n, 32);
    void **n2 = gcb_alloc(m, &node_t, 32);
    CHECK(n2 == n, "node: freed %p, next allocation %p", (void *)n, (void *)n2);
    CHECK(n2[0] == NULL && ((uint64_t *)n2)[3] == 0, "reused node not zeroed");

    /* Reuse from any span (Go 1.26 runtimefreegc): an object whose span
     * is no longer the cached one is still what the next allocation of
     * its class returns, before the cached span's own free slots. */
    char *old = gcb_alloc(m, NULL, 64);
    char *last = old;
    for (int i = 0; i < 300; i++) /* 128 slots of 64 B per span: the cache moves on */
        last = gcb_alloc(m, NULL, 64);
    CHECK(last - old >= 8192 || old - last >= 8192, "64-byte objects %p and %p in one span",
          (void *)old, (void *)last);
    memset(old, 0xcd, 64);
    gcb_free_sized(m, old, 64);
    char *again = gcb_alloc(m, NULL, 64);
    CHECK(again == old, "freed %p from an uncached span, next allocation %p", (void *)old,
          (void *)again);
    for (int i = 0; i < 64; i++)
        CHECK(again[i] == 0, "reused foreign buffer byte %d is %#x, not zero", i, again[i] & 0xff);

    /* ...but not a small object with pointers: its slot's heap bits belong
     * to whoever caches its span (collectors/core/gc.h), so the hint is
     * skipped and the slot left to the GC. */
    void **oldn = gcb_alloc(m, &node_t, 32);
    void **lastn = oldn;
    for (int i = 0; i < 300; i++) /* 252 slots of 32 B per span: the cache moves on */
        lastn = gcb_alloc(m, &node_t, 32);
    CHECK((char *)lastn - (char *)oldn >= 8192 || (char *)oldn - (char *)lastn >= 8192,
          "nodes %p and %p in one span", (void *)oldn, (void *)lastn);
    gcb_free_sized(m, oldn, 32);
    void **n3 = gcb_alloc(m, &node_t, 32);
    CHECK(n3 != oldn, "a node of an uncached span (heap bits) was reused");

    /* ignored: too small, too large */
    void *tiny = gcb_alloc(m, NULL, 8);
    gcb_free_sized(m, tiny, 8);
    void *big = gcb_alloc(m, NULL, 40000);
    gcb_free_sized(m, big, 40000);

    /* tracked scope, no cycle: freed at exit, reused next */
    gcb_scope_enter(m);
    void *t1 = gcb_alloc_tracked(m, NULL, 100);
    gcb_scope_exit(m);
    void *t2 = gcb_alloc(m, NULL, 100);
    CHECK(t2 == t1, "tracked scope: %p not reused (got %p)", t1, t2);

    /* tracked scope across a cycle: kept (the cycle may have seen it) */
    gcb_scope_enter(m);
    void *t3 = gcb_alloc_tracked(m, NULL, 100);
    roots[1] = t3;
    gcb_collect(m);
    roots[1] = NULL;
    gcb_scope_exit(m);
    void *t4 = gcb_alloc(m, NULL, 100);
    CHECK(t4 != t3, "an object allocated before a cycle was freed at scope exit");

    gcb_frame_pop(m, &f);
    gc->mutator_detach(m);
    gcb_heap_stats st = {.size = sizeof st};
    gc->stats(heap, &st);
    gc->heap_free(heap);
    printf("frees %llu skipped %llu freed %llu B reused %llu B\n", (unsigned long long)st.frees,
           (unsigned long long)st.frees_skipped, (unsigned long long)st.freed_explicit_bytes,
           (unsigned long long)st.reused_bytes);
    CHECK(st.frees == 4, "frees = %llu, want 4 (buffer, node, foreign buffer, tracked)",
          (unsigned long long)st.frees);
    CHECK(st.frees_skipped == 4,
          "skipped = %llu, want 4 (foreign node, 8 B, 40000 B, tracked across a cycle)",
          (unsigned long long)st.frees_skipped);
    /* the 32-byte node takes a 32-byte slot: no header (Go 1.22+ layout) */
    CHECK(st.freed_explicit_bytes == 48 + 32 + 64 + 112,
          "freed bytes %llu, want 256 (slots 48, 32, 64, 112)",
          (unsigned long long)st.freed_explicit_bytes);
    CHECK(st.reused_bytes == st.freed_explicit_bytes, "reused %llu B of %llu B freed",
          (unsigned long long)st.reused_bytes, (unsigned long long)st.freed_explicit_bytes);
    return failures ? 1 : 0;
}
