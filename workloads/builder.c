/* builder.c - Go's strings.Builder: one op builds one string.
 *
 * An op appends `writes` pieces of `piece` bytes to an empty builder.  The
 * buffer is a pointer-free []byte grown exactly as Go's append grows it
 * (builder_grow); at every growth the old buffer is copied into the new one
 * and then handed to gcb_free_sized(), as the runtime.freegc prototype does
 * in strings.Builder.  The proposal's benchmark is piece = 36.
 *
 * pool = 1 is the sync.Pool idiom instead (a pooled bytes.Buffer): the
 * buffer comes from a gcb_pool (gcb/pool.h) with the capacity it grew to
 * before, is reset, written, and its bytes copied into a fresh string
 * (Go's string(buf.Bytes()), since a pooled buffer cannot be the result);
 * then the buffer goes back to the pool and the string dies.
 *
 * Checksum (workloads/digest.h; twin: workloads/go/builder.go): each op folds
 * its string's builder_checksum.
 *
 * Validation: setup() builds the expected string in malloc'd memory (not
 * the heap) and keeps its length and checksum; every op checks its result
 * against both, so a collector that frees or reuses the live buffer fails
 * the run instead of making it fast.  The finished string then dies
 * (gcb_dead, acted on only by the manual-memory baseline).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "digest.h"
#include "gcb/pool.h"
#include "gcb/workload.h"
#include "sizeclass.h"
#include "lib/rand.h"

#define NPOOL 64 /* distinct pieces; write k appends pool piece k % NPOOL */

enum { P_WRITES, P_PIECE, P_SEED, P_POOL, P_CORRUPT };

static const gcb_option_desc params[] = {
    {"writes", GCB_OPT_INT, "100", "pieces appended per built string", 1, 1e6, NULL, NULL},
    {"piece", GCB_OPT_INT, "36", "bytes per piece (the proposal's benchmark: 36)", 1, 65536, NULL, NULL},
    {"seed", GCB_OPT_INT, "1", "seed of the pseudo-random piece bytes", 0, 1e18, NULL, NULL},
    {"pool", GCB_OPT_BOOL, "false",
     "sync.Pool idiom: reuse a pooled buffer, copy the result out (gcb/pool.h)", 0, 0, NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: damage the first built string to show validation fails",
     0, 0, NULL, NULL},
};

typedef struct builder_state {
    size_t writes;      /* pieces per op */
    size_t piece;       /* bytes per piece */
    size_t npool;       /* pieces in pool: min(writes, NPOOL) */
    char *pool;         /* npool * piece bytes, malloc'd */
    size_t want_len;    /* bytes; writes * piece */
    uint64_t want_sum;  /* builder_checksum of the expected string */
    gcb_pool *bufs;     /* pool = 1: the pooled buffers; else NULL */
    int corrupt;        /* test only: op 0 damages its string's first byte */
    uint64_t *digest;   /* per thread: digest_fold of every op's builder_checksum */
    int nthreads;
} builder_state;

size_t builder_grow(size_t oldcap, size_t needed)
{
    size_t newcap = oldcap;
    size_t doublecap = newcap + newcap;
    if (needed > doublecap) {
        newcap = needed;
    } else if (oldcap < 256) {
        newcap = doublecap;
    } else {
        while (newcap < needed)
            newcap += (newcap + 3 * 256) / 4;
    }
    return sc_roundupsize(newcap);
}

/* Fletcher-style sums over 8-byte words in eight independent lanes (per
 * lane: a += word, b += a, so a word's value and its position both count),
 * bytes past the last 64-byte block through FNV-1a, everything folded with
 * FNV-1a steps (each a bijection, so a change in any one input always
 * changes the result).  About memcpy speed: the op's validation costs a
 * fraction of the copying it checks. */
uint64_t builder_checksum(const void *p, size_t n)
{
    const uint64_t prime = 0x100000001b3ull;
    const unsigned char *s = p;
    uint64_t a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7, a7 = 8;
    uint64_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0;
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        uint64_t w[8];
        memcpy(w, s + i, 64);
        a0 += w[0]; a1 += w[1]; a2 += w[2]; a3 += w[3];
        a4 += w[4]; a5 += w[5]; a6 += w[6]; a7 += w[7];
        b0 += a0; b1 += a1; b2 += a2; b3 += a3;
        b4 += a4; b5 += a5; b6 += a6; b7 += a7;
    }
    uint64_t r = 0xcbf29ce484222325ull ^ n;
    for (; i < n; i++)
        r = (r ^ s[i]) * prime;
    const uint64_t lanes[16] = {a0, a1, a2, a3, a4, a5, a6, a7,
                                b0, b1, b2, b3, b4, b5, b6, b7};
    for (int k = 0; k < 16; k++)
        r = (r ^ lanes[k]) * prime;
    return r ^ (r >> 29);
}

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    builder_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        goto oom;
    s->writes = (size_t)pv[P_WRITES].i;
    s->piece = (size_t)pv[P_PIECE].i;
    s->npool = s->writes < NPOOL ? s->writes : NPOOL;
    s->want_len = s->writes * s->piece;
    s->corrupt = (int)pv[P_CORRUPT].i;
    s->nthreads = nthreads;
    s->digest = malloc((size_t)nthreads * sizeof *s->digest);
    if (s->digest == NULL)
        goto oom;
    for (int t = 0; t < nthreads; t++)
        s->digest[t] = DIGEST_INIT;
    s->pool = malloc(s->npool * s->piece);
    char *want = malloc(s->want_len);
    if (s->pool == NULL || want == NULL) {
        free(want);
        goto oom;
    }
    uint64_t rng = (uint64_t)pv[P_SEED].i;
    for (size_t i = 0; i < s->npool * s->piece; i++)
        s->pool[i] = (char)(' ' + rand_next(&rng) % 95); /* printable, for messages */
    for (size_t k = 0; k < s->writes; k++)
        memcpy(want + k * s->piece, s->pool + (k % s->npool) * s->piece, s->piece);
    s->want_sum = builder_checksum(want, s->want_len);
    free(want);
    if (pv[P_POOL].i && gcb_pool_new(nthreads, &s->bufs) != 0)
        goto oom;
    *state = s;
    return 0;
oom:
    if (s != NULL) {
        free(s->pool);
        free(s->digest);
    }
    free(s);
    snprintf(err, errlen, "builder: out of memory in setup (writes %lld x piece %lld bytes)",
             (long long)pv[P_WRITES].i, (long long)pv[P_PIECE].i);
    return ENOMEM;
}

static void teardown(void *state)
{
    builder_state *s = state;
    if (s == NULL)
        return;
    free(s->pool);
    free(s->digest);
    gcb_pool_free(s->bufs);
    free(s);
}

static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    const builder_state *s = state;
    if (s->bufs)
        gcb_pool_thread_init(s->bufs, m, tid);
    return 0;
}

static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    const builder_state *s = state;
    if (s->bufs)
        gcb_pool_thread_fini(s->bufs, m, tid);
    return 0;
}

static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    const builder_state *s = state;
    void *slot[2] = {NULL, NULL}; /* [0]: the buffer, live across allocation; [1]: pool's string */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 2);
    size_t len = 0, cap = 0;
    if (s->bufs)
        slot[0] = gcb_pool_get(s->bufs, m, tid, &cap); /* Reset: len 0, capacity kept */
    for (size_t k = 0; k < s->writes; k++) {
        if (len + s->piece > cap) {
            size_t newcap = builder_grow(cap, len + s->piece);
            char *nb = gcb_alloc(m, NULL, newcap);
            if (nb == NULL) {
                gcb_frame_pop(m, &f);
                snprintf(err, errlen, "builder: heap exhausted growing a buffer to %zu bytes", newcap);
                return -1;
            }
            char *old = slot[0];
            if (len > 0)
                memcpy(nb, old, len);
            slot[0] = nb;
            if (old != NULL)
                gcb_free_sized(m, old, cap);
            cap = newcap;
        } else if ((k & 63) == 0) {
            gcb_poll(m);
        }
        memcpy((char *)slot[0] + len, s->pool + (k % s->npool) * s->piece, s->piece);
        len += s->piece;
    }
    uint64_t sum;
    if (s->bufs) {
        char *str = slot[1] = gcb_alloc(m, NULL, len);
        if (str == NULL) {
            gcb_frame_pop(m, &f);
            snprintf(err, errlen, "builder: heap exhausted copying a %zu-byte string", len);
            return -1;
        }
        memcpy(str, slot[0], len);
        if (s->corrupt && i == 0)
            str[0] = '!';
        gcb_pool_put(s->bufs, m, tid, slot[0], cap);
        slot[0] = NULL;
        sum = builder_checksum(str, len);
        gcb_dead(m, str, len);
    } else {
        if (s->corrupt && i == 0)
            ((char *)slot[0])[0] = '!';
        sum = builder_checksum(slot[0], len);
        /* The built string dies here, as in Go's benchmark; only the manual
         * baseline acts on it. */
        gcb_dead(m, slot[0], cap);
    }
    gcb_frame_pop(m, &f);
    if (len != s->want_len || sum != s->want_sum) {
        snprintf(err, errlen,
                 "builder: op %llu built %zu bytes with checksum %016llx, expected %zu bytes "
                 "with checksum %016llx (buffer corrupted: freed or reused while live?)",
                 (unsigned long long)i, len, (unsigned long long)sum, s->want_len,
                 (unsigned long long)s->want_sum);
        return -1;
    }
    s->digest[tid] = digest_fold(s->digest[tid], sum);
    return 0;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const builder_state *s = state;
    digest_format(s->digest, s->nthreads, out, outlen);
}

const gcb_workload workload_builder = {
    .name = "builder",
    .description = "Go's strings.Builder: writes x piece bytes, append growth + size classes, "
                   "free_sized on the old buffer (runtime.freegc); checksum-validated",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 100000, /* ~1 s on nogc (page faults dominate), ~0.13 s on malloc */
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
