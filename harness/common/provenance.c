/* provenance.c - see provenance.h.  The build facts come from the generated
 * gcb_build_info.h (harness/common/build_info.cmake), the machine facts from
 * uname(2), gethostname(2) and hwloc. */
#define _GNU_SOURCE
#include "common/provenance.h"
#include "gcb/version.h"
#include "gcb_build_info.h"
#include "harness.h"

#include <hwloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static json_t *cached;          /* built by provenance_get */
static char script_path[4096] = "(none)";
static char script_hash[64] = "(none)";

void provenance_set_script(const char *path)
{
    snprintf(script_path, sizeof script_path, "%s", path);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(script_hash, sizeof script_hash, "unreadable");
    } else {
        uint64_t h = 14695981039346656037ull;
        int c;
        while ((c = getc(f)) != EOF) {
            h ^= (unsigned char)c;
            h *= 1099511628211ull;
        }
        fclose(f);
        snprintf(script_hash, sizeof script_hash, "fnv1a64:%016llx", (unsigned long long)h);
    }
    json_decref(cached);
    cached = NULL;
}

/* "1 package, 1 NUMA node, 2 cores, 2 PUs, L3 32 MiB" */
static void summarize(hwloc_topology_t t, char *buf, size_t len)
{
    static const struct { hwloc_obj_type_t type; const char *name; } parts[] = {
        {HWLOC_OBJ_PACKAGE, "package"}, {HWLOC_OBJ_NUMANODE, "NUMA node"},
        {HWLOC_OBJ_CORE, "core"}, {HWLOC_OBJ_PU, "PU"},
    };
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof parts / sizeof *parts && n < len; i++) {
        int k = hwloc_get_nbobjs_by_type(t, parts[i].type);
        n += (size_t)snprintf(buf + n, len - n, "%s%d %s%s", i ? ", " : "", k, parts[i].name,
                              k == 1 ? "" : "s");
    }
    hwloc_obj_t l3 = hwloc_get_obj_by_type(t, HWLOC_OBJ_L3CACHE, 0);
    if (l3 && l3->attr && n < len)
        snprintf(buf + n, len - n, ", L3 %llu KiB",
                 (unsigned long long)(l3->attr->cache.size / 1024));
}

static const char *cpumodel(hwloc_topology_t t)
{
    hwloc_obj_t pkg = hwloc_get_obj_by_type(t, HWLOC_OBJ_PACKAGE, 0);
    const char *m = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
    if (m == NULL) m = hwloc_obj_get_info_by_name(hwloc_get_root_obj(t), "CPUModel");
    return m && *m ? m : "unknown";
}

json_t *provenance_get(void)
{
    if (cached != NULL)
        return cached;
    struct utsname u;
    char host[256] = "unknown", topo[256] = "unknown", model[256] = "unknown";
    int cores = 0, pus = 0;
    if (uname(&u) != 0)
        snprintf(u.release, sizeof u.release, "unknown");
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    hwloc_topology_t t;
    if (hwloc_topology_init(&t) == 0) {
        if (hwloc_topology_load(t) == 0) {
            cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
            pus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
            summarize(t, topo, sizeof topo);
            snprintf(model, sizeof model, "%s", cpumodel(t));
        }
        hwloc_topology_destroy(t);
    }
    cached = json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s}",
        "gcbench_version", GCB_VERSION, "commit", GCB_BUILD_COMMIT, "dirty", GCB_BUILD_DIRTY,
        "compiler", GCB_BUILD_COMPILER, "cflags", *GCB_BUILD_FLAGS ? GCB_BUILD_FLAGS : "(none)",
        "build_type", *GCB_BUILD_TYPE ? GCB_BUILD_TYPE : "(none)",
        "hostname", host, "kernel", u.release, "cpu_model", model, "cores", cores, "pus", pus,
        "topology", topo, "script", script_path, "script_hash", script_hash);
    if (cached == NULL)
        harness_oom("the provenance object");
    return cached;
}

void provenance_stamp(json_t *rec)
{
    json_object_set_new(rec, "provenance", json_deep_copy(provenance_get()));
}
