/* gcbench compare on the committed record files: exit status and verdicts.
 * The p-values of the data are worked out by hand in test_mannwhitney.c
 * (group A: 2/252 = 0.0079, group B: 174/252 = 0.6905). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "capture.h"
#include "analysis/compare.h"

#define D REPORT_DATA "/"
#define A "marksweep{gogc=100}/builder{piece=36,writes=100}/t1"

/* Is there a line in cap_out holding all of a, b and c, in this order? */
static int hasline(const char *a, const char *b, const char *c)
{
    for (char *l = cap_out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        char *e = strchr(l, '\n'), *x, *y, *z;
        size_t len = e ? (size_t)(e - l) : strlen(l);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)len, l);
        if ((x = strstr(line, a)) && (y = strstr(x, b)) && (z = strstr(y, c))) return 1;
    }
    return 0;
}

static void identical(void **st)
{
    (void)st;
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "same.jsonl", NULL), 0);
    assert_null(strstr(cap_out, " worse\n"));
    assert_null(strstr(cap_out, " changed\n"));
    assert_non_null(strstr(cap_out, "summary: 0 worse, 0 better, 0 exact changed"));
}

static void worse(void **st)
{
    (void)st;
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "worse.jsonl", NULL), 1);
    /* A: throughput -10.78 %, p = 2/252 */
    assert_true(hasline(A, "1.02e+06", "910000   -10.78%   0.0079 worse"));
    /* B: +0.96 %, p = 174/252: not significant */
    assert_true(hasline("gogc=200", "104000", "105000    +0.96%   0.6905 ~"));
    assert_non_null(strstr(cap_out, "geomean"));
    /* a higher threshold than the change turns the verdict into ~ */
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "worse.jsonl",
                         "--threshold", "15", NULL), 0);
    /* so does a stricter alpha than 2/252 */
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "worse.jsonl",
                         "--alpha", "0.005", NULL), 0);
    /* the other direction is better, not worse */
    assert_int_equal(run(compare_main, "compare", D "worse.jsonl", D "base.jsonl", NULL), 0);
    assert_non_null(strstr(cap_out, "better"));
}

static void advisory(void **st)
{
    (void)st;
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "worse.jsonl",
                         "--timing-advisory", NULL), 0);
    assert_non_null(strstr(cap_out, "worse (advisory)"));
    /* exact metrics still fail */
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "bytes.jsonl",
                         "--timing-advisory", NULL), 1);
    assert_true(hasline(A, "3600000", "3600036    +0.00%    exact  changed"));
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "bytes.jsonl", NULL), 1);
}

/* Duration-bound runs allocate what their op count makes them allocate:
 * bytes_allocated is then compared like a timing metric, never `changed`. */
static void duration_bound(void **st)
{
    (void)st;
    assert_int_equal(run(compare_main, "compare", D "duration-base.jsonl", D "duration-new.jsonl",
                         "--timing-advisory", NULL), 0);
    assert_null(strstr(cap_out, " changed\n"));
    /* +0.1 % throughput: U = 10 as for group B, p = 174/252 */
    assert_true(hasline("marksweep", "1.02e+06", "+0.10%   0.6905 ~"));
}

/* --format writes both inputs for the other tool and keeps the verdict. */
static void formats(void **st)
{
    (void)st;
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "worse.jsonl",
                         "--format", "benchstat", "--out", REPORT_OUT, NULL), 1);
    assert_non_null(strstr(cap_out, "base-bench.txt"));
    assert_non_null(strstr(cap_out, "new-bench.txt"));
    assert_true(hasline(A, "1.02e+06", "910000   -10.78%   0.0079 worse"));
    FILE *f = fopen(REPORT_OUT "/new-bench.txt", "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "goos: linux\n");
    fclose(f);
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "same.jsonl",
                         "--format", "gbench", "--out", REPORT_OUT, NULL), 0);
    assert_non_null(strstr(cap_out, "base-gbench.json"));
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "same.jsonl",
                         "--format", "xml", NULL), 2);
}

static void bad_input(void **st)
{
    (void)st;
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "malformed.jsonl", NULL), 2);
    assert_non_null(strstr(cap_err, "malformed.jsonl:3:"));
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "other.jsonl", NULL), 2);
    assert_non_null(strstr(cap_err, "no group in common"));
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "missing.jsonl", NULL), 2);
    assert_non_null(strstr(cap_err, "missing.jsonl"));
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", NULL), 2);
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "same.jsonl",
                         "--alpha", "2", NULL), 2);
    assert_non_null(strstr(cap_err, "--alpha"));
    assert_int_equal(run(compare_main, "compare", D "base.jsonl", D "same.jsonl",
                         "--frob", NULL), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical),
        cmocka_unit_test(worse),
        cmocka_unit_test(advisory),
        cmocka_unit_test(duration_bound),
        cmocka_unit_test(formats),
        cmocka_unit_test(bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
