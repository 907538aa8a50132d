/* mark.c - precise scanning, roots, the hybrid write barrier, mark
 * assists and the verify walk.
 *
 * Grey = marked and in a gc_work or on the shared list (gcwork.c), or
 * taken by a drainer and not yet scanned.  The lists hold slot addresses
 * of scannable objects; where their pointers are is layout()'s business
 * (gc.h: heap bits, malloc header or the large span's type).  Children a
 * scan finds go to the scanning thread's gc_work; the barrier's shading
 * goes to the mutator's.  Roots shaded with the world stopped, and spaces,
 * go straight to the shared list (mark_shade).  Termination (cycle.c):
 * mark_done (shared list empty, no drainer busy, no worker holding
 * objects), then ragged barriers (world_flush) until one brings nothing;
 * grey objects shaded after that are drained by mark termination, with
 * the world stopped, from every mutator's gc_work.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"

void mark_init(mark_work *w)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
}

void mark_destroy(mark_work *w)
{
    free(w->items);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
}

/* Mark the object holding p; 1 and its slot in *slot when it turned grey
 * (scannable and newly marked). */
static int shade1(gc_heap *h, void *p, void **slot, uint64_t *marked)
{
    span *s = ph_lookup(&h->ph, p);
    if (s == NULL) {
        if (h->nspaces)
            space_visit(h, p); /* the space's own business: never followed here */
        return 0;
    }
    size_t i = span_index(s, p);
    /* Allocated during mark by a span cache: it turns black when the span
     * leaves the cache (mcache.c), and whatever it points to was shaded by
     * the barrier, so neither marking nor scanning it is needed now.  A
     * racy read is safe either way: a stale 1 means already marked, a
     * stale 0 only costs a scan. */
    if (span_bit(s->freshbits, i))
        return 0;
    if (!span_set_bit(s->markbits, i))
        return 0;
    *marked += s->elemsize;
    if (s->noscan)
        return 0;
    *slot = span_slot(s, i);
    return 1;
}

void mark_shade(gc_heap *h, void *p)
{
    void *slot;
    uint64_t marked = 0;
    if (p != NULL && shade1(h, p, &slot, &marked))
        gc_work_putfull(h, &slot, 1);
    if (marked)
        atomic_fetch_add_explicit(&h->heap_marked, marked, memory_order_relaxed);
}

/* Shade p into gcw (its owner's thread). */
static void shade(gc_heap *h, gc_work *gcw, void *p)
{
    void *slot;
    uint64_t marked = 0;
    if (p != NULL && shade1(h, p, &slot, &marked))
        gc_work_put(h, gcw, slot);
    if (marked)
        atomic_fetch_add_explicit(&h->heap_marked, marked, memory_order_relaxed);
}

/* Where the pointers of the object in `slot` (of small or large span s)
 * are (gc.h's layout): 1 with *bits, bit k set when word k of the slot
 * holds a pointer (heap bits); else 0 with *t (NULL: nothing to scan)
 * over *bytes from *obj, elements every t->size bytes, each with
 * t->nptrs leading pointer words. */
static int layout(const span *s, char *slot, uint64_t *bits, const gcb_type **t, char **obj,
                  size_t *bytes)
{
    if (s->heapbits != NULL) {
        *bits = gcb_heapbits_read(s->heapbits, (size_t)(slot - s->base) >> 3, s->elemsize / 8);
        return 1;
    }
    if (s->sizeclass == 0) {
        *t = s->largetype;
        *obj = slot;
        *bytes = s->large_bytes;
    } else {
        *t = *(const gcb_type *const *)slot; /* the malloc header */
        *obj = slot + 8;
        *bytes = s->elemsize - 8;
    }
    return 0;
}

/* Shade child pointer p found while scanning; a new grey object goes to gcw. */
static inline void child(gc_heap *h, void *p, gc_work *gcw, uint64_t *marked)
{
    void *c;
    if (p != NULL && shade1(h, p, &c, marked))
        gc_work_put(h, gcw, c);
}

/* Go's scanSize for the bytes [a, b) of an object whose elements of type t
 * start at offset d0 and repeat up to b (Go's typePointers tile the type
 * to the slot's or the span's end, past the object's own elements): from
 * a to the end of the last pointer word in [a, b), 0 when none (offsets
 * from the slot's start). */
static size_t go_scan_size(const gcb_type *t, size_t d0, size_t a, size_t b)
{
    if (b <= d0)
        return 0;
    size_t end = d0 + (b - 1 - d0) / t->size * t->size + (size_t)t->nptrs * sizeof(void *);
    if (end > b)
        end = b;
    return end > a ? end - a : 0;
}

/* A large object with pointers, or one oblet of it (Go's scanobject on a
 * large object): the entry at the span's base queues the object's other
 * 128 KiB oblets as entries of their own (base + k x GC_OBLET_BYTES, up
 * to the span's end, as Go's up to s.elemsize) before it scans its first,
 * and each entry scans the pointer words in its own [a, a + 128 KiB).  So
 * the grey set holds one oblet's children at a time, not the whole
 * object's (a 480 KB pointer array pushed its 60,000 children at once),
 * and other drainers may take the other oblets.  Oblet entries are
 * interior addresses of a large span: nothing else is queued there (a
 * shaded pointer is queued as its object's slot), and the object, marked
 * already, is not freed before the mark ends.  Returns the oblet's scan
 * work (Go's, per oblet: see scan). */
static size_t scan_large(gc_heap *h, span *s, size_t a, gc_work *gcw, uint64_t *marked)
{
    const gcb_type *t = s->largetype;
    if (t == NULL)
        return 0;
    char *obj = (char *)s->base;
    size_t span_bytes = (size_t)s->npages * SC_PAGE_SIZE;
    if (a == 0)
        for (size_t o = GC_OBLET_BYTES; o < span_bytes; o += GC_OBLET_BYTES)
            gc_work_put(h, gcw, obj + o);
    size_t b = a + GC_OBLET_BYTES < span_bytes ? a + GC_OBLET_BYTES : span_bytes;
    size_t nel = s->large_bytes / t->size;
    for (size_t e = a / t->size; e < nel && e * t->size < b; e++) {
        void **ps = (void **)(obj + e * t->size);
        for (uint32_t k = 0; k < t->nptrs; k++) {
            size_t off = e * t->size + (size_t)k * sizeof(void *);
            if (off < a)
                continue;
            if (off >= b)
                break;
            child(h, __atomic_load_n(&ps[k], __ATOMIC_ACQUIRE), gcw, marked);
        }
    }
    return go_scan_size(t, 0, a, b);
}

/* Scan one grey object (or a large object's oblet: scan_large); returns
 * its scan work in bytes as Go's
 * scanObject (runtime/mgcmark_nogreenteagc.go: Green Tea's span scans
 * count whole slots; the model is compared with nogreenteagc) counts it
 * in heapScanWork: from the slot's start to the end of its last pointer
 * word, not the slot's size (a 48-byte node with 3 leading pointers is 24
 * bytes of work).  With heap bits, the highest bit set.  With a type,
 * Go's tiling: the type repeated from the header word to the end of a
 * small span's slot, or from the start to the end of a large span, the
 * latter counted per 128 KiB oblet as Go scans it.  The model scans the
 * object's own whole elements only: the words of the tiling past them
 * are the slot's tail, which Go finds zero (it zeroes whole slots) and
 * the model does not zero, so it must not follow them; they are counted,
 * not read.  Children go to gcw.
 * Pointer slots are loaded with acquire: pairs with the barrier's release
 * store, so the span (and heap bits) of a just-published p are seen
 * initialised. */
static size_t scan(gc_heap *h, void *slot, gc_work *gcw, uint64_t *marked)
{
    span *s = ph_lookup(&h->ph, slot);
    if (s == NULL)
        return 0;
    if (s->sizeclass == 0 && s->heapbits == NULL)
        return scan_large(h, s, (size_t)((char *)slot - (char *)s->base), gcw, marked);
    uint64_t bits;
    const gcb_type *t;
    char *obj;
    size_t bytes;
    if (layout(s, slot, &bits, &t, &obj, &bytes)) {
        void **w = slot;
        size_t work = bits ? (size_t)(64 - __builtin_clzll(bits)) * sizeof(void *) : 0;
        while (bits) {
            unsigned k = (unsigned)__builtin_ctzll(bits);
            bits &= bits - 1;
            child(h, __atomic_load_n(&w[k], __ATOMIC_ACQUIRE), gcw, marked);
        }
        return work;
    }
    if (t == NULL)
        return 0;
    size_t nel = bytes / t->size;
    for (size_t e = 0; e < nel; e++) {
        void **ps = (void **)(obj + e * t->size);
        for (uint32_t k = 0; k < t->nptrs; k++)
            child(h, __atomic_load_n(&ps[k], __ATOMIC_ACQUIRE), gcw, marked);
    }
    return go_scan_size(t, (size_t)(obj - (char *)slot), 0, s->elemsize);
}

static void scan_slots(gc_heap *h, void **slots, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mark_shade(h, slots[i]);
}

void mark_globals_job(gc_heap *h)
{
    pthread_mutex_lock(&h->work.lock);
    atomic_store(&h->work.globals_job, h->globals != NULL);
    pthread_mutex_unlock(&h->work.lock);
}

/* World stopped, at mark start (after space_mark_start): whether a space
 * may have root jobs for the drainers. */
void mark_space_jobs(gc_heap *h, int any)
{
    pthread_mutex_lock(&h->work.lock);
    atomic_store(&h->work.space_jobs, any);
    pthread_mutex_unlock(&h->work.lock);
}

/* A space job's pointers go to the drainer's gcw (space_mark_job's fn). */
typedef struct job_ctx {
    gc_work *gcw;
    uint64_t *marked;
} job_ctx;

static void job_child(gc_heap *h, void *p, void *arg)
{
    job_ctx *c = arg;
    child(h, p, c->gcw, c->marked);
}

void mark_roots(gc_heap *h)
{
    /* world stopped: frames and globals are stable */
    for (gc_mutator *m = h->mutators; m; m = m->next)
        for (gcb_frame *f = m->base.frames; f; f = f->prev)
            scan_slots(h, f->slots, f->count);
    for (size_t i = 0; i < h->nroots; i++)
        mark_shade(h, *h->roots[i]);
}

/* Drain grey objects through gcw, its own first, then the shared list
 * (Go's gcDrain; an assist's gcDrainN), giving work to the shared list
 * while that is empty (balance), until neither has any (returns the bytes
 * scanned), the budget of scan bytes is spent (budget < 0: none), with
 * stop_on_phase the phase leaves GCPH_MARK, or *stop (may be NULL) is set
 * (an assisting mutator asked to stop for a pause).  gcw's owner thread,
 * or any thread with the world stopped.
 *
 * work.busy counts gcw while it drains, so mark_done waits for the
 * objects it took; at the end a worker's gcw stays counted while it holds
 * objects (until a later drain empties it, or dispose), a mutator's is
 * uncounted: what it still holds is found by the ragged barrier. */
int64_t mark_drain(gc_heap *h, gc_work *gcw, int64_t budget, int stop_on_phase,
                   const _Atomic uint32_t *stop)
{
    mark_work *w = &h->work;
    int64_t done = 0, roots = 0; /* roots: the globals job's bytes, in done, not in scan_work */
    uint64_t marked = 0; /* bytes newly marked, added to heap_marked once */
    pthread_mutex_lock(&w->lock);
    if (!gcw->counted) {
        gcw->counted = 1;
        w->busy++;
    }
    pthread_mutex_unlock(&w->lock);
    for (;;) {
        if (atomic_load_explicit(&w->globals_job, memory_order_relaxed) &&
            atomic_exchange(&w->globals_job, 0)) {
            /* Go's markroot jobs for data and bss: whoever drains first
             * (a worker or an assist) scans the runtime globals: real scan
             * work, returned (so credited and paid) but counted by the
             * pacer as globals_scan, not in the heap's scan_work.  Taken
             * while counted in busy, so mark_done never sees the job gone
             * and its objects nowhere. */
            size_t nw = h->cfg.globals / sizeof(void *);
            for (size_t i = 0; i < nw; i++)
                child(h, __atomic_load_n(&h->globals[i], __ATOMIC_ACQUIRE), gcw, &marked);
            done += (int64_t)h->cfg.globals;
            roots += (int64_t)h->cfg.globals;
            continue;
        }
        /* acquire: pairs with mark_space_jobs' store, after the space
         * queued its jobs (a drainer left over from the last cycle may
         * get here during the next one's pause, before the lock) */
        if (atomic_load_explicit(&w->space_jobs, memory_order_acquire)) {
            /* A space's root job (an arena chunk's oblet), taken while
             * counted in busy like the globals job; heap scan work, as Go
             * scans an arena chunk as a heap object.  The drainer that
             * finds none left clears the flag: one still scanning the
             * last job is counted in busy, so mark_done waits for it. */
            uint64_t work = 0;
            job_ctx jc = {gcw, &marked};
            if (space_mark_job(h, job_child, &jc, &work)) {
                done += (int64_t)work;
                if (budget >= 0 && done >= budget)
                    break;
                continue;
            }
            atomic_store(&w->space_jobs, 0);
        }
        if (stop_on_phase && atomic_load(&h->phase) != GCPH_MARK)
            break;
        if (stop && atomic_load_explicit(stop, memory_order_relaxed))
            break;
        if (atomic_load_explicit(&w->avail, memory_order_relaxed) == 0)
            gc_work_balance(h, gcw);
        void *obj = gc_work_try_get(h, gcw);
        if (obj == NULL)
            break;
        done += (int64_t)scan(h, obj, gcw, &marked);
        if (budget >= 0 && done >= budget)
            break;
    }
    /* Counted before busy drops, under the lock that mark termination
     * waits for busy == 0 with: it reads both next (pacer_mark_done), so
     * a drain's last objects never miss their cycle or land in the next
     * one (they did when added after the unlock: a concurrent cycle's
     * scan work could come out short by a drain's worth, tsan showed it) */
    atomic_fetch_add_explicit(&h->scan_work, (uint64_t)(done - roots), memory_order_relaxed);
    atomic_fetch_add_explicit(&h->heap_marked, marked, memory_order_relaxed);
    pthread_mutex_lock(&w->lock);
    if (!gcw->worker || gc_work_empty(gcw)) {
        gcw->counted = 0;
        w->busy--;
    }
    if (w->busy == 0 && (w->n == 0 || atomic_load(&h->phase) != GCPH_MARK))
        pthread_cond_broadcast(&w->cond); /* mark termination waits for busy == 0 */
    pthread_mutex_unlock(&w->lock);
    return done;
}

int mark_done(gc_heap *h)
{
    pthread_mutex_lock(&h->work.lock);
    int d = h->work.n == 0 && h->work.busy == 0 && !atomic_load(&h->work.globals_job) &&
            !atomic_load(&h->work.space_jobs);
    pthread_mutex_unlock(&h->work.lock);
    return d;
}

/* Go's hybrid barrier: shade the value overwritten (Yuasa deletion) and
 * the value written (Dijkstra insertion; our shadow stacks are only
 * scanned at stops, so they count as grey). */
void mark_write_barrier(gcb_mutator *m, void *obj, void **slot, void *val)
{
    gc_mutator *gm = (gc_mutator *)m;
    gc_heap *h = gm->h;
    /* Publication (Go's publicationBarrier): the release store orders the
     * initialisation of val's span and slot (span_init, refill, the
     * allocation's zeroing) before the pointer, and markers load pointer
     * slots with acquire, so a marker that finds val also sees its span
     * initialised.  Both are plain moves on x86-64. */
    void *old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    shade(h, &gm->gcw, old); /* m's own buffer (Go: the P's wbBuf, then its gcw) */
    shade(h, &gm->gcw, val);
    __atomic_store_n(slot, val, __ATOMIC_RELEASE);
}

/* ---- assists and background credit (Go's gcAssistAlloc, gcFlushBgCredit,
 * gcParkAssist, gcWakeAllAssists) ----
 *
 * A mutator's allocation during mark is debt in bytes (gm->assist_bytes <
 * 0).  Paying it: first steal the workers' flushed scan work
 * (bg_scan_credit), then scan what remains (at least OVER_ASSIST_WORK, the
 * surplus kept as credit), and when the work list has nothing left to
 * scan, park on the assist queue until the workers' credit pays the rest
 * or mark ends.  The queue (assist_lock): parked mutators, oldest first;
 * a parked mutator's assist_bytes is written only by the flusher.  A
 * flusher that sees no parked assist (nassist_parked == 0) adds to
 * bg_scan_credit without the lock; a mutator parking increments
 * nassist_parked, then re-reads bg_scan_credit (both seq_cst), so credit
 * and a parked assist never miss each other. */

#define OVER_ASSIST_WORK ((int64_t)64 << 10) /* Go's gcOverAssistWork: least scan bytes */

int mark_assist(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    gm->assist_dry = 0;
    if (gm->assist_bytes >= 0 || atomic_load_explicit(&h->phase, memory_order_relaxed) != GCPH_MARK)
        return 0;
    /* Go updates its limiter from assists too, so it can engage (and let
     * go) in the middle of a long mark, not only at its end. */
    pacer_limiter_poll(h);
    if (atomic_load_explicit(&h->limiter_on, memory_order_relaxed))
        return 0; /* limited: the debt waits, as in Go */
    double wpb = atomic_load_explicit(&h->assist_work_per_byte, memory_order_relaxed);
    double bpw = atomic_load_explicit(&h->assist_bytes_per_work, memory_order_relaxed);
    int64_t debt = -gm->assist_bytes;
    int64_t work = (int64_t)(wpb * (double)debt);
    if (work < OVER_ASSIST_WORK) {
        work = OVER_ASSIST_WORK;
        debt = (int64_t)(bpw * (double)work);
    }
    int64_t credit = atomic_load(&h->bg_scan_credit);
    if (credit > 0) {
        int64_t stolen;
        if (credit < work) {
            stolen = credit;
            gm->assist_bytes += 1 + (int64_t)(bpw * (double)stolen);
        } else {
            stolen = work;
            gm->assist_bytes += debt;
        }
        atomic_fetch_sub(&h->bg_scan_credit, stolen);
        work -= stolen;
        if (work == 0)
            return 0;
    }
    gc_event(h, GCB_EV_ASSIST_BEGIN, "assist");
    uint64_t t0 = h->host->now_ns(h->host->ctx);
    int64_t did = mark_drain(h, &gm->gcw, work, 1, &gm->base.poll_requested);
    gm->assist_bytes += 1 + (int64_t)(bpw * (double)did);
    uint64_t d = h->host->now_ns(h->host->ctx) - t0;
    pacer_limiter_charge(h, d);
    atomic_fetch_add_explicit(&h->cycle_assist_ns, d, memory_order_relaxed);
    gc_event(h, GCB_EV_ASSIST_END, "assist");
    gm->assist_dry = did < work; /* ran out of work: mallocgc.c's completion point */
    if (gm->assist_bytes >= 0 || atomic_load(&h->phase) != GCPH_MARK)
        return 0;
    return did >= work ? 2 : 1;
}

static void dequeue_locked(gc_heap *h, gc_mutator *gm)
{
    for (gc_mutator **p = &h->assist_queue; *p; p = &(*p)->assist_next)
        if (*p == gm) {
            *p = gm->assist_next;
            break;
        }
    gm->assist_next = NULL;
    gm->assist_parked = 0;
    atomic_fetch_sub(&h->nassist_parked, 1);
}

int mark_assist_enqueue(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    pthread_mutex_lock(&h->assist_lock);
    if (atomic_load(&h->phase) != GCPH_MARK) {
        pthread_mutex_unlock(&h->assist_lock);
        return 0;
    }
    gc_mutator **tail = &h->assist_queue;
    while (*tail)
        tail = &(*tail)->assist_next;
    gm->assist_next = NULL;
    *tail = gm;
    gm->assist_parked = 1;
    atomic_fetch_add(&h->nassist_parked, 1);
    if (atomic_load(&h->bg_scan_credit) > 0) { /* credit came in meanwhile: steal it */
        dequeue_locked(h, gm);
        pthread_mutex_unlock(&h->assist_lock);
        return 0;
    }
    pthread_mutex_unlock(&h->assist_lock);
    return 1;
}

void mark_assist_wait(gc_mutator *gm)
{
    gc_heap *h = gm->h;
    pthread_mutex_lock(&h->assist_lock);
    while (gm->assist_parked)
        pthread_cond_wait(&h->assist_cond, &h->assist_lock);
    pthread_mutex_unlock(&h->assist_lock);
}

void mark_flush_bg_credit(gc_heap *h, int64_t work)
{
    if (work <= 0)
        return;
    if (atomic_load(&h->nassist_parked) == 0) {
        atomic_fetch_add(&h->bg_scan_credit, work);
        return;
    }
    double bpw = atomic_load_explicit(&h->assist_bytes_per_work, memory_order_relaxed);
    double wpb = atomic_load_explicit(&h->assist_work_per_byte, memory_order_relaxed);
    int64_t bytes = (int64_t)(bpw * (double)work);
    int woke = 0;
    pthread_mutex_lock(&h->assist_lock);
    while (bytes > 0 && h->assist_queue) {
        gc_mutator *gm = h->assist_queue;
        if (bytes + gm->assist_bytes >= 0) { /* paid: wake it */
            bytes += gm->assist_bytes;
            gm->assist_bytes = 0;
            dequeue_locked(h, gm);
            woke = 1;
        } else { /* partly paid: to the back of the queue, as Go */
            gm->assist_bytes += bytes;
            bytes = 0;
            if (gm->assist_next) {
                h->assist_queue = gm->assist_next;
                gc_mutator **tail = &h->assist_queue;
                while (*tail)
                    tail = &(*tail)->assist_next;
                *tail = gm;
                gm->assist_next = NULL;
            }
        }
    }
    if (bytes > 0) {
        int64_t left = (int64_t)(wpb * (double)bytes);
        if (left > 0)
            atomic_fetch_add(&h->bg_scan_credit, left);
    }
    if (woke)
        pthread_cond_broadcast(&h->assist_cond);
    pthread_mutex_unlock(&h->assist_lock);
}

void mark_wake_assists(gc_heap *h)
{
    pthread_mutex_lock(&h->assist_lock);
    while (h->assist_queue)
        dequeue_locked(h, h->assist_queue);
    pthread_cond_broadcast(&h->assist_cond);
    pthread_mutex_unlock(&h->assist_lock);
}

/* ---- verification ---- */

typedef struct vstack {
    void **items;
    size_t n, cap;
} vstack;

static int vpush(vstack *v, void *p)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4096;
        void **q = realloc(v->items, cap * sizeof *q);
        if (q == NULL)
            return -1;
        v->items = q;
        v->cap = cap;
    }
    v->items[v->n++] = p;
    return 0;
}

static int vvisit(gc_heap *h, vstack *v, void *p, const char *from)
{
    if (p == NULL)
        return 0;
    span *s = ph_lookup(&h->ph, p);
    if (s == NULL && space_contains(h, p))
        return 0; /* a space's objects: their heap pointers are the space's roots */
    if (s == NULL) {
        gc_fail(h, "verify: %s holds %p, which is in no in-use span", from, p);
        return -1;
    }
    size_t i = span_index(s, p);
    if (!span_bit(s->markbits, i)) {
        const gcb_type *t = s->noscan   ? NULL
                            : s->sizeclass == 0 ? s->largetype
                            : s->heapbits ? NULL
                                          : *(const gcb_type **)span_slot(s, i);
        gc_fail(h, "verify: object %p (slot %zu, type %s) reachable from %s but not marked; "
                "span %p base %p class %u pages %zu noscan %u sweepgen %u",
                p, i, t ? t->name : s->noscan ? "noscan" : "heap bits", from, (void *)s, (void *)s->base, s->sizeclass,
                s->npages, s->noscan, atomic_load(&s->sweepgen));
        return -1;
    }
    if (span_bit(s->verifybits, i))
        return 0;
    span_set_bit(s->verifybits, i);
    if (!s->noscan && vpush(v, span_slot(s, i)) != 0)
        return -1;
    return 0;
}

static void vclear(span *s, void *arg) { memset(s->verifybits, 0, sizeof s->bits[2]); }

typedef struct vroots {
    vstack *v;
    int rc;
} vroots;

static void vroot(gc_heap *h, void *p, void *arg)
{
    vroots *vr = arg;
    if (vr->rc == 0)
        vr->rc = vvisit(h, vr->v, p, "an object of a space");
}

int mark_verify(gc_heap *h)
{
    vstack v = {0};
    int rc = 0;
    for (gc_mutator *m = h->mutators; m && rc == 0; m = m->next)
        for (gcb_frame *f = m->base.frames; f && rc == 0; f = f->prev)
            for (size_t i = 0; i < f->count && rc == 0; i++)
                rc = vvisit(h, &v, f->slots[i], "a frame slot");
    for (size_t i = 0; i < h->nroots && rc == 0; i++)
        rc = vvisit(h, &v, *h->roots[i], "a global root");
    for (size_t i = 0; h->globals && i < h->cfg.globals / sizeof(void *) && rc == 0; i++)
        rc = vvisit(h, &v, h->globals[i], "the runtime globals");
    if (rc == 0) {
        vroots vr = {&v, 0};
        space_roots(h, vroot, &vr);
        rc = vr.rc;
    }
    while (rc == 0 && v.n > 0) {
        char *slot = v.items[--v.n];
        span *s = ph_lookup(&h->ph, slot);
        uint64_t bits;
        const gcb_type *t;
        char *obj;
        size_t bytes;
        if (layout(s, slot, &bits, &t, &obj, &bytes)) {
            char from[64]; /* no type to name: heap bits */
            snprintf(from, sizeof from, "the object at %p (%u-byte slot)", (void *)slot,
                     s->elemsize);
            for (; bits && rc == 0; bits &= bits - 1)
                rc = vvisit(h, &v, ((void **)slot)[__builtin_ctzll(bits)], from);
            continue;
        }
        if (t == NULL)
            continue;
        for (size_t e = 0; e < bytes / t->size && rc == 0; e++)
            for (uint32_t k = 0; k < t->nptrs && rc == 0; k++)
                rc = vvisit(h, &v, ((void **)(obj + e * t->size))[k], t->name);
    }
    free(v.items);
    for (unsigned c = 0; c < SC_NCLASSES; c++)
        for (int k = 0; k < 2; k++)
            central_each(&h->central[c][k], vclear, NULL);
    for (gc_mutator *m = h->mutators; m; m = m->next)
        for (unsigned c = 0; c < GCB_NCLASSES; c++)
            for (int k = 0; k < 2; k++)
                if (m->cache[c][k])
                    vclear(m->cache[c][k], NULL);
    return rc;
}

/* heap_alloc and heap_alloc_flushed against the in-use spans' allocated
 * slots (world stopped, nothing swept since; a cached span's slots all
 * count as allocated). */
static int heap_alloc_is_valid(gc_heap *h, char *err, size_t errlen)
{
    page_heap *ph = &h->ph;
    uint64_t sum = 0;
    int64_t uncounted = 0; /* cached spans' slots heap_alloc_flushed has yet to count */
    pthread_mutex_lock(&ph->lock);
    size_t npages = ph->committed / SC_PAGE_SIZE;
    for (size_t i = 0; i < npages;) {
        span *s = ph->page_map[i];
        if (s == NULL || s->npages == 0)
            break; /* ph_is_valid reports it */
        if (s->state == SPAN_INUSE) {
            sum += s->sizeclass == 0 ? (uint64_t)s->npages * SC_PAGE_SIZE
                                     : (uint64_t)s->nalloc * s->elemsize;
            if (s->sizeclass != 0 && s->incache)
                uncounted += ((int64_t)s->nalloc - (int64_t)s->nalloc_cached) * s->elemsize;
        }
        i += s->npages;
    }
    pthread_mutex_unlock(&ph->lock);
    uint64_t got = atomic_load(&h->heap_alloc);
    if (got != sum) {
        snprintf(err, errlen, "heap_alloc is %llu bytes but the in-use spans hold %llu bytes of "
                 "allocated slots", (unsigned long long)got, (unsigned long long)sum);
        return -1;
    }
    uint64_t flushed = atomic_load(&h->heap_alloc_flushed);
    if (flushed != sum - (uint64_t)uncounted) {
        snprintf(err, errlen, "heap_alloc_flushed is %llu bytes but the in-use spans hold %llu "
                 "bytes of allocated slots, %lld of them in cached spans since they were cached",
                 (unsigned long long)flushed, (unsigned long long)sum, (long long)uncounted);
        return -1;
    }
    return 0;
}

int gc_heap_is_valid(gc_heap *h, char *err, size_t errlen)
{
    if (ph_is_valid(&h->ph, err, errlen) != 0)
        return -1;
    if (heap_alloc_is_valid(h, err, errlen) != 0)
        return -1;
    uint32_t sg = atomic_load(&h->sweepgen);
    for (unsigned c = 0; c < SC_NCLASSES; c++)
        for (int k = 0; k < 2; k++)
            if (central_is_valid(&h->central[c][k], c, !k, sg, err, errlen) != 0)
                return -1;
    return 0;
}
