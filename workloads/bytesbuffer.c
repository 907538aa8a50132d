/* bytesbuffer.c - Go's bytes.Buffer: write / read cycles with growth.
 *
 * One op is one request's buffer: a fresh Buffer goes through `cycles`
 * rounds of `writes` writes of 1..`chunk` bytes, each write followed by a
 * read of 0..chunk-1 bytes (so the buffer grows), then a read of the rest
 * and a Reset; the next round reuses the capacity Reset kept.  Growth
 * follows bytes.Buffer.grow exactly: first allocation of at most 64 bytes
 * is 64 (smallBufferSize); slide the unread bytes to the front when
 * n <= cap/2 - len; otherwise growSlice: c = max(len + off + n, 2 * cap),
 * allocated as append would (roundupsize), the old buffer copied and then
 * handed to gcb_free_sized (the runtime.freegc prototype).
 *
 * pool = 1: each op's Buffer comes from a gcb_pool (gcb/pool.h), keeping
 * the capacity it grew to, and goes back to the pool after its last
 * round (the sync.Pool idiom for buffers), instead of dying.
 *
 * Validation: the written stream is a pseudo-random pattern held outside
 * the heap; every byte read is compared with it, and each round's byte
 * counts must match, so a freed or reused live buffer fails the op.
 * `corrupt` (tests only) flips one unread byte to prove it.
 *
 * Checksum (workloads/digest.h; twin: workloads/go/bytesbuffer.go): every
 * read, in op order (the read after each write, then the read of the rest
 * that ends a round), folds n << 8 | last, n the bytes it returned and
 * last the last of them (0 when n = 0).  Read sizes depend only on the
 * seed, tid and op index (never on capacity or the pool), so the sum is
 * the same whatever the interleaving of threads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gcb/pool.h"
#include "gcb/workload.h"
#include "sizeclass.h"
#include "lib/rand.h"

#define PATTERN 4093        /* bytes of the repeating stream (prime) */
#define SMALL_BUFFER 64     /* bytes: Go's smallBufferSize */

enum { P_WRITES, P_CHUNK, P_CYCLES, P_SEED, P_CORRUPT, P_POOL };

static const gcb_option_desc params[] = {
    {"writes", GCB_OPT_INT, "64", "writes per round (each followed by a smaller read)", 1, 1e6, NULL, NULL},
    {"chunk", GCB_OPT_INT, "512", "largest write in bytes (writes are 1..chunk)", 1, 1 << 20, NULL, NULL},
    {"cycles", GCB_OPT_INT, "4", "rounds per op, separated by Reset (capacity reused)", 1, 1e4, NULL, NULL},
    {"seed", GCB_OPT_INT, "1", "seed of the stream bytes and the write/read sizes", 0, 1e18, NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: flip an unread byte to show validation fails", 0, 0, NULL, NULL},
    {"pool", GCB_OPT_BOOL, "false", "sync.Pool idiom: each op's Buffer comes from a pool and goes back (gcb/pool.h)", 0, 0, NULL, NULL},
};

typedef struct bb_state {
    size_t writes, chunk, cycles;
    uint64_t seed;
    int corrupt;
    unsigned char *pattern; /* PATTERN + chunk bytes, malloc'd: pattern[k] = stream byte k mod PATTERN */
    gcb_pool *bufs;         /* pool = 1: the pooled buffers; else NULL */
    uint64_t *digest;       /* per thread: digest_fold of every read (header comment) */
    int nthreads;
} bb_state;

/* Buffer header: the []byte lives in a frame slot of the op. */
typedef struct buffer {
    size_t len; /* bytes written into buf (Go's len(b.buf)) */
    size_t off; /* bytes read: the unread part is [off, len) */
    size_t cap; /* bytes allocated for buf */
} buffer;

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    bb_state *s = calloc(1, sizeof *s);
    if (s != NULL) {
        s->writes = (size_t)pv[P_WRITES].i;
        s->chunk = (size_t)pv[P_CHUNK].i;
        s->cycles = (size_t)pv[P_CYCLES].i;
        s->seed = (uint64_t)pv[P_SEED].i;
        s->corrupt = pv[P_CORRUPT].i != 0;
        s->pattern = malloc(PATTERN + s->chunk);
        s->nthreads = nthreads;
        s->digest = malloc((size_t)nthreads * sizeof *s->digest);
    }
    if (s == NULL || s->pattern == NULL || s->digest == NULL ||
        (pv[P_POOL].i && gcb_pool_new(nthreads, &s->bufs) != 0)) {
        if (s != NULL) {
            free(s->pattern);
            free(s->digest);
        }
        free(s);
        snprintf(err, errlen, "bytesbuffer: out of memory in setup (chunk %lld bytes)",
                 (long long)pv[P_CHUNK].i);
        return ENOMEM;
    }
    uint64_t rng = s->seed;
    for (size_t k = 0; k < PATTERN; k++)
        s->pattern[k] = (unsigned char)rand_next(&rng);
    for (size_t k = PATTERN; k < PATTERN + s->chunk; k++)
        s->pattern[k] = s->pattern[k % PATTERN];
    for (int t = 0; t < nthreads; t++)
        s->digest[t] = DIGEST_INIT;
    *state = s;
    return 0;
}

static void teardown(void *state)
{
    bb_state *s = state;
    if (s != NULL) {
        free(s->pattern);
        free(s->digest);
        gcb_pool_free(s->bufs);
    }
    free(s);
}

static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    const bb_state *s = state;
    if (s->bufs)
        gcb_pool_thread_init(s->bufs, m, tid);
    return 0;
}

static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    const bb_state *s = state;
    if (s->bufs)
        gcb_pool_thread_fini(s->bufs, m, tid);
    return 0;
}

/* Buffer.grow(n): make room for n more bytes; returns 0 or -1 (heap
 * exhausted).  *slot is the buffer's bytes. */
static int grow(gcb_mutator *m, buffer *b, void **slot, size_t n)
{
    size_t unread = b->len - b->off;
    if (unread == 0 && b->off != 0)
        b->len = b->off = 0; /* Reset */
    if (n <= b->cap - b->len)
        return 0; /* tryGrowByReslice */
    if (*slot == NULL && n <= SMALL_BUFFER) {
        if ((*slot = gcb_alloc(m, NULL, SMALL_BUFFER)) == NULL)
            return -1;
        b->cap = SMALL_BUFFER;
        return 0;
    }
    if (b->cap / 2 >= unread && n <= b->cap / 2 - unread) {
        memmove(*slot, (char *)*slot + b->off, unread);
    } else {
        size_t c = unread + b->off + n; /* growSlice(b.buf[off:], off + n): len + off + n */
        size_t twice = 2 * (b->cap - b->off);
        if (c < twice)
            c = twice;
        c = sc_roundupsize(c);
        char *nb = gcb_alloc(m, NULL, c);
        if (nb == NULL)
            return -1;
        char *old = *slot;
        if (unread > 0)
            memcpy(nb, old + b->off, unread);
        *slot = nb;
        if (old != NULL)
            gcb_free_sized(m, old, b->cap);
        b->cap = c;
    }
    b->off = 0;
    b->len = unread;
    return 0;
}

/* Buffer.Read of up to n bytes, checked against the stream at *rpos and
 * folded into *h (header comment). */
static int readcheck(const bb_state *s, buffer *b, void *buf, size_t n, size_t *rpos, uint64_t *h,
                     uint64_t i, char *err, size_t errlen)
{
    size_t unread = b->len - b->off;
    if (unread == 0) {
        b->len = b->off = 0;
        *h = digest_fold(*h, 0);
        return 0;
    }
    if (n > unread)
        n = unread;
    const unsigned char *p = (const unsigned char *)buf + b->off;
    size_t done = 0;
    while (done < n) {
        size_t at = (*rpos + done) % PATTERN;
        size_t k = n - done < PATTERN - at ? n - done : PATTERN - at;
        if (memcmp(p + done, s->pattern + at, k) != 0) {
            for (size_t j = 0; j < k; j++)
                if (p[done + j] != s->pattern[at + j]) {
                    snprintf(err, errlen,
                             "bytesbuffer: op %llu read byte %zu of the stream as 0x%02x, expected "
                             "0x%02x (buffer corrupted: freed or reused while live?)",
                             (unsigned long long)i, *rpos + done + j, p[done + j],
                             s->pattern[at + j]);
                    return -1;
                }
        }
        done += k;
    }
    b->off += n;
    *rpos += n;
    *h = digest_fold(*h, (uint64_t)n << 8 | (n ? p[n - 1] : 0));
    return 0;
}

static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    const bb_state *s = state;
    void *slot[1] = {NULL}; /* slot[0]: the buffer's bytes */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    buffer b = {0, 0, 0};
    if (s->bufs)
        slot[0] = gcb_pool_get(s->bufs, m, tid, &b.cap);
    uint64_t rng = s->seed ^ (i * 0xd1b54a32d192ed03ull) ^ ((uint64_t)tid << 48);
    uint64_t h = s->digest[tid];
    int rc = -1;
    for (size_t c = 0; c < s->cycles; c++) {
        size_t wpos = 0, rpos = 0; /* stream bytes written / read this round */
        for (size_t w = 0; w < s->writes; w++) {
            size_t n = 1 + rand_next(&rng) % s->chunk;
            if (grow(m, &b, &slot[0], n) != 0) {
                snprintf(err, errlen, "bytesbuffer: heap exhausted growing a buffer past %zu bytes",
                         b.cap);
                goto out;
            }
            memcpy((char *)slot[0] + b.len, s->pattern + wpos % PATTERN, n);
            b.len += n;
            wpos += n;
            if (s->corrupt && c == 0 && w + 1 == s->writes)
                ((unsigned char *)slot[0])[b.len - 1] ^= 0x5a;
            if (readcheck(s, &b, slot[0], rand_next(&rng) % s->chunk, &rpos, &h, i, err, errlen) != 0)
                goto out;
        }
        if (readcheck(s, &b, slot[0], b.len - b.off, &rpos, &h, i, err, errlen) != 0)
            goto out;
        if (rpos != wpos || b.len != b.off) {
            snprintf(err, errlen, "bytesbuffer: op %llu round %zu read %zu bytes, expected %zu",
                     (unsigned long long)i, c, rpos, wpos);
            goto out;
        }
        b.len = b.off = 0; /* Reset: the capacity is kept for the next round */
        gcb_poll(m);
    }
    s->digest[tid] = h;
    rc = 0;
out:
    if (slot[0] != NULL && s->bufs && rc == 0)
        gcb_pool_put(s->bufs, m, tid, slot[0], b.cap);
    else if (slot[0] != NULL)
        gcb_dead(m, slot[0], b.cap);
    gcb_frame_pop(m, &f);
    return rc;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const bb_state *s = state;
    digest_format(s->digest, s->nthreads, out, outlen);
}

const gcb_workload workload_bytesbuffer = {
    .name = "bytesbuffer",
    .description = "Go's bytes.Buffer: write/read rounds with Buffer.grow's growth, free_sized on the "
                   "old buffer (runtime.freegc), reuse after Reset; stream-validated",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 25000, /* ~1 s on nogc (Release; measured on a shared 2-core box) */
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
