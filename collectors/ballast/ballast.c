/* ballast.c - marksweep with Twitch's memory ballast (2019): a large
 * pointer-free allocation, kept live through a root and never touched.
 * It counts in the live heap, so the heap goal (live x (1 + GOGC/100))
 * rises and cycles get rarer, while its pages are never faulted in, so it
 * costs no RSS.  Options: the standard ones (plugin.h) plus `ballast`.
 * The ballast is allocated in heap_new, before any mutator attaches; the
 * mechanics are in collectors/core/ballast.c.
 */
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

static int heap_new(const gcb_host *host, const gcb_value *opts, gcb_heap **out, char *err,
                    size_t errlen)
{
    int rc = gc_plugin_heap_new(&table, host, opts, out, err, errlen);
    if (rc != 0)
        return rc;
    rc = gc_ballast_init(gc_heap_of(*out), (size_t)opts[OPT_BALLAST].i, err, errlen);
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
