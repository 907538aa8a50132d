/* escape.h - the `escape` param of the region workloads (rpc, jsontree,
 * api): which operations let part of their result escape into a
 * long-lived per-thread cache on purpose, so that a region collector has
 * something to fade.  Op i of a thread escapes when
 * rand_mix(i ^ ESCAPE_SALT) % 10000 < round(escape percent * 100); the
 * escaped value goes to cache slot (escapes so far) % ESCAPE_CACHE.  The Go
 * twins (workloads/go/escape.go) decide the same way.  Pure: any thread.
 */
#ifndef GCB_WORKLOADS_ESCAPE_H
#define GCB_WORKLOADS_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#include "gcb/mutator.h"
#include "rand.h"

#define ESCAPE_SALT 0x6573636170652121ull /* "escape!!" */
#define ESCAPE_CACHE 64                    /* cache slots per thread */

/* The threshold out of 10000 for an escape percentage in [0, 100]. */
static inline uint64_t escape_threshold(double percent)
{
    return (uint64_t)(percent * 100 + 0.5);
}

static inline int escape_op(uint64_t threshold, uint64_t i)
{
    return rand_mix(i ^ ESCAPE_SALT) % 10000 < threshold;
}

/* One op's handler (its workload's state first), run inside
 * gcb_region_do when `region` is set (region.Do(f): the request or
 * document is the region), else called directly; its status. */
typedef int (*escape_handler)(void *state, gcb_mutator *m, int tid, uint64_t i, char *err,
                              size_t errlen);

typedef struct escape_call {
    escape_handler fn;
    void *state;
    int tid, rc;
    uint64_t i;
    char *err;
    size_t errlen;
} escape_call;

static inline void escape_call_run(gcb_mutator *m, void *arg)
{
    escape_call *c = arg;
    c->rc = c->fn(c->state, m, c->tid, c->i, c->err, c->errlen);
}

static inline int escape_run(gcb_mutator *m, int region, escape_handler fn, void *state, int tid,
                             uint64_t i, char *err, size_t errlen)
{
    if (!region)
        return fn(state, m, tid, i, err, errlen);
    escape_call c = {fn, state, tid, -1, i, err, errlen};
    gcb_region_do(m, escape_call_run, &c);
    return c.rc;
}

#endif
