/* test_limiter - the GC CPU limiter's bucket against Go's arithmetic
 * (runtime/mgclimit.go): GC CPU fills it and mutator CPU drains it one for
 * one, capacity 1 CPU-second per proc, brought up to date by assists every
 * 10 ms.  Driven by a fake clock: no timing in this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gc.h"

static uint64_t clock_ns;
static uint64_t fake_now(void *ctx) { (void)ctx; return clock_ns; }

static gc_heap heap;
static gcb_host host;

static void setup(int64_t memlimit)
{
    memset(&heap, 0, sizeof heap);
    memset(&host, 0, sizeof host);
    host.now_ns = fake_now;
    host.procs = 2;
    heap.host = &host;
    heap.cfg.gogc = 100;
    heap.cfg.memlimit = memlimit;
    clock_ns = 1000000000;
    pacer_init(&heap);
}

/* `ms` of wall time at GC CPU share `gc` of all procs, polled as assists
 * would every millisecond. */
static void run(int ms, double gc)
{
    for (int i = 0; i < ms; i++) {
        clock_ns += 1000000;
        pacer_limiter_charge(&heap, (uint64_t)(gc * 1e6 * host.procs));
        pacer_limiter_poll(&heap);
    }
}

static void test_engages_after_two_seconds_at_75(void **state)
{
    (void)state;
    setup(64 << 20);
    /* 75 % GC on 2 procs: fill 1.5 - drain 0.5 = 1 CPU-s per s; 2 CPU-s cap. */
    run(1900, 0.75);
    assert_false(atomic_load(&heap.limiter_on));
    run(200, 0.75);
    assert_true(atomic_load(&heap.limiter_on));
    /* Mutator time drains it at once: off within one update period. */
    run(20, 0.25);
    assert_false(atomic_load(&heap.limiter_on));
}

static void test_never_at_50(void **state)
{
    (void)state;
    setup(64 << 20);
    run(10000, 0.5);
    assert_false(atomic_load(&heap.limiter_on));
    assert_true(heap.limiter_bucket_ns < 20000000); /* only rounding */
}

static void test_off_without_memlimit(void **state)
{
    (void)state;
    setup(-1);
    run(5000, 1.0);
    assert_false(atomic_load(&heap.limiter_on));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engages_after_two_seconds_at_75),
        cmocka_unit_test(test_never_at_50),
        cmocka_unit_test(test_off_without_memlimit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
