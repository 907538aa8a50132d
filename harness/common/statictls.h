/* statictls.h - start the process again with the static TLS room that
 * plugins dlopen()ing a library with initial-exec TLS need (jemalloc).
 *
 * Debian's libjemalloc.so.2 needs 2.6 KB of static TLS, more than glibc
 * keeps spare for libraries loaded after start, and glibc reads the
 * GLIBC_TUNABLES that would raise it only at process start.  A program
 * that loads plugins calls statictls_reexec() first thing in main (test
 * hosts: tests/common/testhost.h does it from a constructor): when the
 * environment lacks glibc.rtld.optional_static_tls, it adds it (keeping any
 * other tunables) and execv()s /proc/self/exe with the same arguments, so
 * every command works as written without an export.  STATICTLS_MARK stops
 * a second exec (a glibc that ignores the tunable would loop otherwise).
 * The `gcbench` runner sets the same tunable in each child's environment
 * (runner.c).  Header-only; returns only when no exec was needed or the
 * exec failed (then the jemalloc plugin reports what to set).
 */
#ifndef GCB_HARNESS_STATICTLS_H
#define GCB_HARNESS_STATICTLS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATICTLS_TUNABLE "glibc.rtld.optional_static_tls=16384"
#define STATICTLS_MARK "GCBENCH_STATICTLS_REEXEC"

static inline void statictls_reexec(int argc, char **argv)
{
    const char *cur = getenv("GLIBC_TUNABLES");
    if ((cur != NULL && strstr(cur, "optional_static_tls") != NULL) || getenv(STATICTLS_MARK) != NULL ||
        argc < 1 || argv == NULL)
        return;
    size_t n = (cur ? strlen(cur) + 1 : 0) + sizeof STATICTLS_TUNABLE;
    char *v = malloc(n);
    if (v == NULL)
        return;
    snprintf(v, n, "%s%s%s", cur ? cur : "", cur ? ":" : "", STATICTLS_TUNABLE);
    if (setenv("GLIBC_TUNABLES", v, 1) != 0 || setenv(STATICTLS_MARK, "1", 1) != 0) {
        free(v);
        return;
    }
    free(v);
    fflush(NULL);
    execv("/proc/self/exe", argv);
    /* exec failed: carry on without (jemalloc's heap_new says what to set) */
}

#endif
