/* gomap.c - Go's Swiss-table map on the gcbench heap (see gomap.h). */
#include <stdio.h>
#include <string.h>

#include "lib/gomap.h"
#include "lib/rand.h"

#define SLOTS 8                 /* per group: Go's abi.MapGroupSlots */
#define MAX_AVG_GROUP_LOAD 7    /* of 8 slots: Go's maxAvgGroupLoad */
#define MAX_TABLE_CAPACITY 1024 /* slots: Go's maxTableCapacity */
#define CTRL_EMPTY 0x80
#define CTRL_DELETED 0xfe
#define CTRL_ALL_EMPTY 0x8080808080808080ull

static const gcb_type map_type = {"gomap", sizeof(gomap), 1};
static const gcb_type table_type = {"gotable", sizeof(gotable), 1};
static const gcb_type dir_type = {"gomap directory", sizeof(void *), 1};

/* Words of a group, by kind: key pointers (string keys), value pointers
 * (pointer values), the control word, then the scalars: the key lengths
 * or int keys, then int values. */
static inline unsigned kptrs(unsigned kind) { return (kind & GOMAP_SKEYS) ? SLOTS : 0; }
static inline unsigned vptrs(unsigned kind) { return (kind & GOMAP_PVALS) ? SLOTS : 0; }
static inline unsigned ctrlw(unsigned kind) { return kptrs(kind) + vptrs(kind); }
static inline unsigned group_words(unsigned kind)
{
    return ctrlw(kind) + 1 + SLOTS + ((kind & GOMAP_PVALS) ? 0 : SLOTS);
}
static inline size_t group_size(unsigned kind) { return group_words(kind) * sizeof(uint64_t); }

static const gcb_type group_type[4] = {
    {"group[int]int", 17 * 8, 0},     /* 136 bytes, as Go's map[int64]int64 group (allocated
                                         pointer-free: new_groups) */
    {"group[string]int", 25 * 8, 8},  /* 200: map[string]int64 */
    {"group[int]ptr", 17 * 8, 8},     /* 136: map[int64]*T */
    {"group[string]ptr", 25 * 8, 16}, /* 200: map[string]*T */
};

typedef uint64_t word;

static inline word *group(void *groups, unsigned kind, uint64_t i)
{
    return (word *)groups + i * group_words(kind);
}
static inline uint8_t *ctrl(word *g, unsigned kind) { return (uint8_t *)&g[ctrlw(kind)]; }
static inline void **kptr(word *g, unsigned kind, unsigned i) { (void)kind; return (void **)&g[i]; }
static inline void **vptr(word *g, unsigned kind, unsigned i) { return (void **)&g[kptrs(kind) + i]; }
/* int key, or the string key's length */
static inline int64_t *kword(word *g, unsigned kind, unsigned i) { return (int64_t *)&g[ctrlw(kind) + 1 + i]; }
static inline int64_t *ival(word *g, unsigned kind, unsigned i)
{
    return (int64_t *)&g[ctrlw(kind) + 1 + SLOTS + i];
}
static inline int full(uint8_t c) { return (c & CTRL_EMPTY) == 0; }

static uint64_t hash(const gomap *h, int64_t k, const char *s, size_t len)
{
    if (!(h->kind & GOMAP_SKEYS))
        return rand_finalize((uint64_t)k ^ h->hash0);
    uint64_t x = 0xcbf29ce484222325ull ^ h->hash0;
    for (size_t i = 0; i < len; i++)
        x = (x ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return rand_finalize(x ^ len);
}

static inline uint8_t h2(uint64_t hv) { return (uint8_t)(hv & 0x7f); }
static inline uint64_t h1(uint64_t hv) { return hv >> 7; }

/* Hash of the entry in slot i of g. */
static uint64_t slot_hash(const gomap *h, word *g, unsigned i)
{
    if (h->kind & GOMAP_SKEYS) {
        const gostr *k = *kptr(g, h->kind, i);
        return hash(h, 0, k->data, k->len);
    }
    return hash(h, *kword(g, h->kind, i), NULL, 0);
}

static int keyeq(const gomap *h, word *g, unsigned i, int64_t k, const char *s, size_t len)
{
    if (h->kind & GOMAP_SKEYS) {
        const gostr *x = *kptr(g, h->kind, i);
        return (size_t)*kword(g, h->kind, i) == len && memcmp(x->data, s, len) == 0;
    }
    return *kword(g, h->kind, i) == k;
}

/* Copy slot i of g (its key and value) into slot j of d (reachable). */
static void move_slot(gcb_mutator *m, unsigned kind, void *dobj, word *d, unsigned j, word *g,
                      unsigned i)
{
    if (kind & GOMAP_SKEYS)
        gcb_store(m, dobj, kptr(d, kind, j), *kptr(g, kind, i));
    *kword(d, kind, j) = *kword(g, kind, i);
    if (kind & GOMAP_PVALS)
        gcb_store(m, dobj, vptr(d, kind, j), *vptr(g, kind, i));
    else
        *ival(d, kind, j) = *ival(g, kind, i);
}

/* Go's probe sequence: groups h1, h1 + 1, h1 + 1 + 2, ... mod ngroups. */
typedef struct probe {
    uint64_t mask, offset, index;
} probe;
static inline probe probe_start(uint64_t hv, uint64_t ngroups) { return (probe){ngroups - 1, h1(hv) & (ngroups - 1), 0}; }
static inline void probe_next(probe *p)
{
    p->index++;
    p->offset = (p->offset + p->index) & p->mask;
}

static inline int ctrl_has(const uint8_t *c, uint8_t v)
{
    for (unsigned i = 0; i < SLOTS; i++)
        if (c[i] == v)
            return 1;
    return 0;
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
    gomap *h = gcb_alloc(m, &map_type, sizeof(gomap));
    if (h != NULL) {
        h->kind = (uint8_t)(kind & 3);
        h->hash0 = hash0;
    }
    return h;
}

/* A fresh array of n groups, every control byte empty; NULL when exhausted. */
static void *new_groups(gcb_mutator *m, unsigned kind, uint64_t n)
{
    /* map[int64]int64's groups hold no pointer: pointer-free, as Go's
     * noscan group type (a type of 0 pointer words would make the array a
     * scanned object that scans nothing) */
    const gcb_type *t = group_type[kind].nptrs ? &group_type[kind] : NULL;
    void *arr = gcb_alloc(m, t, n * group_size(kind));
    if (arr != NULL)
        for (uint64_t i = 0; i < n; i++)
            *(word *)ctrl(group(arr, kind, i), kind) = CTRL_ALL_EMPTY;
    return arr;
}

/* Go's maxGrowthLeft: 7/8 of the slots (one group: all but one). */
static uint16_t max_growth(uint16_t capacity)
{
    return capacity <= SLOTS ? capacity - 1 : (uint16_t)(capacity * MAX_AVG_GROUP_LOAD / SLOTS);
}

/* A fresh table of `capacity` slots (a power of two, >= 8) into *slot
 * (a frame slot of the caller: the table is rooted there); -1 when
 * exhausted. */
static int new_table(gcb_mutator *m, unsigned kind, uint16_t capacity, int64_t index,
                     uint8_t local_depth, void **slot)
{
    gotable *t = *slot = gcb_alloc(m, &table_type, sizeof(gotable));
    if (t == NULL)
        return -1;
    void *arr = new_groups(m, kind, capacity / SLOTS);
    if (arr == NULL)
        return -1;
    t = *slot;
    gcb_store(m, t, &t->groups, arr);
    t->ngroups = capacity / SLOTS;
    t->capacity = capacity;
    t->growth_left = max_growth(capacity);
    t->index = index;
    t->local_depth = local_depth;
    return 0;
}

/* Put an entry known absent, from slot i of g, into t (Go's
 * uncheckedPutSlot: no tombstones in t, room left). */
static void put_unchecked(gcb_mutator *m, const gomap *h, gotable *t, uint64_t hv, word *g,
                          unsigned i)
{
    unsigned kind = h->kind;
    for (probe p = probe_start(hv, t->ngroups);; probe_next(&p)) {
        word *d = group(t->groups, kind, p.offset);
        uint8_t *c = ctrl(d, kind);
        for (unsigned j = 0; j < SLOTS; j++)
            if (!full(c[j])) {
                move_slot(m, kind, t->groups, d, j, g, i);
                c[j] = h2(hv);
                t->growth_left--;
                t->used++;
                return;
            }
    }
}

/* Every directory entry of t (2^(global - local) from its index) to t. */
static void replace_table(gcb_mutator *m, gomap *h, gotable *t)
{
    uint64_t n = (uint64_t)1 << (h->global_depth - t->local_depth);
    void **dir = h->dir;
    for (uint64_t i = 0; i < n; i++)
        gcb_store(m, dir, &dir[t->index + i], t);
}

static void free_table(gcb_mutator *m, unsigned kind, gotable *t)
{
    void *arr = t->groups;
    uint64_t n = t->ngroups;
    gcb_free_sized(m, arr, n * group_size(kind));
    gcb_free_sized(m, t, sizeof(gotable));
}

/* Go's growToTable: the small map's 8 entries into a table of 16 slots,
 * a directory of one. */
static int grow_to_table(gcb_mutator *m, void **mapslot)
{
    void *slot[2] = {NULL, NULL}; /* [0] the table, [1] the directory */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 2);
    gomap *h = *mapslot;
    int rc = -1;
    if (new_table(m, h->kind, 2 * SLOTS, 0, 0, &slot[0]) != 0)
        goto out;
    if ((slot[1] = gcb_alloc(m, &dir_type, sizeof(void *))) == NULL)
        goto out;
    h = *mapslot;
    gotable *t = slot[0];
    word *small = h->dir;
    for (unsigned i = 0; i < SLOTS; i++)
        if (full(ctrl(small, h->kind)[i]))
            put_unchecked(m, h, t, slot_hash(h, small, i), small, i);
    gcb_store(m, slot[1], (void **)slot[1], t);
    gcb_store(m, h, &h->dir, slot[1]);
    h->dirlen = 1;
    h->global_depth = 0;
    gcb_free_sized(m, small, group_size(h->kind));
    rc = 0;
out:
    gcb_frame_pop(m, &f);
    return rc;
}

/* Go's pruneTombstones: when at least a tenth of the slots are
 * tombstones that no live entry's probe sequence passes, empty them. */
static void prune_tombstones(const gomap *h, gotable *t)
{
    unsigned kind = h->kind;
    uint16_t tombstones = (uint16_t)(t->capacity * MAX_AVG_GROUP_LOAD / SLOTS - t->used - t->growth_left);
    if ((unsigned)tombstones * 10 < t->capacity)
        return;
    uint8_t needed[MAX_TABLE_CAPACITY / SLOTS] = {0};
    for (uint64_t i = 0; i < t->ngroups; i++) {
        word *g = group(t->groups, kind, i);
        uint8_t *c = ctrl(g, kind);
        for (unsigned j = 0; j < SLOTS; j++) {
            if (!full(c[j]))
                continue;
            for (probe p = probe_start(slot_hash(h, g, j), t->ngroups); p.offset != i; probe_next(&p))
                if (ctrl_has(ctrl(group(t->groups, kind, p.offset), kind), CTRL_DELETED))
                    needed[p.offset] = 1;
        }
        if (ctrl_has(c, CTRL_EMPTY))
            needed[i] = 1;
    }
    unsigned cnt = 0;
    for (uint64_t i = 0; i < t->ngroups; i++)
        if (!needed[i])
            for (unsigned j = 0; j < SLOTS; j++)
                cnt += ctrl(group(t->groups, kind, i), kind)[j] == CTRL_DELETED;
    if (cnt * 10 < t->capacity)
        return;
    for (uint64_t i = 0; i < t->ngroups; i++)
        if (!needed[i]) {
            uint8_t *c = ctrl(group(t->groups, kind, i), kind);
            for (unsigned j = 0; j < SLOTS; j++)
                if (c[j] == CTRL_DELETED) {
                    c[j] = CTRL_EMPTY;
                    t->growth_left++;
                }
        }
}

/* Go's rehash: t (directory entry idx) doubles into a new table, or at
 * MAX_TABLE_CAPACITY splits into two (the directory doubling first when t
 * is as deep as it); the old table and its groups go to free_sized. */
static int rehash(gcb_mutator *m, void **mapslot, uint64_t idx)
{
    void *slot[3] = {NULL, NULL, NULL}; /* new tables, new directory */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 3);
    gomap *h = *mapslot;
    unsigned kind = h->kind;
    gotable *t = ((void **)h->dir)[idx];
    int rc = -1;
    if (2 * (unsigned)t->capacity <= MAX_TABLE_CAPACITY) {
        if (new_table(m, kind, (uint16_t)(2 * t->capacity), t->index, t->local_depth, &slot[0]) != 0)
            goto out;
        gotable *nt = slot[0];
        for (uint64_t i = 0; i < t->ngroups; i++) {
            word *g = group(t->groups, kind, i);
            for (unsigned j = 0; j < SLOTS; j++)
                if (full(ctrl(g, kind)[j]))
                    put_unchecked(m, h, nt, slot_hash(h, g, j), g, j);
        }
        replace_table(m, h, nt);
        free_table(m, kind, t);
        rc = 0;
        goto out;
    }
    uint8_t depth = t->local_depth + 1;
    if (new_table(m, kind, MAX_TABLE_CAPACITY, -1, depth, &slot[0]) != 0 ||
        new_table(m, kind, MAX_TABLE_CAPACITY, -1, depth, &slot[1]) != 0)
        goto out;
    if (t->local_depth == h->global_depth) {
        uint64_t n = h->dirlen;
        if ((slot[2] = gcb_alloc(m, &dir_type, 2 * n * sizeof(void *))) == NULL)
            goto out;
    }
    h = *mapslot;
    gotable *left = slot[0], *right = slot[1];
    uint64_t bit = (uint64_t)1 << (64 - depth);
    for (uint64_t i = 0; i < t->ngroups; i++) {
        word *g = group(t->groups, kind, i);
        for (unsigned j = 0; j < SLOTS; j++)
            if (full(ctrl(g, kind)[j])) {
                uint64_t hv = slot_hash(h, g, j);
                put_unchecked(m, h, (hv & bit) ? right : left, hv, g, j);
            }
    }
    if (slot[2] != NULL) { /* Go's installTableSplit: the directory doubles */
        void **od = h->dir, **nd = slot[2];
        uint64_t n = h->dirlen;
        for (uint64_t i = 0; i < n; i++) {
            gotable *x = od[i];
            gcb_store(m, nd, &nd[2 * i], x);
            gcb_store(m, nd, &nd[2 * i + 1], x);
            if (x->index == (int64_t)i)
                x->index = 2 * (int64_t)i;
        }
        gcb_store(m, h, &h->dir, nd);
        h->dirlen = 2 * n;
        h->global_depth++;
        gcb_free_sized(m, od, n * sizeof(void *));
    }
    left->index = t->index;
    replace_table(m, h, left);
    right->index = left->index + ((int64_t)1 << (h->global_depth - depth));
    replace_table(m, h, right);
    free_table(m, kind, t);
    rc = 0;
out:
    gcb_frame_pop(m, &f);
    return rc;
}

static inline uint64_t dir_index(const gomap *h, uint64_t hv)
{
    return h->dirlen == 1 ? 0 : hv >> (64 - h->global_depth);
}

/* Write the key (new entries only) and the value into slot i of g, an
 * object reachable from `obj`. */
static void fill_slot(gcb_mutator *m, unsigned kind, void *obj, word *g, unsigned i, int isnew,
                      int64_t k, void **keyslot, int64_t v, void **valslot)
{
    if (isnew) {
        if (kind & GOMAP_SKEYS) {
            gostr *ks = *keyslot;
            gcb_store(m, obj, kptr(g, kind, i), ks);
            *kword(g, kind, i) = (int64_t)ks->len;
        } else {
            *kword(g, kind, i) = k;
        }
    }
    if (kind & GOMAP_PVALS)
        gcb_store(m, obj, vptr(g, kind, i), *valslot);
    else
        *ival(g, kind, i) = v;
}

int gomap_assign(gcb_mutator *m, void **mapslot, int64_t k, void **keyslot, int64_t v,
                 void **valslot)
{
    gomap *h = *mapslot;
    unsigned kind = h->kind;
    const gostr *ks0 = (kind & GOMAP_SKEYS) ? *keyslot : NULL;
    const char *s = ks0 ? ks0->data : NULL; /* the key string stays put: rooted, non-moving */
    size_t len = ks0 ? ks0->len : 0;
    uint64_t hv = hash(h, k, s, len);
    if (h->dir == NULL) { /* Go's growToSmall */
        void *g = new_groups(m, kind, 1);
        if (g == NULL)
            return -1;
        h = *mapslot;
        gcb_store(m, h, &h->dir, g);
    }
    if (h->dirlen == 0) {
        word *g = h->dir;
        uint8_t *c = ctrl(g, kind);
        for (unsigned i = 0; i < SLOTS; i++)
            if (c[i] == h2(hv) && keyeq(h, g, i, k, s, len)) {
                fill_slot(m, kind, g, g, i, 0, k, keyslot, v, valslot);
                return 0;
            }
        if (h->count < SLOTS) {
            for (unsigned i = 0; i < SLOTS; i++)
                if (!full(c[i])) {
                    fill_slot(m, kind, g, g, i, 1, k, keyslot, v, valslot);
                    c[i] = h2(hv);
                    h->count++;
                    return 0;
                }
        }
        /* full: a table (Go grows even when the key is present) */
        if (grow_to_table(m, mapslot) != 0)
            return -1;
        h = *mapslot;
    }
    for (;;) {
        uint64_t idx = dir_index(h, hv);
        gotable *t = ((void **)h->dir)[idx];
        word *del = NULL;
        unsigned deli = 0;
        for (probe p = probe_start(hv, t->ngroups);; probe_next(&p)) {
            word *g = group(t->groups, kind, p.offset);
            uint8_t *c = ctrl(g, kind);
            for (unsigned i = 0; i < SLOTS; i++)
                if (c[i] == h2(hv) && keyeq(h, g, i, k, s, len)) {
                    fill_slot(m, kind, t->groups, g, i, 0, k, keyslot, v, valslot);
                    return 0;
                }
            int empty = -1;
            for (unsigned i = 0; i < SLOTS && empty < 0; i++) {
                if (c[i] == CTRL_DELETED && del == NULL) {
                    del = g;
                    deli = i;
                } else if (c[i] == CTRL_EMPTY) {
                    empty = (int)i;
                }
            }
            if (empty < 0)
                continue; /* full or tombstones only: the sequence goes on */
            word *ins = g;
            unsigned insi = (unsigned)empty;
            if (del != NULL) { /* a tombstone on the way: reused, no budget spent */
                ins = del;
                insi = deli;
                t->growth_left++;
            }
            if (t->growth_left == 0)
                prune_tombstones(h, t);
            if (t->growth_left > 0) {
                fill_slot(m, kind, t->groups, ins, insi, 1, k, keyslot, v, valslot);
                ctrl(ins, kind)[insi] = h2(hv);
                t->growth_left--;
                t->used++;
                h->count++;
                return 0;
            }
            break;
        }
        if (rehash(m, mapslot, idx) != 0)
            return -1;
        h = *mapslot;
    }
}

/* The group and slot of key in h, or NULL. */
static word *lookup(const gomap *h, uint64_t hv, int64_t k, const char *s, size_t len,
                    gotable **tp, unsigned *ip)
{
    unsigned kind = h->kind;
    *tp = NULL;
    if (h->count == 0 || h->dir == NULL)
        return NULL;
    if (h->dirlen == 0) {
        word *g = h->dir;
        for (unsigned i = 0; i < SLOTS; i++)
            if (ctrl(g, kind)[i] == h2(hv) && keyeq(h, g, i, k, s, len)) {
                *ip = i;
                return g;
            }
        return NULL;
    }
    gotable *t = ((void **)h->dir)[dir_index(h, hv)];
    *tp = t;
    for (probe p = probe_start(hv, t->ngroups);; probe_next(&p)) {
        word *g = group(t->groups, kind, p.offset);
        uint8_t *c = ctrl(g, kind);
        for (unsigned i = 0; i < SLOTS; i++)
            if (c[i] == h2(hv) && keyeq(h, g, i, k, s, len)) {
                *ip = i;
                return g;
            }
        if (ctrl_has(c, CTRL_EMPTY))
            return NULL;
    }
}

void *gomap_find(const gomap *h, int64_t k, const char *s, size_t len)
{
    gotable *t;
    unsigned i;
    word *g = lookup(h, hash(h, k, s, len), k, s, len, &t, &i);
    if (g == NULL)
        return NULL;
    return (h->kind & GOMAP_PVALS) ? (void *)vptr(g, h->kind, i) : (void *)ival(g, h->kind, i);
}

int gomap_delete(gcb_mutator *m, void **mapslot, int64_t k, const char *s, size_t len)
{
    gomap *h = *mapslot;
    unsigned kind = h->kind;
    gotable *t;
    unsigned i;
    word *g = lookup(h, hash(h, k, s, len), k, s, len, &t, &i);
    if (g == NULL)
        return 0;
    void *obj = t != NULL ? t->groups : (void *)g;
    if (kind & GOMAP_SKEYS) {
        gostr *ks = *kptr(g, kind, i);
        gcb_store(m, obj, kptr(g, kind, i), NULL);
        gcb_dead(m, ks, sizeof(gostr) + (ks->len ? ks->len : 1));
    }
    *kword(g, kind, i) = 0;
    if (kind & GOMAP_PVALS)
        gcb_store(m, obj, vptr(g, kind, i), NULL);
    else
        *ival(g, kind, i) = 0;
    uint8_t *c = ctrl(g, kind);
    if (t == NULL || ctrl_has(c, CTRL_EMPTY)) { /* small maps and groups not full: empty */
        c[i] = CTRL_EMPTY;
        if (t != NULL)
            t->growth_left++;
    } else {
        c[i] = CTRL_DELETED; /* a full group may sit inside probe sequences */
    }
    if (t != NULL)
        t->used--;
    h->count--;
    return 1;
}

/* Checks of one table (see gomap_is_valid); adds its entries to *n. */
static int check_table(const gomap *h, const gotable *t, uint64_t *n, char *err, size_t errlen)
{
    unsigned kind = h->kind;
    uint64_t used = 0, deleted = 0;
    if (t->capacity != t->ngroups * SLOTS || (t->ngroups & (t->ngroups - 1)) != 0 ||
        t->capacity > MAX_TABLE_CAPACITY || t->local_depth > h->global_depth) {
        snprintf(err, errlen, "gomap: table at %lld has %llu groups for %u slots, depth %u of %u",
                 (long long)t->index, (unsigned long long)t->ngroups, t->capacity, t->local_depth,
                 h->global_depth);
        return -1;
    }
    uint64_t span = (uint64_t)1 << (h->global_depth - t->local_depth);
    for (uint64_t gi = 0; gi < t->ngroups; gi++) {
        word *g = group(t->groups, kind, gi);
        uint8_t *c = ctrl(g, kind);
        for (unsigned i = 0; i < SLOTS; i++) {
            if (c[i] == CTRL_DELETED) {
                deleted++;
                continue;
            }
            if (!full(c[i]))
                continue;
            uint64_t hv = slot_hash(h, g, i), d = dir_index(h, hv);
            if (c[i] != h2(hv) || d < (uint64_t)t->index || d >= (uint64_t)t->index + span) {
                snprintf(err, errlen,
                         "gomap: entry in group %llu of the table at %lld has control byte %u, "
                         "directory entry %llu (expected %u and %lld..%llu)",
                         (unsigned long long)gi, (long long)t->index, c[i], (unsigned long long)d,
                         h2(hv), (long long)t->index, (unsigned long long)(t->index + span - 1));
                return -1;
            }
            for (probe p = probe_start(hv, t->ngroups); p.offset != gi; probe_next(&p))
                if (ctrl_has(ctrl(group(t->groups, kind, p.offset), kind), CTRL_EMPTY)) {
                    snprintf(err, errlen,
                             "gomap: entry in group %llu is past group %llu, which has an empty "
                             "slot: a lookup would stop before it",
                             (unsigned long long)gi, (unsigned long long)p.offset);
                    return -1;
                }
            used++;
        }
    }
    if (used != t->used || (uint64_t)t->capacity * MAX_AVG_GROUP_LOAD / SLOTS != used + deleted + t->growth_left) {
        snprintf(err, errlen,
                 "gomap: table at %lld holds %llu entries and %llu tombstones, expected used %u "
                 "and used + tombstones + growth_left (%u) = %u",
                 (long long)t->index, (unsigned long long)used, (unsigned long long)deleted, t->used,
                 t->growth_left, t->capacity * MAX_AVG_GROUP_LOAD / SLOTS);
        return -1;
    }
    *n += used;
    return 0;
}

int gomap_is_valid(const gomap *h, char *err, size_t errlen)
{
    uint64_t n = 0;
    if (h->dir != NULL && h->dirlen == 0) {
        word *g = h->dir;
        for (unsigned i = 0; i < SLOTS; i++) {
            uint8_t c = ctrl(g, h->kind)[i];
            if (c == CTRL_DELETED || (full(c) && c != h2(slot_hash(h, g, i)))) {
                snprintf(err, errlen, "gomap: small map slot %u has control byte %u", i, c);
                return -1;
            }
            n += full(c);
        }
    } else if (h->dir != NULL) {
        if (h->dirlen != (uint64_t)1 << h->global_depth) {
            snprintf(err, errlen, "gomap: directory of %llu entries at global depth %u",
                     (unsigned long long)h->dirlen, h->global_depth);
            return -1;
        }
        void **dir = h->dir;
        for (uint64_t i = 0; i < h->dirlen; i++) {
            const gotable *t = dir[i];
            uint64_t span = (uint64_t)1 << (h->global_depth - t->local_depth);
            if (t->index < 0 || (uint64_t)t->index > i || i >= (uint64_t)t->index + span ||
                (uint64_t)t->index % span != 0) {
                snprintf(err, errlen, "gomap: directory entry %llu points at the table at %lld "
                         "(local depth %u of %u)", (unsigned long long)i, (long long)t->index,
                         t->local_depth, h->global_depth);
                return -1;
            }
            if ((uint64_t)t->index == i && check_table(h, t, &n, err, errlen) != 0)
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

/* The key strings of the n groups at arr. */
static void release_keys(gcb_mutator *m, const gomap *h, void *arr, uint64_t n)
{
    if (!(h->kind & GOMAP_SKEYS))
        return;
    for (uint64_t gi = 0; gi < n; gi++) {
        word *g = group(arr, h->kind, gi);
        for (unsigned i = 0; i < SLOTS; i++)
            if (full(ctrl(g, h->kind)[i])) {
                gostr *s = *kptr(g, h->kind, i);
                gcb_dead(m, s, sizeof(gostr) + (s->len ? s->len : 1));
            }
    }
}

void gomap_release(gcb_mutator *m, gomap *h)
{
    if (!GCB_MUT_HAS(m, dead) || h == NULL)
        return;
    if (h->dir != NULL && h->dirlen == 0) {
        release_keys(m, h, h->dir, 1);
        gcb_dead(m, h->dir, group_size(h->kind));
    } else if (h->dir != NULL) {
        void **dir = h->dir;
        /* a table spans 2^(global - local) entries from its index: each
         * once, its span read before it is freed */
        for (uint64_t i = 0; i < h->dirlen;) {
            gotable *t = dir[i];
            uint64_t span = (uint64_t)1 << (h->global_depth - t->local_depth);
            release_keys(m, h, t->groups, t->ngroups);
            gcb_dead(m, t->groups, t->ngroups * group_size(h->kind));
            gcb_dead(m, t, sizeof(gotable));
            i += span;
        }
        gcb_dead(m, dir, h->dirlen * sizeof(void *));
    }
    gcb_dead(m, h, sizeof(gomap));
}
