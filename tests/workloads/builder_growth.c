/* builder_growth.c - the builder's buffer grows exactly as Go's append. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "builder.h"

/* 1024 writes of 32 bytes: Go's strings.Builder grows 18 times. */
static void grow_sequence_32x1024(void **unused)
{
    static const size_t want[] = {32, 64, 128, 256, 512, 896, 1408, 2048, 3072,
                                  4096, 5376, 6912, 9472, 12288, 16384, 21760,
                                  28672, 40960};
    size_t got[64];
    size_t n = 0, len = 0, cap = 0;
    for (int k = 0; k < 1024; k++) {
        if (len + 32 > cap) {
            cap = builder_grow(cap, len + 32);
            assert_true(n < 64);
            got[n++] = cap;
        }
        len += 32;
    }
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
    assert_true(cap >= len);
}

static void grow_rules(void **unused)
{
    assert_int_equal(builder_grow(0, 5), 8);          /* needed > 2*old: needed, rounded */
    assert_int_equal(builder_grow(8, 100), 112);      /* 100 -> size class 112 */
    assert_int_equal(builder_grow(16, 20), 32);       /* old < 256: double */
    assert_int_equal(builder_grow(256, 257), 512);    /* 256 + (256 + 768) / 4 */
    /* 40960 + 10432 = 51392, large: rounded up to 8 KiB pages */
    assert_int_equal(builder_grow(40960, 40961), 57344);
    /* two steps of the 1.25x rule: 1000 -> 1442 -> 1994, class 2048 */
    assert_int_equal(builder_grow(1000, 1900), 2048);
    assert_int_equal(builder_grow(1000, 2500), 2688); /* needed > 2*old: 2500, class 2688 */
}

static void checksum_sees_one_byte(void **unused)
{
    char a[1000], b[1000];
    for (int i = 0; i < 1000; i++)
        a[i] = (char)(i * 7 + 3);
    uint64_t h = builder_checksum(a, sizeof a);
    assert_int_equal(h, builder_checksum(a, sizeof a));
    for (int i = 0; i < 1000; i += 37) {   /* every lane and the tail */
        memcpy(b, a, sizeof a);
        b[i] ^= 1;
        assert_int_not_equal(h, builder_checksum(b, sizeof b));
    }
    memcpy(b, a, sizeof a);
    b[999] ^= 0x40;
    assert_int_not_equal(h, builder_checksum(b, sizeof b));
    assert_int_not_equal(h, builder_checksum(a, sizeof a - 1)); /* length counts */
    /* Order counts: swap two different words of the same lane (offsets 0
     * and 64), which leaves that lane's plain sum unchanged. */
    memcpy(b, a, sizeof a);
    memcpy(b, a + 64, 8);
    memcpy(b + 64, a, 8);
    assert_memory_not_equal(a, b, 8);
    assert_int_not_equal(h, builder_checksum(b, sizeof b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grow_sequence_32x1024),
        cmocka_unit_test(grow_rules),
        cmocka_unit_test(checksum_sees_one_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
