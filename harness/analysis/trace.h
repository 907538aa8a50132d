/* trace.h - one run as Chrome trace event JSON (Perfetto, chrome://tracing). */
#ifndef GCB_HARNESS_TRACE_H
#define GCB_HARNESS_TRACE_H

#include <jansson.h>
#include <stdio.h>

/* Trace of run record r: pid 1;
 *  - every pauses.log entry as an "X" event (cat "pause", name = phase) on
 *    its own track, tid TRACE_TID_STW named "stop-the-world";
 *  - every entry [start_s, duration_s, name, thread_index] of the extension
 *    field `timeline` as an "X" event (cat "gc") on tid = thread_index,
 *    except entries equal (start and duration within 1 ns) to a pause of
 *    pauses.log, which are shown once, on the STW track;
 *  - every gc.log cycle as an instant event "gc N" and a counter "heap"
 *    (trigger/goal/marked bytes); rss.samples as a counter "rss".
 * ts and dur are microseconds.  Returns a new reference. */
#define TRACE_TID_STW 1000
json_t *trace_build(json_t *r);

/* Writes trace_build(r) to path.  0, or 2 with a message naming path. */
int trace_write(json_t *r, const char *path);

#endif
