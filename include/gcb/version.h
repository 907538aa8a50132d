/* gcb/version.h - versions of gcbench, its plugin ABI and its run record. */
#ifndef GCB_VERSION_H
#define GCB_VERSION_H

#define GCB_VERSION "0.1.0"

/* The collector ABI (gcb/collector.h).  Bumped on any incompatible change:
 * a field removed, renamed, retyped or moved.  Appending a field to a table
 * does not bump it; the table's `size` tells the host what is there. */
#define GCB_ABI_VERSION 2 /* 2: scan_header became heap_bits, spanbits[] */

/* The run record schema (shared/RESULTS.md). */
#define GCB_RECORD_SCHEMA "gcbench.run/1"

#endif
