/* probe.h - a collector plugin's description, read without loading the
 * plugin into this process.
 *
 * The parent never executes plugin code (a constructor that faults, exits
 * or hangs must cost a refusal, not gcbench): probe_open runs
 * `gcbench __probe NAME` as a child (fork + exec, the child dies with its
 * parent, a deadline of PROBE_TIMEOUT_S), which opens and checks the plugin
 * with loader.h and writes its description as JSON on fd 3.  The result is
 * a description-only table: name, description, caps and options are
 * filled, every method is NULL, so the parent can resolve options and build
 * records but can never call into the plugin.  Parent only.
 */
#ifndef GCB_HARNESS_PROBE_H
#define GCB_HARNESS_PROBE_H

#include <jansson.h>
#include <stddef.h>

#include "gcb/collector.h"

#define PROBE_TIMEOUT_S 30.0  /* seconds a plugin may take to load */

typedef struct probe_collector {
    gcb_collector gc;          /* description only (methods NULL) */
    gcb_option_desc *options;  /* gc.noptions entries (malloc'd) */
    char path[4096];           /* the plugin file */
    json_t *j;                 /* the child's answer; owns the strings */
} probe_collector;

/* Describe `name_or_path`.  Returns 0, or an errno-style value with a
 * message naming the plugin file in err (the loader's refusals, or how the
 * probe died: signal, exit status, timeout). */
int probe_open(const char *name_or_path, probe_collector *out, char *err, size_t errlen);
void probe_close(probe_collector *p);

/* Entry point of `gcbench __probe NAME`: open the plugin here and write
 * {"path", "name", "description", "caps", "options"} or {"error"} on fd 3.
 * Returns the exit status (0 when an answer was written). */
int probe_child_main(const char *name_or_path);

#endif
