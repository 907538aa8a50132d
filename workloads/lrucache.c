/* lrucache.c - a long-lived LRU cache under churn: the latency a service
 * sees while the collector works.
 *
 * Per thread (each its own cache): a Go map (gomap.h, int keys -> *entry)
 * plus a doubly linked list in recency order, holding about `live` bytes of
 * values (value sizes 64..2*value-64 bytes, counted with their 48-byte
 * entries; the map's groups and tables not counted).  thread_init fills it; each op is one
 * request for a key drawn 80/20 from a key space twice the cache's
 * capacity: a hit checks the value and moves the entry to the front, and
 * with probability `writes` replaces the value (the old one becomes
 * garbage); a miss puts a fresh value and evicts from the back until the
 * cache is within `live`.  The op latency is the point: the live heap is
 * large and old, the garbage steady.
 *
 * Validation: a value's bytes derive from (key, version); every hit
 * checks them and the entry's key.  thread_fini walks the whole list
 * against the map (same entries, counts and byte total).  `corrupt`
 * (tests only) damages the most recent value before the first op.
 *
 * Checksum (workloads/digest.h; twin: workloads/go/lrucache.go): each op
 * folds the requested key, 1 for a hit or 0 for a miss, and the version and
 * byte length of the key's value after the request (the entry is then the
 * cache's front).  Every thread has a cache of its own, so the values depend
 * only on (seed, tid, op index), never on how threads interleave.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gcb/workload.h"
#include "lib/gomap.h"
#include "lib/rand.h"

enum { P_LIVE, P_VALUE, P_WRITES, P_SEED, P_CORRUPT };

static const gcb_option_desc params[] = {
    {"live", GCB_OPT_BYTES, "64MiB", "bytes of values (+ entries) the cache holds per thread", 4096, 1e12, NULL, NULL},
    {"value", GCB_OPT_INT, "512", "mean value size in bytes (values are 64..2*value-64)", 64, 1 << 20, NULL, NULL},
    {"writes", GCB_OPT_DOUBLE, "0.1", "probability that a hit replaces its value", 0, 1, NULL, NULL},
    {"seed", GCB_OPT_INT, "1", "seed of the request keys and value bytes", 0, 1e18, NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: damage a cached value to show validation fails", 0, 0, NULL, NULL},
};

typedef struct entry {
    struct entry *prev, *next; /* toward the front (MRU) / back (LRU) */
    void *val;                 /* vlen bytes, pointer-free */
    int64_t key;
    uint64_t ver;  /* version: the value's bytes derive from (key, ver) */
    uint64_t vlen; /* bytes */
} entry;

static const gcb_type entry_type = {"lru.entry", sizeof(entry), 3};

enum { S_MAP, S_HEAD, S_TAIL, S_TMP, S_TMP2, NSLOTS };

typedef struct lru_thread {
    gcb_frame frame;
    void *slot[NSLOTS]; /* map, MRU entry, LRU entry, scratch */
    int live;           /* frame pushed */
    uint64_t used;      /* bytes: values + entries in the cache */
    uint64_t rng;
    uint64_t hits, misses;
    uint64_t digest;    /* digest_fold of every op's key, hit, version, length */
} lru_thread;

typedef struct lru_state {
    uint64_t live, value;
    uint32_t writes_per_1024;
    uint64_t seed;
    int corrupt;
    uint64_t keyspace; /* 2 x the entries that fit */
    int nthreads;
    lru_thread t[];
} lru_state;

/* Word w of the value of (key, ver). */
static inline uint64_t word(int64_t key, uint64_t ver, uint64_t w)
{
    uint64_t z = (uint64_t)key * 0x9e3779b97f4a7c15ull ^ (ver << 32) ^ w;
    z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ull;
    return z ^ (z >> 29);
}

static void fill(void *v, size_t len, int64_t key, uint64_t ver)
{
    uint64_t *p = v;
    for (size_t w = 0; w < len / 8; w++)
        p[w] = word(key, ver, w);
}

static int check(const lru_state *s, const entry *e, int64_t key, char *err, size_t errlen)
{
    if (e->key != key) {
        snprintf(err, errlen, "lrucache: entry for key %lld holds key %lld, expected %lld",
                 (long long)key, (long long)e->key, (long long)key);
        return -1;
    }
    const uint64_t *p = e->val;
    for (size_t w = 0; w < e->vlen / 8; w++)
        if (p == NULL || p[w] != word(key, e->ver, w)) {
            snprintf(err, errlen,
                     "lrucache: value of key %lld (version %llu) word %zu is %016llx, expected %016llx "
                     "(value corrupted: freed or reused while live?)",
                     (long long)key, (unsigned long long)e->ver, w,
                     p ? (unsigned long long)p[w] : 0ull, (unsigned long long)word(key, e->ver, w));
            return -1;
        }
    return 0;
}

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    lru_state *s = calloc(1, sizeof *s + (size_t)nthreads * sizeof(lru_thread));
    if (s == NULL) {
        snprintf(err, errlen, "lrucache: out of memory in setup");
        return ENOMEM;
    }
    s->live = (uint64_t)pv[P_LIVE].i;
    s->value = (uint64_t)pv[P_VALUE].i & ~(uint64_t)7;
    s->writes_per_1024 = (uint32_t)(pv[P_WRITES].d * 1024 + 0.5);
    s->seed = (uint64_t)pv[P_SEED].i;
    s->corrupt = pv[P_CORRUPT].i != 0;
    s->keyspace = 2 * (s->live / (s->value + sizeof(entry))) + 2;
    s->nthreads = nthreads;
    *state = s;
    return 0;
}

static void teardown(void *state) { free(state); }

/* Unlink e from the list (e stays reachable from the caller's slot). */
static void unlink_entry(gcb_mutator *m, lru_thread *t, entry *e)
{
    if (e->prev)
        gcb_store(m, e->prev, (void **)&e->prev->next, e->next);
    else
        t->slot[S_HEAD] = e->next;
    if (e->next)
        gcb_store(m, e->next, (void **)&e->next->prev, e->prev);
    else
        t->slot[S_TAIL] = e->prev;
    gcb_store(m, e, (void **)&e->prev, NULL);
    gcb_store(m, e, (void **)&e->next, NULL);
}

static void push_front(gcb_mutator *m, lru_thread *t, entry *e)
{
    entry *h = t->slot[S_HEAD];
    gcb_store(m, e, (void **)&e->next, h);
    if (h)
        gcb_store(m, h, (void **)&h->prev, e);
    else
        t->slot[S_TAIL] = e;
    t->slot[S_HEAD] = e;
}

/* A fresh value for key at version ver into e->val (e in S_TMP). */
static int newvalue(const lru_state *s, gcb_mutator *m, lru_thread *t, int64_t key, uint64_t ver)
{
    uint64_t len = 64 + (rand_next(&t->rng) % (2 * s->value - 127) & ~(uint64_t)7);
    void *v = gcb_alloc(m, NULL, len);
    if (v == NULL)
        return -1;
    fill(v, len, key, ver);
    entry *e = t->slot[S_TMP];
    void *old = e->val;
    uint64_t oldlen = e->vlen;
    gcb_store(m, e, &e->val, v);
    if (old != NULL)
        gcb_dead(m, old, oldlen);
    t->used += len;
    t->used -= oldlen;
    e->vlen = len;
    e->ver = ver;
    return 0;
}

static int evict(const lru_state *s, gcb_mutator *m, lru_thread *t);

/* Put a new key: entry + value, map, front; then evict to fit. */
static int put(const lru_state *s, gcb_mutator *m, lru_thread *t, int64_t key)
{
    entry *e = gcb_alloc(m, &entry_type, sizeof(entry));
    if (e == NULL)
        return -1;
    e->key = key;
    t->slot[S_TMP] = e;
    if (newvalue(s, m, t, key, 1) != 0)
        return -1;
    if (gomap_assign(m, &t->slot[S_MAP], key, NULL, 0, &t->slot[S_TMP]) != 0)
        return -1;
    push_front(m, t, t->slot[S_TMP]);
    t->used += sizeof(entry);
    t->slot[S_TMP] = NULL;
    return evict(s, m, t);
}

/* Evict from the tail until the cache fits in `live` bytes again (the head,
 * just used, always stays).  -2 when a listed key is missing from the map. */
static int evict(const lru_state *s, gcb_mutator *m, lru_thread *t)
{
    while (t->used > s->live && t->slot[S_TAIL] != t->slot[S_HEAD]) {
        entry *v = t->slot[S_TAIL];
        unlink_entry(m, t, v);
        if (gomap_delete(m, &t->slot[S_MAP], v->key, NULL, 0) != 1)
            return -2;
        t->used -= v->vlen + sizeof(entry);
        gcb_dead(m, v->val, v->vlen);
        gcb_dead(m, v, sizeof(entry));
    }
    return 0;
}

static int64_t pick(const lru_state *s, lru_thread *t)
{
    uint64_t r = rand_next(&t->rng);
    uint64_t hot = s->keyspace / 5 + 1;
    return (int64_t)((r & 1023) < 819 ? (r >> 10) % hot : (r >> 10) % s->keyspace);
}

static int request(const lru_state *s, gcb_mutator *m, lru_thread *t, int64_t key, char *err, size_t errlen)
{
    void **vp = gomap_find(t->slot[S_MAP], key, NULL, 0);
    if (vp != NULL) {
        entry *e = *vp;
        if (check(s, e, key, err, errlen) != 0)
            return -1;
        t->hits++;
        unlink_entry(m, t, e);
        push_front(m, t, e);
        if ((rand_next(&t->rng) & 1023) < s->writes_per_1024) {
            t->slot[S_TMP] = e;
            int rc = newvalue(s, m, t, key, e->ver + 1);
            t->slot[S_TMP] = NULL;
            if (rc != 0)
                goto oom;
            /* A rewritten value may be longer: evict to fit, as put does. */
            if (evict(s, m, t) == -2)
                goto missing;
        }
        return 0;
    }
    t->misses++;
    int rc = put(s, m, t, key);
    if (rc == -2) {
missing:
        snprintf(err, errlen, "lrucache: evicted key missing from the map, expected every listed key in it");
        return -1;
    }
    if (rc == 0)
        return 0;
oom:
    snprintf(err, errlen, "lrucache: heap exhausted at %llu cached bytes", (unsigned long long)t->used);
    return -1;
}

static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    lru_state *s = state;
    if (tid < 0 || tid >= s->nthreads) {
        snprintf(err, errlen, "lrucache: thread id %d, expected 0..%d", tid, s->nthreads - 1);
        return -1;
    }
    lru_thread *t = &s->t[tid];
    memset(t->slot, 0, sizeof t->slot);
    gcb_frame_push(m, &t->frame, t->slot, NSLOTS);
    t->live = 1;
    t->used = t->hits = t->misses = 0;
    t->digest = DIGEST_INIT;
    t->rng = s->seed ^ ((uint64_t)tid * 0xd1b54a32d192ed03ull);
    if ((t->slot[S_MAP] = gomap_new(m, GOMAP_PVALS, rand_next(&t->rng))) == NULL) {
        snprintf(err, errlen, "lrucache: heap exhausted creating the map");
        return -1;
    }
    /* Warm up: fill with distinct keys until the first eviction. */
    for (int64_t k = 0; t->used + s->value + sizeof(entry) <= s->live && (uint64_t)k < s->keyspace; k++) {
        if (put(s, m, t, k) != 0) {
            snprintf(err, errlen, "lrucache: heap exhausted filling the cache at %llu bytes",
                     (unsigned long long)t->used);
            return -1;
        }
        if ((k & 255) == 0)
            gcb_poll(m);
    }
    return 0;
}

static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    lru_state *s = state;
    lru_thread *t = &s->t[tid];
    int64_t key;
    if (s->corrupt && i == 0 && t->slot[S_HEAD] != NULL) {
        entry *e = t->slot[S_HEAD];
        ((unsigned char *)e->val)[0] ^= 1;
        key = e->key;
    } else {
        key = pick(s, t);
    }
    uint64_t hits = t->hits;
    if (request(s, m, t, key, err, errlen) != 0)
        return -1;
    const entry *e = t->slot[S_HEAD]; /* the key's entry: request() moved or put it there */
    t->digest = digest_fold(t->digest, (uint64_t)key);
    t->digest = digest_fold(t->digest, t->hits - hits);
    t->digest = digest_fold(t->digest, e->ver);
    t->digest = digest_fold(t->digest, e->vlen);
    return 0;
}

static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    lru_state *s = state;
    lru_thread *t = &s->t[tid];
    if (!t->live)
        return 0;
    int rc = 0;
    uint64_t n = 0, bytes = 0;
    const entry *prev = NULL;
    const gomap *h = t->slot[S_MAP];
    for (entry *e = t->slot[S_HEAD]; e != NULL && rc == 0; prev = e, e = e->next) {
        void **vp = gomap_find(h, e->key, NULL, 0);
        if (e->prev != prev || vp == NULL || *vp != e) {
            snprintf(err, errlen, "lrucache: list entry %llu (key %lld) %s, expected it linked and mapped",
                     (unsigned long long)n, (long long)e->key, vp == NULL ? "not in the map" : "mislinked");
            rc = -1;
            break;
        }
        rc = check(s, e, e->key, err, errlen);
        n++;
        bytes += e->vlen + sizeof(entry);
        if ((n & 255) == 0)
            gcb_poll(m);
    }
    if (rc == 0 && (n != h->count || bytes != t->used || prev != t->slot[S_TAIL])) {
        snprintf(err, errlen, "lrucache: list holds %llu entries / %llu bytes, expected %llu / %llu (map count / accounting)",
                 (unsigned long long)n, (unsigned long long)bytes, (unsigned long long)h->count,
                 (unsigned long long)t->used);
        rc = -1;
    }
    if (rc == 0 && h->count > 1 && t->used > s->live) {
        snprintf(err, errlen, "lrucache: %llu bytes cached, expected at most live = %llu",
                 (unsigned long long)t->used, (unsigned long long)s->live);
        rc = -1;
    }
    if (GCB_MUT_HAS(m, dead)) {
        for (entry *e = t->slot[S_HEAD]; e != NULL;) {
            entry *nx = e->next;
            gcb_dead(m, e->val, e->vlen);
            gcb_dead(m, e, sizeof(entry));
            e = nx;
        }
        gomap_release(m, t->slot[S_MAP]);
    }
    gcb_frame_pop(m, &t->frame);
    t->live = 0;
    return rc;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const lru_state *s = state;
    uint64_t h = DIGEST_INIT;
    for (int t = 0; t < s->nthreads; t++)
        h = digest_fold(h, s->t[t].digest);
    snprintf(out, outlen, "%016llx", (unsigned long long)h);
}

const gcb_workload workload_lrucache = {
    .name = "lrucache",
    .description = "LRU cache (Go map + list) of `live` bytes per thread under churn: gets, puts, "
                   "evictions, value rewrites; per-request latency; validated values",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 1000000, /* ~1 s on nogc (Release), warm-up excluded */
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
