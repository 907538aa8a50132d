/* trace.c - Chrome trace event export of one run (see trace.h). */
#include "analysis/trace.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static json_t *event(const char *ph, const char *name, const char *cat, double ts_s,
                     json_int_t tid)
{
    return json_pack("{s:s, s:s, s:s, s:f, s:i, s:I}", "ph", ph, "name", name,
                     "cat", cat, "ts", ts_s * 1e6, "pid", 1, "tid", tid);
}

static json_t *meta(const char *what, json_int_t tid, const char *name)
{
    return json_pack("{s:s, s:s, s:i, s:I, s:{s:s}}", "ph", "M", "name", what,
                     "pid", 1, "tid", tid, "args", "name", name);
}

/* Is [start, start+dur) already in the pause log?  The runner may copy the
 * pauses into the timeline too; they are shown once, on the STW track.
 * The log is short (one entry per pause), so a linear scan will do. */
static int ispause(json_t *log, double start, double dur)
{
    size_t k;
    json_t *e;
    json_array_foreach(log, k, e)
        if (fabs(json_number_value(json_array_get(e, 0)) - start) < 1e-9 &&
            fabs(json_number_value(json_array_get(e, 1)) - dur) < 1e-9)
            return 1;
    return 0;
}

json_t *trace_build(json_t *r)
{
    json_t *ev = json_array(), *e;
    size_t k;
    char buf[256];
    const char *coll = json_string_value(json_object_get(json_object_get(r, "collector"), "name"));
    const char *wl = json_string_value(json_object_get(json_object_get(r, "workload"), "name"));
    snprintf(buf, sizeof buf, "gcbench %s on %s (run %s)", coll ? coll : "?", wl ? wl : "?",
             json_string_value(json_object_get(r, "id")) ? json_string_value(json_object_get(r, "id")) : "?");
    json_array_append_new(ev, meta("process_name", 0, buf));
    json_array_append_new(ev, meta("thread_name", TRACE_TID_STW, "stop-the-world"));

    json_array_foreach(json_object_get(json_object_get(r, "pauses"), "log"), k, e) {
        const char *phase = json_string_value(json_array_get(e, 2));
        json_t *x = event("X", phase ? phase : "pause", "pause",
                          json_number_value(json_array_get(e, 0)), TRACE_TID_STW);
        json_object_set_new(x, "dur", json_real(json_number_value(json_array_get(e, 1)) * 1e6));
        json_array_append_new(ev, x);
    }
    json_t *tids = json_object();  /* the threads seen (any ids, however large) */
    json_t *plog = json_object_get(json_object_get(r, "pauses"), "log");
    json_array_foreach(json_object_get(r, "timeline"), k, e) {
        const char *name = json_string_value(json_array_get(e, 2));
        if (ispause(plog, json_number_value(json_array_get(e, 0)),
                    json_number_value(json_array_get(e, 1))))
            continue;
        json_int_t tid = json_integer_value(json_array_get(e, 3));
        json_t *x = event("X", name ? name : "gc", "gc",
                          json_number_value(json_array_get(e, 0)), tid);
        json_object_set_new(x, "dur", json_real(json_number_value(json_array_get(e, 1)) * 1e6));
        json_array_append_new(ev, x);
        snprintf(buf, sizeof buf, "%lld", (long long)tid);
        if (json_object_get(tids, buf) == NULL) {
            json_object_set_new(tids, buf, json_true());
            snprintf(buf, sizeof buf, "thread %lld", (long long)tid);
            json_array_append_new(ev, meta("thread_name", tid, buf));
        }
    }
    json_decref(tids);
    json_array_foreach(json_object_get(json_object_get(r, "gc"), "log"), k, e) {
        double t = json_number_value(json_object_get(e, "start_s"));
        snprintf(buf, sizeof buf, "gc %zu", k + 1);
        json_t *i = event("i", buf, "gc", t, TRACE_TID_STW);
        json_object_set_new(i, "s", json_string("p"));
        json_object_set(i, "args", e);
        json_array_append_new(ev, i);
        json_t *c = event("C", "heap", "gc", t, TRACE_TID_STW);
        json_object_set_new(c, "args", json_pack("{s:O?, s:O?, s:O?}",
            "trigger_bytes", json_object_get(e, "trigger_bytes"),
            "goal_bytes", json_object_get(e, "goal_bytes"),
            "marked_bytes", json_object_get(e, "marked_bytes")));
        json_array_append_new(ev, c);
    }
    json_array_foreach(json_object_get(json_object_get(r, "rss"), "samples"), k, e) {
        json_t *c = event("C", "rss", "memory", json_number_value(json_array_get(e, 0)),
                          TRACE_TID_STW);
        json_object_set_new(c, "args", json_pack("{s:O?, s:O?}",
            "rss_bytes", json_array_get(e, 1), "heap_bytes", json_array_get(e, 2)));
        json_array_append_new(ev, c);
    }
    return json_pack("{s:o, s:s}", "traceEvents", ev, "displayTimeUnit", "ms");
}

int trace_write(json_t *r, const char *path)
{
    json_t *t = trace_build(r);
    int rc = json_dump_file(t, path, JSON_INDENT(1));
    json_decref(t);
    if (rc != 0) {
        fprintf(stderr, "gcbench report: cannot write trace %s: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}
