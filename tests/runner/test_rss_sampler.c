/* test_rss_sampler.c - the RSS sampler: samples ordered, buffer never
 * overflows, decimation doubles the interval and keeps the series even. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "child/rss_sampler.h"

static void stats(gcb_heap *h, gcb_heap_stats *out)
{
    out->heap_bytes = 4242;
}

static const gcb_collector fakegc = {.abi = GCB_ABI_VERSION, .name = "fake", .stats = stats};

static void decimates(void **state)
{
    sampler s;
    /* 10 kHz with room for 16 + 0 samples: fills in ~2 ms, then decimates. */
    assert_int_equal(sampler_start(&s, &fakegc, NULL, 10000, 0), 0);
    const uint64_t first = 100000;   /* ns at 10 kHz; s is the thread's until stop */
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    sampler_stop(&s);
    size_t cap = s.cap;
    assert_int_equal(cap, 16);
    assert_true(s.n >= 2 && s.n <= cap);
    assert_true(s.interval_ns > first);
    assert_int_equal(s.interval_ns % first, 0);
    for (size_t i = 1; i < s.n; i++)
        assert_true(s.v[i].t_ns >= s.v[i - 1].t_ns);
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(s.v[i].heap, 4242);
        assert_true(s.v[i].rss > 0);
        assert_true(s.v[i].rss <= s.max_rss);
    }
    assert_true(sampler_hwm() >= s.v[0].rss / 2);
    sampler_free(&s);
}

static void slow_rate_takes_first_and_last(void **state)
{
    sampler s;
    assert_int_equal(sampler_start(&s, &fakegc, NULL, 0.5, 10), 0);
    sampler_stop(&s);
    /* one at start, one at stop, whatever the rate */
    assert_int_equal(s.n, 2);
    sampler_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decimates),
        cmocka_unit_test(slow_rate_takes_first_and_last),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
