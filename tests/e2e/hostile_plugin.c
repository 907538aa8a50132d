/* hostile_plugin.c - a plugin that misbehaves while it is loaded, one way
 * per build (HOSTILE_CTOR_EXIT, HOSTILE_CTOR_FAULT, HOSTILE_ENTRY_FAULT).
 * gcbench must refuse it with a message naming its file, and never die of
 * it: the parent never loads plugin code (harness/probe.h). */
#include <signal.h>
#include <stdlib.h>

#include "gcb/collector.h"

#if defined(HOSTILE_CTOR_EXIT)
__attribute__((constructor)) static void leave(void) { exit(0); }
#elif defined(HOSTILE_CTOR_FAULT)
__attribute__((constructor)) static void fault(void) { raise(SIGSEGV); }
#endif

const gcb_collector *gcb_collector_entry(void)
{
#if defined(HOSTILE_ENTRY_FAULT)
    raise(SIGSEGV);
#endif
    return NULL;
}
