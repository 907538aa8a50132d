/* test_oomwatch - the oom_kill count is read from both cgroup file
 * formats, and a SIGKILL explanation names the RSS and the OOM evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "oomwatch.h"

static void test_parse(void **state)
{
    (void)state;
    /* cgroup v2 memory.events */
    assert_int_equal(oomwatch_oom_kills("low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\n"), 2);
    /* cgroup v1 memory.oom_control */
    assert_int_equal(oomwatch_oom_kills("oom_kill_disable 0\nunder_oom 0\noom_kill 7\n"), 7);
    assert_int_equal(oomwatch_oom_kills("oom_kill_disable 0\nunder_oom 0\n"), -1);
    assert_int_equal(oomwatch_oom_kills(""), -1);
}

static void test_explain(void **state)
{
    (void)state;
    oomwatch w;
    oomwatch_start(&w, getpid());
    oomwatch_sample(&w);
    assert_true(w.rss_bytes > 0);
    char msg[1024] = "child killed by signal 9 (Killed)";
    oomwatch_explain(&w, msg, sizeof msg);
    assert_non_null(strstr(msg, "; last sampled RSS "));
    /* A peak at the machine's whole memory reads as out of memory. */
    w.peak_bytes = UINT64_MAX / 2;
    w.oom_kills0 = -1;
    strcpy(msg, "killed");
    oomwatch_explain(&w, msg, sizeof msg);
    assert_non_null(strstr(msg, "out of memory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_explain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
