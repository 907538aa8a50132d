/* mapgrow.c - Go map growth: insert n keys, look them up, delete some.
 *
 * One op builds a fresh map (gomap.h: Go 1.24+'s Swiss tables, a small
 * map's group, tables that double and split and the directory, every
 * replaced array, table and directory handed to gcb_free_sized - the
 * freegc proposal's map case) from empty with `n`
 * int or string keys, looks every key up, deletes about a `delete`
 * fraction of them, looks every key up again and drops the map.
 *
 * Keys: key j is mix(seed, j), a bijection, so keys are distinct; a string
 * key is j in decimal, ':' and 4..19 hex digits of the same mix.  Value j.
 * Validation: every lookup returns its value j (or nothing, once deleted),
 * the count matches, and gomap_is_valid() holds at the end.  `corrupt`
 * (tests only) changes one stored value.
 *
 * Checksum (workloads/digest.h; twin: workloads/go/mapgrow.go): each op
 * folds the map's count after the inserts, the wrapping sum of the keys
 * inserted (an int key itself, a string key its length in bytes), the
 * wrapping sum of the values the first lookups found, the count after the
 * deletes, and the sum of the values the second lookups found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gcb/workload.h"
#include "lib/gomap.h"
#include "lib/rand.h"

enum { P_N, P_KEYS, P_DELETE, P_SEED, P_CORRUPT };

static const gcb_option_desc params[] = {
    {"n", GCB_OPT_INT, "10000", "keys inserted per op (the map grows from empty)", 1, 1e8, NULL, NULL},
    {"keys", GCB_OPT_ENUM, "int", "key type: int (int64) or string (8..40 bytes)", 0, 0, "int|string", NULL},
    {"delete", GCB_OPT_DOUBLE, "0.25", "fraction of the keys deleted after the lookups", 0, 1, NULL, NULL},
    {"seed", GCB_OPT_INT, "1", "seed of the keys and the hash", 0, 1e18, NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: change one stored value to show validation fails", 0, 0, NULL, NULL},
};

typedef struct mg_state {
    uint64_t n;
    int strkeys;
    uint32_t del_per_1024; /* key j is deleted when rand_mix(j) % 1024 < this */
    uint64_t seed;
    int corrupt;
    uint64_t *digest; /* per thread: digest_fold of every op's counts and lookup sums */
    int nthreads;
} mg_state;

/* Key j: its int form, or its string form into buf (>= 48 bytes). */
static size_t key(const mg_state *s, uint64_t j, int64_t *ik, char *buf)
{
    uint64_t x = rand_mix(s->seed * 0x100000001b3ull + j);
    *ik = (int64_t)x;
    if (!s->strkeys)
        return 0;
    int n = snprintf(buf, 48, "%llu:%016llx", (unsigned long long)j, (unsigned long long)x);
    size_t digits = 4 + (x >> 60); /* 4..19 hex digits kept */
    size_t keep = (size_t)n - 16 + (digits < 16 ? digits : 16);
    return keep;
}

static int deleted(const mg_state *s, uint64_t j)
{
    return (rand_mix(j ^ 0x5bd1e995ull ^ s->seed) & 1023) < s->del_per_1024;
}

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    mg_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "mapgrow: out of memory in setup");
        return ENOMEM;
    }
    s->n = (uint64_t)pv[P_N].i;
    s->strkeys = pv[P_KEYS].i == 1;
    s->del_per_1024 = (uint32_t)(pv[P_DELETE].d * 1024 + 0.5);
    s->seed = (uint64_t)pv[P_SEED].i;
    s->corrupt = pv[P_CORRUPT].i != 0;
    s->nthreads = nthreads;
    s->digest = malloc((size_t)nthreads * sizeof *s->digest);
    if (s->digest == NULL) {
        free(s);
        snprintf(err, errlen, "mapgrow: out of memory in setup");
        return ENOMEM;
    }
    for (int t = 0; t < nthreads; t++)
        s->digest[t] = DIGEST_INIT;
    *state = s;
    return 0;
}

static void teardown(void *state)
{
    mg_state *s = state;
    if (s != NULL)
        free(s->digest);
    free(s);
}
static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen) { return 0; }
static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen) { return 0; }

/* Look every key up: present with value j unless `after_delete` and deleted.
 * *sum: the wrapping sum of the values found. */
static int lookups(const mg_state *s, const gomap *h, int after_delete, uint64_t *sum, uint64_t i,
                   char *err, size_t errlen)
{
    char buf[48];
    *sum = 0;
    for (uint64_t j = 0; j < s->n; j++) {
        int64_t ik;
        size_t len = key(s, j, &ik, buf);
        const int64_t *v = gomap_find(h, ik, s->strkeys ? buf : NULL, len);
        int want = !(after_delete && deleted(s, j));
        if ((v != NULL) != want || (v != NULL && *v != (int64_t)j)) {
            snprintf(err, errlen,
                     "mapgrow: op %llu key %llu %s: found %s (value %lld), expected %s (value %llu)",
                     (unsigned long long)i, (unsigned long long)j,
                     after_delete ? "after deletes" : "after inserts", v ? "present" : "absent",
                     v ? (long long)*v : -1LL, want ? "present" : "absent", (unsigned long long)j);
            return -1;
        }
        if (v != NULL)
            *sum += (uint64_t)*v;
    }
    return 0;
}

static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    const mg_state *s = state;
    void *slot[2] = {NULL, NULL}; /* [0] the map, [1] the key string being inserted */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 2);
    int rc = -1;
    char buf[48];
    slot[0] = gomap_new(m, s->strkeys ? GOMAP_SKEYS : 0, rand_mix(s->seed ^ i ^ ((uint64_t)tid << 40)));
    if (slot[0] == NULL)
        goto oom;
    uint64_t sum_keys = 0;
    for (uint64_t j = 0; j < s->n; j++) {
        int64_t ik;
        size_t len = key(s, j, &ik, buf);
        sum_keys += s->strkeys ? (uint64_t)len : (uint64_t)ik;
        if (s->strkeys && (slot[1] = gomap_str(m, buf, len)) == NULL)
            goto oom;
        if (gomap_assign(m, &slot[0], ik, &slot[1], (int64_t)j, NULL) != 0)
            goto oom;
        slot[1] = NULL;
        if ((j & 255) == 0)
            gcb_poll(m);
    }
    gomap *h = slot[0];
    if (h->count != s->n) {
        snprintf(err, errlen, "mapgrow: op %llu: map holds %llu keys after %llu inserts, expected %llu",
                 (unsigned long long)i, (unsigned long long)h->count, (unsigned long long)s->n,
                 (unsigned long long)s->n);
        goto out;
    }
    if (s->corrupt) {
        int64_t ik;
        size_t len = key(s, s->n / 2, &ik, buf);
        int64_t *v = gomap_find(h, ik, s->strkeys ? buf : NULL, len);
        if (v != NULL)
            *v += 1;
    }
    uint64_t sum_inserted, sum_kept;
    if (lookups(s, h, 0, &sum_inserted, i, err, errlen) != 0)
        goto out;
    uint64_t want = s->n;
    for (uint64_t j = 0; j < s->n; j++) {
        if (!deleted(s, j))
            continue;
        int64_t ik;
        size_t len = key(s, j, &ik, buf);
        if (gomap_delete(m, &slot[0], ik, s->strkeys ? buf : NULL, len) != 1) {
            snprintf(err, errlen, "mapgrow: op %llu: delete of key %llu found nothing, expected the key",
                     (unsigned long long)i, (unsigned long long)j);
            goto out;
        }
        want--;
    }
    h = slot[0];
    if (h->count != want) {
        snprintf(err, errlen, "mapgrow: op %llu: map holds %llu keys after deletes, expected %llu",
                 (unsigned long long)i, (unsigned long long)h->count, (unsigned long long)want);
        goto out;
    }
    if (lookups(s, h, 1, &sum_kept, i, err, errlen) != 0)
        goto out;
    char verr[256];
    if (gomap_is_valid(h, verr, sizeof verr) != 0) {
        snprintf(err, errlen, "mapgrow: op %llu: %s (expected a consistent map)", (unsigned long long)i, verr);
        goto out;
    }
    uint64_t d = s->digest[tid];
    d = digest_fold(digest_fold(digest_fold(d, s->n), sum_keys), sum_inserted);
    s->digest[tid] = digest_fold(digest_fold(d, want), sum_kept);
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "mapgrow: op %llu: heap exhausted inserting %llu keys", (unsigned long long)i,
             (unsigned long long)s->n);
out:
    gomap_release(m, slot[0]);
    gcb_frame_pop(m, &f);
    return rc;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const mg_state *s = state;
    digest_format(s->digest, s->nthreads, out, outlen);
}

const gcb_workload workload_mapgrow = {
    .name = "mapgrow",
    .description = "Go map growth: n int or string keys inserted from empty (Swiss tables: doubling, "
                   "splits; replaced arrays to free_sized), looked up, a fraction deleted; validated",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 400, /* ~1 s on nogc (Release) */
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
