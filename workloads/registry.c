/* registry.c - the workloads compiled into gcbench, sorted by name. */
#include <string.h>

#include "registry.h"

extern const gcb_workload workload_api;
extern const gcb_workload workload_binarytrees;
extern const gcb_workload workload_builder;
extern const gcb_workload workload_bytesbuffer;
extern const gcb_workload workload_collect;
extern const gcb_workload workload_fuzz;
extern const gcb_workload workload_jsontree;
extern const gcb_workload workload_lrucache;
extern const gcb_workload workload_mapgrow;
extern const gcb_workload workload_rpc;

static const gcb_workload *const all[] = {
    &workload_api,
    &workload_binarytrees,
    &workload_builder,
    &workload_bytesbuffer,
    &workload_collect,
    &workload_fuzz,
    &workload_jsontree,
    &workload_lrucache,
    &workload_mapgrow,
    &workload_rpc,
};

const gcb_workload *const *workload_all(size_t *n)
{
    *n = sizeof all / sizeof all[0];
    return all;
}

const gcb_workload *workload_find(const char *name)
{
    size_t n;
    const gcb_workload *const *w = workload_all(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i]->name, name) == 0)
            return w[i];
    return NULL;
}
