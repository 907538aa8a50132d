/* testhost.h - the host services every test host shares: an event sink
 * that ignores events, thread spawning with pthread_create, logging to
 * stderr (one line per call), CLOCK_MONOTONIC; and, unless the includer
 * defines TESTHOST_NO_CHECK first (tests with a failure counter of their
 * own), the CHECK macro with its `failures` count and plugin loading the
 * way the harness does it (dlopen RTLD_NOW | RTLD_LOCAL).
 *
 * Header-only, every function static inline: each test is one translation
 * unit and uses what it needs.
 *
 * A test host restarts itself before main with the static TLS room the
 * jemalloc plugin needs when GLIBC_TUNABLES lacks it (harness/common/statictls.h,
 * run from the constructor below; glibc hands constructors argc and argv),
 * so every test runs as written without an export.  Tests that check events pass a sink of
 * their own as gcb_host.event and keep the other services.
 */
#ifndef GCB_TESTS_COMMON_TESTHOST_H
#define GCB_TESTS_COMMON_TESTHOST_H

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gcb/collector.h"
#include "../../harness/common/statictls.h"

__attribute__((constructor)) static void testhost_statictls(int argc, char **argv, char **envp)
{
    (void)envp;
    statictls_reexec(argc, argv);
}

static inline void testhost_event(void *ctx, const gcb_event *ev) {}

static inline int testhost_spawn(void *ctx, const char *name, void *(*fn)(void *), void *arg,
                                 pthread_t *out)
{
    return pthread_create(out, NULL, fn, arg);
}

static inline void testhost_log(void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Nanoseconds, CLOCK_MONOTONIC. */
static inline uint64_t testhost_now_ns(void *ctx)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Set option `name` of gc's table in v (indexed as gc->options) to the
 * integer i, or to its special word ("off") when `special`; 0, or -1 when
 * the table has no such option. */
static inline int testhost_set_option(const gcb_collector *gc, gcb_value *v, const char *name,
                                      int64_t i, int special)
{
    for (uint32_t k = 0; k < gc->noptions; k++)
        if (strcmp(gc->options[k].name, name) == 0) {
            v[k].i = i;
            v[k].d = (double)i;
            v[k].special = special;
            return 0;
        }
    fprintf(stderr, "no option %s in %s\n", name, gc->name);
    return -1;
}

#ifndef TESTHOST_NO_CHECK
static int failures; /* CHECKs that failed; main returns non-zero if any */

#define CHECK(cond, ...)                                                             \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                            \
            fputc('\n', stderr);                                                     \
            failures++;                                                              \
        }                                                                            \
    } while (0)

/* testhost_set_option, a missing option counted as a failed CHECK. */
static inline void testhost_set(const gcb_collector *gc, gcb_value *v, const char *name, int64_t i,
                                int special)
{
    CHECK(testhost_set_option(gc, v, name, i, special) == 0, "option %s", name);
}

/* The collector table of the plugin at path; NULL on failure (checked). */
static inline const gcb_collector *load(const char *path)
{
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    CHECK(dl != NULL, "dlopen %s: %s", path, dlerror());
    if (dl == NULL)
        return NULL;
    gcb_collector_entry_fn entry = (gcb_collector_entry_fn)dlsym(dl, GCB_ENTRY_SYMBOL);
    CHECK(entry != NULL, "%s has no %s", path, GCB_ENTRY_SYMBOL);
    if (entry == NULL)
        return NULL;
    const gcb_collector *gc = entry();
    CHECK(gc != NULL && gc->abi == GCB_ABI_VERSION && gc->size >= GCB_COLLECTOR_MIN_SIZE,
          "%s: bad table", path);
    return gc;
}
#endif

#endif
