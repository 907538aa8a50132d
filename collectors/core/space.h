/* space.h - the contract between the Go-like core and the spaces it does
 * not own (whippet's "extern space"): a variant's memory or state that the
 * core's marker does not mark and its sweeper does not sweep, but that must
 * keep in step with the core's cycle.  A space may hold pointers into the
 * heap (arena objects), receive pointers from it (a heap object pointing
 * into an arena), or keep state per mutator or per cached span
 * (freetracked's free records); it may also just need to live as long as
 * the heap (ballast's root slot).
 *
 * Life cycle: a plugin creates its spaces in its heap_new, after
 * gc_plugin_heap_new and before any mutator attaches, and hands each to
 * gc_space_register; from then on the heap owns it and calls destroy in
 * heap_free.  Every method may be NULL: the space takes no part in that
 * step.  The core never names a variant: it calls the methods below, in
 * the order they were registered.
 *
 * Invariants the core keeps, and a space may rely on:
 * - mark_start: once per cycle, world stopped, after the heap's roots are
 *   shaded and before any marker drains; the barrier is already on
 *   (concurrent mode).  The space shades (mark_shade) every heap pointer
 *   it holds as a root; from then on its stores go through the write
 *   barrier (gcb_store), so the snapshot covers what they change and no
 *   rescan is needed.  Anything the space adds to heap_marked here counts
 *   in the next heap goal.
 * - mark_job: any marking thread, concurrently with other markers and with
 *   mutators, while the core counts it busy (so mark termination waits for
 *   it): scan one of the root jobs the space queued at this cycle's
 *   mark_start (Go's oblets of a large object: an arena chunk's 128 KiB
 *   pieces), calling fn(h, p, arg) on every heap pointer p it holds; set
 *   *work to the job's scan work in bytes (counted as heap scan work, as
 *   Go counts an arena chunk's) and return 1, or return 0 when no job is
 *   left this cycle.  A space with this method keeps the memory of every
 *   queued job mapped, and its queued pointer words written only through
 *   the barrier, until the mark is done.
 * - visit: any marking thread, concurrently with other markers and with
 *   mutators, lock-free, for a pointer p found in a heap object or root
 *   that lies in no heap span.  1 when p is the space's: the space records
 *   it, and may trace the object's heap pointers with mark_shade (the core
 *   neither marks nor follows p); 0 to let the next space look.
 * - mark_done: once per cycle, world stopped, after the last drain and the
 *   verify walk, before sweepgen flips and the pacer runs; no marker is
 *   running and every visit of this cycle has returned.
 * - mark_terminated: once per cycle, on the cycle's thread once the world
 *   has restarted after mark termination (Go: the end of
 *   gcMarkTermination, after startTheWorld), before the phase returns to
 *   off: the next goal and trigger are set, heap_live was reset to
 *   heap_marked, no marker runs (mark_done's) and mutators run (they see
 *   phase GCPH_MARKTERM).  The space may give up here memory it held
 *   through the mark, and lower heap_live for it (Go's deferred fault of
 *   arena chunks freed during a mark).
 * - contains: verify walk, world stopped: 1 when p is the space's, which
 *   makes p a legal pointer the walk does not follow (dangling ones too).
 * - roots: verify walk, world stopped: calls fn on every heap pointer the
 *   space holds as a root (the set mark_start shades), so the walk checks
 *   that each is marked.
 * - live_bytes: any thread, relaxed: bytes the space holds outside the
 *   heap's spans; added to the heap and mapped bytes of stats.
 * - stats: any thread, relaxed: adds the space's counters to *out.
 * - span_release: a span leaves gm's cache (gm's thread, or the stopper
 *   with the world stopped); *freelist is the chain still on gm's free
 *   list for the span's class (not handed out), every slot still allocated
 *   in its span's allocbits.  For spaces that keep state per cached span,
 *   or that put slots of other spans on the list (freetracked's reuse of
 *   freed objects from any span): the space must unlink every such slot
 *   from *freelist here, since the core then releases the rest as s's.
 *   A space may put on gm's scan lists only slots of spans without heap
 *   bits (sp->heapbits == NULL) or of the span gm caches for that class:
 *   the bits of a span are written only by the mutator caching it (gc.h).
 * - mutator_attach: gm's first call, on gm's thread, before any cycle can
 *   see gm (it is not yet on the heap's mutator list); gm->base is set up
 *   (free lists empty, write_barrier pointing at the heap's flag), and the
 *   space may set gm->local[space->index] or adjust gm->base.
 * - mutator_detach: gm's last call, on gm's thread, after its cache is
 *   released: frees gm->local[space->index].
 * - destroy: heap_free, after every mutator detached, every background
 *   thread stopped and the page heap unmapped, in the reverse order of
 *   registration; frees the space.  Also called when heap_new fails after
 *   the space was registered.
 * Per-mutator state: gm->local[space->index] is the space's, NULL until
 * the space sets it, read and written only by gm's thread (or with the
 * world stopped).
 */
#ifndef GCB_SPACE_H
#define GCB_SPACE_H

#include <stddef.h>
#include <stdint.h>

#include "gcb/collector.h"
#include "span.h"

#define GC_SPACES_MAX 4 /* spaces one heap can register */

typedef struct gc_heap gc_heap;
typedef struct gc_mutator gc_mutator;
typedef struct gc_space gc_space;

typedef struct gc_space_ops {
    const char *name; /* for messages: "arena" */
    void (*mark_start)(gc_space *s, gc_heap *h);
    int (*visit)(gc_space *s, gc_heap *h, const void *p);
    int (*mark_job)(gc_space *s, gc_heap *h, void (*fn)(gc_heap *, void *, void *), void *arg,
                    uint64_t *work);
    void (*mark_done)(gc_space *s, gc_heap *h);
    int (*contains)(gc_space *s, const void *p);
    void (*roots)(gc_space *s, gc_heap *h, void (*fn)(gc_heap *, void *, void *), void *arg);
    uint64_t (*live_bytes)(gc_space *s);
    void (*stats)(gc_space *s, gcb_heap_stats *out);
    void (*span_release)(gc_space *s, gc_mutator *gm, span *sp, gcb_freeobj **freelist);
    void (*mutator_attach)(gc_space *s, gc_mutator *gm);
    void (*mutator_detach)(gc_space *s, gc_mutator *gm);
    void (*destroy)(gc_space *s, gc_heap *h);
    void (*mark_terminated)(gc_space *s, gc_heap *h);
} gc_space_ops;

/* The first member of every space. */
struct gc_space {
    const gc_space_ops *ops;
    unsigned index; /* in h->spaces and gm->local; set by gc_space_register */
};

/* Register s with h (see the life cycle above).  0, or EINVAL with a
 * message when h already holds GC_SPACES_MAX spaces (s is not taken). */
int gc_space_register(gc_heap *h, gc_space *s, char *err, size_t errlen);

/* The space of h registered with `ops`, or NULL.  Any thread. */
gc_space *gc_space_find(gc_heap *h, const gc_space_ops *ops);

/* The core's side: each calls the method of every space that has it. */
/* 1 when a space has a mark_job method (it may have queued jobs). */
int space_mark_start(gc_heap *h);
int space_mark_job(gc_heap *h, void (*fn)(gc_heap *, void *, void *), void *arg, uint64_t *work);
int space_visit(gc_heap *h, const void *p);
void space_mark_done(gc_heap *h);
void space_mark_terminated(gc_heap *h);
int space_contains(gc_heap *h, const void *p);
void space_roots(gc_heap *h, void (*fn)(gc_heap *, void *, void *), void *arg);
uint64_t space_live_bytes(gc_heap *h);
void space_stats(gc_heap *h, gcb_heap_stats *out);
void space_span_release(gc_mutator *gm, span *sp, gcb_freeobj **freelist);
void space_mutator_attach(gc_mutator *gm);
void space_mutator_detach(gc_mutator *gm);
void space_destroy_all(gc_heap *h);

#endif
