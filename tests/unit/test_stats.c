/* test_stats - MMU against hand-computed and brute-force answers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "common/stats.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_mmu_known(void **state)
{
    /* T = 1 s; 2 ms pauses at 100 ms and 102 ms (adjacent) and 500 ms. */
    const pause_iv p[] = {{0.100, 0.002}, {0.102, 0.002}, {0.500, 0.002}};
    NEAR(stats_mmu(p, 3, 1.0, 0.001), 0);
    NEAR(stats_mmu(p, 3, 1.0, 0.004), 0);
    NEAR(stats_mmu(p, 3, 1.0, 0.005), 0.2);
    NEAR(stats_mmu(p, 3, 1.0, 0.010), 0.6);
    NEAR(stats_mmu(p, 3, 1.0, 0.100), 0.96);
    NEAR(stats_mmu(p, 3, 1.0, 1.0), 0.994);
    NEAR(stats_mmu(p, 3, 1.0, 5.0), 0.994);     /* w >= T: the whole run */
    NEAR(stats_mmu(NULL, 0, 1.0, 0.01), 1);
    /* A pause at the very start and at the very end (windows clamp). */
    const pause_iv q[] = {{0, 0.003}, {0.997, 0.003}};
    NEAR(stats_mmu(q, 2, 1.0, 0.01), 0.7);
    NEAR(stats_mmu(q, 2, 1.0, 0.5), 0.994);
    /* Pauses past T are clipped. */
    const pause_iv r[] = {{0.999, 0.01}};
    NEAR(stats_mmu(r, 1, 1.0, 0.01), 0.9);
}

/* Paused time in [t, t+w), naively. */
static double paused(const pause_iv *p, size_t n, double T, double t, double w)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double s = fmax(p[i].start, t), e = fmin(fmin(p[i].start + p[i].dur, T), t + w);
        if (e > s)
            sum += e - s;
    }
    return sum;
}

static double frand(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static void test_mmu_brute(void **state)
{
    uint64_t seed = 12345;
    const double T = 1.0;
    const double ws[] = {0.0005, 0.002, 0.01, 0.05, 0.2, 0.7};
    for (int round = 0; round < 20; round++) {
        pause_iv p[64];
        size_t n = 0;
        double t = frand(&seed) * 0.05;
        while (n < 64 && t < T) {
            double dur = 0.0001 + frand(&seed) * 0.008;
            p[n].start = t;
            p[n].dur = dur;
            n++;
            /* Sometimes adjacent, sometimes far apart. */
            t += dur + (frand(&seed) < 0.3 ? 0 : frand(&seed) * 0.06);
        }
        for (size_t k = 0; k < sizeof ws / sizeof ws[0]; k++) {
            double w = ws[k];
            double got = stats_mmu(p, n, T, w);
            /* Grid of window starts; utilisation is (1/w)-Lipschitz in t. */
            const int steps = 20000;
            double h = (T - w) / steps, grid = 1;
            for (int i = 0; i <= steps; i++) {
                double u = 1 - paused(p, n, T, i * h, w) / w;
                if (u < grid)
                    grid = u;
            }
            if (!(got <= grid + 1e-9 && got >= grid - h / w - 1e-9))
                print_error("round %d w=%g: mmu %.9f, grid %.9f (step %g)\n", round, w, got,
                            grid, h);
            assert_true(got <= grid + 1e-9);
            assert_true(got >= grid - h / w - 1e-9);
            assert_true(got >= 0 && got <= 1);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mmu_known),
        cmocka_unit_test(test_mmu_brute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
