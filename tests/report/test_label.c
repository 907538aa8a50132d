/* label.c: a group's label keeps only what differs between the groups of
 * the report (defaults dropped), and figures get one colour per series and
 * one panel per workload label. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "analysis/label.h"

static json_t *rec(const char *coll, const char *opts, const char *wl, const char *params, int threads)
{
    json_error_t e;
    json_t *o = json_loads(opts, 0, &e), *p = json_loads(params, 0, &e);
    assert_non_null(o);
    assert_non_null(p);
    return json_pack("{s:{s:s, s:o}, s:{s:s, s:o}, s:i}", "collector", "name", coll, "options", o,
                     "workload", "name", wl, "params", p, "threads", threads);
}

static void build(json_t **r, size_t n, label_set *l)
{
    label_build_runs(r, n, l);
    for (size_t i = 0; i < n; i++) json_decref(r[i]);
}

/* Equal options (defaults) are dropped: only collector and workload names. */
static void defaults_dropped(void **st)
{
    (void)st;
    const char *big = "{\"arena_reserve\":68719476736,\"chunk\":8388608,\"gogc\":100}";
    json_t *r[4] = {
        rec("arena", big, "builder", "{\"writes\":100,\"piece\":36}", 1),
        rec("marksweep", "{\"gogc\":100}", "builder", "{\"writes\":100,\"piece\":36}", 1),
        rec("arena", big, "api", "{\"corrupt\":false}", 1),
        rec("marksweep", "{\"gogc\":100}", "api", "{\"corrupt\":false}", 1),
    };
    label_set l;
    build(r, 4, &l);
    assert_string_equal(l.series[0], "arena");
    assert_string_equal(l.series[1], "marksweep");
    assert_string_equal(l.workload[0], "builder");
    assert_string_equal(l.workload[3], "api");
    assert_string_equal(l.full[2], "arena / api");
    assert_int_equal(l.nseries, 2);
    assert_int_equal(l.npanels, 2);
    assert_int_equal(l.colour[0], l.colour[2]);     /* arena: one colour in every panel */
    assert_int_not_equal(l.colour[0], l.colour[1]);
    assert_int_equal(l.panel[0], l.panel[1]);
    assert_int_not_equal(l.panel[0], l.panel[2]);
    label_free(&l);
}

/* An option that differs within one collector is kept, others are not; a
 * param that differs within one workload is kept; threads when they vary. */
static void differing_kept(void **st)
{
    (void)st;
    json_t *r[5] = {
        rec("marksweep", "{\"gogc\":50,\"memlimit\":0}", "builder", "{\"writes\":10,\"piece\":36}", 1),
        rec("marksweep", "{\"gogc\":200,\"memlimit\":0}", "builder", "{\"writes\":10,\"piece\":36}", 1),
        rec("freetracked", "{\"gogc\":100}", "builder", "{\"writes\":1000,\"piece\":36}", 1),
        rec("freetracked", "{\"gogc\":100}", "builder", "{\"writes\":1000,\"piece\":36}", 4),
        rec("malloc", "{}", "builder", "{\"writes\":10,\"piece\":36}", 1),
    };
    label_set l;
    build(r, 5, &l);
    assert_string_equal(l.series[0], "marksweep gogc=50");
    assert_string_equal(l.series[1], "marksweep gogc=200");
    assert_string_equal(l.series[2], "freetracked");   /* its gogc equals its own other group */
    assert_string_equal(l.series[4], "malloc");
    assert_string_equal(l.workload[0], "builder writes=10 t1");
    assert_string_equal(l.workload[2], "builder writes=1000 t1");
    assert_string_equal(l.workload[3], "builder writes=1000 t4");
    assert_int_equal(l.nseries, 4);
    assert_int_equal(l.npanels, 3);
    for (size_t i = 0; i < 5; i++)
        for (size_t j = i + 1; j < 5; j++)
            assert_true(strcmp(l.full[i], l.full[j]) != 0);
    label_free(&l);
}

/* An option present in only some groups of a collector counts as differing;
 * string values are shown bare. */
static void absent_and_strings(void **st)
{
    (void)st;
    json_t *r[2] = {
        rec("go", "{\"gogc\":\"off\"}", "rpc", "{}", 1),
        rec("go", "{}", "rpc", "{}", 1),
    };
    label_set l;
    build(r, 2, &l);
    assert_string_equal(l.series[0], "go gogc=off");
    assert_string_equal(l.series[1], "go gogc=-");
    assert_string_equal(l.workload[0], "rpc");
    assert_int_equal(l.npanels, 1);
    assert_string_equal(label_colour(0), label_colour(20));
    assert_string_not_equal(label_colour(0), label_colour(1));
    label_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_dropped),
        cmocka_unit_test(differing_kept),
        cmocka_unit_test(absent_and_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
