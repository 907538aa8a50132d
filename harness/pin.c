/* pin.c - thread placement with hwloc.
 *
 * A plan is computed once from the loaded topology: `slots` lists, in order,
 * the PU OS indexes mutator threads take (mutator tid gets
 * slots[tid % nslots], so more threads than slots wrap around), and `gcset`
 * is the union of the slots, where GC threads float.  After pin_plan_new
 * the topology and the plan are read-only, so several threads may bind and
 * read back at once (each call allocates its own bitmap).
 */
#include "pin.h"

#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { POLICY_NONE, POLICY_CORE, POLICY_PU, POLICY_LIST };

struct pin_plan {
    hwloc_topology_t topo;   /* loaded topology; read-only after pin_plan_new */
    int policy;              /* POLICY_* */
    int nthreads;            /* mutator threads the plan was made for */
    size_t nslots;           /* entries in slots; 0 for "none" */
    unsigned *slots;         /* PU OS indexes, in the order mutators take them */
    hwloc_bitmap_t gcset;    /* union of slots; NULL for "none" */
};

static int policy_of(const char *s)
{
    if (strcmp(s, "none") == 0) return POLICY_NONE;
    if (strcmp(s, "core") == 0) return POLICY_CORE;
    if (strcmp(s, "pu") == 0) return POLICY_PU;
    if (strcmp(s, "list") == 0) return POLICY_LIST;
    return -1;
}

void pin_plan_free(pin_plan *p)
{
    if (p == NULL)
        return;
    if (p->gcset)
        hwloc_bitmap_free(p->gcset);
    free(p->slots);
    if (p->topo)
        hwloc_topology_destroy(p->topo);
    free(p);
}

/* The first PU (in logical order) inside obj. */
static hwloc_obj_t first_pu(hwloc_topology_t topo, hwloc_obj_t obj)
{
    return hwloc_get_obj_inside_cpuset_by_type(topo, obj->cpuset, HWLOC_OBJ_PU, 0);
}

int pin_plan_new(const char *policy, const int *pus, size_t npus, int nthreads,
                 pin_plan **out, char *err, size_t errlen)
{
    *out = NULL;
    int pol = policy ? policy_of(policy) : -1;
    if (pol < 0) {
        snprintf(err, errlen, "pin policy '%s': expected \"none\", \"core\", \"pu\" or a list "
                 "of PU numbers", policy ? policy : "(null)");
        return EINVAL;
    }
    if (nthreads < 0) {
        snprintf(err, errlen, "pin: thread count %d is negative", nthreads);
        return EINVAL;
    }
    if (pol == POLICY_LIST && (pus == NULL || npus == 0)) {
        snprintf(err, errlen, "pin list: the list of PUs is empty");
        return EINVAL;
    }
    pin_plan *p = calloc(1, sizeof *p);
    if (p == NULL) {
        snprintf(err, errlen, "pin: out of memory");
        return ENOMEM;
    }
    p->policy = pol;
    p->nthreads = nthreads;
    if (hwloc_topology_init(&p->topo) != 0 || hwloc_topology_load(p->topo) != 0) {
        int e = errno ? errno : EIO;
        snprintf(err, errlen, "pin: cannot load the hwloc topology: %s", strerror(e));
        pin_plan_free(p);
        return e;
    }
    int npu = hwloc_get_nbobjs_by_type(p->topo, HWLOC_OBJ_PU);
    int ncore = hwloc_get_nbobjs_by_type(p->topo, HWLOC_OBJ_CORE);
    size_t cap = pol == POLICY_LIST ? npus : (size_t)(npu > 0 ? npu : 1);
    p->slots = calloc(cap, sizeof *p->slots);
    p->gcset = hwloc_bitmap_alloc();
    if (p->slots == NULL || p->gcset == NULL) {
        snprintf(err, errlen, "pin: out of memory");
        pin_plan_free(p);
        return ENOMEM;
    }
    switch (pol) {
    case POLICY_NONE:
        break;
    case POLICY_CORE:
        if (ncore <= 0) {   /* no core objects reported: one slot per PU */
            for (int i = 0; i < npu; i++)
                p->slots[p->nslots++] = hwloc_get_obj_by_type(p->topo, HWLOC_OBJ_PU, i)->os_index;
            break;
        }
        for (int i = 0; i < ncore && p->nslots < cap; i++) {
            hwloc_obj_t pu = first_pu(p->topo, hwloc_get_obj_by_type(p->topo, HWLOC_OBJ_CORE, i));
            if (pu)
                p->slots[p->nslots++] = pu->os_index;
        }
        break;
    case POLICY_PU:
        for (int i = 0; i < npu; i++)
            p->slots[p->nslots++] = hwloc_get_obj_by_type(p->topo, HWLOC_OBJ_PU, i)->os_index;
        break;
    case POLICY_LIST:
        for (size_t i = 0; i < npus; i++) {
            hwloc_obj_t pu = pus[i] >= 0 ? hwloc_get_pu_obj_by_os_index(p->topo, (unsigned)pus[i])
                                         : NULL;
            if (pu == NULL) {
                char valid[256] = "?";
                hwloc_bitmap_list_snprintf(valid, sizeof valid,
                                           hwloc_topology_get_topology_cpuset(p->topo));
                snprintf(err, errlen, "pin list: PU %d does not exist (valid PU numbers: %s)",
                         pus[i], valid);
                pin_plan_free(p);
                return EINVAL;
            }
            p->slots[p->nslots++] = pu->os_index;
        }
        break;
    }
    if (pol != POLICY_NONE && p->nslots == 0) {
        snprintf(err, errlen, "pin policy '%s': the topology has no processing units", policy);
        pin_plan_free(p);
        return EINVAL;
    }
    if (pol == POLICY_NONE) {
        hwloc_bitmap_free(p->gcset);
        p->gcset = NULL;
    } else {
        for (size_t i = 0; i < p->nslots; i++)
            hwloc_bitmap_set(p->gcset, p->slots[i]);
    }
    *out = p;
    return 0;
}

static int bind_to(pin_plan *p, hwloc_const_bitmap_t set)
{
    if (hwloc_set_cpubind(p->topo, set, HWLOC_CPUBIND_THREAD) != 0)
        return errno ? errno : EINVAL;
    return 0;
}

int pin_bind_mutator(pin_plan *p, int tid)
{
    if (p == NULL || p->policy == POLICY_NONE)
        return 0;
    if (tid < 0)
        return EINVAL;
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (set == NULL)
        return ENOMEM;
    hwloc_bitmap_only(set, p->slots[(size_t)tid % p->nslots]);
    int rc = bind_to(p, set);
    hwloc_bitmap_free(set);
    return rc;
}

int pin_bind_gc(pin_plan *p)
{
    if (p == NULL || p->policy == POLICY_NONE)
        return 0;
    return bind_to(p, p->gcset);
}

int pin_read_pu(pin_plan *p)
{
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (set == NULL)
        return -1;
    int pu = -1;
    if (hwloc_get_cpubind(p->topo, set, HWLOC_CPUBIND_THREAD) == 0 &&
        hwloc_bitmap_weight(set) == 1)
        pu = hwloc_bitmap_first(set);
    hwloc_bitmap_free(set);
    return pu;
}

void pin_read_cpuset(pin_plan *p, char *buf, size_t len)
{
    if (len == 0)
        return;
    buf[0] = '\0';
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (set == NULL)
        return;
    if (hwloc_get_cpubind(p->topo, set, HWLOC_CPUBIND_THREAD) == 0)
        hwloc_bitmap_list_snprintf(buf, len, set);
    hwloc_bitmap_free(set);
}

int pin_mutator_pu(const pin_plan *p, int tid)
{
    if (p == NULL || p->policy == POLICY_NONE || tid < 0 || p->nslots == 0)
        return -1;
    return (int)p->slots[(size_t)tid % p->nslots];
}

size_t pin_gc_pus(const pin_plan *p, int *pus, size_t max)
{
    if (p == NULL || p->policy == POLICY_NONE)
        return 0;
    size_t n = 0;
    int i;
    hwloc_bitmap_foreach_begin(i, p->gcset)
        if (n < max)
            pus[n++] = i;
    hwloc_bitmap_foreach_end();
    return n;
}

int pin_procs(pin_plan *p)
{
    if (p->policy == POLICY_NONE) {
        int n = hwloc_get_nbobjs_by_type(p->topo, HWLOC_OBJ_PU);
        return n > 0 ? n : 1;
    }
    return hwloc_bitmap_weight(p->gcset);
}

/* The CPU model: hwloc's CPUModel info on the first package, else the
 * "model name" line of /proc/cpuinfo, else "". */
static void cpu_model(hwloc_topology_t topo, char *buf, size_t len)
{
    buf[0] = '\0';
    hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
    const char *m = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
    if (m == NULL)
        m = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), "CPUModel");
    if (m && m[0]) {
        snprintf(buf, len, "%s", m);
        return;
    }
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        char *c = strchr(line, ':');
        if (c == NULL)
            continue;
        c++;
        while (*c == ' ' || *c == '\t')
            c++;
        c[strcspn(c, "\n")] = '\0';
        snprintf(buf, len, "%s", c);
        break;
    }
    fclose(f);
}

static void size_text(unsigned long long b, char *buf, size_t len)
{
    if (b >= (1ull << 20) && b % (1ull << 20) == 0)
        snprintf(buf, len, "%lluMiB", b >> 20);
    else if (b >= 1024 && b % 1024 == 0)
        snprintf(buf, len, "%lluKiB", b >> 10);
    else
        snprintf(buf, len, "%lluB", b);
}

void pin_topology_summary(pin_plan *p, char *buf, size_t len)
{
    if (len == 0)
        return;
    int npkg = hwloc_get_nbobjs_by_type(p->topo, HWLOC_OBJ_PACKAGE);
    int ncore = hwloc_get_nbobjs_by_type(p->topo, HWLOC_OBJ_CORE);
    int npu = hwloc_get_nbobjs_by_type(p->topo, HWLOC_OBJ_PU);
    int n = snprintf(buf, len, "%d package%s, %d core%s, %d PU%s", npkg, npkg == 1 ? "" : "s",
                     ncore, ncore == 1 ? "" : "s", npu, npu == 1 ? "" : "s");
    hwloc_obj_t l3 = hwloc_get_obj_by_type(p->topo, HWLOC_OBJ_L3CACHE, 0);
    if (l3 && l3->attr && n >= 0 && (size_t)n < len) {
        char sz[32];
        size_text((unsigned long long)l3->attr->cache.size, sz, sizeof sz);
        n += snprintf(buf + n, len - (size_t)n, ", L3 %s", sz);
    }
    char model[256];
    cpu_model(p->topo, model, sizeof model);
    if (model[0] && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ": %s", model);
}

int pin_partition_cores(int n, pin_set *sets, char *err, size_t errlen)
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0) {
        snprintf(err, errlen, "--jobs: cannot load the hwloc topology");
        return EIO;
    }
    int ncore = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    hwloc_obj_type_t unit = HWLOC_OBJ_CORE;
    if (ncore <= 0) {   /* no core objects reported: PUs are the cores */
        unit = HWLOC_OBJ_PU;
        ncore = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    }
    if (n < 1 || n > ncore) {
        snprintf(err, errlen, "--jobs %d: this machine gives gcbench %d core%s, so %d runs at "
                 "once would share a core (use --jobs 1..%d)", n, ncore, ncore == 1 ? "" : "s",
                 n, ncore);
        hwloc_topology_destroy(topo);
        return EINVAL;
    }
    int per = ncore / n;
    for (int j = 0; j < n; j++) {
        sets[j].npus = 0;
        for (int c = j * per; c < (j + 1) * per; c++) {
            hwloc_obj_t core = hwloc_get_obj_by_type(topo, unit, (unsigned)c);
            unsigned pu;
            hwloc_bitmap_foreach_begin(pu, core->cpuset)
                if (sets[j].npus < PIN_SET_MAX)
                    sets[j].pus[sets[j].npus++] = (int)pu;
            hwloc_bitmap_foreach_end();
        }
    }
    hwloc_topology_destroy(topo);
    return 0;
}
