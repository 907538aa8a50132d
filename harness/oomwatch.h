/* oomwatch.h - why a run's child was killed with SIGKILL.
 *
 * The parent samples the child's RSS while it waits (/proc/PID/statm,
 * every OOMWATCH_PERIOD_S) and reads its cgroup's memory.events before and
 * after.  A child killed by SIGKILL that the parent did not kill is then
 * described with its last sampled RSS and, where the kernel says so, as
 * out of memory: the cgroup's oom_kill count (v2 memory.events, v1
 * memory.oom_control) rose during the run, or its peak RSS came within 10 % of the machine's (or cgroup's) memory.
 * Parent only; one watch per child.
 */
#ifndef GCB_HARNESS_OOMWATCH_H
#define GCB_HARNESS_OOMWATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define OOMWATCH_PERIOD_S 0.25

typedef struct oomwatch {
    pid_t pid;
    uint64_t rss_bytes;      /* last sample; 0 before the first */
    uint64_t peak_bytes;     /* largest sample */
    long long oom_kills0;    /* cgroup oom_kill count at start; -1 unknown */
    char events[512];        /* file with the cgroup's oom_kill count, or "" */
    char limit[512];         /* file with the cgroup's memory limit, or "" */
} oomwatch;

void oomwatch_start(oomwatch *w, pid_t pid);
/* Read the child's RSS now (cheap: one small /proc read). */
void oomwatch_sample(oomwatch *w);
/* After the child died of SIGKILL: "; last sampled RSS ...[; out of
 * memory: ...]" appended to buf. */
void oomwatch_explain(const oomwatch *w, char *buf, size_t len);

/* The oom_kill count in the text of a memory.events file; -1 if absent. */
long long oomwatch_oom_kills(const char *events_text);

#endif
