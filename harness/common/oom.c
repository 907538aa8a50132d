/* oom.c - running out of memory, by the error policy of harness.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

void harness_oom(const char *what)
{
    fprintf(stderr, "gcbench: out of memory while building %s\n", what);
    exit(2);
}

static void put(int fd, const char *s) { (void)!write(fd, s, strlen(s)); }

void harness_child_oom(const char *what)
{
    if (fcntl(3, F_GETFD) >= 0) {
        put(3, "\ngcbench-fault: out of memory while building ");
        put(3, what);
        put(3, "\n");
    }
    put(2, "gcbench: out of memory while building ");
    put(2, what);
    put(2, "\n");
    abort();
}
