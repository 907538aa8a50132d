/* resultsfile.h - the JSON Lines file `gcbench run` appends records to.
 *
 * The file is opened and checked before the first run (resultsfile_check),
 * so an unusable --out costs no run and leaves no stray directories.
 * Each record is one line appended with a single write() on an O_APPEND
 * descriptor, then fsync()ed.  A writer killed mid-write can leave a
 * partial last line (no '\n'); the next append then starts with a '\n', so
 * the partial line stays on its own and is never glued to a new record
 * (readers skip exactly such a line with a warning, records.h).
 * Called by the parent only.
 */
#ifndef GCB_HARNESS_RESULTSFILE_H
#define GCB_HARNESS_RESULTSFILE_H

#include <stddef.h>

/* Create the missing parent directories of `path` and open it for
 * appending (creating it).  *created is 1 when the file did not exist.
 * Returns 0, or an errno value with "results file 'PATH': why" in err. */
int resultsfile_check(const char *path, int *created, char *err, size_t errlen);

/* Append text[0..n) (one record, ending in '\n') to `path`, after a '\n'
 * when the file ends with a partial line.  Returns 0 or an errno value
 * with a message in err. */
int resultsfile_append(const char *path, const char *text, size_t n, char *err, size_t errlen);

#endif
