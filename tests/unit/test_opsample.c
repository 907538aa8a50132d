/* test_opsample.c - sampled operation timing (harness/opsample.h) keeps
 * the latency distribution honest.
 *
 * Ops are simulated (no clock): a latency per op from a fixed pattern, fed
 * through opsample_due/opsample_timed exactly as the child's loop does.
 * - long ops (>= OPSAMPLE_SHARE x cost): every op is timed, the histogram is the full
 *   one (count, max exact);
 * - short ops (every ~28): the weighted count is the op count within 3 %,
 *   and the quantiles land on the right value even for a slow op that
 *   recurs with a fixed period (every 100th op: sampling may not alias);
 *   the fraction of ops timed is near 1 / every;
 * - the cost measured in the loop (opsample_paid) sets the rate, not the
 *   warm estimate it starts from: three times the cost, a third the ops
 *   timed;
 * - hist_record_n: a weight counts as that many values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "child/histogram.h"
#include "child/opsample.h"

#define N 2000000

static histogram *run(uint64_t cost, uint64_t fast, uint64_t slow, uint64_t period,
                      uint64_t *timed)
{
    histogram *h = malloc(sizeof *h);
    assert_non_null(h);
    hist_init(h);
    opsample s = {.left = 1, .every = 1, .cost = cost, .rng = 12345};
    for (uint64_t i = 0; i < N; i++)
        if (opsample_due(&s))
            opsample_timed(&s, h, i % period == period - 1 ? slow : fast);
    *timed = s.timed;
    return h;
}

static void test_long_ops_all_timed(void **state)
{
    (void)state;
    uint64_t timed;
    /* mean op 10,800 ticks >= OPSAMPLE_SHARE (200) x 30 */
    histogram *h = run(30, 10000, 90000, 100, &timed);
    assert_int_equal(timed, N);
    assert_int_equal(h->count, N);
    assert_int_equal(h->recorded, N);
    assert_int_equal(h->max, 90000);
    free(h);
}

static void test_short_ops_sampled(void **state)
{
    (void)state;
    uint64_t timed;
    /* cost 30 ticks, ops ~ 218 ticks on average: every = ceil(6000 / 218) = 28 */
    histogram *h = run(30, 200, 2000, 100, &timed);
    double frac = (double)timed / N;
    print_message("timed %llu of %d ops (1 in %.1f)\n", (unsigned long long)timed, N, 1 / frac);
    assert_true(frac > 1.0 / 36 && frac < 1.0 / 22);
    assert_true(h->count > N * 0.97 && h->count < N * 1.03);
    /* 1 % of ops are slow: p50 and p98 fast, p99.5 and p99.9 slow. */
    uint64_t lo, hi;
    hist_bucket_range(hist_bucket(200), &lo, &hi);
    assert_true(hist_quantile(h, 0.5) >= lo && hist_quantile(h, 0.5) <= hi);
    assert_true(hist_quantile(h, 0.98) >= lo && hist_quantile(h, 0.98) <= hi);
    hist_bucket_range(hist_bucket(2000), &lo, &hi);
    assert_true(hist_quantile(h, 0.995) >= lo && hist_quantile(h, 0.995) <= hi);
    assert_true(hist_quantile(h, 0.999) >= lo && hist_quantile(h, 0.999) <= hi);
    /* The slow ops' share of the weight: 1 % within sampling error
     * (about 0.04 % at this many samples; 0.2 % allowed). */
    double slow = (double)h->counts[hist_bucket(2000)] / (double)h->count;
    assert_true(slow > 0.008 && slow < 0.012);
    free(h);
}

static void test_cost_measured_in_place(void **state)
{
    (void)state;
    histogram *h = malloc(sizeof *h);
    assert_non_null(h);
    hist_init(h);
    /* warm estimate 30 ticks; in place the bookkeeping takes 60 and the
     * two reads 30: cost 90, ops 220 ticks: every = ceil(18000 / 220) = 82 */
    opsample s = {.left = 1, .every = 1, .cost = 30, .reads = 30, .rng = 12345};
    for (uint64_t i = 0; i < N; i++)
        if (opsample_due(&s)) {
            opsample_timed(&s, h, 220);
            opsample_paid(&s, 60);
        }
    double frac = (double)s.timed / N;
    print_message("timed 1 in %.1f at cost %llu\n", 1 / frac, (unsigned long long)s.cost);
    assert_int_equal(s.cost, 90);
    assert_int_equal(s.every, 82);
    assert_true(frac > 1.0 / 90 && frac < 1.0 / 75);
    assert_true(h->count > N * 0.97 && h->count < N * 1.03);
    free(h);
}

static void test_weighted_record(void **state)
{
    (void)state;
    histogram h;
    hist_init(&h);
    hist_record_n(&h, 10, 99);
    hist_record_n(&h, 1000, 1);
    assert_int_equal(h.count, 100);
    assert_int_equal(h.recorded, 2);
    assert_int_equal(hist_quantile(&h, 0.99), 10);
    assert_true(hist_quantile(&h, 0.995) >= 990);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_ops_all_timed),
        cmocka_unit_test(test_short_ops_sampled),
        cmocka_unit_test(test_cost_measured_in_place),
        cmocka_unit_test(test_weighted_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
