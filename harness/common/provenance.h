/* provenance.h - where a run record comes from: which build of gcbench
 * (version, commit, dirty flag, compiler and flags), which machine (kernel,
 * CPU model, core and PU counts and topology from hwloc, hostname) and which
 * experiment script (path and a hash of its text).  Collected once per
 * gcbench process in the parent and copied into every record as the
 * `provenance` object (fields: RECORD_FIELDS in record_schema.h, documented
 * in README.md and shared/RESULTS.md).
 *
 * Only the parent's main thread calls these.
 */
#ifndef GCB_HARNESS_PROVENANCE_H
#define GCB_HARNESS_PROVENANCE_H

#include <jansson.h>

/* The script whose runs follow: its path as given and the FNV-1a 64 hash of
 * its text ("fnv1a64:<16 hex digits>", "unreadable" when it cannot be read).
 * Without a call, both fields read "(none)". */
void provenance_set_script(const char *path);

/* The provenance object, built on first use (hwloc topology load, uname,
 * gethostname); borrowed, valid until provenance_set_script or exit. */
json_t *provenance_get(void);

/* rec.provenance = a copy of provenance_get(). */
void provenance_stamp(json_t *rec);

#endif
