/* Median CI and Mann-Whitney U against values worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <cmocka.h>

#include "analysis/mannwhitney.h"

/* n = 5: P(B(5,1/2) <= 0) = 1/32, 2/32 = 0.0625 > 0.05, so no order-statistic
 * interval reaches 95 %: min..max, coverage 1 - 2/32 = 0.9375.
 * n = 10: P(B <= 1) = 11/1024, 2*11/1024 = 0.0215 <= 0.05; P(B <= 2) =
 * 56/1024, 2*56/1024 = 0.109 > 0.05; so k = 2: [x_(2), x_(9)],
 * coverage 1 - 22/1024 = 0.978515625. */
static void median_ci(void **st)
{
    (void)st;
    double v5[] = { 50, 10, 40, 20, 30 };
    double v10[] = { 10, 1, 9, 2, 8, 3, 7, 4, 6, 5 };
    double lo, hi, cov;
    int bin;
    mw_median_ci(v5, 5, &lo, &hi, &cov, &bin);
    assert_int_equal(bin, 0);
    assert_float_equal(lo, 10, 0);
    assert_float_equal(hi, 50, 0);
    assert_float_equal(cov, 0.9375, 1e-12);
    mw_median_ci(v10, 10, &lo, &hi, &cov, &bin);
    assert_int_equal(bin, 1);
    assert_float_equal(lo, 2, 0);
    assert_float_equal(hi, 9, 0);
    assert_float_equal(cov, 1 - 22.0 / 1024, 1e-12);
}

/* x = {1,2,4}, y = {3,5,6}: pairs with x > y: only (4,3), so U = 1.
 * Null distribution of U for m = n = 3 (C(6,3) = 20 arrangements), counts
 * for u = 0..9: 1 1 2 3 3 3 3 2 1 1.  P(U <= 1) = 2/20, two-sided
 * p = 2 * 0.1 = 0.2. */
static void utest_exact_3x3(void **st)
{
    (void)st;
    double x[] = { 1, 2, 4 }, y[] = { 3, 5, 6 }, u;
    int exact;
    double p = mw_utest(x, 3, y, 3, &u, &exact);
    assert_int_equal(exact, 1);
    assert_float_equal(u, 1, 0);
    assert_float_equal(p, 0.2, 1e-12);
}

/* The committed data (tests/report/data): group A base throughput
 * {1.00,1.01,1.02,1.03,1.04}e6 vs worse {0.900..0.920}e6: every base run
 * beats every new run, U = 25 = m*n, one arrangement of C(10,5) = 252:
 * p = 2/252 = 0.0079365.
 * Group B base {100,102,104,106,108}e3 vs new {101,...,109}e3: U = 0+1+2+3+4
 * = 10.  Counts of U for m = n = 5 (Gaussian binomial [10 choose 5]) for
 * u = 0..10: 1 1 2 3 5 7 9 11 14 16 18, sum 87; P(U <= 10) = 87/252,
 * two-sided p = 174/252 = 0.6904762. */
static void utest_exact_5x5(void **st)
{
    (void)st;
    double a[] = { 1000000, 1010000, 1020000, 1030000, 1040000 };
    double aw[] = { 900000, 905000, 910000, 915000, 920000 };
    double b[] = { 100000, 102000, 104000, 106000, 108000 };
    double bn[] = { 101000, 103000, 105000, 107000, 109000 };
    double u;
    int exact;
    assert_float_equal(mw_utest(a, 5, aw, 5, &u, &exact), 2.0 / 252, 1e-12);
    assert_float_equal(u, 25, 0);
    assert_float_equal(mw_utest(b, 5, bn, 5, &u, &exact), 174.0 / 252, 1e-12);
    assert_float_equal(u, 10, 0);
    assert_int_equal(exact, 1);
    /* symmetric: swapping the samples gives U' = 25 - U and the same p */
    assert_float_equal(mw_utest(bn, 5, b, 5, &u, &exact), 174.0 / 252, 1e-12);
    assert_float_equal(u, 15, 0);
}

/* Ties force the normal approximation.  x = {1,1,2}, y = {2,3,3}:
 * U = 0.5 (the 2-2 tie), mean 4.5, ties: groups {1,1} {2,2} {3,3}, each
 * t^3 - t = 6, sum 18; var = 9/12 * (7 - 18/30) = 0.75 * 6.4 = 4.8;
 * z = (|0.5 - 4.5| - 0.5)/sqrt(4.8) = 3.5/2.19089 = 1.59752;
 * p = erfc(z/sqrt 2) = 0.110148. */
static void utest_ties(void **st)
{
    (void)st;
    double x[] = { 1, 1, 2 }, y[] = { 2, 3, 3 }, u;
    int exact;
    double p = mw_utest(x, 3, y, 3, &u, &exact);
    assert_int_equal(exact, 0);
    assert_float_equal(u, 0.5, 0);
    assert_float_equal(p, 0.110148, 1e-5);
    /* identical samples: p = 1 */
    assert_float_equal(mw_utest(x, 3, x, 3, &u, &exact), 1, 1e-12);
    /* all values equal: variance 0, p = 1 */
    double c[] = { 7, 7, 7 };
    assert_float_equal(mw_utest(c, 3, c, 3, &u, &exact), 1, 0);
    /* empty sample */
    assert_float_equal(mw_utest(c, 0, c, 3, &u, &exact), 1, 0);
}

/* Beyond 20 per side the normal approximation is used and agrees in
 * direction: 25 values 0..24 against 25 values 100..124, p tiny. */
static void utest_large(void **st)
{
    (void)st;
    double x[25], y[25], u;
    int exact;
    for (int i = 0; i < 25; i++) { x[i] = i; y[i] = 100 + i; }
    double p = mw_utest(x, 25, y, 25, &u, &exact);
    assert_int_equal(exact, 0);
    assert_float_equal(u, 0, 0);
    assert_true(p < 1e-8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_ci),
        cmocka_unit_test(utest_exact_3x3),
        cmocka_unit_test(utest_exact_5x5),
        cmocka_unit_test(utest_ties),
        cmocka_unit_test(utest_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
