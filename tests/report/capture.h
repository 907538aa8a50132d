/* capture.h - run a report/compare entry point with stdout and stderr
 * redirected to files, so tests can check exit status and messages. */
#ifndef TESTS_REPORT_CAPTURE_H
#define TESTS_REPORT_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

/* Output of the last run(): stdout and stderr text (NUL-terminated). */
static char cap_out[1 << 16], cap_err[1 << 16];

static void slurp(int fd, char *buf, size_t len)
{
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, len - 1);
    buf[n > 0 ? n : 0] = '\0';
}

/* Calls fn(argc, argv) with argv given as a NULL-terminated list. */
static int run(int (*fn)(int, char **), ...)
{
    char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, fn);
    char *a;
    while ((a = va_arg(ap, char *)) != NULL && argc < 63) argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    char o[] = "/tmp/report-test-outXXXXXX", e[] = "/tmp/report-test-errXXXXXX";
    int fo = mkstemp(o), fe = mkstemp(e);
    unlink(o);
    unlink(e);
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    dup2(fo, 1);
    dup2(fe, 2);
    int rc = fn(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    slurp(fo, cap_out, sizeof cap_out);
    slurp(fe, cap_err, sizeof cap_err);
    close(fo);
    close(fe);
    return rc;
}

#endif
