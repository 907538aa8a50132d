/* opsample.c - adapting the sampling rate and drawing the gaps (opsample.h). */
#include <math.h>

#include "opsample.h"

static uint64_t next(opsample *s)
{
    uint64_t x = s->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Ops until the next timed one, geometric with p = 1 / every (>= 1). */
static uint64_t gap(opsample *s)
{
    if (s->every <= 1)
        return 1;
    /* u in (0, 1]: 53 random bits */
    double u = (double)((next(s) >> 11) + 1) * (1.0 / 9007199254740992.0);
    double g = floor(log(u) / log1p(-1.0 / (double)s->every));
    return g >= 1e15 ? (uint64_t)1e15 : 1 + (uint64_t)g;
}

void opsample_timed(opsample *s, histogram *h, uint64_t ticks)
{
    if (h != NULL)
        hist_record_n(h, ticks, s->every);
    s->timed++;
    s->ticks += ticks;
    /* every = ceil(SHARE cost / mean) = ceil(SHARE cost timed / sum) */
    uint64_t e = s->ticks ? (OPSAMPLE_SHARE * s->cost * s->timed + s->ticks - 1) / s->ticks
                          : OPSAMPLE_MAX;
    s->every = e < 1 ? 1 : e > OPSAMPLE_MAX ? OPSAMPLE_MAX : e;
    s->left = gap(s);
}

void opsample_init(opsample *s, const opclock *c, histogram *h, uint64_t seed)
{
    *s = (opsample){.left = 1, .every = 1, .rng = seed | 1};
    /* Two reads alone, the fastest of 8 rounds of 64. */
    uint64_t reads = UINT64_MAX;
    for (int r = 0; r < 8; r++) {
        uint64_t t0 = opclock_ticks(c);
        for (int i = 0; i < 64; i++) {
            uint64_t a = opclock_ticks(c), b = opclock_ticks(c);
            s->ticks += b - a; /* keeps the reads from being dropped */
        }
        uint64_t t = (opclock_ticks(c) - t0) / 64;
        if (t < reads)
            reads = t;
    }
    /* What the loop pays per timed op, warm: two reads, the record, the
     * draw (with a gap > 1 so the log is taken).  The fastest of 8 rounds;
     * the first estimate until opsample_paid measures it in place. */
    uint64_t best = UINT64_MAX;
    for (int r = 0; r < 8; r++) {
        uint64_t t0 = opclock_ticks(c);
        for (int i = 0; i < 64; i++) {
            uint64_t a = opclock_ticks(c), b = opclock_ticks(c);
            if (h != NULL)
                hist_record_n(h, b - a, 1);
            s->every = 16;
            s->left = gap(s);
        }
        uint64_t t = (opclock_ticks(c) - t0) / 64;
        if (t < best)
            best = t;
    }
    if (h != NULL)
        hist_init(h);
    *s = (opsample){.left = 1, .every = 1, .cost = best ? best : 1, .reads = reads, .rng = seed | 1};
}
