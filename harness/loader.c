/* loader.c - find, open and check a collector plugin.
 *
 * Checks happen in the order a reader needs them: the file opens, it exports
 * the entry symbol, the entry returns a table, the table's ABI matches, it
 * is large enough to hold every required method, the required methods and
 * names are there.  The host never reads a table field before `size` says
 * it exists.  Every refusal message starts with the file path.
 */
#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef GCB_PLUGIN_DIR
#error "GCB_PLUGIN_DIR must be defined (the build's plugin folder)"
#endif

const char *loader_plugin_dir(void)
{
    const char *env = getenv("GCBENCH_PLUGIN_DIR");
    if (env && env[0])
        return env;
    return GCB_PLUGIN_DIR;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int loader_resolve(const char *name_or_path, char *path, size_t pathlen,
                   char *err, size_t errlen)
{
    int n;
    if (name_or_path == NULL || name_or_path[0] == '\0') {
        snprintf(err, errlen, "collector name is empty");
        return ENOENT;
    }
    if (strchr(name_or_path, '/') || ends_with(name_or_path, ".so"))
        n = snprintf(path, pathlen, "%s", name_or_path);
    else
        n = snprintf(path, pathlen, "%s/%s.so", loader_plugin_dir(), name_or_path);
    if (n < 0 || (size_t)n >= pathlen) {
        snprintf(err, errlen, "%s: plugin path too long", name_or_path);
        return ENAMETOOLONG;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        if (strchr(name_or_path, '/') || ends_with(name_or_path, ".so"))
            snprintf(err, errlen, "%s: cannot open plugin: %s", path, strerror(e));
        else
            snprintf(err, errlen, "%s: no collector '%s' in plugin dir %s (%s); "
                     "`gcbench list` shows the installed ones",
                     path, name_or_path, loader_plugin_dir(), strerror(e));
        return ENOENT;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return ENOENT;
    }
    return 0;
}

/* The required methods: a NULL one is a refusal.  All lie below
 * GCB_COLLECTOR_MIN_SIZE, which is checked first. */
static const char *missing_method(const gcb_collector *c)
{
#define REQUIRE(f) if (c->f == NULL) return #f
    REQUIRE(heap_new);
    REQUIRE(heap_free);
    REQUIRE(mutator_attach);
    REQUIRE(mutator_detach);
    REQUIRE(alloc);
    REQUIRE(write_barrier);
    REQUIRE(safepoint);
    REQUIRE(blocking_enter);
    REQUIRE(blocking_exit);
    REQUIRE(add_root);
    REQUIRE(collect);
    REQUIRE(stats);
#undef REQUIRE
    return NULL;
}

static int check(const char *path, const gcb_collector *c, char *err, size_t errlen)
{
    if (c == NULL) {
        snprintf(err, errlen, "%s: %s() returned NULL", path, GCB_ENTRY_SYMBOL);
        return EINVAL;
    }
    if (c->abi != GCB_ABI_VERSION) {
        snprintf(err, errlen, "%s: ABI mismatch: plugin ABI %u, gcbench ABI %u "
                 "(rebuild the plugin against this gcbench)",
                 path, (unsigned)c->abi, (unsigned)GCB_ABI_VERSION);
        return EINVAL;
    }
    if (c->size < GCB_COLLECTOR_MIN_SIZE) {
        snprintf(err, errlen, "%s: collector table is %u bytes, at least %zu required",
                 path, (unsigned)c->size, (size_t)GCB_COLLECTOR_MIN_SIZE);
        return EINVAL;
    }
    const char *m = missing_method(c);
    if (m) {
        snprintf(err, errlen, "%s: required method %s is NULL", path, m);
        return EINVAL;
    }
    if (c->name == NULL || c->name[0] == '\0') {
        snprintf(err, errlen, "%s: collector table has no name", path);
        return EINVAL;
    }
    if (c->description == NULL) {
        snprintf(err, errlen, "%s: collector '%s' has no description", path, c->name);
        return EINVAL;
    }
    if (c->noptions > 0 && c->options == NULL) {
        snprintf(err, errlen, "%s: collector '%s' declares %u options but no option table",
                 path, c->name, (unsigned)c->noptions);
        return EINVAL;
    }
    return 0;
}

int loader_open(const char *name_or_path, loader_plugin *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int rc = loader_resolve(name_or_path, out->path, sizeof out->path, err, errlen);
    if (rc != 0)
        return rc;
    /* dlopen searches the library path for a bare name; make it a path. */
    char open_path[sizeof out->path + 2];
    if (strchr(out->path, '/'))
        snprintf(open_path, sizeof open_path, "%s", out->path);
    else
        snprintf(open_path, sizeof open_path, "./%s", out->path);
    dlerror();
    void *dl = dlopen(open_path, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
        const char *why = dlerror();
        snprintf(err, errlen, "%s: cannot load plugin: %s", out->path, why ? why : "dlopen failed");
        return ENOEXEC;
    }
    dlerror();
    void *sym = dlsym(dl, GCB_ENTRY_SYMBOL);
    if (sym == NULL) {
        snprintf(err, errlen, "%s: not a gcbench plugin: no symbol %s", out->path,
                 GCB_ENTRY_SYMBOL);
        dlclose(dl);
        return ENOEXEC;
    }
    gcb_collector_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry);  /* object pointer to function pointer */
    const gcb_collector *c = entry();
    rc = check(out->path, c, err, errlen);
    if (rc != 0) {
        dlclose(dl);
        return rc;
    }
    out->dl = dl;
    out->gc = c;
    return 0;
}

void loader_close(loader_plugin *p)
{
    if (p == NULL)
        return;
    if (p->dl)
        dlclose(p->dl);
    p->dl = NULL;
    p->gc = NULL;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t loader_list(char ***names)
{
    *names = NULL;
    DIR *dir = opendir(loader_plugin_dir());
    if (dir == NULL)
        return 0;
    size_t n = 0, cap = 0;
    char **v = NULL;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= 3 || !ends_with(de->d_name, ".so") || de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            char **nv = realloc(v, ncap * sizeof *nv);
            if (nv == NULL)
                break;
            v = nv;
            cap = ncap;
        }
        char *s = strndup(de->d_name, len - 3);
        if (s == NULL)
            break;
        v[n++] = s;
    }
    closedir(dir);
    if (n > 1)
        qsort(v, n, sizeof *v, compare_names);
    *names = v;
    return n;
}
