/* stub.h - a minimal collector table for the loader tests.  Each test
 * plugin defines STUB_ABI / STUB_SIZE / STUB_NO_ENTRY before including it
 * to break one thing. */
#include <errno.h>
#include <stddef.h>

#include "gcb/collector.h"

#ifndef STUB_ABI
#define STUB_ABI GCB_ABI_VERSION
#endif
#ifndef STUB_SIZE
#define STUB_SIZE sizeof(gcb_collector)
#endif
#ifndef STUB_COLLECT
#define STUB_COLLECT collect
#endif
#ifndef STUB_TABLE
#define STUB_TABLE &table
#endif
#ifndef STUB_NAME
#define STUB_NAME "stub"
#endif

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out,
                    char *err, size_t errlen) { return ENOSYS; }
static void heap_free(gcb_heap *h) {}
static int mutator_attach(gcb_heap *h, gcb_mutator **out) { return ENOSYS; }
static void mutator_detach(gcb_mutator *m) {}
static void *alloc(gcb_mutator *m, const gcb_type *t, size_t bytes) { return NULL; }
static void write_barrier(gcb_mutator *m, void *obj, void **slot, void *val) { *slot = val; }
static void safepoint(gcb_mutator *m) {}
static void blocking_enter(gcb_mutator *m) {}
static void blocking_exit(gcb_mutator *m) {}
static void add_root(gcb_mutator *m, void **slot) {}
__attribute__((unused)) static void collect(gcb_mutator *m) {}
static void stats(gcb_heap *h, gcb_heap_stats *out) {}

static const gcb_option_desc options[] = {
    {"gogc", GCB_OPT_INT, "100", "GC percent", 0, 100000, NULL, "off"},
};

static const gcb_collector table = {
    .abi = STUB_ABI,
    .size = STUB_SIZE,
    .name = STUB_NAME,
    .description = "loader test plugin",
    .caps = 0,
    .noptions = 1,
    .options = options,
    .heap_new = heap_new,
    .heap_free = heap_free,
    .mutator_attach = mutator_attach,
    .mutator_detach = mutator_detach,
    .alloc = alloc,
    .write_barrier = write_barrier,
    .safepoint = safepoint,
    .blocking_enter = blocking_enter,
    .blocking_exit = blocking_exit,
    .add_root = add_root,
    .collect = STUB_COLLECT,
    .stats = stats,
};

#ifndef STUB_NO_ENTRY
__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return STUB_TABLE;
}
#else
/* Exported under another name: the loader must not find the entry. */
__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry_v0(void)
{
    return &table;
}
#endif
