/* heapbits_test.c - the object layout of the Go-like core (Go 1.22+,
 * collectors/core/gc.h):
 * - the bit helpers of the ABI (gcb_heapbits_mask/write/read): arrays,
 *   partial last elements, writes straddling two bitmap words that keep
 *   their neighbours, a slot larger than its object (stale bits cleared);
 * - on a heap built from gcb_gccore, inline path (verify off) and slow
 *   path (verify on), both marking modes: a 24-byte object with pointers
 *   takes a 24-byte slot with no header and its span's bits say which of
 *   its words are pointers; 512 B is the last headerless size, 513 B gets
 *   a header holding its type; a large object has none (the span's
 *   largetype); objects of every layout keep their children alive through
 *   collections, and slots reused from another type's dead objects have
 *   exactly the new type's bits.
 */
#include <stdlib.h>

#include "gcb/mutator.h"
#include "plugin.h"
#include "../common/testhost.h"

static const gcb_type node_t = {"node", 24, 1};     /* {next, a, b} */
static const gcb_type pair_t = {"pair", 16, 1};     /* {ptr, scalar} */
static const gcb_type ptr_t = {"*T", 8, 1};         /* arrays of pointers */
static const gcb_type full_t = {"full", 32, 4};     /* four pointers */
static const gcb_type one_t = {"one", 32, 1};       /* one pointer, three scalars */
static const gcb_type wide_t = {"wide", 512, 64};   /* 64 pointers */

static void test_bits(void)
{
    CHECK(gcb_heapbits_mask(&node_t, 24) == 0x1, "node mask %#llx",
          (unsigned long long)gcb_heapbits_mask(&node_t, 24));
    CHECK(gcb_heapbits_mask(&pair_t, 48) == 0x15, "3 pairs: mask %#llx, want 0x15",
          (unsigned long long)gcb_heapbits_mask(&pair_t, 48));
    CHECK(gcb_heapbits_mask(&ptr_t, 64) == 0xff, "[8]*T: mask %#llx",
          (unsigned long long)gcb_heapbits_mask(&ptr_t, 64));
    CHECK(gcb_heapbits_mask(&ptr_t, 512) == ~(uint64_t)0, "[64]*T: mask %#llx",
          (unsigned long long)gcb_heapbits_mask(&ptr_t, 512));
    CHECK(gcb_heapbits_mask(&wide_t, 512) == ~(uint64_t)0, "64 pointers: mask %#llx",
          (unsigned long long)gcb_heapbits_mask(&wide_t, 512));
    static const gcb_type two_t = {"two", 24, 2};
    /* 40 bytes of {ptr, ptr, scalar}: element 1 is partial (words 3, 4) */
    CHECK(gcb_heapbits_mask(&two_t, 40) == 0x1b, "partial element: mask %#llx, want 0x1b",
          (unsigned long long)gcb_heapbits_mask(&two_t, 40));
    /* 20 bytes of {ptr, scalar, scalar}: 3 words, pointer in word 0 only */
    CHECK(gcb_heapbits_mask(&node_t, 20) == 0x1, "short object: mask %#llx",
          (unsigned long long)gcb_heapbits_mask(&node_t, 20));

    /* a 4-word slot at word 62: straddles two bitmap words */
    uint64_t bm[4] = {~(uint64_t)0, ~(uint64_t)0, ~(uint64_t)0, ~(uint64_t)0};
    gcb_heapbits_write(bm, 62, 4, 0x1); /* a 24-byte node in a 32-byte slot */
    CHECK(gcb_heapbits_read(bm, 62, 4) == 0x1, "straddling slot reads %#llx, want 0x1",
          (unsigned long long)gcb_heapbits_read(bm, 62, 4));
    CHECK(bm[0] == (~(uint64_t)0 >> 1), "word 0 is %#llx: bit 62 set, 63 cleared, 0..61 kept",
          (unsigned long long)bm[0]);
    CHECK(bm[1] == ~(uint64_t)3, "word 1 is %#llx: bits 0, 1 cleared, the rest kept",
          (unsigned long long)bm[1]);
    CHECK(bm[2] == ~(uint64_t)0, "word 2 touched: %#llx", (unsigned long long)bm[2]);
    /* a whole-word slot (512 B) and a misaligned 64-bit write */
    gcb_heapbits_write(bm, 128, 64, 0x5);
    CHECK(bm[2] == 0x5 && gcb_heapbits_read(bm, 128, 64) == 0x5, "512-byte slot: %#llx",
          (unsigned long long)bm[2]);
    gcb_heapbits_write(bm, 69, 64, 0x8000000000000001ull);
    CHECK(gcb_heapbits_read(bm, 69, 64) == 0x8000000000000001ull, "64 bits at 69: %#llx",
          (unsigned long long)gcb_heapbits_read(bm, 69, 64));
    CHECK(bm[1] == 0x3c, "word 1 is %#llx, want 0x3c: bits 0..4 kept, slot bit 0 at 5",
          (unsigned long long)bm[1]);
    CHECK(bm[2] == 0x10, "word 2 is %#llx, want 0x10: slot bit 63 at 4, bits 5.. kept (0)",
          (unsigned long long)bm[2]);
}

static const gcb_collector table = {
    GC_PLUGIN_METHODS,
    .name = "heapbitstest",
    .caps = GCB_CAP_COLLECTS | GCB_CAP_CONCURRENT | GCB_CAP_PRECISE,
};

static uint64_t bits_of(gc_heap *h, void *p, span **sp)
{
    span *s = ph_lookup(&h->ph, p);
    *sp = s;
    if (s == NULL || s->heapbits == NULL)
        return 0;
    return gcb_heapbits_read(s->heapbits, (size_t)((char *)p - s->base) >> 3, s->elemsize / 8);
}

static int cmp(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

#define NKIDS 8

/* A child hanging off an object of some layout: intact? */
static int check_kid(void *k, uint64_t id)
{
    uint64_t *w = k;
    return k != NULL && w[1] == id && w[2] == ~id;
}

static void *kid(gcb_mutator *m, uint64_t id)
{
    uint64_t *w = gcb_alloc(m, &node_t, 24);
    if (w != NULL)
        w[1] = id, w[2] = ~id;
    return w;
}

static void run(int mode, int verify)
{
    char name[64];
    snprintf(name, sizeof name, "%s%s", mode == MODE_STW ? "stw" : "concurrent",
             verify ? "+verify" : "");
    gcb_host host = {.abi = GCB_ABI_VERSION, .size = sizeof host, .event = testhost_event,
                     .spawn = testhost_spawn, .log = testhost_log, .now_ns = testhost_now_ns,
                     .procs = 1, .mutators = 1};
    gcb_value v[GC_NOPTIONS] = {0};
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
    CHECK(m->heap_bits == 1, "%s: heap_bits %u", name, m->heap_bits);
    span *s;

    /* 24 bytes with a pointer: a 24-byte slot, no header, bit 0 only */
    uint64_t *n = gcb_alloc(m, &node_t, 24);
    uint64_t b = bits_of(h, n, &s);
    CHECK(s != NULL && s->elemsize == 24 && s->heapbits != NULL, "%s: node in a %u-byte slot",
          name, s ? s->elemsize : 0);
    CHECK(s != NULL && (char *)n == span_slot(s, span_index(s, n)), "%s: node %p is past a header",
          name, (void *)n);
    CHECK(b == 0x1, "%s: node bits %#llx, want 0x1", name, (unsigned long long)b);
    CHECK(s != NULL && s->nelems == (8192 - 128) / 24, "%s: %u slots, want %d (bitmap reserved)",
          name, s ? s->nelems : 0, (8192 - 128) / 24);

    /* 20 bytes of a 24-byte type round to the same 24-byte slot */
    void *m20 = gcb_alloc(m, &node_t, 20);
    b = bits_of(h, m20, &s);
    CHECK(s && s->elemsize == 24 && b == 0x1, "%s: 20-byte node: slot %u, bits %#llx", name,
          s ? s->elemsize : 0, (unsigned long long)b);

    /* an array in a larger slot: 5 pairs (80 B) in an 80-byte slot, 6 (96) in 96 */
    void *arr = gcb_alloc(m, &pair_t, 80);
    b = bits_of(h, arr, &s);
    CHECK(s && s->elemsize == 80 && b == 0x155, "%s: 5 pairs: slot %u, bits %#llx, want 0x155",
          name, s ? s->elemsize : 0, (unsigned long long)b);
    void *arr7 = gcb_alloc(m, &pair_t, 112); /* 7 pairs, 112-byte slot */
    b = bits_of(h, arr7, &s);
    CHECK(s && s->elemsize == 112 && b == 0x1555, "%s: 7 pairs: slot %u, bits %#llx", name,
          s ? s->elemsize : 0, (unsigned long long)b);
    void *odd = gcb_alloc(m, &node_t, 40); /* 40 B of 24-byte elements: 48-byte slot */
    b = bits_of(h, odd, &s);
    CHECK(s && s->elemsize == 48 && b == 0x9, "%s: 40 B of nodes: slot %u, bits %#llx, want 0x9",
          name, s ? s->elemsize : 0, (unsigned long long)b);

    /* 512 B: the last headerless size; 513 B: a header with the type */
    void **w512 = gcb_alloc(m, &wide_t, 512);
    b = bits_of(h, w512, &s);
    CHECK(s && s->elemsize == 512 && (char *)w512 == span_slot(s, span_index(s, w512)) &&
              b == ~(uint64_t)0,
          "%s: 512 B: slot %u, bits %#llx", name, s ? s->elemsize : 0, (unsigned long long)b);
    void **w513 = gcb_alloc(m, &ptr_t, 513);
    s = ph_lookup(&h->ph, w513);
    CHECK(s && s->elemsize == 576 && s->heapbits == NULL &&
              (char *)w513 == span_slot(s, span_index(s, w513)) + 8 &&
              ((const gcb_type **)w513)[-1] == &ptr_t,
          "%s: 513 B: slot %u, header %p", name, s ? s->elemsize : 0,
          s ? (void *)((const gcb_type **)w513)[-1] : NULL);

    /* large: no header, the type in the span */
    void **big = gcb_alloc(m, &ptr_t, 40000);
    s = ph_lookup(&h->ph, big);
    CHECK(s && s->sizeclass == 0 && (char *)big == s->base && s->largetype == &ptr_t &&
              s->large_bytes == 40000,
          "%s: large: class %u, offset %td, type %p", name, s ? s->sizeclass : 99,
          s ? (char *)big - s->base : -1, s ? (const void *)s->largetype : NULL);
    /* 32761..32768 B with pointers are large too (no room for a header) */
    void **edge = gcb_alloc(m, &ptr_t, 32768);
    s = ph_lookup(&h->ph, edge);
    CHECK(s && s->sizeclass == 0 && s->largetype == &ptr_t, "%s: 32768 B scan: class %u", name,
          s ? s->sizeclass : 99);

    /* children through every layout survive collections full of garbage */
    void *roots[7] = {n, arr, w512, w513, big, odd, edge};
    gcb_frame f;
    gcb_frame_push(m, &f, roots, 7);
    for (int k = 0; k < 5; k++) /* the pointer word of each pair */
        gcb_store(m, arr, (void **)arr + 2 * k, kid(m, 100 + k));
    for (int k = 0; k < NKIDS; k++) {
        gcb_store(m, n, (void **)&n[0], kid(m, 1));
        gcb_store(m, w512, &w512[k * 7], kid(m, 200 + k));
        gcb_store(m, w513, &w513[k * 8], kid(m, 300 + k));
        gcb_store(m, big, &big[k * 600], kid(m, 400 + k));
        gcb_store(m, edge, &edge[4000 + k], kid(m, 500 + k));
    }
    gcb_store(m, odd, (void **)odd + 3, kid(m, 600)); /* element 1's pointer word */
    ((uint64_t *)odd)[1] = 0x7; /* scalars: never followed */

    /* dead objects of an all-pointer type, then slots reused by a type
     * with one pointer: every new slot's bits are exactly 0b0001 */
    enum { NDEAD = 3000 };
    uintptr_t *dead = malloc(NDEAD * sizeof *dead);
    CHECK(dead != NULL, "malloc");
    if (dead == NULL)
        return;
    for (int c = 0; c < 3; c++) {
        for (int i = 0; i < NDEAD; i++) {
            dead[i] = (uintptr_t)gcb_alloc(m, &full_t, 32);
        }
        gcb_collect(m);
        gcb_collect(m);
        qsort(dead, NDEAD, sizeof *dead, cmp);
        int reused = 0, wrong = 0;
        for (int i = 0; i < NDEAD; i++) {
            uint64_t *o = gcb_alloc(m, &one_t, 32);
            if (o == NULL) {
                wrong++;
                break;
            }
            o[1] = o[2] = o[3] = (uint64_t)(uintptr_t)dead[i]; /* scalars that look like pointers */
            uintptr_t key = (uintptr_t)o;
            reused += bsearch(&key, dead, NDEAD, sizeof *dead, cmp) != NULL;
            if (bits_of(h, o, &s) != 0x1)
                wrong++;
        }
        CHECK(reused > 0, "%s: round %d: no slot of a dead object was reused", name, c);
        CHECK(wrong == 0, "%s: round %d: %d reused 32-byte slots have bits other than 0x1", name,
              c, wrong);
        gcb_collect(m);
    }
    free(dead);

    int bad = 0;
    bad += !check_kid((void *)n[0], 1);
    for (int k = 0; k < NKIDS; k++) {
        bad += k < 5 && !check_kid(((void **)arr)[2 * k], 100 + k);
        bad += !check_kid(w512[k * 7], 200 + k);
        bad += !check_kid(w513[k * 8], 300 + k);
        bad += !check_kid(big[k * 600], 400 + k);
        bad += !check_kid(edge[4000 + k], 500 + k);
    }
    bad += !check_kid(((void **)odd)[3], 600);
    CHECK(bad == 0, "%s: %d children damaged or freed", name, bad);
    CHECK(((uint64_t *)odd)[1] == 0x7, "%s: scalar changed", name);
    if (verify)
        CHECK(table.verify(m, err, sizeof err) == 0, "%s: verify: %s", name, err);
    gcb_frame_pop(m, &f);
    table.mutator_detach(m);
    table.heap_free(heap);
}

int main(void)
{
    test_bits();
    for (int verify = 0; verify < 2; verify++) {
        run(MODE_STW, verify);
        run(MODE_CONCURRENT, verify);
    }
    if (failures == 0)
        printf("heap bits: layout and marking agree\n");
    return failures ? 1 : 0;
}
