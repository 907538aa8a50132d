/* plugin.h - what every Go-like plugin (marksweep, ballast, freetracked,
 * arena) shares: the standard options and the ABI methods over gc_heap.
 *
 * A variant plugin is its option list (GC_OPTIONS_STD followed by its own
 * options, from index GC_NOPTIONS), a heap_new that reads its own options
 * after calling gc_plugin_heap_new and registers its space (space.h), and
 * a table that starts with GC_PLUGIN_METHODS and adds the hints it
 * honours.  Its gcb_heap is the gc_heap (gc_plugin_heap_new allocates it);
 * variant state lives in the variant's space, which the hints find with
 * gc_space_find, never in gc_heap.  The variants' code is in their own
 * folders (collectors/arena, collectors/freetracked, collectors/ballast).
 */
#ifndef GC_PLUGIN_H
#define GC_PLUGIN_H

#include "gc.h"

enum { GC_OPT_MODE, GC_OPT_GOGC, GC_OPT_MEMLIMIT, GC_OPT_GCTRACE, GC_OPT_VERIFY,
       GC_OPT_SCAVENGE, GC_OPT_RESERVE, GC_OPT_FORCEGC, GC_OPT_GLOBALS, GC_OPT_NONHEAP,
       GC_OPT_RUNTIME_HEAP, GC_OPT_RUNTIME_UNUSED, GC_NOPTIONS };

/* The standard options, as initialisers of a gcb_option_desc array
 * (an X-list: `static const gcb_option_desc options[] = { GC_OPTIONS_STD, ... }`). */
#define GC_OPTIONS_STD                                                                          \
    [GC_OPT_MODE] = {"mode", GCB_OPT_ENUM, "concurrent",                                        \
                     "concurrent: Go's phases (STW sweep termination, concurrent mark, STW "    \
                     "mark termination); stw: the whole mark in one pause",                     \
                     0, 0, "concurrent|stw", NULL},                                             \
    [GC_OPT_GOGC] = {"gogc", GCB_OPT_INT, "100",                                                \
                     "GOGC: heap growth percent over the live heap before the next cycle; "     \
                     "off = no cycles unless memlimit",                                         \
                     0, 100000, NULL, "off"},                                                   \
    [GC_OPT_MEMLIMIT] = {"memlimit", GCB_OPT_BYTES, "off",                                      \
                         "GOMEMLIMIT: soft limit on heap memory; when it binds, Go's GC CPU "   \
                         "limiter stops assists once GC CPU has exceeded mutator CPU by 1 "     \
                         "CPU-second per proc (a leaky bucket: above 50 % for 2+ s), leaving "  \
                         "the 25 % background workers plus pauses",                             \
                         1 << 20, 1e15, NULL, "off"},                                           \
    [GC_OPT_GCTRACE] = {"gctrace", GCB_OPT_BOOL, "false",                                       \
                        "print a GODEBUG=gctrace=1 style line per cycle to the log", 0, 0,      \
                        NULL, NULL},                                                            \
    [GC_OPT_VERIFY] = {"verify", GCB_OPT_BOOL, "false",                                         \
                       "check after each mark that every reachable object is marked, poison "   \
                       "freed slots and check the poison on reuse (slow)",                      \
                       0, 0, NULL, NULL},                                                       \
    [GC_OPT_SCAVENGE] = {"scavenge", GCB_OPT_ENUM, "goal",                                      \
                         "return free pages to the OS: goal = keep heap goal + 10 % resident "  \
                         "(Go), eager = release every free page after each sweep, off = never", \
                         0, 0, "goal|eager|off", NULL},                                         \
    [GC_OPT_RESERVE] = {"reserve", GCB_OPT_BYTES, "64GiB",                                      \
                        "address space reserved for the heap (its maximum size)", 1 << 26,      \
                        1ULL << 46, NULL, NULL},                                                \
    [GC_OPT_FORCEGC] = {"forcegc", GCB_OPT_DOUBLE, "120",                                       \
                        "seconds without a cycle after which one is forced (Go's "              \
                        "forcegcperiod, 2 minutes); off = never",                               \
                        0.01, 1e6, NULL, "off"},                                        \
    [GC_OPT_GLOBALS] = {"globals", GCB_OPT_BYTES, "145994",                                     \
                        "bytes of pointer-holding globals of the modelled Go program's "        \
                        "runtime and packages, scanned by the mark workers every cycle and "    \
                        "counted in the pacer's scan work and heap goal, as Go scans its "      \
                        "data and bss (default: a minimal Go 1.26 program's, from "             \
                        "GODEBUG=gcpacertrace=1; the Go twins have 161610, their "              \
                        "gc.scan_globals_bytes); 0 = only the "                                 \
                        "workload's registered roots (with runtime_heap = 0)",                  \
                        0, 1ULL << 32, NULL, NULL},                                             \
    [GC_OPT_NONHEAP] = {"nonheap", GCB_OPT_BYTES, "3954952",                                    \
                        "bytes of the modelled Go runtime's memory outside the heap "           \
                        "(goroutine stacks, span and GC metadata, profiling buckets, other), "  \
                        "which memlimit leaves to it as Go's memoryLimitHeapGoal does (with "   \
                        "the heap's own unused slot bytes); default: a minimal Go 1.26 "        \
                        "program's /memory/classes total less heap released, free, objects "    \
                        "and unused, after runtime.GC()",                                       \
                        0, 1ULL << 40, NULL, NULL},                                             \
    [GC_OPT_RUNTIME_HEAP] = {"runtime_heap", GCB_OPT_BYTES, "51808",                            \
                             "bytes of scannable heap objects the modelled Go program's "       \
                             "runtime, package init and driver keep (Go's Ps, Ms, Gs, "         \
                             "package maps): 64-byte objects with 8 pointer slots, hung in "    \
                             "chains from the modelled globals, marked and scanned every "      \
                             "cycle and counted in the live heap, scan work and goal as Go's "  \
                             "are (default: a minimal Go 1.26 program's /gc/scan/heap at "      \
                             "main's start; a go run reports its own as "                       \
                             "heap.runtime_scan_bytes); needs globals > 0 unless 0",            \
                             0, 1ULL << 32, NULL, NULL},                                        \
    [GC_OPT_RUNTIME_UNUSED] = {"runtime_unused", GCB_OPT_BYTES, "326600",                       \
                               "bytes of the modelled Go runtime's in-use heap spans that no "  \
                               "object fills: its own and package init's objects take one "     \
                               "or more spans in each of ~25 size classes, mostly free, which " \
                               "Go's memoryLimitHeapGoal counts as non-heap memory and its "    \
                               "scavenger as mapped; the memory limit leaves them to the "      \
                               "runtime as it does nonheap (default: a minimal Go 1.26 "        \
                               "program's /memory/classes/heap/unused after runtime.GC() "      \
                               "twice; a go run with option runtime_probe reports its own as "  \
                               "heap.runtime_unused_bytes)",                                    \
                               0, 1ULL << 40, NULL, NULL}

/* Create the heap of plugin `table` from the standard options opts[0 ..
 * GC_NOPTIONS).  0 or an errno value with a message in err. */
int gc_plugin_heap_new(const gcb_collector *table, const gcb_host *host, const gcb_value *opts,
                       gcb_heap **out, char *err, size_t errlen);

/* The gc_heap behind a plugin's heap or mutator. */
static inline gc_heap *gc_heap_of(gcb_heap *h) { return (gc_heap *)(void *)h; }
static inline gc_mutator *gc_mutator_of(gcb_mutator *m) { return (gc_mutator *)m; }

void gc_plugin_heap_free(gcb_heap *h);
int gc_plugin_mutator_attach(gcb_heap *h, gcb_mutator **out);
void gc_plugin_mutator_detach(gcb_mutator *m);
void *gc_plugin_alloc(gcb_mutator *m, const gcb_type *t, size_t bytes);
void gc_plugin_safepoint(gcb_mutator *m);
void gc_plugin_blocking_enter(gcb_mutator *m);
void gc_plugin_blocking_exit(gcb_mutator *m);
void gc_plugin_add_root(gcb_mutator *m, void **slot);
void gc_plugin_collect(gcb_mutator *m);
void gc_plugin_stats(gcb_heap *h, gcb_heap_stats *out);
int gc_plugin_verify(gcb_mutator *m, char *err, size_t errlen);

/* The required methods (and verify) of a Go-like plugin's table. */
#define GC_PLUGIN_METHODS                                  \
    .abi = GCB_ABI_VERSION, .size = sizeof(gcb_collector), \
    .heap_free = gc_plugin_heap_free,                      \
    .mutator_attach = gc_plugin_mutator_attach,            \
    .mutator_detach = gc_plugin_mutator_detach,            \
    .alloc = gc_plugin_alloc,                              \
    .write_barrier = mark_write_barrier,                   \
    .safepoint = gc_plugin_safepoint,                      \
    .blocking_enter = gc_plugin_blocking_enter,            \
    .blocking_exit = gc_plugin_blocking_exit,              \
    .add_root = gc_plugin_add_root,                        \
    .collect = gc_plugin_collect,                          \
    .stats = gc_plugin_stats,                              \
    .verify = gc_plugin_verify

#endif
