/* test_loader - the loader accepts a good plugin and refuses broken ones
 * with a message that starts with the file path and says why. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loader.h"

#ifndef TEST_PLUGIN_DIR
#error "TEST_PLUGIN_DIR: folder of the test plugins"
#endif

static void path_of(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s.so", TEST_PLUGIN_DIR, name);
}

/* Refusal of plugin `name`: the message starts with its path and contains
 * every string in want[]. */
static void refused(const char *name, const char *const *want, size_t nwant)
{
    char path[4096], err[1024];
    path_of(name, path, sizeof path);
    loader_plugin p;
    err[0] = '\0';
    int rc = loader_open(path, &p, err, sizeof err);
    print_message("%s -> %s\n", name, err);
    assert_int_not_equal(rc, 0);
    assert_null(p.gc);
    assert_null(p.dl);
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    for (size_t i = 0; i < nwant; i++) {
        if (!strstr(err, want[i]))
            print_error("missing '%s' in: %s\n", want[i], err);
        assert_non_null(strstr(err, want[i]));
    }
}

static void test_good(void **state)
{
    char path[4096], err[1024] = "";
    path_of("good_plugin", path, sizeof path);
    loader_plugin p;
    int rc = loader_open(path, &p, err, sizeof err);
    if (rc)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    assert_non_null(p.gc);
    assert_non_null(p.dl);
    assert_string_equal(p.gc->name, "good");
    assert_int_equal(p.gc->abi, GCB_ABI_VERSION);
    assert_int_equal(p.gc->noptions, 1);
    assert_string_equal(p.path, path);
    loader_close(&p);
    assert_null(p.dl);
}

static void test_by_name(void **state)
{
    /* A bare name resolves in the plugin dir ($GCBENCH_PLUGIN_DIR first). */
    setenv("GCBENCH_PLUGIN_DIR", TEST_PLUGIN_DIR, 1);
    assert_string_equal(loader_plugin_dir(), TEST_PLUGIN_DIR);
    char path[4096], want[4096], err[1024] = "";
    assert_int_equal(loader_resolve("good_plugin", path, sizeof path, err, sizeof err), 0);
    path_of("good_plugin", want, sizeof want);
    assert_string_equal(path, want);
    loader_plugin p;
    assert_int_equal(loader_open("good_plugin", &p, err, sizeof err), 0);
    assert_string_equal(p.gc->name, "good");
    loader_close(&p);

    setenv("GCBENCH_PLUGIN_DIR", "/nonexistent-gcbench-dir", 1);
    assert_string_equal(loader_plugin_dir(), "/nonexistent-gcbench-dir");
    assert_int_equal(loader_open("good_plugin", &p, err, sizeof err), ENOENT);
    assert_non_null(strstr(err, "/nonexistent-gcbench-dir/good_plugin.so"));
    char **names;
    assert_int_equal(loader_list(&names), 0);
    free(names);

    /* Unset: the compiled-in dir (the test defines it as the same folder). */
    unsetenv("GCBENCH_PLUGIN_DIR");
    assert_string_equal(loader_plugin_dir(), GCB_PLUGIN_DIR);
}

static void test_list(void **state)
{
    setenv("GCBENCH_PLUGIN_DIR", TEST_PLUGIN_DIR, 1);
    char **names;
    size_t n = loader_list(&names);
    const char *want[] = {"bad_abi", "good_plugin", "no_entry", "null_entry", "null_method",
                          "small_table"};
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(names[i], want[i]);
        free(names[i]);
    }
    free(names);
    unsetenv("GCBENCH_PLUGIN_DIR");
}

static void test_bad_abi(void **state)
{
    char abi[64];
    snprintf(abi, sizeof abi, "gcbench ABI %d", GCB_ABI_VERSION);
    const char *want[] = {"plugin ABI 999", abi};
    refused("bad_abi", want, 2);
}

static void test_small_table(void **state)
{
    char min[64];
    snprintf(min, sizeof min, "at least %zu required", (size_t)GCB_COLLECTOR_MIN_SIZE);
    const char *want[] = {"table is 16 bytes", min};
    refused("small_table", want, 2);
}

static void test_no_entry(void **state)
{
    const char *want[] = {"not a gcbench plugin", "gcb_collector_entry"};
    refused("no_entry", want, 2);
}

static void test_null_method(void **state)
{
    const char *want[] = {"collect", "NULL"};
    refused("null_method", want, 2);
}

static void test_null_entry(void **state)
{
    const char *want[] = {"returned NULL"};
    refused("null_entry", want, 1);
}

static void test_missing(void **state)
{
    const char *want[] = {"No such file"};
    refused("does_not_exist", want, 1);

    /* A file that is not a shared object: dlopen's reason. */
    char path[] = "/tmp/gcb_test_loader_XXXXXX.so";
    int fd = mkstemps(path, 3);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not elf", 7), 7);
    close(fd);
    loader_plugin p;
    char err[1024];
    assert_int_not_equal(loader_open(path, &p, err, sizeof err), 0);
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    assert_non_null(strstr(err, "cannot load plugin"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_by_name),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_bad_abi),
        cmocka_unit_test(test_small_table),
        cmocka_unit_test(test_no_entry),
        cmocka_unit_test(test_null_method),
        cmocka_unit_test(test_null_entry),
        cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
