/* collect.c - Go's slices.Collect / AppendSeq: append from an iterator.
 *
 * One op collects an iterator of `n` elements into a nil slice, one
 * append per element, growing the backing array by Go's growslice policy
 * (growslice.h: nextslicecap, then size-class rounding).  At each growth
 * the elements are copied and the previous array, now garbage, goes to
 * gcb_free_sized (the freegc proposal frees slices.Collect's intermediate
 * arrays).  Elements are int64 (pointer-free arrays) or, with elem=ptr,
 * pointers to 16-byte objects the iterator allocates (scanned arrays,
 * copied with gcb_store).  Then the op checks every element and drops the
 * slice.
 *
 * Validation: element k is v(k) = mix(seed, k) (or points to an object
 * holding v(k) and k); the length and every element are checked, and the
 * final capacity must be the one Go's policy gives.  `corrupt` (tests
 * only) damages one element.
 *
 * Checksum (workloads/digest.h; twin: workloads/go/collect.go): each op
 * folds the slice's length, then the wrapping sum of its elements' values
 * (elem=ptr: the values the pointed-to items hold).  The capacity is not
 * folded: Go's append gives pointer arrays a malloc header's worth more
 * than growslice.h's model (143 elements where the model has 128 at n =
 * 100), so the twin checks its capacity against Go's own append instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gcb/workload.h"
#include "lib/growslice.h"
#include "lib/rand.h"

enum { P_N, P_ELEM, P_SEED, P_CORRUPT };

static const gcb_option_desc params[] = {
    {"n", GCB_OPT_INT, "1000", "elements collected per op", 1, 1e8, NULL, NULL},
    {"elem", GCB_OPT_ENUM, "int", "element type: int (int64, pointer-free) or ptr (*T, 16-byte T per element)",
     0, 0, "int|ptr", NULL},
    {"seed", GCB_OPT_INT, "1", "seed of the element values", 0, 1e18, NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: damage one element to show validation fails", 0, 0, NULL, NULL},
};

typedef struct item {
    uint64_t v; /* the iterator's value */
    uint64_t k; /* its index */
} item;

static const gcb_type ptr_slice = {"[]*item", 8, 1};

typedef struct co_state {
    uint64_t n;
    int ptrs;
    uint64_t seed;
    int corrupt;
    size_t want_cap; /* elements: capacity after n appends from nil */
    uint64_t *digest; /* per thread: digest_fold of every op's length and value sum */
    int nthreads;
} co_state;

static uint64_t value(uint64_t seed, uint64_t k)
{
    return rand_mix(seed * 0x100000001b3ull + k);
}

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    co_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "collect: out of memory in setup");
        return ENOMEM;
    }
    s->n = (uint64_t)pv[P_N].i;
    s->ptrs = pv[P_ELEM].i == 1;
    s->seed = (uint64_t)pv[P_SEED].i;
    s->corrupt = pv[P_CORRUPT].i != 0;
    size_t cap = 0;
    for (uint64_t len = 0; len < s->n; len++)
        if (len + 1 > cap)
            cap = growslice_cap(cap, len + 1, 8);
    s->want_cap = cap;
    s->nthreads = nthreads;
    s->digest = malloc((size_t)nthreads * sizeof *s->digest);
    if (s->digest == NULL) {
        free(s);
        snprintf(err, errlen, "collect: out of memory in setup");
        return ENOMEM;
    }
    for (int t = 0; t < nthreads; t++)
        s->digest[t] = DIGEST_INIT;
    *state = s;
    return 0;
}

static void teardown(void *state)
{
    co_state *s = state;
    if (s != NULL)
        free(s->digest);
    free(s);
}
static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen) { return 0; }
static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen) { return 0; }

static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    const co_state *s = state;
    void *slot[2] = {NULL, NULL}; /* [0] the backing array, [1] the element being appended */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 2);
    int rc = -1;
    size_t len = 0, cap = 0;
    uint64_t seed = s->seed + (uint64_t)tid; /* each thread its own sequence */
    for (uint64_t k = 0; k < s->n; k++) {
        uint64_t v = value(seed, k);
        if (s->ptrs) { /* the iterator yields a fresh *item */
            item *it = gcb_alloc(m, NULL, sizeof(item));
            if (it == NULL)
                goto oom;
            it->v = v;
            it->k = k;
            slot[1] = it;
        }
        if (len + 1 > cap) {
            size_t ncap = growslice_cap(cap, len + 1, 8);
            void **na = gcb_alloc(m, s->ptrs ? &ptr_slice : NULL, ncap * 8);
            if (na == NULL)
                goto oom;
            void **old = slot[0];
            if (s->ptrs)
                for (size_t j = 0; j < len; j++)
                    gcb_store(m, na, &na[j], old[j]);
            else if (len > 0)
                memcpy(na, old, len * 8);
            slot[0] = na;
            if (old != NULL)
                gcb_free_sized(m, old, cap * 8);
            cap = ncap;
        }
        if (s->ptrs) {
            void **a = slot[0];
            gcb_store(m, a, &a[len], slot[1]);
            slot[1] = NULL;
        } else {
            ((uint64_t *)slot[0])[len] = v;
        }
        len++;
        if ((k & 255) == 0)
            gcb_poll(m);
    }
    if (s->corrupt) {
        if (s->ptrs)
            ((item **)slot[0])[len / 2]->v ^= 1;
        else
            ((uint64_t *)slot[0])[len / 2] ^= 1;
    }
    if (cap != s->want_cap) {
        snprintf(err, errlen, "collect: op %llu ended with capacity %zu, expected %zu (Go's growslice)",
                 (unsigned long long)i, cap, s->want_cap);
        goto out;
    }
    uint64_t sum = 0;
    for (uint64_t k = 0; k < len; k++) {
        uint64_t want = value(seed, k), got, gotk = k;
        if (s->ptrs) {
            const item *it = ((item **)slot[0])[k];
            got = it ? it->v : 0;
            gotk = it ? it->k : ~0ull;
        } else {
            got = ((uint64_t *)slot[0])[k];
        }
        if (got != want || gotk != k) {
            snprintf(err, errlen,
                     "collect: op %llu element %llu is %016llx (index %llu), expected %016llx "
                     "(slice corrupted: freed or reused while live?)",
                     (unsigned long long)i, (unsigned long long)k, (unsigned long long)got,
                     (unsigned long long)gotk, (unsigned long long)want);
            goto out;
        }
        sum += got;
    }
    s->digest[tid] = digest_fold(digest_fold(s->digest[tid], len), sum);
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "collect: op %llu: heap exhausted at %zu elements", (unsigned long long)i, len);
out:
    if (slot[0] != NULL && GCB_MUT_HAS(m, dead)) {
        if (s->ptrs)
            for (size_t k = 0; k < len; k++)
                gcb_dead(m, ((void **)slot[0])[k], sizeof(item));
        gcb_dead(m, slot[0], cap * 8);
    }
    if (slot[1] != NULL)
        gcb_dead(m, slot[1], sizeof(item));
    gcb_frame_pop(m, &f);
    return rc;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const co_state *s = state;
    digest_format(s->digest, s->nthreads, out, outlen);
}

const gcb_workload workload_collect = {
    .name = "collect",
    .description = "Go's slices.Collect: n appends from an iterator with growslice growth, "
                   "intermediate arrays to free_sized; int or pointer elements; validated",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 30000, /* ~1 s on nogc (Release) */
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
