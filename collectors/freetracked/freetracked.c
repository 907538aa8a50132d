/* freetracked.c - marksweep plus Go proposal #74299: runtime.freegc
 * (free_sized: a dead object's slot goes back to the mutator's span cache
 * and the next allocation of its size class reuses it inline) and
 * freegcTracked (alloc_tracked inside scope_enter/scope_exit: the scope's
 * objects are freed at exit unless a GC cycle began since).  When a hint
 * is acted on and when it is ignored, and why that is safe next to the
 * concurrent collector, is written at the top of free.c, beside this file;
 * the hints' state is the freetracked space (collectors/core/space.h).
 * Options: the standard ones (plugin.h).  The record's heap.frees,
 * heap.frees_skipped, heap.freed_explicit_bytes and heap.reused_bytes
 * count what the hints did.
 */
#include "free.h"
#include "plugin.h"

static const gcb_collector table;

static const gcb_option_desc options[] = {GC_OPTIONS_STD};

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out, char *err,
                    size_t errlen)
{
    int rc = gc_plugin_heap_new(&table, host, opts, out, err, errlen);
    if (rc != 0)
        return rc;
    rc = free_space_init(gc_heap_of(*out), err, errlen);
    if (rc != 0) {
        gc_plugin_heap_free(*out);
        *out = NULL;
    }
    return rc;
}

static void hint_free(gcb_mutator *m, void *p, size_t bytes) { free_sized(gc_mutator_of(m), p, bytes); }
static void hint_enter(gcb_mutator *m) { free_scope_enter(gc_mutator_of(m)); }
static void hint_exit(gcb_mutator *m) { free_scope_exit(gc_mutator_of(m)); }

static void *hint_alloc_tracked(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    return free_alloc_tracked(gc_mutator_of(m), t, bytes);
}

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "freetracked",
    .description = "marksweep plus runtime.freegc / freegcTracked (Go proposal #74299): freed "
                   "slots are reused at once from the span cache",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE | GCB_CAP_FREE |
            GCB_CAP_TRACKED,
    .noptions = sizeof options / sizeof options[0],
    .options = options,
    .heap_new = heap_new,
    .free_sized = hint_free,
    .scope_enter = hint_enter,
    .scope_exit = hint_exit,
    .alloc_tracked = hint_alloc_tracked,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
