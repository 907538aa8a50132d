/* arena_heap.h - the heap both arena tests start from (accounting.c,
 * arena_test.c): the arena plugin `gc` with GC off unless asked for
 * (gogc and memlimit off), verify on, concurrent mode, 1 GiB of heap
 * reservation, chunks of `chunk` bytes out of `arena_reserve`, one proc.
 * NULL, with the reason on stderr, when heap_new fails.  Include after
 * ../common/testhost.h. */
#ifndef GCB_TESTS_ARENA_HEAP_H
#define GCB_TESTS_ARENA_HEAP_H

static gcb_heap *arena_heap(const gcb_collector *gc, int64_t chunk, int64_t arena_reserve)
{
    static gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = testhost_event,
                            .spawn = testhost_spawn, .log = testhost_log,
                            .now_ns = testhost_now_ns, .procs = 1, .mutators = 1};
    gcb_value v[16] = {0};
    testhost_set(gc, v, "mode", 0, 0);
    testhost_set(gc, v, "gogc", -1, 1);
    testhost_set(gc, v, "memlimit", -1, 1);
    testhost_set(gc, v, "verify", 1, 0);
    testhost_set(gc, v, "reserve", (int64_t)1 << 30, 0);
    testhost_set(gc, v, "chunk", chunk, 0);
    testhost_set(gc, v, "arena_reserve", arena_reserve, 0);
    gcb_heap *heap;
    char err[256];
    if (gc->heap_new(&host, v, &heap, err, sizeof err) != 0) {
        fprintf(stderr, "heap_new: %s\n", err);
        return NULL;
    }
    return heap;
}

#endif
