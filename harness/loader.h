/* loader.h - find, open and check a collector plugin.
 *
 * A collector is named ("marksweep": <plugin dir>/marksweep.so, where the
 * plugin dir is $GCBENCH_PLUGIN_DIR if set, else the build's plugin folder
 * compiled in as GCB_PLUGIN_DIR) or given as a path (anything containing a
 * '/' or ending in ".so").  Refusals name the file and the reason:
 *   - the file does not exist / cannot be opened (dlerror text);
 *   - not a gcbench plugin: no symbol gcb_collector_entry;
 *   - entry returned NULL;
 *   - ABI mismatch: "plugin ABI 7, gcbench ABI 1";
 *   - table too small: "table is N bytes, at least M required";
 *   - required method missing (NULL).
 */
#ifndef GCB_HARNESS_LOADER_H
#define GCB_HARNESS_LOADER_H

#include <stddef.h>

#include "gcb/collector.h"

typedef struct loader_plugin {
    void *dl;                   /* dlopen handle */
    const gcb_collector *gc;    /* the checked table */
    char path[4096];            /* the file opened */
} loader_plugin;

/* Resolve `name_or_path` to a file path.  Returns 0 or ENOENT (message). */
int loader_resolve(const char *name_or_path, char *path, size_t pathlen,
                   char *err, size_t errlen);

/* Open and check.  Returns 0, or an errno value with a message in err. */
int loader_open(const char *name_or_path, loader_plugin *out, char *err, size_t errlen);
void loader_close(loader_plugin *p);

/* Names of the collectors installed in the plugin dir, sorted; returns the
 * count and a malloc'd array of malloc'd strings in *names. */
size_t loader_list(char ***names);

/* The plugin dir in effect. */
const char *loader_plugin_dir(void);

#endif
