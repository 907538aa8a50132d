/* test_quantile - the one median and the one quantile (common/quantile.h)
 * against values worked out by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/quantile.h"

static void median_of_odd_count_is_middle_value(void **state)
{
    const double v[] = {5, 1, 3};
    assert_true(quantile_median(v, 3) == 3);
    const double one[] = {42};
    assert_true(quantile_median(one, 1) == 42);
}

static void median_of_even_count_is_mean_of_middle_two(void **state)
{
    const double v[] = {4, 1, 3, 2};
    assert_true(quantile_median(v, 4) == 2.5);
    const double w[] = {10, 0};
    assert_true(quantile_median(w, 2) == 5);
    /* The input is not reordered. */
    assert_true(v[0] == 4 && v[3] == 2);
}

static void median_of_nothing_is_nan(void **state)
{
    const double v[] = {1};
    assert_true(isnan(quantile_median(v, 0)));
}

static void rank_is_nearest_rank(void **state)
{
    const double v[] = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};  /* 1..10 shuffled */
    assert_true(quantile_rank(v, 10, 0) == 1);
    assert_true(quantile_rank(v, 10, 0.1) == 1);
    assert_true(quantile_rank(v, 10, 0.11) == 2);
    assert_true(quantile_rank(v, 10, 0.5) == 5);
    assert_true(quantile_rank(v, 10, 0.51) == 6);
    assert_true(quantile_rank(v, 10, 0.9) == 9);
    assert_true(quantile_rank(v, 10, 0.99) == 10);
    assert_true(quantile_rank(v, 10, 1) == 10);
    assert_true(quantile_rank(v, 0, 0.5) == 0);
    const double one[] = {42};
    assert_true(quantile_rank(one, 1, 0.5) == 42);
    /* The input is not reordered. */
    assert_true(v[0] == 5 && v[9] == 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_of_odd_count_is_middle_value),
        cmocka_unit_test(median_of_even_count_is_mean_of_middle_two),
        cmocka_unit_test(median_of_nothing_is_nan),
        cmocka_unit_test(rank_is_nearest_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
