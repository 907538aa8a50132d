/* api.c - the Twitch case: an API server with a small live heap and a
 * high allocation rate per request.
 *
 * Per thread, built in thread_init and live for the whole run: a table of
 * records (about `live` bytes: a pointer array, 32-byte records, each with
 * its name string).  One op is one request: it picks `objects`/3 records,
 * and for each builds a response item (a 56-byte object linked into the
 * response list), a label string ("user-<id>:<n>") and a []int64 of 4..32
 * derived values, then walks the response to compute its checksum and
 * drops everything.  So almost every byte allocated dies young: the
 * workload on which a ballast, GOGC and GOMEMLIMIT are compared, with the
 * per-request latency as the result.
 *
 * pool = 1 is the sync.Pool idiom for request-scoped objects: response
 * items and their []int64 buffers (capacity 32) come from two gcb_pools
 * (gcb/pool.h) and go back after the request, so only the label strings
 * are allocated per request.
 *
 * Checksum (workloads/digest.h; twin: workloads/go/api.go): each op folds
 * its response checksum `got`: 0, then for each item in build order
 * got = got * 31 + (the sum of its values + its label's length).  Requests
 * read only their own thread's records, so each thread's sequence is
 * deterministic whatever the interleaving.
 *
 * Validation: each item's record, label and values are checked against
 * values computed outside the heap, and the response checksum against one
 * computed the same way; thread_fini checks every record.  `corrupt`
 * (tests only) damages a label before the check.
 *
 * Regions (Go's region.Do, #70257): with `region` = true each request runs
 * inside gcb_region_do.  `escape` (percent, workloads/lib/escape.h) makes
 * that share of requests keep their whole response list (a cached
 * response) in slot k of the thread's long-lived cache (a heap array of
 * ESCAPE_CACHE pointers in the thread's frame), stored there directly, so
 * inside a region the store fades the list, labels and values; such a
 * response goes back to no pool.  The slot is checked once the request
 * (its region) is over, and every slot again at thread_fini, against
 * c = c * 31 + (sum of values + label length + record id) over the list
 * newest first, which an escaping request also folds into the checksum.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gcb/pool.h"
#include "gcb/workload.h"
#include "lib/escape.h"
#include "lib/rand.h"

enum { P_LIVE, P_OBJECTS, P_SEED, P_CORRUPT, P_POOL, P_REGION, P_ESCAPE };

static const gcb_option_desc params[] = {
    {"live", GCB_OPT_BYTES, "4MiB", "bytes of long-lived records per thread (the small live heap)", 1024, 1e11, NULL, NULL},
    {"objects", GCB_OPT_INT, "300", "short-lived objects allocated per request", 3, 1e7, NULL, NULL},
    {"seed", GCB_OPT_INT, "1", "seed of the records picked by each request", 0, 1e18, NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: damage a response label to show validation fails", 0, 0, NULL, NULL},
    {"pool", GCB_OPT_BOOL, "false", "sync.Pool idiom: response items and value buffers come from pools (gcb/pool.h)", 0, 0, NULL, NULL},
    {"region", GCB_OPT_BOOL, "false", "handle each request inside gcb_region_do (Go's region.Do)", 0, 0, NULL, NULL},
    {"escape", GCB_OPT_DOUBLE, "0", "percent of requests whose response escapes into a long-lived cache", 0, 100, NULL, NULL},
};

/* The twin's Go types (workloads/go/api.go), pointer words first: a
 * record is apiRecord (32 bytes: name string, id, score), an item apiItem
 * (56 bytes: next, rec, label string, vals slice; Go has the label's and
 * the slice's lengths between the pointers).  Strings are Go's string
 * data: their bytes alone, pointer-free, no header, no terminator. */
typedef struct record {
    char *name;        /* "user-<id>", name_len bytes */
    uint64_t name_len;
    uint64_t id;
    uint64_t score;    /* rand_mix(id) */
} record;

typedef struct item {
    struct item *next;
    record *rec;
    char *label;        /* "user-<id>:<n>", label_len bytes */
    uint64_t *vals;     /* nvals values score + j */
    uint64_t label_len;
    uint64_t nvals;
    uint64_t vals_cap;
} item;

static const gcb_type record_type = {"api.record", sizeof(record), 1};
static const gcb_type item_type = {"api.item", sizeof(item), 4};
static const gcb_type table_type = {"[]*api.record", 8, 1};

enum { S_TABLE, S_TMP, S_CACHE, NSLOTS };

typedef struct api_thread {
    gcb_frame frame;
    void *slot[NSLOTS]; /* the record table; scratch; the cache (escape > 0) */
    int live;
    uint64_t rng;
    uint64_t want[ESCAPE_CACHE]; /* each cache slot's cached_sum */
    uint64_t nesc;               /* escapes so far */
} api_thread;

typedef struct api_state {
    uint64_t nrec;  /* records per thread */
    uint64_t picks; /* items per request */
    uint64_t seed;
    int corrupt;
    int region;
    uint64_t escape;  /* escape_threshold of the param */
    int nthreads;
    gcb_pool *items;  /* pool = 1: pooled response items; else NULL */
    gcb_pool *vals;   /* pool = 1: pooled value buffers of VALS_CAP words */
    uint64_t *digest; /* per thread: digest_fold of every op's response checksum */
    api_thread t[];
} api_state;

#define VALS_CAP 32 /* words: the largest values buffer (nv <= 32) */

/* Go's string(b): len (> 0) pointer-free bytes. */
static char *newstr(gcb_mutator *m, const char *s, size_t len)
{
    char *p = gcb_alloc(m, NULL, len);
    if (p != NULL)
        memcpy(p, s, len);
    return p;
}

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    api_state *s = calloc(1, sizeof *s + (size_t)nthreads * sizeof(api_thread));
    if (s == NULL) {
        snprintf(err, errlen, "api: out of memory in setup");
        return ENOMEM;
    }
    s->nrec = (uint64_t)pv[P_LIVE].i / 72 + 1; /* 8 table + 32 record + ~32 name bytes */
    s->picks = (uint64_t)pv[P_OBJECTS].i / 3;
    s->seed = (uint64_t)pv[P_SEED].i;
    s->corrupt = pv[P_CORRUPT].i != 0;
    s->region = pv[P_REGION].i != 0;
    s->escape = escape_threshold(pv[P_ESCAPE].d);
    s->nthreads = nthreads;
    s->digest = malloc((size_t)nthreads * sizeof *s->digest);
    if (s->digest == NULL) {
        free(s);
        snprintf(err, errlen, "api: out of memory in setup");
        return ENOMEM;
    }
    for (int t = 0; t < nthreads; t++)
        s->digest[t] = DIGEST_INIT;
    if (pv[P_POOL].i && (gcb_pool_new(nthreads, &s->items) != 0 || gcb_pool_new(nthreads, &s->vals) != 0)) {
        gcb_pool_free(s->items);
        free(s->digest);
        free(s);
        snprintf(err, errlen, "api: out of memory for the pools");
        return ENOMEM;
    }
    *state = s;
    return 0;
}

static void teardown(void *state)
{
    api_state *s = state;
    if (s != NULL) {
        gcb_pool_free(s->items);
        gcb_pool_free(s->vals);
        free(s->digest);
    }
    free(s);
}

static int check_record(const record *r, uint64_t id, char *err, size_t errlen)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "user-%llu", (unsigned long long)id);
    if (r == NULL || r->id != id || r->score != rand_mix(id) || r->name == NULL ||
        r->name_len != (uint64_t)n || memcmp(r->name, buf, (size_t)n) != 0) {
        snprintf(err, errlen, "api: record %llu is damaged (id %llu, name '%.*s'), expected '%s' "
                 "(freed or reused while live?)", (unsigned long long)id,
                 r ? (unsigned long long)r->id : 0ull,
                 (r && r->name) ? (int)(r->name_len < 32 ? r->name_len : 32) : 0,
                 (r && r->name) ? r->name : "", buf);
        return -1;
    }
    return 0;
}

static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    api_state *s = state;
    if (tid < 0 || tid >= s->nthreads) {
        snprintf(err, errlen, "api: thread id %d, expected 0..%d", tid, s->nthreads - 1);
        return -1;
    }
    api_thread *t = &s->t[tid];
    if (s->items) {
        gcb_pool_thread_init(s->items, m, tid);
        gcb_pool_thread_init(s->vals, m, tid);
    }
    memset(t->slot, 0, sizeof t->slot);
    gcb_frame_push(m, &t->frame, t->slot, NSLOTS);
    t->live = 1;
    t->rng = s->seed ^ ((uint64_t)tid << 32);
    record **tab = t->slot[S_TABLE] = gcb_alloc(m, &table_type, s->nrec * 8);
    if (tab == NULL)
        goto oom;
    for (uint64_t id = 0; id < s->nrec; id++) {
        record *r = t->slot[S_TMP] = gcb_alloc(m, &record_type, sizeof(record));
        if (r == NULL)
            goto oom;
        r->id = id;
        r->score = rand_mix(id);
        char buf[32];
        int n = snprintf(buf, sizeof buf, "user-%llu", (unsigned long long)id);
        char *name = newstr(m, buf, (size_t)n);
        if (name == NULL)
            goto oom;
        gcb_store(m, r, (void **)&r->name, name);
        r->name_len = (uint64_t)n;
        gcb_store(m, tab, (void **)&tab[id], r);
        if ((id & 255) == 0)
            gcb_poll(m);
    }
    t->slot[S_TMP] = NULL;
    if (s->escape && (t->slot[S_CACHE] = gcb_alloc(m, &table_type, ESCAPE_CACHE * 8)) == NULL)
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "api: heap exhausted building %llu records", (unsigned long long)s->nrec);
    return -1;
}

/* The check of a cached response (newest item first). */
static uint64_t cached_sum(const item *it)
{
    uint64_t c = 0;
    for (; it != NULL; it = it->next) {
        uint64_t sum = it->label_len + it->rec->id;
        for (uint64_t j = 0; j < it->nvals; j++)
            sum += it->vals[j];
        c = c * 31 + sum;
    }
    return c;
}

/* Manual baselines: a cached response is dead once replaced. */
static void release_list(api_state *s, gcb_mutator *m, item *it)
{
    if (!GCB_MUT_HAS(m, dead))
        return;
    while (it != NULL) {
        item *nx = it->next;
        gcb_dead(m, it->label, it->label_len);
        gcb_dead(m, it->vals, (s->vals ? VALS_CAP : it->nvals) * 8);
        gcb_dead(m, it, sizeof(item));
        it = nx;
    }
}

/* Cache slot c of thread tid against what was cached; 0 or -1 with err. */
static int check_slot(api_state *s, int tid, unsigned c, const char *when, char *err,
                      size_t errlen)
{
    api_thread *t = &s->t[tid];
    const item *list = ((item **)t->slot[S_CACHE])[c];
    for (const item *it = list; it != NULL; it = it->next)
        if (check_record(it->rec, it->rec ? it->rec->id : 0, err, errlen) != 0)
            return -1;
    uint64_t got = cached_sum(list);
    if (list == NULL || got != t->want[c]) {
        snprintf(err, errlen, "api: thread %d cache slot %u %s: the cached response sums to "
                 "%016llx, expected %016llx: an escaped object was freed or reused", tid, c, when,
                 (unsigned long long)got, (unsigned long long)t->want[c]);
        return -1;
    }
    return 0;
}

/* One request: build, walk, validate (and escape). */
static int handle(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    api_state *s = state;
    api_thread *t = &s->t[tid];
    void *slot[2] = {NULL, NULL}; /* [0] the response list, [1] the item being built */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 2);
    int rc = -1;
    uint64_t want = 0;
    uint64_t rng = t->rng ^ rand_mix(i);
    for (uint64_t k = 0; k < s->picks; k++) {
        uint64_t r = rand_mix(rng + k);
        uint64_t id = r % s->nrec, nv = 4 + (r >> 40) % 29;
        size_t got_bytes;
        item *it = slot[1] = s->items ? gcb_pool_get(s->items, m, tid, &got_bytes) : NULL;
        if (it == NULL && (it = slot[1] = gcb_alloc(m, &item_type, sizeof(item))) == NULL)
            goto oom;
        gcb_store(m, it, (void **)&it->rec, ((record **)t->slot[S_TABLE])[id]);
        char buf[48];
        int n = snprintf(buf, sizeof buf, "user-%llu:%llu", (unsigned long long)id, (unsigned long long)k);
        char *label = newstr(m, buf, (size_t)n);
        if (label == NULL)
            goto oom;
        gcb_store(m, it, (void **)&it->label, label);
        it->label_len = (uint64_t)n;
        uint64_t *v = s->vals ? gcb_pool_get(s->vals, m, tid, &got_bytes) : NULL;
        if (v == NULL && (v = gcb_alloc(m, NULL, (s->vals ? VALS_CAP : nv) * 8)) == NULL)
            goto oom;
        uint64_t score = it->rec->score;
        for (uint64_t j = 0; j < nv; j++)
            v[j] = score + j;
        gcb_store(m, it, (void **)&it->vals, v);
        it->nvals = nv;
        it->vals_cap = s->vals ? VALS_CAP : nv;
        gcb_store(m, it, (void **)&it->next, slot[0]);
        slot[0] = it;
        slot[1] = NULL;
        want = want * 31 + rand_mix(id) * nv + nv * (nv - 1) / 2 + (uint64_t)n;
    }
    if (s->corrupt && slot[0] != NULL)
        ((item *)slot[0])->label[0] ^= 1;
    /* Walk the response (newest first) and recompute the checksum in build order. */
    uint64_t got = 0, k = s->picks;
    uint64_t *sums = malloc(s->picks * sizeof *sums);
    if (sums == NULL)
        goto oom;
    for (const item *it = slot[0]; it != NULL; it = it->next) {
        k--;
        uint64_t r = rand_mix(rng + k);
        uint64_t id = r % s->nrec;
        char buf[48];
        int n = snprintf(buf, sizeof buf, "user-%llu:%llu", (unsigned long long)id, (unsigned long long)k);
        if (check_record(it->rec, id, err, errlen) != 0) {
            free(sums);
            goto out;
        }
        if (it->label_len != (uint64_t)n || memcmp(it->label, buf, (size_t)n) != 0) {
            snprintf(err, errlen, "api: op %llu item %llu label '%.*s', expected '%s' "
                     "(freed or reused while live?)", (unsigned long long)i, (unsigned long long)k,
                     (int)(it->label_len < 48 ? it->label_len : 48), it->label, buf);
            free(sums);
            goto out;
        }
        uint64_t sum = 0;
        for (uint64_t j = 0; j < it->nvals; j++)
            sum += it->vals[j];
        sums[k] = sum + it->label_len;
    }
    for (uint64_t j = 0; j < s->picks; j++)
        got = got * 31 + sums[j];
    free(sums);
    if (k != 0 || got != want) {
        snprintf(err, errlen, "api: op %llu response checksum %016llx over %llu items, expected %016llx",
                 (unsigned long long)i, (unsigned long long)got,
                 (unsigned long long)(s->picks - k), (unsigned long long)want);
        goto out;
    }
    s->digest[tid] = digest_fold(s->digest[tid], got);
    if (s->escape && escape_op(s->escape, i)) {
        /* the response escapes into the cache: no pool, no release */
        unsigned c = (unsigned)(t->nesc++ % ESCAPE_CACHE);
        void **cache = t->slot[S_CACHE];
        release_list(s, m, cache[c]);
        gcb_store(m, cache, &cache[c], slot[0]);
        t->want[c] = cached_sum(slot[0]);
        s->digest[tid] = digest_fold(s->digest[tid], t->want[c]);
        slot[0] = NULL;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "api: op %llu: heap exhausted building a response", (unsigned long long)i);
out:
    if (s->items) {
        /* Back to the pools, reset (pointer fields cleared); labels die. */
        for (item *it = slot[0]; it != NULL;) {
            item *nx = it->next;
            if (it->label)
                gcb_dead(m, it->label, it->label_len);
            if (it->vals)
                gcb_pool_put(s->vals, m, tid, it->vals, VALS_CAP * 8);
            gcb_store(m, it, (void **)&it->label, NULL);
            gcb_store(m, it, (void **)&it->vals, NULL);
            gcb_store(m, it, (void **)&it->rec, NULL);
            gcb_store(m, it, (void **)&it->next, NULL);
            it->nvals = it->vals_cap = it->label_len = 0;
            slot[0] = nx;
            gcb_pool_put(s->items, m, tid, it, sizeof(item));
            it = nx;
        }
        item *it = slot[1];
        if (it != NULL) {
            if (it->label)
                gcb_dead(m, it->label, it->label_len);
            gcb_store(m, it, (void **)&it->label, NULL);
            gcb_store(m, it, (void **)&it->rec, NULL);
            it->label_len = 0;
            gcb_pool_put(s->items, m, tid, it, sizeof(item));
        }
    } else if (GCB_MUT_HAS(m, dead)) {
        for (item *it = slot[0]; it != NULL;) {
            item *nx = it->next;
            if (it->label)
                gcb_dead(m, it->label, it->label_len);
            if (it->vals)
                gcb_dead(m, it->vals, it->nvals * 8);
            gcb_dead(m, it, sizeof(item));
            it = nx;
        }
        item *it = slot[1];
        if (it != NULL) {
            if (it->label)
                gcb_dead(m, it->label, it->label_len);
            gcb_dead(m, it, sizeof(item));
        }
    }
    gcb_frame_pop(m, &f);
    return rc;
}

static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    api_state *s = state;
    uint64_t nesc = s->t[tid].nesc;
    int rc = escape_run(m, s->region, handle, s, tid, i, err, errlen);
    /* What escaped must be intact now that the request (its region) is over. */
    if (rc == 0 && s->t[tid].nesc != nesc)
        rc = check_slot(s, tid, (unsigned)(nesc % ESCAPE_CACHE), "after its request", err, errlen);
    return rc;
}

static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    api_state *s = state;
    api_thread *t = &s->t[tid];
    if (s->items) {
        gcb_pool_thread_fini(s->items, m, tid);
        gcb_pool_thread_fini(s->vals, m, tid);
    }
    if (!t->live)
        return 0;
    int rc = 0;
    record **tab = t->slot[S_TABLE];
    for (uint64_t id = 0; tab != NULL && id < s->nrec && rc == 0; id++)
        rc = check_record(tab[id], id, err, errlen);
    uint64_t n = t->nesc < ESCAPE_CACHE ? t->nesc : ESCAPE_CACHE;
    for (unsigned c = 0; c < n && rc == 0; c++)
        rc = check_slot(s, tid, c, "at the end", err, errlen);
    void **cache = t->slot[S_CACHE];
    for (unsigned c = 0; cache != NULL && c < ESCAPE_CACHE; c++)
        release_list(s, m, cache[c]);
    if (cache != NULL && GCB_MUT_HAS(m, dead))
        gcb_dead(m, cache, ESCAPE_CACHE * 8);
    if (GCB_MUT_HAS(m, dead) && tab != NULL) {
        for (uint64_t id = 0; id < s->nrec; id++)
            if (tab[id] != NULL) {
                if (tab[id]->name)
                    gcb_dead(m, tab[id]->name, tab[id]->name_len);
                gcb_dead(m, tab[id], sizeof(record));
            }
        gcb_dead(m, tab, s->nrec * 8);
    }
    gcb_frame_pop(m, &t->frame);
    t->live = 0;
    return rc;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const api_state *s = state;
    digest_format(s->digest, s->nthreads, out, outlen);
}

const gcb_workload workload_api = {
    .name = "api",
    .description = "Twitch-style API server: small live heap of records, ~`objects` short-lived "
                   "objects per request; per-request latency; validated responses",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 9000, /* ~1 s on nogc (Release) */
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
