/* rpc.c - RPC request handling inside an arena (the arena proposal's case).
 *
 * setup() encodes `requests` distinct synthetic requests in a protobuf-like
 * wire format (varints, length-delimited fields) outside the heap:
 *   Request { 1: uint64 id; 2: string method; 3: repeated Item items;
 *             4: bytes payload }
 *   Item    { 1: uint64 key; 2: string name; 3: packed repeated uint64
 *             values; 4: Item child (nested up to `depth`) }
 * One op handles request i % requests: inside gcb_arena_new / gcb_arena_free
 * it decodes the request into an object graph (every object from
 * gcb_arena_alloc; repeated items appended with Go's growslice), computes
 * a response from the graph (item count, value sum, name hash, payload
 * checksum), encodes it into a scratch buffer and copies it into an arena
 * send buffer, then drops everything at once.  Packed values are decoded
 * into a scratch slice and the response into a scratch buffer, each in a
 * tracked scope (gcb_scope_enter / gcb_alloc_tracked / gcb_scope_exit),
 * where Go's compiler would emit freegcTracked.  On collectors without
 * arenas the objects come from the heap and the GC reclaims them.
 *
 * Checksum (workloads/digest.h; twin: workloads/go/rpc.go): each op folds
 * its encoded response's length in bytes, then the five fields decoded from
 * it: id, item count, value sum, name hash, payload hash.  Requests are
 * read-only and op i of every thread handles request i % requests, so each
 * thread's sequence is deterministic whatever the interleaving.
 *
 * Validation: the response is decoded again and compared with the summary
 * setup() computed while generating the request.  `corrupt` (tests only)
 * damages a decoded name.
 *
 * Regions (Go's region.Do, #70257): with `region` = true a request is
 * handled inside gcb_region_do instead of an arena (its objects come from
 * gcb_alloc: region memory on a collector with regions, the heap
 * elsewhere).  `escape` (percent, workloads/lib/escape.h) makes that share
 * of ops keep part of their result on purpose: a copy of the first item's
 * chain (a cached value; made with gcb_alloc, so inside a region it is
 * region memory that the store into the cache fades) and a copy of the
 * response go into slot k of the thread's long-lived cache (a heap array
 * of 2 x ESCAPE_CACHE pointers, rooted in a frame pushed by thread_init).
 * The slot is checked once the request (and its region) is over, and
 * every slot again at thread_fini.  An escaping op also folds the cached
 * chain's item count, value sum and name hash into the checksum.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gcb/workload.h"
#include "lib/escape.h"
#include "lib/growslice.h"
#include "lib/rand.h"

enum { P_REQUESTS, P_ITEMS, P_DEPTH, P_PAYLOAD, P_SEED, P_CORRUPT, P_REGION, P_ESCAPE };

static const gcb_option_desc params[] = {
    {"requests", GCB_OPT_INT, "32", "distinct requests, handled round-robin", 1, 1e5, NULL, NULL},
    {"items", GCB_OPT_INT, "20", "top-level repeated items per request", 0, 1e5, NULL, NULL},
    {"depth", GCB_OPT_INT, "2", "nested child items below each top-level item", 0, 32, NULL, NULL},
    {"payload", GCB_OPT_INT, "256", "bytes of the request's bytes field", 0, 1 << 24, NULL, NULL},
    {"seed", GCB_OPT_INT, "1", "seed of the request contents", 0, 1e18, NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: damage a decoded name to show validation fails", 0, 0, NULL, NULL},
    {"region", GCB_OPT_BOOL, "false", "handle each request inside gcb_region_do (Go's region.Do) instead of an arena", 0, 0, NULL, NULL},
    {"escape", GCB_OPT_DOUBLE, "0", "percent of requests whose first item (copied) and response escape into a long-lived cache", 0, 100, NULL, NULL},
};

/* ---- the wire format (outside the heap) ---- */
typedef struct wbuf {
    unsigned char *p;
    size_t len, cap;
} wbuf;

static int put(wbuf *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        size_t c = b->cap ? b->cap * 2 : 256;
        while (c < b->len + n)
            c *= 2;
        unsigned char *q = realloc(b->p, c);
        if (q == NULL)
            return -1;
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
    return 0;
}

/* Varint into out (>= 10 bytes); returns its length. */
static size_t varint(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

static int putvarint(wbuf *b, uint64_t v)
{
    unsigned char t[10];
    return put(b, t, varint(t, v));
}

static int putfield(wbuf *b, unsigned field, unsigned wt, uint64_t v)
{
    return putvarint(b, (uint64_t)field << 3 | wt) || (wt == 0 ? putvarint(b, v) : 0);
}

static int putbytes(wbuf *b, unsigned field, const void *p, size_t n)
{
    return putfield(b, field, 2, 0) || putvarint(b, n) || put(b, p, n);
}

/* Reading: returns 0 and advances, or -1 at malformed input. */
typedef struct rd {
    const unsigned char *p, *end;
} rd;

static int getvarint(rd *r, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned s = 0; s < 64 && r->p < r->end; s += 7) {
        unsigned char c = *r->p++;
        x |= (uint64_t)(c & 0x7f) << s;
        if (c < 0x80) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* What a correct handler answers. */
typedef struct summary {
    uint64_t id, count, sum, namehash, payhash;
} summary;

typedef struct request {
    unsigned char *wire; /* malloc'd */
    size_t len;
    summary want;
} request;

/* A thread's long-lived cache (escape > 0). */
typedef struct rpc_thread {
    gcb_frame frame;          /* pushed by thread_init, popped by thread_fini */
    void *slot[1];            /* the cache: 2 x ESCAPE_CACHE pointers (item, response) */
    summary want[ESCAPE_CACHE]; /* slot k's chain: count, sum, namehash; payhash: the response's FNV */
    uint64_t nesc;            /* escapes so far */
    int live;                 /* frame pushed */
} rpc_thread;

typedef struct rpc_state {
    size_t nreq;
    int corrupt;
    int region;
    uint64_t escape;  /* escape_threshold of the param */
    request *req;
    uint64_t *digest; /* per thread: digest_fold of every op's response */
    rpc_thread *t;    /* per thread */
    int nthreads;
} rpc_state;

/* Encode the body of an Item of depth d into b; account for it in s. */
static int gen_item(wbuf *b, uint64_t *rng, int d, summary *s)
{
    wbuf in = {0};
    uint64_t key = rand_mix((*rng)++) >> 20;
    char name[40];
    size_t nl = 8 + rand_mix((*rng)++) % 25;
    for (size_t i = 0; i < nl; i++)
        name[i] = (char)('a' + rand_mix((*rng)++) % 26);
    size_t nv = rand_mix((*rng)++) % 17;
    wbuf packed = {0};
    int rc = putfield(&in, 1, 0, key) || putbytes(&in, 2, name, nl);
    s->count++;
    s->sum += key;
    s->namehash = fnv(s->namehash, name, nl);
    for (size_t i = 0; i < nv && rc == 0; i++) {
        uint64_t shift = rand_mix(*rng) % 64; /* values of every varint length */
        uint64_t v = rand_mix(++*rng) >> shift;
        s->sum += v;
        rc = putvarint(&packed, v);
    }
    if (rc == 0 && nv > 0)
        rc = putbytes(&in, 3, packed.p, packed.len);
    if (rc == 0 && d > 0) {
        wbuf child = {0};
        rc = gen_item(&child, rng, d - 1, s) || putbytes(&in, 4, child.p, child.len);
        free(child.p);
    }
    if (rc == 0)
        rc = put(b, in.p, in.len);
    free(in.p);
    free(packed.p);
    return rc;
}

static void teardown(void *state)
{
    rpc_state *s = state;
    if (s == NULL)
        return;
    for (size_t i = 0; s->req != NULL && i < s->nreq; i++)
        free(s->req[i].wire);
    free(s->req);
    free(s->digest);
    free(s->t);
    free(s);
}

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    rpc_state *s = calloc(1, sizeof *s);
    if (s == NULL || (s->req = calloc((size_t)pv[P_REQUESTS].i, sizeof(request))) == NULL)
        goto oom;
    s->nreq = (size_t)pv[P_REQUESTS].i;
    s->nthreads = nthreads;
    if ((s->digest = malloc((size_t)nthreads * sizeof *s->digest)) == NULL)
        goto oom;
    for (int t = 0; t < nthreads; t++)
        s->digest[t] = DIGEST_INIT;
    s->corrupt = pv[P_CORRUPT].i != 0;
    s->region = pv[P_REGION].i != 0;
    s->escape = escape_threshold(pv[P_ESCAPE].d);
    if ((s->t = calloc((size_t)nthreads, sizeof *s->t)) == NULL)
        goto oom;
    uint64_t rng = (uint64_t)pv[P_SEED].i * 0x100000001b3ull;
    size_t payload = (size_t)pv[P_PAYLOAD].i;
    unsigned char *pay = malloc(payload + 1);
    if (pay == NULL)
        goto oom;
    for (size_t r = 0; r < s->nreq; r++) {
        request *q = &s->req[r];
        wbuf b = {0};
        summary *w = &q->want;
        w->id = rand_mix(rng++);
        w->namehash = 0xcbf29ce484222325ull;
        const char *method = (r & 1) ? "/svc.Store/Put" : "/svc.Store/Get";
        for (size_t i = 0; i < payload; i++)
            pay[i] = (unsigned char)rand_mix(rng++);
        w->payhash = fnv(0xcbf29ce484222325ull, pay, payload);
        int rc = putfield(&b, 1, 0, w->id) || putbytes(&b, 2, method, strlen(method));
        for (int64_t i = 0; i < pv[P_ITEMS].i && rc == 0; i++) {
            wbuf it = {0};
            rc = gen_item(&it, &rng, (int)pv[P_DEPTH].i, w) || putbytes(&b, 3, it.p, it.len);
            free(it.p);
        }
        if (rc == 0)
            rc = putbytes(&b, 4, pay, payload);
        q->wire = b.p;
        q->len = b.len;
        if (rc != 0) {
            free(pay);
            goto oom;
        }
    }
    free(pay);
    *state = s;
    return 0;
oom:
    teardown(s);
    snprintf(err, errlen, "rpc: out of memory generating %lld requests", (long long)pv[P_REQUESTS].i);
    return ENOMEM;
}


/* ---- the decoded graph (arena objects) ---- */
typedef struct bytes {
    uint64_t len;
    unsigned char data[];
} bytes;

typedef struct item {
    bytes *name;
    uint64_t *values; /* nvalues, pointer-free */
    struct item *child;
    uint64_t key, nvalues;
} item;

typedef struct req {
    struct item **items; /* nitems of cap */
    bytes *method, *payload;
    uint64_t id, nitems, cap;
} req;

static const gcb_type item_type = {"rpc.Item", sizeof(item), 3};
static const gcb_type req_type = {"rpc.Request", sizeof(req), 3};
static const gcb_type items_type = {"[]*rpc.Item", 8, 1};

/* One request's allocation context: the arena, and (manual baselines
 * without arenas) the objects to hand to gcb_dead afterwards. */
typedef struct ctx {
    gcb_mutator *m;
    gcb_arena *a;
    int track;   /* record objects for gcb_dead */
    void **objs; /* malloc'd: object, size as a pointer-sized integer, ... */
    size_t nobjs, capobjs;
    int oom;
} ctx;

static void *aalloc(ctx *c, const gcb_type *t, size_t n)
{
    void *p = gcb_arena_alloc(c->m, c->a, t, n);
    if (p == NULL) {
        c->oom = 1;
        return NULL;
    }
    if (c->track) {
        if (c->nobjs + 2 > c->capobjs) {
            size_t nc = c->capobjs ? 2 * c->capobjs : 256;
            void **q = realloc(c->objs, nc * sizeof *q);
            if (q == NULL) {
                c->track = 0; /* leak rather than fail: only the baseline cares */
                return p;
            }
            c->objs = q;
            c->capobjs = nc;
        }
        c->objs[c->nobjs++] = p;
        c->objs[c->nobjs++] = (void *)(uintptr_t)n;
    }
    return p;
}

static bytes *newbytes(ctx *c, const unsigned char *p, size_t n)
{
    bytes *b = aalloc(c, NULL, sizeof(bytes) + (n ? n : 1));
    if (b != NULL) {
        b->len = n;
        memcpy(b->data, p, n);
    }
    return b;
}

/* Length-delimited field body: [r->p, r->p + len) into *sub. */
static int sub(rd *r, rd *s)
{
    uint64_t n;
    if (getvarint(r, &n) != 0 || n > (uint64_t)(r->end - r->p))
        return -1;
    s->p = r->p;
    s->end = r->p + n;
    r->p += n;
    return 0;
}

/* Decode one Item from r; NULL on malformed input or exhaustion. */
static item *decode_item(ctx *c, rd r)
{
    gcb_mutator *m = c->m;
    void *slot[1] = {NULL};
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    item *it = slot[0] = aalloc(c, &item_type, sizeof(item));
    while (it != NULL && r.p < r.end) {
        uint64_t tag, v;
        rd s;
        if (getvarint(&r, &tag) != 0)
            goto bad;
        switch (tag) {
        case 1 << 3 | 0:
            if (getvarint(&r, &v) != 0)
                goto bad;
            it->key = v;
            break;
        case 2 << 3 | 2: {
            if (sub(&r, &s) != 0)
                goto bad;
            bytes *b = newbytes(c, s.p, (size_t)(s.end - s.p));
            if (b == NULL)
                goto bad;
            gcb_store(m, it, (void **)&it->name, b);
            break;
        }
        case 3 << 3 | 2: {
            if (sub(&r, &s) != 0)
                goto bad;
            /* Scratch: at most one value per byte; dies at the scope's end. */
            size_t most = (size_t)(s.end - s.p), n = 0;
            gcb_scope_enter(m);
            /* Tracking does not keep tmp alive: it sits in a slot. */
            void *tslot[1] = {NULL};
            gcb_frame tf;
            gcb_frame_push(m, &tf, tslot, 1);
            uint64_t *tmp = tslot[0] = gcb_alloc_tracked(m, NULL, (most ? most : 1) * 8);
            int ok = tmp != NULL;
            while (ok && s.p < s.end)
                ok = getvarint(&s, &tmp[n++]) == 0;
            uint64_t *vals = ok && n ? aalloc(c, NULL, n * 8) : NULL;
            if (vals != NULL)
                memcpy(vals, tmp, n * 8);
            gcb_frame_pop(m, &tf);
            gcb_scope_exit(m);
            if (tmp != NULL && !GCB_MUT_HAS(m, alloc_tracked))
                gcb_dead(m, tmp, (most ? most : 1) * 8);
            if (!ok || (n && vals == NULL))
                goto bad;
            gcb_store(m, it, (void **)&it->values, vals);
            it->nvalues = n;
            break;
        }
        case 4 << 3 | 2: {
            if (sub(&r, &s) != 0)
                goto bad;
            item *ch = decode_item(c, s);
            if (ch == NULL)
                goto bad;
            gcb_store(m, it, (void **)&it->child, ch);
            break;
        }
        default:
            goto bad;
        }
    }
    gcb_frame_pop(m, &f);
    return it;
bad:
    gcb_frame_pop(m, &f);
    return NULL;
}

/* Decode the Request into *slot; 0, or -1 (malformed / exhausted). */
static int decode(ctx *c, rd r, void **slot)
{
    gcb_mutator *m = c->m;
    req *q = *slot = aalloc(c, &req_type, sizeof(req));
    if (q == NULL)
        return -1;
    while (r.p < r.end) {
        uint64_t tag, v;
        rd s;
        if (getvarint(&r, &tag) != 0)
            return -1;
        if (tag == (1 << 3 | 0)) {
            if (getvarint(&r, &v) != 0)
                return -1;
            q->id = v;
            continue;
        }
        if ((tag & 7) != 2 || sub(&r, &s) != 0)
            return -1;
        if (tag >> 3 == 3) {
            item *it = decode_item(c, s);
            if (it == NULL)
                return -1;
            if (q->nitems == q->cap) { /* append: growslice, in the arena */
                void *slot2[1] = {it};
                gcb_frame f;
                gcb_frame_push(m, &f, slot2, 1);
                size_t nc = growslice_cap(q->cap, q->nitems + 1, 8);
                item **na = aalloc(c, &items_type, nc * 8);
                gcb_frame_pop(m, &f);
                if (na == NULL)
                    return -1;
                for (uint64_t k = 0; k < q->nitems; k++)
                    gcb_store(m, na, (void **)&na[k], q->items[k]);
                gcb_store(m, q, (void **)&q->items, na);
                q->cap = nc;
            }
            gcb_store(m, q->items, (void **)&q->items[q->nitems++], it);
        } else if (tag >> 3 == 2 || tag >> 3 == 4) {
            bytes *b = newbytes(c, s.p, (size_t)(s.end - s.p));
            if (b == NULL)
                return -1;
            gcb_store(m, q, tag >> 3 == 2 ? (void **)&q->method : (void **)&q->payload, b);
        } else {
            return -1;
        }
    }
    return 0;
}

static void account(const item *it, summary *s)
{
    for (; it != NULL; it = it->child) {
        s->count++;
        s->sum += it->key;
        for (uint64_t k = 0; k < it->nvalues; k++)
            s->sum += it->values[k];
        if (it->name != NULL)
            s->namehash = fnv(s->namehash, it->name->data, it->name->len);
    }
}

/* A heap (or, inside a region, region) copy of the chain at src. */
static item *clone_chain(gcb_mutator *m, const item *src)
{
    void *slot[2] = {NULL, NULL}; /* [0] the copy's head, [1] the item being built */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 2);
    item *prev = NULL;
    for (; src != NULL; src = src->child) {
        item *it = slot[1] = gcb_alloc(m, &item_type, sizeof(item));
        if (it == NULL) {
            slot[0] = NULL;
            break;
        }
        it->key = src->key;
        if (src->name != NULL) {
            bytes *b = gcb_alloc(m, NULL, sizeof(bytes) + (src->name->len ? src->name->len : 1));
            if (b == NULL) {
                slot[0] = NULL;
                break;
            }
            b->len = src->name->len;
            memcpy(b->data, src->name->data, b->len);
            gcb_store(m, it, (void **)&it->name, b);
        }
        if (src->nvalues > 0) {
            uint64_t *v = gcb_alloc(m, NULL, src->nvalues * 8);
            if (v == NULL) {
                slot[0] = NULL;
                break;
            }
            memcpy(v, src->values, src->nvalues * 8);
            gcb_store(m, it, (void **)&it->values, v);
            it->nvalues = src->nvalues;
        }
        if (prev != NULL)
            gcb_store(m, prev, (void **)&prev->child, it);
        else
            slot[0] = it;
        prev = it;
    }
    gcb_frame_pop(m, &f);
    return slot[0];
}

/* Manual baselines: a cache slot's objects are dead once replaced. */
static void drop_chain(gcb_mutator *m, item *it, bytes *resp)
{
    if (!GCB_MUT_HAS(m, dead))
        return;
    while (it != NULL) {
        item *nx = it->child;
        if (it->name)
            gcb_dead(m, it->name, sizeof(bytes) + (it->name->len ? it->name->len : 1));
        if (it->values)
            gcb_dead(m, it->values, it->nvalues * 8);
        gcb_dead(m, it, sizeof(item));
        it = nx;
    }
    if (resp)
        gcb_dead(m, resp, sizeof(bytes) + resp->len);
}

/* Cache a copy of the first item's chain and of the response in the
 * thread's next slot; fold the chain's summary.  0, or -1 (exhausted). */
static int escape(rpc_state *s, gcb_mutator *m, int tid, const req *d, const bytes *out)
{
    rpc_thread *t = &s->t[tid];
    unsigned k = (unsigned)(t->nesc++ % ESCAPE_CACHE);
    void **cache = t->slot[0];
    void *tmp[2] = {NULL, NULL};
    gcb_frame f;
    gcb_frame_push(m, &f, tmp, 2);
    if (d->nitems > 0 && (tmp[0] = clone_chain(m, d->items[0])) == NULL)
        goto oom;
    bytes *resp = tmp[1] = gcb_alloc(m, NULL, sizeof(bytes) + out->len);
    if (resp == NULL)
        goto oom;
    resp->len = out->len;
    memcpy(resp->data, out->data, out->len);
    drop_chain(m, cache[2 * k], cache[2 * k + 1]);
    gcb_store(m, cache, &cache[2 * k], tmp[0]);     /* the escapes */
    gcb_store(m, cache, &cache[2 * k + 1], tmp[1]);
    summary w = {.namehash = 0xcbf29ce484222325ull};
    account(tmp[0], &w);
    w.payhash = fnv(0xcbf29ce484222325ull, resp->data, resp->len);
    t->want[k] = w;
    s->digest[tid] = digest_fold(digest_fold(digest_fold(s->digest[tid], w.count), w.sum), w.namehash);
    gcb_frame_pop(m, &f);
    return 0;
oom:
    gcb_frame_pop(m, &f);
    return -1;
}

/* Cache slot k of thread tid against what was cached; 0 or -1 with err. */
static int check_slot(rpc_state *s, int tid, unsigned k, const char *when, char *err, size_t errlen)
{
    rpc_thread *t = &s->t[tid];
    void **cache = t->slot[0];
    const bytes *resp = cache[2 * k + 1];
    summary got = {.namehash = 0xcbf29ce484222325ull};
    account(cache[2 * k], &got);
    got.payhash = resp ? fnv(0xcbf29ce484222325ull, resp->data, resp->len) : 0;
    const summary *w = &t->want[k];
    if (resp == NULL || got.count != w->count || got.sum != w->sum ||
        got.namehash != w->namehash || got.payhash != w->payhash) {
        snprintf(err, errlen, "rpc: thread %d cache slot %u %s: cached item chain (%llu items, "
                 "sum %016llx) or response (%s) differs from what was cached (%llu items, sum "
                 "%016llx): an escaped object was freed or reused",
                 tid, k, when, (unsigned long long)got.count, (unsigned long long)got.sum,
                 resp ? "changed" : "missing", (unsigned long long)w->count,
                 (unsigned long long)w->sum);
        return -1;
    }
    return 0;
}

static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    rpc_state *s = state;
    rpc_thread *t = &s->t[tid];
    if (!s->escape)
        return 0;
    t->slot[0] = NULL;
    gcb_frame_push(m, &t->frame, t->slot, 1);
    t->live = 1;
    if ((t->slot[0] = gcb_alloc(m, &items_type, 2 * ESCAPE_CACHE * 8)) == NULL) {
        snprintf(err, errlen, "rpc: heap exhausted allocating the cache");
        return -1;
    }
    return 0;
}

static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    rpc_state *s = state;
    rpc_thread *t = &s->t[tid];
    if (!t->live)
        return 0;
    int rc = 0;
    uint64_t n = t->nesc < ESCAPE_CACHE ? t->nesc : ESCAPE_CACHE;
    for (unsigned k = 0; k < n && rc == 0; k++)
        rc = check_slot(s, tid, k, "at the end", err, errlen);
    void **cache = t->slot[0];
    for (unsigned k = 0; cache != NULL && k < ESCAPE_CACHE; k++)
        drop_chain(m, cache[2 * k], cache[2 * k + 1]);
    if (cache != NULL && GCB_MUT_HAS(m, dead))
        gcb_dead(m, cache, 2 * ESCAPE_CACHE * 8);
    gcb_frame_pop(m, &t->frame);
    t->live = 0;
    return rc;
}

/* One request: decode, compute, encode, validate (and escape). */
static int handle(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    rpc_state *s = state;
    const request *q = &s->req[i % s->nreq];
    void *slot[2] = {NULL, NULL}; /* [0] the decoded request, [1] the send buffer */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 2);
    ctx c = {.m = m, .a = s->region ? GCB_NO_ARENA : gcb_arena_new(m)};
    c.track = c.a == GCB_NO_ARENA && GCB_MUT_HAS(m, dead);
    int rc = -1;
    if (c.a == NULL) {
        snprintf(err, errlen, "rpc: op %llu: arena_new failed", (unsigned long long)i);
        gcb_frame_pop(m, &f);
        return -1;
    }
    rd r = {q->wire, q->wire + q->len};
    if (decode(&c, r, &slot[0]) != 0) {
        snprintf(err, errlen, "rpc: op %llu: %s decoding request %llu", (unsigned long long)i,
                 c.oom ? "heap exhausted" : "malformed wire data (expected a valid request)",
                 (unsigned long long)(i % s->nreq));
        goto out;
    }
    req *d = slot[0];
    if (s->corrupt && d->nitems > 0 && d->items[0]->name != NULL)
        d->items[0]->name->data[0] ^= 1;
    /* Compute the response. */
    summary got = {.id = d->id, .namehash = 0xcbf29ce484222325ull};
    for (uint64_t k = 0; k < d->nitems; k++)
        account(d->items[k], &got);
    got.payhash = d->payload ? fnv(0xcbf29ce484222325ull, d->payload->data, d->payload->len)
                             : fnv(0xcbf29ce484222325ull, "", 0);
    /* Encode it into a tracked scratch buffer, then into the arena send buffer. */
    gcb_scope_enter(m);
    void *tslot[1] = {NULL}; /* tracking does not keep tmp alive */
    gcb_frame tf;
    gcb_frame_push(m, &tf, tslot, 1);
    unsigned char *tmp = tslot[0] = gcb_alloc_tracked(m, NULL, 128);
    size_t n = 0;
    if (tmp != NULL) {
        const uint64_t fields[5] = {got.id, got.count, got.sum, got.namehash, got.payhash};
        for (unsigned k = 0; k < 5; k++) {
            n += varint(tmp + n, (uint64_t)(k + 1) << 3);
            n += varint(tmp + n, fields[k]);
        }
        bytes *out = aalloc(&c, NULL, sizeof(bytes) + n);
        if (out != NULL) {
            out->len = n;
            memcpy(out->data, tmp, n);
            slot[1] = out;
        }
    }
    gcb_frame_pop(m, &tf);
    gcb_scope_exit(m);
    if (tmp != NULL && !GCB_MUT_HAS(m, alloc_tracked))
        gcb_dead(m, tmp, 128);
    if (slot[1] == NULL) {
        snprintf(err, errlen, "rpc: op %llu: heap exhausted encoding the response", (unsigned long long)i);
        goto out;
    }
    /* Validate: decode the response and compare with setup's answer. */
    const bytes *out = slot[1];
    rd rr = {out->data, out->data + out->len};
    uint64_t vals[5] = {0};
    for (unsigned k = 0; k < 5; k++) {
        uint64_t tag;
        if (getvarint(&rr, &tag) != 0 || tag != (uint64_t)(k + 1) << 3 || getvarint(&rr, &vals[k]) != 0)
            break;
    }
    const summary *w = &q->want;
    const uint64_t want[5] = {w->id, w->count, w->sum, w->namehash, w->payhash};
    static const char *const names[5] = {"id", "item count", "value sum", "name hash", "payload hash"};
    for (unsigned k = 0; k < 5; k++)
        if (vals[k] != want[k]) {
            snprintf(err, errlen, "rpc: op %llu request %llu: response %s %016llx, expected %016llx "
                     "(request graph corrupted: freed or reused while live?)",
                     (unsigned long long)i, (unsigned long long)(i % s->nreq), names[k],
                     (unsigned long long)vals[k], (unsigned long long)want[k]);
            goto out;
        }
    s->digest[tid] = digest_fold(s->digest[tid], out->len);
    for (unsigned k = 0; k < 5; k++)
        s->digest[tid] = digest_fold(s->digest[tid], vals[k]);
    if (s->escape && escape_op(s->escape, i) && escape(s, m, tid, d, out) != 0) {
        snprintf(err, errlen, "rpc: op %llu: heap exhausted caching the result", (unsigned long long)i);
        goto out;
    }
    rc = 0;
out:
    /* Nothing may point into the arena once it is freed. */
    slot[0] = slot[1] = NULL;
    gcb_arena_free(m, c.a);
    for (size_t k = 0; c.track && k < c.nobjs; k += 2)
        gcb_dead(m, c.objs[k], (size_t)(uintptr_t)c.objs[k + 1]);
    free(c.objs);
    gcb_frame_pop(m, &f);
    return rc;
}


static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    rpc_state *s = state;
    uint64_t nesc = s->escape ? s->t[tid].nesc : 0;
    int rc = escape_run(m, s->region, handle, s, tid, i, err, errlen);
    /* What escaped must be intact now that the request (its region) is over. */
    if (rc == 0 && s->escape && s->t[tid].nesc != nesc)
        rc = check_slot(s, tid, (unsigned)(nesc % ESCAPE_CACHE), "after its request", err, errlen);
    return rc;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const rpc_state *s = state;
    digest_format(s->digest, s->nthreads, out, outlen);
}

const gcb_workload workload_rpc = {
    .name = "rpc",
    .description = "RPC handling in an arena per request: decode a protobuf-like request into an "
                   "object graph, compute, encode the response; tracked scratch; validated",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 20000, /* ~1 s on nogc (Release) */
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
