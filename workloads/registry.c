/* registry.c - the workloads compiled into gcbench, sorted by name. */
#include <string.h>

#include "registry.h"

extern const gcb_workload workload_binarytrees;
extern const gcb_workload workload_builder;

static const gcb_workload *const all[] = {
    &workload_binarytrees,
    &workload_builder,
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
