/* test_opclock.c - the operation clock: ticks never run backwards, and a
 * tick interval converts to the CLOCK_MONOTONIC interval it spans (within
 * 2 %: the calibration brackets its readings, so this holds on a busy
 * machine too); the fallback is CLOCK_MONOTONIC itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "child/opclock.h"

static void spin_ns(uint64_t ns)
{
    uint64_t t0 = opclock_mono_ns();
    while (opclock_mono_ns() - t0 < ns)
        ;
}

static void check_clock(void)
{
    opclock c;
    opclock_start(&c);
    uint64_t t0 = opclock_ticks(&c), n0 = opclock_mono_ns();
    uint64_t prev = t0;
    for (int i = 0; i < 100000; i++) {
        uint64_t t = opclock_ticks(&c);
        assert_true(t >= prev);
        prev = t;
    }
    spin_ns(50000000);
    uint64_t t1 = opclock_ticks(&c), n1 = opclock_mono_ns();
    opclock_stop(&c);
    double got = (double)opclock_ns(&c, t1 - t0), want = (double)(n1 - n0);
    print_message("clock %s: %.0f ns measured, %.0f ns by CLOCK_MONOTONIC\n", opclock_name(&c), got, want);
    assert_true(got > want * 0.98 && got < want * 1.02);
    uint64_t ms = opclock_ticks_of(&c, 1000000);
    assert_true(opclock_ns(&c, ms) > 990000 && opclock_ns(&c, ms) < 1010000);
}

static void test_default(void **state)
{
    (void)state;
    unsetenv("GCBENCH_OPCLOCK");
    check_clock();
}

static void test_monotonic(void **state)
{
    (void)state;
    setenv("GCBENCH_OPCLOCK", "monotonic", 1);
    opclock c;
    opclock_start(&c);
    assert_int_equal(c.tsc, 0);
    assert_string_equal(opclock_name(&c), "monotonic");
    assert_int_equal(opclock_ns(&c, 12345), 12345);
    check_clock();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_monotonic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
