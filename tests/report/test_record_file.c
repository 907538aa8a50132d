/* Reading and grouping run records. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "capture.h"
#include "analysis/record_file.h"

static int load(int argc, char **argv)
{
    rec_set s = {0};
    int rc = 0;
    for (int i = 0; i < argc && rc == 0; i++) rc = rec_load(&s, argv[i]);
    rec_free(&s);
    return rc;
}

static void groups(void **st)
{
    (void)st;
    rec_set s = {0};
    assert_int_equal(rec_load(&s, REPORT_DATA "/base.jsonl"), 0);
    assert_int_equal(s.n, 15);          /* 16 lines, one blank */
    assert_int_equal(s.ngroups, 3);
    assert_string_equal(s.groups[0].key, "marksweep{gogc=100}/builder{piece=36,writes=100}/t1");
    assert_string_equal(s.groups[1].key, "marksweep{gogc=200}/builder{piece=36,writes=100}/t1");
    assert_string_equal(s.groups[2].key, "malloc/builder{piece=36,writes=100}/t1");
    for (size_t i = 0; i < 3; i++) assert_int_equal(s.groups[i].n, 5);
    /* the blank line is line 3, so the third record sits on line 4 */
    assert_int_equal(s.runs[2].line, 4);

    double *v;
    size_t n = rec_values(&s, &s.groups[0], "ops_per_s", &v);
    assert_int_equal(n, 5);
    assert_float_equal(v[0], 1000000, 0);
    assert_float_equal(v[4], 1040000, 0);
    free(v);
    n = rec_values(&s, &s.groups[0], "mmu.0.01", &v);
    assert_int_equal(n, 5);
    assert_float_equal(v[0], 0.9, 1e-12);
    free(v);
    int ok;
    assert_float_equal(rec_path(s.runs[0].j, "pauses.count", &ok), 8, 0);
    assert_int_equal(ok, 1);
    rec_path(s.runs[0].j, "no.such.field", &ok);
    assert_int_equal(ok, 0);
    assert_null(rec_find(&s, "nogc/builder/t1"));
    assert_ptr_equal(rec_find(&s, s.groups[1].key), &s.groups[1]);

    /* loading a second file appends to the same groups */
    assert_int_equal(rec_load(&s, REPORT_DATA "/same.jsonl"), 0);
    assert_int_equal(s.ngroups, 3);
    assert_int_equal(s.groups[0].n, 10);
    rec_free(&s);
}

/* The key does not depend on the order of option keys. */
static void key_order(void **st)
{
    (void)st;
    json_t *a = json_loads("{\"collector\":{\"name\":\"m\",\"options\":{\"b\":1,\"a\":\"x\"}},"
                           "\"workload\":{\"name\":\"w\",\"params\":{}},\"threads\":4}", 0, NULL);
    json_t *b = json_loads("{\"threads\":4,\"workload\":{\"name\":\"w\"},"
                           "\"collector\":{\"options\":{\"a\":\"x\",\"b\":1},\"name\":\"m\"}}", 0, NULL);
    char *ka = rec_key(a), *kb = rec_key(b);
    assert_string_equal(ka, "m{a=x,b=1}/w/t4");
    assert_string_equal(ka, kb);
    free(ka);
    free(kb);
    json_decref(a);
    json_decref(b);
}

static void malformed(void **st)
{
    (void)st;
    assert_int_equal(run(load, REPORT_DATA "/malformed.jsonl", NULL), 2);
    assert_non_null(strstr(cap_err, "malformed.jsonl:3: malformed JSON"));
    assert_int_equal(run(load, REPORT_DATA "/no-such-file.jsonl", NULL), 2);
    assert_non_null(strstr(cap_err, "no-such-file.jsonl: No such file"));
}

/* Records cut short by a killed writer (resultsfile.h) are skipped with a
 * warning naming file and line; the whole records around them are kept. */
static void partial(void **st)
{
    (void)st;
    rec_set s = {0};
    assert_int_equal(rec_load(&s, REPORT_DATA "/partial.jsonl"), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.runs[1].line, 3);
    rec_free(&s);
    assert_int_equal(run(load, REPORT_DATA "/partial.jsonl", NULL), 0);
    assert_non_null(strstr(cap_err, "partial.jsonl:2: warning: skipping a partial record"));
    assert_non_null(strstr(cap_err, "partial.jsonl:4: warning: skipping a partial record"));
}

/* A JSON object that is not a run record is refused with its line. */
static void not_a_record(void **st)
{
    (void)st;
    char path[] = "/tmp/report-test-recXXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "\n{\"schema\":\"other/2\"}\n");
    fclose(f);
    assert_int_equal(run(load, path, NULL), 2);
    assert_non_null(strstr(cap_err, ":2: not a run record: field \"schema\""));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(groups),
        cmocka_unit_test(key_order),
        cmocka_unit_test(malformed),
        cmocka_unit_test(partial),
        cmocka_unit_test(not_a_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
