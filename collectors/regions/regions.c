/* regions.c - marksweep plus Go's memory regions (discussion #70257):
 * gcb_region_do runs fn inside a region of the calling thread; its small
 * allocations are bump-allocated in region blocks and reclaimed at once
 * when fn returns, except those a pointer store made reachable from
 * outside the region, which the region write barrier fades (hands to the
 * GC, in place).  The mechanics, the invariants and where this differs
 * from the design are at the top of space.c, beside this file (the region
 * space, over the core's space contract, collectors/core/space.h).
 * Arenas (collectors/arena) are built in as well, so a region object can
 * escape into an arena object as into a heap object, and the paper can set
 * regions against arenas on one heap.  Options: the standard ones
 * (plugin.h), `block`, `cutoff` and `region_reserve`, and the arena
 * plugin's `chunk` and `arena_reserve`.  The record's region.* fields
 * count what regions did.
 */
#include "../arena/arena.h"
#include "plugin.h"
#include "region.h"

static const gcb_collector table;

enum { OPT_BLOCK = GC_NOPTIONS, OPT_CUTOFF, OPT_REGION_RESERVE, OPT_CHUNK, OPT_ARENA_RESERVE };

static const gcb_option_desc options[] = {
    GC_OPTIONS_STD,
    [OPT_BLOCK] = {"block", GCB_OPT_BYTES, "8KiB",
                   "bytes per region block (Immix-style, bump-allocated; a power of two)",
                   4096, 1 << 20, NULL, NULL},
    [OPT_CUTOFF] = {"cutoff", GCB_OPT_BYTES, "2KiB",
                    "largest allocation made in a region (larger ones go to the heap); at most "
                    "block / 4",
                    8, 1 << 18, NULL, NULL},
    [OPT_REGION_RESERVE] = {"region_reserve", GCB_OPT_BYTES, "4GiB",
                            "address space reserved for region blocks", 1 << 24, 1ULL << 40,
                            NULL, NULL},
    [OPT_CHUNK] = {"chunk", GCB_OPT_BYTES, "8MiB",
                   "bytes per arena chunk; objects over a quarter chunk come from the heap",
                   65536, 1ULL << 32, NULL, NULL},
    [OPT_ARENA_RESERVE] = {"arena_reserve", GCB_OPT_BYTES, "64GiB",
                           "address space reserved for arena chunks", 1 << 24, 1ULL << 46, NULL,
                           NULL},
};

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out, char *err,
                    size_t errlen)
{
    int rc = gc_plugin_heap_new(&table, host, opts, out, err, errlen);
    if (rc != 0)
        return rc;
    rc = region_space_init(gc_heap_of(*out), (size_t)opts[OPT_BLOCK].i,
                           (size_t)opts[OPT_CUTOFF].i, (size_t)opts[OPT_REGION_RESERVE].i, err,
                           errlen);
    if (rc == 0)
        rc = arena_space_init(gc_heap_of(*out), (size_t)opts[OPT_CHUNK].i,
                              (size_t)opts[OPT_ARENA_RESERVE].i, err, errlen);
    if (rc != 0) {
        gc_plugin_heap_free(*out);
        *out = NULL;
    }
    return rc;
}

static void *alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    return region_alloc(gc_mutator_of(m), t, bytes);
}

static void hint_region_do(gcb_mutator *m, void (*fn)(gcb_mutator *, void *), void *arg)
{
    region_do(gc_mutator_of(m), fn, arg);
}

static gcb_arena *hint_arena_new(gcb_mutator *m) { return arena_new(gc_mutator_of(m)); }
static void hint_arena_free(gcb_mutator *m, gcb_arena *a) { arena_free(gc_mutator_of(m), a); }

static void *hint_arena_alloc(gcb_mutator *m, gcb_arena *a, const gcb_type *t, size_t bytes)
{
    return arena_alloc(gc_mutator_of(m), a, t, bytes);
}

static void *hint_arena_clone(gcb_mutator *m, const gcb_type *t, const void *p, size_t bytes)
{
    return arena_clone(gc_mutator_of(m), t, p, bytes);
}

static int describe_fault(gcb_heap *h, const void *addr, char *buf, size_t len)
{
    return arena_describe(gc_heap_of(h), addr, buf, len);
}

/* GC_PLUGIN_METHODS, with the region allocator and barrier in place of
 * the plain ones. */
static const gcb_collector table = {
    .abi = GCB_ABI_VERSION,
    .size = sizeof(gcb_collector),
    .name = "regions",
    .description = "marksweep plus Go's memory regions (#70257): region_do bump-allocates in "
                   "8 KiB blocks freed at exit; a region barrier fades escaping objects to the GC",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE | GCB_CAP_REGIONS |
            GCB_CAP_ARENAS,
    .noptions = sizeof options / sizeof options[0],
    .options = options,
    .heap_new = heap_new,
    .heap_free = gc_plugin_heap_free,
    .mutator_attach = gc_plugin_mutator_attach,
    .mutator_detach = gc_plugin_mutator_detach,
    .alloc = alloc,
    .write_barrier = region_write_barrier,
    .safepoint = gc_plugin_safepoint,
    .blocking_enter = gc_plugin_blocking_enter,
    .blocking_exit = gc_plugin_blocking_exit,
    .add_root = gc_plugin_add_root,
    .collect = gc_plugin_collect,
    .stats = gc_plugin_stats,
    .verify = gc_plugin_verify,
    .arena_new = hint_arena_new,
    .arena_alloc = hint_arena_alloc,
    .arena_free = hint_arena_free,
    .arena_clone = hint_arena_clone,
    .region_do = hint_region_do,
    .describe_fault = describe_fault,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
