/* plugin.c - the ABI methods every Go-like plugin shares (see plugin.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "plugin.h"

/* The plugin's opaque heap is the gc_heap itself. */
struct gcb_heap {
    gc_heap gc;
};

int gc_plugin_heap_new(const gcb_collector *table, const gcb_host *host, const gcb_value *opts,
                       gcb_heap **out, char *err, size_t errlen)
{
    gcb_heap *h = calloc(1, sizeof *h);
    if (h == NULL) {
        snprintf(err, errlen, "%s: out of memory for the heap", table->name);
        return ENOMEM;
    }
    gc_config cfg = {
        .mode = opts[GC_OPT_MODE].i == 1 ? MODE_STW : MODE_CONCURRENT,
        .gogc = opts[GC_OPT_GOGC].special ? -1 : opts[GC_OPT_GOGC].i,
        .memlimit = opts[GC_OPT_MEMLIMIT].special ? -1 : opts[GC_OPT_MEMLIMIT].i,
        .gctrace = opts[GC_OPT_GCTRACE].i != 0,
        .verify = opts[GC_OPT_VERIFY].i != 0,
        .scavenge = (int)opts[GC_OPT_SCAVENGE].i,
        .reserve = (size_t)opts[GC_OPT_RESERVE].i,
        .force_ns = opts[GC_OPT_FORCEGC].special ? 0 : (uint64_t)(opts[GC_OPT_FORCEGC].d * 1e9),
        .globals = (size_t)opts[GC_OPT_GLOBALS].i & ~(size_t)7,
        .nonheap = (size_t)opts[GC_OPT_NONHEAP].i,
        .runtime_heap = (size_t)opts[GC_OPT_RUNTIME_HEAP].i,
        .runtime_unused = (size_t)opts[GC_OPT_RUNTIME_UNUSED].i,
        .name = table->name,
    };
    int rc = gc_heap_init(&h->gc, host, &cfg, err, errlen);
    if (rc != 0) {
        free(h);
        return rc;
    }
    h->gc.table = table;
    rc = rtheap_build(&h->gc, table, err, errlen);
    if (rc != 0) {
        gc_heap_destroy(&h->gc);
        free(h);
        return rc;
    }
    *out = h;
    return 0;
}

void gc_plugin_heap_free(gcb_heap *h)
{
    gc_heap_destroy(&h->gc);
    free(h);
}

int gc_plugin_mutator_attach(gcb_heap *h, gcb_mutator **out)
{
    gc_mutator *gm = malloc(sizeof *gm);
    if (gm == NULL)
        return ENOMEM;
    gc_mutator_init(&h->gc, gm, h->gc.table);
    gm->base.heap = h;
    *out = &gm->base;
    return 0;
}

void gc_plugin_mutator_detach(gcb_mutator *m)
{
    gc_mutator_fini(gc_mutator_of(m));
    free(m);
}

void *gc_plugin_alloc(gcb_mutator *m, const gcb_type *t, size_t bytes)
{
    return mallocgc(gc_mutator_of(m), t, bytes);
}

void gc_plugin_safepoint(gcb_mutator *m) { world_safepoint(gc_mutator_of(m)); }
void gc_plugin_blocking_enter(gcb_mutator *m) { world_blocking_enter(gc_mutator_of(m)); }
void gc_plugin_blocking_exit(gcb_mutator *m) { world_blocking_exit(gc_mutator_of(m)); }
void gc_plugin_add_root(gcb_mutator *m, void **slot) { world_add_root(gc_mutator_of(m)->h, slot); }
void gc_plugin_collect(gcb_mutator *m) { gc_collect(gc_mutator_of(m)); }
void gc_plugin_stats(gcb_heap *h, gcb_heap_stats *out) { gc_stats(&h->gc, out); }

int gc_plugin_verify(gcb_mutator *m, char *err, size_t errlen)
{
    gc_heap *h = gc_mutator_of(m)->h;
    if (atomic_load(&h->failed)) {
        snprintf(err, errlen, "%s: verification failed (see the log)", h->cfg.name);
        return -1;
    }
    return 0;
}
