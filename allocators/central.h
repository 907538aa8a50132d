/* central.h - Go's mcentral: the spans of one size class (and scan kind).
 *
 * Spans that are not in a mutator cache live on four lists: partial
 * (some free slot) or full, each either swept or unswept in this cycle.  As
 * in Go the swept/unswept roles are indexed by the sweep generation:
 * lists[(sweepgen / 2) & 1] are swept, the other pair unswept, so flipping
 * sweepgen by 2 at mark termination makes every swept span unswept at once.
 * Large spans (class 0) use the same structure (always "full").
 * Lists are singly linked and only popped at the head; `lock` guards them.
 */
#ifndef GCB_CENTRAL_H
#define GCB_CENTRAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "span.h"

typedef struct span_central {
    pthread_mutex_t lock;
    span *partial[2];  /* [sweepgen/2 & 1]: spans with free slots */
    span *full[2];     /* [sweepgen/2 & 1]: spans without */
    size_t nspans;     /* spans on the lists */
} span_central;

void central_init(span_central *c);
void central_destroy(span_central *c);

static inline unsigned central_swept(uint32_t sweepgen) { return (sweepgen >> 1) & 1; }

/* Push s as swept in generation sg (lock taken inside). */
void central_push(span_central *c, span *s, uint32_t sg);

/* Pop a swept partial span of generation sg, or NULL. */
span *central_pop_swept(span_central *c, uint32_t sg);

/* Pop an unswept span of generation sg (partial first, then full), or
 * NULL.  The caller owns it and must sweep it. */
span *central_pop_unswept(span_central *c, uint32_t sg);

/* Spans on every list: calls fn for each, lock held. */
void central_each(span_central *c, void (*fn)(span *s, void *arg), void *arg);

/* Every span is of `sizeclass`/`noscan`, valid, and on the list its
 * sweepgen and free slots say; 0 when it holds. */
int central_is_valid(span_central *c, unsigned sizeclass, int noscan, uint32_t sg,
                     char *err, size_t errlen);

#endif
