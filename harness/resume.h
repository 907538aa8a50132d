/* resume.h - the runs an earlier, interrupted `gcbench run --resume` left
 * in its results file.
 *
 * resume_load reads every line of the file; each record whose status is
 * "ok" and that has a `key` (configuration hash + repetition,
 * record_build.h) is kept, in file order, under its key.  Other lines
 * (failed runs, a partial last line, records older than `key`) are
 * ignored: those runs run again.  resume_take hands out the stored records
 * of a key one at a time, so a script that asks for one configuration
 * twice gets both stored runs before any new one.  The file itself is
 * never rewritten.  Called by the parent only, from one thread.
 */
#ifndef GCB_HARNESS_RESUME_H
#define GCB_HARNESS_RESUME_H

#include <jansson.h>
#include <stddef.h>

/* key -> array of stored records.  A missing file is an empty map.
 * Returns NULL with a message in err when the file cannot be read. */
json_t *resume_load(const char *path, char *err, size_t errlen);

/* The next unused stored record of `key` (a new reference), or NULL. */
json_t *resume_take(json_t *map, const char *key);

#endif
