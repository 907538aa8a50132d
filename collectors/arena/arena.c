/* arena.c - marksweep plus Go's arena experiment (#51317): arena_new /
 * arena_alloc / arena_free / arena_clone with chunks of `chunk` bytes.
 * Arena objects are roots while their arena lives; after arena_free its
 * last chunk goes to the next arena (Go's reuse list), every access to its
 * other chunks faults and the run fails with a message naming the freed
 * arena; their address space is reused only after a mark proves nothing
 * reachable points into it.  Chunks count to the pacer as Go's do.  The mechanics, and where they differ
 * from Go, are at the top of space.c, beside this file (the arena space,
 * over the core's space contract, collectors/core/space.h).  Options: the
 * standard ones (plugin.h) plus `chunk` and `arena_reserve`.
 */
#include "arena.h"
#include "plugin.h"

static const gcb_collector table;

enum { OPT_CHUNK = GC_NOPTIONS, OPT_ARENA_RESERVE };

static const gcb_option_desc options[] = {
    GC_OPTIONS_STD,
    [OPT_CHUNK] = {"chunk", GCB_OPT_BYTES, "8MiB",
                   "bytes per arena chunk; objects over a quarter chunk come from the heap",
                   65536, 1ULL << 32, NULL, NULL},
    [OPT_ARENA_RESERVE] = {"arena_reserve", GCB_OPT_BYTES, "64GiB",
                           "address space reserved for arena chunks (freed chunks stay reserved "
                           "until a mark proves them unreferenced)",
                           1 << 24, 1ULL << 46, NULL, NULL},
};

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out, char *err,
                    size_t errlen)
{
    int rc = gc_plugin_heap_new(&table, host, opts, out, err, errlen);
    if (rc != 0)
        return rc;
    rc = arena_space_init(gc_heap_of(*out), (size_t)opts[OPT_CHUNK].i,
                          (size_t)opts[OPT_ARENA_RESERVE].i, err, errlen);
    if (rc != 0) {
        gc_plugin_heap_free(*out);
        *out = NULL;
    }
    return rc;
}

static gcb_arena *hint_new(gcb_mutator *m) { return arena_new(gc_mutator_of(m)); }
static void hint_free(gcb_mutator *m, gcb_arena *a) { arena_free(gc_mutator_of(m), a); }

static void *hint_alloc(gcb_mutator *m, gcb_arena *a, const gcb_type *t, size_t bytes)
{
    return arena_alloc(gc_mutator_of(m), a, t, bytes);
}

static void *hint_clone(gcb_mutator *m, const gcb_type *t, const void *p, size_t bytes)
{
    return arena_clone(gc_mutator_of(m), t, p, bytes);
}

static int describe(gcb_heap *h, const void *addr, char *buf, size_t len)
{
    return arena_describe(gc_heap_of(h), addr, buf, len);
}

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "arena",
    .description = "marksweep plus Go's arenas (#51317): chunked bump allocation, freed arenas "
                   "fault on access, address space reused once a mark proves it safe",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE | GCB_CAP_ARENAS,
    .noptions = sizeof options / sizeof options[0],
    .options = options,
    .heap_new = heap_new,
    .arena_new = hint_new,
    .arena_alloc = hint_alloc,
    .arena_free = hint_free,
    .arena_clone = hint_clone,
    .describe_fault = describe,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
