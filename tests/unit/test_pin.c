/* test_pin - placement plans, binding and read-back through hwloc. */
#include <errno.h>
#include <hwloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pin.h"

static hwloc_topology_t topo;

static int setup(void **state)
{
    if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    hwloc_topology_destroy(topo);
    return 0;
}

static int pu_exists(int os)
{
    return os >= 0 && hwloc_get_pu_obj_by_os_index(topo, (unsigned)os) != NULL;
}

static int first_pu_os(void)
{
    return (int)hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, 0)->os_index;
}

static void test_none(void **state)
{
    pin_plan *p;
    char err[256] = "";
    assert_int_equal(pin_plan_new("none", NULL, 0, 4, &p, err, sizeof err), 0);
    assert_int_equal(pin_bind_mutator(p, 0), 0);
    assert_int_equal(pin_bind_mutator(p, 3), 0);
    assert_int_equal(pin_bind_gc(p), 0);
    assert_int_equal(pin_procs(p), hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU));
    char buf[256];
    pin_read_cpuset(p, buf, sizeof buf);
    assert_true(buf[0] != '\0');
    pin_plan_free(p);
}

/* Binding happens on a fresh thread so the test's main thread stays free. */
typedef struct job {
    pin_plan *plan;
    int tid;        /* mutator number, or -1 for a GC thread */
    int rc;
    int pu;
    char set[256];
} job;

static void *run(void *arg)
{
    job *j = arg;
    j->rc = j->tid >= 0 ? pin_bind_mutator(j->plan, j->tid) : pin_bind_gc(j->plan);
    j->pu = pin_read_pu(j->plan);
    pin_read_cpuset(j->plan, j->set, sizeof j->set);
    return NULL;
}

static void on_thread(job *j)
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, run, j), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
}

static void test_pu(void **state)
{
    pin_plan *p;
    char err[256] = "";
    assert_int_equal(pin_plan_new("pu", NULL, 0, 1, &p, err, sizeof err), 0);
    assert_int_equal(pin_procs(p), hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU));
    job j = {p, 0, -1, -1, ""};
    on_thread(&j);
    assert_int_equal(j.rc, 0);
    assert_true(pu_exists(j.pu));
    assert_int_equal(j.pu, first_pu_os());
    char want[32];
    snprintf(want, sizeof want, "%d", j.pu);
    assert_string_equal(j.set, want);

    /* A GC thread floats over every PU of the plan. */
    job g = {p, -1, -1, -1, ""};
    on_thread(&g);
    assert_int_equal(g.rc, 0);
    char all[256];
    hwloc_bitmap_list_snprintf(all, sizeof all, hwloc_topology_get_topology_cpuset(topo));
    assert_string_equal(g.set, all);
    if (pin_procs(p) > 1)
        assert_int_equal(g.pu, -1);
    pin_plan_free(p);
}

static void test_core_wraps(void **state)
{
    int ncore = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    if (ncore <= 0)
        skip();
    pin_plan *p;
    char err[256] = "";
    assert_int_equal(pin_plan_new("core", NULL, 0, ncore + 1, &p, err, sizeof err), 0);
    assert_int_equal(pin_procs(p), ncore);
    job j[2] = {{p, 0, -1, -1, ""}, {p, ncore, -1, -1, ""}};
    on_thread(&j[0]);
    on_thread(&j[1]);
    assert_int_equal(j[0].rc, 0);
    assert_int_equal(j[1].rc, 0);
    /* Mutator 0 gets the first PU of core 0; mutator ncore wraps to it. */
    hwloc_obj_t core0 = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, 0);
    hwloc_obj_t pu0 = hwloc_get_obj_inside_cpuset_by_type(topo, core0->cpuset, HWLOC_OBJ_PU, 0);
    assert_int_equal(j[0].pu, (int)pu0->os_index);
    assert_int_equal(j[1].pu, j[0].pu);
    pin_plan_free(p);
}

static void test_list(void **state)
{
    pin_plan *p;
    char err[256] = "";
    int bad[] = {first_pu_os(), 99999};
    assert_int_equal(pin_plan_new("list", bad, 2, 2, &p, err, sizeof err), EINVAL);
    assert_null(p);
    assert_non_null(strstr(err, "99999"));
    char valid[128];
    hwloc_bitmap_list_snprintf(valid, sizeof valid, hwloc_topology_get_topology_cpuset(topo));
    assert_non_null(strstr(err, valid));

    int neg[] = {-3};
    assert_int_equal(pin_plan_new("list", neg, 1, 1, &p, err, sizeof err), EINVAL);
    assert_non_null(strstr(err, "-3"));
    assert_int_equal(pin_plan_new("list", NULL, 0, 1, &p, err, sizeof err), EINVAL);

    int good[] = {first_pu_os()};
    assert_int_equal(pin_plan_new("list", good, 1, 3, &p, err, sizeof err), 0);
    assert_int_equal(pin_procs(p), 1);
    job j = {p, 2, -1, -1, ""};
    on_thread(&j);
    assert_int_equal(j.rc, 0);
    assert_int_equal(j.pu, good[0]);
    pin_plan_free(p);
}

static void test_bad_policy(void **state)
{
    pin_plan *p = (pin_plan *)1;
    char err[256] = "";
    assert_int_equal(pin_plan_new("cores", NULL, 0, 1, &p, err, sizeof err), EINVAL);
    assert_null(p);
    assert_non_null(strstr(err, "'cores'"));
    assert_non_null(strstr(err, "\"core\""));
}

static void test_concurrent(void **state)
{
    pin_plan *p;
    char err[256] = "";
    enum { N = 8 };
    assert_int_equal(pin_plan_new("pu", NULL, 0, N, &p, err, sizeof err), 0);
    job j[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        j[i] = (job){p, i % 2 ? i : -1, -1, -1, ""};
        if (i % 3 == 0)
            j[i].tid = i;
        assert_int_equal(pthread_create(&t[i], NULL, run, &j[i]), 0);
    }
    int npu = pin_procs(p);
    for (int i = 0; i < N; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(j[i].rc, 0);
        if (j[i].tid >= 0) {
            hwloc_obj_t want = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, j[i].tid % npu);
            assert_int_equal(j[i].pu, (int)want->os_index);
        }
    }
    pin_plan_free(p);
}

static void test_summary(void **state)
{
    pin_plan *p;
    char err[256] = "", buf[512] = "";
    assert_int_equal(pin_plan_new("none", NULL, 0, 1, &p, err, sizeof err), 0);
    pin_topology_summary(p, buf, sizeof buf);
    print_message("%s\n", buf);
    assert_true(strlen(buf) > 0);
    char want[64];
    int npu = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    snprintf(want, sizeof want, "%d PU", npu);
    assert_non_null(strstr(buf, want));
    assert_non_null(strstr(buf, "package"));
    pin_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_pu),
        cmocka_unit_test(test_core_wraps),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_bad_policy),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
