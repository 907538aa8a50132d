/* space_test.c - the space contract (collectors/core/space.h) as the core
 * keeps it, with a recording space on a Go-like heap built straight from
 * gcb_gccore (no plugin), in both marking modes, verify on, GOGC off and
 * cycles by gcb_collect:
 * - registration: a space is found by its ops; the heap takes at most
 *   GC_SPACES_MAX spaces and refuses the next with a message;
 * - mark_start and mark_done: once per cycle each, in that order, with
 *   the world stopped; heap objects the space holds as roots (and what
 *   they point to) survive every cycle intact, and the verify walk, which
 *   asks the space for its roots, agrees;
 * - visit: a pointer from a heap object into the space's memory reaches
 *   the space's visit, never a heap span, and verify accepts it because
 *   contains says it is the space's;
 * - live_bytes and stats reach gcb_heap_stats;
 * - span_release sees each released span's remaining free list intact
 *   and still allocated; mutator_attach sees a fresh mutator and
 *   mutator_detach the per-mutator state the space set; destroy runs at
 *   heap_free.
 * This is the contract a new space (a `regions` collector) plugs into.
 */
#include <errno.h>
#include <stdlib.h>

#include "gcb/mutator.h"
#include "plugin.h"
#include "../common/testhost.h"

#define LIVE_BYTES 12345
#define STATS_FREES 777

typedef struct obj {
    struct obj *ptr; /* pointer slot */
    uint64_t id, check;
} obj;
static const gcb_type obj_t = {"obj", sizeof(obj), 1};

static uint64_t mix(uint64_t x) { return x * 0x9E3779B97F4A7C15ull ^ 0x5ace; }

/* The recording space: its memory is `foreign`; it holds heap roots. */
typedef struct rec_space {
    gc_space base;
    uint64_t foreign[64];        /* memory the heap's objects may point into */
    void *roots[4];              /* heap objects held by the space */
    _Atomic int mark_starts, mark_dones, visits, bad_visits, releases, bad_releases;
    _Atomic int attaches, detaches, out_of_order;
    int local_marker;            /* what gm->local[index] points to */
} rec_space;

static int destroyed_flag; /* set by destroy, which frees nothing (the space is static) */

static int in_foreign(rec_space *r, const void *p)
{
    return (const char *)p >= (const char *)r->foreign &&
           (const char *)p < (const char *)r->foreign + sizeof r->foreign;
}

static void begin_mark(gc_space *s, gc_heap *h)
{
    rec_space *r = (rec_space *)s;
    if (!h->stw || atomic_load(&h->phase) != GCPH_MARK)
        r->out_of_order++;
    if (r->mark_starts != r->mark_dones)
        r->out_of_order++;
    r->mark_starts++;
    for (int i = 0; i < 4; i++)
        mark_shade(h, r->roots[i]);
}

static int visit(gc_space *s, gc_heap *h, const void *p)
{
    rec_space *r = (rec_space *)s;
    if (ph_lookup(&h->ph, p) != NULL)
        r->bad_visits++;
    if (!in_foreign(r, p))
        return 0;
    r->visits++;
    return 1;
}

static void end_mark(gc_space *s, gc_heap *h)
{
    rec_space *r = (rec_space *)s;
    if (!h->stw)
        r->out_of_order++;
    r->mark_dones++;
    if (r->mark_starts != r->mark_dones)
        r->out_of_order++;
}

static int contains(gc_space *s, const void *p) { return in_foreign((rec_space *)s, p); }

static void roots(gc_space *s, gc_heap *h, void (*fn)(gc_heap *, void *, void *), void *arg)
{
    rec_space *r = (rec_space *)s;
    for (int i = 0; i < 4; i++)
        if (r->roots[i])
            fn(h, r->roots[i], arg);
}

static uint64_t live_bytes(gc_space *s) { return LIVE_BYTES; }

static void stats(gc_space *s, gcb_heap_stats *out) { out->frees = STATS_FREES; }

static void span_release(gc_space *s, gc_mutator *gm, span *sp, gcb_freeobj **freelist)
{
    rec_space *r = (rec_space *)s;
    r->releases++;
    for (gcb_freeobj *o = *freelist; o; o = o->next)
        if ((char *)o < sp->base || (char *)o >= sp->base + sp->npages * SC_PAGE_SIZE ||
            !span_bit(sp->allocbits, span_index(sp, o)))
            r->bad_releases++;
    gm->local[s->index] = &r->local_marker;
}

static void mutator_attach(gc_space *s, gc_mutator *gm)
{
    rec_space *r = (rec_space *)s;
    if (gm->local[s->index] == NULL && gm->base.write_barrier == &gm->h->barrier)
        r->attaches++;
}

static void mutator_detach(gc_space *s, gc_mutator *gm)
{
    rec_space *r = (rec_space *)s;
    if (gm->local[s->index] == &r->local_marker)
        r->detaches++;
    gm->local[s->index] = NULL;
}

static void destroy(gc_space *s, gc_heap *h) { destroyed_flag = 1; }

static const gc_space_ops rec_ops = {
    .name = "recording",
    .mark_start = begin_mark,
    .visit = visit,
    .mark_done = end_mark,
    .contains = contains,
    .roots = roots,
    .live_bytes = live_bytes,
    .stats = stats,
    .span_release = span_release,
    .mutator_attach = mutator_attach,
    .mutator_detach = mutator_detach,
    .destroy = destroy,
};

static const gc_space_ops dummy_ops = {.name = "dummy"};

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "spacetest",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
};

static void run(int mode)
{
    const char *mname = mode == MODE_STW ? "stw" : "concurrent";
    gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = testhost_event,
                     .spawn = testhost_spawn, .log = testhost_log, .now_ns = testhost_now_ns,
                     .procs = 1, .mutators = 1};
    gcb_value v[GC_NOPTIONS] = {0};
    v[GC_OPT_MODE].i = mode == MODE_STW;
    v[GC_OPT_GOGC].special = 1;
    v[GC_OPT_MEMLIMIT].special = 1;
    v[GC_OPT_VERIFY].i = 1;
    v[GC_OPT_RESERVE].i = (int64_t)1 << 30;
    v[GC_OPT_FORCEGC].special = 1;
    char err[256] = "";
    gcb_heap *heap = NULL;
    int rc = gc_plugin_heap_new(&table, &host, v, &heap, err, sizeof err);
    CHECK(rc == 0, "%s: heap_new: %s", mname, err);
    if (rc != 0)
        return;
    gc_heap *h = gc_heap_of(heap);

    static rec_space r;
    memset(&r, 0, sizeof r);
    r.base.ops = &rec_ops;
    destroyed_flag = 0;
    CHECK(gc_space_register(h, &r.base, err, sizeof err) == 0, "%s: register: %s", mname, err);
    static gc_space dummies[GC_SPACES_MAX];
    for (int i = 1; i < GC_SPACES_MAX; i++) {
        dummies[i].ops = &dummy_ops;
        CHECK(gc_space_register(h, &dummies[i], err, sizeof err) == 0, "%s: register %d", mname, i);
    }
    gc_space extra = {.ops = &dummy_ops};
    err[0] = 0;
    CHECK(gc_space_register(h, &extra, err, sizeof err) == EINVAL && strstr(err, "at most"),
          "%s: space %d accepted (%s)", mname, GC_SPACES_MAX + 1, err);
    CHECK(gc_space_find(h, &rec_ops) == &r.base, "%s: find", mname);

    gcb_mutator *m = NULL;
    CHECK(table.mutator_attach(heap, &m) == 0, "%s: attach", mname);
    if (m == NULL)
        return;
    CHECK(r.attaches == 1, "%s: mutator_attach saw %d mutators", mname, r.attaches);

    /* a -> c held only by the space; b, rooted in a frame, points into the space */
    obj *a = gcb_alloc(m, &obj_t, sizeof(obj));
    obj *c = gcb_alloc(m, &obj_t, sizeof(obj));
    obj *b = gcb_alloc(m, &obj_t, sizeof(obj));
    CHECK(a && b && c, "%s: alloc", mname);
    if (!a || !b || !c)
        return;
    a->id = 1, a->check = mix(1), c->id = 3, c->check = mix(3), b->id = 2, b->check = mix(2);
    gcb_store(m, a, (void **)&a->ptr, c);
    gcb_store(m, b, (void **)&b->ptr, &r.foreign[5]);
    r.roots[0] = a;
    void *slots[1] = {b};
    gcb_frame f;
    gcb_frame_push(m, &f, slots, 1);

    const int cycles = 4;
    for (int k = 0; k < cycles; k++) {
        for (int i = 0; i < 20000; i++) /* garbage, so sweeping reuses (and poisons) slots */
            gcb_alloc(m, &obj_t, sizeof(obj));
        gcb_collect(m);
    }
    CHECK(r.mark_starts == cycles && r.mark_dones == cycles,
          "%s: mark_start %d, mark_done %d, want %d each", mname, r.mark_starts, r.mark_dones,
          cycles);
    CHECK(r.out_of_order == 0, "%s: %d hooks out of order or with the world running", mname,
          r.out_of_order);
    CHECK(r.visits >= cycles, "%s: %d visits of b's pointer into the space in %d cycles", mname,
          r.visits, cycles);
    CHECK(r.bad_visits == 0, "%s: %d visits of heap pointers", mname, r.bad_visits);
    CHECK(a->id == 1 && a->check == mix(1) && a->ptr == c, "%s: space root a damaged", mname);
    CHECK(c->id == 3 && c->check == mix(3), "%s: c (reachable from the space) damaged", mname);
    CHECK(b->check == mix(2) && b->ptr == (obj *)&r.foreign[5], "%s: b damaged", mname);
    CHECK(table.verify(m, err, sizeof err) == 0, "%s: verify: %s", mname, err);
    CHECK(r.releases > 0 && r.bad_releases == 0, "%s: span_release %d calls, %d bad slots",
          mname, r.releases, r.bad_releases);

    gcb_heap_stats st = {.size = sizeof st};
    table.stats(heap, &st);
    gcb_heap_stats st0 = {.size = sizeof st0};
    r.base.ops = &dummy_ops; /* the same heap without the recording space's figures */
    table.stats(heap, &st0);
    r.base.ops = &rec_ops;
    CHECK(st.mapped_bytes == st0.mapped_bytes + LIVE_BYTES, "%s: mapped %llu vs %llu", mname,
          (unsigned long long)st.mapped_bytes, (unsigned long long)st0.mapped_bytes);
    CHECK(st.frees == STATS_FREES && st0.frees == 0, "%s: stats hook", mname);

    gcb_frame_pop(m, &f);
    table.mutator_detach(m);
    CHECK(r.detaches == 1, "%s: mutator_detach saw %d mutators with state", mname, r.detaches);
    table.heap_free(heap);
    CHECK(destroyed_flag, "%s: destroy not called", mname);
}

int main(void)
{
    run(MODE_STW);
    run(MODE_CONCURRENT);
    if (failures) {
        fprintf(stderr, "space contract: %d checks failed\n", failures);
        return 1;
    }
    printf("space contract: every check holds\n");
    return 0;
}
