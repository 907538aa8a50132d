/* registry.h - the workloads compiled into gcbench. */
#ifndef GCB_WORKLOADS_REGISTRY_H
#define GCB_WORKLOADS_REGISTRY_H

#include <stddef.h>

#include "gcb/workload.h"

/* All workloads, sorted by name; *n receives the count. */
const gcb_workload *const *workload_all(size_t *n);

/* The workload called `name`, or NULL. */
const gcb_workload *workload_find(const char *name);

#endif
