/* growslice_test.c - workloads/lib/growslice.h against capacities Go prints
 * for append one element at a time, and against builder_grow (the
 * 1-byte case b's builder uses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "builder.h"
#include "lib/growslice.h"

/* cap() after each growth of a []int64 appended one by one from nil, as
 * Go 1.20+ on amd64 prints it. */
static void int64_sequence(void **st)
{
    static const size_t want[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848, 1280, 1792, 2560};
    size_t cap = 0, k = 0;
    for (size_t len = 0; k < sizeof want / sizeof want[0]; len++)
        if (len + 1 > cap) {
            cap = growslice_cap(cap, len + 1, 8);
            assert_int_equal(cap, want[k]);
            k++;
        }
}

/* []byte: small sizes round up to size classes (append to nil of 5 bytes
 * gives cap 8; 33 gives 48). */
static void byte_rounding(void **st)
{
    assert_int_equal(growslice_cap(0, 5, 1), 8);
    assert_int_equal(growslice_cap(0, 33, 1), 48);
    assert_int_equal(growslice_cap(32, 33, 1), 64);
    /* 24-byte elements: 3 -> needs 4: doubling to 6 = 144 bytes, class 144. */
    assert_int_equal(growslice_cap(3, 4, 24), 6);
}

static void same_as_builder(void **st)
{
    for (size_t cap = 0; cap < 5000; cap += 7)
        for (size_t need = cap + 1; need < cap + 3000; need += 131)
            assert_int_equal(growslice_cap(cap, need, 1), builder_grow(cap, need));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(int64_sequence),
        cmocka_unit_test(byte_rounding),
        cmocka_unit_test(same_as_builder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
