/* catalog.h - what `gcbench list` shows: collectors and workloads with
 * their options, as JSON (the same data reaches Lua as gcb.collectors() and
 * gcb.workloads()). */
#ifndef GCB_HARNESS_CATALOG_H
#define GCB_HARNESS_CATALOG_H

#include <jansson.h>
#include <stdint.h>

#include "gcb/options.h"

/* Array of {name, description, path, capabilities[], options[]}, one per
 * plugin in the plugin dir that loads; a plugin that is refused appears
 * with `error` (the loader's message) instead of the rest. */
json_t *catalog_collectors(void);

/* Array of {name, description, default_ops, params[]}. */
json_t *catalog_workloads(void);

/* Capability flags (GCB_CAP_*) as an array of names: ["collects", ...]. */
json_t *catalog_caps(uint32_t caps);

/* One option descriptor as {name, type, default, help, min?, max?,
 * choices?, special?}. */
json_t *catalog_option(const gcb_option_desc *d);

/* `gcbench list` in text or JSON; returns the exit status. */
int catalog_print(int json);

#endif
