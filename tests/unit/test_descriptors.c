/* test_descriptors - every option of every built collector and every
 * workload parameter is well formed, and its default parses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcb/workload.h"
#include "loader.h"
#include "options.h"
#include "registry.h"

static void check_table(const char *owner, const gcb_option_desc *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const gcb_option_desc *o = &d[i];
        assert_non_null(o->name);
        assert_true(o->name[0] != '\0');
        for (const char *c = o->name; *c; c++)
            assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_');
        assert_non_null(o->help);
        assert_non_null(o->def);
        assert_true(o->type >= GCB_OPT_INT && o->type <= GCB_OPT_SET);
        if (o->type == GCB_OPT_INT || o->type == GCB_OPT_BYTES || o->type == GCB_OPT_DOUBLE)
            assert_true(o->min <= o->max);
        if (o->type == GCB_OPT_ENUM || o->type == GCB_OPT_SET)
            assert_non_null(o->choices);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(o->name, d[j].name);

        gcb_value v, w;
        char err[512], buf[128];
        int rc = opt_parse(owner, o, o->def, &v, err, sizeof err);
        if (rc)
            print_error("default does not parse: %s\n", err);
        assert_int_equal(rc, 0);
        opt_format(o, &v, buf, sizeof buf);
        rc = opt_parse(owner, o, buf, &w, err, sizeof err);
        if (rc)
            print_error("canonical text does not parse: %s\n", err);
        assert_int_equal(rc, 0);
        assert_true(w.i == v.i && w.d == v.d && w.special == v.special);
    }
    gcb_value out[64];
    char err[512];
    assert_true(n <= 64);
    assert_int_equal(opt_resolve(owner, d, n, NULL, 0, out, err, sizeof err), 0);
}

static void test_workloads(void **state)
{
    size_t n;
    const gcb_workload *const *all = workload_all(&n);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        char owner[128];
        snprintf(owner, sizeof owner, "workload '%s'", all[i]->name);
        print_message("%s: %u params\n", owner, (unsigned)all[i]->nparams);
        check_table(owner, all[i]->params, all[i]->nparams);
    }
}

static void test_collectors(void **state)
{
    char **names;
    size_t n = loader_list(&names);
    print_message("%zu collectors in %s\n", n, loader_plugin_dir());
    for (size_t i = 0; i < n; i++) {
        loader_plugin p;
        char err[1024];
        int rc = loader_open(names[i], &p, err, sizeof err);
        if (rc)
            print_error("%s\n", err);
        assert_int_equal(rc, 0);
        char owner[128];
        snprintf(owner, sizeof owner, "collector '%s'", p.gc->name);
        check_table(owner, p.gc->options, p.gc->noptions);
        /* Plugins are not unloaded: some (mimalloc, jemalloc) must stay. */
        free(names[i]);
    }
    free(names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workloads),
        cmocka_unit_test(test_collectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
