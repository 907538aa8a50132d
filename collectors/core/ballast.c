/* ballast.c - Twitch's memory ballast: one large pointer-free object,
 * allocated when the heap is created and kept live by a global root.
 *
 * It is an ordinary large object: marked every cycle (so heap_marked, and
 * with it the heap goal, include it) and never scanned (noscan).  Its
 * pages come fresh from the page heap's reservation and nothing ever
 * writes them (no zeroing: fresh pages are zero; noscan: the marker never
 * reads them; live: the sweeper never frees or poisons them), so they
 * cost address space but no RSS.  The harness samples RSS, so a record
 * shows this rather than assumes it.
 */
#include <errno.h>
#include <stdio.h>

#include "gc.h"

int gc_ballast_init(gc_heap *h, size_t bytes, char *err, size_t errlen)
{
    if (bytes <= SC_MAX_SMALL) {
        snprintf(err, errlen, "%s: option ballast: %zu bytes is not a large object (> %u bytes)",
                 h->cfg.name, bytes, (unsigned)SC_MAX_SMALL);
        return EINVAL;
    }
    void *p = mcache_large(h, bytes, 0);
    if (p == NULL) {
        snprintf(err, errlen, "%s: option ballast: cannot allocate %zu bytes (raise option reserve)",
                 h->cfg.name, bytes);
        return ENOMEM;
    }
    h->ballast = p;
    world_add_root(h, &h->ballast);
    return 0;
}
