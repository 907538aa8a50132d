/* ballast.c - marksweep with Twitch's memory ballast (2019): a large
 * pointer-free allocation, kept live through a root and never touched.
 * It counts in the live heap, so the heap goal (live x (1 + GOGC/100))
 * rises and cycles get rarer, while its pages are never faulted in, so it
 * costs no RSS.  Options: the standard ones (plugin.h) plus `ballast`.
 * The ballast is allocated in heap_new, before any mutator attaches.
 *
 * It is an ordinary large object: marked every cycle (so heap_marked, and
 * with it the heap goal, include it) and never scanned (noscan).  Its
 * pages come fresh from the page heap's reservation and nothing ever
 * writes them (no zeroing: fresh pages are zero; noscan: the marker never
 * reads them; live: the sweeper never frees or poisons them), so they
 * cost address space but no RSS.  The harness samples RSS, so a record
 * shows this rather than assumes it.
 *
 * The root slot that keeps it live must last as long as the heap: it is a
 * space (collectors/core/space.h) with no part in marking, which the heap
 * destroys last.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "plugin.h"

static const gcb_collector table;

enum { OPT_BALLAST = GC_NOPTIONS };

static const gcb_option_desc options[] = {
    GC_OPTIONS_STD,
    [OPT_BALLAST] = {"ballast", GCB_OPT_BYTES, "256MiB",
                     "bytes of the ballast: a rooted, never-touched pointer-free object that "
                     "raises the heap goal without costing RSS",
                     65536, 1ULL << 44, NULL, NULL},
};

typedef struct ballast_space {
    gc_space base;
    void *ballast; /* the object; a global root for the heap's life */
} ballast_space;

static void destroy(gc_space *s, gc_heap *h) { free(s); }

static const gc_space_ops ops = {.name = "ballast", .destroy = destroy};

/* A never-touched pointer-free object of `bytes`, rooted for the heap's
 * life.  0, or an errno value with a message naming the option. */
static int ballast_init(gc_heap *h, size_t bytes, char *err, size_t errlen)
{
    if (bytes <= SC_MAX_SMALL) {
        snprintf(err, errlen, "%s: option ballast: %zu bytes is not a large object (> %u bytes)",
                 h->cfg.name, bytes, (unsigned)SC_MAX_SMALL);
        return EINVAL;
    }
    ballast_space *b = calloc(1, sizeof *b);
    if (b == NULL) {
        snprintf(err, errlen, "%s: out of memory for the ballast space", h->cfg.name);
        return ENOMEM;
    }
    b->base.ops = &ops;
    int rc = gc_space_register(h, &b->base, err, errlen);
    if (rc != 0) {
        free(b);
        return rc;
    }
    void *p = mcache_large(h, bytes, NULL);
    if (p == NULL) {
        snprintf(err, errlen, "%s: option ballast: cannot allocate %zu bytes (raise option reserve)",
                 h->cfg.name, bytes);
        return ENOMEM;
    }
    b->ballast = p;
    world_add_root(h, &b->ballast);
    return 0;
}

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out, char *err,
                    size_t errlen)
{
    int rc = gc_plugin_heap_new(&table, host, opts, out, err, errlen);
    if (rc != 0)
        return rc;
    rc = ballast_init(gc_heap_of(*out), (size_t)opts[OPT_BALLAST].i, err, errlen);
    if (rc != 0) {
        gc_plugin_heap_free(*out);
        *out = NULL;
    }
    return rc;
}

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "ballast",
    .description = "marksweep plus a memory ballast (Twitch): a rooted, untouched pointer-free "
                   "object that raises the heap goal at no RSS cost",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
    .noptions = sizeof options / sizeof options[0],
    .options = options,
    .heap_new = heap_new,
};

__attribute__((visibility("default"))) const gcb_collector *gcb_collector_entry(void)
{
    return &table;
}
