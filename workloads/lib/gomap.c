/* gomap.c - Go's hash map on the gcbench heap (see gomap.h). */
#include <stdio.h>
#include <string.h>

#include "lib/gomap.h"
#include "lib/rand.h"

#define BUCKET_CNT 8
#define EMPTY_REST 0      /* never used (Go also marks runs of empties; not modelled) */
#define EMPTY_ONE 1       /* deleted */
#define EVACUATED_X 2     /* moved to the same index of the new array */
#define EVACUATED_Y 3     /* moved to index + old bucket count */
#define EVACUATED_EMPTY 4 /* empty, and the bucket is evacuated */
#define MIN_TOPHASH 5

static const gcb_type map_type = {"gomap", sizeof(gomap), 2};
/* Bucket types by kind: overflow pointer, then 8 key and/or 8 value pointers. */
static const gcb_type bucket_type[4] = {
    {"bucket[int]int", GOMAP_BUCKET_SIZE, 1},
    {"bucket[string]int", GOMAP_BUCKET_SIZE, 9},
    {"bucket[int]ptr", GOMAP_BUCKET_SIZE, 9},
    {"bucket[string]ptr", GOMAP_BUCKET_SIZE, 17},
};

typedef struct bucket {
    struct bucket *overflow;
    uint64_t w[17]; /* layout by kind, see the offsets below */
} bucket;

_Static_assert(sizeof(bucket) == GOMAP_BUCKET_SIZE, "bucket size");

/* Word offsets into w[]: pointer keys, pointer values, tophash, int keys, int values. */
static inline void **kptr(bucket *b, unsigned kind, int i) { (void)kind; return (void **)&b->w[i]; }
static inline void **vptr(bucket *b, unsigned kind, int i)
{
    return (void **)&b->w[((kind & GOMAP_SKEYS) ? 8 : 0) + i];
}
static inline uint8_t *tophash(bucket *b, unsigned kind)
{
    return (uint8_t *)&b->w[((kind & GOMAP_SKEYS) ? 8 : 0) + ((kind & GOMAP_PVALS) ? 8 : 0)];
}
static inline int64_t *ikey(bucket *b, unsigned kind, int i)
{
    return (int64_t *)&b->w[((kind & GOMAP_PVALS) ? 8 : 0) + 1 + i];
}
static inline int64_t *ival(bucket *b, unsigned kind, int i)
{
    (void)kind; /* after 8 key words (pointers or ints) and the tophash word */
    return (int64_t *)&b->w[9 + i];
}

static inline bucket *at(void *arr, uint64_t i) { return (bucket *)((char *)arr + i * GOMAP_BUCKET_SIZE); }
static inline uint64_t nbuckets(unsigned B) { return (uint64_t)1 << B; }
static inline int is_empty(uint8_t t) { return t <= EMPTY_ONE; }
static inline int evacuated(bucket *b, unsigned kind)
{
    uint8_t t = tophash(b, kind)[0];
    return t > EMPTY_ONE && t < MIN_TOPHASH;
}

static uint64_t hash(const gomap *h, int64_t k, const char *s, size_t len)
{
    if (!(h->kind & GOMAP_SKEYS))
        return rand_finalize((uint64_t)k ^ h->hash0);
    uint64_t x = 0xcbf29ce484222325ull ^ h->hash0;
    for (size_t i = 0; i < len; i++)
        x = (x ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return rand_finalize(x ^ len);
}

static inline uint8_t top(uint64_t hash)
{
    uint8_t t = (uint8_t)(hash >> 56);
    return t < MIN_TOPHASH ? t + MIN_TOPHASH : t;
}

/* Hash of the entry in slot i of b. */
static uint64_t entry_hash(const gomap *h, bucket *b, int i)
{
    if (h->kind & GOMAP_SKEYS) {
        const gostr *k = *kptr(b, h->kind, i);
        return hash(h, 0, k->data, k->len);
    }
    return hash(h, *ikey(b, h->kind, i), NULL, 0);
}

static int keyeq(const gomap *h, bucket *b, int i, int64_t k, const char *s, size_t len)
{
    if (h->kind & GOMAP_SKEYS) {
        const gostr *x = *kptr(b, h->kind, i);
        return x->len == len && memcmp(x->data, s, len) == 0;
    }
    return *ikey(b, h->kind, i) == k;
}

gostr *gomap_str(gcb_mutator *m, const char *s, size_t len)
{
    gostr *g = gcb_alloc(m, NULL, sizeof(gostr) + (len ? len : 1));
    if (g != NULL) {
        g->len = len;
        memcpy(g->data, s, len);
    }
    return g;
}

gomap *gomap_new(gcb_mutator *m, unsigned kind, uint64_t hash0)
{
    void *slot[1] = {NULL};
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    gomap *h = slot[0] = gcb_alloc(m, &map_type, sizeof(gomap));
    void *b = h ? gcb_alloc(m, &bucket_type[kind & 3], GOMAP_BUCKET_SIZE) : NULL;
    gcb_frame_pop(m, &f);
    if (b == NULL)
        return NULL;
    h->kind = (uint8_t)(kind & 3);
    h->hash0 = hash0;
    gcb_store(m, h, &h->buckets, b);
    return h;
}

/* Chain a fresh overflow bucket after b (reachable); NULL when exhausted. */
static bucket *newoverflow(gcb_mutator *m, gomap *h, bucket *b)
{
    bucket *o = gcb_alloc(m, &bucket_type[h->kind], GOMAP_BUCKET_SIZE);
    if (o == NULL)
        return NULL;
    h->noverflow++;
    gcb_store(m, b, (void **)&b->overflow, o);
    return o;
}

static int growing(const gomap *h) { return h->oldbuckets != NULL; }

static uint64_t noldbuckets(const gomap *h)
{
    return h->samesize ? nbuckets(h->B) : nbuckets(h->B) >> 1;
}

/* Move old bucket `ob`'s chain into the new array; free its overflow
 * buckets, and the old array once every old bucket is moved. */
static int evacuate(gcb_mutator *m, gomap *h, uint64_t ob)
{
    unsigned kind = h->kind;
    uint64_t newbit = noldbuckets(h);
    bucket *b0 = at(h->oldbuckets, ob);
    if (!evacuated(b0, kind)) {
        bucket *dst[2] = {at(h->buckets, ob), h->samesize ? NULL : at(h->buckets, ob + newbit)};
        int di[2] = {0, 0};
        for (bucket *b = b0; b != NULL; b = b->overflow) {
            uint8_t *th = tophash(b, kind);
            for (int i = 0; i < BUCKET_CNT; i++) {
                if (is_empty(th[i])) {
                    th[i] = EVACUATED_EMPTY;
                    continue;
                }
                uint64_t hv = entry_hash(h, b, i);
                int y = !h->samesize && (hv & newbit) != 0;
                uint8_t t = th[i];
                th[i] = (uint8_t)(EVACUATED_X + y);
                if (di[y] == BUCKET_CNT) {
                    if ((dst[y] = newoverflow(m, h, dst[y])) == NULL)
                        return -1;
                    di[y] = 0;
                }
                bucket *d = dst[y];
                int j = di[y]++;
                tophash(d, kind)[j] = t;
                if (kind & GOMAP_SKEYS)
                    gcb_store(m, d, kptr(d, kind, j), *kptr(b, kind, i));
                else
                    *ikey(d, kind, j) = *ikey(b, kind, i);
                if (kind & GOMAP_PVALS)
                    gcb_store(m, d, vptr(d, kind, j), *vptr(b, kind, i));
                else
                    *ival(d, kind, j) = *ival(b, kind, i);
            }
        }
        /* The chain's overflow buckets are now garbage: unlink, then free. */
        bucket *o = b0->overflow;
        gcb_store(m, b0, (void **)&b0->overflow, NULL);
        while (o != NULL) {
            bucket *nx = o->overflow;
            gcb_free_sized(m, o, GOMAP_BUCKET_SIZE);
            o = nx;
        }
    }
    if (ob == h->nevacuate) {
        uint64_t n = noldbuckets(h);
        h->nevacuate++;
        while (h->nevacuate < n && evacuated(at(h->oldbuckets, h->nevacuate), kind))
            h->nevacuate++;
        if (h->nevacuate == n) {
            void *old = h->oldbuckets;
            gcb_store(m, h, &h->oldbuckets, NULL);
            h->samesize = 0;
            gcb_free_sized(m, old, n * GOMAP_BUCKET_SIZE);
        }
    }
    return 0;
}

static int growwork(gcb_mutator *m, gomap *h, uint64_t bi)
{
    if (evacuate(m, h, bi & (noldbuckets(h) - 1)) != 0)
        return -1;
    if (growing(h))
        return evacuate(m, h, h->nevacuate);
    return 0;
}

static int overloaded(uint64_t count, unsigned B)
{
    return count > BUCKET_CNT && count > 13 * (nbuckets(B) / 2); /* 6.5 per bucket */
}

static int too_many_overflow(uint32_t noverflow, unsigned B)
{
    return noverflow >= ((uint32_t)1 << (B < 15 ? B : 15));
}

static int hashgrow(gcb_mutator *m, gomap *h)
{
    int same = !overloaded(h->count + 1, h->B);
    unsigned nb = h->B + (same ? 0 : 1);
    void *arr = gcb_alloc(m, &bucket_type[h->kind], nbuckets(nb) * GOMAP_BUCKET_SIZE);
    if (arr == NULL)
        return -1;
    gcb_store(m, h, &h->oldbuckets, h->buckets);
    gcb_store(m, h, &h->buckets, arr);
    h->B = (uint8_t)nb;
    h->samesize = (uint8_t)same;
    h->nevacuate = 0;
    h->noverflow = 0;
    return 0;
}

int gomap_assign(gcb_mutator *m, void **mapslot, int64_t k, void **keyslot, int64_t v,
                 void **valslot)
{
    gomap *h = *mapslot;
    unsigned kind = h->kind;
    const gostr *ks = (kind & GOMAP_SKEYS) ? *keyslot : NULL;
    uint64_t hv = hash(h, k, ks ? ks->data : NULL, ks ? ks->len : 0);
    uint8_t t = top(hv);
again:
    h = *mapslot;
    ks = (kind & GOMAP_SKEYS) ? *keyslot : NULL;
    uint64_t bi = hv & (nbuckets(h->B) - 1);
    if (growing(h) && growwork(m, h, bi) != 0)
        return -1;
    bucket *b = at(h->buckets, bi), *ins = NULL;
    int insi = 0;
    for (;;) {
        uint8_t *th = tophash(b, kind);
        for (int i = 0; i < BUCKET_CNT; i++) {
            if (th[i] != t) {
                if (is_empty(th[i]) && ins == NULL) {
                    ins = b;
                    insi = i;
                }
                continue;
            }
            if (!keyeq(h, b, i, k, ks ? ks->data : NULL, ks ? ks->len : 0))
                continue;
            if (kind & GOMAP_PVALS)
                gcb_store(m, b, vptr(b, kind, i), *valslot);
            else
                *ival(b, kind, i) = v;
            return 0;
        }
        if (b->overflow == NULL)
            break;
        b = b->overflow;
    }
    if (!growing(h) && (overloaded(h->count + 1, h->B) || too_many_overflow(h->noverflow, h->B))) {
        if (hashgrow(m, h) != 0)
            return -1;
        goto again;
    }
    if (ins == NULL) {
        if ((ins = newoverflow(m, h, b)) == NULL)
            return -1;
        insi = 0;
    }
    if (kind & GOMAP_SKEYS)
        gcb_store(m, ins, kptr(ins, kind, insi), *keyslot);
    else
        *ikey(ins, kind, insi) = k;
    if (kind & GOMAP_PVALS)
        gcb_store(m, ins, vptr(ins, kind, insi), *valslot);
    else
        *ival(ins, kind, insi) = v;
    tophash(ins, kind)[insi] = t;
    h->count++;
    return 0;
}

/* The bucket a lookup of hash hv searches first. */
static bucket *home(const gomap *h, uint64_t hv)
{
    if (growing(h)) {
        bucket *ob = at(h->oldbuckets, hv & (noldbuckets(h) - 1));
        if (!evacuated(ob, h->kind))
            return ob;
    }
    return at(h->buckets, hv & (nbuckets(h->B) - 1));
}

void *gomap_find(const gomap *h, int64_t k, const char *s, size_t len)
{
    uint64_t hv = hash(h, k, s, len);
    uint8_t t = top(hv);
    for (bucket *b = home(h, hv); b != NULL; b = b->overflow) {
        uint8_t *th = tophash(b, h->kind);
        for (int i = 0; i < BUCKET_CNT; i++)
            if (th[i] == t && keyeq(h, b, i, k, s, len))
                return (h->kind & GOMAP_PVALS) ? (void *)vptr(b, h->kind, i)
                                               : (void *)ival(b, h->kind, i);
    }
    return NULL;
}

int gomap_delete(gcb_mutator *m, void **mapslot, int64_t k, const char *s, size_t len)
{
    gomap *h = *mapslot;
    if (h->count == 0)
        return 0;
    uint64_t hv = hash(h, k, s, len);
    uint8_t t = top(hv);
    uint64_t bi = hv & (nbuckets(h->B) - 1);
    if (growing(h) && growwork(m, h, bi) != 0)
        return 0; /* exhausted while evacuating: the caller's validation reports it */
    h = *mapslot;
    unsigned kind = h->kind;
    for (bucket *b = at(h->buckets, bi); b != NULL; b = b->overflow) {
        uint8_t *th = tophash(b, kind);
        for (int i = 0; i < BUCKET_CNT; i++) {
            if (th[i] != t || !keyeq(h, b, i, k, s, len))
                continue;
            if (kind & GOMAP_SKEYS) {
                gostr *ks = *kptr(b, kind, i);
                gcb_store(m, b, kptr(b, kind, i), NULL);
                gcb_dead(m, ks, sizeof(gostr) + (ks->len ? ks->len : 1));
            }
            if (kind & GOMAP_PVALS)
                gcb_store(m, b, vptr(b, kind, i), NULL);
            th[i] = EMPTY_ONE;
            h->count--;
            return 1;
        }
    }
    return 0;
}

static int check_chain(const gomap *h, bucket *b, uint64_t idx, uint64_t mask, uint64_t *n,
                       char *err, size_t errlen)
{
    for (; b != NULL; b = b->overflow) {
        uint8_t *th = tophash(b, h->kind);
        for (int i = 0; i < BUCKET_CNT; i++) {
            if (th[i] < MIN_TOPHASH)
                continue;
            uint64_t hv = entry_hash(h, b, i);
            if ((hv & mask) != idx || top(hv) != th[i]) {
                snprintf(err, errlen, "gomap: entry in bucket %llu hashes to bucket %llu (tophash %u, expected %u)",
                         (unsigned long long)idx, (unsigned long long)(hv & mask), th[i], top(hv));
                return -1;
            }
            (*n)++;
        }
    }
    return 0;
}

int gomap_is_valid(const gomap *h, char *err, size_t errlen)
{
    uint64_t n = 0, nb = nbuckets(h->B);
    for (uint64_t i = 0; i < nb; i++)
        if (check_chain(h, at(h->buckets, i), i, nb - 1, &n, err, errlen) != 0)
            return -1;
    if (growing(h)) {
        uint64_t no = noldbuckets(h);
        for (uint64_t i = 0; i < no; i++) {
            bucket *b = at(h->oldbuckets, i);
            if (!evacuated(b, h->kind) && check_chain(h, b, i, no - 1, &n, err, errlen) != 0)
                return -1;
        }
    }
    if (n != h->count) {
        snprintf(err, errlen, "gomap: %llu entries found, expected count %llu",
                 (unsigned long long)n, (unsigned long long)h->count);
        return -1;
    }
    return 0;
}

static void release_chain(gcb_mutator *m, const gomap *h, bucket *b, int keys)
{
    for (int first = 1; b != NULL; first = 0) {
        bucket *nx = b->overflow;
        uint8_t *th = tophash(b, h->kind);
        if (keys && (h->kind & GOMAP_SKEYS))
            for (int i = 0; i < BUCKET_CNT; i++)
                if (th[i] >= MIN_TOPHASH) {
                    gostr *s = *kptr(b, h->kind, i);
                    gcb_dead(m, s, sizeof(gostr) + (s->len ? s->len : 1));
                }
        if (!first)
            gcb_dead(m, b, GOMAP_BUCKET_SIZE);
        b = nx;
    }
}

void gomap_release(gcb_mutator *m, gomap *h)
{
    if (!GCB_MUT_HAS(m, dead) || h == NULL)
        return;
    uint64_t nb = nbuckets(h->B);
    for (uint64_t i = 0; i < nb; i++)
        release_chain(m, h, at(h->buckets, i), 1);
    gcb_dead(m, h->buckets, nb * GOMAP_BUCKET_SIZE);
    if (growing(h)) {
        uint64_t no = noldbuckets(h);
        for (uint64_t i = 0; i < no; i++)
            release_chain(m, h, at(h->oldbuckets, i), !evacuated(at(h->oldbuckets, i), h->kind));
        gcb_dead(m, h->oldbuckets, no * GOMAP_BUCKET_SIZE);
    }
    gcb_dead(m, h, sizeof(gomap));
}
