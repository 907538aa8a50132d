/* scanwork_test.c - scan work and the scannable heap as Go counts them
 * (collectors/core: mark.c scan, gc.h heap_scan, mcache.c):
 * - an object's scan work is Go's scanObject scanSize: from the slot's
 *   start to the end of its last pointer word (a 24-byte node with one
 *   leading pointer: 8 bytes; 5 {ptr, scalar} pairs: 72; [8]*T: 64), for
 *   a header object or a large one with its type tiled to the end of the
 *   slot or span (past the object's last element: a partial element's
 *   pointer word counts), a large one per 128 KiB oblet; pointer-free
 *   objects none;
 * - what a mutator allocates adds Go's scanAlloc (mallocgc's scan size:
 *   the same for headerless objects but a []*T, which adds its first
 *   word only; the whole slot for header objects, the whole span for
 *   large ones) to gcb_mutator.scan_alloc or, at the slow path, to
 *   heap_scan, and mark termination sets heap_scan to the cycle's scan
 *   work (Go's resetLive);
 * - verify refuses a type with no pointer words (collector.h: NULL is
 *   pointer-free), which would make a scanned object that scans nothing;
 * on a heap built from gcb_gccore, inline path (verify off) and slow path
 * (verify on), both marking modes.  No figure here is tuned: each is the
 * sum of the objects' sizes under Go's rules.
 */
#include <stdlib.h>

#include "gcb/mutator.h"
#include "plugin.h"
#include "../common/testhost.h"

static const gcb_type node_t = {"node", 24, 1}; /* {next, a, b} */
static const gcb_type pair_t = {"pair", 16, 1}; /* {ptr, scalar} */
static const gcb_type ptr_t = {"*T", 8, 1};     /* arrays of pointers */
static const gcb_type page_t = {"page", 4096, 1}; /* one pointer per 4 KiB */

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "scanworktest",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
};

enum { NNODE = 20, NPAIR = 20, NNOSCAN = 20, NSLOTS = NNODE + NPAIR + NNOSCAN + 5 };

static void run(int mode, int verify)
{
    char name[64];
    snprintf(name, sizeof name, "%s%s", mode == MODE_STW ? "stw" : "concurrent",
             verify ? "+verify" : "");
    gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = testhost_event,
                     .spawn = testhost_spawn, .log = testhost_log, .now_ns = testhost_now_ns,
                     .procs = 1, .mutators = 1};
    gcb_value v[GC_NOPTIONS] = {0}; /* globals and runtime_heap 0: the heap is the test's */
    v[GC_OPT_MODE].i = mode == MODE_STW;
    v[GC_OPT_GOGC].special = 1;
    v[GC_OPT_MEMLIMIT].special = 1;
    v[GC_OPT_VERIFY].i = verify;
    v[GC_OPT_RESERVE].i = (int64_t)1 << 30;
    v[GC_OPT_FORCEGC].special = 1;
    char err[256] = "";
    gcb_heap *heap = NULL;
    int rc = gc_plugin_heap_new(&table, &host, v, &heap, err, sizeof err);
    CHECK(rc == 0, "%s: heap_new: %s", name, err);
    if (rc != 0)
        return;
    gc_heap *h = gc_heap_of(heap);
    gcb_mutator *m = NULL;
    CHECK(table.mutator_attach(heap, &m) == 0 && m != NULL, "%s: attach", name);
    if (m == NULL)
        return;

    void *slots[NSLOTS] = {0};
    gcb_frame f;
    gcb_frame_push(m, &f, slots, NSLOTS);
    size_t k = 0;
    for (int i = 0; i < NNODE; i++)
        slots[k++] = gcb_alloc(m, &node_t, 24); /* alloc 8, scan 8 */
    for (int i = 0; i < NPAIR; i++)
        slots[k++] = gcb_alloc(m, &pair_t, 80); /* 5 pairs: 4 x 16 + 8 = 72, both */
    for (int i = 0; i < NNOSCAN; i++)
        slots[k++] = gcb_alloc(m, NULL, 64);    /* pointer-free: nothing */
    void **hdr = gcb_alloc(m, &ptr_t, 520);    /* header object in a 576-byte slot */
    slots[k++] = hdr;
    slots[k++] = gcb_alloc(m, &pair_t, 528);   /* 33 pairs in a 576-byte slot */
    slots[k++] = gcb_alloc(m, &ptr_t, 64);     /* [8]*T, heap bits */
    void **big = gcb_alloc(m, &ptr_t, 40000);  /* large: 5 pages */
    slots[k++] = big;
    slots[k++] = gcb_alloc(m, &page_t, 300 << 10); /* large: 38 pages, three oblets */
    for (size_t i = 0; i < k; i++)
        CHECK(slots[i] != NULL, "%s: allocation %zu failed", name, i);
    span *s = ph_lookup(&h->ph, (char *)hdr - 8);
    CHECK(s != NULL && s->elemsize == 576 && s->heapbits == NULL, "%s: 520 B of *T: slot %u",
          name, s ? s->elemsize : 0);

    /* Go's scanAlloc: 20 x 8 + 20 x 72, the header objects' slots, the
     * []*T's first word, the large objects' spans */
    uint64_t alloc = NNODE * 8 + NPAIR * 72 + 576 + 576 + 8 + 5 * 8192 + 38 * 8192;
    uint64_t seen = atomic_load(&h->heap_scan) + m->scan_alloc;
    CHECK(seen == alloc, "%s: heap_scan + scan_alloc = %llu after allocating, want %llu", name,
          (unsigned long long)seen, (unsigned long long)alloc);

    /* Go's heapScanWork: each header object's type tiled from its header
     * word to the slot's end (71 pointers: 576; 35 pairs and the pointer
     * of a 36th at 568: 576, where the object's own 33 pairs end at
     * 536); the [8]*T's 64; the 40000-byte []*T's tiled to its span's
     * end, 40960; the 4 KiB pages' per oblet: 31 x 4096 + 8 in each of
     * the first two, and in the third (256 KiB to the span's end at
     * 304 KiB) the pointer of page 75, past the object's 75 pages:
     * 307200 + 8 - 262144 */
    gcb_collect(m);
    uint64_t work = NNODE * 8 + NPAIR * 72 + 576 + 576 + 64 + 40960 +
                    2 * (31 * 4096 + 8) + (307200 + 8 - 262144);
    CHECK(h->last_heap_scan == work, "%s: the cycle's scan work %llu, want %llu", name,
          (unsigned long long)h->last_heap_scan, (unsigned long long)work);
    CHECK(atomic_load(&h->heap_scan) == work && m->scan_alloc == 0,
          "%s: after the cycle heap_scan %llu (want its scan work %llu), scan_alloc %u", name,
          (unsigned long long)atomic_load(&h->heap_scan), (unsigned long long)work,
          m->scan_alloc);

    /* allocation outside mark adds again; what dies leaves at the next
     * mark termination, not before (Go's heapScan) */
    for (int i = 0; i < 10; i++)
        gcb_alloc(m, &node_t, 24);
    slots[0] = NULL; /* one node and one pair array die */
    slots[NNODE] = NULL;
    seen = atomic_load(&h->heap_scan) + m->scan_alloc;
    CHECK(seen == work + 80, "%s: heap_scan + scan_alloc = %llu after 10 more nodes, want %llu",
          name, (unsigned long long)seen, (unsigned long long)(work + 80));
    gcb_collect(m);
    CHECK(h->last_heap_scan == work - 8 - 72, "%s: second cycle's scan work %llu, want %llu",
          name, (unsigned long long)h->last_heap_scan, (unsigned long long)(work - 8 - 72));
    CHECK(atomic_load(&h->heap_scan) == h->last_heap_scan, "%s: heap_scan %llu after it", name,
          (unsigned long long)atomic_load(&h->heap_scan));
    if (verify) {
        CHECK(table.verify(m, err, sizeof err) == 0, "%s: verify: %s", name, err);
        /* a type of no pointer words breaks collector.h's contract (a
         * pointer-free object is NULL): verify refuses it, last, as it
         * fails the heap */
        static const gcb_type none_t = {"no pointers", 16, 0};
        CHECK(gcb_alloc(m, &none_t, 16) == NULL, "%s: a type with 0 pointer words was allocated",
              name);
    }
    gcb_frame_pop(m, &f);
    table.mutator_detach(m);
    table.heap_free(heap);
}

int main(void)
{
    for (int verify = 0; verify < 2; verify++) {
        run(MODE_STW, verify);
        run(MODE_CONCURRENT, verify);
    }
    if (failures == 0)
        printf("scan work: Go's scan sizes and heapScan\n");
    return failures ? 1 : 0;
}
